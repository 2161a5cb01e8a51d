"""The commands, declared once: the assistant's dispatch, /help and Telegram's menu come from here.

They used to be three hand-kept lists (the dispatch table, the help text, the menu) that could and
did drift apart. Channel-neutral: the Telegram adapter turns `menu()` into its command menu.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flows.quick import keys_help
from lang import N_, _, supported


@dataclass(frozen=True)
class Command:
    """One slash command."""

    name: str
    usage: str
    """How it is written, arguments included, for /help (marked: `LABEL` is a word to translate)."""
    summary: str
    """One line for /help and the command menu (marked, translated when shown)."""
    handler: str
    """The `Assistant` method that runs it outside a dialogue."""
    in_dialogue: bool = False
    """Inside a dialogue the dialogue answers it (/back, /skip, /cancel, /help)."""
    menu: bool = True
    picks_patient: bool = False
    """Sent bare (as the menu sends it), it offers the clinician's patients as buttons."""


COMMANDS: tuple[Command, ...] = (
    # In the order a clinician uses them: a patient in, a look at the list, the course, then the
    # rarer ones; the in-dialogue ones last (their buttons are on the questions themselves).
    Command("new", "/new", N_("New patient: full assessment, question by question"), "new"),
    Command(
        "quick",
        N_("/quick [LABEL] key=value ..."),
        N_("Ward-round check in one line: /quick LABEL key=value ..."),
        "quick",
    ),
    Command("patients", "/patients", N_("My patients, last decision and next date"), "patients"),
    Command(
        "followup",
        N_("/followup [LABEL]"),
        N_("Follow-up findings for a patient"),
        "followup",
        picks_patient=True,
    ),
    Command(
        "done",
        N_("/done [LABEL] [DATE] [ctace|deb|bland|ethanol]"),
        N_("Record an intervention done (date default today)"),
        "done",
        picks_patient=True,
    ),
    Command("reminders", "/reminders", N_("Upcoming reminders"), "reminders"),
    Command(
        "patient",
        N_("/patient [LABEL]"),
        N_("One patient's course: plans, sessions, follow-ups, and as a picture"),
        "patient",
        picks_patient=True,
    ),
    Command(
        "calendar", "/calendar", N_("Your reminders and windows as a calendar file"), "calendar"
    ),
    Command(
        "forget",
        N_("/forget [LABEL]"),
        N_("Delete a patient for good"),
        "forget",
        picks_patient=True,
    ),
    Command("language", "/language [en|zh]", N_("Language: English or 中文"), "language"),
    Command("back", "/back", N_("Previous question"), "no_dialogue", in_dialogue=True),
    Command("skip", "/skip", N_("Skip an optional question"), "no_dialogue", in_dialogue=True),
    Command("cancel", "/cancel", N_("Stop the current dialogue"), "no_dialogue", in_dialogue=True),
    Command("help", "/help", N_("What liverbot does and how"), "help", in_dialogue=True),
    Command("start", "/start", N_("Start"), "start", menu=False),
)
BY_NAME = {c.name: c for c in COMMANDS}

QUICK_EXAMPLE = (
    "/quick bed7 age=70 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 "
    "ascites=none he=none"
)
PURPOSE = N_(
    "liverbot helps plan TACE for liver cancer (mostly HCC): from the patient, the tumour and the "
    "liver tests it gives the decision with its reasons, the scores and stages, what to correct "
    "first, the window for the next session, and reminders."
)
SHORT_DESCRIPTION = N_(
    "Plans TACE for liver cancer from the protocol and guidelines, with reminders."
)
"""What a chat's profile shows (Bot API: 0-120 characters)."""
ABOUT = N_(
    "For the clinicians it was set up for. Pseudonymous labels only (bed7, S-014). "
    "Decision support: it does not replace the treating team's judgement."
)
DESCRIPTION = PURPOSE + "\n\n" + ABOUT
"""What an empty chat shows before /start (Bot API: 0-512 characters), in English; `description()`
says it in the active language."""
DISCLAIMER = N_("Decision support only: it does not replace the treating team's judgement.")
LANGUAGE_NAMES = {"english": "en", "中文": "zh", "chinese": "zh", "汉语": "zh", "简体中文": "zh"}
"""Names of the languages a clinician may type after /language, besides their codes."""


def find(word: str) -> Command | None:
    """The command a message starts with (`/New` too, and `／ｎｅｗ` as a Chinese input method
    types it in full width), or None for anything else."""
    word = unicodedata.normalize("NFKC", word)
    if not word.startswith("/"):
        return None
    return BY_NAME.get(word[1:].lower())


def menu() -> list[tuple[str, str]]:
    """(name, summary) of the commands a channel lists in its menu, in order, in the active
    language (a channel sets one menu per language)."""
    return [(c.name, _(c.summary)) for c in COMMANDS if c.menu]


def description() -> str:
    """What an empty chat shows before /start, in the active language."""
    return _(PURPOSE) + "\n\n" + _(ABOUT)


def language_named(typed: str) -> str | None:
    """The language a clinician typed after /language (`zh`, `zh-Hans`, `中文`, `English`), or
    None when it names none the assistant speaks."""
    word = typed.strip().lower()
    if word in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[word]
    return supported(word)


def help_text() -> str:
    """/help: every listed command with its usage, then the disclaimer, in the active language."""
    lines = []
    for c in COMMANDS:
        if c.menu:
            summary = _(c.summary)
            lines.append(
                _("{usage}: {summary}").format(
                    usage=_(c.usage), summary=summary[:1].lower() + summary[1:]
                )
            )
    return "\n".join(
        [
            _("liverbot plans TACE for liver cancer from the founding protocol and guidelines."),
            *lines,
            _("A quick check, e.g."),
            f"  {QUICK_EXAMPLE}",
            _("Quick-check keys and their values:"),
            *(f"  {key}" for key in keys_help()),
            _(DISCLAIMER),
        ]
    )
