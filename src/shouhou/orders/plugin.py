"""Orders: the API (push, import, read) and the console pages."""

from __future__ import annotations

from shouhou.orders import endpoints, pages
from shouhou.plugins import Plugin, register

PLUGIN = register(Plugin(name="orders", api=(endpoints.router,), pages=(pages.router,)))
