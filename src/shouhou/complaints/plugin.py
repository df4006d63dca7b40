"""投诉 (complaints) as a plug-in: its case type, its API and pages."""

from __future__ import annotations

from shouhou.complaints import effects, endpoints, pages, service
from shouhou.complaints.schemas import ComplaintCaseDetail, ComplaintIn, ComplaintSummary
from shouhou.complaints.workflow import WORKFLOW
from shouhou.models.complaint import ComplaintDetail
from shouhou.plugins import CaseKind, Plugin, PortalOffer, register

KIND = CaseKind(
    workflow=WORKFLOW.bind(effects), create_schema=ComplaintIn, create=service.create, describe=service.describe,
    summarize=service.summarize, companions=(ComplaintDetail,), detail_template="complaints/_case.html",
    portal=PortalOffer(link=("/portal/complaints/new", "投诉", "Make a complaint"), position=95),
    examples={"complaint": {"summary": "投诉", "value": {
        "type": "complaint", "order_no": "T20261101001", "category": "service_attitude",
        "reason": "客服多次承诺回电都没有回电", "channel": "hotline"}}},
    summary_schema=ComplaintSummary, document_schema=ComplaintCaseDetail,
)

PLUGIN = register(Plugin(name="complaints", kinds=(KIND,), api=(endpoints.router,), pages=(pages.router,)))
