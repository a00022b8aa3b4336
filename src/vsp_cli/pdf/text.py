"""Plain text set without ReportLab's paragraph parser: greedy line breaking at ordinary spaces, over-long words
cut where a reader would break them, and `TextLines`, the flowable of the form's titles, labels and values."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from .tagging import StructElem, drawing


class TextLines(Flowable):
    """Plain text in one face, broken at spaces and set line by line: the form's titles, labels and values.

    The text never passes ReportLab's paragraph parser, so nothing in it can act as markup, and it lays out
    in a fraction of a Paragraph's time. Each of `parts` starts a new line; white space inside a part is a
    single space, as in a paragraph. Its text is marked as content of `tag` (None: an artifact), with a space
    at each line end but inside a cut word, so the tagged text reads as words.
    """

    #: The structure element of the text.
    tag: StructElem | None = None
    #: Whether the text goes on in another part (after a page break): its last line ends with a space too.
    _continued = False

    def __init__(
        self,
        parts: Sequence[str],
        style: ParagraphStyle,
        lines: list[str] | None = None,
        tag: StructElem | None = None,
    ) -> None:
        super().__init__()
        self.parts = parts
        self.style = style
        self._lines = lines
        self._for_width = -1.0
        if tag is not None:
            self.tag = tag

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        style = self.style
        if self._lines is None or (self.parts and availWidth != self._for_width):
            width = availWidth - style.leftIndent
            lines: list[str] = []
            for part in self.parts:
                lines += wrap_lines(part, style.fontName, style.fontSize, width)
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
        first = TextLines((), self.style, self._lines[:fit], self.tag)
        first._continued = True
        rest = TextLines((), self.style, self._lines[fit:], self.tag)
        rest._continued = self._continued
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
            for index, line in enumerate(lines):
                text.textLine(
                    line if type(line) is Cut or (index == last and not self._continued) else line + " "
                )
            canv.drawText(text)


class Cut(str):
    """A line that ends inside a word cut because it is wider than the line: no space follows it."""

    __slots__ = ()


#: Where plain text may break: ordinary white space, never a no-break space.
_BREAKABLE_SPACE = re.compile(r"[ \t\n\r\f\v]+")


#: Plain texts up to this length have their lines remembered: labels, options, names and committees recur in
#: every statement of a build.
_WRAP_MEMO_TEXT = 200


def wrap_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking of plain text at ordinary spaces; a word wider than `width` is cut where it must be.

    Soft hyphens are dropped: plain text is not hyphenated, and drawn they would show as hyphens.
    """
    if len(text) <= _WRAP_MEMO_TEXT:
        return list(_wrap_short(text, font, size, width))
    return _break_lines(text, font, size, width)


@lru_cache(maxsize=4096)
def _wrap_short(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    return tuple(_break_lines(text, font, size, width))


def _break_lines(text: str, font: str, size: float, width: float) -> list[str]:
    words = _BREAKABLE_SPACE.split(text.replace("\xad", "").strip(" \t\n\r\f\v"))
    space = pdfmetrics.stringWidth(" ", font, size)
    lines: list[str] = []
    current: list[str] = []
    used = -space
    for word in words:
        if not word:
            continue
        w = pdfmetrics.stringWidth(word, font, size)
        if current and used + space + w > width:
            lines.append(" ".join(current))
            current, used = [], -space
        if w > width and len(word) > 1:  # an over-long word: lines of the longest pieces that fit
            *full, word = cut_word(word, font, size, width)
            lines += map(Cut, full)
            w = pdfmetrics.stringWidth(word, font, size)
        current.append(word)
        used += space + w
    if current:
        lines.append(" ".join(current))
    return lines


def cut_word(word: str, font: str, size: float, width: float) -> list[str]:
    """`word` in pieces, each the longest that fits in `width` (at least one character), or ending after a
    slash or hyphen in its second half („Umwelt/“ | „Ordnung/Sport“), as a reader would break it.

    The search gallops from the start of each piece, so it measures about as many characters as a piece has,
    never the whole rest of the word: a word of 200,000 letters takes milliseconds, not minutes.
    """
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
        if start + fits < end:  # a piece ends after a slash or hyphen of its second half where it has one
            mark = max(word.rfind("/", start, start + fits), word.rfind("-", start, start + fits))
            if mark - start + 1 > fits // 2:
                fits = mark - start + 1
        pieces.append(word[start : start + fits])
        start += fits
    return pieces
