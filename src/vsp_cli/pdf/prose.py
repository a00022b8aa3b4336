"""The Markdown prose of a statement as ReportLab flowables, with nothing in the text read as markup.

Statements hold their Begründung, Sachverhalt and Beschlussvorschlag as CommonMark with GFM tables. The
markdown-it token stream is turned into Paragraphs and Tables directly (no HTML in between): every text token
is escaped before it reaches ReportLab's paragraph parser, which would otherwise act on `<font>`, `<img>` or a
stray `&`, and raw HTML in the source stays literal text because the parser runs with `html` off. Links keep
only http, https and mailto targets; images print their description and are never loaded.

Every block is tagged (`tagging`) under the element it is given: paragraphs and code `P`, headings `H3`…`H6`
(nested as written, below the section's heading, never skipping a level), lists `L` > `LI` > `Lbl` + `LBody` (task boxes
read „angekreuzt“), quotes `BlockQuote`, tables `Table` > `TR` > `TH`/`TD` (header rows repeated on a later
page or piece are artifacts), links `Link` with their annotation; rules are artifacts.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Indenter, KeepTogether, Paragraph, TableStyle
from reportlab.platypus.flowables import HRFlowable
from reportlab.platypus.paragraph import (  # type: ignore[attr-defined]
    _processed_frags,
    cleanBlockQuotedText,
    textTransformFrags,
)

from ..commonmark import prose_parser
from ..hyphenation import Hyphenator
from ..labels import BOX_EMPTY, BOX_TICKED
from ..limits import MAX_WORD
from ..typography import tie, tied
from .tagging import (
    LIST_DECIMAL,
    LIST_DISC,
    TICKED,
    UNTICKED,
    Cell,
    ListItem,
    StructElem,
    TaggedTable,
    artifact,
    drawing,
    list_item,
    paragraph_source,
    table_cells,
    tag,
    tagger_of,
)

if TYPE_CHECKING:
    from markdown_it.token import Token

#: Link targets that may become clickable; anything else prints as plain text.
SAFE_SCHEMES = ("http://", "https://", "mailto:")
_BULLETS = ("•", "–", "◦")
#: A task-list item's box at the start of its text (GitHub's task lists).
_TASK = re.compile(r"\[([ xX])\] ")
_ALIGN = {"text-align:left": TA_LEFT, "text-align:center": TA_CENTER, "text-align:right": TA_RIGHT}


def escape(text: str) -> str:
    """Plain text as paragraph markup: `&`, `<` and `>` escaped, nothing else changed.

    Exactly `xml.sax.saxutils.escape`, which cannot be used for a reason of speed alone: importing it pulls in
    `urllib.request` and `http.client`, about 20 ms of every cold render. A test keeps the two in step.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute_markup(value: str) -> str:
    """A value for a double-quoted markup attribute."""
    return escape(value).replace('"', "&quot;")


_MARKUP = re.compile("[&<>]")


class ProseParagraph(Paragraph):
    """A Paragraph that carries on over many pages in linear time.

    ReportLab breaks the lines of a paragraph again from its frags for the part that continues on the next
    page, so a paragraph of a hundred pages was broken a hundred times: a long pasted text without blank
    lines took minutes. Here the continuing part keeps the lines already broken for the same width, which
    are the lines breaking its text again would give (breaking is greedy, from the start of each line).
    """

    #: Lines already broken for the continuing part of a split, and the width they were broken for.
    _broken: tuple[float, Any] | None = None
    #: ReportLab's frags for the continuing part, should it be laid out at another width after all.
    _unbroken_frags: list[Any]
    #: ReportLab's broken lines, set by `wrap`.
    blPara: Any
    #: The structure element of the text (None: an artifact), and of the bullet (a list item's `Lbl`).
    tag: StructElem | None = None
    label: StructElem | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the words as parsed, to tell word breaks at line ends (the parts of a split get their whole's)
        self._source = paragraph_source(self.frags)

    def draw(self) -> None:
        canv = self.canv
        tagger = tagger_of(canv)
        if tagger is None:
            super().draw()
            return
        element = self.tag
        if element is not None and self.blPara.kind == 0 and getattr(self.blPara, "link", None):
            element = StructElem("Link", element)  # a paragraph that is one link, drawn as one text run
        label = self.label if self.bulletText else None
        with drawing(canv, element, label, None if tagger.depth else self._source):
            super().draw()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        broken = self._broken
        if broken is not None and broken[0] != availWidth:
            self._broken = broken = None
            self.frags = getattr(self, "_unbroken_frags", self.frags)
        if broken is None:
            size: tuple[float, float] = super().wrap(availWidth, availHeight)
            if _overflows(self.blPara) and _hyphenates(self):
                self._unhyphenate()
                size = super().wrap(availWidth, availHeight)
            return size
        self.width = availWidth
        self.blPara = broken[1]
        self.height = len(self.blPara.lines) * self.style.leading
        return self.width, self.height

    def _unhyphenate(self) -> None:
        """Break this paragraph without hyphenation: ReportLab never splits the rest of a word it has split
        once (at a hyphen, a slash of an address, a soft hyphen), so a long address ran past the margin; a
        word that is not split first is broken across as many lines as it needs (`splitLongWords`)."""
        self.style = _unhyphenated_style(self.style)
        self.frags = [_without_shy(frag) for frag in self.frags]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth, availHeight)
        for number, part in enumerate(parts):
            if part is not self and isinstance(part, ProseParagraph):
                part.tag, part._source = self.tag, self._source
                part.label = self.label if number == 0 else None
        # ReportLab splits the lines of the last wrap, whose width a table cell gives without its padding
        width = getattr(self, "width", None)
        if (
            len(parts) == 2
            and isinstance(parts[1], ProseParagraph)
            and width is not None
            and getattr(self.style, "autoLeading", "") in ("", "off", None)
            and self.style.wordWrap != "CJK"
        ):
            blPara = self.blPara
            done = len(parts[0].blPara.lines)  # type: ignore[attr-defined]
            lines = blPara.lines[done:]
            rest = parts[1]
            if blPara.kind == 1:
                # Lines of several styles point into the paragraph's frag words by index (`sFW`), so the
                # continuing part keeps all of them; ReportLab's slice from its first line is kept for the case
                # that it is laid out at another width. Lines ended by a hard break are left to ReportLab,
                # which breaks them again; such paragraphs come in short pieces (`_at_hard_breaks`,
                # `_code_markup`).
                if not _processed_frags(self.frags) or any(getattr(line, "lineBreak", 0) for line in lines):
                    _drop_leading_break(rest)
                    return parts
                rest._unbroken_frags = rest.frags
                rest.frags = self.frags
            rest._broken = (width, blPara.clone(lines=lines))
        return parts


def _overflows(para: Any) -> bool:
    """Whether a line of ReportLab's broken paragraph is a single word wider than its frame (a line of several
    words may be a little wider: justification shrinks its spaces)."""
    if para.kind == 0:
        return any(len(words) == 1 and extra < -_TOLERANCE for extra, words in para.lines)
    return any(line.wordCount == 1 and line.extraSpace < -_TOLERANCE for line in para.lines)


_TOLERANCE = 0.01  # points


def _hyphenates(para: Paragraph) -> bool:
    style = para.style
    return bool(style.hyphenationLang or style.embeddedHyphenation or style.uriWasteReduce) or any(
        "\xad" in str(getattr(frag, "text", "")) for frag in para.frags
    )


@cache
def _unhyphenated_style(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(
        f"{style.name}-unhyphenated",
        parent=style,
        hyphenationLang="",
        embeddedHyphenation=0,
        uriWasteReduce=0,
    )


def _without_shy(frag: Any) -> Any:
    text = getattr(frag, "text", None)
    return frag.clone(text=text.replace("\xad", "")) if isinstance(text, str) and "\xad" in text else frag


def _drop_leading_break(rest: Paragraph) -> None:
    """Drop the hard break ReportLab puts at the start of a continuing part (a blank line atop the page).

    ReportLab counts a line's closing break as the first word of the next line when it splits, so a paragraph
    of hard-broken lines (an address block, a code block) went on with an empty line on the next page.
    """
    frags = rest.frags
    if frags:
        first = frags[0]
        frag = first[1][0] if isinstance(first, list) and len(first) > 1 else first
        if getattr(frag, "lineBreak", False):
            rest.frags = frags[1:]


@cache
def _style_fragment(style: ParagraphStyle) -> Any:
    """The fragment ReportLab's parser makes of a one-word paragraph in `style`: font, size, colour, …"""
    return Paragraph("x", style).frags[0]


def plain_paragraph(text: str, style: ParagraphStyle, bullet: str | None = None) -> ProseParagraph:
    """A Paragraph of plain text (not markup): what `Paragraph(escape(text), style)` makes, without its parser.

    For text without `&`, `<` and `>` ReportLab's parser yields a single fragment in the style's attributes
    holding the cleaned text; building that fragment directly saves the parse (a tenth of a warm render). Text
    with those characters is parsed as before. No-break spaces keep „Nr.“ with its number and a number with
    its unit (`typography.tie`).
    """
    text = tie(text)
    cleaned = cleanBlockQuotedText(text)
    if not cleaned or _MARKUP.search(text):
        return ProseParagraph(escape(text), style, bulletText=bullet)
    frags = [_style_fragment(style).clone(text=cleaned)]
    textTransformFrags(frags, style)
    return ProseParagraph(cleaned, style, bulletText=bullet, frags=frags)


#: Characters that may mean something to CommonMark anywhere in a line, and at the start of a line.
_INLINE_SYNTAX = frozenset("\\`*_[]<&|~{}\t\r")
_LINE_START_SYNTAX = frozenset("-+=#>0123456789")


def plain_paragraphs(source: str) -> list[str] | None:
    """The paragraphs of a text that is plain prose for CommonMark, or None if it may hold any syntax.

    Plain means: no character that could start emphasis, code, a link, an entity, HTML or a table anywhere;
    no line that could open a list, heading, quote, rule, fence or code block; only ordinary spaces; no
    trailing spaces (hard breaks). Such a text is paragraphs separated by blank lines, each line joined to
    the next by a space, which is exactly markdown-it's result; anything else goes through markdown-it.
    """
    if not _INLINE_SYNTAX.isdisjoint(source):
        return None
    paragraphs: list[str] = []
    current: list[str] = []
    for line in source.split("\n"):
        text = line.lstrip(" ")
        if not text:  # a blank line ends the paragraph
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        # isprintable() is False for every space but " " (tabs, no-break spaces, line separators)
        if (
            text[0] in _LINE_START_SYNTAX
            or len(line) - len(text) > 3
            or text[-1] == " "
            or not text.isprintable()
        ):
            return None
        current.append(text)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


#: A run without spaces longer than any word (`hyphenation.MAX_WORD`). ReportLab tries every soft hyphen of a
#: run on every line it breaks, so 8,000 of them in one run took 25 s; such a run breaks anywhere, like a long
#: address, and keeps no soft hyphens.
_LONG_RUN = re.compile(rf"\S{{{MAX_WORD + 1},}}")


def _without_soft_hyphens(run: re.Match[str]) -> str:
    return run.group().replace("\xad", "")


@dataclass(frozen=True)
class ProseStyles:
    """The paragraph styles prose is set in; `pdf.styles` builds them once per process and layout."""

    body: ParagraphStyle
    heading: ParagraphStyle
    code: ParagraphStyle
    cell: ParagraphStyle
    head_cell: ParagraphStyle
    font: str
    bold_font: str
    #: Indentation of each list and block-quote level, in points.
    indent: float = 17.0
    #: Space between list items, in points.
    item_space: float = 2.0
    link_color: Color = field(default_factory=lambda: Color(0.1, 0.25, 0.55))
    rule_color: Color = field(default_factory=lambda: Color(0.6, 0.6, 0.6))
    grid_color: Color = field(default_factory=lambda: Color(0.55, 0.55, 0.55))
    head_background: Color = field(default_factory=lambda: Color(0.9, 0.9, 0.9))
    _variants: dict[tuple[object, ...], ParagraphStyle] = field(
        default_factory=dict, compare=False, repr=False
    )

    def variant(
        self,
        base: ParagraphStyle,
        left: float,
        space_after: float,
        align: int = -1,
        label: float | None = None,
    ) -> ParagraphStyle:
        """`base` indented by `left` with another space after (and alignment), cached; a bullet or number
        stands `label` points (default: one indent) left of the text."""
        label = self.indent if label is None else label
        key = (base.name, left, space_after, align, label)
        found = self._variants.get(key)
        if found is None:
            found = ParagraphStyle(
                f"{base.name}-{left:g}-{space_after:g}-{align}-{label:g}",
                parent=base,
                leftIndent=base.leftIndent + left,
                bulletIndent=base.leftIndent + left - label,
                spaceAfter=space_after,
                alignment=base.alignment if align < 0 else cast(Any, align),
            )
            self._variants[key] = found
        return found

    def label_room(self, label: str, base: ParagraphStyle) -> float:
        """The room a list's widest number needs before the text: an indent, or more for „10.“ and up
        (ReportLab pushes the first line right when a bullet needs more than its room)."""
        size = base.bulletFontSize
        return max(self.indent, stringWidth(label, base.bulletFontName, size) + _BULLET_GAP * size)

    def scaled(self, base: ParagraphStyle, scale: float) -> ParagraphStyle:
        """`base` with its font size and leading times `scale`, cached."""
        if scale == 1:
            return base
        key = (base.name, "scaled", scale)
        found = self._variants.get(key)
        if found is None:
            found = ParagraphStyle(
                f"{base.name}-{scale:g}",
                parent=base,
                fontSize=base.fontSize * scale,
                leading=base.leading * scale,
            )
            self._variants[key] = found
        return found

    def joined(self, base: ParagraphStyle, to_previous: bool, to_next: bool) -> ParagraphStyle:
        """`base` for a piece of a longer block: no orphan control at its start if it continues the previous
        piece, no widow control at its end if the next one continues it; cached."""
        key = (base.name, "joined", to_previous, to_next)
        found = self._variants.get(key)
        if found is None:
            found = ParagraphStyle(
                f"{base.name}-joined-{to_previous:d}{to_next:d}",
                parent=base,
                allowOrphans=1 if to_previous else base.allowOrphans,
                allowWidows=1 if to_next else base.allowWidows,
            )
            self._variants[key] = found
        return found


#: Blocks a paragraph ending in a colon introduces.
_INTRODUCED = frozenset(
    {
        "bullet_list_open",
        "ordered_list_open",
        "table_open",
        "blockquote_open",
        "fence",
        "code_block",
        "paragraph_open",  # „Zu den einzelnen Punkten:“, then a bold line or the text it announces
    }
)


def _introduces(children: Sequence[Token], following: Token | None) -> bool:
    """Whether a paragraph leads into what follows it: a bold line of its own (a heading written as
    `**Finanzierung**`), or a short lead ending in a colon before a list, table, quote, code or paragraph."""
    if following is None or following.type.endswith("_close"):
        return False
    shown = [child for child in children if child.type != "text" or child.content.strip()]
    if len(shown) >= 3 and shown[0].type == "strong_open" and shown[-1].type == "strong_close":
        return True
    text = _plain_text(children).rstrip()
    return following.type in _INTRODUCED and text.endswith(":") and len(text) < _LEAD_CHARACTERS


#: Estimated lines up to which a paragraph after a lead gets three lines of room: one of three lines cannot be
#: split without a widow or an orphan, and the estimate may be a line off either way.
_MOVED_WHOLE = 4

#: Leads kept with what follows them: a heading or bold line, then „… wie folgt:“, then what it announces.
_LEADS_KEPT = 3

#: Longer paragraphs end a page well enough on their own lines (widow and orphan control).
_LEAD_CHARACTERS = 300


class ProseTable(TaggedTable):
    """A table that leaves no single body row alone on either side of a page break."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth, availHeight)
        heights = getattr(self, "_rowHeights", None)
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


class NeedSpace(CondPageBreak):
    """Starts a new page unless `height` points are left: keeps a heading with the text that follows it.

    ReportLab's keepWithNext does the same by laying out heading and follower twice and copying the frame,
    which costs more than the rest of a heading's layout. The space around it passes through untouched.
    """

    _SPACETRANSFER = True

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        """Nothing to draw, so nothing is written: ReportLab would put an empty graphics state on the page."""


class RuledParagraph(ProseParagraph):
    """A paragraph in a block quote: a thin rule left of the text for each quote level."""

    rules: tuple[float, ...] = ()
    rule_color: Color | None = None
    extend_rule: float = 0.0

    def draw(self) -> None:
        super().draw()
        canv = self.canv
        with artifact(canv, "Layout"):
            canv.saveState()
            if self.rule_color is not None:
                canv.setStrokeColor(self.rule_color)
            canv.setLineWidth(0.8)
            for x in self.rules:
                canv.line(x, -self.extend_rule, x, self.height)
            canv.restoreState()

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth, availHeight)
        for part in parts:
            if isinstance(part, RuledParagraph):
                part.rules, part.rule_color = self.rules, self.rule_color
        if parts and isinstance(parts[-1], RuledParagraph):
            parts[-1].extend_rule = self.extend_rule
        return parts


_CELL_PADDING = 4.0
#: A space at a line start or after another space: paragraphs would swallow it, code keeps it.
_SPACE_RUN = re.compile(r"(?:^|(?<= )) ")
#: Lines of a code block, or lines ended by hard breaks, per paragraph: ReportLab lays out the whole rest of a
#: paragraph again at each page, so thousands of such lines in one paragraph would take minutes.
_PIECE_LINES = 40
#: Body rows of a Markdown table per ReportLab table (see `_table`).
_TABLE_ROWS = 500
#: A table of this many body rows or fewer is never split across pages.
_KEEP_ROWS = 6
#: Blocks that cannot carry a list item's bullet beside their first line: the bullet stands on a line of its own
#: above them.
_DRAWN_WITHOUT_BULLET = frozenset({"hr", "table_open"})


def _cuts(lines: int, every: int) -> range:
    """After which lines a block of `lines` lines is cut into pieces: every `every` lines, but the last piece
    keeps two lines at least. A last line of its own could end up alone atop a page, where the whole block's
    widow control would not have let it."""
    return range(every, lines - 1, every)


def _at_hard_breaks(children: Sequence[Token], every: int) -> list[list[Token]]:
    """A paragraph's inline tokens in pieces of `every` hard-broken lines (see `_cuts`).

    Lines that end in a hard break are not justified, so the pieces set as paragraphs without space between
    them look the same as the whole (see `_PIECE_LINES`). Emphasis or a link open at a cut is closed at the
    end of one piece and opened again at the start of the next, so a whole bold block of lines is cut too.
    """
    from markdown_it.token import Token

    pieces: list[list[Token]] = [[]]
    opened: list[Token] = []
    reopen: list[Token] = []  # what the next piece opens again, once it has something inside
    breaks = 0
    cuts = _cuts(sum(token.type == "hardbreak" for token in children) + 1, every)
    for token in children:
        if token.nesting == -1 and reopen:  # closed before anything was inside: not opened again at all
            reopen.pop()
            opened.pop()
            continue
        if reopen:
            pieces[-1] += reopen
            reopen = []
        if token.nesting == 1:
            opened.append(token)
        elif token.nesting == -1 and opened:
            opened.pop()
        if token.type == "hardbreak":
            breaks += 1
            if breaks in cuts:
                pieces[-1] += [Token(t.type.replace("_open", "_close"), t.tag, -1) for t in reversed(opened)]
                pieces.append([])
                reopen = list(opened)
                continue
        pieces[-1].append(token)
    return [piece for piece in pieces if piece] or [[]]


def _tied_across(tokens: Sequence[Token], at: int) -> bool:
    """Whether the soft break `tokens[at]` joins text that must stay on one line (`typography.tied`)."""
    before, after = tokens[at - 1] if at else None, tokens[at + 1] if at + 1 < len(tokens) else None
    return (
        before is not None
        and after is not None
        and before.type == after.type == "text"
        and tied(before.content, after.content)
    )


def _plain_text(children: Sequence[Token] | None) -> str:
    """The visible text of an inline token list (for measuring), hard breaks as newlines."""
    parts: list[str] = []
    for tok in children or ():
        if tok.type in ("text", "code_inline"):
            parts.append(tok.content)
        elif tok.type == "softbreak":
            parts.append(" ")
        elif tok.type == "hardbreak":
            parts.append("\n")
        elif tok.type == "image":
            parts.append(_plain_text(tok.children))
    return "".join(parts)


#: Narrowest table column (points): padding plus a few letters. Tables whose columns cannot all get this much
#: are set as lines of „Kopf: Wert“ pairs instead.
_MIN_COLUMN = 36.0
#: Room a column needs beside its text: the cell padding on both sides and a little air.
_COLUMN_PADDING = 2 * _CELL_PADDING + 6
#: Font sizes, as fractions of the cell style's, in which a table too wide for the page is tried before its
#: amounts and words are broken (a budget table of seven amount columns fits at the smallest).
_TABLE_SCALES = (1.0, 0.9, 0.8)
#: A piece of a cell's text no longer than this is kept with the word before it when a column's narrowest
#: width is measured: „12.450.000,00 €“ should not lose its „€“ to the next line.
_TRAILING_PIECE = 2


@dataclass(frozen=True)
class _ColumnText:
    """How wide a column's text is, at the cell style's size and without padding."""

    natural: float  # its longest line, unbroken
    glued: float  # its widest word, with a short piece after it („12.450.000,00 €“)
    figure: float  # its widest number with what follows it („12.450.000,00 €“, „12,5 %“): never broken


#: Characters of a cell value that a „Kopf: Wert“ line keeps together with its heading.
_SHORT_VALUE = 24
#: A number as tables hold them: amounts, years, percentages, dates; with a unit tied to it („12\xa0€“).
_FIGURE = re.compile(r"[-+–(]?[0-9][0-9.,/:]*[%‰)]?(?:\xa0\S+)*")
#: Where a cell's text may break: white space, but not a no-break space.
_BREAKABLE = re.compile(r"[^\S\xa0]+")


def _measure(text: str, font: str, size: float) -> _ColumnText:
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
    return _ColumnText(natural, glued, figure)


def _table_layout(columns: list[_ColumnText], width: float) -> tuple[float, list[float]] | None:
    """The font scale and column widths of a table as a typesetter would choose them; None if its numbers
    cannot stand whole side by side even in small type (the table is then set as lines).

    Natural widths if they fit. Else each column gets at least its widest word with what belongs to it (an
    amount with its „€“), and the rest of the width is shared in proportion to what each column lacks, so
    that text columns wrap and amounts stay whole; if that does not fit, the table is set smaller. At the
    smallest size, words may be broken (hyphenated), numbers never.
    """

    def padded(widths: Iterator[float]) -> list[float]:
        return [max(_MIN_COLUMN, w + _COLUMN_PADDING) for w in widths]

    for scale in _TABLE_SCALES:
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


def _items(tokens: list[Token], start: int) -> int:
    """The number of items of the list opened at `tokens[start]`."""
    level = tokens[start].level
    count = 0
    for token in itertools.islice(tokens, start + 1, None):
        if token.level == level:  # its closing token
            break
        count += token.level == level + 1 and token.type == "list_item_open"
    return count


#: The space ReportLab leaves after a bullet, in multiples of its font size (`_handleBulletWidth`).
_BULLET_GAP = 0.6


@dataclass
class _ListState:
    ordered: bool
    number: int
    depth: int
    #: Room for the bullet or number before the items' text (`ProseStyles.label_room`).
    room: float
    #: The list's structure element (`L`).
    element: StructElem


class ProseRenderer:
    """Turns one Markdown text into flowables for a frame of the given width.

    Words are hyphenated by the paragraph styles (`hyphenationLang`, see `pdf.linebreaks`); `hyphenator` is the
    one they use, or None when the statement is set without hyphenation.
    """

    def __init__(self, styles: ProseStyles, width: float, hyphenator: Hyphenator | None) -> None:
        self.styles = styles
        self.width = width
        self.hyphenator = hyphenator
        #: Whether any text came out italic: the italic faces are loaded only then (45 ms cold).
        self.uses_italic = False

    # -- inline ---------------------------------------------------------------------------------------------

    def inline(self, children: Sequence[Token] | None) -> str:
        """Markup for an inline token list: text escaped, emphasis, links and breaks as paragraph tags."""
        out: list[str] = []
        links: list[bool] = []
        tokens = list(children or ())
        for number, tok in enumerate(tokens):
            kind = tok.type
            if kind == "text":
                out.append(escape(tie(tok.content)))
            elif kind == "softbreak":
                # a line of the source that ends with „Nr.“ or a number before its unit on the next one
                out.append("\xa0" if _tied_across(tokens, number) else " ")
            elif kind == "hardbreak":
                out.append("<br/>")
            elif kind == "em_open":
                self.uses_italic = True
                out.append("<i>")
            elif kind == "em_close":
                out.append("</i>")
            elif kind == "strong_open":
                out.append("<b>")
            elif kind == "strong_close":
                out.append("</b>")
            elif kind == "s_open":
                out.append("<strike>")
            elif kind == "s_close":
                out.append("</strike>")
            elif kind == "link_open":
                href = str(tok.attrs.get("href", ""))
                ok = href.lower().startswith(SAFE_SCHEMES)
                links.append(ok)
                if ok:
                    out.append(
                        f'<a href="{attribute_markup(href)}" color="{self.styles.link_color.hexval()}">'
                    )
            elif kind == "link_close":
                if links.pop():
                    out.append("</a>")
            elif kind == "image":
                out.append(self.inline(tok.children))
            else:  # code_inline, html_inline (never produced with html off) and anything newer: literal text
                out.append(escape(tok.content))
        return "".join(out)

    # -- blocks ---------------------------------------------------------------------------------------------

    def flowables(self, source: str, parent: StructElem | None = None, level: int = 2) -> list[Flowable]:
        """The flowables for one Markdown text, tagged as children of `parent` (the section under a heading of
        `level`)."""
        if parent is None:
            parent = StructElem("Document")
        if "\xad" in source:
            source = _LONG_RUN.sub(_without_soft_hyphens, source)
        plain = plain_paragraphs(source)
        if plain is not None:  # what markdown-it would make of it, without loading it (35 ms cold)
            style = self.styles.variant(self.styles.body, 0.0, self.styles.body.spaceAfter)
            return [tag(plain_paragraph(text, style), parent.add("P")) for text in plain]
        tokens = prose_parser().parse(source)
        return self._blocks(tokens, parent, level)

    def _blocks(
        self, tokens: list[Token], parent: StructElem | None = None, level: int = 2
    ) -> list[Flowable]:
        styles = self.styles
        if parent is None:
            parent = StructElem("Document")
        out: list[Flowable] = []
        containers = [parent]  # where the next block's element goes: the text, a list item's body, a quote
        item: ListItem | None = None  # the list item whose label the pending bullet is
        headings: list[tuple[int, int]] = []  # the open headings: (Markdown level, element level)
        lists: list[_ListState] = []
        list_start: list[int] = []  # where each open list's flowables begin in `out`
        quote_depth = 0
        quote_start: list[int] = []  # where each open quote's flowables begin in `out`
        quote_indents: list[float] = []  # the indentation at which each open quote opened
        pending_bullet: str | None = None  # the bullet of a list item whose first block is still to come

        def indent() -> float:
            return sum(state.room for state in lists) + quote_depth * styles.indent

        def lines_of(children: Sequence[Token]) -> int:
            """About how many lines a paragraph of these inline tokens takes at the current indentation."""
            width = stringWidth(_plain_text(children), styles.font, styles.body.fontSize)
            return 1 + int(width // (self.width - indent()))

        def room_after(j: int) -> float:
            """The room a lead or heading keeps free below itself for the start of the block at `tokens[j]`.

            Two lines, except before a paragraph of about three lines, which widow and orphan control move
            whole (two lines of room would leave the lead alone at the foot of the page), and before another
            lead (a bold line, then „… wie folgt:“ and a list), which needs its own lines and its own room; at
            most `_LEADS_KEPT` leads are kept together (a text of nothing but leads is not one block).
            """
            body = styles.body
            room = 0.0
            for _ in range(_LEADS_KEPT):
                follower = tokens[j] if j < n else None
                if follower is None or follower.type != "paragraph_open":
                    break
                children = tokens[j + 1].children or []
                lines = lines_of(children)
                if not (j + 3 < n and _introduces(children, tokens[j + 3])):
                    return room + (3 if 2 <= lines <= _MOVED_WHOLE else 2) * body.leading
                room += lines * body.leading + body.spaceAfter
                j += 3
            return room + 2 * body.leading

        def add_paragraph(
            markup: str,
            base: ParagraphStyle,
            align: int = -1,
            space: float | None = None,
            element: StructElem | None = None,
        ) -> Paragraph:
            nonlocal pending_bullet, item
            if element is None:
                element = containers[-1].add("P")
            if space is None:
                space = styles.item_space if lists else base.spaceAfter
            style = styles.variant(base, indent(), space, align, lists[-1].room if lists else None)
            para: Paragraph
            if quote_depth:
                para = RuledParagraph(markup, style, bulletText=pending_bullet)
                # one rule per quote level, half an indent left of where that quote's text starts
                para.rules = tuple(opened + styles.indent / 2 for opened in quote_indents)
                para.rule_color = styles.rule_color
                para.extend_rule = style.spaceAfter
            else:
                para = ProseParagraph(markup, style, bulletText=pending_bullet)
            para.tag = element
            if pending_bullet is not None and item is not None:
                para.label = item.label
            pending_bullet = None
            item = None
            out.append(para)
            return para

        def add_pieces(markups: list[str], base: ParagraphStyle, role: str = "P") -> None:
            """One block set as several paragraphs (see `_PIECE_LINES`): no space between them, one element.

            Widow and orphan control belongs to the ends of the whole block: at the cuts between pieces a page
            may end after any line, as inside one paragraph.
            """
            last = len(markups)
            element = containers[-1].add(role)
            for number, markup in enumerate(markups, start=1):
                para = add_paragraph(markup, base, space=None if number == last else 0.0, element=element)
                if last > 1:
                    para.style = styles.joined(para.style, number > 1, number < last)

        i = 0
        n = len(tokens)
        while i < n:
            tok = tokens[i]
            kind = tok.type
            if kind in _DRAWN_WITHOUT_BULLET and pending_bullet is not None:
                add_paragraph(
                    "\u00a0", styles.body
                )  # a list item that starts with a rule or table: its bullet first
            if kind == "paragraph_open":
                children = tokens[i + 1].children or []
                if (
                    pending_bullet is not None
                    and not lists[-1].ordered
                    and children
                    and children[0].type == "text"
                ):
                    # the written text decides: `- \\[x] maskiert` is text, though its token reads "[x]"
                    task = _TASK.match(children[0].content) if _TASK.match(tokens[i + 1].content) else None
                    if task:  # `- [x] erledigt`: a box, as GitHub shows the Markdown output
                        ticked = task.group(1) != " "
                        pending_bullet = BOX_TICKED if ticked else BOX_EMPTY
                        if item is not None:
                            item.label.actual_text = TICKED if ticked else UNTICKED
                        children[0].content = children[0].content[task.end() :]
                if _introduces(children, tokens[i + 3] if i + 3 < n else None):
                    # „Die Verwaltung schlägt vor:“ or a bold line: not alone at the foot of a page
                    body = styles.body
                    room = room_after(i + 3)
                    out.append(NeedSpace(lines_of(children) * body.leading + 2 * body.spaceAfter + room))
                pieces = _at_hard_breaks(children, _PIECE_LINES)
                add_pieces([self.inline(piece) for piece in pieces], styles.body)
                i += 3
                continue
            if kind == "heading_open":
                # never a heading at the foot of a page (keepWithNext without its double layout)
                head = styles.heading
                out.append(NeedSpace(head.spaceBefore + head.leading + head.spaceAfter + room_after(i + 3)))
                # below the section's heading, one level below the heading it follows: no level is skipped
                written = int(tok.tag[1:]) if tok.tag[1:].isdigit() else 1
                while headings and headings[-1][0] >= written:
                    headings.pop()
                headings.append((written, min(6, headings[-1][1] + 1 if headings else level + 1)))
                add_paragraph(
                    self.inline(tokens[i + 1].children),
                    head,
                    element=containers[-1].add(f"H{headings[-1][1]}"),
                )
                i += 3
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                if pending_bullet is not None:
                    add_paragraph("\u00a0", styles.body)
                start = int(tok.attrs.get("start", 1))
                ordered = kind == "ordered_list_open"
                room = (
                    styles.label_room(f"{start + _items(tokens, i) - 1}.", styles.body)
                    if ordered
                    else styles.indent
                )
                element = containers[-1].add("L", attributes=LIST_DECIMAL if ordered else LIST_DISC)
                lists.append(_ListState(ordered, start, len(lists), room, element))
                list_start.append(len(out))
            elif kind == "list_item_open":
                state = lists[-1]
                if state.ordered:
                    pending_bullet = f"{state.number}."
                    state.number += 1
                else:
                    pending_bullet = _BULLETS[min(state.depth, len(_BULLETS) - 1)]
                item = list_item(state.element)
                containers.append(item.body)
            elif kind == "list_item_close":
                if pending_bullet is not None:  # an empty item still shows its bullet
                    add_paragraph("\u00a0", styles.body)
                containers.pop()
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
                first = list_start.pop()
                if not lists and len(out) > first:
                    self._space_after(out[-1], styles.body.spaceAfter)
            elif kind == "blockquote_open":
                quote_indents.append(indent())
                quote_depth += 1
                quote_start.append(len(out))
                containers.append(containers[-1].add("BlockQuote"))
            elif kind == "blockquote_close":
                containers.pop()
                quote_depth -= 1
                quote_indents.pop()
                first = quote_start.pop()
                if len(out) > first:
                    last = out[-1]
                    if isinstance(last, RuledParagraph):
                        last.extend_rule = 0.0
                    if not lists:
                        self._space_after(last, styles.body.spaceAfter)
            elif kind in ("code_block", "fence"):
                add_pieces(self._code_markup(tok.content), styles.code)
            elif kind == "hr":
                out.append(
                    HRFlowable(
                        width="100%", thickness=0.5, color=styles.rule_color, spaceBefore=2, spaceAfter=8
                    )
                )
            elif kind == "table_open":
                i = self._table(tokens, i, indent(), out, containers[-1])
                continue
            elif kind == "inline":  # inline content outside a paragraph (not produced by CommonMark)
                add_paragraph(self.inline(tok.children), styles.body)
            i += 1
        return out

    def _space_after(self, flowable: Flowable, space: float) -> None:
        style = getattr(flowable, "style", None)
        if isinstance(style, ParagraphStyle) and style.spaceAfter != space:
            label = style.leftIndent - style.bulletIndent
            flowable.style = self.styles.variant(style, 0.0, space, label=label)  # type: ignore[attr-defined]
            if isinstance(flowable, RuledParagraph):
                flowable.extend_rule = 0.0

    @staticmethod
    def _code_markup(code: str) -> list[str]:
        """Code as paragraph markup: lines kept, runs of spaces kept (as no-break spaces), tabs expanded.

        A long block becomes one paragraph per `_PIECE_LINES` lines (see `_cuts`), set without space between
        them.
        """
        lines = [
            _SPACE_RUN.sub("\u00a0", escape(line.expandtabs(4))) for line in code.rstrip("\n").split("\n")
        ]
        bounds = [0, *_cuts(len(lines), _PIECE_LINES), len(lines)]
        return ["<br/>".join(lines[start:end]) for start, end in itertools.pairwise(bounds)]

    def _table_as_lines(
        self,
        plain: list[list[str]],
        header_rows: int,
        left: float,
        out: list[Flowable],
        after: int,
        parent: StructElem,
    ) -> int:
        """A table too wide for the page (or whose numbers would not fit side by side): each body row as one
        paragraph of „Kopf: Wert“ pairs; a table of its header only as one paragraph of its headings."""
        head = plain[0] if header_rows else []
        rows = plain[header_rows:]
        bold = not rows and any(head)  # no values to pair the headings with: they are the text, bold
        if bold:
            rows, head = [head], []
        for row in rows:
            # a short value (an amount) stays on one line with its heading: „2014: 1.234,00 €“
            shown = [cell.replace(" ", "\u00a0") if len(cell) <= _SHORT_VALUE else cell for cell in row]
            parts = [
                f"<b>{escape(head[c])}:</b>{' ' if len(cell) > _SHORT_VALUE else chr(0xA0)}{escape(cell)}"
                if c < len(head) and head[c]
                else f"<b>{escape(cell)}</b>"
                if bold
                else escape(cell)
                for c, cell in enumerate(shown)
                if cell
            ]
            style = self.styles.variant(self.styles.body, left, self.styles.body.spaceAfter, TA_LEFT)
            out.append(tag(ProseParagraph("; ".join(parts), style), parent.add("P")))
        return after

    def _table(
        self, tokens: list[Token], i: int, left: float, out: list[Flowable], parent: StructElem
    ) -> int:
        """A GFM table from `table_open` at `i`; returns the index after `table_close`."""
        styles = self.styles
        rows: list[list[str]] = []
        plain: list[list[str]] = []
        aligns: list[int] = []
        header_rows = 0
        in_head = False
        while tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                rows.append([])
                plain.append([])
                if in_head:
                    header_rows += 1
            elif tok.type in ("th_open", "td_open"):
                align = _ALIGN.get(str(tok.attrs.get("style", "")), TA_LEFT)
                if len(rows) == 1:
                    aligns.append(align)
                rows[-1].append(self.inline(tokens[i + 1].children))
                plain[-1].append(tie(_plain_text(tokens[i + 1].children)))
            i += 1
        columns = max(len(r) for r in rows)
        aligns += [TA_LEFT] * (columns - len(aligns))
        measured = [_ColumnText(0.0, 0.0, 0.0)] * columns
        for r, row in enumerate(rows):
            row += [""] * (columns - len(row))
            style = styles.head_cell if r < header_rows else styles.cell
            for c, text in enumerate(plain[r]):
                font = styles.bold_font if "<b>" in row[c] else style.fontName  # **Summe**: measured bold
                m, found = measured[c], _measure(text, font, style.fontSize)
                measured[c] = _ColumnText(
                    max(m.natural, found.natural), max(m.glued, found.glued), max(m.figure, found.figure)
                )
        available = self.width - left
        layout = _table_layout(measured, available) if columns * _MIN_COLUMN <= available else None
        if layout is None:
            return self._table_as_lines(plain, header_rows, left, out, i + 1, parent)
        scale, widths = layout
        head_style, body_style = styles.scaled(styles.head_cell, scale), styles.scaled(styles.cell, scale)
        cells = table_cells(parent, len(rows), columns, header_rows)
        data = [
            [
                tag(
                    ProseParagraph(
                        cell,
                        styles.variant(head_style if r < header_rows else body_style, 0, 0, aligns[c]),
                    ),
                    cast(StructElem, cells[r][c]),
                )
                for c, cell in enumerate(row)
            ]
            for r, row in enumerate(rows)
        ]
        commands: list[Any] = [
            ("FONTNAME", (0, 0), (-1, -1), styles.font),
            ("GRID", (0, 0), (-1, -1), 0.4, styles.grid_color),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
        ]
        if header_rows:
            commands += [
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), styles.head_background),
                ("FONTNAME", (0, 0), (-1, header_rows - 1), styles.bold_font),
            ]
        # ReportLab lays out all remaining rows again at each page; a table of thousands of rows is set as
        # tables of _TABLE_ROWS rows, each with the header.
        head, body = data[:header_rows], data[header_rows:]
        pieces = [body[r : r + _TABLE_ROWS] for r in range(0, len(body), _TABLE_ROWS)] or [[]]
        tables: list[Flowable] = []
        for number, piece in enumerate(pieces, start=1):
            start = header_rows + (number - 1) * _TABLE_ROWS
            # the header repeated atop a later piece is an artifact, as on a continuation page
            head_tags: list[list[Cell] | None] = (
                [*cells[:header_rows]] if number == 1 else [None] * header_rows
            )
            table = ProseTable(
                head + piece,
                colWidths=widths,
                repeatRows=header_rows,
                hAlign="LEFT",
                spaceAfter=styles.body.spaceAfter if number == len(pieces) else 0,
                splitInRow=1,  # a cell longer than a page continues on the next one
                tags=[*head_tags, *cells[start : start + len(piece)]],
            )
            table.setStyle(TableStyle(commands))
            tables.append(table)
        placed: list[Flowable] = [Indenter(left=left), *tables, Indenter(left=-left)] if left else tables
        if len(body) <= _KEEP_ROWS:
            # a short table moves to the next page whole rather than one row on each, and takes the heading
            # or lead that introduces it along (`NeedSpace` reserved only two lines after those)
            lead: list[Flowable] = []
            if len(out) >= 2 and isinstance(out[-2], NeedSpace) and isinstance(out[-1], Paragraph):
                lead = [out.pop()]
                out.pop()
            placed = [KeepTogether([*lead, *placed])]
        out += placed
        return i + 1
