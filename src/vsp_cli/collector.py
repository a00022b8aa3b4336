"""Renders without passes of Python's cyclic garbage collector.

A render allocates some hundred thousand objects and frees them again by reference counting: it makes no
reference cycles but a few dozen objects of a constant size, whatever the statement's (`test_collector` checks it).
The cyclic collector, which starts a pass every 700 allocations, walks the objects alive to find nothing to
free. Its passes over the older generations also walk everything imported (fonts, hyphenation patterns,
modules): on the 2017 form a render spent about 1 % of its instructions there. A render pauses the collector,
and so does a build's job (reading, checking, rendering and writing a statement: a build of 1,000 statements
spent 7 % of its CPU time in the collector); the first pass after it finds their few cycles.

The pause is counted, so that renders in several threads (a library user's) end it only when the last one ends,
and it restores what it found: a collector someone else switched off stays off.

Not paused: a render with a project's templates. They are the repository's code, and may make cycles by the
million within their budget (a `namespace` that holds itself, in a loop); the collector keeps freeing them.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
#: Renders running now.
_depth = 0
#: Whether the first of them found the collector running (and switched it off).
_resume = False


@contextmanager
def paused(pause: bool = True) -> Iterator[None]:
    """The collector makes no pass inside this block (nor in other threads while it runs); with `pause` false,
    nothing changes."""
    global _depth, _resume
    if not pause:
        yield
        return
    with _LOCK:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _LOCK:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
