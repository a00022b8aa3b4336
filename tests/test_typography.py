"""Typography of the PDF: compounds break at their joints first, names at their own hyphens, and no line ends
between „Nr.“ and its number or a number and its unit.

Expected breaks are written by hand (`=` a joint, `-` a syllable inside a part); layouts are rendered to PDF
and read back with pypdf, as a reader sees them.
"""

from __future__ import annotations

import io
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.platypus import Paragraph, SimpleDocTemplate

from vsp_cli.hyphenation import GermanHyphenator, german_hyphenator, hyphen_breaks
from vsp_cli.pdf.prose import ProseRenderer
from vsp_cli.pdf.styles import build_styles, register_fonts


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
    lines = [" ".join(line_words) for _, line_words in para.blPara.lines]
    by_word = {word: (breaks, joints) for word, breaks, joints in words}
    for line, after in itertools.pairwise(lines):
        head, tail = line.split()[-1], after.split()[0]
        if not head.endswith("-"):
            continue
        word = head[:-1] + tail.rstrip(".")
        assert word in by_word, (head, tail)
        breaks, joints = by_word[word]
        at = len(head) - 1
        assert at in breaks, (word, at)
        assert at in joints or not any(j < at for j in joints), (word, at)
