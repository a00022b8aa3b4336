"""One diagnostic type for every problem vsp reports, and its three output formats (text, json, github)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from .limits import MAX_HINT_CHOICES, MAX_HINTS, MAX_LISTED, QUOTE_LIMIT


class Severity(StrEnum):
    ERROR = "fehler"
    WARNING = "warnung"


class Span(NamedTuple):
    """A region of the source, 0-based like PyYAML's marks; printed 1-based."""

    line: int
    column: int
    end_line: int
    end_column: int


#: The start of a file, for problems that belong to no particular place in it.
START = Span(0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A located problem: what, where (file, span, path in the data), how bad, and a stable code."""

    file: str
    span: Span
    path: tuple[str | int, ...]
    severity: Severity
    code: str
    message: str

    @property
    def line(self) -> int:
        return self.span.line + 1

    @property
    def column(self) -> int:
        return self.span.column + 1

    @classmethod
    def for_file(
        cls, file: object, code: str, message: str, severity: Severity = Severity.ERROR
    ) -> Diagnostic:
        """A problem with a file as a whole (unreadable, missing output, …): placed at its start."""
        return cls(str(file), START, (), severity, code, message)

    def escalated(self) -> Diagnostic:
        """The same problem as an error (`--strict`)."""
        return Diagnostic(self.file, self.span, self.path, Severity.ERROR, self.code, self.message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.span.end_line + 1,
            "end_column": self.span.end_column + 1,
            "path": ".".join(str(p) for p in self.path),
            "severity": "error" if self.severity is Severity.ERROR else "warning",
            "code": self.code,
            "message": self.message,
        }


class WrittenNumber(str):
    """A number as the file writes it, for messages: YAML reads `2.` as 2.0 and `1e3` as 1000.0."""


_CUT = "…"


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text`, or its first `limit` characters and „…“ if it is longer."""
    return text if len(text) <= limit else text[:limit] + _CUT


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value as messages quote it: „text“, cut after `limit` characters („text…“).

    Every message that repeats a value from a file (statement, configuration, template) quotes it through
    here, so none can copy more than a line's worth of a file into a CI log.
    """
    return f"„{shorten(str(value), limit)}“"


def quote_path(path: object, limit: int = QUOTE_LIMIT) -> str:
    """A path as messages quote it: „…/ordner/datei.png“, cut at the front, where its end (the name) stays."""
    text = str(path)
    return f"„{text if len(text) <= limit else _CUT + text[-limit:]}“"


def describe_value(value: Any, *, mapping: str = "eine Zuordnung") -> str:
    """A value as a German message shows what was found: „text“, die Zahl 5, eine Liste, …"""
    if value is None:
        return "nichts (leerer Wert)"
    if isinstance(value, bool):
        return f"den Wahrheitswert {str(value).lower()}"
    if isinstance(value, int | float | WrittenNumber):
        return f"die Zahl {shorten(str(value))}"
    if isinstance(value, list):
        return "eine Liste"
    if isinstance(value, dict):
        return mapping
    return quote(value)


def german_number(value: int) -> str:
    """A count or limit as German text shows it: 1.000.000."""
    return f"{value:,}".replace(",", ".")


def did_you_mean(
    word: str, choices: list[str] | tuple[str, ...], *, key: Callable[[str], str] | None = None
) -> str:
    """„ Meinten Sie „x“?“ for the closest choice, or an empty string; `key`: the part of `word` and of each
    choice that is compared (options without the dashes every one of them has)."""
    return hint_text(closest(word, choices, key=key))


def closest(
    word: str, choices: list[str] | tuple[str, ...], *, key: Callable[[str], str] | None = None
) -> str | None:
    """The choice closest to `word`, if one is close (`did_you_mean`)."""
    import difflib  # only needed when something is wrong

    if len(choices) > MAX_HINT_CHOICES:  # no slip of the keyboard among so many (see `Hints`)
        return None

    compared = {key(choice) if key else choice: choice for choice in choices}
    matches = difflib.get_close_matches(key(word) if key else word, list(compared), n=1, cutoff=0.6)
    return compared[matches[0]] if matches else None


def hint_text(choice: str | None) -> str:
    """„ Meinten Sie „x“?“ for a choice, or an empty string for none."""
    return f" Meinten Sie „{choice}“?" if choice is not None else ""


class Hints:
    """`did_you_mean` for the first MAX_HINTS problems of one check (a statement's, a form file's); later ones get
    no hint. A file may have thousands of unknown names, each of which `did_you_mean` compares with every known
    one."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = MAX_HINTS

    def __call__(self, word: str, choices: list[str] | tuple[str, ...]) -> str:
        return hint_text(self.closest(word, choices))

    def closest(self, word: str, choices: list[str] | tuple[str, ...]) -> str | None:
        """`closest`, while hints are left."""
        if self.left <= 0:
            return None
        self.left -= 1
        return closest(word, choices)


def listed(names: Iterable[str], separator: str = ", ", *, total: int | None = None) -> str:
    """Names for a message, at most MAX_LISTED of them („a, b, … (3.000 insgesamt)“): a form file's options and
    blocks come in any number. `total`: how many there are, where `names` gives only the first of them (each
    costs something to make: a path to shorten, a value to quote)."""
    names = list(names)
    count = len(names) if total is None else total
    if count <= MAX_LISTED:
        return separator.join(names)
    return f"{separator.join(names[:MAX_LISTED])}{separator}… ({german_number(count)} insgesamt)"


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.file, d.span.line, d.span.column, d.code)


#: Characters a terminal acts on (escape sequences, bells, bidi overrides): a hostile file's name or value in a
#: message must not clear the screen, set the window title or reorder the line.
_TERMINAL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """`text` with terminal controls written as escapes (`\x1b`): for every line vsp prints that may hold a name
    or value from a file (a message, the summary's folders, `vsp config`)."""
    return _TERMINAL_CONTROLS.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


def first_control(text: str) -> int | None:
    """Index of the first terminal control in `text` (what `escape_controls` escapes), or None."""
    found = _TERMINAL_CONTROLS.search(text)
    return found.start() if found is not None else None


#: How a line starts that a CI runner reads as a command to it, not as output: GitHub Actions takes
#: `::error …::…`, `::stop-commands::…`, `::set-output …` and the older `##[…]` after any leading white space
#: (Azure Pipelines `##vso[…]` alike).
_CI_COMMAND = re.compile(r"[\s\ufeff\u200b]*(?:::|##)")


def starts_ci_command(text: str) -> bool:
    """Whether a line beginning with `text` would be read by a CI runner as a command (`_CI_COMMAND`)."""
    return _CI_COMMAND.match(text) is not None


def shown_file(file: str) -> str:
    """A file's name as a line of output may begin with it: controls escaped, and `./` before a name a CI runner
    would read as a command (a statement named `::error title=…::….yaml` forged an annotation in the text format,
    `::stop-commands::x.yaml` silenced every later one)."""
    file = escape_controls(file)
    return f"./{file}" if starts_ci_command(file) else file


def format_text(d: Diagnostic, source: str | None = None) -> str:
    """`FILE:LINE:COL: fehler: MESSAGE [code]`, with the source line and a marker under it if given."""
    head = f"{shown_file(d.file)}:{d.line}:{d.column}: {d.severity.value}: {escape_controls(d.message)} [{d.code}]"
    if source is None:
        return head
    lines = source.splitlines()
    if not 0 <= d.span.line < len(lines):
        return head
    text = _TERMINAL_CONTROLS.sub("?", lines[d.span.line].replace("\t", " "))  # one column each, as before
    width = d.span.end_column - d.span.column if d.span.end_line == d.span.line else len(text) - d.span.column
    width = max(1, min(width, len(text) - d.span.column, 80))
    gutter = f"{d.line:>5} | "
    return f"{head}\n{gutter}{text}\n{' ' * (len(gutter) - 2)}| {' ' * d.span.column}{'^' * width}"


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(d: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the line in the pull request."""
    kind = "error" if d.severity is Severity.ERROR else "warning"
    props = (
        f"file={_gh_escape(escape_controls(d.file), prop=True)},line={d.line},col={d.column},"
        f"endLine={d.span.end_line + 1},endColumn={d.span.end_column + 1},title={_gh_escape('vsp ' + d.code, prop=True)}"
    )
    return f"::{kind} {props}::{_gh_escape(escape_controls(d.message))}"


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False, indent=2)


def count(diagnostics: Sequence[Diagnostic], severity: Severity) -> int:
    return sum(1 for d in diagnostics if d.severity is severity)


def byte_span(raw: bytes, offset: int) -> Span:
    """Where byte `offset` of a file's `raw` bytes stands, as an editor counts: its line, and its column in
    characters of the line before it (a byte that is no UTF-8 is one)."""
    before = raw[:offset]
    line = before.count(b"\n")
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace"))
    return Span(line, column, line, column + 1)
