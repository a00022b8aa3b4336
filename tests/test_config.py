"""Project configuration: discovery like ruff/black, located errors, precedence and the `vsp config` listing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import call_captured
from vsp_cli.commands import format_effective
from vsp_cli.config import (
    SOURCE_CLI,
    SOURCE_DEFAULT,
    find_config,
    load_config,
    resolve,
    settings_for,
)
from vsp_cli.diagnostics import Diagnostic
from vsp_cli.errors import ConfigError
from vsp_cli.labels import DEFAULT_BODY
from vsp_cli.limits import MAX_CONFIG_BYTES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors(path: Path) -> list[Diagnostic]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.diagnostics


def where(d: Diagnostic) -> tuple[int, int, str]:
    """1-based line and column and the code: what a user sees."""
    return d.line, d.column, d.code


# --- finding --------------------------------------------------------------------------------------------


def test_found_in_a_parent_folder(tmp_path: Path) -> None:
    config = write(tmp_path / "vsp.toml", 'body = "Stadt Leipzig"\n')
    statement = write(tmp_path / "standpunkte" / "2017" / "x.yaml", "")
    assert find_config(statement) == config
    assert find_config(statement.parent) == config


def test_nearest_wins_and_vsp_toml_before_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "vsp.toml", "")
    inner = write(tmp_path / "a" / "vsp.toml", "")
    write(tmp_path / "a" / "pyproject.toml", "[tool.vsp]\n")
    assert find_config(tmp_path / "a" / "b" / "x.yaml") == inner


def test_pyproject_without_tool_vsp_does_not_count(tmp_path: Path) -> None:
    outer = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.vsp]\nbody = "Stadt Halle"\n')
    write(tmp_path / "a" / "pyproject.toml", '[project]\nname = "y"\n[tool.ruff]\nline-length = 100\n')
    assert find_config(tmp_path / "a" / "x.yaml") == outer


def test_broken_pyproject_mentioning_tool_vsp_is_reported_not_skipped(tmp_path: Path) -> None:
    broken = write(tmp_path / "pyproject.toml", '[tool.vsp]\nbody = "Stadt\n')
    assert find_config(tmp_path / "x.yaml") == broken
    assert where(errors(broken)[0])[2] == "toml-syntax"


def test_nothing_found(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\n")
    found = find_config(tmp_path / "x.yaml")
    assert found is None or tmp_path not in found.parents  # a stray file above the test folder is not ours


# --- loading --------------------------------------------------------------------------------------------


def test_pyproject_tool_vsp(tmp_path: Path) -> None:
    (tmp_path / "logo.jpg").write_bytes(JPEG)
    (tmp_path / "vorlagen").mkdir()
    config = write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.vsp]\nbody = "Stadt Halle"\nlogo = "logo.jpg"\nformats = ["md"]\n'
        'template_dir = "vorlagen"\noutput_dir = "out"\nfooter = "Fuß"\nhyphenate = false\n\n'
        '[tool.vsp.labels]\nzustimmung = "Ja"\n',
    )
    loaded = load_config(config)
    values = loaded.values
    assert values.body == "Stadt Halle"
    assert values.logo == tmp_path / "logo.jpg"
    assert values.template_dir == tmp_path / "vorlagen"
    assert values.output_dir == tmp_path / "out"
    assert values.formats == ["md"]
    assert values.hyphenate is False
    assert values.labels == {"zustimmung": "Ja"}
    assert loaded.lines["body"] == 5 and loaded.lines["labels.zustimmung"] == 14


def test_inline_and_dotted_tables(tmp_path: Path) -> None:
    config = write(
        tmp_path / "vsp.toml", 'labels = { zustimmung = "Ja", ablehnung = "Nein" }\nlabels.erledigt = "X"\n'
    )
    with pytest.raises(ConfigError):  # TOML forbids extending an inline table
        load_config(config)
    config = write(tmp_path / "vsp.toml", 'labels = { zustimmung = "Ja", ablehnng = "Nein" }\n')
    [d] = errors(config)
    assert where(d) == (1, 31, "unknown-label")
    assert "Meinten Sie „ablehnung“?" in d.message
    assert "Erlaubt: zustimmung, ablehnung, " in d.message and d.message.endswith(", seite")


def test_invalid_config_is_located(tmp_path: Path) -> None:
    (tmp_path / "kein-bild.png").write_text("Text", encoding="utf-8")
    config = write(
        tmp_path / "vsp.toml",
        "# Kommentar\n"
        'body = "Stadt Leipzig"\n'
        'lgo = "logo.png"\n'
        'logo = "kein-bild.png"\n'
        'formats = ["pdf", "docx"]\n'
        'hyphenate = "ja"\n'
        'template_dir = "fehlt"\n'
        "footer = 3\n"
        "\n"
        "[labels]\n"
        'ablehnung_verwaltungshandeln = "Sachverhalt bereits berücksichtigt"\n'
        'zustimung = "Ja"\n'
        'titel_antrag = "VSP {nr}"\n'
        'rk_nachteilig = "Nachteilig für {body}."\n'
        'seite = "Seite {seite} von {seiten}"\n'
        'zustimmung = "Ja {nummer}"\n'
        'betreff = ""\n',
    )
    found = errors(config)
    assert all(d.file == str(config) for d in found)
    assert [where(d) for d in found] == [
        (3, 1, "unknown-setting"),
        (4, 8, "not-an-image"),
        (5, 19, "invalid-format"),
        (6, 13, "invalid-type"),
        (7, 16, "folder-missing"),
        (8, 10, "invalid-type"),
        (12, 1, "unknown-label"),
        (13, 16, "label-placeholder"),
        (13, 16, "label-placeholder"),
        (16, 14, "label-placeholder"),
        (17, 11, "empty-value"),
    ]
    messages = [d.message for d in found]
    assert "Meinten Sie „logo“?" in messages[0]
    assert "kein PNG- oder JPEG-Bild" in messages[1]
    assert "„docx“" in messages[2] and "pdf, md" in messages[2]
    assert "true oder false" in messages[3]
    assert messages[4].endswith("gibt es nicht; bitte anlegen oder die Zeile entfernen")
    assert "Meinten Sie „zustimmung“?" in messages[6]
    assert "{nr}" in messages[7] and "{nummer}" in messages[7]
    # the span covers the value, so the marker under the source line is as wide as the value
    assert (found[2].span.column, found[2].span.end_column) == (18, 24)


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("formular = 2019", 'bitte formular = "2019" schreiben'),
        ('hyphenate = "false"', "ohne Anführungszeichen schreiben: hyphenate = false"),
        ('hyphenate = "ja"', "ohne Anführungszeichen schreiben: hyphenate = true"),
        ("[labels]\nzustimmung = 3", 'bitte zustimmung = "3" schreiben'),
    ],
)
def test_a_value_of_the_wrong_type_is_shown_as_it_should_be_written(
    tmp_path: Path, line: str, shown: str
) -> None:
    """`formular = 2019` as a statement writes it, `hyphenate = "false"`: the message said what was wrong, not
    what to write."""
    [found] = errors(write(tmp_path / "vsp.toml", line + "\n"))
    assert found.code == "invalid-type" and found.message.endswith(shown)


def test_an_unknown_formular_is_located_at_its_value_and_may_name_any_entry_of_formulare(
    tmp_path: Path,
) -> None:
    """`formular` may name an entry of `[formulare]` written below it; one naming nothing is an error at its
    value (it was at line 1, column 1 with an empty name); one naming an entry whose file is missing is not also
    reported as unknown."""
    write(tmp_path / "formulare" / "eigen.toml", "")
    config = write(
        tmp_path / "vsp.toml",
        'body = "Stadt Leipzig"\nformular = "eigne"\n[formulare]\neigen = "formulare/eigen.toml"\n',
    )
    [found] = errors(config)
    assert where(found) == (2, 12, "unknown-form")
    assert found.message.startswith("„formular“: Unbekanntes Formular „eigne“. Meinten Sie „eigen“?")
    write(config, 'formular = "eigen"\n[formulare]\neigen = "formulare/eigen.toml"\n')
    assert load_config(config).values.formular == "eigen"
    write(config, 'formular = "eigen"\n[formulare]\neigen = "formulare/fehlt.toml"\n')
    assert [where(d) for d in errors(config)] == [(3, 9, "file-missing")]


@pytest.mark.parametrize("kind", ["fehlt", "ordner", "pipe"])
def test_a_formular_file_that_is_not_there_is_an_error_at_the_configuration(
    tmp_path: Path, kind: str
) -> None:
    """It was reported at the first key of every statement that used it, as „gibt es nicht“ even for a pipe."""
    if kind == "ordner":
        (tmp_path / "f.toml").mkdir()
    elif kind == "pipe":
        os.mkfifo(tmp_path / "f.toml")
    config = write(tmp_path / "vsp.toml", 'body = "Stadt Leipzig"\nformular = "f.toml"\n')
    [found] = errors(config)
    assert where(found) == (2, 12, "file-missing")
    assert "f.toml“ gibt es nicht oder ist keine gewöhnliche Datei" in found.message
    (tmp_path / "f.toml").rmdir() if kind == "ordner" else (tmp_path / "f.toml").unlink(missing_ok=True)
    write(tmp_path / "f.toml", 'schema = 1\nname = "F"\nerbt = "2014"\n')
    assert load_config(config).values.formular == "f.toml"


@pytest.mark.parametrize(
    ("label", "placeholder"),
    [
        ('seite = "{seite:>99999999}"', "{seite:>99999999}"),  # a hundred million spaces per page
        ('seite = "Seite {seite} von {seiten:x}"', "{seiten:x}"),
        ('titel_antrag = "Nr. {nummer!r}"', "{nummer!r}"),
        ('titel_antrag = "Nr. {nummer:{nummer}}"', "{nummer:{nummer}}"),
    ],
)
def test_label_placeholders_take_no_format_spec(tmp_path: Path, label: str, placeholder: str) -> None:
    [d] = errors(write(tmp_path / "vsp.toml", f"[labels]\n{label}\n"))
    assert d.code == "label-placeholder"
    assert f"„{placeholder}“" in d.message and "hat eine Formatangabe" in d.message


def test_toml_syntax_error_is_located_in_german(tmp_path: Path) -> None:
    config = write(tmp_path / "vsp.toml", 'body = "Stadt Leipzig"\nhyphenate = ja\n')
    [d] = errors(config)
    assert where(d) == (2, 13, "toml-syntax")
    assert d.message.startswith("TOML-Syntaxfehler: ungültiger Wert")
    [d] = errors(write(tmp_path / "vsp.toml", 'body = "a"\nbody = "b"\n'))
    assert where(d)[0] == 2 and "doppelt" in d.message
    [d] = errors(write(tmp_path / "vsp.toml", 'formats = ["pdf",\n'))
    assert d.code == "toml-syntax"


@pytest.mark.parametrize("opening", ["[", "{a = "])
def test_nesting_deeper_than_tomllib_can_parse_is_a_located_error(tmp_path: Path, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    depth = 5000  # far beyond Python's recursion limit for tomllib's recursive parser
    config = write(tmp_path / "vsp.toml", f'body = "a"\nformats = {opening * depth}1{closing * depth}\n')
    [d] = errors(config)
    assert where(d) == (2, 11 + 32 * len(opening), "toml-syntax")
    assert "tiefer als 32 Ebenen" in d.message
    pyproject = write(
        tmp_path / "sub" / "pyproject.toml", f"[tool.vsp]\nx = {opening * depth}1{closing * depth}\n"
    )
    assert find_config(pyproject.parent) == pyproject  # it names vsp: loading it reports the problem
    assert errors(pyproject)[0].code == "toml-syntax"


@pytest.mark.parametrize(
    "line",
    [
        "a." * 40 + "b = 1",  # a dotted key: tomllib takes time squared in its parts (60,000 took a minute)
        "[" + "a." * 40 + "b]",  # a table header
    ],
    ids=["dotted-key", "table-header"],
)
def test_keys_nested_deeper_than_the_limit_are_a_located_error(tmp_path: Path, line: str) -> None:
    [d] = errors(write(tmp_path / "vsp.toml", f'body = "a"\n{line}\n'))
    assert where(d)[:2] == (2, 1 + line.startswith("["))
    assert d.code == "toml-syntax" and "tiefer als 32 Ebenen" in d.message and "MAX_TOML_NESTING" in d.message
    pyproject = write(tmp_path / "sub" / "pyproject.toml", f'[tool.vsp]\nbody = "a"\n[project]\n{line}\n')
    assert errors(pyproject)[0].code == "toml-syntax"


def test_an_integer_longer_than_python_reads_is_a_located_error(tmp_path: Path) -> None:
    [d] = errors(write(tmp_path / "vsp.toml", f'body = "a"\nhyphenate = {"9" * 5000}\n'))
    assert where(d) == (2, 13, "toml-syntax")
    assert "4.300 Stellen" in d.message
    pyproject = write(
        tmp_path / "sub" / "pyproject.toml", f'[project]\nx = {"1" * 4301}\n[tool.vsp]\nbody = "a"\n'
    )
    assert where(errors(pyproject)[0]) == (2, 5, "toml-syntax")


def test_missing_or_unreadable_file(tmp_path: Path) -> None:
    assert errors(tmp_path / "fehlt.toml")[0].code == "config-missing"
    (tmp_path / "vsp.toml").write_bytes(b'body = "Stadt \xfc"\n')
    assert where(errors(tmp_path / "vsp.toml")[0]) == (1, 15, "not-utf8")
    (tmp_path / "vsp.toml").write_bytes(
        'body = "Stadt Göhren '.encode() + b'\xfc"\n'
    )  # columns count characters
    assert where(errors(tmp_path / "vsp.toml")[0]) == (1, 22, "not-utf8")


def test_a_configuration_file_too_large_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "vsp.toml"
    with huge.open("wb") as fh:
        fh.write(b'body = "Stadt Leipzig"\n')
        fh.truncate(200 * MAX_CONFIG_BYTES)  # sparse; a full read would take 200 MB
    [d] = errors(huge)
    assert where(d) == (1, 1, "config-too-large")
    assert "ist zu groß: mehr als 1.000.000 Bytes" in d.message
    # found as a project's pyproject.toml, it is reported rather than passed over for another configuration
    (tmp_path / "sub").mkdir()
    pyproject = tmp_path / "sub" / "pyproject.toml"
    huge.rename(pyproject)
    assert find_config(tmp_path / "sub" / "a.yaml") == pyproject


def test_explicit_pyproject_without_tool_vsp(tmp_path: Path) -> None:
    assert errors(write(tmp_path / "pyproject.toml", "[project]\n"))[0].code == "no-tool-vsp"


def test_logo_png_and_jpeg_accepted_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "cfg" / "bilder").mkdir(parents=True)
    (tmp_path / "cfg" / "bilder" / "logo.png").write_bytes(PNG)
    (tmp_path / "cfg" / "bilder" / "logo.jpeg").write_bytes(JPEG)
    for name in ("logo.png", "logo.jpeg"):
        config = write(tmp_path / "cfg" / "vsp.toml", f'logo = "bilder/{name}"\n')
        assert load_config(config).values.logo == tmp_path / "cfg" / "bilder" / name
    config = write(tmp_path / "cfg" / "vsp.toml", 'logo = "bilder/fehlt.png"\n')
    assert where(errors(config)[0]) == (1, 8, "file-missing")


# --- resolving ------------------------------------------------------------------------------------------


def test_defaults_without_a_file() -> None:
    effective = resolve(None)
    assert effective.render.body == DEFAULT_BODY
    assert effective.formats == ("pdf", "md")
    assert effective.output_dir is None and effective.config_path is None
    assert set(effective.sources.values()) == {SOURCE_DEFAULT}


def test_command_line_wins_over_the_file(tmp_path: Path) -> None:
    config = write(
        tmp_path / "vsp.toml",
        'body = "Stadt Halle"\nformats = ["pdf", "md"]\nfooter = "Fuß"\n[labels]\nzustimmung = "Ja"\nablehnung = "Nein"\n',
    )
    (tmp_path / "work").mkdir()
    effective = resolve(
        config,
        {"body": "Stadt Leipzig", "footer": None, "output_dir": "out", "labels": {"ablehnung": "Nö"}},
        cwd=tmp_path / "work",
    )
    assert effective.render.body == "Stadt Leipzig"
    assert effective.sources["body"] == SOURCE_CLI
    assert effective.render.footer == "Fuß"  # None means "option not given"
    assert effective.sources["footer"] == f"{config}:3"
    assert effective.formats == ("pdf", "md")
    assert effective.sources["formats"] == f"{config}:2"
    assert effective.output_dir == tmp_path / "work" / "out"  # relative to the working folder
    assert effective.render.labels["zustimmung"] == "Ja"
    assert effective.render.labels["ablehnung"] == "Nö"
    assert effective.sources["labels.zustimmung"] == f"{config}:5"
    assert effective.sources["labels.ablehnung"] == SOURCE_CLI
    assert effective.sources["labels.erledigt"] == SOURCE_DEFAULT
    assert effective.sources["logo"] == SOURCE_DEFAULT


def test_invalid_command_line_values(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolve(
            None,
            {"formats": ["pdf", "html"], "logo": "fehlt.png", "labels": {"zustimung": "Ja"}},
            cwd=tmp_path,
        )
    found = info.value.diagnostics
    assert {d.file for d in found} == {SOURCE_CLI}
    assert {d.code for d in found} == {"invalid-format", "file-missing", "unknown-label"}


@pytest.mark.parametrize("key", ["output_dir", "template_dir", "logo"])
def test_a_path_of_an_unknown_users_home_is_an_error(tmp_path: Path, key: str) -> None:
    """`~name/…` of a user the machine does not know: Path.expanduser() raised RuntimeError (exit 123)."""
    with pytest.raises(ConfigError) as info:
        resolve(None, {key: "~vsp-gibt-es-nicht/ordner"}, cwd=tmp_path)
    [found] = info.value.diagnostics
    assert found.code == "invalid-value" and "den Benutzer hinter „~“ gibt es hier nicht" in found.message


def test_printed_settings_take_only_printable_characters(tmp_path: Path) -> None:
    """body, footer and labels are printed as a statement's text is, so the same characters are refused."""
    config = write(
        tmp_path / "vsp.toml",
        'body = "Stadt 😀"\nfooter = "a\\u0007b"\nformats = ["pdf"]\n[labels]\nablehnung = "Nein ✅"\n',
    )
    with pytest.raises(ConfigError) as info:
        load_config(config)
    found = [(d.line, d.column, d.code) for d in info.value.diagnostics]
    assert found == [
        (1, 8, "unprintable-character"),
        (2, 10, "unprintable-character"),
        (5, 13, "unprintable-character"),
    ]
    assert "U+1F600 (GRINNING FACE)" in info.value.diagnostics[0].message


def _png(width: int, height: int) -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n"
        + (13).to_bytes(4, "big")
        + b"IHDR"
        + width.to_bytes(4, "big")
        + height.to_bytes(4, "big")
    )


def _jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + (16).to_bytes(2, "big") + b"JFIF\x00" + bytes(9)
    exif = b"\xff\xe1" + (1002).to_bytes(2, "big") + bytes(1000)
    frame = (
        b"\xff\xc2" + (17).to_bytes(2, "big") + b"\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big")
    )
    return b"\xff\xd8" + app0 + exif + frame + bytes(12)


@pytest.mark.parametrize(
    ("image", "too_large"),
    [
        (_png(13_000, 13_000), True),
        (_png(4_000, 4_000), False),
        (_jpeg(5_000, 4_000), True),
        (_jpeg(1_200, 400), False),
    ],
)
def test_a_logo_too_large_to_embed_is_refused_from_its_header(
    tmp_path: Path, image: bytes, too_large: bool
) -> None:
    """A 164 kB PNG of 13,000 × 13,000 took 550 MB to embed; the size is read from the header, not decoded."""
    (tmp_path / "logo.img").write_bytes(image)
    config = write(tmp_path / "vsp.toml", 'logo = "logo.img"\n')
    if not too_large:
        assert load_config(config).values.logo == tmp_path / "logo.img"
        return
    with pytest.raises(ConfigError) as info:
        load_config(config)
    [found] = info.value.diagnostics
    assert found.code == "image-too-large" and "Bildpunkte" in found.message


def test_settings_for_an_input_file(tmp_path: Path) -> None:
    write(tmp_path / "vsp.toml", 'body = "Stadt Halle"\n')
    statement = write(tmp_path / "a" / "x.yaml", "")
    assert settings_for(statement).render.body == "Stadt Halle"
    assert settings_for(statement, use_config=False).render.body == DEFAULT_BODY
    other = write(tmp_path / "anders.toml", 'body = "Stadt Dresden"\n')
    assert settings_for(statement, other).render.body == "Stadt Dresden"


def test_format_effective_lists_value_and_source(tmp_path: Path) -> None:
    config = write(tmp_path / "vsp.toml", 'body = "Stadt Halle"\n[labels]\nzustimmung = "Ja"\n')
    text = format_effective(resolve(config, {"hyphenate": False}))
    lines = text.splitlines()
    assert lines[0] == f"Konfigurationsdatei: {config}"
    row = next(line for line in lines if line.startswith("body "))
    assert row.split() == ["body", "Stadt", "Halle", f"{config}:1"]
    assert next(line for line in lines if line.startswith("hyphenate ")).split() == [
        "hyphenate",
        "nein",
        SOURCE_CLI,
    ]
    assert next(line for line in lines if line.startswith("labels.zustimmung ")).endswith(f"{config}:3")
    # a label nobody set is the form's, and a statement on another form prints that form's
    assert next(line for line in lines if line.startswith("labels.betreff ")).split()[-2:] == [
        "Formular",
        "2014",
    ]
    assert "wie auf dem Formular 2014;" in text and "druckt die seines Formulars" in text
    with_2019 = format_effective(resolve(write(tmp_path / "vsp.toml", 'formular = "2019"\n')))
    assert next(line for line in with_2019.splitlines() if line.startswith("labels.betreff ")).split()[
        1:
    ] == [
        "Betreff:",
        "Formular",
        "2019",
    ]
    assert all(line == line.rstrip() for line in lines)
    assert "Keine Konfigurationsdatei" in format_effective(resolve(None))


def test_config_does_not_import_jinja_or_reportlab() -> None:
    code = "import sys, vsp_cli.config; print(sorted(m for m in ('jinja2', 'reportlab') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_docs_name_every_setting_and_label() -> None:
    from vsp_cli.config import SETTINGS
    from vsp_cli.labels import LABEL_TARGETS

    docs = (Path(__file__).parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert {name for name in (*SETTINGS, *LABEL_TARGETS) if f"| `{name}` |" not in docs} == set()


def test_a_footer_longer_than_the_margin_holds_is_refused(tmp_path: Path) -> None:
    from vsp_cli.config import FOOTER_MAX

    assert load_config(write(tmp_path / "vsp.toml", f'footer = "{"x" * FOOTER_MAX}"\n')).values.footer
    [d] = errors(write(tmp_path / "vsp.toml", f'footer = "{"Fußzeile " * 40}"\n'))
    assert where(d) == (1, 10, "too-long")
    assert d.message == f"„footer“ ist zu lang: höchstens {FOOTER_MAX} Zeichen, gefunden 360"


def test_a_body_longer_than_a_name_is_refused(tmp_path: Path) -> None:
    """A label may hold {body} as often as it has room for: a body of 900 kB 33 times in „rk_nachteilig“ made
    each statement's Markdown 30 MB and took 40 s to set."""
    from vsp_cli.config.model import BODY_MAX

    assert load_config(write(tmp_path / "vsp.toml", f'body = "{"x" * BODY_MAX}"\n')).values.body
    [d] = errors(write(tmp_path / "vsp.toml", f'body = "{"Stadt " * 150000}"\n'))
    assert where(d) == (1, 8, "too-long")
    assert d.message == f"„body“ ist zu lang: höchstens {BODY_MAX} Zeichen, gefunden 900000"


def test_labels_have_a_length_limit_and_the_page_label_a_short_one(tmp_path: Path) -> None:
    from vsp_cli.limits import LABEL_MAX

    fits = f'[labels]\nbetreff = "{"B" * LABEL_MAX}"\nseite = "Seite {{seite}} von {{seiten}}"\n'
    assert load_config(write(tmp_path / "vsp.toml", fits)).values.labels["betreff"] == "B" * LABEL_MAX
    too_long = f'[labels]\nbetreff = "{"B" * (LABEL_MAX + 1)}"\nseite = "{"Seite " * 10}{{seite}}"\n'
    found = errors(write(tmp_path / "vsp.toml", too_long))
    assert [where(d) for d in found] == [(2, 11, "too-long"), (3, 9, "too-long")]
    assert found[1].message == "„labels.seite“ ist zu lang: höchstens 40 Zeichen, gefunden 67"


def test_the_label_setting_names_are_shared_by_every_configuration(tmp_path: Path) -> None:
    """A batch keeps the sources of every configuration it found; a new string per label and configuration made
    the main process grow by kilobytes per vsp.toml (8,000 folders with one each: 88 MB, now 70 MB)."""
    first = resolve(write(tmp_path / "a" / "vsp.toml", 'body = "Stadt A"\n'))
    second = resolve(write(tmp_path / "b" / "vsp.toml", '[labels]\nablehnung = "Nein"\n'))
    names = [name for name in first.sources if name.startswith("labels.")]
    assert names and all(
        any(name is other for other in second.sources) for name in names
    )  # the same objects, not equal copies
    assert second.sources["labels.ablehnung"].endswith("b/vsp.toml:2")


def test_a_formular_file_is_checked_where_the_statements_will_look_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`~` is not expanded in `formular` (the statements look for `<folder>/~/f.toml`): the check did expand it
    and passed, and every statement then failed."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    write(tmp_path / "home" / "f.toml", 'schema = 1\nname = "F"\nerbt = "2014"\n')
    config = write(tmp_path / "projekt" / "vsp.toml", 'formular = "~/f.toml"\n')
    [found] = errors(config)
    assert where(found) == (1, 12, "file-missing")


@pytest.mark.parametrize("quoted", ["“Stadt Leipzig”", "„Stadt Leipzig“"])
def test_typographic_quotes_in_the_configuration_are_named(tmp_path: Path, quoted: str) -> None:
    """Pasted from a word processor; the message said „Texte gehören in Anführungszeichen“ to a clerk who had
    used some."""
    [found] = errors(write(tmp_path / "vsp.toml", f"body = {quoted}\n"))
    assert where(found) == (1, 8, "toml-syntax")
    assert f'geraden Anführungszeichen "…", nicht in typografischen ({quoted[0]})' in found.message


def test_a_setting_below_a_table_is_named_as_misplaced(tmp_path: Path) -> None:
    """TOML puts every line after `[labels]` into that table: a setting added at the end of the file is no
    unknown label (nor, as a number, a label of the wrong type) and no form file, but a line to move up."""
    text = (
        'body = "Stadt Leipzig"\n[labels]\nzustimmung = "Ja"\nformular = 2019\nfooter = "Amt"\n'
        '[formulare]\neigenes = "eigenes.toml"\nlogo = "logo.png"\n'
    )
    write(tmp_path / "eigenes.toml", "")
    found = errors(write(tmp_path / "vsp.toml", text))
    assert [where(d) for d in found] == [
        (4, 1, "unknown-label"),
        (5, 1, "unknown-label"),
        (8, 1, "invalid-value"),
    ]
    assert found[0].message == (
        "„formular“ ist eine Einstellung, steht aber unter [labels] und gilt so als Beschriftung: Einstellungen "
        "stehen oben in der Datei, vor der ersten Tabelle ([labels], [formulare]); bitte die Zeile dorthin "
        "verschieben"
    )
    assert "unter [formulare] und gilt so als Name eines Formulars" in found[2].message
    in_pyproject = '[tool.vsp]\nbody = "Stadt Leipzig"\n[tool.vsp.labels]\nformats = ["pdf"]\n'
    (found,) = errors(write(tmp_path / "pyproject.toml", in_pyproject))
    assert where(found) == (4, 1, "unknown-label")
    assert (
        "unter [tool.vsp.labels]" in found.message
        and "Einstellungen stehen unter [tool.vsp]," in found.message
    )


def test_the_configuration_of_a_deep_tree_is_found_in_linear_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each folder of a tree D folders deep was resolved and searched up to the root again: D² looks (a tree
    1,500 deep took a minute to validate). Folders resolved and searched once are remembered, and links are
    still followed."""
    from vsp_cli.config.resolution import SettingsCache

    (tmp_path / "vsp.toml").write_text('body = "Gemeinde Tief"\n', encoding="utf-8")
    sources, folder = [], tmp_path
    for depth in range(300):
        folder = folder / "d"
        folder.mkdir()
        sources.append(folder / f"s{depth}.yaml")
    inner = folder / "innen"
    inner.mkdir()
    (inner / "vsp.toml").write_text('body = "Gemeinde Innen"\n', encoding="utf-8")
    (folder / "link").symlink_to(inner)
    looks = 0
    real_stat, real_lstat = os.stat, os.lstat

    def counted(function):  # type: ignore[no-untyped-def]
        def look(*args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal looks
            looks += 1
            return function(*args, **kwargs)

        return look

    monkeypatch.setattr(os, "stat", counted(real_stat))
    monkeypatch.setattr(os, "lstat", counted(real_lstat))
    cache = SettingsCache(None)
    found = [cache.config_path(source) for source in sources]
    linked = cache.config_path(folder / "link" / "s.yaml")
    assert looks < 20 * len(sources), looks
    assert found == [tmp_path.resolve() / "vsp.toml"] * len(sources)
    assert linked == inner.resolve() / "vsp.toml"


def test_vsp_config_shows_a_line_break_in_a_label_as_labels_writes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 2019 form's column „voraussichtlicher“ / „Sitzungstermin“ was shown „voraussichtlicher\\x0aSitzungstermin“,
    which no one can write in [labels]; TOML writes the break as \\n."""
    write(tmp_path / "vsp.toml", 'formular = "2019"\n')
    write(tmp_path / "a.yaml", "")
    code, out, _ = call_captured(capsys, "config", str(tmp_path / "a.yaml"))
    [row] = [line for line in out.splitlines() if line.startswith("labels.spalte_termin ")]
    assert code == 0 and "voraussichtlicher\\nSitzungstermin" in row and "x0a" not in row
