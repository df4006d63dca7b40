"""The desk's sample requests for the authorization matrix (tests/api/test_access_matrix.py adds them)."""

from __future__ import annotations

from typing import Any

HOURS = {"timezone": "Asia/Shanghai", "weekdays": {"mon": [["09:00", "18:00"]]}, "exceptions": []}


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
    }
