"""From a file to a `Statement` plus every located diagnostic: load, check characters, model, rules.

Pydantic errors are translated by their `type` (never by their English text) into German messages that say
what is expected; each is placed at the line and column of the offending value, a missing key at its parent.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from . import charset, rules
from .commonmark import prose_parser
from .diagnostics import (
    Diagnostic,
    Severity,
    WrittenNumber,
    describe_value,
    did_you_mean,
    german_number,
    quote,
)
from .errors import InvalidInput
from .labels import OPTIONS_BY_ART, Art
from .loader import LoadedDocument, PathKey, load_bytes, read_file
from .model import MARKDOWN_FIELDS, Beratung, Empfehlung, RechtlicheKonsequenzen, Statement


@dataclass
class Result:
    """The outcome of checking one file: the statement if it is usable, and all diagnostics."""

    path: Path
    statement: Statement | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: str | None = None

    @property
    def ok(self) -> bool:
        return self.statement is not None and not any(d.severity is Severity.ERROR for d in self.diagnostics)


#: Which model describes the mapping under a top-level key (for "did you mean" on unknown keys).
_NESTED: dict[str, type[BaseModel]] = {
    "beratungsfolge": Beratung,
    "empfehlung": Empfehlung,
    "rechtliche_konsequenzen": RechtlicheKonsequenzen,
}

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
    ("empfehlung", "*"): "eine Option (z. B. ablehnung) oder eine Zuordnung {option: …, punkte: …}",
    (): "eine Zuordnung mit den Schlüsseln eines Standpunkts (nummer, betreff, …)",
}


def _model_for(parent: PathKey) -> type[BaseModel]:
    names = [p for p in parent if isinstance(p, str)]
    return _NESTED.get(names[0], Statement) if names else Statement


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


def _msg_extra(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    key = str(loc[-1])
    known = list(_model_for(loc[:-1]).model_fields)
    space = next((c for c in key if c.isspace() and c not in " \t"), None)
    if space is not None:  # a no-break space pasted into the indentation makes the line a key of its own
        hint = (
            f" Er enthält das Leerzeichen {charset.describe(space)}; zum Einrücken bitte nur gewöhnliche "
            "Leerzeichen verwenden."
        )
    else:
        hint = did_you_mean(key, known) or f" Erlaubt sind: {', '.join(known)}."
    return "unknown-key", f"Unbekannter Schlüssel {quote(key)}.{hint}"


def _msg_text(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    value = err["input"]
    hint = ""
    if isinstance(value, int | float | bool | WrittenNumber):
        hint = "; Zahlen und true/false als Text bitte in Anführungszeichen setzen"
    elif isinstance(value, dict) and len(value) == 1:  # `- Anlage 1: Lageplan`
        hint = "; ein „: “ im Text macht daraus „Schlüssel: Wert“, bitte den Text in Anführungszeichen setzen"
    return "expected-text", f"Text erwartet, gefunden: {describe_value(value)}{hint}"


def _lower_case_hint(value: Any) -> str:
    """`True` and `FALSE` are text: only the lower-case words are booleans."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return f"; bitte klein schreiben: {value.lower()}"
    return ""


def _msg_bool(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    value = err["input"]
    return (
        "expected-bool",
        f"Wahrheitswert erwartet (true oder false), gefunden: {describe_value(value)}{_lower_case_hint(value)}",
    )


def _msg_list(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    return "expected-list", f"Erwartet: {_shape(loc, 'eine Liste')}; gefunden: {describe_value(err['input'])}"


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
        + _lower_case_hint(value),
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
    return "empty-value", f"„{loc[-1] if loc else ''}“ darf nicht leer sein"


def _msg_too_short(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
    return "empty-list", f"„{loc[-1] if loc else ''}“ braucht mindestens einen Eintrag"


def _msg_custom(code: str) -> Callable[[ErrorDetails, PathKey], tuple[str, str]]:
    def message(err: ErrorDetails, loc: PathKey) -> tuple[str, str]:
        return code, err["msg"]

    return message


#: German message per pydantic error type; anything else gets the generic message below.
_MESSAGES: dict[str, Callable[[ErrorDetails, PathKey], tuple[str, str]]] = {
    "missing": _msg_missing,
    "extra_forbidden": _msg_extra,
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
    "date_format": _msg_custom("invalid-date"),
    "date_type": _msg_custom("invalid-date"),
    "date_impossible": _msg_custom("impossible-date"),
}


def _form_options(data: Any) -> list[str]:
    """The option ids of the statement's form (the usual one where `art` is missing or invalid)."""
    art = data.get("art") if isinstance(data, dict) else None
    form = Art(art) if art in tuple(Art) else Art.ANTRAG
    return [option.value for option in OPTIONS_BY_ART[form]]


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


def _translate(err: ErrorDetails, doc: LoadedDocument) -> Diagnostic:
    loc: PathKey = _as_written(tuple(err["loc"]), doc.data)
    located = doc.positions.get(loc)
    number = err["input"]
    if isinstance(number, int | float) and not isinstance(number, bool) and located is not None:
        err = {**err, "input": WrittenNumber(located.node.value)}  # `punkte: 2.` is not „die Zahl 2.0“
    handler = _MESSAGES.get(err["type"])
    if handler is None:
        code, message = "invalid-value", f"Ungültiger Wert {describe_value(err.get('input'))}"
    elif err["type"] == "enum" and loc[:1] == ("empfehlung",):
        code, message = _msg_enum(err, loc, _form_options(doc.data))  # the options this form offers
    else:
        code, message = handler(err, loc)
    if err["type"] == "missing":
        span = doc.locate(loc[:-1])
    else:
        span = doc.locate(loc, key=err["type"] == "extra_forbidden")
    return Diagnostic(str(doc.path), span, loc, Severity.ERROR, code, message)


def _character_diagnostics(doc: LoadedDocument) -> list[Diagnostic]:
    found = []
    for path, text in doc.strings():
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
#: Lettered and numbered points as German resolutions write them („a)“, „B)“, „aa)“, „(2)“), also in a quote:
#: not Markdown list markers.
_POINT = re.compile(r"^[ \t>]*(?:[a-zA-Z]{1,2}\)|\([0-9a-zA-Z]{1,2}\))[ \t]", re.MULTILINE)


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
            point = text[at:].split(None, 1)[0]
            others = len(points) - 1
            more = (
                f" (ebenso {german_number(others)} weitere Zeile{'n' if others > 1 else ''})"
                if others
                else ""
            )
            found.append(
                Diagnostic(
                    str(doc.path), doc.char_span((name,), at), (name,), Severity.WARNING, "continued-point",
                    f"Die Zeile mit „{point}“ setzt Markdown im Absatz davor fort, ohne Zeilenumbruch{more}; für "
                    "eine eigene Zeile die Zeile davor mit \\ beenden (oder eine Leerzeile davor setzen)",
                )
            )  # fmt: skip
    return found


def _continued_points(text: str) -> list[int]:
    """Where lines opening with „a)“ or „(2)“ continue a paragraph (its line breaks become spaces): two of them
    or more in one paragraph; a single one is likely a reference that wrapped there („§ 5 / (2) der Satzung“)."""
    starts = [m.end() - len(m.group().lstrip(" \t>")) for m in _POINT.finditer(text)]
    if len(starts) < 2:
        return []
    lines = text.split("\n")
    line_at = [0]
    for line in lines:
        line_at.append(line_at[-1] + len(line) + 1)
    paragraph_of: dict[int, int] = {}  # a continued line → the first line of its paragraph
    for token in prose_parser().parse(text):
        if token.type == "paragraph_open" and token.map is not None:
            first, end = token.map
            for n in range(first + 1, end):
                if not lines[n - 1].endswith(("\\", "  ")):
                    paragraph_of[n] = first
    found = [(at, paragraph_of.get(bisect_right(line_at, at) - 1)) for at in starts]
    per_paragraph = Counter(paragraph for _, paragraph in found if paragraph is not None)
    return [at for at, paragraph in found if paragraph is not None and per_paragraph[paragraph] >= 2]


def _without_echoes(found: list[Diagnostic]) -> list[Diagnostic]:
    """A misspelt required key (`betref:`) is one mistake: its unknown-key error suggests the right name, so
    the missing-key error for that name is left out."""
    unknown = [d.path for d in found if d.code == "unknown-key" and d.path]
    return [
        d
        for d in found
        if not (
            d.code == "missing-key"
            and d.path
            and any(u[:-1] == d.path[:-1] and did_you_mean(str(u[-1]), [str(d.path[-1])]) for u in unknown)
        )
    ]


#: Stand-ins for required fields that failed, so that the rules across fields still judge the rest.
_STAND_INS: dict[str, Any] = {
    "nummer": "VI-A-00000-VSP-01",
    "betreff": "x",
    "eingereicht_von": "x",
    "beratungsfolge": [{"gremium": "x"}],
}


def _findings_despite(data: Any, failed: set[str | int]) -> list[rules.Finding]:
    """The rules' findings about the fields that are valid, when others are not: every problem of a file is
    reported at once, not one round of fixes after another. A failed field is dropped or stood in for, and
    findings about it are left out; a wrong `art` leaves the form unknown, so no rule runs."""
    if not isinstance(data, dict) or "art" in failed:
        return []
    rest = {key: value for key, value in data.items() if key not in failed}
    rest.update({key: _STAND_INS[key] for key in failed if key in _STAND_INS})
    if "empfehlung" in failed:  # an option of the statement's own form
        rest["empfehlung"] = OPTIONS_BY_ART[Art(rest.get("art", Art.ANTRAG))][0].value
    try:
        statement = Statement.model_validate(rest)
    except ValidationError:
        return []
    return [finding for finding in rules.check(statement) if not _about_failed(finding, failed)]


def _about_failed(finding: rules.Finding, failed: set[str | int]) -> bool:
    """Whether a finding speaks of a field that failed (one about the whole file: of the Begründung)."""
    if finding.path:
        return finding.path[0] in failed
    return bool(failed & {"begruendung", "sachverhalt"})


def validate_document(doc: LoadedDocument) -> tuple[Statement | None, list[Diagnostic]]:
    """Validate parsed data; returns the statement (None if the model rejects it) and all diagnostics."""
    diagnostics = _character_diagnostics(doc) + _prose_diagnostics(doc)
    statement: Statement | None = None
    findings: list[rules.Finding] = []
    try:
        statement = Statement.model_validate(doc.data)
        findings = list(rules.check(statement))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        diagnostics.extend(_without_echoes([_translate(e, doc) for e in errors]))
        findings = _findings_despite(doc.data, {e["loc"][0] for e in errors if e["loc"]})
    for finding in findings:
        path = _as_written(finding.path, doc.data)
        span = doc.locate(path, key=finding.at_key)
        diagnostics.append(
            Diagnostic(str(doc.path), span, path, finding.severity, finding.code, finding.message)
        )
    diagnostics.sort(key=lambda d: (d.span.line, d.span.column))
    if any(d.severity is Severity.ERROR for d in diagnostics):
        statement = None
    return statement, diagnostics


def check_file(
    path: Path, *, strict: bool = False, display_name: str | None = None, raw: bytes | None = None
) -> Result:
    """Load and validate one file, never raising for bad input; `strict` turns warnings into errors.

    `raw`: the file's bytes, when the caller has read them (a build fingerprints exactly what it renders).
    """
    try:
        doc = read_file(path) if raw is None else load_bytes(path, raw)
    except InvalidInput as exc:
        return Result(path, None, exc.diagnostics)
    if display_name is not None:
        doc.path = Path(display_name)
    statement, diagnostics = validate_document(doc)
    if strict and diagnostics:
        diagnostics = [d.escalated() for d in diagnostics]
        statement = None
    return Result(path, statement, diagnostics, doc.text)


def load_statement(path: Path, *, strict: bool = False) -> Statement:
    """The statement in `path`; raises `InvalidInput` with every error (warnings are dropped)."""
    result = check_file(path, strict=strict)
    if result.statement is None:
        raise InvalidInput([d for d in result.diagnostics if d.severity is Severity.ERROR])
    return result.statement
