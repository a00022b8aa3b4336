"""The printed form of a statement: A4 layout after the 2014 Leipzig form, built with ReportLab in one pass.

Everything that costs time once per process (fonts, paragraph styles, the Markdown parser, the hyphenator)
is set up on first use and reused, so a warm render only lays out the statement. Output is reproducible: the
document runs in ReportLab's invariant mode and its date comes from the statement or `SOURCE_DATE_EPOCH`, never
from the clock; without either it has none. No value from the statement is ever read as markup: plain fields
are set as text lines and table cells that bypass ReportLab's paragraph parser, and prose reaches the parser
escaped.

Every PDF is tagged PDF/UA-1 and PDF/A-2a, without options: the blocks make structure elements as they build
their flowables, the canvas marks the content and writes the tree, the metadata and the output intent while
ReportLab writes the file (no second pass over it).

One module per concern: `styles` (geometry, fonts, paragraph styles), `page` (canvas, furniture, document
template), `text` (plain-text line breaking), `tables`, `prose` (Markdown), `form` (the blocks of the form in
order), `tagging` (structure tree and marked content), `archival` (PDF/A metadata, output intent, stream
syntax), and the ReportLab patches `typeface` (shared font subsets), `pdfwriter` (remembered names), `linebreaks`
(word breaks), `words` (word splitting) and `deferred` (a pattern compiled when first needed).
"""

from __future__ import annotations

import io
import threading
from functools import partial

# isort: off
from . import deferred  # noqa: F401  # first: ReportLab's page layout imported with a costly pattern deferred

# isort: on
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from .. import __version__, charset, collector
from ..diagnostics import Diagnostic
from ..document import layout, status_label
from ..errors import InvalidInput
from ..labels import Art
from ..logo import load as load_logo
from ..model import Statement
from ..settings import RenderSettings
from .archival import install as install_archival_streams
from .archival import pdf_text
from .form import FormBuilder
from .linebreaks import install as install_line_breaks
from .page import DeferredFooterCanvas, Document, Furniture, creation_epoch, logo_size
from .pdfwriter import install as install_pdf_writer
from .styles import (
    BODY_SIZE,
    BOTTOM_MARGIN,
    FONT,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    LEFT_MARGIN,
    LOGO_CLEARANCE,
    PAGE_HEIGHT,
    RIGHT_MARGIN,
    TOP_MARGIN,
    build_styles,
)
from .tagging import StructElem, fit_heading_levels
from .text import hyphenating
from .typeface import MissingGlyph, install_paragraph_widths
from .words import install as install_word_split

install_pdf_writer()
install_paragraph_widths()
install_line_breaks()
install_word_split()
install_archival_streams()


def render_pdf(statement: Statement, settings: RenderSettings | None = None) -> bytes:
    """The statement as a PDF document (bytes); reads nothing but the fonts and the configured logo."""
    with collector.paused():  # a render makes no reference cycles to collect
        return _render(statement, settings or RenderSettings())


def _render(statement: Statement, settings: RenderSettings) -> bytes:
    styles = build_styles(settings.hyphenate)
    form = layout(statement, settings)
    title = form.title.replace("\n", " ")  # the document's title is one line, whatever the form breaks
    logo = load_logo(settings.logo) if settings.logo is not None else None  # decoded once per process
    size = logo_size(logo) if logo is not None else None
    structure = StructElem("Document")
    alt = settings.logo_text
    furniture = Furniture(
        header=form.running_header.format(nummer=statement.nummer),
        page_label=form.page_counter,
        footer=settings.footer,
        logo=logo,
        logo_size=size,
        figure=structure.add("Figure", alt=alt) if size and alt else None,
    )
    first_top = TOP_MARGIN + (LOGO_CLEARANCE if size else 0)
    frame_height = FRAME_HEIGHT
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
    doc = Document(
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
        # each a string of the document information (and the same in XMP): PDF/A caps its length
        title=pdf_text(f"{title} – {statement.betreff}"),
        author=pdf_text(", ".join(statement.eingereicht_von)),
        subject=pdf_text(statement.betreff),
        keywords=[  # one text: ReportLab joins a list with ", "
            pdf_text(
                ", ".join(
                    [
                        statement.nummer,
                        _ART_WORDS[statement.art],
                        status_label(statement, form.form),
                        settings.body,
                    ]
                )
            )
        ],
        creator=f"vsp {__version__}",
        lang="de-DE",
        displayDocTitle=True,
        invariant=1,
        initialFontName=FONT,
        initialFontSize=BODY_SIZE,
    )
    builder = FormBuilder(form, settings, styles, structure)
    with hyphenating(builder.hyphenator):
        _build(statement, doc, builder, furniture)
    return buffer.getvalue()


def _build(statement: Statement, doc: Document, builder: FormBuilder, furniture: Furniture) -> None:
    """Lay out and write the statement's document (`render_pdf`), with its way of breaking words in force."""
    structure = builder.root
    flowables = builder.build(petition=statement.ist_petition)
    fit_heading_levels(structure)
    canvasmaker = partial(
        DeferredFooterCanvas,
        decorate=furniture.footer_text,
        epoch=creation_epoch(statement),
        structure=structure,
    )
    with _BUILD_LOCK:
        # ASCII85 on top of Flate only makes streams larger and costs a tenth of the render time. The switch
        # is process-wide in ReportLab, so it is set just for the build and renders are serialised.
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            doc.build(flowables, canvasmaker=canvasmaker)
        except MissingGlyph as missing:
            # a statement the validator never saw (made in Python) or a setting with a character of no glyph
            char = missing.char
            raise InvalidInput(
                [
                    Diagnostic.for_file(
                        "",
                        "unprintable-character",
                        f"Das Zeichen {charset.describe(char)} {charset.refusal(char)}",
                    )
                ]
            ) from None
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
            # the template's namespace holds the template (`doc`): a cycle that would leave the whole document
            # to the cyclic garbage collector (see `DeferredFooterCanvas.save`)
            doc._nameSpace.clear()  # type: ignore[attr-defined]
            doc.__dict__.pop("canv", None)


_BUILD_LOCK = threading.Lock()

#: What a statement answers, in its PDF's keywords (with the status as the form prints it).
_ART_WORDS = {Art.ANTRAG: "Antrag", Art.PETITION: "Petition"}


__all__ = ["creation_epoch", "render_pdf"]
