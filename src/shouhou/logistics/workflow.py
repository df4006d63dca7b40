"""物流异常: 查件, 破损/丢失 (SPEC §6, seed 001): plain data, bound by plugin.py.

Registered, the parcel is tracked with the carrier: its hotline called as often as needed, each
query logged with the agent's id (客服工号), the result and what the customer was told → once the
carrier's agent confirms the parcel damaged or lost, a report to the carrier with the evidence
(报损/报失), which waits on the carrier → the outcome for the buyer (delivered, address changed,
returned, reshipped, refunded through a return case, compensated) → closed once the carrier has
answered any report (paid or declined).

The buyer may be served before the carrier pays, so the claim is not a state: it stays open on a
resolved case, its timer armed by the report and cancelled by the carrier's answer alone (a state's
timer would end with the state). Unanswered for 7 days, it marks the case urgent.
"""

from __future__ import annotations

from datetime import timedelta

from shouhou.engine.workflow import Action, State, TimerSpec, Workflow, roles, sources
from shouhou.logistics import schemas as s

# The desk calls the carrier; the warehouse, which packed and handed over the parcel, does too.
HANDLERS = roles("agent", "supervisor", "warehouse")
BUYER = roles("customer", "integration")
CARRIER_ANSWER_DUE = timedelta(days=7)
OPEN = ("querying", "reported", "resolved")
# A report's claim may still wait on the carrier after the buyer is served (or the case reopened).
CLAIM_OPEN = OPEN

CARRIER_SILENT = TimerSpec("carrier_silent", "carrier_overdue", CARRIER_ANSWER_DUE, "快递公司逾期未答复，标为紧急",
                           "marked urgent: the carrier has not answered the report")

WORKFLOW = Workflow(
    type="logistics", zh="物流异常", en="Parcel problem",
    states=(
        State("querying", "查件中", "Tracking with the carrier"),
        State("reported", "已报损/报失", "Reported to the carrier", waits_on="third_party"),
        State("resolved", "已解决", "Resolved"),
        State("closed", "已关闭", "Closed", terminal=True),
        State("withdrawn", "已撤销", "Withdrawn", terminal=True),
    ),
    create=Action("register", "登记物流异常", "Register a parcel problem", sources(), ("querying",),
                  HANDLERS | BUYER, s.LogisticsIn),
    actions=(
        # Public: the result and the message are for the customer (the message answers them).
        Action("log_query", "查件记录", "Log a tracking query", sources(*OPEN), (None,), HANDLERS,
               s.QueryIn, guard="check_query", effect="log_query"),
        # Internal: the report names the sender's ID and the goods' value; the buyer reads that it was made.
        Action("report_damage", "报损", "Report damage to the carrier", sources("querying"), ("reported",),
               HANDLERS, s.DamageReportIn, guard="check_damage_report", effect="report_damage",
               offered="unreported", sets_timers=(CARRIER_SILENT,), visibility="internal"),
        Action("report_loss", "报失", "Report loss to the carrier", sources("querying"), ("reported",),
               HANDLERS, s.LossReportIn, guard="check_loss_report", effect="report_loss",
               offered="unreported", sets_timers=(CARRIER_SILENT,), visibility="internal"),
        # Finance books what the carrier paid; the claim is the shop's business, not the buyer's.
        Action("record_carrier_compensation", "登记快递赔付", "Record the carrier's compensation",
               sources(*CLAIM_OPEN), (None,), HANDLERS | roles("finance"), s.CompensationIn,
               guard="check_compensation", effect="record_compensation", offered="claim_pending",
               cancels_timers=("carrier_silent",), visibility="internal"),
        Action("record_carrier_refusal", "快递拒赔", "Record the carrier's refusal", sources(*CLAIM_OPEN), (None,),
               HANDLERS, s.RefusalIn, effect="record_refusal", offered="claim_pending",
               cancels_timers=("carrier_silent",), visibility="internal"),
        Action("carrier_overdue", "快递答复逾期", "Carrier's answer overdue", sources(*CLAIM_OPEN), (None,),
               roles("system"), effect="carrier_overdue"),
        Action("resolve", "解决", "Resolve", sources("querying", "reported"), ("resolved",), HANDLERS,
               s.ResolveIn, guard="check_outcome", effect="resolve"),
        Action("reopen", "重新处理", "Reopen", sources("resolved"), ("querying",), HANDLERS | BUYER, s.MessageIn,
               effect="reopen"),
        # Closed only once a report has its answer: a carrier that never answers is recorded as a refusal.
        Action("close", "关闭", "Close", sources("resolved"), ("closed",), HANDLERS, offered="claim_settled"),
        Action("withdraw", "撤销", "Withdraw", sources("querying"), ("withdrawn",), HANDLERS | BUYER,
               s.OptionalNoteIn, offered="unreported"),
        Action("reply", "回复客户", "Reply", sources(*OPEN), (None,), HANDLERS, s.MessageIn),
        Action("customer_message", "客户留言", "Customer message", sources(*OPEN), (None,),
               BUYER | HANDLERS | roles("system"), s.MessageIn),
        Action("note", "内部备注", "Internal note", sources(*OPEN), (None,), HANDLERS | roles("finance"), s.NoteIn,
               visibility="internal"),
    ),
)
