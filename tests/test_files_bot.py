"""Files through the fake Bot API and the command line: the course picture, the calendar, the export."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.assistant import Assistant
from bot.calendar_ics import entries, reminder_uid, window_uid
from bot.export import COLUMNS
from bot.file_commands import run_calendar, run_export
from bot.pictures.timeline import WIDTH_PX
from bot.settings import Settings
from bot.store import TERMINAL_OWNER, Store
from lang.plan_words import say
from planner.said import from_json
from tests.botkit import USER, running_bot, services
from tests.fakebotapi import FakeBotApi
from tests.pictures_kit import QUICK_AFTER_TACE, png_is_whole, png_size

ZONE, AT = "Europe/Berlin", "07:30"
CLINIC = {"LIVERBOT_TZ": ZONE, "LIVERBOT_REMINDER_TIME": AT}


def events(ics: bytes) -> dict[str, dict[str, object]]:
    """The VEVENTs of an .ics file by UID, each with its start, end and summary."""
    calendar = Calendar.from_ical(ics)
    return {
        str(e["UID"]): {
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "summary": str(e["SUMMARY"]),
            "description": str(e["DESCRIPTION"]),
        }
        for e in calendar.walk("VEVENT")
    }


async def saved_plan(server: FakeBotApi) -> None:
    """The quick check after a TACE: the plan and its save, one message (issue 13)."""
    server.push_text(USER, QUICK_AFTER_TACE)
    saved = await server.next_message(USER)
    assert "\n✅ Saved for bed7 · next: " in (saved.text or "")


async def test_patient_sends_its_text_then_the_course_as_a_png_photo(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        await saved_plan(server)
        server.push_text(USER, "/patient bed7")
        listed = await server.next_message(USER)
        photo = await server.next_message(USER)
        patient = services(app).store.find_patient(USER, "bed7")
    assert (listed.text or "").startswith("bed7, the course:")
    assert photo.method == "sendPhoto"
    assert photo.caption == "bed7: the course as a picture."
    (request,) = server.requests_for("sendPhoto")
    upload = request.params["photo"]
    assert upload.filename == "bed7-course.png"
    assert upload.size == len(upload.data) > 10_000
    assert png_size(upload.data)[0] == WIDTH_PX
    assert png_is_whole(upload.data)
    assert patient is not None


async def test_calendar_sends_an_ics_with_one_event_per_pending_reminder(
    server: FakeBotApi, db: Path, tmp_path: Path
) -> None:
    async with running_bot(server, db, **CLINIC) as app:
        await saved_plan(server)
        store = services(app).store
        upcoming = store.upcoming_reminders(USER)
        (first, *_) = upcoming
        store.snooze(USER, first.reminder.id, first.reminder.due_at + timedelta(days=2))
        upcoming = store.upcoming_reminders(USER)
        latest = store.latest_assessment(USER, first.reminder.patient_id)
        server.push_text(USER, "/calendar")
        sent = await server.next_message(USER)
    assert sent.method == "sendDocument"
    assert (sent.caption or "").startswith("3 reminders and 1 window for your calendar")
    (request,) = server.requests_for("sendDocument")
    upload = request.params["document"]
    assert upload.filename == "liverbot-reminders.ics"
    found = events(upload.data)
    assert latest is not None
    assert set(found) == {reminder_uid(u.reminder.id) for u in upcoming} | {window_uid(latest.id)}
    zone = ZoneInfo(ZONE)
    for u in upcoming:
        event = found[reminder_uid(u.reminder.id)]
        start = event["start"]
        assert isinstance(start, datetime)
        assert start.tzinfo is not None
        local = start.astimezone(zone)
        assert local.time() == time(7, 30), "the clinic's reminder time in its zone"
        assert local.date() == u.reminder.fires_at.astimezone(zone).date(), "snooze included"
        assert str(event["summary"]).startswith("bed7: ")
    imaging = found[reminder_uid(first.reminder.id)]
    assert "Follow-up CT or MRI 4-6 weeks after the intervention" in str(imaging["description"])
    window = found[window_uid(latest.id)]
    plan_window = latest.plan["window"]
    assert window["start"].isoformat() == plan_window["earliest"]  # type: ignore[attr-defined]
    end = window["end"]
    assert (
        end.isoformat()
        == (  # type: ignore[attr-defined]
            datetime.fromisoformat(plan_window["latest"]) + timedelta(days=1)
        )
        .date()
        .isoformat()
    ), "all-day: DTEND is the day after the last"

    out = tmp_path / "mine.ics"
    with pytest.MonkeyPatch.context() as env:
        for key, value in CLINIC.items():
            env.setenv(key, value)
        assert run_calendar(str(out), str(db), USER) == 0
    assert out.stat().st_mode & 0o777 == 0o600
    again = events(out.read_bytes())
    assert set(again) == set(found), "the same UIDs: importing again updates, not duplicates"
    assert {k: v["start"] for k, v in again.items()} == {k: v["start"] for k, v in found.items()}


async def test_calendar_without_reminders_says_so(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db):
        server.push_text(USER, "/calendar")
        sent = await server.next_message(USER)
    assert sent.method == "sendMessage"
    assert (sent.text or "").startswith("No upcoming reminders or windows")
    assert server.requests_for("sendDocument") == []


def test_liverbot_calendar_refuses_a_missing_database(tmp_path: Path) -> None:
    out = tmp_path / "x.ics"
    assert run_calendar(str(out), str(tmp_path / "none.db"), None) == 2
    assert not out.exists()
    assert not (tmp_path / "none.db").exists(), "never creates an empty database"


async def test_export_writes_every_course_as_coded_values(
    server: FakeBotApi, db: Path, tmp_path: Path
) -> None:
    async with running_bot(server, db):
        await saved_plan(server)
    with Store(db) as store:
        (saved,) = store.assessments(USER, "bed7")
    as_csv, as_json = tmp_path / "audit.csv", tmp_path / "audit.json"
    assert run_export(str(as_csv), str(db)) == 0
    assert run_export(str(as_json), str(db)) == 0
    assert run_export(str(tmp_path / "audit.txt"), str(db)) == 2
    for path in (as_csv, as_json):
        assert path.stat().st_mode & 0o777 == 0o600
    rows = list(csv.DictReader(io.StringIO(as_csv.read_text())))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["label"], r["event"]) for r in rows] == [("bed7", "session"), ("bed7", "plan")]
    plan_row = rows[1]
    assert (plan_row["decision"], plan_row["approach"], plan_row["bclc"]) == (
        "tace", "superselective", "B",
    )  # fmt: skip
    assert plan_row["rules"] == " ".join(saved.plan["rules"])
    assert plan_row["window_earliest"] == saved.plan["window"]["earliest"]
    document = json.loads(as_json.read_text())
    (patient,) = document["patients"]
    assert patient["label"] == "bed7"
    assert patient["plans"][0]["albi_score"] == saved.plan["albi"]["score"]
    assert patient["sessions"] == [{"date": rows[0]["date"], "technique": None}]
    # No free text: none of the plan's sentences (flags, checklist), in words or as their codes,
    # reach the files.
    coded = [from_json(s) for s in saved.plan.get("checklist", []) + saved.plan.get("flags", [])]
    assert coded, "the plan has sentences to leak"
    leaks = [say(s) for s in coded] + [s.code for s in coded]
    for path in (as_csv, as_json):
        text = path.read_text()
        assert not any(leak in text for leak in leaks)


def test_export_of_an_empty_database_has_no_patients(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    Store(db).close()
    out = tmp_path / "a.json"
    assert run_export(str(out), str(db)) == 0
    assert json.loads(out.read_text())["patients"] == []
    assert datetime.fromisoformat(json.loads(out.read_text())["exported_at"]).tzinfo == UTC


def test_the_imaging_reminder_of_a_recorded_session_says_which_session(tmp_path: Path) -> None:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with Store(tmp_path / "l.db") as store:
        assistant = Assistant(store, Settings(), clock=lambda: now)
        assistant.handle(TERMINAL_OWNER, TERMINAL_OWNER, QUICK_AFTER_TACE)
        done = assistant.handle(TERMINAL_OWNER, TERMINAL_OWNER, "/done bed7 deb")
        assert done.messages[0].text.startswith("Recorded for bed7: DEB-TACE on 2026-11-30")
        found = entries(store, TERMINAL_OWNER, Settings(), now.date())
    reminders = [e for e in found if e.uid.startswith("reminder-")]
    assert [e.summary for e in reminders] == ["bed7: follow-up imaging due"]
    assert reminders[0].description.startswith(
        "Follow-up CT or MRI 4-6 weeks after the DEB-TACE of 2026-11-30 (P4)."
    )
