"""The case a clinician describes and the plan the planner returns.

The field names are those of the JSON contract of `liverbot plan` (docs/plan-json.md): scripts depend on them.
Every number is checked against its plausible range (planner.ranges) so that a slip fails loudly, naming the
field, instead of producing a confident plan from a typo. Unknown keys are refused for the same reason: a
misspelt "albumine" must not silently become "albumin missing".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, ParamSpec, Self, TypeVar, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StrictBool,
    StrictFloat,
    StrictInt,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass as validated
from pydantic_core import (
    CoreSchema,
    PydanticCustomError,
    SchemaSerializer,
    SchemaValidator,
    core_schema,
)

from planner import ranges
from planner.ranges import Range
from planner.said import Said, saying, to_json, worded_by
from planner.units import AlbuminUnit, BilirubinUnit, CreatinineUnit, Labs


def _check(value: float, bounds: Range) -> float:
    """Raise the clinician-facing range message when the value is implausible."""
    if not bounds.contains(value):
        # The bounds ride along so that a channel can say the message in its reader's language.
        raise PydanticCustomError("out_of_range", bounds.describe(), _context(bounds))
    return value


def _context(bounds: Range) -> dict[str, Any]:
    """The bounds carried by an `out_of_range` error, so a channel can word it in its reader's language."""
    return {"low": bounds.low, "high": bounds.high, "unit": bounds.unit}


@dataclass(frozen=True, slots=True)
class bounded:
    """Keeps a number within `bounds`: `Annotated[StrictFloat, bounded(ranges.INR)]`.

    pydantic-core checks the bounds itself, after the strict type (a string is still "a valid
    number", not out of range), and reports `out_of_range` with the clinician-facing message: no
    Python call per field, for a case carries a dozen of them (issue 9's budget of 150 µs per plan).
    NaN and infinities are out of range, as they were when this was a Python check.
    """

    bounds: Range

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """The strict number, then the bounds with the project's error."""
        typed = handler(source)
        low, high = self.bounds.low, self.bounds.high
        within: CoreSchema
        if typed["type"] == "int":
            within = core_schema.int_schema(ge=math.ceil(low), le=math.floor(high))
        else:
            within = core_schema.float_schema(ge=low, le=high, allow_inf_nan=False)
        return core_schema.chain_schema(
            [
                typed,
                core_schema.custom_error_schema(
                    within,
                    custom_error_type="out_of_range",
                    custom_error_message=self.bounds.describe(),
                    custom_error_context=_context(self.bounds),
                ),
            ]
        )


_INPUT = ConfigDict(extra="forbid")
"""The input models' config: unknown keys are errors (numbers may not be strings: Strict types)."""


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(model: type[Any]) -> TypeAdapter[Any]:
    """The serializer of an input model (made once per model, when a model is first dumped)."""
    found = _ADAPTERS.get(model)
    if found is None:
        found = _ADAPTERS[model] = TypeAdapter(model)
    return found


class _Strict:
    """Base of the input models, which are pydantic dataclasses (frozen, slotted, `_INPUT`).

    Dataclasses rather than `BaseModel`s: pydantic-core validates them as strictly, but reading a
    field of a `BaseModel` goes through its `__getattr__` hook, at three times the cost of a slot,
    and the planner reads the case's fields a few hundred times per plan (issue 9's budget of
    150 µs per plan: 7% of it).
    """

    __slots__ = ()
    __pydantic_validator__: ClassVar[SchemaValidator]
    """Set on each model by the `validated` decorator."""

    @classmethod
    def model_validate(
        cls, obj: Any, *, strict: bool | None = None, context: Any | None = None
    ) -> Self:
        """`obj` (a dict, as JSON gives it) validated into this model, as `BaseModel.model_validate`.

        Raises:
            ValidationError: naming the field at fault, as for a `BaseModel`.
        """
        validator = cls.__pydantic_validator__
        made: Self = (
            validator.validate_python(obj)  # the usual call: keywords cost a dict in Rust
            if strict is None and context is None
            else validator.validate_python(obj, strict=strict, context=context)
        )
        return made

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Self:
        """JSON text validated into this model, as `BaseModel.model_validate_json`."""
        made: Self = cls.__pydantic_validator__.validate_json(data)
        return made

    def model_dump(self, *, mode: Literal["json", "python"] = "python") -> dict[str, Any]:
        """The model as a dict (`mode="json"`: JSON-ready), as `BaseModel.model_dump`."""
        dumped: dict[str, Any] = _adapter(type(self)).dump_python(self, mode=mode)
        return dumped


class TumourType(StrEnum):
    """Tumour types the contract knows; BCLC and CNLC stage HCC only."""

    HCC = "hcc"
    ICC = "icc"
    METASTASIS = "metastasis"
    OTHER = "other"


class Pvtt(StrEnum):
    """Portal vein tumour thrombus, Japanese Vp grade (guidelines.md section 9)."""

    NONE = "none"
    VP1 = "vp1"
    VP2 = "vp2"
    VP3 = "vp3"
    VP4 = "vp4"


class Ascites(StrEnum):
    """Ascites as Child-Pugh grades it."""

    NONE = "none"
    MILD = "mild"
    MODERATE_SEVERE = "moderate_severe"


class Encephalopathy(StrEnum):
    """Hepatic encephalopathy as Child-Pugh grades it."""

    NONE = "none"
    GRADE_1_2 = "grade_1_2"
    GRADE_3_4 = "grade_3_4"


class Lipiodol(StrEnum):
    """Lipiodol deposition on follow-up imaging after a TACE (protocol P3, P7).

    `none`: no lipiodol was used (drug-eluting beads, bland embolization): P3 and P7 do not apply and the
    mRECIST response decides (safety-and-course.md section 6).
    """

    DENSE = "dense"
    DENSE_MARGINAL_DEFECT = "dense_marginal_defect"
    SPARSE = "sparse"
    NONE = "none"


class Sex(StrEnum):
    """Sex at birth, as creatinine clearance and eGFR use it."""

    FEMALE = "female"
    MALE = "male"


class PvttOcclusion(StrEnum):
    """How far a main-trunk (vp4) thrombus occludes the trunk (Chinese guideline: only complete occlusion
    with few collaterals contraindicates TACE)."""

    COMPLETE = "complete"
    PARTIAL = "partial"


class Response(StrEnum):
    """mRECIST response category (Lencioni and Llovet, Semin Liver Dis 2010)."""

    CR = "cr"
    PR = "pr"
    SD = "sd"
    PD = "pd"


@validated(frozen=True, slots=True, kw_only=True, config=_INPUT)
class _Measured(_Strict):
    """A laboratory value with its unit; the range depends on the unit, so it is checked here.

    `unit` is declared before `value` in each subclass so that it is validated first and can be read here.
    """

    RANGES: ClassVar[Mapping[Any, Range]] = {}

    @field_validator("value", check_fields=False)
    @classmethod
    def _in_range(cls, value: float, info: ValidationInfo) -> float:
        unit = info.data.get("unit")
        if unit in cls.RANGES:
            _check(value, cls.RANGES[unit])
        return value


@validated(frozen=True, slots=True, kw_only=True, config=_INPUT)
class Bilirubin(_Measured):
    """Total bilirubin."""

    RANGES: ClassVar[Mapping[Any, Range]] = ranges.BILIRUBIN
    unit: BilirubinUnit
    value: StrictFloat


@validated(frozen=True, slots=True, kw_only=True, config=_INPUT)
class Albumin(_Measured):
    """Serum albumin."""

    RANGES: ClassVar[Mapping[Any, Range]] = ranges.ALBUMIN
    unit: AlbuminUnit
    value: StrictFloat


@validated(frozen=True, slots=True, kw_only=True, config=_INPUT)
class Creatinine(_Measured):
    """Serum creatinine."""

    RANGES: ClassVar[Mapping[Any, Range]] = ranges.CREATININE
    unit: CreatinineUnit
    value: StrictFloat


@validated(frozen=True, slots=True, kw_only=True, config=_INPUT)
class Tumour(_Strict):
    """What imaging shows of the tumour."""

    type: TumourType
    count: Annotated[StrictInt, bounded(ranges.TUMOUR_COUNT)]
    largest_cm: Annotated[StrictFloat, bounded(ranges.TUMOUR_SIZE_CM)]
    infiltrative: StrictBool = False
    pvtt: Pvtt
    pvtt_collaterals: StrictBool | None = None
    extrahepatic: StrictBool
    pvtt_occlusion: PvttOcclusion | None = None
    burden_ge_70pct: StrictBool | None = None
    afp: Annotated[StrictFloat, bounded(ranges.AFP)] | None = None


@validated(frozen=True, slots=True, kw_only=True, config=_INPUT)
class Liver(_Strict):
    """Liver function: the Child-Pugh items plus what MELD and the blood count need."""

    bilirubin: Bilirubin
    albumin: Albumin
    inr: Annotated[StrictFloat, bounded(ranges.INR)]
    ascites: Ascites
    encephalopathy: Encephalopathy
    creatinine: Creatinine | None = None
    sodium: Annotated[StrictFloat, bounded(ranges.SODIUM)] | None = None
    dialysis: StrictBool | None = None
    platelets: Annotated[StrictFloat, bounded(ranges.PLATELETS)] | None = None
    wbc: Annotated[StrictFloat, bounded(ranges.WBC)] | None = None
    ast: Annotated[StrictFloat, bounded(ranges.AST)] | None = None

    def labs(self) -> Labs:
        """The bilirubin and albumin converted to every unit a score reads them in."""
        bilirubin, albumin = self.bilirubin, self.albumin
        return Labs.of(bilirubin.value, bilirubin.unit, albumin.value, albumin.unit)


@validated(frozen=True, slots=True, kw_only=True, config=_INPUT)
class Followup(_Strict):
    """Findings of the follow-up imaging after the last intervention.

    All four are required: a finding left out is not the same as a finding that is absent, and P7 (hold)
    depends on every one of them.
    """

    lipiodol: Lipiodol
    necrosis: StrictBool
    new_lesions: StrictBool
    progression: StrictBool
    response: Response | None = None
    viable_sum_mm: Annotated[StrictFloat, bounded(ranges.VIABLE_SUM_MM)] | None = None
    nadir_viable_sum_mm: Annotated[StrictFloat, bounded(ranges.VIABLE_SUM_MM)] | None = None
    viable_over_50pct: StrictBool | None = None
    imaged_on: date | None = None
    """The day of the imaging; a hold's re-imaging is counted from it (the plan's day when absent)."""


@validated(frozen=True, slots=True, kw_only=True, config=_INPUT)
class Baseline(_Strict):
    """Values before the first TACE: what the ART score, refractoriness and mRECIST compare against."""

    child_pugh_points: Annotated[StrictInt, bounded(ranges.CHILD_PUGH_POINTS)] | None = None
    ast: Annotated[StrictFloat, bounded(ranges.AST)] | None = None
    pvtt: Pvtt | None = None
    extrahepatic: StrictBool | None = None
    viable_sum_mm: Annotated[StrictFloat, bounded(ranges.BASELINE_VIABLE_SUM_MM)] | None = None


@validated(frozen=True, slots=True, kw_only=True, config=_INPUT)
class History(_Strict):
    """The last intervention, when there was one, and the course before it (version 2)."""

    last_intervention: date
    recovered_on: date | None = None
    followup: Followup | None = None
    sessions: Annotated[StrictInt, bounded(ranges.SESSIONS)] | None = None
    baseline: Baseline | None = None
    previous_followups: list[Followup] = field(default_factory=list)
    # The standard library's `field`, not pydantic's `Field(...)`: pydantic would not apply the
    # class's kw_only to it and would validate it first, saying its errors before those above.

    @model_validator(mode="after")
    def _dates_after_intervention(self) -> History:
        imaged = self.followup.imaged_on if self.followup else None
        for name, when in (("recovered_on", self.recovered_on), ("followup.imaged_on", imaged)):
            if when is not None and when < self.last_intervention:
                raise PydanticCustomError(
                    "date_order",
                    "must not be before last_intervention ({last})",
                    {"field": name, "last": self.last_intervention.isoformat()},
                )
        return self


@validated(frozen=True, slots=True, kw_only=True, config=_INPUT)
class Case(_Strict):
    """One patient as the contract describes it."""

    today: date | None = None
    age: Annotated[StrictInt, bounded(ranges.AGE)]
    ecog: Annotated[StrictInt, bounded(ranges.ECOG)]
    sex: Sex | None = None
    weight_kg: Annotated[StrictFloat, bounded(ranges.WEIGHT_KG)] | None = None
    tumour: Tumour
    liver: Liver
    history: History | None = None

    @model_validator(mode="after")
    def _history_not_in_future(self) -> Case:
        if self.today is None or self.history is None:
            return self
        followup = self.history.followup
        for name, when in (
            ("last_intervention", self.history.last_intervention),
            ("recovered_on", self.history.recovered_on),
            ("followup.imaged_on", followup.imaged_on if followup else None),
        ):
            if when is not None and when > self.today:
                raise PydanticCustomError(
                    "future_date",
                    "{when} is after today ({today})",
                    {
                        "field": f"history.{name}",
                        "when": when.isoformat(),
                        "today": self.today.isoformat(),
                    },
                )
        return self


# ---------------------------------------------------------------------------------------------------------
# The plan


class Decision(StrEnum):
    """What the planner recommends (contract: `decision`)."""

    TACE = "tace"
    SIMPLE_TACE = "simple_tace"
    ETHANOL_INJECTION = "ethanol_injection"
    HOLD = "hold"
    NO_TACE = "no_tace"


class Approach(StrEnum):
    """Where the microcatheter goes (P9 per tumour, P10 lobar)."""

    SUPERSELECTIVE = "superselective"
    LOBAR = "lobar"


# The members the planner compares on every plan, as module names: `tumour.type is HCC`. On Python
# 3.11 reading a member off its class (`TumourType.HCC`) goes through the enum metaclass's
# `__getattr__` hook, at six times the cost of a module name, and a plan did it some fifty times (4 %
# of issue 9's budget of 150 µs per plan). Python 3.12 drops the hook; these names can go with 3.11.
HCC = TumourType.HCC
NO_PVTT = Pvtt.NONE
VP4 = Pvtt.VP4
NO_ASCITES = Ascites.NONE
ASCITES_MILD = Ascites.MILD
ASCITES_MODERATE_SEVERE = Ascites.MODERATE_SEVERE
NO_ENCEPHALOPATHY = Encephalopathy.NONE
ENCEPHALOPATHY_1_2 = Encephalopathy.GRADE_1_2
ENCEPHALOPATHY_3_4 = Encephalopathy.GRADE_3_4
TACE = Decision.TACE
SIMPLE_TACE = Decision.SIMPLE_TACE
ETHANOL_INJECTION = Decision.ETHANOL_INJECTION
HOLD = Decision.HOLD
NO_TACE = Decision.NO_TACE
SUPERSELECTIVE = Approach.SUPERSELECTIVE
LOBAR = Approach.LOBAR


# The parts of a plan are slotted dataclasses: the planner builds about fifteen per plan (and again for
# each flag's re-plan), each at a fifth of a pydantic model's cost (issue 9's budget of 150 µs per
# plan). Not frozen: a frozen dataclass sets every field through object.__setattr__, which doubles
# that cost; the plan holding them is frozen and nothing changes a part once built. Pydantic still
# validates them when a stored plan is read back (`Plan.model_validate`) and serialises them by
# alias (`class`).
#
# The planner builds its records (these parts and its own working records) by position, each
# argument a name, or an attribute, named as its field: on Python 3.11 a class called with keywords
# packs them into a dict and unpacks it again, twice the cost of positions, and a plan builds some
# thirty records (6 % of issue 9's budget). Where a value has no such name a comment gives the field.


class _Out(BaseModel):
    """Base of the plan model: frozen, serialised by alias."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)

    def model_dump_json(self, **options: Any) -> str:
        """As pydantic's; without options, straight to pydantic-core's serialiser, whose defaults
        are pydantic's. Pydantic's Python method passes its fifteen defaults by keyword, and that
        cost 1 % of issue 9's budget of 150 µs per plan: every plan `liverbot plan` prints.

        Inside `worded(say)`, the serialiser is the one whose sentences `say` words directly
        (`_worded_serializer`)."""
        if options:
            return super().model_dump_json(**options)
        say = saying()
        if say is to_json:
            return self.__pydantic_serializer__.to_json(self).decode()
        return _worded_serializer(type(self), say).to_json(self.__dict__).decode()


_WORDED: dict[tuple[type[BaseModel], Callable[[Said], Any]], SchemaSerializer] = {}
"""The worded serialiser of each model, by the function that words its sentences."""


def _worded_serializer(model: type[BaseModel], say: Callable[[Said], Any]) -> SchemaSerializer:
    """A serialiser of `model`'s fields (its `__dict__`) whose sentences `say` words itself.

    Made once per model and `say` from the model's own core schema (`planner.said.worded_by`). It
    serialises the fields as a typed dict: for a model schema pydantic-core would take the model's
    own, prebuilt, serialiser instead of the copy. The property tests hold its JSON to pydantic's
    own method's, in both languages, on every plan they make.
    """
    found = _WORDED.get((model, say))
    if found is None:
        schema = model.__pydantic_core_schema__
        if schema["type"] != "model" or schema["schema"]["type"] != "model-fields":
            raise TypeError(
                f"{model.__name__}: a model whose fields are a plain model-fields schema"
            )
        fields = worded_by(schema["schema"]["fields"], say)
        typed = {  # a model field and a typed-dict field differ in their type and `frozen`
            name: cast(
                core_schema.TypedDictField,
                {key: value for key, value in spec.items() if key != "frozen"}
                | {"type": "typed-dict-field"},
            )
            for name, spec in fields.items()
        }
        found = _WORDED[(model, say)] = SchemaSerializer(
            core_schema.typed_dict_schema(typed), schema.get("config")
        )
    return found


_Fields = ParamSpec("_Fields")
_Model = TypeVar("_Model", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def unvalidated(model: Callable[_Fields, _Model]) -> Callable[_Fields, _Model]:
    """`model`'s constructor without pydantic's validation, for what the planner built itself.

    Validation is for what comes from outside: a case, or a plan read back from the store (which
    `Plan.model_validate` still checks). The planner's own parts are typed, and mypy checks every
    field of the call against the model, as for the constructor itself; the property tests hold
    that every plan made this way validates, strictly, as the model it claims to be. Validating
    the planner's own plan again cost 3% of issue 9's budget of 150 µs per plan.

    Every field is passed, by name (defaults are not filled in), in the model's order: the keys of
    its JSON are in the order given, which the property tests check on every plan they make.
    """
    cls = cast(type[_Model], model)
    names = frozenset(cls.model_fields)
    count = len(names)

    def build(*args: _Fields.args, **fields: _Fields.kwargs) -> _Model:
        if args or len(fields) != count:
            raise TypeError(f"{cls.__name__}: every field by name, and only those")
        made = _new(cls)
        _set(made, "__dict__", fields)
        _set(made, "__pydantic_fields_set__", set(names))
        _set(made, "__pydantic_extra__", None)
        _set(made, "__pydantic_private__", None)
        return made

    return build


@dataclass(slots=True)
class ChildPughItems:
    """Points per Child-Pugh item, so the total can be checked by eye."""

    bilirubin: int
    albumin: int
    inr: int
    ascites: int
    encephalopathy: int


@dataclass(slots=True)
class ChildPughResult:
    """Child-Pugh points and class."""

    points: int
    class_: Annotated[Literal["A", "B", "C"], Field(alias="class")]
    items: ChildPughItems


@dataclass(slots=True)
class AlbiResult:
    """ALBI score (rounded for display), grade from the unrounded score, and mALBI grade."""

    score: float
    grade: Literal[1, 2, 3]
    malbi: Literal["1", "2a", "2b", "3"]


@dataclass(slots=True)
class MeldResult:
    """MELD detail: the contract's `meld` is `meld_na` when sodium was given, else `meld`."""

    meld: int
    meld_na: int | None
    dialysis_or_capped: bool


@dataclass(slots=True)
class TumourBurden:
    """Up-to-seven and six-and-twelve, both largest (cm) + number of tumours."""

    sum: float
    within_up_to_seven: bool
    six_and_twelve: Literal["low", "intermediate", "high"]


WindowStatus = Literal["not_yet_open", "open", "closed", "impossible"]


@dataclass(slots=True)
class Window:
    """The next-intervention window (P5, P6) and where today falls in it."""

    earliest: date
    latest: date
    status: WindowStatus


@dataclass(slots=True)
class Alternative:
    """A treatment offered beside the decision (safety-and-course.md section 7); ids are fixed."""

    id: str
    text: Said


@dataclass(slots=True)
class TransplantCriteria:
    """Which transplant criteria the tumour meets (Milan, UCSF, up-to-seven)."""

    milan: bool
    ucsf: bool
    up_to_seven: bool


@dataclass(slots=True)
class ArtResult:
    """ART score before the second TACE (Sieghart et al., Hepatology 2013) and its parts."""

    score: float
    stop: bool


@dataclass(slots=True)
class RuleUse:
    """One protocol rule that shaped the plan, with the reason it applied here."""

    id: str
    reason: Said


class Plan(_Out):
    """The plan: the contract's keys first, then what the project adds.

    Its sentences are codes with parameters (`planner.said`): `lang.plan_words` words them in the
    reader's language, and `liverbot plan` renders them into the contract's text fields.
    """

    child_pugh: ChildPughResult
    albi: AlbiResult
    meld: int | None
    bclc: Literal["0", "A", "B", "C", "D"] | None
    decision: Decision
    approach: Approach | None
    window: Window | None
    rules: list[str]
    contraindications: list[str]
    missing: list[str]
    flags: list[Said]
    before_procedure: list[Said]
    checklist: list[Said]
    alternatives: list[Alternative]
    conditional: Said | None
    transplant: TransplantCriteria | None
    response: Response | None
    art: ArtResult | None
    art_parts: dict[str, float] | None
    refractory: bool | None
    hap: Literal["A", "B", "C", "D"] | None
    crcl: float | None
    egfr: float | None
    response_computed: bool
    response_corrected: bool = False
    contraindication_findings: dict[str, Said]
    provisional: bool
    meld_detail: MeldResult | None
    cnlc: str | None
    tumour_burden: TumourBurden
    reasons: list[RuleUse]
    cautions: list[Said]
    stage_advice: Said | None
    technique: list[Said]
    notes: list[Said]
    today: date
    disclaimer: Said
    planner_version: str
