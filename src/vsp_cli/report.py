"""What a run found and how to say it: diagnostics in the chosen format, a summary, and the exit code.

Like black's report object, the exit code is derived from what was recorded, never set by hand.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from .diagnostics import (
    Diagnostic,
    Severity,
    escape_controls,
    format_github,
    format_json,
    format_text,
    sort_key,
)

if TYPE_CHECKING:
    from .validation import Result

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 123
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


#: Output folders the summary names; more are counted.
_FOLDERS_SHOWN = 3


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass
class Report:
    """Collects per-file outcomes and prints diagnostics as they come (text, github) or at the end (json)."""

    output_format: str = "text"
    quiet: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    files: int = 0
    failed: int = 0
    errors: int = 0
    warnings: int = 0
    #: Render outcomes: rendered, unchanged (skipped), stale (--check).
    rendered: int = 0
    unchanged: int = 0
    stale: int = 0
    #: Outputs of statements that are gone: deleted by render, and found by render --check.
    removed: int = 0
    orphaned: int = 0
    #: Where `render` puts its outputs (folders as shown), or None; `nothing_written` if it wrote nothing at all
    #: (a name collision stops the whole run).
    written_to: list[str] | None = None
    nothing_written: bool = False
    collected: list[Diagnostic] = field(default_factory=list)
    #: Problems in other files than the one checked (form files) already reported in this run.
    _elsewhere: set[Diagnostic] = field(default_factory=set)

    @property
    def exit_code(self) -> int:
        return EXIT_INVALID if self.failed or self.stale or self.orphaned else EXIT_OK

    def add_checked(self, result: Result) -> None:
        """Record one file's validation result and print its diagnostics."""
        self.files += 1
        if not result.ok:
            self.failed += 1
        self.emit(result.diagnostics, result.source, own=result.shown or str(result.path))

    def add_refused(self, problem: Diagnostic) -> None:
        """Record a file that was not read at all (a link leading out of the folders searched)."""
        self.files += 1
        self.failed += 1
        self.emit([problem])

    def emit(self, diagnostics: list[Diagnostic], source: str | None = None, own: str | None = None) -> None:
        """Print (or keep, for json) diagnostics of one file in source order.

        `own`: the file checked, whose text `source` is. A problem in another file (a form file the statement
        uses) is reported and counted once per run, however many statements use that file; each statement
        keeps its own error at its `formular`."""
        if own is not None:
            fresh = [d for d in diagnostics if d.file == own or d not in self._elsewhere]
            self._elsewhere.update(d for d in diagnostics if d.file != own)
            diagnostics = fresh
        ordered = sorted(diagnostics, key=sort_key)
        self.errors += sum(1 for d in ordered if d.severity is Severity.ERROR)
        self.warnings += sum(1 for d in ordered if d.severity is Severity.WARNING)
        if self.quiet:
            ordered = [d for d in ordered if d.severity is Severity.ERROR]
        if self.output_format == "json":
            self.collected.extend(ordered)
            return
        excerpt = source if self.output_format == "text" and self.out.isatty() else None
        for d in ordered:
            shown = excerpt if own is None or d.file == own else None  # `source` is the text of `own` only
            line = format_github(d) if self.output_format == "github" else format_text(d, shown)
            self.out.write(line + "\n")
        self.out.flush()

    def message(self, text: str) -> None:
        """A progress or information line (stderr; silenced by --quiet)."""
        if not self.quiet:
            self.err.write(text + "\n")

    def summary(self, verb: str) -> str:
        parts = [f"{_plural(self.files, 'Datei', 'Dateien')} {verb}"]
        if self.rendered or self.unchanged:
            parts.append(f"{self.rendered} gerendert, {self.unchanged} unverändert")
        if self.stale:
            parts.append(f"{self.stale} veraltet")
        if self.orphaned:
            parts.append(f"{_plural(self.orphaned, 'Ausgabe', 'Ausgaben')} verwaist")
        if self.removed:
            parts.append(f"{self.removed} verwaist entfernt")
        if self.failed:
            parts.append(f"{self.failed} fehlerhaft")
        counts = []
        if self.errors:
            counts.append(_plural(self.errors, "Fehler", "Fehler"))
        if self.warnings:
            counts.append(_plural(self.warnings, "Warnung", "Warnungen"))
        text = ", ".join(parts)
        if counts:
            text += f" ({', '.join(counts)})"
        elif not self.failed and not self.stale and not self.orphaned:
            text += ": alles in Ordnung"
        if self.nothing_written:
            text += "; nichts geschrieben"
        elif self.written_to and (self.rendered or self.unchanged):
            shown = self.written_to[:_FOLDERS_SHOWN]
            more = len(self.written_to) - len(shown)
            folders = ", ".join(escape_controls(folder) for folder in shown)  # a name may hold `\x1b[2J`
            text += f"; Ausgaben in {folders}" + (f" und {more} weiteren Ordnern" if more else "")
        return text

    def finish(self, verb: str) -> None:
        """Print collected json, then the summary line on stderr."""
        if self.output_format == "json":
            self.out.write(format_json(self.collected) + "\n")
            self.out.flush()
        if not self.quiet or self.exit_code:
            self.err.write(self.summary(verb) + "\n")
