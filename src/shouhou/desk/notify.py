"""Telling staff (the inbox's notices) and keeping followers."""

from __future__ import annotations

from shouhou.desk import repository as repo
from shouhou.engine.context import Ctx
from shouhou.models import Case
from shouhou.models.desk import CaseFollower, DeskNotification


def tell(ctx: Ctx, case: Case | None, user_ids: list[int], kind: str, zh: str, en: str) -> None:
    now = ctx.clock.now()
    for user_id in user_ids:
        ctx.session.add(DeskNotification(store_id=case.store_id if case else 0, user_id=user_id,
                                         case_id=case.id if case else None, kind=kind, text_zh=zh[:500],
                                         text_en=en[:500], created_at=now))


def follow(ctx: Ctx, case: Case, user_id: int | None, reason: str) -> None:
    """`user_id` follows the case from now on (nothing if they already do or own it)."""
    if not user_id or user_id == case.assignee_id or repo.is_follower(ctx.session, case.id, user_id):
        return
    repo.add_follower(ctx.session, CaseFollower(store_id=case.store_id, case_id=case.id, user_id=user_id,
                                                reason=reason, created_at=ctx.clock.now()))
    ctx.session.flush()
