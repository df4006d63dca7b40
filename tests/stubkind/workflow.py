"""登记 → 检测 → 完成, as plain data; the effect it names is in service.py."""

from __future__ import annotations

from datetime import timedelta

from shouhou.engine.workflow import Action, State, TimerSpec, Workflow, roles, sources
from tests.stubkind.schemas import StubIn, VerdictIn

STAFF = roles("agent", "technician")

WORKFLOW = Workflow(
    type="stub", zh="报修登记", en="Stub repair",
    states=(
        State("registered", "已登记", "Registered",
              timers=(TimerSpec("forgotten", "close", timedelta(days=30), "超时关闭", "closes when forgotten"),)),
        State("inspected", "已检测", "Inspected"),
        State("closed", "已关闭", "Closed", terminal=True),
    ),
    create=Action("register", "登记", "Register", sources(), ("registered",), roles("agent", "integration"), StubIn),
    actions=(
        Action("inspect", "检测", "Inspect", sources("registered"), ("inspected",), STAFF, VerdictIn,
               effect="record_verdict"),
        Action("close", "关闭", "Close", sources("registered", "inspected"), ("closed",), STAFF | {"system"}),
    ),
)
