"""维修/保修 and 安装调试 as a plug-in: two case types, their API, pages and worker jobs."""

from __future__ import annotations

from shouhou.plugins import CaseKind, Plugin, PortalOffer, register
from shouhou.repairs import (
    call_pages,
    case_pages,
    effects,
    endpoints,
    jobs,
    pages,
    portal_pages,
    service,
    tech_pages,
    unit_pages,
)
from shouhou.repairs.schemas import InstallationIn, RepairCaseDetail, RepairIn, RepairSummary
from shouhou.repairs.workflow import INSTALLATION, REPAIR

CONTACT = {"name": "张三", "phone": "13800000000", "address": "上海市浦东新区世纪大道 100 号", "district": "浦东新区"}

REPAIR_KIND = CaseKind(
    workflow=REPAIR.bind(effects), create_schema=RepairIn, create=service.create, describe=service.describe,
    summarize=service.summarize, detail_template="repairs/_case.html", field_options=case_pages.field_options,
    portal=PortalOffer(link=("/portal/repairs", "报修或预约安装", "Request a repair or an installation"), position=50),
    examples={"repair": {"summary": "叫修登记", "value": {
        "type": "repair", "serial": "WM10-2026-0001", "contact": CONTACT, "fault": "洗衣机不排水",
        "fault_code": "drain", "mode": "onsite", "channel": "hotline",
        "preferred_time": {"start": "2026-11-25T09:00:00+08:00", "end": "2026-11-25T12:00:00+08:00"}}}},
    summary_schema=RepairSummary, document_schema=RepairCaseDetail,
)
INSTALLATION_KIND = CaseKind(
    workflow=INSTALLATION.bind(effects), create_schema=InstallationIn, create=service.create,
    describe=service.describe, summarize=service.summarize, detail_template="repairs/_case.html",
    field_options=case_pages.field_options, examples={"installation": {"summary": "预约安装", "value": {
        "type": "installation", "order_no": "D1001", "line_no": 1, "contact": CONTACT, "channel": "hotline"}}},
    summary_schema=RepairSummary, document_schema=RepairCaseDetail,
)

PLUGIN = register(Plugin(name="repairs", kinds=(REPAIR_KIND, INSTALLATION_KIND),
                         api=(endpoints.router,),
                         pages=(call_pages.router, unit_pages.router, pages.router, tech_pages.router, portal_pages.router),
                         jobs=(jobs.open_maintenance_visits,)))
