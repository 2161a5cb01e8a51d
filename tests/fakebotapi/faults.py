"""Fault injection and flood control: the failures a bot meets on the real Bot API.

Rules are matched in the order they were added, so adding several one-shot rules for a method
builds a queue ("429, then 500, then fine"). Times are monotonic so the wall clock cannot move
a fault window.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

BLOCKED = "Forbidden: bot was blocked by the user"


@dataclass(frozen=True)
class Fault:
    """What to answer instead of the real result; `delay` alone means 'answer late'."""

    status: int | None = None
    description: str = ""
    parameters: Mapping[str, Any] | None = None
    delay: float = 0.0

    @classmethod
    def retry_after(cls, seconds: int) -> Fault:
        """Flood control: PTB raises RetryAfter with this many seconds."""
        return cls(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})

    @classmethod
    def server_error(cls, status: int = 500, description: str = "Internal Server Error") -> Fault:
        """A 5xx from Telegram; PTB raises NetworkError."""
        return cls(status, description)

    @classmethod
    def blocked(cls) -> Fault:
        """The user blocked the bot; PTB raises Forbidden."""
        return cls(403, BLOCKED)

    @classmethod
    def bad_request(cls, description: str) -> Fault:
        """Any 400 answer, e.g. 'Bad Request: chat not found'."""
        return cls(
            400,
            description
            if description.startswith("Bad Request")
            else f"Bad Request: {description}",
        )

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Answer normally but late, to drive the client into its read timeout."""
        return cls(delay=seconds)

    def to_json(self) -> dict[str, Any]:
        """The control API's representation."""
        return {
            "status": self.status,
            "description": self.description,
            "parameters": dict(self.parameters) if self.parameters else None,
            "delay": self.delay,
        }


@dataclass
class FaultRule:
    """A fault for a method (None: every method), optionally one chat, for K calls or a span."""

    fault: Fault
    method: str | None = None
    chat_id: int | str | None = None
    times: int | None = 1
    until: float | None = None
    hits: int = 0

    def active(self, now: float) -> bool:
        """Exhausted and expired rules stay listed (for inspection) but stop matching."""
        if self.times is not None and self.hits >= self.times:
            return False
        return self.until is None or now < self.until

    def matches(self, method: str, chat_id: object) -> bool:
        """Method names compare case-insensitively, chat ids as strings (form data)."""
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)


class FaultPlan:
    """The ordered list of fault rules of one server."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.rules: list[FaultRule] = []
        self._clock = clock

    def add(
        self,
        method: str | None,
        fault: Fault,
        *,
        times: int | None = 1,
        duration: float | None = None,
        chat_id: int | str | None = None,
    ) -> FaultRule:
        """Fail `method` for the next `times` calls (None: unlimited) or `duration` seconds."""
        until = self._clock() + duration if duration is not None else None
        if duration is not None and times == 1:
            times = None
        rule = FaultRule(fault, method, chat_id, times, until)
        self.rules.append(rule)
        return rule

    def block_chat(self, chat_id: int | str) -> FaultRule:
        """Every call aimed at this chat answers 403, as after the user blocked the bot."""
        return self.add(None, Fault.blocked(), times=None, chat_id=chat_id)

    def unblock_chat(self, chat_id: int | str) -> None:
        """Forget the block rules of a chat."""
        self.rules = [
            r for r in self.rules if not (r.fault.status == 403 and str(r.chat_id) == str(chat_id))
        ]

    def clear(self) -> None:
        """Drop every rule."""
        self.rules.clear()

    def take(self, method: str, chat_id: object) -> Fault | None:
        """The first active matching rule's fault, counting the hit."""
        now = self._clock()
        for rule in self.rules:
            if rule.active(now) and rule.matches(method, chat_id):
                rule.hits += 1
                return rule.fault
        return None


@dataclass
class RateLimit:
    """Telegram's flood limits; enforced only when a test turns them on."""

    per_second: int = 30
    per_chat_per_second: int | None = None
    retry_after: int = 1


@dataclass
class SendLog:
    """Times of accepted message sends, to measure the busiest window afterwards."""

    times: list[float] = field(default_factory=list)
    by_chat: dict[str, list[float]] = field(default_factory=dict)

    def record(self, at: float, chat_id: object) -> None:
        """Remember one send; times arrive in increasing order."""
        self.times.append(at)
        self.by_chat.setdefault(str(chat_id), []).append(at)

    def count_since(self, since: float, chat_id: object = None) -> int:
        """Sends at or after `since` (overall, or to one chat)."""
        times = self.times if chat_id is None else self.by_chat.get(str(chat_id), [])
        return len(times) - bisect_left(times, since)

    def max_in_window(self, window: float = 1.0, chat_id: object = None) -> int:
        """The largest number of sends within any `window` seconds."""
        times = self.times if chat_id is None else self.by_chat.get(str(chat_id), [])
        best = 0
        start = 0
        for end, at in enumerate(times):
            while at - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def clear(self) -> None:
        """Forget all sends."""
        self.times.clear()
        self.by_chat.clear()
