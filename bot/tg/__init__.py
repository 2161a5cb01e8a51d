"""The Telegram adapter: everything that knows python-telegram-bot or the Bot API's shapes.

The core (assistant, conversation, store, terminal) speaks in neutral messages and typed presses;
this package turns them into messages with inline keyboards and callback data, and back.
"""
