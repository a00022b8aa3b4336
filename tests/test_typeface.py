"""The shared first font subset: same encoding as ReportLab's own, one font program for every document."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph

from test_pdf import statement
from vsp_cli.charset import FONT_DIR, FONT_FILES
from vsp_cli.pdf import render_pdf
from vsp_cli.pdf.archival import ARCHIVAL
from vsp_cli.pdf.typeface import (
    COMMON,
    FIXED_SUBSET,
    PARAGRAPH_WIDTHS_KEPT,
    WIDTH_CACHE_MAX,
    WIDTH_TEXT_MAX,
    MissingGlyph,
    SharedSubsetFont,
    _FixedStream,
    _remembered_width,
)

FONT = SharedSubsetFont("TestFace", str(FONT_DIR / FONT_FILES["regular"]))
#: Characters inside the fixed subset, a no-break space, and some outside it (Vietnamese, Greek, a dash).
#: NUL (.notdef in both) and U+FFFE (the codec's mark for "no such code") are edge cases of the fast path.
_CHARS = st.sampled_from(
    [*map(chr, range(32, 127)), *COMMON, "\xa0", "ễ", "Ω", "ǆ", "‒", "ŉ", "\x00", "\x01", "\x85", "\ufffe"]
)


class _Doc:
    """Stands for a ReportLab document: the font keeps one subset state per document object."""


@given(st.lists(st.text(alphabet=_CHARS, max_size=40), max_size=8))
def test_fast_encoding_equals_reportlabs_loop(texts: list[str]) -> None:
    """The same codes as ReportLab for every text the face can draw; a text with a character it lacks (NUL,
    U+0001, U+0085, U+FFFE) is refused, where ReportLab drew .notdef (code 0, which PDF/UA and PDF/A forbid)."""
    fast, generic = _Doc(), _Doc()
    for text in texts:
        lacking = [char for char in text.replace("\xa0", " ") if ord(char) not in FONT.face.charToGlyph]
        if lacking:
            with pytest.raises(MissingGlyph) as caught:
                FONT.splitString(text, fast)
            assert caught.value.char == lacking[0]
            continue
        assert FONT.splitString(text, fast) == TTFont.splitString(FONT, text, generic)
    assert FONT.state[fast].subsets == FONT.state[generic].subsets


@given(
    st.lists(st.text(alphabet=_CHARS, max_size=WIDTH_TEXT_MAX + 8), max_size=8), st.sampled_from([8, 10.5])
)
def test_remembered_widths_are_reportlabs(texts: list[str], size: float) -> None:
    for text in texts * 2:  # the second round is answered from memory
        assert FONT.stringWidth(text, size) == TTFont.stringWidth(FONT, text, size)


def test_width_memory_is_bounded_and_skips_long_texts() -> None:
    font = SharedSubsetFont("BoundedFace", str(FONT_DIR / FONT_FILES["regular"]))
    for i in range(WIDTH_CACHE_MAX + 10):
        font.stringWidth(f"w{i}", 10)
    font.stringWidth("x" * (WIDTH_TEXT_MAX + 1), 10)
    remembered = font._widths_seen
    assert 0 < len(remembered) <= WIDTH_CACHE_MAX
    assert all(len(text) <= WIDTH_TEXT_MAX for text, _size, _encoding in remembered)


def test_fixed_subset_is_full_and_has_every_common_character_once() -> None:
    assert len(FIXED_SUBSET) == 256
    assert FIXED_SUBSET[32:127] == list(range(32, 127))
    assert sorted(FIXED_SUBSET[1:32] + FIXED_SUBSET[128:]) == sorted(map(ord, COMMON))


def _font_programs(data: bytes) -> dict[str, bytes]:
    """Each embedded font subset's program, by its PDF name."""
    programs = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                programs[str(font.BaseFont)] = font.FontDescriptor.FontFile2.read_bytes()
    return programs


def test_documents_share_the_first_subset_and_add_the_rest() -> None:
    plain: Any = statement(betreff="Radwege in Grünau – „Lückenschluss“ für 1.000 €")
    wide: Any = statement(betreff="Städtepartnerschaft mit Hội An: Besuch von Frau Nguyễn (Ω-Projekt)")
    plain_pdf, wide_pdf = render_pdf(plain), render_pdf(wide)
    plain_fonts, wide_fonts = _font_programs(plain_pdf), _font_programs(wide_pdf)
    for first in ("/AAAAAA+DejaVuSansCondensed", "/AAAAAA+DejaVuSansCondensed-Bold"):
        assert plain_fonts[first] == wide_fonts[first]
    # The betreff is set in bold: ộ, ễ and Ω go to a second subset of the bold face.
    assert set(wide_fonts) - set(plain_fonts) == {"/AAAAAB+DejaVuSansCondensed-Bold"}
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(wide_pdf)).pages)
    assert "Städtepartnerschaft mit Hội An: Besuch von Frau Nguyễn (Ω-Projekt)" in " ".join(text.split())


def test_state_is_kept_per_document_while_documents_interleave() -> None:
    font = SharedSubsetFont("InterleavedFace", str(FONT_DIR / FONT_FILES["regular"]))
    first, second = _Doc(), _Doc()
    font.splitString("ễ", first)  # a character outside subset 0: the first document's state grows
    assert font.state[second] is not font.state[first]
    assert len(font.state[second].subsets) == 1
    assert len(font.state[first].subsets) == 2  # asked again after the other document: still its own
    kept = font.state[first]
    del font.state[first]
    assert font.state[first] is not kept
    assert len(font.state[first].subsets) == 1


def test_cached_font_dictionaries_are_what_reportlab_writes() -> None:
    """Subset 0's font and descriptor dictionaries, formatted once and filled in, equal ReportLab's own."""
    doc = pdfdoc.PDFDocument()
    file_ref = doc.Reference(pdfdoc.PDFStream(content=b"x"), "some font file")
    cmap_ref = doc.Reference(pdfdoc.PDFStream(content=b"y"), "some cmap")
    face: Any = FONT.face
    name, shape, _cmap = FONT._fixed_objects

    descriptor = face._fixed_descriptor.fill({"FontFile2": file_ref})
    expected = face._descriptor(name, file_ref)  # ReportLab's dictionary, as addSubsetObjects builds it
    assert descriptor.format(doc) == expected.format(doc)
    descriptor_ref = doc.Reference(descriptor, "the descriptor")

    font = shape.fill(
        {"Name": pdfdoc.PDFName("F7+0"), "ToUnicode": cmap_ref, "FontDescriptor": descriptor_ref}
    )
    reportlabs: Any = pdfdoc.PDFTrueTypeFont()
    reportlabs.Name, reportlabs.BaseFont = "F7+0", name
    reportlabs.FirstChar, reportlabs.LastChar = 0, 255
    reportlabs.Widths = pdfdoc.PDFArray([face.getCharWidth(code) for code in FIXED_SUBSET])
    reportlabs.ToUnicode, reportlabs.FontDescriptor = cmap_ref, descriptor_ref
    assert font.format(doc) == reportlabs.format(doc)
    assert b"/F7+0" in font.format(doc) and b"/FontDescriptor" in font.format(doc)


def test_streams_formatted_ahead_are_what_reportlab_writes() -> None:
    doc = pdfdoc.PDFDocument()
    setattr(doc, ARCHIVAL, True)  # as vsp writes its documents: an end of line before `endstream`
    raw = b"/CIDInit /ProcSet findresource begin\n" * 40
    fixed = _FixedStream(raw, Length1=len(raw))
    for compress in (False, True):
        reportlabs = pdfdoc.PDFStream(content=raw, filters=[pdfdoc.PDFZCompress] if compress else None)
        reportlabs.dictionary["Length1"] = len(raw)
        assert fixed.object(compress).format(doc) == reportlabs.format(doc)
    assert fixed.object(True).format(doc) != fixed.object(False).format(doc)
    assert fixed.object(True) is not fixed.object(True)  # each document numbers its own object


@given(
    st.lists(st.text(alphabet=_CHARS, max_size=WIDTH_TEXT_MAX + 8), max_size=8),
    st.sampled_from([8, 10.5]),
    st.sampled_from(["TestFace", "Helvetica"]),
)
def test_paragraphs_measure_as_reportlab_does(texts: list[str], size: float, name: str) -> None:
    pdfmetrics.registerFont(FONT)
    assert paragraph.stringWidth is _remembered_width  # installed by vsp_cli.pdf
    for text in texts * 2:  # the second round is answered from memory
        assert _remembered_width(text, name, size) == pdfmetrics.stringWidth(text, name, size)


def test_paragraph_widths_are_remembered_in_c_and_bounded() -> None:
    # a remembered width runs no bytecode (functools.lru_cache answers it), and the memory keeps the last
    # PARAGRAPH_WIDTHS_KEPT texts whatever their length
    pdfmetrics.registerFont(FONT)
    _remembered_width("Verwaltungsstandpunkt", "TestFace", 10)
    hits = _remembered_width.cache_info().hits
    _remembered_width("Verwaltungsstandpunkt", "TestFace", 10)
    assert _remembered_width.cache_info().hits == hits + 1
    assert _remembered_width.cache_info().maxsize == PARAGRAPH_WIDTHS_KEPT
