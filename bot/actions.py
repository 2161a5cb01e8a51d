"""Neutral outgoing messages and typed presses: what every channel shows and sends back.

A choice offered to the clinician is a `Button`: a label and the `Action` a press means. The
terminal shows buttons as numbered options, Telegram as inline keyboards (their encoding into
callback data lives in `bot.tg.callbacks` only). A press comes back as the same `Action`, never as
text, so nothing a clinician types can act as a press (issue 10: a typed `forget-yes:5` deleted a
patient), and an answer carries the dialogue and step it was offered in, so a press from another,
replaced or finished dialogue can be refused instead of answering whatever is asked now.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from flows.render import Layout, layout_text


class Act(StrEnum):
    """What a press does; short values, since Telegram's callback data holds 64 bytes."""

    ANSWER = "a"
    """Answer the dialogue's current question with `value`."""
    CONTINUE = "k"
    """Keep the unfinished dialogue and drop the command that would have replaced it."""
    RESTART = "r"
    """Drop the unfinished dialogue and run the command that asked to replace it."""
    SAME_PATIENT = "sp"
    """The label's earlier plan is this patient's: save the new plan under it."""
    NEW_LABEL = "nl"
    """Another patient: ask for a new label before saving."""
    FORGET = "f"
    """Delete patient `target` for good (the confirmation of /forget)."""
    FOLLOW_UP = "rf"
    """Start the follow-up findings of reminder `target`'s patient."""
    SNOOZE = "rs"
    """Fire reminder `target` again at the reminder time of the next day."""
    DONE = "rd"
    """Mark reminder `target` done."""
    RUN = "c"
    """Run the command named `value` without an argument (the buttons of /start)."""
    PICK = "pk"
    """Run the command named `value` for patient `target` (a bare /patient's list)."""
    PAGE = "pg"
    """Show the patients for the command named `value` from position `target` on."""
    PLAN_FOLLOW_UP = "pf"
    """Start the follow-up findings of patient `target` (a button under their plan)."""
    PLAN_REMINDERS = "pr"
    """List the upcoming reminders of patient `target` (a button under their plan)."""
    SESSION_DONE = "sd"
    """Record plan `target` as carried out, `value` days ago (empty: today)."""
    SESSION_OTHER_DAY = "so"
    """Ask on which day plan `target` was carried out."""
    LANGUAGE = "l"
    """Speak the language `value` (`en`, `zh`) to this clinician from now on (/language)."""


DIALOGUE_ACTS = frozenset({Act.ANSWER, Act.CONTINUE, Act.RESTART, Act.SAME_PATIENT, Act.NEW_LABEL})
"""Presses that belong to one dialogue and its step: refused once that dialogue moved on."""


Id = Annotated[int, Field(ge=0, le=2**63 - 1)]
"""A row id as SQLite stores it: a forged press with a larger one is refused, not an OverflowError."""


class Action(BaseModel):
    """A press, as typed data: what to do, with which value, for which dialogue or object."""

    model_config = ConfigDict(frozen=True)

    act: Act
    value: str = ""
    dialogue: Id | None = None
    """The dialogue the button was offered in (dialogue acts only)."""
    step: str | None = None
    """The dialogue's state when the button was offered (dialogue acts only)."""
    target: Id | None = None
    """The patient or reminder the press is about (command acts only)."""


class Button(BaseModel):
    """One choice on a message."""

    model_config = ConfigDict(frozen=True)

    label: str
    action: Action


class Attachment(BaseModel):
    """A file that goes with a message, named by what it shows rather than carried as bytes.

    The channel asks the assistant for the file (`Assistant.attachment`) when it sends the
    message, off its event loop: a picture takes a few hundred milliseconds to draw, and a saved
    reply (re-sent after a re-delivery) stays small and holds no picture of a patient.
    """

    model_config = ConfigDict(frozen=True)

    kind: Literal["timeline", "calendar"]
    """`timeline`: patient `target`'s course as a PNG; `calendar`: the clinician's reminders (.ics)."""
    target: int | None = None


class Message(BaseModel):
    """One message to show: its text, its buttons, and whether they may be picked by number.

    `numbered` is False where a typed number is itself an answer (ECOG 0-4, encephalopathy 1-2),
    so that "1" never means option one in one place and the value 1 in another. A message with
    an `attachment` is that file, its text the caption.
    """

    text: str
    buttons: list[Button] = Field(default_factory=list)
    numbered: bool = True
    attachment: Attachment | None = None
    layout: Layout | None = None
    """The message laid out for a channel that formats (a plan, the greeting); `text` is then
    its plain form, for a channel that does not."""
    columns: int | None = None
    """How many buttons a row holds (None: the channel decides from their length)."""

    @classmethod
    def laid_out(cls, layout: Layout, buttons: list[Button] | None = None) -> Message:
        """A message from its layout, its plain text derived from it."""
        return cls(text=layout_text(layout), layout=layout, buttons=buttons or [])
