"""A CLI command is a unit of work: open a session, act as the operator, commit at the end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from shouhou.clock import Clock, SystemClock
from shouhou.config import Settings, get_settings
from shouhou.db import Database
from shouhou.engine.actor import Actor
from shouhou.engine.context import Ctx
from shouhou.errors import ShouhouError

# Whoever runs the CLI on the server is its administrator.
OPERATOR = Actor(user_id=None, name="cli", grants=(("admin", None),))


@contextmanager
def cli_ctx(actor: Actor = OPERATOR, clock: Clock | None = None) -> Iterator[Ctx]:
    settings = get_settings()
    db = Database(settings.database_url, pre_ping=settings.database_pre_ping)
    try:
        with db.session() as session:
            yield Ctx(session=session, actor=actor, clock=clock or SystemClock(), settings=settings,
                      lang=settings.lang)
    except ShouhouError as exc:
        fail(exc, settings)
    finally:
        db.dispose()


def fail(exc: ShouhouError, settings: Settings | None = None) -> None:
    lang = (settings or get_settings()).lang
    typer.echo(f"error [{exc.code}]: {exc.message(lang)}", err=True)
    raise typer.Exit(code=2)
