"""Updates received and not yet handled: kept in the database until their reply went out.

Telegram's getUpdates confirms every update below the offset it is called with, and a confirmed
update is never delivered again. Handling chats side by side (`bot.tg.turns`) means fetching the
next updates while earlier ones are still being handled; so each update of an allowed clinician
is written here (one transaction per fetch) before the fetch that confirms it, and deleted once
handled. A crash then loses nothing: the updates still here are handled at the next start, and
the chat's saved last update (`bot.conversation`) keeps an answer from being applied twice.

Strangers' updates are never written: nothing about them is stored (they get at most a refusal).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.store.connection import Connection
from bot.store.convert import _ts


class InboxStore(Connection):
    """The `inbox` table: updates kept between their fetch and the end of their handling."""

    def keep_updates(self, received: Iterable[tuple[int, str]], handled: Iterable[int]) -> None:
        """In one transaction: keep the `received` (update id, JSON body) pairs and drop the
        `handled` ids. A body already kept (the same update delivered again) is left as it is."""
        received, handled = list(received), list(handled)
        if not received and not handled:
            return
        now = _ts(self._now())
        with self._write() as conn:
            if handled and self._checkpoint_after_inbox:  # see Connection._checkpoint_after_inbox
                self._checkpoint_after_inbox = False
                self._checkpoint_due = True
            conn.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, body, received_at) VALUES (?, ?, ?)",
                [(update_id, body, now) for update_id, body in received],
            )
            conn.executemany("DELETE FROM inbox WHERE update_id = ?", [(i,) for i in handled])

    def inbox(self) -> list[tuple[int, str]]:
        """The (update id, JSON body) of every update kept and not yet handled, oldest first."""
        rows = self._rows("SELECT update_id, body FROM inbox ORDER BY update_id")
        return [(row["update_id"], row["body"]) for row in rows]
