"""The clinical engine of liverbot: pure domain logic, no I/O, no clock, no channel.

Everything else depends on this package; it depends on nothing of the project's.
"""

from planner.decide import plan_case
from planner.errors import first_error
from planner.models import Case, Decision, Plan
from planner.schedule import ReminderKind, ReminderSpec, reminders_for
from planner.settings import DEFAULT_SETTINGS, ProtocolSettings
from planner.version import DISCLAIMER, PLANNER_VERSION

__all__ = [
    "DEFAULT_SETTINGS",
    "DISCLAIMER",
    "PLANNER_VERSION",
    "Case",
    "Decision",
    "Plan",
    "ProtocolSettings",
    "ReminderKind",
    "ReminderSpec",
    "first_error",
    "plan_case",
    "reminders_for",
]
