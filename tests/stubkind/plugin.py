"""The stub type registers itself: its case kind, its migrations and its templates."""

from __future__ import annotations

from pathlib import Path

from shouhou.plugins import CaseKind, Plugin, PortalOffer, register
from tests.stubkind import service
from tests.stubkind.models import StubDetail
from tests.stubkind.schemas import StubIn
from tests.stubkind.workflow import WORKFLOW

HERE = Path(__file__).parent

KIND = CaseKind(
    workflow=WORKFLOW.bind(service), create_schema=StubIn, create=service.create, describe=service.describe,
    companions=(StubDetail,), detail_template="stubkind/_case.html",
    portal=PortalOffer(link=("/portal/consult", "报修", "Report a fault"), position=200),
    examples={"stub": {"summary": "报修登记", "value": {"type": "stub", "store": "S1", "subject": "不制冷",
                                                      "model": "KFR-35"}}},
)

PLUGIN = register(Plugin(name="stubkind", kinds=(KIND,), migrations=str(HERE / "migrations" / "versions"),
                         templates=str(HERE / "templates"),
                         # a field on every case's document, whatever its type (as service levels add theirs)
                         case_document=lambda ctx, case: {"stub_watched": case.type}))
