"""The `vsp` console script and `python -m vsp_cli`: the command line, from the first moment.

Importing the command line (typer, click, pydantic) takes a good part of a second on a slow machine; Ctrl+C in
that time ended the run with a Python traceback of the import machinery. Here it ends it with the same one line
as later (`cli.main` takes over once imported). Only this module and the package's `__init__` (no imports) are
loaded before the guard.

Ctrl+C and SIGTERM are noted as they arrive (`interrupted`): a library may wrap the `KeyboardInterrupt` they
raise into an error of its own (pydantic reports one raised while it builds a model's validator as a
`SchemaError` whose text merely mentions it), which would otherwise read as a bug in vsp (exit code 123).
"""

from __future__ import annotations

import signal
import sys

#: What vsp says when Ctrl+C or SIGTERM ended it (exit code 130).
ABORTED = "vsp: abgebrochen\n"

_interrupted = False


def _interrupt(signum: int, frame: object) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def catch_interrupts() -> None:
    """SIGTERM, and Ctrl+C unless it is ignored (a background job), raise `KeyboardInterrupt` and are noted, so
    that a terminated run unwinds like Ctrl+C (atomic writes remove their temporary files)."""
    global _interrupted
    _interrupted = False
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)


def interrupt_pending() -> bool:
    """Whether Ctrl+C or SIGTERM arrived since `catch_interrupts`: a run that goes on from file to file stops at
    the next one even if the `KeyboardInterrupt` was swallowed on the way (turned into a file's error)."""
    return _interrupted


def interrupted(exc: BaseException) -> bool:
    """Whether `exc` is an interruption: one arrived since `catch_interrupts`, or it is or was caused by one."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return _interrupted


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
