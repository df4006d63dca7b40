"""The service desk as a plug-in: its API and pages, what it adds to every case's document, its
observer of every transition, and its worker jobs (the SLA sweep, outgoing messages, mailboxes)."""

from __future__ import annotations

from shouhou.desk import (
    delivery,
    endpoints,
    kb_pages,
    knowledge_endpoints,
    mail_imap,
    observers,
    pages,
    portal_pages,
    search_endpoints,
    service,
    sla_sweep,
)
from shouhou.models.desk import CaseDesk
from shouhou.plugins import Plugin, register

PLUGIN = register(Plugin(
    name="desk", api=(endpoints.router, knowledge_endpoints.router),
    pages=(pages.router, kb_pages.router, portal_pages.router), case_document=service.case_part,
    case_companions=(CaseDesk,), observers=(observers.on_step,), jobs=(sla_sweep.sweep, delivery.deliver, mail_imap.poll),
))
# /api/v1/cases/search must come before the case endpoints' /api/v1/cases/{no} (mounted at order 0).
SEARCH = register(Plugin(name="desk-search", api=(search_endpoints.router,), order=-1))
