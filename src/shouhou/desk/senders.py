"""How a message leaves: one sender per channel. Shipped: email over SMTP (the store's server, else
the deployment's `SHOUHOU_SMTP_*`), and a log sender that only writes what it would send — the
default for SMS and WeChat until a plug-in registers a vendor's sender (`register_sender`)."""

from __future__ import annotations

import base64
import logging
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

from shouhou.config import Settings

log = logging.getLogger("shouhou.desk.senders")


@dataclass(frozen=True)
class Outgoing:
    channel: str
    recipient: str
    subject: str
    body: str
    sender: str  # the store's service address
    mail_id: str | None = None
    in_reply_to: str | None = None
    automatic: bool = False  # an acknowledgement, not a person's answer: Auto-Submitted: auto-replied
    lang: str = "zh"
    smtp: dict[str, Any] | None = None  # the store's server, password readable
    extra: dict[str, Any] = field(default_factory=dict)


class Sender(Protocol):
    def send(self, message: Outgoing, settings: Settings) -> None:
        """Deliver it, or raise: the delivery job retries later."""


def email_of(message: Outgoing) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = message.sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    if message.mail_id:
        mail["Message-ID"] = message.mail_id
    if message.in_reply_to:
        mail["In-Reply-To"] = message.in_reply_to
        mail["References"] = message.in_reply_to
    mail["Auto-Submitted"] = "auto-replied" if message.automatic else "no"
    mail["Content-Language"] = "en" if message.lang.startswith("en") else "zh-CN"
    mail.set_content(message.body)
    return mail


def log_in(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib encodes credentials as ASCII; a name or password in Chinese goes by SASL PLAIN, whose
    credentials are UTF-8 (RFC 4616), sent as one AUTH command."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    code, answer = smtp.docmd("AUTH", "PLAIN " + base64.b64encode(f"\0{user}\0{password}".encode()).decode())
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


class SmtpMail:
    def send(self, message: Outgoing, settings: Settings) -> None:
        server = message.smtp or {"host": settings.smtp_host, "port": settings.smtp_port}
        if not server.get("host"):
            raise RuntimeError("no SMTP server: set the store's mail (PUT /api/v1/stores/{code}/mail)")
        with smtplib.SMTP(server["host"], int(server.get("port") or 25), timeout=15) as smtp:
            if server.get("starttls"):
                smtp.starttls()
            if server.get("username"):
                log_in(smtp, server["username"], server.get("password", ""))
            smtp.send_message(email_of(message))


class LogSender:
    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, message: Outgoing, settings: Settings) -> None:
        log.info("message not sent (log sender)", extra={"fields": {
            "channel": self.channel, "to": message.recipient, "subject": message.subject}})


_SENDERS: dict[str, Sender] = {"email": SmtpMail(), "sms": LogSender("sms"), "wechat": LogSender("wechat")}


def register_sender(channel: str, sender: Sender) -> None:
    """A plug-in's sender for a channel (an SMS vendor, WeChat's template messages)."""
    _SENDERS[channel] = sender


def sender_for(channel: str) -> Sender:
    return _SENDERS.get(channel) or LogSender(channel)
