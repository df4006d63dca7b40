"""What a person sees on a page, and the raw values in it that nobody should see (issue 19).

`visible_text(html)` is the text of a rendered page as a reader meets it: text nodes, option
labels, button captions, placeholders, pre-filled values and tooltips — not scripts, styles or
hidden inputs. `problems(text, lang, allowed)` names what a person should never read there:

- a snake_case code (`no_longer_wanted`, `return_refund`);
- `None`, `True`, `False`;
- an amount without ¥ where money is named (`退款金额: 10000`), or `¥` without two decimals;
- on a Chinese page, a word in Latin letters that is no identifier; on an English page, Chinese
  that nobody typed (a label left untranslated);
- a half-width comma or colon between Chinese words (Chinese copy uses full-width punctuation).

`allowed` holds what people typed (subjects, names, addresses, notes — read from the database)
and the identifiers a page may show (case, order and tracking numbers, SKUs, user names…):
they are taken out of the text before it is checked; so is an element of class "ident" (an identifier shown on
purpose, such as a reason's code on the admin's reason editor). Anything else must be a label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import ClassVar

# Words in Latin letters a Chinese page may show: names of things, not labels in English.
# Chinese an English page may show: the brand, the language switch, and a legal term of art.
CJK_OK = ("售后", "中文", "三包")
LATIN_OK = {
    "shouhou", "English", "SKU", "CSV", "XLSX", "API", "QR", "PDF", "ID", "kg", "L", "ml", "cm", "mm", "MB",
    "JPEG", "PNG", "WebP", "GIF", "T", "VIP", "SLA", "IMEI", "SN", "OK", "A5", "A4", "App", "EMS", "RMA", "QC",
    "Ctrl", "Enter",  # keys, as printed on the keyboard
}
CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SNAKE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")
_PYTHON = re.compile(r"(?<![\w-])(None|True|False)(?![\w-])")
_YUAN_BAD = re.compile(r"¥\s*-?\d+(?!\d*\.\d\d)")
_YUAN_EMPTY = re.compile(r"¥(?!\s*[-−]?\d)")
_MONEY_LABEL = re.compile(
    r"(金额|退款|实付|单价|价格|差价|运费|费用|赔付|amount|price|refund|paid|fee|postage|difference)"
    r"[^:：\n]{0,12}[:：]\s*[-−]?\d[\d,]*(?:\.\d+)?(?!\s*(?:件|天|个|次|小时|%|day|hour|item|pcs))",
    re.IGNORECASE)
_LATIN_WORD = re.compile(r"(?<![\w./@-])[A-Za-z][A-Za-z']+(?![\w@/-])")
_CJK_RUN = re.compile(f"[{CJK}]+")
_HALF_PUNCT = re.compile(f"[{CJK}][,:;?!]|[,:;?!] ?[{CJK}]")


class _Text(HTMLParser):
    SKIP: ClassVar[set[str]] = {"script", "style", "template", "head", "noscript"}
    VOID: ClassVar[set[str]] = {"input", "img", "br", "hr", "meta", "link", "source", "wbr"}

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.parts: list[str] = []
        self.skipping = 0
        self.skip_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        # Identifiers marked as such (a reason's code for integrations, a token's prefix) are allowed.
        # So is an element in another language on purpose (the reason editor's English labels).
        other_lang = a.get("lang") not in (None, self.lang, "zh-CN" if self.lang == "zh" else self.lang)
        if tag in self.SKIP or "ident" in str(a.get("class") or "").split() or other_lang:
            if tag not in self.VOID:
                self.skipping += 1
                self.skip_tags.append(tag)
            return
        if self.skipping:
            return
        if tag == "input" and a.get("type") in ("hidden", "checkbox", "radio", "file", "submit", "button"):
            return
        for name in ("placeholder", "title", "alt", "aria-label"):
            if a.get(name):
                self.parts.append(str(a[name]))
        if tag == "input" and a.get("value"):
            self.parts.append(str(a["value"]))
        if tag in ("br", "p", "div", "li", "tr", "td", "th", "dt", "dd", "option", "h1", "h2", "h3", "label"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tags and tag == self.skip_tags[-1]:
            self.skip_tags.pop()
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("td", "th", "option", "button", "span", "a", "b", "small", "li", "dd", "dt"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str, lang: str = "zh") -> str:
    parser = _Text(lang)
    parser.feed(html)
    text = "".join(parser.parts)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def scrub(text: str, allowed: Iterable[str]) -> str:
    """The text with every allowed string (longest first) blanked out."""
    for item in sorted({a for a in allowed if a and a.strip()}, key=len, reverse=True):
        text = text.replace(item, " ◦ ")
    return text


def problems(text: str, lang: str, allowed: Iterable[str] = ()) -> list[str]:
    text = scrub(text, allowed)
    found: list[str] = []
    for line in text.splitlines():
        found += [f"code {m!r} in: {line}" for m in _SNAKE.findall(line)]
        found += [f"{m!r} in: {line}" for m in _PYTHON.findall(line)]
        found += [f"yuan without two decimals in: {line}" for _ in _YUAN_BAD.findall(line)]
        found += [f"¥ without an amount in: {line}" for _ in _YUAN_EMPTY.findall(line)]
        found += [f"money without ¥ in: {line}" for _ in _MONEY_LABEL.finditer(line)]
        if lang == "zh":
            found += [f"English {w!r} in: {line}" for w in _LATIN_WORD.findall(line) if w not in LATIN_OK]
            found += [f"half-width punctuation {m.group()!r} in: {line}" for m in _HALF_PUNCT.finditer(line)]
        else:
            found += [f"Chinese {w!r} in: {line}" for w in _CJK_RUN.findall(line) if w not in CJK_OK]
    return found
