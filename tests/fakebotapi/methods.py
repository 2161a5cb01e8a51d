"""Bot API methods as the fake models them, on already validated parameters.

Only behaviour a bot depends on is modelled (message history, edits and their errors, command
lists, webhook settings, callback answers); any other method of the spec gets a minimal answer
of its declared return type so a bot using it does not crash.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import objects
from .formatting import parse_formatted
from .objects import JSON
from .spec import BotApiSpec, MethodSpec
from .state import ApiError, BotState, ChatMessage, ChatState, Edit

Params = dict[str, Any]

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
DELETE_NOT_FOUND = "Bad Request: message to delete not found"
CHAT_NOT_FOUND = "Bad Request: chat not found"
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@dataclass
class Context:
    """What a method implementation may touch."""

    state: BotState
    spec: BotApiSpec
    strict_chats: bool = False
    clock: Callable[[], float] = field(default=time.time)

    def now(self) -> int:
        """Telegram dates are whole Unix seconds."""
        return int(self.clock())


def is_message_send(method: str) -> bool:
    """Methods that put a new message into a chat; these count against flood limits."""
    if method in ("sendChatAction", "sendMessageDraft", "sendRichMessageDraft", "sendGift"):
        return False
    return method.startswith("send") or method in (
        "forwardMessage",
        "forwardMessages",
        "copyMessage",
        "copyMessages",
    )


def resolve_chat(ctx: Context, chat_id: object) -> ChatState:
    """Private chats are created on first use unless the server is strict about it."""
    chat = ctx.state.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is not None:
        return chat
    if ctx.strict_chats or not isinstance(chat_id, int) or chat_id <= 0:
        raise ApiError(400, CHAT_NOT_FOUND)
    return ctx.state.chat_for_user(chat_id)


def _target(ctx: Context, params: Params, not_found: str) -> tuple[ChatState, ChatMessage]:
    chat = resolve_chat(ctx, params.get("chat_id"))
    msg = chat.find(params.get("message_id"))
    if msg is None:
        raise ApiError(400, not_found)
    return chat, msg


def _inline_markup(params: Params) -> JSON | None:
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


# -- messages -----------------------------------------------------------------------------


def send_message(ctx: Context, params: Params) -> JSON:
    """Store the message as the user will see it (markup parsed, whitespace trimmed)."""
    chat = resolve_chat(ctx, params["chat_id"])
    formatted = parse_formatted(params["text"], params.get("parse_mode"), params.get("entities"))
    msg = ChatMessage(
        chat_id=chat.id,
        message_id=chat.allocate_id(),
        from_bot=True,
        date=ctx.now(),
        method="sendMessage",
        text=formatted.text,
        entities=formatted.entities,
        reply_markup=_inline_markup(params),
        reply_keyboard=_reply_keyboard(params),
        raw_text=params["text"],
        parse_mode=params.get("parse_mode"),
    )
    chat.messages.append(msg)
    return ctx.state.message_json(chat, msg)


def _reply_keyboard(params: Params) -> JSON | None:
    """Reply keyboards are not part of the returned Message, but tests want to see them."""
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" not in markup:
        return markup
    return None


def edit_message_text(ctx: Context, params: Params) -> JSON | bool:
    """Telegram refuses edits of unknown messages and edits that change nothing."""
    if params.get("inline_message_id") is not None:
        return True
    chat, msg = _target(ctx, params, EDIT_NOT_FOUND)
    if not msg.from_bot:
        raise ApiError(400, "Bad Request: message can't be edited")
    if msg.text is None:
        raise ApiError(400, "Bad Request: there is no text in the message to edit")
    formatted = parse_formatted(
        params.get("text") or "", params.get("parse_mode"), params.get("entities")
    )
    markup = _inline_markup(params)
    if (formatted.text, formatted.entities, markup) == (msg.text, msg.entities, msg.reply_markup):
        raise ApiError(400, NOT_MODIFIED)
    msg.text, msg.entities, msg.reply_markup = formatted.text, formatted.entities, markup
    msg.raw_text, msg.parse_mode = params.get("text"), params.get("parse_mode")
    return _edited(ctx, chat, msg)


def edit_message_reply_markup(ctx: Context, params: Params) -> JSON | bool:
    """Without reply_markup the keyboard is removed, as on Telegram."""
    if params.get("inline_message_id") is not None:
        return True
    chat, msg = _target(ctx, params, EDIT_NOT_FOUND)
    markup = _inline_markup(params)
    if markup == msg.reply_markup:
        raise ApiError(400, NOT_MODIFIED)
    msg.reply_markup = markup
    return _edited(ctx, chat, msg)


def edit_message_caption(ctx: Context, params: Params) -> JSON | bool:
    """Captions are edited like texts; a message without media has nothing to caption."""
    if params.get("inline_message_id") is not None:
        return True
    chat, msg = _target(ctx, params, EDIT_NOT_FOUND)
    if msg.text is not None:
        raise ApiError(400, "Bad Request: there is no caption in the message to edit")
    caption = params.get("caption")
    formatted = parse_formatted(
        caption or "", params.get("parse_mode"), params.get("caption_entities")
    )
    markup = _inline_markup(params)
    new_extra = dict(msg.extra)
    new_extra.pop("caption", None)
    new_extra.pop("caption_entities", None)
    if formatted.text:
        new_extra["caption"] = formatted.text
    if formatted.entities:
        new_extra["caption_entities"] = formatted.entities
    if (new_extra, markup) == (msg.extra, msg.reply_markup):
        raise ApiError(400, NOT_MODIFIED)
    msg.extra, msg.reply_markup = new_extra, markup
    return _edited(ctx, chat, msg)


def _edited(ctx: Context, chat: ChatState, msg: ChatMessage) -> JSON:
    msg.edit_date = ctx.now()
    msg.edits.append(Edit(msg.text, msg.reply_markup, ctx.clock()))
    return ctx.state.message_json(chat, msg)


def delete_message(ctx: Context, params: Params) -> bool:
    """Deleted messages stay in the history, flagged, so tests can see the deletion."""
    _, msg = _target(ctx, params, DELETE_NOT_FOUND)
    msg.deleted = True
    return True


def delete_messages(ctx: Context, params: Params) -> bool:
    """Telegram skips the ids it cannot find."""
    chat = resolve_chat(ctx, params["chat_id"])
    for message_id in params.get("message_ids") or []:
        msg = chat.find(message_id)
        if msg is not None:
            msg.deleted = True
    return True


def send_chat_action(ctx: Context, params: Params) -> bool:
    """Recorded so tests can see 'typing…' was shown."""
    chat = resolve_chat(ctx, params["chat_id"])
    ctx.state.chat_actions.append((chat.id, params["action"], ctx.clock()))
    return True


# -- callbacks, commands, menu ------------------------------------------------------------


def answer_callback_query(ctx: Context, params: Params) -> bool:
    """Each query can be answered once; unknown ids get Telegram's 'query is too old'."""
    record = ctx.state.callbacks.get(str(params["callback_query_id"]))
    if record is None or record.answered_at is not None:
        raise ApiError(400, QUERY_INVALID)
    record.answered_at = ctx.clock()
    record.answer = {k: v for k, v in params.items() if k != "callback_query_id"}
    return True


def set_my_commands(ctx: Context, params: Params) -> bool:
    """Stored per scope and language."""
    key = ctx.state.commands_key(params)
    ctx.state.commands[key] = [
        objects.bot_command(c["command"], c["description"]) for c in params["commands"]
    ]
    return True


def get_my_commands(ctx: Context, params: Params) -> list[JSON]:
    """What setMyCommands stored for this scope and language, else nothing."""
    return list(ctx.state.commands.get(ctx.state.commands_key(params), []))


def delete_my_commands(ctx: Context, params: Params) -> bool:
    """Forget one scope's commands."""
    ctx.state.commands.pop(ctx.state.commands_key(params), None)
    return True


def set_chat_menu_button(ctx: Context, params: Params) -> bool:
    """Per chat, or the default when chat_id is absent."""
    ctx.state.menu_buttons[params.get("chat_id")] = params.get("menu_button") or {
        "type": "default"
    }
    return True


def get_chat_menu_button(ctx: Context, params: Params) -> JSON:
    """The chat's button, else the default one."""
    buttons = ctx.state.menu_buttons
    return buttons.get(params.get("chat_id")) or buttons.get(None) or {"type": "default"}


# -- webhook and session ------------------------------------------------------------------


def set_webhook(ctx: Context, params: Params) -> bool:
    """An empty url switches back to polling, as on Telegram, which takes HTTPS URLs only.

    The fake then delivers to the same host and port over plain HTTP, as the TLS-terminating
    proxy in front of a bot would (`FakeBotApi._post_update`)."""
    hook = ctx.state.webhook
    if params["url"] and not str(params["url"]).startswith("https://"):
        raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    hook.url = params["url"]
    hook.secret_token = params.get("secret_token")
    hook.max_connections = params.get("max_connections")
    hook.last_error_date = hook.last_error_message = None
    if params.get("allowed_updates") is not None:
        ctx.state.allowed_updates = params["allowed_updates"] or None
    if params.get("drop_pending_updates"):
        ctx.state.pending_updates.clear()
    return True


def delete_webhook(ctx: Context, params: Params) -> bool:
    """Back to getUpdates; pending updates stay unless dropped."""
    ctx.state.webhook.url = ""
    ctx.state.webhook.secret_token = None
    if params.get("drop_pending_updates"):
        ctx.state.pending_updates.clear()
    return True


def get_webhook_info(ctx: Context, params: Params) -> JSON:
    """Reports the pending queue and the last delivery error."""
    hook = ctx.state.webhook
    return objects.webhook_info(
        url=hook.url,
        pending_update_count=len(ctx.state.pending_updates),
        max_connections=hook.max_connections,
        allowed_updates=ctx.state.allowed_updates,
        last_error_date=hook.last_error_date,
        last_error_message=hook.last_error_message,
    )


def get_me(ctx: Context, params: Params) -> JSON:
    """The bot's own User, with the getMe-only fields."""
    return objects.bot_self(ctx.state.bot)


def log_out(ctx: Context, params: Params) -> bool:
    """Remembered so a test can notice a bot that logs itself out of the cloud API."""
    ctx.state.logged_out = True
    return True


def get_chat(ctx: Context, params: Params) -> JSON:
    """ChatFullInfo: the spec's required fields plus what the fake knows about the chat."""
    chat = resolve_chat(ctx, params["chat_id"])
    info: JSON = ctx.spec.minimal("ChatFullInfo")
    info.update(chat.chat)
    return info


# -- everything else ----------------------------------------------------------------------


def generic(ctx: Context, method: MethodSpec, params: Params) -> Any:
    """A minimal answer of the method's declared return type."""
    returns = method.returns
    if returns == ("Message", "Boolean") or method.name == "editMessageChecklist":
        if params.get("inline_message_id") is not None:
            return True
        chat, msg = _target(ctx, params, EDIT_NOT_FOUND)
        return _edited(ctx, chat, msg)
    if returns == ("Message",) and "chat_id" in method.fields:
        return _generic_send(ctx, method, params)
    if returns == ("Array of Message",) and method.name == "sendMediaGroup":
        items = params.get("media") or []
        return [_generic_send(ctx, method, params, media=item) for item in items]
    if "Boolean" in returns:
        return True
    return ctx.spec.minimal(returns[0])


def _generic_send(ctx: Context, method: MethodSpec, params: Params, media: object = None) -> JSON:
    chat = resolve_chat(ctx, params.get("chat_id"))
    extra: JSON = {}
    kind = media.get("type") if isinstance(media, dict) else _media_field(method.name)
    field_spec = ctx.spec.types["Message"].fields.get(kind or "")
    if field_spec is not None:
        type_expr = field_spec.types[0]
        if type_expr.startswith("Array of "):
            extra[field_spec.name] = [ctx.spec.minimal(type_expr[len("Array of ") :])]
        else:
            extra[field_spec.name] = ctx.spec.minimal(type_expr)
    source = media if isinstance(media, dict) else params
    caption = source.get("caption")
    if isinstance(caption, str) and caption:
        formatted = parse_formatted(
            caption, source.get("parse_mode"), source.get("caption_entities")
        )
        extra["caption"] = formatted.text
        if formatted.entities:
            extra["caption_entities"] = formatted.entities
    msg = ChatMessage(
        chat_id=chat.id,
        message_id=chat.allocate_id(),
        from_bot=True,
        date=ctx.now(),
        method=method.name,
        reply_markup=_inline_markup(params),
        reply_keyboard=_reply_keyboard(params),
        extra=extra,
    )
    chat.messages.append(msg)
    return ctx.state.message_json(chat, msg)


def _media_field(method: str) -> str:
    """sendVideoNote -> video_note: the Message field a send method fills."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", method.removeprefix("send")).lower()


HANDLERS: dict[str, Callable[[Context, Params], Any]] = {
    "getMe": get_me,
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "editMessageCaption": edit_message_caption,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "sendChatAction": send_chat_action,
    "answerCallbackQuery": answer_callback_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "getChat": get_chat,
    "logOut": log_out,
    "close": lambda ctx, params: True,
}
