"""The flowables prose is made of: paragraphs that carry on over many pages in linear time and never let a word
overflow, plain-text paragraphs built without ReportLab's markup parser, quoted paragraphs with their rules, and
the conditional page break that keeps a heading with what follows it."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Table
from reportlab.platypus.paragraph import (  # type: ignore[attr-defined]
    _drawBullet,
    _processed_frags,
    cleanBlockQuotedText,
    textTransformFrags,
)
from reportlab.rl_config import paraFontSizeHeightOffset

from ..typography import tie
from .tagging import (
    LINE_THROUGH,
    STRUCK,
    StructElem,
    artifact,
    drawing,
    paragraph_source,
    struck,
    tagger_of,
)


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
    #: The frags the last `wrap` broke lines from, and the processed ones ReportLab left in `frags` for them.
    _wrapped: tuple[list[Any], list[Any]] | None = None
    #: The structure element of the text (None: an artifact), and of the bullet (a list item's `Lbl`).
    tag: StructElem | None = None
    label: StructElem | None = None
    #: The bullets of the list items this paragraph's item is the first block of (`- 1. BA`, `- - innen`),
    #: outermost first: each one's text, where it stands (a style's `bulletIndent`) and its item's `Lbl`. They
    #: stand on the first line, beside the paragraph's own bullet, as GitHub shows them.
    carried: tuple[tuple[str, float, StructElem | None], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        struck(self.frags)  # struck-through text is a `Span` of its own
        # the words as parsed, to tell word breaks at line ends (the parts of a split get their whole's)
        self._source = paragraph_source(self.frags)

    def draw(self) -> None:
        canv = self.canv
        if self.carried:
            self._draw_carried()
        tagger = tagger_of(canv)
        if tagger is None:
            super().draw()
            return
        element = self.tag
        links = getattr(self.blPara, "link", None) if self.blPara.kind == 0 else None
        if element is not None and links:  # a paragraph of one style, drawn as one text run
            if any(target != STRUCK for _key, target in links):
                element = StructElem("Link", element)  # one link
            else:
                element = StructElem("Span", element, attributes=LINE_THROUGH)  # struck through
        label = self.label if self.bulletText else None
        with drawing(canv, element, label, None if tagger.depth else self._source):
            super().draw()

    def _draw_carried(self) -> None:
        """The carried bullets on the first line's baseline, where ReportLab draws the paragraph's own bullet
        (`Paragraph.drawPara`), each as its item's `Lbl`."""
        canv, para = self.canv, self.blPara
        first = para if para.kind == 0 else para.lines[0]
        y = self.height - (
            first.fontSize if paraFontSizeHeightOffset else getattr(first, "ascent", first.fontSize)
        )
        for text, indent, label in self.carried:
            with drawing(canv, None, label):
                _drawBullet(canv, 0, y, text, _bullet_at(self.style, indent), rtl=False)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        broken = self._broken
        if broken is not None and broken[0] != availWidth:
            self._broken = broken = None
            self.frags = getattr(self, "_unbroken_frags", self.frags)
        if broken is None:
            # Lines are broken from the frags as given, not from ReportLab's processed ones of a wrap before: it
            # rejoins a word it split at the word's own hyphen without that hyphen, so a paragraph wrapped
            # twice (a table wraps its cells more than once) printed „Zq0003Zq0004“ for „Zq0003-Zq0004“.
            wrapped = self._wrapped
            if wrapped is not None and self.frags is wrapped[1]:
                self.frags = wrapped[0]
            frags = self.frags
            size: tuple[float, float] = super().wrap(availWidth, availHeight)
            if _overflows(self.blPara) and _hyphenates(self):
                self.frags = frags
                self._unhyphenate()
                frags = self.frags
                size = super().wrap(availWidth, availHeight)
            self._wrapped = (frags, self.frags)
            return size
        self.width = availWidth
        self.blPara = broken[1]
        self.height = len(self.blPara.lines) * self.style.leading
        return self.width, self.height

    def breakLines(self, width: Any) -> Any:
        """ReportLab's broken lines, without the empty piece of a link it leaves at the end of the line before
        the link when it tried to hyphenate the link's first word there. That piece made the line's closing
        space part of the link: a second hot spot on the space, and a `Link` element of a space alone on the
        page before when the link began the next page (PDF/UA: a link without text)."""
        para = super().breakLines(width)
        if para.kind == 1:
            for line in para.lines:
                words = line.words
                while len(words) > 1 and _empty_link_piece(words[-1]):
                    words.pop()
        return para

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
                part.carried = self.carried if number == 0 else ()
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
            first = parts[0]
            done = len(first.blPara.lines)  # type: ignore[attr-defined]
            lines = blPara.lines[done:]
            rest = parts[1]
            if isinstance(first, ProseParagraph):
                # The frame wraps the first part again before it places it. ReportLab breaks it again from the
                # frags it cut at the split, which differ from the whole's after a hyphenation: the word's own
                # hyphens went missing („Georg-“ | „SchumannStraße“) and a line more could come out than fit
                # (a „Splitting error“, a valid statement refused). The part keeps the lines it was cut with
                # (ReportLab's own line structure for it is always of the second kind, whatever the whole's).
                first._broken = (width, blPara.clone(lines=blPara.lines[:done]))
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


def _empty_link_piece(frag: Any) -> bool:
    """Whether a line's piece is an empty stretch of a link (not a line break or a callback, which are empty
    too)."""
    return (
        frag.text == ""
        and bool(getattr(frag, "link", None))
        and not getattr(frag, "lineBreak", False)
        and not hasattr(frag, "cbDefn")
    )


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


class NeedSpace(CondPageBreak):
    """Starts a new page unless `height` points are left: keeps a heading with the text that follows it.

    ReportLab's keepWithNext does the same by laying out heading and follower twice and copying the frame,
    which costs more than the rest of a heading's layout. The space around it passes through untouched.
    """

    _SPACETRANSFER = True

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        """Nothing to draw, so nothing is written: ReportLab would put an empty graphics state on the page."""


class KeepWhole(KeepTogether):
    """Flowables that go on to the next page together where they do not fit on this one (a short table with the
    lead and heading announcing it), as ReportLab's KeepTogether; but only if they fit on a page at all. Taller
    ones start where they stand once there is room for what comes before their table and `tail` points of it:
    ReportLab moved them on all the same and left the rest of the page empty (a heading, its lead and a table of
    a few rows of long text)."""

    def __init__(self, flowables: list[Flowable], tail: float) -> None:
        super().__init__(flowables)
        self.tail = tail

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        full = getattr(getattr(self, "_frame", None), "_aH", None)  # the frame's height within its padding
        if full is None or full >= self._H:  # type: ignore[attr-defined]
            parts: list[Flowable] = super().split(aW, aH)
            return parts
        content: list[Flowable] = self._content  # type: ignore[attr-defined]
        room = self.tail
        for flowable in content:
            if isinstance(flowable, Table):
                break
            room += flowable.wrap(aW, full)[1] + flowable.getSpaceAfter() + flowable.getSpaceBefore()
        return [NeedSpace(room), *content]


@cache
def _bullet_at(style: ParagraphStyle, indent: float) -> ParagraphStyle:
    """`style` with its bullet at `indent`: for a carried bullet (`ProseParagraph.carried`)."""
    return ParagraphStyle(f"{style.name}-bullet-{indent:g}", parent=style, bulletIndent=indent)


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
