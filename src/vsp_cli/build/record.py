"""The build record (`.vsp-build.json` in each output folder): what was written from what, and orphans."""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..diagnostics import Diagnostic, Severity
from ..fileio import read_regular, write_atomic
from . import fingerprints
from .jobs import Entry, Job, Outcome, OutcomeStatus, RecordKeys, shown_path

RECORD_NAME = ".vsp-build.json"


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
        if fingerprints.hash_file(path) == entry[1]:
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


def orphan_outcomes(orphans: Sequence[Path], records: Mapping[str, Entry]) -> list[Outcome]:
    """`--check`: every orphan is an output that should not be there."""
    outcomes = []
    for path in orphans:
        entry = records[str(path)]
        source = _statement_of(path, entry)
        remedy = (
            "vsp render entfernt es"
            if fingerprints.hash_file(path) == entry[1]
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
