"""Render many statements: plan outputs, skip what is up to date, check, run in parallel, write atomically.

A job is one input file with its settings and output paths. Workers validate and render; only the main process
writes the build record. Nothing here prints: the CLI turns the outcomes into a report.

Incremental builds: an output is skipped when the build record (`.vsp-build.json` in the output folder) holds,
for that output, the fingerprint of everything that shapes it (the versions of vsp and of the libraries that
render, the statement's bytes as they were rendered, the effective settings including logo bytes and label
overrides, the templates' bytes, SOURCE_DATE_EPOCH) and the SHA-256 of the file as it was written, and both
still match. Any change to an input,
or to the output file itself, makes the fingerprint or the hash differ, so a stale output never survives.
Files are hashed in pieces, and a statement only as far as the parser would read it: a stray huge file in a
statement folder costs neither memory nor time.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
import signal
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import InvalidStateError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache, partial
from pathlib import Path

from . import __version__, templatefiles
from .config import MAX_CONFIG_BYTES, MAX_LOGO_BYTES
from .diagnostics import Diagnostic, Severity
from .errors import InvalidInput, VspError
from .fileio import digest_regular, os_reason, read_regular, real, walk, write_all_atomic, write_atomic
from .inputs import MAX_BYTES, Resolver
from .settings import RenderSettings

RECORD_NAME = ".vsp-build.json"


class OutcomeStatus(StrEnum):
    RENDERED = "rendered"
    UNCHANGED = "unchanged"
    INVALID = "invalid"
    FRESH = "fresh"  # --check: outputs match
    STALE = "stale"  # --check: an output is missing or differs
    ORPHANED = "orphaned"  # an output whose statement is gone (an error with --check, else left: edited)
    REMOVED = "removed"  # an output whose statement is gone, deleted


#: A build record's entry for one output: the fingerprint it was rendered from, the SHA-256 of the file as
#: written, and its statement's path relative to the output folder (an output whose statement is gone is
#: an orphan: `find_orphans`).
Entry = tuple[str, str, str]


@dataclass(frozen=True)
class Job:
    """One input and what to make of it."""

    source: Path
    outputs: dict[str, Path]
    settings: RenderSettings = field(default_factory=RenderSettings)
    strict: bool = False
    #: Extra files whose bytes shape the output (config file, templates): part of the fingerprint.
    dependencies: tuple[Path, ...] = ()


@dataclass
class Outcome:
    """What happened to one job."""

    job: Job
    status: OutcomeStatus
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source_text: str | None = None
    #: Output path → its record entry, for outputs written or confirmed this run.
    record: dict[str, Entry] = field(default_factory=dict)
    #: Outputs missing or differing (--check).
    stale: list[Path] = field(default_factory=list)


def output_paths(source: Path, out_dir: Path | None, formats: Sequence[str]) -> dict[str, Path]:
    """`<stem>.<fmt>` next to the input, or in `out_dir`."""
    folder = out_dir if out_dir is not None else source.parent
    return {fmt: folder / f"{source.stem}.{fmt}" for fmt in formats}


class RecordKeys:
    """Output files by identity: the resolved folder (resolved once per run, not once per file) and the name.

    This is the key of an output in the build record and in collision checks. A symlink as the output file
    itself is not followed: writing replaces the link with the file.
    """

    def __init__(self) -> None:
        self.folder = Resolver().folder

    def __call__(self, path: Path) -> str:
        return str(self.folder(path) / path.name)


def find_collisions(jobs: Sequence[Job]) -> list[Diagnostic]:
    """Two inputs that would write the same output file, or an output that is an input (`vsp render notiz.md`
    would write notiz.md over itself): an error naming both files."""
    keys = RecordKeys()
    # an input as named (it may be a link an output would replace) and the file it is (a link may point into
    # the output folder)
    inputs = {keys(job.source): job.source for job in jobs}
    inputs.update({str(real(job.source)): job.source for job in jobs if os.path.islink(job.source)})
    owners: dict[str, Path] = {}
    folds: dict[str, tuple[str, Path]] = {}  # case-folded, NFC-normalised key → first key and output
    problems = []
    for job in jobs:
        for out in job.outputs.values():
            key = keys(out)
            if key in inputs:
                problems.append(
                    Diagnostic.for_file(
                        str(job.source),
                        "output-is-input",
                        f"{out} würde die Eingabedatei {inputs[key]} überschreiben; Standpunkte enden auf .yaml "
                        "oder .yml, oder einen anderen Ausgabeordner wählen (-o)",
                    )
                )
                continue
            first = owners.setdefault(key, job.source)
            folded = unicodedata.normalize("NFC", key).lower()  # as NTFS and APFS compare: „ß“ is not „ss“
            twin = folds.setdefault(folded, (key, out))
            if first != job.source:
                problems.append(
                    Diagnostic.for_file(
                        str(job.source),
                        "output-collision",
                        f"{job.source} und {first} würden beide {out} schreiben; bitte eine Datei umbenennen "
                        "oder getrennte Ausgabeordner verwenden",
                    )
                )
            elif (
                twin[0] != key
            ):  # A.pdf and a.pdf: one file on Windows and macOS, where the repository may go
                problems.append(
                    Diagnostic.for_file(
                        str(job.source),
                        "output-collision",
                        f"{out} und {twin[1]} unterscheiden sich nur in Groß- und Kleinschreibung (oder der "
                        "Schreibweise von Umlauten); unter Windows und macOS wären sie eine Datei. Bitte eine "
                        "Eingabe umbenennen",
                    )
                )
    return problems


def _hash_file(path: Path, limit: int = -1) -> str:
    try:
        return digest_regular(path, limit)
    except OSError:
        return "-"


class Fingerprinter:
    """Digests of everything that shapes an output; shared files (templates, config, logo) hashed once a run."""

    def __init__(self) -> None:
        self._files: dict[Path, str] = {}
        self._templates: dict[Path | None, list[str]] = {}
        #: Digest of everything but the statement, per settings, format, strictness and dependencies: jobs that
        #: share a configuration share one settings object, so it is computed once for all of them.
        self._contexts: dict[tuple[RenderSettings, str, bool, tuple[Path, ...]], str] = {}

    def file(self, path: Path, limit: int = -1) -> str:
        if path not in self._files:
            self._files[path] = _hash_file(path, limit)
        return self._files[path]

    def templates(self, settings: RenderSettings) -> list[str]:
        """Digests of every template file that may shape the Markdown output, each read at most as far as its
        size (`templatefiles.scan`); a user's folder that the renderer refuses gives a digest no record holds."""
        key = settings.template_dir
        if key not in self._templates:
            from .resources import builtin_templates_dir

            builtin = walk(builtin_templates_dir())
            digests = [f"{p}:{self.file(p, templatefiles.MAX_TEMPLATE_BYTES + 1)}" for p in builtin]
            if key is not None:
                try:
                    files = templatefiles.scan(key)
                except VspError:
                    files = ()
                    digests.append("refused")  # the renderer reports it; nothing is recorded
                digests += [f"{f.path}:{f.size}:{self.file(f.path, f.size + 1)}" for f in files]
            self._templates[key] = digests
        return self._templates[key]

    def context(self, job: Job, fmt: str) -> str:
        """The digest of everything but the statement that shapes output `fmt` of `job`."""
        key = (job.settings, fmt, job.strict, job.dependencies)
        if key not in self._contexts:
            self._contexts[key] = self._context_digest(job, fmt)
        return self._contexts[key]

    def _context_digest(self, job: Job, fmt: str) -> str:
        s = job.settings
        parts: list[str] = [
            __version__,
            _libraries(),
            fmt,
            json.dumps(s.labels.as_dict(), sort_keys=True, ensure_ascii=False),
            s.body,
            s.footer or "",
            str(s.hyphenate),
            os.environ.get("SOURCE_DATE_EPOCH", ""),
            self.file(s.logo, MAX_LOGO_BYTES + 1) if s.logo else "",
            str(job.strict),
        ]
        parts += [f"{p}:{self.file(p, MAX_CONFIG_BYTES + 1)}" for p in job.dependencies]
        parts += self.templates(s) if fmt == "md" else []
        return _digest(parts)


#: The installed distributions (module, distribution) whose code shapes an output besides vsp's own:
#: pyproject.toml allows a range of each, and outputs rendered with another ReportLab must not pass as fresh.
_LIBRARIES = (
    ("reportlab", "reportlab"),
    ("jinja2", "jinja2"),
    ("markdown_it", "markdown_it_py"),
    ("pyphen", "pyphen"),
    ("yaml", "pyyaml"),
    ("pydantic", "pydantic"),
)


@cache
def _libraries() -> str:
    return " ".join(f"{dist}={_installed_version(module, dist)}" for module, dist in _LIBRARIES)


def _installed_version(module: str, dist: str) -> str:
    """A distribution's version from its `.dist-info` folder beside the module (found, not imported); through
    importlib.metadata otherwise, which costs 80 ms as it scans every installed distribution."""
    from importlib.util import find_spec

    spec = find_spec(module)
    if spec is not None and spec.origin:
        folder = os.path.dirname(os.path.dirname(spec.origin))
        prefix = f"{dist}-"
        with contextlib.suppress(OSError):
            for entry in sorted(os.listdir(folder)):
                if entry.lower().startswith(prefix) and entry.endswith(".dist-info"):
                    return entry[len(prefix) : -len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def fingerprint(context: str, source_digest: str) -> str:
    """The fingerprint of an output: its context (`Fingerprinter.context`) and the statement's SHA-256."""
    return _digest([context, source_digest])


def _digest(parts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogateescape"))  # file names need not be UTF-8
        h.update(b"\0")
    return h.hexdigest()


def _load_record(folder: Path) -> dict[str, list[str]]:
    try:
        data = json.loads(read_regular(folder / RECORD_NAME).decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # damaged (a record nested 100,000 deep): render again
        return {}
    return data if isinstance(data, dict) else {}


#: The name of an output file vsp writes: no folder part, and one of its suffixes.
_OUTPUT_NAME = re.compile(r"[^/\\\x00]+\.(?:pdf|md)")


def load_records(jobs: Iterable[Job], keys: RecordKeys) -> dict[str, Entry]:
    """The build records of every output folder the jobs write to, keyed by output path."""
    records: dict[str, Entry] = {}
    for folder in sorted({keys.folder(out) for job in jobs for out in job.outputs.values()}):
        for name, entry in _load_record(folder).items():
            # only outputs in this folder: a record edited to name "../README.md" must not make it an orphan
            if not _OUTPUT_NAME.fullmatch(name) or not isinstance(entry, list) or len(entry) not in (2, 3):
                continue
            source = str(entry[2]) if len(entry) == 3 else ""  # records before 0.2 named no statement
            records[str(folder / name)] = (str(entry[0]), str(entry[1]), source)
    return records


def find_orphans(claimed: set[str], records: Mapping[str, Entry], searched: Sequence[Path]) -> list[Path]:
    """Outputs in the record of a folder this run writes to whose statement no longer exists (renamed or
    deleted) and that no job of this run writes (`claimed`: their record keys): left behind, they would pass
    `--check` for ever.

    Only a statement that would lie in a folder this run searched (`searched`, resolved) is known to be gone:
    one recorded elsewhere may be in another checkout that shares the output folder, or on a share not mounted.
    """
    roots = [os.path.join(root, "") for root in map(str, searched)]
    orphans = []
    for key, (_, _, source) in sorted(records.items()):
        if key in claimed or not source:
            continue
        statement = os.path.normpath(os.path.join(os.path.dirname(key), source))
        if statement.startswith(tuple(roots)) and not os.path.lexists(statement) and os.path.isfile(key):
            orphans.append(Path(key))
    return orphans


def remove_orphans(orphans: Sequence[Path], records: Mapping[str, Entry]) -> list[Outcome]:
    """Delete the orphans that are as vsp wrote them (one edited by hand is left, and reported)."""
    outcomes = []
    for path in orphans:
        entry = records[str(path)]
        job = Job(_statement_of(path, entry), {})
        if _hash_file(path) == entry[1]:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            outcomes.append(Outcome(job, OutcomeStatus.REMOVED, stale=[path]))
        else:
            problem = Diagnostic.for_file(
                shown_path(path),
                "output-orphaned",
                f"{shown_path(path)} gehört zu keinem Standpunkt mehr ({shown_path(job.source)} fehlt) und wurde von Hand "
                "geändert; bitte selbst löschen",
                Severity.WARNING,
            )
            outcomes.append(Outcome(job, OutcomeStatus.ORPHANED, [problem]))
    return outcomes


def _statement_of(path: Path, entry: Entry) -> Path:
    return Path(os.path.normpath(os.path.join(path.parent, entry[2])))


def shown_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder where it lies below it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def orphan_outcomes(orphans: Sequence[Path], records: Mapping[str, Entry]) -> list[Outcome]:
    """`--check`: every orphan is an output that should not be there."""
    outcomes = []
    for path in orphans:
        entry = records[str(path)]
        source = _statement_of(path, entry)
        remedy = (
            "vsp render entfernt es"
            if _hash_file(path) == entry[1]
            else "von Hand geändert, bitte selbst löschen"
        )
        problem = Diagnostic.for_file(
            shown_path(path),
            "output-orphaned",
            f"{shown_path(path)} gehört zu keinem Standpunkt mehr ({shown_path(source)} fehlt); {remedy}",
        )
        outcomes.append(Outcome(Job(source, {}), OutcomeStatus.ORPHANED, [problem]))
    return outcomes


def save_records(outcomes: Iterable[Outcome]) -> None:
    """Merge this run's entries into each output folder's build record (atomically)."""
    by_folder: dict[str, dict[str, Entry]] = {}
    for outcome in outcomes:
        for path, entry in outcome.record.items():
            folder, name = os.path.split(path)  # keys are resolved paths (`RecordKeys`): no Path needed
            by_folder.setdefault(folder, {})[name] = entry
    for folder, entries in sorted(by_folder.items()):
        current = _load_record(Path(folder))
        current.update({name: list(entry) for name, entry in entries.items()})
        present = _names_in(folder)  # one listing, not a stat per output
        existing = {name: v for name, v in sorted(current.items()) if name in present}
        with contextlib.suppress(OSError):  # without a record the next run simply renders again
            write_atomic(Path(folder, RECORD_NAME), (json.dumps(existing, indent=1) + "\n").encode("utf-8"))


def _names_in(folder: str) -> set[str]:
    """The names of the files in `folder` (none if it cannot be listed)."""
    try:
        with os.scandir(folder) as entries:
            return {entry.name for entry in entries}
    except OSError:
        return set()


@dataclass(frozen=True)
class Task:
    """A job and the outputs to (re)write, each with its context digest; outputs up to date are left out."""

    job: Job
    #: Format → context digest (`Fingerprinter.context`) of each output to write; the fingerprint is made from
    #: it and the digest of the statement's bytes as the worker reads them.
    todo: dict[str, str]
    kept: dict[str, Entry]  # record key → record entry of an up-to-date output
    keys: dict[str, str]  # format → record key of the output
    #: Format → the statement's path relative to the output's folder (`Entry`).
    sources: dict[str, str]


def prepare(
    job: Job,
    known: Mapping[str, Entry],
    fingerprinter: Fingerprinter,
    keys: RecordKeys,
    *,
    force: bool,
    check: bool,
) -> Task:
    """Decide, without parsing the statement, which outputs of `job` need rendering.

    The statement is read only when the record holds an entry for one of its outputs: in a fresh build the
    worker reads each file once, and the fingerprint is made from the bytes it renders.
    """
    todo: dict[str, str] = {}
    kept: dict[str, Entry] = {}
    out_keys = {fmt: keys(out) for fmt, out in job.outputs.items()}
    # relative, so the record stays right when the repository moves; through the folder resolved once a run
    source = str(keys.folder(job.source) / job.source.name)
    sources = {fmt: os.path.relpath(source, os.path.dirname(key)) for fmt, key in out_keys.items()}
    digest: str | None = None
    for fmt, out in job.outputs.items():
        context = fingerprinter.context(job, fmt)
        previous = None if force or check else known.get(out_keys[fmt])
        if previous is not None:
            if digest is None:
                digest = _hash_file(job.source, MAX_BYTES + 1)  # a longer file is refused, whatever follows
            if previous[0] == fingerprint(context, digest) and _hash_file(out) == previous[1]:
                kept[out_keys[fmt]] = (previous[0], previous[1], sources[fmt])
                continue
        todo[fmt] = context
    return Task(job, todo, kept, out_keys, sources)


def process(task: Task, *, check: bool = False) -> Outcome:
    """Validate and render the outputs a task needs; never raises for bad input (bugs still raise)."""
    job = task.job
    if not task.todo:
        return Outcome(job, OutcomeStatus.UNCHANGED, record=dict(task.kept))
    # Imported here: a run in which every output is up to date never loads the parser or the renderers.
    from .api import render
    from .loader import read_source
    from .validation import check_file

    try:
        raw = read_source(job.source)
    except InvalidInput as exc:
        return Outcome(job, OutcomeStatus.INVALID, exc.diagnostics)
    # The fingerprint is of the bytes rendered here: a statement saved again since `prepare` read it
    # (an editor during --watch) must not leave its new output recorded under its old bytes.
    digest = hashlib.sha256(raw).hexdigest()
    result = check_file(job.source, strict=job.strict, raw=raw)
    source = result.source if result.diagnostics else None
    if result.statement is None or not result.ok:
        return Outcome(job, OutcomeStatus.INVALID, result.diagnostics, result.source)
    try:
        rendered = {fmt: render(result.statement, fmt, job.settings) for fmt in task.todo}
    except VspError as exc:
        # A renderer knows the statement, not its file: problems it finds belong to the input file.
        found = [d if d.file else replace(d, file=str(job.source)) for d in exc.diagnostics]
        return Outcome(job, OutcomeStatus.INVALID, found, result.source)
    if check:
        stale = [job.outputs[f] for f, data in rendered.items() if _differs(job.outputs[f], data)]
        return Outcome(
            job, OutcomeStatus.STALE if stale else OutcomeStatus.FRESH, result.diagnostics, source, {}, stale
        )
    record = dict(task.kept)
    try:
        write_all_atomic({job.outputs[fmt]: data for fmt, data in rendered.items()})
    except OSError as exc:
        problem = Diagnostic.for_file(
            str(job.source),
            "output-unwritable",
            f"{exc.filename} kann nicht geschrieben werden: {os_reason(exc)}",
        )
        return Outcome(job, OutcomeStatus.INVALID, [*result.diagnostics, problem], source, record)
    for fmt, data in rendered.items():
        key = task.keys[fmt]
        record[key] = (
            fingerprint(task.todo[fmt], digest),
            hashlib.sha256(data).hexdigest(),
            task.sources[fmt],
        )
    return Outcome(job, OutcomeStatus.RENDERED, result.diagnostics, source, record)


def _differs(path: Path, data: bytes) -> bool:
    try:
        return read_regular(path, len(data) + 1) != data  # a longer file differs; no need to read it all
    except OSError:
        return True


# --- running many ---------------------------------------------------------------------------------------------


def _warm_up() -> None:
    """Import the renderers once per worker process, not once per file.

    Ctrl+C reaches the workers too; a worker ends quietly (no traceback of its own), and the main process
    reports the interruption.
    """
    signal.signal(signal.SIGINT, _quit)
    from . import markdown, pdf  # noqa: F401


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
    work = partial(process, check=check)
    outcomes: list[Outcome] = []
    pool: ProcessPoolExecutor | None = None
    try:
        tasks: list[Task] = []
        pending = 0
        for job in jobs:
            task = prepare(job, known, fingerprinter, keys, force=force, check=check)
            pending += bool(task.todo)
            if pending == 2 and pool is None and workers > 1:
                # A single job with work (a save in --watch) is rendered here; a second one starts the
                # workers, which load the renderers while the rest of the jobs is prepared.
                pool = ProcessPoolExecutor(max_workers=worker_count(workers, len(jobs)), initializer=_warm_up)
                pool.submit(int)  # forks them now, not at the first real task
            tasks.append(task)
        results: Iterator[Outcome]
        if pool is None:
            results = map(work, tasks)
        else:
            results = pool.map(work, tasks, chunksize=max(1, min(8, pending // (workers * 8))))
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
