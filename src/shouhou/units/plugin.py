"""The installed base (客户资料袋) and service contracts (合同服务) as a plug-in: their API."""

from __future__ import annotations

from shouhou.plugins import Plugin, register
from shouhou.units import endpoints

PLUGIN = register(Plugin(name="units", api=(endpoints.router,)))
