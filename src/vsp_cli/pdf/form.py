"""The blocks of the printed form, one renderer per block kind, walked in the order the statement's form gives.

`FormBuilder` takes the views of `document.layout` and asks the renderer of each view's kind for its flowables
(`RENDERERS`, looked up by the block's kind: a built-in block's id or a custom block's `typ`). A part that starts
on a new page gets a page break before its first printed block. Consecutive blocks of boxes (the legal box and
the recommendation grid) are set as one table that is never split, so the boxes of the form stay together.

Each renderer also makes the structure elements of its block (`tagging`) in reading order, children of the
document: the title `H1`, section headings `H2` (a form's labels above a value `P`), labels and values `P`, the
Beratungsfolge and the finance tables a `Table`, label/value rows a `Table` with row headers, boxes lists of
items (`L` > `LI` > `Lbl` „angekreuzt“/„nicht angekreuzt“ + `LBody`), Anlagen and numbered Einreicher a
numbered list, prose its own elements below its heading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, PageBreak, Paragraph, TableStyle

from ..document import Block, Box, Layout
from ..hyphenation import Hyphenator, german_hyphenator
from ..settings import RenderSettings
from .flowables import KeepWhole, NeedSpace, plain_paragraph
from .prose import ProseRenderer
from .styles import (
    BODY_LEADING,
    BOTTOM_MARGIN,
    FONT,
    FONT_BOLD,
    FORM_BACKGROUND,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    PAGE_HEIGHT,
    RULE,
    TOP_MARGIN,
    Styles,
    register_fonts,
)
from .tables import (
    BERATUNG_STYLE,
    BOX_PADDING,
    CELL_LEADING,
    CELL_SIZE,
    FORM_LEADING,
    FORM_SIZE,
    ConsultationTable,
    Grid,
    WholeTable,
    beratung_widths,
    box_line,
    box_text,
    cell_text,
    finance_table,
    label_cell,
    label_value_table,
    question_table,
    row_height,
)
from .tagging import LIST_DECIMAL, LIST_NONE, Cell, ListItem, StructElem, list_item, table_cells, tag
from .text import TextLines, wrap_lines

#: The usable height of a page, for content that cannot be split.
_PAGE_ROOM = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN


def _outline_title(label: str) -> str:
    """A heading as an entry of the PDF's outline: one line, without its colon."""
    label = " ".join(label.split("\n"))
    return label.strip().rstrip(":").strip() or label


class _BoxTable:
    """The boxes of the form (legal box, recommendation grid) in one table that moves to the next page whole."""

    def __init__(self, columns: int, root: StructElem) -> None:
        self.columns = max(1, columns)
        self.root = root
        self.rows: list[list[str]] = []
        #: Each cell's element: a paragraph or a box's list item (None: an empty or covered cell).
        self.tags: list[list[Cell]] = []
        self.heights: list[float | None] = []
        self.commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), FORM_SIZE),
            ("LEADING", (0, 0), (-1, -1), FORM_LEADING),
            ("LEFTPADDING", (0, 0), (-1, -1), BOX_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), BOX_PADDING),
        ]
        self.parts = 0

    @property
    def width(self) -> float:
        return FRAME_WIDTH / self.columns

    def row(self, cells: list[str], height: float | None = None, tags: Sequence[Cell] = ()) -> int:
        self.rows.append(cells + [""] * (self.columns - len(cells)))
        self.tags.append([*tags, *[None] * (self.columns - len(tags))])
        self.heights.append(height)
        return len(self.rows) - 1

    def span(self, r: int) -> None:
        if self.columns > 1:
            self.commands.append(("SPAN", (0, r), (-1, r)))

    def gap(self) -> None:
        """The space between two boxes of the form."""
        last = self.row([], 6)
        self.commands.append(("TOPPADDING", (0, last), (-1, last), 0))
        self.commands.append(("BOTTOMPADDING", (0, last), (-1, last), 0))

    def add(self, block: Block) -> None:
        if self.parts:
            self.gap()
        self.parts += 1
        if block.kind == "rechtliche_konsequenzen":
            self.legal_box(block)
        else:
            self.grid(block)

    def legal_box(self, block: Block) -> None:
        columns, inner = self.columns, self.width - 2 * BOX_PADDING
        full = FRAME_WIDTH - 2 * BOX_PADDING
        root = self.root
        first = self.row([label_cell(block.label, FONT_BOLD, full, CELL_SIZE, 0)], None, [root.add("P")])
        self.span(first)
        self.span(self.row([label_cell(block.text, FONT, full, FORM_SIZE, 0)], None, [root.add("P")]))
        boxes = [box_text(box.label, box.ticked, inner) for box in block.boxes]
        legal = root.add("L", attributes=LIST_NONE)
        items: list[Cell] = [list_item(legal, box.ticked) for box in block.boxes]
        last = first
        for r in range(0, len(boxes), columns):
            last = self.row(boxes[r : r + columns], None, items[r : r + columns])
        for r, box in enumerate(block.boxes):
            if box.ticked:
                cell = (r % columns, first + 2 + r // columns)
                self.commands.append(("FONTNAME", cell, cell, FONT_BOLD))
        self.commands += [
            ("FONTNAME", (0, first), (-1, first), FONT_BOLD),
            ("FONTSIZE", (0, first), (-1, first), CELL_SIZE),
            ("BOX", (0, first), (-1, last), 0.6, RULE),
            ("BACKGROUND", (0, first), (-1, last), FORM_BACKGROUND),
            ("TOPPADDING", (0, first), (-1, last), 1.5),
            ("BOTTOMPADDING", (0, first), (-1, last), 1.5),
            ("TOPPADDING", (0, first), (-1, first), 5),
            ("BOTTOMPADDING", (0, last), (-1, last), 6),
        ]

    def grid(self, block: Block) -> None:
        columns = block.columns or 1
        inner = FRAME_WIDTH / columns - 2 * BOX_PADDING
        top = len(self.rows)
        grid = self.root.add("L", attributes=LIST_NONE)
        for index, box in enumerate(block.boxes):
            if index % columns == 0:
                self.row([])
            self.rows[-1][index % columns] = box_text(_box_text(box), box.ticked, inner)
            self.tags[-1][index % columns] = list_item(grid, box.ticked)
            if box.ticked:
                cell = (index % columns, top + index // columns)
                self.commands.append(("FONTNAME", cell, cell, FONT_BOLD))
        # the grid's own rows only: a legal box set after it in the same table (a form file's order) keeps its
        # outline without the grid's inner lines
        last = len(self.rows) - 1
        self.commands += [
            ("BOX", (0, top), (-1, last), 0.6, RULE),
            ("INNERGRID", (0, top), (-1, last), 0.3, RULE),
            ("VALIGN", (0, top), (-1, last), "TOP"),
            ("TOPPADDING", (0, top), (-1, last), 3.5),
            ("BOTTOMPADDING", (0, top), (-1, last), 4.5),
        ]

    def flowables(self, value_style: ParagraphStyle) -> list[Flowable]:
        lines = sum(max(cell.count("\n") + 1 for cell in r) for r in self.rows)
        if lines * FORM_LEADING + 10 * len(self.rows) > _PAGE_ROOM:
            # Only absurdly long `punkte` get here: a table row cannot run over a page, so set it as text, each
            # row's cells tagged as before (a paragraph, or its boxes as the items of their list)
            out: list[Flowable] = []
            for cells, tags in zip(self.rows, self.tags, strict=True):
                texts = [c for c in cells if c]
                items = [t for t in tags if isinstance(t, ListItem)]
                element = next((t for t in tags if isinstance(t, StructElem)), None)
                if texts:
                    out.append(TextLines(texts, value_style, tag=element, items=items))
            return out
        table = WholeTable(
            self.rows,
            colWidths=[self.width] * self.columns,
            rowHeights=self.heights,
            hAlign="LEFT",
            spaceBefore=2,
            spaceAfter=12,
            tags=self.tags,
        )
        table.setStyle(TableStyle(self.commands))
        return [table]


Renderer = Callable[["FormBuilder", Block], None]


class FormBuilder:
    """Collects the flowables of one statement in the order of its printed form."""

    def __init__(
        self, layout: Layout, settings: RenderSettings, styles: Styles, root: StructElem | None = None
    ) -> None:
        self.layout = layout
        #: The structure element the blocks' elements go into (the `Document`).
        self.root = root if root is not None else StructElem("Document")
        self.settings = settings
        self.styles = styles
        self.hyphenator: Hyphenator | None = german_hyphenator() if settings.hyphenate else None
        self.prose = ProseRenderer(styles.prose, FRAME_WIDTH, self.hyphenator)
        self.out: list[Flowable] = []
        self._boxes: _BoxTable | None = None
        self.petition = False

    # --- helpers for the renderers ----------------------------------------------------------------------------

    def text(self, value: str, style: ParagraphStyle, role: str = "P") -> TextLines:
        """Plain text, set as it is (it never passes a markup parser), tagged as a new element of `role`."""
        return self.lines((value,), style, role)

    def lines(self, values: Sequence[str], style: ParagraphStyle, role: str = "P") -> TextLines:
        """Plain texts, each starting a new line, tagged as one new element of `role`."""
        lines = TextLines(values, style, tag=self.root.add(role))
        self.out.append(lines)
        return lines

    def box_lines(self, values: Sequence[str], style: ParagraphStyle, boxes: Sequence[bool]) -> TextLines:
        """Lines of boxes („☒ label“), tagged as a list whose items are the boxes (`ticked` each)."""
        listed = self.root.add("L", attributes=LIST_NONE)
        lines = TextLines(values, style, items=[list_item(listed, ticked) for ticked in boxes])
        self.out.append(lines)
        return lines

    def heading(
        self, label: str, style: ParagraphStyle, outline: bool, follow: float, role: str = "H2"
    ) -> NeedSpace | None:
        """A heading that never ends a page: it moves on unless `follow` points of what follows fit too. A line
        break in a form's label (`\n`) breaks the printed line. A form's label above its value is a `P`. A form
        file may set a label to "": then nothing is printed, tagged or put in the outline for it. Returns the
        break that keeps the room (None without a heading), whose height grows with what is measured later."""
        if not label.strip():
            return None
        need = NeedSpace(style.spaceBefore + style.leading + style.spaceAfter + follow)
        self.out.append(need)
        para = self.lines(label.split("\n"), style, role)
        if outline:
            para.outline_title = _outline_title(label)  # type: ignore[attr-defined]
        return need

    def section(self, label: str, outline: bool = True, follow: float = 2 * BODY_LEADING) -> NeedSpace | None:
        return self.heading(label, self.styles.section, outline, follow)

    def prose_text(self, text: str) -> None:
        if text:
            italic = self.prose.uses_italic
            self.out += self.prose.flowables(text, self.root)
            if self.prose.uses_italic and not italic:
                # the italic faces, loaded only for a statement with italic text (45 ms cold), are loaded as soon
                # as it has some: a block may measure its text while the form is built (the 2019 Zusammenfassung)
                register_fonts(italic=True)

    def boxes(self, block: Block) -> None:
        """A block of boxes joins the table of the boxes before it."""
        if self._boxes is None:
            self._boxes = _BoxTable(self.layout.form.grid(petition=self.petition).columns, self.root)
        self._boxes.add(block)

    def _flush_boxes(self) -> None:
        if self._boxes is not None:
            self.out += self._boxes.flowables(self.styles.value)
            self._boxes = None

    # --- the walk -----------------------------------------------------------------------------------------

    def build(self, petition: bool) -> list[Flowable]:
        self.petition = petition
        for block in self.layout.blocks:
            renderer = RENDERERS[block.kind]
            if not _joins_boxes(block):
                self._flush_boxes()
            if block.new_page and self.out:
                self._flush_boxes()
                self.out.append(PageBreak())
            if block.part_title:
                self._flush_boxes()
                self.section(block.part_title)
            renderer(self, block)
        self._flush_boxes()
        return self.out


# --- the renderers, one per block kind -------------------------------------------------------------------------


def _gremium(b: FormBuilder, block: Block) -> None:
    b.text(block.text, b.styles.gremium)


def _titel(b: FormBuilder, block: Block) -> None:
    b.lines(block.text.split("\n"), b.styles.title, "H1")


def _status(b: FormBuilder, block: Block) -> None:
    b.lines(f"{block.label} {block.text}".split("\n"), b.styles.status)


def _beratungsfolge(b: FormBuilder, block: Block) -> None:
    sty = b.styles
    b.heading(block.label, sty.label, True, 3 * CELL_LEADING + 16)
    b.out += _consultations(block, sty, b.root)
    if block.text:
        b.text(block.text, sty.value)


def _consultations(block: Block, sty: Styles, root: StructElem) -> list[Flowable]:
    notes = [session.text for row in block.rows for session in row.sessions if session.note]
    widths = beratung_widths(
        block.captions, notes, [row.zustaendigkeit for row in block.rows] if notes else ()
    )
    heads = [label_cell(caption, FONT_BOLD, widths[c]) for c, caption in enumerate(block.captions)]
    rows = [heads]
    for row in block.rows:
        dates = "\n".join(
            session.date if not session.note else cell_text(session.text, FONT, widths[1])
            for session in row.sessions
        )
        rows.append(
            [
                cell_text(row.gremium, FONT, widths[0]),
                dates,
                cell_text(row.zustaendigkeit, FONT, widths[2]) if row.zustaendigkeit else "",
            ]
        )
    if any(row_height(row) > _PAGE_ROOM - 2 * row_height(rows[0]) for row in rows[1:]):
        # Only absurdly long entries get here: ReportLab cannot split a row of plain cells over several
        # pages, so each row is set as lines of text.
        plain = [
            [row.gremium, "; ".join(x.text for x in row.sessions), row.zustaendigkeit] for row in block.rows
        ]
        captions = [caption.replace("\n", " ") for caption in block.captions]
        return [
            TextLines(
                [f"{head}: {cell}" for head, cell in zip(captions, cells, strict=True) if cell],
                sty.value,
                tag=root.add("P"),
            )
            for cells in plain
        ]
    tags = table_cells(root, len(rows), len(heads), header_rows=1)
    # Rows move to the next page whole (one taller than a page is set as lines above): splitting inside a row
    # tore a consultation's dates over two pages, and set the header a second time on the page before
    # The rows' heights are known from their lines (the cells are plain text): ReportLab, left to find them,
    # looks for each next row without a height from the start of the list and sums the heights before it again
    # (4,900 rows took 2.5 s, squared in the rows); the same heights, the same output
    table = ConsultationTable(
        rows,
        colWidths=widths,
        rowHeights=[row_height(row) for row in rows],
        repeatRows=1,
        hAlign="LEFT",
        spaceAfter=9,
        splitInRow=0,
        tags=tags,
    )
    table.setStyle(BERATUNG_STYLE)
    return [table]


def _eingereicht_von(b: FormBuilder, block: Block) -> None:
    sty = b.styles
    b.heading(block.label, sty.label, False, BODY_LEADING, "P")
    if block.numbered:
        room = sty.prose.label_room(f"{len(block.values)}.", sty.value)
        numbered = b.root.add("L", attributes=LIST_DECIMAL)
        for number, value in enumerate(block.values, start=1):
            last = number == len(block.values)
            item = sty.prose.variant(sty.value, room, sty.value.spaceAfter if last else 0, label=room)
            entry = list_item(numbered)
            para = tag(plain_paragraph(value, item, bullet=f"{number}."), entry.body)
            para.label = entry.label
            b.out.append(para)
    else:
        b.lines(block.values, sty.value)


def _betreff(b: FormBuilder, block: Block) -> None:
    sty = b.styles
    b.heading(block.label, sty.label, False, sty.betreff.leading, "P")
    b.text(block.text, sty.betreff)


def _box_text(box: Box) -> str:
    """A box's label with its resolution points: a line break of the label breaks the line, the points (a
    statement's text) run on as one line."""
    return f"{box.label} {box.punkte_text.replace(chr(10), chr(32))}" if box.punkte else box.label


def _joins_boxes(block: Block) -> bool:
    """The legal box and a recommendation grid are set in one table with the boxes before them."""
    return block.kind == "rechtliche_konsequenzen" or (block.kind == "empfehlung" and block.columns > 0)


def _box_block(b: FormBuilder, block: Block) -> None:
    b.boxes(block)


def _empfehlung(b: FormBuilder, block: Block) -> None:
    if block.columns:
        _box_block(b, block)
    else:  # `empfehlung_raster: false`: the ticked options only, each on a line, without a box
        b.lines([piece for box in block.boxes for piece in _box_text(box).split("\n")], b.styles.value)


def _beschlussvorschlag(b: FormBuilder, block: Block) -> None:
    if block.label:
        _section(b, block)
    else:
        b.prose_text(block.prose)


def _strategische_ziele(b: FormBuilder, block: Block) -> None:
    sty = b.styles
    start = len(b.out)
    need = b.section(block.label, outline=False, follow=BODY_LEADING)
    box = block.extra.get("box")
    if box is not None:
        b.box_lines(box_line(box.label, box.ticked).split("\n"), sty.value, [box.ticked])
    if block.text:
        b.text(block.text, sty.value)
    b.prose_text(block.prose)
    if box is None and not block.text:  # goals as text right under the label (2014)
        _keep_with_text(b, need, start, BODY_LEADING)


def _hinweis(b: FormBuilder, block: Block) -> None:
    *label, last = block.label.split("\n")
    b.lines([*label, f"{last} {block.text}"], b.styles.value)


def _label_value(b: FormBuilder, block: Block) -> None:
    """„Räumlicher Bezug:“ and its value on one row (label cell, value cell); an `angabe` block likewise."""
    b.out.append(label_value_table([(block.label, (block.text,) if block.text else ())], b.root))


def _kopfangaben(b: FormBuilder, block: Block) -> None:
    b.out.append(label_value_table(list(block.rows), b.root))


def _zusammenfassung(b: FormBuilder, block: Block) -> None:
    sty = b.styles
    label = block.extra["anlass_label"].split("\n") if block.extra["anlass_label"].strip() else []
    sonstiges = block.extra["sonstiges"]
    text = block.extra["sonstiges_text"]
    # three spaces between the boxes, as the form prints them (spec § 3.3): two of them no-break spaces, which
    # line breaking keeps (white space is otherwise one space), the line breaks at the third
    line = "\u00a0\u00a0 ".join(box_line(box.label, box.ticked) for box in block.boxes).split("\n")
    other = box_line(f"{sonstiges.label} {text}".rstrip(), sonstiges.ticked).split("\n")
    # the heading keeps the Anlass lines (all four boxes) and the start of the summary with it
    follow = _height(label, sty.label) + _height(line, sty.value) + _height(other, sty.value)
    need = b.section(block.label, follow=follow) if block.label.strip() else None
    if need is None:
        need = NeedSpace(follow)
        b.out.append(need)
    if label:
        b.lines(label, sty.label)
    anlass = b.root.add("L", attributes=LIST_NONE)  # the boxes on one line and „Sonstiges“ below: one list
    items = [list_item(anlass, box.ticked) for box in block.boxes]
    b.out.append(TextLines(line, sty.value, items=items))
    b.out.append(TextLines(other, sty.value, items=[list_item(anlass, sonstiges.ticked)], hanging=True))
    start = len(b.out)
    b.prose_text(block.prose)
    if len(b.out) > start:
        need.height += _start_room(b.out[start], b.prose.first_room)


def _start_room(first: Flowable, estimate: float) -> float:
    """The room the start of a text needs below what keeps it: a paragraph of up to three lines whole (widow and
    orphan control move it whole), a longer one two lines; measured where the prose's `estimate` allows a line
    more (a two-line summary moved the whole Zusammenfassung to the next page and left a quarter of the page
    empty). Another first block (a list, a table, a lead) keeps the estimate."""
    if not isinstance(first, Paragraph) or first.bulletText is not None:
        return estimate
    lines = round(first.wrap(FRAME_WIDTH, FRAME_HEIGHT)[1] / first.style.leading)
    if lines > 3:
        return 2 * first.style.leading
    return float(lines * first.style.leading + first.style.spaceAfter)


def _height(parts: Sequence[str], style: ParagraphStyle) -> float:
    """The height `TextLines` of `parts` take in the frame, with the space after them (none for no parts)."""
    if not parts:
        return 0.0
    width = FRAME_WIDTH - style.leftIndent
    lines = sum(len(wrap_lines(part, style.fontName, style.fontSize, width)) for part in parts)
    return float(lines * style.leading + style.spaceAfter)


def _finanzen(b: FormBuilder, block: Block) -> None:
    questions, (haushalt, folgekosten) = block.questions, block.tables
    b.out.append(NeedSpace(6 * CELL_LEADING))
    b.out.append(question_table(questions[:4], b.root, first_bold=True))
    b.out.append(finance_table(haushalt, b.root))
    question = question_table(questions[4:], b.root)
    table = finance_table(folgekosten, b.root)
    # the Folgekosten question never ends a page without its table: it keeps the header and the first group
    # (a page break falls between groups only) with it
    kept = question.wrap(FRAME_WIDTH, FRAME_HEIGHT)[1] + question.getSpaceAfter() + _first_rows(table)
    b.out += [NeedSpace(min(kept, 0.9 * FRAME_HEIGHT)), question, table]


def _first_rows(table: Flowable) -> float:
    """The height of a finance table's header row and first group, which a page break never parts."""
    if not isinstance(table, Grid):
        return 0.0
    heights = table._measure()[0]
    first = table.spans.get((1, 0), (1, 1))[0]
    return float(sum(heights[: 1 + first]))


def _stellenplan(b: FormBuilder, block: Block) -> None:
    sty = b.styles
    box = block.boxes[0]
    lines = box_line(box.label, box.ticked).split("\n")
    need = b.heading(block.label, sty.label, False, 0, "P")
    questions = question_table(block.questions, b.root)
    # the heading keeps the whole block with it: its questions and „Beteiligung Personalrat“ (a few lines)
    follow = (
        questions.wrap(FRAME_WIDTH, FRAME_HEIGHT)[1] + questions.getSpaceAfter() + _height(lines, sty.value)
    )
    if need is not None:
        need.height += min(follow, 0.5 * FRAME_HEIGHT)
    b.out.append(questions)
    b.box_lines(lines, sty.value, [box.ticked])


def _section(b: FormBuilder, block: Block) -> None:
    start = len(b.out)
    follow = 2 * BODY_LEADING
    need = b.section(block.label, follow=follow)
    b.prose_text(block.prose)
    _keep_with_text(b, need, start, follow)


def _keep_with_text(b: FormBuilder, need: NeedSpace | None, start: int, follow: float) -> None:
    """The heading at `b.out[start]` (`need`, its room, then its lines) keeps `follow` points of room below it,
    and more where the text after it needs it: it stayed alone at the foot of a page when the text began with
    something that moves on whole. Without a heading (a form file's `label = ""`), the text keeps its own room."""
    heading = b.out[start : start + 2]
    if need is None or len(heading) != 2 or heading[0] is not need or len(b.out) <= start + 2:
        return
    follower = b.out[start + 2]
    if isinstance(follower, KeepWhole):
        # a block kept whole (a short table and the lead announcing it): the heading joins it
        content: list[Flowable] = follower._content  # type: ignore[attr-defined]
        b.out[start : start + 3] = [KeepWhole([heading[1], *content], follower.tail)]
    elif isinstance(follower, NeedSpace):
        # a lead („… wie folgt:“) or a heading of the text, which keeps room of its own: the heading keeps it too
        need.height += min(max(0.0, follower.height - follow), 0.5 * FRAME_HEIGHT)
    else:
        # a first paragraph of about three lines, which widow and orphan control move whole
        need.height += max(0.0, b.prose.first_room - follow)


def _anlagen(b: FormBuilder, block: Block) -> None:
    sty = b.styles
    need = b.heading(block.label, sty.section, True, BODY_LEADING)
    room = sty.prose.label_room(f"{len(block.values)}.", sty.value)
    item = sty.prose.variant(sty.value, room, sty.prose.item_space, label=room)
    anlagen = b.root.add("L", attributes=LIST_DECIMAL)
    for number, anlage in enumerate(block.values, start=1):
        entry = list_item(anlagen)
        para = tag(plain_paragraph(anlage, item, bullet=f"{number}."), entry.body)
        para.label = entry.label
        b.out.append(para)
        if number == 1 and need is not None:
            # widow and orphan control move a first Anlage of two or three lines whole (one of four or more
            # splits after two): with room for one line kept, „Anlagen:“ stayed alone at the foot of the page
            height = para.wrap(FRAME_WIDTH, FRAME_HEIGHT)[1]
            need.height += max(0.0, min(height, 3 * item.leading) - BODY_LEADING)


def _auswahl(b: FormBuilder, block: Block) -> None:
    sty = b.styles
    b.heading(block.label, sty.label, False, BODY_LEADING, "P")
    b.box_lines(
        [piece for box in block.boxes for piece in box_line(box.label, box.ticked).split("\n")],
        sty.value,
        [box.ticked for box in block.boxes],
    )


#: The renderer of each block kind: a built-in block's id, or a custom block's `typ`.
RENDERERS: dict[str, Renderer] = {
    "gremium": _gremium,
    "titel": _titel,
    "status": _status,
    "kopfangaben": _kopfangaben,
    "beratungsfolge": _beratungsfolge,
    "eingereicht_von": _eingereicht_von,
    "betreff": _betreff,
    "rechtliche_konsequenzen": _box_block,
    "empfehlung": _empfehlung,
    "beschlussvorschlag": _beschlussvorschlag,
    "strategische_ziele": _strategische_ziele,
    "hinweis": _hinweis,
    "raeumlicher_bezug": _label_value,
    "zusammenfassung": _zusammenfassung,
    "finanzen": _finanzen,
    "stellenplan": _stellenplan,
    "sachverhalt": _section,
    "begruendung": _section,
    "anlagen": _anlagen,
    "text": _section,
    "angabe": _label_value,
    "auswahl": _auswahl,
}
