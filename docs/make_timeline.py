"""Make docs/timeline.png, the README's picture, from a worked case: `make docs`.

The case goes through the real assistant and store, as a clinician would type it into the
terminal on four days of one year: a first quick check, then three follow-ups after TACE sessions
with their imaging findings and labs. The picture is then drawn from the store as /patient does.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path

from bot.assistant import Assistant
from bot.course_view import course_timeline
from bot.files import write_private
from bot.pictures.timeline import render_png
from bot.settings import Settings
from bot.store import TERMINAL_OWNER, Store

PATIENT = "age=66 ecog=0 n=2 size=3.5 pvtt=none inr=1.1 ascites=none he=none"
COURSE = (
    (date(2026, 3, 2), "bili=1.0mg alb=4.0g/dL"),
    (date(2026, 4, 20), "bili=1.1mg alb=3.9g/dL last=2026-03-10 recovered=2026-03-17 sessions=1 "
                        "lipiodol=dense necrosis=yes new=no progression=no response=pr"),
    (date(2026, 7, 6), "bili=1.3mg alb=3.7g/dL last=2026-05-18 recovered=2026-05-25 sessions=2 "
                       "lipiodol=dense_marginal_defect necrosis=yes new=no progression=no "
                       "response=sd"),
    (date(2026, 10, 12), "bili=1.6mg alb=3.5g/dL last=2026-08-24 recovered=2026-08-31 "
                         "sessions=3 lipiodol=dense necrosis=yes new=no progression=no "
                         "response=pr"),
)  # fmt: skip
"""(day, what was measured and found that day) for bed7."""
SHOWN_ON = date(2026, 10, 20)


def make(dest: Path) -> None:
    """Enter the course day by day, then draw it as of `SHOWN_ON`."""
    settings = Settings(LIVERBOT_TZ="UTC")
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "case.db") as store:
        for day, values in COURSE:
            moment = datetime.combine(day, time(10, 0), UTC)
            assistant = Assistant(store, settings, clock=lambda moment=moment: moment)
            reply = assistant.handle(
                TERMINAL_OWNER, TERMINAL_OWNER, f"/quick bed7 {PATIENT} {values}"
            )
            if reply.saved_assessment is None:
                words = "\n".join(m.text for m in reply.messages)
                raise SystemExit(f"the worked case was not saved on {day}:\n{words}")
        patient = store.find_patient(TERMINAL_OWNER, "bed7")
        assert patient is not None
        course = course_timeline(store, TERMINAL_OWNER, patient, settings.zone, SHOWN_ON)
        write_private(dest, render_png(course))
    dest.chmod(0o644)  # a picture of a made-up case, committed to the repository
    print(f"{dest}: {course.events} marks, {len(course.labs)} lab values")


if __name__ == "__main__":
    make(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "timeline.png"))
