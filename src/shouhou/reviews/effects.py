"""The guard and effects the review workflow names (bound by plugin.py)."""

from __future__ import annotations

from datetime import datetime

from shouhou.engine.runner import Step
from shouhou.errors import Conflict, Invalid
from shouhou.fields import local_iso, yuan
from shouhou.models import Store
from shouhou.reviews import repository as repo
from shouhou.reviews.workflow import CONTACT_GAP, MAX_CONTACTS


def analyse(step: Step) -> None:
    d = repo.detail(step.ctx.session, step.case.id)
    d.cause, d.need, d.attitude = step.payload.cause, step.payload.need, step.payload.attitude


def may_contact(step: Step) -> None:
    """Never pressure the buyer: at most MAX_CONTACTS contacts, a day apart; money only when offered."""
    d = repo.detail(step.ctx.session, step.case.id)
    p = step.payload
    if p is not None and (p.offer == "compensation") != (p.amount is not None and p.amount > 0):
        raise Invalid("offer_amount", en="An amount goes with a compensation offer, and only with it",
                      zh="仅补偿时填写金额，且补偿须填写金额", field="amount")
    done = d.contacts or ()
    if len(done) >= MAX_CONTACTS:
        raise Conflict("contact_limit", en="The buyer was contacted {n} times already: record the outcome",
                       zh="已联系买家 {n} 次，请记录结果，不要再打扰买家", n=len(done))
    if done:
        last = datetime.fromisoformat(done[-1]["at"])
        if step.ctx.clock.now() < last + CONTACT_GAP:
            tz = step.ctx.session.get_one(Store, step.case.store_id).timezone
            raise Conflict("contact_too_soon", en="Wait a day between contacts: not before {at}",
                           zh="两次联系至少间隔一天：{at} 之后再联系", at=local_iso(last + CONTACT_GAP, tz))


def contact(step: Step) -> None:
    ctx, p = step.ctx, step.payload
    d = repo.detail(ctx.session, step.case.id)
    d.contacts = [*(d.contacts or ()), {"at": ctx.clock.now().isoformat(), "by": ctx.actor.name, "channel": p.channel,
                                        "message": p.message, "offer": p.offer, "amount_fen": p.amount,
                                        "answer": p.answer}]
    if p.amount:
        d.offer_fen = (d.offer_fen or 0) + p.amount
    step.record["amount"] = yuan(p.amount)  # the event says yuan, as every edge does


def record_outcome(step: Step) -> None:
    d = repo.detail(step.ctx.session, step.case.id)
    d.outcome, d.outcome_at = step.payload.outcome, step.ctx.clock.now()


def give_up(step: Step) -> None:
    d = repo.detail(step.ctx.session, step.case.id)
    d.outcome, d.outcome_at = "unreachable", step.ctx.clock.now()
