"""Every sentence a person reads, in their language: English or Chinese (中文), and room for more.

The code marks its sentences with `_()` (or `N_()` for sentences declared as data and translated when
shown, `ngettext()` for counts, `pgettext()` when a short word means two things). The English sentence is
the message id, so English needs no catalog; every other language has gettext catalogs managed with Babel
(`python -m lang`), one per layer (plan, dialogue, bot), all under `lang/locale/<language>/`.

Which language is spoken is per turn, not per process: a `ContextVar` holds it, so each Telegram update
(its own asyncio task) and each terminal turn speaks its clinician's language without threading a
parameter through every function. The planner never imports this package: it returns codes and
parameters, and the wording of those codes lives in `lang.plan_words` and the catalogs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from lang.catalogs import translations

ENGLISH = "en"
LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文"}
"""The languages the assistant speaks, by code, each named in itself (the /language buttons)."""

_active: ContextVar[str] = ContextVar("liverbot_language", default=ENGLISH)


def supported(code: str | None) -> str | None:
    """The supported language a tag names (`zh-hans`, `zh_CN`, `ZH` -> `zh`), or None (`fr`, empty).

    Telegram sends the clinician's IETF tag; any Chinese tag gets the Chinese catalog (Simplified:
    the only Chinese catalog there is, which Traditional-script readers also read).
    """
    primary = (code or "").strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else None


def pick(code: str | None, default: str = ENGLISH) -> str:
    """The supported language for a language tag, else `default` (English if that is none)."""
    return supported(code) or (default if default in LANGUAGES else ENGLISH)


active = _active.get
"""The language of the current turn: `active()`. The ContextVar's own getter, not a function around
it: every sentence of a plan asks (some thirty per plan, issue 9's budget)."""


@contextmanager
def use(code: str) -> Iterator[str]:
    """Speak `code` inside the block, then the language before it: `with use("zh"): render(plan)`."""
    token = _active.set(pick(code))
    try:
        yield _active.get()
    finally:
        _active.reset(token)


def _(message: str) -> str:
    """`message` (an English sentence) in the active language."""
    language = _active.get()
    if language == ENGLISH:
        return message
    return translations(language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural sentence for `n`, by the active language's plural rule."""
    if _active.get() == ENGLISH:
        return singular if n == 1 else plural
    return translations(_active.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the active language, where `context` tells two meanings of one English word apart."""
    if _active.get() == ENGLISH:
        return message
    return str(translations(_active.get()).pgettext(context, message))


def N_(message: str) -> str:
    """Mark a sentence for the catalogs where it is declared as data; `_()` translates it when shown."""
    return message


def in_language(code: str, message: str) -> str:
    """`message` in `code` regardless of the active language (a command menu for each language)."""
    with use(code):
        return _(message)
