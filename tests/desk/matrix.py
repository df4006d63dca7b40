"""The desk's sample requests for the authorization matrix (tests/api/test_access_matrix.py adds them)."""

from __future__ import annotations

from typing import Any

from shouhou.desk import knowledge
from shouhou.desk.schemas import ArticleIn, CannedReplyIn

HOURS = {"timezone": "Asia/Shanghai", "weekdays": {"mon": [["09:00", "18:00"]]}, "exceptions": []}
ARTICLE = {"title": "滤网清洗", "body": "取下滤网用清水冲洗", "tags": ["洗衣机"], "public": True, "store": "S1"}


def _made(world: Any, what: str) -> int:
    """One canned reply / one public article in S1, made the first time a sample asks for it."""
    made = world.__dict__.setdefault("desk_samples", {})
    if what not in made:
        with world.ctx() as ctx:
            if what == "reply":
                made[what] = knowledge.add_reply(ctx, CannedReplyIn(title="矩阵", body="{{case_no}}", store="S1"))["id"]
            else:
                made[what] = knowledge.add_article(ctx, ArticleIn(**ARTICLE))["id"]
    return int(made[what])


def samples(Sample: Any, Call: Any) -> dict[tuple[str, str], Any]:
    S1 = {"code": "S1"}
    return {
        ("GET", "/api/v1/stores/{code}/business-hours"): Sample(lambda s: Call(path=S1)),
        ("PUT", "/api/v1/stores/{code}/business-hours"): Sample(lambda s: Call(path=S1, body=HOURS)),
        ("POST", "/api/v1/stores/{code}/business-time"): Sample(lambda s: Call(
            path=S1, body={"start": "2026-11-23T10:00:00+08:00", "minutes": 60})),
        ("GET", "/api/v1/sla-policies"): Sample(lambda s: Call(query={"store": "S1"})),
        ("PUT", "/api/v1/sla-policies"): Sample(lambda s: Call(query={"store": "S1"}, body=[])),
        ("GET", "/api/v1/stores/{code}/teams"): Sample(lambda s: Call(path=S1)),
        ("PUT", "/api/v1/stores/{code}/teams"): Sample(lambda s: Call(path=S1, body=[])),
        ("GET", "/api/v1/stores/{code}/routing-rules"): Sample(lambda s: Call(path=S1)),
        ("PUT", "/api/v1/stores/{code}/routing-rules"): Sample(lambda s: Call(path=S1, body=[])),
        ("POST", "/api/v1/canned-replies"): Sample(lambda s: Call(body={"title": "矩阵", "body": "您好", "store": "S1"})),
        ("GET", "/api/v1/canned-replies"): Sample(lambda s: Call()),
        ("POST", "/api/v1/canned-replies/{reply_id}/render"): Sample(lambda s: Call(
            path={"reply_id": _made(s.world, "reply")}, body={"case_no": s.consultation})),
        ("POST", "/api/v1/kb/articles"): Sample(lambda s: Call(body=ARTICLE)),
        ("GET", "/api/v1/kb/articles/{article_id}"): Sample(lambda s: Call(path={"article_id": _made(s.world, "kb")})),
        ("PUT", "/api/v1/kb/articles/{article_id}"): Sample(lambda s: Call(path={"article_id": _made(s.world, "kb")},
                                                                           body=ARTICLE)),
        ("GET", "/api/v1/kb/search"): Sample(lambda s: Call(query={"q": "滤网"})),
        ("GET", "/api/v1/kb/problem-stats"): Sample(lambda s: Call(query={"store": "S1"})),
        ("GET", "/api/v1/cases/search"): Sample(lambda s: Call(query={"q": "滤网"})),
        ("GET", "/api/v1/cases/{no}/articles"): Sample(lambda s: Call(path={"no": s.consultation})),
        ("GET", "/api/v1/stores/{code}/mail"): Sample(lambda s: Call(path=S1)),
        ("PUT", "/api/v1/stores/{code}/mail"): Sample(lambda s: Call(path=S1, body={"address": "svc@s1.example.com"})),
        ("POST", "/api/v1/desk/calls"): Sample(lambda s: Call(body={"store": "S1", "phone": "13800000000",
                                                                    "subject": "矩阵来电"})),
        ("GET", "/api/v1/desk/calls/lookup"): Sample(lambda s: Call(query={"phone": "13800000000", "store": "S1"})),
    }
