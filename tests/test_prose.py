"""Markdown prose → ReportLab flowables, and the German hyphenation behind justified prose.

The flowables are inspected directly (markup, styles, bullets, tables); a few cases are laid out and read back
with pypdf to show what a reader sees. The hyphenator is compared with pyphen itself.
"""

from __future__ import annotations

import io
import os
import re
import zlib
from collections.abc import Iterator
from html.entities import html5
from pathlib import Path
from xml.sax.saxutils import escape as sax_escape

import pyphen
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Table

from conftest import EXAMPLES
from vsp_cli import hyphenation
from vsp_cli.commonmark import prose_parser
from vsp_cli.hyphenation import GermanHyphenator, PatternTable, german_hyphenator
from vsp_cli.limits import MAX_WORD
from vsp_cli.pdf.flowables import NeedSpace, RuledParagraph, escape, plain_paragraph
from vsp_cli.pdf.prose import ProseRenderer, plain_paragraphs
from vsp_cli.pdf.styles import FONT_BOLD, FRAME_WIDTH, build_styles, register_fonts
from vsp_cli.typography import tie


@pytest.fixture(scope="module")
def renderer() -> ProseRenderer:
    return ProseRenderer(build_styles(True).prose, FRAME_WIDTH, german_hyphenator())


@pytest.fixture(scope="module")
def plain_renderer() -> ProseRenderer:
    """Without hyphenation, so markup can be compared without soft hyphens."""
    return ProseRenderer(build_styles(False).prose, FRAME_WIDTH, None)


def paragraphs(flowables: list[Flowable]) -> list[Paragraph]:
    return [f for f in flowables if isinstance(f, Paragraph)]


def texts(flowables: list[Flowable]) -> list[str]:
    return [p.text for p in paragraphs(flowables)]


def assert_order(text: str, items: list[str]) -> None:
    position = 0
    for item in items:
        found = text.find(item, position)
        assert found >= 0, f"{item!r} not found after …{text[position : position + 120]!r}"
        position = found + len(item)


def tables_in(flowables: list[Flowable]) -> list[Table]:
    """The tables among the flowables, also those kept together on one page (`KeepTogether`)."""
    found: list[Table] = []
    for f in flowables:
        if isinstance(f, Table):
            found.append(f)
        elif isinstance(f, KeepTogether):
            found += tables_in(f._content)
    return found


def layout(flowables: list[Flowable], width: float = FRAME_WIDTH) -> str:
    """Lay the flowables out on A4 pages of the given text width and return the extracted text."""
    register_fonts(italic=True)
    buffer = io.BytesIO()
    margin = (595.27 - width) / 2
    doc = SimpleDocTemplate(buffer, leftMargin=margin, rightMargin=margin, invariant=1)
    doc.build(list(flowables))
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages)


# --- escaping --------------------------------------------------------------------------------------------------


@given(st.text())
def test_escape_is_saxutils_escape(text: str) -> None:
    assert escape(text) == sax_escape(text)


@settings(max_examples=200)
@given(text=st.text(), bullet=st.one_of(st.none(), st.sampled_from(["1.", "•"])))
@example(text="Punkt 0", bullet=None)  # a text whose spaces the typography ties (found by Hypothesis)
def test_plain_paragraph_is_what_the_parser_makes(text: str, bullet: str | None) -> None:
    """The shortcut past ReportLab's parser gives the very fragments the parser gives for escaped text, both with
    the no-break spaces of the typography („Punkt 0“, „Nr. 5“)."""
    style = build_styles(True).prose.body
    fast, parsed = (
        plain_paragraph(text, style, bullet),
        Paragraph(escape(tie(text)), style, bulletText=bullet),
    )
    assert [f.__dict__ for f in fast.frags] == [f.__dict__ for f in parsed.frags]
    assert (fast.text, fast.bulletText) == (parsed.text, parsed.bulletText)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "<b>x</b> & <font size=30>groß</font>",
            "&lt;b&gt;x&lt;/b&gt; &amp; &lt;font size=30&gt;groß&lt;/font&gt;",
        ),
        ('<img src="/etc/passwd"/>', '&lt;img src="/etc/passwd"/&gt;'),
        ("a &amp; b &lt;i&gt;", "a &amp; b &lt;i&gt;"),  # CommonMark decodes entities; they are escaped again
    ],
)
def test_raw_html_and_entities_stay_text(plain_renderer: ProseRenderer, source: str, expected: str) -> None:
    flowables = plain_renderer.flowables(source)
    assert texts(flowables) == [expected]
    layout(flowables)  # ReportLab accepts the markup


def test_html_block_is_text(plain_renderer: ProseRenderer) -> None:
    [para] = paragraphs(plain_renderer.flowables('<div onclick="x">\nroh\n</div>'))
    assert para.text == '&lt;div onclick="x"&gt; roh &lt;/div&gt;'


def test_image_prints_its_description_only(plain_renderer: ProseRenderer) -> None:
    [para] = paragraphs(plain_renderer.flowables("Vor ![Karte *Nord*](/etc/passwd) nach"))
    assert para.text == "Vor Karte <i>Nord</i> nach"
    assert "img" not in para.text


# --- inline markup -----------------------------------------------------------------------------------------------


def test_emphasis_strong_breaks_and_code(plain_renderer: ProseRenderer) -> None:
    source = "Ein *kursives* und **fettes** Wort,  \nneue Zeile\nweiter mit `a<b & c`."
    [para] = paragraphs(plain_renderer.flowables(source))
    assert (
        para.text == "Ein <i>kursives</i> und <b>fettes</b> Wort,<br/>neue Zeile weiter mit a&lt;b &amp; c."
    )
    assert "kursives" in layout([para])


def test_strike_through_is_drawn_as_github_shows_it(plain_renderer: ProseRenderer) -> None:
    """`~~…~~` is struck through in the PDF, as GitHub shows the Markdown output, not printed with its tildes."""
    [para] = paragraphs(plain_renderer.flowables("bis ~~31.12.2021~~ 30.06.2022, **~~alle~~ die** Ämter"))
    assert para.text == "bis <strike>31.12.2021</strike> 30.06.2022, <b><strike>alle</strike> die</b> Ämter"
    [plain] = paragraphs(plain_renderer.flowables("bis 31.12.2021 30.06.2022, **alle die** Ämter"))
    struck, unstruck = (_content_stream([p]) for p in (para, plain))
    assert "bis 31.12.2021 30.06.2022, alle die Ämter" in " ".join(layout([para]).split())
    assert struck.count(b" l") > unstruck.count(b" l")  # the strokes


def _content_stream(flowables: list[Flowable]) -> bytes:
    register_fonts(italic=True)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, invariant=1, pageCompression=0).build(list(flowables))
    return b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages)


def test_soft_hyphens_are_kept_in_words_and_dropped_from_longer_runs(plain_renderer: ProseRenderer) -> None:
    """ReportLab tries every soft hyphen of a run on every line: in a run longer than any word they are dropped."""
    run = "a\xad" * (MAX_WORD // 2) + "b"  # one character longer than MAX_WORD
    for source in (f"Wort\xadteil {run} Ende", f"*Wort\xadteil* {run} Ende"):
        [para] = paragraphs(plain_renderer.flowables(source))
        assert "Wort\xadteil" in para.text
        assert "a" * (MAX_WORD // 2) + "b" in para.text


def test_links_keep_safe_targets_only(plain_renderer: ProseRenderer) -> None:
    source = (
        '[Rat](https://example.org/?a=1&b="2") [Mail](mailto:a@b.de) [FTP](ftp://x.org) [rel](seite.html)'
    )
    [para] = paragraphs(plain_renderer.flowables(source))
    assert para.text.count("<a href=") == 2
    assert '<a href="https://example.org/?a=1&amp;b=%222%22"' in para.text
    assert '<a href="mailto:a@b.de"' in para.text
    assert "FTP rel" in para.text  # unsafe targets: just the text


def test_texts_get_no_soft_hyphens(renderer: ProseRenderer) -> None:
    """Words break where ReportLab asks the hyphenator (`pdf.linebreaks`): no soft hyphen is put in the text."""
    [para] = paragraphs(
        renderer.flowables("Siehe <https://www.leipzig.de/verwaltungsdienstleistungen> und „Teilhabe“ jetzt")
    )
    assert "\xad" not in para.text


# --- blocks ------------------------------------------------------------------------------------------------------


def test_paragraphs_are_justified_and_hyphenated(renderer: ProseRenderer) -> None:
    flowables = renderer.flowables("Erster Absatz.\n\nZweiter\nAbsatz.")
    assert texts(flowables) == ["Erster Absatz.", "Zweiter Absatz."]
    style = paragraphs(flowables)[0].style
    assert style.alignment == 4  # TA_JUSTIFY
    assert callable(style.hyphenationLang)


def test_headings_are_bold_and_never_end_a_page(plain_renderer: ProseRenderer) -> None:
    flowables = plain_renderer.flowables("# Oben\n\nText\n\n### Unten\n\nMehr")
    assert isinstance(flowables[0], NeedSpace) and isinstance(flowables[3], NeedSpace)
    heading = flowables[1]
    assert isinstance(heading, Paragraph) and heading.style.fontName == FONT_BOLD
    assert flowables[0].height > heading.style.leading * 2  # the heading and two lines of what follows


def test_nested_lists_with_numbers_and_start(plain_renderer: ProseRenderer) -> None:
    source = "3. drei\n4. vier\n   - innen\n     1. tief\n5. fünf\n\n- a\n- b"
    paras = paragraphs(plain_renderer.flowables(source))
    assert [(p.text, p.bulletText) for p in paras] == [
        ("drei", "3."),
        ("vier", "4."),
        ("innen", "–"),
        ("tief", "1."),
        ("fünf", "5."),
        ("a", "•"),
        ("b", "•"),
    ]
    indents = [p.style.leftIndent for p in paras]
    assert indents[0] == indents[1] < indents[2] < indents[3]
    assert indents[4] == indents[0] == indents[5]
    text = layout(paras)
    assert_order(text, ["3.", "drei", "4.", "vier", "innen", "1.", "tief", "5.", "fünf"])


def test_loose_list_item_with_two_paragraphs(plain_renderer: ProseRenderer) -> None:
    paras = paragraphs(plain_renderer.flowables("1. erster\n\n   zweiter Absatz\n2. nächster"))
    assert [(p.text, p.bulletText) for p in paras] == [
        ("erster", "1."),
        ("zweiter Absatz", None),
        ("nächster", "2."),
    ]
    assert paras[0].style.leftIndent == paras[1].style.leftIndent


def test_a_list_item_that_starts_with_a_table_or_rule_shows_its_bullet_first(
    plain_renderer: ProseRenderer,
) -> None:
    """The bullet of an item whose first block is a table (or a rule) stood below it, beside an empty line,
    and was read after the table's cells; it is a line of its own above the table, as before a nested list."""
    source = "- | Kopf | Wert |\n  | --- | --- |\n  | eins | 1 |\n- zwei\n* ---\n\n  drei"
    flowables = plain_renderer.flowables(source)
    first_table = next(n for n, f in enumerate(flowables) if tables_in([f]))
    rule = next(n for n, f in enumerate(flowables) if isinstance(f, HRFlowable))
    bullets = [(n, p.bulletText, p.text) for n, p in enumerate(flowables) if isinstance(p, Paragraph)]
    assert [(bullet, text) for _n, bullet, text in bullets] == [
        ("•", "\xa0"),
        ("•", "zwei"),
        ("•", "\xa0"),
        (None, "drei"),
    ]
    assert bullets[0][0] < first_table < bullets[1][0] and bullets[2][0] < rule < bullets[3][0]
    assert_order(layout(flowables), ["•", "Kopf", "Wert", "eins", "1", "•", "zwei", "•", "drei"])


def test_block_quote_is_indented_with_a_rule(plain_renderer: ProseRenderer) -> None:
    flowables = plain_renderer.flowables("Vorher\n\n> Zitat eins\n>\n> > tiefer\n\nNachher")
    before, first, deeper, after = paragraphs(flowables)
    assert isinstance(first, RuledParagraph) and isinstance(deeper, RuledParagraph)
    assert not isinstance(before, RuledParagraph) and not isinstance(after, RuledParagraph)
    assert before.style.leftIndent < first.style.leftIndent < deeper.style.leftIndent
    assert len(first.rules) == 1 and len(deeper.rules) == 2
    assert all(0 < x < first.style.leftIndent for x in first.rules)
    assert "Zitat eins" in layout(flowables)


def test_code_block_keeps_lines_and_indentation(plain_renderer: ProseRenderer) -> None:
    [para] = paragraphs(plain_renderer.flowables("    if a < b:\n        return <x>\n"))
    assert para.text == "if a &lt; b:<br/>\u00a0\u00a0\u00a0\u00a0return &lt;x&gt;"
    assert para.style.alignment == 0


def test_a_long_code_block_is_set_in_short_paragraphs_without_gaps(plain_renderer: ProseRenderer) -> None:
    code = "\n".join(f"zeile {i}" for i in range(100))
    parts = paragraphs(plain_renderer.flowables(f"```\n{code}\n```\n\nDanach."))
    chunks, after = parts[:-1], parts[-1]
    assert [p.text.count("<br/>") + 1 for p in chunks] == [40, 40, 20]
    assert [p.style.spaceAfter for p in chunks[:-1]] == [0, 0]
    assert chunks[-1].style.spaceAfter == after.style.spaceAfter > 0
    assert "<br/>".join(p.text for p in chunks) == "<br/>".join(code.split("\n"))


def test_many_hard_breaks_are_set_in_pieces_without_gaps(plain_renderer: ProseRenderer) -> None:
    lines = [f"Zeile **{i}**" for i in range(100)]
    parts = paragraphs(plain_renderer.flowables("\\\n".join(lines) + "\n\nDanach."))
    pieces, after = parts[:-1], parts[-1]
    assert [p.text.count("<br/>") + 1 for p in pieces] == [40, 40, 20]
    assert [p.style.spaceAfter for p in pieces[:-1]] == [0, 0]
    assert pieces[-1].style.spaceAfter == after.style.spaceAfter > 0
    assert "<br/>".join(p.text for p in pieces) == "<br/>".join(f"Zeile <b>{i}</b>" for i in range(100))


def test_hard_breaks_inside_emphasis_and_links_are_cut_and_the_markup_reopened(
    plain_renderer: ProseRenderer,
) -> None:
    source = "**" + "\\\n".join(f"fett {i}" for i in range(100)) + "** und [ein\\\nLink](https://example.org)"
    pieces = texts(plain_renderer.flowables(source))
    assert [text.count("<br/>") + 1 for text in pieces] == [40, 40, 21]
    assert all(text.startswith("<b>") for text in pieces)
    assert all(text.endswith("</b>") for text in pieces[:2])
    assert '99</b> und <a href="https://example.org"' in pieces[2] and pieces[2].endswith(">ein<br/>Link</a>")


def test_a_link_whose_text_ends_at_a_cut_leaves_no_empty_piece(plain_renderer: ProseRenderer) -> None:
    source = "[" + "".join(f"zeile {i}\\\n" for i in range(40)) + "](https://example.org) danach\\\nZeile"
    pieces = texts(plain_renderer.flowables(source))
    assert len(pieces) == 2 and pieces[1].strip() == "danach<br/>Zeile"


def test_the_last_piece_has_two_lines_at_least(plain_renderer: ProseRenderer) -> None:
    """A last line set alone could stand alone atop a page, which widow control would not allow the whole."""
    for count, sizes in ((80, [40, 40]), (81, [40, 41]), (82, [40, 40, 2])):
        pieces = texts(plain_renderer.flowables("\\\n".join(f"Zeile {i}" for i in range(count))))
        assert [text.count("<br/>") + 1 for text in pieces] == sizes
        code = texts(plain_renderer.flowables("```\n" + "\n".join(f"z{i}" for i in range(count)) + "\n```"))
        assert [text.count("<br/>") + 1 for text in code] == sizes


def test_gfm_table(plain_renderer: ProseRenderer) -> None:
    source = "| Jahr | Mittel in € |\n| --- | ---: |\n| 2017 | **12.000** |\n| 2018 | 15.500 & mehr |"
    [table] = tables_in(plain_renderer.flowables(source))
    assert table.repeatRows == 1
    cells = table._cellvalues
    assert [[c.text for c in row] for row in cells] == [
        ["Jahr", "Mittel in €"],
        ["2017", "<b>12.000</b>"],
        ["2018", "15.500 &amp; mehr"],
    ]
    assert cells[0][0].style.fontName == FONT_BOLD
    assert cells[1][1].style.alignment == 2  # TA_RIGHT, from the delimiter row
    assert sum(table._colWidths) <= FRAME_WIDTH
    assert_order(layout([table]), ["Jahr", "Mittel in €", "2017", "12.000", "2018", "15.500 & mehr"])


def test_wide_table_shares_the_width(plain_renderer: ProseRenderer) -> None:
    long = "sehr langer Zelleninhalt " * 20
    source = f"| kurz | lang |\n| --- | --- |\n| a | {long} |"
    [table] = tables_in(plain_renderer.flowables(source))
    narrow, wide = table._colWidths
    assert abs(narrow + wide - FRAME_WIDTH) < 0.01 and narrow < wide
    layout([table])


BUDGET = (
    "| Maßnahme | 2021 | 2022 | 2023 | 2024 | Gesamt |\n| --- | ---: | ---: | ---: | ---: | ---: |\n"
    "| Sanierung der Schwimmhalle Grünau einschließlich Lüftungsanlage | 1.250.000,00 € | 2.375.500,00 € "
    "| 980.000,00 € | 12.450.000,00 € | 17.055.500,00 € |\n| Stadtbezirk | 350.000,00 € | – | – | – | 350.000,00 € |"
)
WIDER_BUDGET = (
    "| Stadtbezirk | Maßnahme (Förderrichtlinie) | 2019 | 2020 | 2021 | 2022 | 2023 | Gesamt |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    "| Mitte | Sanierung Sportstätte (Sportstättenförderrichtlinie) | 1.250.000,00 € | 12.000,00 € "
    "| 980.000,00 € | 5.000,00 € | 1.000,00 € | 2.248.000,00 € |"
)


@pytest.mark.parametrize(
    ("source", "whole"),
    [
        (BUDGET, ["Gesamt", "12.450.000,00 €", "17.055.500,00 €", "1.250.000,00 €", "350.000,00 €"]),
        (WIDER_BUDGET, ["1.250.000,00 €", "2.248.000,00 €", "980.000,00 €", "12.000,00 €"]),
    ],
    ids=["amounts with their unit", "eight columns"],
)
def test_table_columns_keep_amounts_and_words_whole(
    plain_renderer: ProseRenderer, source: str, whole: list[str]
) -> None:
    """Text columns wrap before an amount or a word is broken; a wide table is set smaller before that."""
    [table] = tables_in(plain_renderer.flowables(source))
    assert sum(table._colWidths) <= FRAME_WIDTH + 0.01
    lines = layout([table]).splitlines()
    for text in whole:
        assert any(text in line for line in lines), (text, lines)


def test_amounts_that_cannot_stand_side_by_side_are_set_as_lines_and_stay_whole(
    plain_renderer: ProseRenderer,
) -> None:
    years = range(2013, 2020)
    source = (
        "| Träger | " + " | ".join(map(str, years)) + " | Summe |\n|---|" + "---:|" * 8 + "\n"
        "| LOFFT | " + " | ".join(f"1.234.567,{y % 100:02d} €" for y in years) + " | 8.641.975,23 € |"
    )
    flowables = plain_renderer.flowables(source)
    assert not tables_in(flowables)
    lines = layout(flowables).splitlines()
    for year in years:
        assert any(f"{year}: 1.234.567,{year % 100:02d} €" in " ".join(line.split()) for line in lines), year


def test_bold_cells_are_measured_bold(plain_renderer: ProseRenderer) -> None:
    """A bold cell is wider than the same text in the regular face: measured in that face, it wrapped."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    source = (
        "| Posten | 2019 |\n|---|---:|\n| Zwischensumme | 1 € |\n| **Gesamtsummenaufstellung** | **2 €** |"
    )
    [table] = tables_in(plain_renderer.flowables(source))
    needed = stringWidth("Gesamtsummenaufstellung", FONT_BOLD, table._cellvalues[2][0].style.fontSize) + 2 * 4
    assert table._colWidths[0] >= needed  # the cell padding on both sides


def test_table_layout_gives_way_in_order() -> None:
    from vsp_cli.pdf.prosetables import COLUMN_PADDING, TABLE_SCALES, ColumnText, table_layout

    text, amount = ColumnText(300, 90, 0), ColumnText(70, 70, 70)
    assert table_layout([ColumnText(50, 50, 0)] * 2, 400) == (1.0, [50 + COLUMN_PADDING] * 2)
    layout = table_layout([text, amount, amount], 400)  # the text column wraps
    assert layout is not None and layout[0] == 1.0 and layout[1][1:] == [70 + COLUMN_PADDING] * 2
    assert sum(layout[1]) == pytest.approx(400)
    layout = table_layout([text, *[amount] * 4], 400)  # set smaller, words and amounts whole
    assert layout is not None and layout[0] < 1.0 and layout[1][0] >= text.glued * layout[0] + COLUMN_PADDING
    layout = table_layout([text, *[amount] * 5], 400)  # smallest size: words may break, amounts not
    assert layout is not None and layout[0] == TABLE_SCALES[-1]
    assert all(width >= amount.figure * layout[0] + COLUMN_PADDING for width in layout[1][1:])
    assert sum(layout[1]) == pytest.approx(400)
    assert table_layout([text, *[amount] * 8], 400) is None  # amounts cannot stand side by side: lines


def test_table_too_wide_for_the_page_becomes_lines(plain_renderer: ProseRenderer) -> None:
    columns = 40
    source = (
        "|"
        + "|".join(f"Kopf{c}" for c in range(columns))
        + "|\n"
        + "|"
        + "|".join("-" for _ in range(columns))
        + "|\n"
        + "|"
        + "|".join(f"Wert{c}" for c in range(columns))
        + "|"
    )
    flowables = plain_renderer.flowables(source)
    assert not tables_in(flowables)
    text = " ".join(layout(flowables).split())
    assert_order(text, [f"Kopf{c}: Wert{c}" for c in range(columns)])


def test_a_table_too_wide_of_its_header_only_keeps_its_headings(plain_renderer: ProseRenderer) -> None:
    """Without body rows there was no „Kopf: Wert“ line: the table vanished from the page and the tree."""
    columns = 14
    source = "|" + "|".join(f"Kopf{c}" for c in range(columns)) + "|\n|" + "---|" * columns + "\n\nDanach"
    flowables = plain_renderer.flowables(source)
    assert not tables_in(flowables)
    assert texts(flowables) == ["; ".join(f"<b>Kopf{c}</b>" for c in range(columns)), "Danach"]
    empty = plain_renderer.flowables("|" + " |" * columns + "\n|" + "---|" * columns + "\n\nDanach")
    assert texts(empty) == ["Danach"]  # no headings: nothing to print, as before


def test_a_table_set_as_lines_keeps_its_links_and_emphasis(plain_renderer: ProseRenderer) -> None:
    """A table too wide for the page was set from the cells' plain text: a link lost its address (neither
    printed nor clickable: the reader could not learn it), bold and code their face."""
    columns = 14
    source = (
        "|" + "|".join(f"Kopf{c}" for c in range(columns - 1)) + "| **Summe** |\n|" + "---|" * columns + "\n"
        "| [Plan](https://www.leipzig.de/plan) | **fett** | `code` |" + " 1.234,00 € |" * (columns - 3)
    )
    [para] = paragraphs(plain_renderer.flowables(source))
    assert para.text.startswith('<b>Kopf0:</b>\xa0<a href="https://www.leipzig.de/plan"')
    assert "<b>Kopf1:</b>\xa0<b>fett</b>; <b>Kopf2:</b>\xa0code; <b>Kopf3:</b>\xa01.234,00\xa0€" in para.text
    assert para.text.endswith("<b><b>Summe</b>:</b>\xa01.234,00\xa0€")
    header_only = plain_renderer.flowables(
        "|" + "|".join(f"[K{c}](https://x.de)" for c in range(columns)) + "|\n|" + "---|" * columns
    )
    assert texts(header_only)[0].startswith('<b><a href="https://x.de"')


def test_long_headings_of_a_table_set_as_lines_are_not_repeated_before_every_row(
    plain_renderer: ProseRenderer,
) -> None:
    """Each row of a table too wide for the page repeats the headings before its values: 14 headings of 6,000
    characters over 300 rows (within MAX_TABLE_TEXT and MAX_MARKUP) made 25 million characters to set, for
    minutes. Headings that would repeat more than MAX_CHARS are set once, bold, above rows of values."""
    columns, rows = 14, 80
    heading = ("Kopf " * 1200).strip()
    head = "|" + "|".join(f"{heading} {c}" for c in range(columns)) + "|\n|" + "---|" * columns + "\n"
    source = head + ("|" + "|".join(f"Wert{c}" for c in range(columns)) + "|\n") * rows
    found = texts(plain_renderer.flowables(source))
    assert len(found) == rows + 1 and sum(text.count("Kopf") for text in found) == columns * 1200
    assert found[0] == "; ".join(f"<b>{heading} {c}</b>" for c in range(columns))
    assert found[1:] == ["; ".join(f"Wert{c}" for c in range(columns))] * rows
    short = texts(plain_renderer.flowables(source.replace(heading, "Kopf")))  # short headings: as before
    assert short == ["; ".join(f"<b>Kopf\xa0{c}:</b>\xa0Wert{c}" for c in range(columns))] * rows


def test_markdown_inside_lists_and_quotes_renders(renderer: ProseRenderer) -> None:
    source = (EXAMPLES / "beispiel-mehrere-optionen.yaml").read_text(encoding="utf-8")
    flowables = renderer.flowables(source)
    assert "Trinkwasserbrunnen" in layout(flowables)


# --- plain prose without markdown-it -------------------------------------------------------------------------


_MARKDOWNISH = st.lists(
    st.sampled_from(
        [*"abc ÄÖß„“–.,;:!?()/'\"-+=#>*_[]<&|~`\\\n\t 0123456789\xa0\xad", "www.", "@", "https://", "w", "de"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_MARKDOWNISH)
@example("Siehe www.leipzig.de und rat@leipzig.de oder https://leipzig.de")
def test_plain_fast_path_matches_markdown_it(text: str) -> None:
    hyphenator = german_hyphenator()
    renderer = ProseRenderer(build_styles(True).prose, FRAME_WIDTH, hyphenator)
    fast = renderer.flowables(text)
    slow = renderer._blocks(prose_parser().parse(text))
    if plain_paragraphs(text) is None:
        return
    assert [(type(f), f.text, f.style.name) for f in paragraphs(fast)] == [
        (type(f), f.text, f.style.name) for f in paragraphs(slow)
    ]
    assert len(fast) == len(slow)


def test_plain_detection() -> None:
    assert plain_paragraphs("Erster Absatz\nmit zwei Zeilen.\n\n  Zweiter – „zitiert“ (so).") == [
        "Erster Absatz mit zwei Zeilen.",
        "Zweiter – „zitiert“ (so).",
    ]
    for markdown in (
        "- Liste",
        "1. Liste",
        "# Titel",
        "> Zitat",
        "a *b*",
        "a  \nb",
        "    Code",
        "a | b",
        "a &amp;",
        "Siehe www.leipzig.de",  # bare addresses are links (GFM's autolinks)
        "an rat@leipzig.de",
        "unter https://leipzig.de",
    ):
        assert plain_paragraphs(markdown) is None


# --- hyphenation -------------------------------------------------------------------------------------------------


def words() -> Iterator[str]:
    seed = (Path(__file__).parent / "fixtures" / "VI-A-03824-VSP-01.txt").read_text(encoding="utf-8")
    examples = "".join(p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.yaml")))
    found = set(re.findall(r"[^\W\d_]+", seed + examples))
    found |= {
        "Migrantenselbstorganisationen",
        "Trinkwasserverordnung",
        "Donaudampfschifffahrt",
        "Ämterumfrage",
    }
    return iter(sorted(w for w in found if not any(c.isupper() for c in w[1:])))


def test_each_level_is_looked_up_as_pyphen_does(tmp_path: Path) -> None:
    """Compound joints and syllables each come out as pyphen finds them in that level of the dictionary."""
    path, _ = hyphenation._dictionary()
    lines = path.read_text(encoding="iso-8859-1").split("\n")
    split = lines.index("NEXTLEVEL")
    built = hyphenation._build_text(path)
    assert built is not None
    tables = [PatternTable(text) for text in built.split("\f")]
    for number, level in enumerate([lines[1:split], lines[split + 1 :]]):
        file = tmp_path / f"level{number}.dic"
        file.write_text("\n".join([lines[0], *level]), encoding="iso-8859-1")
        reference = pyphen.HyphDict(file)
        for word in words():
            assert hyphenation._points(tables[number], word.lower()) == reference.positions(word.lower()), (
                word
            )


GERMAN_BREAKS = [
    # pyphen's merged levels broke these inside a joint or left single letters
    "Ver-ste-ti-gung",
    "Kin-der-ta-ges-stätte",
    "Grund-stücks-ver-kehr",
    "Ab-stell-an-la-gen",
    "Klein-gar-ten-an-lage",
    "Fort-schrei-bung",
    "Ort-schafts-rä-ten",
    "Schul-so-zi-al-ar-beit",
    "Öf-fent-lich-keits-ar-beit",
    "Bau-ge-neh-mi-gung",
    "Mach-bar-keits-stu-die",
    # a piece without a vowel, or „ck“, „ch“ and „sch“ broken up
    "Be-treu-ungs-schlüs-sel",
    "Rück-mel-dun-gen",
    "aus-drück-lich",
    "Zu-sam-men-ar-beit",
    "Ei-gen-an-teil",
    "Stre-cken-ab-schnitt",
    "Ju-gend-par-la-ment",
    "Haupt-or-gan",
    "Zu-cker",
    # and these it had right
    "Ver-wal-tungs-stand-punkt",
    "Be-schluss-vor-schlag",
    "Werk-statt-ge-sprä-che",
    "Stadt-be-zirks-bei-rä-ten",
    "Rats-ver-samm-lung",
    "Bür-ger-be-tei-li-gung",
    "Zu-stän-dig-keit",
    "Ober-bür-ger-meis-ter",
]


@pytest.mark.parametrize("expected", GERMAN_BREAKS)
def test_german_words_break_at_their_joints_and_syllables(expected: str) -> None:
    hyphenator = german_hyphenator()
    assert isinstance(hyphenator, GermanHyphenator)
    assert hyphenator.soft_hyphenated(expected.replace("-", "")).replace("\xad", "-") == expected


def test_break_positions_are_remembered_within_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """ReportLab asks again for the word at the end of every line; the answer comes from memory, and the
    memory is bounded however many words a long run meets."""
    hyphenator = german_hyphenator()
    assert isinstance(hyphenator, GermanHyphenator)
    assert hyphenator.positions("Verwaltungsstandpunkt") is hyphenator.positions("Verwaltungsstandpunkt")
    monkeypatch.setattr(hyphenation, "_MAX_WORD_CACHE", 50)
    for i in range(120):
        hyphenator.positions(f"Stadtratsbeschluss{i}")
    assert 0 < len(hyphenator._positions) <= 50


def test_abbreviations_and_names_are_not_broken() -> None:
    hyphenator = german_hyphenator()
    assert isinstance(hyphenator, GermanHyphenator)
    for word in ("SächsGemO", "INSEK", "GmbH", "LeipzigerWasserwerke"):
        assert hyphenator.positions(word) == []
        assert hyphenator.splits(word) == []
    heads = [head for head, _, _ in hyphenator.splits("EU-Trinkwasserrichtlinie")]
    assert heads  # the lower-case part still breaks
    assert all(len(head) >= 3 for head in heads)  # never inside "EU"


def test_the_longest_compounds_break_but_a_pasted_letter_run_does_not() -> None:
    hyphenator = german_hyphenator()
    assert isinstance(hyphenator, GermanHyphenator)
    compound = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft"
    assert len(compound) == 80 and hyphenator.positions(compound)
    assert hyphenator.positions("verwaltung" * 11) == []  # 110 letters: looked up at every line otherwise


def test_words_in_quotes_break_but_addresses_and_soft_hyphenated_words_do_not() -> None:
    """ReportLab hyphenates only words of plain letters; `splits` takes any token, punctuation kept outside."""
    hyphenator = german_hyphenator()
    assert isinstance(hyphenator, GermanHyphenator)
    assert ("„Teil", "habe“", True) in hyphenator.splits("„Teilhabe“")
    assert ("»Migranten", "selbstorganisationen«,", True) in hyphenator.splits(
        "»Migrantenselbstorganisationen«,"
    )
    for token in (
        "www.leipzig.de/verwaltung",
        "https://www.leipzig.de/verwaltungsdienstleistungen",
        "poststelle@leipzig.de",
        "„S:\\Amt\\Vertragsentwurf_LWB.docx“",
        "Vertragsentwurf.pdf",
        "Vertragsentwurf_final",
        "schon weich\xadgetrennt",  # the writer's own soft hyphens are ReportLab's to use
    ):
        assert hyphenator.splits(token) == [], token  # a hyphen would change the name


def test_remembered_splits_are_bounded_and_overlong_tokens_not_broken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hyphenator = german_hyphenator()
    assert isinstance(hyphenator, GermanHyphenator)
    assert hyphenator.splits("»Teilhabe«") is hyphenator.splits("»Teilhabe«")  # the second time from memory
    assert hyphenator.splits("»" + "verwaltung" * 30 + "«") == []
    monkeypatch.setattr(hyphenation, "_MAX_WORD_CACHE", 50)
    for i in range(120):
        hyphenator.splits(f"„Stadtratsbeschluss{i}“")
    assert 0 < len(hyphenator._splits) <= 50


def test_soft_hyphens_break_lines_but_never_reach_the_text(renderer: ProseRenderer) -> None:
    source = "Für das Handlungsfeld „Politische Teilhabe“ und die »Migrantenselbstorganisationen« gilt das."
    for width in range(120, 260, 7):
        text = layout(renderer.flowables(source), width=width)
        assert "\xad" not in text
        joined = re.sub(r"-\n", "", text)
        assert "»Migrantenselbstorganisationen«" in joined and "„Politische Teilhabe“" in joined.replace(
            "\n", " "
        )


def test_cache_gives_the_same_table_as_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path, key = hyphenation._dictionary()
    built = hyphenation._build_text(path)
    assert built is not None
    cache_file = hyphenation.cache_dir() / hyphenation.cache_name()
    assert cache_file.parent == tmp_path / "vsp"
    hyphenation._write_cache(cache_file, key, built)
    assert hyphenation._read_cache(cache_file, key) == built
    assert hyphenation._read_cache(cache_file, key + "x") is None  # another pyphen version: rebuilt
    cached = hyphenation.hyphenator_from_text(built)
    fresh = german_hyphenator.__wrapped__(use_cache=False)
    for word in words():
        assert cached.positions(word) == fresh.positions(word)
    damaged = cache_file.read_bytes()
    cache_file.write_bytes(damaged[:-100])
    assert hyphenation._read_cache(cache_file, key) is None


def test_a_cache_file_someone_else_could_have_written_is_not_believed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`XDG_CACHE_HOME` may lie inside a checkout in CI: a table a repository planted there must not change
    hyphenation, nor one of hundreds of megabytes fill the memory. vsp writes its own 0600."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path, key = hyphenation._dictionary()
    built = hyphenation._build_text(path)
    assert built is not None
    cache_file = hyphenation.cache_dir() / hyphenation.cache_name()
    hyphenation._write_cache(cache_file, key, built)
    assert cache_file.stat().st_mode & 0o777 == 0o600
    assert hyphenation._read_cache(cache_file, key) == built
    cache_file.chmod(0o664)  # anyone of the group may have changed it
    assert hyphenation._read_cache(cache_file, key) is None
    cache_file.chmod(0o600)
    monkeypatch.setattr("vsp_cli.fileio.os.geteuid", lambda: os.getuid() + 1)  # another user's file
    assert hyphenation._read_cache(cache_file, key) is None
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr("vsp_cli.hyphenation.MAX_CACHE_BYTES", len(built) // 2)  # larger than any of vsp's
    assert hyphenation._read_cache(cache_file, key) is None
    link = cache_file.with_name("link.txt")
    link.symlink_to(cache_file)
    assert hyphenation._read_cache(link, key) is None


def test_a_table_a_checkout_brought_into_the_cache_folder_is_not_believed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout's files are the user's, 0644 like vsp's own would pass: with `XDG_CACHE_HOME` inside it, a
    planted table with the right name and checksum changed the hyphenation of every output."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path, key = hyphenation._dictionary()
    built = hyphenation._build_text(path)
    assert built is not None
    cache_file = hyphenation.cache_dir() / hyphenation.cache_name()
    cache_file.parent.mkdir(parents=True)
    body = built.replace("\n", "\nx", 1).encode("utf-8")  # another table, with its own right checksum
    cache_file.write_bytes(f"{key} crc={zlib.crc32(body):08x}\n".encode() + body)
    cache_file.chmod(0o644)
    assert hyphenation._read_cache(cache_file, key) is None
    hyphenation._write_cache(cache_file, key, built)  # vsp's own is believed
    assert hyphenation._read_cache(cache_file, key) == built


def test_unwritable_cache_folder_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "datei"
    blocked.write_text("kein Ordner")
    hyphenation._write_cache(blocked / "vsp" / "hyph.txt", "key", "0\n\n")  # silently no cache
    assert not (blocked / "vsp").exists()


# --- long paragraphs -------------------------------------------------------------------------------------------

_LONG_WORDS = [
    "Die",
    "Verwaltung",
    "befürwortet",
    "das",
    "Anliegen",
    "der",
    "Migrantenselbstorganisationen",
    "ausdrücklich",
    "und",
    "nachdrücklich,",
    "„Teilhabe“",
    "z.",
    "B.",
    "Integrationskonzept/Fortschreibung",
    "Gesamtkonzepts",
]


def _long_text(words: int, markup: bool) -> str:
    out = []
    for i in range(words):
        word = _LONG_WORDS[(i * 7) % len(_LONG_WORDS)]
        out.append(
            f"**{word}**" if markup and i % 13 == 0 else f"_{word}_" if markup and i % 17 == 0 else word
        )
    return " ".join(out)


def _pages(flowables: list[Flowable]) -> list[str]:
    register_fonts(italic=True)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, invariant=1).build(list(flowables))
    return [page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages]


def _layout_work(renderer: ProseRenderer, monkeypatch: pytest.MonkeyPatch, sources: list[str]) -> list[int]:
    """How many widths ReportLab measures to lay out each source: a count of work, not a time."""
    import reportlab.platypus.paragraph as rl_paragraph

    measured = 0
    real = rl_paragraph.stringWidth

    def counting(text: str, font: str, size: float, encoding: str = "utf8") -> float:
        nonlocal measured
        measured += 1
        return real(text, font, size, encoding)

    monkeypatch.setattr(rl_paragraph, "stringWidth", counting)
    work = []
    for source in sources:
        measured = 0
        _pages(renderer.flowables(source))
        work.append(measured)
    monkeypatch.setattr(rl_paragraph, "stringWidth", real)
    return work


@pytest.mark.parametrize("markup", [False, True], ids=["one-style", "bold-and-italic"])
def test_a_paragraph_over_many_pages_keeps_reportlabs_own_lines(
    renderer: ProseRenderer, monkeypatch: pytest.MonkeyPatch, markup: bool
) -> None:
    """The continuing parts reuse the lines already broken; ReportLab breaking them again gives the same pages."""
    source = _long_text(4000, markup) + "\n\n" + _long_text(300, markup) + "\n\n> " + _long_text(1500, markup)
    ours = _pages(renderer.flowables(source))
    assert len(ours) > 10
    monkeypatch.setattr("vsp_cli.pdf.flowables.ProseParagraph.wrap", Paragraph.wrap)
    monkeypatch.setattr("vsp_cli.pdf.flowables.ProseParagraph.split", Paragraph.split)
    assert _pages(renderer.flowables(source)) == ours


@pytest.mark.parametrize("markup", [False, True], ids=["one-style", "bold-and-italic"])
def test_laying_out_a_long_paragraph_takes_linear_work(
    renderer: ProseRenderer, monkeypatch: pytest.MonkeyPatch, markup: bool
) -> None:
    """ReportLab broke the rest of a paragraph again at each page: twice the text cost four times the work."""
    small, large = _layout_work(renderer, monkeypatch, [_long_text(3000, markup), _long_text(6000, markup)])
    assert large < 2.6 * small
    for open_, close in (("", ""), ("**", "**"), ("[", "](https://example.org)")):
        hard_breaks = [
            open_ + "\\\n".join(f"Zeile {i} mit Umbruch" for i in range(lines)) + close
            for lines in (1500, 3000)
        ]
        small, large = _layout_work(renderer, monkeypatch, hard_breaks)
        assert large < 2.6 * small, open_


def _line_texts(para: Paragraph) -> list[str]:
    lines = para.blPara.lines
    if para.blPara.kind == 0:
        return [" ".join(words) for _, words in lines]
    return ["".join(str(getattr(word, "text", "")) for word in line.words) for line in lines]


def test_a_paragraph_wrapped_again_keeps_the_hyphens_of_its_words(renderer: ProseRenderer) -> None:
    """ReportLab breaks a paragraph of several styles wrapped a second time from the frags its first wrap
    processed, and rejoins a word it had split at the word's own hyphen without that hyphen: a table, which
    wraps its cells more than once, printed „Zq0003Zq0004/Zq0005“ for the code `Zq0003-Zq0004/Zq0005` (found
    by a random statement); wrapped at several widths, every „Georg-Schumann-Straße“ became
    „GeorgSchumannStraße“."""
    source = " ".join("**Hafen** Georg-Schumann-Straße Tempo-30-Zone" for _ in range(30))
    [para] = paragraphs(renderer.flowables(source))
    for width in (100, 150, 200, 100):
        para.wrap(width, 10_000)
        lines = _line_texts(para)
        para.wrap(width, 10_000)
        assert _line_texts(para) == lines
        text = "".join(lines)
        assert "GeorgSchumann" not in text and "SchumannStraße" not in text and "Tempo30" not in text, width


@pytest.mark.parametrize("markup", [False, True], ids=["one-style", "bold-italic-link"])
def test_the_first_part_of_a_split_keeps_the_lines_it_was_cut_with(
    renderer: ProseRenderer, markup: bool
) -> None:
    """The frame wraps the first part of a split again; ReportLab broke it anew from frags cut after a hyphenation,
    which lost a name's own hyphens („Georg-“ | „SchumannStraße“) and could give a line more than fits, so a
    valid statement was refused („Splitting error“). At every height the part keeps the whole's first lines."""
    names = ["Georg-Schumann-Straße", "Karl-Liebknecht-Straße", "Migrantenselbstorganisationen"]
    words = _long_text(240, markup).split(" ")
    for i in range(0, len(words), 5):
        words[i] = names[(i // 5) % 3]
    if markup:
        words[7] = "[Link zur Vorlage](https://example.org/vorlage)"
    source = " ".join(words)
    register_fonts(italic=True)
    [para] = paragraphs(renderer.flowables(source))
    para.wrap(FRAME_WIDTH, 10_000)
    whole, leading = _line_texts(para), para.style.leading
    assert len(whole) > 20 and any(
        line.endswith(("Georg-", "Karl-", "Schumann-", "Liebknecht-")) for line in whole
    )
    for count in range(2, len(whole) - 1):
        [para] = paragraphs(renderer.flowables(source))  # a split changes the frags of the whole (ReportLab)
        para.wrap(FRAME_WIDTH, 10_000)
        first, _rest = para.split(FRAME_WIDTH, count * leading + 0.5)
        assert first.wrap(FRAME_WIDTH, count * leading + 0.5)[1] <= count * leading + 0.5, count
        assert _line_texts(first) == whole[:count], count
        if count >= 4:  # the first part split again (a table row split over three pages) reads the same lines
            head, tail = first.split(FRAME_WIDTH, (count // 2) * leading + 0.5)
            head.wrap(FRAME_WIDTH, 10_000)
            tail.wrap(FRAME_WIDTH, 10_000)
            assert [*_line_texts(head), *_line_texts(tail)] == whole[:count], count


@pytest.mark.parametrize(
    "source",
    [
        "\\\n".join(f"Zeile {i}" for i in range(10)),
        "\\\n".join(f"**Zeile** {i}" for i in range(10)),
        "```\n" + "\n".join(f"zeile {i}" for i in range(10)) + "\n```",
    ],
    ids=["plain", "bold", "code"],
)
def test_hard_broken_lines_go_on_with_the_next_line_not_a_blank_one(
    renderer: ProseRenderer, source: str
) -> None:
    """ReportLab began the continuing part with the break that ended the last line: a blank line atop the page."""
    [para] = paragraphs(renderer.flowables(source))
    para.wrap(FRAME_WIDTH, 1000)
    first, rest = para.split(FRAME_WIDTH, 4 * para.style.leading + 1)
    rest.wrap(FRAME_WIDTH, 1000)
    assert len(first.blPara.lines) == 4 and len(rest.blPara.lines) == 6
    expected = "zeile 4" if source.startswith("`") else "Zeile 4"
    assert layout([rest]).split("\n")[0].strip() == expected


@pytest.mark.parametrize(
    "block",
    [
        "\\\n".join(f"Zeile {i}" for i in range(130)),
        "\\\n".join(f"Zeile {i}" for i in range(81)),  # a last line of its own would be a widow
        "```\n" + "\n".join(f"zeile {i}" for i in range(81)) + "\n```",
    ],
    ids=["130-lines", "81-lines", "81-code-lines"],
)
def test_pieces_of_hard_broken_lines_end_pages_where_the_whole_would(
    renderer: ProseRenderer, block: str
) -> None:
    """At every position on the page: widow and orphan control applies only at the ends of the whole block."""
    for before in range(20):
        source = "\n\n".join(["Absatz davor."] * before + [block])
        pieces = _pages(renderer.flowables(source))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("vsp_cli.pdf.prose._PIECE_LINES", 10**9)
            assert _pages(renderer.flowables(source)) == pieces, before


def test_hard_broken_lines_in_pieces_give_the_pages_of_the_whole(
    renderer: ProseRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [f"{_long_text(9 + i % 5, markup=True)} [{i}](https://example.org/{i})" for i in range(130)]
    source = "Vorweg **fett " + "\\\n".join(lines) + " Ende** und _kursiv\\\nweiter_."
    ours = _pages(renderer.flowables(source))
    assert len(ours) > 1 and len(paragraphs(renderer.flowables(source))) == 4
    monkeypatch.setattr("vsp_cli.pdf.prose._PIECE_LINES", 10**9)
    assert len(paragraphs(renderer.flowables(source))) == 1
    assert _pages(renderer.flowables(source)) == ours


def test_a_table_cell_over_many_pages_takes_linear_work_and_keeps_its_lines(
    renderer: ProseRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table splits a long cell with its width less the padding: the continuing part keeps those lines."""

    def table(words: int) -> str:
        return f"| A | B |\n|---|---|\n| kurz | {_long_text(words, markup=True)} |\n| x | y |"

    small, large = _layout_work(renderer, monkeypatch, [table(2000), table(4000)])
    assert large < 2.6 * small
    ours = _pages(renderer.flowables(table(4000)))
    monkeypatch.setattr("vsp_cli.pdf.flowables.ProseParagraph.wrap", Paragraph.wrap)
    monkeypatch.setattr("vsp_cli.pdf.flowables.ProseParagraph.split", Paragraph.split)
    assert _pages(renderer.flowables(table(4000))) == ours


def test_a_table_of_thousands_of_rows_is_set_in_pieces_with_the_header(plain_renderer: ProseRenderer) -> None:
    from vsp_cli.pdf.prose import _TABLE_ROWS

    rows = 2 * _TABLE_ROWS + 7
    source = "| Nr | Wert |\n|---|---:|\n" + "\n".join(f"| {i} | {7 * i} |" for i in range(rows))
    tables = tables_in(plain_renderer.flowables(source))
    assert [len(t._cellvalues) - 1 for t in tables] == [_TABLE_ROWS, _TABLE_ROWS, 7]
    assert all(t.repeatRows == 1 and t._cellvalues[0][0].text == "Nr" for t in tables)
    assert [t.spaceAfter for t in tables[:-1]] == [0, 0] and tables[-1].spaceAfter > 0
    assert [row[0].text for t in tables for row in t._cellvalues[1:]] == [str(i) for i in range(rows)]
    few = tables_in(plain_renderer.flowables("| a |\n|---|\n| 1 |"))
    assert len(few) == 1


# --- character references: validation reads them as the prose parser does ----------------------------------------

_NAMES = sorted(html5)


@settings(max_examples=300, deadline=None)
@given(
    reference=st.one_of(
        st.integers(min_value=0, max_value=0x2FF).map(lambda n: f"&#{n};"),  # control codes are here
        st.integers(min_value=0, max_value=0x11FFFF).map(lambda n: f"&#{n};"),
        st.integers(min_value=0, max_value=0x11FFFF).map(lambda n: f"&#x{n:X};"),
        st.sampled_from(_NAMES).filter(lambda n: n.endswith(";")).map(lambda n: f"&{n}"),
        st.from_regex(r"&[A-Za-z][A-Za-z0-9]{1,8};", fullmatch=True),
    ),
    escaped=st.booleans(),
)
def test_references_are_checked_as_the_prose_parser_prints_them(reference: str, escaped: bool) -> None:
    """A reference is refused exactly when the character the PDF's Markdown parser makes of it is unprintable."""
    from vsp_cli.charset import first_unprintable_reference, is_printable

    text = "Wort " + ("\\" if escaped else "") + reference + " Wort"
    [inline] = [t for t in prose_parser().parse(text) if t.type == "inline"]
    printed = "".join(child.content for child in inline.children or [] if child.type == "text")
    unprintable = [char for char in printed if not is_printable(char)]
    found = first_unprintable_reference(text)
    if unprintable:
        assert found == (text.index("&"), unprintable[0])
    else:
        assert found is None


def test_task_list_items_get_boxes_as_on_github(plain_renderer: ProseRenderer) -> None:
    text = layout(
        plain_renderer.flowables("- [ ] offen\n- [x] erledigt\n- [ ]\n- normal [ ] bleibt\n- \\[x] maskiert")
    )
    assert text.split("\n")[:5] == ["☐ offen", "☒ erledigt", "• [ ]", "• normal [ ] bleibt", "• [x] maskiert"]


def test_a_damaged_or_odd_cache_file_is_built_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path, key = hyphenation._dictionary()
    built = hyphenation._build_text(path)
    assert built is not None
    cache_file = hyphenation.cache_dir() / hyphenation.cache_name()
    hyphenation._write_cache(cache_file, key, built.replace("\f", "\n"))  # a checksum that fits, one level
    fresh = german_hyphenator.__wrapped__()
    assert isinstance(fresh, GermanHyphenator) and fresh.positions("Verwaltungsstandpunkt")
    cache_file.unlink()
    os.mkfifo(cache_file)  # a pipe is not waited on
    assert german_hyphenator.__wrapped__().positions("Verwaltungsstandpunkt")


def test_a_heading_right_above_another_heading_never_ends_a_page(plain_renderer: ProseRenderer) -> None:
    """„3. Bisheriges Verfahren“ directly above „3.1 Fachkonzepte“ stood alone at the foot of a page while
    its subheading and text began the next one: a heading keeps room for the heading below it and its text."""
    register_fonts(italic=True)
    for filler in range(26, 36):
        source = "\n\n".join(["Ein Absatz."] * filler) + "\n\n## 3. Verfahren\n\n### 3.1 Fachkonzepte\n\n"
        source += (
            "Das INSEK 2030 besteht aus elf Fachkonzepten, die hier der Reihe nach beschrieben sind. " * 4
        )
        buffer = io.BytesIO()
        margin = (595.27 - FRAME_WIDTH) / 2
        SimpleDocTemplate(buffer, leftMargin=margin, rightMargin=margin, invariant=1).build(
            plain_renderer.flowables(source)
        )
        for page in PdfReader(buffer).pages:
            lines = [line for line in (page.extract_text() or "").splitlines() if line.strip()]
            assert lines[-1] not in ("3. Verfahren", "3.1 Fachkonzepte"), filler
