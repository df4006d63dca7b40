from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TransitionIn(BaseModel):
    """`{"action": "...", "version": N, ...action fields}`; the rest is the action's payload."""

    model_config = ConfigDict(extra="allow")
    action: str = Field(min_length=1, max_length=40)
    version: int = Field(ge=1)

    def fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})
