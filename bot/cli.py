"""The `liverbot` command: `plan` (JSON planner), `chat` (terminal channel), `serve` (Telegram bot),
`backup`, and the files `calendar` (.ics) and `export` (audit CSV or JSON)."""

from __future__ import annotations

import argparse
import os
import sys


def build_parser() -> argparse.ArgumentParser:
    """The command line, in one place so `--help` documents every sub-command."""
    parser = argparse.ArgumentParser(
        prog="liverbot", description="TACE planning assistant for liver cancer (decision support)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    plan = sub.add_parser(
        "plan", help="plan one case (or a JSON array of cases): JSON in, JSON out"
    )
    plan.add_argument("file", help="a JSON file, or - for standard input")
    plan.add_argument(
        "--jsonl",
        action="store_true",
        help="JSON Lines: one case per line in, one plan per line out, in constant memory",
    )
    plan.add_argument(
        "--lang", help="language of the plan's texts: en or zh (default: LIVERBOT_LANG, else en)"
    )
    plan.add_argument(
        "--codes", action="store_true", help="the texts as sentence codes instead of words"
    )
    chat = sub.add_parser("chat", help="the terminal chat on the local SQLite store")
    chat.add_argument("--db", help="SQLite file (default: LIVERBOT_DB or ./liverbot.db)")
    sub.add_parser(
        "run",
        help="the Telegram bot if a token is configured (environment or .env), else the chat",
    )
    backup = sub.add_parser("backup", help="copy the database safely, even while the bot runs")
    backup.add_argument("dest", help="the new file to write (never overwritten)")
    backup.add_argument("--db", help="SQLite file (default: LIVERBOT_DB or ./liverbot.db)")
    calendar = sub.add_parser(
        "calendar", help="a clinician's pending reminders and windows as an .ics file"
    )
    calendar.add_argument("dest", help="the .ics file to write (private to you; replaced)")
    calendar.add_argument("--db", help="SQLite file (default: LIVERBOT_DB or ./liverbot.db)")
    calendar.add_argument(
        "--user", type=int, help="the clinician's Telegram user id (default: the terminal's, 0)"
    )
    export = sub.add_parser(
        "export", help="every patient's course (coded values, labels only) for an audit"
    )
    export.add_argument("dest", help="OUT.csv or OUT.json (private to you; replaced)")
    export.add_argument("--db", help="SQLite file (default: LIVERBOT_DB or ./liverbot.db)")
    serve = sub.add_parser("serve", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    serve.add_argument("--webhook", metavar="URL", help="webhook mode behind HTTPS at this URL")
    return parser


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script; a reader that closes the pipe early ends it quietly.

    `liverbot chat | head` closes standard output after ten lines: that is the reader being done,
    not an error worth a traceback. Output then goes to /dev/null so the final flush at exit
    cannot raise again (the recipe of Python's `signal` documentation).
    """
    try:
        status = _run(build_parser().parse_args(argv))
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = 0
    sys.exit(status)


def _run(args: argparse.Namespace) -> int:
    """Run the chosen sub-command; its exit status."""
    if args.command == "plan":
        from bot.plan_command import run

        return run(args.file, jsonl=args.jsonl, language=args.lang, codes=args.codes)
    if args.command == "run":
        from bot.settings import token_configured

        args.command, args.db, args.webhook = (
            "serve" if token_configured() else "chat",
            None,
            None,
        )
    if args.command == "backup":
        from bot.terminal import run_backup

        return run_backup(args.db, args.dest)
    if args.command == "calendar":
        from bot.file_commands import run_calendar

        return run_calendar(args.dest, args.db, args.user)
    if args.command == "export":
        from bot.file_commands import run_export

        return run_export(args.dest, args.db)
    if args.command == "chat":
        from bot.terminal import run_chat

        return run_chat(args.db)
    from bot.tg.serve import run_serve

    return run_serve(args.webhook)
