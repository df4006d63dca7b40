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
        assert receive["result"].kind == "select" and receive["result"].choices == ["accepted", "refused"]
        assert receive["result"].required and receive["photos"].kind == "lines"

    def test_it_turns_a_form_back_into_the_payload(self):
        fields = fields_of(payload_schema(ApproveIn))
        form = {"refund_amount": " 90.00 ", "adjustment_reason": "", "refund_shipping": "false",
                "refund_vouchers": "", "return_address.contact": "刘", "return_address.phone": "1",
                "return_address.address": "上海"}
        assert payload_from(form, fields) == {"refund_amount": "90.00", "refund_shipping": False,
                                              "return_address": {"contact": "刘", "phone": "1", "address": "上海"}}
        assert ApproveIn.model_validate(payload_from(form, fields)).refund_amount == 9000
        assert payload_from({"photos": "a.jpg\n\n b.jpg "}, fields_of(payload_schema(ReceiveIn))) == {
            "photos": ["a.jpg", "b.jpg"]}


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
