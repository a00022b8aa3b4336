"""Where the files that ship with vsp are: built-in templates and the JSON Schema copy.

In a wheel they live inside the package (`vsp_cli/templates`, `vsp_cli/statement.schema.json`, put there by
the build); in a source checkout or editable install they are the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parents[1]


def builtin_templates_dir() -> Path:
    """The folder of the built-in templates."""
    packaged = _PACKAGE / "templates"
    return packaged if packaged.is_dir() else _REPO / "templates"


def schema_file() -> Path:
    """The shipped copy of the statement JSON Schema."""
    packaged = _PACKAGE / "statement.schema.json"
    return packaged if packaged.is_file() else _REPO / "schema" / "statement.schema.json"
