"""vsp: Verwaltungsstandpunkte (municipal position statements) from YAML to PDF and Markdown."""

from __future__ import annotations

#: The one place the version is written; pyproject.toml reads it (hatch), so no metadata lookup at start-up.
__version__ = "0.1.0"
