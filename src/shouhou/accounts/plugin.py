"""Stores, users and sign-in: the API and the console pages."""

from __future__ import annotations

from shouhou.accounts import endpoints, pages, service
from shouhou.plugins import Plugin, register

PLUGIN = register(Plugin(name="accounts", api=(endpoints.router,), pages=(pages.router,),
                         housekeeping=(service.forget_old_sign_in_counts,)))
