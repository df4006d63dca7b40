"""The agent's day: an inbox sorted by service-level due time (mine, my team's, followed, unassigned),
one case's workspace (the conversation, its clocks, canned replies and articles, the customer's
other cases and orders beside it), a reply or an internal note, and who else is on the case."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from shouhou.accounts import service as accounts
from shouhou.cases import service as cases
from shouhou.desk import conversation, knowledge, outbound, sla
from shouhou.desk import repository as repo
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import STAFF
from shouhou.engine.registry import workflow_for
from shouhou.errors import Forbidden, Invalid, forbidden
from shouhou.fields import duration_words, local_iso
from shouhou.models import Case
from shouhou.models.desk import DeskPresence, SlaClock
from shouhou.orders import service as orders

VIEWS = ("mine", "team", "followed", "unassigned")
VIEW_LABELS = {"mine": ("我的", "Mine"), "team": ("本组", "My team's"), "followed": ("我关注的", "Followed"),
               "unassigned": ("未分配", "Unassigned")}
TARGET_LABELS = {"first_response": ("首次响应", "First response"), "next_response": ("再次响应", "Next response"),
                 "resolution": ("解决", "Resolution")}
STATUS_LABELS = {"running": ("计时中", "Running"), "paused": ("已暂停", "Paused"), "met": ("已达成", "Met"),
                 "breached": ("已超时", "Breached"), "idle": ("未开始", "Not started")}
PRESENT_FOR = timedelta(minutes=5)  # a colleague seen on a case within this is "on it"
LIMIT = 50


def _staff_stores(ctx: Ctx) -> set[int] | None:
    ids = ctx.actor.store_ids()
    if ids is None:
        return None
    return {i for i in ids if ctx.actor.roles_in(i) & STAFF}


def _require_staff(ctx: Ctx, case: Case) -> None:
    if not ctx.actor.roles_in(case.store_id) & STAFF:
        raise forbidden("desk.inbox", store_id=case.store_id)


def remaining(ctx: Ctx, due: datetime | None) -> tuple[int | None, str]:
    """Minutes left until `due` (negative: overdue), and the same said in words."""
    if due is None:
        return None, ""
    minutes = int((due - ctx.clock.now()).total_seconds() // 60)
    # said as every other countdown says it (the lists' deadline column)
    return minutes, duration_words(abs(minutes) * 60, "en" if ctx.lang.startswith("en") else "zh", overdue=minutes < 0)


def clock_row(ctx: Ctx, target: str, status: str, due: datetime | None, tz: str) -> dict[str, Any]:
    minutes, words = remaining(ctx, due) if status == "running" else (None, "")
    if status == "running" and minutes is not None and minutes < 0:
        status = "breached"  # the sweep has not been round yet
    return {"target": target, "target_label": ctx.label(*TARGET_LABELS.get(target, (target, target))),
            "status": status, "status_label": ctx.label(*STATUS_LABELS.get(status, (status, status))),
            "due_at": local_iso(due, tz), "minutes_left": minutes, "remaining": words}


def views(ctx: Ctx) -> list[dict[str, Any]]:
    """Each inbox view with its cases, the one due soonest first."""
    if ctx.actor.user_id is None:
        raise Forbidden("desk_staff_only", en="The inbox is for staff", zh="工作台仅限客服人员")
    stores = _staff_stores(ctx)
    tzs = {s.id: s.timezone for s in accounts.visible_stores(ctx)}
    out = []
    for view in VIEWS:
        found = repo.inbox(ctx.session, view, ctx.actor.user_id, stores, LIMIT)
        rows = cases.summaries(ctx, found)
        clocks: dict[int, list[SlaClock]] = {}
        for c in repo.clocks_for(ctx.session, [f.id for f in found]):
            clocks.setdefault(c.case_id, []).append(c)
        now = ctx.clock.now()
        for case, row in zip(found, rows, strict=True):
            mine = clocks.get(case.id, [])
            due: list[tuple[datetime, str]]
            if any(c.check_at is not None and c.check_at <= now for c in mine):
                # The sweep has not looked since the case moved (a reply, say): read its log now.
                due = sorted((r.due_at, r.target) for r in sla.readings(ctx, case, mine)[1]
                             if r.status == "running" and r.due_at is not None)
            else:
                due = sorted((c.due_at, c.target) for c in mine if c.status == "running" and c.due_at is not None)
            row["next"] = clock_row(ctx, due[0][1], "running", due[0][0],
                                    tzs.get(case.store_id, "Asia/Shanghai")) if due else None
            row["_due"] = due[0][0] if due else None
        # Again by what was just read: the database sorted by the stored clocks.
        rows.sort(key=lambda r: (r["_due"] is None, r["_due"] or now))
        out.append({"name": view, "label": ctx.label(*VIEW_LABELS[view]), "rows": rows})
    return out


def workspace(ctx: Ctx, no: str) -> dict[str, Any]:
    """All an agent needs to answer one case, on one page."""
    case = cases.get(ctx, no)
    _require_staff(ctx, case)
    doc = cases.document(ctx, case)
    store = repo.store(ctx.session, case.store_id)
    name, email, phone, lang = outbound.contact_of(ctx, case)
    actions = {a["name"] for a in doc["available_actions"]}
    others = cases.summaries(ctx, repo.related_cases(ctx.session, case, email, phone))
    bought = []
    if case.customer_id is not None:
        for order in orders.orders_of_customer(ctx, case.customer_id)[:10]:
            d = orders.document(ctx, order)
            bought.append({"order_no": d["order_no"], "placed_at": d["placed_at"],
                           "amount": d["payment"]["amount"], "lines": [ln["name"] for ln in d["lines"]]})
    return {
        "doc": doc, "messages": conversation.messages(ctx, case, public_only=False),
        # From the event log (the document's `sla`), not the stored rows the sweep refreshes later.
        "clocks": [clock_row(ctx, s["target"], s["status"], datetime.fromisoformat(s["due_at"]) if s["due_at"] else None,
                             store.timezone) for s in doc.get("sla", [])],
        "contact": {"name": name, "email": email, "phone": phone, "lang": lang},
        "replies": knowledge.list_replies(ctx, store.code), "articles": knowledge.suggestions(ctx, no),
        "other_cases": others, "orders": bought, "others_here": others_here(ctx, case),
        "can_reply": "reply" in actions, "can_note": "note" in actions,
    }


def canned(ctx: Ctx, no: str, reply_id: int) -> str:
    """A canned reply with the case's variables filled in (its use counted), to edit before sending."""
    return str(knowledge.render_reply(ctx, reply_id, no)["text"])


def _field_of(case: Case, action: str) -> str:
    found = workflow_for(case.type).action(action)
    fields = found.payload.model_fields if found is not None and found.payload is not None else {}
    return next((f for f in ("message", "note") if f in fields), "message")


def send(ctx: Ctx, no: str, version: int, kind: str, text: str) -> Case:
    """A reply to the customer (`reply`) or an internal note (`note`), through the case's workflow."""
    if kind not in ("reply", "note"):
        raise Invalid("invalid_kind", en="Send a reply or a note", zh="只能发送回复或内部备注")
    if not text.strip():
        raise Invalid("empty_message", en="Write something first", zh="请先填写内容")
    case = cases.get(ctx, no)
    _require_staff(ctx, case)
    done = cases.transition(ctx, no, kind, version, {_field_of(case, kind): text.strip()})
    row = repo.presence_row(ctx.session, case.id, ctx.actor.user_id or 0)
    if row is not None:
        row.state = "viewing"  # replied: no longer typing
    return done


def here(ctx: Ctx, no: str, state: str) -> list[dict[str, Any]]:
    """I have the case open (`viewing`) or am typing a reply (`replying`); who else is on it."""
    case = cases.get(ctx, no)
    _require_staff(ctx, case)
    user_id = ctx.actor.user_id
    if user_id is not None:
        row = repo.presence_row(ctx.session, case.id, user_id)
        if row is None:
            try:
                with ctx.session.begin_nested():
                    ctx.session.add(DeskPresence(store_id=case.store_id, case_id=case.id, user_id=user_id,
                                                 state=state, at=ctx.clock.now()))
            except IntegrityError:  # the same person's other tab, at the same moment
                row = repo.presence_row(ctx.session, case.id, user_id)
        if row is not None:
            row.state, row.at = state, ctx.clock.now()
        ctx.session.flush()
    return others_here(ctx, case)


def others_here(ctx: Ctx, case: Case) -> list[dict[str, Any]]:
    rows = [p for p in repo.presence_of(ctx.session, case.id, ctx.clock.now() - PRESENT_FOR)
            if p.user_id != ctx.actor.user_id]
    users = repo.users_named(ctx.session, [p.user_id for p in rows])
    return [{"user": users[p.user_id].display_name or users[p.user_id].username, "state": p.state}
            for p in rows if p.user_id in users]
