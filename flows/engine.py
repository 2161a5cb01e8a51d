"""Dialogues as `transitions` state machines generated from the question lists.

One machine per flow is built once and shared: a dialogue's run is attached with its saved state as
`initial`, moved by one answer, and detached in `finally` (docs of transitions; STYLE.md). `on_enter` is not
used, because it does not fire on restore: the prompt is always computed from the state reached.

Every input goes through `Dialogues.handle`, which never raises for anything a user can type: an answer that
cannot be read re-asks the same question with the reason, and leaves the state and answers unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from pydantic import BaseModel, Field, ValidationError
from transitions import EventData, Machine

from flows import questions as q
from flows.case import case_from_answers, question_for_error
from flows.parsing import Invalid, label_warning
from flows.questions import Choice, Question
from flows.readback import read_back
from flows.render import Layout, layout_text, plan_layout
from flows.state import DialogueState
from planner import Case, Plan, first_error, plan_case

log = logging.getLogger(__name__)

START, SUMMARY, EDIT_PICK, FINISH = "start", "summary", "edit_pick", "finish"
CONFIRM_WORDS = frozenset({"confirm", "ok", "yes", "y", "plan", "go"})
KEEP = "keep"
EDIT_COLUMNS = 2
"""The edit picker's buttons a row: 20-odd answers in a dozen rows, each short label uncut."""
COMMANDS_HELP = "/back previous question · /skip optional question · /cancel stop · /help"


@dataclass(frozen=True)
class FlowSpec:
    """A dialogue: its questions, whether it ends on a summary, and whether optional ones are asked."""

    name: str
    version: int
    questions: tuple[Question, ...]
    summary: bool = True
    ask_optional: bool = True


INTAKE = FlowSpec("intake", 1, q.INTAKE_QUESTIONS)
FOLLOWUP = FlowSpec("followup", 2, q.FOLLOWUP_QUESTIONS)
QUICK = FlowSpec("quick", 1, q.INTAKE_QUESTIONS[1:], summary=False, ask_optional=False)
FLOWS = {spec.name: spec for spec in (INTAKE, FOLLOWUP, QUICK)}


FLOW_WORDS = {"intake": "intake", "followup": "follow-up", "quick": "quick check"}
"""How a question names its dialogue in its heading ("bed9 · follow-up · 3/9")."""


class Outgoing(BaseModel):
    """One message to send: text and the choices to offer as buttons.

    `numbered` is False when a typed number is an answer to the question itself (ECOG, a
    Vp grade, an encephalopathy grade): a channel must not offer "1" as "the first option" there.
    """

    text: str
    choices: list[Choice] = Field(default_factory=list)
    numbered: bool = True
    layout: Layout | None = None
    """The same message laid out for a channel that formats (a plan); `text` is its plain form."""
    columns: int | None = None
    """Buttons a row, when the channel should not decide from their length (the edit picker)."""


class Finished(BaseModel):
    """A completed dialogue: what the channel stores and schedules from."""

    flow: str
    label: str | None
    answers: dict[str, Any]
    case: dict[str, Any]
    plan: Plan
    final: DialogueState | None = None
    """The state it finished from, at the summary: a channel that must ask one more thing
    before saving (is this label the same patient?) keeps it, and confirms it later."""


class Turn(BaseModel):
    """The result of one input: the new state (None when the dialogue ended) and what to send."""

    state: DialogueState | None
    messages: list[Outgoing]
    finished: Finished | None = None
    cancelled: bool = False


class _Run:
    """The model the machine moves: a plain class (a pydantic model cannot be one, transitions #635).

    It declares no `trigger`: transitions binds its own only where the model has none (STYLE.md, 4).
    """

    state: str

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers


def _needs(spec: FlowSpec, question: Question) -> Callable[[EventData], bool]:
    """Condition: ask this question next if it applies, is unanswered, and the flow asks its kind."""

    def condition(event: EventData) -> bool:
        answers = cast(_Run, event.model).answers
        return (
            question.id not in answers
            and (spec.ask_optional or not question.optional)
            and question.applies(answers)
        )

    return condition


def build_machine(spec: FlowSpec) -> Machine:
    """Explicit transitions from each question to every question, first that is needed wins.

    Needed means applicable and not answered, so in a dialogue that runs in order the next one
    is always a later one; from every question to every question, a dialogue saved before the
    questions were re-ordered (age and ECOG moved first, issue 13) still asks what it lacks
    instead of reaching the plan without it. `add_ordered_transitions` is not used: it re-orders
    states around `initial` and breaks a restored run.
    """
    ids = [question.id for question in spec.questions]
    machine = Machine(
        model=None,
        states=[START, *ids, SUMMARY, EDIT_PICK, FINISH],
        initial=START,
        send_event=True,
        # Only `advance` is used; the automatic `to_<state>` triggers would be bound to the run on
        # every input (30-odd per flow), most of the cost of attaching it (benchmark, README).
        auto_transitions=False,
    )
    end = SUMMARY if spec.summary else FINISH
    for source in [START, *ids]:
        for question in spec.questions:
            machine.add_transition(
                "advance", source, question.id, conditions=[_needs(spec, question)]
            )
        machine.add_transition("advance", source, end)
    return machine


class Dialogues:
    """The flows, ready to start and to take answers; one instance serves every chat."""

    def __init__(self) -> None:
        self._machines = {name: build_machine(spec) for name, spec in FLOWS.items()}

    def _move(self, state: DialogueState, trigger: str) -> str:
        """Run one trigger on the shared machine and return the state reached."""
        machine = self._machines[state.flow]
        run = _Run(state.answers)
        machine.add_model(run, initial=state.state)
        try:
            run.trigger(trigger)  # type: ignore[attr-defined]
            return run.state
        finally:
            machine.remove_model(run)

    # -- starting -------------------------------------------------------------------------------

    def start(
        self,
        flow: str,
        today: date,
        answers: dict[str, Any] | None = None,
        label: str | None = None,
        assumed: list[str] | None = None,
        prefilled: list[str] | None = None,
    ) -> Turn:
        """Begin a dialogue, with answers already known (follow-up, quick check) skipped.

        `prefilled` names the answers the clinician gave before the first question (the quick
        line's); a follow-up's answers carried over from the saved plan are prefilled too.
        """
        spec = FLOWS[flow]
        known = dict(answers or {})
        state = DialogueState(
            flow=flow,
            version=spec.version,
            state=START,
            answers=known,
            label=label,
            assumed=list(assumed or []),
            prefilled=list(known) if prefilled is None else list(prefilled),
        )
        return self._advance(state, today, [])

    def prompt(self, state: DialogueState) -> Outgoing:
        """The current question again, under its heading: what a channel sends when a dialogue resumes."""
        if state.state == SUMMARY:
            body = self._summary(state)
        elif state.state == EDIT_PICK:
            body = self._edit_pick(state)
        else:
            question = q.BY_ID[state.state]
            text = question.prompt
            if question.detail is not None:
                text += "\n" + question.detail(state.answers)
            if state.state in state.answers:
                text += f"\n(was: {question.show(state.answers[state.state])})"
            if question.optional and "/skip" not in text:
                text += "\n/skip if not known"
            body = Outgoing(
                text=text,
                choices=list(question.buttons()),
                numbered=not question.numbers_are_answers(),
            )
        return body.model_copy(update={"text": f"{self.heading(state)}\n{body.text}"})

    def heading(self, state: DialogueState) -> str:
        """Whose dialogue this is and where it stands, e.g. `bed9 · follow-up · 3/9`.

        Every question carries it, so a question can never be mistaken for another patient's.
        The count is of the questions this dialogue asks (those known before it began, from a
        saved plan or the quick line, are not counted) and grows when an answer opens new ones.
        """
        who = state.label or state.answers.get("label") or "new patient"
        flow = FLOW_WORDS.get(state.flow, state.flow)
        if state.state in (SUMMARY, EDIT_PICK):
            return f"{who} · {flow} · check"
        spec = FLOWS[state.flow]
        asked = [
            x.id
            for x in spec.questions
            if x.id not in state.prefilled
            and (spec.ask_optional or not x.optional or x.id in state.answers)
            and x.applies(state.answers)
        ]
        if state.state not in asked:
            return f"{who} · {flow}"
        return f"{who} · {flow} · {asked.index(state.state) + 1}/{len(asked)}"

    # -- one input ------------------------------------------------------------------------------

    def handle(self, state: DialogueState, text: str, today: date) -> Turn:
        """Take one input (typed text or a button's value) and say what comes next."""
        spec = FLOWS.get(state.flow)
        if spec is None or spec.version != state.version:
            turn = self.start(state.flow if spec else "intake", today, label=state.label)
            notice = Outgoing(text="The questions changed since this conversation began, so it "
                                   "starts again. Sorry for the repeat.")  # fmt: skip
            return turn.model_copy(update={"messages": [notice, *turn.messages]})
        word = text.strip()
        command = word.lower() if word.startswith("/") else ""
        if command == "/cancel":
            return Turn(state=None, messages=[Outgoing(text="Cancelled.")], cancelled=True)
        if command == "/help":
            return self._reply(state, self._help(state))
        if command == "/back":
            return self._back(state)
        if state.state == SUMMARY:
            return self._on_summary(state, word, today)
        if state.state == EDIT_PICK:
            return self._on_edit_pick(state, word)
        question = q.BY_ID[state.state]
        if command == "/skip":
            if not question.optional:
                return self._reply(state, "This one is needed for the plan and cannot be skipped.")
            return self._accept(state, question, None, today)
        if state.pending is not None and word.lower().lstrip("/") == KEEP:
            return self._accept(state, question, state.pending, today)
        try:
            value = q.parse_answer(question, word, state.answers, today)
        except Invalid as exc:
            turn = self._reply(state, str(exc))
            if exc.suggestions:
                offered = [Choice(value=s, label=s) for s in exc.suggestions]
                turn.messages[-1].choices = offered
            return turn
        if question.kind is q.Kind.LABEL and (why := label_warning(value)):
            pending = state.model_copy(update={"pending": value})
            keep = Choice(value=KEEP, label="Keep it")
            message = (f"'{value}' {why}. Labels are stored, so use a pseudonym (bed7, S-014): "
                       "send another label, or tap Keep it.")  # fmt: skip
            return Turn(state=pending, messages=[Outgoing(text=message, choices=[keep])])
        return self._accept(state, question, value, today)

    # -- steps ----------------------------------------------------------------------------------

    def _accept(self, state: DialogueState, question: Question, value: Any, today: date) -> Turn:
        answers = {**state.answers, question.id: value}
        if question.effect is not None:
            answers = {**question.effect(value, answers), question.id: value}
        moved = state.model_copy(
            update={"answers": answers, "history": [*state.history, question.id], "pending": None}
        )
        return self._advance(moved, today, [])

    def _advance(self, state: DialogueState, today: date, before: list[Outgoing]) -> Turn:
        reached = self._move(state, "advance")
        state = state.model_copy(update={"state": reached})
        if reached == FINISH:
            return self._finish(state, today, before)
        return Turn(state=state, messages=[*before, self.prompt(state)])

    def _finish(self, state: DialogueState, today: date, before: list[Outgoing]) -> Turn:
        raw = case_from_answers(state.answers, today)
        try:
            case = Case.model_validate(raw)
        except ValidationError as exc:
            message = first_error(exc)
            target = question_for_error(message.split(":", 1)[0])
            if target is None or target not in q.BY_ID:
                log.warning("case refused at finish: flow=%s", state.flow)
                return self._reply(state.model_copy(update={"state": SUMMARY}), message)
            again = state.model_copy(update={"state": target})
            reason = message.split(": ", 1)[-1]
            return self._reply(again, reason[:1].upper() + reason[1:])
        plan = plan_case(case, today)
        finished = Finished(
            flow=state.flow, label=state.label or state.answers.get("label"),
            answers=state.answers, case=raw, plan=plan,
            final=state.model_copy(update={"state": SUMMARY}),
        )  # fmt: skip
        layout = plan_layout(plan, finished.label, state.assumed, read_back(state.answers))
        out = Outgoing(text=layout_text(layout), layout=layout)
        return Turn(state=None, messages=[*before, out], finished=finished)

    def _reply(self, state: DialogueState, message: str) -> Turn:
        """Say something and ask the current question again; the state is returned unchanged."""
        prompt = self.prompt(state)
        text = f"⚠ {message}\n\n{prompt.text}" if message else prompt.text
        return Turn(state=state, messages=[prompt.model_copy(update={"text": text})])

    def _back(self, state: DialogueState) -> Turn:
        if not state.history:
            return self._reply(state, "This is the first question.")
        *rest, previous = state.history
        moved = state.model_copy(update={"state": previous, "history": rest, "pending": None})
        return Turn(state=moved, messages=[self.prompt(moved)])

    def _help(self, state: DialogueState) -> str:
        if state.state in (SUMMARY, EDIT_PICK):
            return f"Check the answers, then Confirm for the plan or Edit one. {COMMANDS_HELP}"
        return f"{q.BY_ID[state.state].help}\n{COMMANDS_HELP}"

    # -- summary and edit -----------------------------------------------------------------------

    def _asked(self, state: DialogueState) -> list[Question]:
        spec = FLOWS[state.flow]
        return [x for x in spec.questions if x.id in state.answers and x.applies(state.answers)]

    def _summary(self, state: DialogueState) -> Outgoing:
        lines = [
            f"{i}. {x.short}: {x.show(state.answers[x.id])}"
            for i, x in enumerate(self._asked(state), start=1)
        ]
        text = (
            "Please check:\n" + "\n".join(lines) + "\n\nConfirm for the plan, or Edit an answer."
        )
        choices = [
            Choice(value="confirm", label="✅ Confirm"),
            Choice(value="edit", label="✏️ Edit"),
        ]
        return Outgoing(text=text, choices=choices)

    def _edit_pick(self, state: DialogueState) -> Outgoing:
        asked = self._asked(state)
        return Outgoing(
            text="Which answer? (tap it, or send its number)",
            choices=[Choice(value=f"edit:{x.id}", label=x.short) for x in asked],
            columns=EDIT_COLUMNS,
        )

    def _on_summary(self, state: DialogueState, word: str, today: date) -> Turn:
        lower = word.lower()
        if lower in CONFIRM_WORDS:
            return self._finish(state, today, [])
        if lower == "edit":
            moved = state.model_copy(update={"state": EDIT_PICK})
            return Turn(state=moved, messages=[self.prompt(moved)])
        if lower.startswith("edit") or lower.isdigit():
            return self._on_edit_pick(state, lower.removeprefix("edit").strip(" :"))
        return self._reply(
            state, "Tap Confirm for the plan, Edit to change an answer, or /cancel."
        )

    def _on_edit_pick(self, state: DialogueState, word: str) -> Turn:
        asked = self._asked(state)
        key = word.lower().removeprefix("edit:")
        target = next((x for x in asked if key in (x.id, x.short.lower())), None)
        if target is None and key.isdigit() and 1 <= int(key) <= len(asked):
            target = asked[int(key) - 1]
        if target is None:
            return self._reply(
                state.model_copy(update={"state": EDIT_PICK}), "Pick an answer to edit."
            )
        moved = state.model_copy(
            update={"state": target.id, "history": [*state.history, SUMMARY], "pending": None}
        )
        return Turn(state=moved, messages=[self.prompt(moved)])
