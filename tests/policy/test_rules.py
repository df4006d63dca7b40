"""The statutory floor as data: every rule is cited, complete, and doubtful ones say so."""

from __future__ import annotations

import re
from pathlib import Path

from shouhou.policy import STATUTORY_RULES, STORE

DOCS = Path(__file__).resolve().parents[2] / "docs" / "policy.md"

EXPECTED = {
    "CPL-24", "CPL-25", "CPL-IMPL-2024-18", "CPL-IMPL-2024-19",
    "NRR-2017-6", "NRR-2017-7", "NRR-2017-8", "NRR-2017-10", "NRR-2017-13", "NRR-2017-14", "NRR-2017-15",
    "NRR-2017-18",
    "SANBAO-8", "SANBAO-9", "SANBAO-10", "SANBAO-11", "SANBAO-12", "SANBAO-13", "SANBAO-14",
    "SANBAO-FREE-REPAIR", "SANBAO-EXCLUSIONS",
    "VEHICLE-2021-18", "VEHICLE-2021-19", "VEHICLE-2021-20", "VEHICLE-2021-22", "VEHICLE-2021-23",
    "VEHICLE-2021-24", "VEHICLE-2021-27", "VEHICLE-2021-29", "VEHICLE-2021-32",
    "CIVIL-201", "CIVIL-202", "CIVIL-203", "CIVIL-563", "CIVIL-621", "ECL-20",
}


class TestStatutoryRules:
    def test_it_holds_the_expected_rules(self) -> None:
        assert set(STATUTORY_RULES) == EXPECTED

    def test_every_rule_is_complete(self) -> None:
        for rule_id, rule in STATUTORY_RULES.items():
            assert rule.id == rule_id
            assert rule.law and rule.text_zh and rule.text_en and rule.law_en, rule_id

    def test_unconfirmed_articles_say_why(self) -> None:
        for rule in STATUTORY_RULES.values():
            if not rule.confirmed:
                assert rule.source_note, rule.id
            if not rule.article:
                assert not rule.confirmed, f"{rule.id} has no article number but claims to be confirmed"

    def test_numbered_ids_match_their_article(self) -> None:
        numerals = "零一二三四五六七八九"
        for rule in STATUTORY_RULES.values():
            m = re.fullmatch(r".*-(\d+)", rule.id)
            if m and rule.article:
                assert rule.article == "第" + _zh_number(int(m.group(1)), numerals) + "条", rule.id

    def test_every_rule_is_documented(self) -> None:
        text = DOCS.read_text(encoding="utf-8")
        missing = [rule_id for rule_id in STATUTORY_RULES if f"`{rule_id}`" not in text]
        assert not missing, f"docs/policy.md does not list {missing}"

    def test_store_is_not_statutory(self) -> None:
        assert STORE.id == "STORE" and "STORE" not in STATUTORY_RULES


def _zh_number(n: int, digits: str) -> str:
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return digits[hundreds] + "百"
    if rest < 10:
        return digits[hundreds] + "百零" + digits[rest]
    return digits[hundreds] + "百" + _zh_number(rest, digits).replace("十", "一十", 1 if rest < 20 else 0)
