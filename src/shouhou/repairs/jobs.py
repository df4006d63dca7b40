"""The worker's periodic duties for repairs: open each contract's preventive-maintenance visit as a
`repair` case (`kind: maintenance`) when it falls due (the store's lead days before its date)."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from shouhou.cases import service as cases
from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.engine.actor import SYSTEM
from shouhou.engine.context import Ctx
from shouhou.errors import ShouhouError
from shouhou.models import Customer, Store
from shouhou.models.units import MaintenanceVisit
from shouhou.repairs import settings as repair_settings
from shouhou.units import service as units

log = logging.getLogger("shouhou.repairs")
BATCH = 100


def open_maintenance_visits(db: Database, settings: Settings, clock: Clock) -> int:
    """One pass: every visit now due gets its case, each in a savepoint of its own."""
    opened = 0
    with db.session() as session:
        ctx = Ctx(session=session, actor=SYSTEM, clock=clock, settings=settings, lang="zh")
        for store in session.scalars(select(Store)):
            tz = ZoneInfo(store.timezone)
            lead = repair_settings.of_store(ctx, store.id).maintenance_lead_days
            until = clock.now().astimezone(tz).date() + timedelta(days=lead)
            for visit in units.due_visits(ctx, until, BATCH):
                if visit.store_id != store.id:
                    continue
                try:
                    with session.begin_nested():
                        case = _open(ctx, store, visit, tz)
                        units.visit_opened(ctx, visit, case.id)
                    opened += 1
                except ShouhouError as exc:  # e.g. the unit was deleted: say so, try the others
                    log.warning("maintenance visit %s not opened: %s", visit.id, exc.code)
    return opened


def _open(ctx: Ctx, store: Store, visit: MaintenanceVisit, tz: ZoneInfo):
    unit = units.get(ctx, visit.unit_id)
    contract = units.contract_by_id(ctx, visit.contract_id)
    customer = ctx.session.get_one(Customer, contract.customer_id)
    start = datetime.combine(visit.due_on, time(9, 0), tzinfo=tz)
    end = start + timedelta(hours=9)
    # A visit opened late (its day over) asks for no time: one already past would be refused.
    wanted = {"preferred_time": {"start": start.isoformat(), "end": end.isoformat()}} if end > ctx.clock.now() else {}
    return cases.create(ctx, {
        "type": "repair", "kind": "maintenance", "store": store.code, "serial": unit.serial,
        "customer": customer.external_id, "mode": "onsite", "channel": "contract",
        "contact": {"name": customer.name or customer.external_id, "phone": customer.phone or "—",
                    "address": unit.address or customer.address, "district": unit.district},
        "fault": f"合同 {contract.no} 定期保养 (应于 {visit.due_on.isoformat()})",
        **wanted,
    })
