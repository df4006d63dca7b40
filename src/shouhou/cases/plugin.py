"""The generic case endpoints and pages, shared by every case type. The API is mounted first,
as most traffic goes to it (no other router has a path under /api/v1/cases); the pages last,
since /console/cases/{no} would take another context's /console/cases/new."""

from __future__ import annotations

from shouhou.cases import case_pages, endpoints, pages
from shouhou.plugins import OrderPanel, Plugin, register

PLUGIN = register(Plugin(name="cases", api=lambda: (endpoints.make_router(),), pages=(pages.router, case_pages.router), order=0,
                         page_order=1000,
                         order_panels=(OrderPanel("cases/_order_cases.html", pages.order_cases, position=90),)))
