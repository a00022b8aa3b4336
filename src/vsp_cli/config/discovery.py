"""Finding the configuration in force for an input, like ruff and black find theirs, and passing over one
that another user could have planted."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..diagnostics import Diagnostic, Severity, quote_path
from ..fileio import read_regular, real
from ..limits import MAX_CONFIG_BYTES
from ..tomlpos import TomlProblem
from ..tomlpos import read as read_toml
from .loading import CONFIG_FILE, PYPROJECT

_TOOL_VSP_TEXT = re.compile(
    r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*vsp[ \t]*[\].]|^[ \t]*tool[ \t]*\.[ \t]*vsp\b", re.M
)


def _has_tool_vsp(pyproject: Path) -> bool:
    """Whether a pyproject.toml configures vsp. A broken one counts if it mentions [tool.vsp], so that
    loading it reports the syntax error instead of silently using another configuration; so does one too large
    to read."""
    try:
        raw = read_regular(pyproject, MAX_CONFIG_BYTES + 1)
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    if len(raw) > MAX_CONFIG_BYTES:
        return True  # cannot be checked: loading it says so, rather than another configuration being used
    try:
        tool = read_toml(text)[0].get("tool")
    except TomlProblem:
        return bool(_TOOL_VSP_TEXT.search(text))
    return isinstance(tool, dict) and "vsp" in tool


def find_config(
    start: Path, skipped: list[Diagnostic] | None = None, known: dict[Path, Path | None] | None = None
) -> Path | None:
    """The configuration for a file or folder: the nearest vsp.toml or pyproject.toml with [tool.vsp] in
    `start`'s folder or above (vsp.toml first within one folder), or None.

    A file another user could have put there is passed over (`planted_by_another`), and the search goes on
    above it; `skipped` gets a warning for each (code `config-untrusted`), saying how to use it anyway.

    `known` (resolved folder → what the search from it found) ends the search at a folder searched before and
    learns every folder searched now; `start` is then a resolved folder already. Without it, each folder of a
    tree D folders deep searched all folders above it again: D² looks.
    """
    if known is None:
        start = real(start)
    folder = start if known is not None or start.is_dir() else start.parent
    searched: list[Path] = []
    found: Path | None = None
    candidate = folder
    while True:  # up to the root, one folder at a time (`folder.parents` would make all of them first)
        if known is not None and candidate in known:
            found = known[candidate]
            break
        searched.append(candidate)
        found = _config_in(candidate, skipped)
        if found is not None or candidate.parent == candidate:
            break
        candidate = candidate.parent
    if known is not None:
        known.update(dict.fromkeys(searched, found))
    return found


def _config_in(folder: Path, skipped: list[Diagnostic] | None) -> Path | None:
    """The configuration file in `folder` itself (see `find_config`), or None."""
    for config in (folder / CONFIG_FILE, folder / PYPROJECT):
        if not config.is_file() or (config.name == PYPROJECT and not _has_tool_vsp(config)):
            continue
        reason = planted_by_another(config)
        if reason is None:
            return config
        if skipped is not None:
            skipped.append(_untrusted(config, reason))
    return None


def planted_by_another(path: Path) -> str | None:
    """Why another user than the one running vsp could have put the configuration file `path` there (in
    German, for the warning), or None.

    As git does for repositories (`safe.directory`): a file owned by another user than the one running vsp
    (root excepted); a file anyone may write; a file in a folder anyone may write (such as /tmp), unless that
    folder keeps others from replacing files they do not own (the sticky bit) and the file is the user's or
    root's. Run as root, as containerised CI does over a checkout of another uid, vsp takes a file of any
    owner that nobody else could have put there. A link counts with the file it leads to, both checked.
    """
    if not hasattr(os, "geteuid"):  # Windows: no owners of this kind
        return None
    me = os.geteuid()
    try:
        entry = os.lstat(path)
        target = os.stat(path)
        folders = [os.stat(path.parent)]
        if stat.S_ISLNK(entry.st_mode):
            folders.append(os.stat(real(path).parent))
    except OSError:
        return None  # reading it reports the problem
    own = all(info.st_uid in (me, 0) for info in (entry, target))
    if target.st_mode & stat.S_IWOTH:
        return "darf von allen Benutzern geändert werden"
    for folder in folders:
        if folder.st_mode & stat.S_IWOTH and not (folder.st_mode & stat.S_ISVTX and own):
            return "liegt in einem Ordner, in den alle Benutzer schreiben dürfen"
    if not own and me != 0:
        owner = target.st_uid if target.st_uid not in (me, 0) else entry.st_uid
        return f"gehört einem anderen Benutzer (uid {owner})"
    return None


def _untrusted(path: Path, reason: str) -> Diagnostic:
    message = (
        f"Die Konfigurationsdatei {quote_path(path)} wird nicht verwendet: sie {reason}, ein anderer Benutzer "
        f"könnte sie dort abgelegt haben. Soll sie gelten, mit --config {path} ausdrücklich angeben"
    )
    return Diagnostic.for_file(path, "config-untrusted", message, Severity.WARNING)
