"""One statement's work: decide what is up to date (main process), then validate, render and write (worker)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import collector
from ..diagnostics import Diagnostic, Severity, Span
from ..errors import InvalidInput, VspError
from ..fileio import os_reason, read_regular, real, write_all_atomic
from ..limits import MAX_BYTES, MAX_FORM_BYTES
from . import fingerprints
from .fingerprints import Fingerprinter
from .jobs import Job, Outcome, OutcomeStatus, RecordKeys
from .record import RecordEntry, as_written

if TYPE_CHECKING:
    from ..validation import Result


@dataclass(frozen=True)
class Task:
    """A job and the outputs to (re)write, each with its context digest; outputs up to date are left out."""

    job: Job
    #: Format → context digest (`Fingerprinter.context`) of each output to write; the fingerprint is made from
    #: it and the digest of the statement's bytes as the worker reads them.
    todo: dict[str, str]
    kept: dict[str, RecordEntry]  # record key → record entry of an up-to-date output
    keys: dict[str, str]  # format → record key of the output (its folder resolved when the run was planned)
    #: Format → the statement's path relative to the output's folder (`RecordEntry.source`).
    sources: dict[str, str]


def prepare(
    job: Job,
    known: Mapping[str, RecordEntry],
    fingerprinter: Fingerprinter,
    keys: RecordKeys,
    *,
    force: bool,
    check: bool,
    key: bytes | None = None,
) -> Task:
    """Decide, without parsing the statement, which outputs of `job` need rendering.

    An output is up to date if its entry in `known` carries a valid MAC made with `key` (`RecordEntry.vouched`:
    written by vsp on this machine), its fingerprint is that of the statement and settings now, and the file
    is as written (`as_written`).
    The statement is read only when there is such an entry: in a fresh build the worker reads each file once,
    and the fingerprint is made from the bytes it renders.
    """
    todo: dict[str, str] = {}
    kept: dict[str, RecordEntry] = {}
    out_keys = {fmt: keys(out) for fmt, out in job.outputs.items()}
    # relative, so the record stays right when the repository moves; through the folder resolved once a run
    source = str(keys.folder(job.source) / job.source.name)
    sources = {fmt: os.path.relpath(source, os.path.dirname(key)) for fmt, key in out_keys.items()}
    digest: str | None = None
    for fmt in job.outputs:
        context = fingerprinter.context(job, fmt)
        previous = None if force or check else known.get(out_keys[fmt])
        if previous is not None and previous.vouched(os.path.basename(out_keys[fmt]), key):
            if digest is None:  # a longer file is refused, whatever follows
                digest = fingerprints.hash_file(job.source, MAX_BYTES + 1)
            forms = [  # the form files it was rendered with, as they are now
                fingerprinter.file(Path(os.path.dirname(out_keys[fmt]), form), MAX_FORM_BYTES + 1)
                for form in previous.forms
            ]
            fresh = previous.fingerprint == fingerprints.fingerprint(context, digest, forms)
            # the folder was resolved a moment ago (`keys`): only the file itself is looked at
            if fresh and as_written(Path(out_keys[fmt]), previous, folder_checked=True):
                moved = previous.source != sources[fmt]  # the repository moved: signed again
                kept[out_keys[fmt]] = previous._replace(source=sources[fmt], mac="") if moved else previous
                continue
        todo[fmt] = context
    return Task(job, todo, kept, out_keys, sources)


@dataclass(slots=True)
class Done:
    """What became of a task, as a worker sends it back: an `Outcome` without its job, which the main
    process has (a job carries its settings: sent back with every statement, they filled the main process)."""

    status: OutcomeStatus
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source_text: str | None = None
    record: dict[str, RecordEntry] = field(default_factory=dict)
    stale: list[Path] = field(default_factory=list)
    nummer: tuple[str, Span] | None = None

    def outcome(self, job: Job) -> Outcome:
        return Outcome(
            job, self.status, self.diagnostics, self.source_text, self.record, self.stale, self.nummer
        )


def unchanged(task: Task) -> Outcome:
    """The outcome of a task with nothing to render: its outputs are kept, and its warnings shown again."""
    entry = next(iter(task.kept.values()), None)
    warnings = [replace(d, file=str(task.job.source)) for d in entry.warnings] if entry else []
    outcome = Outcome(task.job, OutcomeStatus.UNCHANGED, warnings, record=dict(task.kept))
    outcome.nummer = entry.nummer if entry else None
    return outcome


def process_all(tasks: Sequence[Task], *, check: bool = False) -> list[Done]:
    """`process` for the tasks a worker is sent at once."""
    found = []
    for task in tasks:
        outcome = process(task, check=check)
        found.append(
            Done(
                outcome.status,
                outcome.diagnostics,
                outcome.source_text,
                outcome.record,
                outcome.stale,
                outcome.nummer,
            )
        )
    return found


def process(task: Task, *, check: bool = False) -> Outcome:
    """Validate and render the outputs a task needs; never raises for bad input (bugs still raise)."""
    # reading, checking and rendering a statement make no reference cycles to collect, unless the project's
    # templates make some (`collector`)
    with collector.paused(task.job.settings.template_dir is None):
        return _process(task, check=check)


def _process(task: Task, *, check: bool) -> Outcome:
    job = task.job
    if not task.todo:
        return unchanged(task)
    # Imported here: a run in which every output is up to date never loads the parser or the renderers.
    from ..loader import read_source
    from ..validation import check_file

    try:
        raw = read_source(job.source)
    except InvalidInput as exc:
        return Outcome(job, OutcomeStatus.INVALID, exc.diagnostics)
    # The fingerprint is of the bytes rendered here: a statement saved again since `prepare` read it
    # (an editor during --watch) must not leave its new output recorded under its old bytes.
    digest = hashlib.sha256(raw).hexdigest()
    result = check_file(job.source, strict=job.strict, raw=raw, forms=job.settings.forms)
    outcome = _rendered(task, result, digest, check=check)
    outcome.nummer = result.nummer  # for the check across the statements of the run
    return outcome


def _rendered(task: Task, result: Result, digest: str, *, check: bool) -> Outcome:
    """Render a checked statement's outputs and write them (or compare them, with `check`)."""
    from ..api import render
    from ..forms import form_of

    job = task.job
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
    targets = {Path(task.keys[fmt]): job.outputs[fmt] for fmt in rendered}
    folders = {out.parent: key.parent for key, out in targets.items()}
    moved = [out for out, planned in folders.items() if not _unmoved(out, planned)]
    if moved:
        problem = Diagnostic.for_file(
            str(job.source),
            "output-unwritable",
            f"{moved[0]} wird nicht beschrieben: der Ordner führt jetzt über eine Verknüpfung woandershin als "
            "beim Planen des Laufs; vsp schreibt nie durch eine Verknüpfung aus dem Ausgabeordner heraus",
        )
        return Outcome(job, OutcomeStatus.INVALID, [*result.diagnostics, problem], source, record)
    try:
        # written by the resolved path: through no link that appeared in the output's path since planning
        write_all_atomic({Path(task.keys[fmt]): data for fmt, data in rendered.items()})
    except OSError as exc:
        shown = targets.get(Path(str(exc.filename)), exc.filename)
        problem = Diagnostic.for_file(
            str(job.source),
            "output-unwritable",
            f"{shown} kann nicht geschrieben werden: {os_reason(exc)}",
        )
        return Outcome(job, OutcomeStatus.INVALID, [*result.diagnostics, problem], source, record)
    warnings = tuple(replace(d, file="") for d in result.diagnostics if d.severity is Severity.WARNING)
    form = form_of(result.statement)
    for fmt, data in rendered.items():
        folder = os.path.dirname(task.keys[fmt])
        record[task.keys[fmt]] = RecordEntry(
            fingerprints.fingerprint(task.todo[fmt], digest, form.digests),
            hashlib.sha256(data).hexdigest(),
            len(data),
            task.sources[fmt],
            warnings,
            forms=tuple(os.path.relpath(real(path), folder) for path in form.files),
            nummer=result.nummer,
        )
    return Outcome(job, OutcomeStatus.RENDERED, result.diagnostics, source, record)


#: Output folders this process found to be the folders a run planned, with their device and inode: a folder
#: is resolved once per process, then only looked at (a statement's write costs one `stat`).
_FOLDERS: dict[Path, tuple[int, int]] = {}


def _unmoved(named: Path, planned: Path) -> bool:
    """Whether the output folder `named` still leads to `planned`, the folder resolved when the run was planned
    (no link put into its path since)."""
    try:
        info = os.stat(planned)
    except OSError:
        return real(named) == planned  # to be made by the write: its parents must not have moved
    identity = (info.st_dev, info.st_ino)
    if _FOLDERS.get(planned) == identity:
        return True
    if real(named) != planned:
        return False
    _FOLDERS[planned] = identity
    return True


def _differs(path: Path, data: bytes) -> bool:
    try:
        return read_regular(path, len(data) + 1) != data  # a longer file differs; no need to read it all
    except OSError:
        return True
