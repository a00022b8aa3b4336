"""`vsp render --watch`: render once, then again whenever a statement, configuration or template changes."""

from __future__ import annotations

import sys
from pathlib import Path

from .batch import BatchOptions, UsageError, execute
from .fileio import real
from .inputs import SUFFIXES
from .report import EXIT_OK, Report
from .usage import command_usage_message

_WATCHED_NAMES = ("vsp.toml", "pyproject.toml")


def _roots(options: BatchOptions) -> list[Path]:
    """Folders to watch: the inputs' folders, the configuration's and the template folder."""
    roots: set[Path] = set()
    for arg in options.paths:
        p = Path(arg)
        roots.add(real(p if p.is_dir() else p.parent))
    if options.config is not None:
        roots.add(options.config.resolve().parent)
    template_dir = options.overrides.get("template_dir")
    if template_dir:
        roots.add(Path(str(template_dir)).resolve())
    return sorted(roots)


def _relevant(path: str) -> bool:
    name = Path(path).name
    return (
        name.endswith((*SUFFIXES, ".j2", ".png", ".jpg", ".jpeg")) or name in _WATCHED_NAMES
    ) and not name.startswith(".")


def watch_command(options: BatchOptions) -> int:
    """Render, then wait for changes and render again, printing diagnostics instead of stopping."""
    from watchfiles import watch

    def build() -> None:
        report = Report(output_format=options.output_format, quiet=options.quiet)
        try:
            execute(options, report)
        except UsageError as exc:
            sys.stderr.write(command_usage_message(str(exc), "render"))
            return
        report.finish(verb="verarbeitet")

    # The watcher is started before the first build, so that a file saved during it is not missed; its first,
    # empty yield (after `rust_timeout`) says it is running.
    changes_seen = watch(
        *_roots(options),
        watch_filter=lambda _change, path: _relevant(path),
        yield_on_timeout=True,
        rust_timeout=300,
    )
    started = False
    try:
        for changes in changes_seen:
            if not started:
                started = True
                build()
                sys.stderr.write("Warte auf Änderungen … (Strg+C beendet)\n")
                sys.stderr.flush()
            if not changes:
                continue
            names = sorted({Path(p).name for _, p in changes})
            sys.stderr.write(f"Geändert: {', '.join(names)}\n")
            build()
    except KeyboardInterrupt:
        pass
    return EXIT_OK
