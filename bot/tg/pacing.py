"""An even pacer: one permit every `1 / rate` seconds, whatever the burst.

`aiolimiter.AsyncLimiter(1, 1 / rate)` did this before, but it reads the event loop's clock and
sleeps on it directly, so the only way to see its spacing in a test was wall-clock time, which
flakes on a busy machine. This pacer takes its clock and its sleep as parameters: production
uses the loop's, a test passes a fake clock and records the sleeps it is asked for. `make bench`
paces its simulated clinicians with the same class.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class Pacer:
    """`async with pacer:` returns at most once every `interval` seconds, in arrival order."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = _loop_time,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.clock = clock
        self.sleep = sleep
        self._next: float | None = None
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return at the next free moment, `interval` after the previous one at the earliest."""
        async with self._lock:  # FIFO: waiters are served in the order they came
            now = self.clock()
            if self._next is not None and now < self._next:
                await self.sleep(self._next - now)
                now = self.clock()
            self._next = max(now, self._next or now) + self.interval

    async def __aenter__(self) -> None:
        await self.wait()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None
