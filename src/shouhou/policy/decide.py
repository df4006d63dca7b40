"""One place that decides what a customer is entitled to for an order line at a moment.

The rule modules list options (a remedy open during a period, because of rules) and
refusals; this module judges them against `as_of`:

- allowed if some option's period contains `as_of` (or has no time limit); `until` is the
  latest such period's end, the basis lists every open option's rules;
- else `window_expired` if some option exists whose period has passed: only time stands
  in the way; `until` is when the latest of them ended;
- else `not_eligible`, with the refusals' rules.

For a quality claim the no-reason routes are secondary: they can allow a remedy, but a
refusal is explained by the quality rules first (a car refused for its mileage should not
read "the 15-day no-reason exchange window ended").
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shouhou.calendar import HolidayCalendar
from shouhou.policy.cn import CN
from shouhou.policy.decision import Basis, Eligibility, Note, RemedyDecision
from shouhou.policy.facts import REMEDIES, Claim, LineFacts, SaleFacts
from shouhou.policy.jurisdiction import Jurisdiction
from shouhou.policy.outcomes import Ctx, Option, Outcome, Refusal
from shouhou.policy.shipping import shipping_for
from shouhou.policy.store_policy import StorePolicy
from shouhou.policy.texts import REMEDY_EN, REMEDY_ZH, day

_MONEY_REMEDIES = frozenset({"refund_only", "return_refund"})


def decide(line: LineFacts, sale: SaleFacts, claim: Claim, policy: StorePolicy, as_of: datetime, *,
           tz: ZoneInfo, calendar: HolidayCalendar, use_workday_extension: bool = True,
           jurisdiction: Jurisdiction = CN) -> Eligibility:
    if as_of.tzinfo is None or as_of.tzinfo.utcoffset(as_of) is None:
        raise ValueError("as_of must be an aware datetime")
    ctx = Ctx(line, sale, claim, policy.for_category(line.category), tz, calendar, as_of, use_workday_extension)
    outcomes = jurisdiction.gather(ctx)
    notes = _dedupe_notes([o for o in outcomes if isinstance(o, Note)])
    decisions = [_judge(remedy, outcomes, ctx, jurisdiction) for remedy in REMEDIES]
    missing = sorted({y for o in outcomes if isinstance(o, Option) and o.period for y in o.period.missing_years})
    for year in missing:
        notes.append(Note("holiday_data_missing", f"{year}年节假日数据缺失，期限按周一至周五为工作日推算，请在日历中补充",
                          f"holiday data for {year} is missing: deadlines assume Mon–Fri working days; "
                          "add the year to the calendar"))
    return Eligibility(as_of=as_of, remedies=decisions, notes=notes)


def _period_key(option: Option) -> date:
    return date.max if option.period is None else option.period.last_day


def _extension_basis(option: Option) -> tuple[Basis, ...]:
    period = option.period
    if period is None:
        return ()
    extra: list[Basis] = []
    if period.extended:
        extra.append(Basis("CIVIL-203", f"期限末日{day(period.nominal_last_day)}为法定休假日，顺延至{day(period.last_day)}",
                           f"the last day {day(period.nominal_last_day)} is a public rest day; "
                           f"the period ends on {day(period.last_day)}"))
    for year in period.missing_years:
        extra.append(Basis("CIVIL-203", f"{year}年节假日数据缺失，按周一至周五为工作日推算期限末日",
                           f"holiday data for {year} is missing; the last day assumes Mon–Fri working days"))
    return tuple(extra)


def _basis_of(options: list[Option]) -> list[Basis]:
    seen: set[tuple[str, str]] = set()
    out: list[Basis] = []
    for option in options:
        for basis in (*option.basis, *_extension_basis(option)):
            if (basis.rule, basis.text_en) not in seen:
                seen.add((basis.rule, basis.text_en))
                out.append(basis)
    return out


def _judge(remedy: str, outcomes: list[Outcome], ctx: Ctx, jurisdiction: Jurisdiction) -> RemedyDecision:
    options = [o for o in outcomes if isinstance(o, Option) and o.remedy == remedy]
    refusals = [o for o in outcomes if isinstance(o, Refusal) and o.remedy == remedy]
    # Never later than the statutory bound, even for a policy that skipped validation.
    due = jurisdiction.cap("refund_due_days", ctx.policy.refund_due_days) if remedy in _MONEY_REMEDIES else None
    shell = RemedyDecision(type=remedy, allowed=False, until=None, shipping=shipping_for(remedy, ctx),
                           refund_due_within_days=due)
    open_ = [o for o in options if o.period is None or o.period.contains(ctx.as_of, ctx.tz)]
    if open_:
        return _allowed(shell, open_, ctx)
    # The claim's own rules explain a refusal first; fallback routes only when they are silent.
    expired = [o for o in options if o.primary] or ([] if any(r.primary for r in refusals) else options)
    if expired:
        latest = max(expired, key=_period_key)
        assert latest.period is not None  # an option without a period is always open
        last = day(latest.period.last_day)
        return replace(shell, until=latest.period.until(ctx.tz), basis=_basis_of([latest]),
                       message_zh=f"{latest.label_zh}已于{last}结束", message_en=f"{latest.label_en} ended on {last}",
                       refusal_code="window_expired")
    refusals = [r for r in refusals if r.primary] or refusals
    if refusals:
        return replace(shell, basis=list(dict.fromkeys(b for r in refusals for b in r.basis)),
                       message_zh=refusals[0].message_zh, message_en=refusals[0].message_en,
                       refusal_code="not_eligible")
    return replace(shell, message_zh=f"该商品不符合{REMEDY_ZH[remedy]}的条件",
                   message_en=f"{REMEDY_EN[remedy]} does not apply to this line", refusal_code="not_eligible")


def _allowed(shell: RemedyDecision, open_: list[Option], ctx: Ctx) -> RemedyDecision:
    latest = max(open_, key=_period_key)
    # The customer's best option sets deductions and review: no review, fewest deductions, latest end.
    best = min(open_, key=lambda o: (o.needs_review, len(o.deductions), -_period_key(o).toordinal()))
    zh, en = REMEDY_ZH[shell.type], REMEDY_EN[shell.type]
    if latest.period is None:
        until, msg_zh, msg_en = None, f"可申请{zh}", f"{en} is available"
    else:
        last = day(latest.period.last_day)
        until, msg_zh, msg_en = latest.period.until(ctx.tz), f"可申请{zh}，截止{last}", f"{en} is available until {last}"
    if best.needs_review:
        msg_zh, msg_en = msg_zh + "，需商家审核同意", msg_en + ", subject to the merchant's review"
    return replace(shell, allowed=True, until=until, deductions=list(best.deductions),
                   basis=_basis_of([best, *(o for o in open_ if o is not best)]),
                   message_zh=msg_zh, message_en=msg_en, needs_review=best.needs_review)


def _dedupe_notes(notes: list[Note]) -> list[Note]:
    return list(dict.fromkeys(notes))
