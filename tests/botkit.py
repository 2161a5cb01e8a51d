"""Running the real bot (built by `bot.tg.app.build_application`) against the fake Bot API.

In-process: `async with running_bot(server, db) as app` polls the fake with `bot.tg.polling` as
`liverbot serve` does (post_init included, which `async with app` alone skips: STYLE.md
pitfall 1). The helpers answer the dialogue the way a clinician does: a button when the question
offers the answer, typing otherwise.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from bot.settings import Settings
from bot.store import DueReminder, Store
from bot.tg.app import ALLOWED_UPDATES, App, build_application
from bot.tg.callbacks import answer_data as find_answer
from bot.tg.polling import poll
from bot.tg.services import Services
from tests.fakebotapi import ChatMessage, ControlClient, FakeBotApi
from tests.scripts import PLAIN_INTAKE

T = TypeVar("T")
USER, OTHER, STRANGER = 1001, 1002, 666
REPO = Path(__file__).resolve().parent.parent

INTAKE = {**PLAIN_INTAKE, "summary": "confirm"}
"""A plain intake (two 3.5 cm HCC nodules, Child-Pugh A5): super-selective TACE, BCLC B."""
AFTER_TACE = {
    **INTAKE, "earlier": "yes", "last_intervention": "10d", "recovered_on": "5d", "sessions": "1",
    "imaged": "no",
}  # fmt: skip
"""The same patient 10 days after a TACE, not yet imaged: reminders for the weeks ahead."""
PLAN_HEAD = "Super-selective TACE · bed7\nChild-Pugh A5 · ALBI 2 · MELD-Na 7 · BCLC B · CNLC IIa"


def settings_for(server_url: str, token: str, db: Path, **extra: Any) -> Settings:
    """Settings as the environment of a deployment would give them."""
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": server_url,
        "LIVERBOT_DB": db,
        "LIVERBOT_ALLOWED_USERS": f"{USER},{OTHER}",
    }
    values.update(extra)
    return Settings(**values)


@asynccontextmanager
async def running_bot(
    server: FakeBotApi, db: Path, clock: Callable[[], datetime] | None = None, **extra: Any
) -> AsyncIterator[App]:
    """The bot polling the fake server, on the SQLite file `db`; stopped and closed on exit.

    `clock` fixes the bot's time (the day plans are made for, when reminders fall due).
    """
    store = Store(db)
    settings = settings_for(server.base_url, server.token, db, **extra)
    app = (
        build_application(settings, store)
        if clock is None
        else build_application(settings, store, clock=clock)
    )
    stop = asyncio.Event()
    try:
        async with app:
            await app.post_init(app)  # type: ignore[misc]
            await app.start()
            poller = asyncio.create_task(poll(app, stop, ALLOWED_UPDATES))
            try:
                yield app
            finally:
                stop.set()
                await poller
                await app.stop()
    finally:
        store.close()


async def eventually(
    predicate: Callable[[], T | None], seconds: float = 10.0, what: str = "it"
) -> T:
    """Wait for a condition on the bot's side (its database), which the fake server cannot see."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not (value := predicate()):
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"timed out after {seconds}s waiting for {what}")
        await asyncio.sleep(0.02)
    return value


def services(app: App) -> Services:
    """The running bot's services, to look at its store and dialogue."""
    return app.bot_data["services"]  # type: ignore[no-any-return]


def answer_data(message: ChatMessage, step: str, value: str) -> str | None:
    """The callback data of the button answering `step` with `value`, if the message has it."""
    return find_answer(message.callback_data(), value, step)


async def answer(
    server: FakeBotApi, app: App, prompt: ChatMessage, value: str, user: int = USER
) -> ChatMessage:
    """Answer the current question by button when offered, else by typing; the next message."""
    step = services(app).assistant.dialogue_step(user, user)
    assert step is not None, "no dialogue in progress"
    data = answer_data(prompt, step, value)
    if data is not None:
        server.push_callback(user, prompt.message_id, data)
    else:
        server.push_text(user, value)
    return await server.next_message(user)


async def intake(
    server: FakeBotApi, app: App, script: dict[str, str], user: int = USER
) -> tuple[ChatMessage, list[str]]:
    """Run /new with `script` (answers by question id) until the summary is confirmed.

    Returns the first message after the confirmation and how each question was answered.
    """
    server.push_text(user, "/new")
    prompt = await server.next_message(user)
    how: list[str] = []
    while (step := services(app).assistant.dialogue_step(user, user)) is not None:
        value = script[step]
        how.append(f"{step}:{'button' if answer_data(prompt, step, value) else 'typed'}")
        prompt = await answer(server, app, prompt, value, user)
    return prompt, how


def add_reminder(store: Store, due_at: datetime, label: str = "bed7", user: int = USER) -> int:
    """A patient with one reminder, written the way a saved plan writes it."""
    store.touch_clinician(user, user)
    patient = store.get_or_create_patient(user, label)
    (reminder,) = store.add_reminders(user, patient.id, user, [DueReminder("imaging_due", due_at)])
    return reminder.id


def soon(seconds: float) -> datetime:
    """A moment `seconds` from now (negative: in the past), in UTC."""
    return datetime.now(UTC) + timedelta(seconds=seconds)


def serve_process(
    base_url: str, token: str, db: Path, extra_env: dict[str, str] | None = None,
    args: Iterable[str] = (), log: Path | None = None,
) -> subprocess.Popen[bytes]:  # fmt: skip
    """`liverbot serve` as a child process against a fake Bot API process."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": base_url,
        "LIVERBOT_DB": str(db),
        "LIVERBOT_ALLOWED_USERS": f"{USER},{OTHER}",
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "bot", "serve", *args]
    if log is None:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL)
    with log.open("ab") as out:  # the child has its own copy of the descriptor
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


def step_in(db: Path, user: int = USER) -> str | None:
    """The dialogue step saved in the database file, read as an outside observer would."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        row = conn.execute(
            "SELECT state FROM dialogues WHERE owner_id = ? AND chat_id = ?", (user, user)
        ).fetchone()
    return None if row is None else str(json.loads(row[0])["state"])


def button_data(message: dict[str, Any]) -> list[str]:
    """The callback data on a message as the control API returns it."""
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def answer_sync(
    control: ControlClient, db: Path, prompt: dict[str, Any], script: dict[str, str],
    user: int = USER, timeout: float = 10.0,
) -> dict[str, Any]:  # fmt: skip
    """Answer the saved step of a bot running as a process; its next message."""
    step = step_in(db, user)
    assert step is not None, "no dialogue in progress"
    data = find_answer(button_data(prompt), script[step], step)
    if data is not None:
        control.push_callback(user, prompt["message_id"], data)
    else:
        control.push_text(user, script[step])
    return control.next_message(user, timeout=timeout)


def run_serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`liverbot serve` to completion, with only the given liverbot/Telegram settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVERBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve", *args],
        cwd=REPO, env={**clean, **env}, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
