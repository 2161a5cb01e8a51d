"""Issue 15's "done when", end to end: a Chinese clinician gets the whole intake, the quick check and
the plan in Chinese (in the terminal with LIVERBOT_LANG=zh, and in Telegram with language_code zh-hans),
an English clinician of the same bot gets English, and /language switches.

Every message is scanned, not just its first line: an English sentence anywhere fails the test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.botkit import INTAKE, OTHER, USER, intake, running_bot
from tests.fakebotapi import ChatMessage, FakeBotApi
from tests.lang_checks import CITED, assert_chinese

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
QUICK = (
    "/quick bed8 age=80 ecog=1 n=4 size=5 pvtt=vp2 bili=2.5mg alb=3.0g/dL inr=1.3 "
    "ascites=mild he=none"
)
"""An elderly patient with Child-Pugh B and a branch thrombus: plain chemo-embolization (P2), with
cautions, flags, alternatives and defaults, so most of the plan's sentences are said."""
FULL_WIDTH_QUICK = (
    "/quick bed9 age＝60 ecog＝0 n＝１ size＝３ pvtt＝无 bili＝4mg alb＝3.0g/dL inr＝1.2 "
    "ascites＝无 he＝无"
)
"""Typed with a Chinese input method: full-width signs and digits, Chinese choice words. Jaundice:
no TACE, with the contraindication and the alternatives."""
SEEN = CITED | {"liverbot", "Telegram"}


def _texts(messages: list[ChatMessage]) -> str:
    parts = []
    for m in messages:
        parts.append(m.text or m.caption or "")
        parts.extend(str(b["text"]) for b in m.buttons())
    return "\n".join(parts)


def _terminal(db: Path, text: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LIVERBOT_DB": str(db), **env}
    environment.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input=text, capture_output=True, text=True, env=environment, timeout=120, check=False,
    )  # fmt: skip


INTAKE_TYPED = [
    "/new", "床7", "６６", "0", "肝细胞癌", "2", "3.5", "否", "跳过", "无", "否", "跳过", "1.0 mg/dL",
    "4.0 g/dL", "1.1", "150", "5.2", "无", "无", "跳过", "80 umol/L", "138", "否", "男", "72", "否",
    "确认",
]  # fmt: skip
"""A whole intake as a Chinese clinician types it in the terminal: Chinese words for the choices,
跳过 for what is not known, a full-width age."""


def test_liverbot_lang_zh_chat_says_the_intake_the_quick_check_and_the_plan_in_chinese(
    tmp_path: Path,
) -> None:
    done = _terminal(
        tmp_path / "zh.db",
        "\n".join([*INTAKE_TYPED, QUICK, FULL_WIDTH_QUICK, "/patients", "/reminders"]) + "\n",
        LIVERBOT_LANG="zh",
    )
    assert (done.returncode, done.stderr) == (0, "")
    out = done.stdout
    assert "超选择 TACE · 床7" in out, "the intake's plan"
    assert "单纯化疗栓塞（超选择） · bed8" in out, "the quick check's plan"
    assert "不行 TACE · bed9" in out or "不宜 TACE · bed9" in out or "禁忌" in out
    assert "Super-selective" not in out
    assert_chinese(out, SEEN)


def test_an_english_terminal_is_unchanged_by_the_chinese_catalogs(tmp_path: Path) -> None:
    done = _terminal(tmp_path / "en.db", QUICK + "\n", LIVERBOT_LANG="en")
    assert done.returncode == 0
    assert done.stdout.startswith("Plain chemo-embolization (ultra-selective) · bed8")
    assert not CJK.search(done.stdout)


async def test_a_zh_hans_clinician_and_an_english_one_share_the_bot_each_in_their_language(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db) as app:
        server.push_text(USER, "/start", language_code="zh-hans")
        await server.next_message(USER)
        plan, _how = await intake(server, app, INTAKE)
        assert plan.text is not None
        assert plan.text.startswith("超选择 TACE · bed7")
        server.push_text(USER, QUICK)
        quick = await server.next_message(USER)
        assert quick.text is not None
        assert quick.text.startswith("单纯化疗栓塞（超选择） · bed8")
        assert_chinese(_texts(server.messages(USER)), SEEN)

        server.push_text(OTHER, QUICK, language_code="en")
        english = await server.next_message(OTHER)
        assert english.text is not None
        assert english.text.startswith("Plain chemo-embolization (ultra-selective) · bed8")
        assert not CJK.search(_texts(server.messages(OTHER)))

        server.push_text(USER, "/language")
        choose = await server.next_message(USER)
        server.push_button(USER, choose.message_id, "English")
        await server.next_message(USER)
        server.push_text(USER, QUICK)
        switched = await server.next_message(USER)
        assert switched.text is not None
        assert switched.text.startswith("Plain chemo-embolization (ultra-selective) · bed8")
        assert not CJK.search(switched.text)
    server.assert_no_violations()
