from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.engine.actor import SYSTEM, Actor


@dataclass(frozen=True)
class Ctx:
    """What every use-case needs: the unit of work, who acts, the clock, settings, language."""

    session: Session
    actor: Actor
    clock: Clock
    settings: Settings
    lang: str = "zh"

    def as_system(self) -> Ctx:
        return replace(self, actor=SYSTEM)

    def label(self, zh: str, en: str) -> str:
        return en if self.lang.startswith("en") else zh

    def stored(self, zh: str, en: str) -> str:
        """Text the system writes into a record everyone reads (a generated subject): in the deployment's
        language, not the caller's, so staff see one language and routing keywords match it."""
        return en if self.settings.lang == "en" else zh
