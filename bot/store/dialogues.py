"""Dialogues in progress, their ids, the messages that still show their buttons, and each
chat's last reply (to answer a re-delivered update again without applying it twice).

All keyed by (owner, chat): a clinician only ever reaches their own chats.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any, cast

from bot.store.connection import Connection
from bot.store.convert import (
    _parse_ts,
    _to_json,
    _ts,
)
from bot.store.records import (
    StoredReply,
)

logger = logging.getLogger("bot.store")


class DialogueStore(Connection):
    """Dialogues in progress, their ids, the messages that still show their buttons, and each"""

    # -- dialogues --------------------------------------------------------------------------------

    def save_dialogue(self, owner_id: int, chat_id: int, state: Mapping[str, Any]) -> None:
        """Keep the dialogue in progress in this chat, so a restart resumes it (called per answer)."""
        state_json = _to_json(state, "dialogue state")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO dialogues (owner_id, chat_id, state, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (owner_id, chat_id)"
                " DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (owner_id, chat_id, state_json, _ts(self._now())),
            )

    def load_dialogue(self, owner_id: int, chat_id: int) -> dict[str, Any] | None:
        """The saved dialogue state of this chat, or None when no dialogue is in progress."""
        rows = self._rows(
            "SELECT state FROM dialogues WHERE owner_id = ? AND chat_id = ?", (owner_id, chat_id)
        )
        return cast(dict[str, Any], json.loads(rows[0]["state"])) if rows else None

    def clear_dialogue(self, owner_id: int, chat_id: int) -> bool:
        """Drop the dialogue state of this chat; False if there was none."""
        with self._write() as conn:
            cur = conn.execute(
                "DELETE FROM dialogues WHERE owner_id = ? AND chat_id = ?", (owner_id, chat_id)
            )
        return cur.rowcount > 0

    def new_dialogue_id(self, owner_id: int, chat_id: int) -> int:
        """A fresh dialogue id, never reused (AUTOINCREMENT), for a dialogue starting in this chat."""
        with self._write() as conn:
            (dialogue_id,) = conn.execute(
                "INSERT INTO dialogue_ids (owner_id, chat_id, started_at) VALUES (?, ?, ?)"
                " RETURNING id",
                (owner_id, chat_id, _ts(self._now())),
            ).fetchone()
        return cast(int, dialogue_id)

    # -- keyboards --------------------------------------------------------------------------------

    def sync_keyboards(
        self,
        owner_id: int,
        chat_id: int,
        dialogue_id: int | None,
        step: str | None,
        shown: Iterable[int] = (),
        gone: int | None = None,
    ) -> list[int]:
        """Record what a reply left on screen; return the messages whose buttons are now stale.

        `shown` are the messages just sent with buttons for `step` of `dialogue_id` (the chat's
        dialogue after the input), `gone` a message whose buttons the channel removed itself (the
        pressed one). Every other recorded keyboard not of that dialogue and step (an earlier
        step, a replaced or finished dialogue) is stale: forgotten here and returned for the
        channel to remove; so is one of the same step when `shown` asks it again (a re-ask leaves
        one live keyboard, not two). One read, and a write only when something changed, since
        this runs after every reply.
        """
        rows = self._rows(
            "SELECT message_id, dialogue_id, step FROM keyboards WHERE owner_id = ? AND chat_id = ?",
            (owner_id, chat_id),
        )
        fresh = list(shown) if dialogue_id is not None and step is not None else []
        stale = [
            r["message_id"]
            for r in rows
            if r["message_id"] != gone
            and r["message_id"] not in fresh
            and (fresh or not (r["dialogue_id"] == dialogue_id and r["step"] == step))
        ]
        drop = stale + [r["message_id"] for r in rows if r["message_id"] == gone]
        if drop or fresh:
            with self._write() as conn:
                conn.executemany(
                    "DELETE FROM keyboards WHERE owner_id = ? AND chat_id = ? AND message_id = ?",
                    [(owner_id, chat_id, m) for m in drop],
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO keyboards (owner_id, chat_id, message_id,"
                    " dialogue_id, step) VALUES (?, ?, ?, ?, ?)",
                    [(owner_id, chat_id, m, dialogue_id, step) for m in fresh],
                )
        return sorted(stale)

    def drop_keyboard(self, owner_id: int, chat_id: int, message_id: int) -> None:
        """Forget a message's buttons (the channel removed them itself)."""
        with self._write() as conn:
            conn.execute(
                "DELETE FROM keyboards WHERE owner_id = ? AND chat_id = ? AND message_id = ?",
                (owner_id, chat_id, message_id),
            )

    # -- replies ----------------------------------------------------------------------------------

    def last_reply(self, owner_id: int, chat_id: int) -> StoredReply | None:
        """The last update handled in this chat and the reply it produced, or None."""
        rows = self._rows(
            "SELECT update_id, messages, at FROM chat_replies WHERE owner_id = ? AND chat_id = ?",
            (owner_id, chat_id),
        )
        if not rows:
            return None
        row = rows[0]
        return StoredReply(row["update_id"], json.loads(row["messages"]), _parse_ts(row["at"]))

    def save_reply(
        self, owner_id: int, chat_id: int, update_id: int, messages: list[dict[str, Any]]
    ) -> None:
        """Remember the update just handled in this chat and its reply (replacing the last)."""
        body = json.dumps(messages, ensure_ascii=False, separators=(",", ":"))
        with self._write() as conn:
            conn.execute(
                "INSERT INTO chat_replies (owner_id, chat_id, update_id, messages, at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner_id, chat_id) DO UPDATE SET"
                " update_id = excluded.update_id, messages = excluded.messages, at = excluded.at",
                (owner_id, chat_id, update_id, body, _ts(self._now())),
            )
