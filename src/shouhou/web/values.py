"""A timeline event's payload as a person reads it: labelled fields with values in words.

The action's JSON schema says what each field is: money (yuan text, or fen when the payload
kept the parsed amount), a code from a list (translated), yes/no, a time (shown in the store's
zone), photos (thumbnails) or text. Keys the schema does not declare are the engine's own
facts and are not shown, except the few listed in RECORDED.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.money import format_fen
from shouhou.plugins import FieldOptions
from shouhou.web.carriers import carrier_name
from shouhou.web.forms import resolve_schema
from shouhou.web.i18n import gettext
from shouhou.web.labels import field_label

RECORDED = {"refund_amount": {"type": "string", "format": "yuan"}}  # written by effects beside the payload
# Images drawn elsewhere, internal keys, and what the case page shows already (its type, order, store).
NOT_SHOWN = {"signature", "report_id", "geo_note", "version", "type", "order_no", "store", "channel"}


@dataclass(frozen=True)
class Item:
    label: str
    kind: str  # text | money | photos | when | long
    value: Any


def event_items(payload: dict[str, Any], schema: dict[str, Any] | None, action: str, lang: str, tz: str,
                options: dict[str, FieldOptions] | None = None) -> list[Item]:
    schema = schema or {}
    defs = schema.get("$defs", {})
    props = {**RECORDED, **schema.get("properties", {})}
    out: list[Item] = []
    for name, prop in props.items():
        if name not in payload or name in NOT_SHOWN or payload[name] in (None, "", [], {}):
            continue
        if "default" in prop and payload[name] == prop["default"]:
            continue  # what was not asked for (an application's "goods intact: yes")
        opt = (options or {}).get(f"{action}.{name}") or (options or {}).get(f"*.{name}")
        out += _items(name, payload[name], resolve_schema(prop, defs), defs, lang, tz, opt)
    return out


def _items(name: str, value: Any, prop: dict[str, Any], defs: dict[str, Any], lang: str, tz: str,
           opt: FieldOptions | None) -> list[Item]:
    label = gettext(lang, field_label(name))
    if prop.get("format") == "yuan" or name in RECORDED:
        return [Item(label, "money", money(value))]
    if opt is not None and opt.choices:
        return [Item(label, "text", dict(opt.choices).get(str(value), str(value)))]
    if "enum" in prop or isinstance(value, bool):
        return [Item(label, "text", words(value, lang, name))]
    if name == "carrier":
        return [Item(label, "text", carrier_name(str(value), lang))]
    if prop.get("format") == "date-time" and isinstance(value, str):
        return [Item(label, "when", in_zone(value, tz))]
    if isinstance(value, list):
        if all(isinstance(v, str) and (v.startswith("/media/") or v.startswith("http")) for v in value):
            return [Item(label, "photos", value)]
        if all(isinstance(v, str) for v in value):
            return [Item(label, "text", "、".join(value) if lang != "en" else ", ".join(value))]
        return [Item(label, "text", "; ".join(_line(v, lang) for v in value))]
    if isinstance(value, dict):
        inner = resolve_schema(prop, defs)
        children = inner.get("properties", {})
        out: list[Item] = []
        for key, v in value.items():
            if v in (None, "", [], {}) or key in NOT_SHOWN:
                continue
            out += _items(key, v, resolve_schema(children.get(key, {}), defs), defs, lang, tz, None)
        shown = [i for i in out if i.kind != "photos"]
        if shown and all(i.kind == "when" for i in shown):  # a time span: "2026-12-08 14:00 – 16:00"
            return [Item(label, "text", span(*(i.value for i in shown)))] + [i for i in out if i.kind == "photos"]
        return [Item(label, "text", " ".join(str(i.value) if i.kind != "when" else span(i.value) for i in shown))] + [
            i for i in out if i.kind == "photos"]
    if isinstance(value, str) and (value.startswith("/media/") or value.startswith("http")):
        return [Item(label, "photos", [value])]
    return [Item(label, "long" if isinstance(value, str) and len(value) > 40 else "text", str(value))]


def _line(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        parts = [f"{gettext(lang, field_label(k))} {v}" for k, v in value.items() if v not in (None, "")]
        return " ".join(parts)
    return str(value)


def money(value: Any) -> str:
    """An amount as the payload kept it: yuan text, or fen when it was parsed to an integer."""
    if isinstance(value, bool):
        return str(value)
    text = format_fen(value) if isinstance(value, int) else str(value)
    return f"−¥{text[1:]}" if text.startswith("-") else f"¥{text}"


def words(value: Any, lang: str, field: str = "") -> str:
    """A yes/no or a code in words: the catalogue's "<field>:<code>", else "<code>"."""
    if isinstance(value, bool):
        return gettext(lang, "Yes") if value else gettext(lang, "No")
    key = f"{field}:{value}"
    text = gettext(lang, key)
    return text if text != key else gettext(lang, str(value))


def span(*values: str) -> str:
    """Times already in the store's zone as people read them; an end on the start's day without its date."""
    try:
        times = [datetime.fromisoformat(v) for v in values]
    except ValueError:
        return " – ".join(values)
    out = [times[0].strftime("%Y-%m-%d %H:%M")]
    for prev, t in pairwise(times):
        out.append(t.strftime("%H:%M" if t.date() == prev.date() else "%Y-%m-%d %H:%M"))
    return " – ".join(out)


def in_zone(value: str, tz: str) -> str:
    try:
        return datetime.fromisoformat(value).astimezone(ZoneInfo(tz)).isoformat()
    except ValueError:
        return value
