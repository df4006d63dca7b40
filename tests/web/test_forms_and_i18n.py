"""Forms come from action schemas; every console string has its zh-CN translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from shouhou.cases.service import payload_schema
from shouhou.returns.schemas import ApproveIn, ReceiveIn
from shouhou.web.forms import fields_of, payload_from
from shouhou.web.i18n import translations

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "shouhou" / "web" / "templates"


class TestActionForms:
    def test_it_renders_every_kind_of_field(self):
        kinds = {f.name: f.kind for f in fields_of(payload_schema(ApproveIn))}
        assert kinds == {"refund_amount": "money", "adjustment_reason": "textarea", "refund_shipping": "boolean",
                         "refund_vouchers": "boolean", "return_address": "group", "price_difference": "money"}
        group = next(f for f in fields_of(payload_schema(ApproveIn)) if f.kind == "group")
        assert [c.name for c in group.children] == ["return_address.contact", "return_address.phone",
                                                    "return_address.address"]
        assert not any(c.required for c in group.children)  # the whole address is optional
        receive = {f.name: f for f in fields_of(payload_schema(ReceiveIn))}
        assert receive["result"].kind == "select" and receive["result"].choices == [("accepted", None),
                                                                                   ("refused", None)]
        assert receive["result"].required and receive["photos"].kind == "photos"  # uploads, not links typed in

    def test_a_case_type_hides_the_fields_that_are_not_its_own(self):
        from shouhou.plugins import FieldOptions

        fields = fields_of(payload_schema(ApproveIn), "approve",
                           {"approve.price_difference": FieldOptions(hidden=True)})
        assert "price_difference" not in {f.name for f in fields}
        assert {f.name: f.label for f in fields}["refund_shipping"] == "Refund the shipping fee"

    def test_it_turns_a_form_back_into_the_payload(self):
        fields = fields_of(payload_schema(ApproveIn))
        form = {"refund_amount": " 90.00 ", "adjustment_reason": "", "refund_shipping": "false",
                "refund_vouchers": "", "return_address.contact": "刘", "return_address.phone": "1",
                "return_address.address": "上海"}
        assert payload_from(form, fields) == {"refund_amount": "90.00", "refund_shipping": False,
                                              "return_address": {"contact": "刘", "phone": "1", "address": "上海"}}
        assert ApproveIn.model_validate(payload_from(form, fields)).refund_amount == 9000
        assert payload_from({}, fields_of(payload_schema(ReceiveIn)), files={"photos": ["/media/a.jpg"]}) == {
            "photos": ["/media/a.jpg"]}


class TestTranslations:
    def test_it_translates_every_template_string_to_chinese(self):
        zh = translations("zh")
        missing = []
        for _, _, message, *_ in extract_from_dir(str(TEMPLATES),
                                                  method_map=[("**.html", "jinja2.ext:babel_extract")],
                                                  options_map={"**.html": {"extensions": "jinja2.ext.i18n"}}):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid and zh.gettext(msgid) == msgid:
                missing.append(msgid)
        assert missing == []

    def test_every_field_label_code_and_page_label_has_both_languages(self):
        """Labels of every action's fields, codes shown in words (web/labels.py CODES and every
        payload enum as "<field>:<code>"), navigation and list columns."""
        from tests.web.msgids import payload_msgids, python_msgids

        zh, en = translations("zh"), translations("en")
        labels, codes = payload_msgids()
        same = {"SKU"}  # the same word in both languages (as 千牛 writes it)
        missing = sorted(m for m in labels | python_msgids() | codes if zh.gettext(m) == m and m not in same)
        assert missing == []
        untranslated = sorted(c for c in codes if en.gettext(c) == c)
        assert untranslated == []  # "<field>:<code>" is no English either


class TestRatingForm:
    def test_it_says_the_scale_and_lets_the_browser_hold_it(self):
        from shouhou.repairs.schemas import RateIn
        from shouhou.web.templating import _lang, env

        fields = fields_of(payload_schema(RateIn), "rate")
        score = next(f for f in fields if f.name == "score")
        assert (score.minimum, score.maximum) == (1, 5)
        token = _lang.set("zh")
        try:
            html = env.from_string('{% from "_macros.html" import field with context %}{{ field(f) }}').render(f=score)
        finally:
            _lang.reset(token)
        assert 'type="number"' in html and 'min="1"' in html and 'max="5"' in html
        assert "1 分非常不满意，5 分非常满意" in html  # the scale, in the page's language
