"""vsp: Verwaltungsstandpunkte (municipal position statements) from YAML to PDF and Markdown."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vsp-cli")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"
