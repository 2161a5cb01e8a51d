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
            if self._checkpoint_after_inbox:  # a patient was forgotten since the last call
                self._checkpoint_after_inbox = False
                self._inbox_mark = conn.execute("SELECT max(update_id) FROM inbox").fetchone()[0]
            conn.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, body, received_at) VALUES (?, ?, ?)",
                [(update_id, body, now) for update_id, body in received],
            )
            conn.executemany("DELETE FROM inbox WHERE update_id = ?", [(i,) for i in handled])
            if self._inbox_mark is not None and handled:
                # Updates kept before the forget can quote the label (the /forget command, the
                # confirmation's message): each one that leaves is folded away by a checkpoint.
                self._checkpoint_due = True
                left = conn.execute(
                    "SELECT 1 FROM inbox WHERE update_id <= ? LIMIT 1", (self._inbox_mark,)
                ).fetchone()
                if left is None:
                    self._inbox_mark = None

    def inbox(self) -> list[tuple[int, str]]:
        """The (update id, JSON body) of every update kept and not yet handled, oldest first."""
        rows = self._rows("SELECT update_id, body FROM inbox ORDER BY update_id")
        return [(row["update_id"], row["body"]) for row in rows]
