"""The patient's course (issue 12): sessions recorded with /done, follow-ups that know the course,
baseline and history from the store, the course at a glance; in-process with a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.actions import Act, Action, Message
from bot.assistant import Assistant, Reply
from bot.course import read_course
from bot.settings import Settings
from bot.store import Store

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
ME = 7
BASE = "age=70 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 ascites=none he=none"
"""A plain case (two 3.5 cm HCC nodules, Child-Pugh A5): super-selective TACE, BCLC B."""
STABLE = "lipiodol=sparse necrosis=no new=no progression=no response=sd"
"""Findings on which follow-up alone would treat again (sparse lipiodol, stable disease)."""
NEW_LESIONS = "lipiodol=dense necrosis=yes new=yes progression=no"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "course.db", clock=lambda: NOW) as opened:
        yield opened  # type: ignore[misc]


@pytest.fixture
def bot(store: Store, tmp_path: Path) -> Assistant:
    return Assistant(store, Settings(LIVERBOT_DB=tmp_path / "course.db"), clock=lambda: NOW)


def say(bot: Assistant, line: str) -> list[Message]:
    return bot.handle(ME, ME, line).messages


def said(bot: Assistant, line: str) -> str:
    return "\n".join(m.text for m in say(bot, line))


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def sessions(store: Store, label: str = "bed7") -> list[tuple[date, str]]:
    patient = store.find_patient(ME, label)
    assert patient is not None
    return [(s.done_on, s.technique) for s in store.sessions(ME, patient.id)]


def pending(store: Store) -> list[tuple[str, str]]:
    return [
        (u.label, f"{u.reminder.kind}@{u.reminder.fires_at.date().isoformat()}")
        for u in store.upcoming_reminders(ME)
    ]


# -- /done ------------------------------------------------------------------------------------------


def test_done_records_the_session_cancels_the_plans_reminders_and_reminds_of_imaging(
    bot: Assistant, store: Store
) -> None:
    said(bot, f"/quick bed7 {BASE} last=30d on=5d")  # a plan with imaging and window reminders
    assert {k.split("@")[0] for _, k in pending(store)} >= {"window_opens", "window_closes"}
    reply = bot.handle(ME, ME, "/done bed7 3d deb")
    (words,) = [m.text for m in reply.messages]
    assert words.startswith(f"Recorded for bed7: DEB-TACE on {days_ago(3).isoformat()}")
    assert "The plan's reminders are cancelled." in words
    imaging = days_ago(3) + timedelta(weeks=4)
    assert pending(store) == [("bed7", f"imaging_due@{imaging.isoformat()}")]
    assert sessions(store) == [(days_ago(3), "deb")]
    assert reply.to_schedule  # the channel reschedules what changed


def test_done_without_technique_takes_it_from_the_plan_and_date_defaults_to_today(
    bot: Assistant, store: Store
) -> None:
    said(bot, f"/quick bed7 {BASE}")
    assert said(bot, "/done bed7").startswith(f"Recorded for bed7: cTACE on {TODAY.isoformat()}")
    patient = store.find_patient(ME, "bed7")
    assert patient is not None
    latest = store.latest_assessment(ME, patient.id)
    assert latest is not None
    assert [s.assessment_id for s in store.sessions(ME, patient.id)] == [latest.id]


def test_overdue_imaging_after_a_session_entered_late_is_due_today(
    bot: Assistant, store: Store
) -> None:
    said(bot, f"/quick bed7 {BASE} on=70d")
    said(bot, "/done bed7 60d")
    assert pending(store) == [("bed7", f"imaging_due@{TODAY.isoformat()}")]


@pytest.mark.parametrize(
    ("line", "starts"),
    [
        ("/done nobody", "No patient nobody: nothing recorded."),
        ("/done bed7 2d tare", "⚠ 'tare' is not a technique (ctace, deb, bland, ethanol)"),
        ("/done bed7 2027-01-01", "⚠ 2027-01-01: That date is in the future"),
        (
            "/done bed7 20d",
            "⚠ 2026-11-10 is before bed7's latest entry (2026-11-20): enter the "
            "course in date order",
        ),
        ("/done bed7 10d", "⚠ bed7 already has a session on 2026-11-20"),
        ("/done bed7 1d 2d", "⚠ Give one date."),
    ],
)
def test_bad_done_gets_one_line_and_records_nothing(
    bot: Assistant, store: Store, line: str, starts: str
) -> None:
    said(bot, f"/quick bed7 {BASE} on=30d")
    said(bot, "/done bed7 2026-11-20")
    before = (sessions(store), pending(store))
    reply = bot.handle(ME, ME, line)
    (message,) = reply.messages
    assert message.text.startswith(starts)
    assert "\n" not in message.text
    assert (sessions(store), pending(store)) == before
    assert reply.to_schedule == []


def test_done_for_a_plan_that_does_not_intervene_needs_the_technique(
    bot: Assistant, store: Store
) -> None:
    said(bot, f"/quick bed7 {BASE} last=20d lipiodol=dense necrosis=yes new=no progression=no")
    words = said(bot, "/done bed7")
    assert "does not intervene: name the technique" in words
    assert sessions(store) == []
    assert said(bot, "/done bed7 ethanol").startswith("Recorded for bed7: ethanol injection")


def test_another_clinicians_patient_is_unknown_to_done(bot: Assistant, store: Store) -> None:
    bot.handle(99, 99, f"/quick bed7 {BASE}")
    assert said(bot, "/done bed7").startswith("No patient bed7")


# -- the plan's Done buttons -------------------------------------------------------------------------


def saved_message(messages: list[Message]) -> Message:
    return next(m for m in messages if "\n✅ Saved for" in m.text)  # the plan, saved: one message


def test_a_plan_that_intervenes_has_done_buttons_and_one_press_records_once(
    bot: Assistant, store: Store
) -> None:
    saved = saved_message(say(bot, f"/quick bed7 {BASE}"))
    assert [b.label for b in saved.buttons][:2] == ["Done today", "Done on another day"]
    today = saved.buttons[0].action
    assert bot.press(ME, ME, today).messages[0].text.startswith("Recorded for bed7: cTACE on")
    again = bot.press(ME, ME, today).messages[0].text
    assert again.startswith("Already recorded: cTACE on")
    assert sessions(store) == [(TODAY, "ctace")]
    assert bot.press(99, 99, today).messages[0].text.startswith("That plan is no longer there")


def test_done_on_another_day_offers_days_then_records_that_day(
    bot: Assistant, store: Store
) -> None:
    saved = saved_message(say(bot, f"/quick bed7 {BASE} on=5d"))
    (question,) = bot.press(ME, ME, saved.buttons[1].action).messages
    assert [b.label for b in question.buttons] == ["Yesterday", "2 days ago", "3 days ago"]
    assert "/done bed7 DATE" in question.text
    bot.press(ME, ME, question.buttons[1].action)
    assert sessions(store) == [(days_ago(2), "ctace")]


def test_a_replaced_plans_done_button_records_nothing(bot: Assistant, store: Store) -> None:
    old = saved_message(say(bot, f"/quick bed7 {BASE}"))
    said(bot, f"/quick bed7 {BASE} ast=50")
    words = bot.press(ME, ME, old.buttons[0].action).messages[0].text
    assert words.startswith("A newer plan replaced that one: nothing recorded.")
    assert sessions(store) == []


def test_a_plan_that_does_not_intervene_has_no_done_buttons(bot: Assistant) -> None:
    line = f"/quick bed7 {BASE} last=20d lipiodol=dense necrosis=yes new=no progression=no"
    saved = saved_message(say(bot, line))
    assert "hold" in said(bot, "/patients")
    assert [b.label for b in saved.buttons] == ["Follow-up", "Reminders"], "no Done"


# -- history from the store ---------------------------------------------------------------------------


def test_art_from_the_course_stops_tace_with_no_history_typed(bot: Assistant) -> None:
    said(bot, f"/quick bed7 {BASE} ast=40 on=70d")
    said(bot, "/done bed7 60d")
    plan = say(bot, f"/quick bed7 {BASE} ast=80 {STABLE}")[0].text
    assert plan.startswith("No TACE · bed7")
    assert "ART score 5: stop TACE" in plan
    assert "TACE sessions 1" in plan
    assert f"Last treatment {days_ago(60).isoformat()}" in plan


def test_art_below_the_cut_off_goes_on(bot: Assistant) -> None:
    said(bot, f"/quick bed7 {BASE} ast=40 on=70d")
    said(bot, "/done bed7 60d")
    plan = say(bot, f"/quick bed7 {BASE} ast=44 {STABLE}")[0].text
    assert not plan.startswith("No TACE")
    assert "ART score 1" in plan


def test_two_failing_follow_ups_after_two_sessions_make_refractory(bot: Assistant) -> None:
    said(bot, f"/quick bed7 {BASE} on=150d")
    said(bot, "/done bed7 140d")
    first = say(bot, f"/quick bed7 {BASE} {NEW_LESIONS} on=100d")[0].text
    assert not first.startswith("No TACE")
    said(bot, "/done bed7 90d deb")
    second = say(bot, f"/quick bed7 {BASE} {NEW_LESIONS}")[0].text
    assert second.startswith("No TACE · bed7")
    assert "TACE-refractory" in second
    assert "2 follow-up(s) in a row" in second


def test_one_failing_follow_up_per_session_counts_not_two_scans_after_one(
    bot: Assistant,
) -> None:
    said(bot, f"/quick bed7 {BASE} on=150d")
    said(bot, "/done bed7 140d")
    said(bot, f"/quick bed7 {BASE} {NEW_LESIONS} on=100d")
    second = say(bot, f"/quick bed7 {BASE} {NEW_LESIONS}")[0].text
    assert "Not TACE-refractory." in second


def test_last_and_sessions_given_must_agree_with_the_course(bot: Assistant, store: Store) -> None:
    said(bot, f"/quick bed7 {BASE} on=70d")
    said(bot, "/done bed7 60d")
    before = len(store.patient_assessments(ME, 1))
    wrong = said(bot, f"/quick bed7 {BASE} last=50d {STABLE}")
    assert f"last={days_ago(50).isoformat()} disagrees with the last recorded session" in wrong
    assert "sessions=3 disagrees" in said(bot, f"/quick bed7 {BASE} sessions=3 {STABLE}")
    assert len(store.patient_assessments(ME, 1)) == before
    agreeing = say(bot, f"/quick bed7 {BASE} last=60d sessions=1 {STABLE}")[0].text
    assert "TACE sessions 1" in agreeing


def test_on_must_follow_the_course_in_date_order(bot: Assistant) -> None:
    said(bot, f"/quick bed7 {BASE} on=70d")
    said(bot, "/done bed7 60d")
    words = said(bot, f"/quick bed7 {BASE} on=65d")
    assert f"is before bed7's latest entry ({days_ago(60).isoformat()})" in words
    assert "Nothing was planned or saved" in words
    assert "That date is in the future" in said(bot, f"/quick bed7 {BASE} on=2027-02-01")


def test_imaging_under_three_weeks_after_a_session_is_used_with_a_caution(
    bot: Assistant,
) -> None:
    said(bot, f"/quick bed7 {BASE} on=30d")
    said(bot, "/done bed7 12d")
    words = said(bot, f"/quick bed7 {BASE} {STABLE}")
    assert f"⚠ Imaging 12 days after the intervention of {days_ago(12).isoformat()}" in words
    assert "Saved for bed7" in words
    calm = said(bot, f"/quick bed8 {BASE} last=30d {STABLE}")
    assert "⚠ Imaging" not in calm


def test_contradicting_findings_in_a_line_are_refused(bot: Assistant, store: Store) -> None:
    words = said(bot, f"/quick bed7 {BASE} last=40d lipiodol=dense necrosis=yes new=yes "
                      "progression=no response=cr")  # fmt: skip
    assert "CR means no viable tumour and no new lesion" in words
    assert store.find_patient(ME, "bed7") is None


# -- the follow-up dialogue ----------------------------------------------------------------------------


def run(bot: Assistant, *inputs: str) -> Reply:
    reply = Reply()
    for item in inputs:
        reply = bot.handle(ME, ME, item)
    return reply


def test_followup_takes_the_last_session_from_the_course_and_reuses_labs_with_their_date(
    bot: Assistant, store: Store
) -> None:
    said(bot, f"/quick bed7 {BASE} ast=40 on=70d")
    said(bot, "/done bed7 60d")
    said(bot, f"/quick bed7 {BASE} ast=40 {STABLE} on=30d")  # labs after the session
    first = run(bot, "/followup bed7").messages[-1].text
    assert first.startswith("bed7 · follow-up · 1/")
    assert "Date of the follow-up imaging?" in first  # the last intervention was not asked
    run(bot, "/skip", "sparse", "no", "no", "no", "sd", "/skip")
    labs = bot.resume_prompt(ME, ME)
    assert labs is not None
    assert "Latest, as on 31 Oct 2026: Bilirubin 1 mg/dL" in labs.text
    assert [b.label for b in labs.buttons] == ["Reuse latest", "Enter new"]
    reply = run(bot, "reuse", "/skip", "confirm")  # recovery date skipped
    plan = reply.messages[0].text
    assert "TACE sessions 1" in plan
    assert "AST 40" in plan
    again = run(bot, "/followup bed7").messages[-1].text  # reused labs keep their own date
    assert again.startswith("bed7 · follow-up · 1/")
    run(bot, "/skip", "sparse", "no", "no", "no", "sd", "/skip")
    labs = bot.resume_prompt(ME, ME)
    assert labs is not None
    assert "Latest, as on 31 Oct 2026:" in labs.text


def test_followup_with_new_labs_asks_them(bot: Assistant) -> None:
    said(bot, f"/quick bed7 {BASE} ast=40 on=70d")
    said(bot, "/done bed7 60d")
    run(bot, "/followup bed7", "/skip", "sparse", "no", "no", "no", "sd", "/skip", "new")
    assert bot.dialogue_step(ME, ME) == "bilirubin"
    plan = run(
        bot,
        "1.0 mg",
        "4.0 g/dL",
        "1.1",
        "none",
        "none",
        "80",
        "/skip",
        "/skip",
        "/skip",
        "confirm",
    )
    assert "ART score 5: stop TACE" in plan.messages[0].text


def test_followup_contradiction_is_asked_again(bot: Assistant) -> None:
    said(bot, f"/quick bed7 {BASE} on=70d")
    said(bot, "/done bed7 60d")
    reply = run(bot, "/followup bed7", "/skip", "dense", "yes", "yes", "no", "cr")
    assert "CR means no viable tumour and no new lesion" in reply.messages[-1].text
    assert bot.dialogue_step(ME, ME) == "response"


def test_followup_without_sessions_asks_the_last_intervention(bot: Assistant) -> None:
    said(bot, f"/quick bed7 {BASE}")
    assert "Date of the last intervention?" in run(bot, "/followup bed7").messages[-1].text


# -- the course at a glance ----------------------------------------------------------------------------


def test_patient_shows_plans_sessions_follow_ups_window_and_next_reminder(
    bot: Assistant,
) -> None:
    said(bot, f"/quick bed7 {BASE} on=70d")
    said(bot, "/done bed7 60d")
    said(bot, f"/quick bed7 {BASE} lipiodol=dense necrosis=no new=no progression=no response=pr")
    lines = said(bot, "/patient bed7").splitlines()
    assert lines[0] == "bed7, the course:"
    assert lines[1].startswith(f"{days_ago(70).isoformat()} plan: super-selective TACE")
    assert lines[2] == f"{days_ago(60).isoformat()} session: cTACE"
    assert lines[3].startswith(f"{TODAY.isoformat()} follow-up, PR: ")
    assert lines[4].startswith("Window: ")
    assert lines[5].startswith("Next reminder: ")


# -- reading the course ---------------------------------------------------------------------------------


def test_the_course_as_of_a_day_sees_only_what_came_before(bot: Assistant, store: Store) -> None:
    said(bot, f"/quick bed7 {BASE} ast=40 on=150d")
    said(bot, "/done bed7 140d")
    said(bot, f"/quick bed7 {BASE} {NEW_LESIONS} viable=40 on=100d")
    said(bot, "/done bed7 90d")
    patient = store.find_patient(ME, "bed7")
    assert patient is not None
    assessments = store.patient_assessments(ME, patient.id)
    all_sessions = store.sessions(ME, patient.id)
    now = read_course(assessments, all_sessions, TODAY)
    assert (now.tace_sessions, now.last.done_on if now.last else None) == (2, days_ago(90))
    assert now.baseline == {"child_pugh_points": 5, "ast": 40.0, "pvtt": "none",
                            "extrahepatic": False}  # fmt: skip
    assert [f["new_lesions"] for f in now.previous_followups] == [True]
    assert now.nadir_viable_sum_mm == 40.0
    then = read_course(assessments, all_sessions, days_ago(120))
    assert (then.tace_sessions, then.previous_followups) == (1, [])
    assert read_course(assessments, all_sessions, days_ago(145)).answers() == {}


def test_help_lists_every_quick_key_with_its_values() -> None:
    from bot.commands import help_text
    from flows.quick import KEYS

    words = help_text()
    for key in [*KEYS, "on"]:
        assert f"{key}:" in words or f"|{key}:" in words or f"{key}|" in words, key
    assert "/done [LABEL] [DATE] [ctace|deb|bland|ethanol]" in words


def test_the_readme_lists_every_quick_key() -> None:
    from flows.quick import KEYS

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for key in [*KEYS, "on"]:
        assert f"`{key}`" in readme or f"`{key}=" in readme, key
    assert "/done LABEL" in readme


def test_act_values_fit_the_callback_data() -> None:
    from bot.tg.callbacks import callback_data, decode

    for act in (Act.SESSION_DONE, Act.SESSION_OTHER_DAY):
        action = Action(act=act, target=123456789, value="3d")
        assert decode(callback_data(action)) == action


def test_done_when_from_the_terminal_chat_alone(tmp_path: Path) -> None:
    """Issue 12's "Done when", typed into `liverbot chat` (the real program, stdin piped)."""
    from tests.test_terminal import chat

    script = "\n".join(
        [
            f"/quick bed7 {BASE} ast=40 on=70d",
            "/done bed7 60d",
            "/reminders",
            f"/quick bed7 {BASE} ast=80 {STABLE}",
            "/patient bed7",
            f"/quick bed8 {BASE} on=150d",
            "/done bed8 140d",
            f"/quick bed8 {BASE} {NEW_LESIONS} on=100d",
            "/done bed8 90d",
            f"/quick bed8 {BASE} {NEW_LESIONS}",
            "/patient bed8",
        ]
    )
    done = chat(tmp_path / "chat.db", script + "\n")
    assert (done.returncode, done.stderr) == (0, "")
    out = done.stdout
    reminders = out.split("Upcoming reminders:\n", 1)[1].split("\n\n", 1)[0]
    assert "bed7: follow-up imaging due" in reminders
    lines = out.splitlines()
    plans = [lines[i - 1] for i, line in enumerate(lines) if line.startswith("Child-Pugh ")]
    assert len(plans) == 5
    assert plans[1].startswith("No TACE · bed7")
    assert "ART score 5: stop TACE" in out
    assert plans[4].startswith("No TACE · bed8")
    assert "Here: 2 follow-up(s) in a row" in out
    bed7 = out.split("bed7, the course:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split(" ", 1)[1].split(":")[0] for line in bed7[:3]] == [
        "plan", "session", "follow-up, SD",
    ]  # fmt: skip
    bed8 = out.split("bed8, the course:\n", 1)[1].split("\n\n", 1)[0]
    assert bed8.count("session: cTACE") == 2


def test_of_two_follow_ups_after_one_session_only_the_later_is_previous(
    bot: Assistant, store: Store
) -> None:
    said(bot, f"/quick bed7 {BASE} on=150d")
    said(bot, "/done bed7 140d")
    said(bot, f"/quick bed7 {BASE} {NEW_LESIONS} on=120d")
    said(bot, f"/quick bed7 {BASE} {STABLE} on=110d")
    said(bot, "/done bed7 90d")
    patient = store.find_patient(ME, "bed7")
    assert patient is not None
    course = read_course(
        store.patient_assessments(ME, patient.id), store.sessions(ME, patient.id), TODAY
    )
    assert [(f["new_lesions"], f["response"]) for f in course.previous_followups] == [
        (False, "sd"),
    ]  # fmt: skip


def test_a_new_lesion_after_a_complete_response_is_asked_again() -> None:
    """Going /back from CR to the new-lesion question: yes contradicts the CR kept in the answers."""
    from flows.parsing import Invalid
    from flows.questions import BY_ID

    for finding in ("new_lesions", "progression"):
        with pytest.raises(Invalid, match="CR means no viable tumour"):
            BY_ID[finding].parse("yes", {"response": "cr"}, TODAY)
        assert BY_ID[finding].parse("yes", {"response": "pd"}, TODAY) is True
        assert BY_ID[finding].parse("no", {"response": "cr"}, TODAY) is False
