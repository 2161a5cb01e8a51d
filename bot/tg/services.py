"""What every handler and job needs, built once by `build_application`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.assistant import Assistant
from bot.conversation import Conversation
from bot.settings import Settings
from bot.store import Store
from bot.tg.reminders import ReminderScheduler


@dataclass(frozen=True)
class Services:
    """The settings, the store, and the objects built on it."""

    settings: Settings
    store: Store
    assistant: Assistant
    conversation: Conversation
    reminders: ReminderScheduler
