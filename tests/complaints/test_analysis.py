"""The monthly complaint analysis (complaints/analysis.py) against counts made by hand over random
complaints; months are the store's (Asia/Shanghai here)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from shouhou.complaints.analysis import Row, summarize

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 9, 1, tzinfo=UTC)


def local_month(at: datetime) -> str:
    return at.astimezone(TZ).strftime("%Y-%m")


@st.composite
def rows(draw) -> Row:
    created = START + timedelta(hours=draw(st.integers(0, 24 * 120)))
    ends = draw(st.sampled_from(["open", "closed", "withdrawn"]))
    closed = created + timedelta(hours=draw(st.integers(1, 24 * 60))) if ends != "open" else None
    found = created + timedelta(hours=draw(st.integers(1, 24 * 20))) if draw(st.booleans()) else None
    agreed = created + timedelta(hours=draw(st.integers(1, 24 * 20))) if draw(st.booleans()) else None
    calls = tuple((created + timedelta(hours=draw(st.integers(1, 24 * 60))), draw(st.booleans()),
                   draw(st.none() | st.integers(1, 5))) for _ in range(draw(st.integers(0, 3))))
    return Row(created, closed, ends if ends != "open" else "investigating",
               draw(st.sampled_from(["delivery", "price", "service_attitude"])), found, agreed,
               draw(st.none() | st.integers(0, 10_000_00)), calls)


@given(st.lists(rows(), max_size=30), st.sampled_from(["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"]))
def test_every_figure_is_the_count_by_hand(found, month):
    out = summarize(found, month, TZ)
    came = [r for r in found if local_month(r.created_at) == month]
    assert out["registered"] == len(came) == sum(c["count"] for c in out["by_category"])
    assert out["founded"] == sum(1 for r in found if r.found_at and local_month(r.found_at) == month)
    agreed = [r for r in found if r.agreed_at and local_month(r.agreed_at) == month]
    assert (out["agreed"], out["compensation_fen"]) == (len(agreed), sum(r.compensation_fen or 0 for r in agreed))
    closed = [r for r in found if r.status == "closed" and local_month(r.closed_at) == month]
    assert out["closed"] == len(closed)
    assert out["withdrawn"] == sum(1 for r in found if r.status == "withdrawn" and local_month(r.closed_at) == month)
    assert out["open_at_end"] == sum(1 for r in found if local_month(r.created_at) <= month
                                     and (r.closed_at is None or local_month(r.closed_at) > month))
    calls = [c for r in found for c in r.follow_ups if local_month(c[0]) == month]
    assert (out["follow_ups"], out["satisfied"]) == (len(calls), sum(1 for c in calls if c[1]))
    if closed:
        mean = sum((r.closed_at - r.created_at).total_seconds() for r in closed) / len(closed) / 3600
        assert abs(out["average_hours_to_close"] - mean) <= 0.05 + 1e-9  # rounded to a tenth
    else:
        assert out["average_hours_to_close"] is None


def test_a_complaint_opened_just_after_midnight_in_shanghai_is_the_new_months():
    # 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Shanghai
    row = Row(datetime(2026, 11, 30, 16, 30, tzinfo=UTC), None, "registered", "price", None, None, None, ())
    assert summarize([row], "2026-11", TZ)["registered"] == 0
    assert summarize([row], "2026-12", TZ)["registered"] == 1
    assert summarize([row], "2026-11", TZ)["open_at_end"] == 0
    assert summarize([row], "2027-01", TZ)["open_at_end"] == 1
