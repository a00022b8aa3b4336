"""Rules across fields of a valid-shaped statement, each an error or a warning as the format spec says."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .commonmark import prose_parser
from .diagnostics import Severity, did_you_mean, german_number, quote
from .labels import (
    KNOWN_ZUSTAENDIGKEITEN,
    OPTIONS_BY_ART,
    OPTIONS_NEEDING_BESCHLUSSVORSCHLAG,
    Art,
    german_date,
)
from .model import MARKDOWN_FIELDS, Statement

#: Most marks of emphasis, code, links (also `<…>`), strike-through, entities and table cells the Markdown fields
#: may hold together. A real statement has a few hundred; setting one costs the PDF a tenth of a millisecond or
#: more, so a file with marks on every word or a table of 400,000 cells (made by a program, or hostile) would be
#: set for minutes instead of being refused at once.
MAX_MARKUP = 10_000
#: The characters counted as marks, and as the message lists them.
_MARKUP_CHARS = "*_`[~<&|"
#: The list and quote markers a line starts with (`- `, `1. `, `> `) count as marks too: each opens a block, and
#: ten lists opened on each of 10,000 lines took 22 s to set.
_LEADING_MARKERS = re.compile(r"^[ \t]*(?:(?:[-+*>]|[0-9]{1,9}[.)])[ \t]*)+", re.MULTILINE)
_MARKERS = re.compile(r"[-+*>]|[0-9]{1,9}[.)]")
#: Most lines the Markdown fields may have together. A long real statement has about a thousand; each line can
#: be a block of its own (a heading, a list item, a table row), which costs the PDF up to half a millisecond.
MAX_MARKDOWN_LINES = 10_000

#: Most lists and block quotes inside one another in a Markdown field. Real statements nest three; each level
#: takes width from the text, and markdown-it drops the rest of a text past its own limit
#: (`commonmark.MAX_PARSER_NESTING`), which this keeps far away.
MAX_NESTING = 10
#: The indentation and markers a line starts with: a container MAX_NESTING deep is opened by a line whose run
#: spans more columns than that (each quote takes one, each list at least two).
_CONTAINER_RUN = re.compile(r"^[ \t>*+\-.)0-9]{3,}", re.MULTILINE)
_CONTAINERS = {"blockquote_open": 1, "bullet_list_open": 1, "ordered_list_open": 1}
_CONTAINERS.update({name.replace("_open", "_close"): -1 for name in list(_CONTAINERS)})

_FORM_NAME = {
    Art.ANTRAG: "dem Antragsformular (art: antrag)",
    Art.PETITION: "dem Petitionsformular (art: petition)",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's verdict at a path in the data; validation turns it into a located `Diagnostic`."""

    path: tuple[str | int, ...]
    severity: Severity
    code: str
    message: str
    #: Point at the key, not its value: the finding asks to remove the key.
    at_key: bool = False


def check(statement: Statement) -> Iterator[Finding]:
    """Every cross-field finding of `statement`, in document order."""
    yield from _option_set(statement)
    yield from _legal_box(statement)
    yield from _duplicate_options(statement)
    yield from _missing_resolution(statement)
    yield from _beratungsfolge(statement)
    yield from _begruendung_or_sachverhalt(statement)
    too_large = list(_markdown_size(statement))
    yield from too_large
    if not too_large:  # a text within the size limits is cheap enough to parse for its nesting
        yield from _markdown_nesting(statement)


def _option_set(st: Statement) -> Iterator[Finding]:
    allowed = OPTIONS_BY_ART[st.art]
    for i, entry in enumerate(st.empfehlung):
        if entry.option not in allowed:
            other = Art.PETITION if st.art is Art.ANTRAG else Art.ANTRAG
            yield Finding(
                ("empfehlung", i, "option"),
                Severity.ERROR,
                "option-not-in-form",
                f"Die Option „{entry.option.value}“ gibt es nur auf {_FORM_NAME[other]}. Auf "
                f"{_FORM_NAME[st.art]} erlaubt: {', '.join(o.value for o in allowed)}",
            )


def _legal_box(st: Statement) -> Iterator[Finding]:
    if st.art is Art.PETITION and "rechtliche_konsequenzen" in st.model_fields_set:
        yield Finding(
            ("rechtliche_konsequenzen",),
            Severity.ERROR,
            "legal-box-on-petition",
            "Das Petitionsformular hat keinen Kasten „Rechtliche Konsequenzen“; bitte den Schlüssel "
            "rechtliche_konsequenzen entfernen",
            at_key=True,
        )


def _duplicate_options(st: Statement) -> Iterator[Finding]:
    seen: dict[tuple[str, str | None], int] = {}
    for i, entry in enumerate(st.empfehlung):
        key = (entry.option.value, entry.punkte)
        if key in seen:
            detail = f" mit denselben punkte {quote(entry.punkte)}" if entry.punkte else " ohne punkte"
            yield Finding(
                ("empfehlung", i),
                Severity.ERROR,
                "duplicate-option",
                f"Die Option „{entry.option.value}“ ist doppelt angekreuzt{detail} (schon Eintrag {seen[key] + 1}); "
                "zweimal dieselbe Option nur mit verschiedenen punkte",
            )
        else:
            seen[key] = i


def _missing_resolution(st: Statement) -> Iterator[Finding]:
    if st.beschlussvorschlag is not None:
        return
    if "beschlussvorschlag_titel" in st.model_fields_set:
        yield Finding(
            ("beschlussvorschlag_titel",),
            Severity.WARNING,
            "unused-title",
            "beschlussvorschlag_titel wird nur über einem beschlussvorschlag gedruckt, und der fehlt",
            at_key=True,
        )
    for i, entry in enumerate(st.empfehlung):
        if entry.option in OPTIONS_NEEDING_BESCHLUSSVORSCHLAG:
            yield Finding(
                ("empfehlung", i),
                Severity.WARNING,
                "missing-beschlussvorschlag",
                f"„{entry.option.value}“ ist angekreuzt, aber es fehlt ein beschlussvorschlag mit dem "
                "vorgeschlagenen Beschlusstext",
            )
            return


def _beratungsfolge(st: Statement) -> Iterator[Finding]:
    latest = None  # the latest date of the rows above: one misplaced row warns, and every row it passes over
    for i, row in enumerate(st.beratungsfolge):
        if row.termin is not None:
            if latest is not None and row.termin < latest:
                yield Finding(
                    ("beratungsfolge", i, "termin"),
                    Severity.WARNING,
                    "dates-backwards",
                    f"Der Termin {german_date(row.termin)} liegt vor dem Termin einer früheren Zeile "
                    f"({german_date(latest)}); ist die Reihenfolge richtig?",
                )
            latest = row.termin if latest is None else max(latest, row.termin)
        if row.zustaendigkeit is not None and row.zustaendigkeit not in KNOWN_ZUSTAENDIGKEITEN:
            yield Finding(
                ("beratungsfolge", i, "zustaendigkeit"),
                Severity.WARNING,
                "unknown-zustaendigkeit",
                f"Unbekannte Zuständigkeit {quote(row.zustaendigkeit)}.{did_you_mean(row.zustaendigkeit, KNOWN_ZUSTAENDIGKEITEN)}"
                f" Bekannt sind: {', '.join(KNOWN_ZUSTAENDIGKEITEN)}",
            )


def _begruendung_or_sachverhalt(st: Statement) -> Iterator[Finding]:
    if st.begruendung is None and st.sachverhalt is None:
        yield Finding(
            (),
            Severity.ERROR,
            "missing-begruendung",
            "Es fehlt eine begruendung (oder ein sachverhalt); ein Standpunkt braucht mindestens eines von beiden",
        )


def _markdown_size(st: Statement) -> Iterator[Finding]:
    """The Markdown fields within MAX_MARKUP marks and MAX_MARKDOWN_LINES lines, counted together; a finding
    stands at the field with which a sum passes its limit."""
    texts = [(name, getattr(st, name)) for name in MARKDOWN_FIELDS]
    if sum(len(text) for _, text in texts if text) < min(MAX_MARKUP, MAX_MARKDOWN_LINES):
        return  # too short to pass either limit: most statements are not counted at all
    marks = lines = 0
    for name, text in texts:
        if not text:
            continue
        marks += sum(map(text.count, _MARKUP_CHARS))
        marks += sum(len(_MARKERS.findall(run.group())) for run in _LEADING_MARKERS.finditer(text))
        lines += text.count("\n") + 1
        if marks > MAX_MARKUP:
            yield Finding(
                (name,),
                Severity.ERROR,
                "too-much-markup",
                f"Die Markdown-Felder enthalten zusammen mehr als {german_number(MAX_MARKUP)} Zeichen für "
                f"Hervorhebungen, Code, Links, Entitäten und Tabellenzellen ({', '.join(_MARKUP_CHARS)}) und für "
                "Listen und Zitate am Zeilenanfang (Grenze MAX_MARKUP); so "
                "viele hat kein Standpunkt – ist die Datei maschinell erzeugt?",
            )
            return
        if lines > MAX_MARKDOWN_LINES:
            yield Finding(
                (name,),
                Severity.ERROR,
                "too-many-lines",
                f"Die Markdown-Felder haben zusammen mehr als {german_number(MAX_MARKDOWN_LINES)} Zeilen (Grenze "
                "MAX_MARKDOWN_LINES); so lang ist kein Standpunkt – ist die Datei maschinell erzeugt?",
            )
            return


def _markdown_nesting(st: Statement) -> Iterator[Finding]:
    """Lists and quotes at most MAX_NESTING deep in each Markdown field; a field is parsed only if a line of
    it could open containers that deep."""
    for name in MARKDOWN_FIELDS:
        text = getattr(st, name)
        if not text or all(
            len(run.group().expandtabs(4)) <= MAX_NESTING for run in _CONTAINER_RUN.finditer(text)
        ):
            continue
        depth = deepest = 0
        for token in prose_parser().parse(text):
            depth += _CONTAINERS.get(token.type, 0)
            deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            yield Finding(
                (name,),
                Severity.ERROR,
                "too-deep-nesting",
                f"Listen und Zitate stehen hier mindestens {deepest} Ebenen tief ineinander; erlaubt sind höchstens "
                f"{MAX_NESTING} (Grenze MAX_NESTING): so tief schachtelt kein Standpunkt, und jede Ebene nimmt dem "
                "Text Breite",
            )
