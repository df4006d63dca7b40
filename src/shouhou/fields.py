"""Pydantic field types shared by every context's schemas: yuan strings and aware times."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ValidationError, WithJsonSchema

from shouhou.errors import Invalid, ShouhouError, validation_failed
from shouhou.money import format_fen, parse_yuan


def _to_fen(value: Any) -> int:
    if isinstance(value, (float, bool)):
        raise ValueError('money must be a decimal string in yuan, e.g. "199.00"')
    try:
        return parse_yuan(value)
    except ShouhouError as exc:
        raise ValueError(exc.message("en")) from None


YUAN_SCHEMA = {"type": "string", "format": "yuan", "pattern": r"^\d{1,13}(\.\d{1,2})?$", "examples": ["199.00"]}

# A non-negative amount given in yuan ("199.00"), held as integer fen.
Fen = Annotated[int, BeforeValidator(_to_fen), WithJsonSchema(YUAN_SCHEMA)]
EARLIEST, LATEST = 1900, 2200  # a time outside these years is a mistake, and overflows date arithmetic


def _plausible(value: datetime) -> datetime:
    if not EARLIEST <= value.year <= LATEST:
        raise ValueError(f"a time must fall between the years {EARLIEST} and {LATEST}")
    return value


# An ISO 8601 time with its UTC offset, within EARLIEST..LATEST.
Instant = Annotated[AwareDatetime, AfterValidator(_plausible)]


def yuan(fen: int | None) -> str | None:
    return None if fen is None else format_fen(fen)


def local_iso(dt: datetime | None, tz: str | ZoneInfo) -> str | None:
    """ISO 8601 with the store's offset, e.g. 2026-11-01T10:00:00+08:00."""
    if dt is None:
        return None
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    return dt.astimezone(zone).isoformat()


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], raw: Any) -> M:
    """Validate a request body, refusing it field by field with `validation_failed`."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise invalid_fields(exc) from None


def invalid_fields(exc: ValidationError) -> Invalid:
    """A pydantic failure as our `validation_failed` error, field by field."""
    return validation_failed([{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()])
