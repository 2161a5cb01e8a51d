"""The ward-round quick check: `/quick [LABEL] key=value ...` in one line.

Values are read by the same parsers as the intake's questions, so `bili=21umol` means exactly what typing
`21 umol` to the bilirubin question means. A line with any problem is not planned (each problem is named,
with the nearest key or value); what is missing is asked by the quick flow, never guessed. Only the tumour
type (HCC), extrahepatic spread (none), an infiltrative pattern (none) and dialysis (none) are assumed when
absent, and the plan says so.

The line is folded first (`flows.parsing.fold`): a Chinese input method's `ａｓｔ＝４８，` is `ast=48,`.
Keys stay as they are in every language; values may be Chinese words (`ascites=轻度`), read by the
questions' own parsers. Every problem is worded in the active language.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows.engine import Dialogues, Outgoing, Turn
from flows.parsing import (
    NO,
    YES,
    Invalid,
    either,
    fold,
    label_warning,
    parse_date,
    parse_label,
    unit_words,
)
from flows.questions import (
    ASSUMED,
    BY_ID,
    Kind,
    Question,
    contradiction,
    parse_answer,
    typed_value,
)
from lang import N_, _, pgettext
from planner.ranges import Range

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
    "infiltrative": "infiltrative",
    "burden70": "burden_ge_70pct",
    "occlusion": "pvtt_occlusion",
    "afp": "afp",
    "plt": "platelets",
    "wbc": "wbc",
    "ast": "ast",
    "sex": "sex",
    "wt": "weight_kg",
    "weight": "weight_kg",
    "sessions": "sessions",
    "response": "response",
    "viable": "viable_sum_mm",
    "nadir": "nadir_viable_sum_mm",
    "over50": "viable_over_50pct",
    "viable50": "viable_over_50pct",
}
"""Quick-check keys and the intake questions that read their values."""

FINDINGS = (
    "lipiodol", "necrosis", "new_lesions", "progression", "response", "viable_sum_mm",
    "nadir_viable_sum_mm", "viable_over_50pct",
)  # fmt: skip
ON = "on"
"""`on=DATE`: the day the values were measured or the imaging done (default today)."""
_PAIR = re.compile(r"^([A-Za-z][A-Za-z0-9]*)=(.*)$")
_LEADING_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?")


@dataclass
class QuickCheck:
    """What one quick-check line says: the label, the answers read, and what was wrong."""

    label: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    """The question ids taken as `ASSUMED` (words for them: `assumed_words`)."""
    given: list[str] = field(default_factory=list)
    """Question ids known from the line, assumed ones included: not counted in the step numbers."""
    measured_on: date | None = None
    """`on=`: the day the values were measured or the imaging done (None: today)."""


@dataclass(frozen=True)
class KnownCourse:
    """What the store's course says of a saved patient, as of the line's day: a line may leave
    `last=` and `sessions=` out, and if it gives them they must agree."""

    last_intervention: date
    sessions: int
    answers: dict[str, Any]
    """The answers the course supplies (`bot.course.Course.answers`)."""


def parse_quick(line: str, today: date, course: KnownCourse | None = None) -> QuickCheck:
    """Read a quick-check line, strictly; never raises, whatever the line.

    Any problem (a value that does not parse, an unknown or misspelt key, a key given twice, a
    label split by a space) is named with the nearest key or value, and the line is then not
    planned at all: a plan from a line with a problem would rest on a default the clinician did
    not choose. Only keys that are absent take the documented defaults (`ASSUMED`). With a
    `course` (a saved patient's recorded sessions), `last=` and `sessions=` come from it.
    """
    out = QuickCheck()
    words = fold(line).split()
    if words and words[0].lower() == "/quick":
        words = words[1:]
    if words and "=" not in words[0]:
        label_words = [words.pop(0)]
        while words and "=" not in words[0]:
            label_words.append(words.pop(0))
        _read_label(label_words, out)
    seen: dict[str, str] = {}
    for word in words:
        match = _PAIR.match(word)
        if match is None:
            out.problems.append(_("'{word}' is not key=value").format(word=word[:40]))
            continue
        key, raw = match.group(1).lower(), match.group(2)
        if key == ON:
            if key in seen:
                out.problems.append(
                    _("on is given twice (on={first}, on={second})").format(
                        first=seen[key][:20], second=raw[:20]
                    )
                )
                continue
            seen[key] = raw
            try:
                out.measured_on = date.fromisoformat(parse_date(raw, today))
            except Invalid as exc:
                out.problems.append(_pair_problem(ON, raw, exc))
            continue
        qid = KEYS.get(key)
        if qid is None:
            near = nearest(key, [*KEYS, ON])
            if near:
                problem = _("unknown key '{key}': did you mean {near}=?")
            else:
                problem = _("unknown key '{key}' (keys: {keys})")
            out.problems.append(
                problem.format(key=key[:20], near=near, keys=" ".join([*KEYS, ON]))
            )
            continue
        if key in seen:
            out.problems.append(
                _("{key} is given twice ({key}={first}, {key}={second}): give it once").format(
                    key=key, first=seen[key][:20], second=raw[:20]
                )
            )
            continue
        seen[key] = raw
        try:
            out.answers[qid] = parse_answer(BY_ID[qid], raw, out.answers, today, cross_check=False)
        except Invalid as exc:
            out.problems.append(_value_problem(key, raw, exc, today))
    if course is not None and not out.problems:
        _agree(out, course)
    _complete(out)
    if not out.problems and (why := contradiction(out.answers)):
        out.problems.append(_("response=cr: {why}; correct the line").format(why=why))
    out.given = list(out.answers)
    return out


def _agree(out: QuickCheck, course: KnownCourse) -> None:
    """`last=` and `sessions=` may be left out for a patient with recorded sessions; given, they
    must agree with the record, since a plan on a wrong date would be planned confidently wrong."""
    answers = out.answers
    given_last = answers.get("last_intervention")
    if given_last is not None and given_last != course.last_intervention.isoformat():
        out.problems.append(
            _(
                "last={given} disagrees with the last recorded session ({recorded}, see "
                "/patient): leave last= out or correct it"
            ).format(given=given_last, recorded=course.last_intervention.isoformat())
        )
    given_sessions = answers.get("sessions")
    if given_sessions is not None and given_sessions != course.sessions:
        out.problems.append(
            _(
                "sessions={given} disagrees with the {count} TACE session(s) recorded: leave "
                "sessions= out or correct it"
            ).format(given=given_sessions, count=course.sessions)
        )
    if not out.problems:
        for key, value in course.answers.items():
            answers.setdefault(key, value)


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to a misspelt word (`tpye` -> `type`), or None when none is close."""
    pool = list(candidates)
    close = difflib.get_close_matches(word.lower(), pool, n=1, cutoff=0.6)
    if close:
        return close[0]
    prefixed = [c for c in pool if len(word) >= 3 and c.startswith(word.lower())]
    return prefixed[0] if len(prefixed) == 1 else None


def _value_problem(key: str, raw: str, exc: Invalid, today: date) -> str:
    """`ehs=lung: Answer yes or no. Did you mean ehs=yes?`: the problem and the nearest value."""
    question = BY_ID[KEYS[key]]
    near = _nearest_value(question, raw, exc, today)
    problem = _pair_problem(key, raw, exc)
    if not near:
        return problem
    return _("{problem} Did you mean {values}?").format(
        problem=problem, values=either([f"{key}={v}" for v in near])
    )


def _pair_problem(key: str, raw: str, exc: Invalid) -> str:
    """`ehs=lung: Answer yes or no.`: the pair as typed (cut short) and why it was refused."""
    # TRANSLATORS: a pair of the quick-check line as typed, then why it was refused.
    return _("{key}={value}: {problem}").format(key=key, value=raw[:30], problem=exc)


def _nearest_value(question: Question, raw: str, exc: Invalid, today: date) -> list[str]:
    """What the clinician probably meant, in the line's own spelling (no spaces)."""
    if exc.suggestions:  # a number without its unit: the number with each unit
        return [s.replace(" ", "") for s in exc.suggestions]
    word = raw.strip().lower()
    if question.kind is Kind.YES_NO:
        yes, no = typed_value(question, "yes"), typed_value(question, "no")
        yes_no = {**dict.fromkeys(YES, yes), **dict.fromkeys(NO, no)}
        close = nearest(word, yes_no)
        # A yes/no finding answered with what was found (`ehs=lung`, `dialysis=2x`) means yes.
        return [yes_no[close] if close else yes] if word else []
    if question.kind is Kind.CHOICE:
        words = {c.value: c.value for c in question.choices}
        words.update({s.lower(): c.value for c in question.choices for s in c.spellings()})
        words.update(question.synonyms)
        close = nearest(word, words)
        return [typed_value(question, words[close])] if close else []
    if question.kind is Kind.DATE and (swapped := _swapped_date(word, today)):
        return [swapped]
    number = _LEADING_NUMBER.match(word)
    if question.kind is Kind.NUMBER and number and number.group(0) != word:
        return [number.group(0)]
    return []


def _swapped_date(word: str, today: date) -> str | None:
    """`2026-13-01` read as 13 January, when day and month were swapped and that date is past."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", word)
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        swapped = date(year, day, month)
    except ValueError:
        return None
    return swapped.isoformat() if swapped <= today else None


def _read_label(words: list[str], out: QuickCheck) -> None:
    if len(words) > 1:
        joined = "".join(words)[:32]
        out.problems.append(
            _(
                "the label has a space ('{typed}'): labels are one word in a quick check; did "
                "you mean {joined}?"
            ).format(typed=" ".join(words)[:40], joined=joined)
        )
        return
    try:
        label = parse_label(words[0])
    except Invalid as exc:
        out.problems.append(_("label: {problem}").format(problem=exc))
        return
    if why := label_warning(label):
        out.problems.append(
            _("label '{label}' {why}: not saved; use a pseudonym").format(label=label, why=why)
        )
        return
    out.label = label


def _complete(out: QuickCheck) -> None:
    """Fill what the line implies: history when `last` is given, findings when one of them is."""
    answers = out.answers
    for qid, (value, _what, _otherwise) in ASSUMED.items():
        if qid not in answers:
            answers[qid] = value
            out.assumed.append(qid)
    answers["earlier"] = "last_intervention" in answers
    if answers["earlier"]:
        answers["imaged"] = any(f in answers for f in FINDINGS)
    elif (
        any(key in answers for key in (*FINDINGS, "recovered_on", "sessions")) and not out.problems
    ):
        out.problems.append(_("follow-up findings need last=DATE of the intervention"))


NOTHING_DONE = N_("Nothing was planned or saved: send the corrected line.")


def problems_message(check: QuickCheck) -> Outgoing:
    """Every problem of the line, one a line, and that nothing was planned."""
    return Outgoing(text="⚠ " + "\n⚠ ".join(check.problems) + "\n" + _(NOTHING_DONE))


def start_quick(dialogues: Dialogues, line: str, today: date) -> Turn:
    """Read the line; with a problem, only the problems (no dialogue), else plan or ask what is missing."""
    check = parse_quick(line, today)
    if check.problems:
        return Turn(state=None, messages=[problems_message(check)])
    return dialogues.start(
        "quick", today, answers=check.answers, label=check.label, assumed=check.assumed,
        prefilled=check.given,
    )  # fmt: skip


def _span(bounds: Range, unit: str | None = None) -> str:
    return f"{bounds.low:.15g}-{bounds.high:.15g} {unit_words(unit or bounds.unit)}".rstrip()


def _accepted(question: Question) -> str:
    """A question's accepted values, for /help and the README (from the question itself), as
    typed in the active language (every spelling is read in every language)."""
    if question.kind is Kind.YES_NO:
        return "|".join(typed_value(question, v) for v in ("yes", "no"))
    if question.kind is Kind.CHOICE:
        return "|".join(typed_value(question, c.value) for c in question.choices)
    if question.kind is Kind.NUMBER:
        assert question.bounds is not None
        return _span(question.bounds)
    if question.kind is Kind.QUANTITY:
        if question.default_unit:
            return _span(question.units[question.default_unit])
        spans = pgettext("dialogue list", " or ").join(
            _span(r, u) for u, r in question.units.items()
        )
        return _("with its unit, {ranges}").format(ranges=spans)
    if question.kind is Kind.DATE:
        return _("a past date: 2026-09-01, 01.09.2026, 50d or 7w ago")
    return _("text")


def keys_help() -> list[str]:
    """Every quick-check key (aliases together) with the values it accepts."""
    by_question: dict[str, list[str]] = {}
    for key, qid in KEYS.items():
        by_question.setdefault(qid, []).append(key)
    lines = [f"{'|'.join(keys)}: {_accepted(BY_ID[qid])}" for qid, keys in by_question.items()]
    lines.append(
        _("{key}: the day measured or imaged, a past date (default today)").format(key=ON)
    )
    return lines


def syntax(example: str) -> str:
    """What `/quick` alone answers: the form of the line, an example, and every key with the values
    it accepts (`keys_help`, as /help lists them), so no dialogue is started without a line."""
    assumed = pgettext("dialogue list", ", ").join(_(what) for _v, what, _o in ASSUMED.values())
    return _(
        "A quick check is one line: /quick LABEL key=value ...\n"
        "e.g. {example}\n"
        "Keys and their values:\n"
        "  {keys}\n"
        "Values not given are asked one by one, except these, assumed: {assumed}. "
        "Without a LABEL the plan is shown but not saved."
    ).format(example=example, keys="\n  ".join(keys_help()), assumed=assumed)
