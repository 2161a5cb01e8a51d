"""The words on the timeline picture, in one place, in the language of the picture's reader.

Short on purpose: the picture is read on a phone, so each mark carries a word or two and the
chat's text carries the sentences. Declared once in English (`N_`), translated when drawn
(`words.LANES["plans"]` is already in the active language: see `bot.wording.Words`).
"""

from __future__ import annotations

from datetime import date

from bot.wording import Words
from lang import N_, _
from lang.formats import day
from lang.plan_words import words_for

TITLE = N_("{label}: course to {today}")
LANES = Words(
    {
        "plans": N_("Plans"),
        "sessions": N_("Sessions"),
        # TRANSLATORS: the lane of follow-up imaging on the course picture
        "followups": N_("Imaging"),
        "reminders": N_("Reminders"),
    }
)
# TRANSLATORS: the dashed line of the picture's day
TODAY = N_("today")
WINDOWS = Words(
    {
        "ahead": N_("next window"),
        "open": N_("window open"),
        "closed": N_("window closed"),
    }
)
"""The current window named by where it stands on the picture's day: a closed window is not
the next one."""
ALBI_AXIS = N_("ALBI")
ALBI_GRADE = N_("grade {grade}")
NO_LABS = N_("no bilirubin or albumin recorded")
TECHNIQUES = Words(
    {
        "ctace": N_("cTACE"),
        "deb": N_("DEB-TACE"),
        "bland": N_("bland TAE"),
        # TRANSLATORS: a session of ethanol injection, in a word on the course picture
        "ethanol": N_("ethanol"),
    }
)
# TRANSLATORS: a session whose technique was not recorded, on the course picture
SESSION = N_("session")
"""A session whose technique was not recorded (only its date was typed)."""
RESPONSES = {"cr": "CR", "pr": "PR", "sd": "SD", "pd": "PD"}
# TRANSLATORS: follow-up imaging without an mRECIST category, on the course picture
FOLLOWUP = N_("read")
"""Follow-up imaging without an mRECIST category."""
REMINDERS = Words(
    {
        # TRANSLATORS: a reminder's kind in a word on the course picture
        "imaging_due": N_("imaging"),
        # TRANSLATORS: the window for the next intervention opens (a reminder, in a word)
        "window_opens": N_("opens"),
        # TRANSLATORS: the window for the next intervention closes (a reminder, in a word)
        "window_closes": N_("closes"),
    }
)


DECISIONS: dict[tuple[str, str | None], str] = {
    ("simple_tace", "superselective"): N_("plain TACE, ultra-selective"),
}
"""Decisions shorter than the chat words them, where those would crowd the picture and the
short words still name the same technique (super-selective is not selective: the chat's words
stay)."""


def title(label: str, today: date) -> str:
    """The picture's title: whose course, up to which day."""
    return _(TITLE).format(label=label, today=day(today))


def decision(decision_id: str, approach: str | None) -> str:
    """A plan's decision in a word or two (`super-selective TACE`, `hold`)."""
    short = DECISIONS.get((decision_id, approach))
    return _(short) if short else words_for(decision_id, approach)


def window(start: date, end: date, today: date) -> str:
    """The current window's name as of `today`: ahead, open or closed."""
    if today > end:
        return WINDOWS["closed"]
    return WINDOWS["open"] if today >= start else WINDOWS["ahead"]


def technique(technique_id: str | None) -> str:
    """A session's technique in a word (`cTACE`); `session` when it was not recorded."""
    if not technique_id:
        return _(SESSION)
    return TECHNIQUES.get(technique_id, technique_id)


def response(response_id: str | None) -> str:
    """An mRECIST response (`PR`), or `read` for imaging without one."""
    return RESPONSES.get(response_id or "", _(FOLLOWUP))


def reminder(kind: str) -> str:
    """A reminder's kind in a word (`imaging`)."""
    return REMINDERS.get(kind, kind.replace("_", " "))


def albi_grade(grade: int) -> str:
    """An ALBI grade zone's name (`grade 2`)."""
    return _(ALBI_GRADE).format(grade=grade)
