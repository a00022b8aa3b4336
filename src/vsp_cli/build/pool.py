"""Running many jobs: up-to-date outputs found in the main process, the rest rendered in a process pool."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import InvalidStateError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from functools import partial
from pathlib import Path

from . import work
from .fingerprints import Fingerprinter
from .jobs import Job, Outcome, RecordKeys
from .record import find_orphans, load_records, orphan_outcomes, remove_orphans, save_records


def _warm_up() -> None:
    """Import the renderers once per worker process, not once per file.

    Ctrl+C reaches the workers too; a worker ends quietly (no traceback of its own), and the main process
    reports the interruption.
    """
    signal.signal(signal.SIGINT, _quit)
    from .. import markdown, pdf  # noqa: F401


def _quit(signum: int, frame: object) -> None:
    os._exit(128 + signum)  # not KeyboardInterrupt: raised while the worker holds a lock, it hung the pool


def _remove_temporaries(folders: Iterable[Path], workers: Sequence[int]) -> None:
    """Remove the temporary files the given worker processes left in `folders` (`fileio._Temporary`)."""
    for folder in folders:
        for pid in workers:
            for leftover in folder.glob(f".*.{pid}-*.tmp"):
                with contextlib.suppress(OSError):
                    leftover.unlink()


def default_jobs(count: int) -> int:
    """Parallel only where it pays: more than a handful of files and more than one CPU."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cpus if count > 8 else 1


def run(
    jobs: Sequence[Job],
    *,
    workers: int = 1,
    check: bool = False,
    force: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
    searched: Sequence[Path] = (),
) -> list[Outcome]:
    """Process all jobs (in a process pool if `workers` > 1 and two or more have work), in input order.

    Up-to-date outputs are found here, in the main process, so that a run with nothing to do starts no
    worker and imports no renderer.
    """
    keys = RecordKeys()
    records = load_records(jobs, keys)
    known = records if not (check or force) else {}
    fingerprinter = Fingerprinter()
    do = partial(work.process, check=check)
    outcomes: list[Outcome] = []
    pool: ProcessPoolExecutor | None = None
    try:
        tasks: list[work.Task] = []
        pending = 0
        for job in jobs:
            task = work.prepare(job, known, fingerprinter, keys, force=force, check=check)
            pending += bool(task.todo)
            if pending == 2 and pool is None and workers > 1:
                # A single job with work (a save in --watch) is rendered here; a second one starts the
                # workers, which load the renderers while the rest of the jobs is prepared.
                pool = ProcessPoolExecutor(max_workers=worker_count(workers, len(jobs)), initializer=_warm_up)
                pool.submit(int)  # forks them now, not at the first real task
            tasks.append(task)
        results: Iterator[Outcome]
        if pool is None:
            results = map(do, tasks)
        else:
            results = pool.map(do, tasks, chunksize=max(1, min(8, pending // (workers * 8))))
        orphans = find_orphans({key for task in tasks for key in task.keys.values()}, records, searched)
        extra = orphan_outcomes(orphans, records) if check else remove_orphans(orphans, records)
        for outcome in itertools.chain(results, extra):
            if on_outcome is not None:
                on_outcome(outcome)
            # kept for the record and the caller; a rejected file's text could be a megabyte
            outcomes.append(replace(outcome, source_text=None) if outcome.source_text else outcome)
    except BrokenProcessPool:
        raise WorkerLost from None
    except KeyboardInterrupt:
        if pool is not None:  # a worker ended by Ctrl+C (`_quit`) may leave the temporary file it was writing
            pids = list(getattr(pool, "_processes", None) or {})
            with _quiet_pool_thread():
                pool.shutdown()
            _remove_temporaries({out.parent for job in jobs for out in job.outputs.values()}, pids)
        raise
    finally:
        if pool is not None:
            with _quiet_pool_thread():
                pool.shutdown()
    if not check:
        save_records(outcomes)
    return outcomes


@contextlib.contextmanager
def _quiet_pool_thread() -> Iterator[None]:
    """Python 3.11's pool thread may fail on futures cancelled by Ctrl+C (InvalidStateError) and print its
    traceback: the interruption is reported once, by the main process."""
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if not issubclass(args.exc_type, InvalidStateError):
            previous(args)

    threading.excepthook = hook
    try:
        yield
    finally:
        threading.excepthook = previous


class WorkerLost(Exception):
    """A worker process died (killed from outside, or by the system for want of memory)."""


#: More workers than this do not pay on any machine a city runs, and each costs memory and file handles.
MAX_WORKERS = 32


def worker_count(requested: int, jobs: int) -> int:
    """Workers for a pool: as asked, but no more than jobs, `MAX_WORKERS`, or the open-file limit allows
    (each worker holds a few pipes; with too few handles the pool waited for ever)."""
    try:
        import resource

        handles = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        handles = -1
    by_handles = max(1, (handles - 16) // 8) if handles > 0 else MAX_WORKERS
    return max(1, min(requested, jobs, MAX_WORKERS, by_handles))
