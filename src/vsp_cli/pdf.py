"""The printed form of a statement: A4 layout after the 2014 Leipzig form, built with ReportLab in one pass.

Everything that costs time once per process (fonts, paragraph styles, the Markdown parser, the hyphenator)
is set up on first use and reused, so a warm render only lays out the statement. Output is reproducible: the
document runs in ReportLab's invariant mode and its date comes from the statement, `SOURCE_DATE_EPOCH` or a
fixed day, never from the clock. No value from the statement is ever read as markup: plain fields are set as
text lines and table cells that bypass ReportLab's paragraph parser, and prose reaches the parser escaped.
"""

from __future__ import annotations

import calendar
import io
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from hashlib import md5
from typing import Any

from reportlab import rl_config
from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from . import __version__
from .charset import FONT_DIR, FONT_FILES
from .diagnostics import Diagnostic
from .errors import ConfigError, InvalidInput
from .hyphenation import Hyphenator, german_hyphenator
from .labels import (
    BOX_EMPTY,
    BOX_TICKED,
    GRID_COLUMNS,
    NICHT_RELEVANT,
    OPTIONS_BY_ART,
    PUNKTE_SEPARATOR,
    Art,
    Labels,
    german_date,
)
from .logo import Logo
from .logo import load as load_logo
from .model import Statement
from .pdfwriter import install as install_pdf_writer
from .prose import NeedSpace, ProseRenderer, ProseStyles, plain_paragraph
from .settings import RenderSettings
from .typeface import SharedSubsetFont, install_paragraph_widths

install_pdf_writer()
install_paragraph_widths()

# --- page geometry ------------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT_MARGIN = 25 * mm
RIGHT_MARGIN = 20 * mm
TOP_MARGIN = 20 * mm
BOTTOM_MARGIN = 22 * mm
FRAME_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN
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

#: The PDF date without a `datum` and without `SOURCE_DATE_EPOCH`: 2000-01-01 00:00 UTC.
DEFAULT_EPOCH = 946684800
_MAX_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC


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

    body = style(
        "body",
        alignment=TA_JUSTIFY,
        spaceAfter=6.5,
        hyphenationLang=hyphenator,
        embeddedHyphenation=1 if hyphenate else 0,
    )
    # words too long for a narrow column break at a syllable, with a hyphen, not at any letter
    cell = style("cell", fontSize=9.5, leading=12, hyphenationLang=hyphenator)
    head_cell = style("head-cell", fontName=FONT_BOLD, fontSize=9.5, leading=12, hyphenationLang=hyphenator)
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


# --- the page furniture: running header, logo, footer ----------------------------------------------------------


class _FixedTimeStamp:
    """What ReportLab reads from its `TimeStamp`: a given moment in UTC instead of the clock."""

    def __init__(self, epoch: int) -> None:
        self.t = epoch
        self.lt = time.gmtime(epoch)
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


def creation_epoch(statement: Statement) -> int:
    """The PDF date: the statement's `datum`, else `SOURCE_DATE_EPOCH`, else 2000-01-01 (never the clock)."""
    if statement.datum is not None:
        return calendar.timegm(statement.datum.timetuple())
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return DEFAULT_EPOCH
    return _parse_epoch(raw)


def _parse_epoch(raw: str) -> int:
    try:
        epoch = int(raw)
    except ValueError:
        epoch = -1
    if not 0 <= epoch <= _MAX_EPOCH:
        raise ConfigError(
            [
                Diagnostic.for_file(
                    "SOURCE_DATE_EPOCH",
                    "source-date-epoch",
                    f"SOURCE_DATE_EPOCH muss eine ganze Zahl von Sekunden seit 1970 sein, nicht „{raw}“",
                )
            ]
        )
    return epoch


PageDecorator = Callable[[Canvas, int, int], None]


class _DeferredFooterCanvas(Canvas):
    """A canvas that holds its pages until `save`, so each footer can say „Seite n/m“ in a single build."""

    def __init__(self, *args: Any, decorate: PageDecorator, epoch: int, **kwargs: Any) -> None:
        # ReportLab reads SOURCE_DATE_EPOCH itself and fails on a malformed value; check it first.
        raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if raw:
            _parse_epoch(raw)
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._page_states: list[dict[str, Any]] = []
        doc = self._doc  # type: ignore[attr-defined]
        doc._timeStamp = _FixedTimeStamp(epoch)
        # The document id is derived from the time stamp: derive it from ours, as ReportLab would.
        signature = md5(usedforsecurity=False)
        signature.update(b"a reportlab document")
        signature.update(ascii(epoch).encode("ascii"))
        doc.signature = signature

    def showPage(self) -> None:
        self._page_states.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        total = len(self._page_states)
        for number, state in enumerate(self._page_states, start=1):
            self.__dict__.update(state)
            self._decorate(self, number, total)
            Canvas.showPage(self)
        Canvas.save(self)


@dataclass(frozen=True)
class _Furniture:
    """Header, logo and footer of the pages; drawn straight on the canvas."""

    nummer: str
    page_label: str
    footer: str | None
    logo: Logo | None
    logo_size: tuple[float, float] | None

    def first_page(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        if self.logo is not None and self.logo_size is not None:
            width, height = self.logo_size
            self.logo.draw(
                canv, PAGE_WIDTH - RIGHT_MARGIN - width, PAGE_HEIGHT - 12 * mm - height, width, height
            )

    def later_page(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        canv.saveState()
        canv.setFont(FONT, SMALL_SIZE)
        canv.setFillColor(GREY)
        y = PAGE_HEIGHT - 13 * mm
        canv.drawRightString(PAGE_WIDTH - RIGHT_MARGIN, y, self.nummer)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.4)
        canv.line(LEFT_MARGIN, y - 2.5 * mm, PAGE_WIDTH - RIGHT_MARGIN, y - 2.5 * mm)
        canv.restoreState()

    def footer_text(self, canv: Canvas, number: int, total: int) -> None:
        canv.saveState()
        canv.setFont(FONT, SMALL_SIZE)
        canv.setFillColor(GREY)
        y = FOOTER_BASELINE
        page = self.page_label.format(seite=number, seiten=total)
        if self.footer:
            room = FRAME_WIDTH - pdfmetrics.stringWidth(page, FONT, SMALL_SIZE) - 8 * mm
            lines = _wrap_lines(self.footer, FONT, SMALL_SIZE, room)
            for index, line in enumerate(lines):  # a long footer grows upwards, into the margin
                canv.drawString(LEFT_MARGIN, y + (len(lines) - 1 - index) * SMALL_SIZE * 1.25, line)
        canv.drawRightString(PAGE_WIDTH - RIGHT_MARGIN, y, page)
        canv.restoreState()


def _logo_size(logo: Logo) -> tuple[float, float]:
    """Width and height of the logo at LOGO_HEIGHT, aspect ratio kept."""
    return LOGO_HEIGHT * logo.width / logo.height, LOGO_HEIGHT


class _Document(BaseDocTemplate):
    """Adds an outline entry for every flowable marked with `outline_title`."""

    def afterFlowable(self, flowable: Flowable) -> None:
        title = getattr(flowable, "outline_title", None)
        if title is None:
            return
        key = f"s{len(self._outline_keys)}"
        self._outline_keys.append(key)
        canv = self.canv
        top = self.frame._y + flowable.height  # type: ignore[attr-defined]  # the frame is below it now
        canv.bookmarkHorizontal(key, 0, top)
        canv.addOutlineEntry(title, key, level=0)

    def handle_documentBegin(self) -> None:
        self._outline_keys: list[str] = []
        super().handle_documentBegin()


# --- the form ------------------------------------------------------------------------------------------------


class TextLines(Flowable):
    """Plain text in one face, broken at spaces and set line by line: the form's titles, labels and values.

    The text never passes ReportLab's paragraph parser, so nothing in it can act as markup, and it lays out
    in a fraction of a Paragraph's time. Each of `parts` starts a new line; white space inside a part is a
    single space, as in a paragraph.
    """

    def __init__(self, parts: Sequence[str], style: ParagraphStyle, lines: list[str] | None = None) -> None:
        super().__init__()
        self.parts = parts
        self.style = style
        self._lines = lines
        self._for_width = -1.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        style = self.style
        if self._lines is None or (self.parts and availWidth != self._for_width):
            width = availWidth - style.leftIndent
            lines: list[str] = []
            for part in self.parts:
                lines += _wrap_lines(part, style.fontName, style.fontSize, width)
            self._lines, self._for_width = lines, availWidth
        self.width = availWidth
        self.height = len(self._lines) * style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        assert self._lines is not None
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit <= 0 or fit >= len(self._lines):
            return []
        return [TextLines((), self.style, self._lines[:fit]), TextLines((), self.style, self._lines[fit:])]

    def draw(self) -> None:
        style = self.style
        text = self.canv.beginText(style.leftIndent, self.height - style.fontSize)
        text.setFont(style.fontName, style.fontSize, style.leading)
        text.setFillColor(style.textColor)
        for line in self._lines or ():
            text.textLine(line)
        self.canv.drawText(text)


class _PlainTable(Table):
    """A table of plain-text cells (the Beratungsfolge, the form) whose text is set in one text object.

    ReportLab sets each line of each cell as a text object of its own, measuring it first for right-to-left
    scripts, and writes an empty one for an empty cell. Here the lines are added to one text object, written
    after the rules; the positions are ReportLab's.
    """

    _text: Any = None
    _font: tuple[str, float, float] | None = None
    _color: Any = None

    def draw(self) -> None:
        self._text = self._font = self._color = None
        super().draw()
        if self._text is not None:
            self.canv.drawText(self._text)
            self._text = None

    def _drawCell(
        self, cellval: Any, cellstyle: Any, pos: tuple[float, float], size: tuple[float, float]
    ) -> None:
        if not (
            isinstance(cellval, str)
            and cellstyle.alignment == "LEFT"
            and cellstyle.valign in ("TOP", "MIDDLE", "BOTTOM")
            and not (cellstyle.direction or cellstyle.shaping or cellstyle.href or cellstyle.destination)
        ):
            super()._drawCell(cellval, cellstyle, pos, size)  # type: ignore[misc]
            return
        if not cellval:
            return
        lines = cellval.split("\n")
        (x, bottom), height = pos, size[1]
        leading, fontsize = cellstyle.leading, cellstyle.fontsize
        top, low, tall = cellstyle.topPadding, cellstyle.bottomPadding, len(lines) * leading
        if cellstyle.valign == "TOP":  # the first line's baseline, as ReportLab computes it
            y = bottom + height - top - fontsize
        elif cellstyle.valign == "BOTTOM":
            y = bottom + low + tall - fontsize
        else:
            y = bottom + (low + height - top + tall) / 2.0 - fontsize
        text = self._text
        if text is None:
            text = self._text = self.canv.beginText()
        font = (cellstyle.fontname, fontsize, leading)
        if font != self._font:
            text.setFont(*font)
            self._font = font
        if cellstyle.color != self._color:
            text.setFillColor(cellstyle.color)
            self._color = cellstyle.color
        text.setTextOrigin(x + cellstyle.leftPadding, y)
        for line in lines:
            text.textLine(line)


class _WholeTable(_PlainTable):
    """A table that moves to the next page as a whole instead of splitting (the form's boxes)."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []


def _title(statement: Statement, labels: Labels) -> str:
    return labels.title(statement.art, statement.nummer, neufassung=statement.ist_neufassung)


def _outline_title(label: str) -> str:
    return label.strip().rstrip(":").strip() or label


class _FormBuilder:
    """Collects the flowables of one statement in the order of the printed form."""

    def __init__(self, statement: Statement, settings: RenderSettings, styles: Styles) -> None:
        self.statement = statement
        self.settings = settings
        self.labels = settings.labels
        self.styles = styles
        self.hyphenator: Hyphenator | None = german_hyphenator() if settings.hyphenate else None
        self.prose = ProseRenderer(styles.prose, FRAME_WIDTH, self.hyphenator)
        self.out: list[Flowable] = []

    def text(self, value: str, style: ParagraphStyle) -> TextLines:
        """Plain text, set as it is: it never passes a markup parser."""
        lines = TextLines((value,), style)
        self.out.append(lines)
        return lines

    def heading(self, label: str, style: ParagraphStyle, outline: bool, follow: float) -> None:
        """A heading that never ends a page: it moves on unless `follow` points of what follows fit too."""
        self.out.append(NeedSpace(style.spaceBefore + style.leading + style.spaceAfter + follow))
        para = self.text(label, style)
        if outline:
            para.outline_title = _outline_title(label)  # type: ignore[attr-defined]

    def build(self) -> list[Flowable]:
        st, lb, sty = self.statement, self.labels, self.styles
        two_lines = 2 * BODY_LEADING
        if st.gremium:
            self.text(st.gremium, sty.gremium)
        self.text(_title(st, lb), sty.title)
        self.text(f"{lb['status']} {lb.status(st.status)}", sty.status)
        self.heading(lb["beratungsfolge"], sty.label, True, 3 * CELL_LEADING + 16)
        self.out += self.beratungsfolge()
        self.heading(lb["eingereicht_von"], sty.label, False, BODY_LEADING)
        self.out.append(TextLines(st.eingereicht_von, sty.value))
        self.heading(lb["betreff"], sty.label, False, sty.betreff.leading)
        self.text(st.betreff, sty.betreff)
        self.out += self.form()
        if st.beschlussvorschlag:
            self.heading(
                st.beschlussvorschlag_titel or lb["beschlussvorschlag"], sty.section, True, two_lines
            )
            self.out += self.prose.flowables(st.beschlussvorschlag)
        self.heading(lb["strategische_ziele"], sty.section, False, BODY_LEADING)
        if st.strategische_ziele.strip() == NICHT_RELEVANT:
            self.text(st.strategische_ziele, sty.value)
        else:
            self.out += self.prose.flowables(st.strategische_ziele)
        if st.sachverhalt:
            self.heading(lb["sachverhalt"], sty.section, True, two_lines)
            self.out += self.prose.flowables(st.sachverhalt)
        if st.begruendung:
            self.heading(lb["begruendung"], sty.section, True, two_lines)
            self.out += self.prose.flowables(st.begruendung)
        if st.anlagen:
            self.heading(lb["anlagen"], sty.section, True, BODY_LEADING)
            room = sty.prose.label_room(f"{len(st.anlagen)}.", sty.value)
            item = sty.prose.variant(sty.value, room, sty.prose.item_space, label=room)
            for number, anlage in enumerate(st.anlagen, start=1):
                self.out.append(plain_paragraph(anlage, item, bullet=f"{number}."))
        return self.out

    def beratungsfolge(self) -> list[Flowable]:
        widths = _BERATUNG_WIDTHS
        heads = [self.labels[key] for key in ("spalte_gremium", "spalte_termin", "spalte_zustaendigkeit")]
        plain = [
            [r.gremium, german_date(r.termin) if r.termin else "", r.zustaendigkeit or ""]
            for r in self.statement.beratungsfolge
        ]
        rows = [[_cell_text(head, FONT_BOLD, widths[c]) for c, head in enumerate(heads)]]
        rows += [
            [
                _cell_text(gremium, FONT, widths[0]),
                termin,
                _cell_text(rolle, FONT, widths[2]) if rolle else "",
            ]
            for gremium, termin, rolle in plain
        ]
        page = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN - 2 * _row_height(rows[0])
        if any(_row_height(row) > page for row in rows[1:]):
            # Only absurdly long entries get here: ReportLab cannot split a row of plain cells over several
            # pages, so each row is set as lines of text.
            return [
                TextLines(
                    [f"{head}: {cell}" for head, cell in zip(heads, row, strict=True) if cell],
                    self.styles.value,
                )
                for row in plain
            ]
        table = _PlainTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT", spaceAfter=9, splitInRow=1)
        table.setStyle(_BERATUNG_STYLE)
        return [table]

    def form(self) -> list[Flowable]:
        """The boxes of the form as one table that is never split: legal consequences, then the grid."""
        st, lb = self.statement, self.labels
        columns = GRID_COLUMNS[st.art]
        width = FRAME_WIDTH / columns
        inner = width - 2 * _BOX_PADDING
        rows: list[list[str]] = []
        heights: list[float | None] = []
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), FORM_SIZE),
            ("LEADING", (0, 0), (-1, -1), FORM_LEADING),
            ("LEFTPADDING", (0, 0), (-1, -1), _BOX_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), _BOX_PADDING),
        ]

        def row(cells: list[str], height: float | None = None) -> int:
            rows.append(cells + [""] * (columns - len(cells)))
            heights.append(height)
            return len(rows) - 1

        def span(r: int) -> None:
            if columns > 1:
                commands.append(("SPAN", (0, r), (-1, r)))

        rk = st.rechtliche_konsequenzen
        if st.art is Art.ANTRAG and rk is not None:
            full = FRAME_WIDTH - 2 * _BOX_PADDING
            first = row([_cell_text(lb["rechtliche_konsequenzen"], FONT_BOLD, full, CELL_SIZE, 0)])
            span(first)
            span(row([_cell_text(lb["rk_einleitung"], FONT, full, FORM_SIZE, 0)]))
            boxes = [
                _box_text(lb["rk_rechtswidrig"], rk.rechtswidrig, inner),
                _box_text(lb["rk_nachteilig"].format(body=self.settings.body), rk.nachteilig, inner),
            ]
            for r in range(0, 2, columns):
                last = row(boxes[r : r + columns])
            for r, on in enumerate((rk.rechtswidrig, rk.nachteilig)):
                if on:
                    cell = (r % columns, first + 2 + r // columns)
                    commands.append(("FONTNAME", cell, cell, FONT_BOLD))
            commands += [
                ("FONTNAME", (0, first), (-1, first), FONT_BOLD),
                ("FONTSIZE", (0, first), (-1, first), CELL_SIZE),
                ("BOX", (0, first), (-1, last), 0.6, RULE),
                ("BACKGROUND", (0, first), (-1, last), FORM_BACKGROUND),
                ("TOPPADDING", (0, first), (-1, last), 1.5),
                ("BOTTOMPADDING", (0, first), (-1, last), 1.5),
                ("TOPPADDING", (0, first), (-1, first), 5),
                ("BOTTOMPADDING", (0, last), (-1, last), 6),
            ]
            row([], 6)  # the gap between the two boxes
            commands.append(("TOPPADDING", (0, last + 1), (-1, last + 1), 0))
            commands.append(("BOTTOMPADDING", (0, last + 1), (-1, last + 1), 0))
        ticked = st.ticked
        top = len(rows)
        for index, option in enumerate(OPTIONS_BY_ART[st.art]):
            on = option in ticked
            text = lb.option(option)
            punkte = st.punkte_for(option)
            if punkte:
                text += " " + PUNKTE_SEPARATOR.join(punkte)
            if index % columns == 0:
                row([])
            rows[-1][index % columns] = _box_text(text, on, inner)
            if on:
                cell = (index % columns, top + index // columns)
                commands.append(("FONTNAME", cell, cell, FONT_BOLD))
        commands += [
            ("BOX", (0, top), (-1, -1), 0.6, RULE),
            ("INNERGRID", (0, top), (-1, -1), 0.3, RULE),
            ("VALIGN", (0, top), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, top), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, top), (-1, -1), 4.5),
        ]
        lines = sum(max(cell.count("\n") + 1 for cell in r) for r in rows)
        if lines * FORM_LEADING + 10 * len(rows) > PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN:
            # Only absurdly long `punkte` get here: a table row cannot run over a page, so set it as text.
            return [TextLines(r, self.styles.value) for r in ([c for c in row if c] for row in rows) if r]
        table = _WholeTable(
            rows, colWidths=[width] * columns, rowHeights=heights, hAlign="LEFT", spaceBefore=2, spaceAfter=12
        )
        table.setStyle(TableStyle(commands))
        return [table]


CELL_SIZE = 9.5
CELL_LEADING = 12
FORM_SIZE = 10
FORM_LEADING = 13
_CELL_PADDING = 4
_BOX_PADDING = 6
_BERATUNG_WIDTHS = (FRAME_WIDTH - 72 * mm, 24 * mm, 48 * mm)


#: Where plain text may break: ordinary white space, never a no-break space.
_BREAKABLE_SPACE = re.compile(r"[ \t\n\r\f\v]+")


#: Plain texts up to this length have their lines remembered: labels, options, names and committees recur in
#: every statement of a build.
_WRAP_MEMO_TEXT = 200


def _wrap_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking of plain text at ordinary spaces; a word wider than `width` is cut where it must be.

    Soft hyphens are dropped: plain text is not hyphenated, and drawn they would show as hyphens.
    """
    if len(text) <= _WRAP_MEMO_TEXT:
        return list(_wrap_short(text, font, size, width))
    return _break_lines(text, font, size, width)


@lru_cache(maxsize=4096)
def _wrap_short(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    return tuple(_break_lines(text, font, size, width))


def _break_lines(text: str, font: str, size: float, width: float) -> list[str]:
    words = _BREAKABLE_SPACE.split(text.replace("\xad", "").strip(" \t\n\r\f\v"))
    space = pdfmetrics.stringWidth(" ", font, size)
    lines: list[str] = []
    current: list[str] = []
    used = -space
    for word in words:
        if not word:
            continue
        w = pdfmetrics.stringWidth(word, font, size)
        if current and used + space + w > width:
            lines.append(" ".join(current))
            current, used = [], -space
        if w > width and len(word) > 1:  # an over-long word: lines of the longest pieces that fit
            *full, word = _cut_word(word, font, size, width)
            lines += full
            w = pdfmetrics.stringWidth(word, font, size)
        current.append(word)
        used += space + w
    if current:
        lines.append(" ".join(current))
    return lines


def _row_height(cells: list[str]) -> float:
    """The height of a Beratungsfolge row: its tallest cell and the padding."""
    return max(cell.count("\n") + 1 for cell in cells) * CELL_LEADING + _BERATUNG_PADDING


def _cut_word(word: str, font: str, size: float, width: float) -> list[str]:
    """`word` in pieces, each the longest that fits in `width` (at least one character), or ending after a
    slash or hyphen in its second half („Umwelt/“ | „Ordnung/Sport“), as a reader would break it.

    The search gallops from the start of each piece, so it measures about as many characters as a piece has,
    never the whole rest of the word: a word of 200,000 letters takes milliseconds, not minutes.
    """
    pieces = []
    start, end = 0, len(word)
    while start < end:
        fits, misses = 1, 2  # a piece of `fits` characters is taken; one of `misses` is too wide or too long
        while (
            start + misses <= end
            and pdfmetrics.stringWidth(word[start : start + misses], font, size) <= width
        ):
            fits, misses = misses, 2 * misses
        misses = min(misses, end - start + 1)
        while fits + 1 < misses:
            mid = (fits + misses) // 2
            if pdfmetrics.stringWidth(word[start : start + mid], font, size) <= width:
                fits = mid
            else:
                misses = mid
        if start + fits < end:  # a piece ends after a slash or hyphen of its second half where it has one
            mark = max(word.rfind("/", start, start + fits), word.rfind("-", start, start + fits))
            if mark - start + 1 > fits // 2:
                fits = mark - start + 1
        pieces.append(word[start : start + fits])
        start += fits
    return pieces


def _cell_text(
    text: str, font: str, width: float, size: float = CELL_SIZE, padding: float = _CELL_PADDING
) -> str:
    """A table cell as a plain string, broken into lines; plain strings are never read as markup."""
    return "\n".join(_wrap_lines(text, font, size, width - 2 * padding))


def _box_text(label: str, ticked: bool, width: float) -> str:
    """„☒ label“ or „☐ label“: the box is a character, so extracted text tells which one is ticked."""
    box = BOX_TICKED if ticked else BOX_EMPTY
    lines = _wrap_lines(f"{box}\u00a0{label}", FONT_BOLD if ticked else FONT, FORM_SIZE, width)
    return "\n".join(lines)


_BERATUNG_TOP, _BERATUNG_BOTTOM = 2.5, 3.5
_BERATUNG_PADDING = _BERATUNG_TOP + _BERATUNG_BOTTOM
_BERATUNG_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BACKGROUND),
        ("LINEABOVE", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), _BERATUNG_TOP),
        ("BOTTOMPADDING", (0, 0), (-1, -1), _BERATUNG_BOTTOM),
        ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
    ]
)

# --- the public entry point ------------------------------------------------------------------------------------


def render_pdf(statement: Statement, settings: RenderSettings | None = None) -> bytes:
    """The statement as a PDF document (bytes); reads nothing but the fonts and the configured logo."""
    settings = settings or RenderSettings()
    styles = build_styles(settings.hyphenate)
    labels = settings.labels
    title = _title(statement, labels)
    logo = load_logo(settings.logo) if settings.logo is not None else None  # decoded once per process
    logo_size = _logo_size(logo) if logo is not None else None
    furniture = _Furniture(
        nummer=statement.nummer,
        page_label=labels["seite"],
        footer=settings.footer,
        logo=logo,
        logo_size=logo_size,
    )
    first_top = TOP_MARGIN + (LOGO_CLEARANCE if logo_size else 0)
    frame_height = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN
    first = Frame(
        LEFT_MARGIN,
        BOTTOM_MARGIN,
        FRAME_WIDTH,
        PAGE_HEIGHT - first_top - BOTTOM_MARGIN,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="erste",
    )
    later = Frame(
        LEFT_MARGIN,
        BOTTOM_MARGIN,
        FRAME_WIDTH,
        frame_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="folge",
    )
    buffer = io.BytesIO()
    doc = _Document(
        buffer,
        pagesize=A4,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        pageTemplates=[
            PageTemplate("erste", [first], onPage=furniture.first_page, autoNextPageTemplate="folge"),
            PageTemplate("folge", [later], onPage=furniture.later_page),
        ],
        title=f"{title} – {statement.betreff}",
        author=", ".join(statement.eingereicht_von),
        subject=statement.betreff,
        keywords=[statement.nummer, statement.art.value, settings.body],
        creator=f"vsp {__version__}",
        lang="de-DE",
        displayDocTitle=True,
        invariant=1,
        initialFontName=FONT,
        initialFontSize=BODY_SIZE,
    )
    builder = _FormBuilder(statement, settings, styles)
    flowables = builder.build()
    if builder.prose.uses_italic:
        register_fonts(italic=True)
    canvasmaker = partial(
        _DeferredFooterCanvas, decorate=furniture.footer_text, epoch=creation_epoch(statement)
    )
    with _BUILD_LOCK:
        # ASCII85 on top of Flate only makes streams larger and costs a tenth of the render time. The switch
        # is process-wide in ReportLab, so it is set just for the build and renders are serialised.
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            doc.build(flowables, canvasmaker=canvasmaker)
        except LayoutError:
            # The layout above avoids every case known to end here; should one remain, it is the input's
            # extreme, not a crash.
            raise InvalidInput(
                [
                    Diagnostic.for_file(
                        "",
                        "layout",
                        "Der Standpunkt lässt sich nicht setzen: ein Teil ist höher als eine Seite und kann nicht "
                        "geteilt werden (etwa ein sehr langer Eintrag in einer Tabelle); bitte kürzen oder aufteilen",
                    )
                ]
            ) from None
        finally:
            rl_config.useA85 = saved
    return buffer.getvalue()


_BUILD_LOCK = threading.Lock()


__all__ = ["creation_epoch", "render_pdf"]
