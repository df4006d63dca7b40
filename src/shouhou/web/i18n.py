"""Console translations with Babel, compiled in memory at start-up from the .po sources.

Messages are English; `zh_CN` translates all of them, `en` only names codes that are also
msgids (statuses, channels, payment methods…) in readable English. No .mo files are committed.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

CATALOGUES = {"zh": "zh_CN", "en": "en"}


@cache
def translations(lang: str) -> NullTranslations:
    locale = CATALOGUES.get(lang)
    if locale is None:
        return NullTranslations()
    source = files("shouhou.web") / "locale" / locale / "LC_MESSAGES" / "messages.po"
    with source.open("rb") as f:
        catalog = read_po(f, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf)


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)
