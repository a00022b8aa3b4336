"""How ReportLab's paragraphs split a text into words: its `split`, the same words faster for a text with a
no-break space.

ReportLab splits a text at runs of whitespace as `str.split` does, but for a text with a no-break space (which
must not split) it uses a regular expression over a class of 30 whitespace characters: every character of the
text is tested against the class. The ties of `typography.tie` put a no-break space into most paragraphs of a
statement, so that path was taken for nearly every paragraph, its lines and its words (a twentieth of a warm
render). Here the no-break spaces are held by a character `str.split` keeps, the text is split by `str.split`,
and they are put back: the same words, and the empty words ReportLab's expression gives for whitespace at the
ends. The only other character its class and `str.split` disagree on, the zero-width space (which ReportLab
splits at), and a text holding the stand-in character take ReportLab's own way.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import paragraph

_NBSP = "\u00a0"
#: Whitespace to ReportLab, not to `str.split`.
_ZWSP = "\u200b"
#: What holds a no-break space while the text is split: no whitespace to `str.split`.
_HOLD = "\x00"

_reportlab_split: Any = getattr(paragraph, "split")  # noqa: B009 - not in the type stubs


def split(text: Any, delim: Any = None) -> Any:
    """ReportLab's `paragraph.split`: the words of `text` (at `delim` if given)."""
    if delim is not None or type(text) is not str or _NBSP not in text or _ZWSP in text or _HOLD in text:
        return _reportlab_split(text, delim)
    words: list[str] = " ".join(text.replace(_NBSP, _HOLD).split()).replace(_HOLD, _NBSP).split(" ")
    first, last = text[0], text[-1]
    if first != _NBSP and first.isspace():
        words.insert(0, "")
    if last != _NBSP and last.isspace():
        words.append("")
    return words


def words(text: str) -> str:
    """The words of `text` as ReportLab's paragraph splits them, joined by single spaces."""
    if _NBSP not in text:
        return " ".join(text.split())
    if _ZWSP in text or _HOLD in text:
        return " ".join(filter(None, _reportlab_split(text)))
    return " ".join(text.replace(_NBSP, _HOLD).split()).replace(_HOLD, _NBSP)


def install() -> None:
    """Let ReportLab's paragraphs split words through `split` (calling again changes nothing)."""
    paragraph.split = split  # type: ignore[attr-defined]
