"""The ward-round quick check: `/quick [LABEL] key=value ...` in one line.

Values are read by the same parsers as the intake's questions, so `bili=21umol` means exactly what typing
`21 umol` to the bilirubin question means. What is missing or unreadable is then asked by the quick flow,
never guessed; only the tumour type (HCC) and extrahepatic spread (none) are assumed when absent, and the
plan says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows.engine import Dialogues, Outgoing, Turn
from flows.parsing import Invalid, label_warning, parse_label
from flows.questions import BY_ID, parse_answer

KEYS = {
    "age": "age",
    "ecog": "ecog",
    "n": "count",
    "size": "largest_cm",
    "pvtt": "pvtt",
    "collaterals": "pvtt_collaterals",
    "ehs": "extrahepatic",
    "type": "tumour_type",
    "bili": "bilirubin",
    "alb": "albumin",
    "inr": "inr",
    "ascites": "ascites",
    "he": "encephalopathy",
    "cr": "creatinine",
    "na": "sodium",
    "dialysis": "dialysis",
    "last": "last_intervention",
    "recovered": "recovered_on",
    "lipiodol": "lipiodol",
    "necrosis": "necrosis",
    "new": "new_lesions",
    "progression": "progression",
}
"""Quick-check keys and the intake questions that read their values."""

ASSUMED = {
    "tumour_type": ("hcc", "tumour type HCC (add type=icc|metastasis|other otherwise)"),
    "extrahepatic": (False, "no extrahepatic spread (add ehs=yes otherwise)"),
    "dialysis": (False, "no dialysis (add dialysis=yes otherwise)"),
}
FINDINGS = ("lipiodol", "necrosis", "new_lesions", "progression")
_PAIR = re.compile(r"^([A-Za-z]+)=(.*)$")


@dataclass
class QuickCheck:
    """What one quick-check line says: the label, the answers read, and what was wrong."""

    label: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)


def parse_quick(line: str, today: date) -> QuickCheck:
    """Read a quick-check line; never raises, whatever the line."""
    out = QuickCheck()
    words = line.split()
    if words and words[0].lower().split("@")[0] == "/quick":
        words = words[1:]
    if words and "=" not in words[0]:
        _read_label(words.pop(0), out)
    for word in words:
        match = _PAIR.match(word)
        if match is None:
            out.problems.append(f"'{word[:40]}' is not key=value")
            continue
        key, raw = match.group(1).lower(), match.group(2)
        qid = KEYS.get(key)
        if qid is None:
            out.problems.append(f"unknown key '{key[:20]}' (keys: {' '.join(KEYS)})")
            continue
        try:
            out.answers[qid] = parse_answer(BY_ID[qid], raw, out.answers, today)
        except Invalid as exc:
            out.problems.append(f"{key}: {exc}")
    _complete(out)
    return out


def _read_label(word: str, out: QuickCheck) -> None:
    try:
        label = parse_label(word)
    except Invalid as exc:
        out.problems.append(f"label: {exc}")
        return
    if why := label_warning(label):
        out.problems.append(f"label '{label}' {why}: not saved; use a pseudonym")
        return
    out.label = label


def _complete(out: QuickCheck) -> None:
    """Fill what the line implies: history when `last` is given, findings when one of them is."""
    answers = out.answers
    for qid, (value, why) in ASSUMED.items():
        if qid not in answers:
            answers[qid] = value
            out.assumed.append(why)
    answers["earlier"] = "last_intervention" in answers
    if answers["earlier"]:
        answers["imaged"] = any(f in answers for f in FINDINGS)
    elif any(key in answers for key in (*FINDINGS, "recovered_on")):
        out.problems.append("follow-up findings need last=DATE of the intervention")


def start_quick(dialogues: Dialogues, line: str, today: date) -> Turn:
    """Read the line and start the quick flow: what was wrong is said first, then what is missing."""
    check = parse_quick(line, today)
    turn = dialogues.start(
        "quick", today, answers=check.answers, label=check.label, assumed=check.assumed
    )
    if not check.problems:
        return turn
    notice = Outgoing(text="⚠ " + "\n⚠ ".join(check.problems))
    return turn.model_copy(update={"messages": [notice, *turn.messages]})
