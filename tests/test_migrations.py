"""A database written by the liverbot before issue 10 is upgraded with everything in it kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from bot.assistant import Assistant
from bot.conversation import Conversation
from bot.settings import Settings
from bot.store import Store
from bot.store.schema import KNOWN_MIGRATIONS, migrations

OLD_STATE = {
    "flow": "intake", "version": 1, "state": "count", "answers": {"label": "bed7",
    "tumour_type": "hcc"}, "history": ["label", "tumour_type"], "pending": None, "label": None,
    "assumed": [],
}  # fmt: skip
"""A dialogue saved by the old code: no id, none of the new fields."""
OLD_REPLY = [{"text": "How many nodules?", "buttons": [[["1", "q:count:1"]]]}]
"""A reply stored in Telegram's button format, as the old conversation layer kept it."""
TS = "2026-11-02T08:30:00.000000Z"


def old_database(path: Path) -> None:
    """The schema of the first two migrations, and a patient with two plans, reminders of both,
    a dialogue in progress and the chat's last reply, as the old liverbot left them."""
    db = Database(path)
    migrations.apply(db, stop_before=KNOWN_MIGRATIONS[2])
    run = db.execute
    run("INSERT INTO clinicians (user_id, chat_id, first_seen) VALUES (1, 1, ?)", (TS,))
    run(
        "INSERT INTO patients (owner_id, label, label_key, created_at) VALUES (1, 'bed7', 'bed7', ?)",
        (TS,),
    )
    for n, (decision, at) in enumerate(
        [("ethanol_injection", "2026-11-01T08:00:00.000000Z"), ("hold", "2026-11-02T08:00:00.000000Z")]
    ):  # fmt: skip
        run(
            'INSERT INTO assessments (patient_id, created_at, kind, answers, "case", plan,'
            " planner_version, decision) VALUES (1, ?, 'quick', '{}', '{}', ?, '1', ?)",
            (at, json.dumps({"decision": decision, "n": n}), decision),
        )
    for assessment_id, kind, due in [
        (1, "window_opens", "2026-12-20T08:00:00.000000Z"),
        (2, "imaging_due", "2027-01-20T08:00:00.000000Z"),
    ]:
        run(
            "INSERT INTO reminders (patient_id, owner_id, chat_id, assessment_id, kind, due_at,"
            " created_at) VALUES (1, 1, 1, ?, ?, ?, ?)",
            (assessment_id, kind, due, TS),
        )
    run(
        "INSERT INTO dialogues (owner_id, chat_id, state, updated_at) VALUES (1, 1, ?, ?)",
        (json.dumps(OLD_STATE), TS),
    )
    run(
        "INSERT INTO chat_replies (owner_id, chat_id, update_id, messages, at) VALUES (1, 1, 50, ?, ?)",
        (json.dumps(OLD_REPLY), TS),
    )
    db.conn.commit()
    db.close()


def test_an_old_database_is_upgraded_and_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_database(path)
    now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with Store(path, clock=lambda: now) as store:
        assert [name for name, _ in store.applied_migrations()] == KNOWN_MIGRATIONS
        patient = store.find_patient(1, "bed7")
        assert patient is not None
        assert [a.decision for a in store.assessments(1, "bed7")] == ["ethanol_injection", "hold"]
        old_plan, current = (store.reminder(i) for i in (1, 2))
        assert old_plan is not None
        assert current is not None
        assert (old_plan.status, current.status) == ("cancelled", "pending")
        state = store.load_dialogue(1, 1)
        assert state is not None
        assert state["id"] >= 1
        assert {k: v for k, v in state.items() if k != "id"} == OLD_STATE
        assert store.new_dialogue_id(1, 1) > state["id"]
        assistant = Assistant(store, Settings(LIVERBOT_DB=path), clock=lambda: now)
        prompt = assistant.resume_prompt(1, 1)
        assert prompt is not None
        # age and ECOG, asked first since issue 13, are still to come: count is the 5th
        assert prompt.text.startswith("bed7 · intake · 5/")
        assert {b.action.dialogue for b in prompt.buttons} <= {state["id"]}
        conversation = Conversation(store, assistant, lambda: now)
        again = conversation.process(1, 1, 50, "2")
        assert again.repeat
        assert [m.text for m in again.messages] == ["How many nodules?"]
        assert [m.buttons for m in again.messages] == [[]]
        conversation.process(1, 1, 51, "2")
        assert assistant.dialogue_step(1, 1) == "age", "what it lacks is asked, not skipped"
        (row,) = assistant.handle(1, 1, "/patients").messages
        assert row.text == "Your patients:\nbed7: hold, next 2027-01-20"
