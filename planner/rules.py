"""The founding protocol's rules as data (protocol.md part A), so that every plan can cite them."""

from __future__ import annotations

from dataclasses import dataclass

PROTOCOL_SOURCE = (
    "Founding individualized interventional protocol for liver cancer (docs/protocol.md)"
)


@dataclass(frozen=True)
class Rule:
    """One rule of the founding protocol."""

    id: str
    text: str
    source: str = PROTOCOL_SOURCE


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "P1",
            "The plan is chosen per patient from tumour type and size, portal vein tumour thrombus, "
            "degree of cirrhosis, liver function, age and systemic condition.",
        ),
        Rule(
            "P2",
            "Elderly patients with HCC, and patients with severe cirrhosis, get plain "
            "chemo-embolization only, through ultra-selective cannulation of the feeding artery.",
        ),
        Rule(
            "P3",
            "Dense lipiodol over most of a lesion with a small marginal defect: the defect is treated "
            "by absolute-ethanol injection under ultrasound guidance.",
        ),
        Rule("P4", "The timing of the next intervention is decided by follow-up."),
        Rule("P5", "The interval between two interventions is normally 50 days to 3 months."),
        Rule(
            "P6",
            "The next intervention is at least 3 weeks after recovery from the last one.",
        ),
        Rule(
            "P7",
            "Dense lipiodol, tumour necrosis, no new lesion and no progression: no intervention for "
            "now; follow-up continues.",
        ),
        Rule(
            "P8",
            "Protect liver function: super-selective microcatheter technique treats through the "
            "target vessel only.",
        ),
        Rule(
            "P9",
            "Fewer than three tumours: microcatheter super-selectively in the peripheral feeders of "
            "each tumour in turn.",
        ),
        Rule(
            "P10",
            "More than three tumours: microcatheter in the right or left hepatic artery, avoiding the "
            "cystic artery.",
        ),
        Rule("P11", "Collateral feeding arteries are searched for and treated too."),
    )
}


def rule_sort_key(rule_id: str) -> int:
    """P2 before P10: sort rule ids by their number, not as text."""
    return int(rule_id.removeprefix("P"))
