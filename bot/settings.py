"""One typed settings object, read from the environment (and an optional `.env`) in the entry point only."""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    """What a deployment configures; nothing is read at import time."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    telegram_bot_token: str | None = Field(None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field(TELEGRAM_API_URL, alias="TELEGRAM_API_URL")
    db: Path = Field(Path("liverbot.db"), alias="LIVERBOT_DB")
    allowed_users: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), alias="LIVERBOT_ALLOWED_USERS"
    )
    tz: str = Field("UTC", alias="LIVERBOT_TZ")
    default_language: str = Field("en", alias="LIVERBOT_LANG")
    """The terminal's language, and a Telegram clinician's when neither /language nor their
    Telegram language code says (`en` or `zh`; a tag such as `zh-Hans` is read as `zh`). Not named
    `lang`: fields are also read by name, and LANG is the POSIX locale (`C.UTF-8`)."""
    reminder_time: time = Field(time(8, 0), alias="LIVERBOT_REMINDER_TIME")
    send_rate: float = Field(30.0, ge=0, alias="LIVERBOT_SEND_RATE")
    """Messages per second for the whole bot (Telegram's bulk limit is about 30); 0 turns it off."""
    reminder_rate: float = Field(25.0, gt=0, alias="LIVERBOT_REMINDER_RATE")
    """Reminders per second when many fall due at once: evenly paced, below Telegram's 30/s."""
    webhook_listen: str = Field("127.0.0.1", alias="LIVERBOT_WEBHOOK_LISTEN")
    webhook_port: int = Field(8443, ge=1, le=65535, alias="LIVERBOT_WEBHOOK_PORT")
    webhook_secret: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_-]{1,256}$", alias="LIVERBOT_WEBHOOK_SECRET"
    )
    """Telegram sends it in a header with every update; a random one is made per start if unset."""

    @field_validator("allowed_users", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        from lang import ENGLISH, LANGUAGES, supported  # the settings module stays import-light

        if not value.strip():
            return ENGLISH
        chosen = supported(value)
        if chosen is None:
            raise ValueError(f"unknown language {value!r}: one of {', '.join(LANGUAGES)}")
        return chosen

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The clinic's time zone, for 'today' and the hour reminders are sent."""
        return ZoneInfo(self.tz)


def token_configured() -> bool:
    """Whether a bot token is set (environment or `.env`), read without validating the rest."""
    from dotenv import dotenv_values

    return bool(
        os.environ.get("TELEGRAM_BOT_TOKEN") or dotenv_values(".env").get("TELEGRAM_BOT_TOKEN")
    )
