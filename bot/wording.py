"""Words the assistant's replies and files share (English; one place per language)."""

from __future__ import annotations

REMINDER_WORDS = {
    "imaging_due": "follow-up imaging due",
    "window_opens": "window opens",
    "window_closes": "window closes",
}
"""What a reminder asks for, as the reminder message, /reminders and the calendar word it."""
