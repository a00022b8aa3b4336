"""Running many jobs: up-to-date outputs found in the main process, the rest rendered in a process pool."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, InvalidStateError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from ..limits import MAX_WORKERS
from . import work
from .fingerprints import Fingerprinter
from .jobs import Job, Outcome, RecordKeys
from .record import (
    Entries,
    find_orphans,
    load_records,
    orphan_outcomes,
    record_key,
    remove_orphans,
    save_records,
)


def _warm_up() -> None:
    """Import the renderers once per worker process, not once per file.

    Ctrl+C reaches the workers too; a worker ends quietly (no traceback of its own), and the main process
    reports the interruption. So does SIGTERM, which the pool sends the other workers when one died: they had
    the main process's handler (`interrupts._interrupt`), and each printed the traceback of a KeyboardInterrupt.
    """
    signal.signal(signal.SIGINT, _quit)
    signal.signal(signal.SIGTERM, _quit)
    if hasattr(signal, "pthread_sigmask"):  # held while the pool forked this worker (`_interrupts_held`)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _INTERRUPTS)
    warm_up()


def warm_up() -> None:
    """Load what every render needs, once per process: the renderers, the fonts, the hyphenation patterns. A
    worker forked from a process that did it starts with them loaded (`--watch`).

    What is loaded now lives as long as the process: it is moved out of the cyclic garbage collector's sight
    (`gc.freeze`, as Python's documentation advises for a process that forks workers), whose full passes would
    walk it again and again, and whose marks would copy a forked worker's shared pages."""
    from .. import markdown, pdf  # noqa: F401
    from ..hyphenation import german_hyphenator
    from ..pdf.styles import register_fonts

    register_fonts()
    german_hyphenator()
    gc.freeze()


def _quit(signum: int, frame: object) -> None:
    os._exit(128 + signum)  # not KeyboardInterrupt: raised while the worker holds a lock, it hung the pool


#: The signals that end a run: Ctrl+C and SIGTERM.
_INTERRUPTS = frozenset({signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl+C and SIGTERM wait while the pool forks its workers, and arrive once it has.

    One that came in between reached a new worker before `_warm_up` set its handler (the worker printed the
    traceback of a KeyboardInterrupt raised in multiprocessing's start-up), or the main process inside the
    handlers `os.fork` runs (logging's: the KeyboardInterrupt was „ignored“ with a traceback, and the run went
    on). A worker inherits the held signals and takes them once its handler is set (`_warm_up`).
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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
    keep: bool = True,
    isolated: bool = False,
) -> list[Outcome]:
    """Process all jobs (in a process pool if `workers` > 1 and two or more have work), in input order.

    `isolated`: every statement is rendered in a worker process, a single one too. A process that runs other
    threads (`--watch`: the watcher's) can set no memory cap for templates (`sandbox.memory_cap`); a worker,
    forked with one thread, can.

    Up-to-date outputs are found here, in the main process, so that a run with nothing to do starts no
    worker and imports no renderer. Each outcome goes to `on_outcome` as soon as its turn comes; the main
    process then keeps of it only its record entries (and, with `keep`, a slim copy to return): its memory
    does not grow with the number of statements beyond that.
    """
    keys = RecordKeys()
    key = record_key()
    claimed = {keys(out) for job in jobs for out in job.outputs.values()}  # this run's outputs
    records = load_records({os.path.dirname(key) for key in claimed})
    orphans = find_orphans(claimed, records, searched)
    del claimed
    fingerprinter = Fingerprinter()
    entries = Entries(key)  # for the record: signed, as text
    outcomes: list[Outcome] = []

    def tasks() -> Iterator[work.Task]:
        for job in jobs:
            known = records if not (check or force) else {}
            task = work.prepare(job, known, fingerprinter, keys, force=force, check=check, key=key)
            for output in task.keys.values():
                records.forget(output)  # looked at once
            yield task

    def finish(outcome: Outcome) -> None:
        if on_outcome is not None:
            on_outcome(outcome)
        for path, entry in outcome.record.items():
            entries.add(path, entry)
        if keep:  # a rejected file's text could be a megabyte
            outcomes.append(replace(outcome, source_text=None) if outcome.source_text else outcome)

    runner = _Runner(workers, len(jobs), check, isolated)
    try:
        for outcome in runner.outcomes(tasks()):
            finish(outcome)
        for outcome in orphan_outcomes(orphans, key) if check else remove_orphans(orphans, key):
            finish(outcome)
    except (BrokenProcessPool, KeyboardInterrupt) as exc:
        # a worker ended by Ctrl+C or SIGTERM (`_quit`), or killed, may leave the file it was writing
        if runner.pool is not None:
            with _quiet_pool_thread():
                runner.pool.shutdown()
            _remove_temporaries({out.parent for job in jobs for out in job.outputs.values()}, runner.pids)
        if isinstance(exc, BrokenProcessPool):
            raise WorkerLost from None
        raise
    finally:
        if runner.pool is not None:
            with _quiet_pool_thread():
                runner.pool.shutdown()
    if not check:
        save_records(entries)
    return outcomes


class _Slot:
    """A task in the order of the jobs, and where its outcome will come from once sent to a worker."""

    __slots__ = ("future", "index", "task")

    def __init__(self, task: work.Task) -> None:
        self.task = task
        self.future: Future[list[work.Done]] | None = None
        self.index = 0


class _Runner:
    """Hands out tasks and yields their outcomes in the jobs' order, with few tasks in flight at a time.

    Tasks with nothing to render are answered here. A single task with work is rendered here too, unless
    `isolated`; a second one starts the workers, which get the tasks in chunks. At most a few chunks per worker
    are waiting, so the main process never holds more than those, however many statements there are.
    """

    def __init__(self, workers: int, total: int, check: bool, isolated: bool = False) -> None:
        self.workers, self.total, self.check, self.isolated = workers, total, check, isolated
        #: The task with work that starts the workers: the second, or the first when `isolated`.
        self._pool_from = 1 if isolated else 2
        self.pool: ProcessPoolExecutor | None = None
        self.chunk = max(1, min(8, total // (max(workers, 1) * 8)))
        self.limit = max(workers, 1) * self.chunk * 4
        self._slots: deque[_Slot] = deque()
        self._unsent: list[_Slot] = []
        self._with_work = 0
        #: The workers' process ids, taken when they start: a broken pool forgets those that died.
        self.pids: list[int] = []

    def outcomes(self, tasks: Iterator[work.Task]) -> Iterator[Outcome]:
        if self.workers <= 1 and not self.isolated:
            for task in tasks:
                yield work.process(task, check=self.check)
            return
        for task in tasks:
            slot = _Slot(task)
            self._slots.append(slot)
            if task.todo:
                self._unsent.append(slot)
                self._with_work += 1
                if self._with_work == self._pool_from and self.pool is None:
                    # the workers load the renderers while the rest of the jobs is prepared
                    self.pool = ProcessPoolExecutor(
                        max_workers=worker_count(self.workers, self.total), initializer=_warm_up
                    )
                    with _interrupts_held():
                        self.pool.submit(int)  # forks them now, not at the first real task
                    self._note_workers()
                if self.pool is not None and len(self._unsent) >= self.chunk:
                    self._send()
            while len(self._slots) > self.limit:
                yield self._next()
        while self._slots:
            yield self._next()

    def _send(self) -> None:
        assert self.pool is not None
        with _interrupts_held():  # a pool that starts its workers as needed (spawn) may start one here
            future = self.pool.submit(
                work.process_all, [slot.task for slot in self._unsent], check=self.check
            )
        self._note_workers()
        for index, slot in enumerate(self._unsent):
            slot.future, slot.index = future, index
        self._unsent = []

    def _note_workers(self) -> None:
        processes = getattr(self.pool, "_processes", None) or {}
        self.pids += [pid for pid in processes if pid not in self.pids]

    def _next(self) -> Outcome:
        slot = self._slots.popleft()
        task = slot.task
        if not task.todo:
            return work.unchanged(task)
        if slot.future is None:
            if self.pool is None:  # the only task with work so far: rendered here
                self._unsent.remove(slot)
                return work.process(task, check=self.check)
            self._send()
        assert slot.future is not None
        return slot.future.result()[slot.index].outcome(task.job)


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
