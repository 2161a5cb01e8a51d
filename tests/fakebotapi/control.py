"""JSON control API under /_control/, for a fake server running as its own process.

A test that runs the real `liverbot serve` subprocess (or a benchmark) cannot call the server's
Python methods, so the same helpers are exposed over HTTP. Every answer is
{"ok": true, "result": ...} or {"ok": false, "description": ...} with a 4xx status.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .faults import Fault, RateLimit

if TYPE_CHECKING:
    from .server import FakeBotApi

PREFIX = "/_control"
Handler = Callable[[web.Request], Awaitable[web.Response]]


class ControlError(Exception):
    """A bad control request; answered 400 (404 for unknown chats/messages)."""

    def __init__(self, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.status = status


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _guarded(handler: Handler) -> Handler:
    async def wrapper(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except ControlError as exc:
            body = {"ok": False, "description": str(exc)}
            return web.json_response(body, status=exc.status)
        except LookupError as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=404)
        except (KeyError, TypeError, ValueError) as exc:
            body = {"ok": False, "description": f"bad control request: {exc!r}"}
            return web.json_response(body, status=400)

    return wrapper


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise ControlError("body must be a JSON object")
    return body


def fault_from_json(spec: dict[str, Any]) -> Fault:
    """Build a Fault from {"kind": ..., ...}; kinds mirror the Fault constructors."""
    kind = spec.get("kind", "custom")
    if kind == "retry_after":
        return Fault.retry_after(int(spec.get("retry_after", 1)))
    if kind == "server_error":
        return Fault.server_error(
            int(spec.get("status", 500)), spec.get("description", "Internal Server Error")
        )
    if kind == "blocked":
        return Fault.blocked()
    if kind == "slow":
        return Fault.slow(float(spec["delay"]))
    if kind == "bad_request":
        return Fault.bad_request(spec["description"])
    if kind == "custom":
        return Fault(
            status=spec.get("status"),
            description=spec.get("description", ""),
            parameters=spec.get("parameters"),
            delay=float(spec.get("delay", 0.0)),
        )
    raise ControlError(f"unknown fault kind {kind!r}")


def add_control_routes(app: web.Application, server: FakeBotApi) -> None:
    """Register the control endpoints on the server's app."""

    async def health(request: web.Request) -> web.Response:
        return _ok({"base_url": server.base_url, "token": server.token, "bot": server.state.bot})

    async def push_text(request: web.Request) -> web.Response:
        body = await _body(request)
        update = server.push_text(
            int(body["user_id"]),
            str(body["text"]),
            first_name=body.get("first_name"),
            username=body.get("username"),
            language_code=body.get("language_code"),
        )
        return _ok(update)

    async def push_callback(request: web.Request) -> web.Response:
        body = await _body(request)
        user_id, message_id = int(body["user_id"]), int(body["message_id"])
        if "button_text" in body:
            return _ok(server.push_button(user_id, message_id, str(body["button_text"])))
        update = server.push_callback(
            user_id, message_id, str(body["data"]), check_button=body.get("check_button", True)
        )
        return _ok(update)

    async def messages(request: web.Request) -> web.Response:
        chat_id = int(request.query["chat_id"])
        every = request.query.get("all") in ("1", "true")
        found = server.history(chat_id) if every else server.messages(chat_id)
        return _ok([m.to_json() for m in found])

    async def next_message(request: web.Request) -> web.Response:
        chat_id = int(request.query["chat_id"])
        timeout = float(request.query.get("timeout", 5.0))
        try:
            msg = await server.next_message(chat_id, timeout)
        except TimeoutError as exc:
            raise ControlError(str(exc), status=408) from None
        return _ok(msg.to_json())

    async def requests(request: web.Request) -> web.Response:
        method = request.query.get("method")
        found = server.requests_for(method) if method else server.requests
        return _ok([r.to_json() for r in found])

    async def violations(request: web.Request) -> web.Response:
        return _ok([v.to_json() for v in server.violations])

    async def stats(request: web.Request) -> web.Response:
        return _ok(
            {
                "counts": dict(server.method_counts()),
                "violations": len(server.violations),
                "answer_problems": server.answer_problems,
                "max_sends_per_second": server.max_send_rate(1.0),
                "sends": len(server.sends.times),
                "pending_updates": len(server.state.pending_updates),
                "unanswered_callbacks": [c.query_id for c in server.unanswered_callbacks()],
                "webhook_url": server.state.webhook.url,
            }
        )

    async def faults_get(request: web.Request) -> web.Response:
        return _ok(
            [
                {
                    "method": r.method,
                    "chat_id": r.chat_id,
                    "times": r.times,
                    "hits": r.hits,
                    "fault": r.fault.to_json(),
                }
                for r in server.faults.rules
            ]
        )

    async def faults_add(request: web.Request) -> web.Response:
        body = await _body(request)
        rule = server.faults.add(
            body.get("method"),
            fault_from_json(body),
            times=body.get("times", 1),
            duration=body.get("duration"),
            chat_id=body.get("chat_id"),
        )
        return _ok({"method": rule.method, "times": rule.times, "fault": rule.fault.to_json()})

    async def faults_clear(request: web.Request) -> web.Response:
        server.faults.clear()
        return _ok(True)

    async def rate_limit(request: web.Request) -> web.Response:
        body = await _body(request)
        if not body.get("enabled", True):
            server.rate_limit = None
            return _ok(None)
        server.rate_limit = RateLimit(
            per_second=int(body.get("per_second", 30)),
            per_chat_per_second=body.get("per_chat_per_second"),
            retry_after=int(body.get("retry_after", 1)),
        )
        return _ok(vars(server.rate_limit))

    async def callbacks(request: web.Request) -> web.Response:
        return _ok([vars(c) for c in server.state.callbacks.values()])

    async def commands(request: web.Request) -> web.Response:
        return _ok(
            [
                {"scope": scope, "language_code": lang, "commands": listed}
                for (scope, lang), listed in server.state.commands.items()
            ]
        )

    async def reset(request: web.Request) -> web.Response:
        server.reset()
        return _ok(True)

    async def shutdown(request: web.Request) -> web.Response:
        server.shutdown_requested.set()
        return _ok(True)

    routes: list[tuple[str, str, Handler]] = [
        ("GET", "/health", health),
        ("POST", "/push_text", push_text),
        ("POST", "/push_callback", push_callback),
        ("GET", "/messages", messages),
        ("GET", "/next_message", next_message),
        ("GET", "/requests", requests),
        ("GET", "/violations", violations),
        ("GET", "/stats", stats),
        ("GET", "/faults", faults_get),
        ("POST", "/faults", faults_add),
        ("DELETE", "/faults", faults_clear),
        ("POST", "/rate_limit", rate_limit),
        ("GET", "/callbacks", callbacks),
        ("GET", "/commands", commands),
        ("POST", "/reset", reset),
        ("POST", "/shutdown", shutdown),
    ]
    for http_method, path, handler in routes:
        app.router.add_route(http_method, PREFIX + path, _guarded(handler))
