"""The command line: exit codes, output formats, `new`, `schema`, and no traceback for any input."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, INVALID_CASES, ROOT, VALID_CASES
from conftest import call_captured as call
from vsp_cli import __version__


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run vsp in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "vsp_cli", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "--version")
    assert code == 0
    assert out.strip() == f"vsp {__version__}"


def test_validate_examples_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "validate", str(EXAMPLES))
    assert code == 0, out
    assert out == ""
    assert f"{len(list(EXAMPLES.glob('*.yaml')))} Dateien geprüft" in err


def test_invalid_files_exit_1_without_traceback() -> None:
    result = run("validate", *map(str, INVALID_CASES))
    assert result.returncode == 1
    assert "Traceback (most recent call last)" not in result.stdout + result.stderr
    for path in INVALID_CASES:
        assert str(path) in result.stdout
    # every line of stdout is a located diagnostic: FILE:LINE:COL: fehler|warnung: MESSAGE [code]
    for line in result.stdout.splitlines():
        assert ": fehler: " in line or ": warnung: " in line, line
        assert line.rstrip().endswith("]")


def test_warnings_pass_unless_strict(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ROOT / "tests/cases/invalid/termine-rueckwaerts.yaml")
    code, out, _ = call(capsys, "validate", path)
    assert code == 0
    assert ": warnung: " in out and "[dates-backwards]" in out
    code, out, _ = call(capsys, "validate", "--strict", path)
    assert code == 1
    assert ": fehler: " in out


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "tests/cases/invalid/unbekannter-schluessel.yaml"
    code, out, _ = call(capsys, "validate", "--format", "json", str(path))
    assert code == 1
    data = json.loads(out)
    assert data == [
        {
            "file": str(path),
            "line": 2,
            "column": 1,
            "end_line": 2,
            "end_column": 7,
            "path": "betref",
            "severity": "error",
            "code": "unknown-key",
            "message": "Unbekannter Schlüssel „betref“. Meinten Sie „betreff“?",
        }
    ]


def test_json_format_valid_is_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "validate", "--format", "json", str(VALID_CASES[0]))
    assert code == 0
    assert json.loads(out) == []


def test_github_format(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "tests/cases/invalid/datum-unmoeglich.yaml"
    code, out, _ = call(capsys, "validate", "--format", "github", str(path))
    assert code == 1
    assert out.startswith(f"::error file={path},line=9,col=13,")
    assert out.rstrip().endswith("::Das Datum „31.02.2018“ gibt es nicht")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert call(capsys, "validate", str(tmp_path / "fehlt.yaml"))[0] == 2
    assert call(capsys, "validate", "--gibtsnicht", str(EXAMPLES))[0] == 2
    assert call(capsys, "validate", str(tmp_path))[0] == 2  # a folder without statements


def test_internal_error_exit_123(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaputt")

    monkeypatch.setattr("vsp_cli.validation.check_file", broken)
    code, _, err = call(capsys, "validate", str(VALID_CASES[0]))
    assert code == 123
    assert "interner Fehler" in err and "melden" in err
    assert "Traceback (most recent call last)" not in err
    code, _, err = call(capsys, "--debug", "validate", str(VALID_CASES[0]))
    assert code == 123
    assert "Traceback (most recent call last)" in err and "RuntimeError: kaputt" in err


def test_an_interrupt_a_library_wraps_is_no_bug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM or Ctrl+C while pydantic builds a validator comes out as its `SchemaError` („… KeyboardInterrupt:
    )“), chained to nothing: it is an interruption (exit 130), not a bug (123); and the next run starts afresh."""

    def interrupted_inside_a_library(*args: object, **kwargs: object) -> None:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        except KeyboardInterrupt:
            raise RuntimeError("Error building validator: KeyboardInterrupt: ") from None

    monkeypatch.setattr("vsp_cli.validation.check_file", interrupted_inside_a_library)
    code, _, err = call(capsys, "validate", str(VALID_CASES[0]))
    assert (code, err) == (130, "vsp: abgebrochen\n")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaputt")

    monkeypatch.setattr("vsp_cli.validation.check_file", broken)
    assert call(capsys, "validate", str(VALID_CASES[0]))[0] == 123


def test_new_to_stdout_validates_and_its_placeholders_fail_strict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = call(capsys, "new")
    assert code == 0
    assert 'formular: "2019"' in out  # the newest built-in form
    assert "docs/" not in out and "$schema" not in out  # no schema in this folder, no file of this machine
    path = tmp_path / "neu.yaml"
    path.write_text(out, encoding="utf-8")
    code, out, _ = call(capsys, "validate", str(path))
    assert code == 0 and "[placeholder]" in out and ": fehler:" not in out
    assert (
        "„VII-A-00000-VSP-01“ steht noch aus der Vorlage von vsp new hier; bitte durch die Nummer des" in out
    )
    assert (
        "„Dezernat (bitte eintragen)“ steht noch aus der Vorlage von vsp new hier; bitte durch den Text des"
        in out
    )
    assert call(capsys, "validate", "--strict", str(path))[0] == 1


@pytest.mark.parametrize("form", ["2014", "2017", "2019"])
def test_new_writes_a_starter_that_validates_on_its_form(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, form: str
) -> None:
    path = tmp_path / "VII-A-01234-VSP-01.yaml"
    assert call(capsys, "new", "--formular", form, str(path))[0] == 0
    text = path.read_text(encoding="utf-8")
    assert f'formular: "{form}"' in text
    assert "nummer: VII-A-01234-VSP-01\n" in text  # taken from the file name
    assert ("finanzen: keine" in text) == (form != "2014")
    assert ("#       aufwendungen: {von: JJJJ-MM-TT" in text) == (form != "2014")  # the detailed form, shown
    assert ("anlass:" in text) == (form == "2019")
    assert ("anlass: {sonstiges: Antrag}\n\n# Zusammenfassung (Markdown, optional)\n" in text) == (
        form == "2019"
    )
    code, out, _ = call(capsys, "validate", str(path))
    assert code == 0 and ": fehler:" not in out
    assert {line.rsplit("[", 1)[1] for line in out.splitlines() if ": warnung:" in line} == {"placeholder]"}


def test_new_writes_the_fields_a_form_places_in_header_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A form whose Betreff and Einreicher are rows of `kopfangaben` (the ALLRIS 4 example) still gets them in
    the starter, each field once, and the starter validates on it."""
    shutil.copy(ROOT / "examples" / "formulare" / "2021.toml", tmp_path / "2021.toml")
    path = tmp_path / "VIII-A-01234-VSP-01.yaml"
    assert call(capsys, "new", "--formular", str(tmp_path / "2021.toml"), str(path))[0] == 0
    text = path.read_text(encoding="utf-8")
    for field in ("betreff", "eingereicht_von", "anlass", "strategische_ziele"):
        assert text.count(f"\n{field}:") == 1, field
    assert text.index("\nbetreff:") < text.index("\nberatungsfolge:")  # in the order the form prints them
    code, out, _ = call(capsys, "validate", str(path))
    assert code == 0 and ": fehler:" not in out


@pytest.mark.parametrize("absolute", [False, True])
def test_new_reads_a_form_path_from_the_working_directory_and_writes_it_from_the_statements_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, absolute: bool
) -> None:
    """`vsp new --formular formulare/2021.toml standpunkte/x.yaml`: a path on the command line is relative to the
    working directory (it was looked for as standpunkte/formulare/2021.toml, a usage error); the starter names
    it relative to its own folder, as the statement reads it, also when given as an absolute path."""
    (tmp_path / "formulare").mkdir()
    shutil.copy(ROOT / "examples" / "formulare" / "2021.toml", tmp_path / "formulare" / "2021.toml")
    (tmp_path / "vsp.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    form = str(tmp_path / "formulare" / "2021.toml") if absolute else "formulare/2021.toml"
    path = Path("standpunkte") / "VIII-A-01234-VSP-01.yaml"
    assert call(capsys, "new", "--formular", form, str(path))[0] == 0
    assert '\nformular: "../formulare/2021.toml"\n' in path.read_text(encoding="utf-8")
    code, out, _ = call(capsys, "validate", str(path))
    assert code == 0 and ": fehler:" not in out


def test_new_optional_custom_fields_can_be_uncommented_as_an_editor_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The commented `zusatzfelder` of the ALLRIS 4 example interleaved descriptions written „  # Label“ with
    fields written „#   feld: |“: an editor's „uncomment“ on the block (one `# ` off each line) made the
    descriptions lines of text and the file a YAML syntax error."""
    shutil.copy(ROOT / "examples" / "formulare" / "2021.toml", tmp_path / "2021.toml")
    path = tmp_path / "VIII-A-01234-VSP-01.yaml"
    assert call(capsys, "new", "--formular", str(tmp_path / "2021.toml"), str(path))[0] == 0
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index("# zusatzfelder:")
    end = lines.index("", start)
    assert end - start > 4
    for at in range(start, end):  # as VS Code's „Toggle Line Comment“: the first `# ` after the indentation
        lines[at] = re.sub(r"^([ \t]*)# ?", r"\1", lines[at], count=1)
    path.write_text("\n".join(lines), encoding="utf-8")
    code, out, _ = call(capsys, "validate", str(path))
    assert code == 0 and ": fehler:" not in out
    assert "[placeholder]" in out and "(bitte ausfüllen)" in out  # the uncommented fields still ask for text


def test_new_the_texts_of_its_commented_examples_are_placeholders_once_uncommented(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """„1. Der Oberbürgermeister wird beauftragt, …“, the summary „…“ and „PSP-Element …“ of the starter's
    commented examples, uncommented as they stand, validated without a word and printed as the statement's."""
    path = tmp_path / "VII-A-01234-VSP-01.yaml"
    assert call(capsys, "new", "--formular", "2019", str(path))[0] == 0
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.remove("finanzen: keine")
    for name in ("beschlussvorschlag", "zusammenfassung", "finanzen"):
        head = f"# {name}:" if name != "finanzen" else "#   finanzen:"
        at = next(number for number, line in enumerate(lines) if line.startswith(head))
        while lines[at].startswith("#"):  # the example up to the next blank line, one `# ` off
            lines[at] = re.sub(r"^# ?", "", lines[at]) if name != "finanzen" else lines[at][4:]
            at += 1
    path.write_text("\n".join(lines), encoding="utf-8")
    _, out, _ = call(capsys, "validate", str(path))
    left = [line.split("„")[1].split("“")[0] for line in out.splitlines() if line.endswith("[placeholder]")]
    assert {"Der Oberbürgermeister wird beauftragt, …", "Kurz zusammengefasst: …", "PSP-Element …"} <= set(
        left
    )


def test_new_keeps_a_forms_name_and_labels_with_line_breaks_in_their_comments(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The form's name and a custom block's label went into comments as they were: a line break ended the
    comment, and what followed was YAML of the starter (here a second `nummer`, a duplicate-key error)."""
    (tmp_path / "f.toml").write_text(
        'schema = 1\nname = "N\\nbetreff: eingeschleust"\nerbt = "2019"\n'
        'reihenfolge = ["kopf", "beschluss", "finanzen", "sachverhalt", "schluss", "x"]\n'
        '[teile.x]\nbloecke = ["t"]\n[bloecke.t]\ntyp = "text"\nlabel = "L\\nnummer: eingeschleust"\n',
        encoding="utf-8",
    )
    path = tmp_path / "VII-A-01234-VSP-01.yaml"
    assert call(capsys, "new", "--formular", str(tmp_path / "f.toml"), str(path))[0] == 0
    text = path.read_text(encoding="utf-8")
    assert "„N betreff: eingeschleust“" in text and "  # L nummer: eingeschleust (optional)" in text
    code, out, _ = call(capsys, "validate", str(path))
    assert code == 0 and ": fehler:" not in out, out


def test_new_speaks_of_the_blocks_and_options_a_form_has(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A city's form that calls the Begründung „Stellungnahme“ and has no option needing a Beschlussvorschlag:
    the starter's comments say so, not what the Leipzig forms print."""
    (tmp_path / "muster.toml").write_text(
        'schema = 1\nname = "Musterstadt"\nerbt = "2019"\n\n[bloecke.begruendung]\nlabel = "Stellungnahme:"\n\n'
        '[bloecke.empfehlung]\noptionen = [{ id = "zustimmung", label = "Zustimmung" }, '
        '{ id = "ablehnung", label = "Ablehnung" }]\n',
        encoding="utf-8",
    )
    path = tmp_path / "VII-A-01234-VSP-01.yaml"
    assert call(capsys, "new", "--formular", str(tmp_path / "muster.toml"), str(path))[0] == 0
    text = path.read_text(encoding="utf-8")
    assert "# Stellungnahme (Markdown): Absätze" in text and "# Begründung" not in text
    assert "# Vorgeschlagener Beschluss (Markdown), optional\n" in text and "alternativvorschlag" not in text
    assert call(capsys, "new", "--formular", "2019")[1].count("nötig bei alternativvorschlag und ") == 1


def test_new_refers_to_a_schema_in_the_repository_relatively(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The modeline works for everyone who clones the repository: a relative path to a schema kept in it,
    written next to the vsp.toml when there is none yet; never a path of this machine."""
    (tmp_path / "vsp.toml").write_text('formular = "2017"\n', encoding="utf-8")
    path = tmp_path / "standpunkte" / "2021" / "neu.yaml"
    assert call(capsys, "new", str(path))[0] == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../statement.schema.json\n")
    assert 'formular: "2017"' in text  # the configuration's form
    assert (tmp_path / "statement.schema.json").read_text(encoding="utf-8") == (
        ROOT / "schema" / "statement.schema.json"
    ).read_text(encoding="utf-8")
    assert str(tmp_path) not in text and "file:" not in text
    second = tmp_path / "standpunkte" / "zweiter.yaml"
    assert call(capsys, "new", str(second))[0] == 0
    assert second.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../statement.schema.json\n"
    )


def test_new_with_an_unknown_form_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = call(capsys, "new", "--formular", "2020", str(tmp_path / "a.yaml"))
    assert code == 2 and "Unbekanntes Formular „2020“" in err
    assert not (tmp_path / "a.yaml").exists()


def test_new_file_refuses_to_overwrite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "neu.yaml"
    assert call(capsys, "new", str(path))[0] == 0
    assert call(capsys, "validate", str(path))[0] == 0
    path.write_text("meins", encoding="utf-8")
    code, _, err = call(capsys, "new", str(path))
    assert code == 1 and "--force" in err
    assert path.read_text(encoding="utf-8") == "meins"
    assert call(capsys, "new", "--force", str(path))[0] == 0
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_formular_lists_the_forms_and_prints_one_as_a_form_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = call(capsys, "formular")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines() if line.startswith("  ")] == ["2014", "2017", "2019"]
    code, out, _ = call(capsys, "formular", "2019")
    assert code == 0
    copy = tmp_path / "eigenes.toml"
    copy.write_text(out, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        (ROOT / "examples" / "VII-A-00261-VSP-01.yaml")
        .read_text(encoding="utf-8")
        .replace("formular: 2019", "formular: eigenes.toml"),
        encoding="utf-8",
    )
    assert call(capsys, "validate", "--strict", str(tmp_path / "s.yaml"))[0] == 0
    code, _, err = call(capsys, "formular", "gibt-es-nicht")
    assert code == 2 and "Unbekanntes Formular" in err


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("new", "{tmp}", "--force"), "ist ein Ordner"),
        (("new", "{tmp}/datei.yaml/neu.yaml"), "ein Teil des Pfades ist kein Ordner"),
        (("schema", "-o", "{tmp}"), "ist ein Ordner"),
    ],
)
def test_a_file_that_cannot_be_written_is_exit_1_in_german(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...], reason: str
) -> None:
    """`new` and `schema` into a folder (or below a file) crashed with exit 123 (IsADirectoryError)."""
    (tmp_path / "datei.yaml").write_text("x", encoding="utf-8")
    code, _, err = call(capsys, *(a.format(tmp=tmp_path) for a in args))
    assert code == 1
    assert "kann nicht geschrieben werden" in err and reason in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datei.yaml"]


def test_new_points_at_repository_schema(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "statement.schema.json").write_text("{}", encoding="utf-8")
    target = tmp_path / "standpunkte" / "a.yaml"
    assert call(capsys, "new", str(target))[0] == 0
    first = target.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/statement.schema.json"


def test_schema_command_matches_committed_copy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = call(capsys, "schema")
    assert code == 0
    assert out == (ROOT / "schema" / "statement.schema.json").read_text(encoding="utf-8")
    target = tmp_path / "s.json"
    assert call(capsys, "schema", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8") == out


def test_validate_does_not_import_renderers() -> None:
    code = (
        "import sys\n"
        "from vsp_cli.cli import main\n"
        "try:\n"
        f"    main(['validate', {str(EXAMPLES)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('reportlab', 'jinja2', 'markdown_it', 'pyphen') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate"], "Es fehlt die Angabe PFAD"),
        (["validate", "--gibtsnicht", "x.yaml"], "Unbekannte Option --gibtsnicht"),
        (["validate", "--formt", "json", "x.yaml"], "Meinten Sie „--format“?"),
        (["render", "--bogus", "x.yaml"], "Unbekannte Option --bogus.\n"),  # not „Meinten Sie „--jobs“?“
        (["render", "--job", "2", "x.yaml"], "Meinten Sie „--jobs“?"),
        (
            ["validate", "--format", "xml", "x.yaml"],
            "Ungültiger Wert „xml“ für --format; erlaubt: text, json, github",
        ),
        (["render", "-j", "0", "x.yaml"], "-j/--jobs erwartet eine Zahl ab 1"),
        (["render", "-j", "viele", "x.yaml"], "eine ganze Zahl erwartet"),
        (["gibtsnicht"], "Unbekannter Befehl „gibtsnicht“"),
        (["rendr", "x.yaml"], "Unbekannter Befehl „rendr“. Meinten Sie „render“?"),
        (["render", "-j"], "Die Option -j braucht einen Wert"),
        (["validate", "--strict=ja", "x.yaml"], "Die Option --strict nimmt keinen Wert"),
        (["new", "a.yaml", "b.yaml"], "Überzählige Angabe: b.yaml"),
        (
            ["render", "x.yaml", "--template-dir", "/gibt/es/nicht"],
            "--template-dir: „/gibt/es/nicht“ gibt es nicht",
        ),
        (
            ["render", "x.yaml", "--config", "/gibt/es/nicht.toml"],
            "--config: „/gibt/es/nicht.toml“ gibt es nicht",
        ),
        (["render", "x.yaml", "-o", str(ROOT / "README.md")], "ist eine Datei, erwartet wird ein Ordner"),
        (["config", "--config", str(ROOT)], "ist ein Ordner, erwartet wird eine Datei"),
    ],
)
def test_usage_errors_are_german(capsys: pytest.CaptureFixture[str], args: list[str], expected: str) -> None:
    code, _, err = call(capsys, *args)
    assert code == 2
    assert expected in err
    assert "Error:" not in err and "Usage:" not in err


#: typer's own English words and Python type names, none of which may reach a German help page.
_ENGLISH = ("Usage:", "Options:", "Arguments:", "Commands:", "Show this message", "[default:", "[required]")
_PYTHON_TYPES = ("<str>", "<int>", "<path>", "<dir>", "<file>", "<list[")


@pytest.mark.parametrize("command", [[], ["validate"], ["new"], ["schema"], ["render"], ["config"]])
def test_help_pages_are_german(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    code, out, _ = call(capsys, *command, "--help")
    assert code == 0
    assert out.startswith(" ".join(["Aufruf: vsp", *command, "[OPTIONEN]"]))
    assert "Optionen:" in out and "Diese Hilfe anzeigen und beenden." in out
    for word in _ENGLISH + _PYTHON_TYPES:
        assert word not in out, word
    if command == ["render"]:
        assert "Argumente:\n  PFAD <Text>" in out
        assert "-j, --jobs <Zahl>" in out and "[Vorgabe: text]" in out and "[Pflichtangabe]" in out
    if not command:
        assert "Befehle:\n  validate" in out and "BEFEHL [ARGUMENTE]..." in out


@pytest.mark.parametrize("output_format", ["text", "github"])
def test_terminal_controls_from_a_file_are_shown_not_sent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, output_format: str
) -> None:
    """A hostile value or key (ESC sequences, BEL, a bidi override) is printed escaped, never to the terminal."""
    path = tmp_path / "boese.yaml"
    path.write_text(
        "nummer: VI-A-03824-VSP-01\nbetreff: x\neingereicht_von: y\nberatungsfolge: [{gremium: z}]\n"
        'empfehlung: "\\e[2J\\e]0;PWNED\\a"\nbegruendung: b\n"\\e[5mkey\\u202e": 1\n',
        encoding="utf-8",
    )
    code, out, _ = call(capsys, "validate", "--format", output_format, str(path))
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J\\x1b]0;PWNED\\x07" in out and "\\x1b[5mkey\\u202e" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("config", "{tmp}/gibt-es-nicht"), "gibt-es-nicht gibt es nicht"),
        (("render", "{tmp}", "--watch", "--check"), "--watch und --check passen nicht zusammen"),
    ],
)
def test_misuse_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    """`vsp config` of a missing path showed the defaults (exit 0); --watch --check waited for ever."""
    code, _, err = call(capsys, *(a.format(tmp=tmp_path) for a in args))
    assert code == 2 and message in err


def test_two_statements_with_one_number_are_an_error_at_both(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A copy of an old statement under a new file name keeps the old number: both are reported."""
    seed = (EXAMPLES / "VI-A-03824-VSP-01.yaml").read_text(encoding="utf-8")
    (tmp_path / "VI-A-03824-VSP-01.yaml").write_text(seed, encoding="utf-8")
    (tmp_path / "VI-A-03825-VSP-01.yaml").write_text(seed, encoding="utf-8")
    (tmp_path / "anderer-name.yaml").write_text(seed.replace("03824", "03900"), encoding="utf-8")
    code, out, err = call(capsys, "validate", str(tmp_path))
    assert code == 1
    found = sorted(
        (line.split(":")[0].rsplit("/", 1)[1], line.rsplit("[", 1)[1]) for line in out.splitlines()
    )
    assert found == [
        ("VI-A-03824-VSP-01.yaml", "duplicate-nummer]"),
        ("VI-A-03825-VSP-01.yaml", "duplicate-nummer]"),
        ("VI-A-03825-VSP-01.yaml", "nummer-not-file-name]"),  # named after another number than it holds
    ]
    assert "3 Dateien geprüft, 2 fehlerhaft" in err


@pytest.mark.parametrize("command", ["validate", "render"])
def test_a_broken_form_file_is_reported_once_however_many_statements_use_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    """Each statement gets its own short error at `formular`; the problem inside the form file is printed and
    counted once per run, not once per statement (50 statements showed it 50 times)."""
    (tmp_path / "eigen.toml").write_text(
        'schema = 1\nname = "Doppelt"\nerbt = "2014"\n[teile.schluss]\nbloecke = ["anlagen", "begruendung"]\n',
        encoding="utf-8",
    )
    seed = (EXAMPLES / "VI-A-03824-VSP-01.yaml").read_text(encoding="utf-8")
    for n in range(3):
        (tmp_path / f"VI-A-0382{n}-VSP-01.yaml").write_text(
            "formular: eigen.toml\n" + seed.replace("03824", f"0382{n}"), encoding="utf-8"
        )
    code, out, err = call(
        capsys, command, str(tmp_path), *(["-o", str(tmp_path / "out")] * (command == "render"))
    )
    assert code == 1
    codes = sorted(line.rsplit("[", 1)[1] for line in out.splitlines())
    assert codes == ["form-duplicate-block]", *["form-invalid]"] * 3]
    assert "3 Dateien" in err and "3 fehlerhaft (4 Fehler)" in err
    code, out, _ = call(capsys, "validate", "--format", "json", str(tmp_path))
    assert [d["code"] for d in json.loads(out)].count("form-duplicate-block") == 1


def test_a_terminal_shows_the_statements_lines_only_under_its_own_problems() -> None:
    """The excerpt under a message is a line of the statement; a problem in its form file is not shown with the
    statement's line of the same number."""
    import io

    from vsp_cli.diagnostics import Diagnostic, Severity, Span
    from vsp_cli.report import Report

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    here = Span(0, 0, 0, 4)
    report = Report(out=out)
    report.emit(
        [
            Diagnostic("eigen.toml", here, (), Severity.ERROR, "form-duplicate-block", "doppelt"),
            Diagnostic("s.yaml", here, (), Severity.ERROR, "form-invalid", "fehlerhaft"),
        ],
        "formular: eigen.toml\n",
        own="s.yaml",
    )
    assert out.getvalue().count("formular: eigen.toml") == 1
    assert out.getvalue().startswith("eigen.toml:1:1: fehler: doppelt [form-duplicate-block]\ns.yaml:1:1:")


def test_two_statements_with_one_number_on_a_broken_form_are_reported_in_the_statements(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The error about a shared number stands in each statement, also when its first problem is in its form
    file (it was placed in the form file, at the statement's line of `nummer`)."""
    (tmp_path / "eigen.toml").write_text('schema = 1\nname = "Ohne Teile"\n', encoding="utf-8")
    seed = "formular: eigen.toml\n" + (EXAMPLES / "VI-A-03824-VSP-01.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(seed, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(seed, encoding="utf-8")
    _, out, _ = call(capsys, "validate", str(tmp_path))
    files = sorted(Path(line.split(":")[0]).name for line in out.splitlines() if "[duplicate-nummer]" in line)
    assert files == ["a.yaml", "b.yaml"]


def test_rendering_a_pdf_does_not_import_the_network_modules(tmp_path: Path) -> None:
    """`xml.sax.saxutils` pulls in `urllib.request`, `http.client` and `ssl`: about 10 ms of every cold render
    for nothing (vsp never fetches anything)."""
    code = (
        "import sys\n"
        "from vsp_cli.cli import main\n"
        "try:\n"
        f"    main(['render', {str(EXAMPLES / 'VI-A-03824-VSP-01.yaml')!r}, '-o', {str(tmp_path)!r}, '-f', 'pdf'])\n"
        "except SystemExit as exc:\n"
        "    print(exc.code)\n"
        "print([m for m in ('urllib.request', 'http.client', 'ssl', 'xml.sax') if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["0", "[]"]


@pytest.mark.parametrize("output", [".", "{folder}", "{parent}"])
def test_render_with_the_statements_folder_as_output_folder_finds_the_statements(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    """`vsp render . -o .` (the outputs beside the statements, named as such): the output folder is left out
    of the search, and with it the folder searched; a clerk was told „Keine *.yaml-Dateien gefunden in: .“"""
    folder = tmp_path / "standpunkte"
    folder.mkdir()
    shutil.copy(EXAMPLES / "beispiel-petition.yaml", folder)
    monkeypatch.chdir(folder)
    target = output.format(folder=folder, parent=tmp_path)
    code, _, err = call(capsys, "render", ".", "-o", target, "-f", "md")
    assert code == 0, err
    assert (Path(target) / "beispiel-petition.md").is_file()
    assert "1 gerendert" in err


def test_an_italic_start_of_the_zusammenfassung_renders_in_a_fresh_process(tmp_path: Path) -> None:
    """The start of the 2019 Zusammenfassung is measured while the form is built, before the italic faces are
    loaded for drawing: with italic text there, a fresh process (no render before it loaded them) ended in an
    internal error (exit 123, KeyError for the oblique face)."""
    statement = tmp_path / "kursiv.yaml"
    statement.write_text(
        "formular: 2019\n"
        "nummer: VII-A-00261-VSP-01\n"
        "betreff: Kursiv am Anfang\n"
        "eingereicht_von: Dezernat Umwelt\n"
        "beratungsfolge:\n  - gremium: Ratsversammlung\n    termin: 2019-04-18\n"
        "empfehlung: zustimmung\n"
        "anlass: stadtratsbeschluss\n"
        "zusammenfassung: Ein *kursiver* und ein ***fett kursiver*** Satz zu Beginn.\n"
        "sachverhalt: Text.\n",
        encoding="utf-8",
    )
    result = run("render", str(statement), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "kursiv.pdf").read_bytes().startswith(b"%PDF")
