"""Jobs and outcomes of a build: what to render from which statement into which files, and what became of it."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Span
from ..fileio import real
from ..inputs import Resolver
from ..settings import RenderSettings

if TYPE_CHECKING:
    from .record import RecordEntry


class OutcomeStatus(StrEnum):
    RENDERED = "rendered"
    UNCHANGED = "unchanged"
    INVALID = "invalid"
    FRESH = "fresh"  # --check: outputs match
    STALE = "stale"  # --check: an output is missing or differs
    ORPHANED = "orphaned"  # an output whose statement is gone (an error with --check, else left: edited)
    REMOVED = "removed"  # an output whose statement is gone, deleted


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
    record: dict[str, RecordEntry] = field(default_factory=dict)
    #: Outputs missing or differing (--check).
    stale: list[Path] = field(default_factory=list)
    #: The statement's number as written and where (None: unread or none), for the check across a run.
    nummer: tuple[str, Span] | None = None


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
        self._folders: dict[str, str] = {}  # a folder as written → resolved, as text

    def __call__(self, path: Path) -> str:
        head, name = os.path.split(os.fspath(path))
        folder = self._folders.get(head)
        if folder is None:
            folder = self._folders[head] = str(self.folder(path))
        return os.path.join(folder, name)


def find_collisions(jobs: Iterable[Job]) -> list[Diagnostic]:
    """Two inputs that would write the same output file, or an output that is an input (`vsp render notiz.md`
    would write notiz.md over itself): an error naming both files."""
    keys = RecordKeys()
    # an input as named (it may be a link an output would replace) and the file it is (a link may point into
    # the output folder)
    inputs: dict[str, Path] = {}
    owners: dict[str, tuple[Path, str]] = {}  # output key → its statement and the output as named
    folds: dict[str, tuple[str, str]] = {}  # case-folded, NFC-normalised key → first key and output as named
    problems = []
    for job in jobs:
        inputs[keys(job.source)] = job.source
        if os.path.islink(job.source):
            inputs[str(real(job.source))] = job.source
        for out in job.outputs.values():
            key = keys(out)
            first = owners.get(key)
            if first is None:
                first = owners[key] = (job.source, str(out))
            folded = unicodedata.normalize("NFC", key).lower()  # as NTFS and APFS compare: „ß“ is not „ss“
            twin = folds.get(folded) or folds.setdefault(folded, (key, first[1]))
            if first[0] != job.source:
                problems.append(
                    Diagnostic.for_file(
                        str(job.source),
                        "output-collision",
                        f"{job.source} und {first[0]} würden beide {out} schreiben; bitte eine Datei umbenennen "
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
    for key, (source, named) in owners.items():  # once every input is known: an output that is one
        if key in inputs:
            problems.append(
                Diagnostic.for_file(
                    str(source),
                    "output-is-input",
                    f"{named} würde die Eingabedatei {inputs[key]} überschreiben; Standpunkte enden auf .yaml "
                    "oder .yml, oder einen anderen Ausgabeordner wählen (-o)",
                )
            )
    return problems


def shown_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder where it lies below it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative
