"""The files of a user's template folder, as far as vsp reads them: regular files inside the folder, bounded.

A template folder comes from a repository vsp may not trust (a pull request, a zip by e-mail). Only regular
files that lie inside the folder are templates: a link leading out of it (to `/proc/self/environ`, to a key in
the home folder), a named pipe or a device is refused with a located error, never read. Sizes are taken from
`stat` before anything is read, and no read takes more than the size found: a `/proc` file, which reports
size 0 and yields text, or a file growing while it is read, is refused too.

Both the renderer (`templating`) and the build's fingerprint (`build`) list a folder through `scan`, so that
neither reads a file the other would refuse. Jinja is not imported here: the fingerprint is made in the main
process, which renders nothing when every output is up to date.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, german_number, quote_path
from .errors import TemplateError
from .fileio import is_inside, os_reason, read_regular, real, walk
from .limits import MAX_TEMPLATE_BYTES, MAX_TEMPLATE_FILES


@dataclass(frozen=True, slots=True)
class TemplateFile:
    """A template as found: its name (with `/`), path, size, and what tells a changed file from the same one
    (times and inode: a write changes the change time, which no program can set back)."""

    name: str
    path: Path
    size: int
    stamp: tuple[int, int, int, int]


def scan(folder: Path) -> tuple[TemplateFile, ...]:
    """The templates in `folder` (hidden files and folders left out); raises `TemplateError` for anything
    that is no regular file inside the folder, and for a folder holding too much."""
    root = real(folder)
    outside: list[Path] = []
    stopped: list[Path] = []
    paths = walk(
        folder, follow_links=True, within=root, outside=outside, limit=MAX_TEMPLATE_FILES, stopped=stopped
    )
    if outside:
        raise _refused(outside[0], "template-link-outside", _LINK_OUTSIDE.format(path=quote_path(outside[0])))
    if stopped:  # listed again for every statement: a tree of 20,000 empty folders cost 1.5 s each time
        message = (
            f"Der Vorlagenordner {quote_path(folder)} enthält mehr als {german_number(MAX_TEMPLATE_FILES)} "
            "Dateien und Ordner (Grenze MAX_TEMPLATE_FILES); bitte einen Ordner nur für die Vorlagen angeben"
        )
        raise _refused(folder, "template-error", message)
    files = []
    for path in paths:
        try:
            if os.path.islink(path) and not is_inside(real(path), root):
                raise _refused(path, "template-link-outside", _LINK_OUTSIDE.format(path=quote_path(path)))
            info = os.stat(path)
        except OSError as exc:
            raise _unreadable(path, exc) from None
        if not stat.S_ISREG(info.st_mode):
            message = (
                f"{quote_path(path)} im Vorlagenordner ist keine gewöhnliche Datei (etwa eine benannte Pipe "
                "oder ein Gerät) und wird nicht gelesen"
            )
            raise _refused(path, "template-not-a-file", message)
        name = path.relative_to(folder).as_posix()
        files.append(
            TemplateFile(
                name, path, info.st_size, (info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
            )
        )
    total = sum(file.size for file in files)
    if total > MAX_TEMPLATE_BYTES:
        message = (
            f"Der Vorlagenordner {quote_path(folder)} enthält {german_number(total)} Bytes, mehr als "
            f"{german_number(MAX_TEMPLATE_BYTES)} (Grenze MAX_TEMPLATE_BYTES); bitte einen Ordner nur für die "
            "Vorlagen angeben"
        )
        raise _refused(folder, "template-error", message)
    return tuple(files)


def read(file: TemplateFile) -> bytes:
    """The bytes of a template found by `scan`: never more than its size, and refused if they are more."""
    try:
        data = read_regular(file.path, file.size + 1)
    except OSError as exc:
        raise _unreadable(file.path, exc) from None
    if len(data) != file.size:
        message = (
            f"{quote_path(file.path)} im Vorlagenordner hat beim Lesen eine andere Größe als angegeben (eine "
            "Datei des Systems wie /proc, oder sie wurde gerade geändert) und wird nicht verwendet"
        )
        raise _refused(file.path, "template-not-a-file", message)
    return data


_LINK_OUTSIDE = (
    "{path} im Vorlagenordner ist eine Verknüpfung, die aus dem Ordner herausführt; Vorlagen werden nur "
    "innerhalb des Vorlagenordners gelesen"
)


def _refused(path: Path, code: str, message: str) -> TemplateError:
    return TemplateError([Diagnostic.for_file(path, code, message)])


def _unreadable(path: Path, exc: OSError) -> TemplateError:
    return _refused(path, "template-error", f"Die Vorlage kann nicht gelesen werden: {os_reason(exc)}")
