"""The one exception base of vsp: the CLI turns any `VspError` into messages and exit code 1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .diagnostics import Diagnostic


class VspError(Exception):
    """A problem with the user's input, configuration or templates (never a bug in vsp)."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("; ".join(d.message for d in self.diagnostics))


class InvalidInput(VspError):
    """A statement file cannot be read or does not satisfy the format."""


class ConfigError(VspError):
    """A configuration file (vsp.toml, [tool.vsp]) is invalid."""


class TemplateError(VspError):
    """A template cannot be loaded or fails while rendering."""


class OutputError(VspError):
    """An output file cannot be written (a folder in its place, no permission, a full disk)."""
