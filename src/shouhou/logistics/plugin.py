"""物流异常 (logistics) as a plug-in: its case type, its API and pages."""

from __future__ import annotations

from shouhou.logistics import effects, endpoints, pages, service
from shouhou.logistics.repository import cases_with_tracking
from shouhou.logistics.schemas import LogisticsCaseDetail, LogisticsIn, LogisticsSummary
from shouhou.logistics.workflow import WORKFLOW
from shouhou.models.logistics import LogisticsDetail
from shouhou.plugins import CaseKind, Plugin, PortalOffer, register

KIND = CaseKind(
    workflow=WORKFLOW.bind(effects), create_schema=LogisticsIn, create=service.create, describe=service.describe,
    summarize=service.summarize, companions=(LogisticsDetail,), detail_template="logistics/_case.html",
    portal=PortalOffer(link=("/portal/logistics/new", "物流问题", "Parcel problem"), position=90),
    examples={"logistics": {"summary": "物流异常", "value": {
        "type": "logistics", "order_no": "T20261101001", "problem": "not_moving",
        "description": "物流信息三天没有更新", "channel": "hotline"}}},
    summary_schema=LogisticsSummary, document_schema=LogisticsCaseDetail,
)

PLUGIN = register(Plugin(name="logistics", kinds=(KIND,), api=(endpoints.router,), pages=(pages.router,),
                         search=cases_with_tracking))
