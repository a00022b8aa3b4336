"""Checks across the statements of one run (`validate` and `render`): two statements with one number.

Light on purpose: a render whose outputs are all up to date reads no statement, and checks the numbers its
build record keeps without loading the parser or the model.
"""

from __future__ import annotations

from collections.abc import Iterable

from .diagnostics import Diagnostic, Severity, Span, listed, shorten
from .limits import MAX_LISTED, QUOTE_LIMIT


def duplicate_numbers(numbers: Iterable[tuple[str, str, tuple[str, Span]]]) -> dict[str, list[Diagnostic]]:
    """`duplicate-nummer` at each statement whose number another statement of the run has too: by the
    statement's path, from (path, name in diagnostics, (number as written, where it stands))."""
    by_number: dict[str, list[tuple[str, str, Span]]] = {}
    for path, shown, (number, span) in numbers:
        by_number.setdefault(number, []).append((path, shown, span))
    found: dict[str, list[Diagnostic]] = {}
    for number, same in by_number.items():
        if len(same) < 2:
            continue
        for path, shown, span in same:
            # at most MAX_LISTED others, each path cut at the front: each message listed every other statement
            # of the number whole, and 1,500 statements of one number in a deep tree (paths of thousands of
            # characters) made 3.4 GB of messages and took nine minutes
            named = [_shown(other) for other, _, _ in same[: MAX_LISTED + 1] if other != path]
            others = listed(named, total=len(same) - 1)
            found.setdefault(path, []).append(
                Diagnostic(
                    shown,  # the statement's name, not a diagnostic's: the first may be in a form file
                    span,
                    ("nummer",),
                    Severity.ERROR,
                    "duplicate-nummer",
                    f"Die Nummer {shorten(number)} hat auch {others}; zwei Standpunkte haben nie dieselbe Nummer",
                )
            )
    return found


def _shown(path: str) -> str:
    """A path as a list of other statements names it: cut at the front past twice QUOTE_LIMIT characters."""
    limit = 2 * QUOTE_LIMIT
    return path if len(path) <= limit else "…" + path[-limit:]
