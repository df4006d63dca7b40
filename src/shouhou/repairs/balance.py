"""What a case's customer owes: its fee lines, less payments and what a supervisor wrote off."""

from __future__ import annotations

from shouhou.engine.context import Ctx
from shouhou.models.repairs import RepairDetail
from shouhou.repairs import repository as repo
from shouhou.repairs.pricing import Balance, balance


def balance_of(ctx: Ctx, case_id: int, d: RepairDetail) -> Balance:
    return balance([f.amount_fen for f in repo.fees(ctx.session, case_id)],
                   [p.amount_fen for p in repo.payments(ctx.session, case_id)], d.written_off_fen)
