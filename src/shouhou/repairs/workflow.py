"""维修/保修 and 安装调试: two workflows declared as data (issue 18, seed 000's 售后服务管理制度).

A repair is registered (叫修登记), dispatched (派工), served on site with the service voucher
(服务凭证) or taken into the workshop with a receipt (客户商品领取收据), repaired on its repair
card (修护卡), inspected by a supervisor (验讫) and given back, the receipt voided. Paid work
waits for the customer's acceptance of a quote. Handlers are named here and defined in the
service layer (effects.py), which plugin.py binds.
"""

from __future__ import annotations

from shouhou.engine.workflow import Action, State, TimerSpec, Workflow, roles, sources
from shouhou.repairs import schemas as s

REGISTRARS = roles("customer", "agent", "supervisor", "technician", "integration", "system")
SUPERVISOR = roles("supervisor")
TECH = roles("technician", "supervisor")
COUNTER = roles("agent", "technician", "supervisor", "warehouse")
ANSWER = roles("customer", "agent")  # the customer, or an agent recording the customer's answer
CASHIER = roles("technician", "agent", "supervisor", "finance")
INVOICING = roles("finance", "agent", "supervisor")
STAFF = roles("agent", "technician", "supervisor", "warehouse", "finance")
CANCELLERS = roles("customer", "agent", "supervisor")
SYSTEM = roles("system")

RESPONSE_DUE = TimerSpec("response_due", "response_overdue", "response_period",
                         "超过承诺的响应时间，标记超时", "flagged when the promised response time passes")
APPOINTMENT_REMINDER = TimerSpec("appointment_reminder", "remind_appointment", "reminder_delay",
                                 "上门前一天提醒技术员和客户", "reminds the technician and the customer a day before")
QUOTE_TIMEOUT = TimerSpec("quote_timeout", "decline_quote", "quote_period",
                          "客户未答复报价，视为拒绝", "declined when the customer does not answer the quote",
                          payload={"note": "auto: no answer to the quote"})
PICKUP_REMINDER = TimerSpec("pickup_reminder", "remind_pickup", "pickup_reminder_period",
                            "提醒客户取回商品", "reminds the customer to collect the unit")
PICKUP_FLAG = TimerSpec("pickup_flag", "flag_unclaimed", "pickup_flag_period",
                        "逾期未取，标记为无人认领", "flagged as unclaimed when never collected")
CONFIRM_TIMEOUT = TimerSpec("confirm_timeout", "confirm_return", "confirm_period",
                            "客户未确认，自动确认收回", "confirmed automatically if the customer does not")

STATES = {
    "registered": State("registered", "已登记，待派工", "Registered"),
    "scheduled": State("scheduled", "已派工，待上门", "Scheduled", timers=(APPOINTMENT_REMINDER,)),
    "on_site": State("on_site", "技术员已上门", "On site"),
    "in_workshop": State("in_workshop", "已收件，待维修", "In the workshop"),
    "awaiting_approval": State("awaiting_approval", "待客户确认报价", "Awaiting the customer's approval",
                               timers=(QUOTE_TIMEOUT,), waits_on="customer"),
    "in_repair": State("in_repair", "维修中", "In repair"),
    "awaiting_parts": State("awaiting_parts", "待配件", "Awaiting parts", waits_on="third_party"),
    "at_vendor": State("at_vendor", "送厂家维修中", "At the maker", waits_on="third_party"),
    "qc": State("qc", "待验讫", "Awaiting QC"),
    "ready_for_return": State("ready_for_return", "已修妥，待取回", "Ready for return",
                              timers=(PICKUP_REMINDER, PICKUP_FLAG), waits_on="customer"),
    "returned": State("returned", "已交还客户", "Returned", timers=(CONFIRM_TIMEOUT,)),
    "awaiting_payment": State("awaiting_payment", "待收款", "Awaiting payment", waits_on="customer"),
    "completed": State("completed", "已完成", "Completed", terminal=True),
    "cancelled": State("cancelled", "已取消", "Cancelled", terminal=True),
}
REPAIR_STATES = tuple(STATES)
INSTALLATION_STATES = ("registered", "scheduled", "on_site", "awaiting_payment", "completed", "cancelled")


def _open(states: tuple[str, ...]) -> frozenset[str]:
    return frozenset(n for n in states if not STATES[n].terminal)


def _visit_actions(states: tuple[str, ...], complete: type) -> list[Action]:
    """What repairs and installations share: dispatch, the visit, fees, service type, notes."""
    open_ = _open(states)
    return [
        Action("dispatch", "派工", "Dispatch", sources("registered"), ("scheduled",), SUPERVISOR, s.DispatchIn,
               guard="may_dispatch", effect="dispatch", offered="dispatch_offered"),
        Action("assign_outlet", "转服务网点", "Assign to an outlet", sources("registered"), (None,), SUPERVISOR,
               s.OutletIn, effect="assign_outlet"),
        Action("reschedule", "改约", "Reschedule", sources("scheduled"), (None,), roles("supervisor", "agent"),
               s.RescheduleIn, guard="may_reschedule", effect="reschedule",
               cancels_timers=("appointment_reminder",), sets_timers=(APPOINTMENT_REMINDER,)),
        Action("redispatch", "改派", "Redispatch", sources("scheduled"), (None,), SUPERVISOR, s.RedispatchIn,
               guard="may_redispatch", effect="redispatch",
               cancels_timers=("appointment_reminder",), sets_timers=(APPOINTMENT_REMINDER,)),
        Action("check_in", "上门签到", "Check in", sources("scheduled"), ("on_site",), TECH, s.CheckInIn,
               effect="check_in", cancels_timers=("response_due",)),
        Action("complete_onsite", "现场完工", "Complete on site", sources("on_site"), ("completed", "awaiting_payment"),
               TECH, complete, guard="may_book_work", effect="complete_onsite"),
        Action("collect_fee", "收款", "Collect fee", open_, (None, "completed"), CASHIER, s.CollectIn,
               guard="may_collect", effect="collect_fee", offered="money_due"),
        Action("issue_invoice", "开具发票", "Issue invoice", open_ | {"completed"}, (None,), INVOICING, s.InvoiceIn,
               effect="issue_invoice", offered="invoice_offered"),
        Action("write_off", "核销欠款", "Write off", sources("awaiting_payment"), ("completed",), SUPERVISOR,
               s.ReasonIn, effect="write_off", offered="money_due"),
        Action("change_service_type", "变更服务类型", "Change service type", open_, (None,), SUPERVISOR,
               s.ServiceTypeIn, guard="may_change_service_type", effect="change_service_type"),
        Action("cancel", "取消", "Cancel", sources("registered", "scheduled"), ("cancelled",), CANCELLERS,
               s.OptionalNoteIn, effect="cancel"),
        Action("note", "内部备注", "Internal note", open_ | {"completed"}, (None,), STAFF, s.NoteIn,
               visibility="internal"),
        Action("rate", "评价服务", "Rate the service", sources("completed"), (None,), roles("customer"), s.RateIn,
               effect="rate", offered="rating_open"),
        Action("response_overdue", "响应超时", "Response overdue", sources("registered", "scheduled"), (None,), SYSTEM,
               effect="response_overdue", visibility="internal"),
        Action("remind_appointment", "上门提醒", "Appointment reminder", sources("scheduled"), (None,), SYSTEM,
               effect="remind_appointment", visibility="internal"),
    ]


def _repair_actions() -> tuple[Action, ...]:
    open_ = _open(REPAIR_STATES)
    return (*_visit_actions(REPAIR_STATES, s.CompleteOnsiteIn),
            Action("take_in", "带回维修", "Take into the workshop", sources("on_site"), ("in_workshop",), TECH,
                   s.TakeInIn, effect="take_in", cancels_timers=("response_due",)),
            Action("receive_unit", "收件", "Receive the unit", sources("registered", "scheduled"), ("in_workshop",),
                   COUNTER, s.ReceiveIn, effect="receive_unit", cancels_timers=("response_due",)),
            Action("quote", "报价", "Quote", sources("on_site", "in_workshop", "in_repair"), ("awaiting_approval",),
                   TECH, s.QuoteIn, effect="quote", offered="quote_offered"),
            Action("approve_quote", "同意报价", "Approve the quote", sources("awaiting_approval"),
                   ("in_repair", "on_site"), ANSWER, s.AnswerIn, effect="approve_quote"),
            Action("decline_quote", "拒绝报价", "Decline the quote", sources("awaiting_approval"),
                   ("ready_for_return", "on_site"), ANSWER | SYSTEM, s.AnswerIn, effect="decline_quote"),
            Action("start_repair", "开始维修", "Start repair", sources("in_workshop"), ("in_repair",), TECH,
                   s.OptionalNoteIn, guard="may_start_repair", effect="start_repair"),
            Action("log_work", "填写修护卡", "Log work", sources("in_repair"), (None,), TECH, s.WorkIn,
                   guard="may_book_work", effect="log_work"),
            Action("wait_parts", "等待配件", "Wait for parts", sources("in_repair"), ("awaiting_parts",), TECH,
                   s.WaitPartsIn, effect="wait_parts"),
            Action("parts_arrived", "配件到货", "Parts arrived", sources("awaiting_parts"), ("in_repair",),
                   roles("technician", "supervisor", "warehouse"), s.OptionalNoteIn, effect="parts_arrived"),
            Action("send_to_vendor", "送厂家维修", "Send to the maker", sources("in_workshop", "in_repair"),
                   ("at_vendor",), TECH, s.VendorIn, effect="send_to_vendor"),
            Action("vendor_returned", "厂家修复返回", "Back from the maker", sources("at_vendor"), ("in_repair",),
                   roles("technician", "supervisor", "warehouse"), s.VendorBackIn, effect="vendor_returned"),
            Action("finish_repair", "完成维修", "Finish repair", sources("in_repair"), ("qc",), TECH, s.FinishIn,
                   guard="may_book_work", effect="finish_repair"),
            Action("pass_qc", "验讫", "Pass QC", sources("qc"), ("ready_for_return",), SUPERVISOR, s.OptionalNoteIn,
                   effect="pass_qc"),
            Action("fail_qc", "验讫不合格", "Fail QC", sources("qc"), ("in_repair",), SUPERVISOR, s.ReasonIn,
                   effect="fail_qc"),
            Action("return_unit", "交还商品", "Return the unit", sources("ready_for_return"), ("returned",), COUNTER,
                   s.ReturnIn, effect="return_unit"),
            Action("confirm_return", "确认收回", "Confirm receipt", sources("returned"),
                   ("completed", "awaiting_payment"),
                   roles("customer", "agent", "system"), s.OptionalNoteIn, effect="confirm_return"),
            Action("propose_exchange", "提议三包换货", "Propose a 三包 exchange", open_, (None,),
                   roles("supervisor", "agent"), s.OptionalNoteIn, effect="propose_exchange",
                   offered="exchange_offered"),
            Action("propose_return", "提议三包退货", "Propose a 三包 return", open_, (None,),
                   roles("supervisor", "agent"), s.OptionalNoteIn, effect="propose_return", offered="return_offered"),
            Action("remind_pickup", "取件提醒", "Pickup reminder", sources("ready_for_return"), (None,), SYSTEM,
                   effect="remind_pickup", visibility="internal",
                   cancels_timers=("pickup_reminder",), sets_timers=(PICKUP_REMINDER,)),
            Action("flag_unclaimed", "逾期未取", "Flag as unclaimed", sources("ready_for_return"), (None,), SYSTEM,
                   effect="flag_unclaimed", visibility="internal", cancels_timers=("pickup_reminder",)),
            )


def _create(zh: str, en: str, payload: type) -> Action:
    return Action("register", zh, en, sources(), ("registered",), REGISTRARS, payload,
                  sets_timers=(RESPONSE_DUE,))


REPAIR = Workflow(
    type="repair", zh="维修", en="Repair", states=tuple(STATES[n] for n in REPAIR_STATES),
    create=_create("叫修登记", "Register a repair call", s.RepairIn), actions=_repair_actions(),
)
INSTALLATION = Workflow(
    type="installation", zh="安装调试", en="Installation", states=tuple(STATES[n] for n in INSTALLATION_STATES),
    create=_create("预约安装", "Book an installation", s.InstallationIn),
    actions=tuple(_visit_actions(INSTALLATION_STATES, s.InstallIn)),
)
