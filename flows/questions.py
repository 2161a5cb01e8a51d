"""Questions declared as data: what is asked, how an answer is read, and when the question applies.

The state machines are generated from these lists (flows.engine), so adding a question is adding an entry
here. Answers are stored as JSON-ready values keyed by question id; flows.case turns them into a planner
case.

Every text here is English marked with `N_()` and said in the clinician's language where it is shown
(`Question.asked`, `Question.name`, `Choice.shown`, ...), never at import: one process speaks English and
Chinese to different clinicians. Values, ids and button data stay English ids, so a dialogue begun in one
language is answered in another. A choice is read by its value, its label in any language, or a synonym
(Chinese words included: 无, 轻度, 完全缓解), whatever the language of the dialogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from babel.dates import format_date
from pydantic import BaseModel, ConfigDict

import lang
from flows import parsing
from flows.parsing import Invalid
from lang import N_, _, pgettext
from lang.formats import BABEL_LOCALES
from planner import ranges
from planner.ranges import Range

Answers = Mapping[str, Any]


class Kind(StrEnum):
    """How an answer is read."""

    CHOICE = "choice"
    YES_NO = "yes_no"
    NUMBER = "number"
    QUANTITY = "quantity"
    DATE = "date"
    LABEL = "label"


class Choice(BaseModel):
    """A button: its short label and the value it sends (kept short: Telegram allows 64 bytes)."""

    model_config = ConfigDict(frozen=True)

    value: str
    label: str
    """English, marked with `N_()`; `shown()` says it in the active language."""

    def shown(self) -> str:
        """The label in the active language (what the button says)."""
        return _(self.label)

    def spellings(self) -> tuple[str, ...]:
        """The label in every language: typing any of them answers, whatever the dialogue's language."""
        return tuple(lang.in_language(code, self.label) for code in lang.LANGUAGES)

    def translated(self) -> Choice:
        """This button with its label in the active language (its value unchanged)."""
        return self.model_copy(update={"label": self.shown()})


YES_NO_CHOICES = (Choice(value="yes", label=N_("Yes")), Choice(value="no", label=N_("No")))
SKIP = Choice(value="/skip", label=N_("Skip"))
MORE = "5+"
"""The count button for five or more nodules: it asks for the number, which the up-to-seven
criterion needs exactly (5 nodules of 2 cm are within it, 6 are not)."""
"""Offered with every optional question, so that a phone need not type /skip."""


class Question(BaseModel):
    """One question of a dialogue."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    id: str
    short: str
    """A few words for the summary and the edit buttons."""
    prompt: str
    help: str
    kind: Kind
    choices: tuple[Choice, ...] = ()
    synonyms: Mapping[str, str] = {}
    bounds: Range | None = None
    integer: bool = False
    units: Mapping[str, Range] = {}
    unit_aliases: Mapping[str, str] = {}
    default_unit: str | None = None
    without_unit: Mapping[str, Range] = {}
    """Where the units' ranges overlap, the one a bare number is offered in (albumin)."""
    optional: bool = False
    when: Callable[[Answers], bool] | None = None
    """The question is asked only when this holds for the answers so far."""
    check: Callable[[Any, Answers], str | None] | None = None
    """Why an answer contradicts the answers so far (it is then asked again), or None."""
    effect: Callable[[Any, Answers], dict[str, Any]] | None = None
    """The answers after this one is accepted, when it sets others too (reusing the latest labs)."""
    detail: Callable[[Answers], str] | None = None
    """Text shown under the prompt that depends on the answers (the date of the latest labs)."""

    def name(self) -> str:
        """The short name in the active language (summary, edit buttons, read-back)."""
        return _(self.short)

    def names(self) -> set[str]:
        """The short name in every language, lower case: typing any of them picks the answer to edit."""
        return {lang.in_language(code, self.short).lower() for code in lang.LANGUAGES}

    def asked(self) -> str:
        """The question in the active language."""
        return _(self.prompt)

    def explained(self) -> str:
        """The help text in the active language."""
        return _(self.help)

    def applies(self, answers: Answers) -> bool:
        """Whether the question is asked, given the answers so far."""
        return self.when is None or self.when(answers)

    def numbers_are_answers(self) -> bool:
        """Whether a typed number is itself an answer here (a count, ECOG 0-4, `he=1` for grade 1-2).

        Such a question's choices are never picked by position, so "1" means the same in the
        dialogue, in the quick check and on the buttons.
        """
        if self.kind in (Kind.NUMBER, Kind.QUANTITY, Kind.DATE):
            return True
        words = [c.value for c in self.choices] + list(self.synonyms)
        return any(any(ch.isdigit() for ch in word) for word in words)

    def buttons(self) -> tuple[Choice, ...]:
        """The choices shown as buttons, with Skip last when the question may be skipped, labelled
        in the active language (their values are ids, the same in every language)."""
        choices = YES_NO_CHOICES if self.kind is Kind.YES_NO else self.choices
        shown = (*choices, SKIP) if self.optional else choices
        return tuple(choice.translated() for choice in shown)

    def parse(self, text: str, answers: Answers, today: date, *, cross_check: bool = True) -> Any:
        """The answer as JSON-ready data; raises `Invalid` with a message for the clinician,
        also when it contradicts an earlier answer (asked again, never guessed). A line read all
        at once (the quick check) checks the findings together afterwards instead."""
        value = self._read(text, answers, today)
        if cross_check and self.check is not None and (why := self.check(value, answers)):
            raise Invalid(why)
        return value

    def _read(self, text: str, answers: Answers, today: date) -> Any:
        if self.kind is Kind.CHOICE:
            pairs = [(c.value, c.spellings()) for c in self.choices]
            # English lists the values (English words themselves); another language its labels.
            shown = None if lang.active() == lang.ENGLISH else [c.shown() for c in self.choices]
            return parsing.parse_choice(text, pairs, self.synonyms, shown)
        if self.kind is Kind.YES_NO:
            return parsing.parse_yes_no(text)
        if self.kind is Kind.NUMBER:
            assert self.bounds is not None
            if self.choices and parsing.fold(text).strip() == MORE:
                raise Invalid(
                    _(
                        "Send the number of nodules (5 or more): the up-to-seven criterion "
                        "needs it exactly."
                    )
                )
            return parsing.parse_number(text, self.bounds, self.integer)
        if self.kind is Kind.QUANTITY:
            return parsing.parse_quantity(
                text, self.units, self.unit_aliases, self.default_unit, self.without_unit
            )
        if self.kind is Kind.DATE:
            after_last = self.id in ("recovered_on", "measured_on")
            earliest = answers.get("last_intervention") if after_last else None
            return parsing.parse_date(
                text, today, date.fromisoformat(earliest) if earliest else None
            )
        return parsing.parse_label(text)

    def show(self, value: Any) -> str:
        """An answer as the clinician would write it, for the summary, in the active language."""
        if value is None:
            return pgettext("answer", "skipped")
        if self.kind is Kind.YES_NO:
            return pgettext("answer", "yes") if value else pgettext("answer", "no")
        if self.kind is Kind.CHOICE:
            return next((c.shown() for c in self.choices if c.value == value), str(value))
        if self.kind is Kind.QUANTITY:
            return f"{value['value']:g} {value['unit']}"
        if self.kind is Kind.NUMBER:
            return f"{value:g}"
        return str(value)


def _is(question_id: str, *values: Any) -> Callable[[Answers], bool]:
    """A condition: the earlier answer to `question_id` is one of `values`."""
    return lambda answers: answers.get(question_id) in values


def _given(question_id: str) -> Callable[[Answers], bool]:
    """A condition: the earlier question was answered, not skipped."""
    return lambda answers: answers.get(question_id) is not None


_BILIRUBIN_ALIASES = {
    "mg/dl": "mg/dL", "mg": "mg/dL", "mgdl": "mg/dL", "mg%": "mg/dL",
    "umol/l": "umol/L", "umol": "umol/L", "µmol/l": "umol/L", "µmol": "umol/L", "mcmol/l": "umol/L",
    "мкмоль/л": "umol/L", "мкмоль": "umol/L", "微摩尔/升": "umol/L", "毫克/分升": "mg/dL",
}  # fmt: skip
_ALBUMIN_ALIASES = {
    "g/l": "g/L", "gl": "g/L", "г/л": "g/L", "g/dl": "g/dL", "gdl": "g/dL",
    "克/升": "g/L", "克/分升": "g/dL",
}  # fmt: skip
_SIZE_ALIASES = {"cm": "cm", "см": "cm", "mm": "mm", "мм": "mm", "厘米": "cm", "毫米": "mm"}

LABEL = Question(
    id="label",
    short=N_("Label"),
    prompt=N_(
        "Patient label? A pseudonym only (e.g. bed7, S-014): never a name or a record number."
    ),
    help=N_(
        "The label lets you find the patient again and lets reminders name them. It is stored with "
        "the plans, so it must not identify the patient: use a bed, study or code number."
    ),
    kind=Kind.LABEL,
)

TUMOUR_TYPE = Question(
    id="tumour_type",
    short=N_("Tumour type"),
    prompt=N_("Tumour type?"),
    help=N_(
        "The protocol was written for hepatocellular carcinoma (HCC). For other tumours the scores "
        "and rules are shown but BCLC and CNLC do not apply."
    ),
    kind=Kind.CHOICE,
    choices=(
        Choice(value="hcc", label="HCC"),
        Choice(value="icc", label=N_("Cholangiocarcinoma")),
        Choice(value="metastasis", label=N_("Metastases")),
        Choice(value="other", label=N_("Other")),
    ),
    synonyms={
        "icc": "icc",
        "cca": "icc",
        "mets": "metastasis",
        "metastases": "metastasis",
        "肝细胞癌": "hcc",
        "胆管癌": "icc",
        "肝内胆管癌": "icc",
        "转移": "metastasis",
        "转移瘤": "metastasis",
        "肝转移": "metastasis",
        "转移性肝癌": "metastasis",
        "其他": "other",
    },
)

COUNT = Question(
    id="count",
    short=N_("Nodules"),
    prompt=N_("How many nodules?"),
    help=N_(
        "The number of tumour nodules on the latest imaging. It decides between super-selective "
        "(three or fewer, P9) and lobar (more than three, P10) placement."
    ),
    kind=Kind.NUMBER,
    bounds=ranges.TUMOUR_COUNT,
    integer=True,
    choices=(
        *(Choice(value=str(n), label=str(n)) for n in range(1, 5)),
        Choice(value=MORE, label="5+"),
    ),
)

SIZE = Question(
    id="largest_cm",
    short=N_("Largest"),
    prompt=N_("Largest nodule diameter, in cm?"),
    help=N_("The longest diameter of the largest nodule, in cm (35 mm is accepted as 3.5 cm)."),
    kind=Kind.QUANTITY,
    units={"cm": ranges.TUMOUR_SIZE_CM},
    unit_aliases=_SIZE_ALIASES,
    default_unit="cm",
)

ABSENT = {"no": "none", "否": "none", "无": "none", "没有": "none"}
"""Words for "none" to "is there any?" (thrombus, ascites, encephalopathy), in English and Chinese
("否" answers that question as "no" does)."""

PVTT = Question(
    id="pvtt",
    short=N_("PV thrombus"),
    prompt=N_("Portal vein tumour thrombus?"),
    help=N_(
        "Japanese Vp grade: Vp1 beyond second-order branches, Vp2 second-order branch, Vp3 "
        "first-order (right or left) branch, Vp4 main trunk or both first-order branches."
    ),
    kind=Kind.CHOICE,
    choices=(
        Choice(value="none", label=N_("None")),
        Choice(value="vp1", label="Vp1"),
        Choice(value="vp2", label="Vp2"),
        Choice(value="vp3", label=N_("Vp3 (right/left)")),
        Choice(value="vp4", label=N_("Vp4 (main trunk)")),
    ),
    synonyms={
        **ABSENT,
        "0": "none",
        "vp3": "vp3",
        "vp4": "vp4",
        "main": "vp4",
        "无癌栓": "none",
        "主干": "vp4",
    },
)

COLLATERALS = Question(
    id="pvtt_collaterals",
    short=N_("Collaterals"),
    prompt=N_("Is there collateral flow around the main-trunk thrombus?"),
    help=N_(
        "A main trunk occluded by thrombus with few collaterals contraindicates TACE (Chinese "
        "guideline); with good collateral flow TACE may still be done."
    ),
    kind=Kind.YES_NO,
    when=_is("pvtt", "vp4"),
)

INFILTRATIVE = Question(
    id="infiltrative",
    short=N_("Infiltrative"),
    prompt=N_("Is the tumour infiltrative (diffuse, ill-defined margins)?"),
    help=N_(
        "An infiltrative or diffuse tumour contraindicates TACE: systemic therapy instead (BCLC "
        "2022)."
    ),
    kind=Kind.YES_NO,
)

BURDEN_70 = Question(
    id="burden_ge_70pct",
    short=N_("Tumour ≥ 70 %"),
    prompt=N_("Does the tumour occupy 70 % or more of the liver?"),
    help=N_(
        "A relative contraindication: staged embolization only if liver function is near normal "
        "(Chinese guideline)."
    ),
    kind=Kind.YES_NO,
    optional=True,
)

OCCLUSION = Question(
    id="pvtt_occlusion",
    short=N_("Trunk occlusion"),
    prompt=N_("Does the thrombus occlude the main trunk completely or partially?"),
    help=N_(
        "Without collaterals, a completely occluded main trunk contraindicates TACE; a partial "
        "occlusion does not (small doses, super-selective) (Chinese guideline)."
    ),
    kind=Kind.CHOICE,
    choices=(
        Choice(value="complete", label=N_("Complete")),
        Choice(value="partial", label=N_("Partial")),
    ),
    synonyms={
        "完全": "complete",
        "完全闭塞": "complete",
        "部分": "partial",
        "部分闭塞": "partial",
    },
    optional=True,
    when=lambda answers: answers.get("pvtt") == "vp4" and answers.get("pvtt_collaterals") is False,
)

EXTRAHEPATIC = Question(
    id="extrahepatic",
    short=N_("Extrahepatic"),
    prompt=N_("Extrahepatic spread?"),
    help=N_(
        "Any metastasis outside the liver (lymph nodes, lung, bone, ...). It makes BCLC stage C."
    ),
    kind=Kind.YES_NO,
)

AFP = Question(
    id="afp",
    short="AFP",
    prompt=N_("AFP, ng/mL?"),
    help=N_(
        "Alpha-fetoprotein, for the HAP prognostic score before TACE (above 400 ng/mL scores)."
    ),
    kind=Kind.NUMBER,
    bounds=ranges.AFP,
    optional=True,
    when=_is("tumour_type", "hcc"),
)

BILIRUBIN = Question(
    id="bilirubin",
    short=N_("Bilirubin"),
    prompt=N_("Total bilirubin, with its unit? (e.g. 21 umol/L or 1.2 mg/dL)"),
    help=N_("Total serum bilirubin. Child-Pugh is scored with the table of the unit you give."),
    kind=Kind.QUANTITY,
    units={str(u): r for u, r in ranges.BILIRUBIN.items()},
    unit_aliases=_BILIRUBIN_ALIASES,
)

ALBUMIN = Question(
    id="albumin",
    short=N_("Albumin"),
    prompt=N_("Albumin, with its unit? (e.g. 38 g/L or 3.8 g/dL)"),
    help=N_("Serum albumin, used by Child-Pugh and ALBI."),
    kind=Kind.QUANTITY,
    units={str(u): r for u, r in ranges.ALBUMIN.items()},
    unit_aliases=_ALBUMIN_ALIASES,
    without_unit={str(u): r for u, r in ranges.ALBUMIN_WITHOUT_UNIT.items()},
)

INR = Question(
    id="inr",
    short="INR",
    prompt=N_("INR?"),
    help=N_("International normalised ratio of prothrombin time (no unit)."),
    kind=Kind.NUMBER,
    bounds=ranges.INR,
)

PLATELETS = Question(
    id="platelets",
    short=N_("Platelets"),
    prompt=N_("Platelets, x10^9/L?"),
    help=N_(
        "Below 50 x10^9/L: transfuse before the procedure (SIR 2019); with white cells below 3.0, a "
        "relative contraindication (Chinese guideline)."
    ),
    kind=Kind.NUMBER,
    bounds=ranges.PLATELETS,
    optional=True,
)

WBC = Question(
    id="wbc",
    short=N_("White cells"),
    prompt=N_("White cells, x10^9/L?"),
    help=N_(
        "Below 3.0 with platelets below 50: a relative contraindication unless due to "
        "hypersplenism (Chinese guideline)."
    ),
    kind=Kind.NUMBER,
    bounds=ranges.WBC,
    optional=True,
)

ASCITES = Question(
    id="ascites",
    short=N_("Ascites"),
    prompt=N_("Ascites?"),
    help=N_("Mild: slight, easily controlled. Moderate-severe: poorly controlled or refractory."),
    kind=Kind.CHOICE,
    choices=(
        Choice(value="none", label=N_("None")),
        Choice(value="mild", label=N_("Mild")),
        Choice(value="moderate_severe", label=N_("Moderate-severe")),
    ),
    synonyms={
        **ABSENT,
        "moderate": "moderate_severe",
        "severe": "moderate_severe",
        "轻度": "mild",
        "少量": "mild",
        "中重度": "moderate_severe",
        "中度": "moderate_severe",
        "重度": "moderate_severe",
        "大量": "moderate_severe",
    },
)

ENCEPHALOPATHY = Question(
    id="encephalopathy",
    short=N_("Encephalopathy"),
    prompt=N_("Hepatic encephalopathy?"),
    help=N_("West Haven grade: 1-2 mild (confusion, asterixis), 3-4 severe (somnolence to coma)."),
    kind=Kind.CHOICE,
    choices=(
        Choice(value="none", label=N_("None")),
        Choice(value="grade_1_2", label=N_("Grade 1-2")),
        Choice(value="grade_3_4", label=N_("Grade 3-4")),
    ),
    synonyms={
        **ABSENT,
        "1": "grade_1_2",
        "2": "grade_1_2",
        "3": "grade_3_4",
        "4": "grade_3_4",
        # Chinese: 无, and the West Haven grades as a Chinese chart writes them (1-2 级, 3～4 级)
        **{f"{g}{sp}级": "grade_1_2" for g in ("1", "2", "1-2", "1~2") for sp in ("", " ")},
        **{f"{g}{sp}级": "grade_3_4" for g in ("3", "4", "3-4", "3~4") for sp in ("", " ")},
        "1-2": "grade_1_2",
        "1~2": "grade_1_2",
        "3-4": "grade_3_4",
        "3~4": "grade_3_4",
    },
)

AST = Question(
    id="ast",
    short="AST",
    prompt=N_("AST, U/L?"),
    help=N_(
        "Aspartate aminotransferase, for the ART score before the second TACE (a rise of more than "
        "25 % scores 4)."
    ),
    kind=Kind.NUMBER,
    bounds=ranges.AST,
    optional=True,
)

CREATININE = Question(
    id="creatinine",
    short=N_("Creatinine"),
    prompt=N_("Creatinine, with its unit? (e.g. 80 umol/L or 0.9 mg/dL)"),
    help=N_(
        "Serum creatinine: above 2 mg/dL (177 umol/L) contraindicates TACE, and MELD needs it."
    ),
    kind=Kind.QUANTITY,
    units={"umol/L": ranges.CREATININE["umol/L"], "mg/dL": ranges.CREATININE["mg/dL"]},  # type: ignore[index]
    unit_aliases=_BILIRUBIN_ALIASES,
    optional=True,
)

SODIUM = Question(
    id="sodium",
    short=N_("Sodium"),
    prompt=N_("Sodium, mmol/L?"),
    help=N_("Serum sodium, for MELD-Na (applied when MELD is above 11)."),
    kind=Kind.NUMBER,
    bounds=ranges.SODIUM,
    optional=True,
    when=_given("creatinine"),
)

DIALYSIS = Question(
    id="dialysis",
    short=N_("Dialysis"),
    prompt=N_("Dialysis twice or more in the last week?"),
    help=N_(
        "Dialysis counts as renal insufficiency (contraindicates TACE) and sets creatinine to 4.0 "
        "in MELD."
    ),
    kind=Kind.YES_NO,
    optional=True,
)

AGE = Question(
    id="age",
    short=N_("Age"),
    prompt=N_("Age, in years?"),
    help=N_("Age decides the elderly rule (P2: plain ultra-selective chemo-embolization)."),
    kind=Kind.NUMBER,
    bounds=ranges.AGE,
    integer=True,
)

SEX = Question(
    id="sex",
    short=N_("Sex"),
    prompt=N_("Sex (for the creatinine clearance)?"),
    help=N_(
        "Cockcroft-Gault clearance (below 30 mL/min contraindicates TACE) needs sex and weight."
    ),
    kind=Kind.CHOICE,
    choices=(Choice(value="female", label=N_("Female")), Choice(value="male", label=N_("Male"))),
    synonyms={
        "f": "female",
        "m": "male",
        "woman": "female",
        "man": "male",
        "女": "female",
        "女性": "female",
        "男": "male",
        "男性": "male",
    },
    optional=True,
    when=_given("creatinine"),
)

WEIGHT = Question(
    id="weight_kg",
    short=N_("Weight"),
    prompt=N_("Weight, in kg?"),
    help=N_("Actual body weight, for the Cockcroft-Gault creatinine clearance."),
    kind=Kind.QUANTITY,
    units={"kg": ranges.WEIGHT_KG},
    unit_aliases={"kg": "kg", "кг": "kg", "公斤": "kg", "千克": "kg"},
    default_unit="kg",
    optional=True,
    when=_given("creatinine"),
)

ECOG = Question(
    id="ecog",
    short="ECOG",
    prompt=N_("ECOG performance status?"),
    help=N_(
        "0 fully active; 1 restricted in strenuous activity, walks; 2 self-care, up more than half "
        "the day, cannot work; 3 limited self-care, in bed or chair more than half the day; 4 completely "
        "disabled."
    ),
    kind=Kind.CHOICE,
    choices=(
        Choice(value="0", label=N_("0 fully active")),
        Choice(value="1", label=N_("1 light work only")),
        Choice(value="2", label=N_("2 self-care, no work")),
        Choice(value="3", label=N_("3 bed/chair >50%")),
        Choice(value="4", label=N_("4 bedbound")),
    ),
    synonyms={
        f"{score}分": str(score) for score in range(5)
    },  # ECOG 1 分, as a Chinese chart writes it
)

EARLIER = Question(
    id="earlier",
    short=N_("Prior treatment"),
    prompt=N_("Has the patient had an earlier TACE or other intervention?"),
    help=N_(
        "After an intervention, follow-up imaging decides what comes next (P4) and the window "
        "for the next one is 50 days to 3 months (P5, P6)."
    ),
    kind=Kind.YES_NO,
)

LAST = Question(
    id="last_intervention",
    short=N_("Last treatment"),
    prompt=N_("Date of the last intervention? (2026-09-01, 01.09.2026, or 50d / 7w ago)"),
    help=N_("The day of the last TACE or ablation."),
    kind=Kind.DATE,
    when=_is("earlier", True),
)

RECOVERED = Question(
    id="recovered_on",
    short=N_("Recovered on"),
    prompt=N_("Date the patient recovered from it? (/skip if not yet, or unknown)"),
    help=N_(
        "Post-embolization symptoms gone and liver tests back to the pre-intervention level. The "
        "next intervention is at least 3 weeks after it (P6)."
    ),
    kind=Kind.DATE,
    optional=True,
    when=_is("earlier", True),
)

SESSIONS = Question(
    id="sessions",
    short=N_("TACE sessions"),
    prompt=N_("How many TACE sessions so far, the last one included?"),
    help=N_(
        "Before the second TACE the ART score decides whether to go on; refractoriness counts "
        "consecutive sessions."
    ),
    kind=Kind.NUMBER,
    bounds=ranges.SESSIONS,
    integer=True,
    optional=True,
    when=_is("earlier", True),
)

IMAGED = Question(
    id="imaged",
    short=N_("Imaging done"),
    prompt=N_("Has follow-up imaging (CT or MRI) been done since?"),
    help=N_("Its findings decide between hold, ethanol injection and a new TACE (P3, P4, P7)."),
    kind=Kind.YES_NO,
    when=_is("earlier", True),
)

_after_imaging = _is("imaged", True)

CR_BUT = {
    ("new_lesions",): N_(
        "CR means no viable tumour and no new lesion, but new lesions were reported"
    ),
    ("progression",): N_(
        "CR means no viable tumour and no new lesion, but progression was reported"
    ),
    ("new_lesions", "progression"): N_(
        "CR means no viable tumour and no new lesion, but new lesions and progression were reported"
    ),
}
"""mRECIST (safety-and-course.md section 6): a new lesion or progression is PD, never CR; one
whole sentence for each set of findings reported (Chinese orders the words differently)."""
CR_AGAINST = {
    "new_lesions": N_("CR means no viable tumour and no new lesion, but a new lesion is PD"),
    "progression": N_("CR means no viable tumour and no new lesion, but progression is PD"),
}
"""A finding answered yes after CR was given: why the two cannot both be right."""


def ask_again(why: str) -> str:
    """A contradiction, and how to resolve it: the answer is asked again, never guessed."""
    return _(
        "{why}: which is right? Answer again, or /back to correct the earlier answer."
    ).format(why=why)


def _cr_against(finding: str) -> Callable[[Any, Answers], str | None]:
    """A check for a yes/no finding: yes contradicts a complete response given earlier."""

    def check(value: Any, answers: Answers) -> str | None:
        if value is True and answers.get("response") == "cr":
            return ask_again(_(CR_AGAINST[finding]))
        return None

    return check


def _response_against_findings(value: Any, answers: Answers) -> str | None:
    """CR contradicts new lesions or progression given earlier."""
    why = contradiction({**answers, "response": value})
    return ask_again(why) if why else None


def contradiction(answers: Answers) -> str | None:
    """Why the findings contradict each other, or None (CR with new lesions or progression)."""
    if answers.get("response") != "cr":
        return None
    found = tuple(k for k in ("new_lesions", "progression") if answers.get(k) is True)
    return _(CR_BUT[found]) if found else None


LIPIODOL = Question(
    id="lipiodol",
    short=N_("Lipiodol"),
    prompt=N_("Lipiodol deposition in the lesion?"),
    help=N_(
        "Dense: compact over the lesion. Dense with a marginal defect: dense but a small part of "
        "the margin without deposition (P3). Sparse: patchy or little."
    ),
    kind=Kind.CHOICE,
    choices=(
        Choice(value="dense", label=N_("Dense")),
        Choice(value="dense_marginal_defect", label=N_("Dense, marginal defect")),
        Choice(value="sparse", label=N_("Sparse")),
        Choice(value="none", label=N_("None (beads or bland)")),
    ),
    synonyms={
        "defect": "dense_marginal_defect",
        "marginal": "dense_marginal_defect",
        "beads": "none",
        "deb": "none",
        "bland": "none",
        "致密": "dense",
        "致密沉积": "dense",
        "边缘缺损": "dense_marginal_defect",
        "致密伴边缘缺损": "dense_marginal_defect",
        "稀疏": "sparse",
        "稀疏沉积": "sparse",
        "无": "none",
        "无沉积": "none",
        "微球": "none",
        "单纯栓塞": "none",
    },
    when=_after_imaging,
)

NECROSIS = Question(
    id="necrosis",
    short=N_("Necrosis"),
    prompt=N_("Tumour necrosis on imaging?"),
    help=N_("Non-enhancing tumour where lipiodol deposited."),
    kind=Kind.YES_NO,
    when=_after_imaging,
)

NEW_LESIONS = Question(
    id="new_lesions",
    short=N_("New lesions"),
    prompt=N_("New lesions?"),
    help=N_("Any new intrahepatic nodule since the last intervention."),
    kind=Kind.YES_NO,
    when=_after_imaging,
    check=_cr_against("new_lesions"),
)

PROGRESSION = Question(
    id="progression",
    short=N_("Progression"),
    prompt=N_("Progression of the treated lesions?"),
    help=N_("Growth of viable (enhancing) tumour (mRECIST: >= 20 % increase)."),
    kind=Kind.YES_NO,
    when=_after_imaging,
    check=_cr_against("progression"),
)

RESPONSE = Question(
    id="response",
    short="mRECIST",
    prompt=N_("mRECIST response, as the radiologist reads it?"),
    help=N_(
        "CR no enhancing tumour; PR viable sum down 30 % or more; PD up 20 % over the smallest sum "
        "or a new lesion; SD otherwise. With no lipiodol (beads, bland) it decides."
    ),
    kind=Kind.CHOICE,
    choices=(
        Choice(value="cr", label="CR"),
        Choice(value="pr", label="PR"),
        Choice(value="sd", label="SD"),
        Choice(value="pd", label="PD"),
    ),
    synonyms={
        "complete": "cr",
        "partial": "pr",
        "stable": "sd",
        "progressive": "pd",
        "完全缓解": "cr",
        "部分缓解": "pr",
        "疾病稳定": "sd",
        "稳定": "sd",
        "疾病进展": "pd",
        "进展": "pd",
    },
    optional=True,
    when=_after_imaging,
    check=_response_against_findings,
)

VIABLE_SUM = Question(
    id="viable_sum_mm",
    short=N_("Viable sum"),
    prompt=N_("Sum of the viable (enhancing) diameters of the target lesions, in mm?"),
    help=N_(
        "mRECIST from the sums: with the baseline and the smallest sum so far (nadir), liverbot "
        "reads the response itself. Asked when the category was skipped."
    ),
    kind=Kind.NUMBER,
    bounds=ranges.VIABLE_SUM_MM,
    optional=True,
    when=lambda answers: answers.get("imaged") is True and answers.get("response") is None,
)

NADIR = Question(
    id="nadir_viable_sum_mm",
    short=N_("Nadir viable sum"),
    prompt=N_("Smallest viable sum so far (the nadir), in mm?"),
    help=N_(
        "Progression by mRECIST is a rise of 20 % over the nadir. With sessions recorded, liverbot "
        "takes it from the earlier follow-ups."
    ),
    kind=Kind.NUMBER,
    bounds=ranges.VIABLE_SUM_MM,
    optional=True,
    when=lambda answers: (
        answers.get("imaged") is True
        and answers.get("viable_sum_mm") is not None
        and not (answers.get("course") or {}).get("nadir_viable_sum_mm")
    ),
)

VIABLE_OVER_50 = Question(
    id="viable_over_50pct",
    short=N_("Over 50 % viable"),
    prompt=N_("Is more than 50 % of the treated tumour still viable?"),
    help=N_(
        "An insufficient response (JSH 2014): two follow-ups in a row make the tumour TACE-refractory."
    ),
    kind=Kind.YES_NO,
    optional=True,
    when=_after_imaging,
)

HISTORY_QUESTIONS = (
    LAST, RECOVERED, SESSIONS, IMAGED, LIPIODOL, NECROSIS, NEW_LESIONS, PROGRESSION, RESPONSE,
    VIABLE_SUM, NADIR, VIABLE_OVER_50,
)  # fmt: skip

COURSE_FLOOR = "course_floor"
"""The answer holding the day of the patient's latest entry (`bot.course.out_of_order`)."""


def _in_date_order(value: Any, answers: Answers) -> str | None:
    """The imaging day may not come before the course's latest entry (date order)."""
    floor = answers.get(COURSE_FLOOR)
    if isinstance(value, str) and isinstance(floor, str) and value < floor:
        return _(
            "That is before the latest entry of the course ({day}): enter the course in date order."
        ).format(day=floor)
    return None


IMAGED_ON = Question(
    id="measured_on",
    short=N_("Imaging day"),
    prompt=N_("Date of the follow-up imaging? (/skip if today)"),
    help=N_(
        "The day the imaging was done and the labs were taken: a follow-up entered late keeps "
        "its own day, and the course reads what came before it."
    ),
    kind=Kind.DATE,
    optional=True,
    when=_after_imaging,
    check=_in_date_order,
)

FOLLOWUP_LABS = (BILIRUBIN, ALBUMIN, INR, ASCITES, ENCEPHALOPATHY, AST, CREATININE, PLATELETS)
"""The labs a follow-up asks (issue 12): creatinine and platelets optional."""
LAB_IDS = (*(q.id for q in FOLLOWUP_LABS), "sodium", "dialysis", "wbc", "afp")
"""Every laboratory answer: reused together, or asked again together (AFP, not asked at follow-up,
is then missing rather than carried over unseen)."""


def _latest_labs_words(answers: Answers) -> str:
    latest = answers.get("latest_labs") or {}
    values = latest.get("values") or {}
    shown = pgettext("dialogue list", ", ").join(
        f"{BY_ID[k].name()} {BY_ID[k].show(v)}" for k, v in values.items() if k in BY_ID
    )
    day = latest.get("on")
    on = date.fromisoformat(day) if day else None
    # TRANSLATORS: a Babel (CLDR) date pattern for the day the latest labs were measured:
    # "d MMM yyyy" is 31 Oct 2026; Chinese writes "yyyy年M月d日".
    pattern = _("d MMM yyyy")
    when = (
        format_date(on, pattern, locale=BABEL_LOCALES[lang.active()])
        if on
        else _("an earlier day")
    )
    return _("Latest, as on {day}: {values}.").format(day=when, values=shown)


def _reuse_labs(value: Any, answers: Answers) -> dict[str, Any]:
    """Reuse: the latest lab answers come in, and the labs not measured then count as skipped
    (not asked one by one after "reuse"); new: any reused before are dropped, to be asked."""
    kept = {k: v for k, v in answers.items() if k not in LAB_IDS}
    if value == "reuse":
        kept.update(dict.fromkeys((q.id for q in FOLLOWUP_LABS if q.optional), None))
        kept.update((answers.get("latest_labs") or {}).get("values") or {})
    return kept


def _labs_after_the_last_intervention(answers: Answers) -> bool:
    """Whether the latest labs may be offered for reuse: only labs measured after the last
    intervention are post-intervention labs. Labs of that day or before are the pre-TACE ones:
    reused, the ART score would compare the baseline with itself (safety-and-course.md section
    4), so they are asked instead."""
    latest = answers.get("latest_labs")
    if not isinstance(latest, dict) or not isinstance(latest.get("on"), str):
        return False
    last = answers.get("last_intervention")
    return not isinstance(last, str) or latest["on"] > last


LABS = Question(
    id="labs",
    short=N_("Labs"),
    prompt=N_("Labs for this follow-up: reuse the latest, or enter today's?"),
    help=N_("Reusing shows the date they were measured; a plan is only as current as its labs."),
    kind=Kind.CHOICE,
    choices=(
        Choice(value="reuse", label=N_("Reuse latest")),
        Choice(value="new", label=N_("Enter new")),
    ),
    synonyms={
        "latest": "reuse",
        "same": "reuse",
        "enter": "new",
        "today": "new",
        "沿用": "reuse",
        "复用": "reuse",
        "重新输入": "new",
        "今天": "new",
    },
    when=_labs_after_the_last_intervention,
    effect=_reuse_labs,
    detail=_latest_labs_words,
)

FOLLOWUP_QUESTIONS = (
    LAST, SESSIONS, IMAGED, IMAGED_ON, LIPIODOL, NECROSIS, NEW_LESIONS, PROGRESSION, RESPONSE, VIABLE_SUM,
    NADIR, VIABLE_OVER_50, LABS, *FOLLOWUP_LABS, RECOVERED,
)  # fmt: skip
"""What a follow-up asks (issue 12): the findings, the current labs, the recovery date. The last
intervention and the session count are asked only when no session is recorded."""

INTAKE_QUESTIONS: tuple[Question, ...] = (
    LABEL, AGE, ECOG, TUMOUR_TYPE, COUNT, SIZE, INFILTRATIVE, BURDEN_70, PVTT, COLLATERALS,
    OCCLUSION, EXTRAHEPATIC, AFP, BILIRUBIN, ALBUMIN, INR, PLATELETS, WBC, ASCITES, ENCEPHALOPATHY,
    AST, CREATININE, SODIUM, DIALYSIS, SEX, WEIGHT, EARLIER, *HISTORY_QUESTIONS,
)  # fmt: skip
"""In the order asked: the patient (age, ECOG) before the tumour and the labs, as a clinician
presents a case; each question after the label is headed with the patient's label."""

BY_ID: dict[str, Question] = {q.id: q for q in (*INTAKE_QUESTIONS, LABS, IMAGED_ON)}


ASSUMED = {
    "tumour_type": ("hcc", N_("tumour type HCC"), ("type", ("icc", "metastasis", "other"))),
    "extrahepatic": (False, N_("no extrahepatic spread"), ("ehs", ("yes",))),
    "infiltrative": (False, N_("not infiltrative"), ("infiltrative", ("yes",))),
    "dialysis": (False, N_("no dialysis"), ("dialysis", ("yes",))),
}
"""What an absent key is taken to be: the value, what that means (English, marked), and the
quick-check key with the values that say otherwise. A quick check keeps the question ids it assumed
(`QuickCheck.assumed`, stored with the dialogue) and words them when the plan is shown
(`assumed_words`)."""


ENGLISH_ID = re.compile(r"[a-z]{3,}")
"""A choice's value that is an English word (`none`, `grade_1_2`, `moderate_severe`), which a clinician
writing another language would not type; `vp3` and ECOG `1` are typed as they are in every language."""


ONE_WORD = re.compile(r"[\w~～-]+")


def typed_value(question: Question, value: str) -> str:
    """How a choice is best typed after `key=` in the active language: in English its value; in
    another, yes and no as that language answers (是, 否), and a value that is an English word as
    that language's label without spaces (`ascites=轻度`, `he=1～2级`) or its first own synonym,
    whichever reads back as the value (`response=CR`); else the value itself (`vp3`, ECOG `1`)."""
    if lang.active() == lang.ENGLISH:
        return value
    if question.kind is Kind.YES_NO:
        return pgettext("answer", "yes") if value == "yes" else pgettext("answer", "no")
    if any(ch.isdigit() for ch in value) and not ENGLISH_ID.search(value):
        return value  # vp3, ECOG 1: the same in every language
    label = next((c.shown() for c in question.choices if c.value == value), "").replace(" ", "")
    own = (w for w, v in question.synonyms.items() if v == value and not w.isascii())
    # a label with punctuation (致密，边缘缺损) is a phrase, not a word to type after `key=`
    for word in (label if ONE_WORD.fullmatch(label) else "", *own):
        if word and _reads_as(question, word, value):
            return word
    return value


def _reads_as(question: Question, word: str, value: str) -> bool:
    try:
        return bool(question.parse(word, {}, date.min, cross_check=False) == value)
    except parsing.Invalid:
        return False


def assumed_words(assumed: str) -> str:
    """`tumour type HCC (add type=icc|metastasis|other otherwise)`: an assumption, in the active
    language (`type=胆管癌|转移|其他`). A dialogue stored before assumptions were kept as ids holds
    the English words: as is."""
    if assumed not in ASSUMED:
        return assumed
    _value, what, (key, values) = ASSUMED[assumed]
    typed = "|".join(typed_value(BY_ID[assumed], v) for v in values)
    return _("{assumed} (add {key_value} otherwise)").format(
        assumed=_(what), key_value=f"{key}={typed}"
    )


def parse_answer(
    question: Question, text: str, answers: Answers, today: date, *, cross_check: bool = True
) -> Any:
    """Parse with the question's reader; anything unexpected becomes `Invalid`, never a crash."""
    try:
        return question.parse(text, answers, today, cross_check=cross_check)
    except Invalid:
        raise
    except (
        ValueError,
        ArithmeticError,
        KeyError,
        TypeError,
    ) as exc:  # defensive: keep the dialogue
        raise Invalid(_("That answer could not be read.")) from exc
