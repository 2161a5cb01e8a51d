"""The founding protocol's rules as data (protocol.md part A), so that every plan can cite them.

The rules are ids here (P1-P11); their founding texts, and the reason each gives in a plan, are worded
in `lang.plan_words` (`rule.<id>`, `reason.<id>...`) like every other sentence of the plan.
"""

from __future__ import annotations

RULE_IDS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11")
"""The rules of the founding individualized interventional protocol (docs/protocol.md), in order."""


RULE_ORDER: dict[str, int] = {rule_id: number for number, rule_id in enumerate(RULE_IDS, 1)}
"""P2 before P10: each rule id's place, to sort by (`sorted(ids, key=RULE_ORDER.__getitem__)`)."""
