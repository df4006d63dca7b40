"""Every query of the installed base and the service contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from shouhou.models import Case, Customer, Order
from shouhou.models.units import (
    ContractUnit,
    MaintenanceVisit,
    ServiceContract,
    Unit,
    UnitService,
)


def unit_by_serial(session: Session, store_id: int, serial: str) -> Unit | None:
    return session.scalars(select(Unit).where(Unit.store_id == store_id, Unit.serial == serial)).first()


def units_by_serial(session: Session, serial: str, store_ids: set[int] | None) -> list[Unit]:
    stmt = select(Unit).where(Unit.serial == serial)
    if store_ids is not None:
        stmt = stmt.where(Unit.store_id.in_(store_ids))
    return list(session.scalars(stmt))


def units_of_line(session: Session, order_line_id: int) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.order_line_id == order_line_id).order_by(Unit.id)))


@dataclass(frozen=True)
class UnitFilter:
    store_ids: set[int] | None = None
    customer_id: int | None = None
    customer: str | None = None  # external id
    model: str | None = None
    category: str | None = None
    order_no: str | None = None
    serial: str | None = None  # contains


def filtered(f: UnitFilter) -> Select[Unit]:
    stmt = select(Unit)
    if f.store_ids is not None:
        stmt = stmt.where(Unit.store_id.in_(f.store_ids))
    if f.customer_id is not None:
        stmt = stmt.where(Unit.customer_id == f.customer_id)
    if f.customer:
        stmt = stmt.where(Unit.customer_id.in_(select(Customer.id).where(Customer.external_id == f.customer)))
    if f.model:
        stmt = stmt.where(Unit.model == f.model)
    if f.category:
        stmt = stmt.where(Unit.category == f.category)
    if f.order_no:
        stmt = stmt.where(Unit.order_id.in_(select(Order.id).where(Order.order_no == f.order_no)))
    if f.serial:
        stmt = stmt.where(Unit.serial.contains(f.serial))
    return stmt


def page(session: Session, f: UnitFilter, *, after_id: int | None, limit: int) -> list[Unit]:
    stmt = filtered(f)
    if after_id is not None:
        stmt = stmt.where(Unit.id < after_id)
    return list(session.scalars(stmt.order_by(Unit.id.desc()).limit(limit)))


def history(session: Session, unit_id: int) -> list[tuple[UnitService, Case]]:
    rows = session.execute(select(UnitService, Case).join(Case, Case.id == UnitService.case_id)
                           .where(UnitService.unit_id == unit_id).order_by(UnitService.opened_at, UnitService.id))
    return [(s, c) for s, c in rows]


def exchange_lines(session: Session, case_id: int) -> list[tuple[UnitService, Unit]]:
    """The units an exchange case replaces, each with its history line for the case."""
    rows = session.execute(select(UnitService, Unit).join(Unit, Unit.id == UnitService.unit_id)
                           .where(UnitService.case_id == case_id, UnitService.kind == "exchange")
                           .order_by(UnitService.id))
    return [(s, u) for s, u in rows]


def service_line(session: Session, unit_id: int, case_id: int) -> UnitService | None:
    return session.scalars(select(UnitService).where(UnitService.unit_id == unit_id,
                                                     UnitService.case_id == case_id)).first()


def contracts_of_unit(session: Session, unit_id: int) -> list[ServiceContract]:
    return list(session.scalars(select(ServiceContract)
                                .join(ContractUnit, ContractUnit.contract_id == ServiceContract.id)
                                .where(ContractUnit.unit_id == unit_id).order_by(ServiceContract.ends_on.desc())))


def contract_by_no(session: Session, store_id: int, no: str) -> ServiceContract | None:
    return session.scalars(select(ServiceContract).where(ServiceContract.store_id == store_id,
                                                         ServiceContract.no == no)).first()


def contracts(session: Session, store_ids: set[int] | None, customer_id: int | None, status: str | None,
              limit: int) -> list[ServiceContract]:
    stmt = select(ServiceContract)
    if store_ids is not None:
        stmt = stmt.where(ServiceContract.store_id.in_(store_ids))
    if customer_id is not None:
        stmt = stmt.where(ServiceContract.customer_id == customer_id)
    if status:
        stmt = stmt.where(ServiceContract.status == status)
    return list(session.scalars(stmt.order_by(ServiceContract.id.desc()).limit(limit)))


def contract_units(session: Session, contract_id: int) -> list[Unit]:
    return list(session.scalars(select(Unit).join(ContractUnit, ContractUnit.unit_id == Unit.id)
                                .where(ContractUnit.contract_id == contract_id).order_by(Unit.serial)))


def visits_of(session: Session, contract_id: int) -> list[MaintenanceVisit]:
    return list(session.scalars(select(MaintenanceVisit).where(MaintenanceVisit.contract_id == contract_id)
                                .order_by(MaintenanceVisit.due_on, MaintenanceVisit.unit_id)))


def due_visits(session: Session, until: date, limit: int) -> list[MaintenanceVisit]:
    return list(session.scalars(select(MaintenanceVisit).where(MaintenanceVisit.case_id.is_(None),
                                                               MaintenanceVisit.due_on <= until)
                                .order_by(MaintenanceVisit.due_on, MaintenanceVisit.id).limit(limit)))
