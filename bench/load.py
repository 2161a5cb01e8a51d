"""Simulated clinicians: the same load for liverbot and for the echo bot, through the fake Bot API.

Each user runs a loop of a full `/new` intake (buttons where the question offers the answer, typing
otherwise) then a labelled `/quick` check, answering each reply as it arrives (closed loop). With
`rate` set, a shared pacer lets one input out every 1/rate seconds, whichever user is ready: that
is the paced latency run. Latency is from pushing the update to the bot's first new message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.tg.callbacks import answer_data, decode
from bot.tg.pacing import Pacer
from flows.questions import BY_ID, INTAKE_QUESTIONS
from tests.fakebotapi import ChatMessage, FakeBotApi
from tests.scripts import PLAIN_INTAKE

INTAKE = {
    **{q.id: PLAIN_INTAKE[q.id] for q in INTAKE_QUESTIONS[1:] if q.id in PLAIN_INTAKE},
    "summary": "confirm",
}
"""The plain intake's answers in the order the questions are asked (the label is per round)."""
QUICK = "age=70 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 ascites=none he=none"
REPLY_TIMEOUT_S = 60.0
PROMPTS = sorted(((q.prompt, q.id) for q in BY_ID.values()), key=lambda p: -len(p[0]))


@dataclass
class Step:
    """One input and how many messages answer it."""

    text: str
    replies: int = 1
    step: str | None = None
    """The dialogue step it answers, to press its button when the prompt offers it."""


def liverbot_script(user: int, round_: int) -> list[Step]:
    """A full intake by buttons and typing, then a labelled quick check: 19 inputs."""
    label = f"u{user}r{round_}"
    steps = [Step("/new"), Step(label, step="label")]
    steps += [Step(v, step=k) for k, v in INTAKE.items()]
    steps.append(Step(f"/quick {label}q {QUICK}"))  # the plan and its save: one message
    return steps


def quick_script(user: int, round_: int) -> list[Step]:
    """Ward-round quick checks only, each labelled (planned and saved): one input, one reply."""
    return [Step(f"/quick u{user}r{round_} {QUICK}")]


def echo_script(user: int, round_: int) -> list[Step]:
    """The same inputs as text, each echoed once."""
    return [Step(s.text) for s in liverbot_script(user, round_)]


def step_of(message: ChatMessage) -> str | None:
    """The question a prompt asks: from its buttons, else from its text."""
    for data in message.callback_data():
        action = decode(data)
        if action is not None and action.step is not None:
            return action.step
    question = (message.text or "").partition("\n")[
        2
    ]  # under the heading ("bed7 · intake · 2/17")
    return next((qid for prompt, qid in PROMPTS if question.startswith(prompt)), None)


@dataclass
class Results:
    """What the users saw."""

    latencies: list[float] = field(default_factory=list)
    inputs: int = 0
    off_script: int = 0
    """Prompts that were not the question the script expected (the bot asked again)."""


async def user_loop(
    server: FakeBotApi,
    user: int,
    script: Callable[[int, int], list[Step]],
    stop: asyncio.Event,
    results: Results,
    pacer: Pacer | None,
) -> None:
    """One clinician, round after round until `stop`."""
    loop = asyncio.get_running_loop()
    prompt: ChatMessage | None = None
    round_ = 0
    while not stop.is_set():
        round_ += 1
        for step in script(user, round_):
            if stop.is_set():
                return
            if pacer is not None:
                await pacer.wait()
            data = None
            if step.step is not None and prompt is not None:
                if step_of(prompt) != step.step:
                    results.off_script += 1
                data = answer_data(prompt.callback_data(), step.text, step.step)
            started = loop.time()
            if data is not None and prompt is not None:
                server.push_callback(user, prompt.message_id, data)
            else:
                server.push_text(user, step.text)
            prompt = await server.next_message(user, timeout=REPLY_TIMEOUT_S)
            results.latencies.append(loop.time() - started)
            results.inputs += 1
            for _ in range(step.replies - 1):
                prompt = await server.next_message(user, timeout=REPLY_TIMEOUT_S)


async def reset(server: FakeBotApi, user: int) -> None:
    """Cancel whatever dialogue a previous run left open, and read every reply."""
    chat = server.state.chats.get(user)
    if chat is not None:
        chat.read_cursor = len(chat.bot_messages())
    server.push_text(user, "/cancel")
    await server.next_message(user, timeout=REPLY_TIMEOUT_S)


UNTIL_POLL_S = 0.05
"""How often `drive` checks its `until` condition."""


async def reset_all(server: FakeBotApi, users: list[int]) -> None:
    """`reset` for every user at once."""
    await asyncio.gather(*(reset(server, u) for u in users))


async def drive(
    server: FakeBotApi,
    users: list[int],
    script: Callable[[int, int], list[Step]],
    seconds: float,
    rate: float | None = None,
    until: Callable[[Results], bool] | None = None,
    fresh: bool = True,
) -> Results:
    """Run every user for `seconds` (or, with `until`, until it holds, at most `seconds`), then let
    the inputs in flight finish.

    `until` is how a test waits on a busy machine: for an outcome, with a generous deadline, instead
    of for a fixed time that a slow run may not fill. `fresh`: first cancel what a previous run
    left open; a caller that measures does that before it starts measuring (`reset_all`), so the
    /cancel replies are not counted as the script's.
    """
    if fresh:
        await reset_all(server, users)
    stop = asyncio.Event()
    results = Results()
    pacer = Pacer(rate) if rate else None
    tasks = [
        asyncio.create_task(user_loop(server, u, script, stop, results, pacer)) for u in users
    ]
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if until is not None and until(results):
            break
        await asyncio.sleep(UNTIL_POLL_S if until is not None else seconds)
    stop.set()
    await asyncio.gather(*tasks)
    return results


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]
