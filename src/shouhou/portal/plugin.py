"""The customer portal's own pages (home, order, uploads); case pages are the cases context's."""

from __future__ import annotations

from shouhou.plugins import Plugin, register
from shouhou.portal import pages

PLUGIN = register(Plugin(name="portal", pages=(pages.router,)))
