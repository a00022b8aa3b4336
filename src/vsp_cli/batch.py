"""`vsp render` for one file or a thousand: plan jobs from paths and configuration, run them, report.

Planning happens in the main process (inputs, shard, configuration per folder, collisions); `build.run` does
the work, in a process pool when it pays. Reporting goes through the same `Report` as `vsp validate`.
"""

from __future__ import annotations

import os
import re
import sys
from array import array
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, overload

from .across import duplicate_numbers
from .build import (
    Job,
    Outcome,
    OutcomeStatus,
    WorkerLost,
    default_jobs,
    find_collisions,
    output_paths,
    run,
    shown_path,
)
from .config import EffectiveSettings, SettingsCache, config_text
from .diagnostics import Diagnostic, Severity, Span, escape_controls, quote
from .errors import ConfigError
from .fileio import real
from .inputs import InputNotFound, collect
from .interrupts import interrupt_pending, interrupted
from .report import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_USAGE, Report


@dataclass
class BatchOptions:
    """Everything `vsp render` was asked to do."""

    paths: Sequence[str]
    overrides: Mapping[str, Any] = field(default_factory=dict)
    config: Path | None = None
    strict: bool = False
    check: bool = False
    force: bool = False
    jobs: int | None = None
    shard: str | None = None
    output_format: str = "text"
    quiet: bool = False


class UsageError(Exception):
    """A command line that cannot be carried out (exit code 2)."""


_NUMBER = re.compile(r"[0-9]{1,9}")  # str.isdigit() also takes „²“, which int() refuses


def parse_shard(text: str | None, environ: Mapping[str, str] = os.environ) -> tuple[int, int] | None:
    """`K/N` (1-based) from the option, else GitLab's CI_NODE_INDEX/CI_NODE_TOTAL, else None."""
    source = "--shard"
    if text is None:
        index, total = environ.get("CI_NODE_INDEX"), environ.get("CI_NODE_TOTAL")
        if not index and not total:
            return None
        if not index or not total:
            missing = "CI_NODE_TOTAL" if index else "CI_NODE_INDEX"
            raise UsageError(f"CI_NODE_INDEX und CI_NODE_TOTAL gehören zusammen; {missing} fehlt")
        text, source = f"{index}/{total}", "CI_NODE_INDEX/CI_NODE_TOTAL"
    k, sep, n = text.partition("/")
    if not (sep and _NUMBER.fullmatch(k) and _NUMBER.fullmatch(n)) or not 1 <= int(k) <= int(n):
        raise UsageError(f"{source} erwartet K/N mit 1 ≤ K ≤ N, z. B. 2/4; gegeben: {quote(text)}")
    return int(k), int(n)


def shard_slice(files: Sequence[Path], shard: tuple[int, int] | None) -> list[Path]:
    """The K-th of N interleaved slices of the files in a stable order: every file in exactly one shard."""
    if shard is None:
        return list(files)
    k, n = shard
    ordered = sorted(files, key=lambda p: os.path.relpath(real(p)).replace(os.sep, "/"))
    return [p for i, p in enumerate(ordered) if i % n == k - 1]


class Planner(SettingsCache):
    """Resolves the settings and the job of each input; a configuration file is read once however many inputs
    use it."""

    def __init__(self, options: BatchOptions) -> None:
        super().__init__(options.config, options.overrides)
        self.options = options

    def job(self, source: Path) -> Job:
        eff = self.effective(source)
        deps = (eff.config_path,) if eff.config_path is not None else ()
        return Job(
            source,
            output_paths(source, eff.output_dir, eff.formats),
            eff.render,
            self.options.strict,
            deps,
        )


def _output_dirs(planner: Planner) -> list[Path]:
    """Output folders to leave out when searching input folders (rendered files are not inputs)."""
    out = planner.options.overrides.get("output_dir")
    return [Path(str(out))] if out else []


class _Everything:
    """Contains everything: the files of a run without shards."""

    def __contains__(self, item: object) -> bool:
        return True


class PlannedJobs(Sequence[Job]):
    """The jobs of a run, each made from its statement's path when it is needed.

    A job holds its output paths and settings; a run goes over its jobs a few times, and held all at once,
    thousands of them filled the main process (issue #18). What is kept per statement is its path and, in four
    bytes, which of the run's settings apply to it (usually few; a tree of 65,536 folders with a vsp.toml each
    overflowed the two bytes once used).
    """

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.sources: list[Path] = []
        self._settings: list[EffectiveSettings] = []
        self._index: dict[int, int] = {}  # id of settings → position in `_settings`
        self._which = array("I")  # at least 4 bytes: one settings per statement

    def add(self, source: Path, settings: EffectiveSettings) -> None:
        at = self._index.get(id(settings))
        if at is None:
            at = self._index[id(settings)] = len(self._settings)
            self._settings.append(settings)
        self.sources.append(source)
        self._which.append(at)

    def __len__(self) -> int:
        return len(self.sources)

    @overload
    def __getitem__(self, index: int) -> Job: ...

    @overload
    def __getitem__(self, index: slice) -> list[Job]: ...

    def __getitem__(self, index: int | slice) -> Job | list[Job]:
        if isinstance(index, slice):
            return [self._job(i) for i in range(*index.indices(len(self)))]
        return self._job(index)

    def __iter__(self) -> Iterator[Job]:
        return map(self._job, range(len(self)))

    def _job(self, index: int) -> Job:
        source, eff = self.sources[index], self._settings[self._which[index]]
        deps = (eff.config_path,) if eff.config_path is not None else ()
        return Job(source, output_paths(source, eff.output_dir, eff.formats), eff.render, self.strict, deps)


def plan(options: BatchOptions, report: Report) -> PlannedJobs | None:
    """Jobs for every input (None: nothing may run, e.g. output collisions); config errors are reported."""
    planner = Planner(options)
    refused: dict[Path, Diagnostic] = {}
    try:
        files = collect(options.paths, skip_dirs=_output_dirs(planner), refused=refused)
        shard = parse_shard(options.shard)
        # without shards every file is this run's: no set of thousands of paths (hashing caches their parts)
        mine: Container[Path] = set(shard_slice(files, shard)) if shard is not None else _Everything()
    except InputNotFound as exc:
        raise UsageError(str(exc)) from None
    jobs = PlannedJobs(options.strict)
    everyone = (
        PlannedJobs(options.strict) if shard is not None else jobs
    )  # two shards must not collide either
    reported: set[Path | None] = set()
    for source in files:
        if refused and source in refused:  # a link to a file outside the folders searched: never read
            if source in mine:
                report.add_refused(refused[source])
            continue
        try:
            settings = planner.effective(source)
        except ConfigError as exc:
            if source in mine:
                report.files += 1
                report.failed += 1
                cfg = planner.config_path(source)
                if cfg not in reported:
                    reported.add(cfg)
                    report.emit(exc.diagnostics, config_text(cfg))
            continue
        if everyone is not jobs:
            everyone.add(source, settings)
        if source in mine:
            jobs.add(source, settings)
    if planner.untrusted:
        report.emit(list(planner.untrusted.values()))
    collisions = find_collisions(everyone)
    if collisions:
        report.files += len(jobs)
        report.failed += len({d.file for d in collisions})
        report.nothing_written = True  # no statement is rendered until every name is unique
        report.emit(collisions)
        return None
    return jobs


class Progress:
    """A one-line progress bar on a terminal; silent in CI logs, in pipes and with --quiet."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.enabled = total, 0, enabled

    @staticmethod
    def wanted(options: BatchOptions) -> bool:
        return (
            not options.quiet
            and options.output_format == "text"
            and sys.stderr.isatty()
            and not os.environ.get("CI")
            and os.environ.get("TERM") != "dumb"
        )

    def step(self, name: str) -> None:
        self.done += 1
        if self.enabled:
            width = 24
            filled = width * self.done // max(1, self.total)
            bar = "█" * filled + "·" * (width - filled)
            sys.stderr.write(f"\r{bar} {self.done}/{self.total} {escape_controls(name)[-40:]:<40}")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 80 + "\r")
            sys.stderr.flush()


def _stale_diagnostics(outcome: Outcome) -> list[Diagnostic]:
    return [
        Diagnostic.for_file(
            str(outcome.job.source),
            "output-missing" if not out.exists() else "output-stale",
            f"{shown_path(out)} fehlt"
            if not out.exists()
            else f"{shown_path(out)} ist veraltet (weicht von der neu gesetzten Fassung ab)",
        )
        for out in outcome.stale
    ]


def record_outcome(report: Report, outcome: Outcome) -> None:
    """Count one outcome and print its diagnostics."""
    status = outcome.status
    if status is OutcomeStatus.REMOVED:  # outputs of a statement that is gone: not an input of this run
        report.removed += 1
        removed = ", ".join(map(shown_path, outcome.stale))
        report.message(f"entfernt: {removed} (ihr Standpunkt {shown_path(outcome.job.source)} fehlt)")
        return
    if status is OutcomeStatus.ORPHANED:  # likewise; an error with --check, else a warning (edited by hand)
        report.orphaned += any(d.severity is Severity.ERROR for d in outcome.diagnostics)
    else:
        report.files += 1
        report.failed += status is OutcomeStatus.INVALID
        report.rendered += status is OutcomeStatus.RENDERED
        report.unchanged += status is OutcomeStatus.UNCHANGED
        report.stale += status is OutcomeStatus.STALE
    diagnostics = outcome.diagnostics + _stale_diagnostics(outcome)
    if diagnostics:
        report.emit(diagnostics, outcome.source_text, own=str(outcome.job.source))


def execute(options: BatchOptions, report: Report, *, isolated: bool = False) -> None:
    """Plan and run one build, recording everything in `report`; `isolated`: render in worker processes only
    (`build.run`)."""
    jobs = plan(options, report)
    if not jobs:
        return
    workers = options.jobs if options.jobs is not None else default_jobs(len(jobs))
    progress = Progress(len(jobs), Progress.wanted(options))
    folders: set[Path] = set()  # where outputs were written or kept
    shared: set[tuple[str, str, str]] = set()  # problems of a file many statements use (a logo, a template)
    numbers: list[tuple[str, str, tuple[str, Span]]] = []  # each statement's number, checked across the run
    failed: set[str] = set()  # statements that failed on their own (few)

    def on_outcome(outcome: Outcome) -> None:
        if interrupt_pending():  # this file's outcome may be the interrupt, swallowed as an error on the way
            raise KeyboardInterrupt
        progress.step(outcome.job.source.name)
        if outcome.diagnostics or outcome.stale:
            progress.clear()
        source = str(outcome.job.source)
        if any(d.file != source for d in outcome.diagnostics):  # shown once, though each statement fails
            fresh = [
                d
                for d in outcome.diagnostics
                if d.file == source or (d.file, d.code, d.message) not in shared
            ]
            shared.update((d.file, d.code, d.message) for d in outcome.diagnostics if d.file != source)
            outcome = replace(outcome, diagnostics=fresh)
        record_outcome(report, outcome)
        if outcome.record:
            folders.update(out.parent for out in outcome.job.outputs.values())
        if outcome.nummer is not None:
            numbers.append((source, source, outcome.nummer))
        if outcome.status is OutcomeStatus.INVALID:
            failed.add(source)

    # outputs of a statement that is gone are orphans only where the run searched: the folders named
    searched = [real(Path(arg)) for arg in options.paths if Path(arg).is_dir()]
    try:
        run(
            jobs,
            workers=workers,
            check=options.check,
            force=options.force,
            on_outcome=on_outcome,
            searched=searched,
            keep=False,  # reported as they come: nothing per statement is held once it is done
            isolated=isolated,
        )
    finally:
        progress.clear()
        if not options.check:
            report.written_to = sorted(os.path.join(shown_path(folder), "") for folder in folders)
    _report_duplicate_numbers(report, numbers, failed)


def _report_duplicate_numbers(
    report: Report, numbers: list[tuple[str, str, tuple[str, Span]]], failed: set[str]
) -> None:
    """Two statements of the run with one number: an error at both, as `validate` reports it (their outputs are
    written: each is a valid statement, and which one is wrong only a person can tell)."""
    for path, diagnostics in duplicate_numbers(numbers).items():
        report.failed += path not in failed  # a statement already counted as failed is not counted again
        report.emit(diagnostics)


#: What `render` (and `--watch`, which goes on watching) says when a worker process died under it.
WORKER_LOST = (
    "vsp: Ein Arbeitsprozess wurde unerwartet beendet (von außen, oder vom System wegen Speichermangels); "
    "bitte erneut starten, notfalls mit -j 1\n"
)


def render_command(options: BatchOptions) -> int:
    """`vsp render`: the exit code of the whole run."""
    report = Report(output_format=options.output_format, quiet=options.quiet)
    try:
        execute(options, report)
    except UsageError as exc:
        from .usage import command_usage_message

        sys.stderr.write(command_usage_message(str(exc), "render"))
        return EXIT_USAGE
    except WorkerLost as exc:
        # Ctrl+C or SIGTERM ended the workers first: an interruption (`cli.main` says so)
        if interrupted(exc):
            return EXIT_INTERRUPTED
        sys.stderr.write(WORKER_LOST)
        return EXIT_INVALID
    report.finish(verb="geprüft" if options.check else "verarbeitet")
    return report.exit_code
