"""The Telegram bot end to end: the real application polling the fake Bot API on loopback."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.assistant import ANSWERED, FORGOTTEN
from bot.commands import help_text
from bot.store import TERMINAL_OWNER, Reminder, Store
from bot.tg import reminders
from bot.tg.app import App, commands_in
from bot.tg.callbacks import CHOSEN
from bot.tg.handlers import EDITED, NOT_TEXT, REFUSAL, SORRY
from bot.tg.reminders import job_name
from tests.botkit import (
    AFTER_TACE,
    INTAKE,
    PLAN_HEAD,
    STRANGER,
    USER,
    add_reminder,
    answer,
    answer_data,
    eventually,
    intake,
    running_bot,
    services,
    settled,
    soon,
)
from tests.fakebotapi import FakeBotApi, Fault
from tests.fakebotapi.state import ChatMessage
from tests.fakeclock import FakeClock


async def saved_after_tace(server: FakeBotApi, app: App) -> Store:
    """Run the intake 10 days after a TACE (it saves reminders); the bot's store."""
    await intake(server, app, AFTER_TACE)  # the plan, saved, in one message
    return services(app).store


async def test_full_intake_by_buttons_and_typing(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        plan, how = await intake(server, app, INTAKE)
        assert plan.text.startswith(PLAN_HEAD)
        # one message: no reminders before the first TACE is done
        assert "\n✅ Saved for bed7\n" in plan.text
        assert "tumour_type:button" in how
        assert "count:button" in how
        assert "largest_cm:typed" in how
        assert "summary:button" in how
        presses = sum(1 for h in how if h.endswith(":button"))

        def shown() -> list[ChatMessage]:
            return [m for m in server.messages(USER) if m.edits and f"\n\n{CHOSEN} " in m.text]

        # the edit of the last press is best effort and comes after the reply: wait for it
        await server.wait_for(lambda: len(shown()) == presses, what="every press shown")
        edited = [m for m in server.messages(USER) if m.edits]
        assert all(m.reply_markup is None for m in edited), (
            "an answered question keeps no keyboard"
        )
        store = services(app).store
        (assessment,) = store.assessments(USER, "bed7")
        assert assessment.plan["decision"] == "tace"
        assert store.load_dialogue(USER, USER) is None
    commands = server.requests_for("setMyCommands")[0].params["commands"]
    assert [c["command"] for c in commands] == [c.command for c in commands_in("en")]


async def test_invalid_answer_is_asked_again(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        server.push_text(USER, "/new")
        prompt = await server.next_message(USER)
        for value in ("bed7", "66", "0"):
            prompt = await answer(server, app, prompt, value)
        first = await answer(server, app, prompt, "hcc")
        assert services(app).assistant.dialogue_step(USER, USER) == "count"
        server.push_text(USER, "lots")
        again = await server.next_message(USER)
        assert services(app).assistant.dialogue_step(USER, USER) == "count"
        assert "number" in again.text.lower()
        # the question and its re-ask do not leave two live keyboards
        await server.wait_for(lambda: first.reply_markup is None, what="the first keyboard gone")
        assert again.reply_markup is not None
        await answer(server, app, again, "2")
        assert services(app).assistant.dialogue_step(USER, USER) == "largest_cm"


async def test_a_button_of_an_answered_question_changes_nothing(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        server.push_text(USER, "/new")
        prompt = await server.next_message(USER)
        for value in ("bed7", "66", "0"):
            prompt = await answer(server, app, prompt, value)
        type_prompt = prompt
        hcc = answer_data(type_prompt, "tumour_type", "hcc")
        assert hcc is not None
        await answer(server, app, type_prompt, "hcc")  # edits type_prompt: buttons gone
        before = len(server.requests_for("answerCallbackQuery"))
        server.push_callback(USER, type_prompt.message_id, hcc, check_button=False)
        request = await server.wait_for_request("answerCallbackQuery", count=before + 1)
        assert request.params.get("text") == ANSWERED
        assert services(app).assistant.dialogue_step(USER, USER) == "count"
        assert services(app).store.load_dialogue(USER, USER)["answers"]["tumour_type"] == "hcc"


async def test_quick_check_with_and_without_a_label(server: FakeBotApi, db: Path) -> None:
    line = (
        "age=66 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 ascites=none he=none"
    )
    async with running_bot(server, db) as app:
        server.push_text(USER, f"/quick bed9 {line} last=10d recovered=5d")
        plan = await server.next_message(USER)
        assert plan.text.startswith("Super-selective TACE · bed9")
        assert "\n✅ Saved for bed9 · next: " in plan.text
        server.push_text(USER, f"/quick {line}")
        plan = await server.next_message(USER)
        assert plan.text.startswith("Super-selective TACE\n")
        assert "\nNot saved (no label)" in plan.text
        store = services(app).store
        assert [p.patient.label for p in store.list_patients(USER)] == ["bed9"]
        upcoming = [u.reminder for u in store.upcoming_reminders(USER)]
        assert upcoming, "the labelled plan after a TACE saved its reminders"
        # Equality, not a subset: the sweep must exist, and only a reminder due within the
        # horizon has a job of its own (these are weeks away: the sweep will get to them).
        horizon = datetime.now(UTC) + reminders.HORIZON
        jobs = {j.name for j in app.job_queue.jobs()}  # type: ignore[union-attr]
        assert jobs == {reminders.SWEEP_JOB} | {
            job_name(r.id) for r in upcoming if r.fires_at <= horizon
        }


async def test_a_stranger_is_refused_and_nothing_is_stored(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        server.push_text(STRANGER, "/new")
        refusal = await server.next_message(STRANGER)
        assert refusal.text == REFUSAL.format(id=STRANGER)
        server.push_text(STRANGER, "/quick bed7 age=66")
        await settled(server, app)
        store = services(app).store
        assert store.clinician(STRANGER) is None
        assert store.load_dialogue(STRANGER, STRANGER) is None
        assert store.last_reply(STRANGER, STRANGER) is None
        assert store.audit_entries() == []
        assert store.inbox() == []
    assert len(server.messages(STRANGER)) == 1, "one refusal an hour"


async def test_forget_deletes_the_patient_after_confirmation(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        store = await saved_after_tace(server, app)
        reminder_ids = [u.reminder.id for u in store.upcoming_reminders(USER)]
        server.push_text(USER, "/forget bed7")
        confirm = await server.next_message(USER)
        assert store.find_patient(USER, "bed7") is not None, "nothing deleted before the press"
        server.push_button(USER, confirm.message_id, "Delete for good")
        done = await server.next_message(USER)
        assert done.text == FORGOTTEN
        assert store.find_patient(USER, "bed7") is None
        assert all(store.reminder(i) is None for i in reminder_ids)
        await server.wait_for(
            lambda: confirm.text.endswith(f"{CHOSEN} Delete for good"), what="the choice shown"
        )
        last = store.last_reply(USER, USER)
        assert last is not None
        assert "bed7" not in str(last.messages)
        server.push_text(USER, "/patients")
        assert (await server.next_message(USER)).text.startswith("No patients yet")


async def test_429_and_500_on_send_end_in_delivery(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db):
        server.faults.add("sendMessage", Fault.retry_after(1), times=1)
        server.faults.add("sendMessage", Fault.server_error(), times=2)
        server.push_text(USER, "/help")
        reply = await server.next_message(USER, timeout=15)
        assert reply.text.startswith("liverbot plans TACE")
        statuses = [r.status for r in server.requests_for("sendMessage")]
        assert statuses == [429, 500, 500, 200] or statuses == [500, 500, 429, 200]


# -- reminders -------------------------------------------------------------------------------------


async def sent_reminder(server: FakeBotApi, app: App, reminder_id: int) -> Reminder:
    """The reminder once the bot recorded it sent (just after Telegram accepted it)."""

    def sent() -> Reminder | None:
        reminder = services(app).store.reminder(reminder_id)
        return reminder if reminder is not None and reminder.status == "sent" else None

    return await eventually(sent, what=f"reminder {reminder_id} marked sent")


async def test_a_reminder_fires_at_its_time_with_its_buttons(server: FakeBotApi, db: Path) -> None:
    with Store(db) as store:
        # Due after the bot has started, even on a busy machine (a reminder already due at start-up
        # is sent as late, which another test covers).
        reminder_id = add_reminder(store, soon(8))
    async with running_bot(server, db) as app:
        assert [j.name for j in app.job_queue.get_jobs_by_name(job_name(reminder_id))]  # type: ignore[union-attr]
        message = await server.next_message(USER, timeout=60)
        sent = await sent_reminder(server, app, reminder_id)
        assert message.text.startswith("Reminder for bed7: follow-up imaging due")
        assert [b["text"] for b in message.buttons()] == [
            "Enter follow-up findings", "Snooze a day", "Done",
        ]  # fmt: skip
        assert sent is not None
        assert sent.status == "sent"
        assert not sent.late
        assert sent.sent_at is not None
        assert sent.sent_at >= sent.due_at
        # At its time, not hours off; the bound is loose so a busy machine cannot fail it.
        assert (sent.sent_at - sent.due_at).total_seconds() < 60


async def test_a_reminder_survives_a_restart_and_is_sent_once(
    server: FakeBotApi, db: Path
) -> None:
    with Store(db) as store:
        reminder_id = add_reminder(store, soon(2.0))
    async with running_bot(server, db):
        pass  # stopped before it was due: the job died with the process
    assert server.messages(USER) == []
    async with running_bot(server, db) as app:
        await server.next_message(USER, timeout=10)
        await sent_reminder(server, app, reminder_id)
    async with running_bot(server, db) as app:
        assert app.job_queue.get_jobs_by_name(job_name(reminder_id)) == ()  # type: ignore[union-attr]
        server.push_text(USER, "/help")
        await server.next_message(USER)
    texts = [m.text for m in server.messages(USER)]
    assert [t for t in texts if t.startswith("Reminder for")] == texts[:1]
    assert texts[1:] == [help_text()]


async def test_an_overdue_reminder_is_sent_once_after_start_marked_late(
    server: FakeBotApi, db: Path
) -> None:
    with Store(db) as store:
        reminder_id = add_reminder(store, soon(-3600))
    for _ in range(2):
        async with running_bot(server, db) as app:
            await server.wait_for(lambda: server.messages(USER), what="the reminder")
            assert (await sent_reminder(server, app, reminder_id)).late
    assert len(server.messages(USER)) == 1


async def test_reminder_buttons_snooze_done_and_follow_up(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        store = await saved_after_tace(server, app)
        ids = [u.reminder.id for u in store.upcoming_reminders(USER)]
        assert len(ids) >= 2
        for reminder_id in ids:
            store.snooze(USER, reminder_id, soon(0.2))
        services(app).reminders.schedule(app.job_queue, ids)  # type: ignore[arg-type]
        fired = [await server.next_message(USER, timeout=10) for _ in ids]
        server.push_button(USER, fired[0].message_id, "Snooze a day")
        snoozed = await server.next_message(USER)
        assert snoozed.text.startswith("Snoozed until ")
        first = store.reminder(ids[0])
        assert first is not None
        assert first.status == "pending"
        assert first.snoozed_until is not None
        assert first.snoozed_until == tomorrow_at_eight()
        server.push_button(USER, fired[1].message_id, "Done")
        assert (await server.next_message(USER)).text == "Marked done."
        assert store.reminder(ids[1]).status == "done"  # type: ignore[union-attr]
        await server.wait_for(
            lambda: fired[0].text.endswith(f"{CHOSEN} Snooze a day"), what="the choice shown"
        )


def tomorrow_at_eight() -> datetime:
    """The reminder time of the next day (LIVERBOT_REMINDER_TIME 08:00 in UTC, the defaults)."""
    return datetime.combine(datetime.now(UTC).date() + timedelta(days=1), time(8, 0), UTC)


async def test_follow_up_button_starts_the_follow_up_for_that_patient(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        store = await saved_after_tace(server, app)
        reminder_id = store.upcoming_reminders(USER)[0].reminder.id
        store.snooze(USER, reminder_id, soon(0.1))
        services(app).reminders.schedule(app.job_queue, [reminder_id])  # type: ignore[arg-type]
        fired = await server.next_message(USER, timeout=10)
        server.push_button(USER, fired.message_id, "Enter follow-up findings")
        prompt = await server.next_message(USER)
        state = store.load_dialogue(USER, USER)
        assert state is not None
        assert state["flow"] == "followup"
        assert state["label"] == "bed7"
        assert "intervention" in prompt.text.lower()
        assert prompt.text.startswith("bed7 · follow-up · 1/")
        pending = store.reminder(reminder_id)
        assert pending is not None
        assert (pending.status, pending.snoozed_until) == ("pending", tomorrow_at_eight())
        server.push_text(USER, "/cancel")
        await server.next_message(USER)
        assert store.reminder(reminder_id).status == "pending"  # type: ignore[union-attr]
        assert [u.reminder.id for u in store.upcoming_reminders(USER)].count(reminder_id) == 1


async def test_a_clinician_who_blocked_the_bot_has_reminders_paused(
    server: FakeBotApi, db: Path
) -> None:
    with Store(db) as store:
        first = add_reminder(store, soon(0.5))
        later = add_reminder(store, soon(3000), label="bed9")
    server.faults.block_chat(USER)
    async with running_bot(server, db) as app:
        store = services(app).store
        await eventually(
            lambda: store.reminder(first).status == "paused",  # type: ignore[union-attr]
            what="the pause",
        )
        assert store.reminder(later).status == "paused"  # type: ignore[union-attr]
        assert store.clinician(USER).reminders_paused  # type: ignore[union-attr]
        server.faults.unblock_chat(USER)
        server.push_text(USER, "/reminders")
        await server.wait_for(
            lambda: any(m.text.startswith("Reminder for bed7") for m in server.messages(USER)),
            timeout=10, what="the resumed reminder",
        )  # fmt: skip
        await sent_reminder(server, app, first)
        assert store.reminder(later).status == "pending"  # type: ignore[union-attr]


async def test_an_internal_error_says_sorry_and_keeps_the_dialogue(
    server: FakeBotApi, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_bot(server, db) as app:
        server.push_text(USER, "/new")
        prompt = await server.next_message(USER)
        for value in ("bed7", "66", "0"):
            prompt = await answer(server, app, prompt, value)
        assistant = services(app).assistant
        real = assistant.handle
        calls = []
        secret = "bed7, 1.2 mg/dL"

        def broken(owner_id: int, chat_id: int, text: str, *args: str | None) -> object:
            calls.append(text)
            if len(calls) == 1:
                raise RuntimeError(f"{secret}: a message that must not reach the log")
            return real(owner_id, chat_id, text, *args)

        monkeypatch.setattr(assistant, "handle", broken)
        server.push_text(USER, "hcc")
        sorry = await server.next_message(USER)
        assert sorry.text == SORRY
        where = await server.next_message(USER)
        heading, question = where.text.split("\n")
        assert (heading.rsplit("/", 1)[0], question) == ("bed7 · intake · 4", "Tumour type?")
        assert assistant.dialogue_step(USER, USER) == "tumour_type"
        server.push_text(USER, "hcc")
        await server.next_message(USER)
        assert assistant.dialogue_step(USER, USER) == "count"


async def test_edits_and_photos_are_answered_not_applied(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        server.push_text(USER, "/new")
        await server.next_message(USER)
        chat = server.chat(USER)
        sticker = {"message_id": chat.allocate_id(), "date": 0, "chat": chat.chat,
                   "from": chat.user, "sticker": {"file_id": "s", "file_unique_id": "s",
                   "type": "regular", "width": 1, "height": 1, "is_animated": False,
                   "is_video": False}}  # fmt: skip
        server.push_update("message", sticker)
        assert (await server.next_message(USER)).text == NOT_TEXT
        server.push_update(
            "edited_message", {**sticker, "sticker": None, "text": "bed9", "edit_date": 1}
        )
        assert (await server.next_message(USER)).text == EDITED
        assert services(app).assistant.dialogue_step(USER, USER) == "label"


async def test_scheduling_a_reminder_twice_keeps_one_job(server: FakeBotApi, db: Path) -> None:
    with Store(db) as store:
        reminder_id = add_reminder(store, soon(600))
    async with running_bot(server, db) as app:
        scheduler = services(app).reminders
        scheduler.schedule(app.job_queue, [reminder_id, reminder_id])  # type: ignore[arg-type]
        scheduler.sweep_now(app.job_queue)  # type: ignore[arg-type]
        await asyncio.sleep(0)  # let removals settle in the scheduler
        names = [j.name for j in app.job_queue.jobs()]  # type: ignore[union-attr]
        assert names.count(job_name(reminder_id)) == 1


async def test_reminders_saved_from_the_terminal_are_not_sent_to_telegram(
    server: FakeBotApi, db: Path
) -> None:
    with Store(db) as store:
        reminder_id = add_reminder(store, soon(-60), user=TERMINAL_OWNER)
        mine = add_reminder(store, soon(-60))
    async with running_bot(server, db) as app:
        await sent_reminder(server, app, mine)
        assert services(app).store.reminder(reminder_id).status == "pending"  # type: ignore[union-attr]
        assert app.job_queue.get_jobs_by_name(job_name(reminder_id)) == ()  # type: ignore[union-attr]


async def test_a_backlog_beyond_the_job_cap_is_sent_by_later_sweeps(
    server: FakeBotApi, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reminders, "MAX_JOBS", 2)
    monkeypatch.setattr(reminders, "SWEEP_EVERY", timedelta(seconds=0.3))
    with Store(db) as store:
        ids = [add_reminder(store, soon(-60 + i), label=f"bed{i}") for i in range(5)]
    async with running_bot(server, db) as app:
        scheduler = services(app).reminders
        assert len(scheduler.jobs) + len(scheduler.in_flight) <= 2
        for reminder_id in ids:
            await sent_reminder(server, app, reminder_id)
    texts = sorted(reminders_received(server))
    assert texts == [f"Reminder for bed{i}" for i in range(5)]


# -- the README's promises about reminders and updates (issue 11) ------------------------------------


QUICK_AFTER_TACE = (
    "/quick bed7 age=66 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1"
    " ascites=none he=none last=10d recovered=5d"
)
"""A plan 10 days after a TACE: it saves reminders for the imaging and the window ahead."""


@pytest.mark.parametrize(
    ("zone", "at", "utc_day_shift", "utc_at"),
    [
        ("Asia/Shanghai", "07:30", -1, time(23, 30)),  # UTC+8: the evening before, in UTC
        ("UTC", "08:00", 0, time(8, 0)),  # the defaults
        ("America/Sao_Paulo", "21:15", 1, time(0, 15)),  # UTC-3: past midnight UTC
    ],
)
async def test_reminders_fire_at_the_reminder_time_in_the_clinics_zone(
    server: FakeBotApi, db: Path, zone: str, at: str, utc_day_shift: int, utc_at: time
) -> None:
    settings = {"LIVERBOT_TZ": zone, "LIVERBOT_REMINDER_TIME": at}
    async with running_bot(server, db, **settings) as app:
        server.push_text(USER, QUICK_AFTER_TACE)
        saved = await server.next_message(USER)  # the plan, with its reminders in the detail
        listed = (saved.text or "").split("\nReminders:\n", 1)[1].split("\n\n", 1)[0]
        days = [date.fromisoformat(line[2:12]) for line in listed.splitlines()]
        upcoming = [u.reminder for u in services(app).store.upcoming_reminders(USER)]
    assert len(days) == 3, saved.text
    assert [r.fires_at for r in upcoming] == [
        datetime.combine(day + timedelta(days=utc_day_shift), utc_at, UTC) for day in days
    ]


def reminders_received(server: FakeBotApi) -> list[str]:
    """What the clinician was reminded of, one entry per message received ("Reminder for bed7")."""
    return [(m.text or "").split(":")[0] for m in server.messages(USER)]


async def wait_until_settled(app: App, *schedulers: reminders.ReminderScheduler) -> None:
    """Until no reminder job is left and none is being sent: a second send would be done."""

    def settled() -> bool:
        pending = [j for j in app.job_queue.jobs() if j.name != reminders.SWEEP_JOB]  # type: ignore[union-attr]
        return not pending and not any(s.in_flight for s in schedulers)

    await eventually(settled, what="every reminder job finished")


async def test_two_schedulers_send_a_reminder_once(server: FakeBotApi, db: Path) -> None:
    # A slow first send keeps the reminder unsent while the other job runs: only the claim
    # can stop the second sender.
    server.faults.add("sendMessage", Fault.slow(1.0), times=1)
    async with running_bot(server, db) as app:
        scheduler = services(app).reminders
        reminder_id = add_reminder(services(app).store, soon(-1))  # due, no job yet
        with Store(db) as other:  # a second sender on its own connection, as a second process
            twin = reminders.ReminderScheduler(other, services(app).assistant, 25.0)
            # Both sweep before either job can run (no await in between).
            assert scheduler.sweep_now(app.job_queue) == 1  # type: ignore[arg-type]
            assert twin.sweep_now(app.job_queue) == 1  # type: ignore[arg-type]
            assert len(app.job_queue.get_jobs_by_name(job_name(reminder_id))) == 2  # type: ignore[union-attr]
            await sent_reminder(server, app, reminder_id)
            await wait_until_settled(app, scheduler, twin)
    assert reminders_received(server) == ["Reminder for bed7"]


async def test_one_job_run_three_times_at_once_sends_once(server: FakeBotApi, db: Path) -> None:
    server.faults.add("sendMessage", Fault.slow(1.0), times=1)
    async with running_bot(server, db) as app:
        scheduler = services(app).reminders
        reminder_id = add_reminder(services(app).store, soon(-1))
        scheduler.schedule(app.job_queue, [reminder_id])  # type: ignore[arg-type]
        (job,) = app.job_queue.get_jobs_by_name(job_name(reminder_id))  # type: ignore[union-attr]
        await asyncio.gather(job.run(app), job.run(app))  # and the queue runs it once more
        await sent_reminder(server, app, reminder_id)
        await wait_until_settled(app, scheduler)
    assert reminders_received(server) == ["Reminder for bed7"]


async def test_reminders_due_at_once_are_paced_at_the_reminder_rate(
    server: FakeBotApi, db: Path
) -> None:
    rate, count = 4.0, 6
    async with running_bot(server, db, LIVERBOT_REMINDER_RATE=rate) as app:
        scheduler = services(app).reminders
        clock = FakeClock()
        scheduler.pacer.clock, scheduler.pacer.sleep = clock.time, clock.sleep
        due = soon(-1)  # all fell due in the same instant
        ids = [add_reminder(services(app).store, due, label=f"bed{i}") for i in range(count)]
        scheduler.schedule(app.job_queue, ids)  # type: ignore[arg-type]
        for reminder_id in ids:
            await sent_reminder(server, app, reminder_id)
    # The fake clock stands still between sends, so each send after the first waits a full gap.
    assert clock.sleeps == pytest.approx([1 / rate] * (count - 1))
    assert len(server.messages(USER)) == count


async def test_a_redelivered_update_is_answered_again_and_applied_once(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        for text in ("/new", "bed7", "66", "0", "hcc"):
            server.push_text(USER, text)
            await server.next_message(USER)
        # "2" answers the nodule count, and would answer the largest size too if applied twice.
        update = server.push_text(USER, "2")
        asked = await server.next_message(USER)
        server.redeliver(update)
        again = await server.next_message(USER)
        assert again.text == asked.text
        assert services(app).assistant.dialogue_step(USER, USER) == "largest_cm"
        answers = services(app).store.load_dialogue(USER, USER)["answers"]  # type: ignore[index]
        assert answers["count"] == 2
        assert "largest_cm" not in answers
