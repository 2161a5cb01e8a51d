"""What the fake Telegram remembers: chats and their messages, updates, settings, requests.

Plain data with no I/O, so method implementations stay synchronous and easy to reason about;
the server owns waiting and HTTP.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from . import objects
from .objects import JSON
from .spec import UploadedFile


class ApiError(Exception):
    """A Telegram-style error answer (not a violation: Telegram gives it to correct clients)."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class Edit:
    """One applied edit, kept so tests can see how a message evolved."""

    text: str | None
    reply_markup: JSON | None
    wall: float


@dataclass
class ChatMessage:
    """A message in a chat, sent by the bot (`from_bot`) or by the simulated user."""

    chat_id: int
    message_id: int
    from_bot: bool
    date: int
    method: str
    text: str | None = None
    entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None
    reply_keyboard: JSON | None = None
    raw_text: str | None = None
    parse_mode: str | None = None
    extra: JSON = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False

    @property
    def caption(self) -> str | None:
        """Caption of a media message, if any."""
        return self.extra.get("caption")

    def buttons(self) -> list[JSON]:
        """Inline keyboard buttons, row by row, flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def callback_data(self) -> list[str]:
        """The callback_data of every button, in keyboard order."""
        return [b["callback_data"] for b in self.buttons() if "callback_data" in b]

    def button_data(self, label: str) -> str:
        """callback_data of the button showing `label`; tests press buttons by what they read."""
        for button in self.buttons():
            if button.get("text") == label and "callback_data" in button:
                return str(button["callback_data"])
        shown = [b.get("text") for b in self.buttons()]
        raise LookupError(f"no callback button {label!r} on message {self.message_id}: {shown}")

    def to_api(self, chat: JSON, sender: JSON) -> JSON:
        """The Message object as Telegram would return it now."""
        return objects.message(
            message_id=self.message_id,
            chat=chat,
            sender=sender,
            date=self.date,
            text=self.text,
            entities=self.entities,
            reply_markup=self.reply_markup,
            edit_date=self.edit_date,
            extra=self.extra,
        )

    def to_json(self) -> JSON:
        """Summary for the control API and failure messages."""
        return {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "from_bot": self.from_bot,
            "method": self.method,
            "date": self.date,
            "text": self.text,
            "raw_text": self.raw_text,
            "parse_mode": self.parse_mode,
            "entities": self.entities,
            "reply_markup": self.reply_markup,
            "reply_keyboard": self.reply_keyboard,
            "extra": self.extra,
            "edits": [
                {"text": e.text, "reply_markup": e.reply_markup, "wall": e.wall}
                for e in self.edits
            ],
            "edit_date": self.edit_date,
            "deleted": self.deleted,
        }


@dataclass
class ChatState:
    """A private chat between the bot and one simulated user."""

    user: JSON
    messages: list[ChatMessage] = field(default_factory=list)
    next_message_id: int = 1
    read_cursor: int = 0

    @property
    def id(self) -> int:
        """Private chats share the user's id."""
        return int(self.user["id"])

    @property
    def chat(self) -> JSON:
        """The Chat object."""
        return objects.private_chat(self.user)

    @property
    def chat_instance(self) -> str:
        """Stable per chat, as Telegram's CallbackQuery.chat_instance is."""
        return str(7_000_000_000_000_000_000 + self.id)

    def allocate_id(self) -> int:
        """Bot and user messages share one increasing sequence per chat."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def find(self, message_id: object) -> ChatMessage | None:
        """A message that still exists."""
        for msg in self.messages:
            if msg.message_id == message_id and not msg.deleted:
                return msg
        return None

    def bot_messages(self) -> list[ChatMessage]:
        """What the bot sent here, oldest first (deleted ones included, flagged)."""
        return [m for m in self.messages if m.from_bot]


@dataclass
class RecordedRequest:
    """One HTTP call to the Bot API, with the answer the fake gave."""

    method: str
    params: dict[str, Any]
    http_method: str
    wall: float
    at: float
    path: str = ""
    content_type: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    status: int | None = None
    response: JSON | None = None

    @property
    def result(self) -> Any:
        """The `result` of a successful answer."""
        return (self.response or {}).get("result")

    def to_json(self) -> JSON:
        """Plain data for the control API (uploaded files become their metadata)."""
        params = {
            k: v.metadata() if isinstance(v, UploadedFile) else getattr(v, "__dict__", v)
            for k, v in self.params.items()
        }
        return {
            "method": self.method,
            "params": params,
            "http_method": self.http_method,
            "path": self.path,
            "content_type": self.content_type,
            "wall": self.wall,
            "status": self.status,
            "response": self.response,
        }


@dataclass(frozen=True)
class Violation:
    """A request that breaks the Bot API spec or its documented limits."""

    method: str
    reason: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    wall: float = field(default_factory=time.time, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.method}: {self.reason}"

    def to_json(self) -> JSON:
        """Plain data for the control API."""
        return {"method": self.method, "reason": self.reason, "wall": self.wall}


@dataclass
class CallbackRecord:
    """A pushed button press and how (whether) the bot answered it."""

    query_id: str
    user_id: int
    message_id: int
    data: str
    pushed_at: float
    answered_at: float | None = None
    answer: JSON | None = None


@dataclass
class WebhookConfig:
    """setWebhook's settings; url '' means polling."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class BotState:
    """Everything the fake Telegram remembers about one bot."""

    bot: JSON
    chats: dict[int, ChatState] = field(default_factory=dict)
    pending_updates: list[JSON] = field(default_factory=list)
    next_update_id: int = 1
    redelivering: set[int] = field(default_factory=set)
    """Ids queued again by `redeliver`, kept until delivered whatever the bot's offset."""
    allowed_updates: list[str] | None = None
    webhook: WebhookConfig = field(default_factory=WebhookConfig)
    commands: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)
    menu_buttons: dict[int | None, JSON] = field(default_factory=dict)
    callbacks: dict[str, CallbackRecord] = field(default_factory=dict)
    chat_actions: list[tuple[int, str, float]] = field(default_factory=list)
    next_callback_id: int = 1
    logged_out: bool = False

    def chat_for_user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> ChatState:
        """The private chat with a user, created on first contact."""
        chat = self.chats.get(user_id)
        if chat is None:
            user = objects.human_user(
                user_id, first_name or f"User{user_id}", username, language_code or "en"
            )
            chat = ChatState(user)
            self.chats[user_id] = chat
        else:
            if first_name:
                chat.user["first_name"] = first_name
            if username:
                chat.user["username"] = username
            if language_code:
                chat.user["language_code"] = language_code
        return chat

    def message_json(self, chat: ChatState, msg: ChatMessage) -> JSON:
        """A stored message as a Message object."""
        return msg.to_api(chat.chat, self.bot if msg.from_bot else chat.user)

    def add_update(self, kind: str, payload: JSON) -> JSON:
        """Queue an update with the next update_id."""
        update = objects.update(self.next_update_id, kind, payload)
        self.next_update_id += 1
        self.pending_updates.append(update)
        return update

    def confirm_updates(self, offset: int | None) -> None:
        """getUpdates' offset: forget what the bot has seen (negative: keep only the last N)."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            del self.pending_updates[: max(len(self.pending_updates) + offset, 0)]
        else:
            self.pending_updates = [
                u
                for u in self.pending_updates
                if u["update_id"] >= offset or u["update_id"] in self.redelivering
            ]

    def redeliver(self, update: JSON) -> None:
        """Queue an update the bot already had, with its own update_id, once more."""
        self.pending_updates.append(update)
        self.redelivering.add(update["update_id"])

    def commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        """Commands are stored per scope and language, like Telegram does."""
        scope = params.get("scope") or {"type": "default"}
        scope_key = (
            ",".join(f"{k}={scope[k]}" for k in sorted(scope))
            if isinstance(scope, dict)
            else str(scope)
        )
        return scope_key, str(params.get("language_code") or "")
