"""Tables of plain-text cells (the Beratungsfolge, the form's boxes), set in one text object each and tagged
cell by cell (`tagging.TaggedTable`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, TableStyle
from reportlab.platypus import tables as _tables
from reportlab.platypus.tables import CellStyle

from ..labels import BOX_EMPTY, BOX_TICKED
from .styles import FONT, FONT_BOLD, FRAME_HEIGHT, FRAME_WIDTH, HEAD_BACKGROUND, RULE
from .tagging import (
    LIST_NONE,
    Cell,
    ListItem,
    StructElem,
    TaggedTable,
    covered_cells,
    drawing,
    list_item,
    page_of,
    switch,
    table_cells,
)
from .text import SYLLABLES, Cut, wrap_lines
from .typeface import SharedSubsetFont

#: ReportLab's line drawing around spans and its sharing of a span's height among its rows (not in the stubs).
_hLine: Any = getattr(_tables, "_hLine")  # noqa: B009
spanFixDim: Any = getattr(_tables, "spanFixDim")  # noqa: B009

CELL_SIZE = 9.5
CELL_LEADING = 12
FORM_SIZE = 10
FORM_LEADING = 13
CELL_PADDING = 4
BOX_PADDING = 6
BERATUNG_WIDTHS = (FRAME_WIDTH - 72 * mm, 24 * mm, 48 * mm)


#: The widest the Termin column grows for the results and meetings a form file prints after the dates: the
#: longest known results („20.05.2020 zur Kenntnis genommen“, „… ungeändert beschlossen“) fit on one line.
BERATUNG_NOTES_WIDTH = 59 * mm


def beratung_widths(
    captions: tuple[str, ...], notes: Sequence[str] = (), duties: Sequence[str] = ()
) -> tuple[float, float, float]:
    """The Beratungsfolge's columns: the Termin and Zuständigkeit columns at least as wide as the longest word
    of their captions („voraussichtlicher“ of 2017), the Gremium column takes the rest.

    `notes`: the Termin cell's lines that carry a result or a meeting after the date (`ergebnisse`,
    `sitzungsnamen` of a form file). The column grows for them, up to `BERATUNG_NOTES_WIDTH`, so that
    „20.05.2020 vertagt“ stays on one line instead of breaking into a word per line; the room comes first from
    the Zuständigkeit column, which then is only as wide as its widest entry (`duties`) needs."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def room(caption: str, least: float) -> float:
        words = caption.split()
        widest = max((stringWidth(w, FONT_BOLD, CELL_SIZE) for w in words), default=0.0)
        return max(least, widest + 2 * CELL_PADDING + 1)

    def needed(texts: Sequence[str]) -> float:
        return max((stringWidth(t, FONT, CELL_SIZE) for t in texts), default=0.0) + 2 * CELL_PADDING + 1

    termin = room(captions[1], BERATUNG_WIDTHS[1])
    rolle = room(captions[2], BERATUNG_WIDTHS[2])
    if notes:
        termin = max(termin, min(needed(notes), BERATUNG_NOTES_WIDTH))
        rolle = room(captions[2], min(needed(duties), BERATUNG_WIDTHS[2]))
    if (termin, rolle) == BERATUNG_WIDTHS[1:]:
        return BERATUNG_WIDTHS
    return (FRAME_WIDTH - termin - rolle, termin, rolle)


class PlainTable(TaggedTable):
    """A table of plain-text cells (the Beratungsfolge, the form) whose text is set in one text object.

    ReportLab sets each line of each cell as a text object of its own, measuring it first for right-to-left
    scripts, and writes an empty one for an empty cell. Here the lines are added to one text object, written
    after the rules; the positions are ReportLab's, but for the later lines of a box's label, which hang after
    the box (`CellText.hang`). Each cell's text is marked as its element in `tags` (a `ListItem`: the box or
    number and the space after it as the label, the rest as the body), the lines of a cell joined by spaces but
    where a line ends inside a word (`CellText.cuts`).
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

    def _addCommand(self, cmd: Any) -> None:
        """ReportLab's `Table._addCommand`; a command that sets one attribute of the cells in a range (FONTNAME,
        VALIGN, TOPPADDING, …) sets it straight: ReportLab's `_setCellStyle` tells the command's kind again
        for every cell (the seed's two tables: a thirtieth of its warm render). The same attributes, the same
        values: other commands (lines, backgrounds, spans, FONT, TEXTCOLOR, split rows) take ReportLab's way."""
        attribute = _CELL_ATTRIBUTES.get(cmd[0]) if len(cmd) > 3 else None
        if attribute is None or isinstance(cmd[1][1], str) or isinstance(cmd[2][1], str):
            super()._addCommand(cmd)  # type: ignore[misc]
            return
        (sc, sr), (ec, er), value = cmd[1], cmd[2], cmd[3]
        sc, ec, sr, er = self.normCellRange(sc, ec, sr, er)
        for row in self._cellStyles[sr : er + 1]:  # type: ignore[attr-defined]
            for style in row[sc : ec + 1]:
                setattr(style, attribute, value)

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
        cuts, hang = (cellval.cuts, cellval.hang) if isinstance(cellval, CellText) else ((), 0.0)
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
            if index == 0 and hang and last:
                text.moveCursor(hang, 0)  # the later lines start under the label, not under its box


#: The cell style commands that set one attribute to their first value, as ReportLab's `_setCellStyle` does.
_CELL_ATTRIBUTES = {
    "FONTNAME": "fontname",
    "FACE": "fontname",
    "SIZE": "fontsize",
    "FONTSIZE": "fontsize",
    "LEADING": "leading",
    "ALIGN": "alignment",
    "ALIGNMENT": "alignment",
    "VALIGN": "valign",
    "LEFTPADDING": "leftPadding",
    "RIGHTPADDING": "rightPadding",
    "TOPPADDING": "topPadding",
    "BOTTOMPADDING": "bottomPadding",
    "HREF": "href",
    "DESTINATION": "destination",
    "DIRECTION": "direction",
    "SHAPING": "shaping",
}


class Grid(Flowable):
    """A `PlainTable` of fixed columns, every cell in one style but its face (the finance and staffing blocks'
    questions and tables), measured and drawn without ReportLab's table machinery: the same rows heights,
    rules, background, text and marked content as `PlainTable` draws, operator for operator, in a fraction of
    its time. It has no page break of its own: where one falls inside, the `PlainTable` it stands for
    (`table`, made then) splits, so a break falls where it always did.

    `fonts`: each cell's face; `spans`: (row, column) of a cell → (rows, columns) it spans; `background`: the
    first row's; `rules`: the weights of the outline and the inner lines (BOX, INNERGRID in `RULE`)."""

    hAlign = "LEFT"

    def __init__(
        self,
        rows: list[list[str]],
        widths: Sequence[float],
        cell: type[CellStyle],
        fonts: list[list[str]],
        tags: list[list[Cell]],
        table: Callable[[], PlainTable],
        *,
        spans: Mapping[tuple[int, int], tuple[int, int]] | None = None,
        background: Color | None = None,
        rules: tuple[float, float] = (0.6, 0.3),
        space_after: float = 0,
    ) -> None:
        super().__init__()
        self.rows, self.widths, self.cell, self.fonts, self.tags = rows, widths, cell, fonts, tags
        self.table = table
        self.spans = spans or {}
        self.background = background
        self.rules = rules
        self.spaceAfter = space_after
        self._geometry: tuple[list[float], list[float], list[float]] | None = None

    def _measure(self) -> tuple[list[float], list[float], list[float]]:
        """Row heights, row positions (top down, from the table's top) and column positions, as ReportLab's
        `Table._calc` computes them for plain cells."""
        geometry = self._geometry
        if geometry is not None:
            return geometry
        cell, rows, spans = self.cell, self.rows, self.spans
        pad = cell.bottomPadding + cell.topPadding
        leading = cell.leading or 1.2 * cell.fontsize
        # cells a span over rows covers: they count for no row
        covered = covered_cells({cell: size for cell, size in spans.items() if size[0] > 1})
        constraints: dict[tuple[int, int], float] = {}
        heights: list[float] = []
        for r, row in enumerate(rows):
            h = 0.0
            for c, value in enumerate(row):
                if (r, c) in covered:
                    continue
                t = leading * (value.count("\n") + 1) + pad
                span = spans.get((r, c))
                if span is not None and span[0] > 1:
                    key = (r, r + span[0] - 1)
                    constraints[key] = max(constraints.get(key, t), t)
                    t = 0
                if t > h:
                    h = t
            heights.append(h)
        if constraints:
            spanFixDim([None] * len(heights), heights, constraints)
        positions: list[float] = []  # bottom up, summed as ReportLab sums them (compensated)
        height = c0 = 0.0
        for h in reversed(heights):
            positions.append(height)
            y = h - c0
            t = height + y
            c0 = (t - height) - y
            height = t
        positions.append(height)
        positions.reverse()
        columns = [0.0]
        width = 0.0
        for w in self.widths:
            width = width + w
            columns.append(width)
        self._geometry = geometry = (heights, positions, columns)
        return geometry

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _heights, positions, columns = self._measure()
        self.width, self.height = columns[-1], positions[0]
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = self.table().split(availWidth, availHeight)
        return parts

    def draw(self) -> None:
        heights, positions, columns = self._measure()
        canv = self.canv
        faces: dict[str, Any] = {face: pdfmetrics.getFont(face) for face in set().union(*self.fonts)}
        if not canv.bottomup or not all(f._dynamicFont and not f.shapable for f in faces.values()):
            # a face that is no plain TrueType face (none of vsp's): the table draws what it would draw
            table = self.table()
            table.wrap(self.width, self.height)
            table.canv = canv
            table.draw()
            del table.canv
            return
        code: list[str] = canv._code  # type: ignore[attr-defined]
        tagger: Any = getattr(canv, "tagger", None)
        marks = tagger is not None and not tagger.depth
        nrows, ncols = len(heights), len(columns) - 1
        code.append("q")
        if marks:
            code.append("/Artifact BMC")
        if self.background is not None:
            color = self.background
            code.append(f"{fp_str(color.red, color.green, color.blue)} rg")
            code.append(
                f"n {fp_str(0, positions[0], columns[ncols], positions[min(1, nrows)] - positions[0])} re f*"
            )
        if marks:
            code += ("EMC", "/Artifact BMC")
        # the rules: the outline, then the inner lines but through a span
        h_blocks: dict[float, list[tuple[float, float]]] = {}
        v_blocks: dict[float, list[tuple[float, float]]] = {}
        spans = self.spans
        rects: dict[tuple[int, int], tuple[float, float, float, float]] = {}
        covered = covered_cells(spans)
        for (r0, c0), (down, across) in spans.items():
            r1, c1 = r0 + down - 1, c0 + across - 1
            for c in range(c0 + 1, c1 + 1):
                v_blocks.setdefault(columns[c], []).append((positions[r1 + 1], positions[r0]))
            for r in range(r0 + 1, r1 + 1):
                h_blocks.setdefault(positions[r], []).append((columns[c0], columns[c1 + 1]))
            y = positions[r1 + 1]
            rects[r0, c0] = (columns[c0], y, columns[c1 + 1] - columns[c0], positions[r0] - y)
        for blocks in (h_blocks, v_blocks):
            for ranges in blocks.values():
                ranges.sort()
        number = _number
        xs, ys = [number(x) for x in columns], [number(y) for y in positions]

        def line(x1: float, y1: float, x2: float, y2: float) -> None:
            code.append(f"n {number(x1)} {number(y1)} m {number(x2)} {number(y2)} l S")

        def vertical(y0: float, x0: float, y1: float, x1: float) -> None:
            code.append(f"n {number(x0)} {number(y0)} m {number(x1)} {number(y1)} l S")

        outline, inner = self.rules
        right, top, bottom = columns[ncols], positions[0], positions[nrows]
        code += ("q", "1 J", "1 j", _RULE_COLOR, f"{number(outline)} w")
        # a line that no span interrupts is written straight (what `_hLine` writes for it)
        for r in (0, nrows):
            if positions[r] in h_blocks:
                _hLine(line, 0, right, positions[r], h_blocks)
            else:
                code.append(f"n 0 {ys[r]} m {xs[ncols]} {ys[r]} l S")
        for c in (0, ncols):
            if columns[c] in v_blocks:
                _hLine(vertical, bottom, top, columns[c], v_blocks)
            else:
                code.append(f"n {xs[c]} {ys[nrows]} m {xs[c]} {ys[0]} l S")
        if nrows > 1 or ncols > 1:
            code.append(f"{number(inner)} w")
        for r in range(1, nrows):
            if positions[r] in h_blocks:
                _hLine(line, 0, right, positions[r], h_blocks)
            else:
                code.append(f"n 0 {ys[r]} m {xs[ncols]} {ys[r]} l S")
        for c in range(1, ncols):
            if columns[c] in v_blocks:
                _hLine(vertical, bottom, top, columns[c], v_blocks)
            else:
                code.append(f"n {xs[c]} {ys[nrows]} m {xs[c]} {ys[0]} l S")
        code.append("Q")
        if marks:
            code.append("EMC")
        code.append("Q")
        # the text, cell by cell, in one text object (`PlainTable.draw_cell`), its marked content as
        # `TaggedText.marked_code` makes it: a cell's element from its first text on, until the next cell's
        cell = self.cell
        size, leading, top_pad, left_pad = cell.fontsize, cell.leading, cell.topPadding, cell.leftPadding
        text: Any = None
        #: the text's operators since the last mark, and the text with its marks before them
        entries: list[str] = []
        out: list[str] = []
        #: the element whose marked content is open (`opened`), or waits for its first text (`waiting`)
        current: StructElem | None = None
        opened = waiting = False
        page = page_of(canv)
        doc, escape = canv._doc, canv._escape  # type: ignore[attr-defined]
        font_tail = f"{fp_str(size)} Tf {fp_str(leading)} TL"
        font: Any = None
        subset = -1  # the subset of the face set in the text object (-1: none yet)
        fixed_runs = _NO_RUNS  # the text-showing operators of texts in the face's fixed subset

        def start(element: StructElem | None) -> None:
            """The text from here on belongs to `element` (`TaggedText.switch`)."""
            nonlocal current, opened, waiting
            if opened:
                if element is current:
                    return
                out.append(" ".join(entries))
                out.append("EMC")
                entries.clear()
                opened = False
            current, waiting = element, marks

        def show(piece: str, tail: str = "") -> None:
            """`PDFTextObject._formatText` of the piece (and `tail`), marked if it opens its element's text."""
            nonlocal subset, opened, waiting
            operators = fixed_runs.get(piece)
            if operators is not None:  # the piece in the face's fixed subset (0), as `splitString` encodes it
                if subset != 0:
                    subset = 0
                    operators = f"{font.getSubsetInternalName(0, doc)} {font_tail} {operators}"
            else:
                runs = font.splitString(piece, doc)
                shown = []
                for run_subset, data in runs:
                    if run_subset != subset:
                        shown.append(f"{font.getSubsetInternalName(run_subset, doc)} {font_tail}")
                        subset = run_subset
                    shown.append(f"({escape(data)}) Tj")
                if (
                    runs
                    and fixed_runs is not _NO_RUNS
                    and len(piece) <= _RUN_MEMO_TEXT
                    and font.fixed_bytes(piece) is not None
                ):
                    if len(fixed_runs) >= _RUN_MEMO_MAX:
                        fixed_runs.clear()
                    fixed_runs[piece] = shown[-1]
                operators = " ".join(shown)  # empty for an empty piece (a label's empty last line)
                if not runs:
                    entries.append(operators + tail)
                    return
            if waiting:
                out.append(" ".join(entries))
                out.append(tagger.begin(page, current))
                entries.clear()
                opened, waiting = True, False
            entries.append(operators + tail)

        face: str | None = None
        for r, row in enumerate(self.rows):
            fonts, tags = self.fonts[r], self.tags[r]
            for c, value in enumerate(row):
                if not value:
                    continue
                cell_at = (r, c)
                if cell_at in covered:
                    continue
                rect = rects.get(cell_at)
                if rect is not None:
                    x, bottom_y, _w, height = rect
                elif spans:
                    bottom_y = positions[r + 1]
                    x, height = columns[c], positions[r] - bottom_y
                else:
                    x, bottom_y, height = columns[c], positions[r + 1], heights[r]
                if text is None:  # made at the first text, as `PlainTable` makes it
                    text = canv.beginText()
                    text.setFillColor(cell.color)
                    entries += text._code
                    text._code = []
                if fonts[c] != face or font is None:
                    face = fonts[c]
                    font, subset = faces[face], -1
                    # a shared face's fixed subset encodes a text the same in every document: its runs are kept
                    fixed_runs = (
                        _FIXED_RUNS.setdefault(face, {}) if type(font) is SharedSubsetFont else _NO_RUNS
                    )
                entries.append(
                    f"1 0 0 1 {number(x + left_pad)} {number(bottom_y + height - top_pad - size)} Tm"
                )
                lines = value.split("\n")
                last = len(lines) - 1
                cuts = value.cuts if isinstance(value, CellText) else ()
                tag = tags[c]
                if isinstance(tag, ListItem):
                    first = lines[0]
                    split = first.find("\u00a0") + 1 or first.find(" ") + 1
                    start(tag.label)
                    show(first[:split])
                    start(tag.body)
                    lines[0] = first[split:]
                else:
                    start(tag)
                for index, piece in enumerate(lines):
                    show(piece if index == last or index in cuts else piece + " ", " T*")
        if text is None:
            return
        if opened:
            out.append(" ".join(entries))
            out.append("EMC")
            entries.clear()
        entries.append("ET")
        out.append(" ".join(entries))
        code.append(" ".join(filter(None, out)))


#: Per shared face, the text-showing operator of short texts in its fixed subset (`Grid.draw`), few and
#: recurring (labels, boxes, dates); `_NO_RUNS` for a face that has none.
_FIXED_RUNS: dict[str, dict[str, str]] = {}
_NO_RUNS: dict[str, str] = {}
_RUN_MEMO_TEXT = 200
_RUN_MEMO_MAX = 4096
_RULE_COLOR = f"{fp_str(RULE.red, RULE.green, RULE.blue)} RG"
#: `fp_str` of one number, remembered: a table's rules and cells sit at the same few positions in every
#: statement (its columns, the heights of a line and a padding).
_NUMBERS: dict[float, str] = {}
_NUMBERS_MAX = 4096


def _number(value: float) -> str:
    found = _NUMBERS.get(value)
    if found is None:
        if len(_NUMBERS) >= _NUMBERS_MAX:
            _NUMBERS.clear()
        found = _NUMBERS[value] = fp_str(value)
    return found


class ConsultationTable(PlainTable):
    """The Beratungsfolge: a page break leaves no single row alone under the header repeated on the next page
    (a lone „Ratsversammlung“ on page 2 of a statement with twenty Anhörungen); two rows go on together."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth, availHeight)
        heights = getattr(self, "_rowHeights", None)
        if len(parts) != 2 or not heights:
            return parts
        first, second = (len(part._cellvalues) - 1 for part in parts)  # type: ignore[attr-defined]
        if second < 2 and first >= 3:
            shorter: list[Flowable] = super().split(availWidth, sum(heights[:first]) + 0.01)
            if len(shorter) == 2:
                return shorter
        return parts


class WholeTable(PlainTable):
    """A table that moves to the next page as a whole instead of splitting (the form's boxes)."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []


def row_height(cells: list[str]) -> float:
    """The height of a Beratungsfolge row: its tallest cell and the padding."""
    return max(cell.count("\n") + 1 for cell in cells) * CELL_LEADING + BERATUNG_PADDING


class CellText(str):
    """A cell's lines joined by newlines (a plain string, as ReportLab measures it), knowing which of them end
    inside a word (`cuts`: no space follows them in the tagged text) and how far the later lines hang right of
    the first (`hang`: the label of a box, whose lines start after it)."""

    cuts: frozenset[int] = frozenset()
    hang = 0.0


def _joined(lines: Sequence[str], hang: float = 0.0, cut: str | None = None) -> str:
    """Lines as one cell; `cut`: the line that stands for the first (the first without its box)."""
    text = "\n".join(lines)
    cuts = frozenset(
        index
        for index, line in enumerate(lines)
        if type(cut if index == 0 and cut is not None else line) is Cut
    )
    if not cuts and not hang:
        return text
    cell = CellText(text)
    cell.cuts, cell.hang = cuts, hang
    return cell


def joined_cells(cells: Sequence[str]) -> str:
    """Cells stacked in one cell, each starting a new line (a value per line), their cuts kept."""
    if len(cells) == 1 and not getattr(cells[0], "hang", 0.0):
        return cells[0]  # what joining gives: its lines and cuts
    lines: list[str] = []
    for cell in cells:
        cuts = cell.cuts if isinstance(cell, CellText) else frozenset()
        lines += (Cut(line) if index in cuts else line for index, line in enumerate(cell.split("\n")))
    return _joined(lines)


def cell_text(
    text: str, font: str, width: float, size: float = CELL_SIZE, padding: float = CELL_PADDING
) -> str:
    """A table cell as a plain string, broken into lines; plain strings are never read as markup."""
    if len(text) <= _CELL_MEMO_TEXT:
        return _short_cell(text, font, width, size, padding, SYLLABLES.get())
    return _joined(wrap_lines(text, font, size, width - 2 * padding))


#: Cells up to this length are remembered (`wrap_lines` remembers their lines): the form's labels, dates and
#: amounts recur in every statement of a build. A cell is never changed once made.
_CELL_MEMO_TEXT = 200


@lru_cache(maxsize=4096)
def _short_cell(text: str, font: str, width: float, size: float, padding: float, _syllables: object) -> str:
    """A short cell's lines; `_syllables`, how over-long words break (`text.SYLLABLES`), is part of the key."""
    return _joined(wrap_lines(text, font, size, width - 2 * padding))


def label_cell(
    label: str, font: str, width: float, size: float = CELL_SIZE, padding: float = CELL_PADDING
) -> str:
    """A form's label as a table cell: a line break in the label (`\\n`, spec § 5.2) breaks the printed line."""
    if "\n" not in label:
        return cell_text(label, font, width, size, padding)
    return joined_cells([cell_text(piece, font, width, size, padding) for piece in label.split("\n")])


def label_lines(label: str, font: str, size: float, width: float) -> list[str]:
    """A form's label broken into lines for `width`, a new line at each line break of the label."""
    return [line for piece in label.split("\n") for line in wrap_lines(piece, font, size, width)]


def box_text(label: str, ticked: bool, width: float) -> str:
    """„☒ label“ or „☐ label“: the box is a character, so extracted text tells which one is ticked. A label
    too long for one line hangs after its box: its later lines start under its first word, not under the box
    (`CellText.hang`), and all of them are broken for the width beside the box. The cell must be set in bold
    if `ticked`, as the label is measured."""
    font = FONT_BOLD if ticked else FONT
    box = f"{BOX_TICKED if ticked else BOX_EMPTY}\u00a0"
    hang = pdfmetrics.stringWidth(box, font, FORM_SIZE)
    lines = label_lines(label, font, FORM_SIZE, width - hang) or [""]
    return _joined([box + lines[0], *lines[1:]], hang, cut=lines[0])


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


def box_line(label: str, ticked: bool) -> str:
    """„☒ label“ as one plain text, the box kept with the label's first word."""
    return f"{BOX_TICKED if ticked else BOX_EMPTY}\u00a0{label}"


# --- the blocks of the 2017 and 2019 forms: label/value rows, questions with boxes, finance tables ------------

#: Width of the label column of label/value rows („Räumlicher Bezug:“ | stadtweit).
LABEL_WIDTH = 45 * mm
FINANCE_SIZE = 8.5
FINANCE_LEADING = 10.5
#: Columns of a finance table: group, row label, von, bis, Höhe, wo veranschlagt.
FINANCE_WIDTHS = (27 * mm, 38 * mm, 19 * mm, 19 * mm, 27 * mm, FRAME_WIDTH - 130 * mm)
#: Columns of a question row: the question, the „nein“ box, the „ja“ box.
QUESTION_WIDTHS = (FRAME_WIDTH - 96 * mm, 18 * mm, 78 * mm)
_FORM_PADDING = 3


class _LabelCell(CellStyle):
    """The cells of label/value rows, as class defaults: commands would set them cell by cell."""

    fontname = FONT
    fontsize = CELL_SIZE
    leading = CELL_LEADING
    valign = "TOP"
    leftPadding = 0
    rightPadding = _FORM_PADDING
    topPadding = 1
    bottomPadding = 2


class _QuestionCell(CellStyle):
    fontname = FONT
    fontsize = CELL_SIZE
    leading = CELL_LEADING
    valign = "TOP"
    leftPadding = CELL_PADDING
    rightPadding = CELL_PADDING
    topPadding = 2.5
    bottomPadding = 3.5


class _FinanceCell(CellStyle):
    fontname = FONT
    fontsize = FINANCE_SIZE
    leading = FINANCE_LEADING
    valign = "TOP"
    leftPadding = CELL_PADDING
    rightPadding = CELL_PADDING
    topPadding = 2
    bottomPadding = 3


def _cells(kind: type[CellStyle], rows: int, columns: int) -> list[list[CellStyle]]:
    """A table's cell styles, each with the defaults of `kind`."""
    return [[kind(f"({i}, {j})") for j in range(columns)] for i in range(rows)]


def label_value_table(rows: list[tuple[str, tuple[str, ...]]], parent: StructElem) -> Flowable:
    """Rows of a label and its value(s), one value per line (the 2019 „Räumlicher Bezug:“, `kopfangaben`),
    tagged as a table whose labels are row headers."""
    width = FRAME_WIDTH - LABEL_WIDTH
    cells = [
        [
            label_cell(label, FONT_BOLD, LABEL_WIDTH, CELL_SIZE, _FORM_PADDING),
            joined_cells([cell_text(value, FONT, width, CELL_SIZE, _FORM_PADDING) for value in values]),
        ]
        for label, values in rows
    ]
    table = PlainTable(
        cells,
        colWidths=(LABEL_WIDTH, width),
        hAlign="LEFT",
        spaceAfter=8,
        splitInRow=1,
        cellStyles=_cells(_LabelCell, len(cells), 2),
        tags=table_cells(parent, len(cells), 2, row_headers=1),
    )
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (0, -1), FONT_BOLD)]))
    return table


def question_table(questions: Any, parent: StructElem, *, first_bold: bool = False) -> Flowable:
    """Questions of the finance or staffing block, each with its answers „nein“ and „ja, …“ as boxes: a grid
    to the eye, a question (`P`) and a list of its answers (`L` > `LI`, the box the label) to a reader."""
    widths = QUESTION_WIDTHS
    rows = []
    tags: list[list[Cell]] = []
    fonts: list[list[str]] = []
    for r, question in enumerate(questions):
        bold = first_bold and r == 0
        row = [label_cell(question.label, FONT_BOLD if bold else FONT, widths[0])]
        faces = [FONT_BOLD if bold else FONT]
        cells: list[Cell] = [parent.add("P")]
        answers = parent.add("L", attributes=LIST_NONE)
        for c, answer in enumerate(question.answers, start=1):
            font = FONT_BOLD if answer.ticked else FONT
            line = box_line(answer.label, answer.ticked)
            if "\n" in line:
                row.append(_joined(label_lines(line, font, CELL_SIZE, widths[c] - 2 * CELL_PADDING)))
            else:  # the same lines (`label_lines` of one piece), remembered
                row.append(cell_text(line, font, widths[c]))
            faces.append(font)
            cells.append(list_item(answers, answer.ticked))
        rows.append(row)
        tags.append(cells)
        fonts.append(faces)

    def table() -> PlainTable:
        """The table as ReportLab sets it, for a page break inside."""
        commands: list[tuple[Any, ...]] = [
            ("BOX", (0, 0), (-1, -1), 0.6, RULE),
            ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE),
        ]
        commands += [
            ("FONTNAME", (c, r), (c, r), FONT_BOLD)
            for r, faces in enumerate(fonts)
            for c, face in enumerate(faces)
            if face == FONT_BOLD
        ]
        plain = PlainTable(
            rows,
            colWidths=widths,
            hAlign="LEFT",
            spaceAfter=6,
            splitInRow=1,
            cellStyles=_cells(_QuestionCell, len(rows), 3),
            tags=tags,
        )
        plain.setStyle(TableStyle(commands))
        return plain

    return Grid(rows, widths, _QuestionCell, fonts, tags, table, space_after=6)


#: A finance table whose groups are all lower than this (with the header) never splits inside a row or a
#: group: a little less than the frame's height (the first page's logo and a running header take some), which
#: a group must fit on a page of its own.
_FINANCE_UNSPLIT = 0.9 * FRAME_HEIGHT
_FINANCE_PADDING = _FinanceCell.topPadding + _FinanceCell.bottomPadding


def finance_table(table: Any, parent: StructElem) -> Flowable:
    """A finance table („Im Haushalt wirksam“): header row, then each row with its group label printed once,
    top-aligned in the group's first row, the row label and the four cells; empty rows are printed too. Tagged
    as a table: the header row's cells head their columns, the group and the row label head their rows."""
    widths = FINANCE_WIDTHS

    def cell(text: str, column: int, font: str = FONT, width: float = 0) -> str:
        return label_cell(text, font, width or widths[column], FINANCE_SIZE, CELL_PADDING)

    head = [cell(table.caption, 0, FONT_BOLD, widths[0] + widths[1]), ""] + [
        cell(caption, c, FONT_BOLD) for c, caption in enumerate(table.columns, start=2)
    ]
    rows = [head]
    spans = {(0, 0): (1, 2)}
    groups: list[tuple[int, int]] = []  # first and last row of each group

    def group(first: int, last: int) -> None:
        # A group's label spans its rows, and ReportLab never breaks a page inside a span. A group too tall for a
        # page beside the header (a long „wo veranschlagt“) has its label in its first row alone, so that the
        # page breaks between its rows, or inside one; with a span such a statement could not be set at all.
        if last > first and heights[0] + sum(heights[first : last + 1]) > _FINANCE_UNSPLIT:
            return
        groups.append((first, last))
        if last > first:
            spans[first, 0] = (last - first + 1, 1)

    for row in table.rows:
        rows.append(
            [cell(row.group, 0), cell(row.label, 1)] + [cell(v, c) for c, v in enumerate(row.cells, start=2)]
        )
    heights = [max(c.count("\n") + 1 for c in row) * FINANCE_LEADING + _FINANCE_PADDING for row in rows]
    group_start = 1
    for r, row in enumerate(table.rows, start=1):
        if row.group and r > group_start:
            group(group_start, r - 1)
        if row.group:
            group_start = r
    if len(rows) - 1 > group_start:
        group(group_start, len(rows) - 1)
    tags = table_cells(parent, len(rows), 6, header_rows=1, row_headers=2, spans=spans)
    # The caption over the group and row labels heads no data cell (its columns hold row headers only), and PAC
    # fails a TH that heads no TD („Table header cell has no associated subcells“): it is a data cell.
    caption = cast(StructElem, tags[0][0])
    caption.role, caption.attributes = "TD", "/O /Table /ColSpan 2"

    def plain() -> PlainTable:
        """The table as ReportLab sets it, for a page break inside."""
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_BACKGROUND),
            ("BOX", (0, 0), (-1, -1), 0.6, RULE),
            ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE),
            ("SPAN", (0, 0), (1, 0)),
        ]
        commands += [("SPAN", (0, first), (0, last)) for first, last in groups]
        # A page break falls between two groups only: ReportLab splits rows (and a group label spanning them)
        # at any line otherwise, which tore „Zu Lasten“ | „anderer OE“ over two pages or, splitting a
        # continuation again, set the header twice on one page. Only a group too tall for a page has to be
        # split inside (it has no span, see `group`).
        starts = [r for r, row in enumerate(table.rows, start=1) if row.group] or [1]
        tallest = max(
            sum(heights[first:last]) for first, last in zip(starts, [*starts[1:], len(rows)], strict=True)
        )
        flowable = PlainTable(
            rows,
            colWidths=widths,
            repeatRows=1,
            hAlign="LEFT",
            spaceAfter=8,
            splitInRow=int(heights[0] + tallest > _FINANCE_UNSPLIT),
            cellStyles=_cells(_FinanceCell, len(rows), 6),
            tags=tags,
        )
        flowable.setStyle(TableStyle(commands))
        return flowable

    fonts = [[FONT_BOLD] * 6] + [[FONT] * 6 for _row in rows[1:]]
    return Grid(
        rows, widths, _FinanceCell, fonts, tags, plain, spans=spans, background=HEAD_BACKGROUND, space_after=8
    )
