"""`shouhou mail serve`: the desk's SMTP/LMTP listener for the stores' service addresses."""

from __future__ import annotations

import signal
import threading

import typer

from shouhou.config import get_settings

mail_app = typer.Typer(help="Mail into the service desk (客服邮箱)", no_args_is_help=True)


@mail_app.command("serve")
def serve(host: str = typer.Option("127.0.0.1", help="address to listen on"),
          port: int = typer.Option(2525, help="port to listen on"),
          lmtp: bool = typer.Option(False, help="speak LMTP (delivery from the local mail server) instead of SMTP")) -> None:
    """Listen for mail to the stores' service addresses; each message opens or continues a case."""
    from shouhou.clock import SystemClock
    from shouhou.db import Database
    from shouhou.desk.mail_server import start

    settings = get_settings()
    db = Database(settings.database_url, pre_ping=settings.database_pre_ping)
    controller = start(db, settings, SystemClock(), host, port, lmtp=lmtp)
    typer.echo(f"mail: listening on {host}:{port} ({'LMTP' if lmtp else 'SMTP'})")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        controller.stop()
        db.dispose()
