"""The words on the timeline picture, in one place (English today; a catalogue per language later).

Short on purpose: the picture is read on a phone, so each mark carries a word or two and the
chat's text carries the sentences.
"""

from __future__ import annotations

from datetime import date

from lang.plan_words import words_for

TITLE = "{label}: course to {today}"
LANES = {
    "plans": "Plans",
    "sessions": "Sessions",
    "followups": "Imaging",
    "reminders": "Reminders",
}
TODAY = "today"
WINDOWS = {"ahead": "next window", "open": "window open", "closed": "window closed"}
"""The current window named by where it stands on the picture's day: a closed window is not
the next one."""
ALBI_AXIS = "ALBI"
ALBI_GRADE = "grade {grade}"
NO_LABS = "no bilirubin or albumin recorded"
TECHNIQUES = {
    "ctace": "cTACE",
    "deb": "DEB-TACE",
    "bland": "bland TAE",
    "ethanol": "ethanol",
}
SESSION = "session"
"""A session whose technique was not recorded (only its date was typed)."""
RESPONSES = {"cr": "CR", "pr": "PR", "sd": "SD", "pd": "PD"}
FOLLOWUP = "read"
"""Follow-up imaging without an mRECIST category."""
REMINDERS = {
    "imaging_due": "imaging",
    "window_opens": "opens",
    "window_closes": "closes",
}


DECISIONS: dict[tuple[str, str | None], str] = {
    ("simple_tace", "superselective"): "plain TACE, ultra-selective",
}
"""Decisions shorter than the chat words them, where those would crowd the picture and the
short words still name the same technique (super-selective is not selective: the chat's words
stay)."""


def decision(decision_id: str, approach: str | None) -> str:
    """A plan's decision in a word or two (`super-selective TACE`, `hold`)."""
    return DECISIONS.get((decision_id, approach)) or words_for(decision_id, approach)


def window(start: date, end: date, today: date) -> str:
    """The current window's name as of `today`: ahead, open or closed."""
    if today > end:
        return WINDOWS["closed"]
    return WINDOWS["open"] if today >= start else WINDOWS["ahead"]


def technique(technique_id: str | None) -> str:
    """A session's technique in a word (`cTACE`); `session` when it was not recorded."""
    return TECHNIQUES.get(technique_id or "", technique_id or SESSION)


def response(response_id: str | None) -> str:
    """An mRECIST response (`PR`), or `read` for imaging without one."""
    return RESPONSES.get(response_id or "", FOLLOWUP)


def reminder(kind: str) -> str:
    """A reminder's kind in a word (`imaging`)."""
    return REMINDERS.get(kind, kind.replace("_", " "))
