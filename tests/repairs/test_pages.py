"""The service department's console pages, the portal's repair pages, the printed forms with their QR
codes, and the technician's report sent twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import uuid

import segno

from tests.builders import auth
from tests.repairs.helpers import SIGNATURE, WEEKDAYS, act, get, new_unit, part, register, setup, window
from tests.web.conftest import csrf_of, login_form

PW = "pw12345678"


def people(world, client):
    t = setup(world, client)
    for name, role, customer in (("sup", "supervisor", None), ("tom", "technician", None), ("ann", "agent", None),
                                 ("wang", "customer", "u1001"), ("kai", "warehouse", None)):
        world.user(name, role, "S1", customer=customer, password=PW)
    client.put("/api/v1/technicians/tom", json={"skills": ["appliance"], "areas": ["浦东新区"], "hours": WEEKDAYS},
               headers=auth(t["supervisor"]))
    return t


def as_user(client, name: str) -> None:
    client.cookies.clear()
    assert login_form(client, name, PW).status_code == 303


class TestConsolePages:
    def test_it_dispatches_from_the_board(self, world, client):
        t = people(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1", preferred_time=window(25, 9, 2))["no"]
        as_user(client, "sup")
        page = client.get("/console/repairs/board", params={"day": "2026-11-25"})
        assert page.status_code == 200 and no in page.text and 'data-technician="tom"' in page.text
        r = client.post("/console/repairs/board/dispatch", data={
            "_csrf": csrf_of(page.text), "no": no, "version": "1", "store": "S1", "technician": "tom",
            "date": "2026-11-25", "start": "09:00", "end": "11:00"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        case = get(client, t["agent"], no)
        assert case["technician"] == "tom" and case["appointment"]["start"] == "2026-11-25T09:00:00+08:00"
        page = client.get("/console/repairs/board", params={"day": "2026-11-25"})
        assert f'href="/console/cases/{no}" data-at="14.29" data-span="14.29"' in page.text  # tom's timeline: 09:00–11:00
        r = client.post("/console/repairs/board/dispatch", data={
            "_csrf": csrf_of(page.text), "no": no, "version": "2", "store": "S1", "technician": "tom",
            "date": "2026-11-25", "start": "09:00", "end": "11:00"})
        assert r.status_code == 409 and "invalid_transition" not in r.text  # the message, not the code

    def test_it_shows_the_workshop_book_parts_and_printed_forms_with_qr_codes(self, world, client):
        t = people(world, client)
        part(client, t["warehouse"], stock={"central": 3})
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1", mode="carry_in")["no"]
        as_user(client, "ann")
        book = client.get("/console/repairs/book")
        assert book.status_code == 200 and no in book.text
        sheet = client.get("/console/repairs/book/print", params={"day": "2026-11-23"})
        assert sheet.status_code == 200 and f'data-qr="{no}"' in sheet.text
        act(client, t["agent"], no, "receive_unit", condition="门体划痕", accessories=["电源线"])
        act(client, t["technician"], no, "start_repair")
        act(client, t["technician"], no, "finish_repair", result="fixed", labour_minutes=30,
            parts=[{"sku": "PUMP-1", "qty": 1, "old_serial": "O-1"}])
        as_user(client, "sup")
        shop = client.get("/console/workshop")
        assert shop.status_code == 200 and 'data-action="pass_qc"' in shop.text and no in shop.text
        for form in ("voucher", "receipt", "card"):
            page = client.get(f"/console/repairs/{no}/print/{form}")
            assert page.status_code == 200, (form, page.text[:300])
            assert f'data-qr="{no}"' in page.text
        voucher = client.get(f"/console/repairs/{no}/print/voucher").text
        warranty = get(client, t["agent"], no)["warranty"]
        assert ("保修期内" if warranty["covered"] else "已过保修期") in voucher  # said even without an end date
        receipt = client.get(f"/console/repairs/{no}/print/receipt").text
        expected = segno.make_qr(no, error="m").svg_inline(scale=3, svgclass="qr-svg", lineclass="qr-line")
        assert expected in receipt and f"SJ{no}" in receipt and "门体划痕" in receipt
        detail = client.get(f"/console/cases/{no}")
        assert detail.status_code == 200 and "/static/repairs.js" in detail.text and "PUMP-1" in detail.text
        as_user(client, "kai")
        stock = client.get("/console/parts")
        assert stock.status_code == 200 and "PUMP-1" in stock.text and "O-1" in stock.text

    def test_it_shows_the_technician_today_s_jobs(self, world, client):
        t = people(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1")["no"]
        act(client, t["supervisor"], no, "dispatch", technician="tom", window=window(25, 9, 2))
        as_user(client, "tom")
        jobs = client.get("/console/tech", params={"day": "2026-11-25"})
        assert jobs.status_code == 200 and f"/console/tech/jobs/{no}" in jobs.text
        job = client.get(f"/console/tech/jobs/{no}")
        assert job.status_code == 200 and 'data-action="check_in"' in job.text and "tel:13800000000" in job.text
        assert "已派工，待上门" in jobs.text  # the job's state in words
        act(client, t["technician"], no, "check_in")
        act(client, t["technician"], no, "complete_onsite", labour_minutes=40, signature=SIGNATURE)
        as_user(client, "ann")
        sheet = client.get("/console/repairs/book/print", params={"day": "2026-11-23"}).text
        assert no in sheet and "已完成" in sheet and "交易成功" not in sheet  # a repair's word, not an order's


class TestTheTechnicianReport:
    def test_it_applies_a_report_once_however_often_it_is_sent(self, world, client):
        t = people(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1")["no"]
        act(client, t["supervisor"], no, "dispatch", technician="tom", window=window(25, 9, 2))
        as_user(client, "tom")
        job = client.get(f"/console/tech/jobs/{no}")
        token = csrf_of(job.text)
        r = client.post("/console/cases/" + no + "/act", data={"_csrf": token, "_action": "check_in", "_version": "2",
                                                               "_back": f"/console/tech/jobs/{no}"},
                        follow_redirects=False)
        assert r.status_code == 303
        job = client.get(f"/console/tech/jobs/{no}")
        assert 'class="offline-report"' in job.text
        version = int(re.search(r'data-version="(\d+)"', job.text).group(1))
        report = {"report_id": str(uuid.uuid4()), "version": version, "action": "complete_onsite",
                  "fields": {"diagnosis": "排水泵堵塞", "fault_code": "drain", "labour_minutes": 25,
                             "work_done": "清理排水泵", "signature": SIGNATURE}}
        headers = {"X-CSRF-Token": token, "Idempotency-Key": report["report_id"]}
        first = client.post(f"/console/tech/jobs/{no}/report", json=report, headers=headers)
        assert first.status_code == 200, first.text
        assert (first.json()["status"], first.json()["replayed"]) == ("completed", False)
        # the phone never heard back and sends it again, maybe with a new session cookie: nothing changes
        again = client.post(f"/console/tech/jobs/{no}/report", json=report, headers={"X-CSRF-Token": token})
        assert again.status_code == 200 and again.json()["replayed"] is True
        case = get(client, t["agent"], no)
        assert case["version"] == first.json()["version"] and len(case["repair_card"]["sessions"]) == 1
        assert [e["action"] for e in client.get(f"/api/v1/cases/{no}/events", headers=auth(t["agent"])).json()[
            "items"]].count("complete_onsite") == 1
        bad = client.post(f"/console/tech/jobs/{no}/report", json=report, headers={"X-CSRF-Token": "nope"})
        assert bad.status_code == 403 and bad.json()["error"]["code"] == "csrf_failed"

    def test_the_api_takes_the_same_report(self, world, client):
        t = people(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1")["no"]
        act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window())
        body = {"report_id": "r-1", "version": 2, "action": "check_in", "fields": {}}
        r1 = client.post(f"/api/v1/cases/{no}/reports", json=body, headers=auth(t["technician"]))
        r2 = client.post(f"/api/v1/cases/{no}/reports", json=body, headers=auth(t["technician"]))
        assert (r1.json()["replayed"], r2.json()["replayed"], r2.json()["status"]) == (False, True, "on_site")
        other = client.post(f"/api/v1/cases/{no}/reports", json={**body, "action": "take_in", "version": 3},
                            headers=auth(t["technician"]))
        assert other.status_code == 409 and other.json()["error"]["code"] == "report_id_reused"


class TestPrintedCard:
    def test_the_repair_card_names_the_fault_code_in_words(self, world, client):
        t = people(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1", mode="carry_in", fault_code="drain")["no"]
        as_user(client, "sup")
        row = re.search(r'<th>故障</th><td colspan="3">(.*?)</td>', client.get(f"/console/repairs/{no}/print/card").text)
        assert row.group(1) == "洗衣机不排水 · 不排水/不进水"
        client.cookies.set("lang", "en")
        row = re.search(r'<th>Fault</th><td colspan="3">(.*?)</td>', client.get(f"/console/repairs/{no}/print/card").text)
        assert row.group(1) == "洗衣机不排水 · Water in or out"  # the customer's words, then the code's label


class TestPortal:
    def test_a_buyer_registers_a_repair_for_their_unit_and_answers_the_quote(self, world, client):
        t = people(world, client)
        new_unit(client, t["agent"], "OLD-1", delivered=__import__("datetime").datetime.fromisoformat(
            "2024-01-05T10:00:00+08:00"))
        as_user(client, "wang")
        page = client.get("/portal/repairs")
        assert page.status_code == 200 and "OLD-1" in page.text
        r = client.post("/portal/repairs", data={"_csrf": csrf_of(page.text), "type": "repair", "serial": "OLD-1",
                                                 "fault": "不制冷", "fault_code": "no_cooling", "mode": "carry_in",
                                                 "name": "张三", "phone": "13800000000", "day": "2026-11-26",
                                                 "part": "am"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        no = r.headers["location"].rsplit("/", 1)[-1]
        case = get(client, t["agent"], no)
        assert (case["channel"], case["service_type"], case["customer"]) == ("portal", "paid", "u1001")
        assert case["preferred_time"]["start"] == "2026-11-26T09:00:00+08:00"
        act(client, t["agent"], no, "receive_unit")
        act(client, t["technician"], no, "quote", labour_minutes=60)
        page = client.get(f"/portal/cases/{no}")
        assert page.status_code == 200 and 'data-action="approve_quote"' in page.text and "¥80.00" in page.text
        deadline = re.search(r'<p class="deadline">(.*?)</p>', page.text, re.S).group(1)
        assert "客户未答复报价，视为拒绝" in deadline  # what happens when it passes, not only when
        r = client.post(f"/portal/cases/{no}/act", data={"_csrf": csrf_of(page.text), "_action": "approve_quote",
                                                         "_version": str(get(client, t["agent"], no)["version"])},
                        follow_redirects=False)
        assert r.status_code == 303
        assert get(client, t["agent"], no)["status"] == "in_repair"

    def test_the_quote_is_in_the_buyers_language(self, world, client):
        t = people(world, client)
        new_unit(client, t["agent"], "OLD-1", delivered=__import__("datetime").datetime.fromisoformat(
            "2024-01-05T10:00:00+08:00"))
        no = register(client, t["agent"], serial="OLD-1", mode="carry_in")["no"]
        act(client, t["agent"], no, "receive_unit")
        act(client, t["technician"], no, "quote", labour_minutes=60, call_out=True)
        as_user(client, "wang")
        quote = re.search(r'<section class="card quote">(.*?)</section>', client.get(f"/portal/cases/{no}").text, re.S)
        assert "工时 60 分钟" in quote.group(1) and "上门费" in quote.group(1)
        client.cookies.set("lang", "en")
        quote = re.search(r'<section class="card quote">(.*?)</section>', client.get(f"/portal/cases/{no}").text, re.S)
        assert "Labour, 60 min" in quote.group(1) and "Call-out" in quote.group(1)
        assert not re.search(r"[\u4e00-\u9fff]", quote.group(1))  # no Chinese left in the English quote


class TestServiceType:
    def test_a_paid_repair_is_named_a_paid_service_once(self, world, client):
        # "paid" is also an order's status (已付款): a service type reads 付费服务, and its reason does not repeat it
        t = people(world, client)
        new_unit(client, t["agent"], "OLD-2", delivered=__import__("datetime").datetime.fromisoformat(
            "2024-01-05T10:00:00+08:00"))
        no = register(client, t["agent"], serial="OLD-2", mode="carry_in")["no"]
        as_user(client, "wang")
        for lang, shown, never in (("zh", "付费服务", "已付款"), ("en", "Paid service", "Paid paid")):
            client.cookies.set("lang", lang)
            dd = re.search(r"<dd><span class=\"tag st-paid\">(.*?)</dd>", client.get(f"/portal/cases/{no}").text, re.S)
            assert dd and shown in dd.group(1) and never not in dd.group(1), dd and dd.group(1)


class TestRescheduleFromTheBoard:
    def test_it_moves_an_appointment_and_hands_it_to_another_technician(self, world, client):
        t = people(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1")["no"]
        act(client, t["supervisor"], no, "dispatch", technician="tom", window=window(25, 9, 2))
        as_user(client, "sup")
        page = client.get("/console/repairs/board", params={"day": "2026-11-25"})
        form = {"_csrf": csrf_of(page.text), "no": no, "version": "2", "store": "S1", "technician": "tom",
                "date": "2026-11-26", "start": "14:00", "end": "16:00"}
        assert client.post("/console/repairs/board/reschedule", data=form, follow_redirects=False).status_code == 303
        assert get(client, t["agent"], no)["appointment"]["start"] == "2026-11-26T14:00:00+08:00"
        r = client.post("/console/repairs/board/redispatch", data={**form, "version": "3",
                                                                   "technician": "technician-S1"},
                        follow_redirects=False)
        assert r.status_code == 303
        assert get(client, t["agent"], no)["technician"] == "technician-S1"
