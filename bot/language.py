"""Which language a clinician is spoken to in: decided in one place, for every channel and job.

A clinician's own choice (/language) comes first; else the language their Telegram app is set to
(`language_code`: any `zh` tag is Chinese, anything else English, since those are the catalogs
there are); else the deployment's default (LIVERBOT_LANG), which is also the terminal's. The
channels hand the Telegram code in as a plain string; a reminder, sent without an update to read
it from, passes none and gets the clinician's choice or the default.
"""

from __future__ import annotations

from bot.settings import Settings
from bot.store import Store
from lang import ENGLISH, LANGUAGES, pick


def language_for(
    store: Store, settings: Settings, user_id: int, telegram_code: str | None = None
) -> str:
    """The language to speak to `user_id` in: their /language choice, else their Telegram
    `language_code` (zh* is Chinese, others English), else `settings.default_language`."""
    chosen = store.language_of(user_id)
    if chosen is not None and chosen in LANGUAGES:
        return chosen
    if telegram_code and telegram_code.strip():
        return pick(telegram_code, ENGLISH)
    return settings.default_language
