"""Questions declared as data: what is asked, how an answer is read, and when the question applies.

The state machines are generated from these lists (flows.engine), so adding a question is adding an entry
here. Answers are stored as JSON-ready values keyed by question id; flows.case turns them into a planner
case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from flows import parsing
from flows.parsing import Invalid
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


YES_NO_CHOICES = (Choice(value="yes", label="Yes"), Choice(value="no", label="No"))
SKIP = Choice(value="/skip", label="Skip")
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
        """The choices shown as buttons, with Skip last when the question may be skipped."""
        choices = YES_NO_CHOICES if self.kind is Kind.YES_NO else self.choices
        return (*choices, SKIP) if self.optional else choices

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
            pairs = [(c.value, c.label) for c in self.choices]
            return parsing.parse_choice(text, pairs, self.synonyms)
        if self.kind is Kind.YES_NO:
            return parsing.parse_yes_no(text)
        if self.kind is Kind.NUMBER:
            assert self.bounds is not None
            if self.choices and text.strip() == MORE:
                raise Invalid("Send the number of nodules (5 or more): the up-to-seven criterion "
                              "needs it exactly.")  # fmt: skip
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
        """An answer as the clinician would write it, for the summary."""
        if value is None:
            return "skipped"
        if self.kind is Kind.YES_NO:
            return "yes" if value else "no"
        if self.kind is Kind.CHOICE:
            return next((c.label for c in self.choices if c.value == value), str(value))
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
    "мкмоль/л": "umol/L", "мкмоль": "umol/L",
}  # fmt: skip
_ALBUMIN_ALIASES = {"g/l": "g/L", "gl": "g/L", "г/л": "g/L", "g/dl": "g/dL", "gdl": "g/dL"}
_SIZE_ALIASES = {"cm": "cm", "см": "cm", "mm": "mm", "мм": "mm"}

LABEL = Question(
    id="label",
    short="Label",
    prompt="Patient label? A pseudonym only (e.g. bed7, S-014): never a name or a record number.",
    help="The label lets you find the patient again and lets reminders name them. It is stored with "
    "the plans, so it must not identify the patient: use a bed, study or code number.",
    kind=Kind.LABEL,
)

TUMOUR_TYPE = Question(
    id="tumour_type",
    short="Tumour type",
    prompt="Tumour type?",
    help="The protocol was written for hepatocellular carcinoma (HCC). For other tumours the scores "
    "and rules are shown but BCLC and CNLC do not apply.",
    kind=Kind.CHOICE,
    choices=(
        Choice(value="hcc", label="HCC"),
        Choice(value="icc", label="Cholangiocarcinoma"),
        Choice(value="metastasis", label="Metastases"),
        Choice(value="other", label="Other"),
    ),
    synonyms={"icc": "icc", "cca": "icc", "mets": "metastasis", "metastases": "metastasis"},
)

COUNT = Question(
    id="count",
    short="Nodules",
    prompt="How many nodules?",
    help="The number of tumour nodules on the latest imaging. It decides between super-selective "
    "(three or fewer, P9) and lobar (more than three, P10) placement.",
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
    short="Largest",
    prompt="Largest nodule diameter, in cm?",
    help="The longest diameter of the largest nodule, in cm (35 mm is accepted as 3.5 cm).",
    kind=Kind.QUANTITY,
    units={"cm": ranges.TUMOUR_SIZE_CM},
    unit_aliases=_SIZE_ALIASES,
    default_unit="cm",
)

PVTT = Question(
    id="pvtt",
    short="PV thrombus",
    prompt="Portal vein tumour thrombus?",
    help="Japanese Vp grade: Vp1 beyond second-order branches, Vp2 second-order branch, Vp3 "
    "first-order (right or left) branch, Vp4 main trunk or both first-order branches.",
    kind=Kind.CHOICE,
    choices=(
        Choice(value="none", label="None"),
        Choice(value="vp1", label="Vp1"),
        Choice(value="vp2", label="Vp2"),
        Choice(value="vp3", label="Vp3 (right/left)"),
        Choice(value="vp4", label="Vp4 (main trunk)"),
    ),
    synonyms={"no": "none", "0": "none", "vp3": "vp3", "vp4": "vp4", "main": "vp4"},
)

COLLATERALS = Question(
    id="pvtt_collaterals",
    short="Collaterals",
    prompt="Is there collateral flow around the main-trunk thrombus?",
    help="A main trunk occluded by thrombus with few collaterals contraindicates TACE (Chinese "
    "guideline); with good collateral flow TACE may still be done.",
    kind=Kind.YES_NO,
    when=_is("pvtt", "vp4"),
)

INFILTRATIVE = Question(
    id="infiltrative",
    short="Infiltrative",
    prompt="Is the tumour infiltrative (diffuse, ill-defined margins)?",
    help="An infiltrative or diffuse tumour contraindicates TACE: systemic therapy instead (BCLC "
    "2022).",
    kind=Kind.YES_NO,
)

BURDEN_70 = Question(
    id="burden_ge_70pct",
    short="Tumour ≥ 70 %",
    prompt="Does the tumour occupy 70 % or more of the liver?",
    help="A relative contraindication: staged embolization only if liver function is near normal "
    "(Chinese guideline).",
    kind=Kind.YES_NO,
    optional=True,
)

OCCLUSION = Question(
    id="pvtt_occlusion",
    short="Trunk occlusion",
    prompt="Does the thrombus occlude the main trunk completely or partially?",
    help="Without collaterals, a completely occluded main trunk contraindicates TACE; a partial "
    "occlusion does not (small doses, super-selective) (Chinese guideline).",
    kind=Kind.CHOICE,
    choices=(
        Choice(value="complete", label="Complete"),
        Choice(value="partial", label="Partial"),
    ),
    optional=True,
    when=lambda answers: answers.get("pvtt") == "vp4" and answers.get("pvtt_collaterals") is False,
)

EXTRAHEPATIC = Question(
    id="extrahepatic",
    short="Extrahepatic",
    prompt="Extrahepatic spread?",
    help="Any metastasis outside the liver (lymph nodes, lung, bone, ...). It makes BCLC stage C.",
    kind=Kind.YES_NO,
)

AFP = Question(
    id="afp",
    short="AFP",
    prompt="AFP, ng/mL?",
    help="Alpha-fetoprotein, for the HAP prognostic score before TACE (above 400 ng/mL scores).",
    kind=Kind.NUMBER,
    bounds=ranges.AFP,
    optional=True,
    when=_is("tumour_type", "hcc"),
)

BILIRUBIN = Question(
    id="bilirubin",
    short="Bilirubin",
    prompt="Total bilirubin, with its unit? (e.g. 21 umol/L or 1.2 mg/dL)",
    help="Total serum bilirubin. Child-Pugh is scored with the table of the unit you give.",
    kind=Kind.QUANTITY,
    units={str(u): r for u, r in ranges.BILIRUBIN.items()},
    unit_aliases=_BILIRUBIN_ALIASES,
)

ALBUMIN = Question(
    id="albumin",
    short="Albumin",
    prompt="Albumin, with its unit? (e.g. 38 g/L or 3.8 g/dL)",
    help="Serum albumin, used by Child-Pugh and ALBI.",
    kind=Kind.QUANTITY,
    units={str(u): r for u, r in ranges.ALBUMIN.items()},
    unit_aliases=_ALBUMIN_ALIASES,
    without_unit={str(u): r for u, r in ranges.ALBUMIN_WITHOUT_UNIT.items()},
)

INR = Question(
    id="inr",
    short="INR",
    prompt="INR?",
    help="International normalised ratio of prothrombin time (no unit).",
    kind=Kind.NUMBER,
    bounds=ranges.INR,
)

PLATELETS = Question(
    id="platelets",
    short="Platelets",
    prompt="Platelets, x10^9/L?",
    help="Below 50 x10^9/L: transfuse before the procedure (SIR 2019); with white cells below 3.0, a "
    "relative contraindication (Chinese guideline).",
    kind=Kind.NUMBER,
    bounds=ranges.PLATELETS,
    optional=True,
)

WBC = Question(
    id="wbc",
    short="White cells",
    prompt="White cells, x10^9/L?",
    help="Below 3.0 with platelets below 50: a relative contraindication unless due to "
    "hypersplenism (Chinese guideline).",
    kind=Kind.NUMBER,
    bounds=ranges.WBC,
    optional=True,
)

ASCITES = Question(
    id="ascites",
    short="Ascites",
    prompt="Ascites?",
    help="Mild: slight, easily controlled. Moderate-severe: poorly controlled or refractory.",
    kind=Kind.CHOICE,
    choices=(
        Choice(value="none", label="None"),
        Choice(value="mild", label="Mild"),
        Choice(value="moderate_severe", label="Moderate-severe"),
    ),
    synonyms={"no": "none", "moderate": "moderate_severe", "severe": "moderate_severe"},
)

ENCEPHALOPATHY = Question(
    id="encephalopathy",
    short="Encephalopathy",
    prompt="Hepatic encephalopathy?",
    help="West Haven grade: 1-2 mild (confusion, asterixis), 3-4 severe (somnolence to coma).",
    kind=Kind.CHOICE,
    choices=(
        Choice(value="none", label="None"),
        Choice(value="grade_1_2", label="Grade 1-2"),
        Choice(value="grade_3_4", label="Grade 3-4"),
    ),
    synonyms={
        "no": "none",
        "1": "grade_1_2",
        "2": "grade_1_2",
        "3": "grade_3_4",
        "4": "grade_3_4",
    },
)

AST = Question(
    id="ast",
    short="AST",
    prompt="AST, U/L?",
    help="Aspartate aminotransferase, for the ART score before the second TACE (a rise of more than "
    "25 % scores 4).",
    kind=Kind.NUMBER,
    bounds=ranges.AST,
    optional=True,
)

CREATININE = Question(
    id="creatinine",
    short="Creatinine",
    prompt="Creatinine, with its unit? (e.g. 80 umol/L or 0.9 mg/dL)",
    help="Serum creatinine: above 2 mg/dL (177 umol/L) contraindicates TACE, and MELD needs it.",
    kind=Kind.QUANTITY,
    units={"umol/L": ranges.CREATININE["umol/L"], "mg/dL": ranges.CREATININE["mg/dL"]},  # type: ignore[index]
    unit_aliases=_BILIRUBIN_ALIASES,
    optional=True,
)

SODIUM = Question(
    id="sodium",
    short="Sodium",
    prompt="Sodium, mmol/L?",
    help="Serum sodium, for MELD-Na (applied when MELD is above 11).",
    kind=Kind.NUMBER,
    bounds=ranges.SODIUM,
    optional=True,
    when=_given("creatinine"),
)

DIALYSIS = Question(
    id="dialysis",
    short="Dialysis",
    prompt="Dialysis twice or more in the last week?",
    help="Dialysis counts as renal insufficiency (contraindicates TACE) and sets creatinine to 4.0 "
    "in MELD.",
    kind=Kind.YES_NO,
    optional=True,
)

AGE = Question(
    id="age",
    short="Age",
    prompt="Age, in years?",
    help="Age decides the elderly rule (P2: plain ultra-selective chemo-embolization).",
    kind=Kind.NUMBER,
    bounds=ranges.AGE,
    integer=True,
)

SEX = Question(
    id="sex",
    short="Sex",
    prompt="Sex (for the creatinine clearance)?",
    help="Cockcroft-Gault clearance (below 30 mL/min contraindicates TACE) needs sex and weight.",
    kind=Kind.CHOICE,
    choices=(Choice(value="female", label="Female"), Choice(value="male", label="Male")),
    synonyms={"f": "female", "m": "male", "woman": "female", "man": "male"},
    optional=True,
    when=_given("creatinine"),
)

WEIGHT = Question(
    id="weight_kg",
    short="Weight",
    prompt="Weight, in kg?",
    help="Actual body weight, for the Cockcroft-Gault creatinine clearance.",
    kind=Kind.QUANTITY,
    units={"kg": ranges.WEIGHT_KG},
    unit_aliases={"kg": "kg", "кг": "kg"},
    default_unit="kg",
    optional=True,
    when=_given("creatinine"),
)

ECOG = Question(
    id="ecog",
    short="ECOG",
    prompt="ECOG performance status?",
    help="0 fully active; 1 restricted in strenuous activity, walks; 2 self-care, up more than half "
    "the day, cannot work; 3 limited self-care, in bed or chair more than half the day; 4 completely "
    "disabled.",
    kind=Kind.CHOICE,
    choices=(
        Choice(value="0", label="0 fully active"),
        Choice(value="1", label="1 light work only"),
        Choice(value="2", label="2 self-care, no work"),
        Choice(value="3", label="3 bed/chair >50%"),
        Choice(value="4", label="4 bedbound"),
    ),
)

EARLIER = Question(
    id="earlier",
    short="Prior treatment",
    prompt="Has the patient had an earlier TACE or other intervention?",
    help="After an intervention, follow-up imaging decides what comes next (P4) and the window "
    "for the next one is 50 days to 3 months (P5, P6).",
    kind=Kind.YES_NO,
)

LAST = Question(
    id="last_intervention",
    short="Last treatment",
    prompt="Date of the last intervention? (2026-09-01, 01.09.2026, or 50d / 7w ago)",
    help="The day of the last TACE or ablation.",
    kind=Kind.DATE,
    when=_is("earlier", True),
)

RECOVERED = Question(
    id="recovered_on",
    short="Recovered on",
    prompt="Date the patient recovered from it? (/skip if not yet, or unknown)",
    help="Post-embolization symptoms gone and liver tests back to the pre-intervention level. The "
    "next intervention is at least 3 weeks after it (P6).",
    kind=Kind.DATE,
    optional=True,
    when=_is("earlier", True),
)

SESSIONS = Question(
    id="sessions",
    short="TACE sessions",
    prompt="How many TACE sessions so far, the last one included?",
    help="Before the second TACE the ART score decides whether to go on; refractoriness counts "
    "consecutive sessions.",
    kind=Kind.NUMBER,
    bounds=ranges.SESSIONS,
    integer=True,
    optional=True,
    when=_is("earlier", True),
)

IMAGED = Question(
    id="imaged",
    short="Imaging done",
    prompt="Has follow-up imaging (CT or MRI) been done since?",
    help="Its findings decide between hold, ethanol injection and a new TACE (P3, P4, P7).",
    kind=Kind.YES_NO,
    when=_is("earlier", True),
)

_after_imaging = _is("imaged", True)

CONTRADICTION = "CR means no viable tumour and no new lesion, but {what}"
ASK_AGAIN = ": which is right? Answer again, or /back to correct the earlier answer."
"""mRECIST (safety-and-course.md section 6): a new lesion or progression is PD, never CR."""


def _cr_against(what: str) -> Callable[[Any, Answers], str | None]:
    """A check for a yes/no finding: yes contradicts a complete response given earlier."""

    def check(value: Any, answers: Answers) -> str | None:
        if value is True and answers.get("response") == "cr":
            return CONTRADICTION.format(what=what) + ASK_AGAIN
        return None

    return check


def _response_against_findings(value: Any, answers: Answers) -> str | None:
    """CR contradicts new lesions or progression given earlier."""
    why = contradiction({**answers, "response": value})
    return why + ASK_AGAIN if why else None


def contradiction(answers: Answers) -> str | None:
    """Why the findings contradict each other, or None (CR with new lesions or progression)."""
    if answers.get("response") != "cr":
        return None
    found = [w for k, w in (("new_lesions", "new lesions"), ("progression", "progression"))
             if answers.get(k) is True]  # fmt: skip
    return CONTRADICTION.format(what=f"{' and '.join(found)} were reported") if found else None


LIPIODOL = Question(
    id="lipiodol",
    short="Lipiodol",
    prompt="Lipiodol deposition in the lesion?",
    help="Dense: compact over the lesion. Dense with a marginal defect: dense but a small part of "
    "the margin without deposition (P3). Sparse: patchy or little.",
    kind=Kind.CHOICE,
    choices=(
        Choice(value="dense", label="Dense"),
        Choice(value="dense_marginal_defect", label="Dense, marginal defect"),
        Choice(value="sparse", label="Sparse"),
        Choice(value="none", label="None (beads or bland)"),
    ),
    synonyms={
        "defect": "dense_marginal_defect",
        "marginal": "dense_marginal_defect",
        "beads": "none",
        "deb": "none",
        "bland": "none",
    },
    when=_after_imaging,
)

NECROSIS = Question(
    id="necrosis",
    short="Necrosis",
    prompt="Tumour necrosis on imaging?",
    help="Non-enhancing tumour where lipiodol deposited.",
    kind=Kind.YES_NO,
    when=_after_imaging,
)

NEW_LESIONS = Question(
    id="new_lesions",
    short="New lesions",
    prompt="New lesions?",
    help="Any new intrahepatic nodule since the last intervention.",
    kind=Kind.YES_NO,
    when=_after_imaging,
    check=_cr_against("a new lesion is PD"),
)

PROGRESSION = Question(
    id="progression",
    short="Progression",
    prompt="Progression of the treated lesions?",
    help="Growth of viable (enhancing) tumour (mRECIST: >= 20 % increase).",
    kind=Kind.YES_NO,
    when=_after_imaging,
    check=_cr_against("progression is PD"),
)

RESPONSE = Question(
    id="response",
    short="mRECIST",
    prompt="mRECIST response, as the radiologist reads it?",
    help="CR no enhancing tumour; PR viable sum down 30 % or more; PD up 20 % over the smallest sum "
    "or a new lesion; SD otherwise. With no lipiodol (beads, bland) it decides.",
    kind=Kind.CHOICE,
    choices=(
        Choice(value="cr", label="CR"),
        Choice(value="pr", label="PR"),
        Choice(value="sd", label="SD"),
        Choice(value="pd", label="PD"),
    ),
    synonyms={"complete": "cr", "partial": "pr", "stable": "sd", "progressive": "pd"},
    optional=True,
    when=_after_imaging,
    check=_response_against_findings,
)

VIABLE_SUM = Question(
    id="viable_sum_mm",
    short="Viable sum",
    prompt="Sum of the viable (enhancing) diameters of the target lesions, in mm?",
    help="mRECIST from the sums: with the baseline and the smallest sum so far (nadir), liverbot "
    "reads the response itself. Asked when the category was skipped.",
    kind=Kind.NUMBER,
    bounds=ranges.VIABLE_SUM_MM,
    optional=True,
    when=lambda answers: answers.get("imaged") is True and answers.get("response") is None,
)

NADIR = Question(
    id="nadir_viable_sum_mm",
    short="Nadir viable sum",
    prompt="Smallest viable sum so far (the nadir), in mm?",
    help="Progression by mRECIST is a rise of 20 % over the nadir. With sessions recorded, liverbot "
    "takes it from the earlier follow-ups.",
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
    short="Over 50 % viable",
    prompt="Is more than 50 % of the treated tumour still viable?",
    help="An insufficient response (JSH 2014): two follow-ups in a row make the tumour TACE-refractory.",
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
        return (f"That is before the latest entry of the course ({floor}): enter the course in "
                "date order.")  # fmt: skip
    return None


IMAGED_ON = Question(
    id="measured_on",
    short="Imaging day",
    prompt="Date of the follow-up imaging? (/skip if today)",
    help="The day the imaging was done and the labs were taken: a follow-up entered late keeps "
    "its own day, and the course reads what came before it.",
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
    shown = ", ".join(
        f"{BY_ID[k].short} {BY_ID[k].show(v)}" for k, v in values.items() if k in BY_ID
    )
    day = latest.get("on")
    on = date.fromisoformat(day) if day else None
    when = f"{on.day} {on:%b %Y}" if on else "an earlier day"
    return f"Latest, as on {when}: {shown}."


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
    short="Labs",
    prompt="Labs for this follow-up: reuse the latest, or enter today's?",
    help="Reusing shows the date they were measured; a plan is only as current as its labs.",
    kind=Kind.CHOICE,
    choices=(Choice(value="reuse", label="Reuse latest"), Choice(value="new", label="Enter new")),
    synonyms={"latest": "reuse", "same": "reuse", "enter": "new", "today": "new"},
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
        raise Invalid("That answer could not be read.") from exc
