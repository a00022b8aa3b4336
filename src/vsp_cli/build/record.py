"""The build record (`.vsp-build.json` in each output folder): what this machine wrote from what, and orphans.

A record lies in the output folder, often in git, and may come with a pull request: it vouches only for what
vsp on this machine wrote. Each entry carries a MAC (HMAC-SHA256 over the output's name and every field)
made with a key kept outside the project, in the user's cache folder (`record.key`, mode 0600, made on first
use). An entry without a valid MAC is ignored: its output is rendered again (`render`) or compared byte for
byte (`--check`, which never trusts a record anyway); an orphan is deleted only if its entry carries a valid
MAC. Without a usable key (no writable cache folder) no entry is trusted and everything is rendered.

Orphans are never followed through a link, and no output is hashed beyond the size its entry records or
`MAX_OUTPUT_BYTES`.
"""

from __future__ import annotations

import contextlib
import hmac
import io
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from hashlib import sha256
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, cast

from ..diagnostics import Diagnostic, Severity, Span
from ..fileio import cache_key, read_regular, real, write_atomic_pieces
from ..limits import MAX_OUTPUT_BYTES, MAX_RECORD_BYTES, MAX_RECORD_ENTRIES
from . import fingerprints
from .jobs import Job, Outcome, OutcomeStatus, shown_path

RECORD_NAME = ".vsp-build.json"


class RecordEntry(NamedTuple):
    """A build record's entry for one output."""

    #: Of everything the output was rendered from (`fingerprints.fingerprint`).
    fingerprint: str
    #: SHA-256 and size of the file as written.
    sha256: str
    size: int
    #: The statement's path relative to the output folder (an output whose statement is gone is an orphan).
    source: str
    #: The statement's warnings, shown again when the output is kept as it is (their file left empty).
    warnings: tuple[Diagnostic, ...] = ()
    #: HMAC-SHA256 (hex) of the name and the fields above, with this machine's key; "" if none.
    mac: str = ""
    #: The form files the statement's form was read from, relative to the output folder: their bytes are part
    #: of `fingerprint` (`fingerprints.fingerprint`), and a run hashes them again to see whether it holds.
    forms: tuple[str, ...] = ()
    #: The statement's number as written and where it stands, for the check across a run of unchanged ones.
    nummer: tuple[str, Span] | None = None

    def _payload(self, name: str) -> bytes:
        """The name and the fields, unambiguously: texts as JSON strings, the digests checked to be hex."""
        if not (_HEX.fullmatch(self.fingerprint) and _HEX.fullmatch(self.sha256)):
            return json.dumps([name, *self[:5], ""]).encode("ascii")  # never matches what vsp signs
        warnings = _warnings_text(self.warnings)
        text = (
            f"{_string(name)},{self.fingerprint},{self.sha256},{self.size},{_string(self.source)},{warnings}"
        )
        if self.forms:
            text += "," + ",".join(_string(form) for form in self.forms)
        if self.nummer is not None:
            text += f";{_nummer_text(self.nummer)}"
        return text.encode("ascii")

    def signed(self, name: str, key: bytes | None) -> RecordEntry:
        """The entry with its MAC for output `name` (without a key: none)."""
        mac = hmac.new(key, self._payload(name), sha256).hexdigest() if key else ""
        return self._replace(mac=mac)

    def vouched(self, name: str, key: bytes | None) -> bool:
        """Whether the entry carries a valid MAC for output `name`: written by vsp on this machine."""
        if not key or not self.mac:
            return False
        return hmac.compare_digest(self.mac, hmac.new(key, self._payload(name), sha256).hexdigest())

    def as_json(self) -> dict[str, Any]:
        return json.loads(self.text())  # type: ignore[no-any-return]

    def text(self) -> str:
        """The entry as the record file holds it (JSON, ASCII)."""
        return (
            f'{{"fingerprint":{_string(self.fingerprint)},"sha256":{_string(self.sha256)},'
            f'"size":{int(self.size)},"source":{_string(self.source)},'
            f'"warnings":{_warnings_text(self.warnings)},"mac":{_string(self.mac)}'
            + (f',"forms":[{",".join(_string(form) for form in self.forms)}]' if self.forms else "")
            + (f',"nummer":{_nummer_text(self.nummer)}' if self.nummer is not None else "")
            + "}"
        )

    @classmethod
    def from_json(cls, data: Any) -> RecordEntry | None:
        """An entry as a record file holds it; None if it is not one. Records before 0.3 (lists, no MAC)
        still name their statement, for `--check`."""
        if isinstance(data, list) and len(data) in (2, 3) and all(isinstance(v, str) for v in data):
            return cls(data[0], data[1], -1, data[2] if len(data) == 3 else "")
        if not isinstance(data, dict):
            return None
        texts = [data.get(name) for name in ("fingerprint", "sha256", "source", "mac")]
        size, warnings = data.get("size"), _warnings_from_json(data.get("warnings"))
        if not all(isinstance(v, str) for v in texts) or type(size) is not int or warnings is None:
            return None
        forms = data.get("forms", [])
        if not (isinstance(forms, list) and all(isinstance(form, str) for form in forms)):
            return None
        try:
            nummer = _nummer_from_json(data.get("nummer"))
        except ValueError:
            return None
        fingerprint, digest, source, mac = (str(v) for v in texts)
        return cls(fingerprint, digest, size, source, warnings, mac, tuple(forms), nummer)


def _nummer_text(nummer: tuple[str, Span]) -> str:
    text, span = nummer
    return f"[{_string(text)},{','.join(str(int(v)) for v in span)}]"


def _nummer_from_json(data: Any) -> tuple[str, Span] | None:
    """A number as an entry holds it, or None; raises ValueError if it is not one."""
    if data is None:
        return None
    if not (isinstance(data, list) and len(data) == 5 and isinstance(data[0], str)):
        raise ValueError(data)
    if not all(type(v) is int for v in data[1:]):
        raise ValueError(data)
    return data[0], Span(*data[1:])


def _warnings_json(warnings: Sequence[Diagnostic]) -> list[list[Any]]:
    return [[*d.span, [*d.path], d.code, d.message] for d in warnings]


def _warnings_text(warnings: Sequence[Diagnostic]) -> str:
    return json.dumps(_warnings_json(warnings), separators=(",", ":")) if warnings else "[]"


#: A digest as vsp writes it.
_HEX = re.compile(r"[0-9a-f]{64}")
#: Text that is its own JSON string between quotes (printable ASCII without quote or backslash).
_PLAIN = re.compile(r"[ !#-\[\]-~]*")


def _string(text: str) -> str:
    """`text` as a JSON string (ASCII): most are plain, and quoted without the encoder."""
    return f'"{text}"' if _PLAIN.fullmatch(text) else json.dumps(text)


def _warnings_from_json(data: Any) -> tuple[Diagnostic, ...] | None:
    if data is None:
        return ()
    if not isinstance(data, list):
        return None
    found = []
    for item in data:
        if not (isinstance(item, list) and len(item) == 7):
            return None
        *span, path, code, message = item
        if not (all(type(v) is int for v in span) and isinstance(path, list) and isinstance(code, str)):
            return None
        if not (isinstance(message, str) and all(isinstance(p, str | int) for p in path)):
            return None
        found.append(Diagnostic("", Span(*span), tuple(path), Severity.WARNING, code, message))
    return tuple(found)


# --- the key ------------------------------------------------------------------------------------------------


def record_key() -> bytes | None:
    """This machine's key for the MACs (made on first use), or None if the cache folder cannot hold one."""
    return cache_key()


# --- reading and writing ------------------------------------------------------------------------------------
#
# A record is a JSON object with one entry per line, so that it can be read and merged an entry at a time, held
# as text until an entry is needed: a build of thousands of statements holds a few hundred bytes for each.


def _entry_text(entry: RecordEntry) -> str:
    return entry.text()


def _record_texts(folder: Path) -> dict[str, str]:
    """A folder's record: output name → the text of its entry; empty if there is none or it is damaged."""
    try:  # a link in place of the record is not read: vsp replaces the file, never writes through a link
        raw = read_regular(folder / RECORD_NAME, MAX_RECORD_BYTES + 1, follow_links=False)
        text = raw.decode("utf-8") if len(raw) <= MAX_RECORD_BYTES else ""
    except (OSError, UnicodeDecodeError):
        return {}
    del raw
    if text.startswith("{\n") and text.endswith("\n}\n"):  # as vsp writes it: one entry a line
        if text.count("\n") - 2 > MAX_RECORD_ENTRIES:
            return {}  # forged, or far more than any folder holds: render again
        found = {}
        decoder = json.JSONDecoder()
        for line in text[2:-3].split("\n"):
            try:
                name, end = decoder.raw_decode(line)
            except ValueError:
                break
            colon = _COLON.match(line, end)
            if not (isinstance(name, str) and colon):
                break
            found[name] = line[colon.end() :].rstrip().removesuffix(",")
        else:
            return found
    if _values(text) > MAX_RECORD_ENTRIES:
        return {}  # each value costs json.loads far more than its bytes
    try:  # written otherwise (by hand, or by vsp before 0.3)
        data = json.loads(text)
    except (ValueError, RecursionError):  # damaged (a record nested 100,000 deep): render again
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(name): json.dumps(value) for name, value in data.items()}


_COLON = re.compile(r"\s*:\s*")


def _values(text: str) -> int:
    """At least as many as the values in the JSON `text` (each but the first of a list or an object follows a
    comma), counted without parsing it."""
    return text.count(",") + text.count("[") + text.count("{") + 1


#: The name of an output file vsp writes: no folder part, and one of its suffixes.
_OUTPUT_NAME = re.compile(r"[^/\\\x00]+\.(?:pdf|md)")


class Records(Mapping[str, RecordEntry]):
    """Record entries by output path, each read from its text when asked for (vouched for or not:
    `RecordEntry.vouched`); an entry that is not one counts as missing."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts

    def __getitem__(self, key: str) -> RecordEntry:
        text = self._texts[key]
        try:  # an entry of millions of values (`[0,0,…]`) would take gigabytes to read: not one vsp wrote
            entry = RecordEntry.from_json(json.loads(text)) if _values(text) <= MAX_RECORD_ENTRIES else None
        except (ValueError, RecursionError):
            entry = None
        if entry is None:
            raise KeyError(key)
        return entry

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def forget(self, key: str) -> None:
        """Drop an entry no longer needed."""
        self._texts.pop(key, None)


def load_records(folders: Iterable[str]) -> Records:
    """The build records of the output folders (resolved, as `RecordKeys` gives them), keyed by output path."""
    texts: dict[str, str] = {}
    for folder in sorted(folders):
        for name, text in _record_texts(Path(folder)).items():
            # only outputs in this folder: a record edited to name "../README.md" must not make it an orphan
            if _OUTPUT_NAME.fullmatch(name):
                texts[os.path.join(folder, name)] = text
    return Records(texts)


class Entries:
    """This run's record entries until they are saved (`save_records`), signed: their text is kept in a
    temporary file, the main process holds for each only its name and where its text is (a run of thousands
    of statements must not fill it, issue #18)."""

    def __init__(self, key: bytes | None) -> None:
        self.key = key
        self.by_folder: dict[str, dict[str, int]] = {}  # output folder → name → where its text is
        self._spool: BinaryIO = io.BytesIO()
        self._size = 0

    def add(self, path: str, entry: RecordEntry) -> None:
        """Add an entry; one without a MAC is signed (one with a MAC was vouched for when it was kept)."""
        folder, name = os.path.split(path)  # keys are resolved paths (`RecordKeys`): no Path needed
        signed = entry if entry.mac else entry.signed(name, self.key)
        data = _entry_text(signed).encode("ascii")
        if self._size + len(data) > _SPOOL_IN_MEMORY and isinstance(self._spool, io.BytesIO):
            self._to_disk()
        self._spool.write(data)
        self.by_folder.setdefault(folder, {})[name] = self._size << _LENGTH_BITS | len(data)
        self._size += len(data)

    def text(self, where: int) -> str:
        self._spool.seek(where >> _LENGTH_BITS)
        text = self._spool.read(where & _LENGTH_MASK).decode("ascii")
        self._spool.seek(0, io.SEEK_END)
        return text

    def _to_disk(self) -> None:
        try:
            spool = tempfile.TemporaryFile()  # noqa: SIM115 - kept open until the run ends
        except OSError:
            return  # no temporary folder: kept in memory
        spool.write(cast(io.BytesIO, self._spool).getbuffer())
        self._spool = spool

    def close(self) -> None:
        self._spool.close()


#: Entries' text kept in memory before it goes to a temporary file.
_SPOOL_IN_MEMORY = 1_000_000
#: Where an entry's text is: its offset and, in the low bits, its length.
_LENGTH_BITS = 32
_LENGTH_MASK = (1 << _LENGTH_BITS) - 1


def save_records(entries: Entries) -> None:
    """Merge this run's entries into each folder's build record, atomically and an entry at a time; entries
    of outputs that are gone are dropped."""
    for folder, found in sorted(entries.by_folder.items()):
        if real(Path(folder)) != Path(folder):
            continue  # the folder became a link since the run was planned: nothing is written through it
        current = _record_texts(Path(folder))
        present = _names_in(folder)  # one listing, not a stat per output
        names = sorted(name for name in current.keys() | found.keys() if name in present)
        lines = _record_lines(names, entries, found, current)
        with contextlib.suppress(OSError):  # without a record the next run simply renders again
            write_atomic_pieces(Path(folder, RECORD_NAME), lines)
    entries.close()


def _record_lines(
    names: list[str], entries: Entries, found: Mapping[str, int], current: Mapping[str, str]
) -> Iterator[bytes]:
    yield b"{\n"
    for number, name in enumerate(names, start=1):
        text = entries.text(found[name]) if name in found else current[name]
        yield f"{_string(name)}: {text}{',' if number < len(names) else ''}\n".encode()
    yield b"}\n"


def _names_in(folder: str) -> set[str]:
    """The names of the files in `folder` (none if it cannot be listed)."""
    try:
        with os.scandir(folder) as entries:
            return {entry.name for entry in entries}
    except OSError:
        return set()


def as_written(path: Path, entry: RecordEntry, *, folder_checked: bool = False) -> bool:
    """Whether the output file `path` is as its entry says vsp wrote it: a regular file, not a link, in a
    folder that is no link (unless just `folder_checked`), of the recorded size and SHA-256 (hashed no further
    than that size)."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_OUTPUT_BYTES or 0 <= entry.size != info.st_size:
        return False
    if not folder_checked and real(path.parent) != path.parent:
        return False
    return fingerprints.hash_file(path, info.st_size + 1, follow_links=False) == entry.sha256


# --- orphans --------------------------------------------------------------------------------------------------


def find_orphans(
    claimed: set[str], records: Mapping[str, RecordEntry], searched: Sequence[Path]
) -> list[tuple[Path, RecordEntry]]:
    """Outputs in the record of a folder this run writes to whose statement no longer exists (renamed or
    deleted) and that no job of this run writes (`claimed`: their record keys): left behind, they would pass
    `--check` for ever.

    Only a statement that would lie in a folder this run searched (`searched`, resolved) is known to be gone:
    one recorded elsewhere may be in another checkout that shares the output folder, or on a share not mounted.
    An output that is a link is not one vsp wrote.
    """
    roots = tuple(os.path.join(root, "") for root in map(str, searched))
    orphans = []
    for key in sorted(records):
        entry = records.get(key) if key not in claimed else None
        if entry is None or not entry.source:
            continue
        statement = os.path.normpath(os.path.join(os.path.dirname(key), entry.source))
        if statement.startswith(roots) and not os.path.lexists(statement) and os.path.lexists(key):
            orphans.append((Path(key), entry))
    return orphans


def remove_orphans(orphans: Sequence[tuple[Path, RecordEntry]], key: bytes | None) -> list[Outcome]:
    """Delete the orphans that are as vsp on this machine wrote them; others are left, and reported."""
    outcomes = []
    for path, entry in orphans:
        job = Job(_statement_of(path, entry), {})
        vouched = entry.vouched(path.name, key)
        if vouched and as_written(path, entry):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # the folder is no link (`as_written`), and unlink never follows the name
            outcomes.append(Outcome(job, OutcomeStatus.REMOVED, stale=[path]))
            continue
        why = "wurde von Hand geändert" if vouched else "stammt nicht von vsp auf diesem Rechner"
        problem = Diagnostic.for_file(
            shown_path(path),
            "output-orphaned",
            f"{shown_path(path)} gehört zu keinem Standpunkt mehr ({shown_path(job.source)} fehlt) und {why}; "
            "bitte selbst löschen",
            Severity.WARNING,
        )
        outcomes.append(Outcome(job, OutcomeStatus.ORPHANED, [problem]))
    return outcomes


def _statement_of(path: Path, entry: RecordEntry) -> Path:
    return Path(os.path.normpath(os.path.join(path.parent, entry.source)))


def orphan_outcomes(orphans: Sequence[tuple[Path, RecordEntry]], key: bytes | None) -> list[Outcome]:
    """`--check`: every orphan is an output that should not be there."""
    outcomes = []
    for path, entry in orphans:
        source = _statement_of(path, entry)
        if not entry.vouched(path.name, key):
            remedy = "bitte selbst löschen (der Eintrag stammt nicht von vsp auf diesem Rechner)"
        elif as_written(path, entry):
            remedy = "vsp render entfernt es"
        else:
            remedy = "von Hand geändert, bitte selbst löschen"
        problem = Diagnostic.for_file(
            shown_path(path),
            "output-orphaned",
            f"{shown_path(path)} gehört zu keinem Standpunkt mehr ({shown_path(source)} fehlt); {remedy}",
        )
        outcomes.append(Outcome(Job(source, {}), OutcomeStatus.ORPHANED, [problem]))
    return outcomes
