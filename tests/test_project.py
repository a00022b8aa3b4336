"""A repository of statements with a vsp.toml: city name, labels, logo and folders reach both outputs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import EXAMPLES, call

SEED = (EXAMPLES / "VI-A-03824-VSP-01.yaml").read_text(encoding="utf-8")


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository: vsp.toml at the top, a logo, statements two folders down."""
    Image.new("RGB", (120, 60), (200, 30, 40)).save(tmp_path / "wappen.png")
    (tmp_path / "vsp.toml").write_text(
        'body = "Stadt Halle (Saale)"\n'
        'logo = "wappen.png"\n'
        'output_dir = "build"\n'
        "\n[labels]\n"
        'ablehnung_verwaltungshandeln = "Sachverhalt bereits berücksichtigt"\n',
        encoding="utf-8",
    )
    folder = tmp_path / "standpunkte" / "2017"
    folder.mkdir(parents=True)
    (folder / "vsp.yaml").write_text(SEED, encoding="utf-8")
    return tmp_path


def test_config_in_parent_folder_reaches_pdf_and_markdown(repo: Path) -> None:
    assert call("render", str(repo / "standpunkte")) == 0
    md = (repo / "build" / "vsp.md").read_text(encoding="utf-8")
    text = pdf_text(repo / "build" / "vsp.pdf")
    for output in (md, text):
        assert "Nachteilig für die Stadt Halle (Saale)." in output
        assert "Sachverhalt bereits berücksichtigt" in output
        assert "Ablehnung, da bereits Verwaltungshandeln" not in output
    assert "- [x] Sachverhalt bereits berücksichtigt" in md
    assert "☒ Sachverhalt bereits berücksichtigt" in text


def test_logo_is_in_the_pdf_header(repo: Path) -> None:
    assert call("render", str(repo / "standpunkte"), "-f", "pdf") == 0
    reader = PdfReader(repo / "build" / "vsp.pdf")
    images = reader.pages[0].images
    assert len(images) == 1
    assert Image.open(io.BytesIO(images[0].data)).size == (120, 60)
    assert all(len(page.images) == 0 for page in reader.pages[1:])


def test_command_line_overrides_the_file(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "anderswo"
    assert call("render", str(repo / "standpunkte"), "-o", str(other), "-f", "md") == 0
    assert (other / "vsp.md").is_file()
    assert not (repo / "build").exists()
    explicit = tmp_path / "leipzig.toml"
    explicit.write_text('body = "Stadt Leipzig"\n', encoding="utf-8")
    assert call("render", str(repo / "standpunkte"), "--config", str(explicit), "-f", "md") == 0
    md = (repo / "standpunkte" / "2017" / "vsp.md").read_text(encoding="utf-8")
    assert "Nachteilig für die Stadt Leipzig." in md


def test_invalid_config_is_reported_with_location(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "vsp.toml").write_text('body = "Stadt Halle"\nbodi = "x"\n', encoding="utf-8")
    assert call("render", str(repo / "standpunkte")) == 1
    out = capsys.readouterr().out
    assert f"{repo / 'vsp.toml'}:2:1: fehler: " in out
    assert "Meinten Sie „body“?" in out
    assert not (repo / "build").exists()


def test_show_config_names_sources(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert call("config", str(repo / "standpunkte" / "2017"), "-f", "md") == 0
    out = capsys.readouterr().out
    assert f"Konfigurationsdatei: {repo / 'vsp.toml'}" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert rows["body"].endswith(f"{repo / 'vsp.toml'}:1")
    assert rows["formats"].endswith("Kommandozeile")
    assert rows["footer"].endswith("Standard")
    assert rows["labels.ablehnung_verwaltungshandeln"].endswith(f"{repo / 'vsp.toml'}:6")
