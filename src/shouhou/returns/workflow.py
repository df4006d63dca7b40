"""退款/退货/换货: three workflows declared as data, one engine runs them (SPEC §4.2, issue 4).

Deadlines come from the store policy in force when the case was applied for (SPEC §4.7):
their durations, like the guards and effects, are named here and defined in effects.py,
which plugin.py binds.
"""

from __future__ import annotations

from shouhou.engine.workflow import Action, State, TimerSpec, Workflow, roles, sources
from shouhou.returns import schemas as s

BUYER = roles("customer", "integration", "agent")
REVIEW = roles("reviewer", "supervisor")
STAFF = roles("agent", "reviewer", "finance", "warehouse", "supervisor", "platform")


REVIEW_TIMEOUT = TimerSpec("review_timeout", "approve", "review_period",
                           "超时未审核，自动同意", "auto-approved when the review is overdue")
MODIFY_TIMEOUT = TimerSpec("modify_timeout", "close", "modify_period",
                           "买家未修改申请，自动关闭", "closes if the buyer does not modify or escalate")
SHIP_TIMEOUT = TimerSpec("ship_timeout", "close", "ship_period",
                         "买家未退货，自动关闭", "closes if the buyer does not ship the return")
# Seeds 001/004: the merchant confirms receipt within 10 days, or the refund is made — at the
# deadline, and without booking stock for goods nobody received (issue 22, items 5 and 6).
RECEIPT_TIMEOUT = TimerSpec("receipt_timeout", "receipt_overdue", "receipt_period",
                            "商家未按时确认收货，立即退款（货到后再验收入库）",
                            "refunded at once; the goods are inspected and booked in when they arrive")
EXCHANGE_RECEIPT_TIMEOUT = TimerSpec("receipt_timeout", "receipt_overdue", "receipt_period",
                                     "商家未按时确认收货，转入待换货（货到后再验收入库）",
                                     "the replacement goes ahead; the goods are inspected and booked in when they arrive")
# 待换货 has a deadline too (SPEC §4.7): escalated to a supervisor, and the buyer may take a refund.
RESHIP_TIMEOUT = TimerSpec("reship_timeout", "reship_overdue", "reship_period",
                           "换货超时未发出，升级主管处理，买家可改为退款",
                           "escalated to a supervisor; the buyer may ask for a refund instead")
REFUND_DUE = TimerSpec("refund_due", "approve_refund", "refund_period",
                       "退款期限届满，自动退款", "refunded automatically when the refund deadline passes")
CONFIRM_TIMEOUT = TimerSpec("confirm_timeout", "confirm_receipt", "confirm_period",
                            "买家未确认收货，自动完成", "completes automatically if the buyer does not confirm")

COMMON_STATES = {
    "pending_review": State("pending_review", "待审核", "Pending review", timers=(REVIEW_TIMEOUT,)),
    "rejected": State("rejected", "审核拒绝，待买家修改", "Rejected, awaiting buyer", timers=(MODIFY_TIMEOUT,),
                      waits_on="customer"),
    "awaiting_return": State("awaiting_return", "审核通过，待买家退货", "Approved, awaiting return",
                             timers=(SHIP_TIMEOUT,), waits_on="customer"),
    "awaiting_receipt": State("awaiting_receipt", "买家已退货，待商家收货", "Returned, awaiting receipt",
                              timers=(RECEIPT_TIMEOUT,), waits_on="third_party"),  # the parcel
    "pending_refund": State("pending_refund", "待退款", "Pending refund", timers=(REFUND_DUE,)),
    "refunding": State("refunding", "退款中", "Refunding", waits_on="third_party"),  # the payment gateway
    "pending_reship": State("pending_reship", "待换货", "Pending reshipment", timers=(RESHIP_TIMEOUT,)),
    "reshipped": State("reshipped", "换货已发出", "Replacement shipped", timers=(CONFIRM_TIMEOUT,),
                       waits_on="customer"),
    "in_arbitration": State("in_arbitration", "平台介入中", "In arbitration"),
    "completed": State("completed", "已完成", "Completed", terminal=True),
    "cancelled": State("cancelled", "已撤销", "Cancelled", terminal=True),
    "closed": State("closed", "已关闭", "Closed", terminal=True),
}

FLOWS = {
    "refund_only": ("pending_review", "rejected", "pending_refund", "refunding", "in_arbitration",
                    "completed", "cancelled", "closed"),
    "return_refund": ("pending_review", "rejected", "awaiting_return", "awaiting_receipt", "pending_refund",
                      "refunding", "in_arbitration", "completed", "cancelled", "closed"),
    "exchange": ("pending_review", "rejected", "awaiting_return", "awaiting_receipt", "pending_reship",
                 "reshipped", "in_arbitration", "completed", "cancelled", "closed"),
}
APPROVE_TARGETS = {"refund_only": ("pending_refund", "completed", "refunding"),
                   "return_refund": ("awaiting_return", "pending_refund"),
                   "exchange": ("awaiting_return", "pending_reship")}
LABELS = {"refund_only": ("仅退款", "Refund only"), "return_refund": ("退货退款", "Return and refund"),
          "exchange": ("换货", "Exchange")}


def _only(states: tuple[str, ...], *names: str) -> frozenset[str]:
    return frozenset(n for n in names if n in states)


def _targets(states: tuple[str, ...], *names: str | None) -> tuple[str | None, ...]:
    return tuple(n for n in names if n is None or n in states)


def _actions(case_type: str) -> tuple[Action, ...]:
    st = FLOWS[case_type]
    goods_back = case_type != "refund_only"
    refunds = case_type != "exchange"
    open_states = tuple(n for n in st if not COMMON_STATES[n].terminal)
    acts = [
        Action("approve", "同意", "Approve", sources("pending_review"), APPROVE_TARGETS[case_type],
               REVIEW | {"system"}, s.ApproveIn, effect="approve"),
        Action("reject", "拒绝", "Reject", sources("pending_review"), ("rejected",), REVIEW, s.RejectIn,
               effect="reject"),
        Action("modify", "修改申请", "Modify application", sources("rejected"), ("pending_review",), BUYER,
               s.ModifyIn, effect="modify"),
        # The buyer may withdraw until money or a replacement is on its way to them.
        Action("cancel", "撤销申请", "Withdraw",
               _only(st, "pending_review", "rejected", "awaiting_return", "awaiting_receipt", "in_arbitration"),
               ("cancelled",), BUYER, s.OptionalNoteIn),
        Action("escalate", "申请平台介入", "Escalate to the platform",
               frozenset(n for n in open_states if n not in ("in_arbitration", "refunding")),
               ("in_arbitration",), roles("customer", "integration"), s.EscalateIn, effect="escalate"),
        Action("arbitrate", "平台裁决", "Arbitrate", sources("in_arbitration"),
               _targets(st, "awaiting_return", "awaiting_receipt", "pending_refund", "pending_reship", "closed"),
               roles("platform"), s.ArbitrateIn, effect="arbitrate"),
        Action("close", "关闭", "Close", _only(st, "rejected", "awaiting_return"), ("closed",), roles("system")),
        Action("note", "内部备注", "Internal note", frozenset(open_states), (None,), STAFF, s.NoteIn,
               visibility="internal"),
        # The buyer–merchant thread: both sides see every message (an internal note stays internal).
        Action("message", "留言", "Message", frozenset(open_states), (None,), BUYER | STAFF, s.MessageIn),
    ]
    if goods_back:
        acts += [
            Action("ship_return", "填写退货物流", "Ship the return", sources("awaiting_return"),
                   ("awaiting_receipt",), BUYER, s.ShipReturnIn, effect="ship_return"),
            # 上门取件 [002]: a courier collects the return instead (pickups.py).
            Action("request_pickup", "预约上门取件", "Book a courier pickup", sources("awaiting_return"), (None,),
                   BUYER, s.PickupIn, effect="request_pickup", offered="no_pickup"),
            Action("book_pickup", "已预约快递", "Courier booked", sources("awaiting_return"), (None,),
                   roles("warehouse", "agent", "reviewer", "supervisor", "integration"), s.BookPickupIn,
                   effect="book_pickup", offered="pickup_pending"),
            Action("record_pickup", "快递已取件", "Collected by the courier", sources("awaiting_return"),
                   ("awaiting_receipt",), roles("warehouse", "agent", "reviewer", "supervisor", "integration"),
                   s.ShipIn, effect="record_pickup", offered="pickup_pending"),
            Action("cancel_pickup", "取消上门取件", "Cancel the pickup", sources("awaiting_return"), (None,),
                   BUYER | roles("warehouse", "reviewer", "supervisor"), s.OptionalNoteIn, effect="cancel_pickup",
                   offered="pickup_pending"),
            # The buyer's postage is reimbursed up to the store's cap; a reviewer may lower it.
            Action("adjust_postage", "调整退货运费", "Adjust return postage",
                   _only(st, "awaiting_receipt", "pending_review", "pending_refund", "pending_reship"), (None,),
                   REVIEW, s.AdjustPostageIn, effect="adjust_postage", offered="postage_offered"),
            # Also after the receipt deadline passed (the money or the replacement went ahead),
            # and for an urgent exchange shipped first: the goods still have to come in.
            Action("receive", "确认收货验货", "Receive and inspect",
                   _only(st, "awaiting_receipt", "pending_reship", "reshipped", "refunding", "completed"),
                   _targets(st, "pending_refund", "completed", "pending_review", "pending_reship", None),
                   roles("warehouse", "supervisor", "system"), s.ReceiveIn, effect="receive",
                   offered="receive_offered"),
            # 延长收货 [003][001]: while a return or an exchange is worked out, the original order
            # must not be confirmed as received automatically on the sales platform.
            Action("extend_receipt", "延长收货时间", "Extend receipt confirmation",
                   _only(st, "pending_review", "awaiting_return", "awaiting_receipt", "pending_reship"), (None,),
                   roles("agent", "reviewer", "supervisor"), s.ExtendReceiptIn, effect="extend_receipt"),
            Action("receipt_overdue", "超时未确认收货", "Receipt not confirmed in time", sources("awaiting_receipt"),
                   _targets(st, "completed", "refunding", "pending_reship"), roles("system"),
                   effect="receipt_overdue"),
        ]
    if refunds:
        acts += [
            Action("approve_refund", "财务审核并退款", "Approve and refund", sources("pending_refund"),
                   ("completed", "refunding"), roles("finance", "system"), s.OptionalNoteIn,
                   effect="approve_refund"),
            Action("send_back", "退回审核", "Send back to review", sources("pending_refund"), ("pending_review",),
                   roles("finance"), s.NoteIn, effect="send_back"),
            # Gateway callbacks; a fast refund may be confirmed while the return is still under way.
            Action("confirm_refund", "退款成功", "Refund succeeded", frozenset(open_states), ("completed", None),
                   roles("integration", "finance", "system"), s.RefundResultIn, effect="confirm_refund",
                   offered="refund_pending"),
            Action("fail_refund", "退款失败", "Refund failed", frozenset(open_states), ("pending_refund", None),
                   roles("integration", "finance", "system"), s.RefundResultIn, effect="fail_refund",
                   offered="refund_pending"),
            Action("record_insurance_payout", "运费险已赔付", "Shipping insurance paid", sources("completed"),
                   (None,), roles("finance", "integration"), s.InsurancePaidIn, effect="insurance_paid",
                   offered="insurance_pending"),
        ]
    else:
        acts += [
            Action("settle_difference", "差价已结清", "Price difference settled",
                   _only(st, "awaiting_return", "awaiting_receipt", "pending_reship"), (None,),
                   roles("finance", "reviewer", "supervisor"), s.SettleIn, effect="settle_difference",
                   offered="difference_open"),
            Action("reship", "发出换货", "Ship the replacement", _only(st, "pending_reship", "awaiting_receipt"),
                   ("reshipped",), roles("warehouse", "reviewer", "supervisor"), s.ReshipIn, guard="may_reship",
                   effect="reship", offered="reship_offered"),
            Action("confirm_receipt", "确认收到换货", "Confirm receipt", sources("reshipped"), ("completed",),
                   roles("customer", "integration", "system"), effect="confirm_receipt"),
            Action("reship_overdue", "换货超时未发出", "Replacement overdue", sources("pending_reship"), (None,),
                   roles("system"), effect="reship_overdue"),
            Action("refund_instead", "改为退款", "Take a refund instead", sources("pending_reship"), ("closed",),
                   BUYER, s.OptionalNoteIn, effect="refund_instead", offered="reship_late"),
        ]
    return tuple(acts)


# An exchange's own version of a shared state.
EXCHANGE_STATES = {
    "awaiting_receipt": State("awaiting_receipt", "买家已退货，待商家收货", "Returned, awaiting receipt",
                              timers=(EXCHANGE_RECEIPT_TIMEOUT,), waits_on="third_party"),
}


def _state(case_type: str, name: str) -> State:
    return (EXCHANGE_STATES if case_type == "exchange" else {}).get(name) or COMMON_STATES[name]


def _workflow(case_type: str) -> Workflow:
    zh, en = LABELS[case_type]
    return Workflow(
        type=case_type, zh=zh, en=en, states=tuple(_state(case_type, n) for n in FLOWS[case_type]),
        create=Action("apply", "申请售后", "Apply", sources(), ("pending_review",),
                      roles("customer", "integration", "agent", "supervisor"), s.ApplyIn),
        actions=_actions(case_type),
    )


REFUND_ONLY = _workflow("refund_only")
RETURN_REFUND = _workflow("return_refund")
EXCHANGE = _workflow("exchange")
WORKFLOWS = {w.type: w for w in (REFUND_ONLY, RETURN_REFUND, EXCHANGE)}
