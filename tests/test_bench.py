"""The benchmark's simulated clinicians stay on script against the real bot (a short smoke run)."""

from __future__ import annotations

from pathlib import Path

from bench.load import drive, liverbot_script, percentile
from tests.botkit import running_bot
from tests.fakebotapi import FakeBotApi

USERS = [10_001, 10_002, 10_003]


async def test_the_simulated_clinicians_follow_the_dialogue(tmp_path: Path) -> None:
    async with (
        FakeBotApi() as server,
        running_bot(
            server, tmp_path / "b.db", LIVERBOT_ALLOWED_USERS=",".join(map(str, USERS))
        ) as _,
    ):

        def saved() -> list[str]:
            return [m.text for u in USERS for m in server.messages(u) if "✅ Saved for" in m.text]

        # Until something was saved and 20 inputs were sent, however slow the machine: a deadline
        # that only a bot that stopped answering reaches.
        results = await drive(
            server,
            USERS,
            liverbot_script,
            seconds=120.0,
            until=lambda r: r.inputs >= 20 and bool(saved()),
        )
    assert results.inputs >= 20
    assert results.off_script == 0
    assert saved(), "an intake or a quick check was completed and saved"
    server.assert_no_violations()


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
