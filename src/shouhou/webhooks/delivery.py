"""Outbox → webhook deliveries → signed POSTs with retries (at least once, in order per row).

The outbox row was written in the transaction of the change, so a committed change always
produces its deliveries; receivers de-duplicate on X-Shouhou-Delivery.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.db.filters import is_constant
from shouhou.metrics import WEBHOOKS
from shouhou.models import OutboxMessage, Store, WebhookDelivery, WebhookEndpoint
from shouhou.webhooks import destinations, sealing
from shouhou.webhooks.signing import sign

log = logging.getLogger("shouhou.webhooks")
LEASE = timedelta(seconds=60)
# What a subscriber reads back of a failed attempt: one reason for every way of getting no
# answer, so deliveries cannot map which hosts and ports exist (details go to the log).
UNREACHABLE = "unreachable"
HASHED_BYTES = 1024 * 1024  # of the answer's body, at most: only its SHA-256 is kept


def _locked(stmt, db: Database):
    return stmt.with_for_update(skip_locked=True) if not db.is_sqlite else stmt


def dispatch_outbox(db: Database, settings: Settings, clock: Clock, batch: int = 500) -> int:
    """Fan new outbox rows out to the endpoints that want them."""
    with db.session() as session:
        rows = list(session.scalars(_locked(select(OutboxMessage).where(OutboxMessage.dispatched_at.is_(None))
                                            .order_by(OutboxMessage.id).limit(batch), db)))
        if not rows:
            return 0
        endpoints = list(session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))))
        now = clock.now()
        for row in rows:
            for ep in endpoints:
                if ep.store_id == row.store_id and (not ep.topics or row.topic in ep.topics):
                    session.add(WebhookDelivery(store_id=row.store_id, endpoint_id=ep.id, outbox_id=row.id,
                                                state="pending", attempts=0, next_attempt_at=now, created_at=now))
            row.dispatched_at = now
        return len(rows)


def deliver_due(db: Database, settings: Settings, clock: Clock, batch: int = 100,
                client: httpx.Client | None = None) -> int:
    now = clock.now()
    key = settings.resolved_secret()
    with db.session() as session:
        due = list(session.scalars(_locked(select(WebhookDelivery).where(
            is_constant(WebhookDelivery.state, "pending"), WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(batch), db)))
        jobs = []
        for d in due:
            d.next_attempt_at = now + LEASE  # leased: another worker skips it meanwhile
            ep = session.get_one(WebhookEndpoint, d.endpoint_id)
            msg = session.get_one(OutboxMessage, d.outbox_id)
            store = session.get_one(Store, msg.store_id)
            body = json.dumps({"id": msg.id, "topic": msg.topic, "store": store.code,
                               "created_at": msg.created_at.isoformat(), "data": msg.payload},
                              ensure_ascii=False, sort_keys=True).encode()
            if not sealing.is_sealed(ep.secret):  # subscribed before secrets were sealed
                ep.secret = sealing.seal(ep.secret, key)
            jobs.append((d.id, ep.url, sealing.unseal(ep.secret, key), msg.topic, body))
    if not jobs:
        return 0
    own = client is None
    client = client or httpx.Client(timeout=settings.webhook_timeout_seconds, follow_redirects=False)
    results: list[tuple[Any, ...]] = []
    try:
        for delivery_id, url, secret, topic, body in jobs:
            ts = int(clock.now().timestamp())
            headers = {"content-type": "application/json", "x-shouhou-topic": topic,
                       "x-shouhou-delivery": str(delivery_id), "x-shouhou-signature": sign(secret, ts, body)}
            results.append((delivery_id, *_post(client, settings, url, body, headers, delivery_id)))
    finally:
        if own:
            client.close()
    _record(db, settings, clock, results)
    return len(jobs)


def _post(client: httpx.Client, settings: Settings, url: str, body: bytes, headers: dict[str, str],
          delivery_id: int) -> tuple[int | None, str | None, str | None]:
    """(status, failure, SHA-256 of the answer's body) of one attempt."""
    try:
        target = destinations.target(url, settings.webhook_allowed_hosts)
        with client.stream("POST", target.url, content=body, headers={**headers, **target.headers},
                           extensions=target.extensions) as resp:
            digest, read = hashlib.sha256(), 0
            for chunk in resp.iter_bytes():
                digest.update(chunk[:HASHED_BYTES - read])
                read += len(chunk)
                if read >= HASHED_BYTES:
                    break
            return resp.status_code, None, digest.hexdigest()
    except (destinations.Refused, ValueError, httpx.HTTPError) as exc:
        log.warning("webhook delivery got no answer",
                    extra={"fields": {"delivery": delivery_id, "reason": f"{type(exc).__name__}: {exc}"[:500]}})
        return None, UNREACHABLE, None


def _record(db: Database, settings: Settings, clock: Clock, results: list) -> None:
    now = clock.now()
    with db.session() as session:
        for delivery_id, status, error, body_hash in results:
            d = session.get_one(WebhookDelivery, delivery_id)
            d.attempts += 1
            d.last_status = status
            d.last_error = error
            d.last_body_sha256 = body_hash
            if status is not None and 200 <= status < 300:
                d.state, d.delivered_at = "delivered", now
                WEBHOOKS.labels("delivered").inc()
            elif d.attempts >= settings.webhook_max_attempts:
                d.state = "dead"
                WEBHOOKS.labels("dead").inc()
                log.warning("webhook delivery gave up", extra={"fields": {"delivery": delivery_id}})
            else:
                d.next_attempt_at = now + timedelta(seconds=30 * 2 ** (d.attempts - 1))
                WEBHOOKS.labels("retry").inc()
