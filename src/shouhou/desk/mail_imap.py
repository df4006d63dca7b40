"""IMAP polling, for merchants who already have a mailbox: a worker job fetches each store's unseen
messages and hands them to mail_in.receive, then marks them seen. A message fetched twice (a crash
before the flag was set, another worker) is taken once: receive knows its Message-ID."""

from __future__ import annotations

import base64
import contextlib
import imaplib
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.desk import repository as repo
from shouhou.desk.mail_in import receive
from shouhou.desk.mail_settings import server_of

log = logging.getLogger("shouhou.desk.imap")
POLL_EVERY = 60.0  # seconds between two looks at one mailbox
_LAST: dict[int, float] = {}

Connect = Callable[[dict[str, Any]], Any]


def _connect(cfg: dict[str, Any]) -> Any:
    if cfg.get("ssl", True):
        return imaplib.IMAP4_SSL(cfg["host"], int(cfg.get("port") or 993), timeout=30)
    return imaplib.IMAP4(cfg["host"], int(cfg.get("port") or 143), timeout=30)


def log_in(box: Any, user: str, password: str) -> None:
    """LOGIN carries ASCII only (imaplib refuses anything else); a name or password in Chinese goes
    by SASL PLAIN, whose credentials are UTF-8 (RFC 4616)."""
    if (user + password).isascii():
        box.login(user, password)
    else:
        box.authenticate("PLAIN", lambda _challenge: f"\0{user}\0{password}".encode())


def mailbox_name(folder: str) -> str:
    """A folder's name as IMAP writes it: quoted, and outside printable ASCII in modified UTF-7
    (RFC 3501 5.1.3), so that a folder named 售后 is found as the mail client shows it."""
    def utf7(run: re.Match[str]) -> str:
        return "&" + base64.b64encode(run.group().encode("utf-16-be")).decode().rstrip("=").replace("/", ",") + "-"

    text = re.sub(r"[^ -~]+", utf7, folder.replace("&", "&-"))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def poll(db: Database, settings: Settings, clock: Clock, connect: Connect | None = None, *, force: bool = False) -> int:
    """The worker job: every mailbox whose turn has come; how many messages it took."""
    key = settings.resolved_secret()
    with db.session() as session:
        boxes = [(row.store_id, row.address, server_of(row, "imap", key)) for row in repo.stores_with_mail(session)]
    taken = 0
    for store_id, address, cfg in boxes:
        if not cfg or not address:
            continue
        if not force and time.monotonic() - _LAST.get(store_id, float("-inf")) < POLL_EVERY:
            continue
        _LAST[store_id] = time.monotonic()
        try:
            taken += fetch(db, settings, clock, address, cfg, connect or _connect)
        except (OSError, imaplib.IMAP4.error, UnicodeError) as exc:
            log.warning("mailbox not polled", extra={"fields": {"store": store_id, "reason": str(exc)[:300]}})
    return taken


def fetch(db: Database, settings: Settings, clock: Clock, address: str, cfg: dict[str, Any], connect: Connect) -> int:
    box = connect(cfg)
    try:
        log_in(box, cfg["username"], cfg.get("password", ""))
        box.select(mailbox_name(cfg.get("folder") or "INBOX"))
        status, found = box.uid("SEARCH", None, "UNSEEN")
        if status != "OK":
            return 0
        taken = 0
        for uid in (found[0] or b"").split():
            status, parts = box.uid("FETCH", uid, "(RFC822)")
            raw = next((p[1] for p in parts if isinstance(p, tuple) and len(p) > 1), None)
            if status != "OK" or not isinstance(raw, bytes):
                continue
            try:
                result = receive(db, settings, clock, raw, [address])
            except Exception:  # left unseen for the next poll; the messages after it are still taken
                log.exception("mail not taken", extra={"fields": {"uid": uid.decode(errors="replace")}})
                continue
            taken += result.outcome in ("opened", "threaded")
            box.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        return taken
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            box.logout()
