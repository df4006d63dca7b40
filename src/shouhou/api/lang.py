from __future__ import annotations

from starlette.requests import Request


def negotiate(accept_language: str | None, default: str = "zh") -> str:
    """'zh' or 'en' from an Accept-Language header, honouring q-values."""
    if not accept_language:
        return default
    best, best_q = default, -1.0
    for part in accept_language.split(","):
        piece = part.strip().split(";")
        tag = piece[0].strip().lower()
        q = 1.0
        for p in piece[1:]:
            if p.strip().startswith("q="):
                try:
                    q = float(p.strip()[2:])
                except ValueError:
                    q = 0.0
        lang = "en" if tag.startswith("en") else "zh" if tag.startswith("zh") else None
        if lang and q > best_q:
            best, best_q = lang, q
    return best


def request_lang(request: Request) -> str:
    override = request.query_params.get("lang") or request.cookies.get("lang")
    if override in ("en", "zh"):
        return override
    return negotiate(request.headers.get("accept-language"))
