"""Typography of the PDF: compounds break at their joints first, names at their own hyphens, and no line ends
between „Nr.“ and its number or a number and its unit.

Expected breaks are written by hand (`=` a joint, `-` a syllable inside a part); layouts are rendered to PDF
and read back with pypdf, as a reader sees them.
"""

from __future__ import annotations

import io
import itertools
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate

from vsp_cli import typography
from vsp_cli.hyphenation import GermanHyphenator, german_hyphenator, hyphen_breaks
from vsp_cli.pdf.prose import ProseRenderer
from vsp_cli.pdf.styles import FONT, build_styles, register_fonts
from vsp_cli.pdf.tables import box_text, cell_text
from vsp_cli.pdf.text import hyphenating, wrap_lines
from vsp_cli.typography import NO_BREAK_SPACE, tie


def hyphenator() -> GermanHyphenator:
    found = german_hyphenator()
    assert isinstance(found, GermanHyphenator)
    return found


def marks(marked: str) -> tuple[str, list[int], set[int]]:
    """The word of a hand-marked one, its breaks and which of them are joints („Kreis=um-la-ge“)."""
    word, breaks, joints = "", [], set()
    for char in marked:
        if char in "=-":
            breaks.append(len(word))
            if char == "=":
                joints.add(len(word))
        else:
            word += char
    return word, breaks, joints


def layout(source: str, width: float) -> list[str]:
    """The lines of Markdown prose set in body text of `width` points, read back from the PDF."""
    register_fonts()
    flowables = ProseRenderer(build_styles(True).prose, width, hyphenator()).flowables(source)
    buffer = io.BytesIO()
    margin = (595.27 - width) / 2
    SimpleDocTemplate(buffer, leftMargin=margin, rightMargin=margin, invariant=1).build(flowables)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages)
    return text.split("\n")


# --- compound joints --------------------------------------------------------------------------------------------

#: Compounds whose parts start with a vowel (the syllable patterns moved the consonant before: „Krei-sumlage“),
#: whose first level knew no joint („Fol-gekosten“), and words that are no compounds.
MARKED = [
    "Kreis=um-lage",
    "Rats=in-for-ma-ti-ons=sys-tem",
    "Prüf=er-geb-nis",
    "Park=an-la-gen",
    "Ge-neh-mi-gungs=er-for-der-nisse",
    "Fol-ge=kos-ten",
    "Trink=was-ser=brun-nen",
    "Ge-samt=kon-zepts",
    "Haus=halts=plan=ent-wurf",
    "Ver-kehrs=ent-wick-lungs=plan",
    "Rat=haus=turm",
    "An-trag=stel-ler",
    "Ober=bür-ger=meis-ter",
    "Ei-gen=an-teil",
    "Rats=ver-samm-lung",
    "Ver-wal-tung",
    "Ver-sen-dung",
    "Fi-nan-zie-rung",
    "Be-ra-tung",
]


@pytest.mark.parametrize("marked", MARKED)
def test_compounds_are_cut_into_their_parts(marked: str) -> None:
    word, breaks, joints = marks(marked)
    found, major = hyphenator().ranked(word)
    assert (found, set(major)) == (breaks, joints)


def test_joints_and_hyphens_are_offered_before_syllables() -> None:
    """ReportLab takes the first break that fits (`pdf.linebreaks`): joints come first, longest head first."""
    heads = [head for head, _, _ in hyphenator().splits("Trinkwasserbrunnen")]
    assert heads == ["Trinkwasser", "Trink", "Trinkwasserbrun", "Trinkwas"]
    heads = [head for head, _, _ in hyphenator().splits("„Gesamtkonzepts“,")]
    assert heads == ["„Gesamt", "„Gesamtkon", "„Ge"]


def test_a_linking_s_after_a_noun_suffix_ends_a_part_even_of_unknown_words() -> None:
    word = "Zuständigkeitsbereichsleitungsaufgaben"  # no such word in any list
    _, major = hyphenator().ranked(word)
    assert {word.index("bereich"), word.index("leitung"), word.index("aufgaben")} <= major
    assert hyphenator().ranked("wohnungslos")[1] == frozenset()  # „-los“ is a suffix, not a part


@pytest.mark.parametrize(
    ("token", "heads"),
    [
        ("Georg-Schumann-Straße", ["Georg-Schumann-", "Georg-"]),
        ("Martin-Luther-Ring", ["Martin-Luther-", "Martin-"]),
        ("Tempo-30-Zonen", ["Tempo-30-", "Tempo-"]),
        ("„Umwelt/Ordnung“", ["„Umwelt/"]),
        ("E-Mail-Adresse", ["E-Mail-"]),  # never after a single letter
        ("2019-2024", []),  # nor inside a number
        ("km/h", []),
    ],
)
def test_words_break_after_their_own_hyphens_and_slashes(token: str, heads: list[str]) -> None:
    found = [(head, hyphenated) for head, _, hyphenated in hyphenator().splits(token) if head[-1] in "-/"]
    assert found == [(head, False) for head in heads]  # no hyphen is added after a hyphen
    assert [token[:at] for at in reversed(hyphen_breaks(token))] == heads


# --- line ends in the PDF -----------------------------------------------------------------------------------------


def broken(lines: list[str], word: str) -> list[str]:
    """The heads of `word` that end a line (with the hyphen that was added, if any)."""
    found = []
    for line, after in itertools.pairwise(lines):
        last = line.split()[-1] if line.split() else ""
        head = last.lstrip("„»(")
        if (
            head.endswith("-")
            and word.startswith(head.rstrip("-"))
            and after.split()[0].rstrip(",.“«)") in word
        ):
            found.append(head)
    return found


@pytest.mark.parametrize(
    ("word", "allowed"),
    [
        ("Kreisumlage", {"Kreis-"}),
        ("Trinkwasserbrunnen", {"Trinkwasser-", "Trink-"}),
        ("Genehmigungserfordernisse", {"Genehmigungs-", "Ge-", "Geneh-", "Genehmi-"}),
        ("Gesamtkonzepts", {"Gesamt-", "Ge-"}),
        ("Georg-Schumann-Straße", {"Georg-Schumann-", "Georg-", "Ge-"}),
    ],
)
def test_words_at_a_line_end_break_at_a_joint_whenever_one_fits(word: str, allowed: set[str]) -> None:
    """Set in many widths, each word lands at many line ends; it breaks only at a joint or a hyphen of its
    own, or inside its first part where none fits, never at „Krei-“ or „Trinkwas-“."""
    seen: set[str] = set()
    for width in range(140, 300, 9):
        lines = layout(f"Zu prüfen sind {word} und {word}, auch „{word}“ oder {word}.", float(width))
        seen.update(broken(lines, word))
    assert seen <= allowed, seen
    assert max(allowed, key=len) in seen  # the last joint is taken where it fits


MARKED_TEXT = [marks(m) for m in MARKED[:15]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    order=st.permutations(range(len(MARKED_TEXT))),
    width=st.floats(min_value=120, max_value=460),
    lead=st.integers(min_value=0, max_value=12),
)
def test_no_line_breaks_inside_a_part_where_a_joint_fits(order: list[int], width: float, lead: int) -> None:
    """Whatever the width and the words before: a word broken at a line end is broken at a joint, or inside
    its first part, or after the last joint that fits; never at a place without a mark."""
    words = [MARKED_TEXT[i] for i in order]
    text = "Die Verwaltung prüft " + "so " * lead + " und ".join(word for word, _, _ in words) + "."
    [para] = ProseRenderer(build_styles(True).prose, width, hyphenator()).flowables(text)
    assert isinstance(para, Paragraph)
    para.wrap(width, 1e6)
    by_word = {word: (breaks, joints) for word, breaks, joints in words}
    pieces = [piece for _, line_words in para.blPara.lines for piece in line_words]
    tokens = iter(text.split())
    token, done = "", 0  # the token being read, and how much of it earlier lines held
    for piece in pieces:
        if not done:
            token = next(tokens)
        if not piece.endswith("-") or token[done:] == piece:
            done = 0
            continue
        at = done + len(piece) - 1  # a head with an added hyphen
        breaks, joints = by_word[token.rstrip(".")]
        assert at in breaks, (token, at)
        assert at in joints or not any(done < j < at for j in joints), (token, at)
        done = at


# --- no-break spaces -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Beschluss Nr. RBIII373/00 vom", "Beschluss Nr.~RBIII373/00 vom"),
        ("gemäß § 4 Abs. 2 SächsGemO", "gemäß §~4 Abs.~2 SächsGemO"),
        ("(§§ 34, 35 BauGB) und Art. 3", "(§§~34, 35 BauGB) und Art.~3"),
        ("mit 30 km/h und 12 € sowie 5 % auf 100 m", "mit 30~km/h und 12~€ sowie 5~% auf 100~m"),
        ("rund 3 Mio. € oder 2,5 Mrd. Euro", "rund 3~Mio.~€ oder 2,5~Mrd.~Euro"),
        # a unit per another unit („41 µg/m³“ broke after the number)
        ("bei 41 µg/m³, 0,5 mg/l, 12 €/Jahr und 5 m/s", "bei 41~µg/m³, 0,5~mg/l, 12~€/Jahr und 5~m/s"),
        ("2 m/w/d gesucht", "2 m/w/d gesucht"),
        # a telephone number stays whole and with its label
        (
            "Tel. 0341 123-4567 oder Tel.: +49 341 123-3870, Fax 0341 123-4568",
            "Tel.~0341~123-4567 oder Tel.:~+49~341~123-3870, Fax~0341~123-4568",
        ),
        (
            "Hotline 0341 123-5800, werktags; Hotline 24 Stunden",
            "Hotline~0341~123-5800, werktags; Hotline 24~Stunden",
        ),
        ("1.250,50 EUR und 12,5 Prozent", "1.250,50~EUR und 12,5~Prozent"),
        ("Punkt 3 der Anlage 2, S. 14", "Punkt~3 der Anlage~2, S.~14"),
        ("ein Punkt der Anlage, 5 mal", "ein Punkt der Anlage, 5 mal"),  # no number after, no unit
        ("im Jahr 2023 mehr als 40 Menschen", "im Jahr 2023 mehr als 40 Menschen"),
        ("Version v1.2 m", "Version v1.2 m"),
        # the parts of an abbreviation written with spaces (DIN 5008), as Leipzig's statements write them
        (
            "Mittel i. H. v. 3.000 € sind z. B. für o. g. Zwecke",
            "Mittel i.~H.~v. 3.000~€ sind z.~B. für o.~g. Zwecke",
        ),
        ("u. a. die Arena, d. h. es gilt u. U. auch", "u.~a. die Arena, d.~h. es gilt u.~U. auch"),
        ("§ 45 StVO i. V. m. der VwV, z. Zt. ausgewertet", "§~45 StVO i.~V.~m. der VwV, z.~Zt. ausgewertet"),
        ("Leipziger Tafel e. V. erhält", "Leipziger Tafel e.~V. erhält"),
        ("Das ist so. Es gilt, vgl. S. 5 ff. der Anlage", "Das ist so. Es gilt, vgl. S.~5 ff. der Anlage"),
        # a sentence ending in a word of two letters before one starting with an abbreviation
        (
            "Das war so. Dr. Müller stimmte zu. Ca. 20 kamen",
            "Das war so. Dr. Müller stimmte zu. Ca. 20 kamen",
        ),
        ("Wir sind da. Mo. bis Fr. offen", "Wir sind da. Mo. bis Fr. offen"),
        # a date: the day with its month, the month with its year; an ordinal or a bare month stays as it is
        ("am 18. April 2017 und am 3. Okt. 2020", "am 18.~April~2017 und am 3.~Okt.~2020"),
        ("seit 5. März, im Mai 2019 und im Mai", "seit 5.~März, im Mai~2019 und im Mai"),
        ("die 12. Sitzung im 3. Quartal", "die 12. Sitzung im 3. Quartal"),
        ("18. Aprilwetter, Dezember 24 Stück", "18. Aprilwetter, Dezember 24 Stück"),
        # a Bauabschnitt after its ordinal, full-time equivalents after their number
        ("im 2. BA (0,5 VZÄ) und im 3. Quartal", "im 2.~BA (0,5~VZÄ) und im 3. Quartal"),
        # a street with its house number, also a range or with a letter; a year after a street is none
        (
            "Lützner Straße 102, Markt 1, Martin-Luther-Ring 4–6 und Georg-Schwarz-Str. 44a",
            "Lützner Straße~102, Markt~1, Martin-Luther-Ring~4–6 und Georg-Schwarz-Str.~44a",
        ),
        ("die Straße 2020 und unterwegs 3 Tage", "die Straße 2020 und unterwegs 3 Tage"),
    ],
)
def test_no_break_spaces_keep_numbers_with_what_belongs_to_them(text: str, expected: str) -> None:
    assert tie(text) == expected.replace("~", NO_BREAK_SPACE)


#: The pattern `tie` searched with before it was made linear: tried at every digit of a run of digits, it went
#: over the rest of the run each time.
_QUADRATIC_CANDIDATE = re.compile(
    rf"(Nrn?\.|Abs\.|Art\.|Ziff\.|§§?|Punkte?|Anlagen?|S\.|Tsd\.|Mio\.|Mrd\.|{typography._MONTHS}|\d[\d.,]*) +(?=\S)"
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["1", "23", ".", ",", " ", "  ", "a", "Nr.", "S.", "Mio.", "€", "km", "_", "٣", "Mai", "2017"]
        )
    )
)
def test_tie_sets_the_same_spaces_as_the_pattern_it_replaced(pieces: list[str]) -> None:
    text = "".join(pieces)
    numbers_and_words = _QUADRATIC_CANDIDATE.sub(typography._tied, text)
    assert tie(text) == typography._ABBREVIATION_PART.sub(rf"\1{NO_BREAK_SPACE}", numbers_and_words)


@pytest.mark.parametrize("text", ["1" * 50_000, "1." * 25_000, "1," * 25_000 + "x", "1" * 49_000 + " "])
def test_a_long_run_of_digits_is_tied_in_linear_time(text: str) -> None:
    """A paragraph of 50,000 digits took half a minute to set (each of them started the pattern again). Measured
    in this process's CPU time, which other processes on a busy machine do not stretch (it takes 20 ms)."""
    started = time.process_time()
    tie(text)
    assert time.process_time() - started < 2


SEPARATED = re.compile(r"(?:Nr\.|§|Abs\.|Punkt|Mio\.)$")
UNIT_FIRST = re.compile(r"^(?:km/h|€|%|m|Mio\.)(?:\W|$)")


def assert_kept_together(lines: list[str]) -> None:
    for line, after in itertools.pairwise(lines):
        assert not SEPARATED.search(line.rstrip()), (line, after)
        assert not (re.search(r"\d$", line.rstrip()) and UNIT_FIRST.match(after)), (line, after)


PROSE = (
    "Der Stadtrat fasste mit Beschluss Nr. RBIII373/00 gemäß § 4 Abs. 2 SächsGemO zu Punkt 3 der Vorlage "
    "eine Umlage von 3 Mio. € für Straßen mit 30 km/h, je Platz 12 € sowie 5 % auf 100 m Länge."
)


ABBREVIATIONS = (
    "Die Mittel i. H. v. rund drei Millionen sind z. B. für die o. g. Zwecke u. a. im Haushalt vorgesehen, "
    "d. h. es gilt u. U. die Satzung i. V. m. der Richtlinie des Vereins Leipziger Tafel e. V. fort."
)


def line_ends(text: str) -> list[tuple[int, str, str]]:
    """Each line end of `text` set at widths of 120 to 455 points: (width, the line, the next line)."""
    found, checked = [], 0
    for width in range(120, 460, 5):
        lines = layout(text, float(width))
        found += [(width, line, after) for line, after in itertools.pairwise(lines)]
        checked += len(lines)
    assert checked > 300
    return found


def test_prose_never_ends_a_line_inside_an_abbreviation_written_with_spaces() -> None:
    """„z.“ at the end of a line and „B.“ at the start of the next: DIN 5008 keeps the parts together."""
    for width, line, after in line_ends(ABBREVIATIONS):
        cut = re.search(r"(?:^|\s)[^\W\d_]{1,2}\.$", line.rstrip()) and re.match(r"[^\W\d_]{1,3}\.", after)
        assert not cut, (width, line, after)


DATES = (
    "Der Fachausschuss hat am 18. April 2017 beraten, die Ratsversammlung am 17. Mai 2017; die Verwaltung "
    "berichtet im Dezember 2017 und erneut am 3. Okt. 2018 über den Stand der Umsetzung."
)


def test_prose_never_ends_a_line_inside_a_date() -> None:
    """„am 18.“ at the end of a line and „April 2017“ at the start of the next (DIN 5008: a date stays whole)."""
    for width, line, after in line_ends(DATES):
        day_cut = re.search(r"\d\.$", line.rstrip()) and re.match(r"(?:April|Mai|Okt\.)", after)
        year_cut = re.search(r"(?:April|Mai|Dezember|Okt\.)$", line.rstrip()) and re.match(r"\d{4}", after)
        assert not (day_cut or year_cut), (width, line, after)


def test_prose_never_ends_a_line_between_a_number_and_its_unit() -> None:
    checked = 0
    for width in range(120, 460, 5):
        lines = layout(PROSE, float(width))
        assert_kept_together(lines)
        assert " ".join(lines).replace("- ", "-").count("Nr. RBIII373/00") == 1
        checked += len(lines)
    assert checked > 300


def test_a_line_of_the_source_may_end_at_nr_without_the_pdf_doing_so() -> None:
    """In Markdown a line break inside a paragraph is a space; after „Nr.“ it is a no-break one."""
    source = "Siehe **den** Beschluss Nr.\nRBIII373/00 und die Umlage von 30\nkm/h."
    for width in range(110, 300, 4):
        assert_kept_together(layout(source, float(width)))


def test_plain_text_and_table_cells_keep_nr_with_its_number() -> None:
    register_fonts()
    text = "Beschluss Nr. 4711 und Tempo 30 km/h nach § 45 StVO"
    for width in range(60, 300, 3):
        assert_kept_together(wrap_lines(text, FONT, 10, float(width)))
        assert_kept_together(cell_text(text, FONT, float(width)).split("\n"))
        assert_kept_together(box_text(text, False, float(width)).split("\n"))


def test_the_form_keeps_nr_with_its_number_but_the_markdown_is_unchanged() -> None:
    from vsp_cli import api
    from vsp_cli.model import Statement

    for lead in range(0, 40, 3):
        statement = Statement.model_validate(
            {
                "nummer": "VI-A-03824-VSP-01",
                "betreff": "Umsetzung "
                + "des Beschlusses " * (lead // 3)
                + "Nr. RBIII373/00 (Tempo 30 km/h)",
                "eingereicht_von": "Dezernat Stadtentwicklung und Bau",
                "beratungsfolge": [{"gremium": "Ratsversammlung", "termin": "2017-05-17"}],
                "empfehlung": "ablehnung_verwaltungshandeln",
                "begruendung": "x " * lead + "Die Verwaltung verweist auf den Beschluss Nr. RBIII373/00.",
                "anlagen": ["Anlage " * (lead // 2) + "zum Beschluss Nr. RBIII373/00"],
            }
        )
        pdf = api.render_pdf(statement)
        lines = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split("\n")
        assert_kept_together(lines)
    markdown = api.render_markdown(statement)
    assert "Beschluss Nr. RBIII373/00." in markdown and NO_BREAK_SPACE not in markdown


def test_the_form_keeps_a_house_number_and_a_bauabschnitt_with_what_they_belong_to() -> None:
    """„Straße des 18. Oktober 14 (2. BA)“ broke between „2.“ and „BA“ at the end of a Betreff (real4 statement
    01), „Lützner Straße“ | „102“ and „0,5“ | „VZÄ“ likewise, in the Betreff and in the text."""
    from vsp_cli import api
    from vsp_cli.model import Statement

    ends = re.compile(r"(?:\b2\.|Straße|Ring|Markt|0,5)$")
    starts = re.compile(r"^(?:BA|\d|VZÄ)")
    for lead in range(0, 30):
        text = "Erweiterung " + "der Schule " * (lead // 3) + "x" * (lead % 3)
        statement = Statement.model_validate(
            {
                "nummer": "VI-A-02871-VSP-01",
                "betreff": f"{text} in der Lützner Straße 102 (2. BA) am Markt 1 mit 0,5 VZÄ",
                "eingereicht_von": "Dezernat Stadtentwicklung und Bau",
                "beratungsfolge": [{"gremium": "Ratsversammlung", "termin": "2016-03-16"}],
                "empfehlung": "zustimmung",
                "begruendung": f"{text} in der Lützner Straße 102 (2. BA) am Markt 1 mit 0,5 VZÄ. " * 3,
            }
        )
        pdf = api.render_pdf(statement)
        lines = [
            line.strip()
            for page in PdfReader(io.BytesIO(pdf)).pages
            for line in page.extract_text().split("\n")
        ]
        for line, after in itertools.pairwise(lines):
            assert not (ends.search(line) and starts.match(after)), (line, after)


def test_table_cells_keep_a_number_with_its_unit() -> None:
    source = (
        "| Straße | Abschnitt | bis |\n| --- | --- | --- |\n"
        "| Georg-Schumann-Straße | zwischen Lindenthaler Straße und Slevogtstraße | 30 km/h |\n"
        "| Lützner Straße | zwischen Merseburger Straße und Endersstraße | 3 Mio. € |"
    )
    for width in (160.0, 220.0, 300.0):
        lines = layout(source, width)
        assert_kept_together(lines)
        assert any("30 km/h" in line for line in lines) and any("3 Mio. €" in line for line in lines)


def test_a_word_longer_than_a_table_column_is_hyphenated_not_cut() -> None:
    """ReportLab cut a word wider than its cell at any letter where it began („Ende“ | „rsstraße“); it now
    moves to the next line and breaks at a syllable, with a hyphen."""
    source = (
        "| Straße | Abschnitt |\n| --- | --- |\n"
        "| Lützner Straße | zwischen Lindenthaler Straße und Endersstraße, Slevogtstraße |"
    )
    words = {word.strip(",") for word in source.replace("|", " ").split()}
    for width in (90.0, 110.0, 130.0):
        text = "\n".join(layout(source, width))
        assert "-\n" in text  # hyphenated
        for word in re.sub(r"(?<=[a-zäöüß])-\n(?=[a-zäöüß])", "", text).split():
            assert word.strip(",") in words, (width, word)


# --- the recommendation grid ------------------------------------------------------------------------------------


def test_a_long_label_in_the_grid_hangs_after_its_box() -> None:
    """The later lines of a label start under its first word, not under the box, and stay inside the cell."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from vsp_cli.labels import BOX_TICKED
    from vsp_cli.model import Statement
    from vsp_cli.pdf import render_pdf
    from vsp_cli.pdf.styles import FONT_BOLD, FRAME_WIDTH
    from vsp_cli.pdf.tables import BOX_PADDING, FORM_SIZE

    punkte = "zu den Punkten 1, 2 und 3 des Antrags sowie zu Punkt 4 in geänderter Fassung"
    statement = Statement.model_validate(
        {
            "nummer": "VI-A-03824-VSP-01",
            "betreff": "Werkstattgespräche",
            "eingereicht_von": "Dezernat Allgemeine Verwaltung",
            "beratungsfolge": [{"gremium": "Ratsversammlung", "termin": "2017-05-17"}],
            "empfehlung": [{"option": "alternativvorschlag", "punkte": punkte}],
            "begruendung": "Die Verwaltung befürwortet das Anliegen.",
        }
    )
    shown: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            shown.append((tm[4], text.strip()))

    PdfReader(io.BytesIO(render_pdf(statement))).pages[0].extract_text(visitor_text=visit)
    start = next(
        i for i, (_, text) in enumerate(shown) if text.startswith(f"{BOX_TICKED} Alternativvorschlag")
    )
    label = [shown[start]]
    for x, text in shown[start + 1 :]:
        if text.startswith("☐"):
            break
        label.append((x, text))
    assert len(label) >= 3 and " ".join(t for _, t in label).endswith(punkte)
    hang = stringWidth(f"{BOX_TICKED}\xa0", FONT_BOLD, FORM_SIZE)
    box_x = label[0][0]
    for x, text in label[1:]:
        assert x == pytest.approx(box_x + hang, abs=0.05), text
        assert x + stringWidth(text, FONT_BOLD, FORM_SIZE) <= box_x + FRAME_WIDTH / 2 - 2 * BOX_PADDING


def test_plain_lines_break_after_a_names_own_hyphen() -> None:
    """Titles, labels and cells (plain text) are not hyphenated, but a name breaks at its own hyphens."""
    register_fonts()
    text = "Umbenennung der Georg-Schumann-Straße in Leipzig"
    found = set()
    for width in range(110, 260, 4):
        lines = wrap_lines(text, FONT, 10, float(width))
        assert " ".join(lines).replace("- ", "-") == text
        found.update(line.split()[-1] for line in lines[:-1])
    assert {"Georg-", "Georg-Schumann-"} <= found
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for text, room, expected in [
        ("Per E-Mail-Adresse", "Per E-Mail-", ["Per E-Mail-", "Adresse"]),
        ("Senden E-Mail", "Senden E-", ["Senden", "E-Mail"]),  # never after a single letter
        ("Im Jahr 2019-2024", "Im Jahr 2019-", ["Im Jahr", "2019-2024"]),  # nor inside a number
    ]:
        assert wrap_lines(text, FONT, 10, stringWidth(room, FONT, 10) + 0.5) == expected


PAPERS = "Vorlage VI-DS-03306-NF-02, Antrag VII-A-00946-VSP-01 und A-00545/14 (Ratsbeschluss)"


def test_a_paper_number_is_never_broken_at_its_hyphens() -> None:
    """„VI-“ | „DS-03306“ at a line end tore the number a reader searches for; like an address, a paper
    number of Leipzig's scheme stays whole in prose and in the form's plain text."""
    register_fonts()
    numbers = ("VI-DS-03306-NF-02", "VII-A-00946-VSP-01", "A-00545/14")
    for width in range(110, 330, 3):
        lines = layout(f"Wie in der {PAPERS} beschrieben.", float(width))
        for number in numbers:
            assert any(number in line for line in lines), (width, number, lines)
        plain = wrap_lines(f"Betreff zur {PAPERS}", FONT, 10, float(width))
        for number in numbers:
            assert any(number in line for line in plain), (width, number, plain)
    assert hyphenator().splits("(VI-DS-03306)") == []


@pytest.mark.parametrize("width", [20, 30, 40])
@pytest.mark.parametrize("word", ["Straßenbahnhaltestellenüberdachung", "Betriebskostenzuschuss"])
def test_a_word_cut_into_several_pieces_breaks_at_the_whole_words_syllables(word: str, width: int) -> None:
    """After the first cut the rest of the word was hyphenated as a word of its own („nhaltestellen“ → „test-“ |
    „el-“): every later cut at a syllable must be one of the whole word's."""
    register_fonts()
    places = {len(head) for head, _tail, _hyphen in hyphenator().splits(word)}
    with hyphenating(hyphenator()):
        pieces = wrap_lines(word, FONT, 9, width)
    assert len(pieces) > 2 and "".join(pieces).replace("\xad", "") == word
    at = 0
    for piece in pieces[:-1]:
        at += len(piece.removesuffix("\xad"))
        assert not piece.endswith("\xad") or at in places, (pieces, at)


def test_every_paper_type_a_nummer_takes_stays_whole() -> None:
    """The types of paper numbers live in one place (`labels.PAPER_TYPES`) for `nummer` and hyphenation."""
    from vsp_cli.labels import PAPER_TYPES
    from vsp_cli.model import BEZUG_PATTERN

    for kind in PAPER_TYPES:
        number = f"VII-{kind}-00123"
        assert re.match(BEZUG_PATTERN, number) and hyphen_breaks(number) == [], kind
        assert hyphenator().splits(f"({number})") == [], kind


@pytest.mark.parametrize("syllables", [False, True])
def test_a_tied_run_wider_than_a_cell_breaks_at_a_tie_not_inside_a_word_or_number(syllables: bool) -> None:
    """A date, a number with its unit or „Nr.“ with its number is one piece too wide for a narrow cell: it
    breaks at one of its no-break spaces, not in the middle of the year („18. September 2“ | „017“)."""
    register_fonts()
    text = "am 18. September 2017 i. H. v. 3 Mio. € zu Nr. RBIII373"
    words = set(text.split())
    for width in range(45, 110, 2):
        with hyphenating(hyphenator() if syllables else None):
            lines = wrap_lines(text, FONT, 9, float(width))
        for line in lines:
            for word in line.replace(NO_BREAK_SPACE, " ").split():
                if stringWidth(word, FONT, 9) <= width:
                    assert word in words, (width, lines)


def test_a_tied_run_wider_than_a_line_starts_on_the_line_before_where_its_start_fits() -> None:
    """„am“ | „18. September“ | „2017“ left the first line nearly empty: the run breaks at a tie in any case."""
    register_fonts()
    width = stringWidth("am 18. September", FONT, 9) + 1
    assert stringWidth("18. September 2017", FONT, 9) > width
    lines = wrap_lines("am 18. September 2017 tagte er", FONT, 9, width)
    assert [line.replace(NO_BREAK_SPACE, " ").strip() for line in lines] == [
        "am 18. September",
        "2017 tagte er",
    ]


def _one_look_back_per_word(words: tuple[str, ...]) -> str:
    """The candidate pattern with a look back for every word (as it was before they were grouped by their first
    character): the reference its grouped form must match like."""
    first = "".join(dict.fromkeys(re.escape(word[0]) for word in words))
    rests = "|".join(f"(?<={re.escape(word[0])}){re.escape(word[1:])}" for word in words)
    return rf"([\d{first}](?:{rests}|(?<=\d)(?<![\d.,]\d)[\d.,]*)) +(?=\S)"


_PIECES = st.sampled_from(
    [
        *typography._WORDS,
        "Nr",
        "ANr.",
        "18.",
        "3",
        "2017",
        "12,5",
        "1.000",
        "€",
        "Mio.",
        "x",
        "Wort",
        ",",
        ".",
    ]
)


@given(st.lists(st.tuples(_PIECES, st.sampled_from([" ", "", "  ", "\n", "\xa0"])), max_size=8))
def test_the_grouped_candidates_match_as_one_look_back_per_word(pieces: list[tuple[str, str]]) -> None:
    text = "".join(piece + gap for piece, gap in pieces)
    reference = re.compile(_one_look_back_per_word(typography._WORDS))
    assert [m.span(1) for m in typography._CANDIDATE.finditer(text)] == [
        m.span(1) for m in reference.finditer(text)
    ]


_ABBREVIATION_PIECES = st.sampled_from(
    ["z", "B", "ä", "1", ".", " ", ". ", "_", "Zt", "\xa0", "\n", "ab.", "x. "]
)


@given(st.lists(_ABBREVIATION_PIECES, max_size=12).map("".join))
def test_abbreviations_are_tied_as_the_pattern_ties_them_everywhere(text: str) -> None:
    everywhere = typography._ABBREVIATION_PART.sub(rf"\1{NO_BREAK_SPACE}", text)
    assert typography._tie_abbreviations(text) == everywhere


def test_the_narrow_wo_veranschlagt_column_keeps_a_bauabschnitt_with_its_ordinal() -> None:
    """„Fördermittel RL KStB, 2. BA“ in the finance form's narrow last column broke as „2.“ | „BA“."""
    from vsp_cli import api
    from vsp_cli.model import Statement

    for lead in range(0, 24, 2):
        place = "PSP " + "x" * lead + " 2. BA"
        statement = Statement.model_validate(
            {
                "formular": "2017",
                "nummer": "VI-A-05210-VSP-01",
                "betreff": "Ersatzneubau der Brücke",
                "eingereicht_von": "Dezernat Stadtentwicklung und Bau",
                "beratungsfolge": [{"gremium": "Ratsversammlung", "termin": "2018-03-14"}],
                "empfehlung": "ablehnung",
                "finanzen": {
                    "auswirkungen": "ja",
                    "haushalt": {"auszahlungen": {"hoehe": "3.450.000", "wo_veranschlagt": place}},
                },
                "begruendung": "Siehe Sachverhalt.",
            }
        )
        text = "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(api.render_pdf(statement))).pages
        )
        lines = [line.strip() for line in text.split("\n")]
        assert any(line.endswith("2. BA") for line in lines), (lead, [x for x in lines if "BA" in x])


#: The house-number pattern as it was first written (one pattern of the street endings, tried at every
#: character): `typography._tie_house_numbers` finds the space first and must tie the same spaces.
_HOUSE_NUMBER_ORACLE = re.compile(
    r"(?:stra(?:ße|sse)|str\.|gasse|allee|platz|ring|weg|damm|ufer|markt|steg|chaussee) "
    r"(?=\d{1,3}[a-zA-Z]?(?:[-–/]\d{1,3}[a-zA-Z]?)?(?!\d))",
    re.IGNORECASE,
)


_STREET_PIECES = [
    "Straße", "STRASSE", "str.", "Gasse", "allee", "Platz", "Ring", "weg", "Damm", "Ufer", "Markt", "steg",
    "Chaussee", "Lützner", "Karl-", "Ringel", " ", "  ", "1", "12", "123", "2020", "a", "B", "-", "–", "/", ".",
    ",", "ß", "x", "\n",
]  # fmt: skip


@given(st.lists(st.sampled_from(_STREET_PIECES), max_size=14).map("".join))
def test_house_numbers_are_tied_where_the_pattern_of_street_endings_ties_them(text: str) -> None:
    expected = _HOUSE_NUMBER_ORACLE.sub(lambda found: found.group()[:-1] + NO_BREAK_SPACE, text)
    assert typography._tie_house_numbers(text) == expected
