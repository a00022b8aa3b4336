"""`vsp render --watch`: render once, then again whenever a statement, configuration, form file or template
changes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .batch import WORKER_LOST, BatchOptions, Planner, UsageError, execute
from .build import WorkerLost, warm_up
from .diagnostics import escape_controls, german_number, listed
from .errors import ConfigError
from .fileio import os_reason, real
from .inputs import GLOB_CHARS, SUFFIXES, fixed_part
from .interrupts import interrupted
from .limits import MAX_LISTED, MAX_WATCHED_FOLDERS
from .report import EXIT_INVALID, EXIT_OK, Report
from .usage import command_usage_message

_WATCHED_NAMES = ("vsp.toml", "pyproject.toml")


@dataclass
class _Watched:
    """What `--watch` watches: folders with the folders below them, and the template folders among them (any file
    there counts); `single`: folders watched without those below them (a logo's)."""

    folders: list[Path]
    templates: tuple[str, ...]  # as path prefixes
    single: tuple[Path, ...] = ()


def _watched(options: BatchOptions) -> _Watched:
    """The inputs' folders (a glob's up to its first wildcard), and for each input its configuration file's
    folder, its template folder and its logo's folder, wherever they are."""
    planner = Planner(options)
    roots: set[Path] = set()
    templates: set[Path] = set()
    single: set[Path] = set()
    for arg in options.paths:
        if GLOB_CHARS & set(arg):
            folder = fixed_part(arg)
        else:
            path = Path(arg)
            folder = path if path.is_dir() else path.parent
        if folder.is_dir():
            roots.add(real(folder))
            _add_settings(planner, folder / "_.yaml", roots, templates, single)
    if options.config is not None:
        roots.add(real(options.config).parent)
    return _Watched(
        sorted(roots) or [real(Path("."))],
        tuple(sorted(f"{t}{os.sep}" for t in templates)),
        tuple(sorted(single)),
    )


def _add_settings(
    planner: Planner, probe: Path, roots: set[Path], templates: set[Path], single: set[Path]
) -> None:
    """The folders of the configuration, templates and logo that shape the outputs of `probe`'s folder."""
    config = planner.config_path(probe)
    if config is not None:
        roots.add(real(config).parent)
    try:
        settings = planner.effective(probe).render
    except ConfigError:
        return  # reported by the build; its file is watched
    if settings.template_dir is not None and settings.template_dir.is_dir():
        templates.add(real(settings.template_dir))
    if settings.logo is not None and settings.logo.parent.is_dir():
        single.add(real(settings.logo.parent))  # the logo alone: it may lie in a home folder
    roots |= templates


def _folders(watched: _Watched) -> list[Path]:
    """The folders to watch, each on its own: those of `watched.folders` and every folder below them that a
    build would search, neither hidden nor linked (watchfiles, watching a folder with all below it, followed
    every link: a link to / in a statement folder, or `template_dir = "/"`, put a watch on every folder of the
    disk, until the system's watches ran out or a folder could not be read, an internal error, exit code 123),
    and `watched.single`; at most MAX_WATCHED_FOLDERS."""
    found: dict[Path, None] = dict.fromkeys(watched.single)
    stack = list(reversed(watched.folders))
    while stack and len(found) < MAX_WATCHED_FOLDERS:
        folder = stack.pop()
        if folder in found:
            continue
        found[folder] = None
        try:
            with os.scandir(folder) as entries:
                below = sorted(
                    Path(entry.path)
                    for entry in entries
                    if not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False)
                )
        except OSError:
            continue  # gone, or not to be listed: a build reports what it misses there
        stack.extend(reversed(below))
    return list(found)[:MAX_WATCHED_FOLDERS]


def _relevant(path: str, template_roots: tuple[str, ...]) -> bool:
    """A statement, configuration, form file (`.toml`: in the statement's or the configuration's folder, both
    watched), template or logo; any file of a template folder (a template may include a `.txt`), but never a
    hidden file or an output vsp writes itself."""
    name = Path(path).name
    if name.startswith("."):  # also the temporary files of outputs being written
        return False
    return (
        name.endswith((*SUFFIXES, ".toml", ".j2", ".png", ".jpg", ".jpeg"))
        or name in _WATCHED_NAMES
        or path.startswith(template_roots)
    )


def watch_command(options: BatchOptions) -> int:
    """Render, then wait for changes and render again, printing diagnostics instead of stopping."""
    from watchfiles import Change, watch

    # Every statement is rendered in a worker (`isolated`): this process runs the watcher's thread, and a
    # process with more than one thread can set no memory cap for templates. Loaded here once, the renderers,
    # fonts and hyphenation patterns are in each worker the pool forks, which then starts at once.
    warm_up()

    def say(line: str) -> None:
        if not options.quiet:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    def build() -> None:
        report = Report(output_format=options.output_format, quiet=options.quiet)
        try:
            execute(options, report, isolated=True)
        except UsageError as exc:
            sys.stderr.write(command_usage_message(str(exc), "render"))
            return
        except WorkerLost as exc:
            if interrupted(exc):  # Ctrl+C ended the workers first: it ends the watch, as between builds
                raise KeyboardInterrupt from None
            sys.stderr.write(WORKER_LOST)  # a worker killed (out of memory): the next change builds again
            return
        report.finish(verb="verarbeitet")

    watched = _watched(options)

    def relevant(change: Change, path: str) -> bool:
        # a new folder, to be watched from then on (a folder is watched without the folders below it)
        return _relevant(path, watched.templates) or (
            change == Change.added and not Path(path).name.startswith(".") and _is_folder(path)
        )

    started = False  # the first build is made once the first watcher runs
    again = (
        False  # folders came or went: build once more when the new watcher runs, for what it could not see
    )
    warned = False
    try:
        while True:
            folders = _folders(watched)
            if len(folders) >= MAX_WATCHED_FOLDERS and not warned:  # a change beyond would go unseen
                warned = True
                sys.stderr.write(
                    f"vsp: Es werden nur {german_number(MAX_WATCHED_FOLDERS)} Ordner beobachtet (Grenze "
                    "MAX_WATCHED_FOLDERS); Änderungen in weiteren bemerkt --watch nicht\n"
                )
            try:
                # Started before the first build, so that a file saved during it is not missed; its first, empty
                # yield (after `rust_timeout`) says it is running. It starts again when folders came or went.
                changes_seen = watch(
                    *folders,
                    watch_filter=relevant,
                    yield_on_timeout=True,
                    rust_timeout=300,
                    recursive=False,
                    ignore_permission_denied=True,  # a folder it may not watch: a build reports what it misses
                )
                for changes in changes_seen:
                    if not started or again:
                        first, started, again = not started, True, False
                        build()
                        if first:
                            say("Warte auf Änderungen … (Strg+C beendet)")
                    elif not changes:
                        continue
                    else:
                        say(f"Geändert: {_changed(changes)}")
                        build()
                    if folders != _folders(watched):
                        again = True
                        break
                else:
                    break  # the watcher ended (only Ctrl+C ends it)
            except FileNotFoundError:  # a folder went before its watch was set up
                again = True
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the system has no watches left, say
        sys.stderr.write(f"vsp: Die Ordner können nicht beobachtet werden ({os_reason(exc)})\n")
        return EXIT_INVALID
    return EXIT_OK


def _changed(changes: Iterable[tuple[object, str]]) -> str:
    """The names of the changed files for one line, at most MAX_LISTED of them: a checkout or a script may
    change thousands at once (the line named each one, 100,000 names made a line of 2 MB)."""
    names = sorted({Path(path).name for _, path in changes})
    return escape_controls(listed(names[:MAX_LISTED], total=len(names)))


def _is_folder(path: str) -> bool:
    return os.path.isdir(path) and not os.path.islink(path)
