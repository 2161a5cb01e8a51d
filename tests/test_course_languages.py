"""The course in Chinese (issue 15): /done and its refusals, the timeline, the imaging caution,
the reminder words, the calendar, the files' messages and the picture, each scanned for English
left over; a reminder goes out in its own clinician's language, through the fake Bot API.

English is covered where it always was (tests/test_course*.py, test_files_bot.py, test_bot.py):
those tests are unchanged, so the English wording is too."""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

import lang
from bot.actions import Act, Action
from bot.assistant import Assistant
from bot.calendar_ics import entries
from bot.course import imaging_caution
from bot.course_commands import done_buttons, timeline
from bot.file_commands import run_calendar, run_export
from bot.pictures import words
from bot.pictures.timeline import render_png
from bot.settings import Settings
from bot.store import Store
from bot.wording import REMINDER_WORDS, TECHNIQUE_WORDS
from tests.botkit import OTHER, USER, add_reminder, running_bot, services, soon
from tests.fakebotapi import FakeBotApi
from tests.lang_checks import assert_chinese
from tests.pictures_kit import png_is_whole, worked_course

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
ME = 7
BASE = "age=70 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 ascites=none he=none"
"""Two 3.5 cm HCC nodules, Child-Pugh A5: super-selective TACE, BCLC B."""
STABLE = "lipiodol=sparse necrosis=no new=no progression=no response=sd"
TYPED = {"ctace", "deb", "bland", "ethanol"}
"""The techniques as /done reads them: typed words, shown as they are typed in every language."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "course.db", clock=lambda: NOW) as opened:
        yield opened


@pytest.fixture
def bot(store: Store, tmp_path: Path) -> Assistant:
    return Assistant(store, Settings(LIVERBOT_DB=tmp_path / "course.db"), clock=lambda: NOW)


def said(bot: Assistant, line: str, language: str = "zh") -> str:
    """The reply to `line` from a clinician who chose `language` (and in it, for a turn handled
    below the assistant's choice of language)."""
    speak(bot, language)
    with lang.use(language):
        return "\n".join(m.text for m in bot.handle(ME, ME, line).messages)


def speak(bot: Assistant, language: str) -> None:
    bot.store.touch_clinician(ME, ME)
    bot.store.choose_language(ME, language)


# -- /done ------------------------------------------------------------------------------------------


def test_done_answers_in_chinese_with_chinese_dates(bot: Assistant) -> None:
    said(bot, f"/quick bed7 {BASE} last=30d on=5d", "en")
    words_ = said(bot, "/done bed7 3d deb")
    assert words_.startswith("已为 bed7 记录：2026年11月27日行 DEB-TACE")
    assert "该方案的提醒已取消" in words_
    assert "/followup bed7" in words_
    assert_chinese(words_)
    assert said(bot, "/done bed7 3d deb", "en").startswith("⚠ bed7 already has a session on")


def test_a_second_session_outside_the_interval_warns_in_chinese(bot: Assistant) -> None:
    said(bot, f"/quick bed7 {BASE} on=25d", "en")
    said(bot, "/done bed7 20d", "en")
    warned = said(bot, "/done bed7 ctace")
    assert "⚠ 距上次治疗（2026年11月10日）20 天：超出 P5 规定的间隔" in warned
    assert "（第 2 次 TACE）" in warned
    assert_chinese(warned)


@pytest.mark.parametrize(
    ("line", "starts"),
    [
        ("/done bed7 3d deb ctace", "⚠ 请只给一种技术"),
        ("/done bed7 2d 3d", "⚠ 请只给一个日期"),
        ("/done bed7 banana", "⚠ “banana”既不是技术"),
        ("/done bed7 40d", "⚠ 2026年10月21日早于 bed7 的最近一条记录"),
    ],
)
def test_done_refusals_are_one_chinese_line_and_record_nothing(
    bot: Assistant, store: Store, line: str, starts: str
) -> None:
    said(bot, f"/quick bed7 {BASE} on=10d", "en")
    refused = said(bot, line)
    assert refused.startswith(starts), refused
    assert refused.endswith("未记录任何内容。")
    assert "\n" not in refused
    assert_chinese(refused, allowed=TYPED | {"banana"})
    patient = store.find_patient(ME, "bed7")
    assert patient is not None
    assert store.sessions(ME, patient.id) == []


def test_a_plan_that_does_not_intervene_names_its_contraindications_in_chinese(
    bot: Assistant,
) -> None:
    said(bot, f"/quick bed7 {BASE.replace('ecog=0', 'ecog=3')}", "en")
    refused = said(bot, "/done bed7")
    assert refused.startswith("⚠ bed7 的当前方案（")
    assert "存在禁忌证：" in refused
    assert "例如 /done bed7 2026-11-30 ctace" in refused  # a command to type: ISO, as typed
    assert_chinese(refused, allowed=TYPED)


def test_done_on_another_day_asks_in_chinese_with_chinese_buttons(bot: Assistant) -> None:
    said(bot, f"/quick bed7 {BASE} on=5d", "en")
    latest = bot.store.latest_assessment(ME, bot.store.find_patient(ME, "bed7").id)  # type: ignore[union-attr]
    assert latest is not None
    speak(bot, "zh")
    with lang.use("zh"):
        (question,) = bot.press(
            ME, ME, Action(act=Act.SESSION_OTHER_DAY, target=latest.id)
        ).messages
        buttons = [b.label for b in done_buttons(latest.id)]
    assert question.text.startswith("bed7 的治疗是哪天完成的？")
    assert [b.label for b in question.buttons] == ["昨天", "2 天前", "3 天前"]
    assert buttons == ["今日已完成", "其他日期完成"]
    assert_chinese(question.text, allowed=TYPED)
    with lang.use("en"):
        assert [b.label for b in done_buttons(latest.id)] == ["Done today", "Done on another day"]


# -- the timeline, the caution, the words ------------------------------------------------------------


def test_the_timeline_reads_in_chinese(bot: Assistant, store: Store) -> None:
    said(bot, f"/quick bed7 {BASE} on=80d", "en")
    said(bot, "/done bed7 78d ctace", "en")
    said(bot, f"/quick bed7 {BASE} {STABLE} on=30d", "en")
    said(bot, "/done bed7 28d", "en")
    patient = store.find_patient(ME, "bed7")
    assert patient is not None
    assessments = store.patient_assessments(ME, patient.id)
    sessions = store.sessions(ME, patient.id)
    with lang.use("zh"):
        lines = timeline(assessments, sessions)
    english = timeline(assessments, sessions)
    assert len(lines) == len(english) == 4
    assert lines[0].startswith("2026年9月11日 方案：")
    assert lines[1] == "2026年9月13日 治疗：cTACE"
    assert lines[2].startswith("2026年10月31日 随访，SD：")
    assert "（BCLC B 期，Child-Pugh A 级 5 分）" in lines[2]
    for line in lines:
        assert_chinese(line)
    assert english[1] == "2026-09-13 session: cTACE"


def test_the_imaging_caution_reads_in_chinese() -> None:
    last = TODAY - timedelta(days=20)
    with lang.use("zh"):
        caution = imaging_caution(last, TODAY)
    assert caution is not None
    assert caution.startswith("⚠ 影像检查距 2026年11月10日的介入治疗仅 20 天：不足 3 周")
    assert_chinese(caution)
    assert imaging_caution(last, TODAY) == (
        "⚠ Imaging 20 days after the intervention of 2026-11-10: under 3 weeks, the response is "
        "hard to read (first reassessment 4-6 weeks after TACE). The findings were used as given."
    )


def test_reminder_and_technique_words_are_looked_up_in_the_turns_language() -> None:
    english = {**dict(REMINDER_WORDS), **{f"t.{k}": v for k, v in TECHNIQUE_WORDS.items()}}
    with lang.use("zh"):
        chinese = {**dict(REMINDER_WORDS), **{f"t.{k}": v for k, v in TECHNIQUE_WORDS.items()}}
    assert english["imaging_due"] == "follow-up imaging due"
    assert chinese["imaging_due"] == "应行随访影像"
    assert chinese["t.ethanol"] == "无水乙醇注射"
    for word in chinese.values():
        assert_chinese(word)
    assert REMINDER_WORDS.get("no_such_kind", "x") == "x"


# -- the calendar and the files -------------------------------------------------------------------


def test_the_calendar_reads_in_chinese(bot: Assistant, store: Store) -> None:
    said(bot, f"/quick bed7 {BASE} last=40d", "en")  # window and imaging reminders
    with lang.use("zh"):
        found = entries(store, ME, bot.settings, TODAY)
    assert found
    for entry in found:
        assert_chinese(entry.summary)
        assert_chinese(entry.description, allowed={"liverbot"})
    window = next(e for e in found if e.uid.startswith("window-"))
    assert window.summary == "bed7：下次介入时间窗"
    assert "liverbot 决策支持：由治疗团队决定。" in window.description


def test_liverbot_calendar_writes_the_clinicians_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "files.db"
    monkeypatch.setenv("LIVERBOT_DB", str(db))
    with Store(db) as store:
        add_reminder(store, datetime.now(UTC) + timedelta(days=3), user=USER)
        add_reminder(store, datetime.now(UTC) + timedelta(days=3), user=OTHER)
        store.choose_language(USER, "zh")
    chinese, english = tmp_path / "zh.ics", tmp_path / "en.ics"
    assert run_calendar(str(chinese), None, USER) == 0
    assert run_calendar(str(english), None, OTHER) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"liverbot calendar：已将 1 个事件写入 {chinese}"
    assert out[1] == f"liverbot calendar: 1 event written to {english}"
    (zh_event,) = Calendar.from_ical(chinese.read_bytes()).walk("VEVENT")
    (en_event,) = Calendar.from_ical(english.read_bytes()).walk("VEVENT")
    assert str(zh_event["SUMMARY"]) == "bed7：应行随访影像"
    assert str(en_event["SUMMARY"]) == "bed7: follow-up imaging due"
    assert_chinese(str(zh_event["DESCRIPTION"]), allowed={"liverbot"})


def test_liverbot_export_speaks_liverbot_lang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LIVERBOT_LANG", "zh")
    assert run_export(str(tmp_path / "audit.txt"), str(tmp_path / "none.db")) == 2
    assert run_export(str(tmp_path / "audit.csv"), str(tmp_path / "none.db")) == 2
    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == "liverbot export：文件名须以 .csv 或 .json 结尾"
    assert errors[1] == f"liverbot export：{tmp_path / 'none.db'} 不存在"


# -- the picture ----------------------------------------------------------------------------------


def test_the_picture_words_read_in_chinese() -> None:
    course = worked_course()
    with lang.use("zh"):
        said_words = [
            words.title(course.label, course.today),
            *dict(words.LANES).values(),
            lang._(words.TODAY),
            *(words.window(w.start, w.end, course.today) for w in course.windows),
            *(words.decision(p.decision, p.approach) for p in course.plans),
            *(words.technique(s.technique) for s in course.sessions),
            *(words.response(f.response) for f in course.followups),
            *(words.reminder(r.kind) for r in course.reminders),
            words.albi_grade(2),
            lang._(words.NO_LABS),
            lang._(words.ALBI_AXIS),
        ]
    assert said_words[0] == "bed7：截至 2026年8月30日的病程"
    for text in said_words:
        assert_chinese(text)


def test_a_chinese_picture_has_every_glyph() -> None:
    """matplotlib warns of a glyph missing from the font and draws an empty box: an error here."""
    with warnings.catch_warnings(), lang.use("zh"):
        warnings.filterwarnings("error", message=".*missing from font.*")
        png = render_png(worked_course())
    assert png_is_whole(png)
    assert png != render_png(worked_course())  # the English picture is another picture


def test_the_cjk_font_is_registered_only_when_a_chinese_picture_is_drawn() -> None:
    script = (
        "import lang\n"
        "from matplotlib import font_manager\n"
        "from bot.pictures.timeline import render_png\n"
        "from tests.pictures_kit import worked_course\n"
        "names = lambda: {f.name for f in font_manager.fontManager.ttflist}\n"
        "render_png(worked_course())\n"
        "assert 'Noto Sans CJK SC' not in names(), 'registered for English'\n"
        "with lang.use('zh'):\n"
        "    render_png(worked_course())\n"
        "assert 'Noto Sans CJK SC' in names()\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "findfont" not in done.stderr  # no weight fallback warnings in the log


# -- a reminder goes out in its clinician's language -----------------------------------------------


async def test_each_clinician_gets_their_reminder_in_their_language(
    server: FakeBotApi, db: Path
) -> None:
    with Store(db) as store:
        add_reminder(store, soon(-3600), user=USER)
        add_reminder(store, soon(-3600), user=OTHER)
        store.choose_language(USER, "zh")
    async with running_bot(server, db) as app:
        chinese = await server.next_message(USER, timeout=60)
        english = await server.next_message(OTHER, timeout=60)
        assert services(app).store.language_of(OTHER) is None
    # The job ran outside any update: the clinician's /language choice made it Chinese.
    assert chinese.text.startswith("bed7 的提醒：应行随访影像（")
    assert_chinese(chinese.text)
    assert_chinese(" ".join(b["text"] for b in chinese.buttons()))
    assert english.text.startswith("Reminder for bed7: follow-up imaging due")


# -- through Telegram: a clinician whose app is set to Chinese --------------------------------------

TELEGRAM_QUICK = (
    "/quick bed7 age=70 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 "
    "ascites=none he=none"
)


async def test_the_course_in_chinese_through_telegram(server: FakeBotApi, db: Path) -> None:
    """A `zh-hans` clinician records a session and reads the course, its picture, the reminders
    and the calendar in Chinese; an English clinician of the same bot reads them in English."""
    replies: dict[int, list[str]] = {USER: [], OTHER: []}
    async with running_bot(server, db):
        for user, code in ((USER, "zh-hans"), (OTHER, "en")):
            server.push_text(user, TELEGRAM_QUICK, language_code=code)
            await server.next_message(user)  # the plan: the plan's own tests scan it
            for line in ("/done bed7 deb", "/patient bed7", "/reminders", "/calendar"):
                server.push_text(user, line, language_code=code)
                sent = await server.next_message(user)
                replies[user].append(sent.text or sent.caption or "")
                if line.startswith("/patient"):
                    photo = await server.next_message(user)
                    assert photo.method == "sendPhoto"
                    replies[user].append(photo.caption or "")
    done, course, picture, reminders, calendar = replies[USER]
    for text in replies[USER]:
        assert_chinese(text, allowed=TYPED | {"liverbot"})
    assert done.startswith("已为 bed7 记录：")
    assert "治疗：DEB-TACE" in course
    assert "应行随访影像" in reminders
    assert replies[OTHER][0].startswith("Recorded for bed7: DEB-TACE on")
    assert "session: DEB-TACE" in replies[OTHER][1]
    photos = {
        r.params["chat_id"]: r.params["photo"].data for r in server.requests_for("sendPhoto")
    }
    assert photos[USER] != photos[OTHER]  # one course, drawn in two languages
    files = {
        r.params["chat_id"]: r.params["document"].data for r in server.requests_for("sendDocument")
    }
    (event, *_) = Calendar.from_ical(files[USER]).walk("VEVENT")
    assert_chinese(str(event["SUMMARY"]))
    assert_chinese(str(event["DESCRIPTION"]), allowed={"liverbot"})
    assert picture.startswith("bed7")  # the photo's caption
    assert "日历" in calendar  # the .ics document's caption
