"""The SQLite store: round trips, owner isolation, forgetting, reminders, locking, bad files."""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from bot.store import (
    Assessment,
    AuditEntry,
    Clinician,
    DueReminder,
    NotFound,
    Patient,
    PatientSummary,
    Reminder,
    Store,
    StoreError,
    UpcomingReminder,
)
from bot.store.schema import KNOWN_MIGRATIONS

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
TABLES = ("clinicians", "patients", "assessments", "dialogues", "reminders", "audit")


class Clock:
    """A settable clock, so stored times are exact."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "liverbot.db"


@pytest.fixture
def store(db_path: Path, clock: Clock) -> Iterator[Store]:
    with Store(db_path, clock=clock) as s:
        yield s


def raw(path: Path) -> sqlite3.Connection:
    """A second, plain connection, to look at the file as another process would."""
    return sqlite3.connect(path, timeout=15)


def count(path: Path, sql: str, params: tuple[object, ...] = ()) -> int:
    conn = raw(path)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()


def at(day: int, hour: int = 8) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


def intake(store: Store, patient: Patient, decision: str = "tace", due: date | None = None) -> int:
    return store.save_assessment(
        patient.owner_id,
        patient.id,
        "intake",
        {"bilirubin": 1.1},
        {"albumin": 38},
        {"decision": decision, "bclc": "B"},
        "1.0.0",
        due,
    )


# ---------------------------------------------------------------------------------------------------------
# Opening, settings, migrations


def test_connection_settings(store: Store) -> None:
    assert store.pragmas() == {
        "journal_mode": "wal",
        "busy_timeout": 15000,
        "synchronous": 2,  # FULL
        "foreign_keys": 1,
        "secure_delete": 1,
    }


def test_wal_mode_is_in_the_file(store: Store, db_path: Path) -> None:
    conn = raw(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_creates_missing_file_with_every_table(db_path: Path) -> None:
    assert not db_path.exists()
    with Store(db_path) as store:
        assert [name for name, _ in store.applied_migrations()] == KNOWN_MIGRATIONS
    conn = raw(db_path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    assert set(TABLES) <= tables


def test_migrations_are_idempotent_and_data_kept(db_path: Path, clock: Clock) -> None:
    with Store(db_path, clock=clock) as store:
        first = store.applied_migrations()
        patient = store.get_or_create_patient(1, "P-01")
    schema = _schema(db_path)
    with Store(db_path, clock=clock) as store:
        assert store.applied_migrations() == first
        assert store.find_patient(1, "P-01") == patient
    with Store(db_path, clock=clock) as store:
        assert store.applied_migrations() == first
    assert _schema(db_path) == schema
    assert count(db_path, "SELECT count(*) FROM _sqlite_migrations") == len(KNOWN_MIGRATIONS)


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = raw(path)
    try:
        return conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def test_reopen_after_close_keeps_everything(db_path: Path, clock: Clock) -> None:
    with Store(db_path, clock=clock) as store:
        patient = store.get_or_create_patient(1, "P-01")
        assessment_id = intake(store, patient, due=date(2025, 4, 1))
        reminders = store.add_reminders(1, patient.id, 10, [("imaging_due", at(20))])
        store.save_dialogue(1, 10, {"step": "albumin", "answers": {"bilirubin": 1.1}})
        store.touch_clinician(1, 10)
    with Store(db_path, clock=clock) as store:
        assert store.find_patient(1, "p-01") == patient
        latest = store.latest_assessment(patient.owner_id, patient.id)
        assert latest is not None
        assert latest.id == assessment_id
        assert store.pending_reminders() == reminders
        assert store.load_dialogue(1, 10) == {"step": "albumin", "answers": {"bilirubin": 1.1}}
        assert store.clinician(1) == Clinician(1, 10, T0, reminders_paused=False)


def test_close_is_idempotent_and_closed_store_refuses(db_path: Path) -> None:
    store = Store(db_path)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.find_patient(1, "P-01")
    with pytest.raises(StoreError, match="closed"):
        store.save_dialogue(1, 1, {})


def test_context_manager_closes(db_path: Path) -> None:
    with Store(db_path) as store:
        pass
    with pytest.raises(StoreError, match="closed"):
        store.list_patients(1)


# ---------------------------------------------------------------------------------------------------------
# Files that must be refused, and left exactly as they were


def _snapshot(path: Path) -> tuple[bytes, list[str]]:
    return path.read_bytes(), sorted(os.listdir(path.parent))


def _real_db(path: Path) -> None:
    """A real store with enough rows to span many pages."""
    with Store(path) as store:
        for i in range(40):
            patient = store.get_or_create_patient(1, f"P-{i:03}")
            store.save_assessment(
                patient.owner_id,
                patient.id,
                "intake",
                {"notes": "x" * 2000},
                {},
                {"decision": "tace"},
                "1.0.0",
            )


def _garbage(path: Path) -> None:
    path.write_bytes(bytes((i * 37 + 11) % 256 for i in range(10_000)))


def _text(path: Path) -> None:
    path.write_text("patient,decision\nP-01,tace\n" * 50)


def _truncated(keep: int | float) -> object:
    def make(path: Path) -> None:
        _real_db(path)
        size = path.stat().st_size
        with path.open("r+b") as f:
            f.truncate(keep if isinstance(keep, int) else int(size * keep))

    return make


def _bad_page(path: Path) -> None:
    _real_db(path)
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 3 + 200] = b"\xff" * 200  # smash a b-tree page header
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (_garbage, "is not a SQLite database"),
        (_text, "is not a SQLite database"),
        (_truncated(50), "corrupt"),
        (_truncated(4096), "corrupt"),
        (_truncated(0.5), "corrupt"),
        (_bad_page, "corrupt"),
    ],
    ids=[
        "garbage",
        "text",
        "truncated-header",
        "truncated-one-page",
        "truncated-half",
        "bad-page",
    ],
)
def test_bad_file_is_refused_and_left_untouched(db_path: Path, make, problem: str) -> None:
    make(db_path)
    before = _snapshot(db_path)
    with pytest.raises(StoreError, match=problem) as caught:
        Store(db_path)
    assert str(db_path) in str(caught.value)
    assert _snapshot(db_path) == before


def test_foreign_sqlite_database_is_refused_and_left_untouched(db_path: Path) -> None:
    conn = raw(db_path)
    conn.execute("CREATE TABLE patients (name TEXT)")
    conn.execute("INSERT INTO patients VALUES ('someone')")
    conn.commit()
    conn.close()
    before = _snapshot(db_path)
    with pytest.raises(StoreError, match="not a liverbot store") as caught:
        Store(db_path)
    assert str(db_path) in str(caught.value)
    assert _snapshot(db_path) == before


def test_database_from_a_newer_liverbot_is_refused_and_left_untouched(db_path: Path) -> None:
    with Store(db_path) as store:
        store.get_or_create_patient(1, "P-01")
    conn = raw(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('liverbot', 'm999_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    before = _snapshot(db_path)
    with pytest.raises(StoreError, match="newer liverbot"):
        Store(db_path)
    assert _snapshot(db_path) == before


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory") as caught:
        Store(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_missing_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "liverbot.db"
    with pytest.raises(StoreError, match="cannot be") as caught:
        Store(path)
    assert str(path) in str(caught.value)
    assert not path.parent.exists()


def test_empty_file_becomes_a_store(db_path: Path) -> None:
    db_path.touch()
    with Store(db_path) as store:
        assert store.get_or_create_patient(1, "P-01").id == 1


# ---------------------------------------------------------------------------------------------------------
# Locking: another writer holds the lock, we wait


def _hold_write_lock(
    path: Path, seconds: float, locked: threading.Event, release: threading.Event | None = None
) -> None:
    """Another process's write transaction, held `seconds` (or until `release` is set)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")  # in WAL mode readers still read
        conn.execute("INSERT INTO audit (at, actor_id, action) VALUES ('x', 99, 'other_writer')")
        locked.set()
        (release or threading.Event()).wait(seconds)
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_write_waits_for_another_writers_lock(store: Store, db_path: Path) -> None:
    locked = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(db_path, 1.0, locked))
    holder.start()
    try:
        assert locked.wait(5)
        started = time.monotonic()
        store.save_dialogue(1, 10, {"step": "bilirubin"})
        waited = time.monotonic() - started
    finally:
        holder.join()
    assert waited >= 0.5
    assert store.load_dialogue(1, 10) == {"step": "bilirubin"}
    assert count(db_path, "SELECT count(*) FROM audit WHERE action = 'other_writer'") == 1


def test_write_gives_up_after_the_busy_timeout(db_path: Path) -> None:
    with Store(db_path, busy_timeout=0.1) as store:
        locked = threading.Event()
        holder = threading.Thread(target=_hold_write_lock, args=(db_path, 0.5, locked))
        holder.start()
        try:
            assert locked.wait(5)
            with pytest.raises(StoreError, match="locked"):
                store.save_dialogue(1, 10, {"step": "bilirubin"})
        finally:
            holder.join()
        assert store.load_dialogue(1, 10) is None


def test_read_is_not_blocked_by_a_writer(db_path: Path) -> None:
    # The writer holds its lock until released after the read, so a read that waited for it
    # would give up (busy timeout below the hold) instead of being timed against a clock.
    with Store(db_path, busy_timeout=2.0) as store:
        store.get_or_create_patient(1, "P-01")
        locked, release = threading.Event(), threading.Event()
        holder = threading.Thread(target=_hold_write_lock, args=(db_path, 30, locked, release))
        holder.start()
        try:
            assert locked.wait(30)
            assert [s.patient.label for s in store.list_patients(1)] == ["P-01"]
            assert holder.is_alive(), "the read ended while the write lock was still held"
        finally:
            release.set()
            holder.join()


# ---------------------------------------------------------------------------------------------------------
# Transactions


def test_transaction_is_all_or_nothing(store: Store, db_path: Path) -> None:
    patient = store.get_or_create_patient(1, "P-01")

    def save_then_crash() -> None:
        with store.transaction():
            intake(store, patient)
            store.add_reminders(1, patient.id, 10, [("imaging_due", at(20))])
            raise RuntimeError("planner crashed")

    with pytest.raises(RuntimeError, match="planner crashed"):
        save_then_crash()
    assert count(db_path, "SELECT count(*) FROM assessments") == 0
    assert count(db_path, "SELECT count(*) FROM reminders") == 0
    with store.transaction():
        intake(store, patient)
        store.add_reminders(1, patient.id, 10, [("imaging_due", at(20))])
    assert count(db_path, "SELECT count(*) FROM assessments") == 1
    assert count(db_path, "SELECT count(*) FROM reminders") == 1


def test_failed_call_inside_a_transaction_rolls_back_only_itself(store: Store) -> None:
    patient = store.get_or_create_patient(1, "P-01")
    with store.transaction():
        first = intake(store, patient)
        with pytest.raises(NotFound):
            store.add_reminders(2, patient.id, 10, [("imaging_due", at(20))])
    assert [a.id for a in store.assessments(1, "P-01")] == [first]


# ---------------------------------------------------------------------------------------------------------
# Clinicians


def test_touch_clinician_keeps_first_seen_and_follows_the_chat(store: Store, clock: Clock) -> None:
    assert store.clinician(7) is None
    assert store.touch_clinician(7, 70) == Clinician(7, 70, T0, reminders_paused=False)
    clock.advance(days=1)
    assert store.touch_clinician(7, 70) == Clinician(7, 70, T0, reminders_paused=False)
    assert store.touch_clinician(7, 71) == Clinician(7, 71, T0, reminders_paused=False)
    assert store.clinician(7) == Clinician(7, 71, T0, reminders_paused=False)


# ---------------------------------------------------------------------------------------------------------
# Patients


def test_get_or_create_patient(store: Store) -> None:
    patient = store.get_or_create_patient(1, "P-01")
    assert patient == Patient(id=1, owner_id=1, label="P-01", created_at=T0)
    assert store.get_or_create_patient(1, "P-01") == patient
    assert store.find_patient(1, "P-01") == patient
    assert store.patient(1, patient.id) == patient


@pytest.mark.parametrize("same", ["p-01", "P-01", "  P-01  ", "Ｐ-01", "p-01\t"])
def test_label_is_case_and_space_insensitive(store: Store, same: str) -> None:
    patient = store.get_or_create_patient(1, "P-01")
    assert store.find_patient(1, same) == patient
    assert store.get_or_create_patient(1, same) == patient


def test_label_spaces_are_collapsed(store: Store) -> None:
    assert store.get_or_create_patient(1, "  Bed   12  ").label == "Bed 12"
    assert store.find_patient(1, "bed 12") is not None


@pytest.mark.parametrize("bad", ["", "   ", "x" * 65, "a\x00b", "a\x1bb"])
def test_bad_labels_are_refused(store: Store, bad: str) -> None:
    with pytest.raises(ValueError, match="label") as caught:
        store.get_or_create_patient(1, bad)
    assert bad.strip() == "" or bad not in str(caught.value)


def test_label_property(tmp_path: Path) -> None:
    serial = itertools.count()
    with Store(tmp_path / "labels.db") as store:

        @given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40))
        @settings(max_examples=150, deadline=None)
        def check(text: str) -> None:
            label = f"{next(serial)} {text}"  # a new patient per example
            if not label.isprintable():
                return
            patient = store.get_or_create_patient(5, label)
            assert patient.label == " ".join(unicodedata.normalize("NFC", label).split())
            assert store.find_patient(5, label) == patient
            assert store.find_patient(5, label.casefold()) == patient
            assert store.get_or_create_patient(5, f" {label} ") == patient

        check()


def test_find_unknown_patient(store: Store) -> None:
    assert store.find_patient(1, "nobody") is None
    assert store.patient(1, 12345) is None


def test_list_patients_with_last_decision_and_next_due(store: Store, clock: Clock) -> None:
    b = store.get_or_create_patient(1, "b-02")
    a = store.get_or_create_patient(1, "A-01")
    c = store.get_or_create_patient(1, "C-03")
    intake(store, a, "tace", date(2025, 4, 20))
    clock.advance(days=30)
    store.save_assessment(
        a.owner_id, a.id, "followup", {}, {}, {"decision": "hold"}, "1.0.0", date(2025, 5, 30)
    )
    store.add_reminders(1, a.id, 10, [("window_opens", at(25)), ("window_closes", at(28))])
    intake(store, b, "no_tace", date(2025, 6, 1))
    assert store.list_patients(1) == [
        PatientSummary(
            patient=a,
            last_decision="hold",
            last_assessed_at=T0 + timedelta(days=30),
            last_next_due=date(2025, 5, 30),
            next_reminder_at=at(25),
            next_due=date(2025, 3, 25),
        ),
        PatientSummary(
            patient=b,
            last_decision="no_tace",
            last_assessed_at=T0 + timedelta(days=30),
            last_next_due=date(2025, 6, 1),
            next_reminder_at=None,
            next_due=date(2025, 6, 1),
        ),
        PatientSummary(
            patient=c,
            last_decision=None,
            last_assessed_at=None,
            last_next_due=None,
            next_reminder_at=None,
            next_due=None,
        ),
    ]


def test_list_patients_ignores_reminders_no_longer_pending(store: Store) -> None:
    a = store.get_or_create_patient(1, "A-01")
    intake(store, a, "tace", date(2025, 4, 20))
    (r,) = store.add_reminders(1, a.id, 10, [("imaging_due", at(12))])
    assert store.list_patients(1)[0].next_due == date(2025, 3, 12)
    store.mark_done(1, r.id)
    assert store.list_patients(1)[0].next_due == date(2025, 4, 20)


# ---------------------------------------------------------------------------------------------------------
# Owner isolation


def test_other_owner_never_sees_the_patient(store: Store, db_path: Path) -> None:
    patient = store.get_or_create_patient(1, "P-01")
    intake(store, patient)
    store.add_reminders(1, patient.id, 10, [("imaging_due", at(20))])

    assert store.find_patient(2, "P-01") is None
    assert store.patient(2, patient.id) is None
    assert store.list_patients(2) == []
    assert store.upcoming_reminders(2) == []
    with pytest.raises(NotFound):
        store.assessments(2, "P-01")
    with pytest.raises(NotFound):
        store.add_reminders(2, patient.id, 20, [("imaging_due", at(21))])
    assert store.forget_patient(2, "P-01") is False
    assert store.pause_for_clinician(2) == []

    assert store.find_patient(1, "P-01") == patient
    assert len(store.assessments(1, "P-01")) == 1
    assert count(db_path, "SELECT count(*) FROM reminders WHERE status = 'pending'") == 1


def test_same_label_for_two_owners_is_two_patients(store: Store) -> None:
    mine = store.get_or_create_patient(1, "P-01")
    theirs = store.get_or_create_patient(2, "P-01")
    assert mine.id != theirs.id
    assert store.forget_patient(2, "P-01") is True
    assert store.find_patient(1, "P-01") == mine
    assert store.find_patient(2, "P-01") is None


def test_terminal_owner_zero_is_an_owner_like_any(store: Store) -> None:
    patient = store.get_or_create_patient(0, "P-01")
    assert store.find_patient(0, "P-01") == patient
    assert store.find_patient(1, "P-01") is None


# ---------------------------------------------------------------------------------------------------------
# Assessments


class _Decision(StrEnum):
    TACE = "tace"


class _Plan(BaseModel):
    decision: _Decision
    today: date


def test_assessment_round_trip(store: Store, clock: Clock) -> None:
    patient = store.get_or_create_patient(1, "P-01")
    answers = {"bilirubin": 1.1, "ascites": "none", "tumours": [3.2, 1.5]}
    case = {"albumin": 38, "today": "2025-03-10"}
    plan = {"decision": "simple_tace", "rules": ["P2", "P9"], "window": None}
    first = store.save_assessment(
        patient.owner_id, patient.id, "intake", answers, case, plan, "1.0.0", date(2025, 4, 1)
    )
    clock.advance(days=40)
    second = store.save_assessment(
        patient.owner_id,
        patient.id,
        "followup",
        {},
        {"x": date(2025, 4, 19)},
        _Plan(decision=_Decision.TACE, today=date(2025, 4, 19)),
        "1.0.1",
    )
    expected_first = Assessment(
        id=first,
        patient_id=patient.id,
        created_at=T0,
        kind="intake",
        answers=answers,
        case=case,
        plan=plan,
        planner_version="1.0.0",
        decision="simple_tace",
        next_due=date(2025, 4, 1),
        measured_on=T0.date(),
    )
    expected_second = Assessment(
        id=second,
        patient_id=patient.id,
        created_at=T0 + timedelta(days=40),
        kind="followup",
        answers={},
        case={"x": "2025-04-19"},
        plan={"decision": "tace", "today": "2025-04-19"},
        planner_version="1.0.1",
        decision="tace",
        next_due=None,
        measured_on=(T0 + timedelta(days=40)).date(),
    )
    assert store.assessments(1, "p-01") == [expected_first, expected_second]
    assert store.latest_assessment(patient.owner_id, patient.id) == expected_second


def test_latest_assessment_of_patient_without_any(store: Store) -> None:
    patient = store.get_or_create_patient(1, "P-01")
    assert store.latest_assessment(patient.owner_id, patient.id) is None
    assert store.assessments(1, "P-01") == []


def test_assessments_in_the_same_instant_keep_insertion_order(store: Store) -> None:
    patient = store.get_or_create_patient(1, "P-01")
    ids = [intake(store, patient, d) for d in ("tace", "hold", "no_tace")]
    assert [a.id for a in store.assessments(1, "P-01")] == ids
    latest = store.latest_assessment(patient.owner_id, patient.id)
    assert latest is not None
    assert latest.decision == "no_tace"


def test_plan_without_decision(store: Store) -> None:
    patient = store.get_or_create_patient(1, "P-01")
    store.save_assessment(
        patient.owner_id, patient.id, "quick", {}, {}, {"missing": ["albumin"]}, "1.0.0"
    )
    latest = store.latest_assessment(patient.owner_id, patient.id)
    assert latest is not None
    assert latest.decision is None


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"kind": "surgery"}, ValueError, "kind"),
        ({"next_due": datetime(2025, 4, 1, tzinfo=UTC)}, TypeError, "next_due"),
        ({"answers": {"x": float("nan")}}, ValueError, "answers"),
        ({"case": {"x": object()}}, ValueError, "case"),
        ({"plan": ["tace"]}, TypeError, "plan"),
    ],
)
def test_save_assessment_refuses_bad_input(
    store: Store, db_path: Path, kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    patient = store.get_or_create_patient(1, "P-01")
    args: dict[str, object] = {
        "kind": "intake",
        "answers": {},
        "case": {},
        "plan": {"decision": "tace"},
        "planner_version": "1.0.0",
        "next_due": None,
    }
    args.update(kwargs)
    with pytest.raises(error, match=match):
        store.save_assessment(patient.owner_id, patient.id, **args)  # type: ignore[arg-type]
    assert count(db_path, "SELECT count(*) FROM assessments") == 0


def test_save_assessment_for_missing_patient(store: Store) -> None:
    with pytest.raises(NotFound):
        store.save_assessment(1, 999, "intake", {}, {}, {"decision": "tace"}, "1.0.0")


# ---------------------------------------------------------------------------------------------------------
# Forgetting a patient


def _rows_about(path: Path, patient_id: int) -> dict[str, int]:
    return {
        "patients": count(path, "SELECT count(*) FROM patients WHERE id = ?", (patient_id,)),
        "assessments": count(
            path, "SELECT count(*) FROM assessments WHERE patient_id = ?", (patient_id,)
        ),
        "reminders": count(
            path, "SELECT count(*) FROM reminders WHERE patient_id = ?", (patient_id,)
        ),
        "sessions": count(
            path, "SELECT count(*) FROM sessions WHERE patient_id = ?", (patient_id,)
        ),
        "audit": count(path, "SELECT count(*) FROM audit WHERE patient_id = ?", (patient_id,)),
    }


def test_forget_removes_every_row_about_the_patient(store: Store, db_path: Path) -> None:
    keep = store.get_or_create_patient(1, "KEEP-01")
    intake(store, keep)
    store.add_reminders(1, keep.id, 10, [("imaging_due", at(20))])
    gone = store.get_or_create_patient(1, "GONE-02")
    a1 = intake(store, gone)
    intake(store, gone)
    store.add_reminders(
        1, gone.id, 10, [("window_opens", at(25)), ("window_closes", at(28))], assessment_id=a1
    )
    store.add_session(1, gone.id, date(2025, 3, 1), "ctace", assessment_id=a1)
    store.audit(1, "intake_saved", patient_id=gone.id, detail={"assessment": a1})
    assert _rows_about(db_path, gone.id) == {
        "patients": 1,
        "assessments": 2,
        "reminders": 2,
        "sessions": 1,
        "audit": 1,
    }

    assert store.forget_patient(1, "gone-02") is True

    # What is left about the id is the audit trail, which holds ids and counts, never the label.
    assert _rows_about(db_path, gone.id) == {
        "patients": 0,
        "assessments": 0,
        "reminders": 0,
        "sessions": 0,
        "audit": 2,
    }
    forget = store.audit_entries(patient_id=gone.id)[-1]
    assert forget == AuditEntry(
        id=forget.id,
        at=T0,
        actor_id=1,
        action="forget",
        patient_id=gone.id,
        detail={"assessments": 2, "reminders": 2, "sessions": 1},
    )
    assert _rows_about(db_path, keep.id) == {
        "patients": 1,
        "assessments": 1,
        "reminders": 1,
        "sessions": 0,
        "audit": 0,
    }
    assert store.find_patient(1, "GONE-02") is None
    assert [p.patient for p in store.list_patients(1)] == [keep]
    assert [r.patient_id for r in store.pending_reminders()] == [keep.id]
    with pytest.raises(NotFound):
        store.assessments(1, "GONE-02")


def test_forget_leaves_no_trace_in_the_file(store: Store, db_path: Path) -> None:
    secret_label = "QZXW-SECRET-LABEL"
    secret_value = "QZXW-SECRET-VALUE"
    patient = store.get_or_create_patient(1, secret_label)
    store.save_assessment(
        patient.owner_id,
        patient.id,
        "intake",
        {"note": secret_value * 100},
        {"v": secret_value},
        {},
        "1.0.0",
    )
    store.add_reminders(1, patient.id, 10, [("imaging_due", at(20))])
    assert store.forget_patient(1, secret_label)
    on_disk = b"".join(
        p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)
    ).lower()
    assert secret_label.lower().encode() not in on_disk
    assert secret_value.lower().encode() not in on_disk


def test_forget_unknown_patient(store: Store, db_path: Path) -> None:
    assert store.forget_patient(1, "nobody") is False
    assert count(db_path, "SELECT count(*) FROM audit") == 0


def test_forgotten_id_is_never_reused(store: Store) -> None:
    first = store.get_or_create_patient(1, "P-01")
    assert store.forget_patient(1, "P-01")
    again = store.get_or_create_patient(1, "P-01")
    assert again.id > first.id


def test_forget_by_another_actor_is_audited_as_such(store: Store) -> None:
    patient = store.get_or_create_patient(1, "P-01")
    assert store.forget_patient(1, "P-01", actor_id=42)
    (entry,) = store.audit_entries(patient_id=patient.id)
    assert entry.actor_id == 42


# ---------------------------------------------------------------------------------------------------------
# Dialogues


def test_dialogue_round_trip(store: Store) -> None:
    assert store.load_dialogue(1, 10) is None
    store.save_dialogue(1, 10, {"flow": "intake", "step": "bilirubin", "answers": {}})
    store.save_dialogue(1, 10, {"flow": "intake", "step": "albumin", "answers": {"bili": 1.1}})
    store.save_dialogue(1, 11, {"flow": "quick"})
    store.save_dialogue(2, 10, {"flow": "followup"})
    assert store.load_dialogue(1, 10) == {
        "flow": "intake",
        "step": "albumin",
        "answers": {"bili": 1.1},
    }
    assert store.load_dialogue(1, 11) == {"flow": "quick"}
    assert store.load_dialogue(2, 10) == {"flow": "followup"}
    assert store.clear_dialogue(1, 10) is True
    assert store.clear_dialogue(1, 10) is False
    assert store.load_dialogue(1, 10) is None
    assert store.load_dialogue(1, 11) == {"flow": "quick"}


def test_dialogue_survives_reopen(db_path: Path) -> None:
    state = {"flow": "intake", "step": "ascites", "answers": {"bili": 1.1, "when": "2025-03-10"}}
    with Store(db_path) as store:
        store.save_dialogue(0, 0, state)
    with Store(db_path) as store:
        assert store.load_dialogue(0, 0) == state


@pytest.mark.parametrize("state", [["not", "a", "dict"], {"x": {1, 2}}, {"x": float("inf")}])
def test_dialogue_state_must_be_a_json_object(store: Store, state: object) -> None:
    with pytest.raises((TypeError, ValueError), match="dialogue state"):
        store.save_dialogue(1, 10, state)  # type: ignore[arg-type]
    assert store.load_dialogue(1, 10) is None


# ---------------------------------------------------------------------------------------------------------
# Reminders


@pytest.fixture
def patient(store: Store) -> Patient:
    return store.get_or_create_patient(1, "P-01")


def test_add_reminders_round_trip(store: Store, patient: Patient) -> None:
    assessment_id = intake(store, patient)
    added = store.add_reminders(
        1,
        patient.id,
        10,
        [DueReminder("window_opens", at(25)), ("imaging_due", at(20))],
        assessment_id=assessment_id,
    )
    expected = [
        Reminder(
            id=added[0].id,
            patient_id=patient.id,
            owner_id=1,
            chat_id=10,
            assessment_id=assessment_id,
            kind="window_opens",
            due_at=at(25),
            status="pending",
            attempts=0,
            claimed_until=None,
            sent_at=None,
            late=False,
            snoozed_until=None,
            created_at=T0,
        ),
        Reminder(
            id=added[1].id,
            patient_id=patient.id,
            owner_id=1,
            chat_id=10,
            assessment_id=assessment_id,
            kind="imaging_due",
            due_at=at(20),
            status="pending",
            attempts=0,
            claimed_until=None,
            sent_at=None,
            late=False,
            snoozed_until=None,
            created_at=T0,
        ),
    ]
    assert added == expected
    assert store.reminder(added[0].id) == expected[0]
    assert store.reminder(9999) is None
    assert store.pending_reminders() == [expected[1], expected[0]]


def test_due_times_in_other_zones_are_stored_in_utc(store: Store, patient: Patient) -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2025, 3, 20, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    (r,) = store.add_reminders(1, patient.id, 10, [("imaging_due", local)])
    assert r.due_at == datetime(2025, 3, 20, 8, 0, tzinfo=UTC)
    assert r.due_at.tzinfo == UTC


def test_naive_times_are_refused(store: Store, patient: Patient) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.add_reminders(1, patient.id, 10, [("imaging_due", datetime(2025, 3, 20, 8))])


def test_bad_reminder_kind_is_refused(store: Store, patient: Patient) -> None:
    with pytest.raises(ValueError, match="kind"):
        store.add_reminders(1, patient.id, 10, [("call_patient", at(20))])  # type: ignore[list-item]


def test_assessment_of_another_patient_is_refused(store: Store, patient: Patient) -> None:
    other = store.get_or_create_patient(1, "P-02")
    other_assessment = intake(store, other)
    with pytest.raises(NotFound):
        store.add_reminders(
            1, patient.id, 10, [("imaging_due", at(20))], assessment_id=other_assessment
        )


def test_adding_the_same_reminder_twice_is_a_no_op(
    store: Store, patient: Patient, db_path: Path
) -> None:
    first = store.add_reminders(1, patient.id, 10, [("imaging_due", at(20))])
    again = store.add_reminders(1, patient.id, 10, [("imaging_due", at(20))])
    assert again == first
    assert count(db_path, "SELECT count(*) FROM reminders") == 1
    store.add_reminders(1, patient.id, 10, [("imaging_due", at(20)), ("imaging_due", at(21))])
    assert count(db_path, "SELECT count(*) FROM reminders") == 2


def test_reminder_uniqueness_is_enforced_by_the_schema(
    store: Store, patient: Patient, db_path: Path
) -> None:
    store.add_reminders(1, patient.id, 10, [("imaging_due", at(20))])
    conn = raw(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO reminders (patient_id, owner_id, chat_id, kind, due_at, created_at)"
                " SELECT patient_id, owner_id, chat_id, kind, due_at, created_at FROM reminders"
            )
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("before", "after"),
    [("cancelled", "pending"), ("sent", "sent"), ("done", "done"), ("pending", "pending")],
)
def test_re_adding_a_reminder_revives_only_a_cancelled_one(
    store: Store, patient: Patient, before: str, after: str
) -> None:
    (r,) = store.add_reminders(1, patient.id, 10, [("imaging_due", at(9))])
    if before == "cancelled":
        store.cancel_for_patient(patient.owner_id, patient.id)
    elif before == "sent":
        store.mark_sent(r.id, at(9))
    elif before == "done":
        store.mark_done(1, r.id)
    (again,) = store.add_reminders(1, patient.id, 10, [("imaging_due", at(9))])
    assert again.id == r.id
    assert again.status == after


def test_mark_sent_only_once(store: Store, patient: Patient) -> None:
    (r,) = store.add_reminders(1, patient.id, 10, [("imaging_due", at(9))])
    assert store.mark_sent(r.id, at(10, 9), late=True) is True
    assert store.mark_sent(r.id, at(10, 10)) is False
    sent = store.reminder(r.id)
    assert sent is not None
    assert (sent.status, sent.sent_at, sent.late, sent.attempts) == ("sent", at(10, 9), True, 1)
    assert store.pending_reminders() == []


def test_mark_sent_of_missing_reminder(store: Store) -> None:
    assert store.mark_sent(12345, at(10)) is False


def test_claim_for_sending(store: Store, patient: Patient, clock: Clock) -> None:
    (r,) = store.add_reminders(1, patient.id, 10, [("imaging_due", T0)])
    claimed = store.claim_for_sending(r.id)
    assert claimed is not None
    assert claimed.claimed_until == T0 + timedelta(minutes=2)
    # A second sender (or a duplicate job) cannot take it while the lease holds.
    assert store.claim_for_sending(r.id) is None
    clock.advance(minutes=2)
    assert store.claim_for_sending(r.id) is not None
    assert store.mark_sent(r.id) is True
    assert store.claim_for_sending(r.id) is None
    final = store.reminder(r.id)
    assert final is not None
    assert (final.status, final.claimed_until, final.sent_at) == (
        "sent",
        None,
        T0 + timedelta(minutes=2),
    )


def test_claim_refuses_a_reminder_not_yet_due(store: Store, patient: Patient) -> None:
    (r,) = store.add_reminders(1, patient.id, 10, [("imaging_due", T0 + timedelta(hours=1))])
    assert store.claim_for_sending(r.id) is None
    assert store.claim_for_sending(r.id, now=T0 + timedelta(hours=1)) is not None


def test_release_claims(store: Store, patient: Patient) -> None:
    (r,) = store.add_reminders(1, patient.id, 10, [("imaging_due", T0)])
    assert store.claim_for_sending(r.id) is not None
    assert store.release_claims() == 1
    assert store.claim_for_sending(r.id) is not None


def test_record_attempt(store: Store, patient: Patient) -> None:
    (r,) = store.add_reminders(1, patient.id, 10, [("imaging_due", T0)])
    assert store.claim_for_sending(r.id) is not None
    assert store.record_attempt(r.id) == 1
    # The failed attempt released the claim, so the retry can claim it at once.
    assert store.claim_for_sending(r.id) is not None
    assert store.record_attempt(r.id) == 2
    assert store.mark_sent(r.id) is True
    after = store.reminder(r.id)
    assert after is not None
    assert after.attempts == 3
    with pytest.raises(NotFound):
        store.record_attempt(12345)


def test_snooze(store: Store, patient: Patient) -> None:
    early, late = store.add_reminders(
        1, patient.id, 10, [("imaging_due", at(11)), ("window_opens", at(12))]
    )
    assert store.mark_sent(early.id, at(11)) is True
    assert store.snooze(1, early.id, at(13)) is True
    snoozed = store.reminder(early.id)
    assert snoozed is not None
    assert (snoozed.status, snoozed.due_at, snoozed.snoozed_until, snoozed.sent_at) == (
        "pending",
        at(11),
        at(13),
        None,
    )
    assert snoozed.fires_at == at(13)
    assert [r.id for r in store.pending_reminders()] == [late.id, early.id]
    assert store.claim_for_sending(early.id, now=at(12)) is None
    assert store.claim_for_sending(early.id, now=at(13)) is not None
    # Snoozed, it may be sent once more.
    assert store.mark_sent(early.id, at(13)) is True
    store.mark_done(1, early.id)
    assert store.snooze(1, early.id, at(14)) is False


def test_mark_done(store: Store, patient: Patient) -> None:
    (r,) = store.add_reminders(1, patient.id, 10, [("imaging_due", at(11))])
    assert store.mark_done(1, r.id) is True
    assert store.mark_done(1, r.id) is False
    assert store.mark_sent(r.id) is False
    done = store.reminder(r.id)
    assert done is not None
    assert done.status == "done"


def test_cancel_for_patient(store: Store, patient: Patient) -> None:
    other = store.get_or_create_patient(1, "P-02")
    a, b, c = store.add_reminders(
        1,
        patient.id,
        10,
        [("imaging_due", at(11)), ("window_opens", at(12)), ("window_closes", at(13))],
    )
    (o,) = store.add_reminders(1, other.id, 10, [("imaging_due", at(11))])
    store.mark_sent(a.id, at(11))
    assert store.cancel_for_patient(patient.owner_id, patient.id) == [b.id, c.id]
    statuses = {r: store.reminder(r).status for r in (a.id, b.id, c.id, o.id)}  # type: ignore[union-attr]
    assert statuses == {a.id: "sent", b.id: "cancelled", c.id: "cancelled", o.id: "pending"}
    assert store.cancel_for_patient(patient.owner_id, patient.id) == []


def test_pause_and_resume_for_clinician(store: Store, patient: Patient, db_path: Path) -> None:
    store.touch_clinician(1, 10)
    other_owner = store.get_or_create_patient(2, "Q-01")
    a, b = store.add_reminders(
        1, patient.id, 10, [("imaging_due", at(12)), ("window_opens", at(11))]
    )
    (sent,) = store.add_reminders(1, patient.id, 10, [("window_closes", at(10))])
    store.mark_sent(sent.id, at(10))
    (theirs,) = store.add_reminders(2, other_owner.id, 20, [("imaging_due", at(11))])

    assert store.pause_for_clinician(1) == sorted([a.id, b.id])
    clinician = store.clinician(1)
    assert clinician is not None
    assert clinician.reminders_paused is True
    assert [r.id for r in store.pending_reminders()] == [theirs.id]
    assert store.claim_for_sending(a.id, now=at(20)) is None
    assert store.mark_sent(a.id, at(20)) is False
    # A reminder added while paused starts paused.
    (new,) = store.add_reminders(1, patient.id, 10, [("imaging_due", at(30))])
    assert new.status == "paused"

    resumed = store.resume_for_clinician(1)
    assert [r.id for r in resumed] == [b.id, a.id, new.id]
    assert {r.status for r in resumed} == {"pending"}
    clinician = store.clinician(1)
    assert clinician is not None
    assert clinician.reminders_paused is False
    assert [r.id for r in store.pending_reminders()] == [b.id, theirs.id, a.id, new.id]
    sent_after = store.reminder(sent.id)
    assert sent_after is not None
    assert sent_after.status == "sent"
    assert store.resume_for_clinician(1) == []


def test_upcoming_reminders_with_labels(store: Store, patient: Patient) -> None:
    other = store.get_or_create_patient(1, "P-02")
    theirs = store.get_or_create_patient(2, "P-03")
    (a,) = store.add_reminders(1, patient.id, 10, [("imaging_due", at(15))])
    (b,) = store.add_reminders(1, other.id, 10, [("window_opens", at(12))])
    (c,) = store.add_reminders(1, other.id, 10, [("window_closes", at(18))])
    store.add_reminders(2, theirs.id, 20, [("imaging_due", at(11))])
    store.mark_done(1, c.id)
    upcoming = store.upcoming_reminders(1)
    assert upcoming == [
        UpcomingReminder(reminder=store.reminder(b.id), label="P-02"),  # type: ignore[arg-type]
        UpcomingReminder(reminder=store.reminder(a.id), label="P-01"),  # type: ignore[arg-type]
    ]
    assert [u.reminder.id for u in store.upcoming_reminders(1, limit=1)] == [b.id]


def test_pending_reminders_until_now(store: Store, patient: Patient) -> None:
    a, b, c = store.add_reminders(
        1,
        patient.id,
        10,
        [("imaging_due", at(12)), ("window_opens", at(11)), ("window_closes", at(14))],
    )
    assert [r.id for r in store.pending_reminders()] == [b.id, a.id, c.id]
    assert [r.id for r in store.pending_reminders(at(12))] == [b.id, a.id]
    assert store.pending_reminders(at(10)) == []


def test_pending_reminders_fast_with_100k_rows(store: Store, db_path: Path) -> None:
    patients = [store.get_or_create_patient(1, f"P-{i:04}") for i in range(100)]
    conn = raw(db_path)
    try:
        # 100,000 reminders, one in a hundred pending, the rest sent, done or cancelled.
        conn.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
            INSERT INTO reminders (patient_id, owner_id, chat_id, kind, due_at, status, created_at)
            SELECT ? + i % 100, 1, 10, 'imaging_due',
                   strftime('%Y-%m-%dT%H:%M:%S', '2025-03-10 09:00', '+' || i || ' minutes')
                       || '.000000Z',
                   CASE WHEN i % 100 = 0 THEN 'pending' WHEN i % 3 = 0 THEN 'sent'
                        WHEN i % 3 = 1 THEN 'done' ELSE 'cancelled' END,
                   '2025-03-10T09:00:00.000000Z'
              FROM n
            """,
            (patients[0].id,),
        )
        conn.commit()
        plan = " ".join(
            r[3]
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT * FROM reminders WHERE status = 'pending'"
                " ORDER BY coalesce(snoozed_until, due_at), id"
            )
        )
    finally:
        conn.close()
    assert "USING INDEX reminders_by_status_fire" in plan
    assert "TEMP B-TREE" not in plan
    pending = store.pending_reminders()
    assert len(pending) == 1000
    assert [r.due_at for r in pending] == sorted(r.due_at for r in pending)


# ---------------------------------------------------------------------------------------------------------
# Audit


def test_audit_round_trip(store: Store, clock: Clock) -> None:
    first = store.audit(1, "intake_saved", patient_id=3, detail={"assessment": 7})
    clock.advance(seconds=5)
    second = store.audit(0, "quick")
    assert store.audit_entries() == [
        AuditEntry(first, T0, 1, "intake_saved", 3, {"assessment": 7}),
        AuditEntry(second, T0 + timedelta(seconds=5), 0, "quick", None, {}),
    ]
    assert store.audit_entries(patient_id=3) == store.audit_entries(limit=1)


@pytest.mark.parametrize(
    ("action", "detail"),
    [
        ("Intake saved for P-01", None),
        ("", None),
        ("intake_saved", {"label": "P-01"}),
        ("intake_saved", {"bilirubin": 1.1}),
        ("intake_saved", {"flag": True}),
        ("intake_saved", {"Bad Key": 1}),
    ],
)
def test_audit_refuses_anything_but_ids(
    store: Store, db_path: Path, action: str, detail: dict[str, object] | None
) -> None:
    with pytest.raises(ValueError, match="audit"):
        store.audit(1, action, detail=detail)  # type: ignore[arg-type]
    assert count(db_path, "SELECT count(*) FROM audit") == 0


# -- the last reply of each chat --------------------------------------------------------------------


def test_last_reply_is_replaced_per_chat_and_kept_across_a_reopen(
    store: Store, db_path: Path, clock: Clock
) -> None:
    assert store.last_reply(1, 1) is None
    store.save_reply(1, 1, 10, [{"text": "Label?", "buttons": []}])
    store.save_reply(1, 1, 11, [{"text": "Type?", "buttons": [[["HCC", "q:tumour_type:hcc"]]]}])
    store.save_reply(2, 2, 12, [])
    store.close()
    with Store(db_path, clock=clock) as again:
        last = again.last_reply(1, 1)
        assert last is not None
        assert (last.update_id, last.at) == (11, clock())
        assert last.messages == [{"text": "Type?", "buttons": [[["HCC", "q:tumour_type:hcc"]]]}]
        assert again.last_reply(2, 2) == (12, [], clock())


def test_forget_drops_the_owners_last_replies(store: Store) -> None:
    patient = store.get_or_create_patient(1, "bed7")
    store.save_reply(1, 1, 10, [{"text": "Saved for bed7.", "buttons": []}])
    store.save_reply(2, 2, 11, [{"text": "other clinician", "buttons": []}])
    assert store.forget_patient(1, "bed7")
    assert store.patient(1, patient.id) is None
    assert store.last_reply(1, 1) is None
    assert store.last_reply(2, 2) is not None


def test_backup_is_a_complete_copy_and_never_overwrites(store: Store, tmp_path: Path) -> None:
    patient = store.get_or_create_patient(1, "bed7")
    store.save_dialogue(1, 1, {"flow": "intake", "state": "count"})
    dest = tmp_path / "copy.db"
    store.backup(dest)
    with Store(dest) as copy:
        assert copy.find_patient(1, "bed7") == patient
        assert copy.load_dialogue(1, 1) == {"flow": "intake", "state": "count"}
    with pytest.raises(StoreError, match="never overwrites"):
        store.backup(dest)


def test_keyboards_of_other_dialogue_steps_are_stale(store: Store) -> None:
    assert store.sync_keyboards(1, 1, 5, "count", shown=[10]) == []
    assert store.sync_keyboards(1, 1, 5, "count") == [], "the same step stays when not re-asked"
    assert store.sync_keyboards(1, 1, 5, "count", shown=[11]) == [10], "a re-ask: one live"
    assert store.sync_keyboards(2, 2, 9, "count", shown=[10]) == [], "another chat's are apart"
    assert store.sync_keyboards(1, 1, 5, "pvtt", shown=[13]) == [11]
    assert store.sync_keyboards(1, 1, 5, "ecog", shown=[12], gone=13) == []
    assert store.sync_keyboards(1, 1, 6, "label") == [12], "a replaced dialogue's go"
    assert store.sync_keyboards(1, 1, None, None) == []
    assert store.sync_keyboards(2, 2, None, None) == [10], "a finished dialogue's go"


def test_every_clinician_facing_call_is_scoped_by_its_owner(
    store: Store, patient: Patient
) -> None:
    """Another clinician's id reaches nothing: no read, no write, not even by a guessed id."""
    intake(store, patient)
    (r,) = store.add_reminders(1, patient.id, 10, [("imaging_due", at(20))])
    stranger = 2
    assert store.latest_assessment(stranger, patient.id) is None
    with pytest.raises(NotFound):
        store.save_assessment(stranger, patient.id, "quick", {}, {}, {}, "1.0.0")
    assert store.reminder(r.id, owner_id=stranger) is None
    assert store.snooze(stranger, r.id, at(21)) is False
    assert store.mark_done(stranger, r.id) is False
    assert store.cancel_for_patient(stranger, patient.id) == []
    assert store.reminder(r.id) == r
    assert len(store.assessments(1, patient.label)) == 1
    assert store.reminder(r.id, owner_id=1) == r


def test_sessions_round_trip_in_date_order_and_scoped(store: Store, patient: Patient) -> None:
    plan = intake(store, patient)
    later = store.add_session(1, patient.id, date(2025, 3, 20), "deb", assessment_id=plan)
    first = store.add_session(1, patient.id, date(2025, 2, 1), "ctace")
    assert store.sessions(1, patient.id) == [first, later]
    assert (later.done_on, later.technique, later.assessment_id, later.is_tace) == (
        date(2025, 3, 20), "deb", plan, True,
    )  # fmt: skip
    assert store.add_session(1, patient.id, date(2025, 3, 21), "ethanol").is_tace is False
    assert store.sessions(2, patient.id) == []
    with pytest.raises(NotFound):
        store.add_session(2, patient.id, date(2025, 3, 22), "ctace")
    with pytest.raises(ValueError, match="technique"):
        store.add_session(1, patient.id, date(2025, 3, 22), "tare")  # type: ignore[arg-type]
    assert len(store.sessions(1, patient.id)) == 3


def test_an_assessment_keeps_the_day_its_values_were_measured(
    store: Store, patient: Patient
) -> None:
    store.save_assessment(1, patient.id, "quick", {}, {}, {}, "2", measured_on=date(2025, 1, 5))
    intake(store, patient)
    assert [a.measured_on for a in store.patient_assessments(1, patient.id)] == [
        date(2025, 1, 5), T0.date(),
    ]  # fmt: skip
    assert store.patient_assessments(2, patient.id) == []


def test_a_reminder_sent_on_time_is_not_marked_late(store: Store, patient: Patient) -> None:
    (r,) = store.add_reminders(1, patient.id, 10, [("imaging_due", at(9))])
    assert store.mark_sent(r.id, at(9, 9)) is True
    sent = store.reminder(r.id)
    assert sent is not None
    assert sent.late is False


def test_a_failed_delivery_counts_and_frees_the_claim(
    store: Store, patient: Patient, clock: Clock
) -> None:
    (r,) = store.add_reminders(1, patient.id, 10, [("imaging_due", T0)])
    assert store.claim_for_sending(r.id) is not None
    assert store.record_attempt(r.id) == 1
    assert store.claim_for_sending(r.id) is not None  # a retry takes it at once
    assert store.record_attempt(r.id) == 2
    with pytest.raises(NotFound, match="no reminder 999"):
        store.record_attempt(999)


NAIVE = datetime(2025, 3, 9, 8)


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda s, p: s.add_reminders(1, p.id, 10, [("imaging_due", NAIVE)]), "due_at"),
        (lambda s, p: s.pending_reminders(now=NAIVE), "now"),
        (lambda s, p: s.claim_for_sending(1, now=NAIVE), "now"),
        (lambda s, p: s.mark_sent(1, NAIVE), "sent_at"),
        (lambda s, p: s.snooze(1, 1, NAIVE), "until"),
    ],
)
def test_a_time_without_a_zone_is_refused_by_name(
    store: Store, patient: Patient, call: Any, named: str
) -> None:
    """A naive time would be stored as if UTC: the store refuses it and says which argument."""
    with pytest.raises(ValueError, match=f"^{named} must be timezone-aware$"):
        call(store, patient)


def test_reminders_for_a_patient_of_another_owner_or_assessment_are_refused(
    store: Store, patient: Patient
) -> None:
    with pytest.raises(NotFound, match=f"owner 2 has no patient {patient.id}"):
        store.add_reminders(2, patient.id, 10, [("imaging_due", at(9))])
    with pytest.raises(NotFound, match=f"patient {patient.id} has no assessment 4242"):
        store.add_reminders(1, patient.id, 10, [("imaging_due", at(9))], assessment_id=4242)
