"""Words the assistant's replies and files share about the course, in the reader's language.

The tables below are declared once, in English, as data (`N_`), and read through `Words`, which
translates each word when it is looked up: a reminder's kind or a session's technique is stored as
an id, and whoever shows it (the reminder message, /reminders, /patient, the calendar) gets the word
in the language of the turn, with no `_()` to forget at each place.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from lang import N_, _


class Words(Mapping[str, str]):
    """Ids to words, each translated into the active language when it is read."""

    def __init__(self, english: Mapping[str, str]) -> None:
        self._english = dict(english)

    def __getitem__(self, key: str) -> str:
        return _(self._english[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._english)

    def __len__(self) -> int:
        return len(self._english)


REMINDER_WORDS = Words(
    {
        "imaging_due": N_("follow-up imaging due"),
        "window_opens": N_("window opens"),
        "window_closes": N_("window closes"),
    }
)
"""What a reminder asks for, as the reminder message, /reminders and the calendar word it."""

TECHNIQUE_WORDS = Words(
    {
        "ctace": N_("cTACE"),
        "deb": N_("DEB-TACE"),
        # TRANSLATORS: embolization without chemotherapy (TAE)
        "bland": N_("bland embolization"),
        "ethanol": N_("ethanol injection"),
    }
)
"""A recorded session's technique, as /done, /patient and the calendar word it."""


def reminder_word(kind: str) -> str:
    """A reminder's kind in words, or the kind itself when it has none (a kind added later)."""
    return REMINDER_WORDS.get(kind, kind)
