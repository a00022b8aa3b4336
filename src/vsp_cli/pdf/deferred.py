"""ReportLab's pattern for web addresses, compiled where it is first used instead of when ReportLab is imported.

`reportlab.platypus.paragraph` compiles at import a case-insensitive pattern over the characters U+00A1–U+FFFF
(`uri_pat`). Python's compiler folds the case of every one of them, in Python: 20 ms, more than a warm render of
a statement, paid by every process that sets a PDF (each `vsp render`, each worker of a build). ReportLab matches
it only against a word that holds „://“ and must be broken at a line's end (`linebreaks._uri_pairs`), which most
statements have none of. Importing this module imports ReportLab's page layout with that one pattern standing in
as a `DeferredPattern`: the same pattern, compiled at its first match. `vsp_cli.pdf` imports it first.
"""

from __future__ import annotations

import re
import sys
import threading
from typing import Any

#: What marks the pattern: the range of characters whose case folding costs the time.
_COSTLY_RANGE = "\xa1-\uffff"


class DeferredPattern:
    """A compiled pattern, compiled when first used: any attribute (`match`, `search`, `pattern`, …) is the
    compiled pattern's."""

    __slots__ = ("_compiled", "_flags", "_lock", "_source")

    def __init__(self, source: str, flags: int) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def compiled(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:
            with self._lock:  # two threads (`--watch`) compile it once
                compiled = self._compiled
                if compiled is None:
                    compiled = self._compiled = re.compile(self._source, self._flags)
        return compiled

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"DeferredPattern({self._source!r}, {self._flags!r})"


def import_platypus() -> None:
    """Import `reportlab.platypus` (and its paragraph module), deferring the costly pattern. Does nothing once
    it is imported: a process that imported it before vsp, as a program using vsp as a library may, keeps
    ReportLab's own compiled pattern."""
    if "reportlab.platypus.paragraph" in sys.modules:
        return
    compile_now = re.compile

    def compile(pattern: Any, flags: Any = 0) -> Any:
        if type(pattern) is str and flags & re.IGNORECASE and _COSTLY_RANGE in pattern:
            return DeferredPattern(pattern, int(flags))
        return compile_now(pattern, flags)

    re.compile = compile
    try:
        import reportlab.platypus.paragraph  # noqa: F401
    finally:
        re.compile = compile_now


import_platypus()
