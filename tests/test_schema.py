"""The committed JSON Schema is current, and schema and runtime agree on every case."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import EXAMPLE_FILES, INVALID_CASES, ROOT, VALID_CASES
from vsp_cli.loader import read_file
from vsp_cli.schema import schema_text, statement_schema

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
