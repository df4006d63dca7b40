"""The API of 话术 (canned replies) and the knowledge base."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from shouhou.api import access
from shouhou.api.deps import RowId, api_ctx
from shouhou.api.responses import Document, answers
from shouhou.cases import service as cases
from shouhou.desk import knowledge, stats
from shouhou.desk.schemas import (
    ArticleEditIn,
    ArticleHits,
    ArticleIn,
    ArticleOut,
    CannedReplies,
    CannedReplyIn,
    CannedReplyOut,
    CaseArticles,
    ProblemStats,
    RenderIn,
    RenderOut,
)
from shouhou.engine.context import Ctx

router = APIRouter(prefix="/api/v1", tags=["knowledge"])
WRITERS = access.roles("agent", "supervisor", "admin")


@router.post("/canned-replies", summary="A canned reply (话术) of a store, or shared by every store",
             **answers(CannedReplyOut, 201), openapi_extra=WRITERS)
def add_canned_reply(body: CannedReplyIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(knowledge.add_reply(ctx, body), status_code=201)


@router.get("/canned-replies", summary="The canned replies the caller's stores may use, by folder",
            **answers(CannedReplies), openapi_extra=access.SCOPED)
def canned_replies(store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": knowledge.list_replies(ctx, store)}


@router.post("/canned-replies/{reply_id}/render", summary="The reply with the case's variables filled in (counts a use)",
             **answers(RenderOut, errors={404: "canned_reply_not_found", 422: "unknown_case: no such case here"}),
             openapi_extra=access.operation("case.read"))
def render_canned_reply(reply_id: RowId, body: RenderIn, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return knowledge.render_reply(ctx, reply_id, body.case_no)


@router.post("/kb/articles", summary="A knowledge-base article (known problem and solution)",
             **answers(ArticleOut, 201), openapi_extra=WRITERS)
def add_article(body: ArticleIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(knowledge.add_article(ctx, body), status_code=201)


@router.get("/kb/articles/{article_id}", summary="An article (a buyer: public ones only)", **answers(ArticleOut),
            openapi_extra=access.IN_STORE)
def get_article(article_id: RowId, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return knowledge.get_article(ctx, article_id)


@router.put("/kb/articles/{article_id}", summary="A new version of an article",
            **answers(ArticleOut, errors={409: "`version_conflict`: saved by someone else since `version`"}),
            openapi_extra=WRITERS)
def edit_article(article_id: RowId, body: ArticleEditIn, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return knowledge.edit_article(ctx, article_id, body)


@router.get("/kb/search", summary="Chinese full-text search of articles, ranked, with highlighted snippets",
            **answers(ArticleHits), openapi_extra=access.SCOPED)
def search_articles(q: str = Query(min_length=1, max_length=200), store: str | None = None,
                    limit: int = Query(default=20, ge=1, le=100), ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return knowledge.search_articles(ctx, q, store, limit)


@router.get("/kb/problem-stats", summary="问题统计: reason and fault codes per product over a period, with their articles",
            **answers(ProblemStats), openapi_extra=access.operation("case.read"))
def problem_stats(store: str | None = None, created_from: str | None = None, created_to: str | None = None,
                  ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return stats.problem_stats(ctx, store, cases.parse_time(created_from, "created_from"),
                               cases.parse_time(created_to, "created_to"))


@router.get("/cases/{no}/articles", summary="Knowledge-base articles matching the case's subject and description",
            **answers(CaseArticles), openapi_extra=access.operation("case.read"))
def case_articles(no: str, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": knowledge.suggestions(ctx, no)}
