"""The committed JSON Schema is current, and schema and runtime agree on every case."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import EXAMPLE_FILES, INVALID_CASES, ROOT, VALID_CASES
from vsp_cli.loader import load_text, read_file
from vsp_cli.schema import schema_text, statement_schema
from vsp_cli.validation import validate_document

SCHEMA_FILE = ROOT / "schema" / "statement.schema.json"


def test_committed_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "schema/statement.schema.json ist veraltet: vsp schema -o schema/statement.schema.json"
    )


def test_schema_is_valid_draft_2020_12() -> None:
    schema = statement_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_field_has_german_help() -> None:
    schema = statement_schema()
    objects = [schema, *(d for d in schema["$defs"].values() if d.get("type") == "object")]
    for obj in objects:
        for name, prop in obj["properties"].items():
            ref = prop.get("$ref", "").rpartition("/")[2]
            assert prop.get("title") or schema["$defs"].get(ref, {}).get("title"), name
            assert prop.get("description"), name
            assert prop.get("examples"), name


@pytest.mark.parametrize("path", VALID_CASES + EXAMPLE_FILES, ids=lambda p: p.stem)
def test_valid_cases_satisfy_schema(path: Path) -> None:
    jsonschema.Draft202012Validator(statement_schema()).validate(read_file(path).data)


SCHEMA_DETECTABLE = {
    "option-not-in-form",
    "field-not-in-form",
    "invalid-amount",
    "legal-box-on-petition",
    "unknown-key",
    "missing-key",
    "invalid-nummer",
    "invalid-choice",
    "expected-bool",
    "expected-text",
    "empty-list",
    "invalid-date",
    "missing-begruendung",
    "empty-value",
    "missing-termin",
    "sessions-and-termin",
    "duplicate-option",
    "same-box",
}


@pytest.mark.parametrize("path", INVALID_CASES, ids=lambda p: p.stem)
def test_schema_rejects_what_it_can_see(path: Path) -> None:
    """Where the problem is one the schema can express, the schema rejects the file too."""
    codes = {line.split()[2] for line in path.with_suffix(".expect").read_text().splitlines() if line}
    if not codes <= SCHEMA_DETECTABLE:
        return
    data = read_file(path).data
    errors = list(jsonschema.Draft202012Validator(statement_schema()).iter_errors(data))
    assert errors, f"Schema nimmt {path.name} an, vsp nicht"


def test_schema_json_is_stable_text() -> None:
    text = schema_text()
    assert text.endswith("}\n")
    assert json.loads(text) == statement_schema()


@pytest.mark.parametrize("value", ["", [""], ["Dezernat Kultur", ""]])
def test_schema_rejects_an_empty_submitter(value: object) -> None:
    """An empty `eingereicht_von`, alone or in a list, is `empty-value` for vsp and an error for the schema."""
    data = read_file(EXAMPLE_FILES[0]).data
    data["eingereicht_von"] = value
    assert list(jsonschema.Draft202012Validator(statement_schema()).iter_errors(data))


AGREEMENT: dict[str, tuple[dict[str, object], bool]] = {
    "spaces only": ({"betreff": "   "}, False),
    "no-break spaces only": ({"betreff": "\u00a0\u00a0"}, False),
    "a tab in a list entry": ({"eingereicht_von": ["Dezernat Kultur", "\t"]}, False),
    "a soft hyphen only": ({"betreff": "\u00ad"}, False),
    "blank braille only": ({"anlagen": ["\u2800"]}, False),
    "spaces as Gremium": ({"beratungsfolge": [{"gremium": " "}]}, False),
    "spaces as Zuständigkeit": ({"beratungsfolge": [{"gremium": "RV", "zustaendigkeit": "  "}]}, False),
    "spaces as Ergebnis": (
        {"beratungsfolge": [{"gremium": "RV", "termin": "2020-01-01", "ergebnis": " "}]},
        False,
    ),
    "spaces as a session's Ergebnis": (
        {"beratungsfolge": [{"gremium": "RV", "sitzungen": [{"termin": "2020-01-01", "ergebnis": " "}]}]},
        False,
    ),
    "spaces as Begründung": ({"begruendung": "  \n  "}, False),
    "empty Begründung": ({"begruendung": None}, False),
    "both empty": ({"begruendung": None, "sachverhalt": None}, False),
    "31 April": ({"datum": "31.04.2021"}, False),
    "30 February": ({"beratungsfolge": [{"gremium": "Ratsversammlung", "termin": "2020-02-30"}]}, False),
    "year zero": ({"datum": "0000-01-01"}, False),
    "month 13": ({"datum": "2017-13-01"}, False),
    "a word with a soft hyphen": ({"betreff": "Werk\u00adstatt"}, True),
    "one-digit day and month": ({"datum": "8.4.2017"}, True),
    "29 February of a leap year": ({"datum": "29.02.2020"}, True),
    "a Sachverhalt only": ({"begruendung": None, "sachverhalt": "Text"}, True),
    "formular without a value (the default form)": ({"formular": None}, True),
    "sitzungen and termin in one row": (
        {"beratungsfolge": [{"gremium": "RV", "termin": "2020-01-01", "sitzungen": ["2020-01-08"]}]},
        False,
    ),
    "a session's name with an empty termin": (
        {"beratungsfolge": [{"gremium": "RV", "termin": None, "sitzung": "x"}]},
        False,
    ),
    "a session's name and result with its termin": (
        {
            "beratungsfolge": [
                {"gremium": "RV", "termin": "2020-01-01", "ergebnis": "vertagt", "sitzung": "x"}
            ]
        },
        True,
    ),
    "formular blank": ({"formular": "  "}, False),
    "formular without a value is 2014": ({"formular": None, "raeumlicher_bezug": "stadtweit"}, False),
}


@pytest.mark.parametrize(("changes", "valid"), AGREEMENT.values(), ids=AGREEMENT.keys())
def test_schema_and_vsp_agree(
    minimal_data: dict[str, object], changes: dict[str, object], valid: bool
) -> None:
    """What the schema can express, it decides as vsp does (cases on which the two had disagreed)."""
    data = {**minimal_data, **changes}
    text = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in data.items()) + "\n"
    statement, diagnostics = validate_document(load_text(Path("s.yaml"), text))
    assert (statement is not None) == valid, diagnostics
    schema_errors = list(jsonschema.Draft202012Validator(statement_schema()).iter_errors(data))
    assert (not schema_errors) == valid, schema_errors
