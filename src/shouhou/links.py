"""The one allow-list for links that users supply (photos, evidence): checked when they
come in and again when they are rendered, so a stored `javascript:` URL never becomes a link.

Allowed: a file uploaded through the portal (/media/<32 hex>.<image type>) and plain
http(s) URLs with a host and no user name or password in them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_LENGTH = 2000
UPLOADED = re.compile(r"/media/[0-9a-f]{32}\.(?:jpg|png|webp|gif)")
# Browsers drop tabs and newlines inside URLs ("java\tscript:"), and read "\" as "/"; C1 controls,
# bidi overrides and invisible format characters make a link read as another (fields.IDENT_REFUSED).
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\\\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def safe_link(value: object) -> str | None:
    """The link as given if it may be rendered as one; None otherwise."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH or _UNSAFE_CHARS.search(value):
        return None
    if UPLOADED.fullmatch(value):
        return value
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return value
