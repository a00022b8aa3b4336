"""The PDF renderer: reading order of the printed form, reproducibility, metadata, fonts and markup safety.

Text is read back with pypdf, as a screen reader or a search index would; pikepdf (qpdf) checks the file
structure. Statements are built from dicts so that each test shows the data it is about.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from conftest import CASES, EXAMPLE_FILES, EXAMPLES, VALID_CASES
from vsp_cli.charset import is_printable
from vsp_cli.labels import BOX_EMPTY, BOX_TICKED, NICHT_RELEVANT, Art, Labels
from vsp_cli.model import Statement
from vsp_cli.pdf import form as pdf_form
from vsp_cli.pdf import render_pdf
from vsp_cli.pdf import styles as pdf_styles
from vsp_cli.pdf import tables as pdf_tables
from vsp_cli.pdf import text as pdf_text
from vsp_cli.settings import RenderSettings
from vsp_cli.validation import load_statement

INJECTIONS = ("<b>x</b>", "a & b", "<font size=30>groß</font>", '<img src="/etc/passwd"/>')


def statement(**changes: Any) -> Statement:
    data: dict[str, Any] = {
        "nummer": "VI-A-03824-VSP-01",
        "betreff": "Werkstattgespräche mit Migrantenselbstorganisationen",
        "eingereicht_von": "Dezernat Allgemeine Verwaltung",
        "beratungsfolge": [
            {"gremium": "FA Allgemeine Verwaltung", "termin": "2017-04-18", "zustaendigkeit": "Vorberatung"},
            {"gremium": "Ratsversammlung", "termin": "2017-05-17", "zustaendigkeit": "Beschlussfassung"},
        ],
        "empfehlung": "ablehnung_verwaltungshandeln",
        "begruendung": "Die Verwaltung befürwortet das Anliegen.",
    }
    data.update(changes)
    return Statement.model_validate({k: v for k, v in data.items() if v is not None})


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Extracted text as one line: words joined across line ends and hyphenation breaks undone (a hyphen added
    by line breaking is a soft hyphen in the text)."""
    text = text.replace("\xad\n", "")
    text = re.sub(r"(?<=\w)-\n(?=[a-zäöüß])", "", text)
    return " ".join(text.split())


def assert_in_order(text: str, items: list[str]) -> None:
    """Every item occurs in `text`, each after the previous one."""
    position = 0
    for item in items:
        found = text.find(item, position)
        assert found >= 0, (
            f"{item!r} not found after position {position}: …{text[position : position + 200]!r}"
        )
        position = found + len(item)


def first_words(markdown: str) -> str:
    """The first run of up to three plain words in a Markdown text (enough to find it in the PDF)."""
    found = re.search(r"[A-Za-zÄÖÜäöüß]+(?:[ \n]+[A-Za-zÄÖÜäöüß]+){0,2}", markdown)
    assert found, markdown
    return " ".join(found.group(0).split())


def german(day: Any) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


# --- the printed form, for every example and valid case -------------------------------------------------------


#: The 2014 form as the seed prints it: the oracle of the reading-order test below (written out here, not read
#: from the form file under test).
FORM_2014 = {
    "titel_antrag": "Verwaltungsstandpunkt Nr. {nummer}",
    "titel_petition": "Verwaltungsstandpunkt zur Petition Nr. {nummer}",
    "titel_neufassung": "Neufassung Nr. {nummer}",
    "oeffentlich": "öffentlich",
    "nichtoeffentlich": "nichtöffentlich",
}
OPTIONS_2014 = {
    Art.ANTRAG: {
        "zustimmung": "Zustimmung",
        "ablehnung": "Ablehnung",
        "zustimmung_mit_ergaenzung": "Zustimmung mit Ergänzung",
        "ablehnung_verwaltungshandeln": "Ablehnung, da bereits Verwaltungshandeln",
        "alternativvorschlag": "Alternativvorschlag",
        "sachstandsbericht": "Sachstandsbericht",
    },
    Art.PETITION: {
        "zustimmung_und_abhilfe": "Zustimmung und Abhilfe",
        "alternativvorschlag": "Alternativvorschlag",
        "beruecksichtigung": "Berücksichtigung",
        "erledigt": "Erledigt",
        "ablehnung": "Ablehnung",
    },
}


#: The statements of format v1 (2014, nothing of v2): the others have oracles of their own (tests/cases/order).
V1_FILES = [
    p for p in EXAMPLE_FILES + VALID_CASES if not p.stem[:4].isdigit() and "formular:" not in p.read_text()
]


@pytest.mark.parametrize("path", V1_FILES, ids=lambda p: p.stem)
def test_every_printed_value_in_reading_order(path: Path) -> None:
    """The 2014 form (format v1) in the order of the seed; other forms have their own oracles (cases/form)."""
    st_ = load_statement(path)
    labels = FORM_2014
    data = render_pdf(st_)
    text = flat("\n".join(pages(data)))
    expected: list[str] = []
    if st_.gremium:
        expected.append(st_.gremium)
    if st_.ist_neufassung:  # whatever it answers
        title = labels["titel_neufassung"]
    elif st_.art is Art.PETITION:
        title = labels["titel_petition"]
    else:
        title = labels["titel_antrag"]
    expected += [title.format(nummer=st_.nummer), f"Status: {labels[st_.status.value]}", "Beratungsfolge:"]
    expected += ["Gremium", "Termin", "Zuständigkeit"]
    for row in st_.beratungsfolge:
        expected.append(row.gremium)
        if row.termin:
            expected.append(german(row.termin))
        if row.zustaendigkeit:
            expected.append(row.zustaendigkeit)
    expected += ["Eingereicht von", *st_.eingereicht_von, "Betreff", " ".join(st_.betreff.split())]
    if st_.art is Art.ANTRAG and st_.rechtliche_konsequenzen is not None:
        rk = st_.rechtliche_konsequenzen
        expected += [
            "Rechtliche Konsequenzen",
            "Der gemäß Ursprungsantrag gefasste Beschluss wäre",
            f"{BOX_TICKED if rk.rechtswidrig else BOX_EMPTY} Rechtswidrig und/oder",
            f"{BOX_TICKED if rk.nachteilig else BOX_EMPTY} Nachteilig für die Stadt Leipzig.",
        ]
    for option, label in OPTIONS_2014[st_.art].items():
        box = BOX_TICKED if option in st_.ticked else BOX_EMPTY
        expected.append(f"{box} {label}")
        expected += st_.punkte_for(option)
    if st_.beschlussvorschlag:
        expected += [
            st_.beschlussvorschlag_titel or "Beschlussvorschlag:",
            first_words(st_.beschlussvorschlag),
        ]
    expected.append("Prüfung der Übereinstimmung mit den strategischen Zielen:")
    assert st_.strategische_ziele is not None
    expected.append(
        NICHT_RELEVANT if st_.strategische_ziele == NICHT_RELEVANT else first_words(st_.strategische_ziele)
    )
    if st_.sachverhalt:
        expected += ["Sachverhalt:", first_words(st_.sachverhalt)]
    if st_.begruendung:
        expected += ["Begründung:", first_words(st_.begruendung)]
    if st_.anlagen:
        expected.append("Anlagen:")
        for number, anlage in enumerate(st_.anlagen, start=1):
            expected += [f"{number}.", anlage]
    assert_in_order(text, expected)
    assert "\xad" not in text  # soft hyphens reach the text layer only where a line ends


def test_seed_reads_like_the_original() -> None:
    data = render_pdf(load_statement(EXAMPLE_FILES[0]))
    text = flat("\n".join(pages(data)))
    assert f"{BOX_TICKED} Ablehnung, da bereits Verwaltungshandeln" in text
    for other in (
        "Zustimmung",
        "Ablehnung",
        "Zustimmung mit Ergänzung",
        "Alternativvorschlag",
        "Sachstandsbericht",
    ):
        assert f"{BOX_EMPTY} {other}" in text
    assert "zum Handlungsfeld „Politische Teilhabe“ ist dies bereits geschehen." in text
    assert text.endswith("Handlungsfelder der Integrationsarbeit abdecken, entbehrlich. Seite 2/2")


def test_german_characters_survive() -> None:
    data = render_pdf(
        load_statement(Path(__file__).parents[1] / "examples" / "beispiel-mehrere-optionen.yaml")
    )
    text = flat("\n".join(pages(data)))
    for fragment in (
        "„Leipzig setzt auf Lebensqualität“",
        "ca. 25.000 €",
        "§ 14",
        "Großstädte",
        "– insbesondere",
    ):
        assert fragment in text


def test_page_counter_and_running_header() -> None:
    data = render_pdf(load_statement(EXAMPLE_FILES[0]))
    first, second = pages(data)
    assert "Seite 1/2" in first and "Seite 2/2" in second
    assert second.startswith("VI-A-03824-VSP-01")  # the running header, from page 2 on
    assert first.startswith("Verwaltungsstandpunkt Nr. VI-A-03824-VSP-01")


def test_long_statement_flows_with_repeated_table_header() -> None:
    rows = [
        {
            "gremium": f"Fachausschuss Nummer {i} für Stadtentwicklung, Bau, Umwelt, Ordnung und Sport",
            "termin": f"2019-{1 + i % 12:02d}-1{i % 10}",
            "zustaendigkeit": "Verweisung in die Gremien" if i % 3 else "Vorberatung",
        }
        for i in range(25)
    ]
    paragraph = "Die Verwaltung hat den Antrag umfassend geprüft und kommt zu folgendem Ergebnis. " * 12
    st_ = statement(beratungsfolge=rows, begruendung="\n\n".join([paragraph] * 8))
    texts = pages(render_pdf(st_))
    assert len(texts) >= 3
    assert "Gremium" in texts[1] and "Zuständigkeit" in texts[1]  # header row repeated after the break
    assert_in_order(flat("\n".join(texts)), [r["gremium"] for r in rows])
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"Seite {number}/{total}" in text


def test_optional_parts_are_left_out() -> None:
    text = flat("\n".join(pages(render_pdf(statement(rechtliche_konsequenzen=False)))))
    assert "Rechtliche Konsequenzen" not in text
    assert "Beschlussvorschlag" not in text and "Sachverhalt" not in text and "Anlagen" not in text
    petition = statement(nummer="VII-P-02450-VSP-01", art="petition", empfehlung="erledigt")
    text = flat("\n".join(pages(render_pdf(petition))))
    assert "Rechtliche Konsequenzen" not in text
    assert_in_order(
        text, ["Verwaltungsstandpunkt zur Petition Nr. VII-P-02450-VSP-01", f"{BOX_TICKED} Erledigt"]
    )


def test_labels_body_and_footer_come_from_settings() -> None:
    labels = Labels({"begruendung": "Gründe:", "seite": "Blatt {seite} von {seiten}", "zustimmung": "Ja"})
    settings_ = RenderSettings(labels=labels, body="Stadt Musterstadt", footer="Entwurf – nur intern")
    text = flat("\n".join(pages(render_pdf(statement(), settings_))))
    assert_in_order(text, [f"{BOX_EMPTY} Ja", "Gründe:", "Entwurf – nur intern", "Blatt 1 von 1"])
    assert "Nachteilig für die Stadt Musterstadt." in text


def test_logo_is_drawn_on_the_first_page(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (200, 30, 30)).save(logo)
    data = render_pdf(statement(), RenderSettings(logo=logo))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        images = list(pdf.pages[0].get_images().values())
        assert len(images) == 1
        assert (images[0].Width, images[0].Height) == (300, 100)


def test_a_jpeg_logo_with_more_pictures_is_drawn_with_the_first(tmp_path: Path) -> None:
    """Cameras and phones add pictures to a JPEG (MPO: a preview, a depth or gain map); the configuration took it
    as the JPEG it is, the renderer refused it as no JPEG."""
    from PIL import Image

    logo = tmp_path / "logo.png"
    first, second = Image.new("RGB", (300, 100), (200, 30, 30)), Image.new("RGB", (60, 60), (0, 0, 200))
    first.save(logo, "MPO", save_all=True, append_images=[second])
    assert Image.open(logo).format == "MPO"
    data = render_pdf(statement(), RenderSettings(logo=logo))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        images = list(pdf.pages[0].get_images().values())
        assert [(image.Width, image.Height) for image in images] == [(300, 100)]


@pytest.mark.parametrize(
    ("orientation", "size"), [(1, (300, 100)), (3, (300, 100)), (6, (100, 300)), (8, (100, 300))]
)
def test_a_logo_is_drawn_as_its_exif_orientation_says(
    tmp_path: Path, orientation: int, size: tuple[int, int]
) -> None:
    """A camera stores a picture as taken and notes in EXIF how to turn it; viewers (and the Markdown's reader)
    show it turned, the PDF showed it lying on its side."""
    from PIL import Image

    logo = tmp_path / "logo.png"
    exif = Image.Exif()
    exif[0x0112] = orientation
    picture = Image.new("RGB", (300, 100), (200, 30, 30))
    picture.paste((0, 0, 200), (0, 0, 150, 100))  # blue on the left as stored
    picture.save(logo, "JPEG", exif=exif.tobytes())
    data = render_pdf(statement(), RenderSettings(logo=logo))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        assert (image.Width, image.Height) == size
        shown = pikepdf.PdfImage(image).as_pil_image()
    blue = {1: (0, 50), 3: (299, 50), 6: (50, 0), 8: (50, 299)}[
        orientation
    ]  # where the stored left edge is shown
    red, _, _ = shown.getpixel(blue)
    assert red < 60


@pytest.mark.parametrize("size", [(4000, 10), (16000, 1), (10, 4000)])
def test_a_logo_stays_on_the_page_whatever_its_shape(tmp_path: Path, size: tuple[int, int]) -> None:
    """A logo is drawn 15 mm high: one of 16,000 × 1 pixels was 240 m wide, over the whole head of the page."""
    from PIL import Image

    from vsp_cli.pdf.styles import LEFT_MARGIN, PAGE_WIDTH, RIGHT_MARGIN

    logo = tmp_path / "logo.png"
    Image.new("RGB", size, (200, 30, 30)).save(logo)
    data = render_pdf(statement(), RenderSettings(logo=logo))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        instructions = list(pikepdf.parse_content_stream(pdf.pages[0]))
    (placed,) = [  # the image is drawn by `w 0 0 h x y cm /Name Do`
        [float(n) for n in before.operands]
        for before, (_, operator) in itertools.pairwise(instructions)
        if str(operator) == "Do"
    ]
    width, height, x = placed[0], placed[3], placed[4]
    assert x >= LEFT_MARGIN - 0.01 and x + width <= PAGE_WIDTH - RIGHT_MARGIN + 0.01
    assert width / height == pytest.approx(size[0] / size[1], rel=0.01)  # the stream rounds to 6 digits


def test_unreadable_logo_is_a_clear_error(tmp_path: Path) -> None:
    from vsp_cli.errors import ConfigError

    logo = tmp_path / "logo.png"
    logo.write_text("kein Bild")
    with pytest.raises(ConfigError, match="Logo"):
        render_pdf(statement(), RenderSettings(logo=logo))


def test_no_hyphenation_when_switched_off() -> None:
    text = "\n".join(pages(render_pdf(load_statement(EXAMPLE_FILES[0]), RenderSettings(hyphenate=False))))
    assert not re.search(r"[a-zäöüß][-\xad]\n[a-zäöüß]", text)
    hyphenated = "\n".join(pages(render_pdf(load_statement(EXAMPLE_FILES[0]))))
    assert re.search(r"[a-zäöüß]\xad\n[a-zäöüß]", hyphenated)  # a hyphen added at a break is a soft one


_LONG = "Langer Text mit vielen Wörtern " * 300


@pytest.mark.parametrize(
    ("changes", "last"),
    [
        ({"beratungsfolge": [{"gremium": _LONG, "zustaendigkeit": "Vorberatung"}]}, _LONG),
        ({"empfehlung": [{"option": "zustimmung", "punkte": _LONG}]}, _LONG),
        ({"begruendung": f"| a | b |\n|---|---|\n| x | {_LONG} |"}, _LONG),
        ({"betreff": "x" * 3000, "begruendung": "y" * 5000}, "x" * 3000),
    ],
    ids=["gremium", "punkte", "table-cell", "long-words"],
)
def test_absurdly_long_values_still_flow_over_pages(changes: dict[str, Any], last: str) -> None:
    texts = pages(render_pdf(statement(**changes)))
    assert len(texts) >= 2
    assert "".join(last.split())[-300:] in "".join("".join(texts).split())


def test_a_paragraph_of_several_styles_split_at_any_height_keeps_its_names_whole() -> None:
    """Its first part was broken again on the page: „Georg-“ | „SchumannStraße“ printed, or a line more than fit
    and the valid statement was refused as not settable."""
    words = [
        "Die",
        "**Verwaltung**",
        "prüft",
        "die",
        "Georg-Schumann-Straße,",
        "die",
        "_Karl-Liebknecht-Straße_",
        "und",
        "[Migrantenselbstorganisationen](https://example.org)",
        "im",
        "Stadtbezirksbeirat.",
    ]
    paragraph = " ".join(words[(i * 5) % len(words)] for i in range(400))
    for lines_before in range(0, 60, 4):
        text = "".join(pages(render_pdf(statement(begruendung="Absatz.\n\n" * lines_before + paragraph))))
        lost = re.findall(r"\w*(?:GeorgSchumann|SchumannStraße|KarlLiebknecht|LiebknechtStraße)\w*", text)
        assert not lost, lines_before


@pytest.mark.parametrize("words", [84, 100, 120, 140, 400])
def test_a_finance_group_taller_than_a_page_breaks_inside(words: int) -> None:
    """A group's label spans its rows, and ReportLab breaks no page inside a span: a group taller than a page
    beside the table's header (a long „wo veranschlagt“) made the valid statement not settable (layout)."""
    where = " ".join(f"Haushaltsstelle{i}" for i in range(words))
    finanzen = {
        "auswirkungen": "ja",
        "folgekosten": "ja",
        "folgekosten_haushalt": {"nachher_aufwand": {"hoehe": "1.000", "wo_veranschlagt": where}},
    }
    data = render_pdf(statement(formular="2017", gremium="Ratsversammlung", finanzen=finanzen))
    text = " ".join(pages(data))
    assert {f"Haushaltsstelle{i}" for i in range(words)} <= set(text.split())
    assert "Ergeb. HH Aufwand aus jährl. Abschreibungen" in " ".join(text.split())


# --- markup in the data is text ----------------------------------------------------------------------------------


@pytest.mark.parametrize("injection", INJECTIONS)
def test_markup_in_fields_prints_literally(injection: str) -> None:
    st_ = statement(
        betreff=f"Betreff {injection} Ende",
        gremium=f"Gremium {injection}",
        eingereicht_von=[f"Dezernat {injection}"],
        beratungsfolge=[{"gremium": f"Ausschuss {injection}", "zustaendigkeit": f"Rolle {injection}"}],
        empfehlung=[{"option": "zustimmung", "punkte": f"zu {injection}"}],
        beschlussvorschlag_titel=f"Titel {injection}:",
        beschlussvorschlag=f"Vorschlag {injection} Ende",
        strategische_ziele=f"Ziele {injection} Ende",
        sachverhalt=f"Sachverhalt {injection} Ende",
        begruendung=f"- Punkt {injection} Ende\n\n| a | b |\n|---|---|\n| {injection} | x |",
        anlagen=[f"Anlage {injection}"],
    )
    text = flat("\n".join(pages(render_pdf(st_))))
    literal = " ".join(injection.split())
    assert_in_order(
        text,
        [
            f"Gremium {literal}",
            f"Ausschuss {literal}",
            f"Rolle {literal}",
            f"Dezernat {literal}",
            f"Betreff {literal} Ende",
            f"Zustimmung zu {literal}",
            f"Titel {literal}:",
            f"Vorschlag {literal} Ende",
            f"Ziele {literal} Ende",
            f"Sachverhalt {literal} Ende",
            f"Punkt {literal} Ende",
            literal,
            f"Anlage {literal}",
        ],
    )


def test_ten_levels_of_lists_and_quotes_lose_no_text() -> None:
    """markdown-it's CommonMark preset stopped at 20 levels and dropped the rest; MAX_NESTING stays below ours."""
    text = flat(" ".join(pages(render_pdf(load_statement(CASES / "valid" / "zehn-ebenen.yaml")))))
    assert_in_order(
        text,
        [
            *(f"Ebene {n}" for n in range(1, 11)),
            "Zurück auf Ebene 4",
            "Danach ein Absatz.",
            "im Zitat",
            "mit einer Liste",
        ],
    )


def test_links_are_clickable_only_for_safe_schemes() -> None:
    st_ = statement(
        begruendung="[Rat](https://ratsinformation.leipzig.de/a?b=1&c=%22x%22) und [Mail](mailto:rat@leipzig.de) "
        "und [FTP](ftp://example.org/datei) und [relativ](seite.html) und [böse](javascript:alert(1)) "
        "und <https://www.leipzig.de/stadtverwaltung/aemter-und-behoerdengaenge/>"
    )
    data = render_pdf(st_)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        uris = [str(a.A.URI) for a in pdf.pages[0].get("/Annots", []) if "/A" in a]
    assert "https://ratsinformation.leipzig.de/a?b=1&c=%22x%22" in uris
    assert "mailto:rat@leipzig.de" in uris
    assert "https://www.leipzig.de/stadtverwaltung/aemter-und-behoerdengaenge/" in uris
    assert len(uris) == 3  # not ftp:, not a relative address, not javascript:
    text = "".join(pages(data)[0].split())  # an address may break at a line end, but never gets a hyphen
    assert "RatundMailundFTPundrelativundböseund" in text  # the link texts, as GitHub shows the .md
    assert "javascript" not in text
    assert "https://www.leipzig.de/stadtverwaltung/aemter-und-behoerdengaenge/" in text


def test_nothing_is_drawn_for_empty_cells_and_heading_guards() -> None:
    """A missing Zuständigkeit, the form's gap row and the page-break guard before each heading write nothing.

    ReportLab wrote an empty text object for each empty cell and an empty graphics state for each guard.
    """
    doc = statement(
        beratungsfolge=[{"gremium": "Ratsversammlung", "termin": "2017-05-17"}],
        rechtliche_konsequenzen={"rechtswidrig": True},
        sachverhalt="Ein Sachverhalt.",
    )
    contents = [page.get_contents().get_data() for page in PdfReader(io.BytesIO(render_pdf(doc))).pages]
    content = b"\n".join(contents)
    assert b"Ratsversammlung" in content and b"Rechtliche Konsequenzen" in content
    assert not re.search(rb"BT 1 0 0 1 \S+ \S+ Tm\s+T\* ET", content)
    assert not re.search(rb"\bq\s+1 0 0 1 \S+ \S+ cm\s+Q\b", content)


def _placed_text(table: Any) -> list[tuple[str, str, float, float, float]]:
    """Each text run of a one-table document: text, font, size and where it starts."""
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([table])
    placed = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            name = str(font["/BaseFont"]) if font else ""
            placed.append((text.strip(), name, size, round(tm[4] + cm[4], 3), round(tm[5] + cm[5], 3)))

    PdfReader(buffer).pages[0].extract_text(visitor_text=visit)
    return sorted(placed)


@pytest.mark.parametrize("valign", ["TOP", "MIDDLE", "BOTTOM"])
def test_plain_tables_place_text_as_reportlab_does(valign: str) -> None:
    """The Beratungsfolge and the form set all their cells in one text object, at ReportLab's positions."""
    pdf_styles.register_fonts()
    rows: list[list[Any]] = [
        ["Gremium", "Termin", "Zuständigkeit"],
        ["FA Allgemeine\nVerwaltung", "18.04.2017", ""],
        ["Ratsversammlung", Paragraph("als <b>Absatz</b>"), "Beschluss-\nfassung"],
    ]
    style = [
        *pdf_tables.BERATUNG_STYLE.getCommands(),
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("FONTNAME", (0, 2), (0, 2), pdf_styles.FONT_BOLD),
        ("TEXTCOLOR", (2, 1), (2, 2), colors.darkred),
        ("ALIGN", (1, 1), (1, 1), "CENTRE"),  # set by ReportLab itself
    ]
    ours = pdf_tables.PlainTable(rows, colWidths=pdf_tables.BERATUNG_WIDTHS, style=style)
    reportlabs = Table(rows, colWidths=pdf_tables.BERATUNG_WIDTHS, style=style)
    assert _placed_text(ours) == _placed_text(reportlabs)

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([pdf_tables.PlainTable(rows, style=style)])
    content = PdfReader(buffer).pages[0].get_contents().get_data()
    texts = [block for block in re.findall(rb"BT(.*?)ET", content, re.S) if b"Tj" in block]
    assert len(texts) == 3  # ReportLab's own for the centred date and the paragraph, the plain cells in one
    plain = next(block for block in texts if b"(Gremium)" in block)
    assert all(cell in plain for cell in (b"(Termin)", b"(Verwaltung)", b"(Ratsversammlung)", b"(fassung)"))
    assert re.search(rb"\.545\d* 0 0 rg[^()]*\(Beschluss- \)", plain)  # the cell's own colour


def test_remembered_plain_lines_are_fresh_lists() -> None:
    lines = pdf_text.wrap_lines("Ausschuss für Umwelt, Klima und Ordnung", pdf_styles.FONT, 10, 120)
    lines.append("verändert")
    again = pdf_text.wrap_lines("Ausschuss für Umwelt, Klima und Ordnung", pdf_styles.FONT, 10, 120)
    assert len(again) == len(lines) - 1 and "verändert" not in again


# --- reproducible ----------------------------------------------------------------------------------------------


def test_output_is_byte_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for path in EXAMPLE_FILES:
        st_ = load_statement(path)
        assert render_pdf(st_) == render_pdf(st_)


def creation_date(data: bytes) -> str:
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta is not None
    return str(meta["/CreationDate"])


def test_creation_date_without_datum_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    st_ = statement()
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    unset = render_pdf(st_)
    undated = PdfReader(io.BytesIO(unset))
    assert undated.metadata is not None and undated.metadata.title  # the rest of the information is there
    assert "/CreationDate" not in undated.metadata and "/ModDate" not in undated.metadata  # no invented date
    xmp = undated.trailer["/Root"]["/Metadata"].get_object().get_data()  # PDF/A's XMP packet: no date either
    assert b"<pdfaid:part>2</pdfaid:part>" in xmp and b"Date>" not in xmp
    assert unset == render_pdf(st_)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    stamped = render_pdf(st_)
    assert creation_date(stamped).startswith("D:20231114221320")
    assert stamped == render_pdf(st_)
    assert stamped != unset
    assert pages(stamped) == pages(unset)


def test_datum_wins_over_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    st_ = statement(datum="2017-03-08")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    unset = render_pdf(st_)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert render_pdf(st_) == unset
    assert creation_date(unset).startswith("D:20170308000000")


def test_malformed_source_date_epoch_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from vsp_cli.errors import ConfigError

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "gestern")
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        render_pdf(statement())


# --- the file itself ---------------------------------------------------------------------------------------------


def test_metadata() -> None:
    data = render_pdf(
        load_statement(Path(__file__).parents[1] / "examples" / "beispiel-mehrere-optionen.yaml")
    )
    reader = PdfReader(io.BytesIO(data))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == (
        "Verwaltungsstandpunkt Nr. VI-A-07123-VSP-01 – "
        "Trinkwasserbrunnen im öffentlichen Raum – kostenloses Trinkwasser für alle"
    )
    assert meta.author == "Dezernat Stadtentwicklung und Bau, Dezernat Umwelt, Ordnung, Sport"
    assert meta.creator is not None and meta.creator.startswith("vsp ")
    assert meta.subject == "Trinkwasserbrunnen im öffentlichen Raum – kostenloses Trinkwasser für alle"
    assert meta["/Keywords"] == "VI-A-07123-VSP-01, Antrag, öffentlich, Stadt Leipzig"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de-DE"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["Beratungsfolge", "Alternativvorschlag", "Sachverhalt", "Begründung", "Anlagen"]


@pytest.mark.parametrize("path", EXAMPLE_FILES + VALID_CASES, ids=lambda p: p.stem)
def test_each_outline_entry_leads_to_the_page_of_its_heading(path: Path) -> None:
    """A bookmark opens the page its heading is printed on, at the heading. The pages are held until the
    footers know the page count, and every bookmark led to page 1 („Sachverhalt“ on page 3 too)."""
    reader = PdfReader(io.BytesIO(render_pdf(load_statement(path))))
    texts = [flat(page.extract_text()) for page in reader.pages]
    for item in reader.outline:
        assert not isinstance(item, list)
        number = reader.get_destination_page_number(item)
        # the heading as printed, with its colon („Sachverhalt:“, not the box „Sachverhalt bereits …“)
        shown = [n for n, text in enumerate(texts) if f"{item.title}:" in text]
        shown = shown or [n for n, text in enumerate(texts) if item.title in text]
        assert number in shown, (item.title, number, shown)


def test_keywords_name_the_form_and_status_in_german_as_printed() -> None:
    petition = statement(art="petition", status="nichtoeffentlich", empfehlung="beruecksichtigung")
    settings_ = RenderSettings(
        labels=Labels({"nichtoeffentlich": "nicht öffentlich"}), body="Stadt Musterstadt"
    )
    meta = PdfReader(io.BytesIO(render_pdf(petition, settings_))).metadata
    assert meta is not None
    assert meta["/Keywords"] == "VI-A-03824-VSP-01, Petition, nicht öffentlich, Stadt Musterstadt"
    assert "Status: nicht öffentlich" in pages(render_pdf(petition, settings_))[0]


@pytest.mark.parametrize("path", EXAMPLE_FILES + VALID_CASES, ids=lambda p: p.stem)
def test_pdf_and_markdown_give_the_same_title(path: Path) -> None:
    """The title heads the Markdown and the PDF's text and starts the PDF's metadata title."""
    from vsp_cli.markdown import render_markdown

    st_ = load_statement(path)
    [title] = re.findall(r"^# (.+)$", render_markdown(st_), flags=re.MULTILINE)
    data = render_pdf(st_)
    assert title in flat(pages(data)[0])
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta is not None and meta.title is not None and meta.title.startswith(f"{title} – ")


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_structure_is_valid_and_fonts_are_embedded_dejavu(path: Path) -> None:
    data = render_pdf(load_statement(path))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.check_pdf_syntax() == []
        fonts = {}
        for page in pdf.pages:
            for name, font in page.Resources.get("/Font", {}).items():
                fonts[name] = font
        assert fonts
        for font in fonts.values():
            assert "DejaVuSansCondensed" in str(font.BaseFont)
            assert "/FontFile2" in font.FontDescriptor


# --- any valid statement renders ---------------------------------------------------------------------------------

#: Every character a statement may hold (the fonts cover it), and those that mean something to a parser.
_PRINTABLE = [chr(c) for c in range(0x20, 0x10000) if is_printable(chr(c))]
_SPECIAL = list("<>&\"' */_[]()#|`\\!\n\t-+=~.:1„“–€§ß\xad\xa0")
_CHARS = st.one_of(st.sampled_from(_SPECIAL), st.sampled_from(_PRINTABLE))


def _visible(text: str) -> bool:
    """Text that holds more than white space, soft hyphens and blank braille cells (else it is empty)."""
    return any(not (c.isspace() or c in "\xad\u2800") for c in text)


_TEXT = st.text(alphabet=_CHARS, min_size=1, max_size=60).filter(_visible)
_PROSE = st.text(alphabet=_CHARS, min_size=1, max_size=300).filter(_visible)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    betreff=_TEXT,
    gremium=_TEXT,
    dezernat=_TEXT,
    zustaendigkeit=_TEXT,
    punkte=_TEXT,
    titel=_TEXT,
    anlage=_TEXT,
    prose=_PROSE,
)
def test_any_printable_text_renders(
    betreff: str,
    gremium: str,
    dezernat: str,
    zustaendigkeit: str,
    punkte: str,
    titel: str,
    anlage: str,
    prose: str,
) -> None:
    st_ = statement(
        betreff=betreff,
        gremium=gremium,
        eingereicht_von=[dezernat],
        beratungsfolge=[{"gremium": gremium, "zustaendigkeit": zustaendigkeit}],
        empfehlung=[{"option": "alternativvorschlag", "punkte": punkte}],
        beschlussvorschlag_titel=titel,
        beschlussvorschlag=prose,
        strategische_ziele=prose,
        sachverhalt=prose,
        begruendung=prose,
        anlagen=[anlage],
    )
    text = "".join("".join(pages(render_pdf(st_))).split())
    expected = "".join(st_.betreff.replace("\xad", "").split())  # soft hyphens are invisible
    if any(unicodedata.bidirectional(c) in ("R", "AL") or "\u0590" <= c <= "\u08ff" for c in expected):
        # pypdf reorders right-to-left scripts when it extracts them (pdftotext keeps the drawn order)
        assert Counter(expected) <= Counter(text)
    else:
        assert expected in text


@pytest.mark.parametrize("titel", [None, False, "Alternativvorschlag:"])
def test_beschlussvorschlag_titel_null_prints_the_form_heading_false_none(titel: Any) -> None:
    """`beschlussvorschlag_titel:` without a value (null) is the form's heading, as in v1; only false drops it."""
    data = statement(empfehlung="alternativvorschlag", beschlussvorschlag="Der Text.").model_dump(
        mode="json", exclude_unset=True
    )
    st_ = Statement.model_validate({**data, "beschlussvorschlag_titel": titel})
    text = flat("\n".join(pages(render_pdf(st_))))
    heading = {None: "Beschlussvorschlag:", False: None, "Alternativvorschlag:": "Alternativvorschlag:"}[
        titel
    ]
    assert ("Beschlussvorschlag: Der Text." in text) == (heading == "Beschlussvorschlag:")
    assert ("Alternativvorschlag: Der Text." in text) == (heading == "Alternativvorschlag:")
    assert "Der Text." in text


LONG_RUNS = {
    "address in pointy brackets": "Siehe <https://www.leipzig.de/buergerservice-und-verwaltung/aemter-und-"
    "behoerdengaenge/behoerden-und-dienstleistungen/dienstleistung/barrierefreiheit-der-internetseiten-der-stadt-"
    "leipzig-5a3b8f1c2d4e6>.",
    "address with many slashes": "Siehe https://www.leipzig.de/" + "behoerden/" * 15 + " und mehr.",
    "in a list": "- Punkt mit https://x.de/" + "behoerden-und-dienstleistungen/" * 2 + "a" * 100,
    "after bold": "**Siehe** https://www.leipzig.de/" + "behoerden-und/" * 15 + " und mehr.",
    "long compound": "Das ist ein Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnungs"
    "änderungsgesetzesentwurf.",
}


@pytest.mark.parametrize("text", LONG_RUNS.values(), ids=LONG_RUNS.keys())
def test_long_runs_never_cross_the_right_margin(text: str) -> None:
    """ReportLab split a long address once, at a slash or hyphen, and set the rest past the page's edge."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pdf_styles.register_fonts(italic=True)
    data = render_pdf(statement(begruendung=text))
    right_edges = []

    def visit(run: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if run.strip() and font:
            name = str(font["/BaseFont"]).split("+")[-1]
            right_edges.append(tm[4] + cm[4] + stringWidth(run.strip(), name, size))

    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert max(right_edges) <= pdf_styles.PAGE_WIDTH - pdf_styles.RIGHT_MARGIN + 0.01
    run = max(text.split(), key=len).strip("<>.*")
    assert run in flat("".join(pages(data))).replace(" ", "")


def test_lists_of_ten_and_more_keep_their_text_in_one_column() -> None:
    """„10.“ needs more room than one indent: ReportLab pushed that item's first line right of the others."""
    wrapping = " mit einem langen Text, der umbricht, damit man sieht, wo die zweite Zeile beginnt, wie hier"
    items = "\n".join(f"{n}. Punkt{n}{wrapping if n in (9, 10) else ''}" for n in range(1, 13))
    anlagen = [f"Beilage{n}{wrapping if n in (9, 10) else ''}" for n in range(1, 12)]
    data = render_pdf(statement(begruendung=items, anlagen=anlagen))
    starts: dict[str, set[float]] = {"number": set(), "Punkt": set(), "Beilage": set(), "wie hier": set()}

    def visit(run: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        text, x = run.strip(), round(tm[4] + cm[4], 2)
        kind = (
            "number"
            if re.fullmatch(r"[0-9]+\.", text)
            else next((k for k in starts if text.startswith(k)), "")
        )
        if kind:
            starts[kind].add(x)

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    assert all(len(xs) == 1 for xs in starts.values()), starts
    assert starts["Punkt"] == starts["Beilage"] == starts["wie hier"]


SHORT_TABLE = (
    "| Jahr | Betrag |\n| --- | ---: |\n| 2019 | 1 € |\n| 2020 | 2 € |\n| 2021 | 3 € |\n| 2022 | 4 € |"
)
THREE_LINES = (
    "Anfang: Die Stadt Leipzig unterhält derzeit 38 öffentliche Spielplätze im Stadtbezirk Ost. Nach der"
    " Spielplatzkonzeption sind bis 2025 weitere 14 Anlagen zu sanieren, deren Gesamtkosten sich auf"
    " 4.125.600 € belaufen; die Mittel sind im Haushalt eingestellt und werden abgerufen."
)
LEADS = {
    "lead with a colon before a list": (
        "Die Verwaltung schlägt vor:",
        "- Punkt eins\n- Punkt zwei",
        "vor:",
        "Punkt eins",
    ),
    "bold line before a paragraph": (
        "**Finanzierung**",
        "Absatz nach der Fettzeile.",
        "Finanzierung",
        "Absatz",
    ),
    "short table": (
        "",
        "| Jahr | Betrag |\n| --- | ---: |\n| 2019 | 1 € |\n| 2020 | 2 € |\n| 2021 | 3 € |",
        "2019",
        "2021",
    ),
    "heading before a short table": ("## Unfalllage", SHORT_TABLE, "Unfalllage", "2019"),
    # widow and orphan control move a paragraph of three lines whole: two lines of room were not enough
    "heading before three lines": ("## Ausgangslage", THREE_LINES, "Ausgangslage", "Anfang"),
    "bold line before three lines": ("**Bewertung**", THREE_LINES, "Bewertung", "Anfang"),
    "lead with a colon before a bold line": (
        "Zu den einzelnen Beschlusspunkten:",
        "**Zu Punkt 1**\n\nDie Verwaltung stimmt zu.",
        "Beschlusspunkten",
        "Zu Punkt 1",
    ),
    # a lead after a bold line needs its own room too: the bold line was left alone above it
    "bold line before a lead and a list": (
        "**Zu Punkt 2**",
        "Die geforderten Maßnahmen sind teilweise umgesetzt:\n\n1. Punkt eins\n2. Punkt zwei",
        "Zu Punkt 2",
        "Punkt eins",
    ),
    "lead before a short table": ("Die Mittel im Einzelnen:", SHORT_TABLE, "Einzelnen", "2019"),
}


@pytest.mark.parametrize(("lead", "follower", "first", "last"), LEADS.values(), ids=LEADS.keys())
def test_a_lead_stays_with_what_it_introduces(lead: str, follower: str, first: str, last: str) -> None:
    """Wherever the page ends, a lead line is not left at its foot, nor a short table cut in two."""
    for filler_count in range(8, 20):  # moves the lead across the foot of page 1
        filler = "\n\n".join(["Füllzeile mit etwas Text."] * filler_count)
        texts = pages(render_pdf(statement(begruendung=f"{filler}\n\n{lead}\n\n{follower}")))
        where = [n for n, text in enumerate(texts) if first in text]
        assert where == [next(n for n, text in enumerate(texts) if last in text)], filler_count


@pytest.mark.parametrize("heading", ["## Kosten", "**Kosten**"])
def test_a_heading_stays_with_a_lead_and_the_short_table_it_introduces(heading: str) -> None:
    """A short table goes on to the next page whole, with the lead that announces it: the heading (or a bold
    line written as one) above the lead kept room for the lead and two lines only, and stayed alone at the foot
    of the page."""
    lead = "Die Mittel verteilen sich wie folgt auf die Förderbereiche der einzelnen Haushaltsjahre:"
    for filler_count in range(0, 24):  # moves the heading across the foot of page 1
        filler = "\n\n".join(["Füllzeile mit etwas Text."] * filler_count)
        texts = pages(render_pdf(statement(begruendung=f"{filler}\n\n{heading}\n\n{lead}\n\n{SHORT_TABLE}")))
        where = [n for n, text in enumerate(texts) if "Kosten" in text]
        assert where == [next(n for n, text in enumerate(texts) if "2022" in text)], filler_count


def test_a_short_table_taller_than_a_page_starts_where_its_heading_and_lead_stand() -> None:
    """A table of a few rows moves on whole with its lead and heading; one of rows of long text, taller than a
    page, moved on all the same (ReportLab's KeepTogether) and left most of the page before empty."""
    long = " ".join(["Langer Zelltext mit vielen Wörtern zur Erläuterung der Maßnahme."] * 40)
    table = "| Bereich | Erläuterung |\n|---|---|\n" + "\n".join(f"| B{i} | {long} |" for i in range(4))
    for filler_count in (0, 6, 12):
        filler = "\n\n".join(["Füllzeile mit etwas Text."] * filler_count)
        texts = pages(render_pdf(statement(begruendung=f"{filler}\n\nDie Mittel im Einzelnen:\n\n{table}")))
        [page] = [n for n, text in enumerate(texts) if "Begründung:" in text]
        assert page == 0 and "B0" in texts[0], filler_count


#: Starts of a Begründung that move on whole, and a word of their last line that must share the page of the
#: heading „Begründung:“ (which kept room for two lines only: it stayed alone at the foot of page 1).
TEXT_STARTS = {
    "three lines": (THREE_LINES, "abgerufen"),
    "lead and list": (
        "Die Verwaltung nimmt zu den einzelnen Punkten des Antrags der Fraktion wie folgt Stellung, wobei die"
        " Ergebnisse der Prüfung durch das Fachamt berücksichtigt sind:\n\n1. Punkt eins\n2. Punkt zwei",
        "Punkt eins",
    ),
    "heading and three lines": (f"### Zu Punkt 1\n\n{THREE_LINES}", "abgerufen"),
    "lead and short table": (f"Die Mittel im Einzelnen:\n\n{SHORT_TABLE}", "2022"),
}


@pytest.mark.parametrize(("start", "word"), TEXT_STARTS.values(), ids=TEXT_STARTS.keys())
def test_a_section_heading_stays_with_the_start_of_its_text(start: str, word: str) -> None:
    # moves the heading across the foot of page 1 in steps of a paragraph and of a line
    for paragraphs, lines in itertools.product(range(24), range(3)):
        filler = "\n\n".join(["Füllzeile mit etwas Text."] * paragraphs + ["Zeile\\\n" * lines + "Ende."])
        texts = pages(render_pdf(statement(sachverhalt=filler, begruendung=f"{start}\n\nEnde.")))
        [page] = [n for n, text in enumerate(texts) if "Begründung:" in text]
        assert word in texts[page], (paragraphs, lines)


def test_the_goals_label_stays_with_goals_written_as_text() -> None:
    """2014: „Prüfung der Übereinstimmung mit den strategischen Zielen:“ kept room for one line; goals of two
    lines, which widow and orphan control move whole, left the label alone at the foot of page 1."""
    goals = (
        "Leipzig besteht im Wettbewerb: Verbesserung der Lebensqualität in den Stadtteilen; Leipzig schafft "
        "Rahmenbedingungen für eine ausgeglichene Altersstruktur und sichert die Daseinsvorsorge."
    )
    for paragraphs, lines in itertools.product(range(24), range(3)):
        filler = "\n\n".join(["Füllzeile mit etwas Text."] * paragraphs + ["Zeile\\\n" * lines + "Ende."])
        texts = pages(
            render_pdf(
                statement(
                    beschlussvorschlag=filler, strategische_ziele=goals, empfehlung="alternativvorschlag"
                )
            )
        )
        [page] = [n for n, text in enumerate(texts) if "strategischen Zielen:" in text]
        assert "Daseinsvorsorge" in flat(texts[page]), (paragraphs, lines)


def test_the_anlagen_heading_stays_with_a_first_anlage_of_several_lines() -> None:
    """„Anlagen:“ kept room for one line below it; a first Anlage of three lines, which widow and orphan control
    move whole, went on to the next page and left the heading alone at the foot of the page."""
    first = (
        "Stellungnahme des Amtes für Jugend, Familie und Bildung vom 24.10.2016 zur Weiterführung des "
        "Abenteuerspielplatzes im Stadtteilpark Rabet einschließlich Kostenaufstellung und Personalbedarfsplanung"
    )
    for filler_count in range(4, 24):  # moves the heading across the foot of page 1
        filler = "\n\n".join(["Füllzeile mit etwas Text."] * filler_count)
        texts = pages(render_pdf(statement(begruendung=filler, anlagen=[first, "Karte"])))
        [page] = [n for n, text in enumerate(texts) if "Anlagen:" in text]
        assert "Stellungnahme" in texts[page], filler_count


def test_a_long_bold_paragraph_is_no_lead_and_leaves_no_heading_alone_on_a_page() -> None:
    """Three bold paragraphs of sixty words after a heading were kept with it as leads: the heading got a page
    of its own (page 2 held only „Abschnitt“ and the page furniture)."""
    bold = "**" + " ".join(["Verwaltungsangelegenheit"] * 60) + "**"
    for filler_count in range(0, 30, 3):  # moves the heading down page 1
        filler = "\n\n".join(["Füllzeile mit etwas Text."] * filler_count)
        text = f"{filler}\n\n## Abschnitt\n\n{bold}\n\n{bold}\n\n{bold}\n\nSchluss."
        texts = pages(render_pdf(statement(begruendung=text)))
        [page] = [n for n, text in enumerate(texts) if "Abschnitt" in text]
        assert "Verwaltungsangelegenheit" in texts[page], (filler_count, texts[page])


def test_a_text_of_nothing_but_leads_is_set_and_kept_in_page_sized_groups() -> None:
    """Each lead keeps the room of the leads after it, up to a bound: 2,000 in a row were a recursion as deep
    (exit code 123) and as many sums per lead."""
    leads = "\n\n".join(f"Punkt {k} wie folgt:" for k in range(2000))
    texts = pages(render_pdf(statement(begruendung=f"*Vorab*\n\n{leads}\n\nEnde.")))
    assert "Punkt 1999 wie folgt:" in texts[-1] and "Ende." in texts[-1]
    assert sum(text.count("wie folgt:") for text in texts) == 2000
    assert all(text.count("wie folgt:") > 20 for text in texts[1:-1])  # pages are filled, not one lead each


def test_a_long_table_leaves_no_single_row_alone_at_a_page_break() -> None:
    rows = "\n".join(f"| Zeile{i:02d} | {i} € |" for i in range(10))
    for filler_count in range(0, 20):  # moves the table across the foot of page 1
        filler = "\n\n".join(["Absatz."] * filler_count)
        texts = pages(
            render_pdf(statement(begruendung=f"{filler}\n\n| Posten | Betrag |\n| --- | ---: |\n{rows}"))
        )
        per_page = [sum(f"Zeile{i:02d}" in text for i in range(10)) for text in texts]
        assert 1 not in per_page, (filler_count, per_page)


def test_a_consultation_with_several_sessions_is_never_torn_over_a_page_break() -> None:
    """A Beratungsfolge row moves to the next page whole: its dates stay together under their Gremium, and the
    header is set once per page. ReportLab split the table between rows, then split the rest again inside a
    row on the same page (a second header mid-page, the row's other dates on the next page without Gremium)."""
    rows = [
        {
            "gremium": f"Fachausschuss {i}",
            "zustaendigkeit": "Vorberatung",
            "sitzungen": [f"2019-{month:02d}-{1 + i:02d}" for month in range(1, 6)],
        }
        for i in range(14)
    ]
    for words in range(0, 30, 2):  # moves the table across the foot of page 1
        texts = pages(
            render_pdf(statement(formular="2019", betreff="Wort " * (1 + 5 * words), beratungsfolge=rows))
        )
        for i in range(14):
            dates = [f"{1 + i:02d}.{month:02d}.2019" for month in range(1, 6)]
            assert len({n for n, text in enumerate(texts) for day in dates if day in text}) == 1, (words, i)
        assert all(text.count("Sitzungstermin") <= 1 for text in texts), words


def test_a_page_break_in_the_beratungsfolge_leaves_no_single_row_alone() -> None:
    """Twenty Anhörungen and the Ratsversammlung: the break left „Ratsversammlung“ alone under the header repeated
    on page 2. Two rows go on together."""
    rows = [{"gremium": f"Stadtbezirksbeirat {i}", "zustaendigkeit": "Anhörung"} for i in range(24)]
    rows.append({"gremium": "Ratsversammlung", "zustaendigkeit": "Beschlussfassung"})
    broken = 0
    for words in range(0, 40, 3):  # moves the break through the table's last rows
        texts = pages(
            render_pdf(statement(formular="2017", betreff="Wort " * (1 + 4 * words), beratungsfolge=rows))
        )
        for text in texts[1:]:
            if "Sitzungstermin" in text:
                broken += 1
                assert sum(row["gremium"] in text.split("\n") for row in rows) >= 2, words
    assert broken >= 3


@settings(max_examples=300, deadline=None)
@given(
    word=st.text(st.sampled_from("iIlWMmß.„😀\u0301x"), min_size=1, max_size=400),
    width=st.floats(min_value=1, max_value=200),
)
def test_an_over_long_word_is_cut_into_the_longest_pieces_that_fit(word: str, width: float) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from vsp_cli.pdf.styles import FONT, register_fonts
    from vsp_cli.pdf.text import wrap_lines as _wrap_lines

    register_fonts()

    def fits(text: str) -> bool:
        return stringWidth(text, FONT, 10) <= width

    lines = _wrap_lines(word, FONT, 10, width)
    assert "".join(lines) == word
    for line, following in itertools.pairwise(lines):
        assert fits(line) or len(line) == 1
        assert not fits(line + following[0])  # the piece could not have been a character longer
    assert fits(lines[-1]) or len(lines[-1]) == 1


def test_an_amount_too_wide_for_its_cell_breaks_before_the_euro_sign_without_indenting_it() -> None:
    """An amount of a billion is wider than the Höhe column: it is cut at its no-break space, which ends the
    first line unseen; the „€“ starts the next line at the cell's edge, not one space in."""
    finanzen = {"auswirkungen": "ja", "haushalt": {"aufwendungen": {"hoehe": "1.234.567.890,12"}}}
    texts = pages(render_pdf(statement(formular="2017", finanzen=finanzen)))
    lines = [line for text in texts for line in text.splitlines()]
    at = next(i for i, line in enumerate(lines) if line.startswith("1.234.567.890,12"))
    assert lines[at + 1] == "€"


def test_an_over_long_name_is_cut_after_its_slashes_and_hyphens() -> None:
    from vsp_cli.pdf.styles import FONT, register_fonts
    from vsp_cli.pdf.text import wrap_lines as _wrap_lines

    register_fonts()
    text = (
        "Ausschuss für Umwelt/Ordnung/Sport/Gesundheitswesen/Verbraucherschutz und Klima-Anpassungs-Strategie"
    )
    assert _wrap_lines(text, FONT, 9.5, 120) == [
        "Ausschuss für",
        "Umwelt/Ordnung/Sport/",
        "Gesundheitswesen/",
        "Verbraucherschutz und",
        "Klima-Anpassungs-",
        "Strategie",
    ]


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The characters ReportLab's `stringWidth` is asked to measure from now on (one count, in a list)."""
    from reportlab.pdfbase import pdfmetrics

    count = [0]
    real = pdfmetrics.stringWidth

    def counting(text: str, font: str, size: float, encoding: str = "utf8") -> float:
        count[0] += len(text)
        return real(text, font, size, encoding)

    pdf_styles.register_fonts()
    monkeypatch.setattr(pdfmetrics, "stringWidth", counting)
    return count


def test_cutting_a_huge_word_measures_each_character_a_few_times(measured: list[int]) -> None:
    """A 20,000-letter word used to be measured over and over from each cut to its end (quadratic)."""
    word = "Werkstattgespräch" * 1200
    lines = pdf_text.wrap_lines(word, pdf_styles.FONT, 10, 300)
    assert "".join(lines) == word and len(lines) > 100
    assert measured[0] < 20 * len(word)


@pytest.mark.parametrize("run", ["§ " * 8000, "ab-" * 8000 + "ab"])
def test_a_run_of_ties_or_hyphens_wider_than_its_line_is_measured_a_few_times(
    measured: list[int], run: str
) -> None:
    """The start of a long run of words tied by no-break spaces („§ § §“ is one run) or of a word of many
    hyphens, after a word on the same line, was found by measuring each piece from the last tie or hyphen on:
    time squared in its length (8,000 took 1.5 s, a betreff of 128,000 six minutes)."""
    text = "Betreff " + run
    lines = pdf_text.wrap_lines(text, pdf_styles.FONT, 10, 300)
    assert lines[0].startswith("Betreff §\xa0§" if "§" in run else "Betreff ab-ab-") and len(lines) > 100
    assert measured[0] < 50 * len(text)


@pytest.mark.parametrize(
    "word",
    [
        "https://example.org/" + "ab/" * 2000,
        "**h**ttps://example.org/" + "ab/" * 2000,
        "**a**b-" + "ab-" * 2000 + "ab",
    ],
)
def test_a_very_long_address_or_hyphenated_word_in_prose_is_measured_a_few_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    """ReportLab broke a web address at the line end by trying each of its slashes from the longest piece on,
    measuring each piece whole and holding all pieces at once, and a word of several runs at each of its
    hyphens the same way: one address of 16,000 slashes took 12 s and 830 MB to set, a word of 8,000 hyphens
    3 s. A word longer than MAX_BREAK_WORD is cut where the line ends instead, and keeps all its text."""
    from reportlab.platypus import paragraph

    source = (EXAMPLES / "beispiel-petition.yaml").read_text(encoding="utf-8")
    start = source.index("sachverhalt: |")
    end = source.index("datum:")
    path = tmp_path / "s.yaml"
    path.write_text(f"{source[:start]}sachverhalt: 'Text {word} Ende'\n{source[end:]}", encoding="utf-8")
    statement = load_statement(path)
    measured = 0
    real = paragraph.stringWidth

    def counting(text: str, font: str, size: float, encoding: str = "utf8") -> float:
        nonlocal measured
        measured += len(text)
        return real(text, font, size, encoding)

    monkeypatch.setattr(paragraph, "stringWidth", counting)
    text = flat("\n".join(pages(render_pdf(statement))))
    assert measured < 100 * len(word)
    assert text.count("ab") >= 1900 and ("Text h" in text or "Text ab" in text)  # every piece printed


def test_a_beratungsfolge_row_longer_than_a_page_is_set_as_lines() -> None:
    """ReportLab cannot split a row of plain cells over many pages; such a row used to crash the render."""
    gremium = "Ausschuss für Stadtentwicklung und Bau " * 2600  # about 100,000 characters
    rows = [
        {"gremium": gremium.strip(), "termin": "2017-04-18", "zustaendigkeit": "Vorberatung"},
        {"gremium": "Ratsversammlung", "termin": "2017-05-17", "zustaendigkeit": "Beschlussfassung"},
    ]
    text = flat("\n".join(pages(render_pdf(statement(beratungsfolge=rows)))))
    assert_in_order(
        text,
        [
            *("Gremium: Ausschuss für Stadtentwicklung", "Termin: 18.04.2017", "Zuständigkeit: Vorberatung"),
            *("Gremium: Ratsversammlung", "Termin: 17.05.2017", "Zuständigkeit: Beschlussfassung", "Betreff"),
        ],
    )
    assert text.count("Stadtentwicklung") == 2600  # every word of it, across 25 pages


def test_an_unsettable_statement_is_an_input_error_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.platypus import Spacer

    from vsp_cli.errors import InvalidInput

    monkeypatch.setitem(pdf_form.RENDERERS, "empfehlung", lambda b, block: b.out.append(Spacer(10, 5000)))
    with pytest.raises(InvalidInput) as caught:
        render_pdf(statement())
    [problem] = caught.value.diagnostics
    assert problem.code == "layout" and "lässt sich nicht setzen" in problem.message


# --- reading order of every form, as data (tests/cases/order) ----------------------------------------------------

ORDER_CASES = sorted((Path(__file__).parent / "cases" / "order").glob("*.txt"))


@pytest.mark.parametrize("oracle", ORDER_CASES, ids=lambda p: p.stem)
def test_reading_order_of_each_form(oracle: Path) -> None:
    """The texts of each form in the spec's order, with the page breaks of its parts."""
    [source] = [p for p in EXAMPLE_FILES + VALID_CASES if p.stem == oracle.stem]
    texts = [flat(page) for page in pages(render_pdf(load_statement(source)))]
    starts = [0]
    for text in texts:
        starts.append(starts[-1] + len(text) + 1)
    whole = " ".join(texts)
    position, page, lines = 0, 0, oracle.read_text(encoding="utf-8").splitlines()
    for item in (line for line in lines if line and not line.startswith("#")):
        if item == "--":
            page_of_last = max(i for i, start in enumerate(starts) if start <= position) if position else 0
            position = starts[page_of_last + 1] if page_of_last + 1 < len(starts) else len(whole)
            page += 1
            continue
        found = whole.find(item, position)
        assert found >= 0, (
            f"{item!r} not found after position {position}: …{whole[position : position + 200]!r}"
        )
        position = found + len(item)
    assert page <= len(texts) - 1


def test_the_anlass_lines_stay_with_the_zusammenfassung_heading() -> None:
    """„Zusammenfassung:“, „Anlass der Vorlage:“, its four boxes and the start of the summary share a page: the
    heading kept room for three lines only, so the box „Sonstiges“ and the summary went on alone at the top of
    the next page (2019, before the finance part's page break: a page of four lines)."""
    for filler_count in range(0, 40, 2):  # moves the block across the foot of page 1
        filler = "\n\n".join(["Füllzeile mit etwas Text."] * filler_count)
        texts = pages(
            render_pdf(
                statement(
                    formular="2019",
                    beschlussvorschlag=f"Beschluss.\n\n{filler}",
                    anlass={"stadtratsbeschluss": True, "sonstiges": "Antrag der Fraktion"},
                    zusammenfassung="Kurzfassung des Standpunkts in zwei Sätzen. " * 6,
                )
            )
        )
        [page] = [n for n, text in enumerate(texts) if "Zusammenfassung:" in text]
        for label in (
            "Anlass der Vorlage:",
            "Stadtratsbeschluss",
            "Sonstiges: Antrag der Fraktion",
            "Kurzfassung",
        ):
            assert label in texts[page], (filler_count, label, texts[page][-300:])


def test_the_anlass_boxes_stand_three_spaces_apart_as_on_the_form() -> None:
    """„☐ Rechtliche Vorschriften   ☐ Stadtratsbeschluss   ☒ Verwaltungshandeln“ (spec § 3.3): the three spaces
    between the boxes were one, as line breaking makes of any white space, and the boxes ran together."""
    [first, *_] = pages(render_pdf(statement(formular="2019", anlass="verwaltungshandeln")))
    expected = f"{BOX_EMPTY} Rechtliche Vorschriften   {BOX_EMPTY} Stadtratsbeschluss   {BOX_TICKED} Verwaltungshandeln"
    assert expected in first.replace("\u00a0", " ")


def test_a_long_sonstiges_text_hangs_after_its_box() -> None:
    """„☒ Sonstiges: …“ over two lines: the second starts under the label, as a long label in the grid does; it
    started under the box."""
    text = "Antrag der Fraktion vom 12. März 2020 zur Entwicklung des Grünen Bandes entlang der Parthe bis Thekla"
    data = render_pdf(statement(formular="2019", anlass={"sonstiges": text}))
    runs: list[tuple[float, str]] = []  # where each line's text starts, in drawing order

    def visit(run: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if run.strip():
            runs.append((tm[4] * cm[0] + cm[4], run))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    [at] = [i for i, (_, run) in enumerate(runs) if f"{BOX_TICKED} Sonstiges:" in run]
    (box_x, _), (next_x, next_run) = runs[at], runs[at + 1]
    assert "Thekla" in next_run
    assert 8 < next_x - box_x < 15, (box_x, next_x)  # the width of „☒ “


def test_the_folgekosten_question_stays_with_its_table() -> None:
    """„Entstehen Folgekosten oder Einsparungen?“ is never the last thing on a page while its table („Folgekosten
    Einsparungen wirksam“) starts the next: long texts in „Im Haushalt wirksam“ left it alone at the foot."""
    for words in range(20, 90, 3):  # moves the question across the foot of the finance part's page
        text = "Haushaltsstelle " * words
        row = {"hoehe": "1.000", "wo_veranschlagt": text.strip()}
        finanzen = {"auswirkungen": "ja", "haushalt": {"aufwendungen": row, "auszahlungen": row}}
        texts = pages(render_pdf(statement(formular="2017", finanzen=finanzen)))
        [page] = [n for n, text in enumerate(texts) if "Entstehen Folgekosten" in text]
        assert "Folgekosten Einsparungen wirksam" in texts[page], words
        assert "anderer OE" in texts[page], words


@pytest.mark.parametrize(
    ("text", "head", "tail"),
    [
        ("Betriebskostenzuschuss an die Leipziger Sportbäder GmbH", "Betriebskosten", "zuschuss"),
        ("PSP-Element 1.100.55.2.0.01.03 (Grünflächenunterhaltung)", "(Grünflächen", "unterhaltung)"),
        ("Verpflichtungsermächtigung zu Lasten 2021", "Verpflichtungs", "ermächtigung"),
    ],
)
def test_a_word_wider_than_its_form_cell_breaks_at_a_syllable_with_a_hyphen(
    text: str, head: str, tail: str
) -> None:
    """A compound wider than the column „wo veranschlagt“ was cut at the last letter that fit, without a hyphen
    („Betriebskostenzuschus“ | „s“); it breaks like a word of the prose, at a joint or syllable, and the hyphen
    is the soft hyphen in the text. Without hyphenation it is cut where it must be, as before."""
    finanzen = {
        "auswirkungen": "ja",
        "haushalt": {"aufwendungen": {"hoehe": "1,00", "wo_veranschlagt": text}},
    }
    lines = pages(render_pdf(statement(formular="2017", finanzen=finanzen)))[1].splitlines()
    at = next(i for i, line in enumerate(lines) if line.endswith(head + "\xad"))
    assert lines[at + 1].startswith(tail)
    plain = pages(render_pdf(statement(formular="2017", finanzen=finanzen), RenderSettings(hyphenate=False)))
    assert "\xad" not in plain[1] and flat(plain[1]).replace(" ", "").count(text.replace(" ", "")) == 1


def test_the_stellenplan_block_is_never_torn_over_a_page_break() -> None:
    """„Auswirkungen auf den Stellenplan“, its two questions and „Beteiligung Personalrat“ share a page: the
    heading kept two lines, so the second question or the box alone went on to the next page."""
    for words in range(2, 70, 2):  # moves the block across the foot of the finance part's page
        row = {"hoehe": "1.000", "wo_veranschlagt": ("Haushaltsstelle " * words).strip()}
        finanzen = {
            "auswirkungen": "ja",
            "haushalt": {"aufwendungen": row},
            "folgekosten": "ja",
            "folgekosten_haushalt": {"nachher_aufwand": row},
        }
        texts = pages(render_pdf(statement(formular="2017", finanzen=finanzen, stellenplan="keine")))
        labels = ("Auswirkungen auf den Stellenplan", "Stellenerweiterung", "Stellenabbau", "Personalrat")
        assert len({n for n, text in enumerate(texts) for label in labels if label in text}) == 1, words


@pytest.mark.parametrize("formular", ["2014", "2017", "2019"])
def test_an_option_of_the_grid_stands_at_the_top_of_its_row_beside_a_longer_one(formular: str) -> None:
    """A one-line option beside a two-line one was centred between its neighbour's lines (a clerk reads it as
    belonging to neither line, and pdftotext put it between them); it starts on the first line of its row, as
    a Word table's cell does and the finance form's group labels do (spec § 1.4)."""
    data = render_pdf(
        statement(
            formular=formular,
            empfehlung={"option": "zustimmung_mit_ergaenzung", "punkte": "in Höhe von 250.000 € je Jahr"},
            beschlussvorschlag="Die Zuschüsse werden erhöht.",
        )
    )
    heights: dict[str, float] = {}

    def visit(run: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        for key in ("Zustimmung mit Ergänzung", "Ablehnung, da bereits", "Sachverhalt bereits"):
            if key in run:
                heights[key] = round(tm[5] + cm[5], 2)

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    right = "Sachverhalt bereits" if formular == "2019" else "Ablehnung, da bereits"
    assert heights["Zustimmung mit Ergänzung"] == heights[right], heights


def test_a_line_of_the_source_ending_in_a_soft_hyphen_goes_on_with_the_same_word() -> None:
    """Text pasted from Word or from a PDF ends a line with an optional hyphen („Förder\\xad“ | „mitteln“): the
    PDF printed „Förder mitteln“, two words, in the text, in the tree and for a screen reader."""
    from pdfstructure import TaggedPdf

    text = "Die Finanzierung erfolgt aus Förder\xad\nmitteln des Bundes und der Vorhaben\xad\nträgerin. " * 4
    for formular, summary, expected in (("2014", None, 4), ("2019", text, 8)):
        data = render_pdf(statement(formular=formular, begruendung=text, zusammenfassung=summary))
        words = flat("".join(pages(data))).replace("\xad", "")
        assert "Förder mitteln" not in words and "Vorhaben trägerin" not in words
        assert words.count("Fördermitteln") == words.count("Vorhabenträgerin") == expected
        tree = TaggedPdf(data).struct_text().replace("\xad", "")
        assert "Förder mitteln" not in tree and tree.count("Fördermitteln") == expected


def test_a_rule_after_a_table_never_stands_alone_at_the_foot_of_a_page() -> None:
    """A table that filled a page left the rule (`---`) below it alone at the page's foot and the text it
    introduces on the next page; the rule now goes over with that text."""
    table = "| Jahr | Betrag |\n| --- | ---: |\n" + "".join(f"| {2000 + r} | {r} € |\n" for r in range(8))
    line = "Ein Satz der Begründung, der eine Zeile füllt und noch etwas weiter geht als nötig. "
    # the rule: a line across the frame in the rule's grey (the tables' lines are darker)
    rule = re.compile(
        rf"\.6 \.6 \.6 RG\s*/Artifact BMC\s*n 0 0 m {pdf_styles.FRAME_WIDTH:.4f} 0 l S".encode()
    )
    seen = 0
    for lines in range(0, 30):
        text = f"{line * lines}\n\n{table}\n---\n\nWeiter geht es mit dem Text."
        reader = PdfReader(io.BytesIO(render_pdf(statement(begruendung=text))))
        ruled = [p for p, page in enumerate(reader.pages) if rule.search(page.get_contents().get_data())]
        assert len(ruled) == 1, (lines, ruled)
        assert "Weiter geht es" in reader.pages[ruled[0]].extract_text(), lines
        seen += "2007" not in reader.pages[ruled[0]].extract_text()  # the rule went to the next page
    assert seen > 0


def test_bare_web_and_mail_addresses_are_links_as_github_shows_them() -> None:
    """GitHub links `www.…`, `https://…` and e-mail addresses written bare (GFM's autolink extension), the PDF
    printed them as plain text: the Markdown output had links its PDF lacked. GFM's rules decide: a sentence's
    point and an unmatched bracket stay outside, an address without `www.` or scheme stays text."""
    data = render_pdf(
        statement(
            begruendung="Kontakt: gruenderlotse@leipzig.de, Informationen unter www.leipzig.de/wirtschaft und "
            "https://www.leipzig.de/gruenden. Das Portal opendata.leipzig.de (siehe www.l.de/a_(b)) und "
            "[www.text.de](https://ziel.de) sowie `www.code.de` und müller@leipzig.de.\n\n| Endpunkt |\n| --- |\n"
            "| https://ratsinfo.leipzig.de/bi/oparl/1.0/system.asp |"
        )
    )
    with pikepdf.open(io.BytesIO(data)) as pdf:
        uris = sorted(str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a)
    assert uris == [
        "http://www.l.de/a_(b)",
        "http://www.leipzig.de/wirtschaft",
        "https://ratsinfo.leipzig.de/bi/oparl/1.0/system.asp",
        "https://www.leipzig.de/gruenden",
        "https://ziel.de",
        "mailto:gruenderlotse@leipzig.de",
    ]
    text = flat("".join(pages(data)))
    assert "opendata.leipzig.de (siehe www.l.de/a_(b))" in text and "www.code.de" in text


def test_a_bare_address_is_linked_where_it_stands_not_where_its_text_first_occurs() -> None:
    """An address was linked at the first place its text occurred in the text around it: after „foo.www.l.de“ and
    „müller@l.de“, which are no links, the „www.l.de“ and „ller@l.de“ in them got the link meant for the address
    after them, which stayed plain text."""
    from pdfstructure import TaggedPdf

    data = render_pdf(
        statement(begruendung="Nicht foo.www.l.de, aber www.l.de, nicht müller@l.de, aber ller@l.de.")
    )
    tree = TaggedPdf(data).struct_text()
    assert re.search(
        r'"Nicht foo\.www\.l\.de, aber "\n *Link \(inline\)\n.*\n *"www\.l\.de"\n *", nicht müller@l\.de, aber "\n'
        r' *Link \(inline\)\n.*\n *"ller@l\.de"\n *"\."',
        tree,
    ), tree


def test_a_bare_address_ends_before_a_closing_straight_quote_or_semicolon() -> None:
    """GitHub leaves a straight quotation mark and a `;` at the end of a bare address outside it (cmark-gfm), the
    PDF linked „http://www.leipzig.de/service"“ and „http://www.leipzig.de;“, addresses that do not exist."""
    data = render_pdf(
        statement(
            begruendung='Die Seite "Service unter www.leipzig.de/service"; siehe auch www.dresden.de; danke.'
        )
    )
    with pikepdf.open(io.BytesIO(data)) as pdf:
        uris = [str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a]
    assert uris == ["http://www.leipzig.de/service", "http://www.dresden.de"]


def test_a_bare_address_with_letters_outside_ascii_has_the_target_of_a_written_link() -> None:
    """A link's /URI is 7-bit ASCII (ISO 32000-1 § 12.6.4.7): markdown-it encodes a written link's target (the
    host as Punycode, the rest with percent signs, as GitHub's links), but a bare address kept its umlauts and
    no-break spaces, which ReportLab wrote as a UTF-16 string that readers do not open."""
    data = render_pdf(
        statement(
            begruendung="Siehe www.müller.de/straße\u00a01 und [dort](http://www.müller.de/straße\u00a01)."
        )
    )
    with pikepdf.open(io.BytesIO(data)) as pdf:
        uris = [bytes(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a]
    assert uris == [b"http://www.xn--mller-kva.de/stra%C3%9Fe%C2%A01"] * 2


def test_a_short_zusammenfassung_stays_on_the_page_where_it_fits() -> None:
    """The Zusammenfassung kept the room of a three-line summary below its Anlass lines, so a two-line one that
    fitted went to the next page whole and left its room on the page before empty (VII-A-06033-NF-03 of the
    real statements of round 4: a quarter of page 1)."""
    summary = (
        "Mit der Wohngeld-Plus-Reform zum 01.01.2023 hat sich die Zahl der wohngeldberechtigten Haushalte in "
        "Leipzig von rd. 11.000 auf rd. 27.000 erhöht. Die Verwaltung stimmt zu."
    )
    moved = 0
    for lines in range(0, 40):
        data = render_pdf(
            statement(
                formular="2019",
                empfehlung="zustimmung",
                beschlussvorschlag="\n\n".join(f"Punkt {n} des Beschlusses." for n in range(lines)) or None,
                raeumlicher_bezug="stadtweit",
                zusammenfassung=summary,
                begruendung="Siehe Zusammenfassung.",
            )
        )
        placed: list[list[tuple[float, str]]] = []
        for page in PdfReader(io.BytesIO(data)).pages:
            runs: list[tuple[float, str]] = []
            page.extract_text(
                visitor_text=lambda t, cm, tm, font, size, runs=runs: (
                    runs.append((tm[5] + cm[5], t)) if t.strip() else None
                )
            )
            placed.append(runs)
        at = next(p for p, runs in enumerate(placed) if any("Zusammenfassung:" in t for _, t in runs))
        if at == 0:
            continue
        moved += 1
        heading = max(y for y, t in placed[at] if "Zusammenfassung:" in t)
        last = min(y for y, t in placed[at] if "Verwaltung stimmt zu" in t)
        free = min(y for y, t in placed[at - 1] if y > pdf_styles.BOTTOM_MARGIN) - pdf_styles.BOTTOM_MARGIN
        assert free < heading - last + 2 * pdf_styles.BODY_LEADING, (lines, free, heading - last)
    assert moved > 0


def test_restoring_the_canvas_state_brings_back_what_was_saved_in_order() -> None:
    # the canvas keeps a saved state as the values of ReportLab's state attributes (`page.push_state_stack`)
    from reportlab.pdfgen.canvas import Canvas

    from vsp_cli.pdf.page import DeferredFooterCanvas

    pdf_styles.register_fonts()
    canvas = DeferredFooterCanvas(io.BytesIO(), decorate=lambda *_: None, epoch=None)

    def state() -> dict[str, Any]:
        return {name: getattr(canvas, name) for name in Canvas.STATE_ATTRIBUTES}

    canvas.setFont(pdf_styles.FONT, 9)
    canvas.setFillColor(pdf_styles.GREY)
    canvas.setLineWidth(2)
    outer = state()
    canvas.saveState()
    canvas.setFont(pdf_styles.FONT_BOLD, 14)
    canvas.setDash(3, 1)
    canvas.translate(10, 20)
    inner = state()
    canvas.saveState()
    canvas.setFillColor(colors.red)
    canvas.setLineWidth(0.5)
    assert state() != inner
    canvas.restoreState()
    assert state() == inner
    canvas.restoreState()
    assert state() == outer != inner
