"""Shared by the picture, calendar and export tests: a course made by hand, and how to read a PNG."""

from __future__ import annotations

import io
import struct
from datetime import date, timedelta

from bot.pictures.course import (
    CourseTimeline,
    FollowUpMark,
    LabMark,
    PlanMark,
    ReminderMark,
    SessionMark,
    WindowSpan,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
QUICK_AFTER_TACE = (
    "/quick bed7 age=66 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1"
    " ascites=none he=none last=10d recovered=5d"
)
"""A saved plan 10 days after a TACE: three reminders (imaging, window opens, window closes)."""


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR is the first chunk)."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def png_is_whole(data: bytes) -> bool:
    """Whether the PNG decodes completely (Pillow, which matplotlib depends on)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
    return True


def worked_course(events: int = 20, label: str = "bed7") -> CourseTimeline:
    """A course of TACE over about a year with `events` marks (plans, sessions, imaging,
    reminders, windows in turn), and a lab value with each plan: the README's worked case."""
    first = date(2026, 1, 12)
    plans: list[PlanMark] = []
    sessions: list[SessionMark] = []
    followups: list[FollowUpMark] = []
    reminders: list[ReminderMark] = []
    windows: list[WindowSpan] = []
    labs: list[LabMark] = []
    decisions = [("tace", "superselective"), ("tace", "superselective"), ("hold", None),
                 ("tace", "lobar")]  # fmt: skip
    techniques = ["ctace", "deb", "ctace", None]
    responses = ["pr", "sd", "pr", "pd"]
    kinds = ["imaging_due", "window_opens", "window_closes"]
    for n in range(events):
        cycle, kind = divmod(n, 5)
        day = first + timedelta(days=70 * cycle)
        if kind == 0:
            decision, approach = decisions[cycle % len(decisions)]
            plans.append(PlanMark(day, decision, approach, "B", f"A{5 + cycle % 2}"))
            bilirubin, albumin = 14.0 + 4 * cycle, 41.0 - 2 * cycle
            labs.append(LabMark(day, bilirubin, albumin, _albi(bilirubin, albumin)))
        elif kind == 1:
            sessions.append(SessionMark(day + timedelta(days=9), techniques[cycle % 4]))
        elif kind == 2:
            followups.append(FollowUpMark(day + timedelta(days=45), responses[cycle % 4]))
        elif kind == 3:
            reminders.append(ReminderMark(day + timedelta(days=60), kinds[cycle % 3]))
        else:
            windows.append(WindowSpan(day + timedelta(days=55), day + timedelta(days=85)))
    if windows:
        windows = [WindowSpan(w.start, w.end, current=False) for w in windows[:-1]] + windows[-1:]
    today = max([first, *(p.day for p in plans)]) + timedelta(days=20)
    return CourseTimeline(label, today, plans, sessions, followups, windows, reminders, labs)


def _albi(bilirubin_umol_l: float, albumin_g_l: float) -> float:
    from planner.albi import albi_score
    from planner.units import AlbuminUnit, BilirubinUnit

    return albi_score(bilirubin_umol_l, BilirubinUnit.UMOL_L, albumin_g_l, AlbuminUnit.G_L)
