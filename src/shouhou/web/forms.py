"""Forms generated from an action's JSON schema, and form data turned back into its payload.

Every workflow action renders with no template work: strings, long texts, integers,
booleans, choices, lists, yuan amounts and nested objects (e.g. a return address).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LONG_TEXT = {"message", "note", "reason", "description", "resolution", "adjustment_reason", "failure"}


@dataclass
class Field:
    name: str  # form name; nested fields are "parent.child"
    label: str
    kind: str  # text | textarea | integer | boolean | select | lines | money | group
    required: bool = False
    choices: list[str] = field(default_factory=list)
    help: str = ""
    children: list[Field] = field(default_factory=list)
    default: Any = None


def fields_of(schema: dict[str, Any] | None) -> list[Field]:
    if not schema:
        return []
    return _fields(schema, schema.get("$defs", {}), prefix="")


def _fields(schema: dict[str, Any], defs: dict[str, Any], prefix: str) -> list[Field]:
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        out.append(_field(prefix + name, name, _resolve(prop, defs), defs, name in required, prop))
    return out


def _resolve(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Drop the null branch of Optional[...] and follow $ref."""
    if "anyOf" in prop:
        branches = [b for b in prop["anyOf"] if b.get("type") != "null"]
        if len(branches) == 1:
            prop = {**prop, **branches[0]}
            prop.pop("anyOf", None)
    if "$ref" in prop:
        prop = {**defs[prop["$ref"].split("/")[-1]], **{k: v for k, v in prop.items() if k != "$ref"}}
    return prop


def _field(name: str, short: str, prop: dict[str, Any], defs: dict[str, Any], required: bool,
           raw: dict[str, Any]) -> Field:
    label = prop.get("title") or short.replace("_", " ").capitalize()
    help_text = raw.get("description") or prop.get("description") or ""
    default = raw.get("default")
    if "enum" in prop:
        return Field(name, label, "select", required, [str(c) for c in prop["enum"]], help_text, default=default)
    kind = prop.get("type")
    if kind == "object" and "properties" in prop:
        children = _fields(prop, defs, name + ".")
        if not required:  # an optional group may be left empty as a whole
            for child in children:
                child.required = False
        return Field(name, label, "group", required, help=help_text, children=children)
    if kind == "boolean":
        return Field(name, label, "boolean", required, help=help_text, default=default)
    if kind == "integer":
        return Field(name, label, "integer", required, help=help_text, default=default)
    if kind == "array":
        return Field(name, label, "lines", required, help=help_text or "one per line")
    if prop.get("format") == "yuan":
        return Field(name, label, "money", required, help=help_text, default=default)
    return Field(name, label, "textarea" if short in LONG_TEXT else "text", required, help=help_text, default=default)


def payload_from(form: dict[str, Any], fields: list[Field]) -> dict[str, Any]:
    """The action's payload from submitted form values; empty optional fields are left out."""
    out: dict[str, Any] = {}
    for f in fields:
        short = f.name.split(".")[-1]
        if f.kind == "group":
            child = payload_from(form, f.children)
            if child:
                out[short] = child
            continue
        value = form.get(f.name)
        if f.kind == "boolean":
            # A choice, not a checkbox: an unchecked box could not say "leave as it is".
            if value in ("true", "false"):
                out[short] = value == "true"
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if f.kind == "lines":
            out[short] = [line.strip() for line in str(value).splitlines() if line.strip()]
        elif f.kind == "integer":
            out[short] = int(value) if str(value).strip().lstrip("-").isdigit() else value
        else:
            out[short] = str(value).strip()
    return out
