"""Tagged PDF (ISO 32000-1 § 14.7-14.8, PDF/UA-1): the structure tree and the marked content that ties it to the pages.

How a block renderer tags its content
-------------------------------------
A block renderer gets the element its blocks go into (`parent`: the `Document`, later perhaps a list item or a
section) and makes its own elements there with `parent.add(role)`, in reading order, while it builds its
flowables. Each flowable names the element its drawing belongs to (`tag(flowable, element)`, or the `tag=`
argument of `TextLines`); a flowable without one is drawn as an artifact. The canvas numbers the marked
content (MCIDs) while the pages are laid out and writes the tree when the document is saved, so a paragraph
or table split across pages stays one element with content on both pages, and a form definition file never
needs tagging code of its own: the renderer of its block kind carries the roles::

    value = TextLines([text], style, tag=parent.add("P"))         # a label or a value
    heading = TextLines([label], style, tag=parent.add("H2"))     # a heading of the form
    grid = parent.add("L", attributes=LIST_NONE)                  # boxes to tick, as a list
    cells = [[list_item(grid, ticked=on) for on in row] for row in ticks]  # LI > Lbl („angekreuzt“) + LBody
    PlainTable(data, colWidths=..., tags=cells)                   # plain cells, each marked as its element
    cells = table_cells(parent, rows=3, columns=3, header_rows=1) # Table > TR > TH (/Scope /Column) / TD
    PlainTable(data, repeatRows=1, tags=cells)                    # the header repeated on a later page: artifact
    para = tag(ProseParagraph(markup, style), parent.add("P"))    # links in it get Link + OBJR of themselves,
                                                                  # struck text a Span (LINE_THROUGH)
    para.label = entry.label                                      # its bullet or number is the item's Lbl
    HRFlowable(...)                                               # untagged lines and boxes: artifacts

A `ListItem` in a plain table cell puts the cell's first character (the ☐/☒ box, or a number) and the space
after it in its `Lbl`, the rest in its `LBody`; a cell of None has no element (an empty cell). Inside a
flowable's own `draw`, `drawing(canvas, element)` makes the text objects drawn there content of `element`,
`marked(canvas, element)` marks any drawing (an image) as one sequence, `artifact(canvas)` marks furniture
(running header, footer, rules, backgrounds). All of them do nothing on a canvas that does not tag.

Word breaks (§ 14.8.2.5): a line end inside a paragraph gets a real space; a hyphen that line breaking added
is drawn as the soft hyphen (U+00AD, whose glyph is the hyphen's in DejaVu), so the tree's text reads as
words: „Migranten\u00adselbstorganisationen“.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, Table

from . import paint
from .pdfwriter import Ready, reserve_run
from .words import words

#: Attributes (owner and values, as the body of a PDF dictionary) of standard elements.
LIST_NONE = "/O /List /ListNumbering /None"
LIST_DISC = "/O /List /ListNumbering /Disc"
LIST_DECIMAL = "/O /List /ListNumbering /Decimal"
#: Struck-through text (`~~…~~`): a `Span` with this layout attribute (ISO 32000-1, table 343), so that the
#: strike is not only seen.
LINE_THROUGH = "/O /Layout /TextDecorationType /LineThrough"

#: The target of the link entry that marks a paragraph's struck-through text for `TaggedText` (ReportLab
#: reports the start and end of each entry of a frag's `link`, and makes no annotation for an empty target).
STRUCK = ""

#: Kinds of artifact (the /Type of its property list, and what follows it; ISO 32000-1, table 330): page
#: furniture at the top (running header) and at the foot of the page (footer, page counter). /Subtype lets a
#: reader tell them apart, e.g. to speak the page counter on request or keep it when reflowing.
HEADER = "Pagination /Subtype /Header"
FOOTER = "Pagination /Subtype /Footer"

#: What the boxes of the form say in the structure tree (`Lbl` /ActualText).
TICKED = "angekreuzt"
UNTICKED = "nicht angekreuzt"
#: The same for a box drawn with the space after it („☐\xa0“, a form's box and a task's in a table cell): /ActualText
#: replaces all of the content, the space too, so it ends in one (ISO 32000-1 § 14.9.4), else the box's word
#: and the item's first run together where the label is read with its body („nicht angekreuztAblehnung“).
TICKED_SPACED = TICKED + " "
UNTICKED_SPACED = UNTICKED + " "


class StructElem:
    """An element of the structure tree: a standard role, its children in reading order, and what a reader needs
    besides the content (/Alt, /ActualText, attributes)."""

    __slots__ = ("actual_text", "alt", "attached", "attributes", "kids", "parent", "ref", "role")

    def __init__(
        self,
        role: str,
        parent: StructElem | None = None,
        *,
        alt: str | None = None,
        actual_text: str | None = None,
        attributes: str | None = None,
        attach: bool = True,
    ) -> None:
        # `add` sets the same fields without this method: a field added here belongs there too (`__slots__`
        # makes one it forgets an AttributeError at the first read, not a silent default)
        self.role = role
        self.alt = alt
        self.actual_text = actual_text
        self.attributes = attributes
        #: Child elements, marked content (page, MCID) and annotations, in reading order.
        self.kids: list[StructElem | tuple[int, int] | _AnnotationRef] = []
        #: The element's object reference in the document being written (None: not written).
        self.ref: bytes | None = None
        self.attached = attach and parent is not None
        #: The element a detached element joins (`attach`). An element in the tree does not know its parent
        #: (the tree is written from the root down): it holds no reference cycle, and is freed as soon as the
        #: tree is let go, without the cyclic garbage collector.
        self.parent = None if self.attached else parent
        if self.attached:
            parent.kids.append(self)  # type: ignore[union-attr]

    def add(
        self,
        role: str,
        *,
        alt: str | None = None,
        actual_text: str | None = None,
        attributes: str | None = None,
    ) -> StructElem:
        """A new last child of this element (made without `__init__`: a statement makes hundreds)."""
        element = _new_element(StructElem)
        element.role, element.parent, element.alt = role, None, alt
        element.actual_text, element.attributes = actual_text, attributes
        element.kids, element.ref, element.attached = [], None, True
        self.kids.append(element)
        return element

    def attach(self) -> None:
        """Become the last child of the parent (an element made while drawing joins when its content does)."""
        if not self.attached and self.parent is not None:
            self.parent.kids.append(self)
            self.attached, self.parent = True, None

    def __repr__(self) -> str:
        return f"<{self.role}>"


_new_element = object.__new__


class ListItem(NamedTuple):
    """`LI` > `Lbl` + `LBody`: what a cell or paragraph with a label (box, bullet, number) is tagged as."""

    item: StructElem
    label: StructElem
    body: StructElem


def list_item(parent: StructElem, ticked: bool | None = None) -> ListItem:
    """A new item of the list `parent`. `ticked` (not None) makes the label a form box and the space after it
    (`box_text`, `box_line`), read „angekreuzt “ or „nicht angekreuzt “. The item's content goes to its `LBody`
    (or to elements made inside it)."""
    item = parent.add("LI")
    label = item.add(
        "Lbl", actual_text=None if ticked is None else TICKED_SPACED if ticked else UNTICKED_SPACED
    )
    return ListItem(item, label, item.add("LBody"))


#: A cell of a plain table: the element its text belongs to, a list item (label and body), or None (no text).
Cell = StructElem | ListItem | None

_F = TypeVar("_F", bound=Flowable)


def tag(flowable: _F, element: StructElem | None) -> _F:
    """`flowable`, its drawing marked as content of `element` (None: an artifact)."""
    flowable.tag = element  # type: ignore[attr-defined]
    return flowable


def covered_cells(spans: Mapping[tuple[int, int], tuple[int, int]]) -> set[tuple[int, int]]:
    """The cells that `spans` ((row, column) of a cell → the rows and columns it spans) cover: each span's cells
    but its first."""
    return {
        (r + i, c + j)
        for (r, c), (down, across) in spans.items()
        for i in range(down)
        for j in range(across)
        if i or j
    }


def table_cells(
    parent: StructElem,
    rows: int,
    columns: int,
    header_rows: int = 0,
    attributes: str | None = None,
    *,
    row_headers: int = 0,
    spans: Mapping[tuple[int, int], tuple[int, int]] | None = None,
) -> list[list[Cell]]:
    """A new `Table` element of `parent` with `TR` > `TH` (scope: column) for the header rows, `TH` (scope:
    row) for the first `row_headers` cells of the other rows, and `TD`; the cells' elements by row and column,
    for a table's `tags`. `spans`: (row, column) of a cell → (rows, columns) it spans; the cells it covers get
    no element (None), as ReportLab draws none for them."""
    table = parent.add("Table", attributes=attributes)
    covered = covered_cells(spans or {})
    grid: list[list[Cell]] = []
    for r in range(rows):
        row = table.add("TR")
        cells: list[Cell] = []
        scope = "Column" if r < header_rows else "Row"
        heads = columns if r < header_rows else row_headers
        for c in range(columns):
            if covered and (r, c) in covered:
                cells.append(None)
                continue
            span = spans.get((r, c)) if spans else None
            if span is None:
                extent = ""
            else:
                down, across = span
                extent = (f" /RowSpan {down}" if down > 1 else "") + (
                    f" /ColSpan {across}" if across > 1 else ""
                )
            # spans before the scope: the order of the attributes in ISO 32000-1, table 344, as readers list them
            if c < heads:
                cells.append(row.add("TH", attributes=f"/O /Table{extent} /Scope /{scope}"))
            else:
                cells.append(row.add("TD", attributes=f"/O /Table{extent}" if extent else None))
        grid.append(cells)
    return grid


_HEADINGS = {f"H{level}": level for level in range(1, 7)}


def fit_heading_levels(root: StructElem) -> None:
    """Numbered headings as PDF/UA-1 § 7.4.2 wants them (veraPDF 7.4.2-1, Matterhorn 14-002 and 14-003): in
    reading order the first is H1 and none is more than one level below the heading before it.

    Each block gives its headings their levels by itself (a section H2, the Markdown headings of a text one
    level below that), which holds on the built-in forms, where the title (H1) and the Beratungsfolge (H2) come
    first. A form file may put a section or a text before them: such a heading is raised to one level below the
    heading before it. Called once the blocks are built and before anything is drawn, so that the marked
    content carries the element's role. A table is not searched, nor a list of a form's boxes (`LIST_NONE`,
    which a text's lists never are): their cells and items hold text, lists and box labels, never a heading
    (headings are made by the form's sections and a text's Markdown headings, in the text, a list item or a
    quote), and the finance blocks of a form have hundreds of elements."""
    _fit_headings([root], 0)


def _fit_headings(elements: Sequence[StructElem | tuple[int, int] | _AnnotationRef], last: int) -> int:
    """`fit_heading_levels` for `elements` and the elements below them, after a heading of level `last` (0:
    none yet); returns the level of the last heading."""
    for element in elements:
        if type(element) is not StructElem:
            continue
        level = _HEADINGS.get(element.role)
        if level is not None:
            if level > last + 1:
                level = last + 1
                element.role = f"H{level}"
            last = level
        # most elements have no kids yet: no call for them. Neither a table nor a list of a form's boxes holds a
        # heading (their cells and items hold text, lists and box labels)
        if element.kids and element.role != "Table" and element.attributes is not LIST_NONE:
            last = _fit_headings(element.kids, last)
    return last


# --- the document's tagging state ----------------------------------------------------------------------------


class _AnnotationRef:
    """An annotation (a link's hot spot) as a child of its element: an OBJR."""

    __slots__ = ("name", "page")

    def __init__(self, name: str, page: int) -> None:
        self.name = name
        self.page = page


class Tagger:
    """A document's marked content while it is laid out: which element each MCID of each page belongs to."""

    def __init__(self, root: StructElem) -> None:
        self.root = root
        #: Per page, the element of each MCID.
        self.pages: list[list[StructElem]] = []
        #: Link annotations in order of their /StructParent key: (annotation name, element).
        self.annotations: list[tuple[str, StructElem]] = []
        #: The element a text object drawn now belongs to (None: an artifact).
        self.current: StructElem | None = None
        #: The element of the next text object only (a paragraph's bullet, drawn before its text).
        self.label: StructElem | None = None
        #: The words of the paragraph being drawn, to tell word breaks at line ends.
        self.source: _Source | None = None
        #: Open explicit marks (artifacts, figures): text objects inside them are not marked again.
        self.depth = 0

    def mcid(self, page: int, element: StructElem) -> int:
        pages = self.pages
        while len(pages) <= page:
            pages.append([])
        ids = pages[page]
        mcid = len(ids)
        ids.append(element)
        if not element.attached:
            element.attach()
        element.kids.append((page, mcid))
        return mcid

    def begin(self, page: int, element: StructElem | None, artifact: str = "") -> str:
        """The operator that opens marked content of `element` (None: an artifact of kind `artifact`)."""
        if element is None:
            return f"/Artifact <</Type /{artifact}>> BDC" if artifact else "/Artifact BMC"
        return f"/{element.role} <</MCID {self.mcid(page, element)}>> BDC"


def tagger_of(canvas: Any) -> Tagger | None:
    tagger: Tagger | None = getattr(canvas, "tagger", None)
    return tagger


def page_of(canvas: Any) -> int:
    """The index of the page the canvas draws on (pages are held until the document is saved)."""
    return len(canvas._page_states)


class drawing:  # lower case: used as a function, `with drawing(canvas, element): ...`
    """Text objects drawn inside belong to `element` (the first one to `label`, if given); `source` tells the
    word breaks at the line ends of a paragraph. (A class: a generator context manager costs three times as
    much, and every flowable draws inside one.)"""

    __slots__ = ("element", "label", "saved", "source", "tagger")

    def __init__(
        self,
        canvas: Any,
        element: StructElem | None,
        label: StructElem | None = None,
        source: _Source | None = None,
    ) -> None:
        self.tagger: Tagger | None = getattr(canvas, "tagger", None)
        self.element, self.label, self.source = element, label, source

    def __enter__(self) -> None:
        tagger = self.tagger
        if tagger is not None:
            self.saved = tagger.current, tagger.label, tagger.source
            tagger.current, tagger.label, tagger.source = self.element, self.label, self.source

    def __exit__(self, *exc: object) -> None:
        tagger = self.tagger
        if tagger is not None:
            tagger.current, tagger.label, tagger.source = self.saved


class marked:  # lower case: used as a function, `with marked(canvas, element): ...`
    """Everything drawn inside is one marked-content sequence: of `element`, or an artifact (None) of kind
    `artifact_kind` (Pagination, Layout, …). Text objects inside are not marked again."""

    __slots__ = ("canvas", "element", "kind", "tagger")

    def __init__(self, canvas: Any, element: StructElem | None, artifact_kind: str = "") -> None:
        tagger: Tagger | None = getattr(canvas, "tagger", None)
        self.tagger = None if tagger is None or tagger.depth else tagger
        self.canvas, self.element, self.kind = canvas, element, artifact_kind

    def __enter__(self) -> None:
        tagger = self.tagger
        if tagger is not None:
            self.canvas._code.append(tagger.begin(page_of(self.canvas), self.element, self.kind))
            tagger.depth += 1

    def __exit__(self, *exc: object) -> None:
        tagger = self.tagger
        if tagger is not None:
            tagger.depth -= 1
            self.canvas._code.append("EMC")


def artifact(canvas: Any, kind: str = "") -> marked:
    """Furniture: everything drawn inside is an artifact (see `marked`)."""
    return marked(canvas, None, kind)


# --- text objects -------------------------------------------------------------------------------------------

#: How a line of a paragraph ends in the text.
_NOTHING, _SPACE, _JOIN, _HYPHEN = range(4)


class _Source:
    """The words of a paragraph as ReportLab breaks them into lines, and how far they have been drawn: at each
    line end it tells whether the next word starts (a space belongs there), the word goes on (no space), or a
    hyphen was added. The parts of a split paragraph share it; they are drawn in order. It also holds the
    paragraph's `Link` elements by ReportLab's link key, so that a link going on from one page to the next is
    one element with an annotation on each."""

    __slots__ = ("links", "pos", "text")

    def __init__(self, text: str) -> None:
        self.text = words(text.replace("\xad", ""))
        self.pos = 0
        self.links: dict[Any, StructElem] = {}

    def line_end(self, line: str) -> int:
        line = words(line)
        if not line:
            return _NOTHING
        text, pos, size = self.text, self.pos, len(line)
        if not text.startswith(line, pos):
            if line[-1] == "-" and text.startswith(line[:-1], pos):
                self.pos = pos + size - 1
                return _HYPHEN
            found = text.find(line, pos)  # not where it should be: find it again (never seen)
            if found < 0:
                return _SPACE
            pos = found
        pos += size
        if pos >= len(text):
            self.pos = pos
            return _NOTHING
        if text[pos] == " ":
            self.pos = pos + 1
            return _SPACE
        self.pos = pos
        return _JOIN


def paragraph_source(frags: Sequence[Any]) -> _Source | None:
    """The words of a paragraph from the fragments its markup parses into (None once they are broken)."""
    parts = []
    for frag in frags:
        text = getattr(frag, "text", None)
        if not isinstance(text, str):
            return None
        parts.append("\n" if getattr(frag, "lineBreak", False) else text)
    return _Source("".join(parts))


_text_out: Any = getattr(PDFTextObject, "_textOut")  # noqa: B009 - not in the type stubs
_format_text: Any = getattr(PDFTextObject, "_formatText")  # noqa: B009 - not in the type stubs
_canvas_escape: Any = getattr(Canvas, "_escape")  # noqa: B009 - not in the type stubs
_fonts: dict[str, Any] = getattr(pdfmetrics, "_fonts")  # noqa: B009 - ReportLab's registered fonts


class TaggedText(paint.DirectColours, PDFTextObject):
    """A text object that knows which element each stretch of its text belongs to.

    It starts with the element the canvas draws for (`drawing`); `switch` changes it from the next text on. At
    `drawText` each stretch becomes a marked-content sequence with its MCID (empty stretches are left out), or
    the whole object one sequence if it belongs to one element. A link inside a paragraph (ReportLab reports
    its start and end through `_linkRecord`) becomes a `Link` element with its own stretches.
    """

    # ReportLab's, missing from the type stubs
    _code: list[str]
    _fontname: str
    _fontsize: float
    _leading: float
    _curSubset: int
    _canvas: Any

    def __init__(self, canvas: Any, x: float = 0, y: float = 0, direction: Any = None) -> None:
        super().__init__(canvas, x, y, direction)
        tagger = tagger_of(canvas)
        self._tagger = tagger
        element: StructElem | None = None
        source = None
        if tagger is not None:
            element = tagger.current
            if tagger.label is not None:
                element, tagger.label = tagger.label, None
            else:
                source = tagger.source
        self._element = element
        #: (index in `_code`, element) where a stretch starts.
        self._switches: list[tuple[int, StructElem | None]] = [(1, element)]
        self._source = source
        self._line: list[str] = []
        self._line_last = 0
        self._last_text = 1
        #: The texts of the last line drawn before its last text (`_linkRecord`).
        self._line_before = ""
        self._links: dict[Any, StructElem] = {} if source is None else source.links
        #: The links started on the line being drawn, in order: ReportLab makes one annotation for each at the
        #: line's end, in the same order, and names only its address.
        self._link_starts: list[tuple[str, StructElem]] = []
        #: The link and the struck-through stretch being drawn (their keys and elements), if any.
        self._open_link: StructElem | None = None
        self._open_strike: tuple[Any, StructElem] | None = None

    def _formatText(self, text: Any) -> str:
        """ReportLab's `_formatText`; a text of a shared face's fixed subset (nearly every text of a statement)
        is written straight from the face's `fixed_run`: the operators ReportLab writes (the subset's font
        and size when it switches to it, then the text), without its generic way per run."""
        if type(text) is str and text and type(self._canvas)._escape is _canvas_escape:
            font = _fonts.get(self._fontname)
            fixed_run = getattr(font, "fixed_run", None)  # a `typeface.SharedSubsetFont`'s
            run: str | None = fixed_run(text) if fixed_run is not None else None
            if run is not None:
                if self._curSubset == 0:
                    return run
                self._curSubset = 0
                name = font.getSubsetInternalName(0, self._canvas._doc)  # type: ignore[union-attr]
                return f"{name} {fp_str(self._fontsize)} Tf {fp_str(self._leading)} TL {run}"
        formatted: str = _format_text(self, text)
        return formatted

    def switch(self, element: StructElem | None) -> None:
        """The text from here on belongs to `element` (None: an artifact)."""
        self._switches.append((len(self._code), element))

    def _textOut(self, text: Any, TStar: Any = 0) -> None:
        source = self._source
        self._last_text = len(self._code)
        if source is None:
            _text_out(self, text, TStar)
            return
        if not TStar:
            self._line.append(text)
            _text_out(self, text, 0)
            if text:
                self._line_last = len(self._code) - 1
            return
        before = self._line_before = "".join(self._line)
        line = before + text
        self._line = []
        end = source.line_end(line)
        if end == _SPACE:
            # the space is there already when the line ends at a run that closes with it: a word of several
            # runs tied with a no-break space („**K:**\xa0Wert“) begins the next line
            _text_out(self, text if line.endswith(" ") else text + " ", 1)
        elif end == _HYPHEN and text.endswith("-"):
            # the font draws the soft hyphen as a hyphen: the text says it was added by line breaking
            _text_out(self, text[:-1] + "\xad", 1)
        else:
            if end == _HYPHEN:  # the hyphen ended an earlier run of the line (a break follows it)
                self._soften_hyphen(self._line_last)
            _text_out(self, text, 1)

    def _soften_hyphen(self, index: int) -> None:
        """The hyphen at the end of the run `index` drawn as the soft hyphen (see `_textOut`)."""
        entry = self._code[index]
        font = pdfmetrics.getFont(self._fontname)
        code = getattr(font, "_codes", {}).get(0xAD)
        if entry.endswith("-) Tj") and code is not None:
            self._code[index] = entry[:-5] + self._canvas._escape(bytes([code])) + ") Tj"

    def _linkRecord(self, link: Any, what: str) -> None:
        """ReportLab's report of a link's start (after its first text) and end (before the text after it).

        At the start, the link's hot spot is moved to where its text starts: ReportLab puts it where the text
        would start without the space a justified line adds at each space before it, so on such a line the
        hot spot (and a reader's focus box) began up to a few words early, over the text before the link."""
        url = link[1] if isinstance(link, tuple) and len(link) > 1 else None
        word_space: float = getattr(self, "_wordSpace", 0)  # set by ReportLab on a justified line only
        if what == "start" and word_space and self._source is not None and url != STRUCK:
            links = getattr(getattr(self, "XtraState", None), "links", None)
            # the texts of the line before the link's first one (the last drawn; it may have ended the line)
            before = "".join(self._line[:-1]) if self._line else self._line_before
            spaces = before.count(" ") + before.count("\xa0")  # as ReportLab counts them for the word space
            if spaces and links and link in links:
                (key, x), low, high = links[link]
                links[link] = (key, x + spaces * word_space), low, high
        if self._element is None or self._tagger is None or self._tagger.depth:
            return
        if url == STRUCK:  # a struck-through stretch (`struck`): its own `Span`
            if what == "start":
                element = self._links.get(link)
                if element is None:
                    element = self._links[link] = _struck_span(self._element)
                self._open_strike = (link, element)
            else:
                self._open_strike = None
        elif what == "start":
            element = self._links.get(link)
            if element is None:
                element = self._links[link] = StructElem("Link", self._element, attach=False)
            if isinstance(url, str):
                self._link_starts.append((url, element))
            self._open_link = element
        else:
            self._open_link = None
            strike = self._open_strike
            if strike is not None:
                # the strike goes on after a link inside it: a new `Span`, after the link in reading order (the
                # first `Span` has its place before the link); an element that gets no text is never written
                key, _before = strike
                self._open_strike = (key, _struck_span(self._element))
                self._links[key] = self._open_strike[1]
        # a link's text belongs to the link (struck through or not), other struck text to its `Span`
        current = self._open_link or (self._open_strike[1] if self._open_strike else None) or self._element
        if what == "start":
            self._switches.append((self._last_text, current))
        else:
            self.switch(current)

    def link_element(self, url: str) -> StructElem | None:
        """The `Link` element of the annotation being made for a link to `url` drawn by this text object: the
        first link to `url` started and not yet given its annotation (two links to one address in a paragraph
        are two elements, each with its own annotation). A paragraph that is one link is one text run: its
        element is the link."""
        starts = self._link_starts
        for index, (started, element) in enumerate(starts):
            if started == url:
                del starts[index]
                return element
        if self._element is not None and self._element.role == "Link":
            return self._element
        return None

    def marked_code(self, page: int) -> str:
        """The text object's operators with its marked content (MCIDs recorded on `page`)."""
        code = self.getCode()  # appends ET (and a render mode reset)
        tagger = self._tagger
        if tagger is None or tagger.depth:
            return code
        switches = self._switches
        if len(switches) == 1:
            element = switches[0][1]
            if "Tj" not in code and "TJ" not in code:
                return code
            return f"{tagger.begin(page, element)} {code} EMC"
        entries = self._code
        end = len(entries) - (2 if entries[-1].endswith(" Tr") else 1)  # where ET is
        out: list[str] = []
        done = 0  # entries before this index are in `out`
        opened = False
        current: StructElem | None = None
        count = len(switches)
        for at in range(count):
            start, element = switches[at]
            if opened and element is current:
                continue
            start = min(start, end)
            if opened:
                out.append(" ".join(entries[done:start]))
                out.append("EMC")
                done, opened = start, False
            current = element
            stop = min(switches[at + 1][0], end) if at + 1 < count else end
            for first in range(start, stop):  # a stretch is marked from its first text on
                entry = entries[first]
                if "Tj" in entry or "TJ" in entry:
                    out.append(" ".join(entries[done:first]))
                    out.append(tagger.begin(page, element))
                    done, opened = first, True
                    break
        if opened:
            out.append(" ".join(entries[done:end]))
            out.append("EMC")
            done = end
        out.append(" ".join(entries[done:]))
        return " ".join(filter(None, out))


def _struck_span(parent: StructElem) -> StructElem:
    """A `Span` of struck-through text in `parent`, which joins it with its first text."""
    return StructElem("Span", parent, attributes=LINE_THROUGH, attach=False)


def struck(frags: Sequence[Any]) -> None:
    """Mark the struck-through text of a paragraph's frags (`<strike>`) for tagging: each strike becomes an
    entry of the frag's `link` with the target `STRUCK`, keyed by ReportLab's number of the strike line, so
    that `TaggedText` hears where it starts and ends as it does for a link. The frags stay split where they
    were (a strike is part of a frag's style) and ReportLab makes no annotation for it; like a link's, an empty
    struck piece at a line end is dropped (`ProseParagraph.breakLines`), so the strike line stops at the line's
    last word."""
    for frag in frags:
        for line in getattr(frag, "us_lines", ()):
            if line[1] == "strike":
                key = (-1 - line[0], STRUCK)  # below the links' numbers (0, 1, …), which sort with it
                if key not in frag.link:
                    frag.link = [*frag.link, key]  # a new list: frags of one style share theirs


def switch(text: Any, element: StructElem | None) -> None:
    """`TaggedText.switch` for a text object of any canvas (one that does not tag ignores it)."""
    if isinstance(text, TaggedText):
        text.switch(element)


def draw_text(canvas: Any, text: Any) -> None:
    """What the canvas does for `drawText`: a tagged text object is marked on the current page."""
    if isinstance(text, TaggedText):
        canvas._code.append(text.marked_code(page_of(canvas)))
    else:
        canvas._code.append(str(text.getCode()))


# --- tables ---------------------------------------------------------------------------------------------------


class TaggedTable(Table):
    """A table whose rows know their cells' elements through page splits: `tags` gives each cell's element by
    row (a row of None: an artifact). Backgrounds and rules are artifacts, so are header rows repeated on a
    continuation page. Cells that draw themselves (paragraphs) carry their own `tag`; `PlainTable` asks
    `cell_tag` for the cell it is drawing."""

    _tag_rows: list[list[Cell] | None] | None = None
    #: (row, column) of the cells in the order ReportLab draws them, consumed by `_drawCell`.
    _tag_order: Any = None
    _tag_at: tuple[int, int] = (0, 0)
    #: Whether `draw_cell` marks a cell's text itself (in a text object written later), artifacts too.
    _text_marks = False

    def __init__(
        self, *args: Any, tags: Sequence[Sequence[Cell] | None] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if tags is not None:
            self._tag_rows = [None if row is None else list(row) for row in tags]

    def draw(self) -> None:
        rows, columns = range(self._nrows), range(self._ncols)  # type: ignore[attr-defined]
        if self._spanCmds:  # type: ignore[attr-defined]
            spans = self._spanRects  # type: ignore[attr-defined]
            self._tag_order = iter([(r, c) for r in rows for c in columns if spans[c, r] is not None])
        else:
            self._tag_order = iter([(r, c) for r in rows for c in columns])
        super().draw()

    def _drawBkgrnd(self) -> None:
        with artifact(self.canv):
            super()._drawBkgrnd()  # type: ignore[misc]

    def _drawLines(self) -> None:
        with artifact(self.canv):
            super()._drawLines()  # type: ignore[misc]

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:
        self._tag_at = at = next(self._tag_order)
        rows = self._tag_rows
        if rows is not None and rows[at[0]] is None:  # a header row repeated: it is not read again
            if self._text_marks:
                self.draw_cell(cellval, cellstyle, pos, size, None)
                return
            with artifact(self.canv):
                self.draw_cell(cellval, cellstyle, pos, size, None)
            return
        self.draw_cell(cellval, cellstyle, pos, size, None if rows is None else rows[at[0]][at[1]])

    def draw_cell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any, tag: Cell) -> None:
        """Draw a cell whose element is `tag` (cells that draw themselves carry theirs)."""
        super()._drawCell(cellval, cellstyle, pos, size)  # type: ignore[misc]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth, availHeight)
        rows = self._tag_rows
        if rows is None or len(parts) != 2:
            return parts
        first, second = parts
        if not (isinstance(first, TaggedTable) and isinstance(second, TaggedTable)):
            return parts
        before = len(first._cellvalues)  # type: ignore[attr-defined]
        repeated = second.repeatRows if isinstance(second.repeatRows, int) else 0
        after = len(second._cellvalues) - repeated  # type: ignore[attr-defined]
        # a row split inside (splitInRow) is in both parts: its first half ends the first, its rest opens the
        # second
        start = before - 1 if before + after == len(rows) + 1 else before
        first._tag_rows = rows[:before]
        second._tag_rows = [*([None] * repeated), *rows[start:]]
        return parts


# --- writing the tree -----------------------------------------------------------------------------------------


#: Texts of /Alt and /ActualText as PDF strings: few and recurring („angekreuzt“).
_TEXTS: dict[str, bytes] = {}


def _text(value: str) -> bytes:
    found = _TEXTS.get(value)
    if found is None:
        found = pdfdoc.PDFString(value).format(pdfdoc.DummyDoc())
        if len(_TEXTS) < 256:
            _TEXTS[value] = found
    return found


#: Roles that stay in the tree without content inside a table that has some: they keep its grid regular.
_GRID = frozenset({"TD", "TH", "TR"})


def _live(
    element: StructElem,
    in_table: bool,
    out: list[tuple[StructElem, StructElem | None]],
    parent: StructElem | None = None,
) -> bool:
    """Collect (pre-order) the elements written, each with its parent: those with content somewhere below them,
    and the empty cells of a table with content. Returns whether `element` has content."""
    at = len(out)
    out.append((element, parent))
    in_table = in_table or element.role == "Table"
    content = False
    for kid in element.kids:
        if type(kid) is not StructElem:
            content = True
            continue
        kids = kid.kids
        if len(kids) == 1 and type(kids[0]) is tuple:  # most elements: one run of text, collected here
            out.append((kid, element))
            content = True
        elif _live(kid, in_table, out, element):
            content = True
    if not content and not (in_table and element.role in _GRID):
        del out[at:]
    return content


def _register(document: Any, obj: pdfdoc.PDFObject, name: str) -> int:
    """`document.Reference(obj, name)` for a new object, without the reference it returns: its number.
    `write_structure` does the same inline for each element: a change here belongs there too."""
    number: int = document.objectcounter + 1
    document.objectcounter = number
    obj.__InternalName__ = name  # type: ignore[attr-defined]
    document.idToObjectNumberAndVersion[name] = (number, 0)
    document.numberToId[number] = name
    document.idToObject[name] = obj
    return number


#: The object of the common element (one run of text, no /Alt or /ActualText) as ReportLab writes an indirect
#: object (`pdfwriter.ReadyRun`): its number, the start of its dictionary, its parent, page and MCID, the end.
_COMMON = b"%d 0 obj\n%s%s /Pg %s /K %d%s\nendobj\n"
#: An element without kids (an empty cell of a table's grid), and any other: its page and kids before the end.
_EMPTY = b"%d 0 obj\n%s%s%s\nendobj\n"
_GENERAL = b"%d 0 obj\n%s%s%s%s%s\nendobj\n"
#: The start of a structure element's dictionary, by role.
_HEADS: dict[str, bytes] = {}
#: The end of an element's dictionary, by its attributes (few and recurring: a table cell's scope and span).
_EXTRAS: dict[str | None, bytes] = {}


def _tail(element: StructElem) -> bytes:
    """The end of an element's dictionary with /Alt or /ActualText: those, its attributes, „ >>“."""
    out = b""
    if element.alt is not None:
        out += b" /Alt " + _text(element.alt)
    if element.actual_text is not None:
        out += b" /ActualText " + _text(element.actual_text)
    if element.attributes:
        out += b" /A << " + element.attributes.encode("ascii") + b" >>"
    return out + b" >>"


def write_structure(document: Any, tagger: Tagger, page_count: int) -> tuple[str, int]:
    """Add the structure tree to the document: the elements in reading order, the parent tree (pages' keys
    after the annotations' keys) and the root. Returns the root's name and the key of the first page.

    ReportLab numbers an object when it is registered, and the pages and annotations are registered by now,
    so every element's bytes are made here at once, without ReportLab's dictionaries (ten times the cost)."""
    for _name, element in tagger.annotations:  # a link whose text was never marked still gets its place
        element.attach()
    ordered: list[tuple[StructElem, StructElem | None]] = []
    _live(tagger.root, False, ordered)
    # the elements' objects in one run: numbered, but neither named nor registered one by one
    run = reserve_run(document, "SE", len(ordered))
    for number, (element, _parent) in enumerate(ordered, start=run.first):
        element.ref = b"%d 0 R" % number
    tree, parent_tree = Ready(), Ready()
    tree_ref = b"%d 0 R" % _register(document, tree, "StructTreeRoot")
    parent_tree_number = _register(document, parent_tree, "ParentTree")
    numbers = document.idToObjectNumberAndVersion
    pages = [b"%d 0 R" % numbers[f"Page{page + 1}"][0] for page in range(page_count)]
    heads = _HEADS
    extras = _EXTRAS
    objects = run.objects
    for number, (element, parent) in enumerate(ordered, start=run.first):
        head = heads.get(element.role)
        if head is None:
            head = heads[element.role] = b"<< /Type /StructElem /S /%s /P " % element.role.encode("ascii")
        parent_ref = tree_ref if parent is None else parent.ref
        # the end of the dictionary: /Alt, /ActualText, the attributes; without the first two, few and recurring
        attributes = element.attributes
        if element.alt is None and element.actual_text is None:
            tail = extras.get(attributes) if attributes else b" >>"
            if tail is None:
                tail = _tail(element)
                if len(extras) < 256:
                    extras[attributes] = tail
        else:
            tail = _tail(element)
        kids = element.kids
        if len(kids) == 1:
            only = kids[0]
            if type(only) is tuple:  # most elements: one run of text on one page
                objects.append(_COMMON % (number, head, parent_ref, pages[only[0]], only[1], tail))
                continue
        elif not kids:  # an empty cell of a table's grid
            objects.append(_EMPTY % (number, head, parent_ref, tail))
            continue
        page = None
        written: list[bytes] = []
        for kid in kids:
            kind = type(kid)
            if kind is StructElem:
                ref = kid.ref  # type: ignore[union-attr]
                if ref is not None:
                    written.append(ref)
            elif kind is tuple:
                kid_page, mcid = kid  # type: ignore[misc]
                if page is None:
                    page = kid_page
                if kid_page == page:
                    written.append(b"%d" % mcid)
                else:
                    written.append(b"<< /Type /MCR /Pg %s /MCID %d >>" % (pages[kid_page], mcid))
            else:
                annotation = numbers["Annot." + kid.name][0]  # type: ignore[union-attr]
                written.append(b"<< /Type /OBJR /Obj %d 0 R /Pg %s >>" % (annotation, pages[kid.page]))  # type: ignore[union-attr]
        where = b"" if page is None else b" /Pg " + pages[page]
        if len(written) == 1:
            listed = b" /K " + written[0]
        elif written:
            listed = b" /K [" + b" ".join(written) + b"]"
        else:
            listed = b""
        objects.append(_GENERAL % (number, head, parent_ref, where, listed, tail))
    first_page_key = len(tagger.annotations)
    nums = [b"%d %s" % (key, element.ref) for key, (_name, element) in enumerate(tagger.annotations)]
    for index in range(page_count):
        ids = tagger.pages[index] if index < len(tagger.pages) else ()
        nums.append(b"%d [%s]" % (first_page_key + index, b" ".join([e.ref or b"null" for e in ids])))
    parent_tree.data = b"<< /Nums [" + b"\n".join(nums) + b"] >>"
    tree.data = b"<< /Type /StructTreeRoot /K %s /ParentTree %d 0 R /ParentTreeNextKey %d >>" % (
        tagger.root.ref,
        parent_tree_number,
        first_page_key + page_count,
    )
    return "StructTreeRoot", first_page_key


def release(tagger: Tagger) -> None:
    """Let go of a written structure tree: the tagger's pages and annotations (the tree holds no reference
    cycles: its elements do not know their parents)."""
    tagger.pages = []
    tagger.annotations = []
    tagger.current = tagger.label = None
    tagger.source = None


def link_annotation_entries(tagger: Tagger, text: TaggedText | None, url: str) -> dict[str, Any]:
    """The entries of a link's annotation that tie it to its `Link` element: /StructParent, /Contents."""
    element = text.link_element(url) if text is not None else None
    if element is None:
        return {}
    key = len(tagger.annotations)
    tagger.annotations.append(("", element))
    return {"StructParent": key, "Contents": pdfdoc.PDFString(url)}


def note_annotation(tagger: Tagger, name: str, page: int) -> None:
    """Record the annotation just made for the last `link_annotation_entries` as its element's OBJR."""
    _blank, element = tagger.annotations[-1]
    tagger.annotations[-1] = (name, element)
    element.kids.append(_AnnotationRef(name, page))
