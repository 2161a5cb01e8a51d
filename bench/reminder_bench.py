"""Reminders at scale: start-up with 100,000 pending, and 1,000 falling due in the same minute."""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.bot_bench import start_bot, wait_polling
from bench.proc import peak_rss_mb
from bot.store import DueReminder, Store
from tests.fakebotapi import FakeBotApi, RateLimit

KINDS = ("imaging_due", "window_opens", "window_closes")


def fill(db: Path, patients: int, per_patient: int, due: list[datetime], owners: int) -> None:
    """Patients with pending reminders, written through the store in one transaction."""
    with Store(db) as store, store.transaction():
        for owner in range(1, owners + 1):
            store.touch_clinician(10_000 + owner, 10_000 + owner)
        for i in range(patients):
            owner = 10_000 + 1 + i % owners
            patient = store.get_or_create_patient(owner, f"p{i}")
            items = [
                DueReminder(KINDS[k % 3], due[(i * per_patient + k) % len(due)])  # type: ignore[arg-type]
                for k in range(per_patient)
            ]
            store.add_reminders(owner, patient.id, owner, items)


@dataclass
class StartFigures:
    """Start-up of `liverbot serve` on a database, to the first getUpdates."""

    reminders: int
    seconds: float
    peak_mb: float


async def start_up(db: Path, reminders: int) -> StartFigures:
    """Time from process start to polling, and peak memory then."""
    async with FakeBotApi() as server:
        started = time.perf_counter()
        bot = start_bot("liverbot", server, db, {})
        try:
            await wait_polling(server, seconds=60)
            seconds = time.perf_counter() - started
            peak = peak_rss_mb(bot.pid)
        finally:
            bot.terminate()
            bot.wait(30)
    return StartFigures(reminders, seconds, peak)


async def startup_with(count: int = 100_000) -> tuple[StartFigures, StartFigures, StartFigures]:
    """An empty database; `count` reminders spread over the coming year; `count` all due in the
    coming hour (the worst case for the scheduler: every one of them wants a job)."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    year = [now + timedelta(seconds=rng.uniform(3600, 365 * 86400)) for _ in range(count)]
    hour = [now + timedelta(seconds=rng.uniform(20 * 60, 3600)) for _ in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        empty, spread, backlog = (Path(tmp) / f"{n}.db" for n in ("empty", "spread", "backlog"))
        Store(empty).close()
        fill(spread, count // 5, 5, year, owners=50)
        fill(backlog, count // 5, 5, hour, owners=50)
        return (
            await start_up(empty, 0),
            await start_up(spread, count),
            await start_up(backlog, count),
        )


@dataclass
class BurstFigures:
    """1,000 reminders due at the same instant, through a Bot API that enforces 30/s."""

    due: int
    delivered: int
    duplicates: int
    too_many_requests: int
    peak_per_second: int
    seconds: float


async def burst(count: int = 1000, owners: int = 100) -> BurstFigures:
    """All due a few seconds after start; count what arrives, how fast, and any 429."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "burst.db"
        async with FakeBotApi(rate_limit=RateLimit(per_second=30)) as server:
            # Every owner allowed: a clinician outside the allow-list gets no reminder (held).
            allowed = {"LIVERBOT_ALLOWED_USERS": ",".join(str(10_001 + i) for i in range(owners))}
            bot = start_bot("liverbot", server, db, allowed)
            try:
                await wait_polling(server)
                due_at = datetime.now(UTC) + timedelta(seconds=3)
                fill(db, count, 1, [due_at], owners)
                # The bot learns of reminders written by another program at its next sweep;
                # a restart makes it read them now, as after a deployment.
                bot.terminate()
                bot.wait(30)
                server.requests.clear()
                bot = start_bot("liverbot", server, db, allowed)
                chats = [10_001 + i for i in range(owners)]

                def texts() -> list[str]:
                    return [
                        m.text or "" for c in chats for m in server.messages(c)
                        if (m.text or "").startswith("Reminder for")
                    ]  # fmt: skip

                await server.wait_for(lambda: len(texts()) >= count, timeout=180, what="all")
                first_due = due_at.timestamp()
                seconds = time.time() - first_due
                await asyncio.sleep(2)  # anything doubled would arrive now
            finally:
                bot.terminate()
                bot.wait(30)
            delivered = texts()
            return BurstFigures(
                due=count,
                delivered=len(set(delivered)),
                duplicates=len(delivered) - len(set(delivered)),
                too_many_requests=sum(1 for r in server.requests if r.status == 429),
                peak_per_second=server.max_send_rate(),
                seconds=seconds,
            )
