"""A store's mail: its service address (mail to it opens cases), outgoing SMTP and optional IMAP polling."""

from __future__ import annotations

from typing import Any

from shouhou.accounts import service as accounts
from shouhou.desk import repository as repo
from shouhou.desk.schemas import MailIn
from shouhou.desk.sealing import seal, unseal
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import require
from shouhou.errors import Conflict
from shouhou.models.desk import DeskSettings


def document(ctx: Ctx, code: str) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, code)
    require(ctx.actor, "store.admin", store.id)
    row = repo.settings_of(ctx.session, store.id)
    mail = dict(row.mail) if row else {}
    hide = lambda part: {k: v for k, v in part.items() if k != "password"} | {"password_set": bool(part.get("password"))}  # noqa: E731
    return {"store": store.code, "address": row.address if row else None,
            "smtp": hide(mail["smtp"]) if mail.get("smtp") else None,
            "imap": hide(mail["imap"]) if mail.get("imap") else None}


def put(ctx: Ctx, code: str, body: MailIn) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, code)
    require(ctx.actor, "store.admin", store.id)
    address = body.address.strip().lower()
    other = repo.settings_by_address(ctx.session, address)
    if other is not None and other.store_id != store.id:
        raise Conflict("address_taken", en="{address} is another store's service address",
                       zh="{address} 已是其他店铺的客服邮箱", address=address)
    row = repo.settings_for_update(ctx.session, store.id, ctx.clock.now())
    key = ctx.settings.resolved_secret()
    old = dict(row.mail or {})

    def sealed(part: dict[str, Any] | None, before: dict[str, Any] | None) -> dict[str, Any] | None:
        if part is None:
            return None
        out = dict(part)
        # A password left out keeps the one set before (the GET never shows it).
        out["password"] = seal(part["password"], key) if part.get("password") else (before or {}).get("password", "")
        return out

    row.address = address
    row.mail = {"smtp": sealed(body.smtp.model_dump() if body.smtp else None, old.get("smtp")),
                "imap": sealed(body.imap.model_dump() if body.imap else None, old.get("imap"))}
    row.updated_at = ctx.clock.now()
    ctx.session.flush()
    return document(ctx, code)


def server_of(row: DeskSettings | None, part: str, deployment_secret: str) -> dict[str, Any] | None:
    """The SMTP or IMAP settings with the password readable, for the job that connects."""
    found = (row.mail or {}).get(part) if row else None
    if not found:
        return None
    return {**found, "password": unseal(found.get("password", ""), deployment_secret)}
