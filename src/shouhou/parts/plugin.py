"""Spare parts (保证维修零配件的供应) as a plug-in: its API and console pages."""

from __future__ import annotations

from shouhou.parts import endpoints, pages
from shouhou.plugins import Plugin, register

PLUGIN = register(Plugin(name="parts", api=(endpoints.router,), pages=(pages.router,)))
