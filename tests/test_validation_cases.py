"""Data-driven validation cases: adding a YAML file (and, for invalid ones, its .expect) adds a test.

`tests/cases/valid/*.yaml` must validate with --strict. `tests/cases/invalid/NAME.yaml` must produce exactly
the diagnostics listed in `NAME.expect`, one per line: `LINE:COLUMN SEVERITY CODE MESSAGE` – the German message
is the product, so it is pinned too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_FILES, INVALID_CASES, VALID_CASES
from vsp_cli.diagnostics import Severity
from vsp_cli.limits import MAX_TABLE_TEXT
from vsp_cli.validation import check_file


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


@pytest.mark.parametrize("path", VALID_CASES, ids=_ids(VALID_CASES))
def test_valid_case(path: Path) -> None:
    result = check_file(path, strict=True)
    assert result.diagnostics == []
    assert result.statement is not None


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=_ids(EXAMPLE_FILES))
def test_example_validates(path: Path) -> None:
    result = check_file(path, strict=True)
    assert result.diagnostics == [], result.diagnostics
    assert result.ok


def _expected(path: Path) -> list[tuple[int, int, str, str, str]]:
    expect = path.with_suffix(".expect")
    assert expect.is_file(), f"{expect.name} fehlt neben {path.name}"
    rows = []
    for line in expect.read_text(encoding="utf-8").splitlines():
        if line.strip():
            position, severity, code, message = line.split(" ", 3)
            row, column = position.split(":")
            rows.append((int(row), int(column), severity, code, message))
    return rows


def statement_file(tmp_path: Path, text: str) -> Path:
    """A statement file with `text` in the test's folder."""
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", INVALID_CASES, ids=_ids(INVALID_CASES))
def test_invalid_case(path: Path) -> None:
    result = check_file(path)
    found = [(d.line, d.column, d.severity.value, d.code, d.message) for d in result.diagnostics]
    assert found == _expected(path)
    for d in result.diagnostics:
        assert d.file == str(path)
        assert d.message
        assert (
            "Input should" not in d.message and "Field required" not in d.message
        )  # never pydantic's English
    has_error = any(d.severity is Severity.ERROR for d in result.diagnostics)
    assert result.ok is not has_error
    # --strict turns every warning into an error, so no case with a diagnostic passes strict validation
    assert not check_file(path, strict=True).ok


def test_every_rule_has_a_case() -> None:
    """Each diagnostic code the validator can emit is exercised by at least one invalid case."""
    codes = {row[3] for path in INVALID_CASES for row in _expected(path)}
    required = {
        "unknown-key",
        "missing-key",
        "invalid-nummer",
        "invalid-choice",
        "option-not-in-form",
        "legal-box-on-petition",
        "duplicate-option",
        "dates-backwards",
        "missing-beschlussvorschlag",
        "unknown-zustaendigkeit",
        "missing-begruendung",
        "impossible-date",
        "invalid-date",
        "expected-bool",
        "expected-text",
        "expected-list",
        "expected-mapping",
        "empty-value",
        "empty-list",
        "duplicate-key",
        "yaml-syntax",
        "yaml-tag",
        "yaml-merge",
        "multiple-documents",
        "empty-file",
        "not-utf8",
        "nul-byte",
        "too-many-nodes",
        "too-much-text",
        "unprintable-character",
        "control-character",
        "folded-markdown",
        "continued-point",
        "unused-title",
    }
    assert required <= codes, required - codes


def test_the_markdown_limits_count_every_markdown_field_together() -> None:
    import yaml

    from vsp_cli import rules
    from vsp_cli.forms import builtin
    from vsp_cli.model import MARKDOWN_FIELDS, Statement

    assert MARKDOWN_FIELDS == (
        "strategische_ziele",
        "beschlussvorschlag",
        "zusammenfassung",
        "sachverhalt",
        "begruendung",
    )
    data = yaml.safe_load(
        (Path(__file__).parent / "cases" / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    )
    half = rules.MAX_MARKUP // 2
    data |= {"sachverhalt": "`x` " * (half // 2), "begruendung": "~~x~~ " * (half // 4)}

    def codes(**changes: str) -> list[str]:
        return [f.code for f in rules.check(Statement.model_validate(data | changes), builtin("2014"))]

    assert "too-much-markup" not in codes()  # exactly MAX_MARKUP
    assert [
        f.path
        for f in rules.check(Statement.model_validate(data | {"strategische_ziele": "[x]"}), builtin("2014"))
    ] == [
        ("begruendung",)
    ]  # one more, counted from the first field on, reported where the sum passes the limit
    lines = {  # with strategische_ziele ("nicht relevant", one line): exactly MAX_MARKDOWN_LINES
        "sachverhalt": "a\n" * 4999 + "a",
        "begruendung": "b\n" * (rules.MAX_MARKDOWN_LINES - 5000 - 2) + "b",
    }
    assert "too-many-lines" not in codes(**lines)
    assert codes(**lines, strategische_ziele="nicht\nrelevant") == ["too-many-lines"]
    # each Anlage is a paragraph of the PDF: 19,000 of them (within MAX_NODES) took 11 s to set
    anlagen = {"anlagen": [f"Anlage {i}" for i in range(rules.MAX_MARKDOWN_LINES + 1)]}
    found = rules.check(Statement.model_validate(data | anlagen), builtin("2014"))
    assert [(f.code, f.path) for f in found] == [("too-many-lines", ("anlagen",))]
    anlagen["anlagen"] = anlagen["anlagen"][: rules.MAX_MARKDOWN_LINES - 7000]
    # with begruendung and strategische_ziele (a line each): exactly MAX_MARKDOWN_LINES, then one more
    assert "too-many-lines" not in codes(**anlagen, sachverhalt="a\n" * 6997 + "a")
    assert codes(**anlagen, sachverhalt="a\n" * 6998 + "a") == ["too-many-lines"]
    # the lines of Anlagen written over several lines count, however short the other fields
    short = data | {"sachverhalt": "a", "begruendung": "b", "anlagen": ["x\n" * 6000 + "x"] * 2}
    found = rules.check(Statement.model_validate(short), builtin("2014"))
    assert [(f.code, f.path) for f in found] == [("too-many-lines", ("anlagen",))]
    columns = rules.MAX_MARKUP // 2  # header and delimiter row: one more pipe than MAX_MARKUP
    table = "|a" * columns + "|\n" + "|-" * columns + "|\n"
    assert codes(sachverhalt="a", begruendung=table) == ["too-much-markup"]  # a table's cells count too
    nested = ("- " * 10 + "x\n") * (rules.MAX_MARKUP // 10 + 1)  # ten lists opened on each line
    assert codes(sachverhalt="a", begruendung=nested) == ["too-much-markup"]  # leading list markers count too
    assert "too-much-markup" not in codes(sachverhalt="a", begruendung="- x\n" * (rules.MAX_MARKUP // 2))


@pytest.mark.parametrize(
    ("art", "typo", "suggestion", "offered", "not_offered"),
    [
        ("antrag", "ablehung", "ablehnung", "sachstandsbericht", "erledigt"),
        ("petition", "erledgt", "erledigt", "beruecksichtigung", "sachstandsbericht"),
        ("gibt-es-nicht", "zustimung", "zustimmung", "zustimmung_mit_ergaenzung", "zustimmung_und_abhilfe"),
    ],
)
def test_an_unknown_option_is_answered_with_the_forms_options(
    tmp_path: Path, art: str, typo: str, suggestion: str, offered: str, not_offered: str
) -> None:
    """The suggestion and the list of allowed ids come from the statement's form (antrag if `art` is unclear)."""
    path = statement_file(
        tmp_path,
        f"nummer: VI-A-03824-VSP-01\nart: {art}\nbetreff: x\neingereicht_von: y\n"
        f"beratungsfolge: [{{gremium: z}}]\nempfehlung: {typo}\nbegruendung: b\n",
    )
    [choice] = [d for d in check_file(path).diagnostics if d.path[:1] == ("empfehlung",)]
    assert choice.code == "invalid-choice"
    assert f"Meinten Sie „{suggestion}“?" in choice.message
    allowed = choice.message.split("Erlaubt: ")[1].split(", ")
    assert offered in allowed and not_offered not in allowed


@pytest.mark.parametrize(
    ("char", "reason"),
    [
        ("😀", "ein Emoji"),
        ("\u2705", "ein Emoji"),
        ("\u0007", "Steuer- oder unsichtbares Formatzeichen"),
        ("\u202e", "Steuer- oder unsichtbares Formatzeichen"),
        ("\u2028", "Steuer- oder unsichtbares Formatzeichen"),
        ("ש", "von rechts nach links"),
        ("\x07", "U+0007 (Steuerzeichen)"),
        ("中", "fehlt in der Schrift"),
    ],
)
def test_an_unprintable_character_is_refused_with_its_reason(tmp_path: Path, char: str, reason: str) -> None:
    path = tmp_path / "s.yaml"
    escaped = char.encode("unicode_escape").decode("ascii") if not char.isprintable() else char
    path.write_text(
        "nummer: VI-A-03824-VSP-01\n"
        f'betreff: "a{escaped}b"\neingereicht_von: y\nberatungsfolge: [{{gremium: z}}]\nempfehlung: ablehnung\n'
        "begruendung: b\n",
        encoding="utf-8",
    )
    [found] = check_file(path).diagnostics
    assert found.code == "unprintable-character" and (found.line, found.column) == (2, 12)
    assert reason in found.message


def test_an_empty_list_entry_is_named_by_its_list_and_place(tmp_path: Path) -> None:
    path = statement_file(
        tmp_path,
        'nummer: VI-A-03824-VSP-01\nbetreff: x\neingereicht_von: ["A", ""]\nberatungsfolge: [{gremium: z}]\n'
        'empfehlung: ablehnung\nbegruendung: b\nanlagen: ["x", " "]\n',
    )
    assert [(d.line, d.message) for d in check_file(path).diagnostics] == [
        (3, "„eingereicht_von“ (Eintrag 2) darf nicht leer sein"),
        (7, "„anlagen“ (Eintrag 2) darf nicht leer sein"),
    ]


def test_a_no_break_space_in_the_indentation_is_named(tmp_path: Path) -> None:
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\nbetreff: x\neingereicht_von: y\nberatungsfolge:\n\u00a0 - gremium: z\n"
        "empfehlung: ablehnung\nbegruendung: b\n",
    )
    found = [d for d in check_file(path).diagnostics if d.code == "unknown-key"]
    assert [(d.line, d.column) for d in found] == [(5, 1)]
    assert "U+00A0 (NO-BREAK SPACE)" in found[0].message and "Meinten Sie" not in found[0].message


def test_problems_in_a_single_value_of_a_list_field_are_located_as_written(tmp_path: Path) -> None:
    """`empfehlung: {option: …}` and `eingereicht_von: x` are entry 0 of a list for the model, not in the file."""
    path = statement_file(
        tmp_path,
        'nummer: VI-A-03824-VSP-01\neingereicht_von: "   "\nbetreff: x\nberatungsfolge: [{gremium: z}]\n'
        "empfehlung:\n  option: erledig\n  punkte: 3\n  punkt: zu 1.\nbegruendung: b\n",
    )
    found = [(d.line, d.column, d.code, d.path) for d in check_file(path).diagnostics]
    assert found == [
        (2, 18, "empty-value", ("eingereicht_von",)),
        (6, 11, "invalid-choice", ("empfehlung", "option")),
        (7, 11, "expected-text", ("empfehlung", "punkte")),
        (8, 3, "unknown-key", ("empfehlung", "punkt")),
    ]
    assert check_file(path).diagnostics[0].message == "„eingereicht_von“ darf nicht leer sein"


def test_a_legal_box_on_a_petition_points_at_the_key_to_remove(tmp_path: Path) -> None:
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\nart: petition\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        "empfehlung: erledigt\nbegruendung: b\nrechtliche_konsequenzen:\n  rechtswidrig: true\n",
    )
    [found] = check_file(path).diagnostics
    assert (found.line, found.column, found.code) == (8, 1, "legal-box-on-petition")


@pytest.mark.parametrize(
    ("title", "found"),
    [('"Beschluss:"', ["unused-title"]), ("null", ["unused-title"]), ("false", []), ('""', ["empty-value"])],
)
def test_a_title_without_beschlussvorschlag_is_only_a_warning_where_it_would_print(
    tmp_path: Path, title: str, found: list[str]
) -> None:
    """`false` removes the heading: without a beschlussvorschlag it says what leaving it out says."""
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        f"empfehlung: ablehnung\nbegruendung: b\nbeschlussvorschlag_titel: {title}\n",
    )
    assert [d.code for d in check_file(path).diagnostics] == found


def test_wrong_kinds_of_value_are_described_in_words(tmp_path: Path) -> None:
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge:\n"
        "  - {gremium: a, termin: true}\n  - {gremium: b, termin: [a]}\n  - {gremium: c, termin: {a: 1}}\n"
        "empfehlung: ablehnung\nbegruendung: b\nrechtliche_konsequenzen: False\n",
    )
    messages = [d.message for d in check_file(path).diagnostics]
    assert [m.partition("gefunden: ")[2] for m in messages] == [
        "den Wahrheitswert true",
        "eine Liste; mehrere Sitzungen einer Beratung stehen in der Liste sitzungen statt termin: "
        "sitzungen: [2020-05-20, 2020-06-10]",  # an example: „a“ is no date for the list
        "eine Zuordnung",
        "„False“; bitte klein schreiben: false",
    ]


def test_messages_show_what_was_written_and_how_to_fix_it(tmp_path: Path) -> None:
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        "empfehlung:\n  - option: ablehnung\n    punkte: 2.\nbegruendung: b\nanlagen:\n  - Anlage 1: Lageplan\n",
    )
    assert [d.message for d in check_file(path).diagnostics] == [
        "Text erwartet, gefunden: die Zahl 2.; Zahlen und true/false als Text bitte in Anführungszeichen setzen",
        "Text erwartet, gefunden: eine Zuordnung; ein „: “ im Text macht daraus „Schlüssel: Wert“, bitte den "
        "Text in Anführungszeichen setzen",
    ]
    path.write_text("nummer: VI-A-03824-VSP-01\nbetreff: „Werkstatt: Gespräche“\n", encoding="utf-8")
    [found] = check_file(path).diagnostics
    assert found.code == "yaml-syntax" and "„…“ sind für YAML gewöhnliche Zeichen" in found.message


def test_a_line_indented_into_a_code_block_is_a_warning_and_a_fenced_block_is_not(tmp_path: Path) -> None:
    """A paragraph pasted four spaces deeper than the text is an indented code block for Markdown, printed grey
    and small; `vsp validate` said nothing. A fenced block is written on purpose."""
    head = (
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        "empfehlung: ablehnung\nbegruendung: |\n  Erster Absatz.\n\n"
    )
    path = statement_file(tmp_path, head + "      Eingerückter Absatz.\n\n      Noch einer.\n")
    [found] = check_file(path).diagnostics
    assert (found.line, found.column, found.code) == (9, 7, "indented-code")
    for fine in ("  ```\n      eingerückt im Codeblock\n  ```\n", "  - Punkt\n\n    mit zweitem Absatz\n"):
        assert [d.code for d in check_file(statement_file(tmp_path, head + fine)).diagnostics] == []


@pytest.mark.parametrize(
    ("anlagen", "warned"),
    [
        ("[1. Lageplan, 2. Kostenschätzung]", True),
        ('["Anlage 1: Lageplan", "Anlage 2 – Kostenschätzung"]', True),
        ("[(1) Lageplan]", True),
        ("[Lageplan, Kostenschätzung]", False),
        ("[1 Karte der Standorte]", False),  # one map
        ("[1. Lageplan, 3. Kostenschätzung]", False),
        ("[2. BA Übersicht]", False),  # the second Bauabschnitt
        ("[1. BA Übersicht, 2. BA Übersicht]", False),  # the Bauabschnitte, one attachment each
        ("[1. Änderung des Bebauungsplans Nr. 45]", False),  # the document's own ordinal
        ("[1. Lageplan, 2. Nachtragssatzung]", False),
        ("[1) Lageplan]", True),
    ],
)
def test_attachments_that_number_themselves_warn(tmp_path: Path, anlagen: str, warned: bool) -> None:
    """The form numbers the attachments: „1. Lageplan“ printed „1. 1. Lageplan“."""
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        f"empfehlung: ablehnung\nbegruendung: b\nanlagen: {anlagen}\n",
    )
    found = check_file(path).diagnostics
    assert [(d.line, d.code) for d in found] == ([(7, "numbered-attachment")] if warned else [])


def test_a_missing_form_file_says_where_it_was_looked_for_only_where_that_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """„… gibt es nicht (formulare/x.toml)“ repeated the path as written when run from the statement's folder."""
    (tmp_path / "sub").mkdir()
    statement_file(tmp_path / "sub", "formular: formulare/x.toml\n")
    monkeypatch.chdir(tmp_path / "sub")
    [here] = [d.message for d in check_file(Path("s.yaml")).diagnostics if d.code == "form-file"]
    assert here == "Die Formulardatei „formulare/x.toml“ gibt es nicht"
    monkeypatch.chdir(tmp_path)
    [above] = [d.message for d in check_file(Path("sub/s.yaml")).diagnostics if d.code == "form-file"]
    assert above == "Die Formulardatei „formulare/x.toml“ gibt es nicht (gesucht als sub/formulare/x.toml)"


def test_a_single_attachment_written_as_text_is_told_how_to_write_the_list(tmp_path: Path) -> None:
    """`anlagen: Lageplan` is the one list of texts a clerk writes as one text: the message shows the list."""
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        "empfehlung: ablehnung\nbegruendung: b\nanlagen: Lageplan 2. BA\n",
    )
    [found] = check_file(path).diagnostics
    assert (found.line, found.column, found.code) == (7, 10, "expected-list")
    assert found.message.endswith("„anlagen:“ und darunter eingerückt „- Lageplan 2. BA“")


def test_lettered_points_are_one_warning_however_many(tmp_path: Path) -> None:
    """A warning per line cost a position lookup through the whole text each: 9,000 lines took six minutes."""
    path = tmp_path / "s.yaml"
    lines = "".join("  a) Punkt\n" for _ in range(3000))
    path.write_text(
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        f"empfehlung: ablehnung\nbegruendung: |\n  Text\n{lines}",
        encoding="utf-8",
    )
    [found] = check_file(path).diagnostics
    assert (found.line, found.code) == (
        8,
        "continued-point",
    ) and "ebenso 2.999 weitere Zeilen" in found.message


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("11719000", "11.719.000,00\u00a0€"),
        ("011.719.000,0 EUR", "11.719.000,00\u00a0€"),
        ("-2.500,5", "-2.500,50\u00a0€"),
        ("-0,05 €", "-0,05\u00a0€"),
        ("-0", "0,00\u00a0€"),
        ("-0,00", "0,00\u00a0€"),
        ("-000,0 EUR", "0,00\u00a0€"),
    ],
)
def test_amounts_print_normalised_and_zero_without_a_sign(written: str, printed: str) -> None:
    from vsp_cli.model import format_amount

    assert format_amount(written) == printed


@pytest.mark.parametrize(("length", "refused"), [(50_000, False), (50_001, True)])
@pytest.mark.parametrize("where", ["absatz", "zelle"])
def test_a_paragraph_or_table_cell_may_hold_max_paragraph_characters(
    tmp_path: Path, length: int, refused: bool, where: str
) -> None:
    words = ("Wort " * (length // 5))[: length - 1]
    text = words + "x" * (length - len(words))  # no space at the end, which Markdown would drop
    assert len(text) == length
    field = text if where == "absatz" else f"| Frage |\n  | --- |\n  | {text} |"
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        f"empfehlung: ablehnung\nbegruendung: |\n  Kurz.\n\n  {field}\n",
    )
    assert [d.code for d in check_file(path).diagnostics] == (["too-long-paragraph"] if refused else [])


@pytest.mark.parametrize(("length", "refused"), [(MAX_TABLE_TEXT, False), (MAX_TABLE_TEXT + 1, True)])
def test_the_table_cells_may_hold_max_table_text_characters_together(
    tmp_path: Path, length: int, refused: bool
) -> None:
    """Twenty cells of 50,000 characters in one row (each within MAX_PARAGRAPH) took half a minute to set."""

    def cell(size: int) -> str:  # no space at the end, which Markdown would drop
        return ("Wort " * 10_000)[: size - 1] + "x"

    body = length - len("Frage")  # the header's cell counts too
    cells = [cell(40_000) for _ in range(body // 40_000)]
    cells.append(cell(body - 40_000 * len(cells)))
    assert sum(map(len, cells)) == body
    rows = "".join(f"  | {cell} |\n" for cell in cells)
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        f"empfehlung: ablehnung\nbegruendung: |\n  Kurz.\n\n  | Frage |\n  | --- |\n{rows}",
    )
    assert [d.code for d in check_file(path).diagnostics] == (["too-much-table-text"] if refused else [])


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("18.04.17", "18.04.2017"),
        ("18. April 2017", "18.04.2017"),
        ("1. Dez. 2019", "01.12.2019"),
        ("2017/04/18", "18.04.2017"),
        ("2017-4-8", "08.04.2017"),
        ("31.02.17", None),
        ("nächste Woche", None),
    ],
)
def test_a_date_written_another_common_way_is_offered_corrected(
    tmp_path: Path, written: str, meant: str | None
) -> None:
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\n"
        f'beratungsfolge: [{{gremium: z, termin: "{written}"}}]\nempfehlung: ablehnung\nbegruendung: b\n',
    )
    [found] = check_file(path).diagnostics
    assert found.code == "invalid-date"
    if meant:
        assert found.message.endswith(f"Meinten Sie „{meant}“?")
    else:  # no date offered („nächste Woche“ is told where an open date goes instead)
        assert "Meinten Sie" not in found.message


def test_false_switches_off_exactly_the_fields_the_messages_name() -> None:
    """The hint „false schaltet nur … aus“ names the fields that take `false` as an off value (bool fields aside)."""
    import yaml

    from vsp_cli.model import Statement
    from vsp_cli.validation import FALSE_SWITCHES

    data = yaml.safe_load(
        (Path(__file__).parent / "cases" / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    )
    taking_false = []
    for name, info in Statement.model_fields.items():
        if info.annotation in (bool,) or name == "zusatzfelder":
            continue
        try:
            Statement.model_validate({**data, name: False})
        except ValueError:
            continue
        taking_false.append(name)
    assert sorted(taking_false) == sorted(FALSE_SWITCHES)


@pytest.mark.parametrize(
    "value",
    [
        '["Dezernat Umwelt, Klima, Ordnung und Sport", Dezernat Kultur]',
        "[Dezernat Kultur, Oberbürgermeister, Dezernat Finanzen, Amt für Statistik und Wahlen]",
        "[Dezernat Kultur, Kulturamt, Dezernat Stadtentwicklung und Bau, Verkehrs- und Tiefbauamt]",
        "Dezernat Umwelt, Klima, Ordnung und Sport",
        "\n  - Dezernat Umwelt, Klima, Ordnung und Sport\n  - Dezernat Kultur",
    ],
)
def test_a_list_of_offices_is_no_split_name(tmp_path: Path, value: str) -> None:
    """`split-name` only where entries after a Dezernat in `[…]` name no office of their own."""
    source = (Path(__file__).parent / "cases" / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    lines = [line for line in source.splitlines() if not line.startswith("eingereicht_von:")]
    path = tmp_path / "s.yaml"
    path.write_text("\n".join([*lines, f"eingereicht_von: {value}", ""]), encoding="utf-8")
    result = check_file(path)
    assert result.statement is not None
    assert [d.code for d in result.diagnostics] == []


def test_a_long_run_of_blanks_in_a_termin_is_answered_at_once(tmp_path: Path) -> None:
    """The hint for several dates in one `termin` splits the text in linear time (100,000 blanks took 70 s)."""
    import time

    blanks = " " * 100_000
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\n"
        f'beratungsfolge: [{{gremium: z, termin: "1, {blanks}x"}}]\nempfehlung: ablehnung\nbegruendung: b\n',
    )
    start = time.process_time()
    [found] = check_file(path).diagnostics
    assert found.code == "invalid-date"
    assert time.process_time() - start < 2


@pytest.mark.parametrize(
    ("field", "advice"), [("betreff", "Pflichtfeld"), ("raeumlicher_bezug", "weglassen")]
)
def test_false_on_a_field_it_does_not_switch_off_is_told_what_to_do(
    tmp_path: Path, field: str, advice: str
) -> None:
    """Leaving the key out is the advice only where the field is optional: a required one would be missing."""
    source = (Path(__file__).parent / "cases" / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    lines = [line for line in source.splitlines() if not line.startswith(f"{field}:")]
    path = tmp_path / "s.yaml"
    path.write_text("\n".join([*lines, f"{field}: false", ""]), encoding="utf-8")
    [found] = check_file(path).diagnostics
    assert found.code == "expected-text"
    assert "false schaltet nur" in found.message
    assert found.message.endswith(advice)


@pytest.mark.parametrize(
    ("row", "meant"),
    [
        ("{gremium: FA Umwelt, Klima, Ordnung und Sport}", '"FA Umwelt, Klima, Ordnung und Sport"'),
        ('{gremium: FA "Umwelt", Klima}', r'"FA \"Umwelt\", Klima"'),
        ("{gremium: FA Umwelt,\n      Klima und Ordnung}", '"FA Umwelt, Klima und Ordnung"'),
    ],
)
def test_a_value_cut_by_commas_in_braces_is_offered_whole_and_valid(
    tmp_path: Path, row: str, meant: str
) -> None:
    """Every piece's message quotes the whole value, on one line and escaped, so that the fix parses as meant."""
    import yaml

    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\n"
        f"beratungsfolge:\n  - {row}\nempfehlung: ablehnung\nbegruendung: b\n",
    )
    found = check_file(path).diagnostics
    assert found
    for diagnostic in found:
        assert diagnostic.code == "unknown-key"
        assert diagnostic.message.endswith(f"gremium: {meant}")
    assert "\n" not in yaml.safe_load(f"gremium: {meant}")["gremium"]


def test_a_flow_mapping_of_many_bare_keys_is_answered_at_once(tmp_path: Path) -> None:
    """Thousands of bare keys in `{…}` are no cut-off value: no hint quoting them all, for each of them."""
    keys = ", ".join(f"k{i}" for i in range(3000))
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\n"
        f"beratungsfolge:\n  - {{gremium: FA, {keys}}}\nempfehlung: ablehnung\nbegruendung: b\n",
    )
    found = check_file(path).diagnostics
    assert len(found) == 3000
    assert sum(len(d.message) for d in found) < 1_000_000


def test_a_termin_of_one_date_in_brackets_is_told_to_drop_them(tmp_path: Path) -> None:
    """One date in `[…]` is no case of several sessions: the hint shows it without the brackets."""
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\n"
        "beratungsfolge: [{gremium: z, termin: [2020-04-28]}]\nempfehlung: ablehnung\nbegruendung: b\n",
    )
    [found] = check_file(path).diagnostics
    assert found.code == "invalid-date"
    assert found.message.endswith("; ein Termin steht ohne […]: termin: 2020-04-28")


@pytest.mark.parametrize(
    "lines",
    [
        # times and dates that a hard-wrapped paragraph happens to start lines with
        "Die Ausschüsse tagen ab\n  17.00 Uhr, die Ratsversammlung ab\n  14.30 Uhr im Neuen Rathaus.",
        "Der Ausschuss beriet am\n  18.04. darüber, die Ortschaftsräte am\n  02.05. im Rathaus.",
        # „Zu“ with a number that is no point of the Antrag
        "Die Verwaltung nimmt Stellung.\n  Zu 2 Punkten liegt ein Bericht vor.\n  Zu 10 Prozent ist es umgesetzt.",
        # the days of dates, one after the other
        "Die Workshops finden am\n  3. März und am\n  4. April im Neuen Rathaus statt.",
        "Die Ausschüsse beraten am\n  9. Okt. und am\n  10. Okt. 2024 darüber.",
        # ordinals one after the other, each after a line that ends mid-sentence
        "Die Planung ist für das\n  2. Halbjahr 2025 vorgesehen, der Bau für das\n  3. Quartal 2026.",
        # a pair of Gedankenstriche around an insertion, wrapped before each of them
        "Die Workshops bieten allen Beteiligten\n  – Fraktionen, Ämtern und Vereinen\n  – die Möglichkeit zum Dialog.",
    ],
)
def test_times_dates_and_counts_at_line_starts_are_no_points(tmp_path: Path, lines: str) -> None:
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        f"empfehlung: ablehnung\nbegruendung: |\n  {lines}\n",
    )
    assert check_file(path, strict=True).diagnostics == []


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("31.02.2020.", ""),  # the date without the full stop does not exist either: no „Meinten Sie“
        ("2020-5-6.", ". Meinten Sie „06.05.2020“?"),  # the full stop after another common spelling
        ("18.04.17.", ". Meinten Sie „18.04.2017“?"),
    ],
)
def test_a_date_with_a_full_stop_is_offered_only_as_a_date_that_exists(written: str, hint: str) -> None:
    from vsp_cli.model import _date_hint

    assert _date_hint(written) == hint


def test_an_empty_zusammenfassung_on_another_form_is_not_told_the_form_prints_it(tmp_path: Path) -> None:
    """Only the 2019 form prints the Zusammenfassung block without a text; the 2017 form has none."""
    path = statement_file(
        tmp_path,
        "formular: 2017\nnummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\n"
        'beratungsfolge: [{gremium: z}]\nempfehlung: ablehnung\nzusammenfassung: ""\nbegruendung: b\n',
    )
    [found] = check_file(path).diagnostics
    assert found.code == "empty-value"
    assert "druckt das Formular trotzdem" not in found.message and "Formular 2019" in found.message


@pytest.mark.parametrize(
    "entry",
    [
        "Dezernat Finanzen; insgesamt zuständig",
        "Dezernat Finanzen; gesamtstädtisch abgestimmt",
    ],
)
def test_a_semicolon_before_words_ending_in_amt_that_name_no_office_is_no_joined_names(
    tmp_path: Path, entry: str
) -> None:
    """„insgesamt“ ends in „amt“ too: only a noun naming an office („Kulturamt“) makes the part after „;“ an
    Einreicher of its own."""
    path = statement_file(
        tmp_path,
        f"nummer: VI-A-03824-VSP-01\neingereicht_von: {entry}\nbetreff: x\nberatungsfolge: [{{gremium: z}}]\n"
        "empfehlung: ablehnung\nbegruendung: b\n",
    )
    assert [d.code for d in check_file(path).diagnostics] == []
    office = statement_file(
        tmp_path, path.read_text(encoding="utf-8").replace(entry, "Dezernat Kultur; Kulturamt")
    )
    assert [d.code for d in check_file(office).diagnostics] == ["joined-names"]


@pytest.mark.parametrize(
    ("points", "line", "mark"),
    [
        (
            "  Die Verbreiterung würde\n  a. den Grunderwerb erfordern und\n  b. die Förderung gefährden.\n",
            10,
            "a.",
        ),
        ("  Text:\n\n  a. erstens\n  b. zweitens\n", 12, "b."),
        ("  Text:\n\n  A) erstens\n  B) zweitens\n", 12, "B)"),
        ("  > Zitat:\n  > c. drittens\n  > d. viertens\n", 10, "c."),
    ],
)
def test_lettered_points_in_a_row_are_a_lost_list(tmp_path: Path, points: str, line: int, mark: str) -> None:
    """Markdown knows no lettered list: „a.“ and „b.“ (or „A)“, „B)“) one line below the other print in one line,
    also where the first opens its paragraph; a line like that alone is an abbreviation or initial that wrapped."""
    head = (
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        "empfehlung: ablehnung\nbegruendung: |\n  Vorab.\n\n"
    )
    path = statement_file(tmp_path, head + points)
    [found] = check_file(path).diagnostics
    assert (found.line, found.code) == (line, "continued-point") and f"„{mark}“" in found.message
    for apart in (
        "  Das betrifft u. a. die\n  u. a. Stadt und\n  A. Müller sowie\n  C. Schmidt.\n",
        "  Text:\n\n  a. erstens\n\n  b. zweitens\n",
        "  Text: \\\n  a. erstens \\\n  b. zweitens\n",
    ):
        assert [d.code for d in check_file(statement_file(tmp_path, head + apart)).diagnostics] == []


def test_a_list_of_dates_below_its_lead_is_a_lost_list(tmp_path: Path) -> None:
    """Days at line starts are a wrapped date only mid-sentence: below „… sind:“ they are a list that Markdown
    would print in one line."""
    path = statement_file(
        tmp_path,
        "nummer: VI-A-03824-VSP-01\neingereicht_von: y\nbetreff: x\nberatungsfolge: [{gremium: z}]\n"
        "empfehlung: ablehnung\nbegruendung: |\n  Die weiteren Termine sind:\n  3. März 2026\n  4. März 2026\n",
    )
    [found] = check_file(path).diagnostics
    assert (found.line, found.code) == (8, "continued-point")
