"""Which language a clinician is spoken to in: decided in one place, for every channel and job.

A clinician's own choice (/language) comes first; else the language their Telegram app is set to
(`language_code`: any `zh` tag is Chinese, anything else English, since those are the catalogs
there are); else the deployment's default (LIVERBOT_LANG), which is also the terminal's. The
channels hand the Telegram code in as a plain string; a reminder, sent without an update to read
it from, passes none and gets the code the clinician's app last sent (kept by the store).
"""

from __future__ import annotations

from bot.settings import Settings
from bot.store import Store
from lang import ENGLISH, LANGUAGES, pick


def language_for(
    store: Store, settings: Settings, user_id: int, telegram_code: str | None = None
) -> str:
    """The language to speak to `user_id` in: their /language choice, else their Telegram
    `language_code` (this update's, else the last one their app sent: zh* is Chinese, others
    English), else `settings.default_language`."""
    clinician = store.clinician(user_id)
    if clinician is not None and clinician.language in LANGUAGES:
        return clinician.language
    code = telegram_code if telegram_code and telegram_code.strip() else None
    if code is None and clinician is not None:
        code = clinician.telegram_language
    return language_of_code(code, settings)


def language_of_code(code: str | None, settings: Settings) -> str:
    """The language for a Telegram `language_code` alone (a stranger, of whom nothing is stored):
    zh* is Chinese, any other code English, no code the deployment's default."""
    return pick(code, ENGLISH) if code and code.strip() else settings.default_language
