"""What a clinician sees when an answer or a quick-check line is read: each behaviour, both sides.

Written from the mutation run over flows/ (`make mutate`): every test here fails on a plausible slip in
the parsers (a boundary moved, a message lost, a spelling no longer accepted) that the rest of the
suite let through.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from flows.case import question_for_error
from flows.parsing import (
    Invalid,
    label_warning,
    parse_choice,
    parse_date,
    parse_label,
    parse_number,
    parse_quantity,
    parse_yes_no,
)
from flows.questions import BY_ID
from flows.quick import KEYS, nearest, parse_quick, problems_message
from flows.readback import READ, read_back
from flows.render import Section, layout_text, plan_layout
from planner import Case, plan_case
from planner.ranges import Range

TODAY = date(2026, 9, 20)
ALBUMIN_UNITS = {"g/dL": Range(1.0, 7.0, "g/dL"), "g/L": Range(10.0, 70.0, "g/L")}
ALBUMIN_ALIASES = {"g/dl": "g/dL", "g/l": "g/L", "gl": "g/L"}
SIZE_UNITS = {"cm": Range(0.1, 30.0, "cm")}
SIZE_ALIASES = {"cm": "cm", "mm": "mm"}
BILIRUBIN_UNITS = {"umol/L": Range(1.0, 800.0, "umol/L")}
BILIRUBIN_ALIASES = {"µmol/l": "umol/L", "umol/l": "umol/L"}


def message(exc: pytest.ExceptionInfo[Invalid]) -> str:
    return str(exc.value)


# Numbers ---------------------------------------------------------------------------------------


def test_a_decimal_number_is_kept_unless_a_whole_number_is_asked() -> None:
    assert parse_number("2.5", Range(0.0, 10.0, "")) == 2.5
    with pytest.raises(Invalid, match="whole number"):
        parse_number("2.5", Range(0.0, 10.0, ""), integer=True)


@pytest.mark.parametrize(
    ("bounds", "integer", "example"),
    [
        (Range(0, 100, "years"), True, "50"),
        (Range(0, 5, "sessions"), True, "2"),
        (Range(18, 110, "years"), True, "64"),
        (Range(0.5, 3.0, "mg/dL"), False, "1.8"),
        (Range(1.0, 3.0, "mg/dL"), False, "2"),
    ],
)
def test_the_example_of_a_refused_number_lies_in_the_middle_of_its_range(
    bounds: Range, integer: bool, example: str
) -> None:
    with pytest.raises(Invalid) as exc:
        parse_number("abc", bounds, integer=integer)
    assert message(exc) == f"Send a number, e.g. {example}."
    if integer:
        with pytest.raises(Invalid) as whole:
            parse_number("2.5", bounds, integer=True)
        assert message(whole) == f"Send a whole number, e.g. {example}."


@pytest.mark.parametrize(
    ("typed", "question_id", "example"),
    [
        ("80 U/L", "ast", "45"),
        ("lots", "platelets", "120"),
        ("1,2,3", "afp", "20"),
        ("x", "inr", "1.1"),
        ("two", "count", "2"),
    ],
)
def test_the_example_of_a_refused_number_is_a_value_a_clinician_would_type(
    typed: str, question_id: str, example: str
) -> None:
    """AST typed with its unit was refused with `e.g. 2500.5`, the middle of a range wide enough
    to catch slips: the example is the range's typical value."""
    with pytest.raises(Invalid) as exc:
        BY_ID[question_id].parse(typed, {}, date(2026, 12, 1))
    assert message(exc).endswith(f"e.g. {example}.")


def test_every_number_question_has_a_typical_value_within_its_range() -> None:
    numbers = [q for q in BY_ID.values() if q.bounds is not None]
    assert numbers
    for question in numbers:
        bounds = question.bounds
        assert bounds is not None
        assert bounds.typical is not None, question.id
        assert bounds.contains(bounds.typical), question.id
        assert not question.integer or float(bounds.typical).is_integer(), question.id


def test_an_answer_of_two_hundred_characters_is_read_and_a_longer_one_refused_unread() -> None:
    assert parse_label("a" * 32 + " " * 168) == "a" * 32
    with pytest.raises(Invalid) as exc:
        parse_label("a" * 32 + " " * 169)
    assert message(exc) == "That answer is too long (201 characters)."
    with pytest.raises(Invalid) as empty:
        parse_label("   ")
    assert message(empty) == "The answer is empty."


# Quantities ------------------------------------------------------------------------------------


def test_a_quantity_without_a_number_names_the_units_accepted() -> None:
    with pytest.raises(Invalid) as exc:
        parse_quantity("lots", ALBUMIN_UNITS, ALBUMIN_ALIASES)
    assert message(exc) == "Send a number with its unit (g/dL or g/L)."


def test_a_unit_written_with_spaces_or_a_greek_mu_is_read() -> None:
    assert parse_quantity("38 g / L", ALBUMIN_UNITS, ALBUMIN_ALIASES) == {
        "value": 38.0,
        "unit": "g/L",
    }
    # U+03BC (Greek mu, from a phone keyboard) is the micro sign U+00B5 of the alias.
    assert parse_quantity("21 \u03bcmol/L", BILIRUBIN_UNITS, BILIRUBIN_ALIASES)["unit"] == "umol/L"
    assert parse_quantity("21 \u039cMOL/L", BILIRUBIN_UNITS, BILIRUBIN_ALIASES)["unit"] == "umol/L"


def test_a_rescaled_quantity_is_rounded_to_six_decimals() -> None:
    """`mm` for a size asked in cm: 1.2345678 mm is 0.123457 cm, not a float tail."""
    parsed = parse_quantity("1.2345678 mm", SIZE_UNITS, SIZE_ALIASES)
    assert parsed == {"value": 0.123457, "unit": "cm"}


def test_a_quantity_out_of_range_says_the_range() -> None:
    with pytest.raises(Invalid) as exc:
        parse_quantity("90 g/L", ALBUMIN_UNITS, ALBUMIN_ALIASES)
    assert message(exc) == f"Out of range: {ALBUMIN_UNITS['g/L'].describe()}."


# Yes / no and choices --------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("Yes.", True), ("no!", False), ("YES!.", True)])
def test_yes_and_no_with_trailing_punctuation(text: str, expected: bool) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize("text", ["yesx", ".yes", "!no", "nope"])
def test_other_words_are_not_yes_or_no(text: str) -> None:
    with pytest.raises(Invalid, match="Answer yes or no"):
        parse_yes_no(text)


def test_a_choice_is_read_by_its_label_in_any_case() -> None:
    choices = [("moderate_severe", "Moderate to severe"), ("none", "None")]
    assert parse_choice("MODERATE TO SEVERE", choices, {}) == "moderate_severe"
    assert parse_choice("moderate to severe", choices, {}) == "moderate_severe"


# Dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", TODAY),
        ("Today", TODAY),
        ("yesterday", date(2026, 9, 19)),
        ("YESTERDAY", date(2026, 9, 19)),
        ("01.09.2026", date(2026, 9, 1)),
        ("2026-09-01", date(2026, 9, 1)),
        ("3d", date(2026, 9, 17)),
        ("2w ago", date(2026, 9, 6)),
    ],
)
def test_dates_as_clinicians_type_them(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected.isoformat()


@pytest.mark.parametrize("text", ["20260901", "2026-9-1", "2026-W36", "09/01/2026", "todayx"])
def test_dates_in_other_forms_are_refused(text: str) -> None:
    with pytest.raises(Invalid) as exc:
        parse_date(text, TODAY)
    assert message(exc) == "Send a date as 2026-09-01, 01.09.2026, or how long ago: 50d, 7w."


def test_today_is_not_in_the_future_and_tomorrow_is() -> None:
    assert parse_date("2026-09-20", TODAY) == "2026-09-20"
    with pytest.raises(Invalid) as exc:
        parse_date("2026-09-21", TODAY)
    assert message(exc) == "That date is in the future (today is 2026-09-20)."


def test_a_date_on_the_day_of_the_intervention_is_accepted_and_the_day_before_is_not() -> None:
    earliest = date(2026, 9, 1)
    assert parse_date("2026-09-01", TODAY, earliest) == "2026-09-01"
    with pytest.raises(Invalid) as exc:
        parse_date("2026-08-31", TODAY, earliest)
    assert message(exc) == "That is before the intervention (2026-09-01)."


# Labels ----------------------------------------------------------------------------------------


def test_a_label_may_contain_a_slash_but_not_start_with_one() -> None:
    assert parse_label("S-014/2") == "S-014/2"
    with pytest.raises(Invalid) as exc:
        parse_label("/bed7")
    assert message(exc) == "A label cannot start with '/'."


# The quick check -------------------------------------------------------------------------------


def test_an_empty_line_is_read_without_a_problem_or_a_crash() -> None:
    check = parse_quick("", TODAY)
    assert check.label is None
    assert check.given == list(check.answers)


def test_every_word_that_is_not_key_value_is_named_and_reading_goes_on() -> None:
    check = parse_quick("/quick bed7 age=70 oops ecog=0 again bili=1.0mg", TODAY)
    assert "'oops' is not key=value" in check.problems
    assert "'again' is not key=value" in check.problems
    assert check.answers["ecog"] == "0"
    assert check.answers["bilirubin"] == {"value": 1.0, "unit": "mg/dL"}


def test_a_long_stray_word_is_cut_at_forty_characters() -> None:
    word = "x" * 45
    check = parse_quick(f"bed7 age=70 {word}", TODAY)
    assert check.problems == [f"'{'x' * 40}' is not key=value"]


def test_unknown_keys_are_all_named_with_the_nearest_or_the_list() -> None:
    check = parse_quick("bed7 tpye=hcc zzzzzz=1 age=70", TODAY)
    assert "unknown key 'tpye': did you mean type=?" in check.problems
    assert f"unknown key 'zzzzzz' (keys: {' '.join(KEYS)} on)" in check.problems
    assert check.answers["age"] == 70


def test_an_unknown_key_is_quoted_to_twenty_characters() -> None:
    key = "q" * 25
    check = parse_quick(f"bed7 {key}=1", TODAY)
    assert check.problems[0].startswith(f"unknown key '{'q' * 20}' ")


def test_a_key_given_twice_is_named_and_the_rest_is_still_read() -> None:
    check = parse_quick("bed7 age=70 age=71 ecog=1", TODAY)
    assert check.problems == ["age is given twice (age=70, age=71): give it once"]
    assert check.answers["ecog"] == "1"


def test_the_problems_message_lists_each_problem_on_its_own_line() -> None:
    check = parse_quick("bed7 ecog=0 oops age=x", TODAY)
    text = problems_message(check).text
    lines = text.split("\n")
    assert lines[0] == "⚠ 'oops' is not key=value"
    assert lines[1].startswith("⚠ age=x: ")
    assert lines[2] == "Nothing was planned or saved: send the corrected line."
    assert len(lines) == 3


def test_a_value_problem_quotes_at_most_thirty_characters_and_hints_only_when_it_can() -> None:
    raw = "9" * 35
    check = parse_quick(f"bed7 age={raw}", TODAY)
    problem = check.problems[0]
    assert problem.startswith(f"age={'9' * 30}: ")
    assert "Did you mean" not in problem
    assert not problem.endswith("XXXX")


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("ehs=lung", "Did you mean ehs=yes?"),
        ("ehs=Nope", "Did you mean ehs=no?"),
        ("dialysis=YESS", "Did you mean dialysis=yes?"),
        ("ascites=MILDD", "Did you mean ascites=mild?"),
        ("age=70y", "Did you mean age=70?"),
        ("n=2x", "Did you mean n=2?"),
        ("last=2026-13-01", "Did you mean last=2026-01-13?"),
    ],
)
def test_each_bad_value_comes_with_the_nearest_good_one(line: str, hint: str) -> None:
    check = parse_quick(f"bed7 {line}", TODAY)
    assert len(check.problems) == 1
    assert check.problems[0].endswith(hint)


@pytest.mark.parametrize("line", ["ehs=", "age=seventy", "n=x2"])
def test_no_guess_when_nothing_is_near(line: str) -> None:
    check = parse_quick(f"bed7 {line}", TODAY)
    assert "Did you mean" not in check.problems[0]


def test_a_swapped_date_is_suggested_only_when_it_is_past_or_today() -> None:
    today = date(2026, 1, 13)
    on_the_day = parse_quick("bed7 last=2026-13-01", today)
    assert on_the_day.problems[0].endswith("Did you mean last=2026-01-13?")
    future = parse_quick("bed7 last=2026-13-02", today)
    assert "Did you mean" not in future.problems[0]


def test_a_label_with_a_space_suggests_it_joined() -> None:
    check = parse_quick("bed 7 age=70", TODAY)
    assert check.problems == [
        "the label has a space ('bed 7'): labels are one word in a quick check; did you mean bed7?"
    ]
    long = parse_quick("abcdefghijklmnopqrstu vwxyzabcdefghij age=70", TODAY)
    assert "did you mean abcdefghijklmnopqrstuvwxyzabcdef?" in long.problems[0]


def test_a_refused_label_says_why() -> None:
    check = parse_quick("be!d7 age=70", TODAY)
    assert check.problems[0].startswith("label: Use at most 32 letters")
    named = parse_quick("1234567 age=70", TODAY)
    assert named.problems == [
        "label '1234567' contains a long number, like a record or ID number: not saved; use a "
        "pseudonym"
    ]


@pytest.mark.parametrize("line", ["recovered=3d", "sessions=2", "response=pd", "new=yes"])
def test_course_values_without_the_intervention_date_are_refused(line: str) -> None:
    check = parse_quick(f"bed7 age=70 {line}", TODAY)
    assert check.problems == ["follow-up findings need last=DATE of the intervention"]


def test_the_keys_given_are_recorded_in_the_order_given() -> None:
    check = parse_quick("bed7 ecog=0 age=70", TODAY)
    assert check.given[:2] == ["ecog", "age"]


# Nearest key -----------------------------------------------------------------------------------


def test_nearest_finds_one_close_word_or_a_unique_prefix_of_three_letters() -> None:
    assert nearest("tpye", KEYS) == "type"
    assert nearest("TPYE", KEYS) == "type"
    assert nearest("prog", ["progression", "pvtt"]) == "progression"
    assert nearest("PRO", ["progression", "pvtt"]) == "progression"
    assert nearest("pr", ["progression", "pvtt"]) is None  # two letters: too short to tell
    assert nearest("re", ["recovered", "response"]) is None
    assert nearest("res", ["response", "resection"]) is None  # two begin so
    assert nearest("xyz", ["abc"]) is None


# Read-back -------------------------------------------------------------------------------------


def test_the_read_back_of_nothing_says_nothing() -> None:
    assert read_back({}) == "Read: nothing."
    assert read_back({}) == READ.format(answers="nothing")


def test_the_read_back_opens_the_plans_details(base_case: dict[str, Any]) -> None:
    """Issue 13: the first screen is what must be acted on; what was read opens the details."""
    plan = plan_case(Case.model_validate(base_case))
    layout = plan_layout(plan, "bed7", read=read_back({"age": 70}))
    assert layout.folded[0] == Section(lines=["Read: Age 70."], bullets=False)
    assert not any(line.startswith("Read: ") for line in layout.lines)
    bloated = plan.model_copy(update={"notes": ["n" * 500] * 20, "cautions": ["c" * 300] * 10})
    shortened = plan_layout(bloated, "bed7", read=read_back({"age": 70}))
    assert shortened.folded[0].lines == ["Read: Age 70."], "the read-back is kept, notes go first"
    assert len(layout_text(shortened)) <= 4096


# Errors mapped back to questions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "question"),
    [
        ("liver.albumin.value", "albumin"),
        ("liver.albumin", "albumin"),
        ("history.recovered_on", "recovered_on"),
        ("history.followup.response", "response"),
        ("history", "recovered_on"),
        ("nowhere", None),
    ],
)
def test_a_validation_error_goes_back_to_its_question(path: str, question: str | None) -> None:
    assert question_for_error(path) == question


def test_label_warning_names_id_numbers_and_names() -> None:
    assert label_warning("S-014") is None
    assert label_warning("bed 12") is None
    assert label_warning("John Smith") == "looks like a person's name"
    assert label_warning("Bed Smith") is None
    assert label_warning("rec 1234567") == "contains a long number, like a record or ID number"


def test_only_answers_to_questions_that_apply_reach_the_case() -> None:
    from flows.case import applicable

    answers = {
        "age": None,  # skipped
        "ecog": "0",
        "pvtt": "none",
        "pvtt_occlusion": "partial",  # asked only after vp4 without collaterals
        "no_such_question": 1,  # not a question: never reaches the case
    }
    assert applicable(answers) == {"ecog": "0", "pvtt": "none"}


# The stored course into the case (flows.case) -------------------------------------------------

FOLLOWUP_ANSWERS = {
    "earlier": True, "imaged": True, "last_intervention": "2026-06-05", "lipiodol": "none",
    "necrosis": False, "new_lesions": False, "progression": False,
}  # fmt: skip


def _history(answers: dict[str, object]) -> dict[str, object]:
    from flows.case import case_from_answers

    history = case_from_answers(answers, date(2026, 7, 10))["history"]
    assert isinstance(history, dict)
    return history


def test_the_stored_nadir_goes_with_a_viable_sum_only() -> None:
    course = {"nadir_viable_sum_mm": 25.0}
    with_sum = _history({**FOLLOWUP_ANSWERS, "viable_sum_mm": 30.0, "course": course})
    assert with_sum["followup"]["nadir_viable_sum_mm"] == 25.0  # type: ignore[index]
    without = _history({**FOLLOWUP_ANSWERS, "course": course})
    assert "nadir_viable_sum_mm" not in without["followup"]  # type: ignore[operator]
    typed = {**FOLLOWUP_ANSWERS, "viable_sum_mm": 30.0, "nadir_viable_sum_mm": 20.0}
    # With no stored nadir the typed one is used (with one stored, the question is not asked).
    assert _history({**typed, "course": {}})["followup"]["nadir_viable_sum_mm"] == 20.0  # type: ignore[index]
    no_nadir = _history({**FOLLOWUP_ANSWERS, "viable_sum_mm": 30.0, "course": {}})
    assert "nadir_viable_sum_mm" not in no_nadir["followup"]  # type: ignore[operator]


def test_with_a_typed_last_the_baseline_is_the_latest_assessment_up_to_the_first_one() -> None:
    """Assessments measured on or before the first (typed) intervention; the latest with values."""
    candidates = [
        {"on": "2026-05-01", "last": None, "values": {"ast": 30.0}},
        {"on": "2026-06-05", "last": None, "values": {"ast": 35.0}},  # the day of it: before
        {"on": "2026-06-06", "last": None, "values": {"ast": 99.0}},  # after: not a baseline
    ]
    history = _history({**FOLLOWUP_ANSWERS, "course": {"baselines": candidates}})
    assert history["baseline"] == {"ast": 35.0}
    # An earlier assessment that typed its own last intervention on 2026-05-01: that one is the
    # first intervention (the same day counts), so the baseline is measured on or before it.
    earlier = [{**candidates[0], "last": "2026-05-01"}, *candidates[1:]]
    history = _history({**FOLLOWUP_ANSWERS, "course": {"baselines": earlier}})
    assert history["baseline"] == {"ast": 30.0}
    empty: list[dict[str, object]] = [{"on": "2026-06-01", "last": None, "values": {}}]
    assert "baseline" not in _history({**FOLLOWUP_ANSWERS, "course": {"baselines": empty}})
    assert "baseline" not in _history({**FOLLOWUP_ANSWERS, "course": {"baselines": "x"}})


def test_help_lists_each_key_with_the_values_it_accepts() -> None:
    from flows.quick import keys_help

    lines = keys_help()
    for expected in (
        "age: 18-110 years",
        "ecog: 0|1|2|3|4",
        "ehs: yes|no",
        "size: 0.1-30 cm",
        "inr: 0.5-10",
        "bili: with its unit, 0.1-50 mg/dL or 1.7-855 umol/L",
        "last: a past date: 2026-09-01, 01.09.2026, 50d or 7w ago",
        "wt|weight: 20-300 kg",
    ):
        assert expected in lines


def test_on_given_twice_or_unreadable_is_named_and_the_rest_is_read() -> None:
    twice = parse_quick("bed7 on=2026-09-01 on=2026-09-02 age=70", TODAY)
    assert twice.problems == ["on is given twice (on=2026-09-01, on=2026-09-02)"]
    assert twice.answers["age"] == 70
    bad = parse_quick("bed7 on=someday age=70 ecog=1", TODAY)
    assert len(bad.problems) == 1
    assert bad.problems[0].startswith("on=someday: Send a date as")
    assert bad.answers["ecog"] == "1"
    long = parse_quick(f"bed7 on={'9' * 35}", TODAY)
    assert long.problems[0].startswith(f"on={'9' * 30}: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), (" 7 ", 7), ("9" * 9, 999_999_999), ("9" * 10, None), ("²", None), ("٣", None)],
)
def test_a_typed_option_number_or_id_is_plain_ascii_digits_of_bounded_length(
    text: str, expected: int | None
) -> None:
    from flows.parsing import whole_number

    assert whole_number(text) == expected


def test_labels_that_look_alike_are_one_label_and_mixed_alphabets_are_refused() -> None:
    from flows.parsing import normalize_label

    assert normalize_label("bed\u0667") == "bed7"  # Arabic-Indic seven
    assert normalize_label("\uff42\uff45\uff44\uff17") == "bed7"  # full width
    assert (
        normalize_label("\u0431\u0435\u04347") == "\u0431\u0435\u04347"
    )  # all Cyrillic: one script
    with pytest.raises(Invalid):
        normalize_label("b\u0435d7")  # a Cyrillic е among Latin letters
