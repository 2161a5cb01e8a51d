"""The serialisable state of a dialogue: what a channel stores after every answer.

Never a pickled machine: the flow name and version, the current state's name and the answers are enough to
resume exactly, and stay readable in the database.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class DialogueState(BaseModel):
    """One dialogue in progress."""

    id: int = 0
    """Unique per store (0: not yet given one); buttons carry it, so a press from any other
    dialogue is refused instead of answering this one."""
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
    prefilled: list[str] = Field(default_factory=list)
    """Answers known before the first question (a saved plan's, the quick line's): not counted
    in the step numbers ("3/9")."""
    replacing: str | None = None
    """A command that asked to replace this unfinished dialogue, waiting for Continue / Start over."""
    reminder_id: int | None = None
    """The reminder whose "Enter follow-up findings" started this dialogue: done once it is saved."""
    label_conflict: str | None = None
    """Why the label's saved plan looks like another patient's: Same patient / New label is asked
    before anything is saved."""
    label_confirmed: bool = False
    """The clinician said Same patient: save under this label without asking again."""
    awaiting_label: bool = False
    """The clinician said New label: the next typed text is the label."""
