"""Text out of mail as Chinese mail clients write it.

Many label GBK text `gb2312` (a subset without 镕, 喆, 堃 and other name characters), so the label
is read as GB18030, its superset, as browsers do (WHATWG Encoding). A body or header whose label
is unknown or wrong is tried as UTF-8, then GB18030, before anything is replaced: a customer's
mail is never refused, nor turned into question marks, for its label.
"""

from __future__ import annotations

import codecs
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

# Labels of GBK text (and its subsets) seen on mail.
GBK_LABELS = frozenset({"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn", "csgb2312", "chinese", "hz-gb-2312"})


def decoded(data: bytes, label: str | None) -> str:
    """`data` as text: by its label (GBK labels as GB18030), else UTF-8, else GB18030."""
    declared = (label or "").strip().lower()
    first = "gb18030" if declared in GBK_LABELS else declared
    for charset in (first, "utf-8", "gb18030"):
        if charset and _known(charset):
            try:
                return data.decode(charset)
            except UnicodeDecodeError:
                continue
    return data.decode(first if first and _known(first) else "utf-8", errors="replace")


def header(raw: bytes, name: str) -> str:
    """One header of the raw message, its encoded words decoded as `decoded` decodes a body."""
    value = BytesParser(policy=compat32).parsebytes(raw, headersonly=True).get(name)
    if value is None:
        return ""
    parts = []
    for chunk, label in decode_header(value):  # raw 8-bit text comes as bytes labelled unknown-8bit
        parts.append(decoded(chunk, label) if isinstance(chunk, bytes) else chunk)
    return "".join(parts).strip()


def body(part: Message) -> str:
    data = part.get_payload(decode=True)
    return decoded(data, part.get_content_charset()) if isinstance(data, bytes) else ""


def _known(charset: str) -> bool:
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True
