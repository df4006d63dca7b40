"""Service contracts (合同服务, type B of seed 000 (六)): who is covered, for what, until when,
and the preventive-maintenance visits they include (the worker opens a case for each when due)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.accounts import service as accounts
from shouhou.calendar import add_months, local_date
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import STAFF
from shouhou.errors import Conflict, Invalid, forbidden, not_found
from shouhou.fields import local_iso, yuan
from shouhou.models import Case, Customer, Store
from shouhou.models.units import ContractUnit, MaintenanceVisit, ServiceContract, Unit
from shouhou.policy.warranty import ContractFacts
from shouhou.units import repository as repo
from shouhou.units.schemas import ContractIn

READERS = STAFF | {"integration"}  # who may read units and their contracts

WRITERS = frozenset({"agent", "supervisor", "admin", "integration"})


def create(ctx: Ctx, body: ContractIn) -> ServiceContract:
    store = accounts.store_for_caller(ctx, body.store)
    if not ctx.actor.roles_in(store.id) & WRITERS:
        raise forbidden("contract.write", store=store.code)
    if body.ends_on < body.starts_on:
        raise Invalid("invalid_period", en="ends_on is before starts_on", zh="合同结束日期早于开始日期")
    customer = accounts.customer_by_external(ctx.session, store.id, body.customer)
    if customer is None:
        raise not_found("customer", body.customer)
    no = body.no or _number(ctx, store)
    if repo.contract_by_no(ctx.session, store.id, no) is not None:
        raise Conflict("contract_exists", en="Contract {no} already exists", zh="合同 {no} 已存在", no=no)
    covered: list[Unit] = []
    for serial in dict.fromkeys(body.serials):
        unit = repo.unit_by_serial(ctx.session, store.id, serial)
        if unit is None:
            raise not_found("unit", serial)
        if unit.customer_id != customer.id:
            raise Invalid("unit_not_customers", en="Unit {serial} is not the customer's",
                          zh="产品 {serial} 不属于该客户",
                          serial=serial)
        covered.append(unit)
    days = sorted(set(body.visits.dates) | set(_every(body.starts_on, body.ends_on, body.visits.every_months)))
    outside = [d.isoformat() for d in days if not body.starts_on <= d <= body.ends_on]
    if outside:
        raise Invalid("visit_outside_contract", en="Visits {dates} fall outside the contract period",
                      zh="保养日期 {dates} 不在合同期内", dates=outside)
    contract = ServiceContract(store_id=store.id, no=no, customer_id=customer.id, starts_on=body.starts_on,
                               ends_on=body.ends_on, fee_fen=body.fee, covers_labour=body.covers.labour,
                               covers_parts=body.covers.parts, covers_call_out=body.covers.call_out,
                               response_hours=body.response_hours, status="active", note=body.note, extra={},
                               created_at=ctx.clock.now())
    ctx.session.add(contract)
    ctx.session.flush()
    for unit in covered:
        ctx.session.add(ContractUnit(store_id=store.id, contract_id=contract.id, unit_id=unit.id))
        for day in days:
            ctx.session.add(MaintenanceVisit(store_id=store.id, contract_id=contract.id, unit_id=unit.id, due_on=day))
    ctx.session.flush()
    return contract


def _every(start: date, end: date, months: int | None) -> list[date]:
    if not months:
        return []
    out, n = [], 1
    while (day := add_months(start, months * n)) <= end:
        out.append(day)
        n += 1
    return out


def _number(ctx: Ctx, store: Store) -> str:
    day = ctx.clock.now().astimezone(ZoneInfo(store.timezone)).strftime("%Y%m%d")
    n = 1
    while repo.contract_by_no(ctx.session, store.id, f"HT{day}{n:03d}") is not None:
        n += 1
    return f"HT{day}{n:03d}"


def find(ctx: Ctx, no: str, store_code: str | None = None) -> ServiceContract:
    store = accounts.store_for_caller(ctx, store_code)
    contract = repo.contract_by_no(ctx.session, store.id, no)
    if contract is None or not _may_read(ctx, contract):
        raise not_found("contract", no)
    return contract


def _may_read(ctx: Ctx, contract: ServiceContract) -> bool:
    actor = ctx.actor
    return bool(actor.roles_in(contract.store_id) & READERS) or (
        actor.customer_id is not None and actor.customer_id == contract.customer_id)


def listing(ctx: Ctx, *, store_code: str | None, customer: str | None, status: str | None,
            limit: int = 100) -> list[ServiceContract]:
    actor = ctx.actor
    customer_id = None
    if actor.customer_id is not None and not (actor.roles - {"customer"}):
        store_ids: set[int] | None = None
        customer_id = actor.customer_id
    elif store_code:  # a store the caller holds no role in is not found
        store_ids = {accounts.store_for_caller(ctx, store_code).id}
    else:
        store_ids = actor.store_ids()
    if customer and customer_id is None:
        store = accounts.store_for_caller(ctx, store_code)
        found = accounts.customer_by_external(ctx.session, store.id, customer)
        if found is None:
            return []
        customer_id = found.id
    rows = repo.contracts(ctx.session, store_ids, customer_id, status, limit)
    return [c for c in rows if _may_read(ctx, c)]


def valid_contract(ctx: Ctx, unit: Unit, as_of: datetime) -> ServiceContract | None:
    """The contract covering the unit on this day, if any (the latest ending first)."""
    tz = ZoneInfo(ctx.session.get_one(Store, unit.store_id).timezone)
    day = local_date(as_of, tz)
    for contract in repo.contracts_of_unit(ctx.session, unit.id):
        if facts(contract).valid_on(day):
            return contract
    return None


def facts(contract: ServiceContract) -> ContractFacts:
    return ContractFacts(contract.no, contract.starts_on, contract.ends_on, contract.status == "active")


def get_by_id(ctx: Ctx, contract_id: int) -> ServiceContract:
    return ctx.session.get_one(ServiceContract, contract_id)


def summary(ctx: Ctx, contract: ServiceContract, tz: str) -> dict[str, Any]:
    day = local_date(ctx.clock.now(), ZoneInfo(tz))
    return {"no": contract.no, "starts_on": contract.starts_on.isoformat(), "ends_on": contract.ends_on.isoformat(),
            "status": contract.status, "valid": facts(contract).valid_on(day)}


def document(ctx: Ctx, contract: ServiceContract) -> dict[str, Any]:
    session = ctx.session
    store = session.get_one(Store, contract.store_id)
    customer = session.get_one(Customer, contract.customer_id)
    unit_by_id = {u.id: u for u in repo.contract_units(session, contract.id)}
    return {
        **summary(ctx, contract, store.timezone), "store": store.code, "customer": customer.external_id,
        "customer_name": customer.name, "fee": yuan(contract.fee_fen),
        "covers": {"labour": contract.covers_labour, "parts": contract.covers_parts,
                   "call_out": contract.covers_call_out},
        "response_hours": contract.response_hours, "note": contract.note,
        "units": [{"serial": u.serial, "model": u.model, "name": u.name} for u in unit_by_id.values()],
        "visits": [{"serial": unit_by_id[v.unit_id].serial, "due_on": v.due_on.isoformat(),
                    "case": _case_no(ctx, v.case_id), "opened_at": local_iso(v.opened_at, store.timezone)}
                   for v in repo.visits_of(session, contract.id) if v.unit_id in unit_by_id],
    }


def _case_no(ctx: Ctx, case_id: int | None) -> str | None:
    if case_id is None:
        return None
    return ctx.session.get_one(Case, case_id).no


def due_visits(ctx: Ctx, until: date, limit: int = 200) -> list[MaintenanceVisit]:
    """Visits due by `until` whose case is not open yet (the worker's job opens them)."""
    return repo.due_visits(ctx.session, until, limit)


def visit_opened(ctx: Ctx, visit: MaintenanceVisit, case_id: int) -> None:
    visit.case_id, visit.opened_at = case_id, ctx.clock.now()
    ctx.session.flush()
