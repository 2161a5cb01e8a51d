"""The assistant behind every channel: commands, dialogues, storage and reminders for one clinician.

The terminal and Telegram both hand typed text to `Assistant.handle` and presses (typed `Action`s,
never text) to `Assistant.press`, and show the neutral `Message`s it returns, so the two channels
cannot drift apart. The dialogue state is written to SQLite after every input: our table, not a
framework's periodic persistence, is the source of truth.

Why input is checked the way it is (issue 10): an answer must never land in the wrong place. A press
carries the id and step of the dialogue that offered it and is refused when that dialogue is no
longer the current one or has moved on; an unfinished dialogue is never replaced without asking; a
new plan cancels the reminders of the plan it replaces in the same transaction that saves it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import lang
from bot.actions import DIALOGUE_ACTS, Act, Action, Attachment, Button, Message
from bot.calendar_ics import calendar_for, entries
from bot.commands import BY_NAME, PURPOSE, QUICK_EXAMPLE, find, help_text, language_named
from bot.course import (
    baseline_candidates,
    imaging_caution,
    imaging_still_due,
    latest_labs,
    out_of_order,
    read_course,
)
from bot.course_commands import (
    DONE_USAGE,
    TECHNIQUE_WORDS,
    SessionRefused,
    done_buttons,
    other_day_question,
    read_done_words,
    record_session,
    timeline,
)
from bot.course_view import course_timeline
from bot.files import File
from bot.language import language_for
from bot.pictures.timeline import render_png
from bot.settings import Settings
from bot.store import DueReminder, Patient, Reminder, Store, Technique
from bot.wording import reminder_word
from flows.engine import SUMMARY, Dialogues, Finished, Outgoing, Turn, flow_words
from flows.parsing import Invalid, label_warning, parse_label
from flows.questions import COURSE_FLOOR, HISTORY_QUESTIONS, LAB_IDS
from flows.quick import KnownCourse, QuickCheck, parse_quick, problems_message, syntax
from flows.render import (
    MESSAGE_LIMIT,
    Layout,
    Section,
    layout_text,
    window_status,
    words_for,
)
from flows.state import DialogueState
from lang import LANGUAGES, N_, _, ngettext
from lang.formats import day
from planner import PLANNER_VERSION, Case, reminders_for
from planner.decide import INTERVENING
from planner.schedule import ReminderSpec

log = logging.getLogger(__name__)

FORGOTTEN = N_("Deleted for good, with every plan and reminder.")
LATE_AFTER = timedelta(minutes=15)
"""A reminder sent this long after its time says it is late, and by how much (one missed while
the bot was down: from a minute late, since it is known to have waited)."""
OTHER_DIALOGUE = N_(
    "That button belongs to a dialogue that is over or was replaced: nothing changed."
)
ANSWERED = N_("That question was already answered: nothing changed.")
NEW_LABEL = N_("Send the new label for this patient: a pseudonym, e.g. bed8 (or /cancel).")
NO_LONGER_OFFERED = N_("That button is no longer offered: nothing changed.")
CONTINUE_WORDS = frozenset({"continue", "keep going", "继续"})
RESTART_WORDS = frozenset({"start over", "restart", "重新开始"})
"""Typed instead of tapping Continue / Start over, in every language spoken."""
HISTORY = frozenset({q.id for q in HISTORY_QUESTIONS} | {"earlier", "labs", "latest_labs",
                                                         "course", "measured_on",
                                                         COURSE_FLOOR})  # fmt: skip
"""Answers a follow-up asks afresh or takes from the course; the patient's other answers (tumour,
age, ECOG) are carried over from the last plan, and the labs are asked or reused with their date."""
MEASURED_ON = "measured_on"
"""The answer holding `on=`: the day the values were measured (absent: today)."""
PAGE_SIZE = 8
"""Patients a bare /patient offers at once (most recent first), with Next for the rest."""
PICKER_QUESTIONS = {
    "patient": N_("Whose plans?"),
    "followup": N_("Follow-up findings for which patient?"),
    "forget": N_("Delete which patient for good? (you confirm next)"),
}
"""What a bare command asks over its patient buttons; a command not listed asks `WHICH_PATIENT`."""
WHICH_PATIENT = N_("Which patient?")
"""Declared apart: Babel does not extract a marker nested in another call's arguments."""
START_BUTTONS = (
    (N_("New patient"), "new"),
    (N_("Quick check"), "quick"),
    (N_("My patients"), "patients"),
)
NO_PATIENTS = N_("No patients yet: /new or /quick LABEL ... saves one.")
TUMOUR_WORDS = {
    "hcc": "HCC",
    "icc": N_("cholangiocarcinoma"),
    "metastasis": N_("metastases"),
    "other": N_("another tumour"),
}
"""The tumour types of the contract (`planner.models.TumourType`), as a label conflict names them."""


@dataclass
class Reply:
    """What to send back, what changed, and where the chat's dialogue now stands."""

    messages: list[Message] = field(default_factory=list)
    dialogue: int | None = None
    """The chat's dialogue after this input (None: none in progress)."""
    step: str | None = None
    """Its state: a channel keeps only the buttons of this dialogue and step."""
    saved_assessment: int | None = None
    to_schedule: list[int] = field(default_factory=list)
    """Reminders added, moved or cancelled by this input, for the channel to (re)schedule."""
    stale: str | None = None
    """A press refused (another dialogue's, or an answered question's): why; nothing changed."""
    language: str = ""
    """The language the reply speaks (after /language: the new one), for the channel's own
    words around it (a refusal, the choice shown on a pressed button); set by every turn."""


def plain(state: DialogueState) -> DialogueState:
    """The state with every side question dropped: an input to the dialogue itself answers it."""
    return state.model_copy(
        update={"replacing": None, "label_conflict": None, "label_confirmed": False,
                "awaiting_label": False}
    )  # fmt: skip


SIDE_LABELS = {
    Act.CONTINUE: N_("Continue"),
    Act.RESTART: N_("Start over"),
    Act.SAME_PATIENT: N_("Same patient"),
    Act.NEW_LABEL: N_("New label"),
}


def side_question(state: DialogueState, words: str, *acts: Act) -> Message:
    """A question about the dialogue itself (Continue / Start over, Same patient / New label),
    its buttons tied to the dialogue and step like its answers, so an old one is refused too."""
    buttons = [
        Button(
            label=_(SIDE_LABELS[act]), action=Action(act=act, dialogue=state.id, step=state.state)
        )
        for act in acts
    ]
    return Message(text=words, buttons=buttons)


def asked_again(question: Message) -> Message:
    """A side question asked again after typed text, which does not answer it."""
    first, second = (b.label for b in question.buttons)  # a side question has two
    # TRANSLATORS: {first} and {second} are the two buttons, e.g. Continue and Start over.
    words = _("Tap {first} or {second} first (or /cancel).").format(first=first, second=second)
    return question.model_copy(update={"text": f"{words}\n{question.text}"})


def text(words: str) -> Reply:
    """A reply of one plain message."""
    return Reply([Message(text=words)])


def duration(delta: timedelta) -> str:
    """`2 d 3 h`, `3 h 5 min`, `12 min`: how late, to the minute."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("{days} d {hours} h").format(days=days, hours=hours)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=mins)
    return _("{minutes} min").format(minutes=mins)


class Assistant:
    """Routes one clinician's input to a command or to their dialogue in progress."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        dialogues: Dialogues | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.settings = settings
        self.dialogues = dialogues or Dialogues()
        self.clock = clock

    def today(self) -> date:
        """Today in the clinic's time zone."""
        return self.clock().astimezone(self.settings.zone).date()

    # -- entry ----------------------------------------------------------------------------------

    def language(self, owner_id: int, language_code: str | None = None) -> str:
        """The language `owner_id` is spoken to in (`bot.language.language_for`)."""
        return language_for(self.store, self.settings, owner_id, language_code)

    def handle(
        self,
        owner_id: int,
        chat_id: int,
        typed: str,
        language_code: str | None = None,
        language: str | None = None,
    ) -> Reply:
        """Typed text from a clinician; never raises for anything they can type.

        Text is only ever a command, an answer, or a quick-check line: never a press. The reply
        speaks `language` when the channel insists on one (the terminal's `--lang`), else the
        clinician's (`language_code`: the one their Telegram app sent, if any).
        """
        spoken = language or self.language(owner_id, language_code)
        return self._turn(spoken, lambda: self._typed(owner_id, chat_id, typed), owner_id, chat_id)

    def press(
        self,
        owner_id: int,
        chat_id: int,
        action: Action,
        language_code: str | None = None,
        language: str | None = None,
    ) -> Reply:
        """A press of a button this assistant offered: refused, changing nothing, when stale."""
        spoken = language or self.language(owner_id, language_code)
        return self._turn(
            spoken, lambda: self._pressed(owner_id, chat_id, action), owner_id, chat_id
        )

    def _turn(self, spoken: str, run: Callable[[], Reply], owner_id: int, chat_id: int) -> Reply:
        """One input handled in the clinician's language, decided once for the whole turn."""
        with lang.use(spoken) as code:
            reply = self._where(owner_id, chat_id, run())
        if not reply.language:  # not switched by /language during the turn
            reply.language = code
        return reply

    def _where(self, owner_id: int, chat_id: int, reply: Reply) -> Reply:
        """The reply with the chat's dialogue and step as they are now, after the input."""
        state = self._load(owner_id, chat_id)
        if state is not None:
            reply.dialogue, reply.step = state.id, state.state
        return reply

    def _typed(self, owner_id: int, chat_id: int, typed: str) -> Reply:
        word = typed.replace("\u3000", " ").strip()  # a Chinese input method's full-width space
        head, _space, rest = word.partition(" ")
        command = find(head)
        state = self._load(owner_id, chat_id)
        if command is not None and not (command.in_dialogue and state is not None):
            if command.picks_patient and not rest.strip():
                return self._pick_patient(owner_id, command.name)
            argument = word if command.name == "quick" else rest
            handler: Callable[[int, int, str], Reply] = getattr(self, f"_{command.handler}")
            return handler(owner_id, chat_id, argument)
        if state is None:
            if not word:
                return self._help(owner_id, chat_id, "")
            if ("=" in word or "＝" in word) and not head.startswith(("/", "／")):
                return self._quick(owner_id, chat_id, word)
            return text(_("Send /new for an assessment or /quick for a quick check. /help lists "
                          "everything."))  # fmt: skip
        if state.replacing is not None and command is None:
            return self._on_replace_words(owner_id, chat_id, state, word)
        if state.awaiting_label and command is None:
            return self._on_new_label(owner_id, chat_id, state, word)
        if state.label_conflict is not None and command is None:
            return Reply([asked_again(self._label_question(state))])
        turn = self.dialogues.handle(plain(state), word, self.today())
        return self._run(owner_id, chat_id, turn)

    def _pressed(self, owner_id: int, chat_id: int, action: Action) -> Reply:
        if action.act in DIALOGUE_ACTS:
            state = self._load(owner_id, chat_id)
            if state is None or state.id != action.dialogue:
                return Reply(stale=_(OTHER_DIALOGUE))
            if state.state != action.step:
                return Reply(stale=_(ANSWERED))
            if action.act is Act.CONTINUE:
                return self._continue(owner_id, chat_id, state)
            if action.act is Act.RESTART:
                return self._restart(owner_id, chat_id, state)
            if action.act in (Act.SAME_PATIENT, Act.NEW_LABEL):
                return self._label_answer(owner_id, chat_id, state, action.act)
            turn = self.dialogues.handle(plain(state), action.value, self.today())
            return self._run(owner_id, chat_id, turn)
        if action.act is Act.FORGET:
            return self._forget_confirmed(owner_id, chat_id, action.target)
        if action.act in (Act.RUN, Act.PICK, Act.PAGE):
            return self._command_press(owner_id, chat_id, action)
        if action.act in (Act.PLAN_FOLLOW_UP, Act.PLAN_REMINDERS):
            return self._plan_press(owner_id, chat_id, action)
        if action.act in (Act.SESSION_DONE, Act.SESSION_OTHER_DAY):
            return self._plan_done(owner_id, chat_id, action)
        if action.act is Act.LANGUAGE:
            if action.value not in LANGUAGES:
                return Reply(stale=_(NO_LONGER_OFFERED))
            return self._switch_language(owner_id, chat_id, action.value)
        return self._reminder_action(owner_id, chat_id, action.act, action.target)

    def reminder_message(self, reminder: Reminder, late: bool = False) -> Message | None:
        """What a reminder says when it fires, with its buttons; None if the patient is gone.

        One sent well after its time (the bot was down, or Telegram was unreachable) says so and
        by how much, since "imaging due" read two days late calls for a different hurry.
        """
        patient = self.store.patient(reminder.owner_id, reminder.patient_id)
        if patient is None:
            return None
        planned = day(reminder.due_at.astimezone(self.settings.zone).date())
        what = reminder_word(reminder.kind)
        words = _("Reminder for {label}: {what} ({day}).").format(
            label=patient.label, what=what, day=planned
        )
        behind = self.clock() - reminder.fires_at
        if behind >= (timedelta(minutes=1) if late else LATE_AFTER):
            late_words = _("Late by {duration}: it could not be sent on time.")
            words += "\n" + late_words.format(duration=duration(behind))
        buttons = [
            Button(label=_(label), action=Action(act=act, target=reminder.id))
            for act, label in (
                (Act.FOLLOW_UP, N_("Enter follow-up findings")),
                (Act.SNOOZE, N_("Snooze a day")),
                (Act.DONE, N_("Done")),
            )
        ]
        return Message(text=words, buttons=buttons)

    def current(self, owner_id: int, chat_id: int) -> Reply:
        """Where the chat stands: the question its dialogue waits on (none when there is none)."""
        prompt = self.resume_prompt(owner_id, chat_id)
        return self._where(owner_id, chat_id, Reply([prompt] if prompt is not None else []))

    def dialogue_step(self, owner_id: int, chat_id: int) -> str | None:
        """The state the chat's dialogue waits in (None: no dialogue in progress)."""
        state = self._load(owner_id, chat_id)
        return None if state is None else state.state

    def resume_prompt(self, owner_id: int, chat_id: int) -> Message | None:
        """The question a restored dialogue is waiting on, to send again after a restart."""
        state = self._load(owner_id, chat_id)
        if state is None:
            return None
        if state.replacing is not None:
            return self._replace_question(state)
        if state.label_conflict is not None:
            return self._label_question(state)
        if state.awaiting_label:
            return Message(text=_(NEW_LABEL))
        return self._message(self.dialogues.prompt(state), state)

    # -- dialogues ------------------------------------------------------------------------------

    def _load(self, owner_id: int, chat_id: int) -> DialogueState | None:
        raw = self.store.load_dialogue(owner_id, chat_id)
        if raw is None:
            return None
        try:
            return DialogueState.model_validate(raw)
        except ValueError:
            log.warning("unreadable dialogue state dropped: owner=%s", owner_id)
            self.store.clear_dialogue(owner_id, chat_id)
            return None

    def _message(self, out: Outgoing, state: DialogueState | None) -> Message:
        """A flow's message with its choices as answer buttons of this dialogue and step."""
        buttons = []
        if state is not None:
            buttons = [
                Button(
                    label=c.label,
                    action=Action(
                        act=Act.ANSWER, value=c.value, dialogue=state.id, step=state.state
                    ),
                )
                for c in out.choices
            ]
        return Message(
            text=out.text, buttons=buttons, numbered=out.numbered, layout=out.layout,
            columns=out.columns,
        )  # fmt: skip

    def _keep(self, owner_id: int, chat_id: int, state: DialogueState) -> DialogueState:
        """Save the dialogue state (a new dialogue gets its id first)."""
        if state.id == 0:
            state = state.model_copy(update={"id": self.store.new_dialogue_id(owner_id, chat_id)})
        self.store.save_dialogue(owner_id, chat_id, state.model_dump(mode="json"))
        return state

    def _run(self, owner_id: int, chat_id: int, turn: Turn) -> Reply:
        """Persist the turn's state first, then save a finished dialogue's plan.

        A plan about to be saved under a label whose last plan looks like another patient's is
        held at the summary instead, and Same patient / New label is asked first.
        """
        done = turn.finished
        if done is not None and done.final is not None:
            conflict = self._label_conflict(owner_id, done)
            if conflict is not None:
                update = {"label_conflict": conflict, "label_confirmed": False}
                held = self._keep(owner_id, chat_id, done.final.model_copy(update=update))
                return Reply([self._label_question(held)])
        reply = Reply()
        state = turn.state
        if state is not None:
            state = self._keep(owner_id, chat_id, state)
        else:
            self.store.clear_dialogue(owner_id, chat_id)
        reply.messages += [self._message(m, state) for m in turn.messages]
        if done is not None:
            reminder_id = done.final.reminder_id if done.final is not None else None
            self._save(owner_id, chat_id, done, reply, reminder_id)
        return reply

    def _save(
        self, owner_id: int, chat_id: int, done: Finished, reply: Reply, reminder_id: int | None
    ) -> None:
        """Save the plan with its reminders, superseding the previous plan's, all at once."""
        caution = self._imaging_caution(done)
        if caution is not None:  # on the plan's first screen: it says how far to trust it
            _add_status(reply, caution)
        still_due = self._imaging_still_due(done)
        if done.label is None:
            self.store.audit(owner_id, done.flow)
            _add_status(reply, _("Not saved (no label): add one, e.g. /quick bed7 ..., to get "
                                 "reminders."))  # fmt: skip
            return
        specs = reminders_for(Case.model_validate(done.case), done.plan)
        if still_due is not None and all(s.kind != still_due.kind for s in specs):
            specs = sorted([*specs, still_due], key=lambda s: s.due)
        due = [DueReminder(s.kind, self._at_reminder_time(s.due)) for s in specs]
        with self.store.transaction():  # the patient, its plan and reminders: all or nothing
            patient = self.store.get_or_create_patient(owner_id, done.label)
            if reminder_id is not None:
                self.store.mark_done(
                    owner_id, reminder_id
                )  # the follow-up it asked for is saved now
            superseded = self.store.cancel_for_patient(owner_id, patient.id)
            assessment_id = self.store.save_assessment(
                owner_id, patient.id, done.flow, done.answers, done.case,  # type: ignore[arg-type]
                done.plan.model_dump(mode="json"), PLANNER_VERSION,
                min((s.due for s in specs), default=None), measured_on=self._measured_on(done),
            )  # fmt: skip
            added = self.store.add_reminders(
                owner_id, patient.id, chat_id, due, assessment_id=assessment_id
            )
            self.store.audit(owner_id, f"{done.flow}_saved", patient_id=patient.id)
        reply.saved_assessment = assessment_id
        reply.to_schedule = sorted({*superseded, *(r.id for r in added)})
        ordered = sorted(specs, key=lambda s: s.due)
        saved = (
            _("✅ Saved for {label} (replaces the previous plan and its reminders)")
            if superseded
            else _("✅ Saved for {label}")
        )
        words = saved.format(label=done.label)
        if ordered:
            first = ordered[0]
            following = _("next: {what} {day}").format(
                what=reminder_word(first.kind.value), day=day(first.due)
            )
            words += f" · {following}"
        lines = [f"{day(s.due)} {reminder_word(s.kind.value)}" for s in ordered]
        buttons = self.plan_buttons(patient.id, assessment_id, done.plan.decision in INTERVENING)
        _add_status(reply, words, Section(title=_("Reminders"), lines=lines), buttons)

    def plan_buttons(self, patient_id: int, assessment_id: int, intervenes: bool) -> list[Button]:
        """What comes next under a saved plan, as channel-neutral actions: Done today / Done on
        another day when the plan intervenes (issue 12: they record the session), then that
        patient's Follow-up and Reminders."""
        follow = [
            Button(label=_(label), action=Action(act=act, target=patient_id))
            for act, label in ((Act.PLAN_FOLLOW_UP, N_("Follow-up")),
                               (Act.PLAN_REMINDERS, N_("Reminders")))
        ]  # fmt: skip
        return [*(done_buttons(assessment_id) if intervenes else []), *follow]

    def _measured_on(self, done: Finished) -> date:
        """The day a finished dialogue's values were measured: `on=`, else today."""
        day = done.answers.get(MEASURED_ON)
        return date.fromisoformat(day) if isinstance(day, str) else self.today()

    def _imaging_caution(self, done: Finished) -> str | None:
        """A caution when the follow-up imaging came less than 3 weeks after the intervention."""
        history = done.case.get("history") or {}
        if not history.get("followup") or not history.get("last_intervention"):
            return None
        last = date.fromisoformat(history["last_intervention"])
        return imaging_caution(last, self._measured_on(done))

    def _imaging_still_due(self, done: Finished) -> ReminderSpec | None:
        """The imaging reminder an early follow-up scan leaves due, or None."""
        history = done.case.get("history") or {}
        if not history.get("followup") or not history.get("last_intervention"):
            return None
        last = date.fromisoformat(history["last_intervention"])
        return imaging_still_due(last, self._measured_on(done), self.today())

    def _at_reminder_time(self, day: date) -> datetime:
        """The moment reminders of `day` fire: the clinic's reminder time, in UTC."""
        zone, at = self.settings.zone, self.settings.reminder_time
        return datetime.combine(day, at, zone).astimezone(UTC)

    # -- a label that may be another patient's -------------------------------------------------

    def _label_conflict(self, owner_id: int, done: Finished) -> str | None:
        """Why the label's last plan looks like another patient's, or None.

        A course of TACE explains a year more of age and nothing else: an age more than a year
        away from the last plan's (plus the time since), or another tumour type, suggests a label
        reused for someone else, whose plans and reminders would then be mixed with theirs. Sex
        is not asked by any flow, so it cannot be compared. A follow-up is always its patient's.
        """
        if done.label is None or done.flow == "followup":
            return None
        if done.final is not None and done.final.label_confirmed:
            return None
        patient = self._find(owner_id, done.label)
        last = self.store.latest_assessment(owner_id, patient.id) if patient is not None else None
        if last is None:
            return None
        since = last.created_at.astimezone(self.settings.zone).date()
        reasons = []
        old_age, new_age = last.case.get("age"), done.case.get("age")
        if isinstance(old_age, int) and isinstance(new_age, int):
            years = (self.today() - since).days / 365.25
            if abs(new_age - old_age - years) > 1:
                reasons.append(_("age {then} then, {now} now").format(then=old_age, now=new_age))
        old_type = (last.case.get("tumour") or {}).get("type")
        new_type = (done.case.get("tumour") or {}).get("type")
        if old_type and new_type and old_type != new_type:
            reasons.append(
                _("tumour type {then} then, {now} now").format(
                    then=_(TUMOUR_WORDS.get(old_type, old_type)),
                    now=_(TUMOUR_WORDS.get(new_type, new_type)),
                )
            )
        if not reasons:
            return None
        # TRANSLATORS: {reasons} are the differences, e.g. "age 62 then, 80 now".
        return _("{label} has a plan from {day} ({reasons})").format(
            label=done.label, day=day(since), reasons=_("; ").join(reasons)
        )

    def _label_question(self, state: DialogueState) -> Message:
        """`bed7 has a plan from ... (age 62 then, 80 now). Same patient, or a New label?`"""
        words = _("{conflict}. Same patient, or a New label? Nothing is saved yet.").format(
            conflict=state.label_conflict
        )
        return side_question(state, words, Act.SAME_PATIENT, Act.NEW_LABEL)

    def _label_answer(self, owner_id: int, chat_id: int, state: DialogueState, act: Act) -> Reply:
        if state.label_conflict is None:
            return Reply(stale=_(ANSWERED))
        if act is Act.NEW_LABEL:
            update = {"label_conflict": None, "awaiting_label": True}
            self._keep(owner_id, chat_id, state.model_copy(update=update))
            return text(_(NEW_LABEL))
        update = {"label_conflict": None, "label_confirmed": True}
        return self._confirm(owner_id, chat_id, state.model_copy(update=update))

    def _on_new_label(self, owner_id: int, chat_id: int, state: DialogueState, word: str) -> Reply:
        """The new label typed after New label: checked as the label question checks it."""
        try:
            label = parse_label(word)
        except Invalid as exc:
            return text(f"⚠ {exc}\n{_(NEW_LABEL)}")
        if why := label_warning(label):
            warning = _("⚠ '{label}' {why}.").format(label=label, why=why)
            return text(f"{warning}\n{_(NEW_LABEL)}")
        answers = {**state.answers, "label": label} if "label" in state.answers else state.answers
        update = {"label": label, "answers": answers, "awaiting_label": False}
        return self._confirm(owner_id, chat_id, state.model_copy(update=update))

    def _confirm(self, owner_id: int, chat_id: int, state: DialogueState) -> Reply:
        """Finish a dialogue held at its summary (the plan is made again, then saved)."""
        held = state.model_copy(update={"state": SUMMARY})
        return self._run(owner_id, chat_id, self.dialogues.handle(held, "confirm", self.today()))

    # -- replacing an unfinished dialogue -------------------------------------------------------

    def _ask_to_replace(self, owner_id: int, chat_id: int, line: str) -> Reply | None:
        """None when no dialogue is in progress; else keep `line` and ask Continue / Start over."""
        state = self._load(owner_id, chat_id)
        if state is None:
            return None
        state = self._keep(owner_id, chat_id, state.model_copy(update={"replacing": line}))
        return Reply([self._replace_question(state)])

    def _replace_question(self, state: DialogueState) -> Message:
        """`bed7's intake has 12 answers: Continue, or Start over?`, tied to that dialogue."""
        who = state.label or state.answers.get("label")
        count = len(state.history) + (len(state.prefilled) if state.flow == "quick" else 0)
        flow = flow_words(state.flow)
        command = (state.replacing or "").split(" ")[0]
        if who:
            asked = ngettext(
                "{label}'s {flow} has {count} answer: Continue it, or Start over with {command} "
                "(its answers are lost)?",
                "{label}'s {flow} has {count} answers: Continue it, or Start over with {command} "
                "(its answers are lost)?",
                count,
            )
        else:
            asked = ngettext(
                "The unfinished {flow} has {count} answer: Continue it, or Start over with "
                "{command} (its answers are lost)?",
                "The unfinished {flow} has {count} answers: Continue it, or Start over with "
                "{command} (its answers are lost)?",
                count,
            )
        words = asked.format(label=who, flow=flow, count=count, command=command)
        return side_question(state, words, Act.CONTINUE, Act.RESTART)

    def _on_replace_words(
        self, owner_id: int, chat_id: int, state: DialogueState, word: str
    ) -> Reply:
        """Typed while Continue / Start over is asked: those words, else the question again."""
        lower = word.lower()
        if lower in CONTINUE_WORDS:
            return self._continue(owner_id, chat_id, state)
        if lower in RESTART_WORDS:
            return self._restart(owner_id, chat_id, state)
        return Reply([asked_again(self._replace_question(state))])

    def _continue(self, owner_id: int, chat_id: int, state: DialogueState) -> Reply:
        state = self._keep(owner_id, chat_id, state.model_copy(update={"replacing": None}))
        prompt = self._message(self.dialogues.prompt(state), state)
        return Reply([prompt])

    def _restart(self, owner_id: int, chat_id: int, state: DialogueState) -> Reply:
        if state.replacing is None:
            return Reply(stale=_(ANSWERED))
        self.store.clear_dialogue(owner_id, chat_id)
        return self._typed(owner_id, chat_id, state.replacing)

    # -- commands -------------------------------------------------------------------------------

    def _find(self, owner_id: int, label: str) -> Patient | None:
        """The clinician's patient by label; None also for text that cannot be a label at all."""
        try:
            return self.store.find_patient(owner_id, label.strip()) if label.strip() else None
        except ValueError:  # control characters, too long: no patient can have that label
            return None

    def _help(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        return text(help_text())

    def _start(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        """A greeting: what the bot is for, and buttons for the three ways in."""
        layout = Layout(
            headline="liverbot",
            byline=_("TACE planning for liver cancer"),
            lines=[_(PURPOSE), _("Labels are pseudonyms (bed7, S-014), never names."),
                   _("/help lists every command; /language: English or 中文.")],
        )  # fmt: skip
        buttons = [Button(label=_(label), action=Action(act=Act.RUN, value=name))
                   for label, name in START_BUTTONS]  # fmt: skip
        return Reply([Message.laid_out(layout, buttons)])

    def _language(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        """`/language`: the languages as buttons; `/language zh` (or `中文`, `en`): switch now."""
        if not rest.strip():
            buttons = [
                Button(label=name, action=Action(act=Act.LANGUAGE, value=code))
                for code, name in LANGUAGES.items()
            ]
            current = LANGUAGES[lang.active()]
            words = _("Language: {current}. Which one should liverbot speak?").format(
                current=current
            )
            return Reply([Message(text=words, buttons=buttons, numbered=True)])
        code = language_named(rest)
        if code is None:
            names = " · ".join(
                _("{command} ({name})").format(command=f"/language {c}", name=n)
                for c, n in LANGUAGES.items()
            )
            return text(_("Unknown language {typed}: {choices}.").format(
                typed=rest.strip()[:20], choices=names
            ))  # fmt: skip
        return self._switch_language(owner_id, chat_id, code)

    def _switch_language(self, owner_id: int, chat_id: int, code: str) -> Reply:
        """Remember the clinician's language and confirm in it; a question waiting is asked again
        in it, so the dialogue goes on in the new language."""
        self.store.touch_clinician(owner_id, chat_id)  # the terminal's clinician never wrote
        self.store.choose_language(owner_id, code)
        with lang.use(code):
            reply = text(_("From now on liverbot speaks English. /language switches again."))
            prompt = self.resume_prompt(owner_id, chat_id)
        if prompt is not None:
            reply.messages.append(prompt)
        reply.language = code
        return reply

    def _command_press(self, owner_id: int, chat_id: int, action: Action) -> Reply:
        """A press that runs a command: /start's buttons, a patient picked, a page turned."""
        command = BY_NAME.get(action.value)
        if command is None:
            return Reply(stale=_(NO_LONGER_OFFERED))
        if action.act is Act.PAGE:
            return self._pick_patient(owner_id, command.name, action.target or 0)
        handler: Callable[[int, int, str], Reply] = getattr(self, f"_{command.handler}")
        if action.act is Act.RUN:
            if command.picks_patient:
                return self._pick_patient(owner_id, command.name)
            return handler(owner_id, chat_id, "")
        patient = self.store.patient(owner_id, action.target) if action.target else None
        if patient is None:
            return text(_("That patient is no longer in your list: /patients."))
        picked: Callable[[int, int, str], Reply] = getattr(
            self, f"_{command.handler}_picked", handler
        )
        return picked(owner_id, chat_id, patient.label)

    def _done_picked(self, owner_id: int, chat_id: int, label: str) -> Reply:
        """A patient picked for a bare /done: their current plan's Done buttons, so one tap more
        says which day (a pick alone records nothing)."""
        patient = self._find(owner_id, label)
        latest = self.store.latest_assessment(owner_id, patient.id) if patient else None
        if patient is None or latest is None:
            return text(_("That patient has no plan yet: /done LABEL DATE records a session."))
        decision = words_for(str(latest.plan.get("decision")), latest.plan.get("approach"))
        made = day(latest.created_at.astimezone(self.settings.zone).date())
        words = _("{label}: record the session of the plan of {day} ({decision})?").format(
            label=patient.label, day=made, decision=decision
        )
        return Reply([Message(text=words, buttons=done_buttons(latest.id))])

    def _pick_patient(self, owner_id: int, name: str, start: int = 0) -> Reply:
        """The clinician's patients as buttons for the command `name`, most recent first, paged."""
        rows = sorted(
            self.store.list_patients(owner_id),
            key=lambda r: r.last_assessed_at or r.patient.created_at,
            reverse=True,
        )
        if not rows:
            return text(_(NO_PATIENTS))
        start = min(max(start, 0), (len(rows) - 1) // PAGE_SIZE * PAGE_SIZE)
        page = rows[start : start + PAGE_SIZE]

        def button(label: str, act: Act, target: int) -> Button:
            return Button(label=label, action=Action(act=act, value=name, target=target))

        buttons = [button(r.patient.label, Act.PICK, r.patient.id) for r in page]
        if start > 0:
            buttons.append(button(_("‹ Previous"), Act.PAGE, max(start - PAGE_SIZE, 0)))
        if start + PAGE_SIZE < len(rows):
            buttons.append(button(_("Next ›"), Act.PAGE, start + PAGE_SIZE))
        ask = _(PICKER_QUESTIONS.get(name, WHICH_PATIENT))
        if len(rows) > PAGE_SIZE:
            ask = _("{question} ({first}-{last} of {total})").format(
                question=ask, first=start + 1, last=start + len(page), total=len(rows)
            )
        return Reply([Message(text=ask, buttons=buttons, columns=2)])

    def _plan_press(self, owner_id: int, chat_id: int, action: Action) -> Reply:
        """A button under a plan: that patient's follow-up, or their upcoming reminders."""
        patient = self.store.patient(owner_id, action.target) if action.target else None
        if patient is None:
            return text(_("That patient is no longer in your list: /patients."))
        if action.act is Act.PLAN_FOLLOW_UP:
            return self._followup(owner_id, chat_id, patient.label)
        return self._reminders(owner_id, chat_id, "", patient.label)

    def _no_dialogue(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        return text(_("No dialogue in progress: /new starts one."))

    def _new(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        if asked := self._ask_to_replace(owner_id, chat_id, "/new"):
            return asked
        return self._run(owner_id, chat_id, self.dialogues.start("intake", self.today()))

    def _quick(self, owner_id: int, chat_id: int, line: str) -> Reply:
        """A quick-check line: with any problem nothing is planned, saved or replaced.

        `/quick` alone starts nothing: it shows the form of the line, an example and the keys.
        For a saved patient with recorded sessions the course supplies the last intervention,
        the session count, the baseline and the earlier follow-ups (as of `on=`, default today);
        `last=` or `sessions=` given anyway must agree with it.
        """
        if not line.strip() or line.strip().lower() == "/quick":
            return text(syntax(QUICK_EXAMPLE))
        today = self.today()
        check = parse_quick(line, today)
        patient = self._find(owner_id, check.label) if check.label else None
        if patient is not None:
            check = self._quick_with_course(owner_id, patient, line, check)
        if check.problems:
            return Reply([self._message(problems_message(check), None)])
        if asked := self._ask_to_replace(owner_id, chat_id, line):
            return asked
        answers = dict(check.answers)
        if check.measured_on is not None:
            answers[MEASURED_ON] = check.measured_on.isoformat()
        turn = self.dialogues.start(
            "quick", today, answers=answers, label=check.label,
            assumed=check.assumed, prefilled=[*check.given, MEASURED_ON],
        )  # fmt: skip
        return self._run(owner_id, chat_id, turn)

    def _quick_with_course(
        self, owner_id: int, patient: Patient, line: str, first: QuickCheck
    ) -> QuickCheck:
        """The line read again with the patient's course, in date order; problems named."""
        on = first.measured_on or self.today()
        assessments = self.store.patient_assessments(owner_id, patient.id)
        sessions = self.store.sessions(owner_id, patient.id)
        if (why := out_of_order(patient.label, on, assessments, sessions)) is not None:
            first.problems[:] = [f"on={why}"]  # the real problem, not what follows from it
            return first
        course = read_course(assessments, sessions, on)
        if course.last is None:
            first.answers.setdefault("course", baseline_candidates(assessments))
            return first
        known = KnownCourse(course.last.done_on, course.tace_sessions, course.answers())
        return parse_quick(line, self.today(), known)

    def _followup(
        self, owner_id: int, chat_id: int, label: str, reminder_id: int | None = None
    ) -> Reply:
        """The follow-up of a saved patient: findings, labs (reused with their date, or new) and
        recovery; the last intervention, sessions, baseline and earlier follow-ups come from the
        course when sessions are recorded, and are asked otherwise."""
        patient = self._find(owner_id, label)
        if patient is None:
            return text(_("No patient {label}: /followup alone lists yours.").format(
                label=label.strip()[:30]
            ))  # fmt: skip
        last = self.store.latest_assessment(owner_id, patient.id)
        if last is None:
            return text(_("{label} has no plan to follow up yet: /quick {label} ... or /new makes "
                          "one.").format(label=patient.label))  # fmt: skip
        if asked := self._ask_to_replace(owner_id, chat_id, f"/followup {patient.label}"):
            return asked
        assessments = self.store.patient_assessments(owner_id, patient.id)
        course = read_course(assessments, self.store.sessions(owner_id, patient.id), self.today())
        base: dict[str, Any] = {
            k: v for k, v in last.answers.items() if k not in HISTORY and k not in LAB_IDS
        }
        base.update(earlier=True, imaged=True, label=patient.label)
        base.update(course.answers() or {"course": baseline_candidates(assessments)})
        if (labs := latest_labs(assessments)) is not None:
            base["latest_labs"] = {"on": labs[0].isoformat(), "values": labs[1]}
        sessions = self.store.sessions(owner_id, patient.id)
        entered = [a.measured_on for a in assessments] + [s.done_on for s in sessions]
        base[COURSE_FLOOR] = max(entered).isoformat()
        turn = self.dialogues.start("followup", self.today(), answers=base, label=patient.label)
        if turn.state is not None:
            turn.state = turn.state.model_copy(update={"reminder_id": reminder_id})
        return self._run(owner_id, chat_id, turn)

    def _done(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        """`/done LABEL [DATE] [TECHNIQUE]`: record an intervention done; one line if refused."""
        words = rest.split()
        if not words:
            return text(_("Usage: {usage} (date default today; technique from the plan).").format(
                usage=_(DONE_USAGE)
            ))  # fmt: skip
        patient = self._find(owner_id, words[0])
        if patient is None:
            return text(_("No patient {label}: nothing recorded. /patients lists yours.").format(
                label=words[0][:30]
            ))  # fmt: skip
        try:
            done_on, technique = read_done_words(words[1:], self.today())
        except SessionRefused as exc:
            return text(f"⚠ {exc}")
        return self._record(owner_id, chat_id, patient, done_on, technique)

    def _record(
        self,
        owner_id: int,
        chat_id: int,
        patient: Patient,
        done_on: date,
        technique: Technique | None,
    ) -> Reply:
        try:
            words, ids = record_session(
                self.store, owner_id, chat_id, patient, done_on, technique, self.today(),
                self._at_reminder_time,
            )  # fmt: skip
        except SessionRefused as exc:
            return text(f"⚠ {exc}")
        return Reply([Message(text=words)], to_schedule=ids)

    def _plan_done(self, owner_id: int, chat_id: int, action: Action) -> Reply:
        """A plan's Done today / Done on another day (or one of its days)."""
        plan = (
            self.store.assessment(owner_id, action.target) if action.target is not None else None
        )
        patient = self.store.patient(owner_id, plan.patient_id) if plan is not None else None
        if plan is None or patient is None:
            return text(_("That plan is no longer there: nothing recorded."))
        latest = self.store.latest_assessment(owner_id, patient.id)
        if latest is None or latest.id != plan.id:
            return text(_("A newer plan replaced that one: nothing recorded. /done {label} records "
                          "a session for the current plan.").format(label=patient.label))  # fmt: skip
        carried = [
            s for s in self.store.sessions(owner_id, patient.id) if s.assessment_id == plan.id
        ]
        if carried:
            s0 = carried[0]
            return text(_("Already recorded: {technique} on {day}. Nothing changed.").format(
                technique=TECHNIQUE_WORDS[s0.technique], day=day(s0.done_on)
            ))  # fmt: skip
        if action.act is Act.SESSION_OTHER_DAY:
            return Reply([other_day_question(patient.label, plan, self.today())])
        try:
            done_on, _technique = read_done_words(
                [action.value] if action.value else [], self.today()
            )
        except SessionRefused as exc:
            return text(f"⚠ {exc}")
        return self._record(owner_id, chat_id, patient, done_on, None)

    def _patients(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        rows = self.store.list_patients(owner_id)
        if not rows:
            return text(_(NO_PATIENTS))
        lines = []
        for r in rows:
            decision = words_for(r.last_decision) if r.last_decision else "-"
            line = (
                _("{label}: {decision}, next {day}").format(
                    label=r.patient.label, decision=decision, day=day(r.next_due)
                )
                if r.next_due
                else _("{label}: {decision}").format(label=r.patient.label, decision=decision)
            )
            lines.append(line)
        return text(_("Your patients:") + "\n" + "\n".join(lines))

    def _patient(self, owner_id: int, chat_id: int, label: str) -> Reply:
        """The course at a glance: plans, sessions and follow-ups in date order, the current
        window and the next reminder."""
        patient = self._find(owner_id, label)
        if patient is None:
            return text(_("No such patient: /patient alone lists yours."))
        assessments = self.store.patient_assessments(owner_id, patient.id)
        sessions = self.store.sessions(owner_id, patient.id)
        zone = self.settings.zone
        reminders = [
            u.reminder
            for u in self.store.upcoming_reminders(owner_id)
            if u.reminder.patient_id == patient.id
        ]
        lines = timeline(assessments, sessions)
        current = assessments[-1].plan if assessments else {}
        window = current.get("window")
        if isinstance(window, dict):
            status = str(window["status"])
            lines.append(_("Window: {earliest} to {latest} ({status})").format(
                earliest=day(date.fromisoformat(window["earliest"])),
                latest=day(date.fromisoformat(window["latest"])),
                status=window_status(status),
            ))  # fmt: skip
        if reminders:
            r = reminders[0]
            lines.append(_("Next reminder: {day} {what}").format(
                day=day(r.fires_at.astimezone(zone).date()),
                what=reminder_word(r.kind),
            ))  # fmt: skip
        picture = Message(
            text=_("{label}: the course as a picture.").format(label=patient.label),
            attachment=Attachment(kind="timeline", target=patient.id),
        )
        heading = _("{label}, the course:").format(label=patient.label)
        return Reply([Message(text=heading + "\n" + "\n".join(lines)), picture])

    def _calendar(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        """/calendar: the clinician's reminders and windows as one file to import."""
        found = entries(self.store, owner_id, self.settings, self.today())
        if not found:
            return text(_("No upcoming reminders or windows: nothing to put in a calendar yet."))
        windows = sum(1 for e in found if e.uid.startswith("window-"))
        reminders = len(found) - windows
        words = _("{reminders} and {windows} for your calendar: open the file to import it. "
                  "Importing a newer one updates these events instead of adding copies.").format(
            reminders=ngettext("{n} reminder", "{n} reminders", reminders).format(n=reminders),
            windows=ngettext("{n} window", "{n} windows", windows).format(n=windows),
        )  # fmt: skip
        return Reply([Message(text=words, attachment=Attachment(kind="calendar"))])

    # -- files ----------------------------------------------------------------------------------

    def attachment(self, owner_id: int, attachment: Attachment) -> File | None:
        """The file a message names, made now; None when its patient is gone (or not theirs).

        CPU-bound for a picture (a few hundred milliseconds): a channel with an event loop calls
        it in a worker thread.
        """
        if attachment.kind == "calendar":
            ics = calendar_for(self.store, owner_id, self.settings, self.clock())
            return File("liverbot-reminders.ics", ics, "document", "text/calendar")
        target = attachment.target
        patient = self.store.patient(owner_id, target) if target is not None else None
        if patient is None:
            return None
        course = course_timeline(self.store, owner_id, patient, self.settings.zone, self.today())
        name = re.sub(r"[^A-Za-z0-9_-]", "_", patient.label)
        return File(f"{name}-course.png", render_png(course), "photo", "image/png")

    def _reminders(
        self, owner_id: int, chat_id: int, rest: str, label: str | None = None
    ) -> Reply:
        """Upcoming reminders: all the clinician's, or one patient's (the button under a plan)."""
        upcoming = self.store.upcoming_reminders(owner_id, limit=None if label else 30)
        if label is not None:
            upcoming = [u for u in upcoming if u.label == label]
        if not upcoming:
            return text(
                _("No upcoming reminders for {label}.").format(label=label)
                if label
                else _("No upcoming reminders.")
            )
        zone = self.settings.zone
        lines = []
        for u in upcoming:
            at = u.reminder.fires_at.astimezone(zone)
            what = reminder_word(u.reminder.kind)
            line = (
                _("{day} {time} {label}: {what} (paused)")
                if u.reminder.status == "paused"
                else _("{day} {time} {label}: {what}")
            )
            lines.append(
                line.format(day=day(at.date()), time=f"{at:%H:%M}", label=u.label, what=what)
            )
        heading = (
            _("Upcoming reminders for {label}:").format(label=label)
            if label
            else _("Upcoming reminders:")
        )
        return text(heading + "\n" + "\n".join(lines))

    def _forget(self, owner_id: int, chat_id: int, label: str) -> Reply:
        patient = self._find(owner_id, label)
        if patient is None:
            return text(_("No such patient: /forget alone lists yours."))
        confirm = Button(
            label=_("Delete for good"), action=Action(act=Act.FORGET, target=patient.id)
        )
        words = _("Delete {label} and every plan and reminder about them? This cannot be "
                  "undone.").format(label=patient.label)  # fmt: skip
        return Reply([Message(text=words, buttons=[confirm])])

    def _reminder_action(
        self, owner_id: int, chat_id: int, act: Act, reminder_id: int | None
    ) -> Reply:
        """A reminder's button: start the follow-up, snooze it to tomorrow, or mark it done.

        "Enter follow-up findings" leaves the reminder pending (it comes back tomorrow) until the
        follow-up is saved, so a follow-up cancelled half-way loses no reminder.
        """
        reminder = (
            self.store.reminder(reminder_id, owner_id=owner_id)
            if reminder_id is not None
            else None
        )
        patient = self.store.patient(owner_id, reminder.patient_id) if reminder else None
        if reminder is None or patient is None:
            return text(_("That reminder is no longer there."))
        if reminder.status == "cancelled":
            return text(_("That reminder was already dealt with (a newer plan replaced it): "
                          "nothing changed."))  # fmt: skip
        if reminder.status == "done":
            return text(_("That reminder was already dealt with (it is done): nothing changed."))
        if act is Act.DONE:
            self.store.mark_done(owner_id, reminder.id)
            return text(_("Marked done."))
        tomorrow = self._at_reminder_time(self.today() + timedelta(days=1))
        self.store.snooze(owner_id, reminder.id, tomorrow)
        if act is Act.SNOOZE:
            when = tomorrow.astimezone(self.settings.zone)
            words = _("Snoozed until {day} {time}.").format(
                day=day(when.date()), time=f"{when:%H:%M}"
            )
            return Reply([Message(text=words)], to_schedule=[reminder.id])
        reply = self._followup(owner_id, chat_id, patient.label, reminder_id=reminder.id)
        reply.to_schedule.append(reminder.id)
        return reply

    def _forget_confirmed(self, owner_id: int, chat_id: int, patient_id: int | None) -> Reply:
        patient = self.store.patient(owner_id, patient_id) if patient_id is not None else None
        if patient is None:
            return text(_("Already deleted, or not yours."))
        self.store.forget_patient(owner_id, patient.label)
        state = self._load(owner_id, chat_id)
        if state is not None and (state.label or state.answers.get("label")) == patient.label:
            self.store.clear_dialogue(owner_id, chat_id)
        # No label here: this reply is kept as the chat's last one (bot.conversation).
        return text(_(FORGOTTEN))


def _add_status(reply: Reply, words: str, *extra: Section | list[Button]) -> None:
    """Put the save's outcome into the plan's own message (one answer, one message): a line on
    its first screen, sections in its detail, buttons under it. A reply without a laid-out plan
    (there is none today) gets the words as a message of their own."""
    plan = next((m for m in reversed(reply.messages) if m.layout is not None), None)
    sections = [x for x in extra if isinstance(x, Section) and x.lines]
    buttons = [b for x in extra if isinstance(x, list) for b in x]
    if plan is None:
        reply.messages.append(Message(text=words, buttons=buttons))
        return
    assert plan.layout is not None
    layout = plan.layout.model_copy(
        update={"lines": [*plan.layout.lines, words], "folded": [*plan.layout.folded, *sections]}
    )
    if len(layout_text(layout)) > MESSAGE_LIMIT:  # the sections are /reminders' to show then
        layout = layout.model_copy(update={"folded": plan.layout.folded})
    index = reply.messages.index(plan)
    reply.messages[index] = Message.laid_out(layout, [*plan.buttons, *buttons])
