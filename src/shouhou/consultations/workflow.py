"""咨询/技术指导: the first case type, which proves the engine end to end (issue 2).

Plain data: the effects it names are in effects.py, bound by plugin.py.
"""

from __future__ import annotations

from datetime import timedelta

from shouhou.consultations.schemas import AssignIn, MergeIn, MessageIn, OptionalMessageIn, ResolveIn
from shouhou.engine.workflow import Action, State, TimerSpec, Workflow, roles, sources

STAFF = roles("agent", "supervisor")
AUTO_CLOSE_AFTER = timedelta(days=7)

WORKFLOW = Workflow(
    type="consultation", zh="咨询", en="Consultation",
    states=(
        State("new", "新建", "New"),
        State("open", "处理中", "Open"),
        State("pending", "待客户回复", "Waiting on customer", waits_on="customer"),
        State("resolved", "已解决", "Resolved",
              timers=(TimerSpec("auto_close", "close", AUTO_CLOSE_AFTER, "自动关闭", "closes automatically"),)),
        State("closed", "已关闭", "Closed", terminal=True),
    ),
    # The system opens one for mail and visitors' web forms (the desk's gateways).
    create=Action("create", "新建咨询", "Create", sources(), ("new",),
                  roles("customer", "agent", "supervisor", "integration", "system")),
    actions=(
        Action("assign", "受理", "Assign", sources("new"), ("open",), STAFF, AssignIn, effect="assign"),
        Action("transfer", "转派", "Transfer", sources("open", "pending"), (None,), STAFF, AssignIn,
               effect="assign"),
        Action("reply", "回复客户", "Reply", sources("new", "open", "pending"), (None,), STAFF, MessageIn),
        Action("note", "内部备注", "Internal note", sources("new", "open", "pending", "resolved"), (None,),
               STAFF, MessageIn, visibility="internal"),
        Action("wait_on_customer", "等待客户", "Wait on customer", sources("open"), ("pending",), STAFF,
               OptionalMessageIn),
        # The customer writes again: the mail gateway acts as the system (desk/mail_in.py).
        Action("customer_reply", "客户回复", "Customer reply", sources("pending"), ("open",),
               roles("customer", "agent", "supervisor", "system"), MessageIn),
        Action("customer_message", "客户留言", "Customer message", sources("new", "open"), (None,),
               roles("customer", "agent", "supervisor", "system"), MessageIn),
        Action("resolve", "解决", "Resolve", sources("open", "pending"), ("resolved",), STAFF, ResolveIn),
        # A duplicate: its messages move to the surviving case, which it points to (desk.service.merge_into).
        Action("merge", "合并", "Merge into another case", sources("new", "open", "pending"), ("closed",), STAFF,
               MergeIn, effect="merge"),
        Action("close", "关闭", "Close", sources("resolved"), ("closed",),
               roles("agent", "supervisor", "customer", "system")),
        Action("reopen", "重新打开", "Reopen", sources("resolved", "closed"), ("open",),
               roles("agent", "supervisor", "customer", "system"), OptionalMessageIn),
    ),
)
