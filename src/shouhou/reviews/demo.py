"""Demo reviews (中差评), through the same services as real traffic (`shouhou demo`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shouhou.accounts import service as accounts
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx


def load(ctx: Ctx) -> None:
    agent = replace(ctx, actor=accounts.actor_for(ctx.session, accounts.get_user(ctx.session, "agent")))
    written = (ctx.clock.now() - timedelta(hours=20)).isoformat()
    cases.create(agent, {"type": "review", "order_no": "D1003", "platform": "taobao", "rating": "neutral",
                         "content": "东西还行，就是发货慢了点", "reviewed_at": written})
    case = cases.create(agent, {"type": "review", "order_no": "D1001", "platform": "tmall", "rating": "negative",
                                "content": "洗衣机噪音很大，安装师傅还迟到", "reviewed_at": written})
    case = cases.transition(agent, case.no, "analyse", case.version, {
        "cause": "service", "need": "希望有人上门检查噪音", "attitude": "upset"})
    cases.transition(agent, case.no, "contact", case.version, {
        "channel": "phone", "message": "您好，看到您的评价非常抱歉，明天安排师傅上门检查", "offer": "gift",
        "answer": "好的"})
