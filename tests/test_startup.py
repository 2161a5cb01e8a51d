"""`liverbot serve` at start-up (issue 14): a rejected token, signals while the Bot API is away,
webhook mode's URL, a refused setWebhook, and a malformed webhook update: one clear line each,
no token and no update contents in any output."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.botkit import run_serve, serve_process
from tests.conftest import assert_no_patient_data
from tests.fakebotapi import FakeBotApiProcess

SECRET = "liverbot_test-secret_0123456789"
TOKEN = "987654321:AAsecretTokenThatMustNeverBePrinted_x"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def refusing_api(request: pytest.FixtureRequest) -> Iterator[str]:
    """A Bot API that answers every call with `request.param` (401 or 404), as Telegram does
    for a revoked or mistyped token; its base URL."""
    status = int(request.param)

    class Refuse(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.dumps({"ok": False, "error_code": status, "description": "Unauthorized"})
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("refusing_api", [401, 404], indirect=True)
def test_a_rejected_token_is_one_line_without_the_token(refusing_api: str, tmp_path: Path) -> None:
    done = run_serve(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": refusing_api,
         "LIVERBOT_DB": str(tmp_path / "x.db"), "LIVERBOT_ALLOWED_USERS": "1"}
    )  # fmt: skip
    assert done.returncode == 2
    output = done.stdout + done.stderr
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert "Traceback" not in output
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("liverbot serve:")]
    assert "rejected TELEGRAM_BOT_TOKEN" in line


def test_sigterm_while_the_bot_api_is_unreachable_ends_start_up(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    unreachable = f"http://127.0.0.1:{free_port()}/bot"  # nothing listens there
    bot = serve_process(unreachable, TOKEN, tmp_path / "x.db", log=log)
    try:
        deadline = time.monotonic() + 30
        while "retrying" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "start-up never retried"
            assert bot.poll() is None, log.read_text()
            time.sleep(0.05)
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(15) == 0, log.read_text()  # not after the 3 minutes of retries
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()
    assert TOKEN not in log.read_text()


def test_webhook_mode_refuses_plain_http(tmp_path: Path) -> None:
    done = run_serve(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "LIVERBOT_DB": str(tmp_path / "x.db")},
        "--webhook", "http://bot.example.org/hook",
    )  # fmt: skip
    assert done.returncode == 2
    assert "https://" in done.stderr
    assert not (tmp_path / "x.db").exists(), "refused before the database was opened"


@pytest.fixture
def fake() -> Iterator[FakeBotApiProcess]:
    with FakeBotApiProcess() as process:
        yield process


def test_a_refused_set_webhook_is_logged_and_exits_2(
    fake: FakeBotApiProcess, tmp_path: Path
) -> None:
    assert fake.control is not None
    fake.control.add_fault(
        "bad_request", "setWebhook", times=None,
        description="Bad Request: bad webhook: Failed to resolve host: Name or service not known",
    )  # fmt: skip
    done = run_serve(
        {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url,
         "LIVERBOT_DB": str(tmp_path / "x.db"), "LIVERBOT_WEBHOOK_PORT": str(free_port())},
        "--webhook", "https://bot.example.invalid/hook",
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "failed to resolve host" in done.stderr.lower()
    assert "Traceback" not in done.stderr
    assert fake.token not in done.stderr


def test_a_malformed_webhook_update_is_not_logged(fake: FakeBotApiProcess, tmp_path: Path) -> None:
    assert fake.control is not None
    port, log = free_port(), tmp_path / "serve.log"
    bot = serve_process(
        fake.base_url, fake.token, tmp_path / "x.db", log=log,
        extra_env={"LIVERBOT_WEBHOOK_PORT": str(port), "LIVERBOT_WEBHOOK_SECRET": SECRET},
        args=("--webhook", f"https://127.0.0.1:{port}/hook"),
    )  # fmt: skip
    try:
        fake.control.push_text(1001, "/help")  # delivered: the webhook is up
        fake.control.next_message(1001, timeout=30)
        malformed = {
            "update_id": 77,
            "message": {"message_id": 1, "date": 0, "chat": "bed7", "text": "bed7 bili 3.2 mg/dL"},
        }
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/hook", json.dumps(malformed).encode(),
            {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
            method="POST",
        )  # fmt: skip
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=20)
    finally:
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(20) == 0, log.read_text()
    text = log.read_text()
    assert "Received data was: [withheld]" in text, "logged, without its contents"
    assert_no_patient_data(text)
