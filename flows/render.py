"""The plan as one chat message: a first screen to act on, then the detail folded away.

The plan is laid out as a channel-neutral `Layout` (a bold headline, a few first-screen lines,
folded sections, a footnote): Telegram formats it as HTML with the detail in an expandable
blockquote, the terminal as wrapped text in the same order. The first screen holds only what
must be acted on (contraindications, what to correct first, what is missing, the window), at
most `FIRST_SCREEN_LINES` lines, so a plan reads at a glance on a phone.

Every part of the plan is said in words a clinician would write, in the reader's language (the
active `lang` language of the turn): the planner returns codes, `lang.plan_words` words them with
their sources, and the frame around them (titles, status words) is marked here for the same `plan`
catalog; no code (such as `child_pugh_c`) reaches the reader.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from lang import N_, _, ngettext
from lang.formats import day
from lang.plan_words import (
    DECISION_SHORT,
    DECISION_WORDS,
    contraindication,
    join,
    lead,
    rule,
    say,
    word,
    words_for,
)
from planner import Plan
from planner.retreatment import ART_STOP_FROM

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
    "section_title",
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
    "liver.creatinine": N_("creatinine (MELD, renal contraindication)"),
    "liver.sodium": N_("sodium (MELD-Na)"),
    "tumour.pvtt_collaterals": N_("collateral flow around the main-trunk thrombus"),
    "history.recovered_on": N_("recovery date (P6 may move the earliest day)"),
    "history.followup": N_("follow-up imaging findings (decide hold, ethanol or TACE)"),
    "history.followup.response": N_("mRECIST response (decides when no lipiodol was used)"),
    "history.sessions": N_("number of TACE sessions so far (ART score, refractoriness)"),
    "history.baseline.child_pugh_points": N_(
        "Child-Pugh points before the first TACE (ART score)"
    ),
    "history.baseline.ast": N_("AST before the first TACE (ART score)"),
    "history.baseline.pvtt": N_("portal vein thrombus before the first TACE (refractoriness)"),
    "history.baseline.extrahepatic": N_(
        "extrahepatic spread before the first TACE (refractoriness)"
    ),
    "liver.ast": N_("AST now (ART score)"),
    "tumour.pvtt_occlusion": N_("whether the main-trunk thrombus occludes the trunk completely"),
    "tumour.afp": N_("AFP (HAP prognosis)"),
    "sex": N_("sex (creatinine clearance)"),
    "weight_kg": N_("weight (creatinine clearance)"),
}

RESPONSE_WORDS = {
    "cr": N_("complete response"),
    "pr": N_("partial response"),
    "sd": N_("stable disease"),
    "pd": N_("progressive disease"),
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


SHORTENED = N_("… (the rest did not fit one message)")
FOLD_RULE = N_("──── details ────")
"""How a text-only channel marks where the folded detail begins (`layout_text` words it)."""


def first_line(layout: Layout) -> str:
    """The headline and byline as one line of text."""
    return layout.headline + (f" · {layout.byline}" if layout.byline else "")


def section_title(title: str) -> str:
    """A section's title as it heads its lines: `Cautions:` (Chinese: `注意事项：`)."""
    # TRANSLATORS: a section's title before its lines (Chinese: a full-width colon).
    return _("{title}:").format(title=title)


def section_text(section: Section) -> str:
    """One folded section as plain text."""
    lines = [f"• {line}" if section.bullets else line for line in section.lines]
    return "\n".join([section_title(section.title), *lines] if section.title else lines)


def layout_text(layout: Layout, rule: str = "") -> str:
    """The whole message as plain text, in the order every channel shows it.

    `rule` (a text-only channel's marker, worded here) separates the first screen from the folded
    detail; the text without it is what Telegram shows once it has parsed the HTML, so its length
    is the one Telegram's limit applies to.
    """
    head = "\n".join([first_line(layout), *layout.lines])
    folded = "\n\n".join(section_text(s) for s in layout.folded if s.lines)
    parts = [head]
    if folded:
        parts.append(f"{_(rule)}\n{folded}" if rule else folded)
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
    """`Child-Pugh A5 · ALBI 1 · MELD-Na 9 · BCLC A · CNLC Ib` (what is computable).

    The scores' names are written in Latin letters in every language (docs/glossary.md)."""
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
        out.append(_("if resection, ablation and transplant are not feasible"))
    if plan.provisional:
        out.append(_("provisional: follow-up findings missing"))
    return out


def summary_line(plan: Plan) -> str:
    """`Super-selective TACE · Child-Pugh A5 · ALBI 1 · MELD 7 · BCLC B`, qualified when it is
    conditional or provisional: one line for lists and logs of plans."""
    line = f"{headline(plan)} · {scores_line(plan)}"
    qualifiers = _qualifiers(plan)
    if not qualifiers:
        return line
    # TRANSLATORS: the summary line and what the decision hangs on, in brackets.
    return _("{line} ({qualifiers})").format(line=line, qualifiers=join("semicolon", qualifiers))


def _short(text: str) -> str:
    """The lead of a sentence (`INR 2.6: correct it...` -> `INR 2.6`), for the first screen."""
    return lead(text)


def _first_screen(plan: Plan, assumed: Sequence[str], room: int) -> list[str]:
    """At most `room` lines of what must be acted on, most urgent first.

    Each kind gets a line per item while they fit; otherwise its items share one line, and what
    still does not fit is said to be in the details, never dropped silently.
    """
    groups: list[tuple[str, list[str]]] = []
    contra = [
        _short(contraindication(name))
        + (
            _(" ({found})").format(found=say(found))
            if (found := plan.contraindication_findings.get(name))
            else ""
        )
        for name in plan.contraindications
    ]
    if contra:
        groups.append(("⛔ " + _("Contraindicated"), contra))
    if plan.before_procedure:
        groups.append(("⚠ " + _("Correct first"), [_short(say(x)) for x in plan.before_procedure]))
    if plan.missing:
        groups.append(("❓ " + _("Missing"), [_short(_field(m)) for m in plan.missing]))
    if assumed:
        groups.append((_("Assumed"), [_short(a.split(" (add", 1)[0]) for a in assumed]))
    if plan.window is not None:
        w = plan.window
        groups.append(
            (
                "📅 " + _("Window"),
                [
                    # TRANSLATORS: the next-intervention window on the first screen.
                    _("{earliest} → {latest} ({status})").format(
                        earliest=day(w.earliest),
                        latest=day(w.latest),
                        status=window_status(w.status),
                    )
                ],
            )
        )
    lines = [
        _("{title}: {items}").format(title=title, items=join("comma", items))
        for title, items in groups
    ]
    if len(lines) > room:
        extra = len(lines) - room + 1
        more = ngettext(
            "… {extra} more in the details below", "… {extra} more in the details below", extra
        ).format(extra=extra)
        return [*lines[: room - 1], more]
    spare = room - len(lines)
    out: list[str] = []
    for (title, items), joined in zip(groups, lines, strict=True):
        if 1 < len(items) <= spare + 1 and title.startswith(("⛔", "⚠")):
            out.extend(f"{title[:1]} {item}" for item in items)
            spare -= len(items) - 1
        else:
            out.append(joined)
    return out


def _field(path: str) -> str:
    """A missing input as words (the field's path when it has none)."""
    return _(FIELD_NAMES[path]) if path in FIELD_NAMES else path


def plan_layout(
    plan: Plan, label: str | None = None, assumed: Sequence[str] = (), read: str = ""
) -> Layout:
    """The plan laid out: decision and patient, scores, what to act on; the rest folded.

    Long folded sections are shortened (full rule texts, then notes) so the whole message stays
    within Telegram's limit with room for the channel's status line; never the first screen or
    the disclaimer.
    """
    byline = join("comma", [*([label] if label else []), *_qualifiers(plan)])
    rooms, chars = STATUS_ROOM
    lines = [scores_line(plan), *_first_screen(plan, assumed, FIRST_SCREEN_LINES - 2 - rooms)]
    stage = say(plan.stage_advice) if plan.stage_advice else ""
    full_rules = [
        _("{rule}: {reason}").format(rule=r.id, reason=say(r.reason)) for r in plan.reasons
    ]
    short_rules = [join("comma", [r.id for r in plan.reasons])] if plan.reasons else []
    notes = [say(n) for n in plan.notes]
    layout = Layout(headline=headline(plan), byline=byline, lines=lines,
                    footnote=say(plan.disclaimer))  # fmt: skip
    for rules, shown_notes in ((full_rules, notes), (short_rules, notes), (short_rules, [])):
        layout.folded = [
            Section(lines=[read] if read else [], bullets=False),
            Section(title=_("Contraindicated"), lines=_contraindications(plan)),
            Section(
                title=_("Correct before the procedure"),
                lines=[say(x) for x in plan.before_procedure],
            ),
            Section(title=_("Course"), lines=_course(plan)),
            Section(title=_("Technique"), lines=[say(x) for x in plan.technique]),
            Section(title=_("Cautions"), lines=[say(x) for x in plan.cautions]),
            Section(title=_("Convention-dependent (flags)"), lines=[say(x) for x in plan.flags]),
            Section(title=_("Stage"), lines=[stage] if stage else []),
            Section(title=_("Alternatives"), lines=[say(a.text) for a in plan.alternatives]),
            Section(title=_("Prognosis and transplant"), lines=_prognosis(plan)),
            Section(lines=[_checklist(plan)] if plan.checklist else [], bullets=False),
            Section(title=_("Rules"), lines=rules),
            Section(
                title=_("Missing, would change the plan"),
                lines=[_field(m) for m in plan.missing],
            ),
            Section(title=_("Assumed"), lines=list(assumed)),
            Section(title=_("Notes"), lines=shown_notes),
        ]
        layout.folded = [s for s in layout.folded if s.lines]
        if len(layout_text(layout)) <= MESSAGE_LIMIT - chars:
            return layout
    shortened = _(SHORTENED)
    limit = MESSAGE_LIMIT - chars - len(shortened) - 2
    while layout.folded and len(layout_text(layout)) > limit:
        layout.folded.pop()
    layout.folded.append(Section(lines=[shortened], bullets=False))
    return layout


def render_plan(plan: Plan, label: str | None = None, assumed: Sequence[str] = ()) -> str:
    """The plan as plain text in the order every channel shows it (first screen, then detail)."""
    return layout_text(plan_layout(plan, label, assumed))


def _contraindications(plan: Plan) -> list[str]:
    """Each contraindication as a sentence, with what this patient has that makes it."""
    lines = []
    for name in plan.contraindications:
        found = plan.contraindication_findings.get(name)
        text = contraindication(name)
        # TRANSLATORS: a contraindication, then what in this patient makes it.
        lines.append(
            _("{text} Here: {found}.").format(text=text, found=say(found)) if found else text
        )
    return lines


def _course(plan: Plan) -> list[str]:
    """The response, ART score and refractoriness, when follow-up gave them."""
    lines = []
    if plan.response is not None:
        how = (
            _("computed from the viable sums")
            if plan.response_computed
            else _("the reading corrected, see the cautions")
            if plan.response_corrected
            else _("as read")
        )
        lines.append(
            _("mRECIST: {response} ({how}).").format(
                response=_(RESPONSE_WORDS[plan.response]), how=how
            )
        )
    if plan.art is not None:
        # The score and its threshold only: beside a hold or another stop rule, "TACE may continue"
        # would contradict the decision.
        stop = f"{ART_STOP_FROM:g}"
        verdict = (
            _("stop TACE ({threshold} or more)").format(threshold=stop)
            if plan.art.stop
            else _("below the stop threshold of {threshold}").format(threshold=stop)
        )
        lines.append(
            _("ART score {score}: {verdict}.").format(score=f"{plan.art.score:g}", verdict=verdict)
        )
    if plan.refractory is not None:
        lines.append(_("TACE-refractory.") if plan.refractory else _("Not TACE-refractory."))
    return lines


def _prognosis(plan: Plan) -> list[str]:
    """HAP class, transplant criteria (unless the transplant alternative names them) and clearance."""
    lines = []
    offered = any(a.id == "transplant" for a in plan.alternatives)
    if plan.transplant is not None and not offered:
        t = plan.transplant
        named = (("milan", t.milan), ("ucsf", t.ucsf), ("up_to_seven", t.up_to_seven))
        within = [word(f"criterion.{name}") for name, ok in named if ok]
        outside = [word(f"criterion.{name}") for name, ok in named if not ok]
        if within and outside:
            line = _("Transplant criteria: within {within}; outside {outside}.")
        elif within:
            line = _("Transplant criteria: within {within}.")
        else:
            line = _("Transplant criteria: outside {outside}.")
        lines.append(line.format(within=join("comma", within), outside=join("comma", outside)))
    if plan.hap is not None:
        lines.append(_("HAP {hap} (prognosis after TACE; A best, D worst).").format(hap=plan.hap))
    if plan.crcl is not None:
        lines.append(
            _("Creatinine clearance {crcl} mL/min (Cockcroft-Gault).").format(
                crcl=f"{plan.crcl:g}"
            )
        )
    return lines


def _checklist(plan: Plan) -> str:
    """The pre-procedure checklist in one compact paragraph."""
    if not plan.checklist:
        return ""
    return _("Check before the procedure: {items}").format(
        items=join("sentences", [say(x) for x in plan.checklist])
    )


WINDOW_WORDS = {
    "open": N_("open now"),
    "not_yet_open": N_("not open yet"),
    "closed": N_("closed"),
    "impossible": N_("no valid window: earliest after latest"),
}
"""Where today falls in a plan's next-intervention window (`planner.models.Window.status`)."""


def window_status(status: str) -> str:
    """A window's status in the active language: the plan's status line and /patient say it alike
    (a status without words, stored by another version, as it is: `not_yet_open` -> `not yet open`)."""
    return _(WINDOW_WORDS[status]) if status in WINDOW_WORDS else status.replace("_", " ")


def rule_text(rule_id: str) -> str:
    """The founding text of a rule, for /help on a plan."""
    return _("{rule}: {text}").format(rule=rule_id, text=rule(rule_id))
