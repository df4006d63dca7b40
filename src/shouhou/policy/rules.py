"""The rule record and the index of every rule a decision may cite.

Statutory rules are data (see `rules_cn.py`); the engine refers to them by id and a
decision's basis names them, so a reader can always follow a refusal to its clause.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Rule:
    id: str
    law: str  # the instrument's Chinese name, with its number/date
    article: str  # "第二十五条"; "" when the article number could not be confirmed
    text_zh: str  # short paraphrase, not the full text
    text_en: str
    source_note: str = ""  # where the text was checked, and anything doubtful
    law_en: str = ""
    confirmed: bool = True  # False: the article number is a best reading, see source_note


# The one non-statutory "rule": a remedy or a term the store offers beyond the law.
STORE = Rule(
    id="STORE",
    law="店铺售后政策",
    article="",
    text_zh="店铺自愿作出的、比法律规定更有利于消费者的承诺（法律鼓励，作出后应当履行）。",
    text_en="A commitment the store makes beyond the statutory floor (encouraged by law; binding once made).",
    source_note="NRR-2017 Art. 5 and the 2021 vehicle rules Art. 4 encourage commitments more favourable than the rules.",
    law_en="Store after-sales policy",
)


def index(*tables: Mapping[str, Rule]) -> Mapping[str, Rule]:
    merged: dict[str, Rule] = {}
    for table in tables:
        for rule_id, rule in table.items():
            if rule_id != rule.id:
                raise ValueError(f"rule table key {rule_id!r} does not match the rule's id {rule.id!r}")
            if rule_id in merged:
                raise ValueError(f"duplicate rule id {rule_id!r}")
            merged[rule_id] = rule
    return MappingProxyType(merged)
