"""`liverbot chat`: the terminal channel, piped and resumed, on a real SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

from bot.store import Store

QUICK = (
    "/quick bed7 age=70 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 "
    "ascites=none he=none\n"
)


def chat(db: Path, text: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIVERBOT_DB": str(db)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input=text, capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip


def test_piped_quick_check_prints_the_plan_and_saves_it(tmp_path: Path) -> None:
    done = chat(tmp_path / "l.db", QUICK)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("Super-selective TACE · bed7\nChild-Pugh A5 · ALBI 2 · BCLC B")
    assert "✅ Saved for bed7" in done.stdout
    with Store(tmp_path / "l.db") as store:
        (patient,) = store.list_patients(0)
        assert (patient.patient.label, patient.last_decision) == ("bed7", "tace")


def test_dialogue_resumes_after_the_process_ends(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    first = chat(db, "/new\nbed3\n66\n0\n1\n2\n")
    assert first.returncode == 0
    assert first.stdout.rstrip().endswith("Largest nodule diameter, in cm?")
    second = chat(db, "3.5\n")
    assert second.stdout.startswith("Resuming where you left off")
    assert "Is the tumour infiltrative" in second.stdout
    with Store(db) as store:
        state = store.load_dialogue(0, 0)
    assert state is not None
    assert state["answers"]["largest_cm"] == {"value": 3.5, "unit": "cm"}


def test_numbered_options_pick_choices(tmp_path: Path) -> None:
    done = chat(tmp_path / "l.db", "/new\nbed4\n66\n0\n3\n")
    assert "[3] Metastases" in done.stdout
    with Store(tmp_path / "l.db") as store:
        state = store.load_dialogue(0, 0)
    assert state is not None
    assert state["answers"]["tumour_type"] == "metastasis"


def test_unreadable_database_is_named_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "bad.db"
    db.write_bytes(b"not a database at all" * 100)
    before = db.read_bytes()
    done = chat(db, QUICK)
    assert done.returncode == 2
    assert str(db) in done.stderr
    assert db.read_bytes() == before


def write_patients(db: Path, stop: threading.Event, committed: list[int]) -> None:
    """The bot's writes, as fast as they go: patient i and its dialogue in one transaction;
    `committed` grows only after each commit."""
    with Store(db) as store:
        i = 0
        while not stop.is_set():
            with store.transaction():
                store.get_or_create_patient(1, f"bed{i}")
                store.save_dialogue(1, 1000 + i, {"state": "count", "n": i})
            committed.append(i)
            i += 1


def backup(db: Path, dest: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(dest), "--db", str(db)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_liverbot_backup_while_the_bot_writes_is_a_consistent_copy(tmp_path: Path) -> None:
    db, dest = tmp_path / "l.db", tmp_path / "b.db"
    Store(db).close()
    stop, committed = threading.Event(), []
    writer = threading.Thread(target=write_patients, args=(db, stop, committed))
    # A reader in a long transaction (the bot reads too) keeps SQLite from checkpointing the
    # writes into the main file: they stay in the write-ahead log, where a copy of the file
    # alone would miss them.
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM patients").fetchone()
    writer.start()
    try:
        deadline = time.monotonic() + 60
        while len(committed) < 50 and time.monotonic() < deadline:
            time.sleep(0.01)
        before = len(committed)
        done = backup(db, dest)
        during = len(committed) - before
    finally:
        stop.set()
        writer.join()
        reader.close()
    assert done.returncode == 0, done.stderr
    assert before >= 50
    assert during > 0, "the backup ran while writes went on"
    with closing(sqlite3.connect(f"file:{dest}?mode=ro", uri=True)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Store(dest) as copy:
        labels = {s.patient.label for s in copy.list_patients(1)}
        n = len(labels)
        assert n >= before, "every write committed before the backup is in it"
        assert labels == {f"bed{i}" for i in range(n)}, "the copy is one moment: no gap"
        assert [copy.load_dialogue(1, 1000 + i) for i in (0, n - 1, n)] == [
            {"state": "count", "n": 0}, {"state": "count", "n": n - 1}, None,
        ], "each transaction whole or absent"  # fmt: skip
    again = backup(db, dest)
    assert again.returncode == 2
    assert "never overwrites" in again.stderr


def test_a_closed_pipe_ends_the_chat_quietly(tmp_path: Path) -> None:
    env = {**os.environ, "LIVERBOT_DB": str(tmp_path / "l.db")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    done = subprocess.run(  # far more output than a pipe buffers, so the writer meets the close
        f"yes /help | head -n 3000 | {sys.executable} -m bot chat | head -n 1",
        shell=True, capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.stdout.startswith("liverbot plans TACE")
    assert done.stderr == ""


def test_a_numbered_option_is_a_press_and_typed_button_data_is_not(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    chat(db, QUICK)
    typed = chat(db, "forget-yes:1\n/patients\n")
    assert "bed7: TACE" in typed.stdout
    asked = chat(db, "/forget bed7\n")
    assert "[1] Delete for good" in asked.stdout
    pressed = chat(db, "/forget bed7\n1\n/patients\n")
    assert "Deleted for good" in pressed.stdout
    assert "No patients yet" in pressed.stdout


def test_a_grade_typed_as_a_number_means_the_grade(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    script = "\n".join(
        [
            "/new",
            "bed5",
            "66",
            "0",
            "1",
            "2",
            "3.5",
            "2",
            "/skip",
            "none",
            "2",
            "/skip",
            "1.0 mg/dL",
            "4.0 g/dL",
            "1.1",
            "/skip",
            "/skip",
            "1",
            "1",
        ]
    )
    done = chat(db, script + "\n")
    assert "[grade_1_2] Grade 1-2" in done.stdout, "grades are not numbered as options"
    with Store(db) as store:
        state = store.load_dialogue(0, 0)
    assert state is not None
    assert state["answers"]["encephalopathy"] == "grade_1_2"
    assert state["answers"]["pvtt"] == "none"
