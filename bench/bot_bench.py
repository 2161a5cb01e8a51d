"""liverbot beside a bare PTB echo bot, under the same simulated clinicians, on the fake Bot API.

Both bots run as their own processes (`liverbot serve` and `bench.echo_bot`), polling the fake
server that runs in this process with the load generator; their CPU time and peak memory are read
from /proc. Saturation is measured with liverbot's send limiter off (LIVERBOT_SEND_RATE=0), since
with it on the bot is held to Telegram's 30 messages/s by design; the paced latency run uses the
default settings, as deployed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.load import (
    Results,
    Step,
    drive,
    echo_script,
    liverbot_script,
    percentile,
    quick_script,
    reset_all,
)
from bench.proc import cpu_seconds, peak_rss_mb
from tests.fakebotapi import FakeBotApi

REPO = Path(__file__).resolve().parent.parent
USERS = [10_001 + i for i in range(50)]


@dataclass
class BotFigures:
    """One bot's figures."""

    name: str
    saturation_ups: float
    cpu_ms_per_update: float
    cpu_ms_per_update_runs: list[float]
    p50_ms: float
    p95_ms: float
    p99_ms: float
    paced_ups: float
    peak_mb: float
    off_script: int
    calls_per_update: float
    """Bot API calls other than getUpdates, per update, at saturation."""


def start_bot(
    kind: str, server: FakeBotApi, db: Path, extra: dict[str, str]
) -> subprocess.Popen[bytes]:
    """`liverbot serve` or the echo bot, as a process polling the fake server."""
    env = {
        **os.environ,
        "PTB_TIMEDELTA": "true",
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_URL": server.base_url,
        "LIVERBOT_DB": str(db),
        "LIVERBOT_ALLOWED_USERS": ",".join(map(str, USERS)),
        **extra,
    }
    module = ["bot", "serve"] if kind == "liverbot" else ["bench.echo_bot"]
    return subprocess.Popen(
        [sys.executable, "-m", *module], cwd=REPO, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


async def wait_polling(server: FakeBotApi, seconds: float = 30) -> None:
    """Until the bot's first getUpdates arrives (not answered: that is a long poll): it is up."""
    await server.wait_for(
        lambda: any(r.method == "getUpdates" for r in server.requests),
        timeout=seconds, what="the first getUpdates",
    )  # fmt: skip


def calls(server: FakeBotApi) -> int:
    """Bot API calls so far, long polls aside."""
    return sum(1 for r in server.requests if r.method != "getUpdates")


async def run_one(
    kind: str,
    script: Callable[[int, int], list[Step]],
    seconds: float,
    rate: float | None,
    extra: dict[str, str],
    db: Path,
) -> tuple[Results, float, float, float, int]:
    """Start a bot, warm it up, measure one run: results, CPU s, elapsed s, peak MiB, API calls."""
    async with FakeBotApi() as server:
        bot = start_bot(kind, server, db, extra)
        try:
            await wait_polling(server)
            await drive(server, USERS, script, seconds=2.0, rate=rate)  # warm-up
            await reset_all(server, USERS)  # not measured: its /cancel replies are no input's
            cpu0, t0, calls0 = cpu_seconds(bot.pid), time.perf_counter(), calls(server)
            results = await drive(server, USERS, script, seconds=seconds, rate=rate, fresh=False)
            cpu, elapsed = cpu_seconds(bot.pid) - cpu0, time.perf_counter() - t0
            api_calls = calls(server) - calls0
            peak = peak_rss_mb(bot.pid)
        finally:
            bot.terminate()
            bot.wait(30)
        problems = [str(v) for v in server.violations]
        if problems:
            raise RuntimeError(f"{kind}: Bot API violations: {problems[:3]}")
    return results, cpu, elapsed, peak, api_calls


@dataclass
class Saturation:
    """One closed-loop run at full speed."""

    ups: float
    cpu_ms_per_update: float
    calls_per_update: float
    peak_mb: float
    off_script: int


async def saturate(kind: str, seconds: float, db: Path) -> Saturation:
    """One saturation run, with liverbot's send limiter off (see the module docstring)."""
    script = liverbot_script if kind == "liverbot" else echo_script
    results, cpu, elapsed, peak, api_calls = await run_one(
        kind, script, seconds, None, {"LIVERBOT_SEND_RATE": "0"}, db
    )
    return Saturation(
        ups=results.inputs / elapsed,
        cpu_ms_per_update=cpu / results.inputs * 1000,
        calls_per_update=api_calls / results.inputs,
        peak_mb=peak,
        off_script=results.off_script,
    )


async def compare(
    seconds: float = 10.0, paced_rate: float = 20.0, rounds: int = 2
) -> list[BotFigures]:
    """Both bots under the same users and inputs.

    Saturation runs alternate between the bots, `rounds` times, and the best run of each counts
    (least CPU per update, most updates/s): on a shared virtual machine, noise only ever adds
    time, so the minimum is the steadiest estimate, and alternating spreads drift over both.
    """
    kinds = ("echo", "liverbot")
    runs: dict[str, list[Saturation]] = {k: [] for k in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(rounds):
            for kind in kinds:
                runs[kind].append(await saturate(kind, seconds, Path(tmp) / f"{kind}{round_}.db"))
        figures = []
        for kind in kinds:
            script = liverbot_script if kind == "liverbot" else echo_script
            paced, _, paced_elapsed, peak, _ = await run_one(
                kind, script, seconds, paced_rate, {}, Path(tmp) / f"{kind}-paced.db"
            )
            best = min(runs[kind], key=lambda r: r.cpu_ms_per_update)
            lat = [x * 1000 for x in paced.latencies]
            figures.append(
                BotFigures(
                    name=kind,
                    saturation_ups=max(r.ups for r in runs[kind]),
                    cpu_ms_per_update=best.cpu_ms_per_update,
                    cpu_ms_per_update_runs=[r.cpu_ms_per_update for r in runs[kind]],
                    p50_ms=percentile(lat, 50),
                    p95_ms=percentile(lat, 95),
                    p99_ms=percentile(lat, 99),
                    paced_ups=paced.inputs / paced_elapsed,
                    peak_mb=max([peak, *(r.peak_mb for r in runs[kind])]),
                    off_script=paced.off_script + sum(r.off_script for r in runs[kind]),
                    calls_per_update=best.calls_per_update,
                )
            )
    return figures


@dataclass
class QuickFigures:
    """Quick checks alone, paced, with the default settings (the send limiter on)."""

    p50_ms: float
    p95_ms: float
    p99_ms: float
    achieved_per_s: float
    calls_per_check: float
    cpu_ms_per_check: float


async def quick_checks(seconds: float = 10.0, rate: float = 20.0) -> QuickFigures:
    """liverbot answering labelled quick checks paced at `rate` a second (issue 13: each is one
    Bot API call, so 20 a second stay under Telegram's 30 messages a second and do not queue)."""
    with tempfile.TemporaryDirectory() as tmp:
        results, cpu, elapsed, _, api_calls = await run_one(
            "liverbot", quick_script, seconds, rate, {}, Path(tmp) / "quick.db"
        )
    lat = [x * 1000 for x in results.latencies]
    return QuickFigures(
        p50_ms=percentile(lat, 50),
        p95_ms=percentile(lat, 95),
        p99_ms=percentile(lat, 99),
        achieved_per_s=results.inputs / elapsed,
        calls_per_check=api_calls / results.inputs,
        cpu_ms_per_check=cpu / results.inputs * 1000,
    )
