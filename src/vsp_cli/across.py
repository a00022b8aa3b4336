"""Checks across the statements of one run (`validate` and `render`): two statements with one number.

Light on purpose: a render whose outputs are all up to date reads no statement, and checks the numbers its
build record keeps without loading the parser or the model.
"""

from __future__ import annotations

from collections.abc import Iterable

from .diagnostics import Diagnostic, Severity, Span


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
            others = ", ".join(other for other, _, _ in same if other != path)
            found.setdefault(path, []).append(
                Diagnostic(
                    shown,  # the statement's name, not a diagnostic's: the first may be in a form file
                    span,
                    ("nummer",),
                    Severity.ERROR,
                    "duplicate-nummer",
                    f"Die Nummer {number} hat auch {others}; zwei Standpunkte haben nie dieselbe Nummer",
                )
            )
    return found
