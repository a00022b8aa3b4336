"""The registry of diagnostic codes (vsp_cli.codes) is complete, and every code is documented where it says."""

from __future__ import annotations

import ast
import re

import pytest

from conftest import CASES, ROOT
from vsp_cli.codes import CODES

SRC = ROOT / "src" / "vsp_cli"
DOCS = ROOT / "docs"
#: What a code looks like: lower-case words joined by hyphens.
CODE_SHAPE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
#: Literals of that shape in the sources that are no codes (encodings, style names, cache formats, examples).
NOT_CODES = {
    "utf-8",
    "utf-16-be",
    "utf-8-sig",
    "latin-1",
    "microsoft-cp1251",
    "vsp-base",
    "head-cell",
    "prose-heading",
}
NOT_CODES |= {"leipzig-2021"}


def literals() -> dict[str, set[str]]:
    """Every string literal of a code's shape in the sources, with the files it stands in."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE_SHAPE.match(node.value)
            ):
                found.setdefault(node.value, set()).add(path.name)
    return found


def test_every_code_in_the_sources_is_registered() -> None:
    unknown = {
        code: files for code, files in literals().items() if code not in CODES and code not in NOT_CODES
    }
    unknown = {code: files for code, files in unknown.items() if not code.startswith("vsp-hyph-")}
    assert unknown == {}, "Codes fehlen in vsp_cli/codes.py (oder gehören nach NOT_CODES)"


def test_every_code_a_test_expects_is_registered() -> None:
    expected = set()
    for expect in [*CASES.rglob("*.expect")]:
        for line in expect.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if len(words) > 3:
                expected.add(words[3] if expect.name == "erwartet.expect" else words[2])
    assert expected and expected <= set(CODES), expected - set(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_documented_with_its_severity(code: str) -> None:
    entry = CODES[code]
    page = (DOCS / entry.doc).read_text(encoding="utf-8")
    rows = re.findall(rf"^\| `{re.escape(code)}` \| ([^|]+) \|", page, flags=re.MULTILINE)
    severities = [row.strip() for row in rows if row.strip().startswith(("fehler", "warnung"))]
    assert severities, f"{code} fehlt in der Tabelle der Meldungen von docs/{entry.doc}"
    assert severities[0].startswith(entry.severity.split()[0]), (code, severities)


def test_the_registry_names_only_existing_pages() -> None:
    assert {entry.doc for entry in CODES.values()} <= {path.name for path in DOCS.glob("*.md")}
