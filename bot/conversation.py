"""One input from a chat, applied exactly once: the bridge between a channel and the assistant.

Telegram delivers an update again when the bot stopped before confirming it (a crash between
handling a message and the next getUpdates, or a webhook retry). Applying the same text twice
would answer the *next* question with it, so each chat's last update id and reply are saved in
the same transaction as the answer: a re-delivered update re-sends the saved reply and changes
nothing. A press carries the dialogue and step it belongs to, and is refused by the assistant
inside the same transaction when they are no longer current, so the check cannot race.

The reply is kept as neutral `Message`s: the channel encodes them (Telegram's callback data lives
in `bot.tg` only), so nothing here knows how a button looks on the wire.

Runs in a worker thread (`asyncio.to_thread`): a database briefly locked by another writer then
holds up this chat, not the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from bot.actions import Action, Message
from bot.assistant import Assistant
from bot.store import Store
from lang import ENGLISH

REDELIVERY_WINDOW = timedelta(hours=24)
"""Telegram keeps an unconfirmed update at most 24 hours (Bot API, Getting updates); after a week
without updates its ids may restart lower, so only a recent lower id is taken as a re-delivery."""


@dataclass
class Outcome:
    """What the channel does next: send `messages`, schedule `to_schedule`."""

    messages: list[Message] = field(default_factory=list)
    to_schedule: list[int] = field(default_factory=list)
    stale: str | None = None
    """A press of another dialogue or of a question already answered: why; nothing applied."""
    repeat: bool = False
    """A re-delivered update: its saved reply is sent again, nothing applied."""
    dialogue: int | None = None
    step: str | None = None
    """The chat's dialogue and step after the input: only their buttons still answer anything."""
    language: str = ENGLISH
    """The language the reply speaks, for the channel's own words around it."""


def stored_messages(raw: list[dict[str, Any]]) -> list[Message]:
    """A saved reply as messages; one saved by an older liverbot (in Telegram's button format)
    keeps its text and loses its buttons, which would be refused as expired anyway."""
    out = []
    for item in raw:
        try:
            out.append(Message.model_validate(item))
        except ValidationError:
            out.append(Message(text=str(item.get("text", ""))))
    return out


class Conversation:
    """Applies inputs to the assistant once each, and keeps the reply to re-send."""

    def __init__(
        self,
        store: Store,
        assistant: Assistant,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.assistant = assistant
        self.clock = clock

    def process(
        self,
        owner_id: int,
        chat_id: int,
        update_id: int,
        received: str | Action,
        language_code: str | None = None,
    ) -> Outcome:
        """Apply one input: typed text, or a press decoded by the channel into an `Action`.

        `language_code` is the one the clinician's app sent with it (Telegram's `language_code`),
        kept for what is sent unprompted (reminders); the assistant decides the language."""
        with self.store.transaction():
            last = self.store.last_reply(owner_id, chat_id)
            if (
                last is not None
                and update_id <= last.update_id
                and last.at > self.clock() - REDELIVERY_WINDOW
            ):
                spoken = self.assistant.language(owner_id, language_code)
                if update_id < last.update_id:
                    # answered before the later update was handled
                    return Outcome(language=spoken)
                return Outcome(
                    messages=stored_messages(last.messages), repeat=True, language=spoken
                )
            clinician = self.store.touch_clinician(owner_id, chat_id, language_code)
            resumed = (
                self.store.resume_for_clinician(owner_id) if clinician.reminders_paused else []
            )
            if isinstance(received, Action):
                reply = self.assistant.press(owner_id, chat_id, received, language_code)
            else:
                reply = self.assistant.handle(owner_id, chat_id, received, language_code)
            if reply.stale is not None:
                return Outcome(
                    stale=reply.stale, to_schedule=[r.id for r in resumed], language=reply.language
                )
            self.store.save_reply(
                owner_id, chat_id, update_id, [m.model_dump(mode="json") for m in reply.messages]
            )
        return Outcome(
            reply.messages,
            [r.id for r in resumed] + reply.to_schedule,
            dialogue=reply.dialogue,
            step=reply.step,
            language=reply.language,
        )
