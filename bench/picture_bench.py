"""The course picture and the start-up it must not slow: `python -m bench.picture_bench`.

Each figure comes from a fresh Python process, so one measurement cannot warm another:

* drawing the worked course of 20 events (tests/pictures_kit.py), warm: the median of several
  draws after a first one (wall clock and CPU time, since other work on the host stretches the
  first), and memory: what the first picture adds to a process that has not drawn one (the
  lazy matplotlib import included), and the process's peak (max RSS);
* the first picture of a process (importing matplotlib and loading fonts included), which is
  what the first /patient after a start waits for;
* importing the bot (`bot.tg.serve`, `bot.assistant`) as it is, and as it would be if matplotlib
  and icalendar were imported at start: what lazy imports save the bot's start-up.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRAWS = 7
IMPORT_RUNS = 5

_DRAW = f"""
import json, resource, statistics, time
def rss_mb():
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024
t0 = time.perf_counter()
from bot.pictures.timeline import render_png
from tests.pictures_kit import worked_course
course = worked_course(20)
assert course.events == 20
before_mb = rss_mb()
render_png(course)
first = time.perf_counter() - t0
walls, cpus = [], []
for _ in range({DRAWS}):
    t, c = time.perf_counter(), time.process_time()
    png = render_png(course)
    walls.append(time.perf_counter() - t)
    cpus.append(time.process_time() - c)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"first_s": first, "median_s": statistics.median(walls), "max_s": max(walls),
                  "cpu_s": statistics.median(cpus), "peak_mb": peak_mb,
                  "drawing_mb": peak_mb - before_mb, "png_kb": len(png) / 1024}}))
"""

_IMPORT = """
import time
t = time.perf_counter()
import bot.tg.serve, bot.assistant
{extra}
print(time.perf_counter() - t)
"""


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def import_seconds(extra: str = "") -> float:
    """Median time to import the bot in a fresh process (plus `extra` imports)."""
    runs = [float(_python(_IMPORT.format(extra=extra))) for _ in range(IMPORT_RUNS)]
    return statistics.median(runs)


def measure() -> dict[str, float]:
    """Every figure of this benchmark."""
    drawn: dict[str, float] = json.loads(_python(_DRAW))
    lazy = import_seconds()
    eager = import_seconds("import matplotlib.backends.backend_agg, matplotlib.figure, icalendar")
    return {**drawn, "import_lazy_s": lazy, "import_eager_s": eager}


def rows(found: dict[str, float]) -> list[tuple[str, str, str]]:
    """(what, figure, target) for the README's table."""
    return [
        ("course picture, 20 events: draw, median of 7 warm (CPU) / slowest",
         f"{found['median_s']:.2f} s ({found['cpu_s']:.2f} s CPU) / {found['max_s']:.2f} s",
         "< 0.5 s"),
        ("course picture: memory the first picture adds (matplotlib included) / process peak",
         f"{found['drawing_mb']:.0f} MB / {found['peak_mb']:.0f} MB", "< 100 MB"),
        ("course picture: first of a process (import and fonts included); PNG size",
         f"{found['first_s']:.2f} s; {found['png_kb']:.0f} kB", ""),
        ("importing the bot: lazy (as built) / with matplotlib and icalendar at start",
         f"{found['import_lazy_s']:.2f} s / {found['import_eager_s']:.2f} s", ""),
    ]  # fmt: skip


def main() -> None:
    for what, figure, target in rows(measure()):
        print(f"| {what} | {figure} | {target} |")


if __name__ == "__main__":
    main()
