"""Make docs/timeline.png, the README's picture, from a worked case: `make docs`.

The case goes through the real assistant and store, as a clinician would type it into the
terminal over one year: a first quick check, three TACE sessions recorded with /done (cTACE,
DEB-TACE, cTACE), and a follow-up quick check with imaging findings and labs after each. The
picture is then drawn from the store as /patient does.
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

PATIENT = "/quick bed7 age=66 ecog=0 n=2 size=3.5 pvtt=none inr=1.1 ascites=none he=none"
FOUND = "necrosis=yes new=no progression=no"
COURSE = (
    (date(2026, 3, 2), f"{PATIENT} bili=1.0mg alb=4.0g/dL"),
    (date(2026, 3, 10), "/done bed7 ctace"),
    (date(2026, 4, 20), f"{PATIENT} bili=1.1mg alb=3.9g/dL lipiodol=sparse {FOUND} response=pr"),
    (date(2026, 5, 18), "/done bed7 deb"),
    (date(2026, 7, 6), f"{PATIENT} bili=1.3mg alb=3.7g/dL lipiodol=none {FOUND} response=sd"),
    (date(2026, 8, 24), "/done bed7 ctace"),
    (date(2026, 10, 12), f"{PATIENT} bili=1.6mg alb=3.5g/dL lipiodol=dense {FOUND} response=pr"),
)
"""(day, what the clinician typed that day) for bed7."""
SHOWN_ON = date(2026, 10, 20)


def make(dest: Path) -> None:
    """Enter the course day by day, then draw it as of `SHOWN_ON`."""
    settings = Settings(LIVERBOT_TZ="UTC")
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "case.db") as store:
        for day, line in COURSE:
            moment = datetime.combine(day, time(10, 0), UTC)
            assistant = Assistant(store, settings, clock=lambda moment=moment: moment)
            reply = assistant.handle(TERMINAL_OWNER, TERMINAL_OWNER, line)
            recorded = reply.messages and reply.messages[0].text.startswith("Recorded for bed7")
            if reply.saved_assessment is None and not recorded:
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
