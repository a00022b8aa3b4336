"""Turn the paths, folders and globs of a command line into a deterministic list of statement files."""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .diagnostics import Diagnostic, quote_path
from .fileio import is_inside, os_reason, real, unlookable, walk

SUFFIXES = (".yaml", ".yml")
GLOB_CHARS = frozenset("*?[")


class InputNotFound(Exception):
    """A command-line path that names nothing (a usage error, exit code 2)."""


class Resolver:
    """`fileio.real()` for many files in few folders: each folder is resolved once, not once per file."""

    def __init__(self) -> None:
        self._folders: dict[Path, Path] = {}

    def folder(self, path: Path) -> Path:
        """The resolved folder `path` is in: from the resolved folder above it where it is no link, so that a
        tree of D folders costs D looks, not D² (each `real()` looks at every folder above: 1,500 folders one
        in another took seconds)."""
        parent = path.parent
        folder = self._folders.get(parent)
        if folder is not None:
            return folder
        below: list[Path] = []  # folders up to one already resolved, a link, or one `real()` must judge
        top = parent
        while (
            top not in self._folders
            and top.name not in ("", ".", "..")
            and top.parent != top
            and not top.is_symlink()
        ):
            below.append(top)
            top = top.parent
        folder = self._folders.get(top)
        if folder is None:
            folder = self._folders[top] = real(top)
        for step in reversed(below):
            folder = self._folders[step] = folder / step.name
        return folder

    def __call__(self, path: Path) -> Path:
        if path.is_symlink() or path.name in ("", ".", ".."):
            return real(path)
        return self.folder(path) / path.name


def _walk(folder: Path, skip: set[Path]) -> list[Path]:
    """Statement files below `folder` (`fileio.walk`: hidden ones and the folders in `skip` left out, linked
    folders not followed); a folder that cannot be listed is an error, not a silent gap. A folder of `skip`
    that is `folder` itself or holds it is not left out: `vsp render . -o .` writes the outputs beside their
    statements, and found none („Keine *.yaml-Dateien gefunden“)."""
    unreadable: list[Path] = []
    here = real(folder)
    skip = {other for other in skip if not is_inside(here, other)}
    found = [path for path in walk(folder, skip, unreadable=unreadable) if path.name.endswith(SUFFIXES)]
    if unreadable:
        raise InputNotFound(
            f"Der Ordner {quote_path(unreadable[0])} kann nicht gelesen werden ({_why(unreadable[0])})"
        )
    return found


def _why(folder: Path) -> str:
    """Why a folder cannot be listed, as the system says it."""
    try:
        with os.scandir(folder):
            pass
    except OSError as exc:
        return os_reason(exc)
    return "fehlende Rechte?"  # readable now: it changed during the walk


def collect(
    arguments: Sequence[str],
    *,
    skip_dirs: Iterable[Path] = (),
    refused: dict[Path, Diagnostic] | None = None,
) -> list[Path]:
    """Files named, found in folders (recursively) or matched by globs; each once, in a stable order.

    Relative paths stay relative to the working directory. Folders are searched for *.yaml and *.yml; hidden
    folders and the `skip_dirs` (e.g. the output folder) are left out. Order: arguments in the order given,
    each folder or glob sorted by path. Finding no file at all is an error, like a missing path.

    A file that is a link to a file outside the folder it was found in (the folder named, a glob's folder up
    to its first wildcard, a named file's folder) is not read: it stays in the list, for its place in the
    order and in shards, and `refused` maps it to the error that says so. Without `refused`, such a link
    raises `InputNotFound`.
    """
    skip = {real(Path(p)) for p in skip_dirs}
    result: list[Path] = []
    seen: set[Path] = set()
    resolve = Resolver()

    def add(paths: Iterable[Path], root: Path) -> None:
        for p in paths:
            key = resolve(p)
            if key not in seen:
                seen.add(key)
                result.append(p)
                if not is_inside(key, root):  # `key` is resolved: links in its path are followed
                    _refuse(p, root, refused)

    for arg in arguments:
        path = Path(arg)
        if not arg.strip():
            raise InputNotFound("Ein leerer Pfad ist keine Eingabe (für den aktuellen Ordner: „.“)")
        kind = _kind(path, arg)
        if kind == "folder":
            add(_walk(path, skip), real(path))
        elif kind == "file":
            add([path], real(path.parent))
        elif GLOB_CHARS & set(arg):
            if "**" in arg and ".." in Path(arg).parts[_first_wildcard(arg) :]:
                raise InputNotFound(
                    f"Im Muster „{arg}“ steht „..“ hinter einem Platzhalter; mit „**“ geht das nicht: "
                    "bitte „..“ vor den ersten Platzhalter stellen oder den Ordner ohne „..“ angeben"
                )
            matches = _recursive_matches(arg, skip) if "**" in arg else sorted(glob.glob(arg))
            if not matches:
                raise InputNotFound(f"Kein Treffer für das Muster „{arg}“")
            root = real(fixed_part(arg))
            for match in matches:
                m = Path(match)
                if m.is_dir():
                    if is_inside(real(m), root):
                        add(_walk(m, skip), root)
                elif m.name.endswith(SUFFIXES):
                    add([m], root)
        else:
            raise InputNotFound(f"Datei oder Ordner „{arg}“ nicht gefunden")
    if not result:
        raise InputNotFound("Keine *.yaml- oder *.yml-Dateien gefunden in: " + ", ".join(arguments))
    return result


def _kind(path: Path, arg: str) -> str | None:
    """ "folder", "file" (anything else that is there, a link too) or None for a path of the command line. A path
    the system cannot look up (longer than it takes) is a usage error: it was an internal error (exit 123)."""
    try:
        if path.is_dir():
            return "folder"
        return "file" if path.exists() or os.path.islink(path) else None
    except OSError as exc:
        raise InputNotFound(unlookable(f"Der Pfad {quote_path(arg)}", exc)) from None


def _recursive_matches(pattern: str, skip: set[Path]) -> list[str]:
    """The statement files a pattern with `**` matches (also those in a folder it matches), sorted, found as a
    folder is searched: linked folders are not followed, hidden ones left out. `glob.glob` followed every link:
    three links `a`, `b`, `c` → `.` in a folder of the repository made `standpunkte/**/*.yaml` list 3ⁿ paths
    until the names grew too long, for ever."""
    parts = Path(pattern).parts
    fixed = _first_wildcard(pattern)
    root, wanted = (Path(*parts[:fixed]) if fixed else Path(".")), parts[fixed:]
    if not root.is_dir():
        return []
    return sorted(str(path) for path in _walk(root, skip) if _matched(path.relative_to(root).parts, wanted))


def _matched(names: Sequence[str], wanted: Sequence[str]) -> bool:
    """Whether a path below the pattern's fixed part, or a folder on the way to it, matches the rest of the
    pattern: `**` stands for any number of names, the other parts for one name each (`fnmatch`'s rules)."""

    def closed(states: set[int]) -> set[int]:  # `**` may stand for no name at all
        for state in sorted(states):
            while state < len(wanted) and wanted[state] == "**":
                state += 1
                states.add(state)
        return states

    states = closed({0})
    for index, name in enumerate(names):
        starred = {state for state in states if state < len(wanted) and wanted[state] == "**"}
        named = {
            state + 1
            for state in states - starred
            if state < len(wanted) and fnmatch.fnmatchcase(name, wanted[state])
        }
        if index == len(names) - 1:  # the file: a part of the pattern after the one it matched names a folder
            return len(wanted) in named or any(
                all(part == "**" for part in wanted[state:]) for state in starred
            )
        states = closed(starred | named)
        if len(wanted) in states:  # a folder the pattern names: everything below it
            return True
    return False


def _first_wildcard(pattern: str) -> int:
    """The index of the pattern's first path part with a wildcard (the number of parts if none has one)."""
    parts = Path(pattern).parts
    return next((i for i, part in enumerate(parts) if GLOB_CHARS & set(part)), len(parts))


def fixed_part(pattern: str) -> Path:
    """The folder a glob searches: its path up to the first part with a wildcard."""
    fixed = _first_wildcard(pattern)
    return Path(*Path(pattern).parts[:fixed]) if fixed else Path(".")


def _refuse(path: Path, root: Path, refused: dict[Path, Diagnostic] | None) -> None:
    """Refuse a statement that is (or lies behind) a link to a file outside `root`: the link is named, the
    file it leads to is never read, so nothing of it (a key, a token) can reach a message or an output."""
    message = (
        f"{quote_path(path)} ist eine Verknüpfung auf eine Datei außerhalb von {quote_path(root)}; "
        "Standpunkte werden nur innerhalb der durchsuchten Ordner gelesen. Bitte die Datei selbst dorthin "
        "kopieren oder ihren Ordner als Pfad angeben"
    )
    if refused is None:
        raise InputNotFound(message)
    refused[path] = Diagnostic.for_file(path, "link-outside", message)
