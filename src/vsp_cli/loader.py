"""Read a statement file safely and strictly, keeping where every value stands in the source.

PyYAML reads YAML 1.1, whose implicit types surprise clerks (`no` → False, `17:00` → 1020, `0123` → 83, dates
→ `datetime.date`). This loader resolves only `true`/`false` (lower case, as the spec says), decimal numbers
and null implicitly; everything else stays a string for the model to judge. It refuses custom tags, duplicate
keys, several documents, bytes that are not UTF-8, NUL bytes, oversized files and runaway alias expansion, each
with a located German message.

The data is built from the composed node tree in one pass, which also records a position for every path in the
data, so that validation errors can point at line and column.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import charset
from .diagnostics import START, Diagnostic, Severity, Span, byte_span, german_number, quote, shorten
from .errors import InvalidInput
from .fileio import os_reason, read_regular
from .limits import MAX_BYTES, MAX_CHARS, MAX_DEPTH, MAX_NODES

PathKey = tuple[str | int, ...]

_Base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_Base):  # type: ignore[misc]
    """SafeLoader (libyaml where available) with a YAML-1.2-like implicit-resolver table."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}


_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
_ALLOWED_SCALAR_TAGS = {
    STR_TAG,
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    NULL_TAG,
}

#: PyYAML's problem texts, in German. Unknown ones are shown as they are, after a German lead.
_YAML_PROBLEMS = {
    "exceeded maximum nesting depth": "zu tief verschachtelt (mehr als 1.000 Ebenen aus [ oder {); ein Standpunkt "
    "hat höchstens vier",
    "mapping values are not allowed": "Doppelpunkt an unerwarteter Stelle; steht ein „: “ in einem "
    "Wert? Dann den Wert in Anführungszeichen setzen (oder ist die Einrückung falsch?)",
    "did not find expected key": "Schlüssel erwartet; ist die Einrückung falsch?",
    "did not find expected '-' indicator": "Listeneintrag („- “) erwartet; ist die Einrückung falsch?",
    "did not find expected node content": "Wert erwartet",
    "found invalid Unicode character escape code": "ungültige Unicode-Escape-Sequenz in Anführungszeichen",
    "found character that cannot start any token": "Zeichen, mit dem kein Wert beginnen darf (z. B. @ "
    "oder `); bitte den Wert in Anführungszeichen setzen",
    "did not find expected ',' or ']'": "„,“ oder „]“ erwartet (Liste in eckigen Klammern nicht geschlossen?)",
    "did not find expected ',' or '}'": "„,“ oder „}“ erwartet (Zuordnung in geschweiften Klammern nicht "
    "geschlossen?)",
    "found unexpected ':'": "unerwarteter Doppelpunkt; bitte den Wert in Anführungszeichen setzen",
    "block sequence entries are not allowed": "Listeneintrag an unerwarteter Stelle; ist die Einrückung "
    "falsch?",
    "could not find expected ':'": "Doppelpunkt erwartet (Schlüssel: Wert)",
    "found character '\\t' that cannot start any token": "Tabulatorzeichen sind zum Einrücken nicht erlaubt; "
    "bitte Leerzeichen verwenden",
    "found unexpected end of stream": "Datei endet unerwartet (fehlt ein schließendes Anführungszeichen?)",
    "expected <block end>, but found '<block sequence start>'": "Listeneintrag falsch eingerückt",
    "expected <block end>, but found '<block mapping start>'": "Schlüssel falsch eingerückt",
    "expected <block end>, but found '<scalar>'": "Wert falsch eingerückt",
    "expected <block end>, but found '-'": "Listeneintrag falsch eingerückt",
    "found undefined alias": "Verweis (*alias) auf einen Anker, den es nicht gibt",
    "found unknown escape character": "unbekannte Escape-Sequenz in Anführungszeichen (\\ verdoppeln?)",
    "found duplicate anchor; first occurrence": "Anker doppelt definiert",
    "while scanning a simple key": "Zeile ohne Doppelpunkt zwischen Schlüssel und Wert (fehlt das „:“ nach "
    "dem Schlüssel, oder ist die Zeile zu wenig eingerückt?)",
    "while scanning a quoted scalar": "Anführungszeichen wird nicht geschlossen (der Wert liefe bis zum nächsten "
    "Anführungszeichen oder zum Dateiende)",
    "found a tab character where an indentation space is expected": "Tabulatorzeichen sind zum Einrücken "
    "nicht erlaubt; bitte Leerzeichen verwenden",
    "found a tab character that violates indentation": "Tabulatorzeichen sind zum Einrücken nicht erlaubt; "
    "bitte Leerzeichen verwenden",
}


@dataclass(frozen=True, slots=True)
class Located:
    """Where a value stands: its node and, for mapping values, its key's node (spans computed on demand)."""

    node: Node
    key_node: Node | None = None

    @property
    def span(self) -> Span:
        return _span(self.node)

    @property
    def key_span(self) -> Span | None:
        return None if self.key_node is None else _span(self.key_node)

    @property
    def style(self) -> str | None:
        return self.node.style if isinstance(self.node, ScalarNode) else None


@dataclass
class LoadedDocument:
    """A statement file's data and a position for every path in it."""

    path: Path
    text: str
    data: Any
    positions: dict[PathKey, Located] = field(default_factory=dict)

    def locate(self, path: PathKey, *, key: bool = False) -> Span:
        """The span of the deepest existing prefix of `path` (a missing key maps to its parent)."""
        for end in range(len(path), -1, -1):
            located = self.positions.get(path[:end])
            if located is not None:
                if key and end == len(path) and located.key_span is not None:
                    return located.key_span
                return located.span
        return START

    def strings(self) -> Iterator[tuple[PathKey, str]]:
        """Every string in the data (keys excluded) with its path, in document order."""

        def walk(value: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
            if isinstance(value, str):
                yield path, value
            elif isinstance(value, dict):
                for k, v in value.items():
                    yield from walk(v, (*path, k))
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    yield from walk(v, (*path, i))

        yield from walk(self.data, ())

    def char_span(self, path: PathKey, index: int) -> Span:
        """The position in the source of character `index` of the string at `path`.

        Exact in every scalar style (escapes, folded lines and indentation included); the value's start where
        the source does not produce that character (an alias, an unusual line break).
        """
        located = self.positions.get(path)
        if located is None:
            return self.locate(path)
        node, value = located.node, self.data_at(path)
        if isinstance(node, ScalarNode) and isinstance(value, str) and 0 <= index < len(value):
            start = node.start_mark.index
            offset = _source_offset(self.text[start : node.end_mark.index], node.style, value, index)
            if offset is not None:
                line = bisect.bisect_right(self._line_starts, start + offset) - 1
                column = start + offset - self._line_starts[line]
                return Span(line, column, line, column + 1)
        return located.span

    @cached_property
    def _line_starts(self) -> list[int]:
        """Offsets where lines start, counted as libyaml and editors count them (marks give other positions)."""
        return [0, *(m.end() for m in _YAML_BREAK.finditer(self.text))]

    def data_at(self, path: PathKey) -> Any:
        value = self.data
        for part in path:
            value = value[part]
        return value


#: Line breaks as libyaml counts them in a loaded file (`_HIDDEN_BREAK` ones are refused before parsing).
_YAML_BREAK = re.compile("\r\n|[\r\n]")
#: White space that folding, indentation and chomping add or remove: not counted when matching source to value.
#: A line break in the source is produced as "\n" (`_produced`); a "\r" in a value comes from an escape.
_FOLDABLE = frozenset(" \t\n")
#: An anchor (`&name`) or tag (`!!str`) before a value: part of the node's source, but no text of the value.
_PROPERTIES = re.compile(r"(?:[&!]\S*\s+)*")
#: Double-quoted escapes of one character (YAML 1.1, 5.7); \x, \u and \U take hex digits.
_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
    "P": "\u2029",
}  # fmt: skip
_HEX_WIDTH = {"x": 2, "u": 4, "U": 8}


def _source_offset(source: str, style: str | None, value: str, index: int) -> int | None:
    """Where in a scalar's `source` the character `value[index]` was written, or None if it cannot be told.

    Counts the characters that are not foldable white space: the n-th such character of the value is the n-th
    the source produces.
    """
    target = value[index]
    if target in _FOLDABLE:
        return None
    remaining = sum(1 for char in value[:index] if char not in _FOLDABLE)
    for offset, char in _produced(source, style):
        if char in _FOLDABLE:
            continue
        if remaining == 0:
            return offset if char == target else None
        remaining -= 1
    return None


def _produced(source: str, style: str | None) -> Iterator[tuple[int, str]]:
    """(offset, character) for each character a scalar's source text produces, in order; line breaks as "\n"."""
    skipped = 0 if style in ("|", ">") else _PROPERTIES.match(source).end()  # type: ignore[union-attr]
    for offset, char in _produced_from(source[skipped:], style):
        yield skipped + offset, "\n" if char == "\r" and source[skipped + offset] == "\r" else char


def _produced_from(source: str, style: str | None) -> Iterator[tuple[int, str]]:
    if style in ("|", ">"):  # the indicator line, with any anchor, tag or comment, produces nothing
        header = _YAML_BREAK.search(source)
        start = header.end() if header else len(source)
        yield from ((i, source[i]) for i in range(start, len(source)))
    elif style == "'":
        i = 1
        while i < len(source) - 1:
            yield i, source[i]
            i += 2 if source.startswith("''", i) else 1
    elif style == '"':
        yield from _produced_double_quoted(source)
    else:
        yield from enumerate(source)


def _produced_double_quoted(source: str) -> Iterator[tuple[int, str]]:
    i, end = 1, len(source) - 1
    while i < end:
        char = source[i]
        if char != "\\":
            yield i, char
            i += 1
            continue
        code = source[i + 1 : i + 2]
        if code in _HEX_WIDTH:
            digits = source[i + 2 : i + 2 + _HEX_WIDTH[code]]
            try:
                yield i, chr(int(digits, 16))
            except (ValueError, OverflowError):
                return
            i += 2 + len(digits)
        elif code in ("\r", "\n"):  # an escaped line break joins the lines and produces nothing
            i += 3 if source.startswith("\r\n", i + 1) else 2
        else:
            yield i, _ESCAPES.get(code, code)
            i += 2


def _span(node: Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line, start.column, end.line, end.column)


def _error(path: Path, span: Span, code: str, message: str) -> Diagnostic:
    return Diagnostic(file=str(path), span=span, path=(), severity=Severity.ERROR, code=code, message=message)


def _decode(path: Path, raw: bytes) -> str:
    """Bytes to text: UTF-8 with optional BOM; anything else is refused with a position."""
    if len(raw) > MAX_BYTES:
        raise InvalidInput(
            [
                _error(
                    path,
                    START,
                    "file-too-large",
                    f"Die Datei ist zu groß: mehr als {german_number(MAX_BYTES)} Bytes (Grenze MAX_BYTES); ein "
                    "Standpunkt ist selten größer als 100 kB",
                )
            ]
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = 0 if _is_utf16(raw) else raw.find(b"\x00")
    if nul >= 0:
        raise InvalidInput([_error(path, byte_span(raw, nul), "nul-byte", _binary_message(raw))])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            [
                _error(
                    path,
                    byte_span(raw, exc.start),
                    "not-utf8",
                    f"Die Datei ist nicht UTF-8-kodiert (ungültiges Byte 0x{raw[exc.start]:02X}); "
                    "bitte im Editor als UTF-8 speichern",
                )
            ]
        ) from None


def _is_utf16(raw: bytes) -> bool:
    """With a byte-order mark, or without one as some editors write it: text whose ASCII letters alternate with
    NUL bytes (every other of the first bytes is NUL, the rest are not)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = raw[:200]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return (even.count(0) == len(even) and odd.count(0) == 0) or (
        odd.count(0) == len(odd) and even.count(0) == 0
    )


def _binary_message(raw: bytes) -> str:
    if _is_utf16(raw):
        return "Die Datei ist UTF-16-kodiert; bitte als UTF-8 speichern"
    return "Die Datei enthält ein NUL-Byte; ist sie eine Binärdatei? Erwartet wird YAML-Text in UTF-8"


def _char_span(text: str, offset: int) -> Span:
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return Span(line, column, line, column + 1)


def _translate(problem: str | None) -> str:
    if not problem:
        return "YAML-Syntaxfehler"
    for english, german in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return f"YAML-Syntaxfehler: {german}"
    return f"YAML-Syntaxfehler ({shorten(problem)})"


#: Typographic quotes, which a clerk may take for YAML's quotes around a value with „: “ in it.
_GERMAN_QUOTES = frozenset("„“”‚‘’»«")
#: PyYAML's contexts whose mark is where the mistake is: the start of a key whose colon is missing (or of a
#: line indented too little), and an opening quote never closed. Their problem texts name where PyYAML gave up.
_OPENING_CONTEXTS = frozenset({"while scanning a simple key", "while scanning a quoted scalar"})


def _line_of(text: str, mark: yaml.Mark) -> str:
    """The source line a mark is on."""
    end = text.find("\n", mark.index)
    return text[mark.index - mark.column : end if end >= 0 else len(text)]


def _quote_closed_on_line(text: str, line: int) -> str:
    """A hint if a quoted value spanning several lines ends on `line`, where a syntax error was found: a quote
    left open in an earlier line is then closed by the first quote character that follows."""
    quoted: yaml.ScalarToken | None = None
    try:
        for token in yaml.scan(text, Loader=_Base):
            if token.start_mark.line > line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                quoted = token
    except yaml.YAMLError:
        pass
    if quoted is None or quoted.end_mark.line != line or quoted.start_mark.line == line:
        return ""
    return (
        f" (das Anführungszeichen in Zeile {quoted.start_mark.line + 1} wird erst hier geschlossen; fehlt dort "
        "ein schließendes?)"
    )


def _quote_closed_early(text: str, mark: yaml.Mark) -> tuple[Span, str] | None:
    """Where a quoted value ended at a quote inside its text, and what to write instead: `betreff: "Der „Radweg"
    am …"` (a German opening quote, the closing one typed straight) ends at the second `"`, and YAML finds text
    after the value. None if the error is not text right after a quoted value on its line."""
    quoted: yaml.ScalarToken | None = None
    try:
        for token in yaml.scan(text, Loader=_Base):
            if token.start_mark.index >= mark.index:
                break
            quoted = token if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"') else None
    except yaml.YAMLError:
        pass
    if (
        quoted is None
        or quoted.end_mark.line != mark.line
        or quoted.start_mark.line != mark.line  # opened on an earlier line: `_quote_closed_on_line`
        or text[quoted.end_mark.index : mark.index].strip()
    ):
        return None
    if text[mark.index : mark.index + 1] in ("", "#", ",", "]", "}", ":", "\n", "\r"):
        return None
    line, column = quoted.end_mark.line, quoted.end_mark.column - 1
    span = Span(line, column, line, column + 1)
    if quoted.style == '"':
        return span, (
            'Das gerade Anführungszeichen " beendet hier schon den Wert, der mit " beginnt; im Text „…“ schreiben '
            "(oder den Wert in '…' einschließen)"
        )
    return span, (
        "Der Apostroph ' beendet hier schon den Wert, der mit ' beginnt; im Text ’ schreiben oder ihn verdoppeln "
        "('') (oder den Wert in \"…\" einschließen)"
    )


#: Spaces that editors show as blanks but YAML reads as text (no-break and other Unicode spaces, zero-width
#: characters, a byte order mark inside the file): pasted from Word or Outlook, they break indentation and „: “.
_PASTED_SPACES = "\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff"
#: A line indented (or with a list dash) where a pasted space stands among the indentation's blanks.
_PASTED_INDENT = re.compile(rf"^ *(?:- +)*([{_PASTED_SPACES}])[ {_PASTED_SPACES}]*(?:- |[^\s:#]+:(?: |$))")
#: A key whose colon is followed by neither a blank nor the line's end: `betreff:Text` or `betreff:<NBSP>Text`.
_KEY_COLON = re.compile(r"^ *(?:- +)*[A-Za-zÄÖÜäöüß_][\w-]*:(?!//)([^ \t\r\n])")


def _block_scalar_lines(text: str) -> set[int]:
    """The lines of `|` and `>` values before a syntax error: there a no-break space is text, not indentation."""
    lines: set[int] = set()
    try:
        for token in yaml.scan(text, Loader=_Base):
            if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
                end = token.end_mark.line + (1 if token.end_mark.column else 0)
                lines.update(range(token.start_mark.line + 1, end))
    except yaml.YAMLError:
        pass
    return lines


def _pasted_space(text: str, mark: yaml.Mark, simple_key: bool) -> tuple[Span, str] | None:
    """Where a syntax error has a cause the parser cannot name, and its message: a pasted space in the
    indentation of a line up to the error's, or (the error being a key without its colon) a colon in that
    key's line with no blank after it."""
    lines = text[: mark.index + len(_line_of(text, mark)) - mark.column].split("\n")
    literal = _block_scalar_lines(text)
    for number, line in enumerate(lines):
        found = None if number in literal else _PASTED_INDENT.match(line.rstrip("\r"))
        if found:
            char = found.group(1)
            return Span(number, found.start(1), number, found.start(1) + 1), (
                f"Am Anfang der Zeile steht das Zeichen {charset.describe(char)}, etwa "
                "aus Word kopiert, das YAML nicht als Leerzeichen liest; bitte durch gewöhnliche Leerzeichen "
                "ersetzen oder entfernen"
            )
    if not simple_key:
        return None
    colon = _KEY_COLON.match(_line_of(text, mark))
    if colon is None:
        return None
    at, char = colon.start(1), colon.group(1)
    span = Span(mark.line, at, mark.line, at + 1)
    if char.isspace() or unicodedata.category(char) == "Cf":
        return span, (
            f"Nach dem Doppelpunkt steht das Zeichen {charset.describe(char)}, etwa "
            "aus Word kopiert, kein gewöhnliches Leerzeichen; YAML trennt Schlüssel und Wert nur mit „: “: "
            "bitte durch ein Leerzeichen ersetzen"
        )
    return span, (
        "Nach dem Doppelpunkt fehlt ein Leerzeichen; YAML trennt Schlüssel und Wert nur mit „: “ "
        "(Doppelpunkt und Leerzeichen)"
    )


def _compose(path: Path, text: str) -> Node:
    loader = _StrictLoader(text)
    try:
        node: Node | None = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or ""
        # A key without its colon, or a quote never closed: where it starts, not where the parser gave up
        # (the next key, or the end of the file)
        opened = exc.context in _OPENING_CONTEXTS and exc.context_mark is not None
        if opened:
            problem = str(exc.context)
        mark = exc.context_mark if opened else exc.problem_mark or exc.context_mark
        span = Span(mark.line, mark.column, mark.line, mark.column + 1) if mark else START
        if "expected a single document" in problem or "but found another document" in problem:
            raise InvalidInput(
                [
                    _error(
                        path,
                        span,
                        "multiple-documents",
                        "Die Datei enthält mehrere YAML-Dokumente („---“); erlaubt ist genau ein Standpunkt "
                        "pro Datei",
                    )
                ]
            ) from None
        simple_key = opened and exc.context == "while scanning a simple key"
        pasted = None if mark is None else _pasted_space(text, mark, simple_key)
        if pasted is not None:
            span, problem = pasted
            raise InvalidInput([_error(path, span, "yaml-syntax", f"YAML-Syntaxfehler: {problem}")]) from None
        early = None if mark is None or opened else _quote_closed_early(text, mark)
        if early is not None:
            closing, problem = early
            raise InvalidInput(
                [_error(path, closing, "yaml-syntax", f"YAML-Syntaxfehler: {problem}")]
            ) from None
        tab = mark is not None and text[mark.index : mark.index + 1] == "\t"
        message = _translate(
            "found a tab character where an indentation space is expected" if tab else problem
        )
        if mark is not None and not opened:
            message += _quote_closed_on_line(text, mark.line)
        if mark is not None and _GERMAN_QUOTES & set(_line_of(text, mark)):
            message += (
                '; „…“ sind für YAML gewöhnliche Zeichen, keine Anführungszeichen: den ganzen Wert in "…" oder '
                "'…' einschließen"
            )
        raise InvalidInput([_error(path, span, "yaml-syntax", message)]) from None
    except yaml.reader.ReaderError as exc:
        span = _char_span(text, exc.position)
        raise InvalidInput(
            [
                _error(
                    path,
                    span,
                    "control-character",
                    f"Das Steuerzeichen U+{exc.character if isinstance(exc.character, int) else ord(exc.character):04X} "
                    "ist in YAML nicht erlaubt; bitte entfernen",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise InvalidInput([_error(path, START, "yaml-syntax", _translate(str(exc)))]) from None
    finally:
        loader.dispose()
    if node is None:
        raise InvalidInput(
            [_error(path, START, "empty-file", "Die Datei ist leer; erwartet wird ein Standpunkt")]
        )
    return node


class _Builder:
    """Builds Python data from nodes, records positions and collects (not raises) structural problems."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.positions: dict[PathKey, Located] = {}
        self.diagnostics: list[Diagnostic] = []
        self.nodes = 0
        self.chars = 0

    def build(self, node: Node, path: PathKey, depth: int = 0, key_node: Node | None = None) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            self._over_limit(
                node,
                "too-many-nodes",
                "Die Datei ist zu verschachtelt oder expandiert durch Verweise (*alias) auf mehr als "
                f"{german_number(MAX_NODES)} Werte (Grenze MAX_NODES)",
            )
        if path not in self.positions:
            self.positions[path] = Located(node, key_node)
        if isinstance(node, ScalarNode):
            self.chars += len(node.value)
            if self.chars > MAX_CHARS:
                self._over_limit(
                    node,
                    "too-much-text",
                    "Die Datei expandiert durch Verweise (*alias) auf mehr als "
                    f"{german_number(MAX_CHARS)} Zeichen Text (Grenze MAX_CHARS)",
                )
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            self._check_tag(node, "tag:yaml.org,2002:seq")
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            self._check_tag(node, "tag:yaml.org,2002:map")
            return self._mapping(node, path, depth)
        raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover

    def _over_limit(self, node: Node, code: str, problem: str) -> NoReturn:
        """Stop building: the data is larger than any statement (a limit protects against alias bombs)."""
        message = f"{problem}; ein Standpunkt braucht keine Verweise"
        raise InvalidInput([_error(self.path, _span(node), code, message)])

    def _check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            self._tag_error(node)

    def _tag_error(self, node: Node) -> None:
        self.diagnostics.append(
            _error(
                self.path,
                _span(node),
                "yaml-tag",
                f"Das YAML-Tag {quote(node.tag)} ist nicht erlaubt; ein Standpunkt enthält nur Text, Listen, "
                "Zuordnungen, Zahlen und true/false",
            )
        )

    def _scalar(self, node: ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag not in _ALLOWED_SCALAR_TAGS:
            self._tag_error(node)
            return value
        if tag == STR_TAG:
            return value
        if tag == NULL_TAG:
            return None
        if tag == "tag:yaml.org,2002:bool":
            if value in ("true", "false"):
                return value == "true"
            return value  # an explicit !!bool on anything else stays text for the model to reject
        try:
            return int(value) if tag == "tag:yaml.org,2002:int" else float(value)
        except ValueError:
            return value

    def _mapping(self, node: MappingNode, path: PathKey, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        seen: dict[Any, Span] = {}
        in_list = bool(path) and isinstance(path[-1], int)
        first_key: Any = None
        dashless = False  # the keys since a missing „- “ belong to the row that lost it: not reported again
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _ALLOWED_SCALAR_TAGS:
                self.diagnostics.append(
                    _error(self.path, _span(key_node), "invalid-key", "Schlüssel müssen einfache Wörter sein")
                )
                continue
            key = key_node.value if key_node.tag != "tag:yaml.org,2002:null" else ""
            key_span = _span(key_node)
            if key == "<<":
                self.diagnostics.append(
                    _error(
                        self.path,
                        key_span,
                        "yaml-merge",
                        "Zusammenführen mit „<<“ ist nicht erlaubt; bitte die Werte ausschreiben",
                    )
                )
                continue
            if first_key is None:
                first_key = key
            if key in seen and in_list and key == first_key:
                dashless = True
                self.diagnostics.append(
                    Diagnostic(
                        file=str(self.path),
                        span=key_span,
                        path=(*path, key),
                        severity=Severity.ERROR,
                        code="missing-dash",
                        message=f"Hier beginnt eine neue Zeile der Liste, aber ihr fehlt das „- “ vor „{key}:“ "
                        f"(so stehen ihre Schlüssel doppelt in der Zeile davor, die in Zeile {seen[key].line + 1} "
                        "beginnt)",
                    )
                )
                continue
            if key in seen and dashless:
                continue
            if key in seen:
                first = seen[key]
                self.diagnostics.append(
                    Diagnostic(
                        file=str(self.path),
                        span=key_span,
                        path=(*path, key),
                        severity=Severity.ERROR,
                        code="duplicate-key",
                        message=f"Der Schlüssel {quote(key)} steht doppelt (zuerst in Zeile {first.line + 1}); "
                        "nur einer der beiden Werte würde gelten",
                    )
                )
                continue
            seen[key] = key_span
            result[key] = self.build(value_node, (*path, key), depth + 1, key_node)
        return result


#: Line breaks to YAML that editors show as none: every line number after one would be off by one.
_HIDDEN_BREAK = re.compile("[\x85\u2028\u2029]")


def load_text(path: Path, text: str) -> LoadedDocument:
    """Parse statement text; raises `InvalidInput` with every structural problem found."""
    hidden = _HIDDEN_BREAK.search(text)
    if hidden:
        char = hidden.group()
        hint = "; war „…“ gemeint?" if char == "\x85" else "; für einen Umbruch eine neue Zeile schreiben"
        message = (
            f"Das Zeichen U+{ord(char):04X} steht direkt in der Datei: YAML liest es als Zeilenumbruch, Editoren "
            f"zeigen keinen; bitte entfernen{hint}"
        )
        raise InvalidInput([_error(path, _char_span(text, hidden.start()), "control-character", message)])
    node = _compose(path, text)
    builder = _Builder(path)
    data = builder.build(node, ())
    if builder.diagnostics:
        raise InvalidInput(builder.diagnostics)
    return LoadedDocument(path=path, text=text, data=data, positions=builder.positions)


def load_bytes(path: Path, raw: bytes) -> LoadedDocument:
    return load_text(path, _decode(path, raw))


def read_source(path: Path) -> bytes:
    """A statement file's bytes, one more than MAX_BYTES at most; unreadable is an input problem."""
    try:
        return read_regular(path, MAX_BYTES + 1)
    except IsADirectoryError:
        raise InvalidInput([_error(path, START, "unreadable", "Ist ein Ordner, keine Datei")]) from None
    except OSError as exc:
        raise InvalidInput(
            [_error(path, START, "unreadable", f"Die Datei kann nicht gelesen werden: {os_reason(exc)}")]
        ) from None
    except ValueError:  # a NUL character in the name
        raise InvalidInput(
            [_error(path, START, "unreadable", "Der Dateiname enthält ein Nullzeichen")]
        ) from None


def read_file(path: Path) -> LoadedDocument:
    """Read and parse a statement file; an unreadable file is reported like any other input problem."""
    return load_bytes(path, read_source(path))
