"""File access for user-named paths: atomic writes, reads that never block, and German reasons for OS errors.

A reader or an interrupted run never sees a truncated or half-replaced output; a named pipe or a device
given (or found) as a statement is refused instead of waiting forever for data.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import itertools
import os
import secrets
import stat
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import BinaryIO

#: What the common OS errors mean, in the words of the messages (the system's own texts are English).
_REASONS = {
    errno.ENOENT: "nicht gefunden",
    errno.EACCES: "keine Berechtigung",
    errno.EPERM: "keine Berechtigung",
    errno.EISDIR: "ist ein Ordner",
    errno.ENOTDIR: "ein Teil des Pfades ist kein Ordner",
    errno.ELOOP: "zu viele symbolische Verknüpfungen (Schleife?)",
    errno.ENAMETOOLONG: "Name zu lang",
    errno.ENOSPC: "kein Platz mehr auf dem Datenträger",
    errno.EROFS: "Dateisystem nur lesbar",
    errno.EIO: "Ein-/Ausgabefehler",
    errno.EBUSY: "Datei wird gerade verwendet",
    errno.EEXIST: "existiert bereits",
    errno.EMFILE: "zu viele offene Dateien",
    errno.EFBIG: "Datei zu groß",
    errno.EDQUOT: "Speicherkontingent erschöpft",
    errno.ENXIO: "keine gewöhnliche Datei (ein Socket oder ein Gerät ohne Treiber)",  # open() of a socket
}
_NOT_REGULAR = "keine gewöhnliche Datei (etwa eine benannte Pipe oder ein Gerät)"


def real(path: Path) -> Path:
    """`path` made absolute with every symbolic link resolved, like `Path.resolve()`, which in Python 3.11
    raises RuntimeError on a link loop: here a loop stays as it is, and reading it reports ELOOP for that file."""
    return Path(os.path.realpath(path))


def walk(
    folder: Path,
    skip: Iterable[Path] = (),
    *,
    follow_links: bool = False,
    unreadable: list[Path] | None = None,
    within: Path | None = None,
    outside: list[Path] | None = None,
    limit: int = -1,
    stopped: list[Path] | None = None,
) -> list[Path]:
    """The files below `folder` in the order of `os.walk` (a folder's files, then each subfolder's, sorted);
    hidden files and folders and the folders in `skip` are left out.

    Without os.walk's recursion, which a tree a thousand folders deep exhausted. Linked folders are followed
    only if asked (in a statement folder a link to / would search the whole disk), each real folder once, told
    apart by device and inode, so a link loop ends; with `within` (a resolved folder), only those that lead to
    a folder inside it, the others are added to `outside`. Folders that cannot be listed are passed over, and
    added to `unreadable`. With `limit`, the walk stops once it has looked at more than `limit` names (files,
    folders and hidden ones alike: a tree of empty or hidden folders costs as much to list as one of files), and
    adds the folder it was listing to `stopped`.
    """
    skipped = {_identity(p) for p in skip} - {None}
    found: list[Path] = []
    visited: set[tuple[int, int] | None] = set()
    stack = [folder]
    seen = 0  # names looked at, for `limit`
    while stack:
        root = stack.pop()
        identity = _identity(root)
        if identity is None:
            # listed as a folder, but not to be looked at (a path longer than the system takes)
            if unreadable is not None and root is not folder and not os.path.islink(root):
                unreadable.append(root)
            continue
        if identity in visited or identity in skipped:
            continue
        if within is not None and root is not folder and not is_inside(real(root), within):
            if outside is not None:
                outside.append(root)
            continue
        visited.add(identity)
        try:
            with os.scandir(root) as scan:
                entries = []
                for entry in scan:
                    seen += 1
                    if 0 <= limit < seen:
                        if stopped is not None:
                            stopped.append(root)
                        return found
                    if not _is_hidden(entry.name):
                        entries.append((entry.name, _kind(entry, follow_links)))
                entries.sort()
        except OSError:
            if unreadable is not None:
                unreadable.append(root)
            continue
        found.extend(root / name for name, kind in entries if kind == "file")
        stack.extend(reversed([root / name for name, kind in entries if kind == "folder"]))
    return found


def is_file(path: Path) -> bool:
    """Whether `path` is a regular file (links followed); a name the system refuses (too long, a NUL byte) is
    none, where `Path.is_file` raises."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    """Whether `path` is a folder (links followed); a name the system refuses is none (see `is_file`)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies below it (both resolved: `real`)."""
    return path == folder or str(path).startswith(os.path.join(folder, ""))


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _kind(entry: os.DirEntry[str], follow_links: bool) -> str:
    """ "folder" (or a link to one, if links are followed), "link" (to a folder, not followed) or "file"; a link
    loop counts as a file, which its reader reports."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return "folder"
        if entry.is_symlink() and entry.is_dir():
            return "folder" if follow_links else "link"
    except OSError:
        pass
    return "file"


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def os_reason(exc: OSError) -> str:
    """Why an OS call failed, in German where the error is a common one."""
    reason = _REASONS.get(exc.errno) if exc.errno is not None else None
    return reason or exc.strerror or str(exc) or type(exc).__name__


def unlookable(shown: str, exc: OSError) -> str:
    """The message for a path the system cannot look up (longer than it takes, say), named as `shown`: an
    internal error (exit 123) where it was not asked first."""
    return f"{shown} lässt sich nicht nachschlagen ({os_reason(exc)})"


def read_regular(path: Path, limit: int = -1, *, follow_links: bool = True) -> bytes:
    """The bytes of a regular file (at most `limit`); anything else raises OSError instead of blocking, and so
    does a link unless `follow_links`."""
    with open_regular(path, follow_links=follow_links) as fh:
        return fh.read(limit)


def cache_dir() -> Path:
    """The user's cache folder of vsp (hyphenation table, compiled templates, the build record's key):
    `$XDG_CACHE_HOME/vsp`, else `~/.cache/vsp`; RuntimeError if there is no home folder to be found."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base and os.path.isabs(base) else Path.home() / ".cache") / "vsp"


def read_private(path: Path, limit: int, *, secret: bool = False) -> bytes | None:
    """A file vsp keeps in the user's cache folder, if it is one: a regular file (not a link) of the user's that
    nobody else may change (`secret`: nor read), of at most `limit` bytes; else None. The cache folder may be
    shared or inside a checkout (`XDG_CACHE_HOME` in a CI job): a file another user or a repository could have
    put there is not believed."""
    try:
        with open_regular(path, follow_links=False) as fh:
            info = os.fstat(fh.fileno())
            # on Windows there are no such owners, and every file shows the mode 0o666
            if hasattr(os, "geteuid") and (
                info.st_mode & (0o077 if secret else 0o022) or info.st_uid != os.geteuid()
            ):
                return None
            data = fh.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None


#: This machine's secret in the cache folder: the MACs of the build record and of the cached compiled templates.
KEY_NAME = "record.key"
_KEY_BYTES = 32


def cache_key() -> bytes | None:
    """This machine's key for the MACs (made on first use), or None if the cache folder cannot hold one.

    A file in the cache folder that only the user may write can still come from a repository: a checkout made
    by the user has such files, and `XDG_CACHE_HOME` in a CI job may lie inside it. Such a file is believed only
    with a MAC made with this key, which a repository cannot know: a key in a cache folder in a checkout (where git
    checks out files readable by their owner alone if the umask is 077) is never read, the home folder's cache
    keeps it then."""
    try:
        folder = cache_dir()
        working = os.getcwd()
    except (RuntimeError, OSError):  # no home folder to be found; the working folder is gone
        return None
    return _key_in(str(folder), working)


def signed(key: bytes, data: bytes) -> bytes:
    """`data` with its MAC made with `key` in front (see `cache_key`)."""
    return hmac.new(key, data, hashlib.sha256).digest() + data


def unsigned(key: bytes, data: bytes) -> bytes | None:
    """The data `signed` put after its MAC, if the MAC is right; else None."""
    mac, body = data[: hashlib.sha256().digest_size], data[hashlib.sha256().digest_size :]
    return body if hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()) else None


@cache
def _key_in(folder: str, working: str) -> bytes | None:
    if not _stays_in(Path(folder), Path(working)):
        return None
    keys = Path(folder)
    if _in_checkout(keys, Path(working)):
        # A checkout brings files only its user may read where git's umask is 077: a repository's record.key
        # would be believed, and with it the compiled templates signed with it (which Jinja unpickles). The key
        # is kept in the home folder's cache then, the caches stay where they are.
        try:
            keys = Path.home() / ".cache" / "vsp"
        except RuntimeError:  # no home folder to be found
            return None
        if _in_checkout(keys, Path(working)) or not _stays_in(keys, Path(working)):
            return None
    path = keys / KEY_NAME
    key = _read_key(path)
    if key is None and not os.path.lexists(path):
        key = _made_key(path)
    return key


def _stays_in(folder: Path, working: Path) -> bool:
    """Whether the cache folder, if it lies in the working folder (`XDG_CACHE_HOME` in a CI job's checkout), is
    there once links are followed: a repository's link `.cache/vsp` (or `.cache`) → `~/…` must not make vsp
    make its key and caches in a folder of its choosing. Without a key nothing is written to the cache folder,
    nor read from it. Working in the home folder itself, `~/.cache` is the user's own, which may well be a link
    to another disk."""
    if not is_inside(Path(os.path.normpath(folder)), Path(os.path.normpath(working))):
        return True
    try:
        if real(working) == real(Path.home()):
            return True
    except RuntimeError:  # no home folder to be found
        pass
    return is_inside(real(folder), real(working))


def _in_checkout(folder: Path, working: Path) -> bool:
    """Whether a repository may have brought the files of `folder`: it lies in the working folder (not the
    home folder itself), or in a folder that holds `.git` (below the home folder, if it lies there: a home
    folder kept in git holds no repository of strangers)."""
    folder = Path(os.path.normpath(folder))
    try:
        home: Path | None = Path(os.path.normpath(Path.home()))
    except RuntimeError:  # no home folder to be found
        home = None
    if is_inside(folder, Path(os.path.normpath(working))) and (home is None or real(working) != real(home)):
        return True
    for parent in (folder, *folder.parents):
        if home is not None and parent == home and is_inside(folder, home):
            return False
        if os.path.lexists(parent / ".git"):
            return True
    return False


def _read_key(path: Path) -> bytes | None:
    """The key in `path`, if it is one: a regular file of the user's (no link), readable by nobody else."""
    key = read_private(path, _KEY_BYTES, secret=True)
    return key if key is not None and len(key) == _KEY_BYTES else None


def _made_key(path: Path) -> bytes | None:
    """A new key in `path`, made atomically (mode 0600); the one another process made first wins."""
    temporary = path.with_name(f".{KEY_NAME}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(temporary, flags, 0o600), "wb") as fh:
            fh.write(secrets.token_bytes(_KEY_BYTES))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return _read_key(path)


#: How much of a file `digest_regular` holds at a time.
_CHUNK = 1 << 20


def digest_regular(path: Path, limit: int = -1, *, follow_links: bool = True) -> str:
    """SHA-256 (hex) of a regular file's bytes (at most `limit`), read in pieces: memory stays flat however
    large the file is (a statement folder may hold anything). A link raises OSError unless `follow_links`."""
    h = hashlib.sha256()
    with open_regular(path, follow_links=follow_links) as fh:
        while limit != 0:
            chunk = fh.read(_CHUNK if limit < 0 else min(_CHUNK, limit))
            if not chunk:
                break
            h.update(chunk)
            if limit > 0:
                limit -= len(chunk)
    return h.hexdigest()


def open_regular(path: Path, *, follow_links: bool = True) -> BinaryIO:
    """A regular file opened for reading; anything else raises OSError instead of blocking, and so does a
    link unless `follow_links` (ELOOP).

    The file is opened without blocking and checked on the open descriptor, so a named pipe is refused at
    once rather than waited on, and a file swapped for one after a check cannot slip through.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags if follow_links else flags | getattr(os, "O_NOFOLLOW", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, _REASONS[errno.EISDIR], str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, _NOT_REGULAR, str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def write_atomic(path: Path, data: bytes, *, mode: int = 0o666) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`.

    The rename is atomic, so a killed or failing run leaves either the old file or the new one, never a
    truncated one. There is no fsync: it would cost more than rendering a Markdown file, and a build that a
    power cut interrupts is simply run again. The file gets the permissions `mode` less the umask (by default
    those of any new file).
    """
    write_all_atomic({path: data}, mode=mode)


def write_atomic_pieces(path: Path, pieces: Iterable[bytes]) -> None:
    """`write_atomic` for data made piece by piece, never held whole (a build record of thousands of
    entries)."""
    temporary = _Temporary(path)
    try:
        with _naming(path):
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, _REASONS[errno.EISDIR], str(path))
            with os.fdopen(temporary.create(), "wb") as fh:
                for piece in pieces:
                    fh.write(piece)
            os.replace(temporary.name, path)
    except BaseException:
        temporary.remove()
        raise


def write_all_atomic(files: Mapping[Path, bytes], *, mode: int = 0o666) -> None:
    """`write_atomic` for the outputs of one statement together: all or none of them are replaced.

    Every file is written to its temporary file before any is renamed, and an output that is a folder fails
    before any rename: a PDF without its Markdown is never left behind. An OSError names the output it
    concerns (`filename`), not its temporary file.
    """
    temporaries: list[_Temporary] = []
    try:
        for path, data in files.items():
            with _naming(path):
                if path.is_dir():
                    raise IsADirectoryError(errno.EISDIR, _REASONS[errno.EISDIR], str(path))
                temporary = _Temporary(path, mode)
                temporaries.append(temporary)
                with os.fdopen(temporary.create(), "wb") as fh:
                    fh.write(data)
        for temporary in temporaries:
            with _naming(temporary.path):
                os.replace(temporary.name, temporary.path)
    except BaseException:
        for temporary in temporaries:
            temporary.remove()  # those already renamed are gone under their temporary name
        raise


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        exc.filename = str(path)
        raise


#: How much of an output's name its temporary file repeats: a name of 255 bytes, the most a file system
#: allows, leaves room for the rest.
_NAME_KEPT = 100
#: Numbers the temporary files of this process; with the process id they make names no other writer uses.
_TEMPORARY = itertools.count()
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)


class _Temporary:
    """A new, empty hidden file beside `path`, in a folder made if missing.

    The name is chosen before the file is made, so that an interruption at any point, even a signal between
    the open and the write, can remove what was made. The folder is only looked at when the file cannot be
    made: a build writes thousands of files into a handful of folders.
    """

    __slots__ = ("mode", "name", "path")

    def __init__(self, path: Path, mode: int = 0o666) -> None:
        self.path = path
        self.mode = mode
        self.name = ""

    def create(self) -> int:
        """The open file descriptor."""
        try:
            return self._create()
        except FileNotFoundError:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._create()

    def _create(self) -> int:
        for _ in range(100):
            self.name = os.path.join(
                self.path.parent, f".{self.path.name[:_NAME_KEPT]}.{os.getpid()}-{next(_TEMPORARY)}.tmp"
            )
            try:
                return os.open(self.name, _CREATE, self.mode)
            except FileExistsError:
                continue  # left behind by a killed process of the same id: garbage, never another's
        raise FileExistsError(errno.EEXIST, _REASONS[errno.EEXIST], str(self.path))

    def remove(self) -> None:
        if self.name:
            with contextlib.suppress(OSError):
                os.unlink(self.name)
