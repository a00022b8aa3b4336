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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Indenter, Paragraph, TableStyle
from reportlab.platypus.flowables import HRFlowable

from ..commonmark import CLICKABLE_SCHEMES as SAFE_SCHEMES
from ..commonmark import may_autolink, prose_parser
from ..diagnostics import Diagnostic
from ..errors import InvalidInput
from ..hyphenation import Hyphenator
from ..labels import BOX_EMPTY, BOX_TICKED
from ..limits import MAX_CHARS, MAX_LINK_AREAS, MAX_LINK_TARGETS, MAX_WORD
from ..rules import TOO_MANY_LINKS
from ..typography import tie, tied
from .archival import pdf_text
from .flowables import (
    KeepWhole,
    NeedSpace,
    ProseParagraph,
    RuledParagraph,
    attribute_markup,
    escape,
    plain_paragraph,
)
from .prosetables import CELL_PADDING, MIN_COLUMN, ColumnText, ProseTable, measure, table_layout
from .tagging import (
    LIST_DECIMAL,
    LIST_DISC,
    TICKED,
    UNTICKED,
    Cell,
    ListItem,
    StructElem,
    list_item,
    table_cells,
    tag,
)

if TYPE_CHECKING:
    from markdown_it.token import Token

_BULLETS = ("•", "–", "◦")
#: A task-list item's box at the start of its text (GitHub's task lists).
_TASK = re.compile(r"\[([ xX])\] ")
_ALIGN = {"text-align:left": TA_LEFT, "text-align:center": TA_CENTER, "text-align:right": TA_RIGHT}


#: Characters that may mean something to CommonMark anywhere in a line (looked for one by one: `str`'s search
#: is some twenty times faster than a set's test of every character of a text), and at the start of a line.
_INLINE_SYNTAX = tuple("\\`*_[]<&|~{}\t\r")
_LINE_START_SYNTAX = frozenset("-+=#>0123456789")


def plain_paragraphs(source: str) -> list[str] | None:
    """The paragraphs of a text that is plain prose for CommonMark, or None if it may hold any syntax.

    Plain means: no character that could start emphasis, code, a link, an entity, HTML or a table anywhere,
    nor a bare web or e-mail address (`commonmark.may_autolink`); no line that could open a list, heading,
    quote, rule, fence or code block; only ordinary spaces; no trailing spaces (hard breaks). Such a text is
    paragraphs separated by blank lines, each line joined to the next by a space, which is exactly
    markdown-it's result; anything else goes through markdown-it.
    """
    if any(char in source for char in _INLINE_SYNTAX) or may_autolink(source):
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
    """Whether a paragraph leads into what follows it: a short bold line of its own (a heading written as
    `**Finanzierung**`), or a short lead ending in a colon before a list, table, quote, code or paragraph. A
    long bold paragraph is text set in bold, not a lead: kept with what follows, it took a page of its own."""
    if following is None or following.type.endswith("_close"):
        return False
    text = _plain_text(children).rstrip()
    if len(text) >= _LEAD_CHARACTERS:
        return False
    shown = [child for child in children if child.type != "text" or child.content.strip()]
    if len(shown) >= 3 and shown[0].type == "strong_open" and shown[-1].type == "strong_close":
        return True
    return following.type in _INTRODUCED and text.endswith(":")


#: Estimated lines up to which a paragraph after a lead gets three lines of room: one of three lines cannot be
#: split without a widow or an orphan, and the estimate may be a line off either way.
_MOVED_WHOLE = 4

#: Leads kept with what follows them: a heading or bold line, then „… wie folgt:“, then what it announces.
_LEADS_KEPT = 3


def _room_for(lines: int, leading: float) -> float:
    """The room a heading or lead keeps below itself for a paragraph of about `lines` lines: two lines, three
    for one that widow and orphan control may move whole."""
    return (3 if 2 <= lines <= _MOVED_WHOLE else 2) * leading


#: Longer paragraphs end a page well enough on their own lines (widow and orphan control), bold or not.
_LEAD_CHARACTERS = 300


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


def _hyphenated_across(tokens: Sequence[Token], at: int) -> bool:
    """Whether the soft break `tokens[at]` ends a line of the source with a soft hyphen (U+00AD): the word goes on
    in the next line, as Word's optional hyphen and a PDF's extracted text write it."""
    return at > 0 and tokens[at - 1].type == "text" and tokens[at - 1].content.endswith("\xad")


def _soft_break(tokens: Sequence[Token], at: int) -> str:
    """What the soft break `tokens[at]` is in the PDF: nothing inside a hyphenated word, a no-break space inside
    a tied pair, else a space."""
    if _hyphenated_across(tokens, at):
        return ""
    return "\xa0" if _tied_across(tokens, at) else " "


def _css_rgb(color: Color) -> str:
    """`color` as the markup of a link writes it: „rgb(25,63,140)“, the 8-bit channels of `Color.hexval`.
    ReportLab reads this form directly (`colors.cssParse`); its hexadecimal form („0x193f8c“) it first tries as a
    Python literal (`ast.literal_eval`), which compiles the text and leaves reference cycles behind, at every
    link."""
    red, green, blue = color.bitmap_rgb()
    return f"rgb({red},{green},{blue})"


def _blank(text: str) -> bool:
    """Whether a text shows nothing to read: spaces (no-break ones too) and soft hyphens alone. Tagged, it reads as
    nothing (PAC 2024: „Tagged text consists of only whitespace“); it is drawn as an artifact."""
    return not text.replace("\xad", "").strip()


def _shows_text(tokens: Sequence[Token], at: int) -> bool:
    """Whether the link opened at `tokens[at]` shows any text: a link of only spaces, no-break spaces, soft
    hyphens or line breaks has nothing to read or click (its `Link` element would be empty)."""
    end = next(
        (k for k in range(at + 1, len(tokens)) if tokens[k].type == "link_close"),
        len(tokens),
    )
    return not _blank(_plain_text(tokens[at + 1 : end]))


def _plain_text(children: Sequence[Token] | None) -> str:
    """The visible text of an inline token list (for measuring), hard breaks as newlines."""
    parts: list[str] = []
    tokens = list(children or ())
    for at, tok in enumerate(tokens):
        if tok.type in ("text", "code_inline"):
            parts.append(tok.content)
        elif tok.type == "softbreak":
            parts.append("" if _hyphenated_across(tokens, at) else " ")
        elif tok.type == "hardbreak":
            parts.append("\n")
        elif tok.type == "image":
            parts.append(_plain_text(tok.children))
    return "".join(parts)


#: Characters of a cell value that a „Kopf: Wert“ line keeps together with its heading.
_SHORT_VALUE = 24


def _is_heading(flowable: Flowable) -> bool:
    """Whether `flowable` is the paragraph of a heading (tagged `H1` … `H6`)."""
    element = getattr(flowable, "tag", None)
    return isinstance(flowable, Paragraph) and element is not None and element.role[:1] == "H"


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


def too_many_links() -> Diagnostic:
    """The problem of a statement whose links would pass `MAX_LINK_AREAS` or `MAX_LINK_TARGETS` in its PDF."""
    return Diagnostic.for_file("", "too-many-links", TOO_MANY_LINKS)


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
        #: The room the heading above the last text set keeps for its start (`room_after` of its first block).
        self.first_room = 2 * styles.body.leading
        #: Links set so far and the characters of their targets: each is at least one clickable area of the PDF
        #: holding its target (`MAX_LINK_AREAS`, `MAX_LINK_TARGETS`, counted again by the canvas, line by
        #: line), so a statement past either is refused here, before its paragraphs are made.
        self.links = 0
        self.link_targets = 0
        #: Whether a target fits a PDF string (`pdf_text`), by target: a definition's target is every
        #: reference's.
        self._fits: dict[str, bool] = {}

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
                # a line of the source that ends with „Nr.“ or a number before its unit on the next one; one
                # that ends with a soft hyphen („Förder\xad“ | „mitteln“, pasted from Word or from a PDF) goes
                # on with the same word
                out.append(_soft_break(tokens, number))
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
                # a target longer than a PDF/A string (its annotation's /URI and /Contents) is printed as text
                # a link showing no text is printed as its text (spaces), without the link
                ok = (
                    href.lower().startswith(SAFE_SCHEMES)
                    and self._fits_a_string(href)
                    and _shows_text(tokens, number)
                )
                links.append(ok)
                if ok:
                    self.links += 1
                    self.link_targets += len(href)
                    if self.links > MAX_LINK_AREAS or self.link_targets > MAX_LINK_TARGETS:
                        raise InvalidInput([too_many_links()])
                    out.append(
                        f'<a href="{attribute_markup(href)}" color="{_css_rgb(self.styles.link_color)}" underline="1">'
                    )
            elif kind == "link_close":
                if links.pop():
                    out.append("</a>")
            elif kind == "image":
                out.append(self.inline(tok.children))
            else:  # code_inline, html_inline (never produced with html off) and anything newer: literal text
                out.append(escape(tok.content))
        return "".join(out)

    def _fits_a_string(self, href: str) -> bool:
        fits = self._fits.get(href)
        if fits is None:
            fits = self._fits[href] = pdf_text(href) == href
        return fits

    # -- blocks ---------------------------------------------------------------------------------------------

    def flowables(self, source: str, parent: StructElem | None = None, level: int = 2) -> list[Flowable]:
        """The flowables for one Markdown text, tagged as children of `parent` (the section under a heading of
        `level`)."""
        if parent is None:
            parent = StructElem("Document")
        self.first_room = 2 * self.styles.body.leading
        if "\xad" in source:
            source = _LONG_RUN.sub(_without_soft_hyphens, source)
        plain = plain_paragraphs(source)
        if plain is not None:  # what markdown-it would make of it, without loading it (35 ms cold)
            style = self.styles.variant(self.styles.body, 0.0, self.styles.body.spaceAfter)
            if plain:
                width = stringWidth(plain[0], self.styles.font, style.fontSize)
                self.first_room = _room_for(1 + int(width // self.width), style.leading)
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
        # the bullets of items whose first block is a list (`- 1. BA`): they go on that list's first line
        carried: list[tuple[str, float, StructElem | None]] = []

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
            lead (a bold line, then „… wie folgt:“ and a list) or heading, which needs its own lines and its
            own room; at most `_LEADS_KEPT` leads and headings are kept together (a text of nothing but leads
            is not one block).
            """
            body = styles.body
            room = 0.0
            for _ in range(_LEADS_KEPT):
                follower = tokens[j] if j < n else None
                if follower is not None and follower.type == "heading_open":
                    # „3. Verfahren“ right above „3.1 Fachkonzepte“: the pair and the start of the text move on
                    head = styles.heading
                    lines = lines_of(tokens[j + 1].children or [])
                    room += head.spaceBefore + lines * head.leading + head.spaceAfter
                    j += 3
                    continue
                if follower is None or follower.type != "paragraph_open":
                    break
                children = tokens[j + 1].children or []
                lines = lines_of(children)
                if not (j + 3 < n and _introduces(children, tokens[j + 3])):
                    return room + _room_for(lines, body.leading)
                room += lines * body.leading + body.spaceAfter
                j += 3
            return room + 2 * body.leading

        def add_paragraph(
            markup: str,
            base: ParagraphStyle,
            align: int = -1,
            space: float | None = None,
            element: StructElem | None = None,
            tagged: bool = True,
        ) -> Paragraph:
            nonlocal pending_bullet, item
            if element is None and tagged:
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
            if carried:
                para.carried = tuple(carried)
                carried.clear()
            pending_bullet = None
            item = None
            out.append(para)
            return para

        def add_bullet_alone() -> None:
            """The bullet of a list item whose first block draws none (an empty item, one that starts with a
            list, rule or table) on a line of its own: the bullet is the item's `Lbl`, the line's no-break space
            an artifact (tagged, a `P` of whitespace alone reads as nothing; PAC 2024: „Tagged text consists of
            only whitespace“)."""
            add_paragraph("\u00a0", styles.body, tagged=False)

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
        self.first_room = room_after(0)
        while i < n:
            tok = tokens[i]
            kind = tok.type
            if kind in _DRAWN_WITHOUT_BULLET and pending_bullet is not None:
                # a list item that starts with a rule or table: its bullet first, on a line of its own
                add_bullet_alone()
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
                if _blank(_plain_text(children)):
                    # spaces alone (`&nbsp;` to make room): drawn as an artifact, tagged they read as nothing
                    add_paragraph(self.inline(children), styles.body, tagged=False)
                else:
                    pieces = _at_hard_breaks(children, _PIECE_LINES)
                    add_pieces([self.inline(piece) for piece in pieces], styles.body)
                i += 3
                continue
            if kind == "heading_open":
                # never a heading at the foot of a page (keepWithNext without its double layout)
                head = styles.heading
                out.append(NeedSpace(head.spaceBefore + head.leading + head.spaceAfter + room_after(i + 3)))
                if _blank(_plain_text(tokens[i + 1].children)):
                    # spaces alone: drawn as an artifact, with no level of its own (the next heading is no lower)
                    add_paragraph(self.inline(tokens[i + 1].children), head, tagged=False)
                    i += 3
                    continue
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
                    # an item that starts with a list (`- 1. BA`): its bullet stands beside the list's first
                    # bullet, as GitHub shows it, not on a line of its own
                    at = styles.variant(styles.body, indent(), 0.0, -1, lists[-1].room).bulletIndent
                    carried.append((pending_bullet, at, item.label if item is not None else None))
                    pending_bullet, item = None, None
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
                    add_bullet_alone()
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
                # a rule separates what is above it from what follows: never alone at the foot of a page (after
                # a table that fills it), it keeps the start of the next block with it
                rule = HRFlowable(
                    width="100%", thickness=0.5, color=styles.rule_color, spaceBefore=2, spaceAfter=8
                )
                out.append(NeedSpace(rule.spaceBefore + rule.lineWidth + rule.spaceAfter + room_after(i + 1)))
                out.append(rule)
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
        rows: list[list[str]],
        plain: list[list[str]],
        header_rows: int,
        left: float,
        out: list[Flowable],
        after: int,
        parent: StructElem,
    ) -> int:
        """A table too wide for the page (or whose numbers would not fit side by side): each body row as one
        paragraph of „Kopf: Wert“ pairs; a table of its header only as one paragraph of its headings. Cells keep
        their markup: a link stays a link (its address was lost with it), emphasis stays."""
        # each cell as markup: plain text escaped, a short value (an amount) on one line with its heading
        # („2014: 1.234,00 €“); a cell with markup (a link, emphasis, code) as it is
        marked = [
            [
                markup
                if markup != escape(text)
                else escape(text.replace(" ", "\u00a0") if len(text) <= _SHORT_VALUE else text)
                for markup, text in zip(row, plain_row, strict=False)
            ]
            for row, plain_row in zip(rows, plain, strict=True)
        ]
        head, head_plain = (marked[0], plain[0]) if header_rows else ([], [])
        body, body_plain = marked[header_rows:], plain[header_rows:]
        bold = not body and any(head_plain)  # no values to pair the headings with: they are the text, bold
        style = self.styles.variant(self.styles.body, left, self.styles.body.spaceAfter, TA_LEFT)
        if bold:
            body, body_plain, head, head_plain = [head], [head_plain], [], []
        elif sum(map(len, head_plain)) * len(body) > MAX_CHARS:
            # headings that, repeated before the values of every row, would be more text than a statement may
            # hold (long headings over hundreds of rows, within MAX_TABLE_TEXT: 84,000 characters of headings
            # over 300 rows took minutes to set) are set once, bold, above rows of values
            headings = [f"<b>{cell}</b>" for cell, text in zip(head, head_plain, strict=True) if text]
            out.append(tag(ProseParagraph("; ".join(headings), style), parent.add("P")))
            head, head_plain = [], []
        for row, row_plain in zip(body, body_plain, strict=True):
            parts = [
                f"<b>{head[c]}:</b>{' ' if len(text) > _SHORT_VALUE else chr(0xA0)}{cell}"
                if c < len(head_plain) and head_plain[c]
                else f"<b>{cell}</b>"
                if bold
                else cell
                for c, (cell, text) in enumerate(zip(row, row_plain, strict=False))
                if text
            ]
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
        measured = [ColumnText(0.0, 0.0, 0.0)] * columns
        for r, row in enumerate(rows):
            row += [""] * (columns - len(row))
            style = styles.head_cell if r < header_rows else styles.cell
            for c, text in enumerate(plain[r]):
                font = styles.bold_font if "<b>" in row[c] else style.fontName  # **Summe**: measured bold
                m, found = measured[c], measure(text, font, style.fontSize)
                measured[c] = ColumnText(
                    max(m.natural, found.natural), max(m.glued, found.glued), max(m.figure, found.figure)
                )
        available = self.width - left
        layout = table_layout(measured, available) if columns * MIN_COLUMN <= available else None
        if layout is None:
            return self._table_as_lines(rows, plain, header_rows, left, out, i + 1, parent)
        scale, widths = layout
        head_style, body_style = styles.scaled(styles.head_cell, scale), styles.scaled(styles.cell, scale)
        # a header row with no row under it heads nothing: its cells are data (PAC fails a TH that heads no TD)
        cells = table_cells(parent, len(rows), columns, header_rows if len(rows) > header_rows else 0)
        data = [
            [
                tag(
                    ProseParagraph(
                        cell,
                        styles.variant(head_style if r < header_rows else body_style, 0, 0, aligns[c]),
                    ),
                    # a cell of spaces alone stays an empty cell of the grid, its spaces an artifact
                    None if c >= len(plain[r]) or _blank(plain[r][c]) else cast(StructElem, cells[r][c]),
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
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
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
                # a heading or bold line above the lead goes along too (any paragraph with a room of its own):
                # it stayed alone at the foot of the page
                if (
                    not _is_heading(lead[0])
                    and len(out) >= 2
                    and isinstance(out[-2], NeedSpace)
                    and isinstance(out[-1], Paragraph)
                ):
                    lead.insert(0, out.pop())
                    out.pop()
            placed = [KeepWhole([*lead, *placed], 3 * self.styles.body.leading)]
        out += placed
        return i + 1
