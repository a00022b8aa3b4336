"""Plain text set without ReportLab's paragraph parser: greedy line breaking at ordinary spaces, over-long words
cut where a reader would break them, and `TextLines`, the flowable of the form's titles, labels and values."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from ..hyphenation import GermanHyphenator, Hyphenator, hyphen_breaks
from ..labels import BOX_EMPTY, BOX_TICKED
from ..limits import MAX_WORD
from ..typography import tie
from .tagging import ListItem, StructElem, drawing, switch

#: Where a box of the form starts a list item in a line of boxes: the box and the no-break space after it.
_BOX = re.compile(f"[{BOX_EMPTY}{BOX_TICKED}]\u00a0")


class TextLines(Flowable):
    """Plain text in one face, broken at spaces and set line by line: the form's titles, labels and values.

    The text never passes ReportLab's paragraph parser, so nothing in it can act as markup, and it lays out
    in a fraction of a Paragraph's time. Each of `parts` starts a new line; white space inside a part is a
    single space, as in a paragraph. Its text is marked as content of `tag` (None: an artifact), with a space
    at each line end but inside a cut word, so the tagged text reads as words.

    Lines of boxes („☒ label“, several to a line or a label over several lines) are tagged as `items`
    instead: each box and the space after it is the next item's label, the text up to the next box its body.
    """

    #: The structure element of the text.
    tag: StructElem | None = None
    #: The list items of the boxes in the text, in order (lines of boxes).
    items: Sequence[ListItem] = ()
    #: Whether the text goes on in another part (after a page break): its last line ends with a space too.
    _continued = False
    #: How far the lines after a box's first line start right of it (`hanging`): under the label, not the box.
    hang = 0.0

    def __init__(
        self,
        parts: Sequence[str],
        style: ParagraphStyle,
        lines: list[str] | None = None,
        tag: StructElem | None = None,
        items: Sequence[ListItem] = (),
        *,
        hanging: bool = False,
    ) -> None:
        super().__init__()
        self.parts = parts
        self.style = style
        self._lines = lines
        self._for_width = -1.0
        self._hanging = hanging
        if tag is not None:
            self.tag = tag
        if items:
            self.items = items

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        style = self.style
        if self._lines is None or (self.parts and availWidth != self._for_width):
            width = availWidth - style.leftIndent
            lines: list[str] = []
            parts = self.parts
            box = _BOX.match(parts[0]) if self._hanging and parts else None
            # a box's label over several lines: all of them broken for the width beside the box
            if box is not None:
                self.hang = pdfmetrics.stringWidth(box.group(), style.fontName, style.fontSize)
                width -= self.hang
                parts = [parts[0][box.end() :], *parts[1:]]
            for part in parts:
                lines += wrap_lines(part, style.fontName, style.fontSize, width)
            if box is not None:
                first = lines[0] if lines else ""
                lines[:1] = [type(first)(box.group() + first)]  # a Cut stays a Cut
            self._lines, self._for_width = lines, availWidth
        self.width = availWidth
        self.height = len(self._lines) * style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        assert self._lines is not None
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit <= 0 or fit >= len(self._lines):
            return []
        head, tail = self._lines[:fit], self._lines[fit:]
        items = self.items
        first = TextLines((), self.style, head, self.tag, items)
        first._continued = True
        first.hang = self.hang
        if items:  # the rest starts with the next box, or goes on with the label of the last box above
            boxes = sum(len(_BOX.findall(line)) for line in head)
            items = items[boxes if _BOX.match(tail[0]) else max(0, boxes - 1) :]
        rest = TextLines((), self.style, tail, self.tag, items)
        rest._continued = self._continued
        rest.hang = self.hang
        return [first, rest]

    def draw(self) -> None:
        style = self.style
        canv = self.canv
        with drawing(canv, self.tag):
            text = canv.beginText(style.leftIndent, self.height - style.fontSize)
            text.setFont(style.fontName, style.fontSize, style.leading)
            text.setFillColor(style.textColor)
            lines = self._lines or ()
            last = len(lines) - 1
            items, taken = self.items, 0
            if items and lines and not _BOX.match(lines[0]):  # a label going on from the part before
                switch(text, items[0].body)
                taken = 1
            hang = self.hang
            boxed = any(_BOX.match(line) for line in lines[:1])  # the first line starts with a box
            if hang and lines and not boxed:
                text.moveCursor(hang, 0)  # a hanging label going on from the part before
            for index, line in enumerate(lines):
                end = "" if type(line) is Cut or (index == last and not self._continued) else " "
                if items:
                    at = 0
                    for box in _BOX.finditer(line):
                        if box.start() > at:
                            text.textOut(line[at : box.start()])
                        if taken < len(items):
                            switch(text, items[taken].label)
                            text.textOut(box.group())
                            switch(text, items[taken].body)
                            taken += 1
                        else:
                            text.textOut(box.group())
                        at = box.end()
                    line = line[at:]
                text.textLine(line + end)
                if hang and index == 0 and index < last and boxed:
                    text.moveCursor(hang, 0)  # the later lines start under the label, not under its box
            canv.drawText(text)


class Cut(str):
    """A line that ends inside a word (cut because it is wider than the line, or after one of its own hyphens):
    no space follows it in the tagged text."""

    __slots__ = ()


#: Where plain text may break: ordinary white space, never a no-break space.
_BREAKABLE_SPACE = re.compile(r"[ \t\n\r\f\v]+")


#: Plain texts up to this length have their lines remembered: labels, options, names and committees recur in
#: every statement of a build.
_WRAP_MEMO_TEXT = 200


def wrap_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking of plain text at ordinary spaces and after a word's own hyphens („Georg-“ |
    „Schumann-Straße“); a word wider than `width` is cut where it must be, at a syllable with a soft hyphen
    while a statement with hyphenation is set (`hyphenating`).

    „Nr.“ stays with its number and a number with its unit (`typography.tie`). The text's own soft hyphens are
    dropped: plain text is not hyphenated otherwise, and drawn they would show as hyphens.
    """
    syllables = SYLLABLES.get()
    if len(text) <= _WRAP_MEMO_TEXT:
        return list(_wrap_short(text, font, size, width, syllables))
    return _break_lines(text, font, size, width, syllables)


#: The hyphenator that breaks a word wider than its line at a syllable while a statement with hyphenation is
#: set (`hyphenating`); None: such a word is cut at the last character that fits.
SYLLABLES: ContextVar[GermanHyphenator | None] = ContextVar("vsp_cell_syllables", default=None)


@contextmanager
def hyphenating(hyphenator: Hyphenator | None) -> Iterator[None]:
    """Plain text set in this context breaks an over-long word at a syllable of `hyphenator` (see `cut_word`)."""
    token = SYLLABLES.set(hyphenator if isinstance(hyphenator, GermanHyphenator) else None)
    try:
        yield
    finally:
        SYLLABLES.reset(token)


@lru_cache(maxsize=4096)
def _wrap_short(
    text: str, font: str, size: float, width: float, syllables: GermanHyphenator | None
) -> tuple[str, ...]:
    return tuple(_break_lines(text, font, size, width, syllables))


def _break_lines(
    text: str, font: str, size: float, width: float, syllables: GermanHyphenator | None = None
) -> list[str]:
    words = _BREAKABLE_SPACE.split(tie(text.replace("\xad", "")).strip(" \t\n\r\f\v"))
    space = pdfmetrics.stringWidth(" ", font, size)
    lines: list[str] = []
    current: list[str] = []
    used = -space
    for word in words:
        if not word:
            continue
        w = pdfmetrics.stringWidth(word, font, size)
        if current and used + space + w > width:
            head = _fitting_head(word, font, size, width - used - space)
            if not head and w > width:  # a tied run wider than any line: its start may end this one at a tie
                head = _tied_head(word, font, size, width - used - space)
            if head:  # the line ends after one of the word's hyphens: the word goes on, no space follows
                current.append(word[:head])
                word = word[head:]
                w = pdfmetrics.stringWidth(word, font, size)
            lines.append(Cut(" ".join(current)) if head else " ".join(current))
            current, used = [], -space
        if w > width and len(word) > 1:  # an over-long word: lines of the longest pieces that fit
            *full, word = cut_word(word, font, size, width, syllables)
            lines += map(Cut, full)
            w = pdfmetrics.stringWidth(word, font, size)
        current.append(word)
        used += space + w
    if current:
        lines.append(" ".join(current))
    return lines


def _fitting_head(word: str, font: str, size: float, room: float) -> int:
    """The length of the longest piece of `word` up to one of its own hyphens that fits in `room`
    (`hyphenation.hyphen_breaks`), or 0."""
    return _longest_fitting(word, hyphen_breaks(word, marks="-"), font, size, room)


def _tied_head(word: str, font: str, size: float, room: float) -> int:
    """The length of the longest piece of `word` up to and with one of its no-break spaces whose text before
    that space fits in `room`, or 0 („am 18. September“ | „2017“, not „am“ | „18. September“ | „2017“)."""
    ties = [at for at in range(1, len(word)) if word[at] == "\u00a0"] if "\u00a0" in word else []
    at = _longest_fitting(word, ties, font, size, room)
    return at + 1 if at else 0


def _longest_fitting(word: str, ends: Sequence[int], font: str, size: float, room: float) -> int:
    """The greatest of `ends` (lengths of pieces of `word`, ascending) whose piece fits in `room`, or 0.

    The search gallops from the first end and then halves, so it measures a few pieces about as long as one
    that fits: measuring each piece from the last end on took time squared in the ends, and a value of
    128,000 „§“ (each tied to the next, one run) or „ab-“ took six minutes to set."""

    def fits(index: int) -> bool:
        return pdfmetrics.stringWidth(word[: ends[index]], font, size) <= room

    if not ends or not fits(0):
        return 0
    good, step = 0, 1  # ends[good] fits; the search goes on from there in steps doubling
    while good + step < len(ends) and fits(good + step):
        good, step = good + step, 2 * step
    bad = min(good + step, len(ends))  # ends[bad] does not fit, or there is none
    while good + 1 < bad:
        middle = (good + bad) // 2
        if fits(middle):
            good = middle
        else:
            bad = middle
    return ends[good]


def cut_word(
    word: str, font: str, size: float, width: float, syllables: GermanHyphenator | None = None
) -> list[str]:
    """`word` in pieces, each the longest that fits in `width` (at least one character), or ending after a
    slash or hyphen in its second half („Umwelt/“ | „Ordnung/Sport“), as a reader would break it.

    With `syllables`, a piece that would end inside a word of letters ends at the first of its joints and
    syllables that fits instead, with a soft hyphen, whose glyph is the hyphen („Betriebskosten-“ | „zuschuss“,
    not „Betriebskostenzuschus“ | „s“): the text reads as the word, and the break as the prose's.

    The search gallops from the start of each piece, so it measures about as many characters as a piece has,
    never the whole rest of the word: a word of 200,000 letters takes milliseconds, not minutes.
    """
    if syllables is not None and len(word) <= MAX_WORD:
        return _cut_at_syllables(word, font, size, width, syllables)
    pieces = []
    start, end = 0, len(word)
    while start < end:
        fits, misses = 1, 2  # a piece of `fits` characters is taken; one of `misses` is too wide or too long
        while (
            start + misses <= end
            and pdfmetrics.stringWidth(word[start : start + misses], font, size) <= width
        ):
            fits, misses = misses, 2 * misses
        misses = min(misses, end - start + 1)
        while fits + 1 < misses:
            mid = (fits + misses) // 2
            if pdfmetrics.stringWidth(word[start : start + mid], font, size) <= width:
                fits = mid
            else:
                misses = mid
        if start + fits < end and word[start + fits] != "\u00a0":
            # a piece ends after a slash or hyphen of its second half where it has one, or after a no-break
            # space: a tied run wider than the line („18. September 2017“ in a narrow cell) breaks at one of its
            # ties rather than inside a word or number („18. September 2“ | „017“)
            mark = max(word.rfind("/", start, start + fits), word.rfind("-", start, start + fits))
            if mark - start + 1 <= fits // 2:
                mark = -1
            mark = max(mark, word.rfind("\u00a0", start, start + fits))
            if mark >= start:
                fits = mark - start + 1
        if start + fits < end:
            # a no-break space ends its line, unseen, rather than indent the next one („12.000,00“ | „€“)
            while start + fits < end and word[start + fits] == "\u00a0":
                fits += 1
        pieces.append(word[start : start + fits])
        start += fits
    return pieces


def _cut_at_syllables(
    word: str, font: str, size: float, width: float, syllables: GermanHyphenator
) -> list[str]:
    """`cut_word` with a piece ending at a joint or syllable where its cut would fall inside letters. The places
    are the whole word's: the rest after a cut is no word of its own („nhaltestellen“ would break „test-“ | „el-“)."""
    pieces: list[str] = []
    rest = word
    splits = syllables.splits(word)
    while len(rest) > 1 and pdfmetrics.stringWidth(rest, font, size) > width:
        piece = cut_word(rest, font, size, width)[0]
        if piece[-1] not in "-/\u00a0":
            done = len(word) - len(rest)
            for head, _tail, hyphenated in splits:
                if len(head) < done + 2:  # behind the cut, or a piece of one letter („n-“)
                    continue
                shown = head[done:] + "\xad" if hyphenated else head[done:]
                if pdfmetrics.stringWidth(shown, font, size) <= width:
                    pieces.append(shown)
                    rest = rest[len(head) - done :]
                    break
            else:
                pieces.append(piece)
                rest = rest[len(piece) :]
            continue
        pieces.append(piece)
        rest = rest[len(piece) :]
    return [*pieces, rest] if rest else pieces
