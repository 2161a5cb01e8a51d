"""What the planner says, as a code and its parameters: the words live in `lang.plan_words`.

The planner is pure and speaks no language: a finding is `Said("caution.bilirubin", {"value": 2.4,
"unit": "mg/dL"})`, not an English sentence. The plan keeps these codes (and the store keeps the plan),
so a plan saved today reads in Chinese tomorrow; every channel renders them at its boundary in the
reader's language (`lang.plan_words.say`), and `liverbot plan` renders them into the JSON contract's
text fields.

`Said` is a NamedTuple: building one costs a tuple, not a pydantic model (issue 9's budget of 150 µs
per plan). In the plan's JSON a `Said` is `{"code": ..., "params": {...}}` (params left out when
empty), a parameter may itself be a `Said` (a sentence inside a sentence) or a list of them, and a
plain string where a `Said` is expected is a plan stored before codes existed: legacy verbatim text
(code `verbatim`), shown as it was written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from types import MappingProxyType
from typing import Any, NamedTuple

from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

VERBATIM = "verbatim"
"""The code of text stored before the plan spoke in codes: rendered as it is, in every language."""

Param = Any
"""A parameter: a number, a short code, a date, a unit, a `Said`, or a list of those."""

_NONE: Mapping[str, Param] = MappingProxyType({})


class Said(NamedTuple):
    """A sentence as a code and its parameters (named as in the sentence's `{placeholders}`)."""

    code: str
    params: Mapping[str, Param] = _NONE

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """As a field of the plan: a `Said` passes by an instance check (the planner builds them:
        no Python call per sentence), JSON or legacy text goes through `from_json`; serialised
        coded by default, worded inside `worded(say)`."""
        return core_schema.union_schema(
            [
                core_schema.is_instance_schema(cls),
                core_schema.no_info_plain_validator_function(from_json),
            ],
            serialization=core_schema.plain_serializer_function_ser_schema(
                _serialize, info_arg=False, when_used="always"
            ),
        )


_make = tuple.__new__
"""Builds a `Said` without the Python-level `__new__` a NamedTuple generates: the planner makes some
thirty per plan (issue 9's budget)."""


def said(code: str, **params: Param) -> Said:
    """`said("note.window_open", latest=day)`: a `Said` with its parameters named.

    A sentence without parameters is made once per code and shared (a `Said` is immutable, and the
    planner's codes are a fixed set): half of a plan's sentences are such, and making each anew cost
    1.5 % of issue 9's budget.
    """
    if params:
        return _make(Said, (code, params))
    found = _BARE.get(code)
    if found is None:
        found = _BARE[code] = _make(Said, (code, _NONE))
    return found


_BARE: dict[str, Said] = {}
"""Each sentence without parameters that `said` has made, by code."""


def joined(kind: str, items: Sequence[Said | str]) -> Said:
    """Several sentences or phrases as one parameter: `kind` is how they are joined (`comma`,
    `semicolon`, `and`, `sentences`), in each language's own punctuation."""
    return _make(Said, (f"join.{kind}", {"items": list(items)}))


def verbatim(text: str) -> Said:
    """Legacy text: a plan stored before codes, kept as written."""
    return Said(VERBATIM, {"text": text})


def to_json(value: Param) -> Param:
    """A `Said` (or a parameter) as JSON-ready data: dates as ISO text, `Said` as an object."""
    if isinstance(value, Said):
        out: dict[str, Any] = {"code": value.code}
        if value.params:
            out["params"] = {k: to_json(v) for k, v in value.params.items()}
        return out
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json(value: Any) -> Said:
    """A `Said` from its JSON form, or legacy text (a plain string) as verbatim."""
    if isinstance(value, Said):
        return value
    if isinstance(value, str):
        return verbatim(value)
    if isinstance(value, dict) and isinstance(value.get("code"), str):
        params = value.get("params") or {}
        if not isinstance(params, dict):
            raise ValueError("params must be an object")
        return Said(value["code"], {k: _param(v) for k, v in params.items()} or _NONE)
    raise ValueError("expected a sentence code (an object with a code) or text")


def _param(value: Any) -> Param:
    if isinstance(value, dict) and "code" in value:
        return from_json(value)
    if isinstance(value, list):
        return [_param(v) for v in value]
    return value


_SAYING: ContextVar[Callable[[Said], Any]] = ContextVar("saying", default=to_json)
"""How a `Said` is serialised here and now: `to_json` (coded), or the function that words it."""
saying = _SAYING.get
"""How a `Said` is serialised here and now: `to_json` (coded), or the `say` of `worded(say)`."""


@contextmanager
def worded(say: Callable[[Said], str] | None) -> Iterator[None]:
    """Within, every `Said` a model serialises is worded by `say` (`lang.plan_words.say`, in the
    active language); with None, or outside, it is coded (what the store keeps).

    A context variable rather than pydantic's serialisation `context`: a serializer that takes
    pydantic's `info` costs an object per sentence, and a plan has some twenty (issue 9's budget).
    It is per thread and per asyncio task, like the active language.
    """
    token = _SAYING.set(to_json if say is None else say)
    try:
        yield
    finally:
        _SAYING.reset(token)


def _serialize(value: Said) -> Any:
    """Coded (what the store keeps), or worded inside `worded(say)`."""
    return saying()(value)


def worded_by(schema: Any, say: Callable[[Said], str]) -> Any:
    """A copy of a core schema whose sentences `say` words itself, as text.

    What `worded` does for any model, but with no call in between: pydantic-core calls `say` for
    each sentence and writes the text it returns, instead of calling `_serialize`, which reads the
    context variable and then calls `say`. A plan's JSON is some twenty sentences, and the step
    between cost 2 % of issue 9's budget of 150 µs per plan (`planner.models.Plan` uses it for
    `liverbot plan`). Only the copy's dicts and lists are new; classes and functions are shared.
    """
    if isinstance(schema, dict):
        serialization = schema.get("serialization")
        if isinstance(serialization, dict) and serialization.get("function") is _serialize:
            return schema | {
                "serialization": core_schema.plain_serializer_function_ser_schema(
                    say, return_schema=core_schema.str_schema(), when_used="always"
                )
            }
        return {key: worded_by(value, say) for key, value in schema.items()}
    if isinstance(schema, list):
        return [worded_by(value, say) for value in schema]
    return schema
