"""中差评 (neutral and negative reviews) as a plug-in: its case type, its API and pages."""

from __future__ import annotations

from shouhou.models.review import ReviewDetail
from shouhou.plugins import CaseKind, Plugin, register
from shouhou.reviews import effects, endpoints, pages, service
from shouhou.reviews.schemas import ReviewCaseDetail, ReviewIn, ReviewSummary
from shouhou.reviews.workflow import WORKFLOW

KIND = CaseKind(
    workflow=WORKFLOW.bind(effects), create_schema=ReviewIn, create=service.create, describe=service.describe,
    summarize=service.summarize, companions=(ReviewDetail,), detail_template="reviews/_case.html",
    examples={"review": {"summary": "中差评", "value": {
        "type": "review", "order_no": "T20261101001", "platform": "taobao", "rating": "negative",
        "content": "衣服洗一次就起球了", "reviewed_at": "2026-11-22T20:15:00+08:00", "sku": "TSHIRT-M"}}},
    summary_schema=ReviewSummary, document_schema=ReviewCaseDetail,
)

PLUGIN = register(Plugin(name="reviews", kinds=(KIND,), api=(endpoints.router,), pages=(pages.router,)))
