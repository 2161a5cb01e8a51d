"""The database's side of issue 14: one process per file, private files, /forget leaves no copy
while a reader holds a snapshot, reminders follow the allow-list, a read-only file and bad
backup paths are one line each."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import Store
from tests.botkit import (
    OTHER,
    REPO,
    USER,
    add_reminder,
    eventually,
    running_bot,
    serve_process,
    services,
    settled,
    soon,
)
from tests.fakebotapi import FakeBotApi, FakeBotApiProcess

LABEL = "bed7-forget-me"
QUICK = (
    "/quick {label} age=66 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 "
    "ascites=none he=none last=10d recovered=5d"
)


def liverbot(*args: str, stdin: str = "", env: dict[str, str] | None = None,
             user: int | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """`liverbot ARGS` to completion (as the unprivileged `user` id when given)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVERBOT_"))}
    prefix = (
        [] if user is None else ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"]
    )
    return subprocess.run(
        [*prefix, sys.executable, "-m", "bot", *args], cwd=REPO, env={**clean, **(env or {})},
        input=stdin, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def digest(db: Path) -> dict[str, str]:
    """The bytes of the database and its side files, as hashes."""
    files = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.exists()}


@pytest.fixture
def fake() -> Iterator[FakeBotApiProcess]:
    with FakeBotApiProcess() as process:
        yield process


def test_a_second_serve_or_a_chat_on_the_same_database_exits_2_touching_nothing(
    fake: FakeBotApiProcess, tmp_path: Path
) -> None:
    control = fake.control
    assert control is not None
    db, log = tmp_path / "liverbot.db", tmp_path / "serve.log"
    first = serve_process(fake.base_url, fake.token, db, log=log)
    try:
        control.push_text(USER, "/help")
        control.next_message(USER, timeout=30)
        first.send_signal(signal.SIGSTOP)  # frozen: any change now is the second process's
        deadline = time.monotonic() + 10
        while stopped_state(first.pid) != "T":  # the signal is delivered asynchronously
            assert time.monotonic() < deadline, "the first process never stopped"
            time.sleep(0.01)
        before = digest(db)
        env = {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url,
               "LIVERBOT_DB": str(db), "LIVERBOT_ALLOWED_USERS": str(USER)}  # fmt: skip
        second = liverbot("serve", env=env)
        chat = liverbot("chat", "--db", str(db), stdin="/new\n")
        assert digest(db) == before, "the second process touched the database"
        first.send_signal(signal.SIGCONT)
        for done in (second, chat):
            assert done.returncode == 2
            (line,) = done.stderr.strip().splitlines()
            assert f"in use by another liverbot (process {first.pid})" in line
        assert len(control.requests("getMe")) == 1, "only the first process spoke to Telegram"
        first.send_signal(signal.SIGKILL)  # its lock file stays behind, its lock does not
        first.wait(10)
        first = serve_process(fake.base_url, fake.token, db, log=log)
        control.push_text(USER, "/help")
        assert control.next_message(USER, timeout=30)["text"].startswith("liverbot plans TACE")
    finally:
        first.send_signal(signal.SIGCONT)
        first.send_signal(signal.SIGTERM)
        try:
            assert first.wait(20) == 0, log.read_text()
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()


def stopped_state(pid: int) -> str:
    """The process state letter from /proc (T: stopped by a signal)."""
    stat_line = Path(f"/proc/{pid}/stat").read_text()
    return stat_line.rsplit(")", 1)[1].split()[0]


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which SQLite alone creates files 0644."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("umask_022")
def test_the_database_its_wal_shm_and_backups_are_0600(tmp_path: Path) -> None:
    db = tmp_path / "liverbot.db"
    with Store(db) as store:
        store.get_or_create_patient(USER, "bed7")
        store.backup(tmp_path / "copy.db")
        files = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), tmp_path / "copy.db"]
        modes = {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files}
    assert modes == {f.name: "0o600" for f in files}


@pytest.mark.usefixtures("umask_022")
def test_an_old_world_readable_database_is_made_private_when_opened(tmp_path: Path) -> None:
    db = tmp_path / "liverbot.db"
    Store(db).close()
    db.chmod(0o644)
    Store(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def files_holding(db: Path, text: str) -> list[str]:
    """Which of the database's files hold `text`."""
    files = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    return [f.name for f in files if f.exists() and text.encode() in f.read_bytes()]


async def test_forget_retries_the_checkpoint_until_the_label_is_in_no_file(
    tmp_path: Path,
) -> None:
    db = tmp_path / "liverbot.db"
    with Store(db) as store:
        patient = store.get_or_create_patient(USER, LABEL)
        store.save_assessment(USER, patient.id, "quick", {"label": LABEL}, {}, {}, "1")
        reader = sqlite3.connect(db, isolation_level=None)
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM patients").fetchone() == (1,)  # a snapshot
        assert store.forget_patient(USER, LABEL)
        assert files_holding(db, LABEL), "the reader's snapshot keeps the old pages"
        reader.execute("COMMIT")  # the reader lets go; the store is neither written nor closed
        await eventually(lambda: files_holding(db, LABEL) == [], what="the label in no file")
        reader.close()


async def test_reminders_of_a_clinician_no_longer_allowed_are_held_until_allowed_again(
    server: FakeBotApi, db: Path
) -> None:
    with Store(db) as store:
        held = add_reminder(store, soon(-60), label="bed3", user=OTHER)
        sent = add_reminder(store, soon(-30), label="bed4", user=USER)
    async with running_bot(server, db, LIVERBOT_ALLOWED_USERS=str(USER)) as app:
        await server.next_message(USER, timeout=10)
        await eventually(lambda: services(app).store.reminder(sent).status == "sent")  # type: ignore[union-attr]
        assert services(app).store.reminder(held).status == "pending"  # type: ignore[union-attr]
    assert server.messages(OTHER) == [], "no reminder naming a patient for a removed clinician"
    async with running_bot(server, db) as app:  # allowed again
        message = await server.next_message(OTHER, timeout=10)
        assert (message.text or "").startswith("Reminder for bed3")


def _others_can_run(repo: Path) -> bool:
    """Whether another user can reach the checkout (every directory on the way searchable by
    others), as the unprivileged `liverbot` of the read-only test must to import the bot."""
    target = repo / "bot" / "__init__.py"
    if not target.stat().st_mode & stat.S_IROTH:
        return False
    return all(d.stat().st_mode & stat.S_IXOTH for d in target.parents)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory the unprivileged user may write (for -wal/-shm), outside root's tmp_path."""
    path = Path(tempfile.mkdtemp(prefix="liverbot-ro-"))
    path.chmod(0o777)
    try:
        yield path
    finally:
        shutil.rmtree(path)


@pytest.mark.parametrize("command", ["chat", "serve"])
def test_a_read_only_database_is_refused_at_start_in_one_line(
    shared_dir: Path, command: str
) -> None:
    db = shared_dir / "liverbot.db"
    Store(db).close()
    db.chmod(0o444)
    user = 65534 if os.geteuid() == 0 else None  # root writes a 0444 file anyway
    if user is not None and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv to drop privileges")
    if user is not None and not _others_can_run(Path(__file__).resolve().parent.parent):
        pytest.skip(
            "the checkout (e.g. in a private mktemp -d) is closed to the unprivileged user"
        )
    if user is not None:
        db.chmod(0o644)  # root's file: readable, not writable, by the unprivileged user
    before = db.read_bytes()
    env = {"TELEGRAM_BOT_TOKEN": "1:x", "LIVERBOT_DB": str(db)}  # serve stops before any call
    done = liverbot(command, stdin="/new\nbed7\n", env=env, user=user)
    assert done.returncode == 2, done.stdout[-300:] + done.stderr[-300:]
    (line,) = done.stderr.strip().splitlines()
    assert "is read-only" in line
    assert db.read_bytes() == before


def test_backup_to_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "liverbot.db"
    Store(db).close()
    done = liverbot("backup", str(tmp_path / "nodir" / "x.db"), "--db", str(db))
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "nodir" in line
    assert "not an existing directory" in line


def test_backup_never_follows_a_dangling_symlink(tmp_path: Path) -> None:
    db = tmp_path / "liverbot.db"
    Store(db).close()
    link, target = tmp_path / "link.db", tmp_path / "elsewhere.db"
    link.symlink_to(target)
    done = liverbot("backup", str(link), "--db", str(db))
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "symbolic link" in line
    assert not target.exists()


def test_the_lock_of_a_killed_process_does_not_block(tmp_path: Path) -> None:
    db = tmp_path / "liverbot.db"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from bot.store.lock import only_process\n"
         f"with only_process({str(db)!r}):\n    print('held', flush=True); time.sleep(60)"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        assert liverbot("chat", "--db", str(db), stdin="/help\n").returncode == 2
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        done = liverbot("chat", "--db", str(db), stdin="/help\n")
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("liverbot plans TACE")


async def test_forget_through_the_bot_leaves_the_label_in_no_file(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        server.push_text(USER, QUICK.format(label=LABEL))
        await settled(server, app)
        assert services(app).store.find_patient(USER, LABEL) is not None
        before = len(server.messages(USER))
        server.push_text(USER, f"/forget {LABEL}")
        await server.wait_for(lambda: len(server.messages(USER)) > before, what="the question")
        confirm = server.messages(USER)[before]
        server.push_button(USER, confirm.message_id, "Delete for good")
        await eventually(
            lambda: services(app).store.find_patient(USER, LABEL) is None, what="forgotten"
        )
        await settled(server, app)
        await eventually(lambda: services(app).store.inbox() == [], what="the inbox cleared")
        await eventually(lambda: files_holding(db, LABEL) == [], what="the label in no file")


async def test_updates_quoting_a_forgotten_label_leave_no_copy_whatever_order_they_leave(
    tmp_path: Path,
) -> None:
    db = tmp_path / "liverbot.db"
    quoting = [(1, json.dumps({"text": f"/forget {LABEL}"})),
               (2, json.dumps({"text": f"Forget {LABEL} for good?"}))]  # fmt: skip
    with Store(db) as store:
        store.get_or_create_patient(USER, LABEL)
        store.keep_updates(quoting, [])
        assert store.forget_patient(USER, LABEL)
        store.keep_updates([], [2])  # handled out of order: chats run side by side
        store.keep_updates([(3, json.dumps({"text": "/help"}))], [1])
        await eventually(lambda: files_holding(db, LABEL) == [], what="the label in no file")
