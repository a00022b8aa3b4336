"""The page and its furniture: the canvas that numbers pages in one pass and tags what is drawn on them,
running header, logo, footer (artifacts; the logo a `Figure` if it has an alternative text), the reproducible
time stamp, and the document template that adds outline entries."""

from __future__ import annotations

import calendar
import operator
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import md5
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable

from ..diagnostics import Diagnostic
from ..errors import ConfigError, InvalidInput
from ..limits import MAX_LINK_AREAS, MAX_LINK_TARGETS
from ..logo import Logo
from ..model import Statement
from . import paint
from .archival import ARCHIVAL, add_metadata, finish_catalog, finish_page
from .prose import too_many_links
from .styles import (
    FONT,
    FOOTER_BASELINE,
    FRAME_WIDTH,
    GREY,
    LEFT_MARGIN,
    LOGO_HEIGHT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT_MARGIN,
    RULE,
    SMALL_SIZE,
)
from .tagging import (
    FOOTER,
    HEADER,
    StructElem,
    TaggedText,
    Tagger,
    artifact,
    draw_text,
    link_annotation_entries,
    marked,
    note_annotation,
    page_of,
    release,
    write_structure,
)
from .text import wrap_lines

_MAX_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC


class _FixedTimeStamp:
    """What ReportLab reads from its `TimeStamp`: a given moment in UTC instead of the clock."""

    def __init__(self, epoch: int) -> None:
        self.t = epoch
        self.lt = time.gmtime(epoch)
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


def creation_epoch(statement: Statement) -> int | None:
    """The PDF date: the statement's `datum`, else `SOURCE_DATE_EPOCH`, else none (never the clock)."""
    if statement.datum is not None:
        return calendar.timegm(statement.datum.timetuple())
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    return _parse_epoch(raw)


class _UndatedInfo(pdfdoc.PDFInfo):
    """ReportLab's document information (`PDFInfo.format`) without CreationDate and ModDate: a statement
    without `datum` has no date, and the PDF invents none (nor does its XMP packet: `undated`)."""

    undated = True

    def format(self, document: Any) -> bytes:
        entries = {
            "Title": pdfdoc.PDFString(self.title),
            "Author": pdfdoc.PDFString(self.author),
            "Producer": pdfdoc.PDFString(self.producer),
            "Creator": pdfdoc.PDFString(self.creator),
            "Subject": pdfdoc.PDFString(self.subject),
            "Keywords": pdfdoc.PDFString(self.keywords),
            "Trapped": pdfdoc.PDFName(self.trapped),
        }
        formatted: bytes = pdfdoc.PDFDictionary(entries).format(document)
        return formatted


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

#: What ReportLab's `saveState` keeps of a canvas, and a getter of all of it from the canvas's attributes.
_STATE_ATTRIBUTES: tuple[str, ...] = tuple(Canvas.STATE_ATTRIBUTES)
_state_of = operator.itemgetter(*_STATE_ATTRIBUTES)


class DeferredFooterCanvas(paint.DirectColours, Canvas):
    """A canvas that holds its pages until `save`, so each footer can say „Seite n/m“ in a single build.

    Given the root of a structure tree it writes tagged PDF/A-2a: text objects are marked as the element the
    drawing flowable names (`tagging`), the footers as artifacts, and at `save` the tree, the metadata and the
    output intent are added (`archival`).
    """

    def __init__(
        self,
        *args: Any,
        decorate: PageDecorator,
        epoch: int | None,
        structure: StructElem | None = None,
        **kwargs: Any,
    ) -> None:
        # ReportLab reads SOURCE_DATE_EPOCH itself and fails on a malformed value; check it first.
        raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if raw:
            _parse_epoch(raw)
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._page_states: list[dict[str, Any]] = []
        doc = self._doc  # type: ignore[attr-defined]
        doc._timeStamp = _FixedTimeStamp(epoch or 0)
        if epoch is None:
            doc.info = _UndatedInfo()
        # The document id is derived from the time stamp: derive it from ours, as ReportLab would.
        signature = md5(usedforsecurity=False)
        signature.update(b"a reportlab document")
        signature.update(ascii(epoch).encode("ascii"))
        doc.signature = signature
        self.tagger = Tagger(structure) if structure is not None else None
        if self.tagger is not None:
            setattr(doc, ARCHIVAL, True)
            doc._pdfVersion = (1, 7)
        self._text_object: TaggedText | None = None
        #: Clickable areas of links made so far, and the characters of their targets (`MAX_LINK_AREAS`,
        #: `MAX_LINK_TARGETS`).
        self._link_areas = 0
        self._link_targets = 0

    def push_state_stack(self) -> None:
        """ReportLab's `saveState` bookkeeping, with the state kept as a tuple of its attributes' values: taken
        at once, where ReportLab copies them into a dictionary one by one (a flowable's every drawing saves and
        restores the state)."""
        self.state_stack.append(_state_of(self.__dict__))
        self._extgstate = self._extgstate.pushCopy()  # type: ignore[has-type]

    def pop_state_stack(self) -> None:
        self.__dict__.update(zip(_STATE_ATTRIBUTES, self.state_stack.pop(), strict=True))

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> TaggedText:
        text = self._text_object = TaggedText(self, x, y, direction)
        return text

    def drawText(self, aTextObject: Any) -> None:
        draw_text(self, aTextObject)
        # ReportLab's paragraph gives its text object a method bound to the object (`_do_line`, for underlines
        # and links): a reference cycle that would leave the object, and the document it reaches, to the
        # cyclic garbage collector.
        vars(aTextObject).pop("_do_line", None)

    def linkURL(
        self,
        url: str,
        rect: Any,
        relative: Any = 0,
        thickness: int = 0,
        color: Any = None,
        dashArray: Any = None,
        kind: str = "URI",
        **kw: Any,
    ) -> None:
        """A link's annotation, printable (PDF/A) and tied to its `Link` element (PDF/UA). A link drawn as an
        artifact (in a table header repeated on a later page) gets none: it is not content."""
        tagger = self.tagger
        if tagger is not None and tagger.depth:
            return
        self._link_areas += 1
        self._link_targets += len(url)
        if self._link_areas > MAX_LINK_AREAS or self._link_targets > MAX_LINK_TARGETS:
            raise InvalidInput([too_many_links()])
        entries = link_annotation_entries(tagger, self._text_object, url) if tagger is not None else {}
        super().linkURL(url, rect, relative, thickness, color, dashArray, kind, F=4, **entries, **kw)
        if tagger is not None and entries:
            note_annotation(tagger, f"NUMBER{self._annotationCount}", page_of(self))  # type: ignore[attr-defined]

    # Lines and rectangles drawn outside any marked content (a rule, a strike-through, a paragraph's
    # background) are furniture: artifacts. Text is marked by the text objects (`tagging.TaggedText`).

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        tagger = self.tagger
        if tagger is None or tagger.depth:
            super().line(x1, y1, x2, y2)
        else:
            self._code.append("/Artifact BMC")  # type: ignore[attr-defined]
            super().line(x1, y1, x2, y2)
            self._code.append("EMC")  # type: ignore[attr-defined]

    def lines(self, linelist: Any) -> None:
        with artifact(self):
            super().lines(linelist)

    def rect(self, *args: Any, **kwargs: Any) -> None:
        with artifact(self):
            super().rect(*args, **kwargs)

    def bookmarkPage(self, key: str, *args: Any, **kwargs: Any) -> Any:
        """A destination on the page being drawn. ReportLab names the page by its count of pages written, which
        stays at 1 until `save` writes them all: every outline entry led to page 1."""
        dest = super().bookmarkPage(key, *args, **kwargs)
        dest.setPage(pdfdoc.PDFObjectReference(f"Page{len(self._page_states) + 1}"))
        return dest

    def showPage(self) -> None:
        self._page_states.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        total = len(self._page_states)
        tagger = self.tagger
        first_key = len(tagger.annotations) if tagger is not None else 0
        document = self._doc  # type: ignore[attr-defined]
        for number, state in enumerate(self._page_states, start=1):
            self.__dict__.update(state)
            with artifact(self, FOOTER):
                self._decorate(self, number, total)
            Canvas.showPage(self)
            if tagger is not None:
                finish_page(document.Pages.pages[-1], first_key + number - 1)
        if tagger is not None:
            root, first = write_structure(document, tagger, total)
            assert first == first_key
            finish_catalog(document, root)
            add_metadata(document)
        Canvas.save(self)
        # The document is written. What it was made of is garbage now, but held in reference cycles (the saved
        # page states hold the canvas's attributes, which hold the page states; the last text object and the
        # canvas hold each other; an element and its parent): only the cyclic garbage collector would free it,
        # and traversing that much, once for every few hundred objects allocated, cost a tagged 2017 statement
        # a tenth of its render time. Broken here, it is freed as soon as the render lets go of it.
        self._page_states.clear()
        self._text_object = None
        if tagger is not None:
            release(tagger)


@dataclass(frozen=True)
class Furniture:
    """Header, logo and footer of the pages; drawn straight on the canvas."""

    #: The running header from page 2 (empty: none) and the page counter with {n} and {m} (empty: none).
    header: str
    page_label: str
    footer: str | None
    logo: Logo | None
    logo_size: tuple[float, float] | None
    #: The logo's element (a `Figure` with its alternative text), or None: the logo is an artifact.
    figure: StructElem | None = None

    def first_page(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        if self.logo is not None and self.logo_size is not None:
            width, height = self.logo_size
            x, y = PAGE_WIDTH - RIGHT_MARGIN - width, PAGE_HEIGHT - 12 * mm - height
            if self.figure is not None:
                self.figure.attributes = (
                    f"/O /Layout /BBox [{x:.2f} {y:.2f} {x + width:.2f} {y + height:.2f}]"
                )
            with marked(canv, self.figure, "Layout"):  # the image is named by its content (`logo`)
                self.logo.draw(canv, x, y, width, height)

    def later_page(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        if not self.header:
            return
        with artifact(canv, HEADER):
            self._running_header(canv)

    def _running_header(self, canv: Canvas) -> None:
        canv.saveState()
        canv.setFont(FONT, SMALL_SIZE)
        canv.setFillColor(GREY)
        y = PAGE_HEIGHT - 13 * mm
        canv.drawRightString(PAGE_WIDTH - RIGHT_MARGIN, y, self.header)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.4)
        canv.line(LEFT_MARGIN, y - 2.5 * mm, PAGE_WIDTH - RIGHT_MARGIN, y - 2.5 * mm)
        canv.restoreState()

    def footer_text(self, canv: Canvas, number: int, total: int) -> None:
        canv.saveState()
        canv.setFont(FONT, SMALL_SIZE)
        canv.setFillColor(GREY)
        y = FOOTER_BASELINE
        page = self.page_label.format(n=number, m=total)
        if not page and not self.footer:
            canv.restoreState()
            return
        if self.footer:
            room = FRAME_WIDTH - pdfmetrics.stringWidth(page, FONT, SMALL_SIZE) - 8 * mm
            lines = wrap_lines(self.footer, FONT, SMALL_SIZE, room)
            for index, line in enumerate(lines):  # a long footer grows upwards, into the margin
                canv.drawString(LEFT_MARGIN, y + (len(lines) - 1 - index) * SMALL_SIZE * 1.25, line)
        if page:
            canv.drawRightString(PAGE_WIDTH - RIGHT_MARGIN, y, page)
        canv.restoreState()


def logo_size(logo: Logo) -> tuple[float, float]:
    """Width and height of the logo at LOGO_HEIGHT, aspect ratio kept; a logo wider than the text (a banner, or
    16,000 × 1 pixels: 240 m) is made narrower to its width, and lower, instead of running off the page."""
    width = LOGO_HEIGHT * logo.width / logo.height
    if width <= FRAME_WIDTH:
        return width, LOGO_HEIGHT
    return FRAME_WIDTH, FRAME_WIDTH * logo.height / logo.width


class Document(BaseDocTemplate):
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
