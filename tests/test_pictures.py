"""The course picture: drawn from neutral data, read from the store, written by the terminal."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.course_view import course_timeline
from bot.pictures.course import CourseTimeline, PlanMark
from bot.pictures.timeline import WIDTH_PX, render_png
from bot.settings import Settings
from bot.store import TERMINAL_OWNER, Store
from bot.terminal import chat, split_output
from planner import Case, plan_case
from tests.pictures_kit import QUICK_AFTER_TACE, png_is_whole, png_size, worked_course

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def assistant_for(store: Store) -> Assistant:
    return Assistant(store, Settings(), clock=lambda: NOW)


def test_a_course_of_twenty_events_is_a_phone_sized_png() -> None:
    course = worked_course(20)
    assert course.events == 20
    png = render_png(course)
    width, height = png_size(png)
    assert width == WIDTH_PX
    assert WIDTH_PX <= height <= 2 * WIDTH_PX, "portrait, for a phone"
    assert png_is_whole(png)


def test_a_single_plan_and_nothing_else_still_gets_a_picture() -> None:
    lonely = CourseTimeline(
        "bed7", date(2026, 11, 30), plans=[PlanMark(date(2026, 11, 30), "hold")]
    )
    assert png_size(render_png(lonely))[0] == WIDTH_PX


def test_the_builder_reads_plans_sessions_windows_reminders_and_labs(tmp_path: Path) -> None:
    with Store(tmp_path / "l.db") as store:
        assistant = assistant_for(store)
        reply = assistant.handle(TERMINAL_OWNER, TERMINAL_OWNER, QUICK_AFTER_TACE)
        assert reply.saved_assessment is not None
        patient = store.find_patient(TERMINAL_OWNER, "bed7")
        assert patient is not None
        (saved,) = store.assessments(TERMINAL_OWNER, "bed7")
        course = course_timeline(
            store, TERMINAL_OWNER, patient, Settings().zone, date(2026, 11, 30)
        )
        upcoming = store.upcoming_reminders(TERMINAL_OWNER)
    assert course.label == "bed7"
    assert [(p.day, p.decision, p.approach) for p in course.plans] == [
        (date(2026, 11, 30), "tace", "superselective")
    ]
    assert [s.day for s in course.sessions] == [date(2026, 11, 20)], "last=10d"
    assert [(r.day, r.kind) for r in course.reminders] == [
        (u.reminder.fires_at.date(), u.reminder.kind) for u in upcoming
    ]
    assert len(course.reminders) == 3
    window = saved.plan["window"]
    assert [(w.start.isoformat(), w.end.isoformat(), w.current) for w in course.windows] == [
        (window["earliest"], window["latest"], True)
    ]
    (lab,) = course.labs
    assert lab.bilirubin_umol_l == pytest.approx(17.1, abs=0.05), "1.0 mg/dL in umol/L"
    assert lab.albumin_g_l == pytest.approx(40.0)
    assert lab.albi is not None
    assert round(lab.albi, 2) == saved.plan["albi"]["score"]
    assert course.followups == [], "no imaging findings were given"


def test_follow_up_findings_are_a_follow_up_with_their_response(
    tmp_path: Path, base_case: dict
) -> None:
    base_case["history"] = {
        "last_intervention": "2026-10-01",
        "followup": {"lipiodol": "dense", "necrosis": True, "new_lesions": False,
                     "progression": False, "response": "pr"},
    }  # fmt: skip
    case = Case.model_validate(base_case)
    plan = plan_case(case)
    with Store(tmp_path / "l.db") as store:
        patient = store.get_or_create_patient(TERMINAL_OWNER, "bed8")
        store.save_assessment(TERMINAL_OWNER, patient.id, "followup", {}, base_case,
                              plan.model_dump(mode="json"), "test",
                              measured_on=date(2026, 11, 26))  # fmt: skip
        course = course_timeline(
            store, TERMINAL_OWNER, patient, Settings().zone, date(2026, 11, 26)
        )
    assert [(f.day, f.response) for f in course.followups] == [(date(2026, 11, 26), "pr")]
    assert [s.day for s in course.sessions] == [date(2026, 10, 1)]


def test_recorded_sessions_carry_their_technique_and_typed_days_are_kept(tmp_path: Path) -> None:
    """A session recorded with /done on the day typed as the last intervention is drawn once,
    with its technique; a session recorded on another day is added beside it."""
    with Store(tmp_path / "l.db") as store:
        assistant_for(store).handle(TERMINAL_OWNER, TERMINAL_OWNER, QUICK_AFTER_TACE)
        patient = store.find_patient(TERMINAL_OWNER, "bed7")
        assert patient is not None
        store.add_session(TERMINAL_OWNER, patient.id, date(2026, 11, 20), "deb")
        store.add_session(TERMINAL_OWNER, patient.id, date(2026, 11, 28), "ethanol")
        course = course_timeline(store, TERMINAL_OWNER, patient, Settings().zone, NOW.date())
    assert [(s.day, s.technique) for s in course.sessions] == [
        (date(2026, 11, 20), "deb"),
        (date(2026, 11, 28), "ethanol"),
    ]


def test_another_clinicians_patient_has_no_picture(tmp_path: Path) -> None:
    with Store(tmp_path / "l.db") as store:
        assistant = assistant_for(store)
        assistant.handle(TERMINAL_OWNER, TERMINAL_OWNER, QUICK_AFTER_TACE)
        reply = assistant.handle(TERMINAL_OWNER, TERMINAL_OWNER, "/patient bed7")
        attachment = reply.messages[-1].attachment
        assert attachment is not None
        assert attachment.kind == "timeline"
        assert assistant.attachment(TERMINAL_OWNER + 1, attachment) is None
        made = assistant.attachment(TERMINAL_OWNER, attachment)
        assert made is not None
        assert (made.media, made.name) == ("photo", "bed7-course.png")


def test_the_terminal_writes_the_picture_private_with_png(tmp_path: Path) -> None:
    out = tmp_path / "bed7.png"
    with Store(tmp_path / "l.db") as store:
        lines = f"{QUICK_AFTER_TACE}\n/patient bed7 --png {out}\n/patient bed7\n"
        stdout = io.StringIO()
        assert chat(assistant_for(store), io.StringIO(lines), stdout, interactive=False) == 0
    text = stdout.getvalue()
    assert f"bed7: the course as a picture. Written to {out}." in text
    assert "bed7: the course as a picture. (add --png FILE to write it)" in text
    assert png_size(out.read_bytes())[0] == WIDTH_PX
    assert out.stat().st_mode & 0o777 == 0o600


def test_the_terminal_output_option_is_read_off_the_end_of_the_line() -> None:
    assert split_output("/patient bed7 --png /tmp/a.png") == (
        "/patient bed7",
        ("png", "/tmp/a.png"),
    )
    assert split_output("/calendar --ics x.ics ") == ("/calendar", ("ics", "x.ics"))
    assert split_output("/patient bed7") == ("/patient bed7", None)


def test_the_bot_starts_without_matplotlib_or_icalendar() -> None:
    """Both are imported only when a file is made: the bot's start-up does not pay for them."""
    code = (
        "import sys, bot.cli, bot.tg.app, bot.tg.serve, bot.assistant, bot.terminal\n"
        "print(' '.join(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVERBOT_"))}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env)  # fmt: skip
    loaded = set(done.stdout.split())
    assert "bot" in loaded
    assert {"matplotlib", "icalendar", "PIL"} & loaded == set()
