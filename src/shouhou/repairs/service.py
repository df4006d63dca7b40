"""Use-cases of repair and installation service that other layers call: open a case, read its
part of the document, the registration book, suggestions, technicians, the workshop register,
signatures. The workflow's own steps live in their modules (visit, workshop, card, fees)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from shouhou.accounts import service as accounts
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.errors import Invalid, forbidden, not_found
from shouhou.fields import EARLIEST, LATEST
from shouhou.models import Case, Store
from shouhou.models.repairs import Signature
from shouhou.repairs import dispatch, document, registration, workshop
from shouhou.repairs import repository as repo
from shouhou.repairs.schemas import InstallationIn, RepairIn

REPAIR_TYPES = ("repair", "installation")
BOOK_READERS = frozenset({"agent", "technician", "supervisor", "admin", "warehouse"})


def create(ctx: Ctx, body: RepairIn | InstallationIn) -> Case:
    return registration.create(ctx, body)


def describe(ctx: Ctx, case: Case) -> dict[str, Any]:
    return document.describe(ctx, case)


def summarize(ctx: Ctx, case: Case) -> dict[str, Any]:
    return document.summarize(ctx, case)


def repair_case(ctx: Ctx, no: str) -> Case:
    case = cases.get(ctx, no)
    if case.type not in REPAIR_TYPES:
        raise not_found("case", no)
    return case


def suggestions(ctx: Ctx, no: str, start: datetime | None, end: datetime | None) -> dict[str, Any]:
    case = repair_case(ctx, no)
    if not ctx.actor.roles_in(case.store_id) & dispatch.VIEWERS:
        raise forbidden("technician.read", case=no)
    return dispatch.suggestions(ctx, case, repo.detail(ctx.session, case.id), start, end)


def registration_book(ctx: Ctx, store_code: str | None) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, store_code)
    if not ctx.actor.roles_in(store.id) & BOOK_READERS:
        raise forbidden("repair.read", store=store.code)
    return {"store": store.code, "items": registration.registration_book(ctx, {store.id}, store.timezone)}


def signature(ctx: Ctx, no: str, signature_id: int) -> Signature:
    case = cases.get(ctx, no)
    found = repo.signature(ctx.session, case.id, signature_id)
    if found is None:
        raise not_found("signature", signature_id)
    return found


def technician_document(ctx: Ctx, username: str, store_code: str | None) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, store_code)
    if not ctx.actor.roles_in(store.id) & dispatch.VIEWERS:
        raise forbidden("technician.read", store=store.code)
    user = accounts.find_staff(ctx, username, store.id, frozenset({"technician"}))
    return dispatch.profile_document(ctx, dispatch.profile(ctx, store.id, user.id), user, store)


def put_technician(ctx: Ctx, username: str, store_code: str | None, body: dict[str, Any]) -> dict[str, Any]:
    row = dispatch.put_profile(ctx, username, store_code, body)
    store = ctx.session.get_one(Store, row.store_id)
    return dispatch.profile_document(ctx, row, accounts.get_user(ctx.session, username), store)


def technicians(ctx: Ctx, store_code: str | None) -> list[dict[str, Any]]:
    store = accounts.store_for_caller(ctx, store_code)
    if not ctx.actor.roles_in(store.id) & dispatch.VIEWERS:
        raise forbidden("technician.read", store=store.code)
    return [dispatch.profile_document(ctx, row, user, store) for row, user in repo.technicians(ctx.session, store.id)]


def workshop_register(ctx: Ctx, *, store_code: str | None, open_only: bool, since: datetime | None,
                      until: datetime | None) -> dict[str, Any]:
    return workshop.register_document(ctx, store_code=store_code, open_only=open_only, since=since, until=until)


def parse_day(value: str | None, field: str) -> date | None:
    """A day given as yyyy-mm-dd in a query (years 1900-2200), or `invalid_date`."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or len(value) != 10 or not EARLIEST <= day.year <= LATEST:
        raise Invalid("invalid_date", en="{field} must be a date (yyyy-mm-dd) in the years {earliest}-{latest}",
                      zh="{field} 须为 {earliest} 至 {latest} 年之间的日期(yyyy-mm-dd)", field=field,
                      earliest=EARLIEST, latest=LATEST)
    return day
