"""Turning the tables of a form file into typed settings, collecting every problem with its path.

The settings of a form are frozen dataclasses (`definition.py`); `build(cls, data, path)` checks a table against
one field by field, by the field's type: text, switch (`true`/`false`), a whole number in bounds, one of fixed
words (`Literal`), an id, a list of anything of these, a list of fixed length, a nested table, or a table of
tables. It is small on purpose: reading a form must not cost `vsp validate` the start-up time of a validation
library's schema machinery.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Hashable
from dataclasses import MISSING, fields, is_dataclass
from functools import cache
from typing import Annotated, Any, Literal, TypeVar, cast, get_args, get_origin

from ..diagnostics import describe_value, did_you_mean
from ..tomlpos import PathKey

T = TypeVar("T")

#: An id of a block, part or option: lower-case ASCII, digits and underscores.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


#: A field that holds an id (checked against `ID_PATTERN`).
Id = Annotated[str, "id"]
#: A field that holds the columns of a grid: 1 or 2.
Columns = Annotated[int, "columns"]


class Problem(typing.NamedTuple):
    path: PathKey
    code: str
    message: str
    #: Point at the key, not its value.
    at_key: bool = False


def _name(path: PathKey) -> str:
    return ".".join(str(p) for p in path)


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


def keys_of(cls: type) -> list[str]:
    """The keys a table of `cls` may have, as a form file writes them."""
    return [_key(f.name) for f in fields(cls)]


def _key(name: str) -> str:
    return name.rstrip("_")


def build(cls: type[T], data: Any, path: PathKey, problems: list[Problem]) -> T | None:
    """An instance of the dataclass `cls` from the table `data`, or None (and `problems`) if it does not fit."""
    if not isinstance(data, dict):
        problems.append(
            Problem(
                path, "invalid-type", f"„{_name(path)}“: eine Tabelle erwartet, gefunden: {_describe(data)}"
            )
        )
        return None
    known = keys_of(cls)
    before = len(problems)
    for key in data:
        if key not in known:
            hint = did_you_mean(str(key), known) or (f" Erlaubt: {', '.join(known)}." if known else "")
            problems.append(
                Problem((*path, key), "unknown-key", f"Unbekannter Schlüssel „{key}“.{hint}", True)
            )
    values: dict[str, Any] = {}
    hints = _hints(cast(Hashable, cls))
    for f in fields(cls):  # type: ignore[arg-type]
        key = _key(f.name)
        if key not in data:
            if f.default is MISSING and f.default_factory is MISSING:
                problems.append(Problem((*path, key), "form-missing-key", f"„{_name((*path, key))}“ fehlt"))
            continue
        values[f.name] = _value(hints[f.name], data[key], (*path, key), problems)
    if len(problems) > before:
        return None
    return cls(**values)


def _value(kind: Any, value: Any, path: PathKey, problems: list[Problem]) -> Any:
    origin = get_origin(kind)
    if origin is Annotated:
        base, *marks = get_args(kind)
        checked = _value(base, value, path, problems)
        if "id" in marks and isinstance(value, str) and not ID_PATTERN.match(value):
            problems.append(
                Problem(
                    path,
                    "invalid-value",
                    f"„{_name(path)}“: {_describe(value)} ist keine gültige Id (Kleinbuchstaben, Ziffern und _, "
                    "beginnend mit einem Buchstaben)",
                )
            )
        if (
            "columns" in marks
            and isinstance(value, int)
            and not isinstance(value, bool)
            and value not in (1, 2)
        ):
            problems.append(
                Problem(
                    path, "invalid-value", f"„{_name(path)}“: 1 oder 2 erwartet, gefunden: {_describe(value)}"
                )
            )
        return checked
    if origin in (typing.Union, types.UnionType):
        options = [a for a in get_args(kind) if a is not type(None)]
        return _value(options[0], value, path, problems)
    if origin is Literal:
        choices = [str(c) for c in get_args(kind)]
        if value not in get_args(kind):
            hint = did_you_mean(value, choices) if isinstance(value, str) else ""
            problems.append(
                Problem(
                    path,
                    "invalid-choice",
                    f"„{_name(path)}“: unbekannter Wert {_describe(value)}.{hint} Erlaubt: {', '.join(choices)}",
                )
            )
        return value
    if origin is tuple:
        args = get_args(kind)
        if not isinstance(value, list):
            problems.append(
                Problem(
                    path,
                    "invalid-type",
                    f"„{_name(path)}“: eine Liste [ … ] erwartet, gefunden: {_describe(value)}",
                )
            )
            return ()
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], item, (*path, i), problems) for i, item in enumerate(value))
        if len(value) != len(args):
            problems.append(
                Problem(
                    path,
                    "invalid-value",
                    f"„{_name(path)}“ hat {len(value)} Einträge; erwartet: genau {len(args)}",
                )
            )
            return ()
        return tuple(
            _value(arg, item, (*path, i), problems)
            for i, (arg, item) in enumerate(zip(args, value, strict=True))
        )
    if origin is dict:
        _, item_kind = get_args(kind)
        if not isinstance(value, dict):
            problems.append(
                Problem(
                    path,
                    "invalid-type",
                    f"„{_name(path)}“: eine Tabelle erwartet, gefunden: {_describe(value)}",
                )
            )
            return {}
        return {key: _value(item_kind, item, (*path, key), problems) for key, item in value.items()}
    if isinstance(kind, type) and is_dataclass(kind):
        return build(kind, value, path, problems)
    if kind is bool:
        if not isinstance(value, bool):
            problems.append(
                Problem(
                    path,
                    "invalid-type",
                    f"„{_name(path)}“: true oder false erwartet, gefunden: {_describe(value)}",
                )
            )
        return value
    if kind is Columns or kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(
                Problem(
                    path,
                    "invalid-type",
                    f"„{_name(path)}“: eine ganze Zahl erwartet, gefunden: {_describe(value)}",
                )
            )
        elif kind is Columns and value not in (1, 2):
            problems.append(
                Problem(
                    path, "invalid-value", f"„{_name(path)}“: 1 oder 2 erwartet, gefunden: {_describe(value)}"
                )
            )
        return value
    if kind is Any:
        return value
    if not isinstance(value, str):
        problems.append(
            Problem(
                path,
                "invalid-type",
                f"„{_name(path)}“: Text in Anführungszeichen erwartet, gefunden: {_describe(value)}",
            )
        )
        return value
    return value


def _describe(value: Any) -> str:
    return describe_value(value, mapping="eine Tabelle")
