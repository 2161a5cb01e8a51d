"""`python -m tests.fakebotapi`: the fake Bot API as its own process, with the control API.

Prints the base URL for PTB (http://127.0.0.1:PORT/bot) as its only stdout line, then serves
until SIGTERM/SIGINT or POST /_control/shutdown. Logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from .faults import RateLimit
from .server import DEFAULT_TOKEN, FakeBotApi


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.fakebotapi", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the only token accepted")
    parser.add_argument("--bot-username", default="liverbot_test_bot")
    parser.add_argument("--bot-first-name", default="Liverbot")
    parser.add_argument(
        "--strict-chats", action="store_true", help="'chat not found' for chats no user opened"
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=0,
        metavar="N",
        help="answer 429 above N messages per second (0: record only)",
    )
    parser.add_argument("--log-level", default="WARNING")
    return parser


async def _serve(args: argparse.Namespace) -> None:
    server = FakeBotApi(
        args.token,
        host=args.host,
        port=args.port,
        bot_first_name=args.bot_first_name,
        bot_username=args.bot_username,
        strict_chats=args.strict_chats,
        rate_limit=RateLimit(per_second=args.rate_limit) if args.rate_limit else None,
        control_api=True,
    )
    await server.start()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, server.shutdown_requested.set)
    print(server.base_url, flush=True)
    try:
        await server.shutdown_requested.wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> int:
    """Run until asked to stop; exit 0."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s fakebotapi %(levelname)s %(message)s",
    )
    asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
