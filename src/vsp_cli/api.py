"""The library entry points: load and check statements, render them to bytes or to files.

Everything here is importable without the CLI; ReportLab and Jinja2 are imported only when something is
rendered. Errors in the input raise `InvalidInput` (a `VspError`) carrying located diagnostics.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Diagnostic
from .errors import OutputError
from .fileio import os_reason, write_atomic
from .forms import FormSources
from .model import Statement
from .settings import FORMATS, RenderSettings
from .validation import Result, check_file, load_statement

__all__ = [
    "RenderSettings",
    "Result",
    "Statement",
    "check",
    "load",
    "render",
    "render_markdown",
    "render_pdf",
    "write",
]

#: Output formats by file suffix.
SUFFIXES = {f".{fmt}": fmt for fmt in FORMATS}


def load(path: str | Path, *, strict: bool = False, forms: FormSources | None = None) -> Statement:
    """The statement in a YAML file, bound to its form; raises `InvalidInput` listing every error.

    `forms`: what form names mean (`formular` and `[formulare]` of a configuration, e.g.
    `config.settings_for(path).render.forms`); without it, only the built-in forms and form files named by path.
    """
    return load_statement(Path(path), strict=strict, forms=forms)


def check(path: str | Path, *, strict: bool = False, forms: FormSources | None = None) -> Result:
    """Validate a file without raising: the statement (if valid) and every diagnostic."""
    return check_file(Path(path), strict=strict, forms=forms)


def render_pdf(statement: Statement, settings: RenderSettings | None = None) -> bytes:
    """The statement as a PDF document."""
    from .pdf import render_pdf as _render_pdf

    return _render_pdf(statement, settings)


def render_markdown(statement: Statement, settings: RenderSettings | None = None) -> str:
    """The statement as Markdown (GitHub/GitLab flavoured)."""
    from .markdown import render_markdown as _render_markdown

    return _render_markdown(statement, settings)


def render(statement: Statement, fmt: str, settings: RenderSettings | None = None) -> bytes:
    """The statement in format `fmt` ("pdf" or "md") as bytes."""
    if fmt == "pdf":
        return render_pdf(statement, settings)
    if fmt == "md":
        return render_markdown(statement, settings).encode("utf-8")
    raise ValueError(f"unbekanntes Format {fmt!r}; erwartet pdf oder md")


def write(statement: Statement, path: str | Path, settings: RenderSettings | None = None) -> Path:
    """Render to `path` (format from its suffix, .pdf or .md), atomically; returns the path.

    A file that cannot be written raises `OutputError` (a `VspError`), like every problem of the input;
    another suffix is a mistake of the calling program (ValueError).
    """
    target = Path(path)
    fmt = SUFFIXES.get(target.suffix.lower())
    if fmt is None:
        raise ValueError(f"{target}: Endung .pdf oder .md erwartet")
    data = render(statement, fmt, settings)
    try:
        write_atomic(target, data)
    except OSError as exc:
        message = f"{target} kann nicht geschrieben werden: {os_reason(exc)}"
        raise OutputError([Diagnostic.for_file(str(target), "output-unwritable", message)]) from None
    return target
