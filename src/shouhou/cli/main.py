"""`shouhou`: admin, import/export, timers, demo data, serving."""

from __future__ import annotations

import signal
from contextlib import nullcontext
from datetime import datetime
from functools import partial
from pathlib import Path

import typer

from shouhou.accounts import service as accounts
from shouhou.accounts import signin
from shouhou.cli.context import cli_ctx, fail
from shouhou.cli.files import private_database_file, private_var_dir
from shouhou.cli.mail import mail_app
from shouhou.config import get_settings
from shouhou.errors import Invalid

app = typer.Typer(help="shouhou 售后 — after-sales service platform", no_args_is_help=True,
                  pretty_exceptions_enable=False)


@app.callback()
def _load_plugins() -> None:
    """Every command may touch cases of any type: register every context and case type first."""
    from shouhou.app import load_all

    load_all(get_settings())

store_app = typer.Typer(help="Stores (店铺)", no_args_is_help=True)
user_app = typer.Typer(help="Users and roles", no_args_is_help=True)
token_app = typer.Typer(help="API tokens", no_args_is_help=True)
timers_app = typer.Typer(help="Case deadlines", no_args_is_help=True)
import_app = typer.Typer(help="Import data from CSV/XLSX", no_args_is_help=True)
app.add_typer(store_app, name="store")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(timers_app, name="timers")
app.add_typer(import_app, name="import")
app.add_typer(mail_app, name="mail")


@app.command()
def init() -> None:
    """Create the database or migrate it to the latest schema."""
    from shouhou.app import migration_locations
    from shouhou.db.migrate import upgrade
    from shouhou.webhooks.service import seal_plain_secrets

    settings = get_settings()
    private_var_dir(settings.var_dir)
    upgrade(settings.database_url, locations=migration_locations())
    private_database_file(settings.database_url)
    with cli_ctx() as ctx:
        sealed = seal_plain_secrets(ctx.session, ctx.settings)
    typer.echo(f"database ready: {_safe_url(settings.database_url)}"
               + (f"; sealed {sealed} webhook secret(s)" if sealed else ""))


@app.command()
def serve(host: str = typer.Option(None, help="default 127.0.0.1"),
          port: int = typer.Option(None, help="default 8000"),
          workers: int = typer.Option(1, min=1, help="server processes (about one per core)")) -> None:
    """Serve the API and the web console (on SQLite: also fire timers and deliver webhooks)."""
    import uvicorn

    from shouhou.worker import Busy, sqlite_holder

    settings = get_settings()
    private_var_dir(settings.var_dir)
    private_database_file(settings.database_url)
    run = partial(uvicorn.run, "shouhou.app:serve_app", factory=True, host=host or settings.host,
                  port=port or settings.port, log_config=None, proxy_headers=True, workers=workers)
    if not settings.is_sqlite:
        run()
        return
    if workers > 1:
        _refuse("SQLite has one writer: serve it with one process (use PostgreSQL for more)",
                "SQLite 只有一个写入者：请用单个进程服务（更多进程请使用 PostgreSQL）")
    try:
        with sqlite_holder(settings, "server"):
            run()
    except Busy as busy:
        _refuse(f"{busy}; stop it first", f"另一个 shouhou {busy.role} 进程（pid {busy.pid}）正在使用该 SQLite 数据库，请先停止它")


@app.command()
def worker(once: bool = typer.Option(False, help="one pass, then exit")) -> None:
    """Fire due timers and deliver webhooks, continuously, with the real clock.

    PostgreSQL: run as many as wanted. SQLite: `shouhou serve` does this, and a worker refuses while it runs."""
    import threading

    from shouhou.clock import SystemClock
    from shouhou.db import Database
    from shouhou.worker import Busy, Worker, sqlite_holder

    settings = get_settings()
    holding = sqlite_holder(settings, "worker") if settings.is_sqlite else nullcontext()
    try:
        holding.__enter__()
    except Busy as busy:
        _refuse(f"{busy}: on SQLite the server fires timers and delivers webhooks itself",
                f"另一个 shouhou {busy.role} 进程（pid {busy.pid}）正在使用该 SQLite 数据库；SQLite 上由服务进程自己处理定时器和 Webhook")
    db = Database(settings.database_url, pre_ping=settings.database_pre_ping)
    worker_ = Worker(db, settings, SystemClock())
    try:
        if once:
            swept, _ = worker_.run_once()
            typer.echo(f"fired {swept.fired}, skipped {swept.skipped}, failed {swept.failed}")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        typer.echo("worker started")
        worker_.run(stop)
    finally:
        db.dispose()
        holding.__exit__(None, None, None)


@timers_app.command("run")
def timers_run(as_of: str = typer.Option(None, "--as-of", help="ISO 8601 instant; default now")) -> None:
    """Fire every timer due at that instant, then exit."""
    from shouhou.clock import SystemClock
    from shouhou.db import Database
    from shouhou.engine.sweep import run_due

    settings = get_settings()
    when = SystemClock().now() if not as_of else _instant(as_of)
    db = Database(settings.database_url, pre_ping=settings.database_pre_ping)
    result = run_due(db, settings, when)
    db.dispose()
    typer.echo(f"fired {result.fired}, skipped {result.skipped}, failed {result.failed} (as of {when.isoformat()})")


def _refuse(en: str, zh: str) -> None:
    settings = get_settings()
    typer.echo("error: " + (en if settings.lang == "en" else zh), err=True)
    raise typer.Exit(code=2)


def _instant(text: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        fail(Invalid("invalid_time", en="--as-of must be ISO 8601, e.g. 2026-11-30T12:00:00+08:00",
                     zh="--as-of 须为 ISO 8601 时间，例如 2026-11-30T12:00:00+08:00"))
        raise
    if dt.tzinfo is None:
        fail(Invalid("invalid_time", en="--as-of needs a UTC offset", zh="--as-of 需要时区偏移"))
    return dt


@store_app.command("add")
def store_add(code: str, name: str = typer.Option(..., "--name"),
              timezone: str = typer.Option("Asia/Shanghai", "--timezone"),
              return_contact: str = typer.Option("", "--return-contact"),
              return_phone: str = typer.Option("", "--return-phone"),
              return_address: str = typer.Option("", "--return-address")) -> None:
    """Add a store (tenant)."""
    with cli_ctx() as ctx:
        accounts.create_store(ctx, code, name, timezone=timezone, return_contact=return_contact,
                              return_phone=return_phone, return_address=return_address)
    typer.echo(f"store {code} added")


@user_app.command("add")
def user_add(name: str, role: str = typer.Option(..., "--role"), store: str = typer.Option(None, "--store"),
             customer: str = typer.Option(None, "--customer", help="external id of the customer (role customer)"),
             password: str = typer.Option(None, "--password"),
             display_name: str = typer.Option("", "--display-name")) -> None:
    """Add a user with one role (in one store, or every store when --store is omitted)."""
    with cli_ctx() as ctx:
        accounts.add_user(ctx, name, role, store_code=store, customer_external_id=customer, password=password,
                          display_name=display_name)
    typer.echo(f"user {name} added as {role}" + (f" in {store}" if store else " in every store"))


@user_app.command("grant")
def user_grant(name: str, role: str = typer.Option(..., "--role"), store: str = typer.Option(None, "--store")) -> None:
    """Give an existing user another role."""
    with cli_ctx() as ctx:
        accounts.grant(ctx, accounts.get_user(ctx.session, name), role, store_code=store)
    typer.echo(f"{name} is now also {role}" + (f" in {store}" if store else ""))


@user_app.command("password")
def user_password(name: str, password: str = typer.Option(..., "--password", prompt=True, hide_input=True,
                                                           confirmation_prompt=True)) -> None:
    """Set a user's password (by the password policy); their console sessions end."""
    with cli_ctx() as ctx:
        accounts.set_password(ctx, name, password)
    typer.echo(f"password of {name} changed; their console sessions have ended")


@token_app.command("issue")
def token_issue(name: str, label: str = typer.Option("", "--label"),
                expires_in_days: int = typer.Option(None, "--expires-in-days", help="default: until revoked")) -> None:
    """Issue an API token for a user; the token is printed once, on the last line."""
    with cli_ctx() as ctx:
        token = accounts.issue_token(ctx, name, label, expires_in_days=expires_in_days)
    typer.echo(f"token for {name} (shown once; store it safely):")
    typer.echo(token)


@token_app.command("list")
def token_list(user: str = typer.Option(None, "--user", help="only this user's tokens")) -> None:
    """List API tokens (id, prefix, user, name, created, expires, last used, revoked); never the tokens."""
    def when(dt: datetime | None) -> str:
        return dt.strftime("%Y-%m-%dT%H:%MZ") if dt else "-"

    with cli_ctx() as ctx:
        rows = accounts.list_tokens(ctx, user)
        typer.echo("id\tprefix\tuser\tname\tcreated\texpires\tlast_used\trevoked")
        for t, username in rows:
            typer.echo("\t".join([str(t.id), t.prefix, username, t.name, when(t.created_at), when(t.expires_at),
                                   when(t.last_used_at), when(t.revoked_at)]))


@token_app.command("revoke")
def token_revoke(key: str = typer.Argument(..., help="the token's id or its prefix (as listed)")) -> None:
    """Revoke an API token: it is refused from then on (401 token_revoked)."""
    with cli_ctx() as ctx:
        token = accounts.revoke_token(ctx, key)
        typer.echo(f"token {token.id} ({token.prefix}…) revoked")


@import_app.command("orders")
def import_orders(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True)) -> None:
    """Import orders from CSV/XLSX (layout: docs/orders.md). Nothing is imported if any row is bad."""
    from shouhou.orders.importer import import_orders as run_import

    with cli_ctx() as ctx:
        result = run_import(ctx, file)
        if not result.ok:
            ctx.session.rollback()
            for e in result.errors:
                field = f" [{e['field']}]" if e.get("field") else ""
                typer.echo(f"row {e['row']}{field}: {e['message']}", err=True)
            typer.echo(f"{len(result.errors)} error(s); nothing imported", err=True)
            raise typer.Exit(code=2)
    typer.echo(f"imported {result.created} order(s); {result.unchanged} already present and unchanged")


@app.command()
def demo(force: bool = typer.Option(False, "--force", help="wipe the database first"),
         if_empty: bool = typer.Option(False, "--if-empty", help="only load into an empty database")) -> None:
    """A fresh database with stores, a user per role, products, orders and cases in many states."""
    from shouhou.demo import load_demo, reset_database

    settings = get_settings()
    from shouhou.app import migration_locations

    private_var_dir(settings.var_dir)
    if force:
        reset_database(settings.database_url, migration_locations())
    else:
        from shouhou.db.migrate import upgrade

        upgrade(settings.database_url, locations=migration_locations())
    private_database_file(settings.database_url)
    with cli_ctx() as ctx:
        if not accounts.is_empty(ctx.session):
            if if_empty:
                from shouhou.demo import logins as demo_logins

                typer.echo("database already has data; demo not loaded. demo logins (user / password / role / store):")
                for row in demo_logins():
                    typer.echo("  " + " / ".join(row))
                return
            fail(Invalid("database_not_empty", en="The database has data; use --force to wipe it",
                         zh="数据库已有数据；使用 --force 清空后重建"))
        logins = load_demo(ctx)
    typer.echo("demo loaded. logins (user / password / role / store):")
    for row in logins:
        typer.echo("  " + " / ".join(row))


@app.command()
def purge(hours: int = typer.Option(None, "--hours", min=1,
                                   help="keep this many hours (at least 1: a client may still be retrying); "
                                        "default the setting")) -> None:
    """Forget stored Idempotency-Key responses older than the retention period, and stale sign-in counters."""
    from datetime import timedelta

    from shouhou.api.idempotency import purge as purge_idempotency
    from shouhou.clock import SystemClock
    from shouhou.db import Database

    settings = get_settings()
    keep = hours if hours is not None else settings.idempotency_retention_hours
    db = Database(settings.database_url, pre_ping=settings.database_pre_ping)
    with db.session() as session:
        n = purge_idempotency(session, SystemClock().now() - timedelta(hours=keep))
        signin.purge(session, signin.Limits.of(settings), SystemClock().now())
    db.dispose()
    typer.echo(f"forgot {n} stored response(s) older than {keep} h")


@app.command()
def docs(check: bool = typer.Option(False, "--check", help="fail if a generated section is out of date"),
         folder: Path = typer.Option(Path("docs"), "--folder")) -> None:
    """Regenerate the workflow diagrams in docs/*.md from the declarations (Mermaid)."""
    from shouhou.engine.diagram import document, fill
    from shouhou.plugins import kinds

    workflows = [k.workflow for k in kinds()]
    wanted = {folder / "workflows.md": document(workflows)}
    for path in sorted(folder.glob("*.md")):
        if path.name != "workflows.md":
            text = path.read_text(encoding="utf-8")
            wanted[path] = fill(text, {w.type: w for w in workflows})
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if check:
        if stale:
            typer.echo("out of date: " + ", ".join(map(str, stale)) + "; run `shouhou docs`", err=True)
            raise typer.Exit(code=1)
        typer.echo("docs are up to date")
        return
    folder.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        typer.echo(f"wrote {path}")


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


if __name__ == "__main__":
    app()
