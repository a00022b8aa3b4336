"""Turn the paths, folders and globs of a command line into a deterministic list of statement files."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .fileio import real

SUFFIXES = (".yaml", ".yml")
#: Largest statement file accepted. Real ones are 5–60 kB; the limit stops a mistaken or hostile input early,
#: and nothing (parser, build fingerprint) ever reads more of a file than this and one byte.
MAX_BYTES = 1_000_000
GLOB_CHARS = frozenset("*?[")


class InputNotFound(Exception):
    """A command-line path that names nothing (a usage error, exit code 2)."""


class Resolver:
    """`fileio.real()` for many files in few folders: each folder is resolved once, not once per file."""

    def __init__(self) -> None:
        self._folders: dict[Path, Path] = {}

    def folder(self, path: Path) -> Path:
        """The resolved folder `path` is in."""
        parent = path.parent
        folder = self._folders.get(parent)
        if folder is None:
            folder = self._folders[parent] = real(parent)
        return folder

    def __call__(self, path: Path) -> Path:
        if path.is_symlink() or path.name in ("", ".", ".."):
            return real(path)
        return self.folder(path) / path.name


def _is_hidden(name: str) -> bool:
    return name.startswith(".") and name not in (".", "..")


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder, or a link to one; a link loop is a file (reported as unreadable when it is read)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _walk(folder: Path, skip: set[Path]) -> list[Path]:
    """Statement files below `folder`, skipping hidden folders/files and the folders in `skip`.

    In the order of `os.walk` (a folder's files, then each subfolder's, sorted), but without its recursion,
    which a tree a thousand folders deep exhausted; linked folders are followed, each real folder once (told
    apart by device and inode, which costs one stat, not a path resolution per level).
    """
    skipped = {_identity(p) for p in skip} - {None}
    found: list[Path] = []
    visited: set[tuple[int, int] | None] = set()
    stack = [folder]
    while stack:
        root = stack.pop()
        identity = _identity(root)
        if identity is None or identity in visited or identity in skipped:
            continue
        visited.add(identity)
        try:
            with os.scandir(root) as scan:
                entries = sorted((entry.name, _is_folder(entry)) for entry in scan)
        except OSError:
            continue  # an unreadable folder holds nothing to render, as for os.walk
        for name, is_folder in entries:
            if not is_folder and name.endswith(SUFFIXES) and not _is_hidden(name):
                found.append(root / name)
        stack.extend(
            reversed([root / name for name, is_folder in entries if is_folder and not _is_hidden(name)])
        )
    return found


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def collect(arguments: Sequence[str], *, skip_dirs: Iterable[Path] = ()) -> list[Path]:
    """Files named, found in folders (recursively) or matched by globs; each once, in a stable order.

    Relative paths stay relative to the working directory. Folders are searched for *.yaml and *.yml; hidden
    folders and the `skip_dirs` (e.g. the output folder) are left out. Order: arguments in the order given,
    each folder or glob sorted by path. Finding no file at all is an error, like a missing path.
    """
    skip = {real(Path(p)) for p in skip_dirs}
    result: list[Path] = []
    seen: set[Path] = set()
    resolve = Resolver()

    def add(paths: Iterable[Path]) -> None:
        for p in paths:
            key = resolve(p)
            if key not in seen:
                seen.add(key)
                result.append(p)

    for arg in arguments:
        path = Path(arg)
        if not arg.strip():
            raise InputNotFound("Ein leerer Pfad ist keine Eingabe (für den aktuellen Ordner: „.“)")
        if path.is_dir():
            add(_walk(path, skip))
        elif path.exists():
            add([path])
        elif GLOB_CHARS & set(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise InputNotFound(f"Kein Treffer für das Muster „{arg}“")
            for match in matches:
                m = Path(match)
                add(_walk(m, skip) if m.is_dir() else [m] if m.name.endswith(SUFFIXES) else [])
        else:
            raise InputNotFound(f"Datei oder Ordner „{arg}“ nicht gefunden")
    if not result:
        raise InputNotFound("Keine *.yaml- oder *.yml-Dateien gefunden in: " + ", ".join(arguments))
    return result
