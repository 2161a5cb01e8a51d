"""How often someone who is not an allowed clinician hears from the bot: once an hour at most.

A refusal tells a newcomer their id, which is all they need; repeating it to every message of a
flood would spend the bot's sending budget (Telegram's 30 messages a second, shared with the
clinicians) on someone who is not served. Only user ids and times are kept, in memory, for an
hour: nothing about a stranger is stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable

REFUSAL_EVERY_S = 3600.0
"""One refusal per stranger per hour (the issue's bound)."""
REFUSALS_PER_MINUTE = 20
"""All strangers together: at most this many refusals a minute, so that many strangers at once
(a bot username shared in a large group) cannot crowd out the clinicians' replies either."""


class Refusals:
    """Decides whether a stranger is told (again) that the bot is not for them."""

    def __init__(
        self,
        every: float = REFUSAL_EVERY_S,
        per_minute: int = REFUSALS_PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.every = every
        self.per_minute = per_minute
        self.clock = clock
        self._last: dict[int, float] = {}
        self._recent: list[float] = []

    def due(self, user_id: int) -> bool:
        """Whether to refuse `user_id` in words now; True counts as the refusal being sent."""
        now = self.clock()
        self._forget_before(now)
        if user_id in self._last or len(self._recent) >= self.per_minute:
            return False
        self._last[user_id] = now
        self._recent.append(now)
        return True

    def _forget_before(self, now: float) -> None:
        """Drop what is older than the windows, so memory stays bounded by one hour's strangers."""
        self._recent = [t for t in self._recent if t > now - 60.0]
        if self._last and next(iter(self._last.values())) <= now - self.every:
            self._last = {u: t for u, t in self._last.items() if t > now - self.every}
