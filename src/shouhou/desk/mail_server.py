"""`shouhou mail serve`: an SMTP (or LMTP) listener for the stores' service addresses (aiosmtpd).

Put it behind the mail server that receives the domain's mail (a relay or LMTP delivery): it takes
a recipient only if it is a store's service address, and answers 250 once the message is committed
(a case opened or threaded, or the message knowingly ignored), so nothing it accepted is lost.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP

from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.desk import repository as repo
from shouhou.desk.mail_in import receive

log = logging.getLogger("shouhou.desk.mail")
MAX_MESSAGE_BYTES = 30 * 1024 * 1024


class Handler:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self.db, self.settings, self.clock = db, settings, clock

    def _known(self, address: str) -> bool:
        with self.db.session() as session:
            return repo.settings_by_address(session, address.strip("<> ").lower()) is not None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if not await asyncio.to_thread(self._known, address):
            return "550 5.1.1 not a service address here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        try:
            result = await asyncio.to_thread(receive, self.db, self.settings, self.clock, raw,
                                             list(envelope.rcpt_tos), envelope.mail_from)
        except Exception:
            log.exception("incoming mail failed")
            return "451 4.3.0 try again later"
        log.info("mail received", extra={"fields": {"outcome": result.outcome, "case": result.case_no}})
        return "250 2.0.0 accepted"


class MailController(Controller):
    def __init__(self, handler: Handler, hostname: str, port: int, *, lmtp: bool = False) -> None:
        super().__init__(handler, hostname=hostname, port=port)
        self.lmtp = lmtp

    def factory(self) -> SMTP:
        kind = LMTP if self.lmtp else SMTP
        return kind(self.handler, data_size_limit=MAX_MESSAGE_BYTES, enable_SMTPUTF8=True)


def start(db: Database, settings: Settings, clock: Clock, host: str = "127.0.0.1", port: int = 2525, *,
          lmtp: bool = False) -> MailController:
    """Start listening in a thread of its own; `stop()` the controller to end."""
    controller = MailController(Handler(db, settings, clock), host, port, lmtp=lmtp)
    controller.start()
    return controller
