"""Markdown tables: column widths as a typesetter would choose them (amounts never broken, text columns wrapping,
smaller type before words are broken), and a table that leaves no single row alone at a page break."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .tagging import TaggedTable

#: Padding of a Markdown table's cells, on each side (points).
CELL_PADDING = 4.0


class ProseTable(TaggedTable):
    """A table that leaves no single body row alone on either side of a page break, and whose header, should no
    page hold it with the start of a row, is set once and split like any row instead of repeated."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth, availHeight)
        heights = getattr(self, "_rowHeights", None)
        head = self.repeatRows if isinstance(self.repeatRows, int) else 0
        frame = getattr(getattr(self, "_doctemplate", None), "frame", None)
        if not parts and heights and head and getattr(frame, "_atTop", False):
            # not even a fresh page holds the header with the start of a row: a header that tall is not repeated
            # but set once and split like a row (ReportLab gave up: exit 1 for a statement a clerk could write,
            # with long headings in many narrow columns)
            self.repeatRows = 0
            parts = super().split(availWidth, availHeight)
        if len(parts) != 2 or not heights or not isinstance(self.repeatRows, int):
            return parts
        head = self.repeatRows
        first, second = (len(part._cellvalues) - head for part in parts)  # type: ignore[attr-defined]
        if first < 2 and sum(heights[: head + 2]) < _SMALL_ROWS:
            return []  # the first rows go to the next page together (on a fresh page they fit)
        if second < 2 and first >= 3:
            shorter: list[Flowable] = super().split(availWidth, sum(heights[: head + first - 1]) + 0.01)
            if len(shorter) == 2:
                return shorter
        return parts


#: The height (points) of a header and two rows below which moving them to the next page is always possible.
_SMALL_ROWS = 200.0


#: Narrowest table column (points): padding plus a few letters. Tables whose columns cannot all get this much
#: are set as lines of „Kopf: Wert“ pairs instead.
MIN_COLUMN = 36.0


#: Room a column needs beside its text: the cell padding on both sides and a little air.
COLUMN_PADDING = 2 * CELL_PADDING + 6


#: Font sizes, as fractions of the cell style's, in which a table too wide for the page is tried before its
#: amounts and words are broken (a budget table of seven amount columns fits at the smallest).
TABLE_SCALES = (1.0, 0.9, 0.8)


#: A piece of a cell's text no longer than this is kept with the word before it when a column's narrowest
#: width is measured: „12.450.000,00 €“ should not lose its „€“ to the next line.
_TRAILING_PIECE = 2


@dataclass(frozen=True)
class ColumnText:
    """How wide a column's text is, at the cell style's size and without padding."""

    natural: float  # its longest line, unbroken
    glued: float  # its widest word, with a short piece after it („12.450.000,00 €“)
    figure: float  # its widest number with what follows it („12.450.000,00 €“, „12,5 %“): never broken


#: A number as tables hold them: amounts, years, percentages, dates; with a unit tied to it („12\xa0€“).
_FIGURE = re.compile(r"[-+–(]?[0-9][0-9.,/:]*[%‰)]?(?:\xa0\S+)*")


#: Where a cell's text may break: white space, but not a no-break space.
_BREAKABLE = re.compile(r"[^\S\xa0]+")


def measure(text: str, font: str, size: float) -> ColumnText:
    natural = glued = figure = 0.0
    for line in text.split("\n"):
        natural = max(natural, stringWidth(line, font, size))
        pieces: list[
            tuple[str, bool]
        ] = []  # a word with the short piece after it, and whether it is a number
        for token in _BREAKABLE.split(line.strip()):
            if not token:
                continue
            if pieces and len(token) <= _TRAILING_PIECE:
                pieces[-1] = (pieces[-1][0] + " " + token, pieces[-1][1])
            else:
                pieces.append((token, bool(_FIGURE.fullmatch(token))))
        for piece, is_figure in pieces:
            width = stringWidth(piece, font, size)
            glued = max(glued, width)
            if is_figure:
                figure = max(figure, width)
    return ColumnText(natural, glued, figure)


def table_layout(columns: list[ColumnText], width: float) -> tuple[float, list[float]] | None:
    """The font scale and column widths of a table as a typesetter would choose them; None if its numbers
    cannot stand whole side by side even in small type (the table is then set as lines).

    Natural widths if they fit. Else each column gets at least its widest word with what belongs to it (an
    amount with its „€“), and the rest of the width is shared in proportion to what each column lacks, so
    that text columns wrap and amounts stay whole; if that does not fit, the table is set smaller. At the
    smallest size, words may be broken (hyphenated), numbers never.
    """

    def padded(widths: Iterator[float]) -> list[float]:
        return [max(MIN_COLUMN, w + COLUMN_PADDING) for w in widths]

    for scale in TABLE_SCALES:
        natural = padded(c.natural * scale for c in columns)
        if sum(natural) <= width:
            return scale, natural
        glued = padded(c.glued * scale for c in columns)
        if sum(glued) <= width:
            return scale, _shared(natural, glued, width)
    figures = padded(c.figure * scale for c in columns)
    if sum(figures) <= width:
        return scale, _shared(natural, figures, width)
    return None


def _shared(natural: list[float], minimum: list[float], width: float) -> list[float]:
    """Each column's minimum, and the rest of `width` in proportion to what it lacks of its natural width."""
    lacking = [n - m for n, m in zip(natural, minimum, strict=True)]
    spare = (width - sum(minimum)) / sum(lacking)
    return [m + spare * gap for m, gap in zip(minimum, lacking, strict=True)]
