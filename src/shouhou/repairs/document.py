"""The repair/installation part of the case document (names fixed by issue 18)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shouhou.engine.context import Ctx
from shouhou.engine.permissions import is_customer_view
from shouhou.fields import local_iso, yuan
from shouhou.models import Case, Store, User
from shouhou.models.repairs import RepairDetail
from shouhou.repairs import card, escalation, fees
from shouhou.repairs import repository as repo


def _when(value: str | None, tz: str) -> str | None:
    return local_iso(datetime.fromisoformat(value), tz) if value else None


def describe(ctx: Ctx, case: Case) -> dict[str, Any]:
    session = ctx.session
    d = repo.detail(session, case.id)
    tz = session.get_one(Store, case.store_id).timezone
    technician = session.get(User, d.technician_id) if d.technician_id else None
    customer_view = is_customer_view(ctx.actor, case.store_id)
    sessions = card.session_documents(ctx, case.id, tz)
    fitted = repo.parts(session, case.id)
    return {
        "kind": d.kind, "mode": d.mode, "location": d.location, "workshop": d.received_at is not None,
        "service_type": d.service_type,
        "service_type_basis": [{"rule": b["rule"], "text": ctx.label(b["zh"], b["en"])} for b in d.service_basis],
        "warranty": {"covered": d.warranty.get("covered", False), "until": _when(d.warranty.get("until"), tz),
                     "starts": _when(d.warranty.get("starts"), tz),
                     "basis": [{"rule": b["rule"], "text": ctx.label(b["zh"], b["en"])}
                               for b in d.warranty.get("basis", [])]},
        "unit": {"serial": d.serial, "model": d.model, "category": d.category,
                 "warranty_until": _when(d.warranty.get("until"), tz)},
        "contact": {"name": d.contact_name, "phone": d.contact_phone, "address": d.address, "district": d.district},
        "fault": d.fault, "fault_code": d.fault_code,
        "preferred_time": None if d.preferred_start is None else {
            "start": local_iso(d.preferred_start, tz), "end": local_iso(d.preferred_end, tz)},
        "technician": technician.username if technician else None,
        "technician_name": technician.display_name if technician else None,
        "appointment": None if d.window_start is None else {
            "start": local_iso(d.window_start, tz), "end": local_iso(d.window_end, tz)},
        "checked_in_at": local_iso(d.checked_in_at, tz),
        "receipt": None if d.receipt_no is None else {
            "no": d.receipt_no, "status": d.receipt_status, "issued_at": local_iso(d.receipt_issued_at, tz),
            "voided_at": local_iso(d.receipt_voided_at, tz)},
        "intake": None if d.received_at is None else {
            "received_at": local_iso(d.received_at, tz), "condition": d.condition, "accessories": d.accessories,
            "carrier": d.inbound_carrier, "tracking_no": d.inbound_tracking_no},
        "photos": d.photos,
        "vendor": _vendor(d.vendor, tz),
        "repair_card": {
            "sessions": sessions, "labour_minutes": sum(s["minutes"] for s in sessions),
            "parts": [{"sku": p.sku, "name": p.name, "qty": p.qty, "unit_price": yuan(p.unit_price_fen),
                       "old_serial": p.old_serial, "new_serial": p.new_serial, "location": p.location,
                       "under_warranty": p.under_warranty} for p in fitted],
            "diagnosis": d.diagnosis, "result": d.result, "finished_at": local_iso(d.finished_at, tz),
            "parts_wait_days": d.parts_wait_days, "waiting_for_parts_since": local_iso(d.parts_waiting_since, tz)},
        "qc": None if d.qc_at is None else {"at": local_iso(d.qc_at, tz), "by": d.qc_by},
        "quote": fees.quote_document(ctx, case.id, d),
        "fees": fees.fees_document(ctx, case.id, d, tz),
        "return": None if d.returned_at is None else {
            "at": local_iso(d.returned_at, tz), "method": d.return_method, "to": d.returned_to,
            "carrier": d.return_carrier, "tracking_no": d.return_tracking_no},
        "signatures": [{"id": s.id, "purpose": s.purpose, "sha256": s.sha256, "signed_at": local_iso(s.signed_at, tz),
                        "signer": s.signer, "url": f"/api/v1/cases/{case.no}/signatures/{s.id}"}
                       for s in repo.signatures(session, case.id)],
        "rework": d.rework, "rework_of": _case_no(ctx, d.rework_of_case_id),
        "entitlements": escalation.entitlements(ctx, case, d),
        "response_overdue": d.response_overdue, "unclaimed": d.unclaimed,
        "rating": None if d.rating is None else {"score": d.rating, "comment": d.rating_comment},
        "distance_km": None if customer_view else d.distance_km,
    }


def _vendor(sent: dict[str, Any] | None, tz: str) -> dict[str, Any] | None:
    """送厂家维修: the parcel to the maker and back (its times in the store's zone)."""
    if not sent:
        return None
    return {"vendor": sent.get("vendor"), "rma_no": sent.get("rma_no"), "carrier": sent.get("carrier"),
            "tracking_no": sent.get("tracking_no"), "sent_at": _when(sent.get("sent_at"), tz),
            "returned_at": _when(sent.get("returned_at"), tz), "back_carrier": sent.get("back_carrier"),
            "back_tracking_no": sent.get("back_tracking_no")}


def _case_no(ctx: Ctx, case_id: int | None) -> str | None:
    return ctx.session.get_one(Case, case_id).no if case_id else None


def summarize(ctx: Ctx, case: Case) -> dict[str, Any]:
    d = repo.detail(ctx.session, case.id)
    tz = ctx.session.get_one(Store, case.store_id).timezone
    return {"mode": d.mode, "kind": d.kind, "service_type": d.service_type, "serial": d.serial, "model": d.model,
            "district": d.district, "rework": d.rework,
            "appointment_start": local_iso(d.window_start, tz), "receipt_no": d.receipt_no}


def detail_of(ctx: Ctx, case: Case) -> RepairDetail:
    return repo.detail(ctx.session, case.id)
