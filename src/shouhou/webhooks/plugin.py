"""Webhooks: registration over the API; the worker fans the outbox out and delivers."""

from __future__ import annotations

from shouhou.plugins import Plugin, register
from shouhou.webhooks import delivery, endpoints

PLUGIN = register(Plugin(name="webhooks", api=(endpoints.router,),
                         jobs=(delivery.dispatch_outbox, delivery.deliver_due)))
