"""docs/format.md stays in step with the code: every field, option, label, diagnostic code and Zuständigkeit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from vsp_cli.labels import DEFAULT_LABELS, KNOWN_ZUSTAENDIGKEITEN, OPTIONS_BY_ART, Art, Option
from vsp_cli.model import Beratung, Empfehlung, RechtlicheKonsequenzen, Statement
from vsp_cli.validation import check_file

ROOT = Path(__file__).resolve().parents[1]
DOC_PATH = ROOT / "docs" / "format.md"
INVALID_DIR = ROOT / "tests" / "cases" / "invalid"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC_PATH.read_text(encoding="utf-8")


def _expected_codes() -> list[str]:
    codes: set[str] = set()
    for expect in sorted(INVALID_DIR.glob("*.expect")):
        for line in expect.read_text(encoding="utf-8").splitlines():
            if line.strip():
                codes.add(line.split()[2])
    return sorted(codes)


MODELS: list[type[BaseModel]] = [Statement, Beratung, Empfehlung, RechtlicheKonsequenzen]
FIELDS = sorted({(model.__name__, name) for model in MODELS for name in model.model_fields})
CODES = _expected_codes()


def test_there_is_something_to_check() -> None:
    assert len(FIELDS) > 20
    assert len(CODES) > 20
    assert len(list(Option)) == 9


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{m}.{n}" for m, n in FIELDS])
def test_every_field_is_documented(doc: str, model: str, name: str) -> None:
    assert f"`{name}`" in doc, f"{model}.{name} fehlt in docs/format.md"


def test_statement_fields_have_sections_in_model_order(doc: str) -> None:
    headings = re.findall(r"^### `([a-z_]+)`$", doc, flags=re.MULTILINE)
    assert headings == list(Statement.model_fields)


@pytest.mark.parametrize("option", list(Option), ids=[o.value for o in Option])
def test_every_option_and_label_is_documented(doc: str, option: Option) -> None:
    assert f"`{option.value}`" in doc
    assert DEFAULT_LABELS[option.value] in doc


@pytest.mark.parametrize("art", list(Art), ids=[a.value for a in Art])
def test_option_table_of_each_form_is_in_form_order(doc: str, art: Art) -> None:
    rows = "\n".join(f"| `{o.value}` | {DEFAULT_LABELS[o.value]} |" for o in OPTIONS_BY_ART[art])
    assert rows in doc


@pytest.mark.parametrize("code", CODES)
def test_every_tested_diagnostic_code_is_documented(doc: str, code: str) -> None:
    assert f"`{code}`" in doc


@pytest.mark.parametrize("zustaendigkeit", KNOWN_ZUSTAENDIGKEITEN)
def test_every_known_zustaendigkeit_is_documented(doc: str, zustaendigkeit: str) -> None:
    assert f"`{zustaendigkeit}`" in doc


def test_complete_example_validates(doc: str, tmp_path: Path) -> None:
    first_yaml = re.search(r"^```yaml\n(.*?)^```$", doc, flags=re.MULTILINE | re.DOTALL)
    assert first_yaml is not None
    example = tmp_path / "beispiel.yaml"
    example.write_text(first_yaml.group(1), encoding="utf-8")
    result = check_file(example, strict=True)
    assert result.diagnostics == []
    assert result.statement is not None
    assert set(result.statement.model_fields_set) == set(Statement.model_fields)
