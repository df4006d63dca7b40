"""Every channel into one queue: mail over SMTP and IMAP, outgoing mail from the outbox, the hotline,
the visitors' form."""

from __future__ import annotations

import base64
import re
import smtplib
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from shouhou.desk import calls, mail_imap
from shouhou.desk.delivery import deliver
from shouhou.desk.mail_in import receive
from shouhou.desk.mail_server import start
from shouhou.errors import Throttled
from shouhou.models import Case, CaseEvent
from shouhou.models.desk import DeskMessage, DeskSettings, OutboundMessage
from tests.builders import auth, error_of
from tests.desk.imap_server import ImapServer, Mailbox

ADDRESS = "service@s1.example.com"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mail(subject: str, body: str = "洗衣机不脱水, 怎么办?", *, sender: str = "张三 <zhang@example.com>",
         **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, ADDRESS, subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def mailed_store(world, client, **mail_settings) -> str:
    world.store()
    admin = world.user("admin1", "admin")
    put = client.put("/api/v1/stores/S1/mail", json={"address": ADDRESS, **mail_settings}, headers=auth(admin))
    assert put.status_code == 200, put.text
    return admin


def cases_of(world) -> list[Case]:
    with world.db.session() as s:
        return list(s.scalars(select(Case).order_by(Case.id)))


def outbox(world) -> list[OutboundMessage]:
    with world.db.session() as s:
        return list(s.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


class TestSmtpListener:
    def test_a_mail_opens_a_case_and_the_reply_threads_onto_it(self, world, client, settings, clock):
        mailed_store(world, client)
        port = free_port()
        controller = start(world.db, settings, clock, "127.0.0.1", port)
        try:
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                smtp.send_message(mail("洗衣机不脱水", Message_ID="<q1@example.com>"))
            [case] = cases_of(world)
            assert (case.type, case.channel, case.subject) == ("consultation", "email", "洗衣机不脱水")
            [ack] = outbox(world)  # 我们已收到您的问题, to the sender, about the case
            assert ack.recipient == "zhang@example.com" and f"[{case.no}]" in ack.subject and ack.automatic
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                smtp.send_message(mail("Re: " + ack.subject, "型号是 XQG100", In_Reply_To=str(ack.mail_id)))
                smtp.send_message(mail(f"补充 [{case.no}]", "还有噪音"))
                with pytest.raises(smtplib.SMTPRecipientsRefused):
                    smtp.sendmail("a@example.com", ["nobody@elsewhere.example"], b"Subject: x\r\n\r\nx")
        finally:
            controller.stop()
        assert len(cases_of(world)) == 1
        with world.db.session() as s:
            bodies = [m.body for m in s.scalars(select(DeskMessage).order_by(DeskMessage.id))]
            actions = [e.action for e in s.scalars(select(CaseEvent).order_by(CaseEvent.id))]
        assert bodies == ["洗衣机不脱水, 怎么办?", "型号是 XQG100", "还有噪音"]
        assert actions == ["create", "customer_message", "customer_message"]

    def test_it_speaks_lmtp_too(self, world, client, settings, clock):
        mailed_store(world, client)
        port = free_port()
        controller = start(world.db, settings, clock, "127.0.0.1", port, lmtp=True)
        try:
            with smtplib.LMTP("127.0.0.1", port) as lmtp:
                lmtp.send_message(mail("冰箱不制冷", Message_ID="<l1@example.com>"))
        finally:
            controller.stop()
        [case] = cases_of(world)
        assert (case.channel, case.subject) == ("email", "冰箱不制冷")

    def test_auto_replies_and_bounces_never_open_a_case(self, world, client, settings, clock):
        mailed_store(world, client)
        for msg, envelope in ((mail("自动回复: 我在休假", Auto_Submitted="auto-replied"), "a@example.com"),
                              (mail("Out of office", Precedence="bulk"), "a@example.com"),
                              (mail("Undelivered Mail", sender="MAILER-DAEMON@example.com"), ""),
                              (mail("问题"), "")):  # an empty envelope sender: a bounce
            outcome = receive(world.db, settings, clock, bytes(msg), [ADDRESS], envelope)
            assert outcome.outcome == "ignored", outcome
        assert cases_of(world) == [] and outbox(world) == []

    def test_attachments_are_kept_within_limits(self, world, client, settings, clock):
        mailed_store(world, client)
        msg = mail("照片")
        msg.add_attachment(b"\x89PNG\r\n", maintype="image", subtype="png", filename="故障.png")
        msg.add_attachment(b"MZ", maintype="application", subtype="x-msdownload", filename="setup.exe")
        assert receive(world.db, settings, clock, bytes(msg), [ADDRESS]).outcome == "opened"
        with world.db.session() as s:
            [message] = s.scalars(select(DeskMessage)).all()
        kept, refused = message.attachments
        assert kept["name"] == "故障.png" and kept["url"].startswith("/media/")
        assert refused == {"name": "setup.exe", "type": "application/x-msdownload", "size": 2, "refused": "type"}


class FakeMailbox:
    """A recorded IMAP session: two unseen messages, which it never marks seen."""

    def __init__(self, messages: list[bytes]) -> None:
        self.messages, self.calls, self.seen = messages, [], set()

    def login(self, user, password):
        self.calls.append(("login", user, password))
        return "OK", [b"ok"]

    def authenticate(self, mechanism, answer):
        self.calls.append(("authenticate", mechanism, answer(b"")))
        return "OK", [b"ok"]

    def select(self, folder):
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command, *args):
        if command == "SEARCH":  # UNSEEN
            return "OK", [b" ".join(str(i + 1).encode() for i in range(len(self.messages)) if i + 1 not in self.seen)]
        if command == "STORE":
            self.calls.append(("store", args[0]))
            self.seen.add(int(args[0]))
            return "OK", [b""]
        if command == "FETCH":
            i = int(args[0]) - 1
            return "OK", [(f"{i + 1} (RFC822 {{{len(self.messages[i])}}}".encode(), self.messages[i]), b")"]
        return "OK", [b""]

    def logout(self):
        return "BYE", [b""]


class TestChineseMail:
    """Mail as Chinese clients write it: GBK text labelled gb2312, raw 8-bit headers, odd labels."""

    def raw(self, subject: bytes, body: bytes, charset: str, sender: bytes = b"zhang@example.com") -> bytes:
        return (b"From: " + sender + b"\r\nTo: " + ADDRESS.encode() + b"\r\nSubject: " + subject +
                b"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=" + charset.encode() +
                b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body)

    def taken(self, world) -> tuple[Case, DeskMessage]:
        [case] = cases_of(world)
        with world.db.session() as s:
            return case, s.scalars(select(DeskMessage)).one()

    def test_gbk_text_labelled_gb2312_reads_as_written(self, world, client, settings, clock):
        # 镕 and 喆 are GBK, not GB2312: Foxmail and older Outlook label such mail gb2312 all the same
        mailed_store(world, client)
        words = lambda t: base64.b64encode(t.encode("gbk")).decode()  # noqa: E731
        raw = self.raw(f"=?gb2312?B?{words('朱镕的洗衣机不脱水')}?=".encode(), "王喆：滚筒不转了。".encode("gbk"), "gb2312",
                       f"=?gb2312?B?{words('王喆')}?= <wz@example.com>".encode())
        assert receive(world.db, settings, clock, raw, [ADDRESS]).outcome == "opened"
        case, message = self.taken(world)
        assert (case.subject, message.body, message.author) == ("朱镕的洗衣机不脱水", "王喆：滚筒不转了。",
                                                                "王喆 <wz@example.com>")

    @pytest.mark.parametrize(("label", "encoding"), [("x-unknown", "utf-8"), ("x-unknown", "gbk"),
                                                     ("iso-2022-jp", "utf-8"), ("", "gbk")])
    def test_a_wrong_or_unknown_label_neither_refuses_nor_garbles_the_mail(self, world, client, settings, clock,
                                                                         label, encoding):
        mailed_store(world, client)
        raw = self.raw("冰箱不制冷 镕".encode(encoding), "压缩机不启动，镕".encode(encoding), label)
        assert receive(world.db, settings, clock, raw, [ADDRESS]).outcome == "opened"
        case, message = self.taken(world)
        assert (case.subject, message.body) == ("冰箱不制冷 镕", "压缩机不启动，镕")

    @given(st.text(alphabet=st.characters(codec="gbk", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30),
           st.sampled_from(["gb2312", "GBK", "x-gbk", "cp936"]))
    def test_any_gbk_text_comes_back_under_any_gbk_label(self, text, label):
        from shouhou.desk.mail_text import decoded

        assert decoded(text.encode("gbk"), label) == text
        assert decoded(text.encode("utf-8"), None) == decoded(text.encode("utf-8"), "utf-8") == text


class TestImap:
    def test_polling_twice_imports_each_message_once(self, world, client, settings, clock):
        mailed_store(world, client, imap={"host": "imap.example.com", "username": "service", "password": "秘密"})
        box = FakeMailbox([bytes(mail("第一封", Message_ID="<m1@example.com>")),
                           bytes(mail("第二封", "另一个问题", Message_ID="<m2@example.com>"))])
        assert mail_imap.poll(world.db, settings, clock, lambda cfg: box, force=True) == 2
        assert mail_imap.poll(world.db, settings, clock, lambda cfg: box, force=True) == 0
        assert [c.subject for c in cases_of(world)] == ["第一封", "第二封"]
        assert box.calls[0] == ("authenticate", "PLAIN", "\0service\0秘密".encode())  # unsealed only to connect

    def test_a_message_that_cannot_be_taken_holds_back_none_after_it(self, world, client, settings, clock,
                                                                      monkeypatch):
        mailed_store(world, client, imap={"host": "imap.example.com", "username": "service", "password": "x"})
        box = FakeMailbox([bytes(mail("坏的", Message_ID="<bad@example.com>")),
                           bytes(mail("好的", Message_ID="<good@example.com>"))])
        real = mail_imap.receive

        def failing_once(db, settings, clock, raw, recipients):
            if b"<bad@example.com>" in raw and not failing_once.failed:
                failing_once.failed = True
                raise RuntimeError("a database outage, say")
            return real(db, settings, clock, raw, recipients)

        failing_once.failed = False
        monkeypatch.setattr(mail_imap, "receive", failing_once)
        assert mail_imap.poll(world.db, settings, clock, lambda cfg: box, force=True) == 1
        assert [c.subject for c in cases_of(world)] == ["好的"]
        stored = [c for c in box.calls if c[0] == "store"]
        assert stored == [("store", b"2")]  # the failed one stays unseen …
        assert mail_imap.poll(world.db, settings, clock, lambda cfg: box, force=True) == 1  # … and is taken next time
        assert sorted(c.subject for c in cases_of(world)) == ["坏的", "好的"]

    def test_polling_a_real_imap_server_over_a_socket_twice_imports_each_once(self, world, client, settings, clock):
        box = Mailbox("service", "s3cret", [bytes(mail("屏幕不亮", Message_ID="<i1@example.com>")),
                                             bytes(mail("自动回复", Auto_Submitted="auto-replied"))])
        with ImapServer(box) as port:
            mailed_store(world, client, imap={"host": "127.0.0.1", "port": port, "username": "service",
                                              "password": "s3cret", "ssl": False})
            assert mail_imap.poll(world.db, settings, clock, force=True) == 1  # the auto-reply is not a case
            assert mail_imap.poll(world.db, settings, clock, force=True) == 0
        assert [c.subject for c in cases_of(world)] == ["屏幕不亮"]
        assert box.seen == {1, 2} and box.commands.count("UID FETCH") == 2

    def test_a_mailbox_that_loses_its_flags_still_gives_no_duplicates(self, world, client, settings, clock):
        box = Mailbox("service", "s3cret", [bytes(mail("第一封", Message_ID="<j1@example.com>")),
                                             bytes(mail("第二封", "另一个问题"))], keeps_flags=False)
        with ImapServer(box) as port:
            mailed_store(world, client, imap={"host": "127.0.0.1", "port": port, "username": "service",
                                              "password": "s3cret", "ssl": False})
            assert mail_imap.poll(world.db, settings, clock, force=True) == 2
            assert mail_imap.poll(world.db, settings, clock, force=True) == 0
        assert [c.subject for c in cases_of(world)] == ["第一封", "第二封"]

    def test_a_password_in_chinese_logs_in_by_sasl_plain(self, world, client, settings, clock):
        box = Mailbox("客服", "秘密口令", [bytes(mail("第一封", Message_ID="<k1@example.com>"))])
        with ImapServer(box) as port:
            mailed_store(world, client, imap={"host": "127.0.0.1", "port": port, "username": "客服",
                                              "password": "秘密口令", "ssl": False})
            assert mail_imap.poll(world.db, settings, clock, force=True) == 1
        assert "AUTHENTICATE" in box.commands and "LOGIN" not in box.commands
        assert [c.subject for c in cases_of(world)] == ["第一封"]

    def test_a_folder_named_in_chinese_is_selected_in_modified_utf7(self, world, client, settings, clock):
        box = Mailbox("service", "s3cret", [bytes(mail("第一封", Message_ID="<f1@example.com>"))])
        with ImapServer(box) as port:
            mailed_store(world, client, imap={"host": "127.0.0.1", "port": port, "username": "service",
                                              "password": "s3cret", "ssl": False, "folder": "售后 & 退款"})
            assert mail_imap.poll(world.db, settings, clock, force=True) == 1
        assert box.selected == ['"&VS5UDg- &- &kABrPg-"']

    def test_folder_names_follow_rfc_3501(self):
        assert mail_imap.mailbox_name("~peter/mail/台北/日本語") == '"~peter/mail/&U,BTFw-/&ZeVnLIqe-"'  # its example
        assert mail_imap.mailbox_name("INBOX") == '"INBOX"'
        assert mail_imap.mailbox_name('a"b\\c') == '"a\\"b\\\\c"'

    @given(st.text(max_size=40))
    def test_any_folder_name_reads_back_as_written(self, folder):
        wire = mail_imap.mailbox_name(folder)
        assert wire.startswith('"') and wire.endswith('"') and all(" " <= ch <= "~" for ch in wire)
        inner = re.sub(r'\\(.)', r"\1", wire[1:-1])
        runs = re.sub(r"&([^-]*)-", lambda m: base64.b64decode(m.group(1).replace(",", "/") + "=" * (-len(m.group(1)) % 4))
                      .decode("utf-16-be") if m.group(1) else "&", inner)
        assert runs == folder

    def test_a_wrong_password_is_logged_and_nothing_is_taken(self, world, client, settings, clock):
        box = Mailbox("service", "s3cret", [bytes(mail("第一封"))])
        with ImapServer(box) as port:
            mailed_store(world, client, imap={"host": "127.0.0.1", "port": port, "username": "service",
                                              "password": "wrong", "ssl": False})
            assert mail_imap.poll(world.db, settings, clock, force=True) == 0
        assert cases_of(world) == []

    def test_the_password_is_sealed_and_never_shown(self, world, client):
        admin = mailed_store(world, client, imap={"host": "imap.example.com", "username": "u", "password": "秘密"})
        shown = client.get("/api/v1/stores/S1/mail", headers=auth(admin)).json()
        assert shown["imap"]["password_set"] is True and "password" not in shown["imap"]
        with world.db.session() as s:
            stored = s.scalars(select(DeskSettings)).one().mail["imap"]["password"]
        assert stored.startswith("sealed:v1:") and "秘密" not in stored
        again = client.put("/api/v1/stores/S1/mail", headers=auth(admin), json={
            "address": ADDRESS, "imap": {"host": "imap.example.com", "username": "u"}})  # password left out: kept
        assert again.json()["imap"]["password_set"] is True


class Sink:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


class TestOutgoing:
    def test_a_reply_leaves_by_smtp_with_the_case_number_and_threading(self, world, client, settings, clock):
        sink, port = Sink(), free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            mailed_store(world, client, smtp={"host": "127.0.0.1", "port": port})
            agent = world.user("agent1", "agent")
            opened = receive(world.db, settings, clock, bytes(mail("发票", Message_ID="<q9@example.com>")), [ADDRESS])
            case = world.case(opened.case_no)
            reply = client.post(f"/api/v1/cases/{case.no}/transitions", json={
                "action": "reply", "version": case.version, "message": "电子发票已开具"}, headers=auth(agent))
            assert reply.status_code == 200, reply.text
            assert deliver(world.db, settings, clock) == 2  # the acknowledgement and the reply
            assert deliver(world.db, settings, clock) == 0
        finally:
            controller.stop()
        texts = [raw.decode() for _, _, raw in sink.received]
        assert all(f"[{case.no}]" in t or case.no in t for t in texts)
        assert "In-Reply-To: <q9@example.com>" in texts[1] and "Auto-Submitted: no" in texts[1]
        assert [r.state for r in outbox(world)] == ["sent", "sent"]

    @pytest.mark.parametrize("password", ["s3cret", "秘密口令"])
    def test_the_stores_smtp_login_may_be_in_chinese(self, world, client, settings, clock, password):
        sink, port, logins = Sink(), free_port(), []

        def authenticator(server, session, envelope, mechanism, data):
            logins.append((mechanism, data.login.decode(), data.password.decode()))
            return AuthResult(success=(data.login.decode(), data.password.decode()) == ("客服", password), handled=False)

        controller = Controller(sink, hostname="127.0.0.1", port=port, authenticator=authenticator,
                                auth_require_tls=False)
        controller.start()
        try:
            mailed_store(world, client, smtp={"host": "127.0.0.1", "port": port, "username": "客服",
                                              "password": password})
            receive(world.db, settings, clock, bytes(mail("发票")), [ADDRESS])
            assert deliver(world.db, settings, clock) == 1
        finally:
            controller.stop()
        assert [m for m, _, _ in logins] == ["PLAIN"] and len(sink.received) == 1
        assert [r.state for r in outbox(world)] == ["sent"]

    def test_a_refused_smtp_login_is_retried_later(self, world, client, settings, clock):
        sink, port = Sink(), free_port()

        def refuse(server, session, envelope, mechanism, data):
            return AuthResult(success=False, handled=False)

        controller = Controller(sink, hostname="127.0.0.1", port=port, auth_require_tls=False, authenticator=refuse)
        controller.start()
        try:
            mailed_store(world, client, smtp={"host": "127.0.0.1", "port": port, "username": "客服",
                                              "password": "错的"})
            receive(world.db, settings, clock, bytes(mail("发票")), [ADDRESS])
            assert deliver(world.db, settings, clock) == 1
        finally:
            controller.stop()
        [row] = outbox(world)
        assert row.state == "pending" and row.attempts == 1 and "535" in row.last_error and sink.received == []

    def test_a_failed_send_is_retried_later(self, world, client, settings, clock):
        mailed_store(world, client, smtp={"host": "127.0.0.1", "port": free_port()})  # nothing listens
        receive(world.db, settings, clock, bytes(mail("问题")), [ADDRESS])
        assert deliver(world.db, settings, clock) == 1
        [row] = outbox(world)
        assert row.state == "pending" and row.attempts == 1 and row.last_error
        assert deliver(world.db, settings, clock) == 0  # not before its next attempt


class TestHotlineAndForm:
    def test_a_call_becomes_a_case_and_the_number_finds_its_open_cases_first(self, world, client):
        world.store()
        world.order("T20261101001")
        agent = world.user("agent1", "agent")
        made = client.post("/api/v1/desk/calls", json={"phone": "13800000000", "caller": "张三", "subject": "预约上门安装",
                                                       "order_no": "T20261101001", "unit": "SN123"},
                           headers=auth(agent))
        assert made.status_code == 201, made.text
        assert made.json()["channel"] == "hotline" and "SN123" in made.json()["description"]
        found = client.get("/api/v1/desk/calls/lookup", params={"phone": "13800000000", "store": "S1"},
                           headers=auth(agent)).json()
        assert [c["no"] for c in found["items"]] == [made.json()["no"]]

    def test_only_the_desk_registers_calls(self, world, client):
        world.store()
        token = world.user("wh", "warehouse")
        error_of(client.post("/api/v1/desk/calls", json={"store": "S1", "phone": "13800000000", "subject": "x"},
                             headers=auth(token)), 403, "forbidden")

    def test_the_visitors_form_is_rate_limited(self, world):
        world.store()
        with world.ctx() as ctx:
            for i in range(calls.FORM_LIMIT):
                calls.visitor_request(ctx, "S1", {"subject": f"问题 {i}", "email": "v@example.com"}, "1.2.3.4")
            with pytest.raises(Throttled):
                calls.visitor_request(ctx, "S1", {"subject": "再问", "phone": "13900000000"}, "1.2.3.4")
            calls.visitor_request(ctx, "S1", {"subject": "别人", "phone": "13900000000"}, "5.6.7.8")
