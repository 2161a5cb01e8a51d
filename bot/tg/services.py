"""What every handler and job needs, built once by `build_application`."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.assistant import Assistant
from bot.conversation import Conversation
from bot.settings import Settings
from bot.store import Store
from bot.tg.refusals import Refusals
from bot.tg.reminders import ReminderScheduler
from bot.tg.turns import ChatTurns


@dataclass(frozen=True)
class Services:
    """The settings, the store, and the objects built on it."""

    settings: Settings
    store: Store
    assistant: Assistant
    conversation: Conversation
    reminders: ReminderScheduler
    turns: ChatTurns = field(default_factory=ChatTurns)
    """Each chat's updates one at a time, different chats side by side (both update modes)."""
    refusals: Refusals = field(default_factory=Refusals)
    """When a stranger may be refused in words again (once an hour)."""
