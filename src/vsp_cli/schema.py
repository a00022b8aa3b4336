"""The JSON Schema (draft 2020-12) of the statement format, generated from the model.

Editors (yaml-language-server) use it for completion and hover help; a committed copy lives in
`schema/statement.schema.json` and a test fails when it differs from what the model generates.
"""

from __future__ import annotations

import json
from typing import Any

from .labels import OPTIONS_BY_ART, Art
from .model import Statement

SCHEMA_ID = "https://vsp.leipzig.example/schema/statement-v1.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


#: German hover help for the enumerations (pydantic would use the English class docstrings).
_ENUM_DESCRIPTIONS = {
    "Art": "antrag (übliches Formular) oder petition (Petitionsformular).",
    "Status": "oeffentlich („öffentlich“) oder nichtoeffentlich („nichtöffentlich“).",
    "Option": "Eine Empfehlung des Formulars; welche erlaubt sind, hängt von art ab.",
}


def _options_of(art: Art) -> dict[str, Any]:
    """`empfehlung` limited to the options of one form, in each of its accepted shapes."""
    ids = {"enum": [o.value for o in OPTIONS_BY_ART[art]]}
    entry = {"anyOf": [ids, {"type": "object", "properties": {"option": ids}}]}
    return {"anyOf": [*entry["anyOf"], {"type": "array", "items": entry}]}


def _form_rules() -> list[dict[str, Any]]:
    """The rules across fields, so that editors flag them too: option sets and no legal box on petitions
    (by form), a Begründung or a Sachverhalt."""
    petition = {"properties": {"art": {"const": Art.PETITION.value}}, "required": ["art"]}
    return [
        {
            "if": petition,
            "then": {
                "properties": {"empfehlung": _options_of(Art.PETITION)},
                "not": {"required": ["rechtliche_konsequenzen"]},
            },
            "else": {"properties": {"empfehlung": _options_of(Art.ANTRAG)}},
        },
        {  # `missing-begruendung`: one of them, and not empty
            "anyOf": [
                {"required": [name], "properties": {name: {"type": "string"}}}
                for name in ("begruendung", "sachverhalt")
            ]
        },
    ]


def statement_schema() -> dict[str, Any]:
    """The schema as a dict, with `$schema`, `$id` and German descriptions throughout."""
    body = Statement.model_json_schema(mode="validation")
    for name, description in _ENUM_DESCRIPTIONS.items():
        body["$defs"][name]["description"] = description
    return {"$schema": DRAFT, "$id": SCHEMA_ID, **body, "allOf": _form_rules()}


def schema_text() -> str:
    """The schema as stable, human-diffable JSON text with one trailing newline."""
    return json.dumps(statement_schema(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
