"""A patient's course as plain dated data: what the timeline picture draws and the audit exports.

Neutral on purpose: no store rows, no Telegram, no matplotlib. The builder in `bot.course_view`
fills it from the store; a test or a benchmark can make one by hand. Values are ids (decision,
technique, response, reminder kind), not words: the words are the renderer's, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class PlanMark:
    """A plan the planner made: the day its values applied to, and what it decided."""

    day: date
    decision: str
    approach: str | None = None
    bclc: str | None = None
    child_pugh: str | None = None
    """Class and points, e.g. `A5`."""


@dataclass(frozen=True, slots=True)
class SessionMark:
    """An intervention carried out; `technique` is None when only its date is known."""

    day: date
    technique: str | None = None


@dataclass(frozen=True, slots=True)
class FollowUpMark:
    """Follow-up imaging read: the mRECIST response (`cr`, `pr`, `sd`, `pd`) when known."""

    day: date
    response: str | None = None


@dataclass(frozen=True, slots=True)
class WindowSpan:
    """A next-intervention window (P5, P6), both days included; `current`: the latest plan's."""

    start: date
    end: date
    current: bool = True


@dataclass(frozen=True, slots=True)
class ReminderMark:
    """A reminder still to come (pending or paused): its day and kind."""

    day: date
    kind: str


@dataclass(frozen=True, slots=True)
class LabMark:
    """Liver function on a day: bilirubin (umol/L), albumin (g/L), ALBI (unrounded if known)."""

    day: date
    bilirubin_umol_l: float | None = None
    albumin_g_l: float | None = None
    albi: float | None = None


@dataclass(frozen=True)
class CourseTimeline:
    """Everything the picture shows of one patient, under the pseudonymous label only."""

    label: str
    today: date
    plans: list[PlanMark] = field(default_factory=list)
    sessions: list[SessionMark] = field(default_factory=list)
    followups: list[FollowUpMark] = field(default_factory=list)
    windows: list[WindowSpan] = field(default_factory=list)
    reminders: list[ReminderMark] = field(default_factory=list)
    labs: list[LabMark] = field(default_factory=list)

    def days(self) -> list[date]:
        """Every day the picture must show, today included."""
        out = [self.today]
        out += [p.day for p in self.plans]
        out += [s.day for s in self.sessions]
        out += [f.day for f in self.followups]
        out += [r.day for r in self.reminders]
        out += [m.day for m in self.labs]
        for w in self.windows:
            out += [w.start, w.end]
        return out

    @property
    def events(self) -> int:
        """How many marks the picture draws (plans, sessions, follow-ups, reminders, windows)."""
        return (
            len(self.plans) + len(self.sessions) + len(self.followups) + len(self.reminders)
            + len(self.windows)
        )  # fmt: skip
