"""How the console and the portal show a repair's forms: fault codes as a list with their labels."""

from __future__ import annotations

from shouhou.engine.context import Ctx
from shouhou.models import Case
from shouhou.plugins import FieldOptions
from shouhou.repairs import settings


def field_options(ctx: Ctx, case: Case) -> dict[str, FieldOptions]:
    faults = tuple((f.code, ctx.label(f.zh, f.en)) for f in settings.fault_codes(ctx, case.store_id).values())
    return {"*.fault_code": FieldOptions(choices=faults)}
