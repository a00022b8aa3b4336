"""Typography of the text the PDF sets: no-break spaces where a line must not end.

„Nr.“, „§“, „Abs.“, „Art.“ and „Ziff.“ stay with what they number („Beschluss Nr. RBIII373/00“), „Punkt“,
„Anlage“ and „S.“ with a number after them, and a number with its unit („30 km/h“, „12 €“, „5 %“,
„3 Mio. €“), as DIN 5008 asks. The space between them becomes a no-break space (U+00A0), which ReportLab and
`pdf.text` never break at and draw as an ordinary space (justified lines stretch it like one). Only the PDF is
set this way: the Markdown output keeps the statement's text as it is.
"""

from __future__ import annotations

import re

NO_BREAK_SPACE = "\u00a0"

#: Abbreviations that never end a line without what follows them.
_BEFORE_ANYTHING = frozenset(("Nr.", "Nrn.", "Abs.", "Art.", "Ziff.", "§", "§§"))
#: Words that stay with a number after them („Punkt 3“, „Anlage 2“, „S. 12“).
_BEFORE_NUMBER = frozenset(("Punkt", "Punkte", "Anlage", "Anlagen", "S."))
#: Thousands, millions, billions: between a number and its unit („3 Mio. €“).
_SCALE = r"Tsd\.|Mio\.|Mrd\."
#: Units a number stays with: currency, percentages, lengths, areas, volumes, masses, times, speeds, power,
#: energy, temperature, sound level; abbreviated and written out.
_UNIT = (
    r"€|EUR|Euro|Cent|ct|T€|%|‰|Prozent|Prozentpunkte?|"
    r"mm|cm|dm|m|km|m²|m³|km²|qm|ha|Hektar|Meter|Kilometer|Quadratmeter|Kubikmeter|l|Liter|"
    r"g|kg|t|Tonnen?|km/h|s|Sek\.|min|Min\.|h|Std\.|Minuten|Stunden|"
    r"W|kW|kWh|kWp|MW|MWh|GWh|V|kV|°C|dB(?:\(A\))?"
)
#: A word that may keep the space after it, and that space: found in one pass, judged by `_tied`. The words,
#: in this order: Nr., Nrn., Abs., Art., Ziff., §, §§, Punkt(e), Anlage(n), S., Tsd., Mio., Mrd. and a number.
#: Written as a first character of them all, then the rest of the word that starts with it (looking back at
#: that character), so that the regular expression engine skips every other character at once: a pattern
#: that starts with an alternative of words tries each of them at every character of the text (twice the
#: instructions). The same matches, in the same order of preference.
_CANDIDATE = re.compile(
    r"([\dNAZ§PSTM](?:(?<=N)rn?\.|(?<=A)bs\.|(?<=A)rt\.|(?<=Z)iff\.|(?<=§)§?|(?<=P)unkte?|(?<=A)nlagen?"
    r"|(?<=S)\.|(?<=T)sd\.|(?<=M)io\.|(?<=M)rd\.|(?<=\d)[\d.,]*)) +(?=\S)"
)
_SCALE_OR_UNIT = re.compile(rf"(?:{_SCALE}|{_UNIT})(?![\w/²³])")
_UNIT_AFTER = re.compile(rf"(?:{_UNIT})(?![\w/²³])")
_SCALES = frozenset(("Tsd.", "Mio.", "Mrd."))


def tie(text: str) -> str:
    """`text` with a no-break space where a line must not end (see the module's docstring)."""
    return _CANDIDATE.sub(_tied, text)


def _tied(match: re.Match[str]) -> str:
    word, text, start, end = match.group(1), match.string, match.start(), match.end()
    before = text[start - 1] if start else " "
    if before.isalnum() or before in "._" or (before == "," and word[0].isdigit()):
        return match.group()  # inside a word or a number: „ANr.“, „v1.2“
    if word in _BEFORE_ANYTHING:
        keep = True
    elif word in _BEFORE_NUMBER:
        keep = text[end].isdigit()
    elif word in _SCALES:
        keep = _UNIT_AFTER.match(text, end) is not None
    else:  # a number
        keep = _SCALE_OR_UNIT.match(text, end) is not None
    return word + NO_BREAK_SPACE if keep else match.group()


def tied(before: str, after: str) -> bool:
    """Whether a space between `before` and `after` (two pieces of text, as a line of Markdown ends and the
    next begins) must not break."""
    joined = tie(f"{before[-24:]} {after[:24]}")
    return joined[min(len(before), 24)] == NO_BREAK_SPACE
