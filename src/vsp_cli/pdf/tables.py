"""Tables of plain-text cells (the Beratungsfolge, the form's boxes), set in one text object each."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Table, TableStyle

from ..labels import BOX_EMPTY, BOX_TICKED
from .styles import FONT, FONT_BOLD, FRAME_WIDTH, HEAD_BACKGROUND, RULE
from .text import wrap_lines

CELL_SIZE = 9.5
CELL_LEADING = 12
FORM_SIZE = 10
FORM_LEADING = 13
CELL_PADDING = 4
BOX_PADDING = 6
BERATUNG_WIDTHS = (FRAME_WIDTH - 72 * mm, 24 * mm, 48 * mm)


class HangingLines(str):
    """A cell's lines (a plain string, as ReportLab measures it) whose second and later lines start `hang`
    points right of the first: the label of a box, whose lines hang after it."""

    hang: float

    def __new__(cls, text: str, hang: float) -> HangingLines:
        lines = super().__new__(cls, text)
        lines.hang = hang
        return lines


class PlainTable(Table):
    """A table of plain-text cells (the Beratungsfolge, the form) whose text is set in one text object.

    ReportLab sets each line of each cell as a text object of its own, measuring it first for right-to-left
    scripts, and writes an empty one for an empty cell. Here the lines are added to one text object, written
    after the rules; the positions are ReportLab's, but for the later lines of `HangingLines`.
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
        hang = cellval.hang if isinstance(cellval, HangingLines) else 0.0
        for number, line in enumerate(lines):
            text.textLine(line)
            if number == 0 and hang and len(lines) > 1:
                text.moveCursor(hang, 0)  # the later lines start under the label, not under its box


class WholeTable(PlainTable):
    """A table that moves to the next page as a whole instead of splitting (the form's boxes)."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []


def row_height(cells: list[str]) -> float:
    """The height of a Beratungsfolge row: its tallest cell and the padding."""
    return max(cell.count("\n") + 1 for cell in cells) * CELL_LEADING + BERATUNG_PADDING


def cell_text(
    text: str, font: str, width: float, size: float = CELL_SIZE, padding: float = CELL_PADDING
) -> str:
    """A table cell as a plain string, broken into lines; plain strings are never read as markup."""
    return "\n".join(wrap_lines(text, font, size, width - 2 * padding))


def box_text(label: str, ticked: bool, width: float) -> str:
    """„☒ label“ or „☐ label“: the box is a character, so extracted text tells which one is ticked. A label
    too long for one line hangs after its box: its later lines start under its first word, not under the box
    (`HangingLines`), and all of them are broken for the width beside the box. The cell must be set in bold
    if `ticked`, as the label is measured."""
    font = FONT_BOLD if ticked else FONT
    box = f"{BOX_TICKED if ticked else BOX_EMPTY}\u00a0"
    hang = pdfmetrics.stringWidth(box, font, FORM_SIZE)
    lines = wrap_lines(label, font, FORM_SIZE, width - hang) or [""]
    return HangingLines("\n".join([box + lines[0], *lines[1:]]), hang)


_BERATUNG_TOP, _BERATUNG_BOTTOM = 2.5, 3.5
BERATUNG_PADDING = _BERATUNG_TOP + _BERATUNG_BOTTOM
BERATUNG_STYLE = TableStyle(
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
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
)
