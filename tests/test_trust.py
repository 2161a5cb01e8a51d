"""Issue 10's reproductions, each through the real bot against the fake Bot API.

Never the wrong patient, never a silent default, never a stale reminder: a press from another
dialogue changes nothing, typed text is never a press, a line with a problem saves nothing, a new
plan supersedes the old one's reminders, and an unfinished dialogue is not replaced unasked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.assistant import ANSWERED, OTHER_DIALOGUE, Assistant, duration
from bot.settings import Settings
from bot.store import DueReminder, Store
from bot.tg import ratelimit
from bot.tg.app import App
from bot.tg.callbacks import CHOSEN
from tests.botkit import (
    AFTER_TACE,
    USER,
    add_reminder,
    answer,
    answer_data,
    intake,
    running_bot,
    services,
    soon,
)
from tests.fakebotapi import ChatMessage, FakeBotApi, Fault

LINE = "age=66 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 ascites=none he=none"
"""A complete quick check (super-selective TACE, BCLC B) without a label."""


async def say(server: FakeBotApi, text: str, replies: int = 1) -> list[ChatMessage]:
    """Type `text`; the bot's next `replies` messages."""
    server.push_text(USER, text)
    return [await server.next_message(USER) for _ in range(replies)]


async def press(server: FakeBotApi, message: ChatMessage, label: str) -> ChatMessage:
    """Press the button showing `label`; the bot's next message."""
    server.push_button(USER, message.message_id, label)
    return await server.next_message(USER)


async def refused(server: FakeBotApi, message: ChatMessage, data: str) -> str | None:
    """Press `data` on `message` as a forged or stale press; the callback answer's text."""
    before = len(server.requests_for("answerCallbackQuery"))
    server.push_callback(USER, message.message_id, data, check_button=False)
    request = await server.wait_for_request("answerCallbackQuery", count=before + 1)
    return request.params.get("text")  # type: ignore[no-any-return]


async def to_lipiodol(server: FakeBotApi, app: App, prompt: ChatMessage) -> ChatMessage:
    """A follow-up from its first question up to the lipiodol question; that question's message.

    No session is recorded, so the last intervention and the session count are asked first,
    then the imaging day."""
    for value in ("50d", "2", "today"):
        prompt = await answer(server, app, prompt, value)
    assert services(app).assistant.dialogue_step(USER, USER) == "lipiodol"
    return prompt


async def no_keyboard(server: FakeBotApi, message: ChatMessage) -> None:
    """Wait until the bot removed the message's buttons (done after the reply, best effort)."""
    await server.wait_for(lambda: message.reply_markup is None, what="the keyboard removed")


# -- every button belongs to one dialogue ----------------------------------------------------------


async def test_an_old_button_of_another_patients_dialogue_changes_nothing(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        for label in ("bed7", "bed9"):
            await say(server, f"/quick {label} {LINE}")
        (first,) = await say(server, "/followup bed7")
        bed7_lipiodol = await to_lipiodol(server, app, first)
        assert bed7_lipiodol.text.startswith("bed7 · follow-up · 4/")
        sparse = answer_data(bed7_lipiodol, "lipiodol", "sparse")
        assert sparse is not None
        (ask,) = await say(server, "/followup bed9")
        assert ask.text.startswith("bed7's follow-up has 3 answers: Continue it, or Start over")
        first = await press(server, ask, "Start over")
        await no_keyboard(server, bed7_lipiodol)
        bed9_lipiodol = await to_lipiodol(server, app, first)
        assert bed9_lipiodol.text.startswith("bed9 · follow-up · 4/")
        assert await refused(server, bed7_lipiodol, sparse) == OTHER_DIALOGUE
        state = services(app).store.load_dialogue(USER, USER)
        assert state is not None
        assert (state["label"], state["state"]) == ("bed9", "lipiodol")
        assert "lipiodol" not in state["answers"]


async def test_keep_it_of_a_cancelled_dialogue_does_not_label_the_next(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        await say(server, "/new")
        (warning,) = await say(server, "Anna Schmidt")
        keep = answer_data(warning, "label", "keep")
        assert keep is not None
        await say(server, "/cancel")
        await no_keyboard(server, warning)
        await say(server, "/new")
        assert await refused(server, warning, keep) == OTHER_DIALOGUE
        state = services(app).store.load_dialogue(USER, USER)
        assert state is not None
        assert (state["state"], state["answers"]) == ("label", {})


async def test_a_pressed_question_of_the_same_dialogue_is_answered_once(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        (prompt,) = await say(server, "/new")
        for value in ("bed7", "66"):
            prompt = await answer(server, app, prompt, value)
        type_prompt = await answer(server, app, prompt, "0")
        hcc = answer_data(type_prompt, "tumour_type", "hcc")
        assert hcc is not None
        await answer(server, app, type_prompt, "hcc")
        assert await refused(server, type_prompt, hcc) == ANSWERED
        assert services(app).assistant.dialogue_step(USER, USER) == "count"


@pytest.mark.parametrize("typed", ["forget-yes:1", "f:::1:", "c:forget-yes:1", "rd:::1:"])
async def test_typed_text_is_never_a_press(server: FakeBotApi, db: Path, typed: str) -> None:
    async with running_bot(server, db) as app:
        await say(server, f"/quick bed7 {LINE}")
        store = services(app).store
        patient = store.find_patient(USER, "bed7")
        assert patient is not None
        assert patient.id == 1
        (reply,) = await say(server, typed)
        assert reply.text.startswith("Send /new for an assessment")
        assert store.find_patient(USER, "bed7") == patient


async def test_a_failed_edit_never_blocks_the_next_question(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        (prompt,) = await say(server, "/new")
        for value in ("bed7", "66"):
            prompt = await answer(server, app, prompt, value)
        type_prompt = await answer(server, app, prompt, "0")
        server.faults.add("editMessageText", Fault.bad_request("message can't be edited"))
        count_prompt = await answer(server, app, type_prompt, "hcc")
        assert count_prompt.text.endswith("How many nodules?")
        assert services(app).assistant.dialogue_step(USER, USER) == "count"
        await answer(server, app, count_prompt, "2")
        assert services(app).store.load_dialogue(USER, USER)["answers"]["count"] == 2  # type: ignore[index]
        assert [m.text for m in server.messages(USER) if "went wrong" in m.text] == []


async def test_an_edit_failing_for_long_holds_up_nothing_for_long(
    server: FakeBotApi, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "EDIT_RETRY_FOR_S", 1.0)
    async with running_bot(server, db) as app:
        (prompt,) = await say(server, "/new")
        for value in ("bed7", "66"):
            prompt = await answer(server, app, prompt, value)
        type_prompt = await answer(server, app, prompt, "0")
        server.faults.add("editMessageText", Fault.server_error(), times=None, duration=60.0)
        count_prompt = await answer(server, app, type_prompt, "hcc")
        assert count_prompt.text.endswith("How many nodules?")
        server.push_text(USER, "2")
        # Well within the 60-s fault: the next question did not wait for the edit to succeed.
        size_prompt = await server.next_message(USER, timeout=30)
        assert size_prompt.text.endswith("Largest nodule diameter, in cm?")


async def test_a_command_with_the_bots_name_is_read_once_in_the_adapter(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        (prompt,) = await say(server, f"/new@{app.bot.username}")
        assert prompt.text.startswith("new patient · intake · 1/")
        (cancelled,) = await say(server, f"/cancel@{app.bot.username}")
        assert cancelled.text == "Cancelled."
        (unknown,) = await say(server, "/new@some_other_bot")
        assert unknown.text.startswith("Send /new for an assessment")


# -- never replace an unfinished dialogue without asking -------------------------------------------


@pytest.mark.parametrize("command", ["/new", f"/quick bed9 {LINE}"])
async def test_an_unfinished_dialogue_is_replaced_only_when_asked(
    server: FakeBotApi, db: Path, command: str
) -> None:
    async with running_bot(server, db) as app:
        (prompt,) = await say(server, "/new")
        for value in ("bed7", "66", "0", "hcc"):
            prompt = await answer(server, app, prompt, value)
        (ask,) = await say(server, command)
        assert ask.text.startswith("bed7's intake has 4 answers: Continue it, or Start over")
        assert [b["text"] for b in ask.buttons()] == ["Continue", "Start over"]
        (again,) = await say(server, "3")  # typed while asked: not an answer to the question
        assert again.text.startswith("Tap Continue or Start over first")
        store = services(app).store
        assert "count" not in store.load_dialogue(USER, USER)["answers"]  # type: ignore[index]
        resumed = await press(server, ask, "Continue")
        assert resumed.text.startswith("bed7 · intake · 5/")
        assert store.load_dialogue(USER, USER)["answers"]["label"] == "bed7"  # type: ignore[index]
        (ask,) = await say(server, command)
        await press(server, ask, "Start over")
        state = store.load_dialogue(USER, USER)
        if command == "/new":
            assert state is not None
            assert (state["state"], state["answers"]) == ("label", {})
        else:
            assert state is None
            assert store.find_patient(USER, "bed9") is not None
        await server.wait_for(
            lambda: ask.text.endswith(f"{CHOSEN} Start over"), what="the choice shown"
        )


# -- the quick check is strict ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (f"e1 {LINE} ehs=lung", "ehs=lung: Answer yes or no. Did you mean ehs=yes?"),
        (f"e1 {LINE} type=cholangio", "Did you mean type=icc?"),
        (f"e1 {LINE} tpye=icc", "unknown key 'tpye': did you mean type=?"),
        (f"e1 {LINE} ehss=yes", "unknown key 'ehss': did you mean ehs=?"),
        (f"e1 {LINE} dialysis=2x", "Did you mean dialysis=yes?"),
        (f"f1 {LINE} last=2026-13-01 lipiodol=dense", "last=2026-13-01: Send a date"),
        (f"d1 {LINE} age=80", "age is given twice (age=66, age=80): give it once"),
        (f"bed 7 {LINE}", "the label has a space ('bed 7')"),
    ],
    ids=["ehs", "type", "tpye", "ehss", "dialysis", "last", "repeat", "space"],
)
async def test_a_quick_line_with_a_problem_saves_nothing(
    server: FakeBotApi, db: Path, line: str, problem: str
) -> None:
    async with running_bot(server, db) as app:
        (reply,) = await say(server, f"/quick {line}")
        assert problem in reply.text
        assert reply.text.endswith("Nothing was planned or saved: send the corrected line.")
        assert "Child-Pugh" not in reply.text
        store = services(app).store
        assert store.list_patients(USER) == []
        assert store.load_dialogue(USER, USER) is None
        assert store.audit_entries() == []


async def test_a_quick_line_with_a_problem_leaves_the_dialogue_alone(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        (prompt,) = await say(server, "/new")
        await answer(server, app, prompt, "bed7")
        (reply,) = await say(server, f"/quick bed9 {LINE} he=1-2x")
        assert "he=1-2x" in reply.text
        assert services(app).assistant.dialogue_step(USER, USER) == "age"


# -- a new plan supersedes the old one's reminders -------------------------------------------------

MARGINAL = f"{LINE} last=30d recovered=25d lipiodol=dense_marginal_defect necrosis=yes new=no progression=no"
HOLD = f"{LINE} last=30d recovered=25d lipiodol=dense necrosis=yes new=no progression=no"


async def test_a_new_plan_supersedes_the_old_plans_reminders(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        store = services(app).store
        (plan,) = await say(server, f"/quick bed7 {MARGINAL}")
        assert plan.text.startswith("Ethanol injection · bed7")
        old = [u.reminder for u in store.upcoming_reminders(USER)]
        assert {r.kind for r in old} >= {"window_opens", "window_closes"}
        (plan,) = await say(server, f"/quick bed7 {HOLD}")
        assert plan.text.startswith("Hold · bed7")
        assert "\n✅ Saved for bed7 (replaces the previous plan and its reminders)" in plan.text
        patient = store.find_patient(USER, "bed7")
        assert patient is not None
        current = store.latest_assessment(USER, patient.id)
        assert current is not None
        pending = [u.reminder for u in store.upcoming_reminders(USER)]
        assert all(r.assessment_id == current.id for r in pending)
        for reminder in old:
            now = store.reminder(reminder.id)
            assert now is not None
            assert now.status == "cancelled" or now.assessment_id == current.id
        (listing,) = await say(server, "/reminders")
        assert "window" not in listing.text
        (patients,) = await say(server, "/patients")
        expected = min([r.fires_at.date() for r in pending] + [current.next_due])  # type: ignore[list-item]
        assert patients.text == f"Your patients:\nbed7: hold, next {expected.isoformat()}"


async def test_saving_the_follow_up_marks_its_reminder_done(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        await intake(server, app, AFTER_TACE)  # the plan and its save, one message
        store = services(app).store
        reminder_id = store.upcoming_reminders(USER)[0].reminder.id
        store.snooze(USER, reminder_id, soon(0.1))
        services(app).reminders.schedule(app.job_queue, [reminder_id])  # type: ignore[arg-type]
        fired = await server.next_message(USER, timeout=10)
        prompt = await press(server, fired, "Enter follow-up findings")
        assert store.reminder(reminder_id).status == "pending"  # type: ignore[union-attr]
        script = {"last_intervention": "60d", "recovered_on": "50d", "sessions": "1",
                  "imaged": "yes", "measured_on": "/skip", "lipiodol": "dense", "necrosis": "yes",
                  "new_lesions": "no",
                  "progression": "no", "response": "/skip", "viable_sum_mm": "/skip",
                  "viable_over_50pct": "/skip", "labs": "reuse", "summary": "confirm"}  # fmt: skip
        while (step := services(app).assistant.dialogue_step(USER, USER)) is not None:
            prompt = await answer(server, app, prompt, script[step])
        assert "\n✅ Saved for bed7" in prompt.text
        assert store.reminder(reminder_id).status == "done"  # type: ignore[union-attr]


async def test_a_late_reminder_says_how_late(server: FakeBotApi, db: Path) -> None:
    with Store(db) as store:
        store.touch_clinician(USER, USER)
        patient = store.get_or_create_patient(USER, "bed7")
        store.add_reminders(USER, patient.id, USER, [DueReminder("imaging_due", soon(-7500))])
    async with running_bot(server, db):
        message = await server.next_message(USER, timeout=10)
        assert message.text.startswith("Reminder for bed7: follow-up imaging due")
        assert "\nLate by 2 h 5 min: it could not be sent on time." in message.text


# -- label reuse -----------------------------------------------------------------------------------


async def test_a_reused_label_asks_same_patient_or_new_label(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        store = services(app).store
        await say(server, f"/quick bed7 {LINE}")
        (ask,) = await say(server, f"/quick bed7 {LINE.replace('age=66', 'age=80')}")
        today = datetime.now(UTC).date().isoformat()
        assert ask.text == (
            f"bed7 has a plan from {today} (age 66 then, 80 now). Same patient, or a New label? "
            "Nothing is saved yet."
        )
        assert len(store.assessments(USER, "bed7")) == 1
        plan = await press(server, ask, "Same patient")
        assert plan.text.startswith("Plain chemo-embolization (ultra-selective) · bed7\n")
        assert "\n✅ Saved for bed7\n" in plan.text
        assert [a.case["age"] for a in store.assessments(USER, "bed7")] == [66, 80]
        (ask,) = await say(
            server, f"/quick bed7 {LINE.replace('age=66', 'age=80')} type=metastasis"
        )
        assert "(tumour type hcc then, metastasis now)" in ask.text
        (again,) = await say(server, "yes")
        assert again.text.startswith("Tap Same patient or New label first")
        prompt = await press(server, ask, "New label")
        assert prompt.text.startswith("Send the new label")
        (warned,) = await say(server, "Anna Schmidt")
        assert warned.text.startswith("⚠ 'Anna Schmidt' looks like a person's name")
        (plan,) = await say(server, "bed8")
        assert "\n✅ Saved for bed8\n" in plan.text
        assert len(store.assessments(USER, "bed7")) == 2
        assert [a.case["tumour"]["type"] for a in store.assessments(USER, "bed8")] == [
            "metastasis"
        ]
        assert store.load_dialogue(USER, USER) is None


async def test_a_label_of_the_same_patient_a_course_later_is_not_questioned(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        await say(server, f"/quick bed7 {LINE}")
        (plan,) = await say(server, f"/quick bed7 {LINE.replace('age=66', 'age=67')}")
        assert "\n✅ Saved for bed7" in plan.text
        assert len(services(app).store.assessments(USER, "bed7")) == 2


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(minutes=12, seconds=59), "12 min"),
        (timedelta(hours=3, minutes=5), "3 h 5 min"),
        (timedelta(days=2, hours=3, minutes=7), "2 d 3 h"),
    ],
)
def test_how_late_is_said_to_the_minute(delta: timedelta, words: str) -> None:
    assert duration(delta) == words


@pytest.mark.parametrize(
    ("missed_while_down", "behind", "said"),
    [
        (True, timedelta(seconds=50), False),
        (True, timedelta(seconds=70), True),  # missed while down: late from a minute
        (False, timedelta(minutes=14), False),  # a slow send is not news below 15 minutes
        (False, timedelta(minutes=16), True),
    ],
)
def test_a_reminder_says_it_is_late_from_a_minute_if_missed_while_down_else_from_15(
    tmp_path: Path, missed_while_down: bool, behind: timedelta, said: bool
) -> None:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    db = tmp_path / "l.db"
    with Store(db, clock=lambda: now) as store:
        assistant = Assistant(store, Settings(LIVERBOT_DB=db), clock=lambda: now)
        reminder = store.reminder(add_reminder(store, now - behind))
        assert reminder is not None
        message = assistant.reminder_message(reminder, late=missed_while_down)
    assert message is not None
    assert ("\nLate by " in message.text) is said
