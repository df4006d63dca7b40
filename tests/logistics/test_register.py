"""The damage register (破损登记簿, seed 001): its columns, its month in the store's zone, its totals and
who reads it (API); the month and the totals as pure functions, against sums by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from shouhou.logistics.register import Entry, bounds, month_of, totals
from tests.builders import auth
from tests.logistics.helpers import PHOTOS, REPORT, on_its_way, queried, register
from tests.returns.helpers import act, setup

TZ = ZoneInfo("Asia/Shanghai")


def book(client, token: str, month: str, **query: str):
    return client.get("/api/v1/logistics/register", params={"month": month, **query}, headers=auth(token))


class TestTheRegister:
    def test_it_lists_each_report_with_the_columns_of_the_book(self, world, client):
        t = setup(world)
        on_its_way(world, "T2")
        on_its_way(world, "T3", lines=[{"line_no": 1, "sku": "CAP-1", "name": "帽子", "category": "apparel", "qty": 1,
                                        "unit_price": "59.00"},
                                       {"line_no": 2, "sku": "SOCK-2", "name": "袜子", "category": "apparel", "qty": 3,
                                        "unit_price": "10.00"}])
        lost = register(client, t["agent"], order_no="T2")["no"]
        queried(client, t["agent"], lost, agent_id="851")
        act(client, t["warehouse"], lost, "report_loss", **REPORT)
        broken = register(client, t["agent"], order_no="T3", skus=["CAP-1"], problem="damaged")["no"]
        act(client, t["agent"], broken, "report_damage", agent_id="3307", **REPORT, **PHOTOS)
        act(client, t["finance"], broken, "record_carrier_compensation", amount="40.50")
        register(client, t["agent"], store="S1", carrier="ZTO", tracking_no="ZT1")  # not reported: not in the book
        r = book(client, t["agent"], "2026-11")
        assert r.status_code == 200, r.text
        out = r.json()
        assert [(i["case"], i["order_no"], i["carrier"], i["tracking_no"], i["condition"], i["carrier_agent"],
                 i["goods_value"], i["skus"], i["handled_by"], i["answer"], i["compensation"], i["status"])
                for i in out["items"]] == [
            (lost, "T2", "SF", "SFT2", "lost", "851", "198.00", ["TSHIRT-M"], "warehouse-S1", "pending", None,
             "reported"),
            (broken, "T3", "SF", "SFT3", "damaged", "3307", "59.00", ["CAP-1"], "agent-S1", "paid", "40.50",
             "reported")]
        assert {i["reported_on"] for i in out["items"]} == {"2026-11-23"}
        assert out["totals"] == {"reports": 2, "damaged": 1, "lost": 1, "goods_value": "257.00",
                                 "compensation": "40.50", "pending": 1}
        assert book(client, t["agent"], "2026-10").json()["items"] == []

    def test_its_month_is_the_stores(self, world, client, clock):
        t = setup(world)
        on_its_way(world, "T2")
        on_its_way(world, "T3")
        # 2026-11-30 15:59 UTC is 23:59 in Shanghai; 16:00 UTC is midnight, 2026-12-01
        for order_no, minute in (("T2", 59), ("T3", 60)):
            clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC) + timedelta(minutes=minute))
            no = register(client, t["agent"], order_no=order_no)["no"]
            act(client, t["agent"], no, "report_loss", agent_id="851", **REPORT)
        november = book(client, t["agent"], "2026-11").json()["items"]
        december = book(client, t["agent"], "2026-12").json()["items"]
        assert [(i["tracking_no"], i["reported_on"]) for i in november] == [("SFT2", "2026-11-30")]
        assert [(i["tracking_no"], i["reported_on"]) for i in december] == [("SFT3", "2026-12-01")]
        assert december[0]["reported_at"] == "2026-12-01T00:00:00+08:00"

    def test_who_reads_it(self, world, client):
        t = setup(world)
        for role in ("agent", "supervisor", "warehouse", "finance", "admin"):
            assert book(client, t[role], "2026-11", store="S1").status_code == 200, role
        for role in ("technician", "reviewer", "buyer"):
            assert book(client, t[role], "2026-11", store="S1").status_code == 403, role
        assert book(client, t["agent"], "2026-13").status_code == 422
        world.store("S2", "别的店铺")
        assert book(client, t["agent"], "2026-11", store="S2").status_code == 404


# -- pure: the month's bounds and the totals -------------------------------------------------

MONTHS = ["2026-01", "2026-02", "2026-11", "2026-12", "2027-01"]
START = datetime(2025, 12, 20, tzinfo=UTC)


@given(st.integers(0, 60 * 24 * 420), st.sampled_from(MONTHS))
def test_an_instant_is_in_the_month_of_its_day_in_shanghai(minutes, month):
    at = START + timedelta(minutes=minutes)
    start, end = bounds(month, TZ)
    assert (start <= at < end) == (at.astimezone(TZ).strftime("%Y-%m") == month == month_of(at, TZ))
    assert start.astimezone(TZ).strftime("%d %H:%M") == "01 00:00" and end - start >= timedelta(days=28)


entries = st.builds(Entry, st.sampled_from(["damaged", "lost"]), st.integers(1, 10**9),
                    st.sampled_from(["pending", "paid", "declined"]), st.none() | st.integers(1, 10**9))


@given(st.lists(entries, max_size=40))
def test_the_totals_are_the_sums_by_hand(found):
    out = totals(found)
    assert out["reports"] == len(found) == out["damaged"] + out["lost"]
    assert out["lost"] == sum(1 for e in found if e.condition == "lost")
    assert out["goods_value_fen"] == sum(e.goods_value_fen for e in found)
    assert out["compensation_fen"] == sum(e.compensation_fen or 0 for e in found)
    assert out["pending"] == sum(1 for e in found if e.answer == "pending")
