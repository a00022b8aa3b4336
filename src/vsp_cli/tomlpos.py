"""Where every key and value of a TOML file stands: `tomllib` parses, but reports no positions.

`positions(text)` scans the source once and maps each path (`("bloecke", "empfehlung", "optionen", 3, "id")`)
to the span of its key and of its value, for tables, dotted keys, inline tables, arrays and arrays of tables.
It reads only what `tomllib` already accepted, so it need not report syntax errors: where the source is odd it
stops quietly, and the caller falls back to the nearest known parent.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .charset import TYPOGRAPHIC_QUOTES
from .diagnostics import START, Span
from .limits import MAX_TOML_NESTING

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """The key (a table's header for tables) and the value of one path."""

    key: Span
    value: Span


_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ML_BASIC = re.compile(r'"""(?:[^\\]|\\.)*?"""(?!")', re.DOTALL)
_ML_LITERAL = re.compile(r"'''.*?'''(?!')", re.DOTALL)
_SCALAR_END = re.compile(r"[,\]}\n#]")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\", "e": "\x1b"}


_TOO_DEEP = (
    f"TOML-Syntaxfehler: Listen und Tabellen sind hier tiefer als {MAX_TOML_NESTING} Ebenen verschachtelt "
    "(Grenze MAX_TOML_NESTING)"
)
#: A decimal integer longer than Python converts (`sys.get_int_max_str_digits()`, 4,300 digits): tomllib raises
#: a bare ValueError for it, not a TOMLDecodeError.
_LONG_INTEGER = re.compile(r"(?<![\w.])[-+]?[0-9](?:_?[0-9]){4300}")


class _Stop(Exception):
    """The source is not what this scanner expects; what was found so far stands."""


class TomlProblem(Exception):
    """A TOML source that cannot be read: where, and why in German."""

    def __init__(self, span: Span, message: str) -> None:
        super().__init__(message)
        self.span = span
        self.message = message


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.found: dict[PathKey, Entry] = {}
        self.array_tables: dict[PathKey, int] = {}
        self.depth = 0

    # --- positions -----------------------------------------------------------------------------------------

    def point(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self.line_starts)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid
        return lo, offset - self.line_starts[lo]

    def span(self, start: int, end: int) -> Span:
        line, column = self.point(start)
        end_line, end_column = self.point(max(start, end))
        return Span(line, column, end_line, max(end_column, column + 1) if end_line == line else end_column)

    def record(self, path: PathKey, key: Span, value: Span) -> None:
        self.found.setdefault(path, Entry(key, value))

    # --- lexing --------------------------------------------------------------------------------------------

    def skip_blank(self, newlines: bool) -> None:
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char in " \t" or (newlines and char in "\r\n"):
                self.at += 1
            elif char == "#":
                end = text.find("\n", self.at)
                self.at = len(text) if end < 0 else end
            else:
                return

    def key_part(self) -> str:
        text = self.text
        for pattern in (_BASIC, _LITERAL, _BARE):
            m = pattern.match(text, self.at)
            if m:
                self.at = m.end()
                raw = m.group()
                if pattern is _BARE:
                    return raw
                return _unescape(raw[1:-1]) if raw[0] == '"' else raw[1:-1]
        raise _Stop

    def dotted_key(self, table: PathKey = ()) -> tuple[list[str], int, int]:
        """A key of one or more parts; `table` is where it stands, to bound the depth of the path it makes
        (tomllib takes time squared in the parts of a dotted key: 60,000 `a.` took a minute)."""
        start = self.at
        parts = [self.key_part()]
        while True:
            save = self.at
            self.skip_blank(False)
            if self.text.startswith(".", self.at):
                self.at += 1
                self.skip_blank(False)
                parts.append(self.key_part())
                if len(table) + len(parts) > MAX_TOML_NESTING:
                    raise TomlProblem(self.span(start, self.at), _TOO_DEEP)
            else:
                self.at = save
                return parts, start, self.at

    # --- grammar -------------------------------------------------------------------------------------------

    def document(self) -> None:
        table: PathKey = ()
        text = self.text
        while True:
            self.skip_blank(True)
            if self.at >= len(text):
                return
            if text.startswith("[[", self.at):
                self.at += 2
                self.skip_blank(False)
                parts, start, end = self.dotted_key()
                names = tuple(parts)
                index = self.array_tables.get(names, -1) + 1
                self.array_tables[names] = index
                base = self.resolve(names[:-1]) + names[-1:]
                table = (*base, index)
                header = self.span(start, end)
                self.record(base, header, header)
                self.record(table, header, header)
                self.expect("]]")
            elif text.startswith("[", self.at):
                self.at += 1
                self.skip_blank(False)
                parts, start, end = self.dotted_key()
                table = self.resolve(tuple(parts))
                header = self.span(start, end)
                self.record(table, header, header)
                self.expect("]")
            else:
                self.key_value(table)
            self.skip_blank(False)

    def resolve(self, parts: tuple[str, ...]) -> PathKey:
        """A header path inside an array of tables means its latest entry: `[a.b]` after `[[a]]` is a[-1].b."""
        resolved: list[str | int] = []
        for n, part in enumerate(parts, start=1):
            resolved.append(part)
            index = self.array_tables.get(parts[:n])
            if index is not None:
                resolved.append(index)
        return tuple(resolved)

    def expect(self, token: str) -> None:
        self.skip_blank(False)
        if not self.text.startswith(token, self.at):
            raise _Stop
        self.at += len(token)

    def key_value(self, table: PathKey) -> None:
        parts, start, end = self.dotted_key(table)
        key_span = self.span(start, end)
        path = (*table, *parts)
        for n in range(len(table) + 1, len(path)):  # the implicit tables of a dotted key
            self.record(path[:n], key_span, key_span)
        self.expect("=")
        self.skip_blank(False)
        value_start = self.at
        self.value(path)
        self.record(path, key_span, self.span(value_start, self.at))

    def value(self, path: PathKey) -> None:
        text = self.text
        if text.startswith(("[", "{"), self.at):
            self.depth += 1
            if self.depth > MAX_TOML_NESTING:
                raise TomlProblem(self.span(self.at, self.at + 1), _TOO_DEEP)
            try:
                self.nested(path)
            finally:
                self.depth -= 1
        else:
            self.scalar()

    def nested(self, path: PathKey) -> None:
        text = self.text
        if text.startswith("[", self.at):
            self.at += 1
            index = 0
            while True:
                self.skip_blank(True)
                if text.startswith("]", self.at):
                    self.at += 1
                    return
                start = self.at
                self.value((*path, index))
                item = self.span(start, self.at)
                self.record((*path, index), item, item)
                index += 1
                self.skip_blank(True)
                if text.startswith(",", self.at):
                    self.at += 1
                elif not text.startswith("]", self.at):
                    raise _Stop
        elif text.startswith("{", self.at):
            self.at += 1
            while True:
                self.skip_blank(False)
                if text.startswith("}", self.at):
                    self.at += 1
                    return
                self.key_value(path)
                self.skip_blank(False)
                if text.startswith(",", self.at):
                    self.at += 1
                elif not text.startswith("}", self.at):
                    raise _Stop

    def scalar(self) -> None:
        text = self.text
        for pattern in (_ML_BASIC, _ML_LITERAL, _BASIC, _LITERAL):
            m = pattern.match(text, self.at)
            if m:
                self.at = m.end()
                return
        m = _SCALAR_END.search(text, self.at)
        end = len(text) if m is None else m.start()
        if end == self.at:
            raise _Stop
        self.at = end
        while self.at > 0 and text[self.at - 1] in " \t\r":
            self.at -= 1


def _unescape(raw: str) -> str:
    out = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw):
            code = raw[i + 1]
            if code in "uU":
                width = 4 if code == "u" else 8
                try:
                    out.append(chr(int(raw[i + 2 : i + 2 + width], 16)))
                except ValueError:
                    out.append(raw[i : i + 2 + width])
                i += 2 + width
                continue
            out.append(_ESCAPES.get(code, code))
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def positions(text: str) -> dict[PathKey, Entry]:
    """Every path of a TOML source that `tomllib` accepted, with the spans of its key and value.

    Raises `TomlProblem` where arrays or inline tables nest deeper than `MAX_TOML_NESTING`."""
    scanner = _Scanner(text)
    with contextlib.suppress(_Stop):
        scanner.document()
    return scanner.found


def read(text: str) -> tuple[dict[str, Any], dict[PathKey, Entry]]:
    """A TOML source's data and positions; raises `TomlProblem`, located and in German, where it cannot be
    read. The nesting is checked before `tomllib` parses, which would otherwise exhaust the stack."""
    found = positions(text)
    try:
        return tomllib.loads(text), found
    except tomllib.TOMLDecodeError as exc:
        raise TomlProblem(*syntax_problem(str(exc), text)) from None
    except ValueError:  # an integer of more digits than Python converts
        m = _LONG_INTEGER.search(text)
        span = _Scanner(text).span(m.start(), m.end()) if m else START
        raise TomlProblem(
            span,
            "TOML-Syntaxfehler: eine Zahl mit mehr als 4.300 Stellen (so lange Zahlen liest Python nicht)",
        ) from None
    except RecursionError:  # the scanner stopped early on an odd source and did not see the depth
        raise TomlProblem(
            START,
            f"TOML-Syntaxfehler: Listen und Tabellen sind tiefer als {MAX_TOML_NESTING} Ebenen verschachtelt",
        ) from None


def locate(found: Mapping[PathKey, Entry], path: PathKey, *, key: bool = False) -> Span:
    """The span of `path`'s value (or key), or of its nearest parent that the source shows; else the start."""
    for end in range(len(path), 0, -1):
        entry = found.get(path[:end])
        if entry is not None:
            return entry.key if key and end == len(path) else entry.value if end == len(path) else entry.key
    return START


# --- reading ------------------------------------------------------------------------------------------------

#: tomllib's problem texts in German; others are shown as they are after a German lead.
TOML_PROBLEMS = {
    "Invalid value": "ungültiger Wert (Texte gehören in Anführungszeichen, Wahrheitswerte sind true/false)",
    "Expected '=' after a key in a key/value pair": "„=“ nach dem Schlüssel erwartet",
    "Cannot overwrite a value": "der Schlüssel steht doppelt in der Datei",
    "Cannot declare": "die Tabelle steht doppelt in der Datei",
    "Unclosed array": "eckige Klammer der Liste nicht geschlossen",
    "Unclosed inline table": "geschweifte Klammer der Tabelle nicht geschlossen",
    "Illegal character": "ungültiges Zeichen (fehlt ein schließendes Anführungszeichen?)",
    "Unterminated string": "Anführungszeichen nicht geschlossen",
    "Invalid statement": "ungültige Zeile; erwartet wird schluessel = wert oder [tabelle]",
    "Expected newline or end of document after a statement": "nach dem Wert darf in der Zeile nichts "
    "mehr stehen (Kommentare beginnen mit #)",
}
_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


def syntax_problem(message: str, text: str) -> tuple[Span, str]:
    """Where a `tomllib.TOMLDecodeError` points and what it means, in German."""
    m = _TOML_POSITION.search(message)
    problem = message[: m.start()] if m else message
    rows = text.splitlines() or [""]
    if m and m.group(1):
        line, column = int(m.group(1)) - 1, int(m.group(2)) - 1
    else:
        line, column = len(rows) - 1, len(rows[-1])
    german = next((g for e, g in TOML_PROBLEMS.items() if problem.startswith(e)), None)
    quote_mark = rows[line][column : column + 1] if line < len(rows) else ""
    if problem.startswith("Invalid value") and quote_mark in TYPOGRAPHIC_QUOTES:
        # pasted from a word processor: „Stadt Leipzig“ or “Stadt Leipzig”
        german = f'ungültiger Wert: Texte stehen in geraden Anführungszeichen "…", nicht in typografischen ({quote_mark})'
    return Span(line, column, line, column + 1), f"TOML-Syntaxfehler: {german if german else f'({problem})'}"
