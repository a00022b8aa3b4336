"""Typography of the text the PDF sets: no-break spaces where a line must not end.

„Nr.“, „§“, „Abs.“, „Art.“ and „Ziff.“ stay with what they number („Beschluss Nr. RBIII373/00“), „Punkt“,
„Anlage“ and „S.“ with a number after them, and a number with its unit („30 km/h“, „12 €“, „5 %“,
„3 Mio. €“, „41 µg/m³“, „0,5 VZÄ“, „2. BA“), a street with its house number („Lützner Straße 102“,
„Markt 1“, „Martin-Luther-Ring 4–6“), a date's day with its month and the month with its year („18. April 2017“), and a
telephone number with its label and its groups („Tel. 0341 123-4567“), as DIN 5008 asks; so do the parts of an
abbreviation written with spaces („z. B.“, „u. a.“, „i. H. v.“, „o. g.“, „e. V.“). The space between them
becomes a no-break space (U+00A0), which ReportLab and `pdf.text` never break at and draw as an ordinary space
(justified lines stretch it like one). Only the PDF is set this way: the Markdown output keeps the statement's
text as it is.
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
_SIMPLE_UNIT = (
    r"€|EUR|Euro|Cent|ct|T€|%|‰|Prozent|Prozentpunkte?|"
    r"mm|cm|dm|m|km|m²|m³|km²|qm|ha|Hektar|Meter|Kilometer|Quadratmeter|Kubikmeter|l|Liter|"
    r"µg|μg|mg|g|kg|t|Tonnen?|s|Sek\.|min|Min\.|h|Std\.|Minuten|Stunden|"
    r"W|kW|kWh|kWp|MW|MWh|GWh|V|kV|°C|dB(?:\(A\))?|"
    # counted things of the administration: full-time equivalents, a Bauabschnitt after its ordinal („2. BA“)
    r"VZÄ|BA"
)
#: A unit, also one per another („30 km/h“, „41 µg/m³“, „0,5 mg/l“, „12 €/Jahr“).
_UNIT = rf"(?:{_SIMPLE_UNIT})(?:/(?:{_SIMPLE_UNIT}|a|d|Jahr|Tag|Monat))?"
#: The months, written out and abbreviated, that a day („18.“) stays with and that stay with a year.
_MONTH_NAMES = (
    "Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
    "November", "Dezember", "Jan.", "Febr.", "Feb.", "Mrz.", "Apr.", "Jun.", "Jul.", "Aug.", "Sept.", "Sep.",
    "Okt.", "Nov.", "Dez.",
)  # fmt: skip
_MONTHS = "|".join(re.escape(month) for month in _MONTH_NAMES)
#: The words that may keep the space after them, in order of preference (a longer one before its prefix); a
#: number follows them (`_CANDIDATE`).
_WORDS = (
    "Nrn.", "Nr.", "Abs.", "Art.", "Ziff.", "§§", "§", "Punkte", "Punkt", "Anlagen", "Anlage", "S.", "Tsd.",
    "Mio.", "Mrd.", *_MONTH_NAMES,
)  # fmt: skip


def _candidate_pattern(words: tuple[str, ...]) -> str:
    """The words as a first character of them all, then the rest of the word that starts with it (looking back
    at that character), so that the regular expression engine skips every other character at once: a pattern
    that starts with an alternative of words tries each of them at every character of the text (twice the
    instructions). The rests are grouped by their first character, one look back for each group: at a capital
    letter the engine looked back once for every word (46 of them), and capitals are many in German text. The
    same matches, in the same order of preference (only one group can match at a character). A number starts
    where no digit, point or comma stands before it (`_tied` keeps one that does as it is): tried at every
    digit of a run, the pattern went over the rest of the run each time, and a paragraph of 50,000 digits took
    half a minute to set."""
    rests: dict[str, list[str]] = {}
    for word in words:
        rests.setdefault(re.escape(word[0]), []).append(re.escape(word[1:]))
    first = "".join(rests)
    groups = "|".join(f"(?<={char})(?:{'|'.join(group)})" for char, group in rests.items())
    return rf"([\d{first}](?:{groups}|(?<=\d)(?<![\d.,]\d)[\d.,]*)) +(?=\S)"


#: A word that may keep the space after it, and that space: found in one pass, judged by `_tied`.
_CANDIDATE = re.compile(_candidate_pattern(_WORDS))
_MONTH_AFTER = re.compile(rf"(?:{_MONTHS})(?!\w)")
_YEAR_AFTER = re.compile(r"\d{4}(?!\d)")
_DAY = re.compile(r"\d{1,2}\.")
_SCALE_OR_UNIT = re.compile(rf"(?:{_SCALE}|{_UNIT})(?![\w/²³])")
_UNIT_AFTER = re.compile(rf"(?:{_UNIT})(?![\w/²³])")
_SCALES = frozenset(("Tsd.", "Mio.", "Mrd."))
#: A part of an abbreviation of several („z.“ of „z. B.“, „i.“ and „H.“ of „i. H. v.“): a letter and a dot at
#: the start of a word, followed by a space and the next part (up to three letters and a dot: „z. Zt.“). Not two
#: letters: a sentence ending in a word of two („Das war so.“, „Er stimmte zu.“) was tied to a short
#: abbreviation starting the next one („so. Dr. Müller“).
_ABBREVIATION_PART = re.compile(r"(?<![\w.])([^\W\d_]\.) (?=[^\W\d_]{1,3}\.)")


#: A telephone or fax number after its label, written in groups („Tel. 0341 123-4567“, „Fax: +49 341 123-3870“).
_PHONE = re.compile(r"(?<![\w.])((?:Tel|Telefon|Fax|Mobil|Hotline)\.?:?) (\+?\d[\d ]{1,18}\d(?:-\d{1,6})?)")


#: A street and its house number („Lützner Straße 102“, „Markt 1“, „Martin-Luther-Ring 4–6“, „Str. 12a“): the
#: street's last word ends in one of these (in any case), and one to three digits follow (a letter, a range),
#: no fourth digit.
_STREET_ENDINGS = (
    "straße", "strasse", "str.", "gasse", "allee", "platz", "ring", "weg", "damm", "ufer", "markt", "steg",
    "chaussee",
)  # fmt: skip
_LONGEST_ENDING = max(map(len, _STREET_ENDINGS))
#: The space before a house number. Found by its space first, and the street's ending then looked at: a pattern
#: of the endings, tried at every character of every text, took most of `tie`'s time.
_BEFORE_HOUSE_NUMBER = re.compile(r" (?=\d{1,3}[a-zA-Z]?(?:[-–/]\d{1,3}[a-zA-Z]?)?(?!\d))")


def _phone_tied(match: re.Match[str]) -> str:
    return match.group(1) + NO_BREAK_SPACE + match.group(2).replace(" ", NO_BREAK_SPACE)


def tie(text: str) -> str:
    """`text` with a no-break space where a line must not end (see the module's docstring)."""
    text = _CANDIDATE.sub(_tied, text)
    if "Tel" in text or "Fax" in text or "Mobil" in text or "Hotline" in text:
        text = _PHONE.sub(_phone_tied, text)
    text = _tie_house_numbers(text)
    return _tie_abbreviations(text) if ". " in text else text


def _tie_house_numbers(text: str) -> str:
    """`text` with the space between a street and its house number a no-break space."""
    out: list[str] = []
    done = 0
    for found in _BEFORE_HOUSE_NUMBER.finditer(text):
        at = found.start()
        if text[max(0, at - _LONGEST_ENDING) : at].lower().endswith(_STREET_ENDINGS):
            out += (text[done:at], NO_BREAK_SPACE)
            done = at + 1
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _tie_abbreviations(text: str) -> str:
    """`text` with the space after each part of an abbreviation of several a no-break space: what
    `_ABBREVIATION_PART.sub` makes, the pattern tried only where a point and a space stand (a part's letter
    before them), not at every character of the text."""
    out: list[str] = []
    done = 0
    at = text.find(". ", 1)
    while at >= 0:
        if _ABBREVIATION_PART.match(text, at - 1) is not None:
            out += (text[done : at + 1], NO_BREAK_SPACE)
            done = at + 2
        at = text.find(". ", at + 2)
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


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
    elif not word[0].isdigit():  # the only words left are the months: a month stays with its year
        keep = _YEAR_AFTER.match(text, end) is not None
    else:  # a number with its unit, a day with its month („18. April“)
        keep = _SCALE_OR_UNIT.match(text, end) is not None or (
            _DAY.fullmatch(word) is not None and _MONTH_AFTER.match(text, end) is not None
        )
    return word + NO_BREAK_SPACE if keep else match.group()


def tied(before: str, after: str) -> bool:
    """Whether a space between `before` and `after` (two pieces of text, as a line of Markdown ends and the
    next begins) must not break."""
    joined = tie(f"{before[-24:]} {after[:24]}")
    return joined[min(len(before), 24)] == NO_BREAK_SPACE
