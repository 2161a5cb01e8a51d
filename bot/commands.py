"""The commands, declared once: the assistant's dispatch, /help and Telegram's menu come from here.

They used to be three hand-kept lists (the dispatch table, the help text, the menu) that could and
did drift apart. Channel-neutral: the Telegram adapter turns `menu()` into its command menu.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.quick import keys_help


@dataclass(frozen=True)
class Command:
    """One slash command."""

    name: str
    usage: str
    """How it is written, arguments included, for /help."""
    summary: str
    """One line for /help and the command menu."""
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
    Command("new", "/new", "New patient: full assessment, question by question", "new"),
    Command(
        "quick",
        "/quick [LABEL] key=value ...",
        "Ward-round check in one line: /quick LABEL key=value ...",
        "quick",
    ),
    Command("patients", "/patients", "My patients, last decision and next date", "patients"),
    Command(
        "followup",
        "/followup [LABEL]",
        "Follow-up findings for a patient",
        "followup",
        picks_patient=True,
    ),
    Command(
        "done",
        "/done [LABEL] [DATE] [ctace|deb|bland|ethanol]",
        "Record an intervention done (date default today)",
        "done",
        picks_patient=True,
    ),
    Command("reminders", "/reminders", "Upcoming reminders", "reminders"),
    Command(
        "patient",
        "/patient [LABEL]",
        "One patient's course: plans, sessions, follow-ups, and as a picture",
        "patient",
        picks_patient=True,
    ),
    Command("calendar", "/calendar", "Your reminders and windows as a calendar file", "calendar"),
    Command(
        "forget", "/forget [LABEL]", "Delete a patient for good", "forget", picks_patient=True
    ),
    Command("back", "/back", "Previous question", "no_dialogue", in_dialogue=True),
    Command("skip", "/skip", "Skip an optional question", "no_dialogue", in_dialogue=True),
    Command("cancel", "/cancel", "Stop the current dialogue", "no_dialogue", in_dialogue=True),
    Command("help", "/help", "What liverbot does and how", "help", in_dialogue=True),
    Command("start", "/start", "Start", "start", menu=False),
)
BY_NAME = {c.name: c for c in COMMANDS}

QUICK_EXAMPLE = (
    "/quick bed7 age=70 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 "
    "ascites=none he=none"
)
PURPOSE = (
    "liverbot helps plan TACE for liver cancer (mostly HCC): from the patient, the tumour and the "
    "liver tests it gives the decision with its reasons, the scores and stages, what to correct "
    "first, the window for the next session, and reminders."
)
SHORT_DESCRIPTION = "Plans TACE for liver cancer from the protocol and guidelines, with reminders."
"""What a chat's profile shows (Bot API: 0-120 characters)."""
DESCRIPTION = (
    PURPOSE + "\n\nFor the clinicians it was set up for. Pseudonymous labels only (bed7, S-014). "
    "Decision support: it does not replace the treating team's judgement."
)
"""What an empty chat shows before /start (Bot API: 0-512 characters)."""
DISCLAIMER = "Decision support only: it does not replace the treating team's judgement."


def find(word: str) -> Command | None:
    """The command a message starts with (`/New` too), or None for anything else."""
    if not word.startswith("/"):
        return None
    return BY_NAME.get(word[1:].lower())


def menu() -> list[tuple[str, str]]:
    """(name, summary) of the commands a channel lists in its menu, in order."""
    return [(c.name, c.summary) for c in COMMANDS if c.menu]


def help_text() -> str:
    """/help: every listed command with its usage, then the disclaimer."""
    lines = [f"{c.usage}: {c.summary[:1].lower()}{c.summary[1:]}" for c in COMMANDS if c.menu]
    return (
        "liverbot plans TACE for liver cancer from the founding protocol and guidelines.\n"
        + "\n".join(lines)
        + f"\nA quick check, e.g.\n  {QUICK_EXAMPLE}\n"
        "Quick-check keys and their values:\n  " + "\n  ".join(keys_help()) + f"\n{DISCLAIMER}"
    )
