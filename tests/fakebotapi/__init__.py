"""A fake Telegram Bot API server for tests.

It validates every request against the official spec (tests/data/telegram-bot-api), answers
like Telegram, simulates users and injects faults, so bot tests need no network and catch
requests the real API would refuse.

In-process (pytest-asyncio)::

    async with FakeBotApi() as server, Bot(server.token, base_url=server.base_url) as bot:
        server.push_text(42, "/start")
        ...                                   # run the bot (polling) against server.base_url
        reply = await server.next_message(42)  # waits without sleeping
        server.push_button(42, reply.message_id, "Yes")
        server.faults.add("sendMessage", Fault.retry_after(5))
        server.assert_no_violations()

As a process (for `liverbot serve` subprocesses and benchmarks)::

    with FakeBotApiProcess() as fake:          # python -m tests.fakebotapi --port 0
        env = {"TELEGRAM_BOT_TOKEN": fake.token, ...: fake.base_url}
        fake.control.push_text(42, "/start")
        fake.control.next_message(42, timeout=5)
        fake.control.assert_no_violations()
"""

from .client import ControlApiError, ControlClient, FakeBotApiProcess
from .faults import Fault, FaultRule, RateLimit
from .server import DEFAULT_TOKEN, FakeBotApi
from .spec import BotApiSpec, load_spec
from .state import ApiError, CallbackRecord, ChatMessage, RecordedRequest, Violation

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotApiSpec",
    "CallbackRecord",
    "ChatMessage",
    "ControlApiError",
    "ControlClient",
    "FakeBotApi",
    "FakeBotApiProcess",
    "Fault",
    "FaultRule",
    "RateLimit",
    "RecordedRequest",
    "Violation",
    "load_spec",
]
