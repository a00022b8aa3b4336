"""Form files as input: each case folder under tests/cases/formulare holds form files and the diagnostics a
statement on them must get (`erwartet.expect`: `FILE LINE:COL SEVERITY CODE MESSAGE`, paths relative to the
case folder). A case without `s.yaml` gets a small statement naming `formular.toml`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import CASES, ROOT
from conftest import call_captured as call
from vsp_cli import forms
from vsp_cli.forms import FormSources
from vsp_cli.validation import check_file

FORM_CASES = sorted(p for p in (CASES / "formulare").iterdir() if p.is_dir())
STATEMENT = """formular: formular.toml
nummer: VI-A-03824-VSP-01
eingereicht_von: Dezernat Allgemeine Verwaltung
betreff: Werkstattgespräche
beratungsfolge:
  - gremium: Ratsversammlung
empfehlung: ablehnung
begruendung: Die Verwaltung lehnt ab.
"""


def diagnostics(case: Path, tmp_path: Path, sources: FormSources | None = None) -> list[str]:
    """The case's diagnostics as `FILE LINE:COL SEVERITY CODE MESSAGE` lines, relative to its folder."""
    folder = tmp_path / "projekt" / "standpunkte"
    shutil.copytree(case, folder)
    statement = folder / "s.yaml"
    if not statement.exists():
        statement.write_text(STATEMENT, encoding="utf-8")
    result = check_file(statement, forms=sources)
    lines = []
    for d in result.diagnostics:
        file = os.path.relpath(d.file, folder) if os.path.isabs(d.file) else d.file
        message = d.message.replace(f"{folder}{os.sep}", "").replace(str(folder), ".")
        lines.append(f"{file} {d.line}:{d.column} {d.severity.value} {d.code} {message}")
    return lines


@pytest.mark.parametrize("case", FORM_CASES, ids=lambda p: p.name)
def test_form_file_case(case: Path, tmp_path: Path) -> None:
    expect = case / "erwartet.expect"
    found = diagnostics(case, tmp_path)
    if os.environ.get("VSP_UPDATE_GOLDEN") == "1":
        expect.write_text("\n".join(found) + "\n", encoding="utf-8")
    assert found == expect.read_text(encoding="utf-8").splitlines()
    assert found[-1].startswith(
        "s.yaml 1:11 fehler form-invalid "
    )  # and one error at the statement's formular


def test_every_form_problem_has_a_case() -> None:
    codes = {
        line.split()[3] for case in FORM_CASES for line in (case / "erwartet.expect").read_text().splitlines()
    }
    assert {
        "toml-syntax",
        "unknown-key",
        "form-unknown-block",
        "form-duplicate-block",
        "form-missing-block",
        "form-inheritance",
        "form-file",
        "unprintable-character",
        "label-placeholder",
        "form-schema",
        "form-invalid",
    } <= codes


def test_a_form_file_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    case = tmp_path / "fall"
    case.mkdir()
    (case / "formular.toml").write_text(
        "# " + "x" * forms.MAX_FORM_BYTES + '\nschema = 1\nname = "x"\n', encoding="utf-8"
    )
    [inside, at_statement] = diagnostics(case, tmp_path / "lauf")
    assert inside.startswith(
        "formular.toml 1:1 fehler form-file Die Formulardatei ist größer als 262.144 Bytes"
    )
    assert at_statement.startswith("s.yaml 1:11 fehler form-invalid")


def test_a_form_file_is_parsed_once_for_many_statements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vsp_cli.forms import loading

    (tmp_path / "eigenes.toml").write_text('schema = 1\nname = "Eigen"\nerbt = "2019"\n', encoding="utf-8")
    parsed = []
    real = loading.tomllib.loads
    monkeypatch.setattr(loading.tomllib, "loads", lambda text: parsed.append(1) or real(text))
    for n in range(20):
        path = tmp_path / f"s{n}.yaml"
        path.write_text(STATEMENT.replace("formular.toml", "eigenes.toml"), encoding="utf-8")
        assert check_file(path).ok
    assert len(parsed) == 1


def test_an_inherited_part_the_deriving_file_leaves_out_of_reihenfolge_is_no_slip(tmp_path: Path) -> None:
    """A part of a base file that a file deriving from it leaves out of its reihenfolge is not printed, and that
    is no error (formulare.md, Vererbung), even when its name is close to a part it keeps; a table written by
    the file that sets reihenfolge (or a later one) and left out of it is the slip `form-unknown-part` names."""
    (tmp_path / "basis.toml").write_text(
        'schema = 1\nname = "Basis"\nerbt = "2019"\n'
        'reihenfolge = ["kopf", "beschluss", "finanzen", "sachverhalt", "anlage_a", "anlage_b", "schluss"]\n'
        "[teile.anlage_a]\nbloecke = []\n[teile.anlage_b]\nbloecke = []\n",
        encoding="utf-8",
    )
    kept = '["kopf", "beschluss", "finanzen", "sachverhalt", "anlage_a", "schluss"]'
    (tmp_path / "formular.toml").write_text(
        f'schema = 1\nname = "Kind"\nerbt = "basis.toml"\nreihenfolge = {kept}\n', encoding="utf-8"
    )
    statement = tmp_path / "s.yaml"
    statement.write_text(STATEMENT, encoding="utf-8")
    result = check_file(statement)
    assert result.ok, result.diagnostics
    (tmp_path / "formular.toml").write_text(
        f'schema = 1\nname = "Kind"\nerbt = "basis.toml"\nreihenfolge = {kept}\n[teile.anlage_c]\nbloecke = []\n',
        encoding="utf-8",
    )
    found = [(Path(d.file).name, d.code) for d in check_file(statement).diagnostics]
    assert found == [("formular.toml", "form-unknown-part"), ("s.yaml", "form-invalid")]


def test_a_named_form_from_the_configuration(tmp_path: Path) -> None:
    """`formular: NAME` leads to the file `[formulare]` names, relative to the configuration."""
    (tmp_path / "formulare").mkdir()
    (tmp_path / "formulare" / "2021.toml").write_text(
        (Path(__file__).parents[1] / "examples" / "formulare" / "2021.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    (tmp_path / "vsp.toml").write_text(
        '[formulare]\nleipzig-2021 = "formulare/2021.toml"\n', encoding="utf-8"
    )
    folder = tmp_path / "standpunkte"
    folder.mkdir()
    statement = folder / "s.yaml"
    statement.write_text(STATEMENT.replace("formular.toml", "leipzig-2021"), encoding="utf-8")
    from vsp_cli.config import settings_for

    result = check_file(statement, forms=settings_for(statement).render.forms)
    assert result.ok, result.diagnostics
    assert (
        result.statement is not None
        and result.statement.bound_form is not None
        and result.statement.bound_form.name.startswith("Leipzig 2021")
    )
    assert not check_file(statement).ok  # without the configuration the name means nothing


@pytest.mark.parametrize("form_id", forms.BUILTIN_IDS)
def test_vsp_formular_prints_a_form_file_that_reads_back_as_the_same_form(
    form_id: str, tmp_path: Path
) -> None:
    """`vsp formular 2019` gives the effective form, inheritance resolved: a city's copy of it is that form."""
    form = forms.builtin(form_id)
    text = forms.dump(form)
    assert "\nerbt =" not in text
    copy = tmp_path / "kopie.toml"
    copy.write_text(text, encoding="utf-8")
    again = forms.resolve("kopie.toml", FormSources(), tmp_path)
    assert again.data == form.data
    assert [(part, [b.id for b in blocks]) for part, blocks in again.parts] == [
        (part, [b.id for b in blocks]) for part, blocks in form.parts
    ]


def test_a_form_whose_name_holds_a_line_break_is_printed_as_a_form_file_that_reads_back(
    tmp_path: Path,
) -> None:
    """The name went into the first comment line as it was: its line break ended the comment, and what followed
    was read as TOML (here a second `erbt`, which made the copy invalid)."""
    (tmp_path / "f.toml").write_text(
        'schema = 1\nname = "Eigen\\nerbt = 1\\n[seite]"\nerbt = "2019"\n', encoding="utf-8"
    )
    form = forms.resolve("f.toml", FormSources(), tmp_path)
    text = forms.dump(form)
    assert text.startswith("# Formular „Eigen\\x0aerbt = 1\\x0a[seite]“ (f.toml)")
    (tmp_path / "kopie.toml").write_text(text, encoding="utf-8")
    assert forms.resolve("kopie.toml", FormSources(), tmp_path).data == form.data


def test_a_line_break_in_a_label_breaks_the_printed_line_and_is_a_space_in_markdown(tmp_path: Path) -> None:
    import io

    from pypdf import PdfReader

    from vsp_cli import api

    (tmp_path / "eigenes.toml").write_text(
        'schema = 1\nname = "Umbruch"\nerbt = "2014"\n[bloecke.betreff]\nlabel = "Betreff\\n(Kurzfassung)"\n',
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    path.write_text(STATEMENT.replace("formular.toml", "eigenes.toml"), encoding="utf-8")
    statement = api.load(path)
    text = PdfReader(io.BytesIO(api.render_pdf(statement))).pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]  # tagged text: a space ends the label's first line
    assert lines[lines.index("Betreff") + 1] == "(Kurzfassung)"
    assert "**Betreff (Kurzfassung)**\\" in api.render_markdown(statement)


def test_zusatzfelder_of_a_block_the_petition_variant_drops_are_an_error_on_a_petition(
    tmp_path: Path,
) -> None:
    """`[petition] ohne` drops a custom block as it drops a built-in one: its value is a field the form does not
    print (format spec § 5.3), not silently ignored."""
    (tmp_path / "2021.toml").write_text(
        (Path(__file__).parents[1] / "examples" / "formulare" / "2021.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    text = STATEMENT.replace("formular.toml", "2021.toml") + (
        "zusatzfelder:\n  zeithorizont: Bis 2026.\n  steuerrecht: Geprüft.\n"
    )
    path.write_text(text, encoding="utf-8")
    assert check_file(path).ok  # on the antrag variant both blocks are printed
    path.write_text(
        text.replace("nummer: VI-A-03824", "art: petition\nnummer: VI-P-03824").replace(
            "ablehnung", "erledigt"
        ),
        encoding="utf-8",
    )
    [found] = check_file(path).diagnostics
    assert (found.line, found.column, found.code, found.path) == (
        12,
        3,
        "field-not-in-form",
        ("zusatzfelder", "steuerrecht"),
    )
    assert found.message.startswith(
        "„zusatzfelder.steuerrecht“ (Steuerrechtliche Prüfung) gehört nicht zum Formular „2021.toml“"
    )
    assert "in der Fassung für Petitionen" in found.message


def test_a_header_row_of_the_goals_prints_their_markdown_as_one_line_of_plain_text(tmp_path: Path) -> None:
    """`kopfangaben` rows are label and plain value: `strategische_ziele` is Markdown, printed there without its
    markup (emphasis, code, link targets, list marks), in the PDF and in the Markdown."""
    import io

    from pypdf import PdfReader

    from vsp_cli import api

    (tmp_path / "kopf.toml").write_text(
        'schema = 1\nname = "Kopf"\nerbt = "2014"\n[teile.kopf]\n'
        'bloecke = ["gremium", "titel", "status", "kopfangaben", "beratungsfolge", "eingereicht_von", "betreff"]\n'
        "[teile.finanzen]\nbloecke = []\n"
        '[bloecke.kopfangaben]\nzeilen = [{ label = "Ziele", feld = "strategische_ziele" }]\n',
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    path.write_text(
        STATEMENT.replace("formular.toml", "kopf.toml")
        + "strategische_ziele: |\n  **Leipzig** wächst _nachhaltig_ ([INSEK](https://x.de))\n\n"
        "  - `Ziel` A\n  - Ziel B\n",
        encoding="utf-8",
    )
    statement = api.load(path)
    plain = "Leipzig wächst nachhaltig (INSEK); Ziel A; Ziel B"
    text = PdfReader(io.BytesIO(api.render_pdf(statement))).pages[0].extract_text()
    assert f"Ziele {plain}" in text.replace("\n", " ")
    assert f"**Ziele** {plain}" in api.render_markdown(statement)


def test_an_auswahl_with_mehrfach_takes_a_list_of_at_least_one_option_each_once(tmp_path: Path) -> None:
    (tmp_path / "wahl.toml").write_text(
        'schema = 1\nname = "Wahl"\nerbt = "2014"\n[teile.schluss]\nbloecke = ["anlagen", "wahl"]\n'
        '[bloecke.wahl]\ntyp = "auswahl"\nlabel = "Wahl"\nmehrfach = true\n'
        'optionen = [{ id = "a", label = "A" }, { id = "b", label = "B" }]\n',
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"

    def found(value: str) -> list[tuple[int, int, str]]:
        path.write_text(
            STATEMENT.replace("formular.toml", "wahl.toml") + f"zusatzfelder:\n  wahl: {value}\n",
            encoding="utf-8",
        )
        return [(d.line, d.column, d.code) for d in check_file(path).diagnostics]

    assert found("[a, b]") == []
    assert found("[]") == [(10, 9, "empty-list")]
    assert found("[b, a, b]") == [(10, 16, "duplicate-option")]
    assert found("[a, x, x]") == [(10, 13, "invalid-choice"), (10, 16, "invalid-choice")]


@pytest.mark.parametrize(
    ("value", "code"),
    [('""', "empty-value"), ('"  "', "empty-value"), ("12", "expected-text"), ("[a]", "expected-text")],
)
def test_an_empty_text_of_a_custom_block_is_an_empty_value(tmp_path: Path, value: str, code: str) -> None:
    """`""` is empty, as for every other text field (`empty-value`), not a value of the wrong kind."""
    (tmp_path / "text.toml").write_text(
        'schema = 1\nname = "Text"\nerbt = "2014"\n[teile.schluss]\nbloecke = ["anlagen", "frist", "ort"]\n'
        '[bloecke.frist]\ntyp = "text"\nlabel = "Frist"\n[bloecke.ort]\ntyp = "angabe"\nlabel = "Ort:"\n',
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    path.write_text(
        STATEMENT.replace("formular.toml", "text.toml")
        + f"zusatzfelder:\n  frist: {value}\n  ort: {value}\n",
        encoding="utf-8",
    )
    found = [(d.line, d.column, d.code) for d in check_file(path).diagnostics]
    assert found == [(10, 10, code), (11, 8, code)]


def test_a_field_of_another_built_in_form_is_named_so_only_on_a_built_in_form(tmp_path: Path) -> None:
    """„es gehört zu Formular 2014“ tells a clerk which built-in form to choose; on a city's form file the way
    out is that file, so the hint is left out."""
    (tmp_path / "eigen.toml").write_text('schema = 1\nname = "Eigen"\nerbt = "2019"\n', encoding="utf-8")
    path = tmp_path / "s.yaml"
    for form, hint in (("eigen.toml", False), ("2019", True)):
        path.write_text(STATEMENT.replace("formular.toml", form) + "hinweis: Finanzielle Auswirkungen\n")
        [found] = check_file(path).diagnostics
        assert found.code == "field-not-in-form"
        assert ("es gehört zu Formular 2014" in found.message) is hint, found.message


def test_a_sessions_result_and_meeting_print_after_its_date_set_apart_by_a_comma(tmp_path: Path) -> None:
    """`ergebnisse` prints „20.05.2020 vertagt“ (spec § 1.3); with `sitzungsnamen` too, the meeting's name follows
    the result after a comma, so that the two do not run together."""
    from vsp_cli import api

    (tmp_path / "sitzungen.toml").write_text(
        'schema = 1\nname = "S"\nerbt = "2019"\n[bloecke.beratungsfolge]\nergebnisse = true\nsitzungsnamen = true\n',
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    path.write_text(
        STATEMENT.replace("formular.toml", "sitzungen.toml").replace(
            "  - gremium: Ratsversammlung\n",
            "  - gremium: Ratsversammlung\n    sitzungen:\n"
            "      - {termin: 2020-05-20, ergebnis: vertagt, sitzung: FA Umwelt - Videokonferenz}\n"
            "      - {termin: 2020-06-17, ergebnis: zur Kenntnis genommen}\n"
            "      - {termin: 2020-06-18, sitzung: Ratsversammlung}\n",
        ),
        encoding="utf-8",
    )
    markdown = api.render_markdown(api.load(path))
    assert (
        "| Ratsversammlung | 20.05.2020 vertagt, FA Umwelt - Videokonferenz; 17.06.2020 zur Kenntnis genommen; "
        "18.06.2020 Ratsversammlung | |"
    ) in markdown


def test_a_line_break_in_any_label_breaks_the_printed_line(tmp_path: Path) -> None:
    """Spec § 5.2: `\\n` in a label breaks the line, wherever the label is printed: title, status, label/value
    rows, the legal box, options, Hinweis, Anlass; each label's second line starts a line of its own."""
    import shutil
    import subprocess

    from vsp_cli import api

    (tmp_path / "umbruch.toml").write_text(
        """schema = 1
name = "Umbrüche"
erbt = "2019"
[titel]
antrag = "Verwaltungsstandpunkt\\nNr. {nummer}"
[bloecke.status]
label = "Status\\ndes Standpunkts:"
[bloecke.raeumlicher_bezug]
label = "Räumlicher\\nBezug:"
[bloecke.rechtliche_konsequenzen]
satz = "Der gemäß Ursprungsantrag\\ngefasste Beschluss wäre"
[bloecke.zusammenfassung]
anlass_label = "Anlass\\nder Vorlage:"
""",
        encoding="utf-8",
    )
    source = (ROOT / "examples" / "VII-A-00261-VSP-01.yaml").read_text(encoding="utf-8")
    path = tmp_path / "VII-A-00261-VSP-01.yaml"
    path.write_text(source.replace("formular: 2019", "formular: umbruch.toml"), encoding="utf-8")

    def printed_lines(data: bytes) -> list[str]:
        pdf = tmp_path / "s.pdf"
        pdf.write_bytes(data)
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
            ).stdout
        else:  # without poppler: pypdf, which keeps the lines too
            import io

            from pypdf import PdfReader

            text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        return [" ".join(line.split()) for line in text.splitlines()]

    lines = printed_lines(api.render_pdf(api.load(path)))
    for first, second in [
        ("Verwaltungsstandpunkt", "Nr. VII-A-00261-VSP-01"),
        ("Status", "des Standpunkts: öffentlich"),
        ("Der gemäß Ursprungsantrag", "gefasste Beschluss wäre"),
        ("Anlass", "der Vorlage:"),
    ]:
        at = next((i for i, line in enumerate(lines) if line == first), None)
        assert at is not None and lines[at + 1] == second, (first, lines)
    assert any(line.startswith("Räumlicher stadtweit") for line in lines)  # label cell beside its value
    assert any(line == "Bezug:" for line in lines)
    (tmp_path / "hinweis.toml").write_text(
        'schema = 1\nname = "Hinweis"\nerbt = "2014"\n[bloecke.hinweis]\nlabel = "Hinweis\\nzum Ziel:"\n',
        encoding="utf-8",
    )
    path.write_text(
        STATEMENT.replace("formular.toml", "hinweis.toml") + "hinweis: Klimaschutz\n", encoding="utf-8"
    )
    lines = printed_lines(api.render_pdf(api.load(path)))
    assert lines[lines.index("Hinweis") + 1] == "zum Ziel: Klimaschutz"


def test_a_legal_box_set_after_the_grid_keeps_its_own_outline(tmp_path: Path) -> None:
    """A form file may place the legal box after the recommendation grid; both are set in one table. The grid's
    rules (outline, inner lines) end at its last row: the legal box below has its outline only, as it has
    where it stands first."""
    from reportlab.platypus.tables import Table

    from vsp_cli import api
    from vsp_cli.document import layout
    from vsp_cli.pdf.form import FormBuilder
    from vsp_cli.pdf.styles import build_styles
    from vsp_cli.settings import RenderSettings

    (tmp_path / "umgestellt.toml").write_text(
        'schema = 1\nname = "Umgestellt"\nerbt = "2014"\n[teile.beschluss]\n'
        'bloecke = ["empfehlung", "rechtliche_konsequenzen", "beschlussvorschlag"]\n',
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    path.write_text(STATEMENT.replace("formular.toml", "umgestellt.toml"), encoding="utf-8")
    settings = RenderSettings()
    flowables = FormBuilder(layout(api.load(path), settings), settings, build_styles(False)).build(False)
    [table] = [
        f for f in flowables if isinstance(f, Table) and "Rechtliche Konsequenzen" in str(f._cellvalues)
    ]
    rows = [" ".join(map(str, row)) for row in table._cellvalues]
    legal = next(r for r, text in enumerate(rows) if "Rechtliche Konsequenzen" in text)
    assert "Sachstandsbericht" in rows[legal - 2]  # the grid, a gap, then the legal box
    for op, (_, start), (_, end), *_ in table._linecmds:
        start, end = (r % len(rows) for r in (start, end))
        if start < legal:  # a rule of the grid
            assert end < legal, (op, start, end)


def test_results_printed_after_the_dates_widen_the_termin_column(tmp_path: Path) -> None:
    """With `ergebnisse = true` a result follows its date („20.05.2020 zur Kenntnis genommen“, spec § 1.3): the
    Termin column grows so that a date and a known result stay on one line, not a word per line in the column
    made for a bare date."""
    import io

    from pypdf import PdfReader

    from vsp_cli import api

    (tmp_path / "ergebnisse.toml").write_text(
        'schema = 1\nname = "E"\nerbt = "2014"\n[bloecke.beratungsfolge]\nergebnisse = true\n',
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    path.write_text(
        STATEMENT.replace("formular.toml", "ergebnisse.toml").replace(
            "  - gremium: Ratsversammlung\n",
            "  - gremium: Dienstberatung des Oberbürgermeisters\n    zustaendigkeit: Bestätigung\n"
            "  - gremium: Ratsversammlung\n    zustaendigkeit: Beschlussfassung\n    sitzungen:\n"
            "      - {termin: 2020-05-20, ergebnis: vertagt}\n"
            "      - {termin: 2020-06-17, ergebnis: zur Kenntnis genommen}\n"
            "      - {termin: 2020-06-24, ergebnis: ungeändert beschlossen}\n",
        ),
        encoding="utf-8",
    )
    text = PdfReader(io.BytesIO(api.render_pdf(api.load(path)))).pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    for printed in (
        "20.05.2020 vertagt",
        "17.06.2020 zur Kenntnis genommen",
        "24.06.2020 ungeändert beschlossen",
    ):
        assert printed in lines
    assert "Dienstberatung des Oberbürgermeisters" in lines  # the Gremium column keeps room for its names


def test_a_page_counter_label_of_the_configuration_adds_no_counter_to_a_form_without_one(
    tmp_path: Path,
) -> None:
    """`[labels] seite` relabels the counter a form prints; on a form file with `zaehler = ""` (none) it is a key
    the form does not print, ignored there (spec § 5.1), not a counter of its own."""
    import io

    from pypdf import PdfReader

    from vsp_cli import api
    from vsp_cli.labels import Labels
    from vsp_cli.settings import RenderSettings

    (tmp_path / "ohne.toml").write_text(
        'schema = 1\nname = "Ohne Zähler"\nerbt = "2014"\n[seite]\nzaehler = ""\n', encoding="utf-8"
    )
    path = tmp_path / "s.yaml"
    path.write_text(STATEMENT.replace("formular.toml", "ohne.toml"), encoding="utf-8")
    settings = RenderSettings(labels=Labels({"seite": "Blatt {seite} von {seiten}"}))
    text = PdfReader(io.BytesIO(api.render_pdf(api.load(path), settings))).pages[0].extract_text()
    assert "Blatt" not in text and "1/1" not in text
    path.write_text(STATEMENT.replace("formular.toml", "2017"), encoding="utf-8")
    text = PdfReader(io.BytesIO(api.render_pdf(api.load(path), settings))).pages[0].extract_text()
    assert "Blatt 1 von 3" in text  # a form with a counter takes the label


def test_a_label_a_form_file_sets_empty_prints_nothing_in_either_output(tmp_path: Path) -> None:
    """A city may blank a label („label = \\"\\"“, a value printed without its caption): the value is printed
    alone, with no empty bold marks or heading in the Markdown and no empty bookmark in the PDF's outline."""
    import io

    from pypdf import PdfReader

    from vsp_cli import api

    (tmp_path / "leer.toml").write_text(
        'schema = 1\nname = "Ohne Beschriftungen"\nerbt = "2019"\n'
        + "".join(
            f'[bloecke.{b}]\nlabel = ""\n' for b in ("status", "betreff", "sachverhalt", "raeumlicher_bezug")
        )
        + '[bloecke.zusammenfassung]\nlabel = ""\nanlass_label = ""\n'
        + '[bloecke.stellenplan.labels]\ntitel = ""\n',
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    path.write_text(
        STATEMENT.replace("formular.toml", "leer.toml")
        + "sachverhalt: Der Sachverhalt.\nraeumlicher_bezug: stadtweit\n",
        encoding="utf-8",
    )
    statement = api.load(path)
    markdown = api.render_markdown(statement)
    assert "****" not in markdown
    assert not [line for line in markdown.splitlines() if line.strip("#* \\") == "" and line]
    for value in ("öffentlich", "**Werkstattgespräche**", "stadtweit", "Der Sachverhalt."):
        assert f"\n{value}\n" in markdown
    reader = PdfReader(io.BytesIO(api.render_pdf(statement)))
    assert all(item.title for item in reader.outline)
    assert "Der Sachverhalt." in reader.pages[-1].extract_text()


def test_a_finance_table_breaks_over_pages_between_its_groups_only(tmp_path: Path) -> None:
    """Where a form file lets the finance block follow the text on the same page, its tables may meet a page
    end: they break between two groups, each group whole on one page with the table's header above it once.
    ReportLab split a group's label („Zu Lasten“ | „anderer OE“) over two pages, and split a continuation
    again on the same page (the header twice on a page, the rest of a group lost from the text)."""
    import io

    from pypdf import PdfReader

    from vsp_cli import api

    (tmp_path / "fliessend.toml").write_text(
        'schema = 1\nname = "Fließend"\nerbt = "2017"\n[teile.finanzen]\nneue_seite = false\n'
        "[teile.sachverhalt]\nneue_seite = false\n",
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    paragraph = "Absatz mit einigen Worten zur Begründung dieser Sache. " * 3
    labels = (
        "Ergebnishaushalt",
        "Finanzhaushalt",
        "Zu Lasten anderer OE",
        "Nach Durchführung der Maßnahme zu erwarten",
        "Ergeb. HH Aufwand aus jährl. Abschreibungen",
    )
    for paragraphs in range(30):  # the tables meet the page end at several places on the way
        text = "\n\n".join([paragraph] * paragraphs) or "Kurz."
        path.write_text(
            STATEMENT.replace("formular.toml", "fliessend.toml")
            + "strategische_ziele: false\nbeschlussvorschlag: |\n"
            + "".join(f"  {line}\n" for line in text.splitlines()),
            encoding="utf-8",
        )
        pdf = PdfReader(io.BytesIO(api.render_pdf(api.load(path))))
        texts = [" ".join(page.extract_text().split()) for page in pdf.pages]
        for caption in ("Im Haushalt wirksam", "Folgekosten Einsparungen wirksam"):
            assert all(text.count(caption) <= 1 for text in texts), (paragraphs, caption)
        for label in labels:
            assert any(label in text for text in texts), (paragraphs, label)


def test_the_not_relevant_label_of_the_goals_is_plain_text_in_the_markdown(tmp_path: Path) -> None:
    """`nicht_relevant` is a label, a plain string like every label (spec § 5.2): printed as written, never read
    as Markdown (a leading „1.“ made it a numbered list, `*…*` emphasis)."""
    from vsp_cli import api

    (tmp_path / "ziele.toml").write_text(
        'schema = 1\nname = "Ziele"\nerbt = "2014"\n[bloecke.strategische_ziele]\n'
        'nicht_relevant = "1. *nicht* relevant"\n',
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    path.write_text(STATEMENT.replace("formular.toml", "ziele.toml"), encoding="utf-8")
    statement = api.load(path)
    assert "\n1\\. \\*nicht\\* relevant\n" in api.render_markdown(statement)


def test_a_table_label_ending_in_a_line_break_prints(tmp_path: Path) -> None:
    """A label of the finance block's questions that ends in `\\n` (an empty last line): the table drawing met an
    empty piece of text and stopped with an internal error (IndexError)."""
    from vsp_cli import api

    (tmp_path / "eigen.toml").write_text(
        'schema = 1\nname = "Eigen"\nerbt = "2019"\n[bloecke.finanzen.labels]\n'
        'auswirkungen = "Finanzielle Auswirkungen\\n"\n',
        encoding="utf-8",
    )
    source = (ROOT / "examples" / "VII-A-00261-VSP-01.yaml").read_text(encoding="utf-8")
    path = tmp_path / "VII-A-00261-VSP-01.yaml"
    path.write_text(source.replace("formular: 2019", "formular: eigen.toml"), encoding="utf-8")
    import io

    from pypdf import PdfReader

    data = api.render_pdf(api.load(path))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Finanzielle Auswirkungen" in text


@pytest.mark.parametrize(
    ("anlass", "warned"),
    [("{sonstiges: Antrag VII-A-01346}", True), ("[stadtratsbeschluss, sonstiges]", False)],
)
def test_a_sonstiges_text_a_form_shows_only_in_a_header_row_is_a_warning(
    tmp_path: Path, anlass: str, warned: bool
) -> None:
    """A `kopfangaben` row of the Anlass prints the ticked labels alone („Sonstiges“, spec § 5.2): on a form
    without the Zusammenfassung block the text after „Sonstiges“ was printed nowhere, without a word."""
    (tmp_path / "kopf.toml").write_text(
        'schema = 1\nname = "Kopf"\nerbt = "2014"\n[teile.kopf]\n'
        'bloecke = ["gremium", "titel", "kopfangaben", "beratungsfolge", "eingereicht_von", "betreff"]\n'
        '[bloecke.kopfangaben]\nzeilen = [{ label = "Vorlageanlass", feld = "anlass" }]\n',
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    path.write_text(STATEMENT.replace("formular.toml", "kopf.toml") + f"anlass: {anlass}\n", encoding="utf-8")
    found = [(d.line, d.column, d.code, d.message) for d in check_file(path).diagnostics]
    expected = (
        9,
        10,  # the key „sonstiges“
        "no-effect",
        "Der Text nach „Sonstiges“ („Antrag VII-A-01346“) wird auf dem Formular „kopf.toml“ (Kopf) nicht gedruckt: "
        "es zeigt den Anlass nur in den Kopfangaben, mit „Sonstiges“ ohne Text; bitte den Text in die "
        "Zusammenfassung oder die Begründung schreiben",
    )
    assert found == ([expected] if warned else [])


def test_a_section_without_label_leaves_the_room_its_text_keeps_as_it_is(tmp_path: Path) -> None:
    """A form file may print no label for a section (`label = ""`); the room the label keeps for the start of
    its text was added to the room the text's own first bold line keeps, which then moved on to the next page
    with two lines of room to spare."""
    from vsp_cli import api
    from vsp_cli.document import layout
    from vsp_cli.pdf.flowables import NeedSpace
    from vsp_cli.pdf.form import FormBuilder
    from vsp_cli.pdf.styles import build_styles
    from vsp_cli.settings import RenderSettings

    (tmp_path / "ohne.toml").write_text(
        'schema = 1\nname = "Ohne"\nerbt = "2014"\n[bloecke.begruendung]\nlabel = ""\n', encoding="utf-8"
    )
    needs = {}
    for form in ("ohne.toml", "2014"):
        path = tmp_path / "s.yaml"
        text = STATEMENT.replace("formular.toml", form).replace(
            "begruendung: Die Verwaltung lehnt ab.",
            "begruendung: |\n  **Kosten**\n\n  " + "Ein Absatz. " * 30,
        )
        path.write_text(text, encoding="utf-8")
        settings = RenderSettings()
        flowables = FormBuilder(layout(api.load(path), settings), settings, build_styles(False)).build(False)
        heading = next(n for n, f in enumerate(flowables) if "Kosten" in str(getattr(f, "text", "")))
        assert isinstance(flowables[heading - 1], NeedSpace)
        needs[form] = flowables[heading - 1].height
    assert needs["ohne.toml"] == needs["2014"], needs


@pytest.mark.parametrize(
    ("reihenfolge", "kopf", "reason"),
    [
        (
            '["kopf", "beschluss", "sachverhalt", "finanzen", "schluss"]',
            "",
            "es druckt den Teil „sachverhalt“ ohnehin vor den finanziellen Auswirkungen",
        ),
        (
            '["kopf", "beschluss", "finanzen", "schluss"]',
            ', "sachverhalt", "begruendung"',
            "es hat keinen Teil „sachverhalt“, den der Schalter verschieben könnte",
        ),
        (
            '["kopf", "beschluss", "sachverhalt", "schluss"]',
            "",
            "es druckt keinen Teil der finanziellen Auswirkungen",
        ),
    ],
)
def test_sachverhalt_zuerst_without_effect_on_a_form_file_is_a_warning(
    tmp_path: Path, reihenfolge: str, kopf: str, reason: str
) -> None:
    """Spec § 5.3: `sachverhalt_zuerst` is always accepted, „a warning where it has no effect“ (§ 1.2: no effect
    where the part sachverhalt already stands before the part finanzen, or where no finance block is printed)."""
    (tmp_path / "formular.toml").write_text(
        f'schema = 1\nname = "Eigen"\nerbt = "2019"\nreihenfolge = {reihenfolge}\n'
        '[teile.kopf]\nbloecke = ["gremium", "titel", "status", "eingereicht_von", "betreff", "beratungsfolge"'
        f"{kopf}]\n",
        encoding="utf-8",
    )
    statement = tmp_path / "s.yaml"
    statement.write_text(STATEMENT + "sachverhalt_zuerst: true\n", encoding="utf-8")
    found = [
        (d.line, d.column, d.severity.value, d.code, d.message) for d in check_file(statement).diagnostics
    ]
    assert found == [
        (
            9,
            1,
            "warnung",
            "no-effect",
            f"sachverhalt_zuerst hat auf dem Formular „formular.toml“ (Eigen) keine Wirkung: {reason}",
        )
    ]
    statement.write_text(STATEMENT + "sachverhalt_zuerst: false\n", encoding="utf-8")
    assert check_file(statement).diagnostics == []


def test_no_beschlussvorschlag_is_missing_on_a_form_without_the_block(tmp_path: Path) -> None:
    """The warning for an Alternativvorschlag without a beschlussvorschlag (spec § 1.1) asked for a field that a
    form without the block beschlussvorschlag refuses (field-not-in-form, § 5.3): no statement could satisfy
    both, and none passed --strict. On such a form there is nothing to miss; beschlussvorschlag_titel is the
    block's field, so it is field-not-in-form alone, without unused-title beside it."""
    (tmp_path / "formular.toml").write_text(
        'schema = 1\nname = "Ohne Beschlussvorschlag"\nerbt = "2014"\n'
        '[teile.beschluss]\nbloecke = ["rechtliche_konsequenzen", "empfehlung"]\n',
        encoding="utf-8",
    )
    statement = tmp_path / "s.yaml"
    statement.write_text(
        STATEMENT.replace("empfehlung: ablehnung", "empfehlung: alternativvorschlag"), encoding="utf-8"
    )
    result = check_file(statement, strict=True)
    assert result.diagnostics == []
    assert result.ok
    statement.write_text(STATEMENT + "beschlussvorschlag_titel: Beschluss\n", encoding="utf-8")
    assert [d.code for d in check_file(statement).diagnostics] == ["field-not-in-form"]
    # `false` is the field's off value (spec § 1.1: no heading), which every form accepts (§ 5.3)
    statement.write_text(STATEMENT + "beschlussvorschlag_titel: false\n", encoding="utf-8")
    assert check_file(statement, strict=True).diagnostics == []


def test_zusatzfelder_on_a_form_file_that_prints_no_custom_block(tmp_path: Path) -> None:
    """A custom block that no part of reihenfolge lists is not printed (spec § 5.2): zusatzfelder are then
    field-not-in-form, and the message says so, not „zusatzfelder gibt es nur mit einer Formulardatei“ to a
    statement that names a form file."""
    (tmp_path / "formular.toml").write_text(
        'schema = 1\nname = "Eigen"\nerbt = "2014"\n[teile.extra]\nbloecke = ["umsetzung"]\n'
        '[bloecke.umsetzung]\ntyp = "text"\nlabel = "Umsetzung"\n',
        encoding="utf-8",
    )
    statement = tmp_path / "s.yaml"
    statement.write_text(STATEMENT + "zusatzfelder:\n  umsetzung: Bis 2026.\n", encoding="utf-8")
    found = [(d.line, d.column, d.code, d.message) for d in check_file(statement).diagnostics]
    assert found == [
        (
            9,
            1,
            "field-not-in-form",
            "„zusatzfelder“ gehört nicht zum Formular „formular.toml“ (Eigen): es druckt keine eigenen Blöcke; "
            "zusatzfelder füllen nur eigene Blöcke, die ein Teil der reihenfolge aufführt",
        )
    ]


def test_a_single_choice_takes_its_id_alone_or_in_a_list_of_one(tmp_path: Path) -> None:
    """Spec § 5.2: an `auswahl` takes „an id or a list of ids“, `mehrfach` (false) allows several ticks. A list
    of one id is one tick (it was expected-text); two ids without `mehrfach` stay an error."""
    from vsp_cli.markdown import render_markdown

    (tmp_path / "formular.toml").write_text(
        'schema = 1\nname = "Eigen"\nerbt = "2014"\n[teile.schluss]\nbloecke = ["anlagen", "wahl"]\n'
        '[bloecke.wahl]\ntyp = "auswahl"\nlabel = "Wahl:"\n'
        'optionen = [{ id = "ja", label = "Ja" }, { id = "nein", label = "Nein" }]\n',
        encoding="utf-8",
    )
    statement = tmp_path / "s.yaml"
    statement.write_text(STATEMENT + "zusatzfelder:\n  wahl: [nein]\n", encoding="utf-8")
    result = check_file(statement, strict=True)
    assert result.diagnostics == []
    assert result.statement is not None
    assert "☐ Ja ☒ Nein" in render_markdown(result.statement)
    statement.write_text(STATEMENT + "zusatzfelder:\n  wahl: [ja, nein]\n", encoding="utf-8")
    found = [(d.line, d.column, d.code, d.message) for d in check_file(statement).diagnostics]
    assert found == [
        (
            10,
            9,
            "expected-text",
            "„wahl“ (Wahl:) nimmt genau eine Option, hier sind es 2 (mehrere nur mit mehrfach = true im "
            "Formular); erlaubt: ja, nein",
        )
    ]


def test_a_form_file_shown_by_vsp_formular_says_where_the_path_in_erbt_starts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`vsp formular formulare/kette.toml > formulare/eigen.toml` advised `erbt = "formulare/kette.toml"`, a path
    the new file reads from its own folder (formulare/formulare/kette.toml); a built-in form needs no word."""
    (tmp_path / "formulare").mkdir()
    (tmp_path / "formulare" / "kette.toml").write_text('schema = 1\nname = "Kette"\nerbt = "2019"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = call(capsys, "formular", "formulare/kette.toml")
    assert code == 0 and out.split("\nschema = 1\n")[0].endswith(
        "# Der Pfad in erbt gilt vom Ordner der neuen Formulardatei aus."
    )
    code, out, _ = call(capsys, "formular", "2019")
    assert code == 0 and "Der Pfad in erbt" not in out
