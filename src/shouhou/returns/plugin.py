"""退款 / 退货退款 / 换货 as a plug-in: three case types, their API and pages."""

from __future__ import annotations

from shouhou.models import CaseLine, CaseShipment, OrderLine, Refund, ReturnDetail
from shouhou.models.returns import ReturnPickup
from shouhou.plugins import CaseKind, Plugin, PortalOffer, register
from shouhou.returns import case_pages, effects, endpoints, pages, service
from shouhou.returns.repository import cases_with_tracking, refund_amount_column
from shouhou.returns.schemas import ApplyIn, ReturnCaseDetail, ReturnCaseSummary
from shouhou.returns.workflow import WORKFLOWS

PORTAL_POSITION = {"return_refund": 10, "exchange": 20, "refund_only": 30}  # the form's choices, in order
EXAMPLE = {"order_no": "T20261101001", "lines": [{"line_no": 1, "qty": 1}], "reason": "no_longer_wanted"}


def _kind(case_type: str) -> CaseKind:
    return CaseKind(
        workflow=WORKFLOWS[case_type].bind(effects), create_schema=ApplyIn, create=service.create,
        describe=service.describe, summarize=service.summarize,
        companions=(ReturnDetail,), collections=(CaseShipment, Refund, ReturnPickup, (CaseLine, OrderLine)),
        preload=service.preload, detail_template="returns/_case.html",
        portal=PortalOffer(order_form="returns/_portal_apply.html", order_context=pages.portal_order_context,
                           body_from_form=pages.application_from_form, position=PORTAL_POSITION[case_type]),
        examples={case_type: {"summary": WORKFLOWS[case_type].zh, "value": {"type": case_type, **EXAMPLE}}},
        summary_schema=ReturnCaseSummary, document_schema=ReturnCaseDetail,
        field_options=case_pages.field_options, progress=case_pages.progress,
    )


PLUGIN = register(Plugin(name="returns", kinds=tuple(_kind(t) for t in WORKFLOWS), api=(endpoints.router,),
                         pages=(pages.router,), search=cases_with_tracking,
                         sort_keys={"refund_amount": refund_amount_column}))
