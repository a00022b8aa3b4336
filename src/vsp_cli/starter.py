"""The commented starter statement written by `vsp new`."""

from __future__ import annotations

import os
from pathlib import Path

from .fileio import real
from .resources import builtin_templates_dir, schema_file

STARTER = "neu.yaml"
_SCHEMA_MARK = "@SCHEMA@"


def schema_reference(target: Path | None) -> str:
    """What the `$schema` comment should point at, so that the editor can resolve it.

    A repository that keeps `schema/statement.schema.json` (as `vsp schema -o` writes it) is referred to
    relatively, which stays valid for everyone who clones it; otherwise the copy installed with vsp.
    """
    if target is not None:
        folder = real(target).parent
        for parent in (folder, *folder.parents):
            candidate = parent / "schema" / "statement.schema.json"
            if candidate.is_file():
                return Path(os.path.relpath(candidate, folder)).as_posix()
    return schema_file().resolve().as_uri()


def starter_text(target: Path | None) -> str:
    """The starter statement with its `$schema` line filled in for a file at `target` (None: stdout)."""
    text = (builtin_templates_dir() / STARTER).read_text(encoding="utf-8")
    return text.replace(_SCHEMA_MARK, schema_reference(target))
