"""Jinja2 for the console: translated with Babel, dates in the store's zone, no CDN."""

from __future__ import annotations

import contextvars
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape

from shouhou.engine.context import Ctx
from shouhou.links import safe_link
from shouhou.web import nav
from shouhou.web.i18n import translations
from shouhou.web.session import csrf_token, is_staff

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


def _money(value: str | None) -> str:
    return f"¥{value}" if isinstance(value, str) and value else ""


_loaders: list[BaseLoader] = [PackageLoader("shouhou.web", "templates")]  # plug-ins add theirs
_loader = ChoiceLoader(_loaders)
env = Environment(loader=_loader, autoescape=select_autoescape(),
                  extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
env.filters["when"] = _when
env.filters["money"] = _money
# Every user-supplied URL goes through this before it is an href: None when not allowed.
env.filters["safe_url"] = safe_link


def add_templates(folder: str) -> None:
    """A plug-in's own template folder, searched after shouhou's."""
    if not any(getattr(loader, "searchpath", None) == [folder] for loader in _loaders):
        _loaders.append(FileSystemLoader(folder))


def render(request: Request, name: str, ctx: Ctx | None = None, *, status: int = 200,
           **context: Any) -> HTMLResponse:
    lang = ctx.lang if ctx else ("en" if request.cookies.get("lang") == "en" else "zh")
    token = _lang.set(lang)
    try:
        html = env.get_template(name).render(
            request=request, ctx=ctx, lang=lang, csrf=csrf_token(request), path=request.url.path,
            nav=nav.entries_for(ctx.actor) if ctx else [], staff=is_staff(ctx) if ctx else False,
            **context)
    finally:
        _lang.reset(token)
    return HTMLResponse(html, status_code=status)
