"""Every Bot API call goes through here: Telegram's flood limit, and retries until the API is back.

python-telegram-bot's `AIORateLimiter` throttles message sends (here: `send*` methods only, not the
edits and callback answers a button press costs) and waits out a 429 (`RetryAfter`).
It does not retry a 5xx answer or a network failure (`NetworkError`, `TimedOut`), which are what a
Bot API outage looks like; a reply lost there is an answer the clinician never sees. So calls are
retried with exponential backoff for up to `retry_for` seconds. `BadRequest` is a `NetworkError`
subclass in PTB but means the request itself is wrong, so it is never retried. `getUpdates` is left
to the updater, which has its own retry loop.

A timed-out send may in fact have reached Telegram; retrying it can then show the message twice.
That is the price of never dropping one, and the lesser harm here.

A refusal to a stranger is the opposite case: it is sent `ONCE` (`rate_limit_args=ONCE`), within the
overall rate, but never retried and never allowed to pause the other chats. AIORateLimiter waits
out a 429 by holding *every* request back; five 429s on one stranger's refusal stalled every
clinician for 25 s.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

RETRY_AFTER_RETRIES = 10
"""How many 429s in a row one call waits out before giving up (each waits what Telegram asks)."""
FIRST_DELAY_S = 0.5
MAX_DELAY_S = 8.0
RETRY_FOR_S = 180.0
"""How long a call keeps retrying a Bot API that fails or does not answer (seconds)."""
EDIT_RETRY_FOR_S = 10.0
"""Edits only tidy the chat (the choice shown, old buttons removed), after the reply went out;
retrying one for minutes would hold up the chat's next update, which is handled after it."""
EDITS = frozenset({"editMessageText", "editMessageReplyMarkup"})
ONCE = -1
"""`rate_limit_args` of a call that is worth one try only (a refusal): no retry, no global pause."""


class RetryingRateLimiter(AIORateLimiter):
    """`AIORateLimiter` with retries on network errors and server errors."""

    def __init__(
        self,
        send_rate: float,
        retry_for: float = RETRY_FOR_S,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """`clock` (default: the event loop's) and `sleep` time the retries; a test passes
        fakes to check the 3 minutes without waiting them."""
        super().__init__(
            overall_max_rate=send_rate,
            overall_time_period=1 if send_rate else 0,
            max_retries=RETRY_AFTER_RETRIES,
        )
        self.retry_for = retry_for
        self.clock = clock
        self.sleep = sleep

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Throttle and wait out 429s (the parent), retrying failures with backoff."""
        if rate_limit_args == ONCE:
            return await self._run_request(
                chat="chat_id" in data,
                group=False,
                allow_paid_broadcast=False,
                callback=callback,
                args=args,
                kwargs=kwargs,
            )
        if endpoint == "getUpdates":
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        if not endpoint.startswith("send"):
            # Telegram's 30/s is about messages sent; the parent throttles any call naming a
            # chat, which would count the edit of a pressed button's message as a second message.
            data = {k: v for k, v in data.items() if k != "chat_id"}
        clock = self.clock or asyncio.get_running_loop().time
        deadline = clock() + (
            min(self.retry_for, EDIT_RETRY_FOR_S) if endpoint in EDITS else self.retry_for
        )
        delay = FIRST_DELAY_S
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise
            except NetworkError as exc:
                if clock() + delay > deadline:
                    log.error("%s failed, giving up", endpoint)
                    raise
                log.warning("%s failed (%s); retrying in %.1fs", endpoint, _name(exc), delay)
                await self.sleep(delay)
                delay = min(delay * 2, MAX_DELAY_S)


def _name(exc: BaseException) -> str:
    """The error's class and Telegram's description: no user content travels in either."""
    return f"{type(exc).__name__}: {exc}"
