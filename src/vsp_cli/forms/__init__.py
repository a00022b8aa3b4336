"""Forms as data: the built-in Leipzig forms 2014, 2017 and 2019 and a city's own form files (format spec § 5).

`definition` holds the typed form and the knowledge about block kinds (their settings, the fields they place);
`loading` reads form files with inheritance and locates every problem. The built-in forms are the TOML files
beside this module, in the same schema a city uses (`grundlage.toml` holds every block's defaults).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..diagnostics import escape_controls
from ..limits import MAX_FORM_BYTES, MAX_LINKS
from .definition import (
    BLOCK_FIELDS,
    BLOCK_SETTINGS,
    PART_FINANZEN,
    PART_SACHVERHALT,
    CustomBlock,
    Form,
    Grid,
    Option,
    PlacedBlock,
)
from .loading import (
    BUILTIN_IDS,
    DEFAULT_FORM,
    NEWEST_FORM,
    FormError,
    FormSources,
    builtin,
    describe_choices,
    form_of,
    resolve,
    with_labels,
)

__all__ = [
    "BLOCK_FIELDS",
    "BLOCK_SETTINGS",
    "BUILTIN_IDS",
    "DEFAULT_FORM",
    "MAX_FORM_BYTES",
    "MAX_LINKS",
    "NEWEST_FORM",
    "PART_FINANZEN",
    "PART_SACHVERHALT",
    "CustomBlock",
    "Form",
    "FormError",
    "FormSources",
    "Grid",
    "Option",
    "PlacedBlock",
    "builtin",
    "describe_choices",
    "dump",
    "form_of",
    "resolve",
    "with_labels",
]

#: The top-level keys in the order a form file writes them.
_ORDER = ("schema", "name", "erbt", "reihenfolge", "seite", "titel", "petition", "teile", "bloecke")


def dump(form: Form) -> str:
    """The effective form as a TOML form file (inheritance resolved), for a city to start its own from."""
    data = form.data
    # the comment stays one line each: a name may hold a line break, which would end the comment and start TOML
    name, ref = escape_controls(form.name), escape_controls(form.ref)
    lines = [
        f"# Formular „{name}“ ({ref}), wie vsp es liest: mit allen geerbten und voreingestellten Werten.",
        "# Als Ausgangspunkt für ein eigenes Formular kopieren: Werte ändern, Unverändertes löschen und mit",
        f'# erbt = "{ref}" erben lassen. Das Schema der Formulardateien beschreibt die Dokumentation von vsp.',
    ]
    if form.ref.endswith(".toml"):  # `erbt` of a form file is read from its own folder, not the working one
        lines.append("# Der Pfad in erbt gilt vom Ordner der neuen Formulardatei aus.")
    for key in _ORDER:
        value = data.get(key)
        if value is None or isinstance(value, dict):
            continue
        lines.append(f"{key} = {_value(value)}")
    for key in ("seite", "titel", "petition"):
        lines += _table((key,), data.get(key, {}))
    for part_id in form.data.get("reihenfolge", ()):
        table = data.get("teile", {}).get(part_id)
        if table is not None:
            lines += _table(("teile", part_id), table)
    for block_id, settings in data.get("bloecke", {}).items():
        if settings:
            lines += _table(("bloecke", block_id), settings)
    return "\n".join(lines) + "\n"


def _table(path: tuple[str, ...], table: Mapping[str, Any]) -> list[str]:
    scalars = [(k, v) for k, v in table.items() if not isinstance(v, dict)]
    nested = [(k, v) for k, v in table.items() if isinstance(v, dict)]
    out = ["", f"[{'.'.join(_key(p) for p in path)}]"] if scalars or not nested else []
    out += [f"{_key(k)} = {_value(v)}" for k, v in scalars]
    for key, value in nested:
        out += _table((*path, key), value)
    return out


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        items = [_value(v) for v in value]
        if any(isinstance(v, dict) for v in value) or sum(map(len, items)) > 90:
            return "[\n" + "".join(f"  {item},\n" for item in items) + "]"
        return "[" + ", ".join(items) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
