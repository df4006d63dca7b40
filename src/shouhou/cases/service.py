"""What every case type shares: create, read, list, transition, timeline."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from functools import cache
from typing import Any

from pydantic import BaseModel

from shouhou import plugins
from shouhou.accounts.service import store_for_caller
from shouhou.cases import repository as repo
from shouhou.cases.repository import CaseFilter
from shouhou.cases.schemas import CaseDocument as CaseDocument  # re-exported for other contexts' endpoints
from shouhou.cases.schemas import CaseRows as CaseRows
from shouhou.cases.schemas import CaseSummary as CaseSummary
from shouhou.engine import timers
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import is_customer_view, may
from shouhou.engine.registry import all_workflows, workflow_for
from shouhou.engine.runner import available_actions, run_action
from shouhou.errors import Invalid, ShouhouError, forbidden, not_found
from shouhou.fields import EARLIEST, LATEST, local_iso, parse
from shouhou.models import Case, CaseEvent, Customer, Order, Store, Timer


def create(ctx: Ctx, body: dict[str, Any] | BaseModel) -> Case:
    """Open a case of the type the body names (a dict is validated against the type's schema)."""
    if isinstance(body, BaseModel):
        kind = plugins.kind_for(str(getattr(body, "type", "")))
        return kind.create(ctx, body)
    case_type = body.get("type")
    if not isinstance(case_type, str):
        raise Invalid("type_required", en="Give the case type", zh="请指定售后类型（type）")
    kind = plugins.kind_for(case_type)
    return kind.create(ctx, parse(kind.create_schema, body))


def may_see(ctx: Ctx, case: Case) -> bool:
    actor = ctx.actor
    if may(actor, "case.read", case.store_id):
        return True
    return actor.customer_id is not None and actor.customer_id == case.customer_id


def get(ctx: Ctx, no: str) -> Case:
    case, found = repo.case_by_no(ctx.session, no, plugins.companions(), plugins.collections())
    if case is None or not may_see(ctx, case):
        # A case the caller may not see is reported as missing, not forbidden.
        raise not_found("case", no)
    timers.known_pending(ctx, case.id, found[Timer])  # kept up to date as actions arm and cancel
    preload = plugins.kind_for(case.type).preload
    if preload:
        preload(ctx.session, case.id, found)
    return case


def transition(ctx: Ctx, no: str, action: str, version: int, fields: dict[str, Any]) -> Case:
    case = get(ctx, no)
    run_action(ctx, case, action, version, fields)
    return case


def scope_filter(ctx: Ctx, **criteria: Any) -> CaseFilter:
    """Narrow a list to what the caller may see: own cases for a buyer, own stores for staff."""
    actor = ctx.actor
    staff_stores = actor.store_ids()
    if actor.customer_id is not None and not (actor.roles - {"customer"}):
        return CaseFilter(customer_id=actor.customer_id, **criteria)
    if staff_stores is not None:
        staff_stores = {s for s in staff_stores if may(actor, "case.read", s)}
    elif not may(actor, "case.read", None):
        raise forbidden("case.read")
    return CaseFilter(store_ids=staff_stores, **criteria)


def list_page(ctx: Ctx, criteria: dict[str, Any], *, limit: int = 50,
              cursor: str | None = None) -> tuple[list[Case], str | None]:
    if not 1 <= limit <= 200:
        raise Invalid("invalid_limit", en="limit must be between 1 and 200", zh="limit 须在 1 到 200 之间")
    f = _filter(ctx, criteria)
    after = decode_cursor(cursor) if cursor else None
    rows = repo.page(ctx.session, f, after_id=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].id) if more and rows else None


def check_filters(ctx: Ctx, criteria: dict[str, Any]) -> None:
    """An API list's filters name what exists, as every other list's do: an unknown type, status or
    store (or one the caller holds no role in) is refused, not answered with an empty list."""
    workflows = [workflow_for(criteria["type"])] if criteria.get("type") else all_workflows()  # unknown_case_type
    known = sorted({s.name for w in workflows for s in w.states})
    unknown = sorted(set(criteria.get("status") or ()) - set(known))
    if unknown:
        raise Invalid("invalid_status", en="Unknown status {status}; status is one of {allowed}",
                      zh="未知的状态 {status}；status 须为 {allowed} 之一",
                      status=", ".join(unknown), allowed=", ".join(known))
    if criteria.get("store_code"):
        store_for_caller(ctx, criteria["store_code"])  # not found, unless the caller holds a role in it


def _filter(ctx: Ctx, criteria: dict[str, Any]) -> CaseFilter:
    text = (criteria.pop("text", None) or "").strip()
    if text:
        criteria = {**criteria, "text": text, "extra": tuple(search(text) for search in plugins.searches())}
    return scope_filter(ctx, **criteria)


SORTABLE = frozenset(repo.SORTS)


def sorted_list(ctx: Ctx, criteria: dict[str, Any], sort: str, *, descending: bool, offset: int = 0,
                limit: int = 50) -> list[Case]:
    """The list ordered by one of its columns (`SORTABLE`, or a plug-in's sort key)."""
    key = repo.SORTS.get(sort) or plugins.sort_keys().get(sort)
    if key is None:
        raise Invalid("invalid_sort", en="The list cannot be sorted by {sort}", zh="列表不能按 {sort} 排序",
                      sort=sort)
    return repo.sorted_page(ctx.session, _filter(ctx, criteria), key, descending=descending,
                            offset=max(offset, 0), limit=limit)


def sort_names() -> frozenset[str]:
    return SORTABLE | frozenset(plugins.sort_keys())


def status_counts(ctx: Ctx, criteria: dict[str, Any]) -> dict[str, int]:
    """The list's tabs: how many cases of the filter (whatever their status) are in each status."""
    return repo.status_counts(ctx.session, _filter(ctx, {**criteria, "status": None}))


def deadlines(ctx: Ctx, cases: list[Case]) -> dict[str, str | None]:
    """Each case's next deadline in its store's zone, by case number."""
    due = repo.deadlines(ctx.session, [c.id for c in cases])
    stores = repo.by_ids(ctx.session, Store, (c.store_id for c in cases))
    return {c.no: local_iso(due.get(c.id), stores[c.store_id].timezone) for c in cases}


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"id": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded))["id"]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**63:
            raise ValueError
        return value
    except (ValueError, KeyError, TypeError):
        raise Invalid("invalid_cursor", en="The cursor is not one this API gave out", zh="游标无效") from None


def events(ctx: Ctx, case: Case) -> list[CaseEvent]:
    return repo.events_of(ctx.session, case.id, public_only=is_customer_view(ctx.actor, case.store_id))


def timeline(ctx: Ctx, case: Case) -> list[dict[str, Any]]:
    tz = ctx.session.get_one(Store, case.store_id).timezone
    return [event_document(ctx, case, e, tz) for e in events(ctx, case)]


def event_document(ctx: Ctx, case: Case, e: CaseEvent, tz: str) -> dict[str, Any]:
    wf = workflow_for(case.type)
    action = wf.create if e.action == wf.create.name else wf.action(e.action)
    state = wf.state(e.to_status)
    return {
        "seq": e.seq, "action": e.action, "action_label": ctx.label(action.zh, action.en) if action else e.action,
        "from": e.from_status, "to": e.to_status, "to_label": ctx.label(state.zh, state.en),
        "actor": e.actor_name, "actor_role": e.actor_role, "at": local_iso(e.at, tz),
        "visibility": e.visibility, "payload": e.payload,
    }


def summaries(ctx: Ctx, cases: list[Case]) -> list[dict[str, Any]]:
    """List rows: the generic columns, fetched in a handful of queries whatever the page size."""
    session = ctx.session
    stores = repo.by_ids(session, Store, (c.store_id for c in cases))
    orders = repo.by_ids(session, Order, (c.order_id for c in cases))
    customers = repo.by_ids(session, Customer, (c.customer_id for c in cases))
    users = repo.usernames(session, (c.assignee_id for c in cases))
    out = []
    for c in cases:
        store: Any = stores[c.store_id]
        order: Any = orders.get(c.order_id) if c.order_id else None
        customer: Any = customers.get(c.customer_id) if c.customer_id else None
        wf = workflow_for(c.type)
        state = wf.state(c.status)
        out.append({
            "no": c.no, "type": c.type, "type_label": ctx.label(wf.zh, wf.en), "store": store.code,
            "store_name": store.name,
            "status": c.status, "status_label": ctx.label(state.zh, state.en), "version": c.version,
            "priority": c.priority, "channel": c.channel, "subject": c.subject,
            "order_no": order.order_no if order else None,
            "order_placed_at": local_iso(order.placed_at, store.timezone) if order else None,
            "customer": customer.external_id if customer else None,
            "customer_name": customer.name if customer else None,
            "assignee": users.get(c.assignee_id) if c.assignee_id else None,
            "created_at": local_iso(c.created_at, store.timezone),
            "updated_at": local_iso(c.updated_at, store.timezone),
            "closed_at": local_iso(c.closed_at, store.timezone),
        })
    for c, row in zip(cases, out, strict=True):
        summarize = plugins.kind_for(c.type).summarize
        if summarize:
            row.update(summarize(ctx, c))
    return out


def document(ctx: Ctx, case: Case) -> dict[str, Any]:
    """The full case: generic fields, type detail, next deadline, what the caller may do now."""
    doc = summaries(ctx, [case])[0]
    store = ctx.session.get_one(Store, case.store_id)
    wf = workflow_for(case.type)
    doc["description"] = case.description
    doc["first_owner"] = repo.usernames(ctx.session, [case.first_owner_id]).get(case.first_owner_id or 0)
    if case.customer_id:
        customer = ctx.session.get_one(Customer, case.customer_id)
        doc["customer_detail"] = {"external_id": customer.external_id, "name": customer.name,
                                  "phone": customer.phone, "level": customer.level, "address": customer.address}
    deadline = timers.next_deadline(ctx, wf, case)
    doc["next_deadline"] = None if deadline is None else {
        "at": local_iso(deadline.at, store.timezone), "kind": deadline.kind, "action": deadline.action,
        "effect": ctx.label(deadline.zh, deadline.en),
    }
    doc["available_actions"] = [action_document(ctx, a) for a in available_actions(ctx, case)]
    # A complaint spawns an exchange, a failed repair a 三包 return: shown on both cases.
    doc["links"] = [{"case": other.no, "type": other.type, "status": other.status, "kind": link.kind,
                     "direction": "to" if link.case_id == case.id else "from"}
                    for link, other in repo.links_of(ctx.session, case.id)]
    doc.update(plugins.kind_for(case.type).describe(ctx, case))
    for plugin in plugins.plugins():  # what other contexts add to every case (e.g. service levels)
        if plugin.case_document is not None:
            doc.update(plugin.case_document(ctx, case))
    return doc


def action_document(ctx: Ctx, action: Any) -> dict[str, Any]:
    return {"name": action.name, "label": ctx.label(action.zh, action.en),
            "fields": payload_schema(action.payload) if action.payload else None}


@cache
def payload_schema(model: type[BaseModel]) -> dict[str, Any]:
    """An action's JSON schema; built once per payload class (pydantic's is costly)."""
    return model.model_json_schema()


def parse_time(value: str | None, field: str) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid("invalid_time", en="{field} must be an ISO 8601 time with offset",
                      zh="{field} 须为带时区偏移的 ISO 8601 时间", field=field) from None
    if dt.tzinfo is None:
        raise Invalid("invalid_time", en="{field} must include a UTC offset", zh="{field} 须包含时区偏移",
                      field=field)
    if not EARLIEST <= dt.year <= LATEST:
        raise Invalid("invalid_time", en="{field} must fall between the years {earliest} and {latest}",
                      zh="{field} 须在 {earliest} 年至 {latest} 年之间", field=field, earliest=EARLIEST, latest=LATEST)
    return dt


def customer_case_count(ctx: Ctx, customer_id: int) -> int:
    """How many after-sales cases this buyer has had (the reviewer weighs it, SPEC §4.3)."""
    return repo.count_for_customer(ctx.session, customer_id)


def batch_transition(ctx: Ctx, items: list[tuple[str, int]], action: str,
                     payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The same action on several cases; each succeeds or fails on its own (a savepoint each)."""
    results = []
    for no, version in items:
        try:
            with ctx.session.begin_nested():
                case = transition(ctx, no, action, version, dict(payload))
            results.append({"no": no, "ok": True, "status": case.status, "version": case.version})
        except ShouhouError as exc:
            results.append({"no": no, "ok": False, "code": exc.code, "message": exc.message(ctx.lang)})
    return results
