"""维权 / 平台介入 after 交易成功 (seed 000; SPEC §2 `dispute`): plain data, bound by plugin.py.

The buyer opens it; the merchant answers with evidence (or the deadline passes); the
platform decides as it arbitrates an after-sales case (for the buyer, for the merchant, or
a partial refund). Both sides may add evidence until the decision.
"""

from __future__ import annotations

from datetime import timedelta

from shouhou.disputes import schemas as s
from shouhou.engine.workflow import Action, State, TimerSpec, Workflow, roles, sources

BUYER = roles("customer", "integration")
MERCHANT = roles("agent", "reviewer", "supervisor")
MERCHANT_RESPONSE = timedelta(days=3)  # the merchant's time to answer with evidence
DECISION_DUE = timedelta(days=7)  # seed 001: the platform 核实处理 within 7 (working) days

RESPONSE_TIMEOUT = TimerSpec("response_timeout", "to_review", MERCHANT_RESPONSE,
                             "商家未按时举证，转平台审核", "goes to the platform without the merchant's answer")
DECISION_TIMEOUT = TimerSpec("decision_due", "decision_overdue", DECISION_DUE,
                             "平台裁决逾期，标为紧急", "marked urgent: the platform's decision is overdue")

WORKFLOW = Workflow(
    type="dispute", zh="维权", en="Dispute",
    states=(
        State("open", "待商家举证", "Awaiting the merchant", timers=(RESPONSE_TIMEOUT,)),
        State("in_review", "平台审核中", "With the platform", timers=(DECISION_TIMEOUT,), waits_on="third_party"),
        State("decided", "已裁决", "Decided", terminal=True),
        State("withdrawn", "已撤销", "Withdrawn", terminal=True),
    ),
    create=Action("open_dispute", "申请维权", "Open a dispute", sources(), ("open",),
                  roles("customer", "integration", "agent"), s.DisputeIn),
    actions=(
        Action("respond", "商家举证", "Answer with evidence", sources("open"), ("in_review",), MERCHANT,
               s.EvidenceIn, effect="respond"),
        Action("add_evidence", "补充凭证", "Add evidence", sources("open", "in_review"), (None,),
               BUYER | MERCHANT, s.EvidenceIn, effect="add_evidence"),
        Action("to_review", "转平台审核", "To the platform", sources("open"), ("in_review",), roles("system")),
        Action("decide", "平台裁决", "Decide", sources("open", "in_review"), ("decided",), roles("platform"),
               s.DecideIn, effect="decide"),
        Action("decision_overdue", "裁决逾期", "Decision overdue", sources("in_review"), (None,), roles("system"),
               effect="decision_overdue"),
        Action("withdraw", "撤销维权", "Withdraw", sources("open", "in_review"), ("withdrawn",), BUYER,
               s.OptionalNoteIn),
        Action("note", "内部备注", "Internal note", sources("open", "in_review"), (None,),
               MERCHANT | roles("platform"), s.NoteIn, visibility="internal"),
    ),
)
