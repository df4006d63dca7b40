"""Jinja2 for the console: translated with Babel, dates in the store's zone, no CDN."""

from __future__ import annotations

import contextvars
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

from shouhou.api.lang import request_lang
from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.errors import ShouhouError
from shouhou.fields import duration_words
from shouhou.links import safe_link
from shouhou.money import format_fen
from shouhou.web import nav
from shouhou.web.carriers import carrier_name
from shouhou.web.carriers import choices as carrier_choices
from shouhou.web.i18n import translations
from shouhou.web.labels import field_label
from shouhou.web.session import csrf_token, is_staff
from shouhou.web.values import words

_lang: contextvars.ContextVar[str] = contextvars.ContextVar("console_lang", default="zh")


def _gettext(message: str, **params: Any) -> str:
    text = translations(_lang.get()).gettext(message)
    return text % params if params else text


def _ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    text = translations(_lang.get()).ngettext(singular, plural, n)
    return text % ({"num": n} | params)


def _when(value: str | None, with_seconds: bool = False) -> str:
    """'2026-11-24T10:31:27.72+08:00' → '2026-11-24 10:31' (already in the store's zone)."""
    if not value:
        return ""
    dt = datetime.fromisoformat(value)
    return dt.strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


def _money(value: str | int | None) -> str:
    """'199.00' → '¥199.00'; '-8.00' → '−¥8.00' (the minus before the sign, as people write it).
    An int is an amount in fen."""
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return ""  # nothing to show (None, or a column the row does not have)
    text = format_fen(value) if isinstance(value, int) else str(value)
    return f"−¥{text[1:]}" if text.startswith("-") else f"¥{text}"


@pass_context
def _countdown(context: Context, value: str | None) -> str:
    """How long until `value` (an ISO time), in words: '还剩 2 天 5 小时' / '已超时 3 小时'."""
    if not value:
        return ""
    now = context.get("now")
    if now is None:
        return ""
    seconds = int((datetime.fromisoformat(value) - now).total_seconds())
    return duration_words(abs(seconds), _lang.get(), overdue=seconds < 0)


@pass_context
def _overdue(context: Context, value: str | None) -> bool:
    now = context.get("now")
    return bool(value and now is not None and datetime.fromisoformat(value) < now)


def _carrier(value: str | None) -> str:
    return carrier_name(value, _lang.get()) if value else ""


def _state_label(case_type: str, status: str) -> str:
    """A case's status in words (a linked case shows only its type and status code)."""
    try:
        state = workflow_for(case_type).state(status)
    except (KeyError, ShouhouError):
        return status
    return state.en if _lang.get() == "en" else state.zh


def _choice(options: dict[str, Any] | None, key: str, value: str | None) -> str:
    """A code's label among a field's choices (plugins.FieldOptions), else the code as it is."""
    option = (options or {}).get(key)
    return dict(option.choices).get(value or "", value or "") if option else (value or "")


def _who(name: str | None) -> str:
    """Who did something: a user's name, or the system, the command line or the demo loader in words."""
    if name in ("system", "cli", "demo"):
        return _gettext(f"actor:{name}")
    return name or ""


def translate(message: str, **params: Any) -> str:
    """A msgid in the language of the page being rendered (for filters that pages register)."""
    return _gettext(message, **params)


def _yesno(value: object) -> str:
    return _gettext("Yes") if value else _gettext("No")


_loaders: list[BaseLoader] = [PackageLoader("shouhou.web", "templates")]  # plug-ins add theirs
_loader = ChoiceLoader(_loaders)
env = Environment(loader=_loader, autoescape=select_autoescape(),
                  extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
env.filters["when"] = _when
env.filters["money"] = _money
env.filters["carrier"] = _carrier
env.filters["yesno"] = _yesno
env.filters["countdown"] = _countdown
env.filters["overdue"] = _overdue
env.globals["field_label"] = lambda name: _gettext(field_label(name))
# A code in words: code("result", "accepted") → 验收通过 (the catalogue's "result:accepted", else "accepted").
env.globals["state_label"] = _state_label
env.globals["choice"] = _choice
env.filters["who"] = _who
env.globals["code"] = lambda field, value: words(value, _lang.get(), field) if value not in (None, "") else ""
# Every user-supplied URL goes through this before it is an href: None when not allowed.
env.filters["safe_url"] = safe_link


def add_templates(folder: str) -> None:
    """A plug-in's own template folder, searched after shouhou's."""
    if not any(getattr(loader, "searchpath", None) == [folder] for loader in _loaders):
        _loaders.append(FileSystemLoader(folder))


def render(request: Request, name: str, ctx: Ctx | None = None, *, status: int = 200,
           **context: Any) -> HTMLResponse:
    lang = ctx.lang if ctx else request_lang(request)  # signed in or not, the same choice (cookie, then browser)
    token = _lang.set(lang)
    entries = nav.entries_for(ctx.actor) if ctx else []
    try:
        html = env.get_template(name).render(
            request=request, ctx=ctx, lang=lang, csrf=csrf_token(request), path=request.url.path,
            nav=entries, nav_on=nav.current(entries, request.url.path), staff=is_staff(ctx) if ctx else False,
            now=request.app.state.clock.now(), carriers=carrier_choices(lang), colon=": " if lang == "en" else "：",
            flash=request.session.pop("flash", None) if "session" in request.scope else None, **context)
    finally:
        _lang.reset(token)
    return HTMLResponse(html, status_code=status)
