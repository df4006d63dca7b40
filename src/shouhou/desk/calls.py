"""The hotline and the portal's contact form: a call an agent registers in one form, a visitor's
question — each a case, so that no request is lost whatever door it came in by."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select

from shouhou.accounts import service as accounts
from shouhou.cases import service as cases
from shouhou.desk import outbound
from shouhou.desk.mail_in import contact
from shouhou.desk.schemas import CallIn
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import require
from shouhou.errors import Invalid, Throttled, forbidden, not_found
from shouhou.fields import Ident, Line, Text, local_iso, parse_as
from shouhou.models import Case, Customer
from shouhou.models.desk import CaseDesk, FormThrottle
from shouhou.orders import service as orders

TAKERS = frozenset({"agent", "supervisor"})  # who answers the hotline
FORM_LIMIT = 5  # visitor requests per address per window
FORM_WINDOW = timedelta(hours=1)


def register_call(ctx: Ctx, body: CallIn) -> Case:
    """受理来电: the caller's number, who they are, what they want, the order or unit if known."""
    at = body.called_at or ctx.clock.now()
    store = accounts.store_for_caller(ctx, body.store) if body.store or not body.order_no else None
    store_id = store.id if store else orders.find_order(ctx, str(body.order_no)).store_id
    if not ctx.actor.roles_in(store_id) & TAKERS:
        raise forbidden("desk.call", store_id=store_id)
    tz = store.timezone if store else "Asia/Shanghai"
    lines = [f"来电 {body.phone} {body.caller}".strip() + f" @ {local_iso(at, tz)}"]
    if body.unit:
        lines.append(f"机身号 {body.unit}")
    if body.description:
        lines.append(body.description)
    fields: dict[str, Any] = {"type": "consultation", "subject": body.subject, "description": "\n".join(lines),
                              "channel": "hotline", "priority": body.priority}
    if body.order_no:
        fields["order_no"] = body.order_no
    if store is not None:
        fields["store"] = store.code
    case = cases.create(ctx, fields)
    contact(ctx, case, name=body.caller, phone=body.phone)
    return case


def caller_cases(ctx: Ctx, phone: str, store: str | None = None) -> dict[str, Any]:
    """A number's cases, open ones first: what the agent sees as the phone rings."""
    wanted = accounts.store_for_caller(ctx, store)
    require(ctx.actor, "case.read", wanted.id)
    found = list(ctx.session.scalars(
        select(Case).outerjoin(CaseDesk, CaseDesk.case_id == Case.id).outerjoin(Customer, Customer.id == Case.customer_id)
        .where(Case.store_id == wanted.id, or_(Customer.phone == phone, CaseDesk.contact_phone == phone))
        .order_by(Case.closed_at.is_not(None), Case.id.desc()).limit(50)))
    return {"phone": phone, "items": cases.summaries(ctx, found)}


def _throttle(ctx: Ctx, key: str) -> None:
    now = ctx.clock.now()
    row = ctx.session.get(FormThrottle, key, with_for_update=True)
    if row is None:
        ctx.session.add(FormThrottle(key=key, window_start=now, count=1))
    elif now - row.window_start > FORM_WINDOW:
        row.window_start, row.count = now, 1
    elif row.count >= FORM_LIMIT:
        retry = int((row.window_start + FORM_WINDOW - now).total_seconds()) + 1
        raise Throttled("too_many_requests", en="Too many requests from here; try again in {retry_after} s",
                        zh="提交过于频繁, 请 {retry_after} 秒后再试", retry_after=retry)
    else:
        row.count += 1
    ctx.session.flush()


LIMITS = {"name": 200, "phone": 40, "email": 200, "order_no": 64, "subject": 300, "description": 20000}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _checked(fields: dict[str, str]) -> dict[str, str]:
    out = {k: str(fields.get(k) or "").strip() for k in LIMITS}
    too_long = [k for k, n in LIMITS.items() if len(out[k]) > n]
    if too_long:
        raise Invalid("too_long", en="Too long: {fields}", zh="内容过长: {fields}", fields=", ".join(too_long))
    for name, kind in (("name", Line), ("phone", Ident), ("email", Ident), ("order_no", Ident), ("subject", Line),
                       ("description", Text)):  # what the API's fields refuse (the contact goes on the case)
        parse_as(kind, out[name], name)
    if not out["subject"]:
        raise Invalid("subject_required", en="Say what it is about", zh="请填写问题")
    if not out["phone"] and not out["email"]:
        raise Invalid("contact_required", en="Leave a phone number or an email address",
                      zh="请留下手机号或邮箱, 以便我们联系您")
    if out["email"] and not EMAIL.match(out["email"]):
        raise Invalid("invalid_email", en="The email address is not valid", zh="邮箱格式不正确")
    return out


def visitor_request(ctx: Ctx, store_code: str, fields: dict[str, str], client: str) -> Case:
    """The portal's contact form, for visitors without an account too: name, phone, email, order number."""
    system = ctx.as_system()
    stores = accounts.visible_stores(system)
    if not store_code and len(stores) == 1:
        store_code = stores[0].code
    store = next((s for s in stores if s.code == store_code), None)
    if store is None:
        raise not_found("store", store_code)
    checked = _checked(fields)
    _throttle(ctx, f"form:{client}"[:100])
    lines = [f"{k}: {checked[k]}" for k in ("name", "phone", "email", "order_no") if checked[k]]
    description = "\n".join([*lines, "", checked["description"]]).strip()
    case = cases.create(system, {"type": "consultation", "store": store.code, "channel": "portal",
                                 "subject": checked["subject"], "description": description[:20000]})
    contact(system, case, name=checked["name"], email=checked["email"].lower(), phone=checked["phone"],
            lang=fields.get("lang", "zh"))
    outbound.tell_customer(system, case, "received")
    return case
