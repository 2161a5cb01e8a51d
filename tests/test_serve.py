"""`liverbot serve` as a real process against the fake Bot API running as a process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botkit import (
    INTAKE,
    PLAN_HEAD,
    REPO,
    USER,
    answer_sync,
    run_serve,
    serve_process,
    step_in,
)
from tests.conftest import assert_no_patient_data
from tests.fakebotapi import FakeBotApiProcess


@pytest.fixture
def fake() -> Iterator[FakeBotApiProcess]:
    with FakeBotApiProcess() as process:
        yield process
        assert process.control is not None
        process.control.assert_no_violations()


def test_without_a_token_it_says_what_to_set_and_exits_2(tmp_path: Path) -> None:
    done = run_serve({"LIVERBOT_DB": str(tmp_path / "x.db")})
    assert done.returncode == 2
    assert "set TELEGRAM_BOT_TOKEN" in done.stderr
    assert not (tmp_path / "x.db").exists()


def test_a_corrupt_database_is_named_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "liverbot.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\x07" * 3000)
    before = db.read_bytes()
    done = run_serve({"TELEGRAM_BOT_TOKEN": "1:x", "LIVERBOT_DB": str(db)})
    assert done.returncode == 2
    assert str(db) in done.stderr
    assert db.read_bytes() == before


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    done = run_serve({"TELEGRAM_BOT_TOKEN": "1:x", "LIVERBOT_TZ": "Mars/Olympus"})
    assert done.returncode == 2
    assert "LIVERBOT_TZ" in done.stderr


def test_killed_mid_intake_it_resumes_at_the_same_question(
    fake: FakeBotApiProcess, tmp_path: Path
) -> None:
    db, log = tmp_path / "liverbot.db", tmp_path / "serve.log"
    control = fake.control
    assert control is not None
    bot = serve_process(fake.base_url, fake.token, db, log=log)
    try:
        control.push_text(USER, "/new")
        prompt = control.next_message(USER, timeout=20)
        for _ in range(
            11
        ):  # label, age, ECOG, type, count, size, infiltrative, burden, pvtt, spread, AFP
            prompt = answer_sync(control, db, prompt, INTAKE)
        step = step_in(db)
        assert step == "bilirubin"
        bot.send_signal(signal.SIGKILL)
        bot.wait(10)
        bot = serve_process(fake.base_url, fake.token, db, log=log)
        while step_in(db) is not None:
            prompt = answer_sync(control, db, prompt, INTAKE, timeout=20)
        assert prompt["text"].startswith(PLAN_HEAD)
        assert "\n✅ Saved for bed7\n" in prompt["text"], "the plan and its save: one message"
    finally:
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(20) == 0, log.read_text()
    assert_no_patient_data(log.read_text())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_webhook_mode_with_a_secret_token(fake: FakeBotApiProcess, tmp_path: Path) -> None:
    control = fake.control
    assert control is not None
    port = free_port()
    url = f"http://127.0.0.1:{port}/liverbot-hook"
    bot = serve_process(
        fake.base_url, fake.token, tmp_path / "liverbot.db",
        extra_env={"LIVERBOT_WEBHOOK_PORT": str(port)}, args=("--webhook", url),
        log=tmp_path / "serve.log",
    )  # fmt: skip
    try:
        control.push_text(USER, "/help")
        reply = control.next_message(USER, timeout=20)
        assert reply["text"].startswith("liverbot plans TACE")
        (set_webhook,) = control.requests("setWebhook")
        assert set_webhook["params"]["url"] == url
        assert len(set_webhook["params"]["secret_token"]) >= 32
    finally:
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(20) == 0, (tmp_path / "serve.log").read_text()


def post_update(url: str, text: str, update_id: int, secret: str | None) -> int:
    """POST a private-chat message from USER to the bot's webhook, as anyone on the network
    could; the HTTP status it answers."""
    now = int(time.time())
    update = {
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": now, "text": text,
            "chat": {"id": USER, "type": "private", "first_name": "Dr"},
            "from": {"id": USER, "is_bot": False, "first_name": "Dr"},
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }  # fmt: skip
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_webhook_refuses_an_update_without_the_secret(
    fake: FakeBotApiProcess, tmp_path: Path
) -> None:
    control = fake.control
    assert control is not None
    port, secret, db = free_port(), "liverbot_test-secret_0123456789", tmp_path / "liverbot.db"
    url = f"http://127.0.0.1:{port}/liverbot-hook"
    bot = serve_process(
        fake.base_url, fake.token, db, args=("--webhook", url), log=tmp_path / "serve.log",
        extra_env={"LIVERBOT_WEBHOOK_PORT": str(port), "LIVERBOT_WEBHOOK_SECRET": secret},
    )  # fmt: skip
    try:
        control.push_text(USER, "/help")  # through Telegram (the fake), which knows the secret
        assert control.next_message(USER, timeout=20)["text"].startswith("liverbot plans TACE")
        assert post_update(url, "/new", 900_001, secret=None) == 403
        assert post_update(url, "/new", 900_002, secret=secret[:-1] + "X") == 403
        assert post_update(url, "/patients", 900_003, secret=secret) == 200
        assert control.next_message(USER, timeout=20)["text"].startswith("No patients yet")
        assert step_in(db) is None, "a refused /new started no dialogue"
        assert len(control.messages(USER)) == 2, "nothing answered to the refused updates"
        (set_webhook,) = control.requests("setWebhook")
        assert set_webhook["params"]["secret_token"] == secret, "Telegram is told the secret"
    finally:
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(20) == 0, (tmp_path / "serve.log").read_text()


def test_run_is_the_chat_without_a_token_and_the_bot_with_one_in_dotenv(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVERBOT_"))}
    command = [sys.executable, "-m", "bot", "run"]
    chat = subprocess.run(
        command, cwd=tmp_path, env={**clean, "PYTHONPATH": str(REPO)}, input="/help\n",
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert chat.stdout.startswith("liverbot plans TACE")
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=1:x\nLIVERBOT_TZ=Mars/Olympus\n")
    bot = subprocess.run(
        command, cwd=tmp_path, env={**clean, "PYTHONPATH": str(REPO)},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert bot.returncode == 2
    assert bot.stderr.startswith("liverbot serve: LIVERBOT_TZ")
