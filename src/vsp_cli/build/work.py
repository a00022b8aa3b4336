"""One statement's work: decide what is up to date (main process), then validate, render and write (worker)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..diagnostics import Diagnostic
from ..errors import InvalidInput, VspError
from ..fileio import os_reason, read_regular, write_all_atomic
from ..inputs import MAX_BYTES
from . import fingerprints
from .fingerprints import Fingerprinter
from .jobs import Entry, Job, Outcome, OutcomeStatus, RecordKeys


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
                digest = fingerprints.hash_file(
                    job.source, MAX_BYTES + 1
                )  # a longer file is refused, whatever follows
            if (
                previous[0] == fingerprints.fingerprint(context, digest)
                and fingerprints.hash_file(out) == previous[1]
            ):
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
    from ..api import render
    from ..loader import read_source
    from ..validation import check_file

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
            fingerprints.fingerprint(task.todo[fmt], digest),
            hashlib.sha256(data).hexdigest(),
            task.sources[fmt],
        )
    return Outcome(job, OutcomeStatus.RENDERED, result.diagnostics, source, record)


def _differs(path: Path, data: bytes) -> bool:
    try:
        return read_regular(path, len(data) + 1) != data  # a longer file differs; no need to read it all
    except OSError:
        return True
