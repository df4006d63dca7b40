"""Every message the console and the portal may show, as catalogue msgids: the templates' strings,
each action field's label and help, and each code shown in words (web/labels.py CODES, plus the
enum values of every action's payload)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_from_dir

from shouhou import plugins
from shouhou.cases.service import payload_schema
from shouhou.web.labels import ACTION_HELP, CODES, FIELD_HELP, field_label

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "shouhou" / "web" / "templates"


def template_msgids() -> set[str]:
    out = set()
    for _, _, message, *_ in extract_from_dir(str(TEMPLATES), method_map=[("**.html", "jinja2.ext:babel_extract")],
                                              options_map={"**.html": {"extensions": "jinja2.ext.i18n"}}):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            out.add(msgid)
    return out


def _walk(schema: dict[str, Any], defs: dict[str, Any], fields: set[str], enums: dict[str, set[str]]) -> None:
    for name, prop in schema.get("properties", {}).items():
        fields.add(name)
        candidates = [prop, *prop.get("anyOf", [])]
        for c in list(candidates):
            if "$ref" in c:
                candidates.append(defs[c["$ref"].split("/")[-1]])
            if "$ref" in c.get("items", {}):
                candidates.append(defs[c["items"]["$ref"].split("/")[-1]])
        for c in candidates:
            if "enum" in c:
                enums.setdefault(name, set()).update(str(v) for v in c["enum"])
            if "properties" in c:
                _walk(c, defs, fields, enums)


def payload_msgids() -> tuple[set[str], set[str]]:
    """(field labels and helps, codes as "<field>:<code>")."""
    fields: set[str] = set()
    enums: dict[str, set[str]] = {}
    for kind in plugins.kinds():
        for action in (kind.workflow.create, *kind.workflow.actions):
            if action.payload:
                schema = payload_schema(action.payload)
                _walk(schema, schema.get("$defs", {}), fields, enums)
    labels = {field_label(f) for f in fields} | set(FIELD_HELP.values()) | set(ACTION_HELP.values())
    codes = {f"{field}:{code}" for field, values in enums.items() for code in values}
    codes |= {f"{prefix}:{code}" for prefix, values in CODES.items() for code in values}
    return labels, codes


def python_msgids() -> set[str]:
    """Labels the pages' Python code hands to templates: navigation entries and list columns."""
    from shouhou.cases.pages import COLUMNS
    from shouhou.web import nav

    found = {e.label for e in nav.all_entries()} | {label for _, label, _ in COLUMNS}
    for path in (TEMPLATES.parent.parent).rglob("*.py"):  # filters that pages register: translate("…")
        found |= set(re.findall(r'translate\("([^"]+)"', path.read_text(encoding="utf-8")))
    return found
