"""Store policies, calendars and entitlements: the API and the console pages."""

from __future__ import annotations

from shouhou.plugins import OrderPanel, Plugin, register
from shouhou.policies import endpoints, pages

PLUGIN = register(Plugin(name="policies", api=(endpoints.router,), pages=(pages.router,), order_panels=(
    OrderPanel("policies/_order_entitlements.html", pages.order_entitlements_panel, position=10),)))
