"""The hepatologist's review of the course (issue 12 follow-up): each finding on the course, bot
and flows side, replayed from the chat as the reviewer typed it, with a fixed clock (2026-11-30)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.pictures import words
from bot.settings import Settings
from bot.store import Store
from planner.settings import DEFAULT_SETTINGS
from planner.timing import add_months
from tests.test_course import ME, NOW, run, said, saved_message, say

B = "age=70 ecog=0 n=2 size=3.5 pvtt=none inr=1.1 ascites=none he=none"
L = "bili=1.0mg alb=4.0g/dL ast=40"
SD = "lipiodol=sparse necrosis=no new=no progression=no response=sd"
"""Findings on which follow-up alone would treat again (sparse lipiodol, stable disease)."""
SMALL = "age=78 ecog=0 n=1 size=1.8 pvtt=none inr=1.1 ascites=none he=none"
"""One 1.8 cm nodule: a course that ethanol injection can carry alone."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "review.db", clock=lambda: NOW) as opened:
        yield opened


@pytest.fixture
def bot(store: Store, tmp_path: Path) -> Assistant:
    return Assistant(store, Settings(LIVERBOT_DB=tmp_path / "review.db"), clock=lambda: NOW)


def first_line(bot: Assistant, line: str) -> str:
    return say(bot, line)[0].text


# -- 1. labs from before the session are not post-session labs ------------------------------------


def test_followup_does_not_offer_the_pre_session_labs_for_reuse(bot: Assistant) -> None:
    said(bot, f"/quick f {B} {L} on=2026-10-01")
    said(bot, "/done f 2026-10-20")
    run(bot, "/followup f", "/skip", "sparse", "no", "no", "no", "sd", "/skip")
    assert bot.dialogue_step(ME, ME) == "bilirubin"  # asked, not "reuse the latest?"
    plan = run(bot, "1.0 mg", "4.0 g/dL", "1.1", "none", "none", "80", "/skip", "/skip", "/skip",
               "confirm").messages[0].text  # fmt: skip
    assert "ART score 5: stop TACE" in plan  # from the labs after the session, not 40 vs 40


def test_labs_measured_after_the_session_are_offered_with_their_date(bot: Assistant) -> None:
    said(bot, f"/quick f {B} {L} on=2026-10-01")
    said(bot, "/done f 2026-10-20")
    said(bot, f"/quick f {B} bili=1.0mg alb=4.0g/dL ast=44 {SD} on=2026-11-25")
    said(bot, "/done f 2026-11-26")
    run(bot, "/followup f", "/skip", "sparse", "no", "no", "no", "sd", "/skip")
    assert bot.dialogue_step(ME, ME) == "bilirubin"  # 25 Nov is before the session of 26 Nov
    said(bot, "/cancel")
    said(bot, "/quick g " + f"{B} {L} on=2026-10-01")
    said(bot, "/done g 2026-10-20")
    said(bot, f"/quick g {B} bili=1.0mg alb=4.0g/dL ast=44 {SD} on=2026-11-25")
    run(bot, "/followup g", "/skip", "sparse", "no", "no", "no", "sd", "/skip")
    labs = bot.resume_prompt(ME, ME)
    assert labs is not None
    assert "Latest, as on 25 Nov 2026:" in labs.text


# -- 2. a typed last intervention finds the baseline before it --------------------------------------


def test_typed_last_takes_the_baseline_before_it(bot: Assistant) -> None:
    said(bot, f"/quick h {B} {L} on=2026-06-01")
    plan = first_line(bot, f"/quick h {B} {L} {SD} last=2026-06-05 sessions=1 on=2026-07-10")
    assert "before the first TACE (ART score)" not in plan
    assert (
        "ART score 1 before the second TACE (points: 0 for the Child-Pugh rise, 0 for the AST"
        in plan
    )
    timeline = said(bot, "/patient h")
    assert "2026-06-05 session: technique not recorded" in timeline


def test_the_dialogues_typed_last_takes_the_baseline_before_it(bot: Assistant) -> None:
    said(bot, f"/quick h {B} {L} on=2026-06-01")
    reply = run(bot, "/followup h", "2026-06-05", "1", "2026-07-10", "sparse", "no", "no", "no",
                "sd", "/skip", "1.0 mg", "4.0 g/dL", "1.1", "none", "none", "80", "/skip", "/skip",
                "/skip", "confirm")  # fmt: skip
    plan = reply.messages[0].text
    assert "before the first TACE (ART score)" not in plan
    assert "ART score 5: stop TACE" in plan


# -- 3. /done in date order --------------------------------------------------------------------------


def test_done_before_a_later_entry_is_refused(bot: Assistant, store: Store) -> None:
    said(bot, f"/quick o {B} {L} on=2026-06-01")
    said(bot, "/done o 2026-06-05")
    said(bot, f"/quick o {B} {L} {SD} on=2026-07-10")
    words = said(bot, "/done o 2026-06-20")
    assert words == ("⚠ 2026-06-20 is before o's latest entry (2026-07-10): enter the course in "
                     "date order. Nothing recorded.")  # fmt: skip
    patient = store.find_patient(ME, "o")
    assert patient is not None
    assert [s.done_on.isoformat() for s in store.sessions(ME, patient.id)] == ["2026-06-05"]
    said(bot, f"/quick p {B} {L} on=2026-06-01")
    assert "is before p's latest entry (2026-06-01)" in said(bot, "/done p 2026-05-20")
    assert "Recorded for o" in said(bot, "/done o 2026-07-10")  # imaging then treatment, one day


# -- 4. a course of ethanol injection alone ----------------------------------------------------------


def test_an_ethanol_only_course_can_be_followed_up(bot: Assistant) -> None:
    said(bot, f"/quick u {SMALL} {L} on=2026-05-05")
    said(bot, "/done u 2026-05-09 ethanol")
    words = said(bot, f"/quick u {SMALL} {L} {SD} on=2026-06-20")
    assert "Must be between 1 and 100 sessions" not in words
    assert "Saved for u" in words
    step = run(bot, "/followup u").messages[-1].text
    assert "How many TACE sessions" not in step
    assert "Date of the follow-up imaging?" in step


# -- 5. refractoriness counts follow-ups after TACE ----------------------------------------------------


def test_a_follow_up_after_ethanol_is_not_a_second_failure_after_tace(bot: Assistant) -> None:
    said(bot, f"/quick y {B} {L} on=2026-05-01")
    said(bot, "/done y 2026-05-04 deb")
    said(bot, f"/quick y {B} {L} lipiodol=none necrosis=no new=no progression=no response=sd "
              "over50=yes on=2026-06-20")  # fmt: skip
    said(bot, "/done y 2026-06-25 ethanol")
    plan = first_line(bot, f"/quick y {B} {L} lipiodol=none necrosis=no new=no progression=no "
                           "response=sd over50=yes on=2026-08-01")  # fmt: skip
    assert "TACE-refractory:" not in plan
    assert "Not TACE-refractory." in plan


def test_two_failures_after_two_tace_sessions_still_make_refractory(bot: Assistant) -> None:
    said(bot, f"/quick y {B} {L} on=2026-05-01")
    said(bot, "/done y 2026-05-04 deb")
    said(bot, f"/quick y {B} {L} lipiodol=none necrosis=no new=no progression=no response=sd "
              "over50=yes on=2026-06-20")  # fmt: skip
    said(bot, "/done y 2026-06-25 deb")
    plan = first_line(bot, f"/quick y {B} {L} lipiodol=none necrosis=no new=no progression=no "
                           "response=sd over50=yes on=2026-08-01")  # fmt: skip
    assert "TACE-refractory" in plan
    assert "2 follow-up(s) in a row" in plan


# -- 8 and 9. one clear line ----------------------------------------------------------------------


def test_followup_of_an_unknown_patient_says_so(bot: Assistant) -> None:
    assert said(bot, "/followup nobody") == "No patient nobody: /followup alone lists yours."


def test_done_with_two_techniques_asks_for_one(bot: Assistant) -> None:
    said(bot, f"/quick t {B} {L}")
    words = said(bot, "/done t 2026-11-20 ctace deb")
    assert words.startswith("⚠ Give one technique.")
    assert "not a technique" not in words


def test_on_before_the_session_shows_only_the_ordering_problem(bot: Assistant) -> None:
    said(bot, f"/quick p {B} {L} on=2026-06-01")
    said(bot, "/done p 2026-06-05")
    words = said(bot, f"/quick p {B} {L} {SD} on=2026-06-03")
    assert "is before p's latest entry (2026-06-05)" in words
    assert "last=" not in words


def test_done_on_another_day_offers_no_day_before_the_plan(bot: Assistant) -> None:
    saved = saved_message(say(bot, f"/quick d {B} {L} on=2d"))
    (question,) = bot.press(ME, ME, saved.buttons[1].action).messages
    assert [b.label for b in question.buttons] == ["Yesterday", "2 days ago"]


# -- 6. imaging under 3 weeks after a session ------------------------------------------------------


def test_early_imaging_keeps_the_imaging_reminder(bot: Assistant, store: Store) -> None:
    said(bot, f"/quick e {B} {L} on=2026-11-10")
    said(bot, "/done e 2026-11-16")
    words = said(bot, f"/quick e {B} {L} {SD} on=2026-11-26")  # 10 days after the session
    assert "⚠ Imaging 10 days after the intervention of 2026-11-16" in words
    kinds = [(u.reminder.kind, u.reminder.fires_at.date().isoformat())
             for u in store.upcoming_reminders(ME)]  # fmt: skip
    assert ("imaging_due", "2026-12-14") in kinds  # 4 weeks after the session


def test_early_imaging_is_not_the_sessions_follow_up_for_refractoriness(bot: Assistant) -> None:
    failing = "lipiodol=none necrosis=no new=no progression=no response=sd over50=yes"
    said(bot, f"/quick r {B} {L} on=2026-05-01")
    said(bot, "/done r 2026-05-04 deb")
    said(bot, f"/quick r {B} {L} {failing} on=2026-05-14")  # 10 days after: too early to read
    said(bot, "/done r 2026-06-25 deb")
    plan = first_line(bot, f"/quick r {B} {L} {failing} on=2026-08-01")
    assert "Not TACE-refractory." in plan


# -- 7. /done against a plan that does not intervene, and outside P5 ------------------------------


def test_done_against_a_no_tace_plan_names_the_contraindication(bot: Assistant) -> None:
    said(bot, "/quick c age=70 ecog=3 n=2 size=3.5 pvtt=none inr=1.1 ascites=none he=none "
              f"{L}")  # fmt: skip
    words = said(bot, "/done c")
    assert "contraindicated: ECOG 3-4" in words
    assert "Nothing recorded." in words


def test_done_outside_the_p5_interval_records_with_a_warning(bot: Assistant, store: Store) -> None:
    said(bot, f"/quick w {B} {L} on=2026-04-01")
    said(bot, "/done w 2026-04-01")
    words = said(bot, "/done w 2026-05-01")  # 30 days after: before the 50 of P5
    assert words.startswith("Recorded for w: cTACE on 2026-05-01")
    assert "⚠ 30 days after the previous session (2026-04-01): outside the P5 interval" in words
    assert "outside the P5 interval" not in said(bot, "/done w 2026-06-20")  # 50 days after
    late = said(bot, "/done w 2026-09-21")  # a day past 3 months
    assert "⚠ 93 days after the previous session (2026-06-20): outside the P5 interval" in late


def test_done_three_months_after_is_inside_the_p5_interval(bot: Assistant) -> None:
    said(bot, f"/quick w {B} {L} on=2026-06-01")
    said(bot, "/done w 2026-06-20")
    assert "outside the P5 interval" not in said(bot, "/done w 2026-09-20")


# -- 10. the picture's words and the timeline's order ---------------------------------------------


def test_the_picture_names_a_closed_window_closed_and_an_open_one_open() -> None:
    start, end = date(2026, 10, 1), date(2026, 11, 15)
    assert words.window(start, end, date(2026, 11, 30)) == "window closed"
    assert words.window(start, end, date(2026, 11, 15)) == "window open"
    assert words.window(start, end, date(2026, 10, 1)) == "window open"
    assert words.window(start, end, date(2026, 9, 30)) == "next window"


def test_the_picture_says_super_selective_not_selective() -> None:
    assert words.decision("tace", "superselective") == "super-selective TACE"
    assert words.decision("tace", "lobar") == "lobar TACE"
    assert "ultra-selective" in words.decision("simple_tace", "superselective")


def test_a_session_on_its_plans_day_follows_the_plan_in_the_timeline(bot: Assistant) -> None:
    said(bot, f"/quick s {B} {L} on=2026-11-20")
    said(bot, "/done s 2026-11-20")
    lines = said(bot, "/patient s").splitlines()
    plan = next(i for i, line in enumerate(lines) if line.startswith("2026-11-20 plan"))
    session = next(i for i, line in enumerate(lines) if line.startswith("2026-11-20 session"))
    assert plan < session


# -- 11. a follow-up entered late keeps its imaging day --------------------------------------------


def test_followup_asks_the_imaging_day_and_saves_the_plan_on_it(
    bot: Assistant, store: Store
) -> None:
    said(bot, f"/quick k {B} {L} on=2026-09-01")
    said(bot, "/done k 2026-09-10")
    early = run(bot, "/followup k", "2026-09-05").messages[-1].text
    assert "That is before the intervention (2026-09-10)" in early
    run(bot, "2026-10-20", "sparse", "no", "no", "no", "sd", "/skip")
    run(bot, "1.0 mg", "4.0 g/dL", "1.1", "none", "none", "40", "/skip", "/skip", "/skip",
        "confirm")  # fmt: skip
    patient = store.find_patient(ME, "k")
    assert patient is not None
    assert store.patient_assessments(ME, patient.id)[-1].measured_on == date(2026, 10, 20)


def test_followup_imaging_day_before_the_latest_entry_is_asked_again(bot: Assistant) -> None:
    said(bot, f"/quick k {B} {L} on=2026-09-01")
    said(bot, "/done k 2026-09-10")
    said(bot, f"/quick k {B} {L} {SD} on=2026-10-20")
    words = run(bot, "/followup k", "2026-10-15").messages[-1].text
    assert "before the latest entry of the course (2026-10-20)" in words
    assert bot.dialogue_step(ME, ME) == "measured_on"


def test_a_holds_reimaging_counts_from_the_imaging_day(bot: Assistant, store: Store) -> None:
    said(bot, f"/quick z {B} {L} on=2026-10-01")
    said(bot, "/done z 2026-10-05")
    said(bot, f"/quick z {B} {L} lipiodol=dense necrosis=yes new=no progression=no "
              "on=2026-11-10")  # fmt: skip
    months = DEFAULT_SETTINGS.reimaging_after_hold_months
    due = add_months(date(2026, 11, 10), months).isoformat()
    kinds = [(u.reminder.kind, u.reminder.fires_at.date().isoformat())
             for u in store.upcoming_reminders(ME)]  # fmt: skip
    assert ("imaging_due", due) in kinds
