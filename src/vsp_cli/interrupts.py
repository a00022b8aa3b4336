"""Ctrl+C and SIGTERM, noted as they arrive.

A library may wrap the `KeyboardInterrupt` they raise into an error of its own (pydantic reports one raised while
it builds a model's validator as a `SchemaError` whose text merely mentions it), which would otherwise read as a
bug in vsp (exit code 123); and a run that goes from file to file must stop even if one file's error swallowed
it. The command line (`entry`, `cli`) installs the handlers; the batch run and `--watch` ask here. Imports nothing
but `signal`: `entry` loads it before anything else.
"""

from __future__ import annotations

import signal

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
