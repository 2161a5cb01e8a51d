"""`make bench`: every benchmark in one run, printed as the table the README shows.

Usage: python -m bench [--seconds S]   (S: length of each measured bot run, default 10)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import time
from datetime import date

from bench import picture_bench, planner_bench
from bench.bot_bench import compare, quick_checks
from bench.proc import machine
from bench.reminder_bench import burst, startup_with


def row(what: str, figure: str, target: str = "") -> str:
    return f"| {what} | {figure} | {target} |"


async def run(seconds: float) -> list[str]:
    """Measure everything; the table's rows."""
    planner = planner_bench.measure()
    echo, liverbot = await compare(seconds=seconds)
    quick = await quick_checks(seconds=seconds)
    empty, full, backlog = await startup_with(100_000)
    flood = await burst(1000)
    ratio = liverbot.cpu_ms_per_update / echo.cpu_ms_per_update
    rows = [
        "| what | figure | target |",
        "| --- | --- | --- |",
        row("planner alone: one case", f"{planner['plan_us']:.0f} µs "
            f"({planner['plans_per_second']:,.0f} plans/s)"),
        row("planner: validate + plan + JSON", f"{planner['json_round_trip_us']:.0f} µs",
            "< 150 µs"),
        row("planner: interpreter", planner_bench.interpreter()),
    ]  # fmt: skip
    for bot in (echo, liverbot):
        rows += [
            row(f"{bot.name}: updates/s at saturation (50 users)", f"{bot.saturation_ups:.0f}"),
            row(f"{bot.name}: CPU per update (best of the runs: "
                f"{', '.join(f'{c:.2f}' for c in bot.cpu_ms_per_update_runs)}); "
                "Bot API calls per update",
                f"{bot.cpu_ms_per_update:.2f} ms; {bot.calls_per_update:.2f}"),
            row(f"{bot.name}: CPU per Bot API call",
                f"{bot.cpu_ms_per_update / bot.calls_per_update:.2f} ms"),
            row(f"{bot.name}: reply latency p50 / p95 / p99, paced at 20 updates/s "
                f"({bot.paced_ups:.1f} achieved)",
                f"{bot.p50_ms:.1f} / {bot.p95_ms:.1f} / {bot.p99_ms:.1f} ms",
                "p95 < 50 ms" if bot.name == "liverbot" else ""),
            row(f"{bot.name}: peak memory", f"{bot.peak_mb:.0f} MB"),
        ]  # fmt: skip
    rows += [
        row("liverbot: quick checks alone, paced at 20/s "
            f"({quick.achieved_per_s:.1f} achieved): p50 / p95 / p99",
            f"{quick.p50_ms:.1f} / {quick.p95_ms:.1f} / {quick.p99_ms:.1f} ms", "p95 < 50 ms"),
        row("liverbot: quick check: Bot API calls; CPU",
            f"{quick.calls_per_check:.2f}; {quick.cpu_ms_per_check:.2f} ms", "1 call"),
        row("liverbot / echo: CPU per update", f"{ratio:.2f}x", "≤ 1.3x"),
        row("liverbot / echo: updates/s at saturation",
            f"{liverbot.saturation_ups / echo.saturation_ups:.2f}x"),
        row("start-up to polling, empty database", f"{empty.seconds:.2f} s, {empty.peak_mb:.0f} MB"),
        row("start-up to polling, 100,000 pending reminders over a year",
            f"{full.seconds:.2f} s, {full.peak_mb:.0f} MB", "< 2 s, < 300 MB"),
        row("start-up to polling, 100,000 pending reminders all due within the hour",
            f"{backlog.seconds:.2f} s, {backlog.peak_mb:.0f} MB", "< 2 s, < 300 MB"),
        row("1,000 reminders due at once: delivered / doubled",
            f"{flood.delivered} / {flood.duplicates} in {flood.seconds:.0f} s"),
        row("1,000 reminders: peak per second / 429s from the server",
            f"{flood.peak_per_second} / {flood.too_many_requests}", "≤ 30, 0"),
    ]  # fmt: skip
    rows += [row(*r) for r in picture_bench.rows(picture_bench.measure())]
    if liverbot.off_script or echo.off_script:
        rows.append(row("prompts off the expected script", str(liverbot.off_script)))
    return rows


def main() -> None:
    """Run and print; the whole run takes about three minutes on two cores."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each bot run")
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # bots killed mid-long-poll
    started = time.perf_counter()
    rows = asyncio.run(run(args.seconds))
    print(f"liverbot benchmark, {date.today()}, {machine()}, Python {platform.python_version()}")
    print("\n".join(rows))
    print(f"(whole run: {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
