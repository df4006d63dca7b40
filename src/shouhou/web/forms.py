"""Forms generated from an action's JSON schema, and form data turned back into its payload.

Every workflow action renders with no template work: strings, long texts, integers, yes/no,
choices, lists, yuan amounts, times, photos (uploaded files), carriers and nested objects (a
return address). Labels and help come from web/labels.py, never from JSON keys; what a field
offers on a given case (a reason list, preset texts, hidden for this type) from the case
type's `field_options` (plugins.FieldOptions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.errors import ShouhouError
from shouhou.plugins import FieldOptions
from shouhou.web.carriers import OTHER
from shouhou.web.i18n import gettext
from shouhou.web.labels import field_help, field_label

LINE_QTY_HELP = "One item per line: its line number (see Products) and how many, e.g. 1 2"
LONG_TEXT = {"message", "note", "reason", "description", "resolution", "adjustment_reason", "failure",
             "diagnosis", "work_done", "comment"}


@dataclass
class Field:
    name: str  # form name; nested fields are "parent.child"
    label: str  # English msgid
    kind: str  # text | textarea | integer | boolean | select | lines | line_qty | money | group | photos | photo | carrier | time
    required: bool = False
    choices: list[tuple[str, str | None]] = field(default_factory=list)  # (code, label; None: translate the code)
    help: str = ""
    children: list[Field] = field(default_factory=list)
    default: Any = None
    suggestions: list[str] = field(default_factory=list)
    minimum: int | None = None  # an integer's bounds, for the browser to hold too
    maximum: int | None = None


def fields_of(schema: dict[str, Any] | None, action: str = "",
              options: dict[str, FieldOptions] | None = None) -> list[Field]:
    if not schema:
        return []
    return _fields(schema, schema.get("$defs", {}), "", action, options or {})


def _fields(schema: dict[str, Any], defs: dict[str, Any], prefix: str, action: str,
            options: dict[str, FieldOptions]) -> list[Field]:
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        opt = options.get(f"{action}.{prefix}{name}") or options.get(f"*.{prefix}{name}")
        if opt is not None and opt.hidden:
            continue
        out.append(_field(prefix + name, name, resolve_schema(prop, defs), defs, name in required, prop, action,
                          options, opt))
    return out


def resolve_schema(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Drop the null branch of Optional[...] and follow $ref."""
    if "anyOf" in prop:
        branches = [b for b in prop["anyOf"] if b.get("type") != "null"]
        if len(branches) == 1:
            prop = {**prop, **branches[0]}
            prop.pop("anyOf", None)
    if "$ref" in prop:
        prop = {**defs[prop["$ref"].split("/")[-1]], **{k: v for k, v in prop.items() if k != "$ref"}}
    return prop


def _is_link(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "string" and "/media/" in str(prop.get("description", ""))


def _field(name: str, short: str, prop: dict[str, Any], defs: dict[str, Any], required: bool,
           raw: dict[str, Any], action: str, options: dict[str, FieldOptions], opt: FieldOptions | None) -> Field:
    label = field_label(name)
    help_text = field_help(action, name)
    default = opt.value if opt is not None and opt.value is not None else raw.get("default")
    if opt is not None and opt.choices:
        return Field(name, label, "select", required, list(opt.choices), help_text, default=default)
    if "enum" in prop:
        return Field(name, label, "select", required, [(str(c), None) for c in prop["enum"]], help_text,
                     default=default)
    kind = prop.get("type")
    if kind == "object" and "properties" in prop:
        children = _fields(prop, defs, name + ".", action, options)
        if not required:  # an optional group may be left empty as a whole
            for child in children:
                child.required = False
        return Field(name, label, "group", required, help=help_text, children=children)
    if kind == "boolean":
        return Field(name, label, "boolean", required, help=help_text, default=default)
    if kind == "integer":
        return Field(name, label, "integer", required, help=help_text, default=default,
                     minimum=prop.get("minimum"), maximum=prop.get("maximum"))
    if kind == "array":
        items = resolve_schema(prop.get("items", {}), defs)
        if _is_link(items):
            return Field(name, label, "photos", required, help=help_text or field_help("", "photos"))
        if {"line_no", "qty"} <= set(items.get("properties", {})):  # order lines and quantities
            return Field(name, label, "line_qty", required, help=help_text or LINE_QTY_HELP)
        return Field(name, label, "lines", required, help=help_text)
    if _is_link(prop):
        return Field(name, label, "photo", required, help=help_text)
    if prop.get("format") == "yuan":
        return Field(name, label, "money", required, help=help_text, default=default)
    if prop.get("format") == "date-time":
        return Field(name, label, "time", required, help=help_text, default=default)
    if short == "carrier":
        return Field(name, label, "carrier", required, help=help_text, default=default)
    return Field(name, label, "textarea" if short in LONG_TEXT else "text", required, help=help_text,
                 default=default, suggestions=list(opt.suggestions) if opt else [])


def has_files(fields: list[Field]) -> bool:
    return any(f.kind in ("photos", "photo") or has_files(f.children) for f in fields)


def payload_from(form: dict[str, Any], fields: list[Field], *, tz: str = "Asia/Shanghai",
                 files: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The action's payload from submitted form values; empty optional fields are left out.
    `files` holds the links of the photos uploaded with the form, by field name."""
    out: dict[str, Any] = {}
    for f in fields:
        short = f.name.split(".")[-1]
        if f.kind == "group":
            child = payload_from(form, f.children, tz=tz, files=files)
            if child:
                out[short] = child
            continue
        if f.kind in ("photos", "photo"):
            links = (files or {}).get(f.name, [])
            if links:
                out[short] = links if f.kind == "photos" else links[0]
            continue
        value = form.get(f.name)
        if f.kind == "boolean":
            # A choice, not a checkbox: an unchecked box could not say "leave as it is".
            if value in ("true", "false"):
                out[short] = value == "true"
            continue
        if f.kind == "carrier" and value == OTHER:
            value = form.get(f.name + "_other")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if f.kind == "lines":
            out[short] = [line.strip() for line in str(value).splitlines() if line.strip()]
        elif f.kind == "line_qty":
            out[short] = [_line_qty(line) for line in str(value).splitlines() if line.strip()]
        elif f.kind == "integer":
            out[short] = int(value) if str(value).strip().lstrip("-").isdigit() else value
        elif f.kind == "time":
            out[short] = aware_local(str(value).strip(), tz)
        else:
            out[short] = str(value).strip()
    return out


def _line_qty(text: str) -> dict[str, int] | str:
    """'1 2' (or 1×2, 1:2, 行1 数量2) → {"line_no": 1, "qty": 2}; anything else is left for validation to refuse."""
    numbers = re.findall(r"\d+", text)
    return {"line_no": int(numbers[0]), "qty": int(numbers[1])} if len(numbers) == 2 else text.strip()


def aware_local(value: str, tz: str) -> str:
    """A datetime-local input's '2026-12-06T09:00' is in the store's zone."""
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return value
    return (dt if dt.tzinfo else dt.replace(tzinfo=ZoneInfo(tz))).isoformat()


def error_text(exc: ShouhouError, lang: str) -> str:
    """The error in plain words; a refused field is named by its label, not its JSON key."""
    if exc.code != "validation_failed":
        return exc.message(lang)
    names = []
    for e in exc.details.get("errors", []):
        loc = [str(p) for p in e.get("loc", []) if not str(p).isdigit()]
        if loc:
            names.append(gettext(lang, field_label(loc[-1])))
    joined = ("、" if lang != "en" else ", ").join(dict.fromkeys(names))
    if lang == "en":
        return f"Please check: {joined}" if joined else exc.message(lang)
    return f"请检查：{joined}" if joined else exc.message(lang)
