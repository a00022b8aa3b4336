"""The form's look: page geometry, type sizes, colours, the fonts and every paragraph style, set up once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from ..charset import FONT_DIR, FONT_FILES
from ..hyphenation import Hyphenator, german_hyphenator
from .prose import ProseStyles
from .typeface import SharedSubsetFont

# --- page geometry ------------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT_MARGIN = 25 * mm
RIGHT_MARGIN = 20 * mm
TOP_MARGIN = 20 * mm
BOTTOM_MARGIN = 22 * mm
FRAME_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN
LOGO_HEIGHT = 15 * mm
FOOTER_BASELINE = 12 * mm
#: Extra space above the first page's text when a logo is printed.
LOGO_CLEARANCE = 12 * mm

FONT = "DejaVuSansCondensed"
FONT_BOLD = "DejaVuSansCondensed-Bold"
FONT_ITALIC = "DejaVuSansCondensed-Oblique"
FONT_BOLD_ITALIC = "DejaVuSansCondensed-BoldOblique"

BODY_SIZE = 10.5
BODY_LEADING = 13.7
SMALL_SIZE = 8.5

INK = black
GREY = Color(0.35, 0.35, 0.35)
RULE = Color(0.55, 0.55, 0.55)
HEAD_BACKGROUND = Color(0.9, 0.9, 0.9)
FORM_BACKGROUND = Color(0.965, 0.965, 0.965)


# --- fonts and styles (once per process) ----------------------------------------------------------------------


_FACES = {"regular": FONT, "bold": FONT_BOLD, "italic": FONT_ITALIC, "bolditalic": FONT_BOLD_ITALIC}


@cache
def register_fonts(italic: bool = False) -> None:
    """Register DejaVu Sans Condensed as one family, so that <b> and <i> find their faces.

    Parsing a face costs 20-30 ms, so the italic ones are loaded only when some text is italic.
    """
    if italic:
        register_fonts()
    faces = ("italic", "bolditalic") if italic else ("regular", "bold")
    for face in faces:
        pdfmetrics.registerFont(SharedSubsetFont(_FACES[face], str(FONT_DIR / FONT_FILES[face])))
    if not italic:
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )


@dataclass(frozen=True)
class Styles:
    """Every paragraph style of the form, built once per hyphenation setting."""

    gremium: ParagraphStyle
    title: ParagraphStyle
    status: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    betreff: ParagraphStyle
    section: ParagraphStyle
    cell: ParagraphStyle
    head_cell: ParagraphStyle
    prose: ProseStyles


@cache
def build_styles(hyphenate: bool) -> Styles:
    """The styles of the form; `hyphenate` switches German hyphenation of justified prose."""
    register_fonts()
    hyphenator: Hyphenator | str = german_hyphenator() if hyphenate else ""
    base = ParagraphStyle(
        "vsp-base",
        fontName=FONT,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        textColor=INK,
        alignment=TA_LEFT,
        hyphenationLang="",
        embeddedHyphenation=0,
        uriWasteReduce=0,
        splitLongWords=1,
        allowWidows=0,
        allowOrphans=0,
        bulletFontName=FONT,
        bulletFontSize=BODY_SIZE,
    )

    def style(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(f"vsp-{name}", parent=base, **kw)

    # a word longer than a line moves to the next one and is broken there (embeddedHyphenation 2), not cut at
    # any letter where it began
    wrapped = 2 if hyphenate else 0
    body = style(
        "body",
        alignment=TA_JUSTIFY,
        spaceAfter=6.5,
        hyphenationLang=hyphenator,
        embeddedHyphenation=wrapped,
    )
    # words too long for a narrow column break at a syllable, with a hyphen, not at any letter
    cell = style("cell", fontSize=9.5, leading=12, hyphenationLang=hyphenator, embeddedHyphenation=wrapped)
    head_cell = style(
        "head-cell",
        fontName=FONT_BOLD,
        fontSize=9.5,
        leading=12,
        hyphenationLang=hyphenator,
        embeddedHyphenation=wrapped,
    )
    prose = ProseStyles(
        body=body,
        heading=style("prose-heading", fontName=FONT_BOLD, spaceBefore=4, spaceAfter=3),
        code=style("code", fontSize=9.5, leading=12.5, spaceAfter=6.5, leftIndent=8, textColor=GREY),
        cell=cell,
        head_cell=head_cell,
        font=FONT,
        bold_font=FONT_BOLD,
        grid_color=RULE,
        head_background=HEAD_BACKGROUND,
    )
    return Styles(
        gremium=style("gremium", fontSize=11, leading=14, spaceAfter=2),
        title=style("title", fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=3),
        status=style("status", spaceAfter=12),
        label=style("label", fontName=FONT_BOLD, spaceAfter=2),
        value=style("value", spaceAfter=9),
        betreff=style("betreff", fontName=FONT_BOLD, fontSize=11, leading=14.5, spaceAfter=11),
        section=style("section", fontName=FONT_BOLD, spaceBefore=8, spaceAfter=3),
        cell=cell,
        head_cell=head_cell,
        prose=prose,
    )
