from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from shouhou.accounts.service import store_for_caller
from shouhou.config import Settings
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import require
from shouhou.errors import Invalid, not_found
from shouhou.models import WebhookDelivery, WebhookEndpoint
from shouhou.webhooks import destinations, sealing

# order.receipt_extension: hold off the order's automatic receipt confirmation (an exchange, SPEC §4.7)
TOPICS = ("case.created", "case.transitioned", "order.receipt_extension")


def add_endpoint(ctx: Ctx, store_code: str, url: str, topics: list[str]) -> tuple[WebhookEndpoint, str]:
    store = store_for_caller(ctx, store_code)
    require(ctx.actor, "webhook.admin", store.id)
    try:
        destinations.check(url, ctx.settings.webhook_allowed_hosts)
    except ValueError:
        raise Invalid("invalid_url", en="Webhook URL must be http(s) with a host (and no user name)",
                      zh="Webhook 地址须为带主机名的 http(s) 地址（不含用户名）", url=url) from None
    except destinations.Refused:
        raise Invalid("webhook_destination_forbidden",
                      en="Webhooks may not go to loopback, private, link-local or other internal addresses",
                      zh="Webhook 不能发往本机、内网、链路本地或其他内部地址", url=url) from None
    unknown = sorted(set(topics) - set(TOPICS))
    if unknown:
        raise Invalid("unknown_topic", en="Unknown topics {topics}", zh="未知主题 {topics}", topics=unknown,
                      known=list(TOPICS))
    secret = "whsec_" + secrets.token_urlsafe(24)
    ep = WebhookEndpoint(store_id=store.id, url=url, secret=sealing.seal(secret, ctx.settings.resolved_secret()),
                         topics=list(dict.fromkeys(topics)), active=True,  # each topic once, in the order given
                         created_at=ctx.clock.now())
    ctx.session.add(ep)
    ctx.session.flush()
    return ep, secret


def endpoints(ctx: Ctx, store_code: str) -> list[WebhookEndpoint]:
    store = store_for_caller(ctx, store_code)
    require(ctx.actor, "webhook.admin", store.id)
    return list(ctx.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.store_id == store.id)
                                    .order_by(WebhookEndpoint.id)))


def _endpoint(ctx: Ctx, endpoint_id: int) -> WebhookEndpoint:
    """The subscription, for its store's webhook admins; not found for whoever holds no role there."""
    ep = ctx.session.get(WebhookEndpoint, endpoint_id)
    if ep is None or not ctx.actor.roles_in(ep.store_id):
        raise not_found("webhook", endpoint_id)
    require(ctx.actor, "webhook.admin", ep.store_id)
    return ep


def deactivate(ctx: Ctx, endpoint_id: int) -> None:
    ep = _endpoint(ctx, endpoint_id)
    ep.active = False
    ctx.session.flush()


def deliveries(ctx: Ctx, endpoint_id: int, limit: int = 50) -> list[WebhookDelivery]:
    _endpoint(ctx, endpoint_id)
    return list(ctx.session.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
                                    .order_by(WebhookDelivery.id.desc()).limit(limit)))


def seal_plain_secrets(session: Session, settings: Settings) -> int:
    """Seal the secrets of subscriptions made before secrets were sealed."""
    rows = [e for e in session.scalars(select(WebhookEndpoint)) if not sealing.is_sealed(e.secret)]
    for ep in rows:
        ep.secret = sealing.seal(ep.secret, settings.resolved_secret())
    session.flush()
    return len(rows)
