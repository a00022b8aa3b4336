"""The blocks of the printed form in its order: which flowables each field of a statement becomes, and which
structure elements (`tagging`) they are: the title `H1`, section headings `H2`, labels and values `P`, the
Beratungsfolge a `Table`, the legal box and the recommendation grid lists of boxes (`L` > `LI` > `Lbl` +
`LBody`), the Anlagen a numbered list."""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, TableStyle

from ..hyphenation import Hyphenator, german_hyphenator
from ..labels import GRID_COLUMNS, NICHT_RELEVANT, OPTIONS_BY_ART, PUNKTE_SEPARATOR, Art, Labels, german_date
from ..model import Statement
from ..settings import RenderSettings
from .prose import NeedSpace, ProseRenderer, plain_paragraph
from .styles import (
    BODY_LEADING,
    BOTTOM_MARGIN,
    FONT,
    FONT_BOLD,
    FORM_BACKGROUND,
    FRAME_WIDTH,
    PAGE_HEIGHT,
    RULE,
    TOP_MARGIN,
    Styles,
)
from .tables import (
    BERATUNG_STYLE,
    BERATUNG_WIDTHS,
    BOX_PADDING,
    CELL_LEADING,
    CELL_SIZE,
    FORM_LEADING,
    FORM_SIZE,
    PlainTable,
    WholeTable,
    box_text,
    cell_text,
    row_height,
)
from .tagging import LIST_DECIMAL, LIST_NONE, Cell, StructElem, list_item, table_cells, tag
from .text import TextLines


def title_of(statement: Statement, labels: Labels) -> str:
    return labels.title(statement.art, statement.nummer, neufassung=statement.ist_neufassung)


def _outline_title(label: str) -> str:
    return label.strip().rstrip(":").strip() or label


class FormBuilder:
    """Collects the flowables of one statement in the order of the printed form."""

    def __init__(
        self, statement: Statement, settings: RenderSettings, styles: Styles, root: StructElem | None = None
    ) -> None:
        self.statement = statement
        #: The structure element the blocks' elements go into (the `Document`).
        self.root = root if root is not None else StructElem("Document")
        self.settings = settings
        self.labels = settings.labels
        self.styles = styles
        self.hyphenator: Hyphenator | None = german_hyphenator() if settings.hyphenate else None
        self.prose = ProseRenderer(styles.prose, FRAME_WIDTH, self.hyphenator)
        self.out: list[Flowable] = []

    def text(self, value: str, style: ParagraphStyle, role: str = "P") -> TextLines:
        """Plain text, set as it is (it never passes a markup parser), tagged as a new element of `role`."""
        lines = TextLines((value,), style, tag=self.root.add(role))
        self.out.append(lines)
        return lines

    def heading(
        self, label: str, style: ParagraphStyle, outline: bool, follow: float, role: str = "H2"
    ) -> None:
        """A heading that never ends a page: it moves on unless `follow` points of what follows fit too."""
        self.out.append(NeedSpace(style.spaceBefore + style.leading + style.spaceAfter + follow))
        para = self.text(label, style, role)
        if outline:
            para.outline_title = _outline_title(label)  # type: ignore[attr-defined]

    def build(self) -> list[Flowable]:
        st, lb, sty = self.statement, self.labels, self.styles
        two_lines = 2 * BODY_LEADING
        if st.gremium:
            self.text(st.gremium, sty.gremium)
        self.text(title_of(st, lb), sty.title, "H1")
        self.text(f"{lb['status']} {lb.status(st.status)}", sty.status)
        self.heading(lb["beratungsfolge"], sty.label, True, 3 * CELL_LEADING + 16)
        self.out += self.beratungsfolge()
        self.heading(lb["eingereicht_von"], sty.label, False, BODY_LEADING, "P")
        self.out.append(TextLines(st.eingereicht_von, sty.value, tag=self.root.add("P")))
        self.heading(lb["betreff"], sty.label, False, sty.betreff.leading, "P")
        self.text(st.betreff, sty.betreff)
        self.out += self.form()
        if st.beschlussvorschlag:
            self.heading(
                st.beschlussvorschlag_titel or lb["beschlussvorschlag"], sty.section, True, two_lines
            )
            self.out += self.prose.flowables(st.beschlussvorschlag, self.root)
        self.heading(lb["strategische_ziele"], sty.section, False, BODY_LEADING)
        if st.strategische_ziele.strip() == NICHT_RELEVANT:
            self.text(st.strategische_ziele, sty.value)
        else:
            self.out += self.prose.flowables(st.strategische_ziele, self.root)
        if st.sachverhalt:
            self.heading(lb["sachverhalt"], sty.section, True, two_lines)
            self.out += self.prose.flowables(st.sachverhalt, self.root)
        if st.begruendung:
            self.heading(lb["begruendung"], sty.section, True, two_lines)
            self.out += self.prose.flowables(st.begruendung, self.root)
        if st.anlagen:
            self.heading(lb["anlagen"], sty.section, True, BODY_LEADING)
            room = sty.prose.label_room(f"{len(st.anlagen)}.", sty.value)
            item = sty.prose.variant(sty.value, room, sty.prose.item_space, label=room)
            anlagen = self.root.add("L", attributes=LIST_DECIMAL)
            for number, anlage in enumerate(st.anlagen, start=1):
                entry = list_item(anlagen)
                para = tag(plain_paragraph(anlage, item, bullet=f"{number}."), entry.body)
                para.label = entry.label
                self.out.append(para)
        return self.out

    def beratungsfolge(self) -> list[Flowable]:
        widths = BERATUNG_WIDTHS
        heads = [self.labels[key] for key in ("spalte_gremium", "spalte_termin", "spalte_zustaendigkeit")]
        plain = [
            [r.gremium, german_date(r.termin) if r.termin else "", r.zustaendigkeit or ""]
            for r in self.statement.beratungsfolge
        ]
        rows = [[cell_text(head, FONT_BOLD, widths[c]) for c, head in enumerate(heads)]]
        rows += [
            [
                cell_text(gremium, FONT, widths[0]),
                termin,
                cell_text(rolle, FONT, widths[2]) if rolle else "",
            ]
            for gremium, termin, rolle in plain
        ]
        page = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN - 2 * row_height(rows[0])
        if any(row_height(row) > page for row in rows[1:]):
            # Only absurdly long entries get here: ReportLab cannot split a row of plain cells over several
            # pages, so each row is set as lines of text.
            return [
                TextLines(
                    [f"{head}: {cell}" for head, cell in zip(heads, row, strict=True) if cell],
                    self.styles.value,
                    tag=self.root.add("P"),
                )
                for row in plain
            ]
        tags = table_cells(self.root, len(rows), len(heads), header_rows=1)
        table = PlainTable(
            rows, colWidths=widths, repeatRows=1, hAlign="LEFT", spaceAfter=9, splitInRow=1, tags=tags
        )
        table.setStyle(BERATUNG_STYLE)
        return [table]

    def form(self) -> list[Flowable]:
        """The boxes of the form as one table that is never split: legal consequences, then the grid."""
        st, lb = self.statement, self.labels
        columns = GRID_COLUMNS[st.art]
        width = FRAME_WIDTH / columns
        inner = width - 2 * BOX_PADDING
        rows: list[list[str]] = []
        tags: list[list[Cell]] = []  # each cell's element: a paragraph or a list item (its box the label)
        heights: list[float | None] = []
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), FORM_SIZE),
            ("LEADING", (0, 0), (-1, -1), FORM_LEADING),
            ("LEFTPADDING", (0, 0), (-1, -1), BOX_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), BOX_PADDING),
        ]

        def row(cells: list[str], height: float | None = None, elements: list[Cell] | None = None) -> int:
            rows.append(cells + [""] * (columns - len(cells)))
            tags.append((elements or []) + [None] * (columns - len(elements or [])))
            heights.append(height)
            return len(rows) - 1

        def span(r: int) -> None:
            if columns > 1:
                commands.append(("SPAN", (0, r), (-1, r)))

        rk = st.rechtliche_konsequenzen
        if st.art is Art.ANTRAG and rk is not None:
            full = FRAME_WIDTH - 2 * BOX_PADDING
            title: list[Cell] = [self.root.add("P")]
            first = row(
                [cell_text(lb["rechtliche_konsequenzen"], FONT_BOLD, full, CELL_SIZE, 0)], None, title
            )
            span(first)
            span(row([cell_text(lb["rk_einleitung"], FONT, full, FORM_SIZE, 0)], None, [self.root.add("P")]))
            boxes = [
                box_text(lb["rk_rechtswidrig"], rk.rechtswidrig, inner),
                box_text(lb["rk_nachteilig"].format(body=self.settings.body), rk.nachteilig, inner),
            ]
            consequences = self.root.add("L", attributes=LIST_NONE)
            items: list[Cell] = [list_item(consequences, on) for on in (rk.rechtswidrig, rk.nachteilig)]
            for r in range(0, 2, columns):
                last = row(boxes[r : r + columns], None, items[r : r + columns])
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
        grid = self.root.add("L", attributes=LIST_NONE)
        for index, option in enumerate(OPTIONS_BY_ART[st.art]):
            on = option in ticked
            text = lb.option(option)
            punkte = st.punkte_for(option)
            if punkte:
                text += " " + PUNKTE_SEPARATOR.join(punkte)
            if index % columns == 0:
                row([])
            rows[-1][index % columns] = box_text(text, on, inner)
            tags[-1][index % columns] = list_item(grid, on)
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
            return [
                TextLines(r, self.styles.value, tag=self.root.add("P"))
                for r in ([c for c in row if c] for row in rows)
                if r
            ]
        table = WholeTable(
            rows,
            colWidths=[width] * columns,
            rowHeights=heights,
            hAlign="LEFT",
            spaceBefore=2,
            spaceAfter=12,
            tags=tags,
        )
        table.setStyle(TableStyle(commands))
        return [table]
