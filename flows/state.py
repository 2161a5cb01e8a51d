"""The serialisable state of a dialogue: what a channel stores after every answer.

Never a pickled machine: the flow name and version, the current state's name and the answers are enough to
resume exactly, and stay readable in the database.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class DialogueState(BaseModel):
    """One dialogue in progress."""

    flow: str
    version: int
    state: str
    answers: dict[str, Any] = Field(default_factory=dict)
    history: list[str] = Field(default_factory=list)
    """States visited, for /back."""
    pending: Any = None
    """An answer awaiting confirmation (a label that looks like a name)."""
    label: str | None = None
    """The patient this dialogue is about, when known before it starts (follow-up, quick check)."""
    assumed: list[str] = Field(default_factory=list)
    """What the quick check took as given, said in the plan."""
