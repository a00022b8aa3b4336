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

The package follows the seams of a build: `jobs` (what to do, collisions), `fingerprints` (what shapes an
output), `record` (the build record and orphans), `work` (one statement: up to date? then render and write),
`pool` (many statements, in a process pool).
"""

from ..limits import MAX_WORKERS
from .fingerprints import Fingerprinter, fingerprint
from .jobs import Job, Outcome, OutcomeStatus, RecordKeys, find_collisions, output_paths, shown_path
from .pool import WorkerLost, default_jobs, run, warm_up, worker_count
from .record import RECORD_NAME, Entries, RecordEntry, record_key, save_records
from .work import Task, prepare, process

__all__ = [
    "MAX_WORKERS",
    "RECORD_NAME",
    "Entries",
    "Fingerprinter",
    "Job",
    "Outcome",
    "OutcomeStatus",
    "RecordEntry",
    "RecordKeys",
    "Task",
    "WorkerLost",
    "default_jobs",
    "find_collisions",
    "fingerprint",
    "output_paths",
    "prepare",
    "process",
    "record_key",
    "run",
    "save_records",
    "shown_path",
    "warm_up",
    "worker_count",
]
