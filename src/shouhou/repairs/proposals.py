"""三包 proposals: an exchange or a return the repair history made due, opened as a linked case."""

from __future__ import annotations

from shouhou.engine.runner import Step
from shouhou.errors import Invalid
from shouhou.repairs import escalation
from shouhou.repairs import repository as repo


def exchange_offered(step: Step) -> bool:
    return False


def return_offered(step: Step) -> bool:
    return False


def propose_exchange(step: Step) -> None:
    raise Invalid("not_entitled", en="Not yet", zh="暂不支持")


def propose_return(step: Step) -> None:
    raise Invalid("not_entitled", en="Not yet", zh="暂不支持")


_ = (escalation, repo)
