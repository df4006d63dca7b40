"""Console pages of the knowledge base (问题统计: known problems and their solutions): the list with
Chinese full-text search, an article, and the add and edit forms — through the same service
functions and the same checks as the API (`/api/v1/kb/...`)."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from shouhou.accounts import service as accounts
from shouhou.api.errors import STATUS
from shouhou.desk import knowledge
from shouhou.desk.schemas import ArticleEditIn, ArticleIn
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import STAFF
from shouhou.errors import ShouhouError
from shouhou.fields import invalid_fields
from shouhou.web import nav
from shouhou.web.forms import error_text
from shouhou.web.session import check_csrf, staff_only
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
nav.register("/console/kb", "Knowledge base", STAFF, order=8)  # every staff member reads it; writers also edit


def _stores(ctx: Ctx) -> list[Any]:
    return [s for s in accounts.visible_stores(ctx) if ctx.actor.roles_in(s.id) & STAFF]


@router.get("/console/kb")
def article_list(request: Request, q: str = "", store: str | None = None) -> Response:
    ctx = staff_only(request)
    stores = _stores(ctx)
    code = store or (stores[0].code if stores else None)
    current = accounts.store_for_caller(ctx, code)
    q = q.strip()[:200]
    found = knowledge.search_articles(ctx, q, current.code)["items"] if q else knowledge.list_articles(ctx, current.code)
    return render(request, "desk/kb_list.html", ctx, q=q, items=found, stores=stores, store=current,
                  writer=knowledge.may_write(ctx, current.id))


def _form(request: Request, ctx: Ctx, sent: dict[str, Any], *, article: dict[str, Any] | None = None,
          error: str | None = None, status: int = 200) -> Response:
    return render(request, "desk/kb_form.html", ctx, status=status, sent=sent, article=article, error=error,
                  stores=[s for s in _stores(ctx) if knowledge.may_write(ctx, s.id)])


M = TypeVar("M", ArticleIn, ArticleEditIn)


def _body(form: Any, store: str | None, model: type[M]) -> tuple[dict[str, Any], M]:
    """The form as typed (to show again) and as the API's body; tags split on spaces, commas or 、. An edit
    carries the version it started from, so that a later save by someone else is not overwritten."""
    sent = {k: str(form.get(k, "")) for k in ("title", "body", "tags", "store", "version")} | {
        "public": form.get("public") == "yes"}
    raw: dict[str, Any] = {"title": sent["title"].strip(), "body": sent["body"].strip(), "public": sent["public"],
                           "tags": [t for t in re.split(r"[\s,，、]+", sent["tags"]) if t],
                           "store": store or sent["store"] or None}
    if model is ArticleEditIn and sent["version"].strip():
        raw["version"] = int(sent["version"]) if sent["version"].strip().isdigit() else sent["version"]
    try:
        return sent, model.model_validate(raw)
    except ValidationError as exc:
        raise invalid_fields(exc) from None


@router.get("/console/kb/new")
def new_form(request: Request, store: str | None = None) -> Response:
    ctx = staff_only(request)
    return _form(request, ctx, {"store": store or "", "public": False})


@router.post("/console/kb/new")
async def create(request: Request) -> Response:
    ctx = staff_only(request)
    form = await check_csrf(request)
    sent: dict[str, Any] = {k: str(form.get(k, "")) for k in ("title", "body", "tags", "store")}
    try:
        sent, body = _body(form, None, ArticleIn)
        doc = knowledge.add_article(ctx, body)
    except ShouhouError as exc:
        ctx.session.rollback()
        return _form(request, ctx, sent, error=error_text(exc, ctx.lang), status=STATUS.get(exc.kind, 422))
    request.session["flash"] = {"kind": "ok", "text": ctx.label("已添加知识库文章。", "Article added.")}
    return RedirectResponse(f"/console/kb/{doc['id']}", status_code=303)


@router.get("/console/kb/{article_id}")
def view(article_id: int, request: Request) -> Response:
    ctx = staff_only(request)
    doc = knowledge.get_article(ctx, article_id)
    return render(request, "desk/kb_article.html", ctx, article=doc,
                  writer=knowledge.may_write(ctx, knowledge.article_store(ctx, article_id)))


@router.get("/console/kb/{article_id}/edit")
def edit_form(article_id: int, request: Request) -> Response:
    ctx = staff_only(request)
    doc = knowledge.get_article(ctx, article_id)
    return _form(request, ctx, {**doc, "tags": " ".join(doc["tags"])}, article=doc)


@router.post("/console/kb/{article_id}/edit")
async def save(article_id: int, request: Request) -> Response:
    ctx = staff_only(request)
    form = await check_csrf(request)
    article = knowledge.get_article(ctx, article_id)
    sent: dict[str, Any] = {k: str(form.get(k, "")) for k in ("title", "body", "tags", "version")}
    try:
        sent, edit = _body(form, None, ArticleEditIn)
        knowledge.edit_article(ctx, article_id, edit)
    except ShouhouError as exc:
        ctx.session.rollback()
        return _form(request, ctx, sent, article=article, error=error_text(exc, ctx.lang),
                     status=STATUS.get(exc.kind, 422))
    request.session["flash"] = {"kind": "ok", "text": ctx.label("已保存为新版本。", "Saved as a new version.")}
    return RedirectResponse(f"/console/kb/{article_id}", status_code=303)
