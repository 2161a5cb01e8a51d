"""The plan as one chat message: a first screen to act on, then the detail folded away.

The plan is laid out as a channel-neutral `Layout` (a bold headline, a few first-screen lines,
folded sections, a footnote): Telegram formats it as HTML with the detail in an expandable
blockquote, the terminal as wrapped text in the same order. The first screen holds only what
must be acted on (contraindications, what to correct first, what is missing, the window), at
most `FIRST_SCREEN_LINES` lines, so a plan reads at a glance on a phone.

Every part of the plan is said in words a clinician would write: contraindications, values to correct,
alternatives and the checklist come from the planner's texts, which name their sources; no code (such as
`child_pugh_c`) reaches the reader.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from planner import Plan
from planner.contraindications import CONTRAINDICATION_TEXT
from planner.retreatment import ART_STOP_FROM
from planner.rules import RULES
from planner.wording import DECISION_SHORT, DECISION_WORDS, words_for

__all__ = [
    "DECISION_SHORT",
    "DECISION_WORDS",
    "FIRST_SCREEN_LINES",
    "MESSAGE_LIMIT",
    "Layout",
    "Section",
    "decision_words",
    "layout_text",
    "plan_layout",
    "render_plan",
    "rule_text",
    "summary_line",
    "words_for",
]

MESSAGE_LIMIT = 4096
"""Telegram's limit for one message; the terminal uses the same so both channels show the same text."""
FIRST_SCREEN_LINES = 12
"""Lines before the folded detail: about one phone screen (issue 13)."""
STATUS_ROOM = 2, 480
"""Lines and characters a plan leaves free for what the assistant adds on saving it: an imaging
caution and `Saved for bed7 · next: ...`."""
FIELD_NAMES = {
    "liver.creatinine": "creatinine (MELD, renal contraindication)",
    "liver.sodium": "sodium (MELD-Na)",
    "tumour.pvtt_collaterals": "collateral flow around the main-trunk thrombus",
    "history.recovered_on": "recovery date (P6 may move the earliest day)",
    "history.followup": "follow-up imaging findings (decide hold, ethanol or TACE)",
    "history.followup.response": "mRECIST response (decides when no lipiodol was used)",
    "history.sessions": "number of TACE sessions so far (ART score, refractoriness)",
    "history.baseline.child_pugh_points": "Child-Pugh points before the first TACE (ART score)",
    "history.baseline.ast": "AST before the first TACE (ART score)",
    "history.baseline.pvtt": "portal vein thrombus before the first TACE (refractoriness)",
    "history.baseline.extrahepatic": "extrahepatic spread before the first TACE (refractoriness)",
    "liver.ast": "AST now (ART score)",
    "tumour.pvtt_occlusion": "whether the main-trunk thrombus occludes the trunk completely",
    "tumour.afp": "AFP (HAP prognosis)",
    "sex": "sex (creatinine clearance)",
    "weight_kg": "weight (creatinine clearance)",
}

RESPONSE_WORDS = {
    "cr": "complete response",
    "pr": "partial response",
    "sd": "stable disease",
    "pd": "progressive disease",
}


class Section(BaseModel):
    """A titled list of lines in the folded detail (an empty title: lines without a heading)."""

    title: str = ""
    lines: list[str] = Field(default_factory=list)
    bullets: bool = True


class Layout(BaseModel):
    """A message as parts a channel formats, not as formatted text.

    `headline` is emphasised (bold on Telegram); `byline` follows it on the same line; `lines` are
    the first screen, one line each; `folded` is the detail behind a tap (Telegram's expandable
    blockquote; the terminal prints it after a rule); `footnote` closes the message.
    """

    headline: str
    byline: str = ""
    lines: list[str] = Field(default_factory=list)
    folded: list[Section] = Field(default_factory=list)
    footnote: str = ""


SHORTENED = "… (the rest did not fit one message)"
FOLD_RULE = "──── details ────"
"""How a text-only channel marks where the folded detail begins."""


def first_line(layout: Layout) -> str:
    """The headline and byline as one line of text."""
    return layout.headline + (f" · {layout.byline}" if layout.byline else "")


def section_text(section: Section) -> str:
    """One folded section as plain text."""
    lines = [f"• {line}" if section.bullets else line for line in section.lines]
    return "\n".join([section.title + ":", *lines] if section.title else lines)


def layout_text(layout: Layout, rule: str = "") -> str:
    """The whole message as plain text, in the order every channel shows it.

    `rule` (a text-only channel's marker) separates the first screen from the folded detail; the
    text without it is what Telegram shows once it has parsed the HTML, so its length is the one
    Telegram's limit applies to.
    """
    head = "\n".join([first_line(layout), *layout.lines])
    folded = "\n\n".join(section_text(s) for s in layout.folded if s.lines)
    parts = [head]
    if folded:
        parts.append(f"{rule}\n{folded}" if rule else folded)
    if layout.footnote:
        parts.append(layout.footnote)
    return "\n\n".join(parts)


def decision_words(plan: Plan) -> str:
    """The decision as the summary line words it."""
    return words_for(plan.decision.value, plan.approach.value if plan.approach else None)


def headline(plan: Plan) -> str:
    """`Super-selective TACE`: the decision, capitalised, first on the first line."""
    words = decision_words(plan)
    return words[:1].upper() + words[1:]


def scores_line(plan: Plan) -> str:
    """`Child-Pugh A5 · ALBI 1 · MELD-Na 9 · BCLC A · CNLC Ib` (what is computable)."""
    parts = [
        f"Child-Pugh {plan.child_pugh.class_}{plan.child_pugh.points}",
        f"ALBI {plan.albi.grade}",
    ]
    if plan.meld is not None:
        with_na = plan.meld_detail is not None and plan.meld_detail.meld_na is not None
        parts.append(f"{'MELD-Na' if with_na else 'MELD'} {plan.meld}")
    if plan.bclc is not None:
        parts.append(f"BCLC {plan.bclc}")
    if plan.cnlc is not None:
        parts.append(f"CNLC {plan.cnlc}")
    return " · ".join(parts)


def _qualifiers(plan: Plan) -> list[str]:
    """What the decision hangs on, said right after it."""
    out = []
    if plan.conditional:
        out.append("if resection, ablation and transplant are not feasible")
    if plan.provisional:
        out.append("provisional: follow-up findings missing")
    return out


def summary_line(plan: Plan) -> str:
    """`Super-selective TACE · Child-Pugh A5 · ALBI 1 · MELD 7 · BCLC B`, qualified when it is
    conditional or provisional: one line for lists and logs of plans."""
    line = f"{headline(plan)} · {scores_line(plan)}"
    qualifiers = _qualifiers(plan)
    return line + (f" ({'; '.join(qualifiers)})" if qualifiers else "")


def _short(text: str) -> str:
    """The lead of a sentence (`INR 2.6: correct it...` -> `INR 2.6`), for the first screen."""
    lead = text.split(":", 1)[0].split(" (", 1)[0].strip().rstrip(".")
    return lead


def _first_screen(plan: Plan, assumed: Sequence[str], room: int) -> list[str]:
    """At most `room` lines of what must be acted on, most urgent first.

    Each kind gets a line per item while they fit; otherwise its items share one line, and what
    still does not fit is said to be in the details, never dropped silently.
    """
    groups: list[tuple[str, list[str]]] = []
    contra = [
        _short(CONTRAINDICATION_TEXT[name])
        + (f" ({found})" if (found := plan.contraindication_findings.get(name)) else "")
        for name in plan.contraindications
    ]
    if contra:
        groups.append(("⛔ Contraindicated", contra))
    if plan.before_procedure:
        groups.append(("⚠ Correct first", [_short(x) for x in plan.before_procedure]))
    if plan.missing:
        groups.append(("❓ Missing", [_short(FIELD_NAMES.get(m, m)) for m in plan.missing]))
    if assumed:
        groups.append(("Assumed", [_short(a.split(" (add", 1)[0]) for a in assumed]))
    if plan.window is not None:
        w = plan.window
        groups.append(
            (
                "📅 Window",
                [f"{w.earliest.isoformat()} → {w.latest.isoformat()} ({_status(w.status)})"],
            )
        )
    lines = [f"{title}: {', '.join(items)}" for title, items in groups]
    if len(lines) > room:
        extra = len(lines) - room + 1
        return [*lines[: room - 1], f"… {extra} more in the details below"]
    spare = room - len(lines)
    out: list[str] = []
    for (title, items), joined in zip(groups, lines, strict=True):
        if 1 < len(items) <= spare + 1 and title.startswith(("⛔", "⚠")):
            out.extend(f"{title[:1]} {item}" for item in items)
            spare -= len(items) - 1
        else:
            out.append(joined)
    return out


def plan_layout(
    plan: Plan, label: str | None = None, assumed: Sequence[str] = (), read: str = ""
) -> Layout:
    """The plan laid out: decision and patient, scores, what to act on; the rest folded.

    Long folded sections are shortened (full rule texts, then notes) so the whole message stays
    within Telegram's limit with room for the channel's status line; never the first screen or
    the disclaimer.
    """
    byline = ", ".join([*([label] if label else []), *_qualifiers(plan)])
    rooms, chars = STATUS_ROOM
    lines = [scores_line(plan), *_first_screen(plan, assumed, FIRST_SCREEN_LINES - 2 - rooms)]
    stage = plan.stage_advice or ""
    full_rules = [f"{r.id}: {r.reason}" for r in plan.reasons]
    short_rules = [", ".join(r.id for r in plan.reasons)] if plan.reasons else []
    layout = Layout(headline=headline(plan), byline=byline, lines=lines,
                    footnote=plan.disclaimer)  # fmt: skip
    for rules, notes in ((full_rules, plan.notes), (short_rules, plan.notes), (short_rules, [])):
        layout.folded = [
            Section(lines=[read] if read else [], bullets=False),
            Section(title="Contraindicated", lines=_contraindications(plan)),
            Section(title="Correct before the procedure", lines=plan.before_procedure),
            Section(title="Course", lines=_course(plan)),
            Section(title="Technique", lines=plan.technique),
            Section(title="Cautions", lines=plan.cautions),
            Section(title="Convention-dependent (flags)", lines=plan.flags),
            Section(title="Stage", lines=[stage] if stage else []),
            Section(title="Alternatives", lines=[a.text for a in plan.alternatives]),
            Section(title="Prognosis and transplant", lines=_prognosis(plan)),
            Section(lines=[_checklist(plan)] if plan.checklist else [], bullets=False),
            Section(title="Rules", lines=rules),
            Section(
                title="Missing, would change the plan",
                lines=[FIELD_NAMES.get(m, m) for m in plan.missing],
            ),
            Section(title="Assumed", lines=list(assumed)),
            Section(title="Notes", lines=notes),
        ]
        layout.folded = [s for s in layout.folded if s.lines]
        if len(layout_text(layout)) <= MESSAGE_LIMIT - chars:
            return layout
    limit = MESSAGE_LIMIT - chars - len(SHORTENED) - 2
    while layout.folded and len(layout_text(layout)) > limit:
        layout.folded.pop()
    layout.folded.append(Section(lines=[SHORTENED], bullets=False))
    return layout


def render_plan(plan: Plan, label: str | None = None, assumed: Sequence[str] = ()) -> str:
    """The plan as plain text in the order every channel shows it (first screen, then detail)."""
    return layout_text(plan_layout(plan, label, assumed))


def _contraindications(plan: Plan) -> list[str]:
    """Each contraindication as a sentence, with what this patient has that makes it."""
    lines = []
    for name in plan.contraindications:
        found = plan.contraindication_findings.get(name)
        here = f" Here: {found}." if found else ""
        lines.append(CONTRAINDICATION_TEXT[name] + here)
    return lines


def _course(plan: Plan) -> list[str]:
    """The response, ART score and refractoriness, when follow-up gave them."""
    lines = []
    if plan.response is not None:
        how = (
            "computed from the viable sums"
            if plan.response_computed
            else "the reading corrected, see the cautions"
            if plan.response_corrected
            else "as read"
        )
        lines.append(f"mRECIST: {RESPONSE_WORDS[plan.response]} ({how}).")
    if plan.art is not None:
        # The score and its threshold only: beside a hold or another stop rule, "TACE may continue"
        # would contradict the decision.
        verdict = (
            f"stop TACE ({ART_STOP_FROM:g} or more)"
            if plan.art.stop
            else f"below the stop threshold of {ART_STOP_FROM:g}"
        )
        lines.append(f"ART score {plan.art.score:g}: {verdict}.")
    if plan.refractory is not None:
        lines.append("TACE-refractory." if plan.refractory else "Not TACE-refractory.")
    return lines


def _prognosis(plan: Plan) -> list[str]:
    """HAP class, transplant criteria (unless the transplant alternative names them) and clearance."""
    lines = []
    offered = any(a.id == "transplant" for a in plan.alternatives)
    if plan.transplant is not None and not offered:
        t = plan.transplant
        named = (("Milan", t.milan), ("UCSF", t.ucsf), ("up-to-seven", t.up_to_seven))
        within = [name for name, ok in named if ok]
        outside = [name for name, ok in named if not ok]
        parts = []
        if within:
            parts.append("within " + ", ".join(within))
        if outside:
            parts.append("outside " + ", ".join(outside))
        lines.append("Transplant criteria: " + "; ".join(parts) + ".")
    if plan.hap is not None:
        lines.append(f"HAP {plan.hap} (prognosis after TACE; A best, D worst).")
    if plan.crcl is not None:
        lines.append(f"Creatinine clearance {plan.crcl:g} mL/min (Cockcroft-Gault).")
    return lines


def _checklist(plan: Plan) -> str:
    """The pre-procedure checklist in one compact paragraph."""
    if not plan.checklist:
        return ""
    return "Check before the procedure: " + " ".join(plan.checklist)


def _status(status: str) -> str:
    return {
        "open": "open now",
        "not_yet_open": "not open yet",
        "closed": "closed",
        "impossible": "no valid window: earliest after latest",
    }[status]


def rule_text(rule_id: str) -> str:
    """The founding text of a rule, for /help on a plan."""
    return f"{rule_id}: {RULES[rule_id].text}"
