"""The documentation stays in step with the code.

docs/format.md: every field of every model, the statement's fields as sections in model order, every option of
every built-in form and variant with its label and in form order, every tested diagnostic code, every known
Zuständigkeit and Ergebnis; its complete examples validate with --strict and together set every field.
docs/formulare.md: every key of a form file, every built-in block and each of its settings, the placeholders,
every tested code of a form file; its example form files load and the statements on them validate.
docs/templates.md: every field of a block as the Markdown templates get it.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from vsp_cli import forms
from vsp_cli.document import Block
from vsp_cli.forms import definition
from vsp_cli.forms.definition import BLOCK_SETTINGS, KOPFANGABE_FIELDS, PLACEHOLDERS, TOP_KEYS
from vsp_cli.labels import KNOWN_ERGEBNISSE, KNOWN_ZUSTAENDIGKEITEN
from vsp_cli.model import (
    Anlass,
    Beratung,
    Empfehlung,
    Finanzen,
    Folgekosten,
    Haushalt,
    HaushaltZeile,
    RechtlicheKonsequenzen,
    Sitzung,
    Statement,
    Stellenplan,
)
from vsp_cli.validation import check_file

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CASES = ROOT / "tests" / "cases"

#: Marks a complete example statement in docs/format.md (an HTML comment, invisible when rendered).
COMPLETE = "<!-- beispiel: vollständig -->"


def _read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc() -> str:
    return _read("format.md")


@pytest.fixture(scope="module")
def formulare() -> str:
    return _read("formulare.md")


def _blocks(text: str, language: str) -> list[str]:
    """The fenced code blocks of `language`, as written."""
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def _codes(paths: list[Path], column: int) -> set[str]:
    return {
        line.split()[column]
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }


STATEMENT_CODES = _codes(sorted((CASES / "invalid").glob("*.expect")), 2)
FORM_CODES = _codes(sorted((CASES / "formulare").glob("*/erwartet.expect")), 3)
CODES = sorted(STATEMENT_CODES | FORM_CODES)

MODELS: list[type[BaseModel]] = [
    Statement,
    Beratung,
    Sitzung,
    Empfehlung,
    RechtlicheKonsequenzen,
    Finanzen,
    Haushalt,
    Folgekosten,
    HaushaltZeile,
    Stellenplan,
    Anlass,
]
FIELDS = sorted({(model.__name__, name) for model in MODELS for name in model.model_fields})

#: Every option grid of the built-in forms: (form, variant) → its options in list order.
GRIDS = {
    (form_id, petition): forms.builtin(form_id).grid(petition=petition).options
    for form_id in forms.BUILTIN_IDS
    for petition in (False, True)
}


def test_there_is_something_to_check() -> None:
    assert len(FIELDS) > 60
    assert len(STATEMENT_CODES) > 40 and len(FORM_CODES) > 10
    assert len(GRIDS) == 6 and all(GRIDS.values())
    assert len(BLOCK_SETTINGS) > 15


# --- docs/format.md -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{m}.{n}" for m, n in FIELDS])
def test_every_field_is_documented(doc: str, model: str, name: str) -> None:
    assert f"`{name}`" in doc, f"{model}.{name} fehlt in docs/format.md"


def test_statement_fields_have_sections_in_model_order(doc: str) -> None:
    headings = re.findall(r"^### `([a-z_]+)`$", doc, flags=re.MULTILINE)
    assert headings == list(Statement.model_fields)


@pytest.mark.parametrize(
    ("form_id", "petition"), list(GRIDS), ids=[f"{f}-{'P' if p else 'A'}" for f, p in GRIDS]
)
def test_option_table_of_each_form_and_variant_is_in_form_order(
    doc: str, form_id: str, petition: bool
) -> None:
    """Each grid is a table of `| \\`id\\` | label |` rows in the form's order (forms with the same grid share one)."""
    rows = "\n".join(f"| `{option.id}` | {option.label} |" for option in GRIDS[form_id, petition])
    assert f"| --- | --- |\n{rows}\n\n" in doc


@pytest.mark.parametrize("code", CODES)
def test_every_tested_diagnostic_code_is_documented(doc: str, code: str) -> None:
    assert f"`{code}`" in doc


@pytest.mark.parametrize("zustaendigkeit", KNOWN_ZUSTAENDIGKEITEN)
def test_every_known_zustaendigkeit_is_documented(doc: str, zustaendigkeit: str) -> None:
    assert f"`{zustaendigkeit}`" in doc


@pytest.mark.parametrize("ergebnis", KNOWN_ERGEBNISSE)
def test_every_known_ergebnis_is_documented(doc: str, ergebnis: str) -> None:
    assert f"`{ergebnis}`" in doc


def _complete_examples(text: str) -> list[str]:
    return re.findall(rf"^{re.escape(COMPLETE)}\n\n```yaml\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def _checked(example: str, folder: Path) -> Statement:
    path = folder / "beispiel.yaml"
    path.write_text(example, encoding="utf-8")
    result = check_file(path, strict=True)
    assert result.diagnostics == []
    assert result.statement is not None
    return result.statement


def test_complete_examples_validate_and_together_set_every_field(doc: str, tmp_path: Path) -> None:
    examples = _complete_examples(doc)
    assert len(examples) == 2
    assert doc.index(examples[0]) == doc.index(_blocks(doc, "yaml")[0]), "das erste Beispiel steht ganz oben"
    first, second = (_checked(example, tmp_path) for example in examples)
    assert first.formular == "2019"
    assert second.formular == "2014" and second.hinweis is not None
    written = first.model_fields_set | second.model_fields_set
    assert written == set(Statement.model_fields) - {"zusatzfelder"}


def test_every_key_of_every_yaml_example_is_a_field(doc: str) -> None:
    """A misspelt key in a snippet would teach clerks an error."""
    keys = set()
    for block in _blocks(doc, "yaml"):
        data = yaml.safe_load(block)
        if isinstance(data, dict):
            keys |= set(data)
    assert keys and keys <= set(Statement.model_fields)


# --- docs/formulare.md --------------------------------------------------------------------------------------


def _settings(model: type) -> set[str]:
    """The setting names of a block's settings (a dataclass), nested tables (labels, options, rows) included."""
    names = set()
    for name, hint in typing.get_type_hints(model).items():
        names.add(name)
        for inner in (hint, *typing.get_args(hint)):
            if dataclasses.is_dataclass(inner):
                names |= _settings(inner)  # type: ignore[arg-type]
    return names


def _keys(model: type) -> list[str]:
    return [field.name for field in dataclasses.fields(model)]  # type: ignore[arg-type]


SETTINGS = sorted(
    {(block, name) for block, model in BLOCK_SETTINGS.items() for name in _settings(model)}
    | {("eigener Block", name) for name in _settings(definition.CustomBlock)}
)
FORM_KEYS = sorted(
    {*TOP_KEYS}
    | {f"teile.<id>.{name}" for name in _keys(definition.Part)}
    | {f"seite.{name}" for name in _keys(definition.PageSettings)}
    | {f"titel.{name}" for name in _keys(definition.Titles)}
    | {f"petition.{name}" for name in _keys(definition.PetitionVariant)}
)


@pytest.mark.parametrize("key", FORM_KEYS)
def test_every_key_of_a_form_file_is_documented(formulare: str, key: str) -> None:
    assert f"`{key}`" in formulare


@pytest.mark.parametrize("block", list(BLOCK_SETTINGS))
def test_every_built_in_block_has_a_row(formulare: str, block: str) -> None:
    assert re.search(rf"^\| `{block}` \|", formulare, flags=re.MULTILINE)


@pytest.mark.parametrize(("block", "name"), SETTINGS, ids=[f"{b}.{n}" for b, n in SETTINGS])
def test_every_setting_is_documented(formulare: str, block: str, name: str) -> None:
    assert f"`{name}`" in formulare


@pytest.mark.parametrize("feld", KOPFANGABE_FIELDS)
def test_every_field_of_a_header_row_is_documented(formulare: str, feld: str) -> None:
    assert f"| `{feld}` |" in formulare


@pytest.mark.parametrize("placeholder", sorted({p for allowed, _ in PLACEHOLDERS.values() for p in allowed}))
def test_every_placeholder_is_documented(formulare: str, placeholder: str) -> None:
    assert f"`{{{placeholder}}}`" in formulare


@pytest.mark.parametrize("code", sorted(FORM_CODES))
def test_every_tested_code_of_a_form_file_is_documented(formulare: str, code: str) -> None:
    assert f"`{code}`" in formulare


def test_example_form_files_load_and_their_statements_validate(formulare: str, tmp_path: Path) -> None:
    """Each complete form file (a block naming its path in its first line, with `schema = 1`) loads; each
    statement that names one of them by path validates with --strict."""
    written = []
    for block in _blocks(formulare, "toml"):
        named = re.match(r"# (formulare/[a-z0-9-]+\.toml)", block)
        if named and re.search(r"^schema = 1$", block, flags=re.MULTILINE):
            path = tmp_path / named.group(1)
            path.parent.mkdir(exist_ok=True)
            path.write_text(block, encoding="utf-8")
            written.append(named.group(1))
    assert len(written) >= 2
    for ref in written:
        form = forms.resolve(ref, forms.FormSources(), tmp_path)
        assert form.name
    statements = [b for b in _blocks(formulare, "yaml") if re.match(r"formular: formulare/", b)]
    checked = 0
    for block in statements:
        if block.split("\n", 1)[0].removeprefix("formular: ") in written:
            _checked(block, tmp_path)
            checked += 1
    assert checked >= 2


# --- docs/templates.md --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(Block)])
def test_every_field_of_a_block_is_documented_for_templates(name: str) -> None:
    assert f"`{name}`" in _read("templates.md")


# --- README.md ----------------------------------------------------------------------------------------------


def test_readme_example_validates_on_its_form(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [example, *_] = _blocks(readme, "yaml")
    assert _checked(example, tmp_path).formular == "2019"


def test_every_limit_is_in_the_table_of_limits_with_its_value() -> None:
    """docs/sicherheit.md lists every bound of limits.py, so that a message naming one can be looked up."""
    import re

    from vsp_cli import limits

    text = (ROOT / "docs" / "sicherheit.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `([A-Z_]+)` \| ([^|]+) \|", text, re.M))
    names = {name for name in dir(limits) if name.isupper()}
    assert set(table) == names
    for name in names:
        value = getattr(limits, name)
        shown = f"{value:,}".replace(",", ".") if isinstance(value, int) else f"{value:g}"
        assert table[name].startswith(shown), (name, table[name])
