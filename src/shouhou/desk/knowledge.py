"""话术 and 问题统计: canned replies with variables, and the knowledge base of known problems and their
solutions (versioned, internal or public), searchable in Chinese."""

from __future__ import annotations

import re
from typing import Any

from shouhou.accounts import service as accounts
from shouhou.cases import service as cases
from shouhou.desk import repository as repo
from shouhou.desk import search
from shouhou.desk.schemas import ArticleEditIn, ArticleIn, CannedReplyIn
from shouhou.desk.segment import index_terms
from shouhou.desk.sla import readings
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import STAFF, is_customer_view, may
from shouhou.errors import Conflict, Invalid, NotFound, forbidden
from shouhou.fields import local_iso
from shouhou.models import Customer, Order
from shouhou.models.desk import CannedReply, KbArticle, KbArticleVersion, SearchDoc

WRITERS = frozenset({"agent", "supervisor", "admin"})
VARIABLE = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def _may_write(ctx: Ctx, store_id: int | None) -> bool:
    return bool(ctx.actor.roles_in(store_id) & WRITERS)


# -- canned replies ---------------------------------------------------------------------------


def reply_document(r: CannedReply, store_codes: dict[int, str]) -> dict[str, Any]:
    return {"id": r.id, "store": store_codes.get(r.store_id) if r.store_id else None, "folder": r.folder,
            "title": r.title, "body": r.body, "uses": r.uses, "variables": sorted(set(VARIABLE.findall(r.body)))}


def _codes(ctx: Ctx) -> dict[int, str]:
    return {s.id: s.code for s in accounts.visible_stores(ctx)}


def add_reply(ctx: Ctx, body: CannedReplyIn) -> dict[str, Any]:
    """A store's own reply, or — store left out — one shared by every store (an admin of every store)."""
    store_id = accounts.store_for_caller(ctx, body.store).id if body.store else None
    if not _may_write(ctx, store_id) or (store_id is None and "admin" not in ctx.actor.roles_in(None)):
        raise forbidden("canned_reply.write", store_id=store_id)
    row = CannedReply(store_id=store_id, folder=body.folder, title=body.title, body=body.body, uses=0,
                      created_at=ctx.clock.now())
    ctx.session.add(row)
    ctx.session.flush()
    return reply_document(row, _codes(ctx))


def list_replies(ctx: Ctx, store: str | None) -> list[dict[str, Any]]:
    ids = ctx.actor.store_ids()
    if store:
        ids = {accounts.store_for_caller(ctx, store).id}
    if ids is not None:
        ids = {i for i in ids if ctx.actor.roles_in(i) & STAFF}
    codes = _codes(ctx)
    return [reply_document(r, codes) for r in repo.canned_replies(ctx.session, ids)]


def variables(ctx: Ctx, case_no: str) -> dict[str, str]:
    """What a reply's {{variables}} become on this case."""
    case = cases.get(ctx, case_no)
    store = repo.store(ctx.session, case.store_id)
    customer = ctx.session.get(Customer, case.customer_id) if case.customer_id else None
    order = ctx.session.get(Order, case.order_id) if case.order_id else None
    _, found = readings(ctx, case)
    due = min((r.due_at for r in found if r.status in ("running", "paused") and r.due_at), default=None)
    desk = repo.case_desk(ctx.session, case.id)  # who wrote in without an account (mail, a call, the form)
    name = (customer.name if customer else "") or (desk.contact_name if desk else "")
    return {"customer_name": name, "order_no": order.order_no if order else "",
            "case_no": case.no, "subject": case.subject, "store_name": store.name,
            "deadline": (local_iso(due, store.timezone) or "")[:16].replace("T", " "),
            "agent_name": ctx.actor.display_name or ctx.actor.name}


def render_reply(ctx: Ctx, reply_id: int, case_no: str) -> dict[str, Any]:
    row = ctx.session.get(CannedReply, reply_id)
    # A reply the caller cannot use is not found: whoever reads its store's cases, not as a buyer (a
    # shared one: anyone but a buyer).
    usable = row is not None and (
        bool(ctx.actor.roles - {"customer"}) if row.store_id is None
        else may(ctx.actor, "case.read", row.store_id) and not is_customer_view(ctx.actor, row.store_id))
    if row is None or not usable:
        raise NotFound("canned_reply_not_found", en="No canned reply {key}", zh="找不到话术 {key}", key=reply_id)
    try:
        case = cases.get(ctx, case_no)
    except NotFound:  # the reply (the path's resource) exists; the body names a case that does not
        raise Invalid("unknown_case", en="No case {no} here", zh="找不到售后单 {no}", no=case_no) from None
    if row.store_id is not None and row.store_id != case.store_id:
        raise Invalid("reply_of_another_store", en="Canned reply {key} is another store's",
                      zh="话术 {key} 属于其他店铺", key=reply_id)
    if not may(ctx.actor, "case.read", case.store_id) or is_customer_view(ctx.actor, case.store_id):
        raise forbidden("canned_reply.use", store_id=case.store_id)
    values = variables(ctx, case_no)
    text = VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), row.body)
    row.uses += 1
    ctx.session.flush()
    return {"id": row.id, "case_no": case.no, "text": text, "uses": row.uses}


# -- articles ---------------------------------------------------------------------------------


def article_document(ctx: Ctx, a: KbArticle, *, snippet: str | None = None) -> dict[str, Any]:
    tz = repo.store(ctx.session, a.store_id).timezone
    doc = {"id": a.id, "title": a.title, "body": a.body, "tags": a.tags, "public": a.public, "version": a.version,
           "updated_at": local_iso(a.updated_at, tz)}
    if snippet is not None:
        doc["snippet"] = snippet
    return doc


def _index(ctx: Ctx, a: KbArticle) -> None:
    terms = index_terms(f"{a.title}\n{a.title}\n{a.body}\n{' '.join(a.tags)}")  # the title counts twice
    doc = ctx.session.query(SearchDoc).filter_by(kind="article", ref_id=a.id).one_or_none()
    if doc is None:
        ctx.session.add(SearchDoc(store_id=a.store_id, kind="article", ref_id=a.id, public=a.public, terms=terms))
    else:
        doc.terms, doc.public = terms, a.public


def _version(ctx: Ctx, a: KbArticle) -> None:
    ctx.session.add(KbArticleVersion(store_id=a.store_id, article_id=a.id, version=a.version, title=a.title,
                                     body=a.body, tags=list(a.tags), public=a.public, author=ctx.actor.name,
                                     created_at=ctx.clock.now()))


def add_article(ctx: Ctx, body: ArticleIn) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, body.store)
    if not _may_write(ctx, store.id):
        raise forbidden("kb.write", store_id=store.id)
    now = ctx.clock.now()
    a = KbArticle(store_id=store.id, title=body.title, body=body.body, tags=list(body.tags), public=body.public,
                  version=1, created_at=now, updated_at=now)
    ctx.session.add(a)
    ctx.session.flush()
    _version(ctx, a)
    _index(ctx, a)
    ctx.session.flush()
    return article_document(ctx, a)


def _readable(ctx: Ctx, article_id: int) -> KbArticle:
    a = ctx.session.get(KbArticle, article_id)
    if a is None or not _may_read(ctx, a):
        raise NotFound("article_not_found", en="No article {key}", zh="找不到知识库文章 {key}", key=article_id)
    return a


def _may_read(ctx: Ctx, a: KbArticle) -> bool:
    roles = ctx.actor.roles_in(a.store_id)
    if roles & (STAFF | {"integration"}):
        return True
    return bool(roles) and a.public  # a buyer of the store: public articles


def list_articles(ctx: Ctx, store: str | None) -> list[dict[str, Any]]:
    """A store's articles, the latest edited first: the console's list before anything is searched."""
    found = accounts.store_for_caller(ctx, store)
    if not ctx.actor.roles_in(found.id) & STAFF:
        raise forbidden("kb.read", store_id=found.id)
    return [article_document(ctx, a) for a in repo.store_articles(ctx.session, found.id)]


def may_write(ctx: Ctx, store_id: int | None) -> bool:
    """Whether the caller may add and edit a store's articles (the console shows its buttons then)."""
    return _may_write(ctx, store_id)


def article_store(ctx: Ctx, article_id: int) -> int:
    return _readable(ctx, article_id).store_id


def get_article(ctx: Ctx, article_id: int) -> dict[str, Any]:
    return article_document(ctx, _readable(ctx, article_id))


def edit_article(ctx: Ctx, article_id: int, body: ArticleEditIn) -> dict[str, Any]:
    """A new version; one started from an older version than the latest is refused, so that nobody's
    edit is silently overwritten."""
    a = _readable(ctx, article_id)
    if not _may_write(ctx, a.store_id):
        raise forbidden("kb.write", store_id=a.store_id)
    seen = body.version if body.version is not None else a.version
    if seen != a.version or not repo.claim_article(ctx.session, a.id, seen):
        ctx.session.refresh(a, ["version"])
        raise Conflict("version_conflict",
                       en="Article {id} has changed (version {current}, you sent {expected}); reload and retry",
                       zh="知识库文章 {id} 已被修改（当前版本 {current}，提交版本 {expected}），请刷新后重试",
                       id=a.id, expected=seen, current=a.version)
    a.title, a.body, a.tags, a.public = body.title, body.body, list(body.tags), body.public
    a.version = seen + 1  # as claimed
    a.updated_at = ctx.clock.now()
    _version(ctx, a)
    _index(ctx, a)
    ctx.session.flush()
    return article_document(ctx, a)


def search_articles(ctx: Ctx, q: str, store: str | None = None, limit: int = 20) -> dict[str, Any]:
    """Ranked articles with highlighted snippets: staff see their stores' articles, a buyer the public ones."""
    ids = ctx.actor.store_ids()
    if store:
        ids = {accounts.store_for_caller(ctx, store).id}
    staff_ids = None if ids is None and ctx.actor.roles & (STAFF | {"integration"}) else \
        {i for i in (ids or set()) if ctx.actor.roles_in(i) & (STAFF | {"integration"})}
    buyer_ids = {i for i in (ids or set()) if "customer" in ctx.actor.roles_in(i)} - (staff_ids or set())
    words, hits = search.find(ctx.session, q, kinds=("article",), store_ids=None if staff_ids is None else
                              (staff_ids | buyer_ids))
    found = repo.articles(ctx.session, [h.ref_id for h in hits])
    items = []
    for h in hits:
        a = found.get(h.ref_id)
        if a is None or (staff_ids is not None and a.store_id not in staff_ids and not a.public):
            continue
        items.append(article_document(ctx, a, snippet=search.snippet(f"{a.title} {a.body}", words)))
        if len(items) >= limit:
            break
    return {"q": q, "words": words, "items": items}


def suggestions(ctx: Ctx, case_no: str, limit: int = 5) -> list[dict[str, Any]]:
    """The articles a case's text matches (any of its words), best first: shown beside a new case."""
    case = cases.get(ctx, case_no)
    if not may(ctx.actor, "case.read", case.store_id):
        raise forbidden("case.read", store_id=case.store_id)
    text = f"{case.subject} {case.description}"
    words, hits = search.find(ctx.session, text, kinds=("article",), store_ids={case.store_id}, any_word=True)
    found = repo.articles(ctx.session, [h.ref_id for h in hits[:limit]])
    return [article_document(ctx, found[h.ref_id], snippet=search.snippet(f"{found[h.ref_id].title} "
                                                                          f"{found[h.ref_id].body}", words))
            for h in hits[:limit] if h.ref_id in found]
