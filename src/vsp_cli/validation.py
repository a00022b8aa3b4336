"""From a file to a `Statement` plus every located diagnostic: load, check characters, model, rules.

Pydantic errors are translated by their `type` (never by their English text) into German messages that say
what is expected; each is placed at the line and column of the offending value, a missing key at its parent.
"""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import charset, rules
from .commonmark import line_matches, numbered_line_matches, parse_prose
from .diagnostics import (
    Diagnostic,
    Hints,
    Severity,
    Span,
    WrittenNumber,
    describe_value,
    did_you_mean,
    german_number,
    hint_text,
    listed,
    quote,
    shorten,
)
from .errors import InvalidInput
from .forms import Form, FormError, FormSources, resolve
from .limits import MAX_LISTED
from .loader import NULL_TAG, STR_TAG, LoadedDocument, PathKey, load_bytes, read_file
from .model import MARKDOWN_FIELDS, Statement


@dataclass
class Result:
    """The outcome of checking one file: the statement if it is usable, and all diagnostics."""

    path: Path
    statement: Statement | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: str | None = None
    #: The form files the statement's form was read from (they shape its output: part of a build's fingerprint).
    form_files: tuple[Path, ...] = ()
    #: The number as written (whether valid or not) and where it stands, for checks across a run.
    nummer: tuple[str, Span] | None = None
    #: The statement's name in its diagnostics (`path`, or the name it was checked under).
    shown: str | None = None

    @property
    def ok(self) -> bool:
        return self.statement is not None and not any(d.severity is Severity.ERROR for d in self.diagnostics)


#: What a field takes, for messages about a value of the wrong shape.
_EXPECTED_SHAPE: dict[PathKey, str] = {
    ("eingereicht_von",): "ein Text oder eine Liste von Texten",
    (
        "empfehlung",
    ): "eine Option (z. B. ablehnung), eine Zuordnung {option: …, punkte: …} oder eine Liste davon",
    (
        "rechtliche_konsequenzen",
    ): "false oder eine Zuordnung {rechtswidrig: true/false, nachteilig: true/false}",
    ("beratungsfolge",): "eine Liste von Zeilen mit gremium, termin, zustaendigkeit",
    ("anlagen",): "eine Liste von Texten",
    ("beratungsfolge", "*"): "eine Zeile mit gremium und wahlweise termin und zustaendigkeit",
    ("beratungsfolge", "*", "sitzungen"): "eine Liste von Terminen oder {termin: …, ergebnis: …}",
    (
        "beratungsfolge",
        "*",
        "sitzungen",
        "*",
    ): "ein Termin oder eine Zuordnung {termin: …, ergebnis: …, sitzung: …}",
    ("empfehlung", "*"): "eine Option (z. B. ablehnung) oder eine Zuordnung {option: …, punkte: …}",
    ("finanzen",): "keine, false oder eine Zuordnung mit auswirkungen, haushalt, folgekosten, …",
    (
        "stellenplan",
    ): "keine, false oder eine Zuordnung {stellenerweiterung: …, stellenabbau: …, personalrat: …}",
    ("anlass",): "eine Id (z. B. verwaltungshandeln), eine Liste davon oder {sonstiges: Text}",
    ("federfuehrung",): "ein Text oder eine Liste von Texten",
    ("beteiligt",): "ein Text oder eine Liste von Texten",
    ("zusatzfelder",): "eine Zuordnung Block-Id: Wert",
    (): "eine Zuordnung mit den Schlüsseln eines Standpunkts (nummer, betreff, …)",
}


def _model_for(parent: PathKey) -> type[BaseModel]:
    """The model that describes the mapping at `parent` (for "did you mean" and titles)."""
    model: type[BaseModel] = Statement
    for part in parent:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        nested = _nested_model(info.annotation if info is not None else None)
        if nested is None:
            return model
        model = nested
    return model


def _nested_model(annotation: object) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as `list[Annotated[Sitzung, …]] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _nested_model(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _nested_model(arg)
            if found is not None:
                return found
    return None


def _shape_key(loc: PathKey) -> PathKey:
    """The path with list indices as "*": ("beratungsfolge", 3) → ("beratungsfolge", "*")."""
    return tuple("*" if isinstance(p, int) else p for p in loc)


def _shape(loc: PathKey, fallback: str) -> str:
    return _EXPECTED_SHAPE.get(_shape_key(loc), fallback)


def _msg_missing(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    key = loc[-1]
    model = _model_for(loc[:-1])
    info = model.model_fields.get(str(key))
    title = f" ({info.title})" if info and info.title and info.title.lower() != str(key) else ""
    return "missing-key", f"Pflichtfeld „{key}“{title} fehlt"


class _KeyHints(Hints):
    """The hints of one statement's unknown keys (`Hints`), and the field each one suggested (`meant`: path of
    the key as written → field name), which the checks after them take as meant: they compared every unknown
    key with the fields again (twice for 19,000 unknown keys, and each missing key with every unknown one)."""

    __slots__ = ("meant",)

    def __init__(self) -> None:
        super().__init__()
        self.meant: dict[PathKey, str] = {}

    def suggest(self, loc: PathKey, word: str, known: list[str]) -> str:
        choice = self.closest(word, known)
        if choice is not None:
            self.meant[loc] = choice
        return hint_text(choice)


def _msg_extra(err: ErrorDetails, loc: PathKey, hints: _KeyHints) -> tuple[str, str]:
    key = str(loc[-1])
    known = list(_model_for(loc[:-1]).model_fields)
    space = next((c for c in key if c.isspace() and c not in " \t"), None)
    hidden = next((c for c in key if unicodedata.category(c) == "Cf"), None)
    if space is not None:  # a no-break space pasted into the indentation makes the line a key of its own
        hint = (
            f" Er enthält das Leerzeichen {charset.describe(space)}; zum Einrücken bitte nur gewöhnliche "
            "Leerzeichen verwenden."
        )
    elif hidden is not None:  # a soft hyphen or zero-width space pasted from Word: the key looks right
        visible = "".join(c for c in key if unicodedata.category(c) != "Cf")
        what = f" Er enthält das unsichtbare Zeichen {charset.describe(hidden)}, etwa aus Word kopiert"
        if visible in known:
            hint = f"{what}; ohne das Zeichen wäre er {quote(visible)}. Bitte das Zeichen entfernen."
            hints.meant[loc] = visible
        else:
            hint = f"{what}; bitte entfernen.{hints.suggest(loc, visible, known)}"
    elif hints.left <= 0:  # past MAX_HINTS: neither a hint nor the list of fields, in each of thousands
        hint = ""
    else:
        hint = hints.suggest(loc, key, known) or f" Erlaubt sind: {', '.join(known)}."
    return "unknown-key", f"Unbekannter Schlüssel {quote(key)}.{hint}"


#: The fields where `false` switches a block off (format spec, conventions: „only where a field says so“).
FALSE_SWITCHES = (
    "rechtliche_konsequenzen",
    "finanzen",
    "stellenplan",
    "strategische_ziele",
    "beschlussvorschlag_titel",
)


def _off_hint(value: Any, loc: PathKey) -> str:
    """`raeumlicher_bezug: false`: a clerk switching a block off where `false` is no switch."""
    if value is not False or len(loc) != 1:
        return ""
    switches = f"; false schaltet nur {', '.join(FALSE_SWITCHES[:-1])} und {FALSE_SWITCHES[-1]} aus"
    info = Statement.model_fields.get(str(loc[0]))
    if info is not None and info.is_required():  # leaving it out would be `missing-key`
        return f"{switches} – „{loc[0]}“ ist ein Pflichtfeld"
    if loc[0] in ("begruendung", "sachverhalt"):  # leaving it out may be `missing-begruendung`
        return f"{switches} – ohne Text den Schlüssel weglassen; ein Standpunkt braucht aber eine begruendung oder einen sachverhalt"
    return f"{switches} – ohne Angabe zu „{loc[0]}“ den Schlüssel weglassen"


def _msg_text(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    value = err["input"]
    hint = _off_hint(value, loc)
    if not hint and isinstance(value, int | float | bool | WrittenNumber):
        hint = "; Zahlen und true/false als Text bitte in Anführungszeichen setzen"
    elif not hint and isinstance(value, dict) and len(value) == 1:  # `- Anlage 1: Lageplan`
        hint = "; ein „: “ im Text macht daraus „Schlüssel: Wert“, bitte den Text in Anführungszeichen setzen"
    return "expected-text", f"Text erwartet, gefunden: {describe_value(value)}{hint}"


def _lower_case_hint(value: Any) -> str:
    """`True` and `FALSE` are text: only the lower-case words are booleans; `"true"` is text too (quoted)."""
    if isinstance(value, str) and value in ("true", "false"):
        return f"; ohne Anführungszeichen schreiben: {value}"
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return f"; bitte klein schreiben: {value.lower()}"
    return ""


#: Words a clerk may write for yes and no, and the boolean each means.
_YES_NO = {
    **dict.fromkeys(("ja", "yes", "y", "on", "wahr", "j"), "true"),
    **dict.fromkeys(("nein", "no", "n", "off", "falsch"), "false"),
}


def _msg_bool(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    value = err["input"]
    hint = _lower_case_hint(value)
    if isinstance(value, str) and value.strip().lower() in _YES_NO:
        hint = f"; schreiben Sie {_YES_NO[value.strip().lower()]}"
    return (
        "expected-bool",
        f"Wahrheitswert erwartet (true oder false), gefunden: {describe_value(value)}{hint}",
    )


def _msg_list(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    value = err["input"]
    hint = _off_hint(value, loc)
    if not hint and isinstance(value, str) and loc == ("anlagen",):  # `anlagen: Lageplan`, one attachment
        hint = f"; auch eine einzige Anlage steht in einer Liste: „anlagen:“ und darunter eingerückt {quote(f'- {value}')}"
    return "expected-list", f"Erwartet: {_shape(loc, 'eine Liste')}; gefunden: {describe_value(value)}{hint}"


def _msg_mapping(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    if loc == ():
        return (
            "expected-mapping",
            f"Ein Standpunkt ist {_EXPECTED_SHAPE[()]}; gefunden: {describe_value(err['input'])}",
        )
    value = err["input"]
    return (
        "expected-mapping",
        f"Erwartet: {_shape(loc, 'eine Zuordnung (Schlüssel: Wert)')}; gefunden: {describe_value(value)}"
        + _lower_case_hint(value)
        + _off_hint(value, loc),
    )


def _msg_enum(err: ErrorDetails, loc: PathKey, choices: list[str] | None = None) -> tuple[str, str]:
    if choices is None:
        expected = str(err.get("ctx", {}).get("expected", "")).replace("'", "")
        choices = [c.strip() for c in expected.replace(" or ", ",").split(",") if c.strip()]
    value = err["input"]
    hint = did_you_mean(value, choices) if isinstance(value, str) else ""
    return "invalid-choice", f"Unbekannter Wert {describe_value(value)}.{hint} Erlaubt: {', '.join(choices)}"


def _msg_empty(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    if loc and isinstance(loc[-1], int):  # an entry of a list: „eingereicht_von“ (Eintrag 2)
        names = [part for part in loc if isinstance(part, str)]
        return "empty-value", f"„{names[-1] if names else ''}“ (Eintrag {loc[-1] + 1}) darf nicht leer sein"
    name = loc[-1] if loc else ""
    return "empty-value", f"„{name}“ darf nicht leer sein{_EMPTY_HINTS.get(loc, '')}"


#: What to write instead of an empty value, where the field's absence already prints what "" would have meant.
_EMPTY_HINTS: dict[PathKey, str] = {
    ("zusammenfassung",): "; ohne Text den Schlüssel weglassen: das Formular 2019 druckt den Block "
    "„Zusammenfassung:“ mit „Anlass der Vorlage:“ auch dann, leer",
}


def _msg_too_short(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    return "empty-list", f"„{loc[-1] if loc else ''}“ braucht mindestens einen Eintrag"


def _msg_custom(code: str) -> Callable[[ErrorDetails, PathKey], tuple[str, str]]:
    def message(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
        return code, err["msg"]

    return message


#: A date as clerks write it, loosely (18.04.2017, 18.4.17, 2017-04-18): one session's date, for the hint.
_DATE_LIKE = re.compile(r"(?:[0-9]{1,2}\.[0-9]{1,2}\.(?:[0-9]{4}|[0-9]{2})|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})")


#: What parts several dates in one text: a comma, a semicolon, or blanks before the next date. The blanks only
#: from their first one on: tried at every blank of a long run, `\s+(?=…)` took 70 s for 100,000 of them.
_DATE_SEPARATOR = re.compile(r"[,;]|(?<!\s)\s+(?=[0-9]{1,4}[.-])")


def _msg_date(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    """Several dates as a row's `termin` (a list, or one text with commas) are several sessions of one
    consultation: they go in `sitzungen`."""
    value = err["input"]
    hint = ""
    if _shape_key(loc) == ("beratungsfolge", "*", "termin"):
        if isinstance(value, list):  # only what looks like a date: the hint's list must be one of dates
            dates = [v.strip() for v in value if isinstance(v, str) and _DATE_LIKE.fullmatch(v.strip())]
        elif isinstance(value, str) and re.search(r"[0-9][,;/]? +[0-9]|[0-9][,;]", value):
            dates = [d.strip() for d in _DATE_SEPARATOR.split(value) if d.strip()]
            if not all(_DATE_LIKE.fullmatch(d) for d in dates):  # „18.04.2017, 17:00 Uhr“ is one date
                dates = []
        else:
            dates = []
        if isinstance(value, list) and len(value) == 1 and len(dates) == 1:  # one date: no list, no sessions
            hint = f"; ein Termin steht ohne […]: termin: {dates[0]}"
        elif len(dates) > 1 or isinstance(value, list):
            shown = listed(dates) or "2020-05-20, 2020-06-10"  # a few: the value may hold thousands
            hint = f"; mehrere Sitzungen einer Beratung stehen in der Liste sitzungen statt termin: sitzungen: [{shown}]"
        elif isinstance(value, str) and _names_no_day(value) and "Meinten Sie" not in err["msg"]:
            hint = (
                "; ohne festen Termin termin weglassen, und ein Vermerk wie „offen ohne festgelegten RV-Termin“ "
                "steht in beratungsfolge_vermerk unter der Tabelle"
            )
    return "invalid-date", err["msg"] + hint


def _names_no_day(value: str) -> bool:
    """Whether a session's date names no day: „offen“, „N. N.“, „II. Quartal 2020“, „April 2020“, „2020“."""
    text = value.strip()
    if len(text) > 40 or any(c.isdigit() and not c.isascii() for c in text):  # other digits: another mistake
        return False
    return _NO_DAY.match(text) is not None  # bounded in length: the pattern may backtrack


_NO_DAY = re.compile(r"^(?:[^0-9]*|[^0-9]*(?:[0-9]{1,2}\.\s*)?[^0-9\s.]+[^0-9]*[0-9]{4}|[0-9]{4})$")


#: German message per pydantic error type; anything else gets the generic message below.
_MESSAGES: dict[str, Callable[[ErrorDetails, PathKey], tuple[str, str]]] = {
    "missing": _msg_missing,
    "string_type": _msg_text,
    "bool_type": _msg_bool,
    "list_type": _msg_list,
    "model_type": _msg_mapping,
    "model_attributes_type": _msg_mapping,
    "dict_type": _msg_mapping,
    "enum": _msg_enum,
    "string_too_short": _msg_empty,
    "too_short": _msg_too_short,
    "nummer_format": _msg_custom("invalid-nummer"),
    "bezug_format": _msg_custom("invalid-bezug"),
    "amount_format": _msg_custom("invalid-amount"),
    "amount_type": _msg_custom("invalid-amount"),
    "answer": _msg_custom("invalid-choice"),
    "anlass_choice": _msg_custom("invalid-choice"),
    "anlass_empty": _msg_custom("empty-list"),
    "anlass_twice": _msg_custom("duplicate-option"),
    "sonstiges_type": _msg_custom("expected-text"),
    "short_form": _msg_custom("expected-mapping"),
    "date_format": _msg_date,
    "date_type": _msg_date,
    "date_impossible": _msg_custom("impossible-date"),
}


def _as_written(loc: PathKey, data: Any) -> PathKey:
    """The model's path to a value as the file has it: a field that takes a list may hold a single value
    (`empfehlung: {option: …}`, `eingereicht_von: x`), which the model sees as entry 0 of a list."""
    written: list[str | int] = []
    for part in loc:
        if isinstance(part, int) and not isinstance(data, list):
            continue
        written.append(part)
        if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            data = None
    return tuple(written)


def _translate(err: ErrorDetails, doc: LoadedDocument, hints: _KeyHints) -> Diagnostic:
    loc: PathKey = _as_written(tuple(err["loc"]), doc.data)
    located = doc.positions.get(loc)
    number = err["input"]
    if isinstance(number, int | float) and not isinstance(number, bool) and located is not None:
        err = {**err, "input": WrittenNumber(located.node.value)}  # `punkte: 2.` is not „die Zahl 2.0“
    handler = _MESSAGES.get(err["type"])
    if err["type"] == "extra_forbidden":
        code, message = _msg_extra(err, loc, hints)
    elif handler is None:
        code, message = "invalid-value", f"Ungültiger Wert {describe_value(err.get('input'))}"
    else:
        code, message = handler(err, loc)
    value = err.get("input")
    if (
        isinstance(value, str)
        and len(value) > 1
        and value[0] in charset.TYPOGRAPHIC_QUOTES
        and value[-1] in charset.TYPOGRAPHIC_QUOTES
    ):
        message += (
            f" – die Anführungszeichen {value[0]}…{value[-1]} gehören zum Wert; in YAML gerade "
            '"…" verwenden oder sie weglassen'
        )
    if err["type"] == "extra_forbidden":
        message += _split_by_comma_hint(doc, loc)
    if err["type"] == "missing":
        span = doc.locate(loc[:-1])
    else:
        span = doc.locate(loc, key=err["type"] == "extra_forbidden")
    return Diagnostic(str(doc.path), span, loc, Severity.ERROR, code, message)


#: The most pieces after the first that commas in `{…}` make of one value, for `_split_by_comma_hint`.
_MOST_PIECES = 8


def _split_by_comma_hint(doc: LoadedDocument, loc: PathKey) -> str:
    """An unknown key without a value right after a plain value in `{…}`: most likely the rest of that value, cut
    off by its comma (`{gremium: FA Umwelt, Klima und Ordnung}`, `{hoehe: 12.000,00 €}`)."""
    parent = doc.positions.get(loc[:-1])
    here = doc.positions.get(loc)
    if here is None or here.key_node is None or parent is None:
        return ""
    if not isinstance(parent.node, MappingNode) or not parent.node.flow_style:
        return ""
    pairs = parent.node.value
    index = next((i for i, (key, _) in enumerate(pairs) if key is here.key_node), 0)
    known = list(_model_for(loc[:-1]).model_fields)

    def cut_off(i: int) -> bool:
        """Whether pair `i` looks like a piece of the value before: a plain key of no field, without a value."""
        key, value = pairs[i]
        return (
            isinstance(key, ScalarNode)
            and not key.style
            and key.value not in known
            and isinstance(value, ScalarNode)
            and value.tag == NULL_TAG
            and not value.value
        )

    if index == 0 or not cut_off(index):
        return ""
    first, last = index, index  # every piece of the value: `{gremium: FA Umwelt, Klima, Ordnung und Sport}`
    while first > 1 and cut_off(first - 1) and last - first < _MOST_PIECES:
        first -= 1
    while last + 1 < len(pairs) and cut_off(last + 1) and last - first < _MOST_PIECES:
        last += 1
    if last - first >= _MOST_PIECES:  # no name has so many: each piece's message would quote them all
        return ""
    before_key, before = pairs[first - 1]
    if not isinstance(before, ScalarNode) or before.style or before.tag == NULL_TAG:
        return ""
    if before_key.value not in known or did_you_mean(str(loc[-1]), known):  # a typo, not a cut-off value
        return ""
    whole = doc.text[before.start_mark.index : pairs[last][0].end_mark.index]
    # as one line, and written so that it stays one value in "…": a line break there folds to a blank anyway
    whole = re.sub(r"[ \t]*\n\s*", " ", whole).replace("\\", "\\\\").replace('"', '\\"')
    return (
        " In {…} trennt ein Komma zwei Einträge: gehört das Komma zum Wert davor, diesen in Anführungszeichen "
        f'setzen: {before_key.value}: "{whole}"'
    )


def _character_diagnostics(doc: LoadedDocument, strings: list[tuple[PathKey, str]]) -> list[Diagnostic]:
    found = []
    for path, text in strings:
        index = charset.first_unprintable(text)
        if index is not None:
            char = text[index]
            what = f"Das Zeichen {charset.describe(char)}"
        elif len(path) == 1 and path[0] in MARKDOWN_FIELDS:
            reference = charset.first_unprintable_reference(text)
            if reference is None:
                continue
            index, char = reference
            written = text[index : text.index(";", index) + 1]
            what = f"Die Zeichenreferenz „{written}“ steht für {charset.describe(char)}; das Zeichen"
        else:
            continue
        found.append(
            Diagnostic(
                str(doc.path),
                doc.char_span(path, index),
                path,
                Severity.ERROR,
                "unprintable-character",
                f"{what} {charset.refusal(char)}",
            )
        )
    return found


#: A list item on a line of its own.
_LIST_LINE = r"[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]\S[^\n]*"
#: What a plain or folded YAML value loses when its lines are joined: a blank line (two paragraphs become
#: one for Markdown), or two list items in a row. A single line that merely starts with „- “ or „2021.“ is
#: most likely a sentence that wrapped there, and written with `|` it would become a list.
_LOST_STRUCTURE = re.compile(rf"\n[ \t]*\n|^{_LIST_LINE}\n{_LIST_LINE}$", re.MULTILINE)
#: The bullets of a list pasted from a word processor („• erstens“, „– zweitens“): no Markdown list markers.
_WORD_BULLETS = "•·▪◦‣–"
#: A dash („–“) is also the German Gedankenstrich: a pair of them around an insertion, hard-wrapped at both
#: („allen Beteiligten / – den Fraktionen und Ämtern / – die Möglichkeit“), opens two lines of a paragraph. Lines
#: opening with one are a pasted list only where at least this many of a paragraph do.
_DASH_LIST = 3
#: Lettered and numbered points as German resolutions write them („a)“, „B)“, „aa)“, „(2)“, outline numbers
#: „1.1“, „2.3.1.“), and the answers to them in a statement („Zu 1.:“, „Zu Punkt 3:“): not Markdown list markers.
#: Not a time or a date that a wrapped line starts with („17.00 Uhr“, „14.30 Uhr“, „18.04.“: no outline number
#: has a part with a leading zero), nor „Zu 2 Punkten“ (an answer's number has a full stop or colon after it).
#: Nor a number followed by a word in lower case: a reference („3.2 und 3.4 des Konzepts“) or a date („5.11. bis“)
#: that a wrapped line starts with; a point starts with a capital („1.1 Die E-Akte …“).
_POINT_MARK = re.compile(
    r"(?:[a-zA-Z]{1,2}\)|\([0-9a-zA-Z]{1,2}\)|[0-9]{1,2}(?:\.[1-9][0-9]?)+\.?(?![ \t]+(?:Uhr\b|[a-zäöüß]))"
    rf"|Zu (?:Punkt )?[0-9]{{1,2}}(?=[.:])(?:\.[0-9]{{1,2}})*\.?:?|[{_WORD_BULLETS}])(?=[ \t])"
)
#: Such a point at a line's start, also in a quote.
_POINT = re.compile(rf"^[ \t>]*{_POINT_MARK.pattern}[ \t]", re.MULTILINE)


#: A comment right after a value on its line, its `#` followed by a word: `betreff: Antrag #42 der Fraktion`.
#: Written as a comment, it is usually `# Text`; `#42` is most likely part of the text that YAML cut off.
_TRAILING_COMMENT = re.compile(r"[ \t]+(#[^ \t\r\n][^\r\n]*)")


def _comment_diagnostics(doc: LoadedDocument) -> list[Diagnostic]:
    """Warnings where a „ #“ in an unquoted value ended it: what follows is a comment and is never printed."""
    found = []
    for path, located in doc.positions.items():
        node = located.node
        if not path or not isinstance(node, ScalarNode) or node.style or node.tag not in (STR_TAG, NULL_TAG):
            continue
        comment = _TRAILING_COMMENT.match(doc.text, node.end_mark.index)
        if comment is None:
            continue
        line, column = node.end_mark.line, node.end_mark.column + comment.start(1) - node.end_mark.index
        cut = quote(comment.group(1).rstrip())
        kept = "der Wert ist leer" if node.value == "" else f"der Text endet mit {quote(node.value)}"
        found.append(
            Diagnostic(
                str(doc.path), Span(line, column, line, column + 1), path, Severity.WARNING, "comment-in-value",
                f"{cut} ist für YAML ein Kommentar (ein „#“ nach einem Leerzeichen beginnt einen) und wird nicht "
                f"gedruckt, {kept}; soll er gedruckt werden, den ganzen Wert in Anführungszeichen setzen",
            )
        )  # fmt: skip
    return found


#: The first word of an entry of `eingereicht_von` that names an office of its own.
_OFFICE = re.compile(
    r"(?:Dezernat|Oberbürgermeister|Bürgermeister|Beigeordnete|Amt|Referat|Stabsstelle|Eigenbetrieb|Büro)"
)


def _names_an_office(entry: str) -> bool:
    """Whether an entry of `eingereicht_von` names an office of its own: „Amt für …“, „Dezernat …“, or an office
    named by a compound („Kulturamt“, „Verkehrs- und Tiefbauamt“), which no Dezernat's name holds."""
    return _OFFICE.match(entry) is not None or any(
        word[0].isupper() and word.endswith("amt") and word not in _NO_OFFICE
        for word in re.findall(r"\w+", entry)
    )


#: Capitalised words ending in „amt“ that name no office (at a sentence's start: „Insgesamt zuständig …“).
_NO_OFFICE = frozenset({"Gesamt", "Insgesamt", "Samt"})


def _split_name_diagnostics(doc: LoadedDocument) -> list[Diagnostic]:
    """Warnings where `eingereicht_von: [Dezernat Umwelt, Klima, Ordnung und Sport]` lists three Einreicher: in
    `[…]` every comma separates two entries, and several Leipzig Dezernate have commas in their names. Entries
    after a Dezernat that do not name an office of their own are taken for the rest of its name."""
    located = doc.positions.get(("eingereicht_von",))
    if located is None or not isinstance(located.node, SequenceNode) or not located.node.flow_style:
        return []
    items = located.node.value
    found = []
    index = 0
    while index < len(items):
        first = items[index]
        end = index + 1
        if _plain_text(first) and first.value.startswith("Dezernat "):
            while end < len(items) and _plain_text(items[end]) and not _names_an_office(items[end].value):
                end += 1
        if end > index + 1:
            parts = [item.value for item in items[index:end]]
            shown = _quoted_parts(parts)
            last = items[end - 1].end_mark
            found.append(
                Diagnostic(
                    str(doc.path),
                    Span(first.start_mark.line, first.start_mark.column, last.line, last.column),
                    ("eingereicht_von", index),
                    Severity.WARNING,
                    "split-name",
                    f"{shown} sind hier {len(parts)} Einreicher: in […] trennt jedes Komma zwei "
                    f"Einträge. Ist {quote(', '.join(parts))} gemeint, den Namen in Anführungszeichen setzen oder "
                    "die Liste mit „- “ je Zeile schreiben",
                )
            )
        index = end
    return found


def _joined_names_diagnostics(doc: LoadedDocument) -> list[Diagnostic]:
    """Warnings where one entry of `eingereicht_von` holds several Einreicher joined by „;“, as the portal lists
    them („Dezernat Umwelt, Klima, Ordnung und Sport; Dezernat Stadtentwicklung und Bau“): printed as one line,
    on the 2019 form not numbered. Every part must name an office, so a „;“ inside a name is left alone."""
    data = doc.data
    value = data.get("eingereicht_von") if isinstance(data, dict) else None
    entries = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    found = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, str) or ";" not in entry:
            continue
        parts = [part.strip() for part in entry.split(";")]
        if not all(part and _names_an_office(part) for part in parts):
            continue
        path: PathKey = ("eingereicht_von",) if isinstance(value, str) else ("eingereicht_von", index)
        located = doc.positions.get(path)
        if located is None:
            continue
        found.append(
            Diagnostic(
                str(doc.path),
                located.span,
                path,
                Severity.WARNING,
                "joined-names",
                f"{_quoted_parts(parts)} stehen in einem Eintrag "
                "von eingereicht_von; bitte je Einreicher eine Zeile „- …“ schreiben (gedruckt stehen sie dann "
                "untereinander, auf dem Formular 2019 nummeriert)",
            )
        )
    return found


def _quoted_parts(parts: list[str]) -> str:
    """„a“, „b“ und „c“; past MAX_LISTED parts the first of them and how many there are (an entry may hold
    thousands, and the message named each)."""
    if len(parts) > MAX_LISTED:
        return listed([quote(part) for part in parts[:MAX_LISTED]], total=len(parts))
    return ", ".join(quote(part) for part in parts[:-1]) + f" und {quote(parts[-1])}"


def _plain_text(node: Node) -> bool:
    """An unquoted text value."""
    return isinstance(node, ScalarNode) and not node.style and node.tag == STR_TAG


@cache
def _placeholders() -> re.Pattern[str]:
    from .starter import PLACEHOLDERS

    return re.compile(
        "|".join(re.escape(text) for text in sorted(set(PLACEHOLDERS.values()), key=len, reverse=True))
    )


def _placeholder_diagnostics(doc: LoadedDocument, strings: list[tuple[PathKey, str]]) -> list[Diagnostic]:
    """Warnings where text of the starter of `vsp new` is left: it would print as if it were the statement's."""
    found = []
    pattern = _placeholders()
    for path, value in strings:
        left = pattern.search(value)
        if left is not None:
            what = "die Nummer" if path == ("nummer",) else "den Text"
            found.append(
                Diagnostic(
                    str(doc.path), doc.char_span(path, left.start()), path, Severity.WARNING, "placeholder",
                    f"„{left.group()}“ steht noch aus der Vorlage von vsp new hier; bitte durch {what} des "
                    "Standpunkts ersetzen",
                )
            )  # fmt: skip
    return found


def _prose_diagnostics(doc: LoadedDocument) -> list[Diagnostic]:
    """Warnings about Markdown fields whose line structure will not be printed as written."""
    found = []
    for name in MARKDOWN_FIELDS:
        located = doc.positions.get((name,))
        text = doc.data.get(name) if isinstance(doc.data, dict) else None
        if located is None or not isinstance(text, str):
            continue
        node = located.node
        source = doc.text[node.start_mark.index : node.end_mark.index].strip()
        if located.style == ">":
            source = source.partition("\n")[2]  # the lines after the `>` indicator
        if located.style in (None, "", ">") and "\n" in source and _LOST_STRUCTURE.search(source):
            found.append(
                Diagnostic(
                    str(doc.path), located.span, (name,), Severity.WARNING, "folded-markdown",
                    f"„{name}“ ist ohne „|“ geschrieben: YAML fügt die Zeilen zu einer zusammen, Listen und "
                    f"Absätze gehen verloren; bitte „{name}: |“ schreiben und den Text darunter einrücken",
                )
            )  # fmt: skip
            continue
        points = _continued_points(text)
        if points:  # one warning per field: the first such line, and how many more there are
            at = points[0]
            mark = _POINT_MARK.match(text, at)
            point = mark.group() if mark else text[at:].split(None, 1)[0]
            others = len(points) - 1
            more = (
                f" (ebenso {german_number(others)} weitere Zeile{'n' if others > 1 else ''})"
                if others
                else ""
            )
            advice = (
                f"„{point}“ ist in Markdown kein Aufzählungszeichen; für eine Liste „- “ statt „{point}“ schreiben"
                if point in _WORD_BULLETS
                else "für eine eigene Zeile die Zeile davor mit \\ beenden (oder eine Leerzeile davor setzen)"
            )
            found.append(
                Diagnostic(
                    str(doc.path), doc.char_span((name,), at), (name,), Severity.WARNING, "continued-point",
                    f"Die Zeile mit „{point}“ setzt Markdown im Absatz davor fort, ohne Zeilenumbruch{more}; {advice}",
                )
            )  # fmt: skip
        code = _indented_code(text)
        if code is not None:
            found.append(
                Diagnostic(
                    str(doc.path), doc.char_span((name,), code), (name,), Severity.WARNING, "indented-code",
                    "Diese Zeile ist vier Leerzeichen oder mehr tiefer eingerückt als der Text: Markdown druckt sie "
                    "als Codeblock (grau, klein, ohne Hervorhebung und Listen); bitte so weit einrücken wie den Text "
                    "davor (ein gewollter Codeblock steht zwischen zwei Zeilen ```)",
                )
            )  # fmt: skip
    return found


def _indented_code(text: str) -> int | None:
    """Where the first indented code block of a Markdown text starts (its first character), or None: a line four
    spaces or more deeper than the text around it, as pasted from a word processor. Markdown prints it as code
    (grey, small, no emphasis, no lists); a fenced code block (```) is written on purpose and not looked at."""
    if "    " not in text and "\t" not in text:
        return None
    for token in parse_prose(text):
        if token.type == "code_block" and token.map is not None:
            lines = text.split("\n")
            start = sum(len(line) + 1 for line in lines[: token.map[0]])
            line = lines[token.map[0]]
            return start + len(line) - len(line.lstrip(" \t>"))
    return None


#: A line opening with a number and a full stop, as the items of a numbered list („3. Schritt“).
_NUMBERED = re.compile(r"^[ \t>]*([0-9]{1,2})\.[ \t]+\S", re.MULTILINE)


#: How the line above a list ends: a sentence or its lead („es werden ergänzt:“).
_BEFORE_A_LIST = (".", ":", ";", "!", "?", ")", "“", '"')


def _counted_lines(text: str) -> list[int]:
    """The starts of lines numbered one after the other („3.“, then „4.“ on the next line) right below a line of
    text: a list, but one that Markdown only starts inside a paragraph at „1.“; other numbers continue the
    paragraph. A list from „1.“ or after an empty line is a list (and needs no Markdown parser to tell). A single
    number at a line's start is most likely a date or an ordinal that wrapped there („am / 3. Oktober“), and so
    is a run below a line that ends mid-sentence."""
    if ".\t" not in text and ". " not in text:
        return []
    numbered = {line: (int(m.group(1)), m.start(1)) for line, m in numbered_line_matches(_NUMBERED, text)}
    lines = text.split("\n")
    found = []
    for first, (number, start) in numbered.items():
        before = numbered.get(first - 1)
        if (before and before[0] == number - 1) or number == 1 or first == 0:
            continue  # inside a run, or a run Markdown takes as a list
        if not lines[first - 1].strip(" \t>"):
            continue
        if not lines[first - 1].rstrip(" \t").endswith(_BEFORE_A_LIST):
            continue  # mid-sentence: ordinals that wrapped there („für das / 2. Halbjahr …, für das / 3. Quartal“)
        run, at = [start], first + 1
        while (after := numbered.get(at)) and after[0] == number + len(run):
            run.append(after[1])
            at += 1
        if len(run) >= 2:
            found += run
    return found


#: A line opening with a letter and a full stop or parenthesis, as lettered points („a.“, „B)“).
_LETTERED = re.compile(r"^[ \t>]*([a-zA-Z])([.)])[ \t]+\S", re.MULTILINE)


def _lettered_lines(text: str) -> set[int]:
    """The starts of lines lettered one after the other („a.“, then „b.“ on the next line): points, which Markdown
    never takes for a list, so that all but a paragraph's first line continue it. A single letter at a line's
    start is most likely an abbreviation or initial that wrapped there („u. a.“, „A. Müller“)."""
    if ".\t" not in text and ". " not in text and ")\t" not in text and ") " not in text:
        return set()
    lettered = {
        line: (ord(m.group(1)), m.group(2), m.start(1)) for line, m in numbered_line_matches(_LETTERED, text)
    }
    found: set[int] = set()
    for at, (letter, mark, start) in lettered.items():
        before, after = lettered.get(at - 1), lettered.get(at + 1)
        if (before and before[:2] == (letter - 1, mark)) or (after and after[:2] == (letter + 1, mark)):
            found.add(start)
    return found


def _continued_points(text: str) -> list[int]:
    """Where lines opening with „a)“ or „(2)“ continue a paragraph (its line breaks become spaces): two of them
    or more in one paragraph; a single one is likely a reference that wrapped there („§ 5 / (2) der Satzung“),
    unless it is lettered in a row with the line above or below („a.“, „b.“: the first may open the paragraph)."""
    lettered = _lettered_lines(text)
    starts = sorted(
        {m.end() - len(m.group().lstrip(" \t>")) for m in line_matches(_POINT, text)}.union(
            _counted_lines(text), lettered
        )
    )
    if len(starts) < 2:
        return []
    lines = text.split("\n")
    line_at = [0]
    for line in lines:
        line_at.append(line_at[-1] + len(line) + 1)
    paragraph_of: dict[int, int] = {}  # a continued line → the first line of its paragraph
    for token in parse_prose(text):
        if token.type == "paragraph_open" and token.map is not None:
            first, end = token.map
            for n in range(first + 1, end):
                if not lines[n - 1].endswith(("\\", "  ")):
                    paragraph_of[n] = first
    found = [(at, paragraph_of.get(bisect_right(line_at, at) - 1)) for at in starts]
    dashes = Counter(paragraph for at, paragraph in found if text[at] == "–")
    found = [(at, paragraph) for at, paragraph in found if text[at] != "–" or dashes[paragraph] >= _DASH_LIST]
    per_paragraph = Counter(paragraph for _, paragraph in found if paragraph is not None)
    return [
        at
        for at, paragraph in found
        if paragraph is not None and (per_paragraph[paragraph] >= 2 or at in lettered)
    ]


#: An attachment that numbers itself („1. Lageplan“, „Anlage 1: Lageplan“, „(1) Lageplan“): the number is
#: group 1 (after „Anlage“), 2 (in or before a parenthesis) or 3 (before a full stop, as an ordinal is written).
#: A bare number is no such mark: „1 Karte der Standorte“ is one map.
_OWN_NUMBER = re.compile(
    r"[ \t]*(?:Anlage[ \t]+([0-9]{1,3})[.):]?|\(?([0-9]{1,3})\)|([0-9]{1,3})\.)[ \t]+(\S*)", re.IGNORECASE
)
#: Words an ordinal stands before in the name of a document („1. BA Übersicht“, „2. Änderung des
#: Bebauungsplans“, „1. Nachtragssatzung“): the number is the document's own, not the attachment's.
_ORDINAL_NOUN = re.compile(
    r"(?:BA|BA-|Bauabschnitt|Änderung|Nachtrag|Fortschreibung|Ergänzung|Quartal|Halbjahr|Abschnitt|Teil|Stufe"
    r"|Phase|Sitzung|Lesung|Entwurf|Bericht|Satzung|Auflage|Fassung)"
)


def _numbered_attachment_diagnostics(doc: LoadedDocument) -> list[Diagnostic]:
    """A warning where every attachment starts with its own number, 1, 2, …: the form numbers them itself, and
    printed they read „1. 1. Lageplan“ (one warning, at the first). „1.“ before a word is an ordinal as often
    („1. Änderung des Bebauungsplans“, „2. BA Übersicht“): a single attachment numbered so, and any before a
    word an ordinal names, is taken for the document's own name."""
    items = doc.data.get("anlagen") if isinstance(doc.data, dict) else None
    if not isinstance(items, list) or not items:
        return []
    for number, item in enumerate(items, start=1):
        own = _OWN_NUMBER.match(item) if isinstance(item, str) else None
        if own is None or int(own.group(1) or own.group(2) or own.group(3)) != number:
            return []
        if own.group(3) is not None and (len(items) == 1 or _ORDINAL_NOUN.match(own.group(4))):
            return []
    first = items[0].strip()
    return [
        Diagnostic(
            str(doc.path), doc.char_span(("anlagen", 0), len(items[0]) - len(items[0].lstrip(" \t"))),
            ("anlagen", 0), Severity.WARNING, "numbered-attachment",
            f"Die Anlagen sind schon nummeriert ({quote(first)}); das Formular nummeriert sie selbst, gedruckt "
            f"stünde {quote('1. ' + first)}: bitte die Nummern weglassen",
        )
    ]  # fmt: skip


def _without_echoes(found: list[Diagnostic], meant: dict[PathKey, str]) -> list[Diagnostic]:
    """A misspelt required key (`betref:`) is one mistake: its unknown-key error suggests the right name
    (`meant`), so the missing-key error for that name is left out."""
    suggested = {(*path[:-1], name) for path, name in meant.items()}
    return [d for d in found if not (d.code == "missing-key" and d.path in suggested)]


#: Stand-ins for required fields that failed, so that the rules across fields still judge the rest.
_STAND_INS: dict[str, Any] = {
    "nummer": "VI-A-00000-VSP-01",
    "betreff": "x",
    "eingereicht_von": "x",
    "beratungsfolge": [{"gremium": "x"}],
}


#: A Beratungsfolge row or a row of a finance table that failed on its own stands in with one of these, so that
#: the rest of its list or table is still judged („ergebnis“ without a termin two rows below an impossible date).
_ROW_STAND_INS: dict[str, dict[str, str]] = {
    "beratungsfolge": {"gremium": "x"},
    "finanzen": {"wo_veranschlagt": "x"},
}


#: The finance answers and tables a failed value of which takes only itself or its row with it.
_FINANCE_ANSWERS = frozenset(
    ("auswirkungen", "alternativen_geprueft", "folgen_bei_ablehnung", "investition", "folgekosten")
)
_FINANCE_TABLES = frozenset(("haushalt", "folgekosten_haushalt"))


def _failed_part(data: dict[str, Any], loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """What a failed value takes with it: its Beratungsfolge row, its finance table row or its finance answer
    where the data has them, else the whole field."""
    value = data.get(loc[0])
    if loc[0] == "beratungsfolge" and len(loc) >= 3 and isinstance(value, list) and isinstance(loc[1], int):
        return loc[:2] if loc[1] < len(value) and isinstance(value[loc[1]], dict) else loc[:1]
    if loc[0] != "finanzen" or not isinstance(value, dict) or len(loc) < 2 or loc[1] not in value:
        return loc[:1]
    if len(loc) == 2 and loc[1] in _FINANCE_ANSWERS:
        return loc
    table = value[loc[1]]
    if (
        len(loc) >= 4
        and loc[1] in _FINANCE_TABLES
        and isinstance(table, dict)
        and isinstance(table.get(loc[2]), dict)
    ):
        return loc[:3]
    return loc[:1]


def _stood_in(data: dict[str, Any], parts: set[tuple[str | int, ...]]) -> dict[str, Any]:
    """`data` with each failed row stood in for and each failed finance answer left out."""
    rest = dict(data)
    if any(part[0] == "beratungsfolge" for part in parts):
        rest["beratungsfolge"] = list(rest["beratungsfolge"])
    if any(part[0] == "finanzen" for part in parts):
        rest["finanzen"] = dict(rest["finanzen"])
    for part in parts:
        if part[0] == "beratungsfolge":
            rest["beratungsfolge"][part[1]] = _ROW_STAND_INS["beratungsfolge"]
        elif len(part) == 2:
            rest["finanzen"].pop(part[1], None)
        else:
            rest["finanzen"][part[1]] = {**rest["finanzen"][part[1]], part[2]: _ROW_STAND_INS["finanzen"]}
    return rest


def _findings_despite(
    data: Any, locs: list[tuple[Any, ...]], form: Form, meant_by: dict[PathKey, str]
) -> list[rules.Finding]:
    """The rules' findings about the fields that are valid, when others are not: every problem of a file is
    reported at once, not one round of fixes after another. A failed field is dropped or stood in for, and
    findings about it are left out; a failed Beratungsfolge or finance table row, or finance answer, only takes
    itself with it. The options of a failed `empfehlung` are still judged (entries that are no option at all
    stand in with one of the form's); with a failed `art`, on the antrag variant."""
    if not isinstance(data, dict):
        return []
    parts = {_failed_part(data, loc) for loc in locs}
    failed: set[str | int] = {part[0] for part in parts if len(part) == 1}
    parts = {part for part in parts if len(part) > 1 and part[0] not in failed}
    # `begründung:` means begruendung, as its message said
    meant = {meant_by.get((key,), key) for key in failed if isinstance(key, str)}
    rest = {key: value for key, value in _stood_in(data, parts).items() if key not in failed}
    rest.update({key: _STAND_INS[key] for key in failed if key in _STAND_INS})
    salvaged: set[int] = set()
    if "empfehlung" in failed:
        rest["empfehlung"], salvaged = _salvaged_options(data.get("empfehlung"), form, rest.get("art"))
    try:
        statement = Statement.model_validate(rest)
    except ValidationError:
        return []
    found = []
    for finding in rules.check(statement, form):
        path = finding.path
        if path[:1] == ("empfehlung",) and ({"empfehlung", "art"} & failed):
            if finding.code in _OPTION_CODES and (
                "empfehlung" not in failed or (len(path) > 1 and path[1] in salvaged)
            ):
                found.append(finding)
            continue
        if "art" in failed or _about_failed(finding, failed | meant):
            continue
        if any(path[: len(part)] == part for part in parts):
            continue
        found.append(finding)
    return found


#: What the rules say about an option itself (not about the entries around it).
_OPTION_CODES = frozenset({"invalid-choice", "option-not-in-form"})


def _salvaged_options(value: Any, form: Form, art: Any) -> tuple[list[dict[str, str]], set[int]]:
    """The entries of an `empfehlung` the model rejected, reduced to their options; an entry that names none
    stands in with the form's first option. Returns them and the indices of the real ones."""
    items = value if isinstance(value, list) else [value]
    stand_in = form.grid(petition=art == "petition").cells[0].id
    entries, real = [], set()
    for index, item in enumerate(items):
        option = item.get("option") if isinstance(item, dict) else item
        if isinstance(option, str) and option.strip():
            entries.append({"option": option.strip()})
            real.add(index)
        else:
            entries.append({"option": stand_in})
    return entries, real


#: Findings that judge a field against another one, which a failed field must not stand for: „bezug … weicht
#: von der Vorlage ab, die die Nummer nennt („VI-A-00000“)“ spoke of the stand-in of a failed nummer, and „es
#: fehlt ein beschlussvorschlag“ of one written but invalid.
_JUDGED_AGAINST = {
    "bezug-differs": "nummer",
    "missing-beschlussvorschlag": "beschlussvorschlag",
    "unused-title": "beschlussvorschlag",
}


def _about_failed(finding: rules.Finding, failed: set[str | int]) -> bool:
    """Whether a finding speaks of a field that failed (one about the whole file: of the Begründung)."""
    if _JUDGED_AGAINST.get(finding.code) in failed:
        return True
    if finding.path:
        return finding.path[0] in failed
    return bool(failed & {"begruendung", "sachverhalt"}) or (
        finding.code == "missing-key" and "zusatzfelder" in failed
    )


def _written_amounts(doc: LoadedDocument) -> Any:
    """The data with every amount (`hoehe`) as written: YAML reads `12.000` as the number 12.0."""
    data = doc.data
    finanzen = data.get("finanzen") if isinstance(data, dict) else None
    if not isinstance(finanzen, dict):
        return data
    changed = False
    tables = {}
    for table in ("haushalt", "folgekosten_haushalt"):
        rows = finanzen.get(table)
        if not isinstance(rows, dict):
            continue
        new_rows = dict(rows)
        for name, row in rows.items():
            value = row.get("hoehe") if isinstance(row, dict) else None
            located = doc.positions.get(("finanzen", table, name, "hoehe"))
            if isinstance(value, int | float) and not isinstance(value, bool) and located is not None:
                new_rows[name] = {**row, "hoehe": WrittenNumber(located.node.value)}
                changed = True
        tables[table] = new_rows
    if not changed:
        return data
    return {**data, "finanzen": {**finanzen, **tables}}


@dataclass(frozen=True)
class _FormChoice:
    """The form a statement is checked against; None with the problems why it cannot be used: those inside
    form files, and those at the statement's `formular` (one that says the form is broken, or why the name
    leads nowhere)."""

    form: Form | None
    in_form_files: list[Diagnostic] = field(default_factory=list)
    at_formular: list[Diagnostic] = field(default_factory=list)


def _choose_form(doc: LoadedDocument, sources: FormSources, source_path: Path) -> _FormChoice:
    """The statement's form: its `formular` (when it is text), else the configuration's default."""
    data = doc.data if isinstance(doc.data, dict) else {}
    written = data.get("formular")
    if isinstance(written, int) and not isinstance(written, bool):
        written = str(written)
    ref = written.strip() if isinstance(written, str) and written.strip() else sources.default
    try:
        return _FormChoice(resolve(ref, sources, source_path.parent))
    except FormError as exc:
        here = doc.locate(("formular",)) if "formular" in data else doc.locate(())
        inside = [d for d in exc.diagnostics if d.file]
        at = [
            Diagnostic(str(doc.path), here, ("formular",), Severity.ERROR, d.code, d.message)
            for d in exc.diagnostics
            if not d.file
        ]
        if inside:
            files = {d.file for d in inside}
            more = " und weiteren Dateien" if len(files) > 1 else ""
            message = f"Das Formular {quote(ref)} ist fehlerhaft ({german_number(len(inside))} Fehler in {inside[0].file}{more})"
            at.append(Diagnostic(str(doc.path), here, ("formular",), Severity.ERROR, "form-invalid", message))
        return _FormChoice(None, inside, at)


def validate_document(
    doc: LoadedDocument, sources: FormSources | None = None, source_path: Path | None = None
) -> tuple[Statement | None, list[Diagnostic]]:
    """Validate parsed data against its form; returns the statement (None if invalid) and all diagnostics."""
    statement, diagnostics, _ = _validate(doc, sources or FormSources(), source_path or doc.path)
    return statement, diagnostics


def _validate(
    doc: LoadedDocument, sources: FormSources, source_path: Path
) -> tuple[Statement | None, list[Diagnostic], tuple[Path, ...]]:
    """The statement and every diagnostic: those in form files first, then the statement's in source order.
    Without a usable form only the values themselves are checked, not the rules across fields."""
    strings = list(doc.strings())
    mine = (
        _character_diagnostics(doc, strings)
        + _prose_diagnostics(doc)
        + _placeholder_diagnostics(doc, strings)
        + _comment_diagnostics(doc)
        + _split_name_diagnostics(doc)
        + _joined_names_diagnostics(doc)
        + _numbered_attachment_diagnostics(doc)
    )
    choice = _choose_form(doc, sources, source_path)
    mine += choice.at_formular
    statement: Statement | None = None
    findings: list[rules.Finding] = []
    data = _written_amounts(doc)
    try:
        statement = Statement.model_validate(data)
        if choice.form is not None:
            findings = list(rules.check(statement, choice.form))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        hints = _KeyHints()
        mine += _without_echoes([_translate(e, doc, hints) for e in errors], hints.meant)
        if choice.form is not None:
            locs = [tuple(e["loc"]) for e in errors if e["loc"]]
            findings = _findings_despite(data, locs, choice.form, hints.meant)
    for finding in findings:
        path = _as_written(finding.path, doc.data)
        span = doc.locate(path, key=finding.at_key)
        mine.append(Diagnostic(str(doc.path), span, path, finding.severity, finding.code, finding.message))
    mine.sort(key=lambda d: (d.span.line, d.span.column))
    result = choice.in_form_files + mine
    if statement is None or choice.form is None or any(d.severity is Severity.ERROR for d in result):
        return None, result, ()
    return statement.with_form(choice.form), result, choice.form.files


def check_file(
    path: Path,
    *,
    strict: bool = False,
    display_name: str | None = None,
    raw: bytes | None = None,
    forms: FormSources | None = None,
) -> Result:
    """Load and validate one file, never raising for bad input; `strict` turns warnings into errors.

    `raw`: the file's bytes, when the caller has read them (a build fingerprints exactly what it renders).
    `forms`: where form names lead (the `[formulare]` and `formular` of the configuration in use).
    """
    try:
        doc = read_file(path) if raw is None else load_bytes(path, raw)
    except InvalidInput as exc:
        return Result(path, None, exc.diagnostics)
    if display_name is not None:
        doc.path = Path(display_name)
    statement, diagnostics, files = _validate(doc, forms or FormSources(), path)
    nummer = _written_nummer(doc)
    if nummer is not None:
        diagnostics = _with_sorted(diagnostics, _file_name_check(doc, path, nummer))
    if strict and diagnostics:
        diagnostics = [d.escalated() for d in diagnostics]
        statement = None
    return Result(path, statement, diagnostics, doc.text, files, nummer, str(doc.path))


def _written_nummer(doc: LoadedDocument) -> tuple[str, Span] | None:
    value = doc.data.get("nummer") if isinstance(doc.data, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip(), doc.locate(("nummer",))


def _file_name_check(doc: LoadedDocument, path: Path, nummer: tuple[str, Span]) -> list[Diagnostic]:
    """A file named after a statement's number that holds another number: a copy whose number was not changed?"""
    from .starter import number_from_name

    named = number_from_name(path)
    if named is None or named == nummer[0]:
        return []
    return [
        Diagnostic(
            str(doc.path),
            nummer[1],
            ("nummer",),
            Severity.WARNING,
            "nummer-not-file-name",
            f"Die Datei heißt nach der Nummer {named}, der Standpunkt hat aber die Nummer {shorten(nummer[0])}; "
            "ist er eine Kopie, deren Nummer noch nicht geändert wurde?",
        )
    ]


def _with_sorted(diagnostics: list[Diagnostic], more: list[Diagnostic]) -> list[Diagnostic]:
    if not more:
        return diagnostics
    file = more[0].file
    own = sorted(
        [d for d in diagnostics if d.file == file] + more, key=lambda d: (d.span.line, d.span.column)
    )
    return [d for d in diagnostics if d.file != file] + own


def across(results: list[Result]) -> dict[Path, list[Diagnostic]]:
    """Problems between the statements of one run: two statements with one number (an error at both)."""
    from .across import duplicate_numbers

    found = duplicate_numbers(
        (str(result.path), result.shown or str(result.path), result.nummer)
        for result in results
        if result.nummer is not None
    )
    return {Path(path): diagnostics for path, diagnostics in found.items()}


def load_statement(path: Path, *, strict: bool = False, forms: FormSources | None = None) -> Statement:
    """The statement in `path`; raises `InvalidInput` with every error (warnings are dropped)."""
    result = check_file(path, strict=strict, forms=forms)
    if result.statement is None:
        raise InvalidInput([d for d in result.diagnostics if d.severity is Severity.ERROR])
    return result.statement
