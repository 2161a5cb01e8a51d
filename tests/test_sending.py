"""Timing of Bot API calls, on a fake clock: retries for up to 3 minutes, reminders paced evenly.

The README promises both; neither can be checked by the wall clock without a flaky test or a
3-minute one, so the limiter and the pacer take their clock and sleep as parameters.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.store import Store
from bot.tg.app import build_application
from bot.tg.pacing import Pacer
from bot.tg.ratelimit import EDIT_RETRY_FOR_S, MAX_DELAY_S, RetryingRateLimiter
from tests.botkit import settings_for
from tests.fakeclock import FakeClock

THREE_MINUTES = 180.0
"""The README's promise, written here rather than read from the code it checks."""


class FlakyApi:
    """A Bot API call failing with `error` until `up_at` on the clock, then answering."""

    def __init__(self, clock: FakeClock, error: Exception, up_at: float = float("inf")) -> None:
        self.clock, self.error, self.up_at = clock, error, up_at
        self.calls: list[float] = []

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(self.clock.now)
        if self.clock.now < self.up_at:
            raise self.error
        return {"ok": True}


async def call(limiter: RetryingRateLimiter, api: FlakyApi, endpoint: str) -> object:
    """One call through the limiter, as PTB's request layer makes it."""
    return await limiter.process_request(api, (), {}, endpoint, {"chat_id": 1}, None)


@pytest.fixture
def app_limiter(tmp_path: Path) -> Iterator[RetryingRateLimiter]:
    """The rate limiter of the application `liverbot serve` builds, not one made for the test,
    so the retry period it was built with is the one checked."""
    with Store(tmp_path / "l.db") as store:
        app = build_application(
            settings_for("http://127.0.0.1:9", "1:x", tmp_path / "l.db"), store
        )
        limiter = app.bot.rate_limiter
        assert isinstance(limiter, RetryingRateLimiter)
        yield limiter


def limiter_on(clock: FakeClock, limiter: RetryingRateLimiter) -> RetryingRateLimiter:
    """The limiter timing its retries on `clock`."""
    limiter.clock, limiter.sleep = clock.time, clock.sleep
    return limiter


@pytest.mark.parametrize("error", [NetworkError("down"), TimedOut()], ids=["5xx", "timeout"])
async def test_a_failing_send_is_retried_for_3_minutes_then_given_up(
    error: Exception, app_limiter: RetryingRateLimiter
) -> None:
    clock = FakeClock()
    api = FlakyApi(clock, error)
    start = clock.now
    with pytest.raises(type(error)):
        await call(limiter_on(clock, app_limiter), api, "sendMessage")
    last_try = api.calls[-1] - start
    assert THREE_MINUTES - MAX_DELAY_S < last_try <= THREE_MINUTES, "to the end, no further"
    assert len(api.calls) > 20
    assert max(clock.sleeps) == MAX_DELAY_S, "backoff capped, so an outage's end is seen soon"


async def test_a_send_that_fails_for_almost_3_minutes_is_delivered(
    app_limiter: RetryingRateLimiter,
) -> None:
    clock = FakeClock()
    api = FlakyApi(clock, NetworkError("down"), up_at=clock.now + THREE_MINUTES - MAX_DELAY_S)
    assert await call(limiter_on(clock, app_limiter), api, "sendMessage") == {"ok": True}


async def test_an_edit_is_retried_for_10_s_only(app_limiter: RetryingRateLimiter) -> None:
    clock = FakeClock()
    api = FlakyApi(clock, NetworkError("down"))
    start = clock.now
    with pytest.raises(NetworkError):
        await call(limiter_on(clock, app_limiter), api, "editMessageText")
    assert 0 < api.calls[-1] - start <= EDIT_RETRY_FOR_S
    assert len(api.calls) > 1


async def test_a_bad_request_is_never_retried(app_limiter: RetryingRateLimiter) -> None:
    clock = FakeClock()
    api = FlakyApi(clock, BadRequest("chat not found"))
    with pytest.raises(BadRequest):
        await call(limiter_on(clock, app_limiter), api, "sendMessage")
    assert len(api.calls) == 1


@pytest.mark.parametrize("rate", [25.0, 4.0])
async def test_the_pacer_spaces_a_burst_evenly_at_its_rate(rate: float) -> None:
    clock = FakeClock()
    pacer = Pacer(rate, clock=clock.time, sleep=clock.sleep)
    entered: list[float] = []

    async def one() -> None:
        async with pacer:
            entered.append(clock.now)

    await asyncio.gather(*(one() for _ in range(10)))
    gaps = [b - a for a, b in itertools.pairwise(entered)]
    assert gaps == pytest.approx([1 / rate] * 9)


async def test_the_pacer_does_not_hold_back_what_comes_after_a_pause() -> None:
    clock = FakeClock()
    pacer = Pacer(2.0, clock=clock.time, sleep=clock.sleep)
    async with pacer:
        pass
    clock.now += 5.0
    async with pacer:
        pass
    assert clock.sleeps == []
