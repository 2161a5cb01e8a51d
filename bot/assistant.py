"""The assistant behind every channel: commands, dialogues, storage and reminders for one clinician.

The terminal and Telegram both hand text (or a button's value) to `Assistant.handle` and show the
`Outgoing` messages it returns, so the two channels cannot drift apart. The dialogue state is written to
SQLite after every input: our table, not a framework's periodic persistence, is the source of truth.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.settings import Settings
from bot.store import DueReminder, Patient, Reminder, Store
from flows.engine import Dialogues, Finished, Outgoing, Turn
from flows.questions import Choice
from flows.quick import start_quick
from flows.render import words_for
from flows.state import DialogueState
from planner import PLANNER_VERSION, Case, reminders_for

log = logging.getLogger(__name__)

HELP = (
    "liverbot plans TACE for liver cancer from the founding protocol and guidelines.\n"
    "/new full assessment, question by question\n"
    "/quick [LABEL] key=value ... ward-round check in one line, e.g.\n"
    "  /quick bed7 age=70 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 "
    "ascites=none he=none\n"
    "/followup LABEL enter follow-up findings for a patient\n"
    "/patients your patients · /patient LABEL plans over time · /reminders upcoming\n"
    "/forget LABEL delete a patient for good\n"
    "In a dialogue: /back /skip /cancel /help\n"
    "Decision support only: it does not replace the treating team's judgement."
)
REMINDER_WORDS = {
    "imaging_due": "follow-up imaging due",
    "window_opens": "window opens",
    "window_closes": "window closes",
}
FORGET_YES = "forget-yes:"
FORGOTTEN = "Deleted for good, with every plan and reminder."
REMINDER_ACTIONS = ("reminder-follow", "reminder-snooze", "reminder-done")
"""Button values on a reminder: `<action>:<reminder id>`."""
SNOOZE = timedelta(days=1)


@dataclass
class Reply:
    """What to send back, and the assessment saved by this input, if any."""

    messages: list[Outgoing] = field(default_factory=list)
    step: str | None = None
    """The dialogue's state after this input: a channel ties its answer buttons to it."""
    saved_assessment: int | None = None
    to_schedule: list[int] = field(default_factory=list)
    """Reminders added or moved by this input, for the channel to (re)schedule."""


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

    def handle(self, owner_id: int, chat_id: int, text: str) -> Reply:
        """One input from a clinician; never raises for anything they can type."""
        word = text.strip()
        command, _, rest = word.partition(" ")
        command = command.lower().split("@")[0] if command.startswith("/") else ""
        if word.startswith(FORGET_YES):
            return self._forget_confirmed(owner_id, chat_id, word.removeprefix(FORGET_YES))
        action, _, number = word.partition(":")
        if action in REMINDER_ACTIONS:
            return self._reminder_action(owner_id, chat_id, action, number)
        handler = {
            "/start": self._help,
            "/help": None,
            "/new": self._new,
            "/quick": self._quick,
            "/followup": self._followup,
            "/patients": self._patients,
            "/patient": self._patient,
            "/reminders": self._reminders,
            "/forget": self._forget,
        }
        if command in handler and handler[command] is not None:
            return handler[command](owner_id, chat_id, word if command == "/quick" else rest)  # type: ignore[misc]
        state = self._load(owner_id, chat_id)
        if state is None:
            if command == "/help" or not word:
                return self._help(owner_id, chat_id, rest)
            if "=" in word and not command:
                return self._quick(owner_id, chat_id, word)
            if command == "/cancel":
                return Reply([Outgoing(text="Nothing to cancel.")])
            return Reply([Outgoing(text="Send /new for an assessment or /quick for a quick "
                                        "check. /help lists everything.")])  # fmt: skip
        return self._run(owner_id, chat_id, self.dialogues.handle(state, word, self.today()))

    def reminder_message(self, reminder: Reminder) -> Outgoing | None:
        """What a reminder says when it fires, with its buttons; None if the patient is gone."""
        patient = self.store.patient(reminder.owner_id, reminder.patient_id)
        if patient is None:
            return None
        planned = reminder.due_at.astimezone(self.settings.zone).date().isoformat()
        what = REMINDER_WORDS.get(reminder.kind, reminder.kind)
        choices = [
            Choice(value=f"reminder-follow:{reminder.id}", label="Enter follow-up findings"),
            Choice(value=f"reminder-snooze:{reminder.id}", label="Snooze a day"),
            Choice(value=f"reminder-done:{reminder.id}", label="Done"),
        ]
        return Outgoing(text=f"Reminder for {patient.label}: {what} ({planned}).", choices=choices)

    def dialogue_step(self, owner_id: int, chat_id: int) -> str | None:
        """The state the chat's dialogue waits in, to tell a current answer button from a stale one."""
        state = self._load(owner_id, chat_id)
        return None if state is None else state.state

    def resume_prompt(self, owner_id: int, chat_id: int) -> Outgoing | None:
        """The question a restored dialogue is waiting on, to send again after a restart."""
        state = self._load(owner_id, chat_id)
        return None if state is None else self.dialogues.prompt(state)

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

    def _run(
        self, owner_id: int, chat_id: int, turn: Turn, before: list[Outgoing] | None = None
    ) -> Reply:
        """Persist the turn's state first, then save a finished dialogue's plan."""
        reply = Reply(list(before or []) + turn.messages)
        reply.step = turn.state.state if turn.state is not None else None
        if turn.state is not None:
            self.store.save_dialogue(owner_id, chat_id, turn.state.model_dump(mode="json"))
        else:
            self.store.clear_dialogue(owner_id, chat_id)
        if turn.finished is not None:
            self._save(owner_id, chat_id, turn.finished, reply)
        return reply

    def _save(self, owner_id: int, chat_id: int, done: Finished, reply: Reply) -> None:
        if done.label is None:
            self.store.audit(owner_id, done.flow)
            reply.messages.append(Outgoing(text="Not saved (no label): add one, e.g. "
                                                "/quick bed7 ..., to get reminders."))  # fmt: skip
            return
        specs = reminders_for(Case.model_validate(done.case), done.plan)
        zone, at = self.settings.zone, self.settings.reminder_time
        due = [
            DueReminder(s.kind.value, datetime.combine(s.due, at, zone).astimezone(UTC))  # type: ignore[arg-type]
            for s in specs
        ]
        with self.store.transaction():  # the patient, its plan and reminders: all or nothing
            patient = self.store.get_or_create_patient(owner_id, done.label)
            assessment_id = self.store.save_assessment(
                patient.id, done.flow, done.answers, done.case,  # type: ignore[arg-type]
                done.plan.model_dump(mode="json"), PLANNER_VERSION,
                min((s.due for s in specs), default=None),
            )  # fmt: skip
            added = self.store.add_reminders(
                owner_id, patient.id, chat_id, due, assessment_id=assessment_id
            )
            self.store.audit(owner_id, f"{done.flow}_saved", patient_id=patient.id)
        reply.saved_assessment = assessment_id
        reply.to_schedule = [r.id for r in added]
        lines = [f"• {s.due.isoformat()} {REMINDER_WORDS[s.kind.value]}" for s in specs]
        text = f"Saved for {done.label}."
        if lines:
            text += " Reminders:\n" + "\n".join(lines)
        reply.messages.append(Outgoing(text=text))

    # -- commands -------------------------------------------------------------------------------

    def _find(self, owner_id: int, label: str) -> Patient | None:
        """The clinician's patient by label; None also for text that cannot be a label at all."""
        try:
            return self.store.find_patient(owner_id, label.strip()) if label.strip() else None
        except ValueError:  # control characters, too long: no patient can have that label
            return None

    def _help(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        return Reply([Outgoing(text=HELP)])

    def _replacing(self, owner_id: int, chat_id: int) -> list[Outgoing]:
        if self.store.load_dialogue(owner_id, chat_id) is None:
            return []
        return [Outgoing(text="(The unfinished dialogue was replaced.)")]

    def _new(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        before = self._replacing(owner_id, chat_id)
        return self._run(owner_id, chat_id, self.dialogues.start("intake", self.today()), before)

    def _quick(self, owner_id: int, chat_id: int, line: str) -> Reply:
        before = self._replacing(owner_id, chat_id)
        return self._run(
            owner_id, chat_id, start_quick(self.dialogues, line, self.today()), before
        )

    def _followup(self, owner_id: int, chat_id: int, label: str) -> Reply:
        label = label.strip()
        patient = self._find(owner_id, label)
        last = self.store.latest_assessment(patient.id) if patient else None
        if patient is None or last is None:
            return Reply([Outgoing(text="Which patient? Send /followup LABEL (see /patients).")])
        history = {"last_intervention", "recovered_on", "imaged", "lipiodol", "necrosis",
                   "new_lesions", "progression"}  # fmt: skip
        base: dict[str, Any] = {k: v for k, v in last.answers.items() if k not in history}
        base.update(earlier=True, label=patient.label)
        before = self._replacing(owner_id, chat_id)
        turn = self.dialogues.start("followup", self.today(), answers=base, label=patient.label)
        return self._run(owner_id, chat_id, turn, before)

    def _patients(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        rows = self.store.list_patients(owner_id)
        if not rows:
            return Reply([Outgoing(text="No patients yet: /new or /quick LABEL ... saves one.")])
        lines = [
            f"{r.patient.label}: {words_for(r.last_decision) if r.last_decision else '-'}"
            + (f", next {r.next_due.isoformat()}" if r.next_due else "")
            for r in rows
        ]
        return Reply([Outgoing(text="Your patients:\n" + "\n".join(lines))])

    def _patient(self, owner_id: int, chat_id: int, label: str) -> Reply:
        patient = self._find(owner_id, label)
        if patient is None:
            return Reply([Outgoing(text="No such patient. /patients lists yours.")])
        lines = []
        for a in self.store.assessments(owner_id, patient.label):
            plan = a.plan
            decision = words_for(str(plan.get("decision")), plan.get("approach"))
            lines.append(f"{a.created_at.date().isoformat()} {a.kind}: {decision}"
                         f" (BCLC {plan.get('bclc') or '-'}, Child-Pugh "
                         f"{plan['child_pugh']['class']}{plan['child_pugh']['points']})")  # fmt: skip
        return Reply([Outgoing(text=f"{patient.label}, plans over time:\n" + "\n".join(lines))])

    def _reminders(self, owner_id: int, chat_id: int, rest: str) -> Reply:
        upcoming = self.store.upcoming_reminders(owner_id, limit=30)
        if not upcoming:
            return Reply([Outgoing(text="No upcoming reminders.")])
        zone = self.settings.zone
        lines = [
            f"{u.reminder.fires_at.astimezone(zone):%Y-%m-%d %H:%M} {u.label}: "
            f"{REMINDER_WORDS.get(u.reminder.kind, u.reminder.kind)}"
            + (" (paused)" if u.reminder.status == "paused" else "")
            for u in upcoming
        ]
        return Reply([Outgoing(text="Upcoming reminders:\n" + "\n".join(lines))])

    def _forget(self, owner_id: int, chat_id: int, label: str) -> Reply:
        patient = self._find(owner_id, label)
        if patient is None:
            return Reply([Outgoing(text="No such patient. /patients lists yours.")])
        confirm = Choice(value=f"{FORGET_YES}{patient.id}", label="Delete for good")
        text = (f"Delete {patient.label} and every plan and reminder about them? This cannot be "
                "undone.")  # fmt: skip
        return Reply([Outgoing(text=text, choices=[confirm])])

    def _reminder_action(self, owner_id: int, chat_id: int, action: str, number: str) -> Reply:
        """A reminder's button: start the follow-up, snooze it a day, or mark it done."""
        reminder = self.store.reminder(int(number)) if number.isdigit() else None
        patient = (
            self.store.patient(owner_id, reminder.patient_id)
            if reminder is not None and reminder.owner_id == owner_id
            else None
        )
        if reminder is None or patient is None:
            return Reply([Outgoing(text="That reminder is no longer there.")])
        if action == "reminder-snooze":
            until = self.clock() + SNOOZE
            if not self.store.snooze(reminder.id, until):
                return Reply([Outgoing(text="That reminder was already dealt with.")])
            when = until.astimezone(self.settings.zone)
            return Reply([Outgoing(text=f"Snoozed until {when:%Y-%m-%d %H:%M}.")],
                         to_schedule=[reminder.id])  # fmt: skip
        self.store.mark_done(reminder.id)
        if action == "reminder-done":
            return Reply([Outgoing(text="Marked done.")])
        return self._followup(owner_id, chat_id, patient.label)

    def _forget_confirmed(self, owner_id: int, chat_id: int, patient_id: str) -> Reply:
        patient = self.store.patient(owner_id, int(patient_id)) if patient_id.isdigit() else None
        if patient is None:
            return Reply([Outgoing(text="Already deleted, or not yours.")])
        self.store.forget_patient(owner_id, patient.label)
        state = self._load(owner_id, chat_id)
        if state is not None and (state.label or state.answers.get("label")) == patient.label:
            self.store.clear_dialogue(owner_id, chat_id)
        return Reply(
            # No label here: this reply is kept as the chat's last one (bot.conversation).
            [Outgoing(text=FORGOTTEN)]
        )
