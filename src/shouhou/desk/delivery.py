"""Sending what the desk queued (`desk_outbound`): a worker job, after the commit of the change that
queued it, with retries — at least once; a mail carries its Message-ID, so a receiver sees a
repeat as the same message."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.db.filters import is_constant
from shouhou.desk import repository as repo
from shouhou.desk.mail_settings import server_of
from shouhou.desk.senders import Outgoing, sender_for
from shouhou.models.desk import OutboundMessage

log = logging.getLogger("shouhou.desk.delivery")
LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 8


def deliver(db: Database, settings: Settings, clock: Clock, batch: int = 50) -> int:
    now = clock.now()
    key = settings.resolved_secret()
    jobs: list[tuple[int, Outgoing]] = []
    with db.session() as session:
        stmt = (select(OutboundMessage).where(is_constant(OutboundMessage.state, "pending"),
                                              OutboundMessage.next_attempt_at <= now)
                .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id).limit(batch))
        if not db.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True)
        for row in session.scalars(stmt):
            row.next_attempt_at = now + LEASE  # leased: another worker leaves it alone meanwhile
            desk = repo.settings_of(session, row.store_id)
            jobs.append((row.id, Outgoing(
                channel=row.channel, recipient=row.recipient, subject=row.subject, body=row.body,
                sender=(desk.address if desk and desk.address else settings.smtp_from), mail_id=row.mail_id,
                in_reply_to=row.in_reply_to, automatic=row.automatic, lang=row.lang,
                smtp=server_of(desk, "smtp", key))))
    if not jobs:
        return 0
    results: list[tuple[int, str | None]] = []
    for row_id, message in jobs:
        try:
            sender_for(message.channel).send(message, settings)
            results.append((row_id, None))
        except Exception as exc:  # any failure is retried; its reason is kept
            log.warning("message not delivered", extra={"fields": {"outbound": row_id, "reason": str(exc)[:300]}})
            results.append((row_id, f"{type(exc).__name__}: {exc}"[:500]))
    with db.session() as session:
        for row_id, error in results:
            row = session.get_one(OutboundMessage, row_id)
            row.attempts += 1
            if error is None:
                row.state, row.sent_at, row.last_error = "sent", clock.now(), None
            elif row.attempts >= MAX_ATTEMPTS:
                row.state, row.last_error = "dead", error
            else:
                row.last_error = error
                row.next_attempt_at = clock.now() + timedelta(seconds=30 * 2 ** (row.attempts - 1))
    return len(jobs)
