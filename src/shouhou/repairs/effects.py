"""The guards, effects, `offered` tests and durations the repair and installation workflows name
(workflow.py), gathered for plugin.py to bind; each lives in the module of its use-case."""

from __future__ import annotations

from datetime import timedelta

from shouhou.engine.runner import Step
from shouhou.repairs import repository as repo
from shouhou.repairs import settings as repair_settings
from shouhou.repairs.card import (  # noqa: F401 - bound by name
    finish_repair,
    log_work,
    may_book_work,
    may_start_repair,
    parts_arrived,
    start_repair,
    wait_parts,
)
from shouhou.repairs.fees import (  # noqa: F401
    approve_quote,
    change_service_type,
    collect_fee,
    decline_quote,
    invoice_offered,
    issue_invoice,
    may_change_service_type,
    may_collect,
    money_due,
    quote,
    quote_offered,
    write_off,
)
from shouhou.repairs.proposals import (  # noqa: F401
    exchange_offered,
    propose_exchange,
    propose_return,
    return_offered,
)
from shouhou.repairs.visit import (  # noqa: F401
    assign_outlet,
    cancel,
    check_in,
    complete_onsite,
    dispatch_offered,
    may_dispatch,
    may_redispatch,
    may_reschedule,
    redispatch,
    remind_appointment,
    reminder_delay,
    reschedule,
    response_overdue,
)
from shouhou.repairs.visit import dispatch_ as dispatch  # noqa: F401
from shouhou.repairs.workshop import (  # noqa: F401
    confirm_return,
    fail_qc,
    flag_unclaimed,
    pass_qc,
    receive_unit,
    remind_pickup,
    return_unit,
    send_to_vendor,
    take_in,
    vendor_returned,
)
from shouhou.units import service as units


def rating_open(step: Step) -> bool:
    return repo.detail(step.ctx.session, step.case.id).rating is None


def rate(step: Step) -> None:
    d = repo.detail(step.ctx.session, step.case.id)
    d.rating, d.rating_comment = step.payload.score, step.payload.comment


# -- deadlines, from the store's settings --------------------------------------------------------

def _days(field: str):
    def period(step: Step) -> timedelta:
        return timedelta(days=getattr(repair_settings.of_store(step.ctx, step.case.store_id), field))

    period.__name__ = field
    return period


quote_period = _days("quote_days")
confirm_period = _days("confirm_days")
pickup_reminder_period = _days("pickup_reminder_days")
pickup_flag_period = _days("pickup_flag_days")


def response_period(step: Step) -> timedelta:
    """The contract's promised response time, else the store's; a maintenance visit is due on its day."""
    d = repo.detail(step.ctx.session, step.case.id)
    if d.kind == "maintenance" and d.preferred_end is not None:
        return max(d.preferred_end - step.ctx.clock.now(), timedelta(minutes=1))
    if d.contract_id is not None:
        return timedelta(hours=units.contract_by_id(step.ctx, d.contract_id).response_hours)
    return timedelta(hours=repair_settings.of_store(step.ctx, step.case.store_id).response_hours)
