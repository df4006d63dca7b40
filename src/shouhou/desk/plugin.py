"""The service desk as a plug-in: its API and pages, what it adds to every case's document, its
observer of every transition, and its worker jobs (the SLA sweep, outgoing messages, mailboxes)."""

from __future__ import annotations

from shouhou.desk import endpoints, observers, service, sla_sweep
from shouhou.plugins import Plugin, register

PLUGIN = register(Plugin(
    name="desk", api=(endpoints.router,), case_document=service.case_part, observers=(observers.on_step,),
    jobs=(sla_sweep.sweep,),
))
