"""The Markdown renderer: golden files, literal plain text, prose handling, templates and their errors.

Golden files live in tests/golden/<stem>.md, one per example and per valid case; `VSP_UPDATE_GOLDEN=1` rewrites
them (review the diff before committing). Structure is checked by parsing the output as GitHub does: CommonMark
with GFM tables and raw HTML enabled; task-list items are list items whose text starts with `[x] ` or `[ ] `.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from conftest import EXAMPLE_FILES, EXAMPLES, VALID_CASES
from vsp_cli.config import resolve
from vsp_cli.errors import TemplateError
from vsp_cli.labels import LABEL_TARGETS, Labels
from vsp_cli.markdown import _escaped, md, prose, render_markdown, tabellenzeile
from vsp_cli.model import Statement
from vsp_cli.settings import RenderSettings
from vsp_cli.validation import check_file, load_statement

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("VSP_UPDATE_GOLDEN") == "1"
INPUTS = EXAMPLE_FILES + VALID_CASES

#: Parses like GitHub: raw HTML on (so escaped HTML that leaked would show up as html tokens), GFM tables.
GFM = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


# --- helpers that read the parsed document --------------------------------------------------------------


def inline_text(token: Token, allowed: frozenset[str] = frozenset({"text"})) -> str:
    """The literal text of an inline token; fails if it holds anything but plain text (emphasis, code, …)."""
    assert token.children is not None
    kinds = {child.type for child in token.children}
    assert kinds <= allowed, f"unexpected inline markup {kinds - allowed} in {token.content!r}"
    return "".join(child.content for child in token.children if child.type == "text")


def paragraph_lines(token: Token) -> list[str]:
    """A paragraph of bold labels and values separated by hard breaks, as its lines of text."""
    assert token.children is not None
    kinds = {child.type for child in token.children}
    assert kinds <= {"text", "strong_open", "strong_close", "hardbreak"}, kinds
    lines = [""]
    for child in token.children:
        if child.type == "hardbreak":
            lines.append("")
        elif child.type == "text":
            lines[-1] += child.content
    return lines


def paragraphs(tokens: list[Token]) -> list[Token]:
    """Inline tokens of top-level paragraphs (not in lists, quotes or tables)."""
    return [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "paragraph_open" and t.level == 0]


def headings(tokens: list[Token], tag: str) -> list[str]:
    return [
        inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == tag
    ]


def table_rows(tokens: list[Token]) -> list[list[str]]:
    """The rows of the first table (the Beratungsfolge) as its cells' literal text; asserts three per row."""
    rows: list[list[str]] = []
    for i, token in enumerate(tokens):
        if token.type == "table_close":
            break
        if token.type == "tr_open":
            cells = []
            j = i + 1
            while tokens[j].type != "tr_close":
                if tokens[j].type in ("th_open", "td_open"):
                    cells.append(inline_text(tokens[j + 1]))
                j += 1
            assert len(cells) == 3, cells
            rows.append(cells)
    return rows


def list_items(tokens: list[Token], list_type: str) -> list[str]:
    """The text of the items of lists of `list_type` (bullet_list, ordered_list), in order."""
    items: list[str] = []
    inside = 0
    for i, token in enumerate(tokens):
        if token.type == f"{list_type}_open":
            inside += 1
        elif token.type == f"{list_type}_close":
            inside -= 1
        elif inside and token.type == "paragraph_open":
            items.append(inline_text(tokens[i + 1]))
    return items


def assert_github_clean(text: str, boxes: bool = True) -> list[Token]:
    """Parse as GitHub does and check the invariants every rendered statement has."""
    tokens = GFM.parse(text)
    kinds = {t.type for t in tokens}
    assert "html_block" not in kinds and "html_inline" not in {
        c.type for t in tokens if t.children for c in t.children
    }, "raw HTML leaked into the Markdown"
    assert len(headings(tokens, "h1")) == 1
    assert sum(1 for t in tokens if t.type == "table_open") >= 1
    table_rows(tokens)  # three cells in every row of the Beratungsfolge
    tasks = [item for item in list_items(tokens, "bullet_list") if item[:4] in ("[x] ", "[ ] ")]
    assert bool(tasks) == boxes, "task-list items where the form has boxes, and only there"
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\n\n\n" not in text
    assert all(line == line.rstrip() for line in text.split("\n")), "trailing white space"
    return tokens


def make(data: dict[str, Any], **changes: Any) -> Statement:
    return Statement.model_validate({**data, **changes})


# --- golden files ---------------------------------------------------------------------------------------


def test_golden_names_are_unique() -> None:
    stems = [p.stem for p in INPUTS]
    assert len(stems) == len(set(stems))


@pytest.mark.parametrize("path", INPUTS, ids=_ids(INPUTS))
def test_golden(path: Path) -> None:
    rendered = render_markdown(load_statement(path))
    golden = GOLDEN / f"{path.stem}.md"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_bytes(rendered.encode("utf-8"))
    assert golden.is_file(), f"{golden} fehlt: mit VSP_UPDATE_GOLDEN=1 erzeugen und prüfen"
    assert rendered.encode("utf-8") == golden.read_bytes()


@pytest.mark.parametrize("path", INPUTS, ids=_ids(INPUTS))
def test_golden_parses_as_gfm(path: Path) -> None:
    statement = load_statement(path)
    text = (GOLDEN / f"{path.stem}.md").read_text(encoding="utf-8")
    tokens = assert_github_clean(
        text, boxes=statement.empfehlung_raster or statement.rechtliche_konsequenzen is not None
    )
    rows = table_rows(tokens)
    termin = "Termin" if statement.formular in (None, "2014") else "voraussichtlicher Sitzungstermin"
    assert rows[0] == ["Gremium", termin, "Zuständigkeit"]
    assert len(rows) >= 1 + len(statement.beratungsfolge)
    assert rows[1][0] == statement.beratungsfolge[0].gremium


@pytest.mark.parametrize("path", INPUTS, ids=_ids(INPUTS))
def test_stable(path: Path) -> None:
    statement = load_statement(path)
    first = render_markdown(statement)
    assert render_markdown(statement) == first
    assert first.endswith("\n") and not first.endswith("\n\n")
    assert not any(line.endswith((" ", "\t")) for line in first.split("\n"))
    assert "\n\n\n" not in first


# --- content and order ----------------------------------------------------------------------------------


def test_content_and_order_of_the_example() -> None:
    text = render_markdown(load_statement(Path(EXAMPLE_FILES[0]).parent / "VI-A-03824-VSP-01.yaml"))
    order = [
        "# Verwaltungsstandpunkt Nr. VI-A-03824-VSP-01",
        "**Status:** öffentlich",
        "| Gremium | Termin | Zuständigkeit |",
        "| FA Allgemeine Verwaltung | 18.04.2017 | Vorberatung |",
        "| Ratsversammlung | 17.05.2017 | Beschlussfassung |",
        "**Eingereicht von**\\\nDezernat Allgemeine Verwaltung",
        "**Betreff**\\\n**Werkstattgespräche",
        "> **Rechtliche Konsequenzen**",
        "> - [ ] Rechtswidrig und/oder",
        "> - [ ] Nachteilig für die Stadt Leipzig.",
        "- [ ] Zustimmung\n- [ ] Ablehnung\n- [ ] Zustimmung mit Ergänzung\n"
        "- [x] Ablehnung, da bereits Verwaltungshandeln\n- [ ] Alternativvorschlag\n- [ ] Sachstandsbericht\n",
        "## Prüfung der Übereinstimmung mit den strategischen Zielen\n\nnicht relevant\n",
        "## Begründung\n\nMit seinem Antrag",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_petition_has_its_options_and_no_legal_box(minimal_data: dict[str, Any]) -> None:
    data = {**minimal_data, "art": "petition", "nummer": "VII-P-02450-VSP-01", "empfehlung": "erledigt"}
    data.pop("begruendung")
    text = render_markdown(make(data, sachverhalt="Erledigt."))
    assert text.startswith("# Verwaltungsstandpunkt zur Petition Nr. VII-P-02450-VSP-01\n")
    assert "Rechtliche Konsequenzen" not in text
    items = list_items(GFM.parse(text), "bullet_list")
    assert items == [
        "[ ] Zustimmung und Abhilfe",
        "[ ] Alternativvorschlag",
        "[ ] Berücksichtigung",
        "[x] Erledigt",
        "[ ] Ablehnung",
    ]


def test_neufassung_title_and_gremium_line(minimal_data: dict[str, Any]) -> None:
    text = render_markdown(make(minimal_data, nummer="VI-A-01029-VSP-001-NF-001", gremium="Ratsversammlung"))
    assert text.startswith("Ratsversammlung\n\n# Neufassung Nr. VI-A-01029-VSP-001-NF-001\n")


def test_soft_hyphens_are_left_out_and_a_word_broken_at_one_is_joined(minimal_data: dict[str, Any]) -> None:
    """A soft hyphen (U+00AD) pasted into the YAML is a hint for the PDF's line breaks; in the Markdown it would
    only split the word for search and show in a diff as nothing. At a line's end inside a paragraph the PDF
    prints the word whole, and so does the Markdown; across a blank line nothing is joined."""
    begruendung = (
        "Ein Verwal\xadtungs\xadstand\xadpunkt.\n\n"
        "> Aus Förder\xad\n> mitteln des Bundes.\n\n"
        "- Vorhaben\xad\n  trägerin\n\n"
        "Am Ende\xad\n\nneu. 1\xad. bleibt"
    )
    text = render_markdown(make(minimal_data, betreff="Stadt\xadrat", begruendung=begruendung))
    assert "**Stadtrat**" in text
    joined = "Ein Verwaltungsstandpunkt.\n\n> Aus Fördermitteln des Bundes.\n\n- Vorhabenträgerin\n\n"
    assert joined + "Am Ende\xad\n\nneu. 1\xad. bleibt\n" in text  # no word: left as written


def test_legal_box_ticks_and_can_be_switched_off(minimal_data: dict[str, Any]) -> None:
    ticked = render_markdown(make(minimal_data, rechtliche_konsequenzen={"rechtswidrig": True}))
    assert "> - [x] Rechtswidrig und/oder\n> - [ ] Nachteilig für die Stadt Leipzig.\n" in ticked
    off = render_markdown(make(minimal_data, rechtliche_konsequenzen=False))
    assert "Rechtliche Konsequenzen" not in off and "Rechtswidrig" not in off


def test_punkte_after_the_label_and_missing_cells_empty(minimal_data: dict[str, Any]) -> None:
    statement = make(
        minimal_data,
        empfehlung=[
            {"option": "zustimmung", "punkte": "zu 1."},
            {"option": "zustimmung", "punkte": "zu 3."},
            {"option": "ablehnung", "punkte": "zu 2."},
        ],
        beratungsfolge=[{"gremium": "Ratsversammlung"}, {"gremium": "FA Umwelt", "termin": "2019-05-07"}],
    )
    tokens = GFM.parse(render_markdown(statement))
    assert list_items(tokens, "bullet_list")[2:4] == ["[x] Zustimmung zu 1.; zu 3.", "[x] Ablehnung zu 2."]
    assert table_rows(tokens)[1:] == [["Ratsversammlung", "", ""], ["FA Umwelt", "07.05.2019", ""]]


def test_sections_in_order_with_their_headings(minimal_data: dict[str, Any]) -> None:
    statement = make(
        minimal_data,
        beschlussvorschlag="1. Der Oberbürgermeister wird beauftragt.",
        beschlussvorschlag_titel="Alternativvorschlag:",
        strategische_ziele="Ziel **A**",
        sachverhalt="Der Sachverhalt.",
        anlagen=["Karte", "Kosten"],
    )
    tokens = GFM.parse(render_markdown(statement))
    assert headings(tokens, "h2") == [
        "Alternativvorschlag",
        "Prüfung der Übereinstimmung mit den strategischen Zielen",
        "Sachverhalt",
        "Begründung",
        "Anlagen",
    ]
    assert list_items(tokens, "ordered_list") == ["Der Oberbürgermeister wird beauftragt.", "Karte", "Kosten"]


@pytest.mark.parametrize(
    ("titel", "heading"),
    [(None, ["Beschlussvorschlag"]), (False, []), ("Beschluss:", ["Beschluss"])],
    ids=["null: the form's heading", "false: none", "own heading"],
)
def test_beschlussvorschlag_titel_null_keeps_the_form_heading_false_removes_it(
    minimal_data: dict[str, Any], titel: Any, heading: list[str]
) -> None:
    statement = make(minimal_data, beschlussvorschlag="Der Text.", beschlussvorschlag_titel=titel)
    tokens = GFM.parse(render_markdown(statement))
    assert headings(tokens, "h2")[: len(heading) + 1] == [
        *heading,
        "Prüfung der Übereinstimmung mit den strategischen Zielen",
    ]


# --- plain text prints literally ------------------------------------------------------------------------

NASTY = [
    "*Stern* _unter_ **fett** __auch__",
    "a | b | c",
    "# keine Überschrift",
    "## auch keine ##",
    "[x] kein Kästchen",
    "[ ] auch keins",
    "<b>fett?</b> & <i>kursiv</i> <font size=30>groß</font>",
    "&amp; &copy; &#35; bleiben Text",
    "`code` und ``mehr``",
    "- kein Listenpunkt",
    "+ auch keiner",
    "* und keiner",
    "1. keine Aufzählung",
    "2) auch keine",
    "> kein Zitat",
    "---",
    "===",
    "~~durchgestrichen~~ ~~~",
    "$x^2$ kostet 5 $",
    r"Pfad C:\Temp\ und \* und a\|b",
    "Ende mit Raute #",
    "[Verweis](http://example.org) ![Bild](x.png)",
    "<https://www.leipzig.de> <!-- Kommentar",
    "```",
    "<div>",
]


@pytest.mark.parametrize("value", NASTY)
def test_plain_text_prints_literally(minimal_data: dict[str, Any], value: str) -> None:
    statement = make(
        minimal_data,
        gremium=value,
        betreff=value,
        eingereicht_von=[value, value],
        beratungsfolge=[
            {"gremium": value, "termin": "2017-04-18", "zustaendigkeit": value},
            {"gremium": "Ratsversammlung"},
        ],
        empfehlung=[{"option": "zustimmung", "punkte": value}],
        anlagen=[value, "zweite Anlage"],
    )
    labels = Labels({"zustimmung": value, "betreff": value})
    text = render_markdown(statement, RenderSettings(labels=labels))
    tokens = assert_github_clean(text)

    assert table_rows(tokens) == [
        ["Gremium", "Termin", "Zuständigkeit"],
        [value, "18.04.2017", value],
        ["Ratsversammlung", "", ""],
    ]
    paras = [paragraph_lines(p) for p in paragraphs(tokens)]
    assert [value] in paras  # the gremium line above the title
    assert ["Eingereicht von", value, value] in paras
    assert [value, value] in paras  # Betreff (label overridden) and the subject
    assert f"[x] {value} {value}" in list_items(tokens, "bullet_list")
    assert list_items(tokens, "ordered_list") == [value, "zweite Anlage"]
    # exactly the structure of a plain statement: one title, no extra headings, lists, quotes or tables
    assert headings(tokens, "h1") == ["Verwaltungsstandpunkt Nr. VI-A-03824-VSP-01"]
    assert sum(1 for t in tokens if t.type == "table_open") == 1
    assert sum(1 for t in tokens if t.type == "blockquote_open") == 1  # the legal box
    assert sum(1 for t in tokens if t.type == "bullet_list_open") == 2
    assert "$" not in text.replace("\\$", "")  # GitHub would typeset $…$ as math


def test_line_breaks_in_plain_text_become_spaces(minimal_data: dict[str, Any]) -> None:
    statement = make(
        minimal_data, beratungsfolge=[{"gremium": "FA\nUmwelt |\n# Klima", "zustaendigkeit": "A\r\nB"}]
    )
    assert table_rows(GFM.parse(render_markdown(statement)))[1] == ["FA Umwelt | # Klima", "", "A B"]


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("Dezernat Umwelt, Ordnung, Sport", "Dezernat Umwelt, Ordnung, Sport"),
        ("zu 1. und 2.", "zu 1. und 2."),
        ("1. Lesung", "1\\. Lesung"),
        ("a|b", "a\\|b"),
        ("- x", "\\- x"),
        ("R&D &amp;", "R&D \\&amp;"),
    ],
)
def test_md_escapes_only_what_it_must(value: str, escaped: str) -> None:
    assert md(value) == escaped


@settings(max_examples=300)
@given(
    st.text(alphabet=st.sampled_from(list(" \t\r\nab1.)#>+=-*_`[]<|~$&;\\x")) | st.characters(), max_size=12)
)
def test_md_shortcut_changes_nothing(value: str) -> None:
    """Text the shortcut returns untouched is text every escaping step would have left alone."""
    assert md(value) == _escaped(value)


# --- prose ----------------------------------------------------------------------------------------------


def test_prose_headings_move_below_the_section() -> None:
    text = (
        "# Eins\n\nText\n\n## Zwei\n\nZwei b\n---\n\n> ### Drei\n\n- Vier\n  ===\n\n```\n# kein Titel\n```\n"
    )
    out = prose(text)
    assert out.split("\n") == [
        "### Eins",
        "",
        "Text",
        "",
        "#### Zwei",
        "",
        "#### Zwei b",
        "",
        "> ##### Drei",
        "",
        "- ### Vier",
        "",
        "```",
        "# kein Titel",
        "```",
        "",
    ]


def test_prose_headings_keep_relative_levels_without_gaps() -> None:
    assert prose("## A\n\n### B\n") == "### A\n\n#### B\n"
    assert prose("#### tief\n") == "#### tief\n"
    assert prose("# A\n\n###### F\n") == "### A\n\n###### F\n"


def test_prose_raw_html_prints_literally() -> None:
    source = 'Roh: <b>kein HTML</b> & <img src="/etc/passwd"/>\n\n<div>\nBlock\n</div>\n\n<!-- offen\n\n`<b>` bleibt Code'
    out = prose(source)
    tokens = GFM.parse(out)
    assert "html_block" not in {t.type for t in tokens}
    texts = [
        inline_text(tokens[i + 1], frozenset({"text", "softbreak", "code_inline"}))
        for i, t in enumerate(tokens)
        if t.type == "paragraph_open"
    ]
    assert texts[0] == 'Roh: <b>kein HTML</b> & <img src="/etc/passwd"/>'
    assert "`<b>` bleibt Code" in out
    assert GFM.render(out) == MarkdownIt("commonmark", {"html": False}).enable("table").render(source)


#: Pieces of raw HTML, code spans and links, closed and unclosed, for the escaping property below.
_HTML_ALPHABET = st.sampled_from(
    [
        "<",
        ">",
        "<!--",
        "-->",
        "<?",
        "?>",
        "<![CDATA[",
        "]]>",
        "<!DOCTYPE",
        "</",
        "<div>",
        "<b x='>'>",
        "`",
        "``",
        "\\",
        "a",
        "/",
        "](<",
        "<https://x.de>",
        "<a@b.de>",
        "[t](u)",
        " ",
        "\n",
        "\n\n",
        "> ",
        "- ",
    ]
)
_HTML_OFF = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


@given(st.lists(_HTML_ALPHABET, max_size=30).map("".join))
@settings(max_examples=400, deadline=None, derandomize=True)
@example("[r]:\n<div>\n")  # a definition's destination on its own line: an HTML block where HTML is on
def test_prose_never_lets_html_through(text: str) -> None:
    """With raw HTML on, as GitHub and GitLab read the output, no tag or HTML block survives."""
    tokens = GFM.parse(prose(text))
    assert not [t for t in tokens if t.type == "html_block"]
    assert not [c for t in tokens for c in t.children or () if c.type == "html_inline"]


@pytest.mark.parametrize(
    "source",
    [
        "`\n<!--` und <b>fett</b> und `<i>`",  # a code span over a line that looks like an HTML block
        "[a](<b c>) ist ein Link.\n\nAber ](<b> ist keiner",  # only the paragraph that fooled the guess
        "| `<b>` | <i>x</i> |\n|---|---|\n| `a | <u>` |",  # code spans end at their cell
        "</" + "<!--" * 50 + " `x` " + "``y" * 20,
        # `\\<a>` would be a link destination where `<a>` is none: the line a reference definition, gone
        "[r]:<a>[r]",
        "> [r]:\n> <a>[r]",
        "[r]: <a>'Titel'",
        "[r]:<<a>",  # `<\\<a>` would be one
        # a definition whose line opens with a tag: where HTML is on, the tag ended it and opened an HTML block
        "[r]:\n<script>\n\n[r]",
        "> [r]:\n> <div>",
        "[r\n<div>]: /a",
        "[x](<a<b>)",  # `<a\\<b>` would be a destination: a link
    ],
)
def test_prose_escaped_html_renders_as_the_source_with_html_off(source: str) -> None:
    out = prose(source)
    assert GFM.render(out).replace("     ", " ") == _HTML_OFF.render(source)


def test_escaping_a_tag_in_a_destination_in_pointy_brackets_makes_no_link() -> None:
    """`<a>` makes `<javascript:y<a>` no destination; with a backslash before it, it was one, and the field a link
    to `javascript:`, which `mdlinks` had not seen (the PDF prints the text). Read as GitHub reads it, any target
    taken: no link."""
    from vsp_cli.commonmark import github_parser

    tokens = github_parser().parse(prose("[x](<javascript:alert(1)<a>) und [y](<b>)"))
    assert [c.attrs["href"] for t in tokens for c in t.children or () if c.type == "link_open"] == ["b"]
    # `](<b>` without a link before it is a tag: every `<` of the paragraph gets a backslash, `](\\<` made a
    # destination of `\\<javascript:y\\<a>`
    tokens = github_parser().parse(prose("a ](<b> [x](<javascript:y<a>)"))
    assert not [c for t in tokens for c in t.children or () if c.type == "link_open"]


@pytest.mark.parametrize(
    "source",
    [
        "Siehe <java\xadscript:alert(1)> hier.",
        "[x](<java\xadscript:alert(1)>)",
        "[r]\n\n[r]: java\xadscript:alert(1)",
        "> Siehe <java\xad\n> script:alert(1)>",
    ],
    ids=["autolink", "ziel", "referenz", "umbruch"],
)
def test_a_soft_hyphen_left_out_makes_no_link_to_javascript(source: str) -> None:
    """`<java\xadscript:…>` is text (no scheme holds a soft hyphen), and the PDF prints it; leaving the soft
    hyphen out of the Markdown after its links were judged made `<javascript:alert(1)>`, a link. Read as GitHub
    reads it, no link."""
    from vsp_cli.commonmark import github_parser

    out = prose(source)
    tokens = github_parser().parse(out)
    assert not [c for t in tokens for c in t.children or () if c.type == "link_open"], out
    if "[" not in source:  # no link: a text
        assert "javascript:alert(1)" in out  # the text stays


def test_prose_escapes_many_unclosed_tags_and_backtick_runs() -> None:
    """Inputs that were searched to their end at every `<` or backtick run (quadratic) come out right."""
    comments = "</" + "<!--" * 2000 + " `x` " + "``y" * 500
    out = prose(comments)
    assert out.count("\\<") == 2001 and "`x`" in out
    assert GFM.render(out) == _HTML_OFF.render(comments)
    ticks = "".join("`" * k + "<b>" for k in range(1, 300)) + "`" * 150
    assert GFM.render(prose(ticks)) == _HTML_OFF.render(ticks)


def test_prose_links_and_autolinks_stay_links() -> None:
    source = "Siehe <https://www.leipzig.de/>, <amt@leipzig.de> und [Plan](<plan a.pdf>)."
    assert prose(source) == source
    html = GFM.render(source)
    assert html.count("<a href=") == 3


def test_prose_hard_breaks_and_trailing_spaces() -> None:
    out = prose("Zeile mit Umbruch  \nweiter  \nEnde  \n\nC:\\  \nx")
    assert out == "Zeile mit Umbruch\\\nweiter\\\nEnde  \n\nC:\\\\\\\nx"
    assert "<br />" in GFM.render(out)


@pytest.mark.parametrize(
    "source",
    [
        "Text mit `Code  \nüber zwei Zeilen` und  \nUmbruch",  # two spaces inside a code span are text
        '[Plan](plan.pdf "Titel  \nzweite Zeile")  \nUmbruch',  # and inside a link title
        "- Liste  \n  mit `x  \n  y`  \n  Ende",
    ],
)
def test_prose_breaks_are_not_rewritten_where_two_spaces_are_text(source: str) -> None:
    """Such a paragraph keeps its trailing spaces (GitHub reads them as breaks); a backslash would print."""
    assert prose(source) == source
    assert "<br />" in _HTML_OFF.render(source)


def test_unclosed_fence_does_not_swallow_the_document(minimal_data: dict[str, Any]) -> None:
    statement = make(minimal_data, sachverhalt="```python\nprint(1)", begruendung="Nach dem Code.")
    tokens = GFM.parse(render_markdown(statement))
    assert headings(tokens, "h2")[-2:] == ["Sachverhalt", "Begründung"]


@pytest.mark.parametrize("sachverhalt", ["1. ```python\n   print(1)", "- Punkt\n  - ~~~\n    print(1)"])
def test_an_unclosed_fence_in_a_list_item_takes_no_blank_line_of_the_document(
    minimal_data: dict[str, Any], sachverhalt: str
) -> None:
    """An unclosed fence in a list item runs to the item's end: in the document, over the blank lines after the
    field, which the code block printed (the PDF sets the field alone). Every unclosed fence is closed now."""
    statement = make(minimal_data, sachverhalt=sachverhalt, begruendung="Nach dem Code.")
    tokens = GFM.parse(render_markdown(statement))
    assert [t.content for t in tokens if t.type == "fence"] == ["print(1)\n"]
    assert headings(tokens, "h2")[-2:] == ["Sachverhalt", "Begründung"]


def test_a_definition_above_a_tag_does_not_swallow_the_document(minimal_data: dict[str, Any]) -> None:
    """`[r]:` above `<script>` defines r in the PDF; where HTML is on (GitHub), the tag ended the definition and
    opened an HTML block, which ran to the end of the document: the headings after it were gone."""
    statement = make(minimal_data, sachverhalt="[r]:\n<script>", begruendung="Nach der Definition.")
    tokens = GFM.parse(render_markdown(statement))
    assert headings(tokens, "h2")[-2:] == ["Sachverhalt", "Begründung"]
    assert not [t for t in tokens if t.type == "html_block"]


def test_prose_example_keeps_its_markdown() -> None:
    path = next(p for p in EXAMPLE_FILES if p.stem == "beispiel-mehrere-optionen")
    tokens = GFM.parse(render_markdown(load_statement(path)))
    kinds = {t.type for t in tokens}
    assert {"bullet_list_open", "ordered_list_open", "blockquote_open", "strong_open", "em_open"} <= kinds | {
        c.type for t in tokens if t.children for c in t.children
    }


# --- settings, templates and their errors --------------------------------------------------------------


def test_labels_and_body_from_configuration(tmp_path: Path, minimal_data: dict[str, Any]) -> None:
    config = tmp_path / "vsp.toml"
    config.write_text(
        'body = "Gemeinde Musterdorf"\n[labels]\nablehnung_verwaltungshandeln = "Sachverhalt bereits berücksichtigt"\n'
        'sachverhalt = "Ausgangslage:"\n',
        encoding="utf-8",
    )
    settings = resolve(config).render
    text = render_markdown(make(minimal_data, sachverhalt="S."), settings)
    assert "- [x] Sachverhalt bereits berücksichtigt\n" in text
    assert "Ablehnung, da bereits Verwaltungshandeln" not in text
    assert "> - [ ] Nachteilig für die Gemeinde Musterdorf.\n" in text
    assert "## Ausgangslage\n" in text


def test_template_override(tmp_path: Path, minimal_data: dict[str, Any]) -> None:
    (tmp_path / "statement.md.j2").write_text(
        "# {{ title }}\n\nEigene Vorlage für {{ statement.betreff | md }} ({{ body }})\n", encoding="utf-8"
    )
    text = render_markdown(make(minimal_data, betreff="A*B"), RenderSettings(template_dir=tmp_path))
    assert (
        text == "# Verwaltungsstandpunkt Nr. VI-A-03824-VSP-01\n\nEigene Vorlage für A\\*B (Stadt Leipzig)\n"
    )


def test_an_edited_template_is_used_at_once(tmp_path: Path, minimal_data: dict[str, Any]) -> None:
    """`--watch` renders again in the same process after a template changed: the edit must count."""
    template = tmp_path / "statement.md.j2"
    settings, statement = RenderSettings(template_dir=tmp_path), make(minimal_data)
    template.write_text("erste Fassung\n", encoding="utf-8")
    assert render_markdown(statement, settings) == "erste Fassung\n"
    template.write_text("zweite Fassung\n", encoding="utf-8")
    later = template.stat().st_mtime + 5
    os.utime(template, (later, later))  # a file system's clock may not tick between two quick writes
    assert render_markdown(statement, settings) == "zweite Fassung\n"


def test_override_folder_without_the_template_falls_back(
    tmp_path: Path, minimal_data: dict[str, Any]
) -> None:
    (tmp_path / "anderes.md.j2").write_text("x", encoding="utf-8")
    statement = make(minimal_data)
    assert render_markdown(statement, RenderSettings(template_dir=tmp_path)) == render_markdown(statement)


def _template_error(tmp_path: Path, source: str, statement: Statement) -> TemplateError:
    (tmp_path / "statement.md.j2").write_text(source, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        render_markdown(statement, RenderSettings(template_dir=tmp_path))
    return info.value


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"statement.md.j2": '{% include "statement.md.j2" %}'}, "ruft sich ohne Ende selbst auf"),
        ({"statement.md.j2": "{% extends 'statement.md.j2' %}"}, "ruft sich ohne Ende selbst auf"),
        (
            {"statement.md.j2": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"},
            "ruft sich ohne Ende selbst auf",
        ),
        ({"statement.md.j2": b"\xff\xfe{{ title }}"}, "keine UTF-8-Datei"),
        ({"statement.md.j2": '{% include "teil.j2" %}', "teil.j2": b"\xff{{ title }}"}, "keine UTF-8-Datei"),
    ],
)
def test_templates_that_recurse_or_are_not_utf8_are_template_errors(
    tmp_path: Path, minimal_data: dict[str, Any], files: dict[str, str | bytes], expected: str
) -> None:
    """Both crashed vsp (exit 123: RecursionError, UnicodeDecodeError) instead of naming the template."""
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (tmp_path / name).write_bytes(data)
    with pytest.raises(TemplateError) as info:
        render_markdown(make(minimal_data), RenderSettings(template_dir=tmp_path))
    [diagnostic] = info.value.diagnostics
    assert diagnostic.code == "template-error" and expected in diagnostic.message
    assert diagnostic.file == str(tmp_path / "statement.md.j2")


def test_template_syntax_error_is_located(tmp_path: Path, minimal_data: dict[str, Any]) -> None:
    error = _template_error(tmp_path, "# {{ title }}\n\n{% if statement.gremium %}\nx\n", make(minimal_data))
    [diagnostic] = error.diagnostics
    assert diagnostic.file == str(tmp_path / "statement.md.j2")
    assert diagnostic.code == "template-syntax"
    assert diagnostic.line == 4  # Jinja reports the end of the unclosed block
    assert "Syntaxfehler in der Vorlage „statement.md.j2“" in diagnostic.message


def test_template_syntax_error_line(tmp_path: Path, minimal_data: dict[str, Any]) -> None:
    error = _template_error(tmp_path, "a\nb\n{{ title }\n", make(minimal_data))
    assert (error.diagnostics[0].line, error.diagnostics[0].code) == (3, "template-syntax")


@pytest.mark.parametrize(
    ("source", "line", "word"),
    [
        ("# {{ title }}\n\n{{ gibt_es_nicht }}\n", 3, "gibt_es_nicht"),
        (
            "# {{ title }}\n{% for x in options %}\n{{ x.label }}\n{{ statement.betref }}\n{% endfor %}\n",
            4,
            "betref",
        ),
        ("{{ labels.unbekannt }}\n", 1, "unbekannt"),
    ],
)
def test_template_undefined_variable_is_located(
    tmp_path: Path, minimal_data: dict[str, Any], source: str, line: int, word: str
) -> None:
    error = _template_error(tmp_path, source, make(minimal_data))
    [diagnostic] = error.diagnostics
    assert diagnostic.file == str(tmp_path / "statement.md.j2")
    assert (diagnostic.line, diagnostic.code) == (line, "template-undefined")
    assert word in diagnostic.message and "statement.md.j2" in diagnostic.message


def test_template_runtime_error_is_located(tmp_path: Path, minimal_data: dict[str, Any]) -> None:
    error = _template_error(tmp_path, "x\n{{ 1 // 0 }}\n", make(minimal_data))
    assert (error.diagnostics[0].line, error.diagnostics[0].code) == (2, "template-error")


def test_missing_include_and_missing_folder(tmp_path: Path, minimal_data: dict[str, Any]) -> None:
    error = _template_error(tmp_path, "{% include 'fehlt.md.j2' %}\n", make(minimal_data))
    assert error.diagnostics[0].code == "template-not-found"
    assert "fehlt.md.j2" in error.diagnostics[0].message
    with pytest.raises(TemplateError) as info:
        render_markdown(make(minimal_data), RenderSettings(template_dir=tmp_path / "gibt-es-nicht"))
    assert info.value.diagnostics[0].code == "template-dir-missing"


def test_every_label_key_is_known_to_the_template_context() -> None:
    from vsp_cli.markdown import context

    statement = load_statement(EXAMPLE_FILES[0])
    assert set(context(statement, RenderSettings())["labels"]) == set(LABEL_TARGETS)


def test_docs_name_every_template_variable_and_filter() -> None:
    from vsp_cli.markdown import FILTERS, context

    docs = (Path(__file__).parents[1] / "docs" / "templates.md").read_text(encoding="utf-8")
    names = set(context(load_statement(EXAMPLE_FILES[0]), RenderSettings())) | set(FILTERS)
    assert {name for name in names if f"`{name}`" not in docs} == set()


_PROSE_ALPHABET = st.sampled_from(
    [*list("ab #=-*_`~<>|[]()!\\1.) \t\n"), "\n\n", "  \n", "---", "===", "```", "<b>"]
)


@given(st.lists(_PROSE_ALPHABET, max_size=40).map("".join))
@example("a\n===")  # a setext heading
@example(">a\n>=")  # a setext heading inside a quote
@example("- a\n  -")  # and inside a list item
@settings(max_examples=300, deadline=None)
def test_prose_fast_path_equals_parsing(text: str) -> None:
    """Text returned without parsing is exactly what the parsing path would make of it."""
    from vsp_cli.markdown import _prose_parsed, prose

    assert prose(text) == _prose_parsed(text, 2)


@pytest.mark.parametrize(
    ("source", "written"),
    [
        ("Erste Zeile\\\nzweite Zeile\n---", "### Erste Zeile zweite Zeile"),
        ("> - **fett**\\\n>   weiter\n>   ===", "> - ### **fett** weiter"),
        ("zwei \\\\\nZeilen\n---", "### zwei \\\\ Zeilen"),  # an escaped backslash stays
        ("am Ende \\\n---", "### am Ende \\"),  # the last line's backslash is text, not a break
    ],
)
def test_a_setext_heading_with_a_hard_break_becomes_an_atx_heading_without_a_backslash(
    source: str, written: str
) -> None:
    """A setext heading, demoted, is written as one ATX line; a line of it ending in a backslash (a hard break)
    left that backslash in the line, where GitHub prints it („Erste Zeile\\ zweite Zeile“)."""
    assert prose(source) == written


def test_a_paragraph_is_parsed_at_most_twice_to_check_its_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checking each line on its own parsed a 1,000-line paragraph a thousand times (14 s)."""
    from vsp_cli import markdown

    calls: list[int] = []
    real = markdown._inline_shape

    def counted(lines: list[str]) -> Any:
        calls.append(len(lines))
        return real(lines)

    monkeypatch.setattr(markdown, "_inline_shape", counted)
    source = "`x  \n" + "a  \n" * 1000 + "y`"
    assert prose(source) == source
    assert len(calls) == 2


def test_dates_print_as_in_the_pdf_even_before_the_year_1000(minimal_data: dict[str, Any]) -> None:
    minimal_data["beratungsfolge"] = [{"gremium": "Rat", "termin": "0987-06-05"}]
    text = render_markdown(Statement.model_validate(minimal_data))
    assert "| 05.06.0987 |" in text


@pytest.mark.parametrize(
    ("source", "written"),
    [
        ("ca. ~50 bis ~80 Plätze", "ca. \\~50 bis \\~80 Plätze"),
        ("~~alt~~ neu", "~~alt~~ neu"),
        ("Code `~x~` bleibt", "Code `~x~` bleibt"),
        ("| a | ~b~ |\n| --- | --- |\n| ~c | d |", "| a | \\~b\\~ |\n| --- | --- |\n| \\~c | d |"),
    ],
)
def test_single_tildes_are_escaped_as_github_strikes_between_them(source: str, written: str) -> None:
    """GitHub strikes text between single tildes („ca. ~50 bis ~80“); the PDF prints them."""
    assert prose(source) == written
    parser = MarkdownIt("commonmark").enable("table")  # like the PDF: single tildes are characters
    assert parser.render(written) == parser.render(source)


def test_a_template_folder_is_read_once_and_must_hold_templates_only(
    minimal_data: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unchanged templates are not read again for every statement; a folder of other files is refused."""
    from vsp_cli import templatefiles

    (tmp_path / "statement.md.j2").write_text("Eigene {{ statement.nummer }}\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "objekt").write_bytes(b"\xff" * 100)  # hidden: neither read nor fingerprinted
    settings = RenderSettings(template_dir=tmp_path)
    statement = Statement.model_validate(minimal_data)
    reads: list[Path] = []
    real_read = templatefiles.read
    monkeypatch.setattr(templatefiles, "read", lambda file: reads.append(file.path) or real_read(file))
    for _ in range(3):
        assert render_markdown(statement, settings) == "Eigene VI-A-03824-VSP-01\n"
    assert reads == [tmp_path / "statement.md.j2"]
    monkeypatch.setattr(templatefiles, "MAX_TEMPLATE_BYTES", 10)
    with pytest.raises(TemplateError, match="Ordner nur für die Vorlagen"):
        render_markdown(statement, settings)


def test_labels_of_the_configuration_apply_on_top_of_any_form() -> None:
    """`[labels]` keeps working on 2017 and 2019: each key overrides one setting of the form; a key the form does
    not print (the goals on 2019) changes nothing and is no error."""
    statement = load_statement(EXAMPLES / "VII-A-00261-VSP-01.yaml")
    labels = Labels(
        {
            "sachstandsbericht": "Bericht",
            "spalte_termin": "Datum",
            "betreff": "Gegenstand:",
            "strategische_ziele": "Ziele:",
            "seite": "Blatt {seite} von {seiten}",
        }
    )
    text = render_markdown(statement, RenderSettings(labels=labels))
    assert "- [ ] Bericht" in text and "Sachstandsbericht" not in text
    assert "| Gremium | Datum | Zuständigkeit |" in text
    assert "**Gegenstand:**\\" in text
    assert "Ziele" not in text
    import io

    from pypdf import PdfReader

    from vsp_cli.pdf import render_pdf

    pdf = PdfReader(io.BytesIO(render_pdf(statement, RenderSettings(labels=labels))))
    assert "Blatt 1 von 3" in pdf.pages[0].extract_text()


# --- the compiled code of vsp's own templates, kept in the cache folder -----------------------------------


def _fresh_builtin_environment() -> Any:
    from vsp_cli import templating

    templating._cached_environment.cache_clear()
    return templating.environment(None)


def _code_files() -> list[Path]:
    from vsp_cli.hyphenation import cache_dir

    return sorted(cache_dir().glob("jinja-*.cache"))


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield tmp_path / "cache" / "vsp"
    from vsp_cli import templating

    templating._cached_environment.cache_clear()


def _markdown(statement: Statement) -> str:
    return render_markdown(statement, RenderSettings())


def _count_compilations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from now on."""
    import jinja2

    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self: Any, source: Any, name: Any = None, filename: Any = None, *a: Any, **k: Any) -> Any:
        compiled.append(str(name))
        return original(self, source, name, filename, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled


def test_builtin_templates_compile_once_into_the_user_cache(
    empty_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = load_statement(EXAMPLES / "VI-A-03824-VSP-01.yaml")
    _fresh_builtin_environment()
    expected = _markdown(statement)
    files = _code_files()
    assert files and all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    compiled = _count_compilations(monkeypatch)
    _fresh_builtin_environment()
    assert _markdown(statement) == expected
    assert compiled == []  # all from the cache, no new files
    assert _code_files() == files


@pytest.mark.parametrize("damage", ["group-writable", "garbage", "link", "truncated"])
def test_builtin_template_cache_is_only_trusted_when_it_is_the_users_own(
    empty_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, damage: str
) -> None:
    statement = load_statement(EXAMPLES / "VI-A-03824-VSP-01.yaml")
    _fresh_builtin_environment()
    expected = _markdown(statement)
    assert _code_files()
    for file in _code_files():
        data = file.read_bytes()
        if damage == "group-writable":
            file.chmod(0o620)
        elif damage == "garbage":
            file.write_bytes(data[:8] + os.urandom(64))
        elif damage == "truncated":
            file.write_bytes(data[: len(data) // 2])
        else:
            (tmp_path / file.name).write_bytes(data)
            (tmp_path / file.name).chmod(0o600)
            file.unlink()
            file.symlink_to(tmp_path / file.name)
    compiled = _count_compilations(monkeypatch)
    _fresh_builtin_environment()
    assert _markdown(statement) == expected
    assert compiled  # not loaded (another may have changed it) or damaged: compiled again
    if damage in ("garbage", "truncated"):  # the damaged file was replaced by a good one
        _fresh_builtin_environment()
        compiled.clear()
        assert _markdown(statement) == expected and compiled == []


def test_builtin_templates_render_when_the_cache_folder_cannot_be_written(
    empty_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_cache.parent.mkdir(parents=True)
    empty_cache.write_text("not a folder")
    statement = load_statement(EXAMPLES / "VI-A-03824-VSP-01.yaml")
    _fresh_builtin_environment()
    assert _markdown(statement).encode("utf-8") == (GOLDEN / "VI-A-03824-VSP-01.md").read_bytes()
    assert empty_cache.read_text() == "not a folder"


def test_finance_table_cells_escape_no_block_marks(minimal_data: dict[str, Any]) -> None:
    """A cell of the finance tables holds inline text: its dates and amounts stay as written (no „01\\.08.2018“
    or „\\-2.500,50 €“, which a reviewer of the merge request would have to read), while `|`, `*`, `_` are still
    escaped. The Beratungsfolge keeps `md` (v1 output, „1\\. Lesung“, must not change)."""
    statement = make(
        minimal_data,
        formular="2017",
        finanzen={
            "auswirkungen": "ja",
            "haushalt": {
                "aufwendungen": {"von": "2018-08-01", "hoehe": "1.719.000", "wo_veranschlagt": "> 5|3"}
            },
            "folgekosten_haushalt": {"andere_oe_ertraege": {"bis": "2019-12-31", "hoehe": "-2.500,5"}},
        },
    )
    text = render_markdown(statement)
    assert "| | Aufwendungen | 01.08.2018 | | 1.719.000,00\u00a0€ | > 5\\|3 |" in text
    assert "| Zu Lasten anderer OE | Ergeb. HH Erträge | | 31.12.2019 | -2.500,50\u00a0€ | |" in text
    tokens = GFM.parse(text)
    cells = [inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "td_open"]
    for literal in ("01.08.2018", "1.719.000,00\u00a0€", "> 5|3", "31.12.2019", "-2.500,50\u00a0€"):
        assert literal in cells


# --- every plain-text field prints literally: the same document as with a plain word in its place -----------

#: A form file that prints the fields and labels no built-in form prints together: a part title, label/value
#: rows, a custom `angabe` and `auswahl`, the sessions' results and names.
_PROBE_FORM = """schema = 1
name = "Probe"
erbt = "2019"
reihenfolge = ["kopf", "beschluss", "finanzen", "sachverhalt", "schluss"]
[teile.kopf]
titel = "@teil"
bloecke = ["gremium", "titel", "kopfangaben", "beratungsfolge", "eingereicht_von", "betreff", "ang", "wahl"]
[bloecke.kopfangaben]
zeilen = [{ label = "@zeile", feld = "federfuehrung" }, { label = "Bezug", feld = "raeumlicher_bezug" }]
[bloecke.ang]
typ = "angabe"
label = "@angabe"
[bloecke.wahl]
typ = "auswahl"
label = "@auswahl"
optionen = [{ id = "a", label = "@option" }, { id = "b", label = "Zweite" }]
[bloecke.beratungsfolge]
ergebnisse = true
sitzungsnamen = true
"""

_PROBE: dict[str, Any] = {
    "formular": "probe.toml",
    "nummer": "VII-A-01346-VSP-01",
    "gremium": "Ratsversammlung",
    "eingereicht_von": ["Dezernat Umwelt", "Dezernat Kultur"],
    "federfuehrung": "Amt 66",
    "betreff": "Trinkwasserbrunnen",
    "beratungsfolge": [
        {
            "gremium": "FA Umwelt",
            "zustaendigkeit": "Vorberatung",
            "sitzungen": [{"termin": "2020-04-28", "ergebnis": "vertagt", "sitzung": "FA Sitzung"}],
        },
        {"gremium": "Ratsversammlung", "termin": "2020-05-20", "zustaendigkeit": "Beschlussfassung"},
    ],
    "beratungsfolge_vermerk": "offen",
    "empfehlung": [{"option": "zustimmung", "punkte": "Punkt 1"}],
    "beschlussvorschlag_titel": "Beschluss",
    "beschlussvorschlag": "Der Rat beschließt.",
    "raeumlicher_bezug": "stadtweit",
    "anlass": {"verwaltungshandeln": True, "sonstiges": "Antrag"},
    "finanzen": {
        "auswirkungen": "ja",
        "haushalt": {"aufwendungen": {"hoehe": "1.000", "wo_veranschlagt": "Budget"}},
    },
    "begruendung": "Die Verwaltung befürwortet das Anliegen.",
    "anlagen": ["Anlage eins", "Anlage zwei"],
    "zusatzfelder": {"ang": "Angabe", "wahl": "a"},
}

#: Where each plain-text field sits in `_PROBE` (keys and list indexes).
_PLAIN_FIELDS: dict[str, tuple[str | int, ...]] = {
    "gremium": ("gremium",),
    "betreff": ("betreff",),
    "eingereicht_von": ("eingereicht_von", 0),
    "federfuehrung": ("federfuehrung",),
    "beratungsfolge.gremium": ("beratungsfolge", 1, "gremium"),
    "beratungsfolge.zustaendigkeit": ("beratungsfolge", 1, "zustaendigkeit"),
    "ergebnis": ("beratungsfolge", 0, "sitzungen", 0, "ergebnis"),
    "sitzung": ("beratungsfolge", 0, "sitzungen", 0, "sitzung"),
    "beratungsfolge_vermerk": ("beratungsfolge_vermerk",),
    "punkte": ("empfehlung", 0, "punkte"),
    "beschlussvorschlag_titel": ("beschlussvorschlag_titel",),
    "raeumlicher_bezug": ("raeumlicher_bezug",),
    "anlass.sonstiges": ("anlass", "sonstiges"),
    "wo_veranschlagt": ("finanzen", "haushalt", "aufwendungen", "wo_veranschlagt"),
    "anlagen": ("anlagen", 0),
    "zusatzfelder.angabe": ("zusatzfelder", "ang"),
}
_FORM_LABELS = ("@teil", "@zeile", "@angabe", "@auswahl", "@option")
_CONFIG_LABELS = (
    "betreff",
    "eingereicht_von",
    "beratungsfolge",
    "spalte_termin",
    "anlagen",
    "alternativvorschlag",
)

#: A word no escaping touches, put where the value goes to render the document the value must not change.
_WORD = "Platzhalter"
#: Pieces that mean something in Markdown, HTML or GFM, alone or at the start or end of a line.
_MARKUP = st.sampled_from(
    [*" \t\nab1.)#>+=-*_`[]<>|~$&;!()\\:'\"{}", "\u00a0", "\u2009", "\u00ad", "„", "“", "&amp;", "&#35;",
     "<b>", "</b>", "<!--", "1. ", "2) ", "- ", "```", "~~~", "---", "===", "    ", "[x] ", "https://a.de",
     "www.a.de", "a@b.de", "\\\n"]
)  # fmt: skip


def _shape(text: str) -> list[tuple[Any, ...]]:
    """The parsed document: block tokens and each inline token's pieces, neighbouring text joined."""
    out: list[tuple[Any, ...]] = []
    for token in GFM.parse(text):
        if token.type != "inline":
            out.append(
                (token.type, token.tag, token.content if token.type in ("fence", "html_block") else "")
            )
            continue
        pieces: list[tuple[str, str]] = []
        for child in token.children or ():
            kind = "text" if child.type == "text_special" else child.type
            if kind == "text" and pieces and pieces[-1][0] == "text":
                pieces[-1] = ("text", pieces[-1][1] + child.content)
            else:
                pieces.append(
                    (kind, child.content if kind in ("text", "code_inline", "html_inline") else child.tag)
                )
        out.append(("inline", tuple(pieces)))
    return out


def _probe_markdown(folder: Path, where: tuple[str, str], value: str) -> str | None:
    """The probe statement as Markdown with `value` at `where`; None if vsp refuses the value."""
    data = copy.deepcopy(_PROBE)
    form, labels = _PROBE_FORM, {}
    kind, name = where
    if kind == "field":
        *keys, last = _PLAIN_FIELDS[name]
        target: Any = data
        for key in keys:
            target = target[key]
        target[last] = value
    elif kind == "form":
        form = form.replace(f'"{name}"', json.dumps(value, ensure_ascii=False))
    else:
        labels[name] = value
    (folder / "probe.toml").write_text(form, encoding="utf-8")
    (folder / "s.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    statement = check_file(folder / "s.yaml").statement
    return None if statement is None else render_markdown(statement, RenderSettings(labels=Labels(labels)))


_WHERE = [
    *(("field", name) for name in _PLAIN_FIELDS),
    *(("form", name) for name in _FORM_LABELS),
    *(("config", name) for name in _CONFIG_LABELS),
]
#: Labels and titles printed as headings, which drop the colon the printed form puts after them.
_HEADINGS = {("field", "beschlussvorschlag_titel"), ("form", "@teil"), ("config", "anlagen")}


def _as_read(value: str, where: tuple[str, str]) -> str:
    """The text a reader sees for `value`: one line, without white space around it (or a heading's colon), without
    soft hyphens inside words."""
    text = " ".join(re.split(r"[ \t]*\n[ \t]*", value.strip()))
    text = re.sub(r"(?<=[^\W\d_])\xad+(?=[^\W\d_])", "", text).strip()
    return (text.removesuffix(":").rstrip() or text) if where in _HEADINGS else text


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from(_WHERE), value=st.lists(_MARKUP, min_size=1, max_size=8).map("".join))
@example(where=("config", "betreff"), value="Betreff:\u00a0")
@example(where=("form", "@zeile"), value="\u00a0Zeile")
@example(where=("field", "beschlussvorschlag_titel"), value=":")
@example(where=("field", "gremium"), value="a\xad")
@example(where=("field", "betreff"), value="\xad# Ti\xadtel")
def test_every_plain_text_field_and_label_prints_literally(
    tmp_path: Path, where: tuple[str, str], value: str
) -> None:
    """A value full of Markdown, HTML and GFM marks gives the document a plain word gives, with the value's text
    where the word was: no emphasis, link, heading, list item, HTML or broken table, no character lost."""
    assume(_as_read(value, where))  # white space only: a label printing nothing, an empty value
    expected = _probe_markdown(tmp_path, where, _WORD)
    written = _probe_markdown(tmp_path, where, value)
    assume(written is not None)  # refused (unprintable, or white space only)
    assert expected is not None and _WORD in expected
    seen = _as_read(value, where)
    assert _shape(written) == [
        (kind, tuple((k, c.replace(_WORD, seen) if k == "text" else c) for k, c in rest[0]))
        if kind == "inline"
        else (kind, *rest)
        for kind, *rest in _shape(expected)
    ]


@pytest.mark.parametrize(
    ("first", "second", "links"),
    [
        # a definition in one field made „siehe [r]“ in another a link; the PDF prints the brackets
        ("Der Rat.\n\n[r]: https://a.de", "siehe [r] und [R][]", [[], []]),
        # the first definition of a label in the document won: the second field's own [r] went to a.de
        (
            "[r]\n\n[r]: https://a.de",
            "[r] und [Text][r]\n\n[r]: https://b.de",
            [["https://a.de"], ["https://b.de"] * 2],
        ),
        ("![Bild][r] [x][R]\n\n> [r]: https://a.de 'Titel'", "[x]", [["https://a.de"] * 2, []]),
        (
            "| a |\n| - |\n| [r] |\n\n[r]: https://a.de",
            "[r]: https://b.de\n\n[r]",
            [["https://a.de"], ["https://b.de"]],
        ),
        # markdown-it reads `[r](([r]` as a reference to r: its rewrite read differently, the field stayed as
        # written, and its definition made the first field's [r] a link
        ("[r]", "[r]: /a\n[r](([r]", [[], ["/a"]]),
        ("[r]", "[s]: /b\n\n> [s](a \\[s] und [x][s]", [[], ["/b"] * 2]),
        # a cell with an escaped pipe is not found in its row: the field's links are text, its labels its own
        ("[r]", "| a |\n| - |\n| [r] \\| x |\n\n[r]: /a", [[], []]),
    ],
)
def test_a_reference_definition_serves_its_own_field_only(
    first: str, second: str, links: list[list[str]]
) -> None:
    """Spec: each prose field is Markdown of its own, as the PDF sets it; in the Markdown document the fields
    stand one after the other, and a definition would hold for all of them."""
    document = GFM.parse(prose(first) + "\n\n## Begründung\n\n" + prose(second))
    split = next(i for i, t in enumerate(document) if t.type == "heading_open")
    found = [
        [
            str(c.attrs.get("href", c.attrs.get("src", "")))
            for t in part
            if t.children
            for c in t.children
            if c.type in ("link_open", "image")
        ]
        for part in (document[:split], document[split + 3 :])
    ]
    assert found == links


_REFERENCE_ALPHABET = st.sampled_from(
    ["[r]", "[R]", "[s]", "[]", "[x][r]", "![i][s]", "[r]: /a", "[s]: /b 't'", "[r]:", " /c", "\n", "\n\n", "> ",
     "- ", "| a |\n| - |\n| ", "`", "\\", "a", " ", "[", "]", "(", ")", ":"]
)  # fmt: skip


@settings(max_examples=200)
@given(
    st.lists(_REFERENCE_ALPHABET, min_size=1, max_size=12).map("".join),
    st.lists(_REFERENCE_ALPHABET, min_size=1, max_size=12).map("".join),
)
@example("[r][r\nq]: /d", "[r\nq]: /d[r\nq]: /d")  # a label over two lines, used as a shortcut
@example("[r]", "[r]: /a\n[r]: /a")  # a label defined twice: the second definition is one too
@example("[r]", "[r]: /a\n[r](([r]")  # a rewrite that reads differently: the definition stays in its field
@example("1. ```\n", "[r]")  # an unclosed fence in a list item took the blank lines after its field
@example("[r]", "[r]:<a>[r]")  # escaping `<a>` made the line a definition, after the labels were made
@example("[r]", "[r]:<<a>")  # the same with the second `<` of a destination
def test_prose_fields_read_the_same_alone_and_one_after_the_other(first: str, second: str) -> None:
    """Two prose fields in one document, the second under its heading, read as each does alone: no
    definition reaches across."""
    one, two = prose(first.strip()), prose(second.strip())
    assert _shape(f"{one}\n\n## Begründung\n\n{two}") == _shape(one) + _shape("## Begründung") + _shape(two)


@pytest.mark.parametrize("text", ["[r]: /a\n\n![[r]][r]", "| a |\n| - |\n| [r] \\| x |\n\n[r]: /a"])
def test_a_field_whose_references_cannot_be_relabelled_defines_none_of_its_labels(text: str) -> None:
    """Where the relabelled field would read differently (brackets in an image's description, a cell with an
    escaped pipe), it was left as written, and its definitions served every other field. Now they get the
    field's labels all the same, and the field's own references print as text."""
    from vsp_cli.mdlinks import with_own_references

    defined: dict[str, Any] = {}
    GFM.parse(text, defined)
    env: dict[str, Any] = {}
    GFM.parse(with_own_references(text), env)
    assert env["references"]  # still defined, under other labels
    assert not set(env["references"]) & set(defined["references"])


@pytest.mark.parametrize("link", ["[r] ", "[x](javascript:y) "])
def test_many_links_in_one_field_are_rewritten_in_linear_time(link: str) -> None:
    """Each link's nested ones are looked for among those that start inside it, not among all (`mdlinks._inside`):
    20,000 links in a paragraph took 11 s to give their references the field's labels, or to drop unsafe targets."""
    import time

    from vsp_cli.mdlinks import with_own_references, without_unsafe_links

    text = "[r]: https://example.org\n\n" + link * 20_000
    start = time.process_time()
    out = with_own_references(text) if link == "[r] " else without_unsafe_links(text)
    assert time.process_time() - start < 5
    assert out.count("[r][r-") == 20_000 if link == "[r] " else "javascript" not in out


def test_a_kopfangaben_row_of_an_empty_raeumlicher_bezug_prints_its_label_alone(tmp_path: Path) -> None:
    """`raeumlicher_bezug: ""` prints the label alone (spec § 1.2), and a kopfangaben row whose field is empty
    prints the label alone (§ 5.2): „**Bezug**“ as for a row with no value, not „**Bezug** “ with a space
    before the line break."""
    rows = '{ label = "Bezug", feld = "raeumlicher_bezug" }, { label = "@zeile", feld = "federfuehrung" }'
    form = re.sub(r"(?m)^zeilen = .*$", f"zeilen = [{rows}]", _PROBE_FORM)
    (tmp_path / "probe.toml").write_text(form, encoding="utf-8")
    data = copy.deepcopy(_PROBE)
    empty = render_markdown(_probe_statement(tmp_path, {**data, "raeumlicher_bezug": ""}))
    data.pop("raeumlicher_bezug")
    absent = render_markdown(_probe_statement(tmp_path, data))
    assert "**Bezug**\\\n**@zeile** Amt 66" in absent
    header = empty.partition("| Gremium |")[
        0
    ]  # the rows, before the Beratungsfolge (the block prints "" too)
    assert header == absent.partition("| Gremium |")[0]


def _probe_statement(folder: Path, data: dict[str, Any]) -> Statement:
    (folder / "s.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    statement = check_file(folder / "s.yaml").statement
    assert statement is not None
    return statement


@pytest.mark.parametrize("line", ["." + "-" * 50_000 + "x-", "1" + "-" * 50_000 + " x="])
def test_a_long_line_of_dashes_that_is_no_underline_is_checked_in_linear_time(line: str) -> None:
    """Whether a line may be a setext underline was asked with `-+` after markers that take `-` too: every split
    of a run of dashes was tried, and a paragraph of 50,000 (within MAX_PARAGRAPH) took half a minute."""
    import time

    start = time.process_time()
    out = prose(line)
    assert time.process_time() - start < 2
    assert out == line


def test_tabellenzeile_sets_a_row_of_escaped_cells_and_empty_ones() -> None:
    """The filter of the finance tables' rows: each cell as `zelle` escapes it, an empty one (or one of spaces)
    as „ |“; a date and a negative amount stay as written."""
    row = tabellenzeile(["Ergebnishaushalt", "", "  ", "a|b", "-2.500,50 €", "01.08.2018", "*x*"])
    assert row == "| Ergebnishaushalt | | | a\\|b | -2.500,50 € | 01.08.2018 | \\*x\\* |"
