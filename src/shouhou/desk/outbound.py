"""Messages to customers (email, SMS, WeChat), queued in the transaction of the change that causes
them (`desk_outbound`) and sent after commit by a worker job (desk/delivery.py), retried.

Templates are plain text in zh-CN and English; the case number is in every subject, so a reply
finds its case again ([AS…])."""

from __future__ import annotations

from email.utils import make_msgid

from shouhou.desk import repository as repo
from shouhou.engine.context import Ctx
from shouhou.models import Case, Customer
from shouhou.models.desk import DeskMessage, OutboundMessage

DOMAIN = "shouhou.local"  # the right-hand side of the Message-IDs it makes
TEMPLATES = {
    "reply": {
        "zh": ("[{no}] {subject}", "{name}您好:\n\n{body}\n\n——\n售后单号 {no}。直接回复本邮件即可继续沟通。\n{store}"),
        "en": ("[{no}] {subject}", "Dear {name},\n\n{body}\n\n--\nCase {no}. Reply to this email to continue.\n{store}"),
    },
    "received": {
        "zh": ("[{no}] 我们已收到您的问题", "{name}您好:\n\n我们已收到您的问题「{subject}」, 售后单号 {no}, "
               "客服会尽快回复您。\n\n{store}"),
        "en": ("[{no}] We have received your request", "Dear {name},\n\nWe have received \"{subject}\" as case "
               "{no} and will answer soon.\n\n{store}"),
    },
    "merged": {
        "zh": ("[{no}] 您的问题已合并", "{name}您好:\n\n您的问题已合并到售后单 {into}, 我们会在那里继续处理。\n\n{store}"),
        "en": ("[{no}] Your request was merged", "Dear {name},\n\nYour request now continues as case {into}.\n\n{store}"),
    },
}


def render(template: str, lang: str, **values: str) -> tuple[str, str]:
    subject, body = TEMPLATES[template]["en" if lang.startswith("en") else "zh"]
    return subject.format(**values), body.format(**values)


def contact_of(ctx: Ctx, case: Case) -> tuple[str, str, str, str]:
    """(name, email, phone, language) of whom the case answers."""
    desk = repo.case_desk(ctx.session, case.id)
    customer = ctx.session.get(Customer, case.customer_id) if case.customer_id else None
    name = (desk.contact_name if desk else "") or (customer.name if customer else "")
    email = (desk.contact_email if desk else "") or (customer.email if customer else "")
    phone = (desk.contact_phone if desk else "") or (customer.phone if customer else "")
    return name, email, phone, (desk.lang if desk else "zh")


def queue(ctx: Ctx, case: Case, channel: str, recipient: str, subject: str, body: str, *,
          in_reply_to: str | None = None, automatic: bool = False, lang: str = "zh") -> OutboundMessage:
    mail_id = make_msgid(domain=DOMAIN) if channel == "email" else None
    row = OutboundMessage(store_id=case.store_id, case_id=case.id, channel=channel, recipient=recipient,
                          subject=subject[:300], body=body, mail_id=mail_id, in_reply_to=in_reply_to,
                          automatic=automatic, lang=lang, state="pending", attempts=0,
                          next_attempt_at=ctx.clock.now(), created_at=ctx.clock.now())
    ctx.session.add(row)
    return row


def tell_customer(ctx: Ctx, case: Case, template: str, *, in_reply_to: str | None = None,
                  **values: str) -> OutboundMessage | None:
    """By email when the case has an address, else by SMS when it has a phone number."""
    name, email, phone, lang = contact_of(ctx, case)
    store = repo.store(ctx.session, case.store_id)
    subject, body = render(template, lang, no=case.no, subject=case.subject, name=name or "", store=store.name,
                           **values)
    automatic = template != "reply"  # acknowledgements and notices: no one should answer them automatically
    if email:
        return queue(ctx, case, "email", email, subject, body, in_reply_to=in_reply_to, automatic=automatic,
                     lang=lang)
    if phone:
        return queue(ctx, case, "sms", phone, subject, body, automatic=automatic, lang=lang)
    return None


def reply_sent(ctx: Ctx, case: Case, msg: DeskMessage) -> None:
    """Staff answered in the console or the API: the customer gets it where they wrote from."""
    if case.channel not in ("email", "hotline"):
        return  # the portal, the API: the customer reads it there
    last_in = next((m for m in reversed(repo.messages_of(ctx.session, case.id))
                    if m.direction == "in" and m.mail_id), None)
    sent = tell_customer(ctx, case, "reply", body=msg.body, in_reply_to=last_in.mail_id if last_in else None)
    if sent is not None and sent.mail_id:
        msg.mail_id = sent.mail_id  # the customer's answer to it threads back here (In-Reply-To)
