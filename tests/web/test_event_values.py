"""A timeline event's fields in words: a time span recorded by a dispatch or an appointment."""

from __future__ import annotations

from shouhou.repairs.schemas import DispatchIn, InstallationIn
from shouhou.web.values import event_items


def _said(payload, model, action, lang="zh"):
    return {i.label: i.value for i in event_items(payload, model.model_json_schema(), action, lang, "Asia/Shanghai")}


class TestTimeSpans:
    def test_it_shows_a_dispatch_window_as_a_span_in_the_store_zone(self):
        said = _said({"technician": "technician", "parts": [],
                      "window": {"start": "2026-12-05T10:00:00+00:00", "end": "2026-12-05T12:00:00+00:00"}},
                     DispatchIn, "dispatch")
        assert said["时间段"] == "2026-12-05 18:00 – 20:00"

    def test_it_shows_a_preferred_time_over_two_days_with_both_dates(self):
        said = _said({"contact": {"name": "张三", "phone": "138"},
                      "preferred_time": {"start": "2026-12-08T23:00:00+08:00", "end": "2026-12-09T01:00:00+08:00"}},
                     InstallationIn, "register", lang="en")
        assert said["Preferred time"] == "2026-12-08 23:00 – 2026-12-09 01:00"
