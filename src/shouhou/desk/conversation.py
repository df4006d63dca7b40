"""A case's conversation: every word to or from the customer and every internal note, whatever the
case type and whatever door it came in by, kept as messages (and in the search index); merging
duplicates moves them to the surviving case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from shouhou.db.base import table_of
from shouhou.db.cache import cache_of
from shouhou.desk import clock as clocks
from shouhou.desk import outbound
from shouhou.desk import repository as repo
from shouhou.desk.segment import index_terms
from shouhou.engine.context import Ctx
from shouhou.engine.runner import Step
from shouhou.errors import Conflict, Invalid
from shouhou.fields import local_iso
from shouhou.models import Case, CaseLink
from shouhou.models.desk import CaseDesk, DeskMessage, SearchDoc

_DOCS = table_of(SearchDoc)


def _key(case_id: int) -> tuple[str, int]:
    return ("desk.last_message", case_id)


def index_case(ctx: Ctx, case: Case) -> None:
    ctx.session.add(SearchDoc(store_id=case.store_id, kind="case", ref_id=case.id, case_id=case.id, public=False,
                              terms=index_terms(f"{case.subject}\n{case.description}")))


def _words(payload: dict[str, Any]) -> str:
    return next((payload[k].strip() for k in clocks.MESSAGE_FIELDS
                 if isinstance(payload.get(k), str) and payload[k].strip()), "")


def record(step: Step) -> DeskMessage | None:
    """The words an action carried, as a message of the case (the opening event's are the case's own)."""
    if step.from_status is None:
        return None
    payload = {**(step.payload.model_dump(mode="json") if step.payload is not None else {}), **step.record}
    body = _words(payload)
    if not body:
        return None
    ctx, case = step.ctx, step.case
    role = ctx.actor.primary_role(case.store_id)
    # The desk's gateways (mail, the visitors' form) act as the system for the customer who wrote.
    if step.action.name in clocks.CUSTOMER_MESSAGES or role in ("customer", "system"):
        direction = "in"
    elif step.visibility == "internal":
        direction = "note"
    else:
        direction = "out"
    return add(ctx, case, direction, body, channel="portal" if role == "customer" else "console",
               author=ctx.actor.display_name or ctx.actor.name)


def add(ctx: Ctx, case: Case, direction: str, body: str, *, channel: str, author: str, subject: str = "",
        mail_id: str | None = None, attachments: list[dict[str, Any]] | None = None) -> DeskMessage:
    msg = DeskMessage(store_id=case.store_id, case_id=case.id, direction=direction, channel=channel, author=author,
                      subject=subject, body=body, mail_id=mail_id, attachments=attachments or [],
                      created_at=ctx.clock.now())
    ctx.session.add(msg)
    ctx.session.flush()
    ctx.session.add(SearchDoc(store_id=case.store_id, kind="message", ref_id=msg.id, case_id=case.id,
                              public=direction != "note", terms=index_terms(f"{subject}\n{body}")))
    cache_of(ctx.session).put(_key(case.id), msg)
    if direction == "out":
        outbound.reply_sent(ctx, case, msg)
    return msg


def last_recorded(ctx: Ctx, case_id: int) -> DeskMessage | None:
    """The message this unit of work recorded last on the case (the mail gateway adds its headers)."""
    found = cache_of(ctx.session).peek(_key(case_id))
    return found if isinstance(found, DeskMessage) else None


def messages(ctx: Ctx, case: Case, *, public_only: bool) -> list[dict[str, Any]]:
    tz = repo.store(ctx.session, case.store_id).timezone
    return [{"id": m.id, "direction": m.direction, "channel": m.channel, "author": m.author, "subject": m.subject,
             "body": m.body, "at": local_iso(m.created_at, tz), "attachments": m.attachments}
            for m in repo.messages_of(ctx.session, case.id) if not (public_only and m.direction == "note")]


def merge_into(ctx: Ctx, case: Case, survivor: Case) -> None:
    """A duplicate merged into `survivor`: its messages move there, it points to it, they are linked."""
    if survivor.id == case.id:
        raise Invalid("merge_into_itself", en="A case cannot be merged into itself", zh="不能合并到自身")
    if survivor.store_id != case.store_id:
        raise Invalid("merge_other_store", en="Cases of two stores cannot be merged", zh="不同店铺的售后单不能合并")
    if survivor.closed_at is not None:
        raise Conflict("merge_into_closed", en="{into} is closed", zh="{into} 已关闭", into=survivor.no)
    target = repo.case_desk(ctx.session, survivor.id)
    if target is not None and target.merged_into_id is not None:
        raise Conflict("merge_into_merged", en="{into} was itself merged", zh="{into} 已被合并", into=survivor.no)
    session = ctx.session
    session.execute(update(DeskMessage).where(DeskMessage.case_id == case.id).values(case_id=survivor.id),
                    execution_options={"synchronize_session": False})
    session.execute(update(_DOCS).where(_DOCS.c.case_id == case.id, _DOCS.c.kind == "message")
                    .values(case_id=survivor.id))
    desk = repo.case_desk(session, case.id)
    if desk is None:
        desk = repo.add_case_desk(session, CaseDesk(store_id=case.store_id, case_id=case.id))
    desk.merged_into_id = survivor.id
    session.add(CaseLink(store_id=case.store_id, case_id=case.id, other_case_id=survivor.id, kind="merged_into",
                         created_at=ctx.clock.now()))
    session.flush()
