"""`GET /api/v1/cases/search`: cases whose subject, description or messages match, best first, each
with a highlighted snippet — the same Chinese search as the knowledge base's."""

from __future__ import annotations

from typing import Any

from shouhou.cases import service as cases
from shouhou.desk import repository as repo
from shouhou.desk import search
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import may
from shouhou.models.desk import DeskMessage


def search_cases(ctx: Ctx, q: str, limit: int = 20) -> dict[str, Any]:
    actor = ctx.actor
    stores = actor.store_ids()
    staff = None if stores is None and may(actor, "case.read", None) else \
        {s for s in (stores or set()) if may(actor, "case.read", s)}
    case_ids = None
    public_only = False
    if staff is not None and not staff:
        if actor.customer_id is None:
            return {"q": q, "words": [], "items": []}  # holds no role anywhere: finds nothing
        case_ids, public_only = set(repo.case_ids_of_customer(ctx.session, actor.customer_id)), True
    words, hits = search.find(ctx.session, q, kinds=("case", "message"), store_ids=staff,
                              public_only=public_only, case_ids=case_ids)
    best: dict[int, Any] = {}
    for h in hits:
        if h.case_id is not None and h.case_id not in best:
            best[h.case_id] = h
    chosen = list(best.items())[:limit]
    rows = {c.id: c for c in repo.cases_by_ids(ctx.session, [cid for cid, _ in chosen])}
    messages = {m.id: m for m in repo.messages_by_ids(ctx.session, [h.ref_id for _, h in chosen if h.kind == "message"])}
    ordered = [rows[cid] for cid, _ in chosen if cid in rows]
    items = []
    for case, summary in zip(ordered, cases.summaries(ctx, ordered), strict=True):
        h = best[case.id]
        msg: DeskMessage | None = messages.get(h.ref_id) if h.kind == "message" else None
        text = msg.body if msg else f"{case.subject} {case.description}"
        items.append({**summary, "matched": h.kind, "snippet": search.snippet(text, words)})
    return {"q": q, "words": words, "items": items}
