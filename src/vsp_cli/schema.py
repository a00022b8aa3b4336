"""The JSON Schema (draft 2020-12) of the statement format, generated from the model and the built-in forms.

Editors (yaml-language-server) use it for completion and hover help; a committed copy lives in
`schema/statement.schema.json` and a test fails when it differs from what the model generates. The schema is
the same for every form (format spec § 5.3): it lists every key of the format, and for the built-in forms (a
statement without `formular` is taken to be on 2014, as without a configuration) it also says which fields and
options each form and its petition variant accept. Forms from files are checked by `vsp validate` alone.
"""

from __future__ import annotations

import json
from typing import Any

from .forms import BUILTIN_IDS, Form, builtin
from .labels import BUILTIN_OPTIONS, Art
from .model import Statement
from .rules import FORM_FIELDS, OFF_VALUES

SCHEMA_ID = "https://vsp.leipzig.example/schema/statement-v2.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


#: German hover help for the enumerations (pydantic would use the English class docstrings).
_ENUM_DESCRIPTIONS = {
    "Art": "antrag (übliches Formular) oder petition (Petitionsformular).",
    "Status": "oeffentlich („öffentlich“) oder nichtoeffentlich („nichtöffentlich“).",
    "Verfahrensstand": "entschieden, freigegeben, abgeschlossen oder rueckverwiesen.",
}


def _options(ids: list[str]) -> dict[str, Any]:
    """`empfehlung` limited to the options `ids`, in each of its accepted shapes."""
    one = {"enum": ids}
    entry = {"anyOf": [one, {"type": "object", "properties": {"option": one}}]}
    return {"anyOf": [*entry["anyOf"], {"type": "array", "items": entry}]}


def _off(name: str) -> dict[str, Any]:
    """A field the form does not print: only its off values (if it has any) are accepted."""
    values = OFF_VALUES.get(name, ())
    if not values:
        return {"not": {}}
    choices: list[dict[str, Any]] = []
    for value in values:
        if isinstance(value, str) and value:
            choices.append({"type": "string", "pattern": rf"^\s*{value}\s*$"})
        else:
            choices.append({"const": value})
    return {"anyOf": choices}


def _selects(form_id: str) -> dict[str, Any]:
    """The statements on a built-in form: `formular` names it (a statement without one, or with an empty one, is
    on 2014)."""
    named = {"properties": {"formular": {"enum": [form_id, int(form_id)]}}, "required": ["formular"]}
    if form_id == "2014":
        empty = {"properties": {"formular": {"type": "null"}}, "required": ["formular"]}
        return {"anyOf": [{"not": {"required": ["formular"]}}, empty, named]}
    return named


_PETITION = {"properties": {"art": {"const": Art.PETITION.value}}, "required": ["art"]}


def _ticks(option: str) -> dict[str, Any]:
    """A list of `empfehlung` entries that ticks `option`."""
    item = {"anyOf": [{"const": option}, {"type": "object", "properties": {"option": {"const": option}}}]}
    return {"type": "array", "contains": item}


def _variant(form: Form, petition: bool) -> dict[str, Any]:
    grid = form.grid(petition=petition)
    ids = list(grid.ids)
    options = _options(ids)
    shared = [(o.id, o.statt) for o in grid.options if o.statt is not None]
    if shared:  # `same-box`: two options printed in one box are not both ticked
        options = {"allOf": [options, *({"not": {"allOf": [_ticks(a), _ticks(b)]}} for a, b in shared)]}
    properties: dict[str, Any] = {"empfehlung": options, "zusatzfelder": {"not": {}}}
    for name in FORM_FIELDS:
        if name == "rechtliche_konsequenzen" and petition:
            properties[name] = {"not": {}}
        elif not form.places_field(name, petition=petition):
            properties[name] = _off(name)
    return {"properties": properties}


def _form_rules() -> list[dict[str, Any]]:
    """Per built-in form and variant: its options and the fields it prints; and a Begründung or a Sachverhalt."""
    rules: list[dict[str, Any]] = []
    for form_id in BUILTIN_IDS:
        form = builtin(form_id)
        rules.append(
            {
                "if": _selects(form_id),
                "then": {"if": _PETITION, "then": _variant(form, True), "else": _variant(form, False)},
            }
        )
    rules.append(
        {  # `missing-begruendung`: one of them, and not empty
            "anyOf": [
                {"required": ["begruendung"], "properties": {"begruendung": {"type": "string"}}},
                {
                    "required": ["sachverhalt"],
                    "properties": {"sachverhalt": {"type": "string", "minLength": 1}},
                },
            ]
        }
    )
    return rules


def statement_schema() -> dict[str, Any]:
    """The schema as a dict, with `$schema`, `$id` and German descriptions throughout."""
    body = Statement.model_json_schema(mode="validation")
    for name, description in _ENUM_DESCRIPTIONS.items():
        if name in body["$defs"]:
            body["$defs"][name]["description"] = description
    option = body["$defs"]["Empfehlung"]["properties"]["option"]
    option["anyOf"] = [
        {"enum": list(BUILTIN_OPTIONS)},
        {"type": "string", "pattern": r"^\s*[a-z][a-z0-9_]*\s*$"},
    ]
    option.pop("type", None)
    body["properties"]["empfehlung"]["uniqueItems"] = True  # the same entry twice is `duplicate-option`
    return {"$schema": DRAFT, "$id": SCHEMA_ID, **body, "allOf": _form_rules()}


def schema_text() -> str:
    """The schema as stable, human-diffable JSON text with one trailing newline."""
    return json.dumps(statement_schema(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
