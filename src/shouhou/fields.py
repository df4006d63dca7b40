"""Pydantic field types shared by every context's schemas: yuan strings and aware times."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from annotated_types import MinLen
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from shouhou.errors import Invalid, ShouhouError, validation_failed
from shouhou.links import MAX_LENGTH, safe_link
from shouhou.money import format_fen, parse_yuan


def _to_fen(value: Any) -> int:
    if not isinstance(value, str):  # JSON text, as documented: never a number (fen or yuan?)
        raise ValueError('money must be a decimal string in yuan, e.g. "199.00"')
    try:
        return parse_yuan(value)
    except ShouhouError as exc:
        raise ValueError(exc.message("en")) from None


YUAN_SCHEMA = {"type": "string", "format": "yuan", "pattern": r"^\d{1,13}(\.\d{1,2})?$", "examples": ["199.00"]}

# A non-negative amount given in yuan ("199.00"), held as integer fen.
Fen = Annotated[int, BeforeValidator(_to_fen), WithJsonSchema(YUAN_SCHEMA)]

MAX_PERCENT = 1000


def _to_basis_points(value: Any) -> int:
    points = _to_fen(value)  # the same decimal text, two places at most
    if points > MAX_PERCENT * 100:
        raise ValueError(f"a percentage is at most {MAX_PERCENT}")
    return points


# A percentage given as decimal text ("12.50"), 0 to MAX_PERCENT, held as basis points (1250).
Percent = Annotated[int, BeforeValidator(_to_basis_points), WithJsonSchema({
    "type": "string", "format": "percent", "pattern": r"^(1000(\.00?)?|\d{1,3}(\.\d{1,2})?)$",
    "description": f"a percentage, 0 to {MAX_PERCENT}, two decimals at most", "examples": ["12.50"]})]

EARLIEST, LATEST = 1900, 2200  # a time outside these years is a mistake, and overflows date arithmetic


def _plausible(value: datetime) -> datetime:
    if not EARLIEST <= value.year <= LATEST:
        raise ValueError(f"a time must fall between the years {EARLIEST} and {LATEST}")
    return value


def _text_or(kind: type) -> Any:
    """JSON text (or, from Python, the value itself): never a number, which lax parsing would
    take for a Unix time."""
    def check(value: Any) -> Any:
        if isinstance(value, str | kind):
            return value
        raise PydanticCustomError(f"{kind.__name__}_type", f"a {kind.__name__} is ISO 8601 text")
    return check


# An ISO 8601 time with its UTC offset, within EARLIEST..LATEST. Request models are strict (JSON
# types as documented: no "5" for 5, no false for 0); a time is JSON text, so it is parsed from it.
Instant = Annotated[AwareDatetime, Strict(False), BeforeValidator(_text_or(datetime)), AfterValidator(_plausible),
                    WithJsonSchema({
    "type": "string", "format": "date-time", "pattern": r"^(19\d\d|2[01]\d\d|2200)-",
    "description": f"ISO 8601 with its UTC offset, in the years {EARLIEST}-{LATEST}",
    "examples": ["2026-11-01T10:00:00+08:00"]})]


def _plausible_day(value: date) -> date:
    if not EARLIEST <= value.year <= LATEST:
        raise ValueError(f"a date must fall between the years {EARLIEST} and {LATEST}")
    return value


# A calendar day in ISO 8601 (2026-11-23), within EARLIEST..LATEST; parsed from JSON text.
Day = Annotated[date, Strict(False), BeforeValidator(_text_or(date)), AfterValidator(_plausible_day), WithJsonSchema({
    "type": "string", "format": "date", "pattern": r"^(19\d\d|2[01]\d\d|2200)-",
    "description": f"ISO 8601 (yyyy-mm-dd), in the years {EARLIEST}-{LATEST}", "examples": ["2026-11-23"]})]


# What counts as blank, spelt out: the same characters for us and for any JSON Schema regex engine
# (their \s differ: Python's takes \x1c-\x1f, ECMAScript's does not).
BLANK = " \t\n\r\f\v\u00a0\u3000"
_BLANK_CLASS = BLANK.encode("unicode_escape").decode()  # the same, as escapes a regex class reads (\t, \xa0…)

# Characters a request may not put in text, as regex class bodies that Python and ECMAScript read
# alike (BMP escapes only: an ECMAScript class without the u flag sees astral characters as halves).
# Any text: C0 controls but tab and line breaks, DEL and C1, and the bidi embeddings, overrides and
# isolates that reorder what a page or a spreadsheet shows ("王\u202e伟").
TEXT_REFUSED = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
# One line (a name, a subject, an address): nor tab, line or paragraph breaks.
LINE_REFUSED = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
# An identifier (an order number, a SKU, a code, a user name, a tracking or phone number): nor any
# invisible format character (Unicode Cf: soft hyphen, zero-width spaces and joiners, BOM…), with
# which two numbers that look the same differ.
IDENT_REFUSED = (r"\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
                 r"\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb")


class _Chars:
    """Refuses text with a character of `refused` (`string_control_characters`) and, if `filled`,
    text of blanks alone (`string_blank`); the JSON Schema gets one `pattern` saying both."""

    def __init__(self, refused: str, *, filled: bool = False) -> None:
        self.refused, self.filled = refused, filled
        self._search = re.compile(f"[{refused}]")

    def check(self, value: str) -> str:
        found = self._search.search(value)
        if found:
            raise PydanticCustomError(
                "string_control_characters",
                "String should not contain control, bidirectional or invisible formatting characters "
                "(found U+{char} at position {position})",
                {"char": f"{ord(found.group()):04X}", "position": found.start()})
        if self.filled:
            _filled(value)
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        target = handler.resolve_ref_schema(json_schema)
        r = self.refused
        # Anchored at both ends (ECMAScript's $ is the end of the text); filled: one character that is
        # not blank either. No lookaround, so that clients (and fuzzers) can generate from it.
        mine = f"^[^{r}]*[^{r}{_BLANK_CLASS}][^{r}]*$" if self.filled else f"^[^{r}]*$"
        other = target.get("pattern")  # a field's own (an e-mail address): both must hold
        target["pattern"] = mine if other is None else rf"^(?![\s\S]*[{r}])[\s\S]*?(?:{other})"
        return json_schema


def _filled(value: str) -> str:
    if value and not value.strip(BLANK):  # "" is refused by min_length, as this is
        raise PydanticCustomError("string_blank", "String should have at least 1 character that is not a space")
    return value


# Request text, by what it may hold. Multi-line free text (a description, a note, a message, a
# reason explained): tab and line breaks allowed. One line of text (a name, a subject, an address,
# a title). An identifier (an order number, a SKU, a serial, a code, a user name, a store, a
# carrier, a tracking or phone number). The Filled… kinds must also hold
# something that is not blank: spaces alone are as empty as "" (an item of a list too).
Text = Annotated[str, _Chars(TEXT_REFUSED)]
FilledText = Annotated[str, MinLen(1), _Chars(TEXT_REFUSED, filled=True)]
Line = Annotated[str, _Chars(LINE_REFUSED)]
FilledLine = Annotated[str, MinLen(1), _Chars(LINE_REFUSED, filled=True)]
Ident = Annotated[str, _Chars(IDENT_REFUSED)]
FilledIdent = Annotated[str, MinLen(1), _Chars(IDENT_REFUSED, filled=True)]


def whole(value: Any) -> Any:
    """2.0 is 2, as JSON Schema's integer says; text and true/false stay as they are, to be refused."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# An integer in a request model (request models are strict): a JSON number without a fraction,
# never "5" or true. Bounds of an optional one go before the validator, or pydantic's schema
# loses them: `Annotated[int, Ge(1), BeforeValidator(whole)] | None`.
Integer = Annotated[int, BeforeValidator(whole)]

# What the API answers (response models, documentation only): money as yuan text, as `yuan()`
# writes it, and times in ISO 8601 with their offset, as `local_iso()` writes them.
YuanText = Annotated[str, WithJsonSchema({"type": "string", "format": "yuan", "pattern": r"^-?\d+\.\d{2}$",
                                          "examples": ["199.00"]})]
TimeText = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time",
                                          "examples": ["2026-11-23T10:00:00+08:00"]})]
DayText = Annotated[str, WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-11-23"]})]


UNSAFE_URL_EN = "Links must be uploaded files or http(s) URLs"
UNSAFE_URL_ZH = "链接须为上传的文件或 http(s) 地址"


def _link(value: str) -> str:
    if safe_link(value) is None:
        raise PydanticCustomError("unsafe_url", "only an uploaded file or an http(s) URL is accepted")
    return value


# A user-supplied link (a photo, evidence): an uploaded file or an http(s) URL (links.py).
Link = Annotated[str, Field(max_length=MAX_LENGTH), AfterValidator(_link),
                 WithJsonSchema({"type": "string", "maxLength": MAX_LENGTH,
                                 "description": "/media/<file> of an upload, or an http(s) URL",
                                 "examples": ["https://img.example.com/1.jpg"]})]


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


@lru_cache(maxsize=64)
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def parse_as(kind: Any, value: Any, *loc: str | int) -> Any:
    """One value validated as a field type (`Line`, `list[FilledIdent]`…) where no request model
    holds it (a console form, a service's own input); refused as `parse` refuses, at `loc`."""
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError as exc:
        raise invalid_fields(exc, loc) from None


def invalid_fields(exc: ValidationError, prefix: tuple[str | int, ...] = ()) -> Invalid:
    """A pydantic failure as our `validation_failed` error, field by field; `unsafe_url` when
    that is all that is wrong (a link that is neither an upload nor http(s))."""
    errors = [{"loc": [*prefix, *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
    if all(e["type"] == "unsafe_url" for e in errors):
        return Invalid("unsafe_url", en=UNSAFE_URL_EN, zh=UNSAFE_URL_ZH, errors=errors)
    return validation_failed(errors)


def duration_words(seconds: int, lang: str, *, overdue: bool = False) -> str:
    """A countdown in words, as every page says one: '还剩 2 天 5 小时' / 'overdue by 3 h'."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if lang == "en":
        parts = [f"{days} d" if days else "", f"{hours} h" if hours else "",
                 f"{minutes} min" if minutes and not days else ""]
        words = " ".join(p for p in parts if p) or "less than a minute"
        return f"overdue by {words}" if overdue else f"{words} left"
    parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "",
             f"{minutes} 分钟" if minutes and not days else ""]
    words = " ".join(p for p in parts if p) or "不到 1 分钟"
    return f"已超时 {words}" if overdue else f"还剩 {words}"
