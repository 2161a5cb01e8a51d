"""The audit trail: who did what, when, to which patient id; ids and counts only, never a
label or a value, so the trail cannot leak what it must not hold.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import cast

from bot.store.connection import Connection
from bot.store.convert import (
    _ts,
)
from bot.store.records import (
    AuditEntry,
    _audit_entry,
)

logger = logging.getLogger("bot.store")

_ACTION = re.compile(r"[a-z][a-z0-9_]{0,39}")
"""An audit action or detail key: a short lower-case name, never free text."""


class AuditStore(Connection):
    """The audit trail: who did what, when, to which patient id; ids and counts only, never a"""

    # -- audit ------------------------------------------------------------------------------------

    def audit(
        self,
        actor_id: int,
        action: str,
        *,
        patient_id: int | None = None,
        detail: Mapping[str, int | None] | None = None,
    ) -> int:
        """Append an audit row; `action` is a short verb, `detail` holds ids and counts only.

        Anything else (a label, a lab value, free text) is refused with ValueError, so the audit
        trail cannot leak what it must not hold.
        """
        if not _ACTION.fullmatch(action):
            raise ValueError("an audit action is a short lower-case verb like 'intake_saved'")
        clean: dict[str, int | None] = {}
        for key, value in (detail or {}).items():
            if not isinstance(key, str) or not _ACTION.fullmatch(key):
                raise ValueError("audit detail keys are short lower-case names")
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ValueError("audit detail values are ids or counts (integers) only")
            clean[key] = value
        with self._write() as conn:
            (entry_id,) = conn.execute(
                "INSERT INTO audit (at, actor_id, action, patient_id, detail)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (_ts(self._now()), actor_id, action, patient_id, json.dumps(clean)),
            ).fetchone()
        return cast(int, entry_id)

    def audit_entries(
        self, *, patient_id: int | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """Audit rows, oldest first (all, or about one patient id)."""
        sql = "SELECT * FROM audit"
        params: tuple[int, ...] = ()
        if patient_id is not None:
            sql += " WHERE patient_id = ?"
            params = (patient_id,)
        sql += " ORDER BY id LIMIT ?"
        return [
            _audit_entry(r) for r in self._rows(sql, (*params, -1 if limit is None else limit))
        ]
