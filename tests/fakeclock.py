"""A clock that moves only when slept on: timing behaviour checked without waiting for it.

Assertions on wall-clock speed flake on a busy machine (issue 11); a fake clock turns "waits
3 minutes" or "25 a second" into exact numbers that hold however loaded the host is.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field


@dataclass
class FakeClock:
    """`time()` for the code under test, `sleep()` that advances it and records each request."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)  # still a suspension point, as the real sleep is
