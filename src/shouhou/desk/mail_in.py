"""Mail into the desk (the SMTP/LMTP listener and IMAP polling both hand messages here): a new message
to a store's service address opens a consultation whose channel is `email`; a reply is threaded onto
its case by In-Reply-To/References or the [AS…] number in its subject; attachments are kept (size
and type checked); bounces and automatic replies never open a case nor get an answer, so two
robots cannot loop; a message already taken (same Message-ID) is taken once."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from typing import Any

from shouhou import uploads
from shouhou.cases import service as cases
from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.desk import conversation, mail_text, outbound
from shouhou.desk import repository as repo
from shouhou.engine.actor import SYSTEM
from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.engine.runner import run_action
from shouhou.models import Case, CaseLink
from shouhou.models.desk import CaseDesk

log = logging.getLogger("shouhou.desk.mail")
CASE_NO = re.compile(r"\[(AS\d{6,})\]")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
ALLOWED_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "text/plain",
                 "video/mp4", "application/zip", "application/msword", "application/vnd.ms-excel",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
              "application/pdf": ".pdf", "text/plain": ".txt", "video/mp4": ".mp4", "application/zip": ".zip"}
ROBOT_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply")
CUSTOMER_ACTIONS = ("customer_reply", "customer_message", "reopen")


@dataclass(frozen=True)
class Received:
    outcome: str  # opened | threaded | ignored | duplicate | unknown_address
    case_no: str | None = None
    why: str = ""


def automatic(msg: EmailMessage, envelope_from: str | None) -> str | None:
    """Why this message is a robot's (a bounce, an out-of-office reply, a list), or None."""
    auto = str(msg.get("Auto-Submitted", "no")).strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    if str(msg.get("Precedence", "")).strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return "Precedence: " + str(msg.get("Precedence"))
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id"):
        if msg.get(header) is not None:
            return header
    if envelope_from is not None and envelope_from.strip("<> ") == "":
        return "bounce (empty envelope sender)"
    if msg.get_content_type() == "multipart/report":
        return "delivery report"
    sender = parseaddr(str(msg.get("From", "")))[1].lower()
    if not sender or sender.split("@")[0] in ROBOT_SENDERS:
        return f"robot sender {sender or '(none)'}"
    return None


def _ids(value: Any) -> list[str]:
    return re.findall(r"<[^<>\s]+>", str(value or ""))


def text_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = mail_text.body(part)
    if part.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    return str(text).strip()


def attachments_of(msg: EmailMessage, settings: Settings) -> list[dict[str, Any]]:
    kept: list[dict[str, Any]] = []
    for part in msg.iter_attachments():
        if not isinstance(part, EmailMessage):
            continue
        name = part.get_filename() or "attachment"
        kind = part.get_content_type()
        data = part.get_payload(decode=True) or b""
        if not isinstance(data, bytes):
            continue
        if kind not in ALLOWED_TYPES:
            kept.append({"name": name, "type": kind, "size": len(data), "refused": "type"})
        elif len(data) > MAX_ATTACHMENT_BYTES:
            kept.append({"name": name, "type": kind, "size": len(data), "refused": "size"})
        elif len([a for a in kept if "url" in a]) >= MAX_ATTACHMENTS:
            kept.append({"name": name, "type": kind, "size": len(data), "refused": "count"})
        else:
            url = uploads.save(settings.var_dir, data, EXTENSIONS.get(kind, ".bin"))
            kept.append({"name": name, "type": kind, "size": len(data), "url": url})
    return kept


def receive(db: Database, settings: Settings, clock: Clock, raw: bytes, recipients: list[str],
            envelope_from: str | None = None) -> Received:
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    with db.session() as session:
        ctx = Ctx(session=session, actor=SYSTEM, clock=clock, settings=settings, lang="zh")
        desk = next((found for r in recipients if (found := repo.settings_by_address(
            session, parseaddr(r)[1].lower() or r.lower())) is not None), None)
        if desk is None:
            return Received("unknown_address", why=", ".join(recipients))
        why = automatic(msg, envelope_from)
        if why:
            log.info("automatic mail ignored", extra={"fields": {"why": why}})
            return Received("ignored", why=why)
        mail_id = (_ids(msg.get("Message-ID")) or [f"<{hashlib.sha256(raw).hexdigest()}@received>"])[0]
        if repo.message_by_mail_id(session, desk.store_id, [mail_id]) is not None:
            return Received("duplicate", why=mail_id)
        name, address = parseaddr(mail_text.header(raw, "From"))
        subject = mail_text.header(raw, "Subject")
        text = text_of(msg) or subject
        files = attachments_of(msg, settings)
        lang = "en" if str(msg.get("Content-Language", "")).lower().startswith("en") else "zh"
        case = _thread(ctx, desk.store_id, _ids(msg.get("In-Reply-To")) + _ids(msg.get("References")), subject)
        author = f"{name} <{address}>" if name else address
        if case is not None and case.closed_at is None:
            _onto(ctx, case, text, subject=subject, author=author, mail_id=mail_id, files=files)
            return Received("threaded", case.no)
        opened = _open(ctx, desk.store_id, subject, text, name, address.lower(), lang)
        conversation.add(ctx, opened, "in", text, channel="email", author=author, subject=subject, mail_id=mail_id,
                         attachments=files)
        if case is not None:  # a reply to a closed case: a new one, linked to it
            session.add(CaseLink(store_id=opened.store_id, case_id=opened.id, other_case_id=case.id,
                                 kind="follow_up_of", created_at=clock.now()))
        outbound.tell_customer(ctx, opened, "received", in_reply_to=mail_id)
        return Received("opened", opened.no)


def _thread(ctx: Ctx, store_id: int, refs: list[str], subject: str) -> Case | None:
    found = repo.message_by_mail_id(ctx.session, store_id, refs)
    if found is not None:
        return repo.case_by_id(ctx.session, found.case_id)
    sent = repo.outbound_by_mail_id(ctx.session, store_id, refs)  # an answer to our acknowledgement, say
    if sent is not None and sent.case_id is not None:
        return repo.case_by_id(ctx.session, sent.case_id)
    numbered = CASE_NO.search(subject)
    if numbered:
        case = repo.case_by_number(ctx.session, numbered.group(1))
        if case is not None and case.store_id == store_id:
            return case
    return None


def _onto(ctx: Ctx, case: Case, text: str, *, subject: str, author: str, mail_id: str,
          files: list[dict[str, Any]]) -> None:
    """The customer wrote again: through the workflow where it has an action for that, else beside it."""
    desk = repo.case_desk(ctx.session, case.id)
    if desk is not None and desk.merged_into_id is not None:
        case = repo.case_by_id(ctx.session, desk.merged_into_id)
    workflow = workflow_for(case.type)
    for name in CUSTOMER_ACTIONS:
        action = workflow.action(name)
        if action is not None and case.status in action.sources and "system" in action.roles:
            run_action(ctx, case, name, case.version, {"message": text[:20000]})
            recorded = conversation.last_recorded(ctx, case.id)
            if recorded is not None:
                recorded.channel, recorded.mail_id, recorded.attachments = "email", mail_id, files
                recorded.author, recorded.subject = author, subject[:300]
                ctx.session.flush()
                return
    conversation.add(ctx, case, "in", text, channel="email", author=author, subject=subject, mail_id=mail_id,
                     attachments=files)


def _open(ctx: Ctx, store_id: int, subject: str, text: str, name: str, address: str, lang: str) -> Case:
    store = repo.store(ctx.session, store_id)
    customer = repo.customer_by_email(ctx.session, store_id, address)
    body: dict[str, Any] = {"type": "consultation", "store": store.code, "subject": (subject or "(无主题)")[:300],
                            "description": text[:20000], "channel": "email"}
    if customer is not None:
        body["customer"] = customer.external_id
    case = cases.create(ctx, body)
    contact(ctx, case, name=name, email=address, lang=lang)
    return case


def contact(ctx: Ctx, case: Case, *, name: str = "", email: str = "", phone: str = "", lang: str = "zh") -> None:
    desk = repo.case_desk(ctx.session, case.id)
    if desk is None:
        desk = repo.add_case_desk(ctx.session, CaseDesk(store_id=case.store_id, case_id=case.id))
    desk.contact_name, desk.contact_email, desk.contact_phone, desk.lang = name[:200], email[:200], phone[:40], lang
    ctx.session.flush()

