"""咨询 as a plug-in: its case type and its pages."""

from __future__ import annotations

from shouhou.consultations import case_pages, effects, pages, service
from shouhou.consultations.schemas import ConsultationIn
from shouhou.consultations.workflow import WORKFLOW
from shouhou.plugins import CaseKind, OrderPanel, Plugin, PortalOffer, register

KIND = CaseKind(
    workflow=WORKFLOW.bind(effects), create_schema=ConsultationIn, create=service.create,
    describe=service.describe, field_options=case_pages.field_options,
    portal=PortalOffer(link=("/portal/consult", "只是想咨询这个订单？", "Just a question about this order?")),
    examples={"consultation": {"summary": "咨询", "value": {
        "type": "consultation", "order_no": "T20261101001", "subject": "洗衣机怎么清洗滤网？",
        "description": "", "channel": "hotline"}}},
)

PLUGIN = register(Plugin(name="consultations", kinds=(KIND,), pages=(pages.router,), order_panels=(
    OrderPanel(link=("/console/cases/new?order_no={order_no}&store={store}", "新建咨询", "Open a consultation")),)))
