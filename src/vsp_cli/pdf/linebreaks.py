"""Which break ReportLab takes in a word at a line end: the first of `GermanHyphenator.splits` that fits.

ReportLab asks the hyphenator of a paragraph style only for a word of plain letters, and takes the longest head
that fits. So a compound broke inside a part although a joint would have fitted („Trinkwas-serbrunnen“ rather
than „Trinkwasser-brunnen“), a name never at its own hyphens („Georg-Schumann-Straße“), and a word before a
German closing quote („Teilhabe“) not at all. Here ReportLab's `_hyGenPair`, which finds the break of one word,
asks `splits` for any word when the hyphenator is ours and takes the first break that fits, in its order:
joints and hyphens first. Web addresses, words ReportLab carries on from a page before, and other hyphenators
go to ReportLab's own function, as before.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import paragraph

from ..hyphenation import GermanHyphenator
from ..limits import MAX_BREAK_WORD

_reportlab_pair = paragraph._hyGenPair  # type: ignore[attr-defined]
_reportlab_frags_pair = paragraph._hyGenFragsPair  # type: ignore[attr-defined]
_reportlab_uri_pairs = paragraph._uri_split_pairs  # type: ignore[attr-defined]


def _uri_pairs(uri: Any) -> Any:
    """ReportLab's `_uri_split_pairs`: the parts a web address may break between, None for a word that is no
    address. Its pattern begins with the scheme and `://`, so a word without `://` is none: ReportLab matched
    the whole pattern against every word it tried to break (its letters all pass the scheme's class first)."""
    if type(uri) is str and "://" not in uri:
        return None
    return _reportlab_uri_pairs(uri)


def _pair(
    hyphenator: Any,
    s: Any,
    ww: float,
    newWidth: float,
    maxWidth: float,
    fontName: str,
    fontSize: float,
    uriWasteReduce: Any,
    embeddedHyphenation: Any,
    hymwl: int,
) -> tuple[str, float, float, float, str, str] | None:
    """ReportLab's `_hyGenPair`: (added hyphen, its width, head width, tail width, head, tail) of the first
    break of `s` whose head fits in `maxWidth` after what the line holds (`newWidth - ww`), or None. A word
    longer than MAX_BREAK_WORD has none: ReportLab cuts it where the line ends."""
    if isinstance(s, str) and len(s) > MAX_BREAK_WORD:
        return None
    if (
        not isinstance(hyphenator, GermanHyphenator)
        or not isinstance(s, str)
        or isinstance(s, paragraph._SplitWordLL)  # type: ignore[attr-defined]
        or _uri_pairs(s) is not None
    ):
        return _reportlab_pair(  # type: ignore[no-any-return]
            hyphenator,
            s,
            ww,
            newWidth,
            maxWidth,
            fontName,
            fontSize,
            uriWasteReduce,
            embeddedHyphenation,
            hymwl,
        )
    used = newWidth - ww
    measure = paragraph.stringWidth  # type: ignore[attr-defined]
    hyphen = 0.0
    for head, tail, hyphenated in hyphenator.splits(s, hymwl):
        width = measure(head, fontName, fontSize)
        if hyphenated and not hyphen:
            hyphen = measure("-", fontName, fontSize)
        added = hyphen if hyphenated else 0.0
        if used + width + added <= maxWidth:
            return ("-" if hyphenated else ""), added, width, ww - width, head, tail
    return None


def _frags_pair(
    hyphenator: Any,
    FW: Any,
    newWidth: float,
    maxWidth: float,
    uriWasteReduce: Any,
    embeddedHyphenation: Any,
    hymwl: int,
) -> Any:
    """ReportLab's `_hyGenFragsPair`, the break of a word of several runs („**Rad**weg-Netz“), for a word of at
    most MAX_BREAK_WORD characters; a longer one has none (see `_pair`)."""
    if sum(len(text) for _frag, text in FW[1:]) > MAX_BREAK_WORD:
        return None
    return _reportlab_frags_pair(
        hyphenator, FW, newWidth, maxWidth, uriWasteReduce, embeddedHyphenation, hymwl
    )


def install() -> None:
    """Let ReportLab's paragraphs break words through `_pair`, `_frags_pair` and `_uri_pairs` (calling again
    changes nothing)."""
    paragraph._hyGenPair = _pair  # type: ignore[attr-defined]
    paragraph._hyGenFragsPair = _frags_pair  # type: ignore[attr-defined]
    paragraph._uri_split_pairs = _uri_pairs  # type: ignore[attr-defined]
