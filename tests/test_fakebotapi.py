"""Tests of the fake Bot API server, driven by a real python-telegram-bot client.

They pin down what the rest of the suite relies on: PTB reaches the fake through base_url,
every answer carries the fields the official spec requires, spec violations are caught and
worded exactly, and injected faults surface as the PTB exceptions a bot must handle.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import re
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    MenuButtonCommands,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from tests.fakebotapi import (
    ControlApiError,
    FakeBotApi,
    FakeBotApiProcess,
    Fault,
    RateLimit,
    Violation,
    load_spec,
)
from tests.fakebotapi.faults import FaultPlan, SendLog
from tests.fakebotapi.formatting import FormattingError, parse_formatted
from tests.fakebotapi.spec import SPEC_PATH

USER = 42
OTHER_USER = 43


def reasons(server: FakeBotApi) -> list[tuple[str, str]]:
    return [(v.method, v.reason) for v in server.violations]


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d) for d in data]])


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns (an error here) when RetryAfter.retry_after is read as int seconds.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake
    # Every answer the fake gave during the test must satisfy the spec.
    spec = fake.spec
    problems = [
        problem
        for record in fake.requests
        if record.status == 200
        for problem in spec.check_result(record.method, record.result)
    ]
    assert problems == []
    assert fake.answer_problems == []
    for record in fake.requests:
        if record.status not in (None, 200):
            assert record.response is not None
            assert record.response["ok"] is False
            assert record.response["error_code"] == record.status
            assert isinstance(record.response["description"], str)


@pytest.fixture
async def bot(server: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(server.token, base_url=server.base_url) as client:
        yield client


@asynccontextmanager
async def webhook_receiver(
    status: int = 200,
) -> AsyncIterator[tuple[str, asyncio.Queue[tuple[dict[str, str], Any]]]]:
    """A stand-in for the bot's webhook endpoint on 127.0.0.1."""
    received: asyncio.Queue[tuple[dict[str, str], Any]] = asyncio.Queue()

    async def hook(request: web.Request) -> web.Response:
        await received.put((dict(request.headers), await request.json()))
        return web.Response(status=status)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook", received
    finally:
        await runner.cleanup()


# -- transport: URL format and parameter encoding ------------------------------------------


async def test_ptb_posts_form_data_to_base_url_token_method(server: FakeBotApi, bot: Bot) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}/bot"
    assert bot.base_url == f"{server.base_url}{server.token}"
    await bot.send_message(USER, "123", reply_markup=keyboard("a"))
    get_me, send = server.requests
    assert (get_me.method, get_me.http_method, get_me.path) == (
        "getMe",
        "POST",
        f"/bot{server.token}/getMe",
    )
    assert get_me.content_type == ""
    assert send.content_type == "application/x-www-form-urlencoded"
    # PTB sends numbers JSON-dumped, strings as they are, objects as JSON strings.
    assert send.raw == {
        "chat_id": "42",
        "text": "123",
        "reply_markup": '{"inline_keyboard": [[{"callback_data": "a", "text": "A"}]]}',
    }
    assert send.params == {
        "chat_id": 42,
        "text": "123",
        "reply_markup": {"inline_keyboard": [[{"callback_data": "a", "text": "A"}]]},
    }


async def test_json_query_string_and_case_insensitive_method(server: FakeBotApi) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{server.api_url}/SENDMESSAGE",
            json={"chat_id": USER, "text": "json", "reply_markup": {"inline_keyboard": []}},
        ) as response:
            body = await response.json()
        assert response.status == 200
        assert body["result"]["text"] == "json"
        async with session.get(
            f"{server.api_url}/sendMessage", params={"chat_id": "42", "text": "query"}
        ) as response:
            assert (await response.json())["result"]["text"] == "query"
        async with session.get(f"{server.root_url}/getMe") as response:
            assert response.status == 404
    assert [m.text for m in server.messages(USER)] == ["json", "query"]
    assert reasons(server) == [("?", "request to '/getMe', not /bot<token>/<method>")]


async def test_multipart_upload_and_attach_references(server: FakeBotApi, bot: Bot) -> None:
    await bot.send_photo(USER, b"\x89PNG fake", caption="<b>scan</b>", parse_mode="HTML")
    await bot.send_media_group(
        USER, [InputMediaPhoto(b"one", caption="1"), InputMediaPhoto(b"two", caption="2")]
    )
    photo, first, second = server.messages(USER)
    assert photo.method == "sendPhoto"
    assert photo.caption == "scan"
    assert photo.extra["caption_entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    assert [first.caption, second.caption] == ["1", "2"]
    uploaded = server.requests_for("sendPhoto")[0].params["photo"]
    assert (uploaded.size, uploaded.data) == (len(b"\x89PNG fake"), b"\x89PNG fake")
    shown = server.requests_for("sendPhoto")[0].to_json()["params"]["photo"]
    assert "data" not in shown, "the control API shows an upload's metadata, not its bytes"
    assert shown["size"] == len(b"\x89PNG fake")
    assert server.violations == []
    with pytest.raises(BadRequest, match=r"^Can't parse entities"):
        await bot.send_media_group(
            USER, [InputMediaPhoto(b"x", caption="<br>", parse_mode="HTML"), InputMediaPhoto(b"y")]
        )
    assert reasons(server) == [
        ("sendMediaGroup", 'caption: can\'t parse entities (HTML): Unsupported start tag "br"')
    ]


# -- answers -------------------------------------------------------------------------------


async def test_get_me_has_required_user_fields(server: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.first_name, me.username) == (
        123456789,
        True,
        "Liverbot",
        "liverbot_test_bot",
    )
    assert server.spec.check_object("User", server.requests[-1].result) == []


async def test_send_message_with_inline_keyboard(server: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(
        USER, "  Dose <b>5 ml</b>  ", parse_mode="HTML", reply_markup=keyboard("yes", "no")
    )
    assert sent.text == "Dose 5 ml"
    assert sent.chat.id == USER
    assert sent.chat.type == "private"
    assert sent.from_user is not None
    assert sent.from_user.is_bot
    assert abs(sent.date.timestamp() - time.time()) < 5
    assert sent.entities[0].type == "bold"
    assert server.requests[-1].result["from"] == {
        "id": 123456789,
        "is_bot": True,
        "first_name": "Liverbot",
        "username": "liverbot_test_bot",
    }
    assert sent.reply_markup == keyboard("yes", "no")
    stored = server.messages(USER)[0]
    assert (stored.message_id, stored.text, stored.raw_text) == (
        sent.message_id,
        "Dose 5 ml",
        "  Dose <b>5 ml</b>  ",
    )
    assert stored.callback_data() == ["yes", "no"]
    assert stored.button_data("NO") == "no"
    second = await bot.send_message(USER, "again")
    assert second.message_id == sent.message_id + 1


async def test_edit_message_text_like_telegram(server: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Step 1", reply_markup=keyboard("next"))
    edited = await bot.edit_message_text(
        "Step 2", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard("next")
    )
    assert isinstance(edited, type(sent))
    assert edited.text == "Step 2"
    assert edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_text(
            "Step 2", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard("next")
        )
    # Without reply_markup Telegram drops the keyboard: that counts as a change.
    await bot.edit_message_text("Step 2", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)
    stored = server.messages(USER)[0]
    assert [(e.text, e.reply_markup is not None) for e in stored.edits] == [
        ("Step 2", True),
        ("Step 2", False),
    ]
    assert server.violations == []


async def test_edit_reply_markup_delete_and_chat_action(server: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Pick", reply_markup=keyboard("a"))
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard("b"))
    await bot.edit_message_reply_markup(USER, sent.message_id)
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id)
    assert server.messages(USER)[0].reply_markup is None
    assert await bot.send_chat_action(USER, "typing")
    assert await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(USER, sent.message_id)
    assert server.messages(USER)[0].deleted
    assert [(chat, action) for chat, action, _ in server.state.chat_actions] == [(USER, "typing")]


async def test_commands_menu_button_and_session_methods(server: FakeBotApi, bot: Bot) -> None:
    commands = [BotCommand("start", "Start over"), BotCommand("plan_tace", "Plan a TACE")]
    assert await bot.set_my_commands(commands)
    assert await bot.set_my_commands([BotCommand("help", "Help")], scope=BotCommandScopeChat(USER))
    assert await bot.get_my_commands() == tuple(commands)
    assert await bot.get_my_commands(scope=BotCommandScopeChat(USER)) == (
        BotCommand("help", "Help"),
    )
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    assert await bot.set_chat_menu_button(USER, MenuButtonCommands())
    assert await bot.get_chat_menu_button(USER) == MenuButtonCommands()
    chat = await bot.get_chat(USER)
    assert (chat.id, chat.type) == (USER, "private")
    assert await bot.close()
    assert await bot.log_out()
    assert server.state.logged_out
    assert server.method_counts()["setMyCommands"] == 2
    assert server.violations == []


async def test_other_spec_methods_answer_their_return_type(server: FakeBotApi, bot: Bot) -> None:
    assert await bot.pin_chat_message(USER, 1)
    location = await bot.send_location(USER, 52.5, 13.4)
    assert location.location is not None
    member = await bot.get_chat_member(USER, USER)
    assert member.status == "creator"
    assert server.violations == []


# -- simulated users and getUpdates --------------------------------------------------------


async def test_get_updates_parses_pushed_text_and_callback(server: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Choose", reply_markup=keyboard("liver", "lung"))
    server.push_text(USER, "/start@liverbot_test_bot please", first_name="Anna")
    server.push_callback(USER, sent.message_id, "liver")
    with pytest.raises(LookupError):
        server.push_callback(USER, sent.message_id, "kidney")
    text_update, callback_update = await bot.get_updates(timeout=1)
    assert isinstance(text_update, Update)
    assert text_update.message is not None
    assert text_update.message.text == "/start@liverbot_test_bot please"
    assert text_update.message.entities[0].type == "bot_command"
    assert text_update.message.entities[0].length == len("/start@liverbot_test_bot")
    assert text_update.message.message_id == sent.message_id + 1
    assert text_update.effective_user is not None
    assert (text_update.effective_user.id, text_update.effective_user.first_name) == (
        USER,
        "Anna",
    )
    query = callback_update.callback_query
    assert query is not None
    assert query.data == "liver"
    assert query.chat_instance
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert callback_update.effective_user is not None
    assert callback_update.effective_user.id == USER
    assert callback_update.update_id == text_update.update_id + 1
    assert [c.data for c in server.unanswered_callbacks()] == ["liver"]
    assert await bot.answer_callback_query(query.id, text="Saved")
    assert server.unanswered_callbacks() == []
    with pytest.raises(BadRequest, match=r"^Query is too old"):
        await bot.answer_callback_query(query.id)
    # Unconfirmed updates come again; an offset past them confirms them.
    assert len(await bot.get_updates()) == 2
    assert await bot.get_updates(offset=callback_update.update_id + 1) == ()
    assert server.state.pending_updates == []


async def test_get_updates_limit_and_negative_offset(server: FakeBotApi, bot: Bot) -> None:
    for i in range(5):
        server.push_text(USER, f"m{i}")
    assert [u.message.text for u in await bot.get_updates(limit=2) if u.message] == ["m0", "m1"]
    assert [u.message.text for u in await bot.get_updates(offset=-2) if u.message] == [
        "m3",
        "m4",
    ]
    assert len(server.state.pending_updates) == 2


async def test_long_poll_returns_promptly_on_push(server: FakeBotApi, bot: Bot) -> None:
    # Promptly: long before the poll's own timeout, however busy the machine is.
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await server.wait_for(
        lambda: any(r.status is None for r in server.requests_for("getUpdates")),
        what="a waiting getUpdates",
    )
    server.push_text(USER, "hello")
    updates = await asyncio.wait_for(poll, 20)
    assert [u.message.text for u in updates if u.message] == ["hello"]
    # With nothing to deliver, a short poll ends empty after its timeout.
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()


async def test_second_poller_terminates_the_first(server: FakeBotApi, bot: Bot) -> None:
    async with Bot(server.token, base_url=server.base_url) as other:
        first = asyncio.create_task(bot.get_updates(timeout=10))
        await server.wait_for(lambda: len(server.requests_for("getUpdates")) == 1)
        second = asyncio.create_task(other.get_updates(timeout=10))
        with pytest.raises(Conflict, match=r"terminated by other getUpdates request"):
            await asyncio.wait_for(first, 2)
        server.push_text(USER, "for the survivor")
        assert len(await asyncio.wait_for(second, 2)) == 1


async def test_ptb_application_round_trip_by_polling(server: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(
            update.effective_chat.id, "Welcome", reply_markup=keyboard("go")
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"You chose {query.data}")

    app = Application.builder().token(server.token).base_url(server.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        server.push_text(USER, "/start")
        welcome = await server.next_message(USER)
        assert welcome.text == "Welcome"
        server.push_button(USER, welcome.message_id, "GO")
        await server.wait_for(lambda: welcome.edits, what="the edit")
        await app.updater.stop()
        await app.stop()
    assert welcome.text == "You chose go"
    assert welcome.reply_markup is None
    assert server.unanswered_callbacks() == []
    server.assert_no_violations()


# -- webhook -------------------------------------------------------------------------------


async def test_webhook_delivers_pushed_updates_with_secret(server: FakeBotApi, bot: Bot) -> None:
    async with webhook_receiver() as (url, received):
        assert await bot.set_webhook(url, secret_token="s3cret")
        server.push_text(USER, "via hook")
        headers, update = await asyncio.wait_for(received.get(), 2)
        assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret"
        assert Update.de_json(update, bot).message.text == "via hook"  # type: ignore[union-attr]
        with pytest.raises(Conflict, match=r"webhook is active"):
            await bot.get_updates()
        await server.wait_for(lambda: not server.state.pending_updates)
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (url, 0)
        assert await bot.delete_webhook()
    server.push_text(USER, "via polling")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["via polling"]


async def test_failed_webhook_keeps_update_pending(server: FakeBotApi, bot: Bot) -> None:
    async with webhook_receiver(status=500) as (url, received):
        await bot.set_webhook(url)
        server.push_text(USER, "retry me")
        await asyncio.wait_for(received.get(), 2)
        await server.wait_for(lambda: server.state.webhook.last_error_message)
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 1
        assert (
            info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
        )
        await bot.delete_webhook()
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["retry me"]


# -- violations ----------------------------------------------------------------------------


async def test_unknown_parameter_is_a_violation(server: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r'^Unknown parameter "colour"$'):
        await bot.send_message(USER, "hi", api_kwargs={"colour": "red"})
    assert server.violations == [Violation("sendMessage", 'unknown parameter "colour"')]
    with pytest.raises(AssertionError, match=r'sendMessage: unknown parameter "colour"'):
        server.assert_no_violations()
    assert server.messages(USER) == []


async def test_missing_required_parameter_is_a_violation(server: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(USER, None)  # type: ignore[arg-type]
    assert reasons(server) == [("sendMessage", 'missing required parameter "text"')]


async def test_text_longer_than_4096_is_a_violation(server: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(USER, "x" * 4096)
    assert server.violations == []
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(USER, "x" * 4097)
    await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(USER, "<b> </b>", parse_mode="HTML")
    assert reasons(server) == [
        ("sendMessage", "text must be 1-4096 characters after entity parsing, got 4097"),
        ("sendMessage", "text must be 1-4096 characters after entity parsing, got 0"),
    ]


async def test_callback_data_over_64_bytes_is_a_violation(server: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(USER, "ok", reply_markup=keyboard("é" * 32))
    assert server.violations == []
    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
        await bot.send_message(USER, "too long", reply_markup=keyboard("ok", "d" * 65))
    assert reasons(server) == [
        (
            "sendMessage",
            "reply_markup.inline_keyboard[0][1].callback_data must be 1-64 bytes, got 65",
        )
    ]


async def test_button_without_action_is_a_violation(server: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(
            USER, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("bare")]])
        )
    assert reasons(server) == [
        (
            "sendMessage",
            "reply_markup.inline_keyboard[0][0] must have exactly one action field, has []",
        ),
    ]


async def test_bad_commands_are_violations(server: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"^Bot_command_invalid$"):
        await bot.set_my_commands([BotCommand("Start", "Go"), BotCommand("ok", "d" * 257)])
    assert reasons(server) == [
        ("setMyCommands", "commands[0].command 'Start' must be 1-32 characters of a-z, 0-9 and _"),
        ("setMyCommands", "commands[1].description must be 1-256 characters, got 257"),
    ]


async def test_unparseable_markup_is_a_violation(server: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"^Can't parse entities: unsupported start tag"):
        await bot.send_message(USER, "line<br>break", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"reserved and must be escaped"):
        await bot.send_message(USER, "Dose: 5.0 ml", parse_mode="MarkdownV2")
    await bot.send_message(USER, "Dose: *5\\.0* ml", parse_mode="MarkdownV2")
    assert reasons(server) == [
        ("sendMessage", 'text: can\'t parse entities (HTML): Unsupported start tag "br"'),
        (
            "sendMessage",
            "text: can't parse entities (MarkdownV2): Character '.' is reserved and must be "
            "escaped with the preceding '\\'",
        ),
    ]
    assert server.messages(USER)[0].text == "Dose: 5.0 ml"


async def test_unknown_method_and_wrong_token(server: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})
    wrong = Bot("999:wrong", base_url=server.base_url)
    with pytest.raises(InvalidToken, match=r"was rejected by the server"):
        await wrong.initialize()
    await wrong.shutdown()
    assert reasons(server) == [
        ("sendTelepathy", 'unknown method "sendTelepathy"'),
        ("getMe", "wrong token '999:wrong'"),
    ]


async def test_strict_chats_rejects_unknown_chat() -> None:
    async with (
        FakeBotApi(strict_chats=True) as server,
        Bot(server.token, base_url=server.base_url) as bot,
    ):
        with pytest.raises(BadRequest, match=r"^Chat not found$"):
            await bot.send_message(USER, "who?")
        server.push_text(USER, "hi")
        assert (await bot.send_message(USER, "hello")).message_id == 2
        assert server.violations == []


# -- faults --------------------------------------------------------------------------------


async def test_429_raises_retry_after(server: FakeBotApi, bot: Bot) -> None:
    server.faults.add("sendMessage", Fault.retry_after(7))
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "flood")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert server.requests_for("sendMessage")[0].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert (await bot.send_message(USER, "after the wait")).text == "after the wait"


async def test_5xx_raises_network_error(server: FakeBotApi, bot: Bot) -> None:
    server.faults.add("sendMessage", Fault.server_error())
    server.faults.add("sendMessage", Fault.server_error(502, "Bad Gateway"))
    with pytest.raises(NetworkError, match=r"^Internal Server Error$") as first:
        await bot.send_message(USER, "a")
    with pytest.raises(NetworkError, match=r"^Bad Gateway$") as second:
        await bot.send_message(USER, "b")
    # Plain NetworkError, not one of its subclasses (BadRequest, TimedOut).
    assert type(first.value) is NetworkError
    assert type(second.value) is NetworkError
    await bot.send_message(USER, "c")
    assert [m.text for m in server.messages(USER)] == ["c"]


async def test_blocked_chat_raises_forbidden(server: FakeBotApi, bot: Bot) -> None:
    server.faults.block_chat(USER)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(USER, "anyone there?")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, "typing")
    await bot.send_message(OTHER_USER, "others still fine")
    server.faults.unblock_chat(USER)
    await bot.send_message(USER, "welcome back")


async def test_slow_answer_times_out_the_client(server: FakeBotApi) -> None:
    server.faults.add("getMe", Fault.slow(30))
    request = HTTPXRequest(read_timeout=0.2)
    slow_bot = Bot(server.token, base_url=server.base_url, request=request)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await slow_bot.get_me()
    finally:
        await request.shutdown()
    assert server.faults.rules[0].hits == 1


async def test_fault_for_next_k_calls_then_recovers(server: FakeBotApi, bot: Bot) -> None:
    server.faults.add("sendMessage", Fault.server_error(), times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "x")
    await bot.send_message(USER, "third time lucky")
    assert server.method_counts()["sendMessage"] == 3


def test_fault_window_and_queue_order() -> None:
    now = [100.0]
    plan = FaultPlan(clock=lambda: now[0])
    plan.add("sendMessage", Fault.blocked(), duration=2.0)
    plan.add("sendMessage", Fault.retry_after(3))
    assert plan.take("sendMessage", 1) == Fault.blocked()
    assert plan.take("SENDMESSAGE", 1) == Fault.blocked()
    assert plan.take("getMe", None) is None
    now[0] = 102.5
    assert plan.take("sendMessage", 1) == Fault.retry_after(3)
    assert plan.take("sendMessage", 1) is None


async def test_rate_limit_recorded_and_enforced(server: FakeBotApi, bot: Bot) -> None:
    # All 35 sends at one instant of the server's clock, however slowly this machine makes them.
    server.send_clock = lambda: 1000.0
    await asyncio.gather(*(bot.send_message(USER + i % 5, f"n{i}") for i in range(35)))
    assert server.max_send_rate() == 35
    with pytest.raises(AssertionError, match=r"35 messages within 1.0s, limit 30"):
        server.assert_send_rate(30)
    server.sends.clear()
    server.rate_limit = RateLimit(per_second=30, retry_after=2)
    results = await asyncio.gather(
        *(bot.send_message(USER, f"m{i}") for i in range(35)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, RetryAfter)]
    assert len(refused) == 5
    assert refused[0].retry_after == dtm.timedelta(seconds=2)
    server.assert_send_rate(30)


def test_send_log_sliding_window() -> None:
    log = SendLog()
    for at in (0.0, 0.5, 0.99, 1.0, 1.2, 3.0):
        log.record(at, chat_id=USER if at < 1 else OTHER_USER)
    assert log.max_in_window(1.0) == 4
    assert log.max_in_window(1.0, chat_id=USER) == 3
    assert log.count_since(1.0) == 3


# -- the spec checker ----------------------------------------------------------------------


def test_spec_is_loaded_from_the_repository() -> None:
    assert SPEC_PATH.parts[-3:] == ("data", "telegram-bot-api", "api.min.json")
    spec = load_spec()
    assert spec.version == "Bot API 10.1"
    assert spec.method("SendMessage") is spec.methods["sendMessage"]
    assert spec.methods["sendMessage"].fields["text"].required


def test_checker_finds_missing_and_wrong_fields() -> None:
    spec = load_spec()
    user = {"id": 1, "is_bot": False, "first_name": "A"}
    assert spec.check_object("User", user) == []
    assert spec.check_object("User", {"id": 1, "first_name": "A"}) == [
        "User.is_bot: required field of User is missing"
    ]
    message = {"message_id": 1, "date": 0, "chat": {"id": 1}, "text": 5}
    assert spec.check_object("Message", message) == [
        "Message.chat.type: required field of Chat is missing",
        "Message.text: expected String, got Integer",
    ]
    assert spec.check_object("MenuButton", {"type": "commands"}) == []
    assert spec.check_object("MenuButton", {"type": "web_app"}) == [
        "MenuButton.text: required field of MenuButtonWebApp is missing",
        "MenuButton.web_app: required field of MenuButtonWebApp is missing",
    ]
    assert spec.check_object("User", {**user, "nickname": "x"}) == [
        "User.nickname: User has no such field"
    ]
    assert spec.check_result("getMe", True) == ["getMe(): expected User object, got Boolean"]


def test_minimal_objects_satisfy_the_spec_for_every_type() -> None:
    spec = load_spec()
    failures = {
        name: problems
        for name in spec.types
        if (problems := spec.check_object(name, spec.minimal(name)))
    }
    assert failures == {}


def test_pushed_updates_satisfy_the_spec() -> None:
    fake = FakeBotApi()
    text = fake.push_text(USER, "/plan now")
    assert fake.spec.check_object("Update", text) == []
    assert text["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 5}]
    assert fake.answer_problems == []


def test_decoding_uses_declared_types() -> None:
    spec = load_spec()
    method = spec.methods["sendMessage"]
    params, problems = spec.decode_params(
        method,
        {
            "chat_id": "@channel",
            "text": "123",
            "disable_notification": "true",
            "reply_markup": "{not json",
        },
    )
    assert params["chat_id"] == "@channel"
    assert params["text"] == "123"
    assert params["disable_notification"] is True
    assert problems == ["parameter \"reply_markup\": cannot parse JSON value '{not json'"]


@pytest.mark.parametrize(
    ("text", "mode", "plain", "entities"),
    [
        (
            "<i>a</i> &amp; <a href='http://x'>b</a>",
            "HTML",
            "a & b",
            [
                {"type": "italic", "offset": 0, "length": 1},
                {"type": "text_link", "url": "http://x", "offset": 4, "length": 1},
            ],
        ),
        ("😀 *b*", "MarkdownV2", "😀 b", [{"type": "bold", "offset": 3, "length": 1}]),
        (
            "> quoted\nplain",
            "MarkdownV2",
            "quoted\nplain",
            [
                {"type": "blockquote", "offset": 0, "length": 6},
            ],
        ),
        (
            "*b* [l](http://x)",
            "Markdown",
            "b l",
            [
                {"type": "bold", "offset": 0, "length": 1},
                {"type": "text_link", "url": "http://x", "offset": 2, "length": 1},
            ],
        ),
    ],
)
def test_formatting_plain_text_and_entities(
    text: str, mode: str, plain: str, entities: list[dict[str, Any]]
) -> None:
    formatted = parse_formatted(text, mode)
    assert (formatted.text, formatted.entities) == (plain, entities)


@pytest.mark.parametrize(
    ("text", "mode", "error"),
    [
        ("<b>open", "HTML", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<span>x</span>", "HTML", 'Tag "span" must have class "tg-spoiler"'),
        ("*open", "MarkdownV2", "Can't find end of Bold entity at byte offset 0"),
        ("wow!", "MarkdownV2", "Character '!' is reserved"),
        ("_open", "Markdown", "Can't find end of the entity starting at byte offset 0"),
    ],
)
def test_formatting_errors(text: str, mode: str, error: str) -> None:
    with pytest.raises(FormattingError, match=re.escape(error)):
        parse_formatted(text, mode)


# -- standalone process --------------------------------------------------------------------


async def test_standalone_process_with_control_api() -> None:
    with FakeBotApiProcess() as process:
        control = process.control
        assert control is not None
        assert process.base_url.startswith("http://127.0.0.1:")
        assert process.base_url.endswith("/bot")
        async with Bot(process.token, base_url=process.base_url) as bot:
            await bot.send_message(USER, "hi", reply_markup=keyboard("ok"))
            sent = control.next_message(USER, timeout=30)
            assert (sent["text"], sent["reply_markup"]) == ("hi", keyboard("ok").to_dict())
            control.push_text(USER, "/start")
            control.push_callback(USER, sent["message_id"], button_text="OK")
            updates = await bot.get_updates(timeout=1)
            assert [u.message.text if u.message else None for u in updates] == ["/start", None]
            assert updates[1].callback_query is not None
            assert updates[1].callback_query.data == "ok"
            control.add_fault("retry_after", "sendMessage", retry_after=3)
            with pytest.raises(RetryAfter):
                await bot.send_message(USER, "flood")
            with pytest.raises(BadRequest):
                await bot.send_message(USER, "hi", api_kwargs={"bogus": 1})
        with pytest.raises(ControlApiError) as caught:
            control.next_message(OTHER_USER, timeout=0.1)
        assert caught.value.status == 408
        assert [(v["method"], v["reason"]) for v in control.violations()] == [
            ("sendMessage", 'unknown parameter "bogus"')
        ]
        stats = control.stats()
        assert stats["counts"]["sendMessage"] == 3
        assert stats["unanswered_callbacks"] == ["42-1"]
        assert [m["text"] for m in control.messages(USER)] == ["hi"]
        assert json.loads(json.dumps(control.requests("getMe")))[0]["status"] == 200
        control.reset()
        control.assert_no_violations()
    assert process.process is None
