"""The Telegram Bot API spec (api.min.json) as an independent judge of requests and answers.

The fake server must not trust PTB's idea of the API (that is what we test), so every request
is decoded and checked against the scraped official documentation, and every object the fake
answers is checked against the same document.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parent.parent / "data" / "telegram-bot-api" / "api.min.json"

PRIMITIVES = frozenset({"Integer", "Float", "String", "Boolean"})
ARRAY_PREFIX = "Array of "
_CONSTANT_RE = re.compile(r'(?:always [“"]([\w-]+)[”"]|must be ([\w-]+))')
_MAX_DEPTH = 12


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request: its metadata, and its bytes for a test to read.

    The bytes are kept so that a test can check what the bot uploaded (a PNG's signature, an
    .ics file that parses); the control API returns the metadata only.
    """

    field: str
    filename: str | None
    content_type: str | None
    size: int
    data: bytes = dataclass_field(default=b"", repr=False, compare=False)

    def metadata(self) -> dict[str, object]:
        """What the control API shows of the file (JSON: no bytes)."""
        return {
            "field": self.field,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
        }


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method or one field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method: its parameters and what it returns."""

    name: str
    fields: Mapping[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    """A Bot API type; `subtypes` is set for unions, `constant` for a union member's tag."""

    name: str
    fields: Mapping[str, FieldSpec]
    subtypes: tuple[str, ...]
    constant: tuple[str, str] | None


def _fields(raw: Iterable[Mapping[str, Any]]) -> dict[str, FieldSpec]:
    return {
        f["name"]: FieldSpec(
            name=f["name"],
            types=tuple(f["types"]),
            required=bool(f["required"]),
            description=f.get("description", ""),
        )
        for f in raw
    }


def _constant(fields: Mapping[str, FieldSpec], is_member: bool) -> tuple[str, str] | None:
    """Find the tag of a union member, e.g. MenuButtonCommands.type 'must be commands'."""
    if not is_member or not fields:
        return None
    first = next(iter(fields.values()))
    if first.name not in ("type", "status", "source") or first.types != ("String",):
        return None
    match = _CONSTANT_RE.search(first.description)
    if match is None:
        return None
    return first.name, match.group(1) or match.group(2)


def _type_name(value: object) -> str:
    """Name a JSON value's kind in a way that reads well in a violation message."""
    names = {bool: "Boolean", int: "Integer", float: "Float", str: "String"}
    if type(value) in names:
        return names[type(value)]
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, UploadedFile):
        return "InputFile"
    return type(value).__name__


class BotApiSpec:
    """Loaded spec with decoding and structural checks of parameters and objects."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.version: str = raw.get("version", "")
        self.methods: dict[str, MethodSpec] = {
            name: MethodSpec(name, _fields(m.get("fields", [])), tuple(m.get("returns", [])))
            for name, m in raw["methods"].items()
        }
        self.types: dict[str, TypeSpec] = {}
        for name, t in raw["types"].items():
            fields = _fields(t.get("fields", []))
            self.types[name] = TypeSpec(
                name=name,
                fields=fields,
                subtypes=tuple(t.get("subtypes", [])),
                constant=_constant(fields, bool(t.get("subtype_of"))),
            )
        self._by_lower = {name.lower(): spec for name, spec in self.methods.items()}

    def method(self, name: str) -> MethodSpec | None:
        """Look a method up case-insensitively, as the real server does."""
        return self._by_lower.get(name.lower())

    # -- requests -------------------------------------------------------------------------

    def decode_params(
        self, method: MethodSpec, raw: Mapping[str, object]
    ) -> tuple[dict[str, object], list[str]]:
        """Turn form strings into typed values using the declared types of each parameter.

        Form and query values are all strings; JSON-serialised ones (reply_markup, commands,
        numbers, booleans) are decoded only where the spec says the parameter is not a string,
        so a text like "123" stays a string.
        """
        params: dict[str, object] = {}
        problems: list[str] = []
        for name, value in raw.items():
            field = method.fields.get(name)
            if field is None or not isinstance(value, str):
                params[name] = value
                continue
            decoded, problem = self._decode(field, value)
            params[name] = decoded
            if problem:
                problems.append(problem)
        return params, problems

    def _decode(self, field: FieldSpec, value: str) -> tuple[object, str | None]:
        non_string = [t for t in field.types if t not in ("String", "InputFile")]
        if not non_string:
            return value, None
        try:
            decoded: object = json.loads(value)
        except ValueError:
            if len(non_string) < len(field.types):
                return value, None
            return value, f'parameter "{field.name}": cannot parse JSON value {value[:60]!r}'
        if not self.check_value(non_string, decoded, field.name):
            return decoded, None
        if len(non_string) < len(field.types):
            return value, None
        return decoded, None

    def check_params(self, method: MethodSpec, params: Mapping[str, object]) -> list[str]:
        """Missing required, unknown and wrongly typed parameters of one request."""
        problems = [
            f'missing required parameter "{name}"'
            for name, field in method.fields.items()
            if field.required and params.get(name) is None
        ]
        for name, value in params.items():
            field = method.fields.get(name)
            if field is None:
                problems.append(f'unknown parameter "{name}"')
            elif value is not None:
                problems.extend(self.check_value(field.types, value, name))
        return problems

    # -- objects --------------------------------------------------------------------------

    def check_result(self, method: str, result: object) -> list[str]:
        """Check a method's answer against the method's declared return types."""
        spec = self.method(method)
        if spec is None:
            return [f"unknown method {method!r}"]
        return self.check_value(spec.returns, result, f"{spec.name}()")

    def check_value(self, types: Iterable[str], value: object, path: str) -> list[str]:
        """Check one value against alternative type expressions; [] if any fits."""
        return self._check_value(tuple(types), value, path, 0)

    def _check_value(
        self, types: tuple[str, ...], value: object, path: str, depth: int
    ) -> list[str]:
        attempts = [(t, self._check_one(t, value, path, depth)) for t in types]
        if any(not errors for _, errors in attempts):
            return []
        if isinstance(value, dict):
            objects = [(t, e) for t, e in attempts if t in self.types]
            if objects:
                return max(objects, key=lambda te: self._overlap(te[0], value))[1]
        if len(attempts) == 1:
            return attempts[0][1]
        return [f"{path}: expected {' or '.join(types)}, got {_type_name(value)}"]

    def check_object(self, type_name: str, value: object, path: str = "") -> list[str]:
        """Check that an object has every required field of `type_name`, recursively."""
        return self._check_one(type_name, value, path or type_name, 0)

    def _overlap(self, type_name: str, value: Mapping[str, object]) -> int:
        spec = self.types[type_name]
        names = set(spec.fields)
        for sub in spec.subtypes:
            if sub in self.types:
                names |= set(self.types[sub].fields)
        return len(names & set(value))

    def _check_one(self, type_expr: str, value: object, path: str, depth: int) -> list[str]:
        if type_expr.startswith(ARRAY_PREFIX):
            if not isinstance(value, list):
                return [f"{path}: expected {type_expr}, got {_type_name(value)}"]
            inner = type_expr[len(ARRAY_PREFIX) :]
            errors: list[str] = []
            for i, item in enumerate(value):
                errors.extend(self._check_one(inner, item, f"{path}[{i}]", depth + 1))
            return errors
        if type_expr in PRIMITIVES:
            return (
                []
                if _fits_primitive(type_expr, value)
                else [f"{path}: expected {type_expr}, got {_type_name(value)}"]
            )
        if type_expr == "InputFile":
            if isinstance(value, str | UploadedFile):
                return []
            return [f"{path}: expected InputFile, got {_type_name(value)}"]
        spec = self.types.get(type_expr)
        if spec is None:
            return [f"{path}: unknown type {type_expr!r} in spec"]
        if depth > _MAX_DEPTH:
            return []
        if spec.subtypes:
            return self._check_union(spec, value, path, depth)
        if not isinstance(value, dict):
            return [f"{path}: expected {type_expr} object, got {_type_name(value)}"]
        return self._check_fields(spec, value, path, depth)

    def _check_union(self, spec: TypeSpec, value: object, path: str, depth: int) -> list[str]:
        if isinstance(value, dict):
            for sub in spec.subtypes:
                tagged = self.types.get(sub)
                if (
                    tagged
                    and tagged.constant
                    and value.get(tagged.constant[0]) == tagged.constant[1]
                ):
                    return self._check_one(sub, value, path, depth + 1)
        attempts = [self._check_one(sub, value, path, depth + 1) for sub in spec.subtypes]
        if any(not errors for errors in attempts):
            return []
        return [f"{path}: matches none of {spec.name}'s kinds ({', '.join(spec.subtypes)})"]

    def _check_fields(
        self, spec: TypeSpec, value: Mapping[str, object], path: str, depth: int
    ) -> list[str]:
        errors = [
            f"{path}.{name}: required field of {spec.name} is missing"
            for name, field in spec.fields.items()
            if field.required and name not in value
        ]
        for name, item in value.items():
            field = spec.fields.get(name)
            if field is None:
                errors.append(f"{path}.{name}: {spec.name} has no such field")
                continue
            errors.extend(self._check_value(field.types, item, f"{path}.{name}", depth + 1))
        if spec.constant and spec.constant[0] in value:
            tag, expected = spec.constant
            if value[tag] != expected:
                errors.append(f"{path}.{tag}: must be {expected!r} for {spec.name}")
        return errors

    # -- building -------------------------------------------------------------------------

    def minimal(self, type_expr: str, depth: int = 0) -> Any:
        """A smallest valid value of a type: used to answer methods the fake does not model."""
        if type_expr.startswith(ARRAY_PREFIX):
            return []
        placeholders: dict[str, Any] = {
            "Integer": 0,
            "Float": 0.0,
            "String": "",
            "Boolean": False,
            "InputFile": "",
        }
        if type_expr in placeholders:
            return placeholders[type_expr]
        spec = self.types[type_expr]
        if spec.subtypes:
            first = next(s for s in spec.subtypes if s in self.types or s in placeholders)
            return self.minimal(first, depth + 1)
        if depth > _MAX_DEPTH:
            return {}
        obj = {
            name: self.minimal(field.types[0], depth + 1)
            for name, field in spec.fields.items()
            if field.required
        }
        if spec.constant:
            obj[spec.constant[0]] = spec.constant[1]
        return obj


def _fits_primitive(type_name: str, value: object) -> bool:
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "String":
        return isinstance(value, str)
    return isinstance(value, bool)


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> BotApiSpec:
    """Parse the spec once per process; it is 650 kB and never changes during a run."""
    with path.open(encoding="utf-8") as fh:
        return BotApiSpec(json.load(fh))
