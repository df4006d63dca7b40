"""投诉 (SPEC §6, seeds 000/001/002): plain data, bound by plugin.py.

Registered (who, company, address, phone, reason, recorder) → investigated (the problem restated
to the customer, what they want) → a proposal with compensation and the party responsible →
the supervisor approves it → the customer agrees (signs) → other departments carry it out
(finance pays, the warehouse ships, marketing sends a gift) → follow-up calls until the customer
is satisfied. An unhappy follow-up or a declined proposal goes back to the investigation.
"""

from __future__ import annotations

from datetime import timedelta

from shouhou.complaints import schemas as s
from shouhou.engine.workflow import Action, State, TimerSpec, Workflow, roles, sources

STAFF = roles("agent", "supervisor")
SUPERVISOR = roles("supervisor")
COMPLAINANT = roles("customer", "integration")
DOERS = STAFF | roles("finance", "warehouse")  # the departments that carry out a settlement
# Seed 001: the first follow-up 3–7 days after the service; past 7 days it is overdue.
FOLLOW_UP_DUE = timedelta(days=7)
OPEN = ("registered", "investigating", "proposed", "awaiting_agreement", "executing", "following_up")
BEFORE_AGREEMENT = ("registered", "investigating", "proposed", "awaiting_agreement")

WORKFLOW = Workflow(
    type="complaint", zh="投诉", en="Complaint",
    states=(
        State("registered", "已登记", "Registered"),
        State("investigating", "调查中", "Investigating"),
        State("proposed", "方案待审批", "Proposal awaiting approval"),
        State("awaiting_agreement", "待客户确认", "Awaiting the customer's agreement", waits_on="customer"),
        State("executing", "执行中", "Being carried out"),
        State("following_up", "回访中", "Following up",
              timers=(TimerSpec("follow_up_due", "follow_up_overdue", FOLLOW_UP_DUE, "回访逾期，标为紧急",
                                "marked urgent: the follow-up call is overdue"),)),
        State("closed", "已结案", "Closed", terminal=True),
        State("withdrawn", "已撤销", "Withdrawn", terminal=True),
    ),
    create=Action("register", "登记投诉", "Register a complaint", sources(), ("registered",),
                  STAFF | COMPLAINANT, s.ComplaintIn),
    actions=(
        Action("investigate", "调查核实", "Investigate", sources("registered"), ("investigating",), STAFF,
               s.InvestigateIn, effect="investigate"),
        # Internal: the finding names who answers for it; the buyer reads the settlement once approved.
        Action("propose", "提出处理方案", "Propose a settlement", sources("investigating"), ("proposed",), STAFF,
               s.ProposalIn, effect="propose", visibility="internal"),
        Action("approve_proposal", "批准方案", "Approve the proposal", sources("proposed"), ("awaiting_agreement",),
               SUPERVISOR, s.OptionalNoteIn, effect="approve_proposal", visibility="internal"),
        Action("reject_proposal", "驳回方案", "Send the proposal back", sources("proposed"), ("investigating",),
               SUPERVISOR, s.NoteIn, effect="reopen", visibility="internal"),
        Action("agree", "客户同意", "Customer agrees", sources("awaiting_agreement"), ("executing", "following_up"),
               STAFF | COMPLAINANT, s.AgreeIn, effect="agree"),
        Action("decline", "客户不同意", "Customer declines", sources("awaiting_agreement"), ("investigating",),
               STAFF | COMPLAINANT, s.DeclineIn, effect="reopen"),
        # Each department carries out its part; the last one done starts the follow-up.
        Action("pay_compensation", "支付补偿", "Pay the compensation", sources("executing"), (None, "following_up"),
               STAFF | roles("finance"), s.TaskDoneIn, effect="pay_compensation", offered="owes_compensation"),
        Action("ship_goods", "发出物品", "Ship the goods", sources("executing"), (None, "following_up"),
               STAFF | roles("warehouse"), s.ShipGoodsIn, effect="ship_goods", offered="owes_goods"),
        Action("send_gift", "寄送礼品", "Send the gift", sources("executing"), (None, "following_up"), STAFF,
               s.TaskDoneIn, effect="send_gift", offered="owes_gift"),
        # Internal: the team's note of the call stays with the team (the buyer reads the call on the case).
        Action("follow_up", "回访", "Follow-up call", sources("following_up"), ("closed", "investigating"), STAFF,
               s.FollowUpIn, effect="follow_up", visibility="internal"),
        Action("follow_up_overdue", "回访逾期", "Follow-up overdue", sources("following_up"), (None,), roles("system"),
               effect="follow_up_overdue"),
        Action("reply", "回复客户", "Reply", sources(*OPEN), (None,), STAFF, s.MessageIn),
        Action("customer_message", "客户留言", "Customer message", sources(*OPEN), (None,),
               COMPLAINANT | STAFF | roles("system"), s.MessageIn),
        Action("note", "内部备注", "Internal note", sources(*OPEN), (None,), DOERS, s.NoteIn, visibility="internal"),
        # The customer cannot be reached, or will not agree to anything reasonable: a supervisor ends it.
        Action("close_unresolved", "结案（未达成一致）", "Close unresolved", sources("investigating", "following_up"),
               ("closed",), SUPERVISOR, s.NoteIn),
        Action("withdraw", "撤销投诉", "Withdraw", sources(*BEFORE_AGREEMENT), ("withdrawn",), STAFF | COMPLAINANT,
               s.OptionalNoteIn),
    ),
)
