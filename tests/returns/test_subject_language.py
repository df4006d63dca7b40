"""A case's generated subject is stored in the deployment's language (SHOUHOU_DEFAULT_LANGUAGE), not in the
language of whoever applied: staff read one language in the lists, and routing keywords match it."""

from __future__ import annotations

from tests.builders import auth
from tests.returns.helpers import delivered, setup


def subject_of(client, token: str, lang: str) -> str:
    r = client.post("/api/v1/cases", json={"type": "return_refund", "order_no": "T1",
                                           "lines": [{"line_no": 1, "qty": 1}], "reason": "no_longer_wanted"},
                    headers=auth(token, lang))
    assert r.status_code == 201, r.text
    return str(r.json()["subject"])


def test_a_buyer_reading_english_opens_a_case_whose_subject_is_in_chinese(world, client):
    t = setup(world)
    delivered(world)
    assert subject_of(client, t["buyer"], "en") == "退货退款 T1"


def test_an_english_deployment_stores_english_subjects_whoever_applies(world, client, settings, monkeypatch):
    monkeypatch.setattr(settings, "default_language", "en")
    t = setup(world)
    delivered(world)
    assert subject_of(client, t["buyer"], "zh-CN") == "Return and refund T1"
