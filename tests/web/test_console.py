"""The staff console through HTTP: sign-in, CSRF, list, columns, export, detail, actions, admin pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from shouhou.cases import service as cases
from shouhou.models import Reason
from tests.web.conftest import csrf_of, login_form

SIGNED = datetime.fromisoformat("2026-11-20T15:00:00+08:00")
PW = "pw12345678"


def _staff(world, *roles):
    world.store(return_address="上海仓")
    for role in roles:
        world.user(role, role, "S1", password=PW)


def _consultation(world, subject="滤网怎么洗"):
    with world.ctx(world.actor("agent")) as ctx:
        return cases.create(ctx, {"type": "consultation", "store": "S1", "subject": subject}).no


def _return(world, order_no="T1", customer="u1001"):
    world.order(order_no, customer=customer, signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
    if "shop" not in world.tokens:
        world.user("shop", "integration", "S1")  # applies for its buyers
    with world.ctx(world.actor("shop")) as ctx:
        return cases.create(ctx, {"type": "return_refund", "order_no": order_no, "lines": [{"line_no": 1, "qty": 1}],
                                  "reason": "quality_issue"}).no


class TestSignIn:
    def test_it_sends_strangers_to_the_login_page(self, world, client):
        r = client.get("/console/cases", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/console/cases"

    def test_it_refuses_a_wrong_password_and_changes_nothing(self, world, client):
        _staff(world, "agent")
        r = login_form(client, "agent", "wrong")
        assert r.status_code == 401 and "用户名或密码错误" in r.text
        assert client.get("/console/cases", follow_redirects=False).status_code == 303

    def test_it_lands_staff_on_their_roles_page_and_buyers_on_the_portal(self, world, client):
        _staff(world, "agent", "reviewer", "finance", "warehouse")
        assert login_form(client, "agent").headers["location"] == "/console"
        assert client.get("/console", follow_redirects=False).headers["location"] == "/console/cases?type=consultation"
        landings = {"reviewer": "/console/cases?status=pending_review&sort=deadline&dir=asc",
                    "finance": "/console/finance", "warehouse": "/console/warehouse"}
        for who, where in landings.items():
            client.cookies.clear()
            login_form(client, who)
            assert client.get("/console", follow_redirects=False).headers["location"] == where
        client.cookies.clear()
        world.user("buyer", "customer", "S1", customer="u1001", password=PW)
        assert login_form(client, "buyer").headers["location"] == "/portal"

    def test_it_follows_next_but_never_off_site(self, world, client):
        _staff(world, "agent")
        assert login_form(client, "agent", next_path="/console/orders").headers["location"] == "/console/orders"
        client.cookies.clear()
        assert login_form(client, "agent", next_path="//evil.example/x").headers["location"] == "/console"

    def test_it_refuses_a_form_without_its_csrf_token(self, world, client):
        _staff(world, "agent")
        login_form(client, "agent")
        r = client.post("/logout", data={"_csrf": "forged"})
        assert r.status_code == 403 and "表单已过期" in r.text
        assert client.get("/console/cases").status_code == 200  # still signed in


class TestCaseList:
    def test_it_filters_by_type_and_status(self, world, client):
        _staff(world, "agent", "reviewer")
        consult = _consultation(world)
        ret = _return(world)
        login_form(client, "agent")
        page = client.get("/console/cases", params={"type": "return_refund"}).text
        assert ret in page and consult not in page
        page = client.get("/console/cases", params={"status": "new"}).text
        assert consult in page and ret not in page

    def test_it_remembers_hidden_reordered_and_frozen_columns(self, world, client):
        _staff(world, "agent")
        _consultation(world)
        login_form(client, "agent")
        token = csrf_of(client.get("/console/cases").text)
        order = "subject,no,status_label,store,type_label,products,order_no,customer,refund_amount,deadline,assignee," \
                "created_at,reviewed_at,order_placed_at,updated_at"
        r = client.post("/console/prefs/case_list", data={"_csrf": token, "order": order, "frozen": "2",
                                                           "shown": ["subject", "no", "status_label"],
                                                           "back": "/console/cases"}, follow_redirects=False)
        assert r.status_code == 303
        html = client.get("/console/cases").text
        heads = re.findall(r'<th data-key="([a-z_]+)" class="(frozen)?[^"]*"', html)
        assert heads == [("subject", "frozen"), ("no", "frozen"), ("status_label", "")]
        client.cookies.clear()
        login_form(client, "agent")  # a new session: the choice is the user's, kept server-side
        assert re.findall(r'<th data-key="([a-z_]+)"', client.get("/console/cases").text) == [
            "subject", "no", "status_label"]

    def test_it_exports_the_filtered_list(self, world, client, clock):
        _staff(world, "agent")
        no = _consultation(world, subject="导出测试")
        refund = _return(world)
        login_form(client, "agent")
        # headings as the list shows them, in the reader's language; times in the store's zone
        rows = list(csv.reader(io.StringIO(client.get("/console/cases/export.csv").content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["售后单号", "订单号", "店铺"] and rows[0][rows[0].index("状态")]
        by_no = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
        assert by_no[no]["主题"] == "导出测试" and by_no[no]["状态"] == "新建"
        local = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None, microsecond=0)
        assert by_no[no]["申请时间"] == local.isoformat(sep=" ")
        assert by_no[refund]["客户"].endswith("(u1001)") and by_no[refund]["退款金额"] == "99.00"
        # in a workbook, times are dates and amounts are numbers to the fen
        wb = load_workbook(io.BytesIO(client.get("/console/cases/export.xlsx").content))
        sheet = list(wb.active.iter_rows())
        heads = [c.value for c in sheet[0]]
        cells = {r[0].value: dict(zip(heads, r, strict=True)) for r in sheet[1:]}
        assert cells[no]["申请时间"].value == local and cells[no]["申请时间"].number_format == "yyyy-mm-dd hh:mm:ss"
        assert cells[refund]["退款金额"].value == 99 and cells[refund]["退款金额"].number_format == "0.00"
        client.get("/lang/en?next=/console/cases")
        english = client.get("/console/cases/export.csv").content.decode("utf-8-sig").splitlines()[0]
        assert english.startswith("Case no.,Order no.,Store,Type")


class TestCaseDetail:
    def test_it_offers_only_the_actions_the_role_may_take(self, world, client):
        _staff(world, "agent", "finance")
        no = _consultation(world)
        login_form(client, "agent")
        assert 'data-action="assign"' in client.get(f"/console/cases/{no}").text
        client.cookies.clear()
        login_form(client, "finance")
        page = client.get(f"/console/cases/{no}").text
        assert 'data-action="assign"' not in page and "您当前无可执行的操作" in page

    def test_it_takes_an_action_from_its_form(self, world, client):
        _staff(world, "agent")
        no = _consultation(world)
        login_form(client, "agent")
        page = client.get(f"/console/cases/{no}").text
        assert "留空则由您本人受理" in page  # what the empty choice means
        r = client.post(f"/console/cases/{no}/act", data={"_csrf": csrf_of(page), "_action": "assign", "_version": "1",
                                                           "assignee": ""}, follow_redirects=False)
        assert r.status_code == 303
        page = client.get(f"/console/cases/{no}").text
        assert "处理中" in page and "受理" in page  # the new status and the assign event

    def test_a_bug_behind_a_page_or_a_form_is_a_page_and_keeps_nothing(self, world, client, monkeypatch):
        from shouhou.cases import case_pages, service

        _staff(world, "agent")
        no = _consultation(world)
        login_form(client, "agent")
        token = csrf_of(client.get(f"/console/cases/{no}").text)
        transition = service.transition

        def buggy(*args, **kwargs):
            transition(*args, **kwargs)
            raise RuntimeError("bug after the action")

        monkeypatch.setattr(service, "transition", buggy)
        r = client.post(f"/console/cases/{no}/act", data={"_csrf": token, "_action": "assign", "_version": "1",
                                                           "assignee": ""}, follow_redirects=False)
        assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
        assert "出了点问题" in r.text and "服务器内部错误，未做任何更改" in r.text
        with world.ctx() as ctx:
            assert cases.get(ctx, no).status == "new"  # the action was rolled back
        monkeypatch.setattr(case_pages, "detail_context", lambda *a: 1 / 0)
        client.cookies.set("lang", "en")
        r = client.get(f"/console/cases/{no}")
        assert r.status_code == 500 and "Something went wrong" in r.text and "nothing was changed" in r.text

    def test_it_says_the_case_changed_on_a_stale_version(self, world, client):
        _staff(world, "agent")
        no = _consultation(world)
        login_form(client, "agent")
        token = csrf_of(client.get(f"/console/cases/{no}").text)
        with world.ctx(world.actor("agent")) as ctx:
            cases.transition(ctx, no, "note", 1, {"message": "先记一笔"})
        r = client.post(f"/console/cases/{no}/act", data={"_csrf": token, "_action": "assign", "_version": "1"})
        assert r.status_code == 409 and 'data-code="version_conflict"' in r.text and "请刷新后重试" in r.text
        with world.ctx() as ctx:
            assert cases.get(ctx, no).status == "new"

    def test_it_shows_the_review_facts(self, world, client):
        _staff(world, "reviewer")
        no = _return(world)
        login_form(client, "reviewer")
        page = client.get(f"/console/cases/{no}").text
        for fact in ("T恤 M码", "¥99.00", "VIP 会员", "历史售后次数", "质量问题", 'data-action="approve"', "政策依据"):
            assert fact in page, fact
        # what an empty field of the approval means, the return address's group included
        assert "留空则沿用按政策计算的结果" in page
        assert re.search(r'<legend>退货地址</legend>\s*<small class="help">留空则告知买家店铺的退货地址</small>', page)


    def test_it_extends_an_exchange_orders_receipt_confirmation_from_its_form(self, world, client):
        _staff(world, "agent")
        world.order("X1", customer="u1001", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        world.user("shop", "integration", "S1")
        with world.ctx(world.actor("shop")) as ctx:
            no = cases.create(ctx, {"type": "exchange", "order_no": "X1", "lines": [{"line_no": 1, "qty": 1}],
                                    "reason": "size_fit", "exchange_sku": "TSHIRT-L", "photos": ["https://img.example.com/x1.jpg"]}).no
        login_form(client, "agent")
        page = client.get(f"/console/cases/{no}").text
        assert 'data-action="extend_receipt"' in page and "延长天数" in page and "已延长收货" not in page
        r = client.post(f"/console/cases/{no}/act", data={"_csrf": csrf_of(page), "_action": "extend_receipt",
                                                           "_version": "1", "days": "5", "note": "已为您延长收货"},
                        follow_redirects=False)
        assert r.status_code == 303
        page = client.get(f"/console/cases/{no}").text
        assert "已延长收货" in page and "延长 5 天" in page and "延长收货时间" in page  # the detail and the event


class TestPortal:
    def test_it_shows_a_buyer_only_their_own_cases(self, world, client):
        _staff(world, "agent")
        mine, theirs = _return(world, "T1", "u1001"), _return(world, "T2", "u2002")
        world.user("buyer", "customer", "S1", customer="u1001", password=PW)
        login_form(client, "buyer")
        home = client.get("/portal").text
        assert mine in home and theirs not in home
        assert client.get(f"/portal/cases/{theirs}").status_code == 404
        assert client.get("/console/cases/" + mine).status_code in (200, 404)

    def test_it_lets_a_buyer_apply_with_photos(self, world, client):
        _staff(world, "agent")
        world.order("T9", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        world.user("buyer", "customer", "S1", customer="u1001", password=PW)
        login_form(client, "buyer")
        page = client.get("/portal/orders/T9").text
        assert "退货退款" in page and "截止" in page
        r = client.post("/portal/orders/T9/apply",
                        data={"_csrf": csrf_of(page), "type": "return_refund", "reason": "size_fit", "qty_1": "1",
                              "description": "偏小"},
                        files=[("photos", ("a.png", b"\x89PNG fake", "image/png"))], follow_redirects=False)
        assert r.status_code == 303, r.text
        case_page = client.get(r.headers["location"]).text
        assert "待审核" in case_page and "/media/" in case_page
        photo = re.search(r'href="(/media/[0-9a-f]+\.png)"', case_page).group(1)
        assert client.get(photo).content == b"\x89PNG fake"

    def test_it_refuses_a_late_application_and_creates_nothing(self, world, client, clock):
        _staff(world, "agent")
        world.order("T9", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        world.user("buyer", "customer", "S1", customer="u1001", password=PW)
        clock.advance(days=30)
        login_form(client, "buyer")
        page = client.get("/portal/orders/T9").text
        r = client.post("/portal/orders/T9/apply", data={"_csrf": csrf_of(page), "type": "return_refund",
                                                          "reason": "no_longer_wanted", "qty_1": "1"})
        assert r.status_code == 422 and "七天无理由" in r.text
        assert "No requests yet" not in client.get("/portal").text and "暂无售后申请" in client.get("/portal").text


class TestNewConsultation:
    def test_a_refused_form_keeps_the_channel_and_priority_chosen(self, world, client):
        _staff(world, "agent")
        login_form(client, "agent")
        token = csrf_of(client.get("/console/cases/new").text)
        r = client.post("/console/cases/new", data={"_csrf": token, "store": "S1", "order_no": "NOPE",
                                                    "subject": "滤网怎么洗", "channel": "email", "priority": "urgent"})
        assert r.status_code == 404 and "NOPE" in r.text
        assert re.search(r'<option value="email"\s+selected', r.text)
        assert re.search(r'<option value="urgent"\s+selected', r.text)
        assert 'value="滤网怎么洗"' in r.text


class TestLanguage:
    def test_it_switches_to_english_and_back(self, world, client):
        _staff(world, "agent")
        login_form(client, "agent")
        assert "售后单" in client.get("/console/cases").text
        client.get("/lang/en?next=/console/cases")
        page = client.get("/console/cases").text
        assert ">Cases<" in page and "售后单号" not in page
        client.get("/lang/zh")
        assert "售后单号" in client.get("/console/cases").text

    def test_a_visitors_contact_page_and_its_error_speak_one_language(self, world, client):
        """Signed in or not, the page follows the lang cookie, then the browser's Accept-Language."""
        world.store()
        en = {"Accept-Language": "en-US,en;q=0.9"}
        page = client.get("/portal/contact", headers=en).text
        assert "Contact customer service" in page and "联系客服" not in page
        r = client.post("/portal/contact", headers=en, data={"_csrf": csrf_of(page), "store": "S1", "name": "Wang",
                                                              "phone": "13800000000", "subject": ""})
        error = re.search(r'<p class="error" role="alert">(.*?)</p>', r.text).group(1)
        assert r.status_code == 422 and error == "Say what it is about" and "联系客服" not in r.text
        page = client.get("/portal/contact").text  # no header: Chinese, the default
        r = client.post("/portal/contact", data={"_csrf": csrf_of(page), "store": "S1", "phone": "1", "subject": ""})
        assert "联系客服" in r.text and re.search(r'<p class="error" role="alert">(.*?)</p>', r.text).group(1) == "请填写问题"
        client.cookies.set("lang", "zh")  # the switch wins over the browser
        assert "联系客服" in client.get("/portal/contact", headers=en).text


class TestAdminPages:
    def test_it_refuses_a_policy_below_the_law_and_saves_a_better_one(self, world, client):
        _staff(world, "admin")
        login_form(client, "admin")
        page = client.get("/console/policy").text
        assert "CPL-25" in page and "不少于 7" in page
        form = {"_csrf": csrf_of(page), "store": "S1", "category_overrides": "{}"}
        for name, value in re.findall(r'name="([a-z_]+)" (?:type="number" )?value="([^"]*)"', page):
            form[name] = value
        form.update({"free_return_shipping": "true", "refund_coupons_as_cash": "false", "refund_timing": "after_receipt"})
        r = client.post("/console/policy", data={**form, "no_reason_return_days": "5"})
        assert r.status_code == 422 and "CPL-25" in r.text
        r = client.post("/console/policy", data={**form, "no_reason_return_days": "15"}, follow_redirects=False)
        assert r.status_code == 303
        page = client.get("/console/policy").text
        assert 'value="15"' in page and "版本 1" in page.replace("version", "版本")

    def test_a_refused_policy_names_the_setting_and_keeps_what_was_typed(self, world, client):
        _staff(world, "admin")
        login_form(client, "admin")
        page = client.get("/console/policy").text
        form = {"_csrf": csrf_of(page), "store": "S1"}
        for name, value in re.findall(r'name="([a-z_]+)" (?:type="number" )?value="([^"]*)"', page):
            form[name] = value
        form.update({"free_return_shipping": "true", "refund_timing": "after_receipt", "no_reason_return_days": "5",
                     "exchange_days": "20", "co_category_0": "大家电", "co_setting_0": "quality_return_days",
                     "co_value_0": "9"})
        r = client.post("/console/policy", data=form)
        assert r.status_code == 422
        error = re.search(r'<p class="error" role="alert">(.*?)</p>', r.text).group(1)
        assert error.startswith("七天无理由退货天数 = 5") and "no_reason_return_days" not in error
        assert re.search(r'name="no_reason_return_days" type="number" value="5"', r.text)
        assert re.search(r'name="exchange_days" type="number" value="20"', r.text)  # not the saved 15
        assert re.search(r'<select id="p-free_return_shipping" name="free_return_shipping"><option value="true" selected',
                         r.text)
        assert 'name="co_category_0" value="大家电"' in r.text and 'name="co_value_0" value="9"' in r.text
        r = client.post("/console/policy", data={**form, "no_reason_return_days": "7", "co_value_0": "5"})
        error = re.search(r'<p class="error" role="alert">(.*?)</p>', r.text).group(1)
        assert r.status_code == 422 and error.startswith("大家电：质量问题退货天数 = 5")

    def test_it_adds_and_hides_a_reason(self, world, client):
        _staff(world, "admin")
        login_form(client, "admin")
        token = csrf_of(client.get("/console/reasons").text)
        r = client.post("/console/reasons", data={"_csrf": token, "store": "S1", "op": "new", "code": "color_diff",
                                                  "label_zh": "色差", "label_en": "Colour differs", "ground": "none",
                                                  "visible": "true", "case_types": ["return_refund", "exchange"]},
                        follow_redirects=False)
        assert r.status_code == 303
        assert "色差" in client.get("/console/reasons").text
        r = client.post("/console/reasons", data={"_csrf": token, "store": "S1", "op": "save", "code": "color_diff",
                                                  "label_zh": "色差", "label_en": "Colour differs", "ground": "none",
                                                  "visible": "false", "case_types": ["return_refund"]},
                        follow_redirects=False)
        assert r.status_code == 303
        with world.ctx() as ctx:
            from shouhou.accounts.service import get_store
            from shouhou.returns import reasons

            offered = [v.code for v in reasons.for_type(ctx, get_store(ctx.session, "S1"), "return_refund")]
        assert "color_diff" not in offered and "no_longer_wanted" in offered

    def test_a_refused_new_reason_comes_back_as_typed(self, world, client):
        _staff(world, "admin")
        login_form(client, "admin")
        token = csrf_of(client.get("/console/reasons").text)
        data = {"_csrf": token, "store": "S1", "op": "new", "code": "color_diff", "label_zh": "色差",
                "label_en": "Colour differs", "ground": "none", "visible": "true", "case_types": ["exchange"],
                "position": "95"}
        assert client.post("/console/reasons", data=data, follow_redirects=False).status_code == 303
        r = client.post("/console/reasons", data={**data, "label_zh": "颜色不一样", "ground": "quality",
                                                  "visible": "false", "case_types": ["return_refund"]})
        assert r.status_code == 422 and "color_diff" in r.text  # the code is taken: said, and nothing saved
        row = re.search(r'<tr class="new">(.*?)</tr>', r.text, re.S).group(1)
        assert 'name="code" value="color_diff"' in row and 'value="颜色不一样"' in row and 'value="95"' in row
        assert re.search(r'value="return_refund"\s+checked', row) and not re.search(r'value="exchange"\s+checked', row)
        assert re.search(r'<option value="quality"\s+selected', row) and re.search(r'<option value="false"\s+selected', row)


    @pytest.mark.parametrize(("code", "label_zh", "said"), [("Bad Code", "坏代码", "原因代码须为"),
                                                           ("ok_code", "  ", "原因须填写中文和英文名称"),
                                                           ("ok_code", "坏\u202e码", "请检查：中文名称")])
    def test_the_form_checks_a_reason_as_the_api_does(self, world, client, code, label_zh, said):
        # the browser's pattern removed (or another client): the server still refuses, and saves nothing
        _staff(world, "admin")
        login_form(client, "admin")
        token = csrf_of(client.get("/console/reasons").text)
        r = client.post("/console/reasons", data={"_csrf": token, "store": "S1", "op": "new", "code": code,
                                                  "label_zh": label_zh, "label_en": "Bad", "ground": "none",
                                                  "visible": "true"})
        assert r.status_code == 422 and said in r.text
        with world.db.session() as s:
            assert s.scalars(select(Reason.code).where(Reason.code == code)).first() is None


MENU_ROLES = {"agent": "S1", "reviewer": "S1", "finance": "S1", "warehouse": "S1", "technician": "S1",
              "supervisor": "S1", "platform": None, "admin": None}


class TestTheMenuByRole:

    def _menu(self, client, who):
        client.cookies.clear()
        login_form(client, who)
        nav = re.search(r'<nav class="main">(.*?)</nav>', client.get("/console/cases").text, re.S).group(1)
        return re.findall(r'href="(/console[^"]*)"', nav)

    def test_it_lists_only_the_pages_the_role_may_work(self, world, client):
        """A supervisor takes no refund and no arbitration: those lists would stay empty for them."""
        world.store()
        for who, store in MENU_ROLES.items():
            world.user(who, who, store, password=PW)
        menus = {who: self._menu(client, who) for who in MENU_ROLES}
        assert "/console/finance" not in menus["supervisor"] and "/console/arbitration" not in menus["supervisor"]
        assert "/console/finance" in menus["finance"] and "/console/arbitration" in menus["platform"]
        assert "/console/pickups" in menus["reviewer"]  # books the courier, as the workflow lets them
        for who, links in menus.items():
            client.cookies.clear()
            login_form(client, who)
            for link in links:  # and no entry is refused
                assert client.get(link).status_code == 200, (who, link)


class TestFinanceAndWarehouse:
    def test_it_receives_a_parcel_found_by_tracking_number_then_finance_refunds(self, world, client):
        _staff(world, "reviewer", "warehouse", "finance")
        no = _return(world)
        with world.ctx(world.actor("reviewer")) as ctx:
            cases.transition(ctx, no, "approve", 1, {})
        world.user("buyer", "customer", "S1", customer="u1001")
        with world.ctx(world.actor("buyer")) as ctx:
            cases.transition(ctx, no, "ship_return", 2, {"carrier": "SF", "tracking_no": "SF777"})
        login_form(client, "warehouse")
        page = client.get("/console/warehouse", params={"q": "SF777"}).text
        assert no in page and 'data-action="receive"' in page
        r = client.post(f"/console/cases/{no}/act", data={"_csrf": csrf_of(page), "_action": "receive", "_version": "3",
                                                           "result": "accepted", "note": "完好",
                                                           "_back": "/console/warehouse?q=SF777"},
                        follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/console/warehouse?q=SF777"
        client.cookies.clear()
        login_form(client, "finance")
        page = client.get("/console/finance").text
        assert no in page
        r = client.post("/console/finance/approve", data={"_csrf": csrf_of(page), "case": f"{no}:4"})
        assert r.status_code == 200 and "确认审核并退款 1 个售后单" in r.text and "¥99.00" in r.text  # asked first
        with world.ctx() as ctx:
            assert cases.get(ctx, no).status == "pending_refund"
        r = client.post("/console/finance/approve", data={"_csrf": csrf_of(page), "case": f"{no}:4", "confirmed": "yes"},
                        follow_redirects=False)
        assert r.status_code == 303
        assert "已审核并退款 1 个售后单，合计 ¥99.00" in client.get("/console/finance").text
        with world.ctx() as ctx:
            assert cases.get(ctx, no).status == "completed"


    def test_it_shows_finance_the_shipping_insurance_claims_awaiting_payout_with_the_overdue(self, world, client,
                                                                                              clock):
        _staff(world, "reviewer", "warehouse", "finance")
        world.user("buyer", "customer", "S1", customer="u1001")
        world.order("T1", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1), shipping_insurance=True)
        world.user("shop", "integration", "S1")
        steps = (("shop", "apply", None), ("reviewer", "approve", {}),
                 ("buyer", "ship_return", {"carrier": "SF", "tracking_no": "SF1"}),
                 ("warehouse", "receive", {"result": "accepted"}), ("finance", "approve_refund", {}))
        no = None
        for version, (who, action, fields) in enumerate(steps):
            with world.ctx(world.actor(who)) as ctx:
                if action == "apply":
                    no = cases.create(ctx, {"type": "return_refund", "order_no": "T1", "reason": "quality_issue",
                                            "lines": [{"line_no": 1, "qty": 1}]}).no
                else:
                    cases.transition(ctx, no, action, version, fields)
        login_form(client, "finance")
        page = client.get("/console/finance").text
        claims = page.split("待赔付的运费险理赔")[1]
        assert no in claims and "2026-11-26 10:00" in claims and "已逾期" not in claims
        clock.advance(days=4)
        claims = client.get("/console/finance").text.split("待赔付的运费险理赔")[1]
        assert no in claims and "已逾期" in claims


class TestRefusedUploads:
    def test_it_keeps_no_photo_of_a_refused_application(self, world, client, clock, settings):
        _staff(world, "agent")
        world.order("T9", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        world.user("buyer", "customer", "S1", customer="u1001", password=PW)
        clock.advance(days=30)
        login_form(client, "buyer")
        page = client.get("/portal/orders/T9").text
        r = client.post("/portal/orders/T9/apply", data={"_csrf": csrf_of(page), "type": "return_refund",
                                                          "reason": "no_longer_wanted", "qty_1": "1"},
                        files=[("photos", ("a.png", b"\x89PNG", "image/png"))])
        assert r.status_code == 422
        uploads = settings.var_dir / "uploads"
        assert not uploads.exists() or list(uploads.iterdir()) == []
