"""Who is spoken to in which language, and what the assistant itself says in Chinese (issue 15).

The order: a clinician's /language choice, else their Telegram app's language code (this update's,
else the last one it sent, for reminders), else LIVERBOT_LANG. Through the assistant, the terminal
(a real `liverbot chat` process) and the real Telegram application against the fake Bot API. The
questions and the plan are the dialogue's and the plan's catalogs: here only the assistant's own
sentences are scanned for English (`tests.lang_checks`).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.actions import Act, Action
from bot.assistant import Assistant, duration
from bot.commands import SHORT_DESCRIPTION, description, help_text, menu
from bot.language import language_for
from bot.settings import Settings
from bot.store import DueReminder, ReminderKind, Store
from bot.terminal import NO_LINE_START, chat
from bot.tg.app import commands_in
from bot.tg.callbacks import rows
from bot.widths import columns
from lang import _, use
from tests.botkit import OTHER, STRANGER, USER, running_bot, services, settled
from tests.fakebotapi import FakeBotApi
from tests.lang_checks import assert_chinese

HAN = re.compile(r"[\u4e00-\u9fff]")
OURS = {"liverbot", "Telegram", "ID"}
"""Latin words the assistant's own Chinese may contain: its name, the app's, a user "ID"."""
TYPED = {"ctace", "deb", "bland", "ethanol", "en", "zh", "fr"}
"""Words typed back as they are: /done's techniques, /language's codes (and an unknown one)."""
QUICK = (
    "/quick bed7 age=70 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 "
    "ascites=none he=none"
)


def settings(db: Path, **env: str) -> Settings:
    values: dict[str, object] = {"LIVERBOT_DB": db, **env}
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "l.db")


@pytest.fixture
def assistant(store: Store, tmp_path: Path) -> Assistant:
    return Assistant(store, settings(tmp_path / "l.db"))


def own_lines(help_words: str) -> str:
    """/help without the quick-check keys and example (the dialogue's words, indented)."""
    return "\n".join(line for line in help_words.splitlines() if not line.startswith("  "))


# -- who gets which language ------------------------------------------------------------------


def test_the_choice_beats_the_telegram_code_which_beats_the_default(
    store: Store, tmp_path: Path
) -> None:
    english, chinese = settings(tmp_path / "l.db"), settings(tmp_path / "l.db", LIVERBOT_LANG="zh")
    assert language_for(store, english, 7) == "en"
    assert language_for(store, chinese, 7) == "zh"  # no code: LIVERBOT_LANG
    assert language_for(store, english, 7, "zh-hans") == "zh"
    assert language_for(store, english, 7, "zh-Hant-TW") == "zh"
    assert language_for(store, chinese, 7, "en") == "en"
    assert language_for(store, chinese, 7, "fr") == "en"  # others English, not the default
    assert language_for(store, chinese, 7, " ") == "zh"
    store.touch_clinician(7, 70, "zh-hans")
    assert language_for(store, english, 7) == "zh"  # a reminder: the code the app last sent
    store.touch_clinician(7, 70)
    assert language_for(store, english, 7) == "zh"  # no code sent: the last one stays
    store.touch_clinician(7, 70, "en-GB")
    assert language_for(store, english, 7) == "en"
    store.choose_language(7, "zh")
    assert language_for(store, english, 7, "en") == "zh"  # /language beats the app
    store.choose_language(7, None)
    assert language_for(store, chinese, 7, "en") == "en"


def test_the_store_keeps_only_language_tags(store: Store) -> None:
    assert store.touch_clinician(7, 70, "zh-Hans").telegram_language == "zh-hans"
    assert store.touch_clinician(7, 70, "<script>").telegram_language == "zh-hans"
    assert store.touch_clinician(7, 70, "x" * 36).telegram_language == "zh-hans"
    assert store.touch_clinician(8, 80, "").telegram_language is None


# -- what the assistant says ------------------------------------------------------------------


def test_the_assistants_own_words_are_chinese(assistant: Assistant) -> None:
    """Start, help, an empty list, a fallback, a refused label and the confirmations."""
    said = []
    for typed in ("/start", "/patients", "/reminders", "/calendar", "hello", "/done",
                  "/done bed99", "/followup bed99", "/patient", "/forget bed99", "/back",
                  "/language", "/language fr"):  # fmt: skip
        reply = assistant.handle(1, 1, typed, language_code="zh-hans")
        assert reply.language == "zh"
        for message in reply.messages:
            assert HAN.search(message.text), (typed, message.text)
            said.append(message.text)
            said += [b.label for b in message.buttons if b.label not in ("English", "中文")]
    for text in said:
        assert_chinese(text, OURS | TYPED)
    with use("zh"):
        assert_chinese(own_lines(help_text()), OURS | TYPED)
        assert_chinese(description(), OURS)
        assert_chinese(_(SHORT_DESCRIPTION), OURS)
        for _name, summary in menu():
            assert_chinese(summary, OURS)
        assert duration(timedelta(days=2, hours=3)) == "2 天 3 小时"
        assert duration(timedelta(minutes=12)) == "12 分钟"


def test_an_english_clinician_hears_no_chinese(assistant: Assistant) -> None:
    for typed in ("/start", "/help", "/patients", "hello", "/language"):
        for message in assistant.handle(2, 2, typed, language_code="en").messages:
            text = message.text.replace("中文", "")  # the language's own name
            assert not HAN.search(text), (typed, message.text)


def test_the_plan_status_line_and_the_lists_speak_chinese(assistant: Assistant) -> None:
    saved = assistant.handle(1, 1, QUICK, language="zh")
    assert any("✅ 已为 bed7 保存" in m.text for m in saved.messages)
    listed = assistant.handle(1, 1, "/patients", language="zh").messages[0].text
    assert listed.startswith("您的患者：\nbed7：")
    after = f"{QUICK} last=10d recovered=5d sessions=1"  # a plan with reminders
    assistant.handle(1, 1, after, language="zh")
    again = assistant.handle(1, 1, after, language="zh")
    assert any(
        "✅ 已为 bed7 保存（取代之前的方案及其提醒） · 下一项：" in m.text for m in again.messages
    )
    upcoming = assistant.handle(1, 1, "/reminders", language="zh").messages[0].text
    assert upcoming.startswith("即将到来的提醒：\n")
    assert re.search(r"\n\d{4}年\d{1,2}月\d{1,2}日 08:00 bed7：", upcoming)
    calendar = assistant.handle(1, 1, "/calendar", language="zh").messages[0].text
    assert calendar.startswith("共 3 条提醒、1 个时间窗，可加入日历")


def test_language_switches_both_ways_and_is_remembered(assistant: Assistant, store: Store) -> None:
    asked = assistant.handle(1, 1, "/language", language_code="en")
    (question,) = asked.messages
    assert [b.label for b in question.buttons] == ["English", "中文"]
    chinese = next(b.action for b in question.buttons if b.label == "中文")
    switched = assistant.press(1, 1, chinese, language_code="en")
    assert switched.language == "zh"
    assert switched.messages[0].text.startswith("此后 liverbot 将使用中文")
    assert store.language_of(1) == "zh"
    assert assistant.handle(1, 1, "/patients", language_code="en").language == "zh"
    back = assistant.handle(1, 1, "/language en", language_code="en")
    assert (back.language, back.messages[0].text) == (
        "en",
        "From now on liverbot speaks English. /language switches again.",
    )
    assert assistant.handle(1, 1, "/language 中文").language == "zh"
    assert assistant.handle(1, 1, "/language English").language == "en"
    unknown = assistant.handle(1, 1, "/language fr")
    assert unknown.messages[0].text.startswith("Unknown language fr: /language en (English)")
    assert store.language_of(1) == "en"


def test_an_old_language_button_still_works_and_a_forged_one_is_refused(
    assistant: Assistant, store: Store
) -> None:
    assistant.handle(1, 1, "/new")  # a dialogue in progress does not make the button stale
    assert assistant.press(1, 1, Action(act=Act.LANGUAGE, value="zh")).language == "zh"
    forged = assistant.press(1, 1, Action(act=Act.LANGUAGE, value="fr"))
    assert forged.stale == "该按钮已失效：未做任何更改。"
    assert not forged.messages
    assert store.language_of(1) == "zh"


def test_switching_in_a_dialogue_asks_its_question_again(assistant: Assistant) -> None:
    started = assistant.handle(1, 1, "/new")
    switched = assistant.handle(1, 1, "/language zh")
    confirmed, asked = switched.messages
    assert confirmed.text.startswith("此后 liverbot 将使用中文")
    assert asked == assistant.resume_prompt(1, 1) or asked.text
    assert (switched.dialogue, switched.step) == (started.dialogue, started.step)
    assert assistant.dialogue_step(1, 1) == "label"  # nothing answered


def test_a_reminder_speaks_its_clinicians_language(assistant: Assistant, store: Store) -> None:
    store.touch_clinician(1, 1, "zh-hans")
    patient = store.get_or_create_patient(1, "bed7")
    due = datetime(2026, 12, 1, 8, tzinfo=UTC)
    (reminder,) = store.add_reminders(
        1, patient.id, 1, [DueReminder(ReminderKind.IMAGING_DUE, due)]
    )
    with use(assistant.language(1)):
        message = assistant.reminder_message(reminder)
    assert message is not None
    assert message.text.startswith("bed7 的提醒：")
    assert "2026年12月1日" in message.text
    assert [b.label for b in message.buttons] == ["录入随访结果", "推迟一天", "已完成"]


# -- the terminal -----------------------------------------------------------------------------


def run_chat(db: Path, text: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVERBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(db), *args],
        input=text, capture_output=True, text=True, env={**clean, **env}, timeout=60,
        check=False,
    )  # fmt: skip


def test_liverbot_lang_zh_makes_the_terminal_speak_chinese(tmp_path: Path) -> None:
    done = run_chat(tmp_path / "t.db", "/patients\n/start\n/reminders\n", LIVERBOT_LANG="zh")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("尚无患者：用 /new 或 /quick 标签 ... 保存一位。\n")
    assert "[1] 新患者" in done.stdout
    assert "暂无即将到来的提醒。" in done.stdout
    assert_chinese(done.stdout, OURS)


def test_lang_overrides_the_session_and_language_switches_it(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    done = run_chat(db, "/patients\n/language en\n/patients\n", "--lang", "zh-Hans")
    assert done.returncode == 0
    first, switched, after = done.stdout.strip().split("\n\n")
    assert first.startswith("尚无患者")
    assert switched.startswith("From now on liverbot speaks English.")
    assert after.startswith("No patients yet")
    assert run_chat(db, "/patients\n").stdout.startswith("No patients yet")  # remembered
    assert run_chat(db, "/patients\n", "--lang", "zh").stdout.startswith("尚无患者")
    refused = run_chat(db, "", "--lang", "fr")
    assert refused.returncode == 2
    assert "unknown language 'fr'" in refused.stderr


def test_the_terminals_banner_speaks_the_sessions_language(assistant: Assistant) -> None:
    out = io.StringIO()
    assert chat(assistant, io.StringIO("/quit\n"), out, True, None, "zh") == 0
    assert out.getvalue().startswith("liverbot：/new 完整评估，/quick 快速评估")
    assert_chinese(out.getvalue(), OURS)


# -- Telegram ---------------------------------------------------------------------------------


async def test_a_zh_hans_clinician_hears_chinese_and_an_english_one_english(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db):
        server.push_text(USER, "/start", language_code="zh-hans")
        server.push_text(OTHER, "/start", language_code="en")
        chinese, english = await server.next_message(USER), await server.next_message(OTHER)
        assert chinese.text is not None
        assert english.text is not None
        assert chinese.text.startswith("liverbot · 肝癌 TACE 治疗方案\n")
        assert_chinese(chinese.text, OURS)
        assert [b["text"] for b in chinese.buttons()] == [
            "新患者", "快速评估", "我的患者",
        ]  # fmt: skip
        assert english.text.startswith("liverbot · TACE planning for liver cancer\n")
        server.push_text(USER, "/help", language_code="zh-hans")
        shown = await server.next_message(USER)
        assert shown.text is not None
        assert shown.text.startswith(
            "liverbot 依据最初的诊疗规范和指南制定肝癌 TACE 治疗方案。\n/new："
        )
        assert_chinese(own_lines(shown.text), OURS | TYPED)
        server.push_text(USER, "a sticker of sorts", language_code="zh-hans")
        fallback = await server.next_message(USER)
        assert (
            fallback.text == "发送 /new 开始完整评估，或 /quick 进行快速评估。/help 列出全部命令。"
        )
    menus = {
        lang: [c["description"] for c in cs]
        for (_scope, lang), cs in server.state.commands.items()
    }
    with use("zh"):
        assert menus["zh"] == [summary for _name, summary in menu()]
    assert menus[""] == [summary for _name, summary in menu()]
    assert [c.command for c in commands_in("zh")] == [c.command for c in commands_in("en")]
    described = {r.params.get("language_code"): r.params["description"]
                 for r in server.requests_for("setMyDescription")}  # fmt: skip
    assert set(described) == {None, "zh"}
    assert_chinese(described["zh"], OURS)
    assert 0 < len(described["zh"]) <= 512
    short = {r.params.get("language_code"): r.params["short_description"]
             for r in server.requests_for("setMyShortDescription")}  # fmt: skip
    assert 0 < len(short["zh"]) <= 120
    assert_chinese(short["zh"], OURS)
    server.assert_no_violations()


async def test_language_switches_by_button_and_survives_a_restart(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        server.push_text(USER, "/language", language_code="zh-hans")
        asked = await server.next_message(USER)
        assert asked.text == "当前语言：中文。请选择 liverbot 使用的语言："
        english = next(b["callback_data"] for b in asked.buttons() if b["text"] == "English")
        server.push_callback(USER, asked.message_id, english)
        confirmed = await server.next_message(USER)
        assert confirmed.text == "From now on liverbot speaks English. /language switches again."
        await settled(server, app)
        assert services(app).store.language_of(USER) == "en"
    async with running_bot(server, db):
        server.push_text(USER, "/patients", language_code="zh-hans")
        assert (await server.next_message(USER)).text == (
            "No patients yet: /new or /quick LABEL ... saves one."
        )
        server.push_text(USER, "/language zh", language_code="zh-hans")
        assert (
            await server.next_message(USER)
        ).text == "此后 liverbot 将使用中文。/language 可再次切换。"
        server.push_text(USER, "/patients", language_code="en")
        assert (
            await server.next_message(USER)
        ).text == "尚无患者：用 /new 或 /quick 标签 ... 保存一位。"
    server.assert_no_violations()


async def test_a_stranger_is_refused_in_their_apps_language(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        server.push_text(STRANGER, "/start", language_code="zh-hans")
        refusal = await server.next_message(STRANGER)
        assert refusal.text is not None
        assert refusal.text.startswith("抱歉，liverbot 仅供受邀的临床医生使用。")
        assert str(STRANGER) in refusal.text
        assert_chinese(refusal.text, OURS)
        await settled(server, app)
        assert services(app).store.clinician(STRANGER) is None


def test_a_chinese_input_methods_command_and_space_are_read(
    assistant: Assistant, store: Store
) -> None:
    """`／language　zh`: full-width slash, letters and space, as a Chinese input method types them."""
    switched = assistant.handle(1, 1, "／ｌａｎｇｕａｇｅ\u3000zh")
    assert switched.language == "zh"
    assert store.language_of(1) == "zh"
    assert assistant.handle(1, 1, "／ｐａｔｉｅｎｔｓ").messages[0].text.startswith("尚无患者")


async def test_the_adapters_own_words_follow_the_clinician(server: FakeBotApi, db: Path) -> None:
    """A sticker, an edited and a forwarded message are answered in the clinician's language."""
    async with running_bot(server, db):
        server.push_text(USER, "/language zh", language_code="en")
        assert (
            await server.next_message(USER)
        ).text == "此后 liverbot 将使用中文。/language 可再次切换。"
        chat = server.chat(USER)
        sticker = {"message_id": chat.allocate_id(), "date": 0, "chat": chat.chat,
                   "from": chat.user, "sticker": {"file_id": "s", "file_unique_id": "s",
                   "type": "regular", "width": 1, "height": 1, "is_animated": False,
                   "is_video": False}}  # fmt: skip
        server.push_update("message", sticker)
        assert (await server.next_message(USER)).text == "只能读取文字和按钮。/help 列出全部命令。"
        server.push_update(
            "edited_message", {**sticker, "sticker": None, "text": "bed9", "edit_date": 1}
        )
        edited = await server.next_message(USER)
        assert edited.text is not None
        assert edited.text.startswith("不读取编辑过的消息")
        origin = {"type": "hidden_user", "date": 0, "sender_user_name": "Dr X"}
        server.push_text(USER, "bed7", forward_origin=origin)
        forwarded = await server.next_message(USER)
        assert forwarded.text is not None
        assert forwarded.text.startswith("转发的消息不作为回答")
        for text in (edited.text, forwarded.text):
            assert_chinese(text, OURS)
    server.assert_no_violations()


def test_chinese_is_wrapped_by_the_columns_it_takes(assistant: Assistant) -> None:
    """A Chinese character takes two columns: a phone-wide terminal gets lines that fit it, broken
    between characters, never before closing punctuation, Latin words whole."""
    out = io.StringIO()
    chat(assistant, io.StringIO("/start\n/help\n"), out, False, 40, "zh")
    lines = out.getvalue().splitlines()
    assert max(columns(line) for line in lines) <= 40
    assert not any(line.lstrip()[:1] in NO_LINE_START for line in lines)
    assert "liverbot 协助制定肝癌（以 HCC 为主）的" in lines
    assert "".join(lines).count("liverbot") >= 2  # no Latin word cut in two


def test_chinese_buttons_are_laid_out_by_their_width() -> None:
    """Three six-character Chinese labels are as wide as three twelve-letter ones: two a row."""
    chinese = [("录入随访结果", "a"), ("推迟一天", "b"), ("已完成", "c")]
    assert [len(row) for row in rows(chinese)] == [2, 1]
    assert [len(row) for row in rows([("继续", "k"), ("重新开始", "r")])] == [2]
    assert [len(row) for row in rows([("1", "1"), ("2", "2"), ("3", "3")])] == [3]
