"""The library API as the README shows it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT
from vsp_cli import api
from vsp_cli.errors import InvalidInput


def test_readme_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Als Bibliothek", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "VI-A-03824-VSP-01.yaml").write_bytes(
        (ROOT / "examples" / "VI-A-03824-VSP-01.yaml").read_bytes()
    )
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)
    assert (tmp_path / "out" / "VI-A-03824-VSP-01.pdf").read_bytes() == namespace["pdf"]
    assert "Werkstattgespräche" in str(namespace["markdown"])
    assert namespace["result"].ok  # type: ignore[attr-defined]


def test_write_chooses_format_by_suffix(tmp_path: Path) -> None:
    statement = api.load(ROOT / "examples" / "beispiel-petition.yaml")
    md = api.write(statement, tmp_path / "a.md")
    assert md.read_text(encoding="utf-8").startswith("# Verwaltungsstandpunkt zur Petition Nr.")
    pdf = api.write(statement, tmp_path / "a.PDF")
    text = PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text()
    assert "Verwaltungsstandpunkt zur Petition Nr. VII-P-02450-VSP-01" in text
    with pytest.raises(ValueError, match="Endung"):
        api.write(statement, tmp_path / "a.txt")


def test_load_raises_with_diagnostics() -> None:
    with pytest.raises(InvalidInput) as info:
        api.load(ROOT / "tests" / "cases" / "invalid" / "unbekannter-schluessel.yaml")
    [diagnostic] = info.value.diagnostics
    assert (diagnostic.line, diagnostic.column, diagnostic.code) == (2, 1, "unknown-key")


def test_ci_runs_the_readme_commands_verbatim() -> None:
    """CI installs and tests exactly as the README's first two commands say."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.S)[:2]
    assert len(commands) == 2
    assert "vsp render examples/VI-A-03824-VSP-01.yaml" in commands[0]
    assert "pytest" in commands[1] and ".[test]" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in ci


def test_a_template_added_between_two_renders_is_used(tmp_path: Path) -> None:
    """The library keeps no stale template: an override written after the first render takes effect."""
    from vsp_cli.settings import RenderSettings

    statement = api.load(ROOT / "examples" / "VI-A-03824-VSP-01.yaml")
    (tmp_path / "anderes.j2").write_text("unbenutzt\n", encoding="utf-8")
    settings = RenderSettings(template_dir=tmp_path)
    assert api.render_markdown(statement, settings).startswith("# ")
    (tmp_path / "statement.md.j2").write_text("Eigene Vorlage {{ statement.nummer }}\n", encoding="utf-8")
    assert api.render_markdown(statement, settings) == "Eigene Vorlage VI-A-03824-VSP-01\n"


def test_every_problem_of_a_file_is_a_vsp_error(tmp_path: Path) -> None:
    from vsp_cli.errors import OutputError, VspError

    statement = api.load(ROOT / "examples" / "VI-A-03824-VSP-01.yaml")
    (tmp_path / "ordner.pdf").mkdir()
    with pytest.raises(OutputError) as info:
        api.write(statement, tmp_path / "ordner.pdf")
    assert isinstance(info.value, VspError) and info.value.diagnostics[0].code == "output-unwritable"
    result = api.check("a\x00b.yaml")  # documented not to raise
    assert not result.ok and result.diagnostics[0].code == "unreadable"
    long_name = tmp_path / ("x" * 245 + ".md")  # a legal name whose temporary file was not
    assert api.write(statement, long_name).read_text(encoding="utf-8").startswith("# ")
