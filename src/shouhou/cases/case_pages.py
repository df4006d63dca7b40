"""The case page, in the console and in the portal: everything about a case, its timeline in
words, the buyer–merchant thread with one reply box, and the actions its user may take now —
the next step as one primary button, the others secondary, destructive ones confirmed; after an
action a message says what happened and what comes next."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou import plugins
from shouhou.api.errors import STATUS
from shouhou.cases import service
from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.errors import Invalid, ShouhouError
from shouhou.models import Case, Store
from shouhou.web import actions as offered
from shouhou.web.forms import Field, error_text, fields_of, has_files, payload_from
from shouhou.web.i18n import gettext
from shouhou.web.labels import field_label
from shouhou.web.photos import forget_photos, save_photos
from shouhou.web.session import buyer_only, check_csrf, staff_only
from shouhou.web.templating import render
from shouhou.web.values import event_items

router = APIRouter(include_in_schema=False)


def detail_context(ctx: Ctx, no: str) -> dict[str, Any]:
    case = service.get(ctx, no)
    doc = service.document(ctx, case)
    options = plugins.options_for(ctx, case)
    available = [(a, fields_of(a["fields"], a["name"], options)) for a in doc["available_actions"]]
    count = service.customer_case_count(ctx, case.customer_id) if case.customer_id else 0
    kind = plugins.kind_for(case.type)
    timeline = _timeline(ctx, case, options)
    return {"doc": doc, "offer": offered.arrange(available), "timeline": timeline,
            "thread": [e for e in timeline if e["action"] in offered.THREAD],
            "customer_cases": count, "detail_template": kind.detail_template, "options": options,
            "progress": kind.progress(ctx, doc) if kind.progress else None}


def _timeline(ctx: Ctx, case: Case, options: dict[str, Any]) -> list[dict[str, Any]]:
    """The events with their payloads in words; a modified application also says what changed."""
    wf = workflow_for(case.type)
    tz = ctx.session.get_one(Store, case.store_id).timezone
    applied = service.payload_schema(wf.create.payload) if wf.create.payload else None
    known: dict[str, Any] = {}
    out = []
    for e in service.timeline(ctx, case):
        action = wf.create if e["action"] == wf.create.name else wf.action(e["action"])
        schema = service.payload_schema(action.payload) if action is not None and action.payload else None
        payload = e["payload"] or {}
        changes = []
        if e["action"] == "modify":
            for key, new in payload.items():
                if key in known and known[key] != new:
                    old_text = _text(event_items({key: known[key]}, applied, "apply", ctx.lang, tz, options), ctx.lang)
                    new_text = _text(event_items({key: new}, applied, "apply", ctx.lang, tz, options), ctx.lang)
                    if old_text != new_text:
                        changes.append({"label": gettext(ctx.lang, field_label(key)), "old": old_text,
                                        "new": new_text})
        if e["action"] in (wf.create.name, "modify"):
            known.update(payload)
        out.append({**e, "items": event_items(payload, schema, e["action"], ctx.lang, tz, options),
                    "changes": changes})
    return out


def _text(items: list[Any], lang: str) -> str:
    parts = [str(i.value) if i.kind != "photos" else f"{len(i.value)} " + gettext(lang, "photo(s)") for i in items]
    return ("; " if lang == "en" else "；").join(parts) or "—"


@router.get("/console/cases/{no}")
def case_detail(no: str, request: Request) -> Response:
    ctx = staff_only(request)
    return render(request, "cases/detail.html", ctx, error=None, **detail_context(ctx, no))


@router.get("/console/cases/{no}/print")
def case_print(no: str, request: Request) -> Response:
    ctx = staff_only(request)
    return render(request, "cases/print.html", ctx, **detail_context(ctx, no))


async def take_action(request: Request, ctx: Ctx, no: str, template: str, back: str) -> Response:
    """Shared by the console and the portal: one form per available action; photos come as files."""
    form = await check_csrf(request)
    back = safe_back(form.get("_back"), back)
    name = str(form.get("_action", ""))
    saved: list[str] = []
    try:
        case = service.get(ctx, no)
        doc_actions = {a["name"]: a for a in service.document(ctx, case)["available_actions"]}
        fields = fields_of(doc_actions[name]["fields"], name, plugins.options_for(ctx, case)) \
            if name in doc_actions else []
        if "_say" in form:  # the thread's one reply box: its text goes in the chosen action's text field
            form[offered.text_field(fields)] = form["_say"]
        files = await _files(request, ctx, fields, saved)
        version = int(str(form.get("_version", "0")) or 0)
        tz = ctx.session.get_one(Store, case.store_id).timezone
        payload = payload_from(form, fields, tz=tz, files=files)
        if name in offered.THREAD and name not in doc_actions:
            raise Invalid("not_now", en="This cannot be done on the case now", zh="该售后单当前不能执行此操作")
        case = service.transition(ctx, no, name, version, payload)
    except ShouhouError as exc:
        ctx.session.rollback()
        forget_photos(ctx.settings.var_dir, saved)  # nothing of a refused form stays
        return render(request, template, ctx, status=STATUS.get(exc.kind, 422), error=error_text(exc, ctx.lang),
                      error_code=exc.code, sent={"action": name, "form": form}, **detail_context(ctx, no))
    request.session["flash"] = {"kind": "ok", "text": done_text(ctx, case, name)}
    return RedirectResponse(back, status_code=303)


async def _files(request: Request, ctx: Ctx, fields: list[Field], saved: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if not has_files(fields):
        return out
    for f in _flat(fields):
        if f.kind in ("photos", "photo"):
            links = await save_photos(request, ctx.settings.var_dir, f.name)
            saved += links
            out[f.name] = links
    return out


def _flat(fields: list[Field]) -> list[Field]:
    return [g for f in fields for g in ([f] if f.kind != "group" else _flat(f.children))]


def done_text(ctx: Ctx, case: Case, action: str) -> str:
    """What happened and what comes next, after an action."""
    wf = workflow_for(case.type)
    declared = wf.action(action)
    label = ctx.label(declared.zh, declared.en) if declared else action
    state = wf.state(case.status)
    text = ctx.label(f"「{label}」已完成，售后单现为「{state.zh}」。", f"{label}: done. The case is now {state.en.lower()}.")
    deadline = service.document(ctx, case)["next_deadline"]
    if deadline:
        at = deadline["at"][:16].replace("T", " ")
        text += ctx.label(f"下一个时限：{at}（{deadline['effect']}）。", f" Next deadline {at}: {deadline['effect']}.")
    return text


def safe_back(value: object, default: str) -> str:
    text = str(value or "")
    return text if text.startswith("/") and not text.startswith("//") else default


@router.post("/console/cases/{no}/act")
async def case_act(no: str, request: Request) -> Response:
    return await take_action(request, staff_only(request), no, "cases/detail.html", f"/console/cases/{no}")


@router.get("/portal/cases/{no}")
def portal_case(no: str, request: Request) -> Response:
    ctx = buyer_only(request)
    return render(request, "portal/case.html", ctx, error=None, **detail_context(ctx, no))


@router.post("/portal/cases/{no}/act")
async def portal_act(no: str, request: Request) -> Response:
    return await take_action(request, buyer_only(request), no, "portal/case.html", f"/portal/cases/{no}")
