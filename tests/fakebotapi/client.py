"""Drive a fake server that runs as a separate process: start/stop it, call its control API.

Synchronous on purpose (stdlib urllib, no event loop): a test that runs `liverbot serve` as a
subprocess, or a benchmark, can use it from anywhere. From inside an event loop that also runs
the bot in-process, wrap blocking calls such as next_message in asyncio.to_thread.
"""

from __future__ import annotations

import json
import selectors
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from .server import DEFAULT_TOKEN

REPO_ROOT = Path(__file__).resolve().parents[2]


class ControlApiError(RuntimeError):
    """The control API refused a request (status 4xx/5xx with a description)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"{status}: {description}")
        self.status = status
        self.description = description


class ControlClient:
    """Thin client of /_control/ (see control.py for the endpoints)."""

    def __init__(self, root_url: str, timeout: float = 10.0) -> None:
        self.root_url = root_url.rstrip("/")
        self.timeout = timeout
        # Never route 127.0.0.1 through a proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(
        self,
        http_method: str,
        path: str,
        body: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> Any:
        """One control request; returns `result` or raises ControlApiError."""
        url = f"{self.root_url}/_control/{path.lstrip('/')}"
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=http_method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=timeout or self.timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            with exc:
                try:
                    description = json.loads(exc.read()).get("description", exc.reason)
                except ValueError:
                    description = str(exc.reason)
            raise ControlApiError(exc.code, description) from None
        return answer["result"]

    def health(self) -> dict[str, Any]:
        """base_url, token and bot user of the server."""
        return self.call("GET", "health")

    def push_text(self, user_id: int, text: str, **user: str) -> dict[str, Any]:
        """The user writes text (first_name, username, language_code may be given)."""
        return self.call("POST", "push_text", {"user_id": user_id, "text": text, **user})

    def push_callback(
        self,
        user_id: int,
        message_id: int,
        data: str | None = None,
        *,
        button_text: str | None = None,
        check_button: bool = True,
    ) -> dict[str, Any]:
        """The user presses a button, by callback_data or by its label."""
        body: dict[str, Any] = {"user_id": user_id, "message_id": message_id}
        if button_text is not None:
            body["button_text"] = button_text
        else:
            body.update(data=data, check_button=check_button)
        return self.call("POST", "push_callback", body)

    def messages(self, chat_id: int, *, include_user: bool = False) -> list[dict[str, Any]]:
        """Bot messages of a chat (both sides with include_user)."""
        return self.call(
            "GET", "messages", query={"chat_id": chat_id, "all": "1" if include_user else None}
        )

    def next_message(self, chat_id: int, timeout: float = 5.0) -> dict[str, Any]:
        """Block until the next unread bot message to the chat (ControlApiError 408 if none)."""
        return self.call(
            "GET",
            "next_message",
            query={"chat_id": chat_id, "timeout": timeout},
            timeout=timeout + self.timeout,
        )

    def requests(self, method: str | None = None) -> list[dict[str, Any]]:
        """Recorded Bot API requests, optionally of one method."""
        return self.call("GET", "requests", query={"method": method})

    def violations(self) -> list[dict[str, Any]]:
        """Recorded spec violations."""
        return self.call("GET", "violations")

    def assert_no_violations(self) -> None:
        """Fail listing every violation the server recorded."""
        found = self.violations()
        if found:
            listed = "\n".join(f"  {v['method']}: {v['reason']}" for v in found)
            raise AssertionError(f"{len(found)} Bot API violation(s):\n{listed}")

    def stats(self) -> dict[str, Any]:
        """Counts per method, peak send rate, pending updates, unanswered callbacks."""
        return self.call("GET", "stats")

    def add_fault(
        self,
        kind: str,
        method: str | None = None,
        *,
        times: int | None = 1,
        duration: float | None = None,
        chat_id: int | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """kind: retry_after (retry_after=N), server_error (status=), blocked, slow (delay=),
        bad_request (description=), custom (status, description, parameters, delay)."""
        body = {
            "kind": kind,
            "method": method,
            "times": times,
            "duration": duration,
            "chat_id": chat_id,
            **fields,
        }
        return self.call("POST", "faults", body)

    def clear_faults(self) -> None:
        """Drop every fault rule."""
        self.call("DELETE", "faults")

    def set_rate_limit(
        self, enabled: bool = True, per_second: int = 30, per_chat_per_second: int | None = None
    ) -> None:
        """Answer 429 when the bot sends faster than Telegram allows."""
        self.call(
            "POST",
            "rate_limit",
            {
                "enabled": enabled,
                "per_second": per_second,
                "per_chat_per_second": per_chat_per_second,
            },
        )

    def reset(self) -> None:
        """Forget chats, records and faults."""
        self.call("POST", "reset")

    def shutdown(self) -> None:
        """Ask the process to stop gracefully."""
        self.call("POST", "shutdown")


class FakeBotApiProcess:
    """`python -m tests.fakebotapi` as a child process; a context manager."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        port: int = 0,
        args: tuple[str, ...] = (),
        startup_timeout: float = 15.0,
        stderr: int | IO[Any] | None = None,
    ) -> None:
        self.token = token
        self.port = port
        self.args = args
        self.startup_timeout = startup_timeout
        self.stderr = stderr
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""
        self.control: ControlClient | None = None

    @property
    def root_url(self) -> str:
        """http://127.0.0.1:PORT."""
        return self.base_url.removesuffix("/bot")

    def start(self) -> FakeBotApiProcess:
        """Start the process and read the base URL it prints as its first line."""
        command = [
            sys.executable,
            "-m",
            "tests.fakebotapi",
            "--port",
            str(self.port),
            "--token",
            self.token,
            *self.args,
        ]
        self.process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=self.stderr, text=True
        )
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            ready = selector.select(self.startup_timeout)
        line = self.process.stdout.readline().strip() if ready else ""
        if not line.startswith("http"):
            self.stop()
            raise RuntimeError(f"fake Bot API process did not start (printed {line!r})")
        self.base_url = line
        self.control = ControlClient(self.root_url)
        return self

    def stop(self, timeout: float = 5.0) -> int | None:
        """Graceful shutdown through the control API, then terminate, then kill."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            try:
                if self.control is None:
                    raise OSError("no control API yet")
                self.control.shutdown()
            except (OSError, ControlApiError):
                process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
        self.process = None
        return process.returncode

    def __enter__(self) -> FakeBotApiProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
