"""Fingerprints: digests of everything that shapes an output, so an unchanged one need not be rendered again."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from .. import __version__, templatefiles
from ..errors import VspError
from ..fileio import digest_regular, walk
from ..limits import MAX_CONFIG_BYTES, MAX_LOGO_BYTES, MAX_TEMPLATE_BYTES
from ..settings import RenderSettings
from .jobs import Job


def hash_file(path: Path, limit: int = -1, *, follow_links: bool = True) -> str:
    """SHA-256 of a regular file's first `limit` bytes; "-" for anything else (a link, unless followed)."""
    try:
        return digest_regular(path, limit, follow_links=follow_links)
    except OSError:
        return "-"


class Fingerprinter:
    """Digests of everything that shapes an output; shared files (templates, config, logo) hashed once a run."""

    def __init__(self) -> None:
        self._files: dict[Path, str] = {}
        self._templates: dict[Path | None, list[str]] = {}
        #: Digest of everything but the statement, per settings, format, strictness and dependencies: jobs that
        #: share a configuration share one settings object, so it is computed once for all of them.
        self._contexts: dict[tuple[RenderSettings, str, bool, tuple[Path, ...]], str] = {}

    def file(self, path: Path, limit: int = -1) -> str:
        if path not in self._files:
            self._files[path] = hash_file(path, limit)
        return self._files[path]

    def templates(self, settings: RenderSettings) -> list[str]:
        """Digests of every template file that may shape the Markdown output, each read at most as far as its
        size (`templatefiles.scan`); a user's folder that the renderer refuses gives a digest no record holds."""
        key = settings.template_dir
        if key not in self._templates:
            from ..resources import builtin_templates_dir

            builtin = walk(builtin_templates_dir())
            digests = [f"{p}:{self.file(p, MAX_TEMPLATE_BYTES + 1)}" for p in builtin]
            if key is not None:
                try:
                    files = templatefiles.scan(key)
                except VspError:
                    files = ()
                    digests.append("refused")  # the renderer reports it; nothing is recorded
                digests += [f"{f.path}:{f.size}:{self.file(f.path, f.size + 1)}" for f in files]
            self._templates[key] = digests
        return self._templates[key]

    def context(self, job: Job, fmt: str) -> str:
        """The digest of everything but the statement that shapes output `fmt` of `job`."""
        key = (job.settings, fmt, job.strict, job.dependencies)
        if key not in self._contexts:
            self._contexts[key] = self._context_digest(job, fmt)
        return self._contexts[key]

    def _context_digest(self, job: Job, fmt: str) -> str:
        s = job.settings
        parts: list[str] = [
            __version__,
            _libraries(),
            fmt,
            json.dumps(s.labels.as_dict(), sort_keys=True, ensure_ascii=False),
            s.body,
            s.footer or "",
            str(s.hyphenate),
            os.environ.get("SOURCE_DATE_EPOCH", ""),
            self.file(s.logo, MAX_LOGO_BYTES + 1) if s.logo else "",
            s.logo_text if s.logo else "",
            str(job.strict),
        ]
        parts += [f"{p}:{self.file(p, MAX_CONFIG_BYTES + 1)}" for p in job.dependencies]
        parts += self.templates(s) if fmt == "md" else []
        return _digest(parts)


#: The installed distributions (module, distribution) whose code shapes an output besides vsp's own:
#: pyproject.toml allows a range of each, and outputs rendered with another ReportLab must not pass as fresh.
_LIBRARIES = (
    ("reportlab", "reportlab"),
    ("jinja2", "jinja2"),
    ("markdown_it", "markdown_it_py"),
    ("pyphen", "pyphen"),
    ("yaml", "pyyaml"),
    ("pydantic", "pydantic"),
)


@cache
def _libraries() -> str:
    return " ".join(f"{dist}={_installed_version(module, dist)}" for module, dist in _LIBRARIES)


def _installed_version(module: str, dist: str) -> str:
    """A distribution's version from its `.dist-info` folder beside the module (found, not imported); through
    importlib.metadata otherwise, which costs 80 ms as it scans every installed distribution."""
    from importlib.util import find_spec

    spec = find_spec(module)
    if spec is not None and spec.origin:
        folder = os.path.dirname(os.path.dirname(spec.origin))
        prefix = f"{dist}-"
        with contextlib.suppress(OSError):
            for entry in sorted(os.listdir(folder)):
                if entry.lower().startswith(prefix) and entry.endswith(".dist-info"):
                    return entry[len(prefix) : -len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def fingerprint(context: str, source_digest: str, form_digests: Sequence[str] = ()) -> str:
    """The fingerprint of an output: its context (`Fingerprinter.context`), the statement's SHA-256 and those
    of the form files its form was read from (none for a built-in form)."""
    return _digest([context, source_digest, *form_digests])


def _digest(parts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogateescape"))  # file names need not be UTF-8
        h.update(b"\0")
    return h.hexdigest()
