"""维权 (disputes after 交易成功) as a plug-in: its case type, its pages."""

from __future__ import annotations

from shouhou.disputes import effects, pages, service
from shouhou.disputes.schemas import DisputeCaseDetail, DisputeIn, DisputeSummary
from shouhou.disputes.workflow import WORKFLOW
from shouhou.models.dispute import DisputeDetail
from shouhou.plugins import CaseKind, Plugin, PortalOffer, register

KIND = CaseKind(
    workflow=WORKFLOW.bind(effects), create_schema=DisputeIn, create=service.create, describe=service.describe,
    summarize=service.summarize, companions=(DisputeDetail,), detail_template="disputes/_case.html",
    portal=PortalOffer(order_form="disputes/_portal_apply.html", order_context=pages.portal_order_context,
                       body_from_form=pages.dispute_from_form, position=90),
    examples={"dispute": {"summary": "维权", "value": {
        "type": "dispute", "order_no": "T20261101001", "remedy": "refund", "amount": "50.00",
        "description": "交易成功后发现衣服开线, 商家不予处理"}}},
    summary_schema=DisputeSummary, document_schema=DisputeCaseDetail,
)

PLUGIN = register(Plugin(name="disputes", kinds=(KIND,), pages=(pages.router,)))
