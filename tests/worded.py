"""A plan as the English reader sees it, for tests that check what the planner says.

The planner returns sentence codes (`planner.said.Said`); the tests written against its English
sentences read them through `Worded`, which words every code in English with `lang.plan_words.say`
(the same function every channel uses) and passes every other field through unchanged. `.plan` is the
plan itself, for the code that takes one (render, reminders).
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from dataclasses import is_dataclass
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel

from lang import use
from lang.plan_words import say
from planner import Plan
from planner.said import Said


def english(value: Any) -> Any:
    """Every `Said` in `value` (a field of the plan) in English words."""
    if isinstance(value, Said):
        with use("en"):
            return say(value)
    if isinstance(value, list):
        return [english(v) for v in value]
    if isinstance(value, dict):
        return {k: english(v) for k, v in value.items()}
    if isinstance(value, BaseModel) or is_dataclass(value):
        fields = (
            [f.name for f in dataclass_fields(value)]
            if is_dataclass(value)
            else type(value).model_fields
        )
        if any(isinstance(getattr(value, name), Said) for name in fields):
            return SimpleNamespace(**{name: english(getattr(value, name)) for name in fields})
    return value


class Worded:
    """A plan whose sentences read in English; every other field as the planner gave it."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def __getattr__(self, name: str) -> Any:
        return english(getattr(self.plan, name))

    def __eq__(self, other: object) -> bool:
        return self.plan == (other.plan if isinstance(other, Worded) else other)

    def __hash__(self) -> int:
        return hash(self.plan)
