"""The plan in every language: the planner says codes, `lang.plan_words` words them (issue 15).

The planner's output holds no prose (every sentence is a known code with parameters); the same plan
reads in Chinese with no English sentence left (`tests.lang_checks`), in English as before; a plan
survives the store as codes, and a plan stored in English before codes reads in Chinese after the
upgrade; `liverbot plan --lang zh` keeps every key, id and code of the contract.
"""

from __future__ import annotations

import ast
import io
import json
import re
import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from string import Formatter
from typing import Any

import pytest

from bot.plan_command import run
from bot.store import Store
from bot.store.plan_codes import TEXT_FIELDS
from flows.render import render_plan, rule_text, summary_line
from lang import _ as translated
from lang import use
from lang.plan_words import COUNTED, WORDS, _split, known, say, words_for
from planner import Case, Plan, plan_case, reminders_for
from planner.rules import RULE_IDS
from planner.said import VERBATIM, Said, worded
from tests.conftest import BASE_CASE
from tests.lang_checks import CITED, assert_chinese, english_words

DATA = Path(__file__).parent / "data"
PLANNER = Path(__file__).parent.parent / "planner"
CASES = [
    v["case"]
    for name in ("vectors.json", "vectors-v2.json", "vectors-v2-independent.json")
    for v in json.loads((DATA / "clinical" / name).read_text())["cases"]
    if "case" in v
]


def _plans() -> list[tuple[dict[str, Any], Plan]]:
    out = []
    for raw in CASES:
        case = Case.model_validate(raw)
        out.append((raw, plan_case(case, today=case.today or date(2026, 11, 30))))
    return out


PLANS = _plans()


def _saids(value: Any) -> list[Said]:
    """Every `Said` in a plan's field, nested ones included."""
    if isinstance(value, Said):
        return [value, *(s for v in value.params.values() for s in _saids(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _saids(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _saids(v)]
    if hasattr(value, "__pydantic_fields__"):
        return [s for name in type(value).model_fields for s in _saids(getattr(value, name))]
    return []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def test_the_worked_cases_cover_every_kind_of_plan() -> None:
    decisions = {plan.decision.value for _, plan in PLANS}
    assert decisions == {"tace", "simple_tace", "ethanol_injection", "hold", "no_tace"}
    assert any(plan.art is not None for _, plan in PLANS)
    assert any(plan.refractory for _, plan in PLANS)
    assert any(raw["tumour"]["type"] != "hcc" for raw, _ in PLANS)
    assert any(plan.contraindications and plan.alternatives for _, plan in PLANS)
    assert any(plan.window is not None for _, plan in PLANS)


@pytest.mark.parametrize("index", range(len(PLANS)))
def test_the_planner_says_codes_and_no_prose(index: int) -> None:
    """No string the planner returns has a space in it: ids, codes, units and values only."""
    _, plan = PLANS[index]
    saids = _saids(plan)
    assert saids, "every plan says something (at least the disclaimer)"
    assert [s.code for s in saids if not known(s.code) or s.code == VERBATIM] == []
    prose = [s for s in _strings(plan.model_dump(mode="json")) if " " in s]
    assert prose == []


def _literal_codes() -> list[tuple[str, bool]]:
    """Each code written in the planner's source: (the code or its fixed prefix, is a prefix)."""
    found = []
    for path in PLANNER.glob("*.py"):
        if path.name == "said.py":  # the type itself: `joined` and `verbatim`, not sentences
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"said", "Said"}
            ):
                continue
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((first.value, False))
            elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                found.append((str(first.values[0].value), True))
            elif isinstance(first, ast.BinOp) and isinstance(first.left, ast.Constant):
                found.append((str(first.left.value), True))
    return found


def test_every_code_the_planner_can_say_has_words() -> None:
    codes = _literal_codes()
    assert len(codes) > 80
    words = [*WORDS, *COUNTED]
    for code, prefix in codes:
        if prefix:
            assert any(w.startswith(code) for w in words), code
        else:
            assert known(code), code
    assert all(f"rule.{rule_id}" in WORDS for rule_id in RULE_IDS)


def test_a_sentence_with_a_count_follows_the_count() -> None:
    with use("en"):
        assert say(Said("reason.P9", {"count": 1})).startswith("1 tumour:")
        assert say(Said("reason.P9", {"count": 2})).startswith("2 tumours:")
    with use("zh"):
        assert say(Said("reason.P9", {"count": 2})).startswith("2 个肿瘤")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_sentence_is_put_together_as_its_template_says(language: str) -> None:
    """`say` joins each template from its parts, split once, instead of `str.format_map`: every
    template with placeholders, in each language, reads as `format_map` would write it."""
    checked = 0
    with use(language):
        templates = [(code, translated(t), {}) for code, t in WORDS.items()]
        templates += [
            (code, form(n), {name: n}) for code, (name, form) in COUNTED.items() for n in (1, 2, 5)
        ]
        for code, template, given in templates:
            names = [name for _t, name, _s, _c in Formatter().parse(template) if name]
            if not names:
                continue
            # plain text and whole numbers, which go in as they are in either language
            params = {name: f"<{name}>" if i % 2 else 7 + i for i, name in enumerate(names)}
            params.update(given)
            assert say(Said(code, params)) == template.format_map(params), (code, template)
            checked += 1
    assert checked > 70


def test_a_template_splits_into_its_text_and_placeholders() -> None:
    assert _split("{{a}} {x}, {{y}} {z}.") == ("{a} ", (("x", ", {y} "), ("z", ".")))
    assert _split("{x}{y}") == ("", (("x", ""), ("y", "")))
    with pytest.raises(ValueError, match="plain names"):
        _split("{value:.1f} mg/dL")


@pytest.mark.parametrize("index", range(len(PLANS)))
def test_a_plan_reads_in_chinese_with_no_english_sentence(index: int) -> None:
    raw, plan = PLANS[index]
    with use("zh"):
        text = render_plan(plan, "bed7")
        line = summary_line(plan)
        whys = [say(r.why) for r in reminders_for(Case.model_validate(raw), plan)]
    assert_chinese(text, allowed=CITED | {"bed"})
    assert_chinese(line)
    for why in whys:
        assert_chinese(why)
    assert re.search(r"[\u4e00-\u9fff]", text)


def test_chinese_punctuation_and_glossary_terms_in_a_plan() -> None:
    raw = {**BASE_CASE, "today": "2026-11-30"}
    raw = {**raw, "tumour": {**raw["tumour"], "count": 5}}
    plan = plan_case(Case.model_validate(raw))
    with use("zh"):
        text = render_plan(plan, "bed7")
    assert "肝叶 TACE" in text.splitlines()[0]
    assert "微导管置于肝右或肝左动脉；避开胆囊动脉（P10）。" in text
    assert "：" in text
    assert ": " not in text.replace("bed7", "")


def test_dates_in_a_chinese_plan_are_written_as_chinese_dates() -> None:
    raw = {
        **BASE_CASE,
        "today": "2026-11-30",
        "history": {
            "last_intervention": "2026-10-20",
            "recovered_on": "2026-10-27",
            "followup": {
                "lipiodol": "sparse", "necrosis": False, "new_lesions": False,
                "progression": False,
            },
        },
    }  # fmt: skip
    plan = plan_case(Case.model_validate(raw))
    with use("zh"):
        text = render_plan(plan, "bed7")
    assert "2026年10月20日" in text
    with use("en"):
        assert "(2026-10-20)" in render_plan(plan, "bed7")


def test_rules_and_decisions_have_words_in_both_languages() -> None:
    for rule_id in RULE_IDS:
        with use("zh"):
            assert_chinese(rule_text(rule_id))
        with use("en"):
            assert english_words(rule_text(rule_id))
    with use("zh"):
        assert words_for("tace", "superselective") == "超选择 TACE"
        assert words_for("hold") == "暂停治疗"
    assert words_for("tace", "superselective") == "super-selective TACE"


def test_a_plan_survives_its_json_as_codes() -> None:
    for _, plan in PLANS:
        again = Plan.model_validate(json.loads(plan.model_dump_json()))
        assert again.model_dump(mode="json") == plan.model_dump(mode="json")
        with use("zh"):
            assert render_plan(again) == render_plan(plan)


def test_a_plan_is_worded_only_inside_worded_and_coded_again_after_it() -> None:
    _, plan = PLANS[0]
    coded = plan.model_dump(mode="json")
    assert coded["disclaimer"]["code"] == plan.disclaimer.code
    with use("zh"), worded(say):
        in_chinese = json.loads(plan.model_dump_json())
        with worded(None):
            assert plan.model_dump(mode="json") == coded
        assert plan.model_dump(mode="json") == in_chinese
    assert in_chinese["disclaimer"] == _chinese(plan.disclaimer)
    assert plan.model_dump(mode="json") == coded, "wording ends with the block"


def _chinese(said: Said) -> str:
    with use("zh"):
        return say(said)


def test_text_stored_before_codes_reads_as_written() -> None:
    _, plan = PLANS[0]
    stored = _worded_dump(plan)
    legacy = Plan.model_validate(stored)
    assert {s.code for s in _saids(legacy)} == {VERBATIM}
    with use("zh"):
        assert render_plan(legacy).splitlines()[-1] == say(
            plan.disclaimer.__class__("verbatim", {"text": stored["disclaimer"]})
        )
    with use("en"):
        assert render_plan(legacy) == render_plan(plan)


# ---------------------------------------------------------------------------------------------------
# The store: plans kept as codes; plans stored in English recovered as codes by m008


RELEASE_DB = DATA / "store-release-bb761de.db"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_plan_stored_in_english_reads_in_chinese_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "release.db"
    shutil.copyfile(RELEASE_DB, path)
    with sqlite3.connect(path) as conn:
        english = {i: json.loads(p) for i, p in conn.execute("SELECT id, plan FROM assessments")}
    with Store(path, clock=lambda: NOW) as store:
        assessments = store.assessments(101, "bed7")
    assert assessments
    with sqlite3.connect(path) as conn:
        kept = {i: json.loads(p) for i, p in conn.execute("SELECT id, plan FROM assessments")}
        coded = [i for (i,) in conn.execute("SELECT id FROM assessments WHERE plan_said NOTNULL")]
    assert kept == english, "the English the clinician read stays in the file"
    assert sorted(coded) == sorted(english)
    for assessment in assessments:
        plan = Plan.model_validate(assessment.plan)
        assert VERBATIM not in {s.code for s in _saids(plan)}
        with use("en"):
            in_words = _worded_dump(plan)
            assert {k: in_words[k] for k in TEXT_FIELDS} == {
                k: english[assessment.id][k] for k in TEXT_FIELDS
            }
        with use("zh"):
            assert_chinese(render_plan(plan, "bed7"), allowed=CITED | {"bed"})


def test_a_plan_that_cannot_be_made_again_keeps_its_english(tmp_path: Path) -> None:
    path = tmp_path / "release.db"
    shutil.copyfile(RELEASE_DB, path)
    with sqlite3.connect(path) as conn:
        (first, plan) = conn.execute("SELECT id, plan FROM assessments ORDER BY id").fetchone()
        changed = json.loads(plan)
        changed["notes"] = [*changed["notes"], "A note an older planner wrote."]
        conn.execute("UPDATE assessments SET plan = ? WHERE id = ?", (json.dumps(changed), first))
    with Store(path, clock=lambda: NOW):
        pass
    with sqlite3.connect(path) as conn:
        (said,) = conn.execute(
            "SELECT plan_said FROM assessments WHERE id = ?", (first,)
        ).fetchone()
        (patient,) = conn.execute(
            "SELECT patient_id FROM assessments WHERE id = ?", (first,)
        ).fetchone()
        (owner, label) = conn.execute(
            "SELECT owner_id, label FROM patients WHERE id = ?", (patient,)
        ).fetchone()
    assert said is None
    with Store(path, clock=lambda: NOW) as store:
        stored = next(a for a in store.assessments(owner, label) if a.id == first)
    plan = Plan.model_validate(stored.plan)
    with use("zh"):
        assert "A note an older planner wrote." in render_plan(plan)


# ---------------------------------------------------------------------------------------------------
# liverbot plan --lang


def _plan_json(*args: str, case: dict[str, Any] | None = None) -> tuple[int, Any, str]:
    out, err = io.StringIO(), io.StringIO()
    data = json.dumps(case or {**BASE_CASE, "today": "2026-11-30"}).encode()
    language = args[0] if args else None
    status = run(
        "-", stdin=io.BytesIO(data), stdout=out, stderr=err, language=language,
        codes="--codes" in args,
    )  # fmt: skip
    return status, json.loads(out.getvalue()) if out.getvalue() else None, err.getvalue()


def _keys(value: Any, path: str = "") -> set[str]:
    if isinstance(value, dict):
        return {
            k for key, v in value.items() for k in {f"{path}.{key}", *_keys(v, f"{path}.{key}")}
        }
    if isinstance(value, list):
        return {k for v in value for k in _keys(v, f"{path}[]")}
    return set()


def test_plan_lang_zh_keeps_the_contract_and_words_its_texts_in_chinese() -> None:
    case = {**BASE_CASE, "today": "2026-11-30", "tumour": {**BASE_CASE["tumour"], "count": 5}}
    _, english, _ = _plan_json("en", case=case)
    status, chinese, _ = _plan_json("zh", case=case)
    assert status == 0
    assert _keys(chinese) == _keys(english)
    texts = ("flags", "before_procedure", "checklist", "alternatives", "conditional", "reasons",
             "cautions", "stage_advice", "technique", "notes", "disclaimer",
             "contraindication_findings")  # fmt: skip
    same = {k: v for k, v in english.items() if k not in texts}
    assert {k: v for k, v in chinese.items() if k not in texts} == same
    assert [a["id"] for a in chinese["alternatives"]] == [a["id"] for a in english["alternatives"]]
    assert [r["id"] for r in chinese["reasons"]] == [r["id"] for r in english["reasons"]]
    for name in texts:
        for text in _strings(chinese[name]):
            if text not in {r["id"] for r in chinese["reasons"]} | {
                a["id"] for a in chinese["alternatives"]
            }:
                assert_chinese(text, allowed=CITED)
    assert chinese["disclaimer"] != english["disclaimer"]


def test_plan_codes_gives_the_codes_and_an_unknown_language_is_refused() -> None:
    status, coded, _ = _plan_json("zh", "--codes")
    assert status == 0
    assert coded["disclaimer"] == {"code": "disclaimer"}
    assert all(set(r["reason"]) <= {"code", "params"} for r in coded["reasons"])
    status, out, err = _plan_json("fr")
    assert (status, out) == (2, None)
    assert err.startswith("--lang: unknown language 'fr'")
    assert err.count("\n") == 1


def test_plan_follows_liverbot_lang_when_no_lang_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVERBOT_LANG", "zh-Hans")
    _, chinese, _ = _plan_json()
    assert chinese["disclaimer"] == "仅供决策支持：辅助而不取代治疗团队判断。"
    _, english, _ = _plan_json("en")
    assert english["disclaimer"].startswith("Decision support only")


# ---------------------------------------------------------------------------------------------------
# A case that cannot be planned: the same one line, in the chosen language

BAD = [
    {"liver": {"albumin": {"value": 300.0, "unit": "g/L"}}},
    {"tumour": {"count": 0}},
    {"age": 7},
    {"ecog": 9},
    {"albumine": 1},
    {"tumour": {"type": "hcc?"}},
    {"tumour": {"largest_cm": "big"}},
    {"history": {"last_intervention": "2026-12-01"}},
    {"history": {"last_intervention": "2026-10-01", "recovered_on": "2026-09-01"}},
    {"liver": {"creatinine": {"value": 0.0, "unit": "mg/dL"}}},
    {"age": 72.5},
    {"liver": {"wbc": "4.5"}},
    {"tumour": {"extrahepatic": "false"}},
    {"liver": {"bilirubin": {"value": 1.0, "unit": "mmol/L"}}},
    {"tumour": 5},
]


def _bad(change: dict[str, Any]) -> dict[str, Any]:
    case = json.loads(json.dumps({**BASE_CASE, "today": "2026-11-30"}))
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(case.get(key), dict):
            case[key].update(value)
        else:
            case[key] = value
    return case


@pytest.mark.parametrize("change", BAD)
def test_an_input_error_reads_the_same_in_english_and_in_chinese_keeps_its_path(
    change: dict[str, Any],
) -> None:
    from pydantic import ValidationError

    from planner.errors import first_error, first_error_said

    with pytest.raises(ValidationError) as caught:
        Case.model_validate(_bad(change))
    coded = first_error_said(caught.value, (0,))
    with use("en"):
        assert say(coded) == first_error(caught.value, (0,))
    with use("zh"):
        chinese = say(coded)
    path = first_error(caught.value, (0,)).split(": ", 1)[0]
    assert chinese.startswith(path + "：")
    if coded.params["problem"].code != VERBATIM:
        values = re.sub(r"'[^']*'", "", chinese)  # the values a field may take, as they are typed
        assert_chinese(values, allowed=set(re.findall(r"[a-z]+", path)) | {"last", "intervention"})
    else:  # what pydantic alone says (the wrong kind of object) stays in its English
        assert change == {"tumour": 5}


def test_plan_lang_zh_says_a_bad_field_in_chinese_in_one_line() -> None:
    status, out, err = _plan_json("zh", case=_bad({"age": 7}))
    assert (status, out) == (2, None)
    assert err == "age：应为 18～110 岁\n"


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("key", ["2026-02-30", "2026-02-03"])
def test_an_unknown_key_shaped_like_a_day_is_one_line_naming_it_as_typed(
    language: str, key: str
) -> None:
    status, out, err = _plan_json(language, case=_bad({key: 1}))
    assert (status, out) == (2, None)
    assert err.startswith(key), err
    assert err.count("\n") == 1, err


def test_the_quick_checks_plan_reads_in_chinese() -> None:
    """The plan a ward-round quick check ends with, as the dialogue lays it out (the read-back and
    the assumptions are the dialogue's own words, checked with its questions)."""
    from flows.engine import Dialogues
    from flows.quick import start_quick
    from flows.render import Layout, layout_text

    line = (
        "/quick bed7 age=80 ecog=1 n=4 size=3.5 pvtt=vp2 bili=2.4mg alb=3.0g/dL inr=1.9 "
        "ascites=mild he=none plt=45"
    )
    with use("zh"):
        turn = start_quick(Dialogues(), line, date(2026, 11, 30))
        (layout,) = [m.layout for m in turn.messages if m.layout is not None]
        assumed = _assumed_title()
        plan_only = Layout(
            headline=layout.headline,
            byline=layout.byline,
            lines=[x for x in layout.lines if not x.startswith(assumed)],
            folded=[s for s in layout.folded if s.title and s.title != assumed],
            footnote=layout.footnote,
        )
        text = layout_text(plan_only)
    assert text.startswith("单纯化疗栓塞（超选择） · bed7")
    assert "⚠ 血小板 45 x10^9/L" in text
    assert_chinese(text, allowed=CITED | {"bed"})


def _assumed_title() -> str:
    from lang import _

    return _("Assumed")


def test_plan_jsonl_follows_the_language_and_says_a_bad_line_in_it() -> None:
    good = json.dumps({**BASE_CASE, "today": "2026-11-30"})
    bad = json.dumps(_bad({"age": 7}))
    out, err = io.StringIO(), io.StringIO()
    data = f"{good}\n{bad}\n".encode()
    status = run("-", stdin=io.BytesIO(data), stdout=out, stderr=err, jsonl=True, language="zh")
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert status == 2
    assert first["disclaimer"] == "仅供决策支持：辅助而不取代治疗团队判断。"
    assert second == {"line": 2, "error": "age：应为 18～110 岁"}


@pytest.mark.parametrize(
    ("given", "jsonl", "english"),
    [
        ('{"a":', False, "input: not valid JSON"),
        ("[1]", False, "[0]: must be a JSON object (a case)"),
        ("[" * 40 + "]" * 40, False, "input: nested more than 32 levels deep"),
        ("[1]\n", True, "line 1: [0]: must be a JSON object"),
        (b"\xff\n", True, "line 1: is not UTF-8 text (byte 0)"),
    ],
)
def test_plan_says_unreadable_input_in_the_chosen_language(
    given: str | bytes, jsonl: bool, english: str
) -> None:
    """Not only a field's error: input that is no case at all is one line in the chosen language."""
    import io

    from bot.plan_command import run

    data = given if isinstance(given, bytes) else given.encode()
    said = {}
    for language in ("en", "zh"):
        err, out = io.StringIO(), io.StringIO()
        status = run("-", io.BytesIO(data), out, err, jsonl=jsonl, language=language)
        assert status == 2
        said[language] = err.getvalue().strip()
    assert said["en"].startswith(english)
    assert len(said["zh"].splitlines()) == 1
    assert_chinese(said["zh"], CITED | {"input", "JSON", "UTF", "Expecting", "value"})


def _worded_dump(plan: Plan) -> dict[str, Any]:
    """The plan as `liverbot plan` prints it: its sentences worded in the active language."""
    with worded(say):
        return plan.model_dump(mode="json")
