"""Tables of plain-text cells (the Beratungsfolge, the form's boxes), set in one text object each and tagged
cell by cell (`tagging.TaggedTable`)."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, TableStyle

from ..labels import BOX_EMPTY, BOX_TICKED
from .styles import FONT, FONT_BOLD, FRAME_WIDTH, HEAD_BACKGROUND, RULE
from .tagging import Cell, ListItem, TaggedTable, drawing, switch
from .text import Cut, wrap_lines

CELL_SIZE = 9.5
CELL_LEADING = 12
FORM_SIZE = 10
FORM_LEADING = 13
CELL_PADDING = 4
BOX_PADDING = 6
BERATUNG_WIDTHS = (FRAME_WIDTH - 72 * mm, 24 * mm, 48 * mm)


class PlainTable(TaggedTable):
    """A table of plain-text cells (the Beratungsfolge, the form) whose text is set in one text object.

    ReportLab sets each line of each cell as a text object of its own, measuring it first for right-to-left
    scripts, and writes an empty one for an empty cell. Here the lines are added to one text object, written
    after the rules; the positions are ReportLab's. Each cell's text is marked as its element in `tags` (a
    `ListItem`: the box or number and the space after it as the label, the rest as the body), the lines of a
    cell joined by spaces.
    """

    _text_marks = True
    _text: Any = None
    _font: tuple[str, float, float] | None = None
    _color: Any = None

    def draw(self) -> None:
        self._text = self._font = self._color = None
        super().draw()
        if self._text is not None:
            self.canv.drawText(self._text)
            self._text = None

    def draw_cell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any, tag: Cell) -> None:
        if not (
            isinstance(cellval, str)
            and cellstyle.alignment == "LEFT"
            and cellstyle.valign in ("TOP", "MIDDLE", "BOTTOM")
            and not (cellstyle.direction or cellstyle.shaping or cellstyle.href or cellstyle.destination)
        ):
            with drawing(self.canv, tag.body if isinstance(tag, ListItem) else tag):
                super().draw_cell(cellval, cellstyle, pos, size, tag)
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
        last = len(lines) - 1
        cuts = getattr(cellval, "cuts", ())
        if isinstance(tag, ListItem):
            first = lines[0]
            split = first.find("\u00a0") + 1 or first.find(" ") + 1
            switch(text, tag.label)
            text.textOut(first[:split])
            switch(text, tag.body)
            lines[0] = first[split:]
        else:
            switch(text, tag)
        for index, line in enumerate(lines):
            text.textLine(line if index == last or index in cuts else line + " ")


class WholeTable(PlainTable):
    """A table that moves to the next page as a whole instead of splitting (the form's boxes)."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []


def row_height(cells: list[str]) -> float:
    """The height of a Beratungsfolge row: its tallest cell and the padding."""
    return max(cell.count("\n") + 1 for cell in cells) * CELL_LEADING + BERATUNG_PADDING


class CellText(str):
    """A cell's lines joined by newlines, knowing which of them end inside a cut word (`cuts`: no space follows
    them in the tagged text)."""

    cuts: frozenset[int] = frozenset()


def _joined(lines: list[str]) -> str:
    text = "\n".join(lines)
    cuts = frozenset(index for index, line in enumerate(lines) if type(line) is Cut)
    if not cuts:
        return text
    cell = CellText(text)
    cell.cuts = cuts
    return cell


def cell_text(
    text: str, font: str, width: float, size: float = CELL_SIZE, padding: float = CELL_PADDING
) -> str:
    """A table cell as a plain string, broken into lines; plain strings are never read as markup."""
    return _joined(wrap_lines(text, font, size, width - 2 * padding))


def box_text(label: str, ticked: bool, width: float) -> str:
    """„☒ label“ or „☐ label“: the box is a character, so extracted text tells which one is ticked."""
    box = BOX_TICKED if ticked else BOX_EMPTY
    return _joined(wrap_lines(f"{box}\u00a0{label}", FONT_BOLD if ticked else FONT, FORM_SIZE, width))


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
