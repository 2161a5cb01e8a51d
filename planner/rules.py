"""The founding protocol's rules as data (protocol.md part A), so that every plan can cite them.

The rules are ids here (P1-P11); their founding texts, and the reason each gives in a plan, are worded
in `lang.plan_words` (`rule.<id>`, `reason.<id>...`) like every other sentence of the plan.
"""

from __future__ import annotations

RULE_IDS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11")
"""The rules of the founding individualized interventional protocol (docs/protocol.md), in order."""


def rule_sort_key(rule_id: str) -> int:
    """P2 before P10: sort rule ids by their number, not as text."""
    return int(rule_id.removeprefix("P"))
