"""The course as a PNG: one time axis with plans, sessions, imaging, windows and reminders, and
below it ALBI over the same days, with its grade zones.

Drawn with matplotlib's object API (`Figure` on the Agg canvas, never pyplot): no global state,
no display, safe in a worker thread. matplotlib is imported inside `render_png`, not at module
import, since it costs the bot's start-up several hundred milliseconds (README, start-up).

Sized for a phone: 1080 px wide, type of 13-16 pt at 150 dpi. The only thing on it that names
anyone is the pseudonymous label in the title.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bot.pictures import fonts, words
from bot.pictures.course import CourseTimeline
from lang import _, active
from planner.albi import GRADE_1_MAX, GRADE_2_MAX

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH_PX = 1080
DPI = 150
HEIGHT_PX = 1260
FONT_PT = 14
MARK_FONT_PT = 13
MARGINS = {"left": 0.19, "right": 0.97, "top": 0.93, "bottom": 0.06, "hspace": 0.06}
"""Room for the lane names on the left and the title on top (fractions of the picture)."""
WIDER_DATES = {"zh": {"right": 0.95}}
"""More room on the right where a language's dates are wider (`2027年`), so the last one is whole."""
MIN_SPAN = timedelta(days=42)
"""The shortest stretch of time shown: a single plan still sits in six weeks of context."""
LANE_Y = {"plans": 3.0, "sessions": 2.0, "followups": 1.0, "reminders": 0.0}
COLOURS = {
    "plans": "#1f3b73",
    "sessions": "#c45a00",
    "reminders": "#6a3d9a",
    "window": "#2e8b57",
    "today": "#444444",
    "albi": "#1f3b73",
}
RESPONSE_COLOURS = {"cr": "#1b7837", "pr": "#5aae61", "sd": "#777777", "pd": "#c51b7d"}
GRADE_ZONES = (
    (1, "#d9f0d3", None, GRADE_1_MAX),
    (2, "#fee8c8", GRADE_1_MAX, GRADE_2_MAX),
    (3, "#fbb4b9", GRADE_2_MAX, None),
)
"""ALBI grades as horizontal bands: 1 up to -2.60, 2 up to -1.39, 3 above (planner.albi)."""
ALBI_FLOOR, ALBI_CEILING = -3.6, -0.9
"""The ALBI axis shows at least this range, so all three grade zones are always visible."""
DATE_FORMATS: dict[str, dict[str, list[str]]] = {
    "zh": {
        "formats": ["%Y年", "%-m月", "%-d日", "%H:%M", "%H:%M", "%S.%f"],
        "zero_formats": ["", "%Y年", "%-m月", "%-m月%-d日", "%H:%M", "%H:%M"],
        "offset_formats": ["", "%Y年", "%Y年%-m月", "%Y年%-m月%-d日", "%Y年%-m月%-d日",
                           "%Y年%-m月%-d日 %H:%M"],
    },
}  # fmt: skip
"""The date axis as each language writes dates (matplotlib's concise defaults are English:
`Nov`, `2026-Nov`); by level: years, months, days, hours, minutes, seconds."""


def render_png(course: CourseTimeline) -> bytes:
    """The course as PNG bytes (about 1080 x 1260 px). CPU-bound: call it off the event loop."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    events, labs = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (3, 2)})
    # fixed: a layout engine doubles the drawing time
    figure.subplots_adjust(**{**MARGINS, **WIDER_DATES.get(active(), {})})
    start, end = _span(course)
    _draw_windows(course, events, labs)
    _draw_events(course, events)
    _draw_labs(course, labs)
    for axes in (events, labs):
        axes.axvline(_x(course.today), color=COLOURS["today"], linestyle="--", linewidth=1.5)
        axes.set_xlim(_x(start), _x(end))
        axes.tick_params(labelsize=FONT_PT - 1)
    events.text(_x(course.today), -1.05, _(words.TODAY), ha="center", va="bottom",
                fontsize=FONT_PT - 1, color=COLOURS["today"])  # fmt: skip
    _date_axis(labs)
    title = words.title(course.label, course.today)
    figure.suptitle(title, fontsize=FONT_PT + 3, fontweight="bold")
    fonts.dress(figure, active())
    out = io.BytesIO()
    # zlib level 1: a third of the time of the default for a few more kilobytes (bench).
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None},
                   pil_kwargs={"compress_level": 1})  # fmt: skip
    return out.getvalue()


def _x(day: date) -> float:
    """A day as matplotlib's date number (days since its epoch): what every axis call takes."""
    from matplotlib.dates import date2num

    return float(date2num(day))


def _span(course: CourseTimeline) -> tuple[date, date]:
    """The days shown: every mark, with a margin (more on the right), and at least `MIN_SPAN`."""
    days = course.days()
    first, last = min(days), max(days)
    if last - first < MIN_SPAN:
        extra = (MIN_SPAN - (last - first)) / 2
        first, last = first - extra, last + extra
    margin = max((last - first) * 0.05, timedelta(days=3))
    room = max((last - first) * 0.2, timedelta(days=10))  # the last mark's words rise rightwards
    return first - margin, last + room


def _draw_windows(course: CourseTimeline, events: Axes, labs: Axes) -> None:
    """Each window as a shaded band over both panels; the latest plan's darker and named."""
    for window in course.windows:
        alpha = 0.22 if window.current else 0.08
        for axes in (events, labs):
            axes.axvspan(_x(window.start), _x(window.end + timedelta(days=1)), color=COLOURS["window"],
                         alpha=alpha, linewidth=0)  # fmt: skip
        if window.current:
            middle = window.start + (window.end - window.start) / 2
            named = words.window(window.start, window.end, course.today)
            events.text(_x(middle), -0.6, named, ha="center", va="center",
                        fontsize=MARK_FONT_PT, color=COLOURS["window"], fontweight="bold")  # fmt: skip


def _draw_events(course: CourseTimeline, axes: Axes) -> None:
    """Four lanes of marks, each with a word or two rising from it, clear of the lane above."""
    lanes: list[tuple[str, list[tuple[date, str, str]], str]] = [
        ("plans", [(p.day, words.decision(p.decision, p.approach), COLOURS["plans"])
                   for p in course.plans], "D"),
        ("sessions", [(s.day, words.technique(s.technique), COLOURS["sessions"])
                      for s in course.sessions], "^"),
        ("followups", [(f.day, words.response(f.response),
                        RESPONSE_COLOURS.get(f.response or "", "#777777"))
                       for f in course.followups], "o"),
        ("reminders", [(r.day, words.reminder(r.kind), COLOURS["reminders"])
                       for r in course.reminders], "v"),
    ]  # fmt: skip
    for lane, marks, shape in lanes:
        y = LANE_Y[lane]
        for day, text, colour in marks:
            axes.plot([_x(day)], [y], marker=shape, markersize=13, color=colour,
                      markeredgecolor="white", linestyle="none")  # fmt: skip
            axes.text(_x(day), y + 0.16, text, ha="left", va="bottom", rotation=30,
                      rotation_mode="anchor", fontsize=MARK_FONT_PT, color=colour)  # fmt: skip
    axes.set_yticks(list(LANE_Y.values()), [words.LANES[k] for k in LANE_Y], fontsize=FONT_PT)
    axes.set_ylim(-1.1, 4.5)  # room above the plans for their words
    axes.grid(axis="x", color="#dddddd")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _draw_labs(course: CourseTimeline, axes: Axes) -> None:
    """ALBI over time on its grade zones; a line saying so when no values were recorded."""
    points = sorted((m.day, m.albi) for m in course.labs if m.albi is not None)
    values = [v for _, v in points]
    low = min([ALBI_FLOOR, *(v - 0.2 for v in values)])
    high = max([ALBI_CEILING, *(v + 0.2 for v in values)])
    for grade, colour, bottom, top in GRADE_ZONES:
        axes.axhspan(low if bottom is None else bottom, high if top is None else top,
                     color=colour, linewidth=0, zorder=0)  # fmt: skip
        middle = ((low if bottom is None else bottom) + (high if top is None else top)) / 2
        axes.text(1.0, middle, words.albi_grade(grade), transform=_right(axes),
                  ha="right", va="center", fontsize=FONT_PT - 2, color="#555555")  # fmt: skip
    if points:
        axes.plot([_x(d) for d, _ in points], values, marker="o", markersize=9, linewidth=2.5,
                  color=COLOURS["albi"])  # fmt: skip
    else:
        axes.text(0.5, 0.5, _(words.NO_LABS), transform=axes.transAxes, ha="center", va="center",
                  fontsize=FONT_PT, color="#555555")  # fmt: skip
    axes.set_ylim(low, high)
    axes.invert_yaxis()  # better liver function (lower ALBI) reads as higher
    axes.set_ylabel(_(words.ALBI_AXIS), fontsize=FONT_PT)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _right(axes: Axes) -> Any:
    """x in axes fraction, y in data: text pinned to the panel's right edge at a value."""
    from matplotlib.transforms import blended_transform_factory

    return blended_transform_factory(axes.transAxes, axes.transData)


def _date_axis(axes: Axes) -> None:
    """Dates that stay short however long the course: months, with the year where it changes."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=3, maxticks=7)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator, **DATE_FORMATS.get(active(), {})))
