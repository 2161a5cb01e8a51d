"""The course (issue 12) through the real Telegram application against the fake Bot API: the
plan's Done buttons, /done, the imaging reminder, ART and refractoriness from the stored course,
and /patient, as a clinician on a phone would go through them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.tg.app import App
from tests.botkit import USER, running_bot, services
from tests.fakebotapi import ChatMessage, FakeBotApi

LINE = "age=70 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 ascites=none he=none"
STABLE = "lipiodol=sparse necrosis=no new=no progression=no response=sd"
NEW_LESIONS = "lipiodol=dense necrosis=yes new=yes progression=no"


async def say(server: FakeBotApi, text: str, replies: int = 1) -> list[ChatMessage]:
    server.push_text(USER, text)
    return [await server.next_message(USER) for _ in range(replies)]


NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
"""The bot's fixed time: before the day's reminder time (08:00), so an overdue imaging reminder set
today is not sent during the test, whatever the hour it runs at."""


def clock() -> datetime:
    return NOW


def ago(app: App, days: int) -> str:
    """A day as the bot counts it (the clinic's time zone)."""
    return (services(app).assistant.today() - timedelta(days=days)).isoformat()


async def test_the_course_closes_the_loop_through_telegram(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db, clock) as app:
        store = services(app).store
        (plan,) = await say(server, f"/quick bed7 {LINE} ast=40 on=70d")  # saved: one message
        assert plan.text.startswith("Super-selective TACE · bed7")
        assert [b["text"] for b in plan.buttons()][:2] == ["Done today", "Done on another day"]
        (recorded,) = await say(server, "/done bed7 60d")
        assert recorded.text.startswith(
            f"Recorded for bed7: cTACE on {ago(app, 60)} (TACE session 1)."
        )
        (listing,) = await say(server, "/reminders")
        assert "bed7: follow-up imaging due" in listing.text
        (plan,) = await say(server, f"/quick bed7 {LINE} ast=80 {STABLE}")
        assert plan.text.startswith("No TACE · bed7")
        assert "ART score 5: stop TACE" in plan.text
        assert [b["text"] for b in plan.buttons()] == ["Follow-up", "Reminders"], "no Done"
        (course,) = await say(server, "/patient bed7")
        assert f"{ago(app, 60)} session: cTACE" in course.text
        assert "follow-up, SD: no TACE" in course.text
        patient = store.find_patient(USER, "bed7")
        assert patient is not None
        assert [s.technique for s in store.sessions(USER, patient.id)] == ["ctace"]


async def test_done_buttons_record_once_and_refractoriness_follows(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db, clock) as app:
        store = services(app).store
        (saved,) = await say(server, f"/quick bed9 {LINE} on=150d")
        done_today = saved.button_data("Done today")
        server.push_button(USER, saved.message_id, "Done on another day")
        question = await server.next_message(USER)
        assert "When was it done for bed9?" in question.text
        server.push_button(USER, question.message_id, "Yesterday")
        recorded = await server.next_message(USER)
        assert recorded.text.startswith(f"Recorded for bed9: cTACE on {ago(app, 1)}")
        # The pressed message shows the choice, its buttons gone; a late second press (another
        # device, a double tap) records nothing.
        await server.wait_for(lambda: saved.reply_markup is None, what="the keyboard removed")
        server.push_callback(USER, saved.message_id, done_today, check_button=False)
        again = await server.next_message(USER)
        assert again.text.startswith("Already recorded: cTACE on")
        patient = store.find_patient(USER, "bed9")
        assert patient is not None
        assert len(store.sessions(USER, patient.id)) == 1
        # A course entered after the fact, in date order: two failing follow-ups, two sessions.
        (refused,) = await say(server, f"/quick bed9 {LINE} {NEW_LESIONS} on=100d")
        assert "enter the course in date order" in refused.text
        await say(server, f"/quick bed10 {LINE} on=150d")
        await say(server, "/done bed10 140d")
        await say(server, f"/quick bed10 {LINE} {NEW_LESIONS} on=100d")
        await say(server, "/done bed10 90d deb")
        (plan,) = await say(server, f"/quick bed10 {LINE} {NEW_LESIONS}")
        assert plan.text.startswith("No TACE · bed10")
        assert "TACE-refractory" in plan.text
