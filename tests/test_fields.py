"""The text kinds of request fields (fields.Text, Line, Ident and their Filled… forms): what each
refuses, by property, and that its JSON Schema pattern says the same to an ECMAScript client."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from shouhou.fields import (
    BLANK,
    IDENT_REFUSED,
    LINE_REFUSED,
    TEXT_REFUSED,
    FilledIdent,
    FilledLine,
    FilledText,
    Ident,
    Line,
    Text,
)

KINDS = {"text": (Text, FilledText, TEXT_REFUSED), "line": (Line, FilledLine, LINE_REFUSED),
         "ident": (Ident, FilledIdent, IDENT_REFUSED)}
EXAMPLES = settings(max_examples=60, deadline=None)


def refused(kind: str) -> st.SearchStrategy[str]:
    """A character the kind refuses (its class, read by Python as ECMAScript reads it)."""
    pattern = re.compile(f"[{KINDS[kind][2]}]")
    return st.characters(max_codepoint=0xFFFF).filter(lambda c: pattern.match(c) is not None)


def allowed(kind: str) -> st.SearchStrategy[str]:
    pattern = re.compile(f"[{KINDS[kind][2]}]")
    return st.text(st.characters(codec="utf-8").filter(lambda c: pattern.match(c) is None), max_size=30)


def failure(adapter: TypeAdapter, value: str) -> str | None:
    try:
        adapter.validate_python(value)
    except ValidationError as exc:
        return exc.errors()[0]["type"]
    return None


class TestTextKinds:
    @pytest.mark.parametrize("kind", KINDS)
    @EXAMPLES
    @given(data=st.data())
    def test_it_refuses_any_text_holding_a_refused_character(self, kind, data):
        # given allowed text with a refused character somewhere in it
        bad = data.draw(allowed(kind)) + data.draw(refused(kind)) + data.draw(allowed(kind))
        plain, filled, _ = KINDS[kind]
        # then both forms refuse it, as string_control_characters
        assert failure(TypeAdapter(plain), bad) == "string_control_characters"
        assert failure(TypeAdapter(filled), bad) == "string_control_characters"

    @pytest.mark.parametrize("kind", KINDS)
    @EXAMPLES
    @given(data=st.data())
    def test_it_passes_text_of_allowed_characters_unchanged(self, kind, data):
        text = data.draw(allowed(kind))
        plain, filled, _ = KINDS[kind]
        assert TypeAdapter(plain).validate_python(text) == text
        if text.strip(BLANK):
            assert TypeAdapter(filled).validate_python(text) == text
        else:  # "" or blanks alone: as empty as nothing
            assert failure(TypeAdapter(filled), text) in ("string_too_short", "string_blank")

    @pytest.mark.parametrize(("kind", "value", "ok"), [
        ("text", "第一行\n第二行\r\n\t缩进", True),   # a multi-line text keeps its line breaks and tabs
        ("line", "第一行\n第二行", False),
        ("line", "王\u202e伟", False),              # a bidi override
        ("line", "👨\u200d👩\u200d👧 张伟", True),   # a joiner inside an emoji belongs in a name…
        ("ident", "DD\u200d123", False),            # …not in an order number
        ("ident", "DD\ufeff123", False),
        ("ident", "SF 1234\u00a05678", True),       # spaces are not hidden
        ("text", "\x7f", False), ("text", "\u0085", False), ("text", "\u2067", False),
    ])
    def test_it_draws_the_lines_between_the_kinds(self, kind, value, ok):
        assert (failure(TypeAdapter(KINDS[kind][0]), value) is None) is ok

    @pytest.mark.parametrize("kind", KINDS)
    @EXAMPLES
    @given(data=st.data())
    def test_its_json_schema_pattern_agrees_with_it(self, kind, data):
        # ECMAScript's $ is the end of the text: \Z in Python
        _, filled, _ = KINDS[kind]
        pattern = re.compile(TypeAdapter(filled).json_schema()["pattern"].removesuffix("$") + r"\Z")
        value = data.draw(st.one_of(allowed(kind), allowed(kind).map(lambda t: t + data.draw(refused(kind))),
                                    st.sampled_from(["", " ", "\u3000\u00a0", "x"])))
        assert (pattern.search(value) is not None) is (failure(TypeAdapter(filled), value) is None)
