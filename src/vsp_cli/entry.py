"""The `vsp` console script and `python -m vsp_cli`: the command line, from the first moment.

Importing the command line (typer, click, pydantic) takes a good part of a second on a slow machine; Ctrl+C in
that time ended the run with a Python traceback of the import machinery. Here it ends it with the same one line
as later (`cli.main` takes over once imported). Only this module and the package's `__init__` (no imports) are
loaded before the guard, and `interrupts` (no imports but `signal`).

Ctrl+C and SIGTERM are noted as they arrive (`interrupts`), from the first moment too.
"""

from __future__ import annotations

import sys

from .interrupts import catch_interrupts, interrupted

#: What vsp says when Ctrl+C or SIGTERM ended it (exit code 130).
ABORTED = "vsp: abgebrochen\n"


def main(argv: list[str] | None = None) -> None:
    """Run `vsp` (`cli.main`); Ctrl+C while it is still being imported: one line, exit code 130."""
    catch_interrupts()
    try:
        from .cli import main as run
    except BaseException as exc:
        if not interrupted(exc):
            raise
        from .report import EXIT_INTERRUPTED

        sys.stderr.write(ABORTED)
        sys.exit(EXIT_INTERRUPTED)
    run(argv)
