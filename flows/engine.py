"""Dialogues as `transitions` state machines generated from the question lists.

One machine per flow is built once and shared: a dialogue's run is attached with its saved state as
`initial`, moved by one answer, and detached in `finally` (docs of transitions; STYLE.md). `on_enter` is not
used, because it does not fire on restore: the prompt is always computed from the state reached.

Every input goes through `Dialogues.handle`, which never raises for anything a user can type: an answer that
cannot be read re-asks the same question with the reason, and leaves the state and answers unchanged.

Every message is worded when it is made, in the language active for the turn (`lang.use`): the state keeps
ids and values only, so a dialogue begun in English goes on in Chinese after /language, and back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from pydantic import BaseModel, Field, ValidationError
from transitions import EventData, Machine

import lang
from flows import questions as q
from flows.case import case_from_answers, question_for_error
from flows.parsing import Invalid, fold, label_warning, whole_number
from flows.questions import Choice, Question
from flows.readback import read_back
from flows.render import Layout, layout_text, plan_layout
from flows.state import DialogueState
from lang import N_, _
from planner import Case, Plan, first_error, plan_case

log = logging.getLogger(__name__)

START, SUMMARY, EDIT_PICK, FINISH = "start", "summary", "edit_pick", "finish"
CONFIRM_WORDS = frozenset({"confirm", "ok", "yes", "y", "plan", "go", "确认", "确定", "是", "好"})
EDIT_WORDS = frozenset({"edit", "修改", "编辑"})
KEEP = "keep"
KEEP_LABEL = N_("Keep it")
EDIT_COLUMNS = 2
"""The edit picker's buttons a row: 20-odd answers in a dozen rows, each short label uncut."""
COMMANDS_HELP = N_("/back previous question · /skip optional question · /cancel stop · /help")


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


FLOW_WORDS = {"intake": N_("intake"), "followup": N_("follow-up"), "quick": N_("quick check")}
"""How a question names its dialogue in its heading ("bed9 · follow-up · 3/9"); English, marked:
`flow_words` says it in the active language."""


def flow_words(flow: str) -> str:
    """The dialogue's name in the active language (`intake`, 随访 ...)."""
    return _(FLOW_WORDS[flow]) if flow in FLOW_WORDS else flow


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


def _refusal(exc: ValidationError) -> str | None:
    """Why the planner refused the answers, in the words the question's own parser uses (and so in
    the active language), for the refusals a dialogue can reach: a date before the last
    intervention after that date was edited, or a day gone by since a date was typed. None for
    the rest, said in the planner's words."""
    error = exc.errors(include_url=False)[0]
    context = error.get("ctx") or {}
    if error["type"] == "date_order" and "last" in context:
        return _("That is before the intervention ({day}).").format(day=context["last"])
    if error["type"] == "future_date" and "today" in context:
        return _("That date is in the future (today is {today}).").format(today=context["today"])
    return None


def _typed_back(word: str, label: str) -> bool:
    """Whether `word` is a button's label typed back, in any language (`Skip`, 跳过)."""
    return word.lower() in {lang.in_language(code, label).lower() for code in lang.LANGUAGES}


def _sentence(reason: str) -> str:
    return reason[:1].upper() + reason[1:]


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
            text = question.asked()
            if question.detail is not None:
                text += "\n" + question.detail(state.answers)
            if state.state in state.answers:
                was = question.show(state.answers[state.state])
                text += "\n" + _("(was: {answer})").format(answer=was)
            if question.optional and "/skip" not in text:
                text += "\n" + _("/skip if not known")
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
        who = state.label or state.answers.get("label") or _("new patient")
        flow = flow_words(state.flow)
        if state.state in (SUMMARY, EDIT_PICK):
            # TRANSLATORS: the heading of the summary, e.g. "bed9 · intake · check"
            return _("{who} · {flow} · check").format(who=who, flow=flow)
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
            notice = Outgoing(
                text=_(
                    "The questions changed since this conversation began, so it starts again. "
                    "Sorry for the repeat."
                )
            )
            return turn.model_copy(update={"messages": [notice, *turn.messages]})
        word = fold(text).strip()
        command = word.lower() if word.startswith("/") else ""
        if command == "/cancel":
            return Turn(state=None, messages=[Outgoing(text=_("Cancelled."))], cancelled=True)
        if command == "/help":
            return self._reply(state, self._help(state))
        if command == "/back":
            return self._back(state)
        if state.state == SUMMARY:
            return self._on_summary(state, word, today)
        if state.state == EDIT_PICK:
            return self._on_edit_pick(state, word)
        question = q.BY_ID[state.state]
        # The Skip button's text typed back (跳过) skips an optional question, as /skip does.
        if command == "/skip" or (question.optional and _typed_back(word, q.SKIP.label)):
            if not question.optional:
                return self._reply(
                    state, _("This one is needed for the plan and cannot be skipped.")
                )
            return self._accept(state, question, None, today)
        keeping = word.lower().lstrip("/") == KEEP or _typed_back(word, KEEP_LABEL)
        if state.pending is not None and keeping:
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
            keep = Choice(value=KEEP, label=_(KEEP_LABEL))
            message = _(
                "'{label}' {why}. Labels are stored, so use a pseudonym (bed7, S-014): "
                "send another label, or tap Keep it."
            ).format(label=value, why=why)
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
            return self._reply(again, _refusal(exc) or _sentence(message.split(": ", 1)[-1]))
        plan = plan_case(case, today)
        finished = Finished(
            flow=state.flow, label=state.label or state.answers.get("label"),
            answers=state.answers, case=raw, plan=plan,
            final=state.model_copy(update={"state": SUMMARY}),
        )  # fmt: skip
        assumed = [q.assumed_words(a) for a in state.assumed]
        layout = plan_layout(plan, finished.label, assumed, read_back(state.answers))
        out = Outgoing(text=layout_text(layout), layout=layout)
        return Turn(state=None, messages=[*before, out], finished=finished)

    def _reply(self, state: DialogueState, message: str) -> Turn:
        """Say something and ask the current question again; the state is returned unchanged."""
        prompt = self.prompt(state)
        text = f"⚠ {message}\n\n{prompt.text}" if message else prompt.text
        return Turn(state=state, messages=[prompt.model_copy(update={"text": text})])

    def _back(self, state: DialogueState) -> Turn:
        if not state.history:
            return self._reply(state, _("This is the first question."))
        *rest, previous = state.history
        moved = state.model_copy(update={"state": previous, "history": rest, "pending": None})
        return Turn(state=moved, messages=[self.prompt(moved)])

    def _help(self, state: DialogueState) -> str:
        if state.state in (SUMMARY, EDIT_PICK):
            return _(
                "Check the answers, then Confirm for the plan or Edit one. {commands}"
            ).format(commands=_(COMMANDS_HELP))
        return f"{q.BY_ID[state.state].explained()}\n{_(COMMANDS_HELP)}"

    # -- summary and edit -----------------------------------------------------------------------

    def _asked(self, state: DialogueState) -> list[Question]:
        spec = FLOWS[state.flow]
        return [x for x in spec.questions if x.id in state.answers and x.applies(state.answers)]

    def _summary(self, state: DialogueState) -> Outgoing:
        lines = [
            # TRANSLATORS: a line of the summary, e.g. "3. ECOG: 1 light work only"
            _("{number}. {question}: {answer}").format(
                number=i, question=x.name(), answer=x.show(state.answers[x.id])
            )
            for i, x in enumerate(self._asked(state), start=1)
        ]
        text = _("Please check:\n{answers}\n\nConfirm for the plan, or Edit an answer.").format(
            answers="\n".join(lines)
        )
        choices = [
            Choice(value="confirm", label=_("✅ Confirm")),
            Choice(value="edit", label=_("✏️ Edit")),
        ]
        return Outgoing(text=text, choices=choices)

    def _edit_pick(self, state: DialogueState) -> Outgoing:
        asked = self._asked(state)
        return Outgoing(
            text=_("Which answer? (tap it, or send its number)"),
            choices=[Choice(value=f"edit:{x.id}", label=x.name()) for x in asked],
            columns=EDIT_COLUMNS,
        )

    def _on_summary(self, state: DialogueState, word: str, today: date) -> Turn:
        lower = word.lower()
        if lower in CONFIRM_WORDS:
            return self._finish(state, today, [])
        if lower in EDIT_WORDS:
            moved = state.model_copy(update={"state": EDIT_PICK})
            return Turn(state=moved, messages=[self.prompt(moved)])
        verb = next((w for w in EDIT_WORDS if lower.startswith(w)), None)
        if verb is not None or whole_number(lower) is not None:
            return self._on_edit_pick(state, lower.removeprefix(verb or "").strip(" :"))
        return self._reply(
            state, _("Tap Confirm for the plan, Edit to change an answer, or /cancel.")
        )

    def _on_edit_pick(self, state: DialogueState, word: str) -> Turn:
        asked = self._asked(state)
        key = word.lower().removeprefix("edit:")
        target = next((x for x in asked if key == x.id or key in x.names()), None)
        number = whole_number(key)
        if target is None and number is not None and 1 <= number <= len(asked):
            target = asked[number - 1]
        if target is None:
            return self._reply(
                state.model_copy(update={"state": EDIT_PICK}), _("Pick an answer to edit.")
            )
        moved = state.model_copy(
            update={"state": target.id, "history": [*state.history, SUMMARY], "pending": None}
        )
        return Turn(state=moved, messages=[self.prompt(moved)])
