"""The fake Bot API server: aiohttp on 127.0.0.1, one instance per test or per process.

PTB talks to it exactly as to Telegram (`Bot(token, base_url=server.base_url)`); the test
drives simulated users with push_text/push_callback, reads what the bot sent, injects faults,
and finally asserts that the bot never sent a request the Bot API spec forbids.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from . import objects, rules
from .faults import Fault, FaultPlan, RateLimit, SendLog
from .methods import HANDLERS, Context, generic, is_message_send
from .objects import JSON
from .spec import BotApiSpec, MethodSpec, load_spec
from .state import (
    ApiError,
    BotState,
    CallbackRecord,
    ChatMessage,
    ChatState,
    RecordedRequest,
    Violation,
)
from .wire import read_params

DEFAULT_TOKEN = "123456789:AAFakeBotApiTokenForTests-0123456789"
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram sends these only when asked for them in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

log = logging.getLogger(__name__)
T = TypeVar("T")


class FakeBotApi:
    """A Telegram Bot API stand-in that validates requests and remembers everything."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_first_name: str = "Liverbot",
        bot_username: str = "liverbot_test_bot",
        strict_chats: bool = False,
        rate_limit: RateLimit | None = None,
        control_api: bool = False,
        spec: BotApiSpec | None = None,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.spec = spec or load_spec()
        self.state = BotState(
            bot=objects.bot_user(objects.bot_id_from_token(token), bot_first_name, bot_username)
        )
        self.faults = FaultPlan()
        self.rate_limit = rate_limit
        self.sends = SendLog()
        self.send_clock: Callable[[], float] = time.monotonic
        """The clock of the send log and the flood limit; a test freezes it to send "at once"."""
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.answer_problems: list[str] = []
        self.webhook_deliveries: list[JSON] = []
        self.shutdown_requested = asyncio.Event()
        self._ctx = Context(self.state, self.spec, strict_chats)
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._poll_generation = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._delivery: asyncio.Task[None] | None = None
        self.app = self._build_app(control_api)

    # -- lifecycle ------------------------------------------------------------------------

    def _build_app(self, control_api: bool) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_bot)
        app.router.add_get("/file/bot{token}/{path:.*}", self._handle_file)
        if control_api:
            from .control import add_control_routes

            add_control_routes(app, self)
        app.router.add_route("*", "/{tail:.*}", self._handle_stray)
        return app

    async def start(self) -> FakeBotApi:
        """Listen on host:port (port 0 picks a free one; read it back from `port`)."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        self._closing = asyncio.Event()
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=2.0)
        try:
            await self._runner.setup()
            await web.SockSite(self._runner, sock).start()
        except BaseException:
            sock.close()
            await self._runner.cleanup()
            self._runner = None
            raise
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._delivery = asyncio.create_task(self._deliver_webhooks(), name="fakebotapi-webhook")
        log.info("fake Bot API listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        """End long polls and delayed answers at once, then close everything we opened."""
        if self._runner is None:
            return
        self._closing.set()
        self._notify()
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
        await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()
        self._runner = self._session = self._delivery = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def root_url(self) -> str:
        """http://host:port, where the control API lives."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What PTB's `Bot(token, base_url=...)` wants: it appends the token and /method."""
        return f"{self.root_url}/bot"

    @property
    def api_url(self) -> str:
        """Prefix of method URLs for raw HTTP clients: {api_url}/{method}."""
        return f"{self.base_url}{self.token}"

    # -- HTTP -----------------------------------------------------------------------------

    async def _handle_bot(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        method = self.spec.method(name)
        canonical = method.name if method else name
        raw, body_problem = await read_params(request)
        record = RecordedRequest(
            canonical,
            raw,
            request.method,
            time.time(),
            time.monotonic(),
            path=request.path,
            content_type=request.content_type if request.body_exists else "",
            raw=dict(raw),
        )
        self.requests.append(record)
        try:
            result = await self._process(
                request.match_info["token"], method, canonical, raw, body_problem, record
            )
        except ApiError as exc:
            status = exc.status
            body = objects.error_body(exc.status, exc.description, exc.parameters)
        except Exception as exc:
            # A bug in the fake, not in the bot: make the test suite's teardown see it.
            log.exception("fake Bot API failed on %s", canonical)
            self.answer_problems.append(f"{canonical}: fake server crashed: {exc!r}")
            status, body = 500, objects.error_body(500, "Internal Server Error")
        else:
            status, body = 200, {"ok": True, "result": result}
            self.answer_problems.extend(self.spec.check_result(canonical, result))
        record.status, record.response = status, body
        self._notify()
        return web.json_response(body, status=status)

    async def _process(
        self,
        token: str,
        method: MethodSpec | None,
        name: str,
        raw: dict[str, Any],
        body_problem: str | None,
        record: RecordedRequest,
    ) -> Any:
        if token != self.token:
            self._violate(name, f"wrong token {token!r}", raw)
            raise ApiError(401, "Unauthorized")
        if method is None:
            self._violate(name, f'unknown method "{name}"', raw)
            raise ApiError(404, "Not Found")
        if body_problem:
            self._violate(name, body_problem, raw)
            raise ApiError(400, f"Bad Request: {body_problem}")
        params, decode_problems = self.spec.decode_params(method, raw)
        record.params = params
        problems = [
            rules.spec_problem(reason)
            for reason in decode_problems + self.spec.check_params(method, params)
        ]
        problems += rules.check_request(method.name, params)
        if problems:
            for problem in problems:
                self._violate(method.name, problem.reason, params)
            raise ApiError(400, problems[0].description)
        fault = self.faults.take(method.name, params.get("chat_id"))
        if fault is not None:
            await self._apply(fault)
        sending = is_message_send(method.name)
        if sending:
            self._check_flood(params.get("chat_id"))
        if method.name == "getUpdates":
            return await self._get_updates(params)
        handler = HANDLERS.get(method.name)
        result = handler(self._ctx, params) if handler else generic(self._ctx, method, params)
        if sending:
            self.sends.record(self.send_clock(), params.get("chat_id"))
        return result

    async def _apply(self, fault: Fault) -> None:
        if fault.delay:
            await self._wait_change(self._closing, fault.delay)
        if fault.status is not None:
            raise ApiError(fault.status, fault.description, dict(fault.parameters or {}) or None)

    def _check_flood(self, chat_id: object) -> None:
        limit = self.rate_limit
        if limit is None:
            return
        since = self.send_clock() - 1.0
        over = self.sends.count_since(since) >= limit.per_second or (
            limit.per_chat_per_second is not None
            and self.sends.count_since(since, chat_id) >= limit.per_chat_per_second
        )
        if over:
            fault = Fault.retry_after(limit.retry_after)
            raise ApiError(429, fault.description, dict(fault.parameters or {}))

    async def _handle_file(self, request: web.Request) -> web.Response:
        """getFile downloads: some bytes, so a bot that downloads does not crash."""
        if request.match_info["token"] != self.token:
            self._violate("file", "wrong token in file URL", {})
            return web.json_response(objects.error_body(401, "Unauthorized"), status=401)
        return web.Response(body=b"fake file content")

    async def _handle_stray(self, request: web.Request) -> web.Response:
        """A wrong base_url shows up here: Telegram answers 404, we also record it."""
        self._violate("?", f"request to {request.path!r}, not /bot<token>/<method>", {})
        return web.json_response(objects.error_body(404, "Not Found"), status=404)

    def _violate(self, method: str, reason: str, params: dict[str, Any]) -> None:
        log.warning("Bot API violation: %s: %s", method, reason)
        self.violations.append(Violation(method, reason, dict(params)))

    # -- updates --------------------------------------------------------------------------

    def _notify(self) -> None:
        """Wake everything waiting for a state change (polls, deliveries, test waiters)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self, event: asyncio.Event, seconds: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await event.wait()

    async def _get_updates(self, params: dict[str, Any]) -> list[JSON]:
        state = self.state
        if state.webhook.url:
            raise ApiError(409, CONFLICT_WEBHOOK)
        if params.get("allowed_updates") is not None:
            state.allowed_updates = params["allowed_updates"] or None
        state.confirm_updates(params.get("offset"))
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(float(params.get("timeout") or 0), 0.0)
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        while True:
            changed = self._changed
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_POLL)
            if state.webhook.url:
                raise ApiError(409, CONFLICT_WEBHOOK)
            batch = self._select_updates(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing.is_set():
                return batch
            await self._wait_change(changed, remaining)

    def _select_updates(self, limit: int) -> list[JSON]:
        allowed = self.state.allowed_updates
        kept = [
            u
            for u in self.state.pending_updates
            if (_kind(u) in allowed if allowed else _kind(u) not in _OPT_IN_UPDATES)
        ]
        self.state.pending_updates = kept
        batch = kept[:limit]
        self.state.redelivering.difference_update(u["update_id"] for u in batch)
        return batch

    async def _deliver_webhooks(self) -> None:
        """Post pending updates one by one to the webhook; retry failures with backoff."""
        backoff = 0.05
        while not self._closing.is_set():
            changed = self._changed
            hook = self.state.webhook
            pending = self.state.pending_updates
            if not hook.url or not pending:
                await self._wait_change(changed, None)
                continue
            update = pending[0]
            error = await self._post_update(hook.url, hook.secret_token, update)
            self.webhook_deliveries.append(
                {
                    "update_id": update["update_id"],
                    "url": hook.url,
                    "error": error,
                    "wall": time.time(),
                }
            )
            if error is None:
                if self.state.pending_updates and self.state.pending_updates[0] is update:
                    self.state.pending_updates.pop(0)
                backoff = 0.05
                self._notify()
                continue
            hook.last_error_date, hook.last_error_message = int(time.time()), error
            self._notify()
            await self._wait_change(self._closing, backoff)
            backoff = min(backoff * 2, 1.0)

    async def _post_update(self, url: str, secret: str | None, update: JSON) -> str | None:
        assert self._session is not None
        headers = {SECRET_HEADER: secret} if secret else {}
        try:
            async with self._session.post(url, json=update, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"Connection failed: {exc.__class__.__name__}: {exc}"

    # -- simulated users ------------------------------------------------------------------

    def push_update(self, kind: str, payload: JSON) -> JSON:
        """Queue any update (delivered by getUpdates or the webhook)."""
        update = self.state.add_update(kind, payload)
        self.answer_problems.extend(self.spec.check_object("Update", update))
        self._notify()
        return update

    def redeliver(self, update: JSON) -> None:
        """Deliver `update` again, as Telegram does when the bot's confirmation never reached
        it (the bot died between handling an update and confirming it)."""
        self.state.redeliver(update)
        self._notify()

    def push_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> JSON:
        """The user writes `text` in their private chat with the bot."""
        chat = self.state.chat_for_user(user_id, first_name, username, language_code)
        msg = ChatMessage(
            chat_id=chat.id,
            message_id=chat.allocate_id(),
            from_bot=False,
            date=int(time.time()),
            method="user",
            text=text,
            entities=objects.command_entities(text),
        )
        chat.messages.append(msg)
        return self.push_update("message", self.state.message_json(chat, msg))

    def push_callback(
        self, user_id: int, message_id: int, data: str, *, check_button: bool = True
    ) -> JSON:
        """The user presses a button with `data` on a bot message in their chat.

        A real user can only press buttons the message shows now, so by default the data must
        be on the message's current keyboard; pass check_button=False to simulate a forged or
        stale press.
        """
        chat = self.chat(user_id)
        msg = chat.find(message_id)
        if msg is None or not msg.from_bot:
            raise LookupError(f"no bot message {message_id} in chat {user_id}")
        if check_button and data not in msg.callback_data():
            raise LookupError(
                f"message {message_id} has no button with callback_data {data!r}: "
                f"{msg.callback_data()}"
            )
        query_id = f"{user_id}-{self.state.next_callback_id}"
        self.state.next_callback_id += 1
        self.state.callbacks[query_id] = CallbackRecord(
            query_id, user_id, message_id, data, time.monotonic()
        )
        query = objects.callback_query(
            query_id=query_id,
            user=chat.user,
            message=self.state.message_json(chat, msg),
            chat_instance=chat.chat_instance,
            data=data,
        )
        return self.push_update("callback_query", query)

    def push_button(self, user_id: int, message_id: int, label: str) -> JSON:
        """Press the button that shows `label` (tests read labels, not callback_data)."""
        msg = self.chat(user_id).find(message_id)
        if msg is None:
            raise LookupError(f"no message {message_id} in chat {user_id}")
        return self.push_callback(user_id, message_id, msg.button_data(label))

    # -- inspection -----------------------------------------------------------------------

    def chat(self, chat_id: int) -> ChatState:
        """A chat that exists (the user wrote, or the bot sent to it)."""
        try:
            return self.state.chats[chat_id]
        except KeyError:
            raise LookupError(f"no chat {chat_id}; known: {sorted(self.state.chats)}") from None

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """Bot messages in a chat, oldest first (deleted ones flagged, not removed)."""
        chat = self.state.chats.get(chat_id)
        return chat.bot_messages() if chat else []

    def history(self, chat_id: int) -> list[ChatMessage]:
        """Both sides of a chat, in order."""
        chat = self.state.chats.get(chat_id)
        return list(chat.messages) if chat else []

    def requests_for(self, method: str) -> list[RecordedRequest]:
        """Recorded calls of one method (case-insensitive name)."""
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def method_counts(self) -> Counter[str]:
        """How often each method was called."""
        return Counter(r.method for r in self.requests)

    def unanswered_callbacks(self) -> list[CallbackRecord]:
        """Button presses the bot never answered (Telegram shows a spinner until it does)."""
        return [c for c in self.state.callbacks.values() if c.answered_at is None]

    def max_send_rate(self, window: float = 1.0, chat_id: int | None = None) -> int:
        """Most messages sent within any `window` seconds (overall or to one chat)."""
        return self.sends.max_in_window(window, chat_id)

    def assert_send_rate(self, limit: int = 30, window: float = 1.0) -> None:
        """Telegram's broadcast limit: about 30 messages per second over all chats."""
        peak = self.max_send_rate(window)
        assert peak <= limit, f"{peak} messages within {window}s, limit {limit}"

    def assert_no_violations(self) -> None:
        """Fail with every violation listed, so one run shows all of them."""
        if self.violations:
            listed = "\n".join(f"  {v}" for v in self.violations)
            raise AssertionError(f"{len(self.violations)} Bot API violation(s):\n{listed}")

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,  # noqa: ASYNC109 - the error names what was awaited
        what: str = "condition",
    ) -> T:
        """Wait until predicate() is truthy, re-checking on every state change; no polling."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            await self._wait_change(changed, remaining)

    async def next_message(
        self,
        chat_id: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - the error lists the messages seen
    ) -> ChatMessage:
        """The next bot message to the chat that this method has not returned yet."""

        def unread() -> ChatMessage | None:
            chat = self.state.chats.get(chat_id)
            if chat is None:
                return None
            sent = chat.bot_messages()
            return sent[chat.read_cursor] if chat.read_cursor < len(sent) else None

        try:
            msg = await self.wait_for(unread, timeout, f"a bot message to chat {chat_id}")
        except TimeoutError as exc:
            seen = [m.text for m in self.messages(chat_id)]
            raise TimeoutError(f"{exc}; messages so far: {seen}") from None
        self.state.chats[chat_id].read_cursor += 1
        return msg

    async def wait_for_request(
        self,
        method: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - see wait_for
        count: int = 1,
    ) -> RecordedRequest:
        """Wait until `method` was answered `count` times; returns the last such request."""

        def done() -> RecordedRequest | None:
            answered = [r for r in self.requests_for(method) if r.status is not None]
            return answered[count - 1] if len(answered) >= count else None

        return await self.wait_for(done, timeout, f"{count} {method} request(s)")

    def reset(self) -> None:
        """Forget chats, updates, records and faults; keep the bot and the listening socket."""
        bot = self.state.bot
        self.state = BotState(bot=bot)
        self._ctx.state = self.state
        self.faults.clear()
        self.sends.clear()
        self.requests.clear()
        self.violations.clear()
        self.answer_problems.clear()
        self.webhook_deliveries.clear()
        self._notify()


def _kind(update: JSON) -> str:
    return next(k for k in update if k != "update_id")
