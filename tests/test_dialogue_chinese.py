"""The dialogues in Chinese (issue 15): questions, buttons, hints, errors and read-backs said in Chinese,
answers typed with a Chinese input method (full-width digits and punctuation, Chinese words) read as
their English and ASCII forms, and a dialogue that keeps ids only, so it can change language midway.

The plan's own text belongs to the plan's wording (flows/render.py, lang/plan_words.py): the scans here
cover every message the dialogue says before it, and the read-back line the plan carries."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lang
from flows import parsing
from flows.engine import SUMMARY, Dialogues, Outgoing, Turn
from flows.parsing import Invalid, fold, label_warning, parse_date, parse_quantity, parse_yes_no
from flows.questions import BY_ID, Kind, Question
from flows.quick import KEYS, ON, keys_help, parse_quick, start_quick, syntax
from flows.readback import read_back
from planner import ranges
from tests.lang_checks import assert_chinese as _assert_chinese

TODAY = date(2026, 11, 30)
DIALOGUES = Dialogues()
CJK = re.compile(r"[\u4e00-\u9fff]")
WEST_HAVEN = {"West", "Haven"}
"""The eponym of the encephalopathy grades, written in Latin letters in Chinese charts too."""
QUICK_KEYS = {*KEYS, ON}
"""Quick-check keys stay as they are in every language."""


_CJK_OR_WIDE = re.compile(r"([\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def assert_chinese(text: str, allowed: set[str] | frozenset[str] = frozenset()) -> None:
    """`tests.lang_checks.assert_chinese` on `text` with a space around every Chinese character
    and full-width sign: its skips (`key=...`, anything with a digit) run to the next space, and
    a Chinese sentence has none, so without them `bili=21：单位……` or `（2026年10月31日）：……`
    would hide whatever English followed."""
    _assert_chinese(_CJK_OR_WIDE.sub(r" \1 ", text), allowed=allowed)


def full_width(text: str) -> str:
    """`text` as a Chinese input method in full-width mode types it: ＡＳＣＩＩ and the ideographic space."""
    return "".join(
        "\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text
    )


ENGLISH = {
    "label": "bed7", "age": "72", "ecog": "1", "tumour_type": "hcc", "count": "3",
    "largest_cm": "4.5", "infiltrative": "no", "burden_ge_70pct": "/skip", "pvtt": "vp4",
    "pvtt_collaterals": "no", "pvtt_occlusion": "partial", "extrahepatic": "no", "afp": "1200",
    "bilirubin": "21 umol/L", "albumin": "38 g/L", "inr": "1.1", "platelets": "150", "wbc": "5.2",
    "ascites": "mild", "encephalopathy": "grade_1_2", "ast": "40", "creatinine": "80 umol/L",
    "sodium": "138", "dialysis": "no", "sex": "female", "weight_kg": "60", "earlier": "yes",
    "last_intervention": "2026-09-01", "recovered_on": "2026-09-20", "sessions": "2",
    "imaged": "yes", "lipiodol": "dense_marginal_defect", "necrosis": "yes", "new_lesions": "no",
    "progression": "no", "response": "pr", "viable_over_50pct": "no",
}  # fmt: skip
"""Every kind of question of the intake, a follow-up history included, typed in English."""

CHINESE = {
    "label": "ｂｅｄ７", "age": "７２", "ecog": "１分", "tumour_type": "肝细胞癌", "count": "３",
    "largest_cm": "４。５", "infiltrative": "否", "burden_ge_70pct": "／ｓｋｉｐ", "pvtt": "主干",
    "pvtt_collaterals": "没有", "pvtt_occlusion": "部分闭塞", "extrahepatic": "无", "afp": "１２００",
    "bilirubin": "２１　微摩尔/升", "albumin": "３８ｇ／Ｌ", "inr": "１，１", "platelets": "１５０",
    "wbc": "５．２", "ascites": "轻度", "encephalopathy": "1～2级", "ast": "４０",
    "creatinine": "80 μmol/L", "sodium": "１３８", "dialysis": "否", "sex": "女",
    "weight_kg": "６０公斤", "earlier": "是", "last_intervention": "2026年9月1日",
    "recovered_on": "２０２６－０９－２０", "sessions": "２", "imaged": "有",
    "lipiodol": "边缘缺损", "necrosis": "有", "new_lesions": "无", "progression": "没有",
    "response": "部分缓解", "viable_over_50pct": "否",
}  # fmt: skip
"""The same answers as a Chinese clinician types them: full-width digits and punctuation (`４。５`
with the ideographic full stop, `１，１` with a full-width decimal comma), Chinese units and words."""


def drive(script: dict[str, str], language: str, switch_at: str | None = None) -> list[Turn]:
    """Every turn of an intake answered from `script` (by question id) up to the summary; from
    the question `switch_at` on, the other language (as after /language)."""
    spoken = language
    with lang.use(spoken):
        turns = [DIALOGUES.start("intake", TODAY)]
    while (state := turns[-1].state) is not None and state.state in script:
        if state.state == switch_at:
            spoken = "zh" if spoken == "en" else "en"
        stored = json.loads(json.dumps(state.model_dump(mode="json")))  # what a channel keeps
        with lang.use(spoken):
            turns.append(
                DIALOGUES.handle(type(state).model_validate(stored), script[state.state], TODAY)
            )
    return turns


def texts(turns: list[Turn]) -> list[Outgoing]:
    return [message for turn in turns for message in turn.messages]


def _answers(turns: list[Turn]) -> dict[str, Any]:
    final = turns[-1].state
    assert final is not None
    assert final.state == SUMMARY, [m.text for m in turns[-1].messages]
    return final.answers


def test_the_chinese_intake_reads_what_the_english_one_reads() -> None:
    english, chinese = drive(ENGLISH, "en"), drive(CHINESE, "zh")
    assert _answers(chinese) == _answers(english)
    assert not any(m.text.startswith("⚠") for m in texts(chinese)), "an answer was refused"


def test_every_message_of_the_chinese_intake_is_chinese() -> None:
    turns = drive(CHINESE, "zh")
    for message in texts(turns):
        assert_chinese(message.text, allowed=WEST_HAVEN)
        assert CJK.search(message.text), message.text
        for choice in message.choices:
            assert_chinese(choice.label)
    summary = turns[-1].messages[-1].text
    assert "请核对：" in summary
    assert "腹水：轻度" in summary
    assert "门静脉癌栓：Vp4（主干）" in summary
    with lang.use("zh"):
        assert_chinese(read_back(_answers(turns)))
        assert read_back(_answers(turns)).startswith("已读取：年龄 72、ECOG 1 仅能轻体力工作")


def test_the_chinese_plan_message_is_made_and_the_english_intake_has_no_chinese() -> None:
    english = drive(ENGLISH, "en")
    assert not any(
        CJK.search(m.text + "".join(c.label for c in m.choices)) for m in texts(english)
    )
    state = english[-1].state
    assert state is not None
    with lang.use("zh"):
        done = DIALOGUES.handle(state, "确认", TODAY)
    assert done.finished is not None
    assert "已读取：" in done.messages[-1].text


@pytest.mark.parametrize("switch_at", ["ecog", "pvtt", "ascites", "lipiodol"])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_dialogue_changes_language_midway_and_keeps_its_answers(
    language: str, switch_at: str
) -> None:
    """/language between two answers: the next question comes in the new language, and what was
    answered stays (the stored state holds ids and values, never words)."""
    script = {
        qid: (CHINESE if (language == "zh") == (list(ENGLISH).index(qid) < list(ENGLISH).index(switch_at))
              else ENGLISH)[qid]
        for qid in ENGLISH
    }  # fmt: skip
    turns = drive(script, language, switch_at=switch_at)
    assert _answers(turns) == _answers(drive(ENGLISH, "en"))
    for turn in turns:
        if turn.state is not None:
            stored = json.dumps(turn.state.model_dump(mode="json"), ensure_ascii=False)
            assert not CJK.search(stored), stored
    states = [t.state.state for t in turns if t.state is not None]
    before, after = states.index(switch_at), states.index(switch_at) + 1
    assert bool(CJK.search(turns[before].messages[-1].text)) is (language == "zh")
    assert bool(CJK.search(turns[after].messages[-1].text)) is (language == "en")


def test_buttons_carry_the_same_values_in_every_language() -> None:
    for question in BY_ID.values():
        with lang.use("en"):
            english = question.buttons()
        with lang.use("zh"):
            chinese = question.buttons()
        assert [c.value for c in english] == [c.value for c in chinese]
        for button in chinese:
            assert_chinese(button.label)


@pytest.mark.parametrize("question", list(BY_ID.values()), ids=list(BY_ID))
def test_every_question_has_a_chinese_text(question: Question) -> None:
    with lang.use("zh"):
        said = [question.asked(), question.name(), question.explained()]
        said += [choice.shown() for choice in question.choices]
    for text, english in zip(said, [question.prompt, question.short, question.help], strict=False):
        if CJK.search(english) is None and re.search(r"[a-z]{3}", english):
            assert text != english, english
    for text in said:
        assert_chinese(text, allowed=WEST_HAVEN)


# Chinese words and full-width forms --------------------------------------------------------------


CHINESE_WORDS = [
    ("earlier", "是", True), ("earlier", "是的", True), ("extrahepatic", "有", True),
    ("extrahepatic", "否", False), ("extrahepatic", "无", False), ("necrosis", "没有", False),
    ("ascites", "无", "none"), ("ascites", "轻度", "mild"), ("ascites", "中重度", "moderate_severe"),
    ("ascites", "大量", "moderate_severe"), ("encephalopathy", "无", "none"),
    ("encephalopathy", "1-2级", "grade_1_2"), ("encephalopathy", "3～4 级", "grade_3_4"),
    ("encephalopathy", "3级", "grade_3_4"), ("lipiodol", "致密", "dense"),
    ("lipiodol", "致密，边缘缺损", "dense_marginal_defect"), ("lipiodol", "稀疏", "sparse"),
    ("lipiodol", "无", "none"), ("lipiodol", "微球", "none"), ("tumour_type", "肝细胞癌", "hcc"),
    ("tumour_type", "胆管癌", "icc"), ("tumour_type", "转移", "metastasis"),
    ("tumour_type", "转移瘤", "metastasis"), ("response", "完全缓解", "cr"),
    ("response", "部分缓解", "pr"), ("response", "疾病稳定", "sd"), ("response", "疾病进展", "pd"),
    ("response", "ＣＲ", "cr"), ("response", "PD", "pd"), ("pvtt", "无", "none"),
    ("pvtt", "Vp3（左/右支）", "vp3"), ("pvtt_occlusion", "完全", "complete"), ("sex", "男", "male"),
    ("ecog", "２分", "2"), ("labs", "沿用最近一次", "reuse"), ("labs", "录入新结果", "new"),
]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize(("qid", "typed", "read"), CHINESE_WORDS)
def test_chinese_words_answer_in_every_language(
    qid: str, typed: str, read: Any, language: str
) -> None:
    """A Chinese word is understood in an English dialogue too: the language of a dialogue is how
    it speaks, not what it understands."""
    with lang.use(language):
        assert BY_ID[qid].parse(typed, {}, TODAY) == read


@pytest.mark.parametrize(
    ("language", "listed"),
    [
        ("en", "Choose one of: none, mild, moderate_severe."),
        ("zh", "请从以下选项中选择：无、轻度、中重度。"),
    ],
)
def test_an_unknown_word_names_the_accepted_ones_in_the_active_language(
    language: str, listed: str
) -> None:
    with lang.use(language), pytest.raises(Invalid) as refused:
        BY_ID["ascites"].parse("一些", {}, TODAY)
    assert str(refused.value) == listed


def test_no_spelling_of_a_choice_means_two_things() -> None:
    """Labels in every language, values and synonyms: each word picks one choice, never guessed."""
    for question in BY_ID.values():
        if question.kind is not Kind.CHOICE:
            continue
        meaning: dict[str, set[str]] = {}
        for choice in question.choices:
            for word in (choice.value, *choice.spellings()):
                meaning.setdefault(fold(word).lower(), set()).add(choice.value)
        for word, value in question.synonyms.items():
            meaning.setdefault(word, set()).add(value)
            assert word == fold(word).lower(), f"{question.id}: synonym {word!r} is never typed so"
        ambiguous = {w: v for w, v in meaning.items() if len(v) > 1}
        assert not ambiguous, f"{question.id}: {ambiguous}"


@pytest.mark.parametrize(
    ("typed", "ascii"),
    [("＝，：．１２（）", "=,:.12()"), ("ａｓｔ＝４８", "ast=48"), ("４。５", "4.5"), ("a\u3000b", "a b"),
     ("７２", "72"), ("肝细胞癌", "肝细胞癌")],
)  # fmt: skip
def test_fold_reads_full_width_forms_as_ascii(typed: str, ascii: str) -> None:
    assert fold(typed) == ascii


_PRINTABLE = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30
)


@settings(max_examples=200, deadline=None)
@given(text=_PRINTABLE)
def test_full_width_typing_reads_as_ascii_for_every_question(text: str) -> None:
    """Whatever the answer, typed full width it reads exactly as typed in ASCII: accepted as the
    same value, or refused with the same message."""
    for question in (BY_ID["age"], BY_ID["albumin"], BY_ID["last_intervention"], BY_ID["ascites"],
                     BY_ID["extrahepatic"], BY_ID["label"], BY_ID["largest_cm"]):  # fmt: skip
        outcomes = []
        for typed in (text, full_width(text)):
            try:
                outcomes.append(("read", question.parse(typed, {}, TODAY)))
            except Invalid as exc:
                outcomes.append(("refused", str(exc)))
        assert outcomes[0] == outcomes[1], (question.id, text)


@settings(max_examples=100, deadline=None)
@given(
    value=st.floats(min_value=ranges.INR.low, max_value=ranges.INR.high).map(
        lambda v: round(v, 2)
    ),
    comma=st.booleans(),
)
def test_a_number_typed_with_a_chinese_input_method_is_the_number(
    value: float, comma: bool
) -> None:
    typed = f"{value:g}".replace(".", "，" if comma else "。")
    assert BY_ID["inr"].parse(full_width(typed), {}, TODAY) == float(f"{value:g}")


@pytest.mark.parametrize(
    ("typed", "read"),
    [("今天", "2026-11-30"), ("昨天", "2026-11-29"), ("50天前", "2026-10-11"), ("７周前", "2026-10-12"),
     ("2026年9月1日", "2026-09-01"), ("２０２６年９月１日", "2026-09-01"), ("50天", "2026-10-11")],
)  # fmt: skip
def test_chinese_dates(typed: str, read: str) -> None:
    assert parse_date(typed, TODAY) == read


def test_chinese_units_are_read() -> None:
    sizes = {"cm": ranges.TUMOUR_SIZE_CM}
    aliases = BY_ID["largest_cm"].unit_aliases
    assert parse_quantity("３５毫米", sizes, aliases, "cm") == {"value": 3.5, "unit": "cm"}
    assert parse_quantity("3.5 厘米", sizes, aliases, "cm") == {"value": 3.5, "unit": "cm"}
    albumin = BY_ID["albumin"]
    assert albumin.parse("38克/升", {}, TODAY) == {"value": 38.0, "unit": "g/L"}
    assert BY_ID["bilirubin"].parse("1.2 毫克/分升", {}, TODAY) == {"value": 1.2, "unit": "mg/dL"}


def test_yes_and_no_in_chinese_with_a_full_stop() -> None:
    assert parse_yes_no("是。") is True
    assert parse_yes_no("否！") is False
    with pytest.raises(Invalid):
        parse_yes_no("也许")


@pytest.mark.parametrize(("label", "warned"), [("张三", True), ("欧阳娜娜", True), ("七床", False),
                                               ("三病区", False), ("bed7", False)])  # fmt: skip
def test_a_chinese_name_as_a_label_is_questioned(label: str, warned: bool) -> None:
    assert (label_warning(label) is not None) is warned


# Errors and help in Chinese ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "typed"),
    [("age", "abc"), ("age", "7.5"), ("age", "300"), ("albumin", "38"), ("albumin", "38 furlongs"),
     ("albumin", "abc"), ("albumin", "999"), ("last_intervention", "tomorrow"),
     ("last_intervention", "2030-01-01"), ("extrahepatic", "maybe"), ("pvtt", "perhaps"),
     ("label", "/x"), ("label", "a" * 40), ("label", "b\u0435d7"), ("count", "5+"), ("afp", "lots"),
     ("sessions", "0")],
)  # fmt: skip
def test_every_input_error_is_said_in_chinese(qid: str, typed: str) -> None:
    with lang.use("zh"), pytest.raises(Invalid) as refused:
        BY_ID[qid].parse(typed, {}, TODAY)
    message = str(refused.value)
    assert CJK.search(message), message
    assert_chinese(message, allowed={"furlongs"})


def test_contradictions_and_the_dialogues_own_words_in_chinese() -> None:
    with lang.use("zh"):
        turn = DIALOGUES.start("followup", TODAY, answers={"earlier": True, "last_intervention":
                               "2026-09-01", "sessions": 1, "imaged": True, "measured_on": None,
                               "lipiodol": "dense", "necrosis": True, "new_lesions": True,
                               "progression": False})  # fmt: skip
        assert turn.state is not None
        assert turn.state.state == "response"
        again = DIALOGUES.handle(turn.state, "完全缓解", TODAY)
        said = [m.text for m in again.messages]
        for word in ("/help", "/back", "/skip", "whatever", "/cancel"):
            state = again.state
            assert state is not None
            said += [m.text for m in DIALOGUES.handle(state, word, TODAY).messages]
    assert "CR 表示无存活肿瘤且无新病灶，但已报告有新病灶" in said[0]
    for text in said:
        assert_chinese(text, allowed={"whatever"})


def test_the_summary_and_its_edits_in_chinese() -> None:
    turns = drive(CHINESE, "zh")
    state = turns[-1].state
    assert state is not None
    with lang.use("zh"):
        picked = DIALOGUES.handle(state, "修改", TODAY)
        assert picked.state is not None
        labels = [c.label for c in picked.messages[-1].choices]
        assert "腹水" in labels
        back = DIALOGUES.handle(picked.state, "腹水", TODAY)
        assert back.state is not None
        assert back.state.state == "ascites"
        assert "（原答案：轻度）" in back.messages[-1].text
        said = [m.text for t in (picked, back) for m in t.messages]
        said += [m.text for m in DIALOGUES.handle(state, "什么", TODAY).messages]
    for text in said:
        assert_chinese(text)
        by_number = DIALOGUES.handle(state, "修改 ３", TODAY)
        by_name = DIALOGUES.handle(state, "修改：腹水", TODAY)
    assert by_number.state is not None
    assert by_number.state.state == "ecog"
    assert by_name.state is not None
    assert by_name.state.state == "ascites"
    with lang.use("en"):  # the Chinese short name picks the answer in English too
        assert DIALOGUES.handle(picked.state, "腹水", TODAY).state.state == "ascites"  # type: ignore[union-attr]


# The quick check ------------------------------------------------------------------------------

LINE = ("/quick bed9 age=70 ecog=1 n=2 size=3.5 pvtt=none bili=21umol alb=38g/L inr=1.1 "
        "ascites=mild he=none")  # fmt: skip


def test_a_quick_check_typed_full_width_reads_as_typed_in_ascii() -> None:
    ascii_check = parse_quick(LINE, TODAY)
    wide = parse_quick(full_width(LINE), TODAY)
    assert not ascii_check.problems
    assert (wide.label, wide.answers, wide.problems) == (
        ascii_check.label,
        ascii_check.answers,
        ascii_check.problems,
    )
    chinese_values = LINE.replace("pvtt=none", "pvtt=无").replace("ascites=mild", "ascites=轻度")
    chinese_values = chinese_values.replace("he=none", "he=无").replace("inr=1.1", "inr=1，1")
    assert parse_quick(chinese_values, TODAY).answers == ascii_check.answers


def test_a_quick_check_in_chinese_asks_and_plans_in_chinese() -> None:
    with lang.use("zh"):
        turn = start_quick(DIALOGUES, "/quick bed9 age=70 n=2 size=3.5 pvtt=无", TODAY)
    asked = turn.messages[-1]
    assert turn.state is not None
    assert asked.text.startswith("bed9 · 快速评估 · ")
    assert_chinese(asked.text)
    answers = {"ecog": "0", "bilirubin": "21 umol/L", "albumin": "38 g/L", "inr": "1.1",
               "ascites": "无", "encephalopathy": "无"}  # fmt: skip
    while turn.state is not None:
        with lang.use("zh"):
            turn = DIALOGUES.handle(turn.state, answers[turn.state.state], TODAY)
        if turn.state is not None:
            assert_chinese(turn.messages[-1].text)
    assert turn.finished is not None
    plan = turn.messages[-1].text
    assert (
        "肿瘤类型 HCC（如不是，请加 type=胆管癌|转移瘤|其他）" in plan
    )  # typed as Chinese is read
    assert "已读取：年龄 70" in plan


@pytest.mark.parametrize(
    "line",
    ["/quick bed9 age=70 bili=21 ascites=slight he=5 tpye=hcc ehs=lung",
     "/quick bed 9 age=70", "/quick 张三 age=70", "/quick age=70 age=71 on=x on=y",
     "/quick age=70 response=cr new=有 last=50天前", "/quick age=70 zzz=1", "/quick age=70 sessions=2",
     "/quick b1 age=70 lipiodol=dens"],
)  # fmt: skip
def test_every_quick_check_problem_is_said_in_chinese(line: str) -> None:
    with lang.use("zh"):
        turn = start_quick(DIALOGUES, line, TODAY)
    assert turn.state is None
    text = turn.messages[-1].text
    assert text.endswith("未制定方案，也未保存：请发送更正后的一行。")
    typed = set(re.findall(r"[A-Za-z]+", line))
    assert_chinese(text, allowed=QUICK_KEYS | typed)


def test_quick_check_suggestions_are_typed_in_the_active_language() -> None:
    line = "/quick b1 age=70 ehs=lung lipiodol=dens"
    with lang.use("zh"):
        chinese = "\n".join(parse_quick(line, TODAY).problems)
    english = "\n".join(parse_quick(line, TODAY).problems)
    assert "是否指 ehs=是？" in chinese
    assert "是否指 lipiodol=致密？" in chinese
    assert "Did you mean ehs=yes?" in english
    assert "Did you mean lipiodol=dense?" in english
    # each suggestion reads back as the same value
    assert (
        parse_quick("/quick b1 ehs=是 lipiodol=致密", TODAY).answers
        == parse_quick("/quick b1 ehs=yes lipiodol=dense", TODAY).answers
    )


def test_quick_check_help_in_chinese_keeps_the_keys() -> None:
    with lang.use("zh"):
        lines = keys_help()
        whole = syntax("/quick bed7 age=70 ecog=0")
    assert [line.split(":", 1)[0] for line in lines] == [
        line.split(":", 1)[0] for line in keys_help()
    ]
    assert "ascites: 无|轻度|中重度" in lines
    assert "age: 18-110 岁" in lines
    for text in [*lines, whole]:
        assert_chinese(text, allowed=QUICK_KEYS)
    # every value /help lists in Chinese is read by its question
    for line in lines[:-1]:
        keys, accepted = line.split(": ", 1)
        question = BY_ID[KEYS[keys.split("|")[0]]]
        if question.kind in (Kind.CHOICE, Kind.YES_NO):
            for word in accepted.split("|"):
                question.parse(word, {}, TODAY)


def test_a_range_unit_is_said_in_the_active_language() -> None:
    with lang.use("zh"):
        assert parsing.describe(ranges.AGE) == "应为 18～110 岁"
    assert parsing.describe(ranges.AGE) == ranges.AGE.describe()
    assert parsing.describe(ranges.INR) == ranges.INR.describe()


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "⚠ That is before the intervention (2026-10-01)."),
        ("zh", "⚠ 该日期早于介入治疗日（2026-10-01）。"),
    ],
)
def test_a_date_made_wrong_by_an_edit_is_asked_again_in_the_active_language(
    language: str, said: str
) -> None:
    """Recovered on 20 September, then the last intervention edited to 1 October: the planner
    refuses the order at Confirm, and the recovery date is asked again, in the parser's words."""
    state = drive(ENGLISH, "en")[-1].state
    assert state is not None
    with lang.use(language):
        edit = DIALOGUES.handle(state, "edit:last_intervention", TODAY)
        assert edit.state is not None
        summary = DIALOGUES.handle(edit.state, "2026-10-01", TODAY)
        assert summary.state is not None
        assert summary.state.state == SUMMARY
        again = DIALOGUES.handle(summary.state, "confirm", TODAY)
    assert again.state is not None
    assert again.state.state == "recovered_on"
    assert again.messages[-1].text.startswith(said)


@pytest.mark.parametrize("typed", ["5²", "²", "7₂"])
def test_superscripts_are_not_read_as_digits(typed: str) -> None:
    """Only what is the same character typed another way is folded: `5²` is not 52."""
    assert fold(typed) == typed
    with pytest.raises(Invalid):
        BY_ID["age"].parse(typed, {}, TODAY)


def test_the_latest_labs_offered_for_reuse_in_chinese() -> None:
    answers = {
        "last_intervention": "2026-10-01",
        "latest_labs": {"on": "2026-10-31", "values": {"bilirubin": {"value": 1, "unit": "mg/dL"},
                                                       "ascites": "mild"}},
    }  # fmt: skip
    labs = BY_ID["labs"]
    assert labs.detail is not None
    with lang.use("zh"):
        said = labs.detail(answers)
        buttons = [c.label for c in labs.buttons()]
    assert said == "最近一次（2026年10月31日）：胆红素 1 mg/dL、腹水 轻度。"
    assert buttons == ["沿用最近一次", "录入新结果"]
    assert labs.detail(answers) == "Latest, as on 31 Oct 2026: Bilirubin 1 mg/dL, Ascites Mild."


def test_assumptions_are_kept_as_ids_and_worded_when_shown() -> None:
    """A quick check stores which answers it assumed, not English sentences; a dialogue stored
    before that (English words in `assumed`) still shows them as they are."""
    from flows.engine import flow_words
    from flows.questions import assumed_words

    check = parse_quick("/quick bed9 age=70", TODAY)
    assert check.assumed == ["tumour_type", "extrahepatic", "infiltrative", "dialysis"]
    assert assumed_words("extrahepatic") == "no extrahepatic spread (add ehs=yes otherwise)"
    with lang.use("zh"):
        assert assumed_words("extrahepatic") == "无肝外转移（如不是，请加 ehs=是）"
        assert assumed_words("an older sentence") == "an older sentence"
        assert flow_words("followup") == "随访"
        assert flow_words("unknown") == "unknown"
    assert flow_words("quick") == "quick check"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_spelling_of_every_choice_answers_in_every_language(language: str) -> None:
    """Its value, its label in each language (a button's text typed back) and each synonym."""
    for question in BY_ID.values():
        if question.kind is not Kind.CHOICE:
            continue
        with lang.use(language):
            for choice in question.choices:
                for word in (choice.value, *choice.spellings()):
                    assert question.parse(word, {}, TODAY) == choice.value, (question.id, word)
                    assert question.parse(full_width(word), {}, TODAY) == choice.value
            for word, value in question.synonyms.items():
                assert question.parse(word, {}, TODAY) == value, (question.id, word)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_skip_and_keep_buttons_typed_back_in_any_language(language: str) -> None:
    """跳过 or Skip typed skips an optional question (never a needed one); 仍然保留 keeps a label
    that looks like a name, as the buttons do."""
    with lang.use(language):
        start = DIALOGUES.start("intake", TODAY)
        assert start.state is not None
        named = DIALOGUES.handle(start.state, "张三", TODAY)
        assert named.state is not None
        assert named.state.pending == "张三"
        kept = DIALOGUES.handle(named.state, "仍然保留", TODAY)
        assert kept.state is not None
        assert kept.state.answers["label"] == "张三"
        needed = DIALOGUES.handle(kept.state, "跳过", TODAY)  # age cannot be skipped
        assert needed.state is not None
        assert needed.state.state == "age"
        assert "age" not in needed.state.answers
    turn = drive({**ENGLISH, "label": "bed7"}, language)
    state = turn[-1].state
    assert state is not None
    assert state.answers["burden_ge_70pct"] is None
    with lang.use(language):
        edit = DIALOGUES.handle(state, "edit:afp", TODAY)
        assert edit.state is not None
        skipped = DIALOGUES.handle(edit.state, "Skip", TODAY)
    assert skipped.state is not None
    assert skipped.state.answers["afp"] is None


def test_the_values_shown_to_type_in_chinese_read_back_as_their_choice() -> None:
    """What /help and the assumptions tell a Chinese clinician to type after `key=` is read as the
    choice it stands for: a word of theirs for an English id (无, 1～2级), never `grade_1_2`."""
    from flows.questions import ENGLISH_ID, typed_value

    with lang.use("zh"):
        for question in BY_ID.values():
            if question.kind not in (Kind.CHOICE, Kind.YES_NO):
                continue
            values = (
                ["yes", "no"]
                if question.kind is Kind.YES_NO
                else [c.value for c in question.choices]
            )
            for value in values:
                typed = typed_value(question, value)
                assert " " not in typed, (question.id, typed)
                assert not ENGLISH_ID.search(typed), (question.id, typed)
                read = question.parse(typed, {}, date(2026, 11, 30), cross_check=False)
                assert read == (value == "yes" if question.kind is Kind.YES_NO else value)
        assert "he: 无|1～2级|3～4级" in keys_help()
