"""Money of a repair (seed 000 (十)): the quote a paid case needs accepted, the fee lines, payments
on site or at the counter, the invoice issued the same day, and the supervisor's write-off; and
the service type, which a supervisor may change with a reason (e.g. a 三包 exclusion)."""

from __future__ import annotations

from typing import Any

from shouhou.engine.context import Ctx
from shouhou.engine.runner import Step
from shouhou.errors import Invalid
from shouhou.fields import local_iso, yuan
from shouhou.models.repairs import RepairDetail, RepairFee, RepairQuoteLine
from shouhou.parts import service as parts
from shouhou.repairs import pricing
from shouhou.repairs import repository as repo
from shouhou.repairs import settings as repair_settings
from shouhou.repairs.balance import balance_of
from shouhou.repairs.visit import pay


def detail(step: Step) -> RepairDetail:
    return repo.detail(step.ctx.session, step.case.id)


def quote_offered(step: Step) -> bool:
    return detail(step).service_type == "paid"


def quote(step: Step) -> None:
    """Priced by the system from the store's price list, each line exact to the fen."""
    ctx, case, p = step.ctx, step.case, step.payload
    d = detail(step)
    prices = repair_settings.of_store(ctx, case.store_id)
    priced = []
    for want in p.parts:
        part = parts.require_part(ctx, case.store_id, want.sku)
        priced.append((part.sku, part.name, want.qty, part.price_fen))
    lines = pricing.quote_lines(hourly_rate_fen=prices.hourly_rate_fen, labour_minutes=p.labour_minutes,
                                call_out=p.call_out, call_out_fee_fen=prices.call_out_fee_fen, parts=priced,
                                extra=[(x.description, x.amount) for x in p.extra_lines])
    for old in repo.quote_lines(ctx.session, case.id):
        ctx.session.delete(old)
    for line in lines:
        ctx.session.add(RepairQuoteLine(store_id=case.store_id, case_id=case.id, kind=line.kind,
                                        description=line.description, sku=line.sku, qty=line.qty,
                                        unit_fen=line.unit_fen, amount_fen=line.amount_fen))
    d.quote_status, d.quote_from, d.quoted_at = "pending", step.from_status, ctx.clock.now()
    ctx.session.flush()
    step.record["quote_total"] = yuan(sum(line.amount_fen for line in lines))


def approve_quote(step: Step) -> str:
    """The quote's lines become the case's fees; the work may be booked now."""
    ctx, case = step.ctx, step.case
    d = detail(step)
    d.quote_status = "accepted"
    for fee in repo.fees(ctx.session, case.id):
        if fee.source == "quote":
            ctx.session.delete(fee)
    for line in repo.quote_lines(ctx.session, case.id):
        ctx.session.add(RepairFee(store_id=case.store_id, case_id=case.id, kind=line.kind,
                                  description=line.description, amount_fen=line.amount_fen, source="quote",
                                  created_at=ctx.clock.now()))
    ctx.session.flush()
    return "on_site" if d.quote_from == "on_site" else "in_repair"


def decline_quote(step: Step) -> str:
    """The unit goes back unrepaired, with the inspection fee the price list says."""
    ctx, case = step.ctx, step.case
    d = detail(step)
    d.quote_status = "declined"
    fee = repair_settings.of_store(ctx, case.store_id).inspection_fee_fen
    if fee:
        ctx.session.add(RepairFee(store_id=case.store_id, case_id=case.id, kind="inspection", description="检测费",
                                  amount_fen=fee, source="decline", created_at=ctx.clock.now()))
        ctx.session.flush()
    return "on_site" if d.quote_from == "on_site" else "ready_for_return"


def money_due(step: Step) -> bool:
    return balance_of(step.ctx, step.case.id, detail(step)).due_fen > 0


def may_collect(step: Step) -> None:
    due = balance_of(step.ctx, step.case.id, detail(step)).due_fen
    amount = step.payload.amount
    if amount <= 0 or amount > due:
        raise Invalid("amount_exceeds_due" if amount > due else "invalid_amount",
                      en="Collect between 0.01 and the {due} due", zh="收款金额须在 0.01 到应收 {due} 之间",
                      due=yuan(due),
                      amount=yuan(amount))


def collect_fee(step: Step) -> str | None:
    d = detail(step)
    pay(step, d, step.payload.amount, step.payload.method)
    step.record["due"] = yuan(balance_of(step.ctx, step.case.id, d).due_fen)
    if step.from_status == "awaiting_payment" and balance_of(step.ctx, step.case.id, d).due_fen == 0:
        return "completed"
    return None


def invoice_offered(step: Step) -> bool:
    d = detail(step)
    return d.invoice_no is None and balance_of(step.ctx, step.case.id, d).total_fen > 0


def issue_invoice(step: Step) -> None:
    d = detail(step)
    d.invoice_no, d.invoiced_at = step.payload.invoice_no, step.ctx.clock.now()


def write_off(step: Step) -> None:
    d = detail(step)
    due = balance_of(step.ctx, step.case.id, d).due_fen
    d.written_off_fen += due
    d.write_off_reason = step.payload.reason
    step.record["written_off"] = yuan(due)


def may_change_service_type(step: Step) -> None:
    if step.payload.service_type == detail(step).service_type:
        raise Invalid("same_service_type", en="The case is already {type}", zh="服务类型已是 {type}",
                      type=step.payload.service_type)


def change_service_type(step: Step) -> None:
    d, p = detail(step), step.payload
    step.record["from_service_type"] = d.service_type
    d.service_type = p.service_type
    d.service_basis = [{"rule": "SUPERVISOR", "zh": f"主管变更: {p.reason}",
                        "en": f"changed by a supervisor: {p.reason}"}]


def fees_document(ctx: Ctx, case_id: int, d: RepairDetail, tz: str) -> dict[str, Any]:
    b = balance_of(ctx, case_id, d)
    return {"lines": [{"kind": f.kind, "description": f.description, "amount": yuan(f.amount_fen), "source": f.source}
                      for f in repo.fees(ctx.session, case_id)],
            "total": yuan(b.total_fen), "paid": yuan(b.paid_fen), "written_off": yuan(b.written_off_fen),
            "due": yuan(b.due_fen),
            "payments": [{"amount": yuan(p.amount_fen), "method": p.method, "at": local_iso(p.at, tz), "by": p.by}
                         for p in repo.payments(ctx.session, case_id)],
            "invoice_no": d.invoice_no}


def quote_document(ctx: Ctx, case_id: int, d: RepairDetail) -> dict[str, Any] | None:
    lines = repo.quote_lines(ctx.session, case_id)
    if d.quote_status is None and not lines:
        return None
    return {"lines": [{"kind": q.kind, "description": q.description, "sku": q.sku, "qty": q.qty,
                       "unit": yuan(q.unit_fen), "amount": yuan(q.amount_fen)} for q in lines],
            "total": yuan(sum(q.amount_fen for q in lines)), "status": d.quote_status}
