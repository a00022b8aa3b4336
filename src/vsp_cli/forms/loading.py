"""Reading form files: built-in or a city's own, with inheritance (`erbt`), checked and located like statements.

A form file is input as untrusted as a statement: it is read only if it is a regular file of at most
MAX_FORM_BYTES inside the statement's folder or the folder of the configuration in use, never through a link
that leads elsewhere, and every problem is a German diagnostic at `FORMFILE:LINE:COL`. Every form starts from
`grundlage.toml` (the built-in blocks' defaults); the chain of `erbt` is merged on top of it, tables key by key,
arrays whole. Files are parsed once per process (keyed by their identity and change time), effective forms
built once per chain.
"""

from __future__ import annotations

import copy
import hashlib
import os
import tomllib
import weakref
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import charset
from ..diagnostics import (
    START,
    Diagnostic,
    Hints,
    Severity,
    Span,
    byte_span,
    describe_value,
    did_you_mean,
    german_number,
    listed,
    quote,
    quote_path,
)
from ..errors import VspError
from ..fileio import is_file, os_reason, read_regular, real
from ..kept import Kept
from ..labels import LABEL_TARGETS, PAGE_PLACEHOLDERS
from ..limits import LABEL_MAX, MAX_FORM_BYTES, MAX_KEPT_FORM_BYTES, MAX_KEPT_FORMS, MAX_LINKS, QUOTE_LIMIT
from ..tomlpos import Entry, PathKey, TomlProblem, locate, positions, read
from .checking import Problem, build
from .definition import (
    ANLASS_IDS,
    BLOCK_SETTINGS,
    KOPFANGABE_PLACES,
    PLACEHOLDERS,
    REQUIRED_BLOCKS,
    SCHEMA_VERSION,
    TOP_KEYS,
    CustomBlock,
    EmpfehlungSettings,
    Form,
    FormFile,
    KopfangabenSettings,
    OptionSettings,
    PlacedBlock,
    ZusammenfassungSettings,
    formatted_placeholders,
    placeholders,
)

if TYPE_CHECKING:
    from ..model import Statement

#: The forms that ship with vsp, oldest first.
BUILTIN_IDS = ("2014", "2017", "2019")
#: The form of a statement that names none, without a configuration that names one (v1's form).
DEFAULT_FORM = "2014"
#: The newest built-in form: what `vsp new` writes by default.
NEWEST_FORM = BUILTIN_IDS[-1]

_HERE = Path(__file__).parent
_GRUNDLAGE = "grundlage"


class FormError(VspError):
    """A form file, or the reference to one, is invalid."""


@dataclass(frozen=True)
class FormSources:
    """Where a form reference can lead: `[formulare]` of the configuration in use and the folder that file was
    found in (for a linked vsp.toml the link's, not its target's: a repository's link to an empty file beside a
    secret must not open that folder)."""

    #: Name → absolute path of a form file (relative paths already resolved against the configuration).
    named: Mapping[str, Path] = field(default_factory=dict)
    config_dir: Path | None = None
    #: What a statement without `formular` uses: `formular` of the configuration, else 2014.
    default: str = DEFAULT_FORM

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        """Computed once: a build hashes the sources for every statement (its fingerprint), and a configuration
        may name tens of thousands of forms (100 statements took 13 s for a vsp.toml of 40,000 names)."""
        return hash((tuple(sorted(self.named.items())), self.config_dir, self.default))


@dataclass(frozen=True)
class _Source:
    """One parsed file of a chain."""

    key: tuple[Any, ...]
    shown: str
    data: Mapping[str, Any]
    positions: Mapping[PathKey, Entry]
    builtin: bool
    folder: Path | None
    #: SHA-256 (hex) of the file's bytes as parsed ("" for a built-in form): a build's record keeps it.
    digest: str = ""


def _diag(file: str, span: Span, code: str, message: str, path: PathKey = ()) -> Diagnostic:
    return Diagnostic(file, span, path, Severity.ERROR, code, message)


def _shown(path: Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


# --- sources ------------------------------------------------------------------------------------------------


@cache
def _builtin_source(name: str) -> _Source:
    path = _HERE / f"{name}.toml"
    text = path.read_text(encoding="utf-8")
    return _Source(("builtin", name), f"vsp:{name}.toml", tomllib.loads(text), positions(text), True, None)


#: Parsed form files, effective forms and relabelled forms, each kind bounded by itself: a form takes tens of
#: times its file's size in memory, and 64 kept forms of 256 KiB took 1 GB in every process.
_parsed: Kept[tuple[Any, ...], _Source] = Kept(MAX_KEPT_FORMS, MAX_KEPT_FORM_BYTES)


def _file_source(path: Path) -> _Source:
    """A user's form file, parsed once per process while its identity and change time stay the same."""
    shown = _shown(path)
    try:
        info = path.stat()
        key = (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        found = _parsed.get(key)
        if found is not None:
            return found
        if info.st_size > MAX_FORM_BYTES:
            raise FormError([_too_large(shown)])
        raw = read_regular(path, MAX_FORM_BYTES + 1)
    except OSError as exc:
        message = f"Die Formulardatei kann nicht gelesen werden: {os_reason(exc)}"
        raise FormError([_diag(shown, START, "form-file", message)]) from None
    if len(raw) > MAX_FORM_BYTES:
        raise FormError([_too_large(shown)])
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormError(
            [
                _diag(
                    shown,
                    byte_span(raw, exc.start),
                    "not-utf8",
                    "Die Formulardatei ist nicht UTF-8-kodiert; bitte im Editor als UTF-8 speichern",
                )
            ]
        ) from None
    try:
        data, where = read(text)
    except TomlProblem as exc:
        raise FormError([_diag(shown, exc.span, "toml-syntax", exc.message)]) from None
    source = _Source(key, shown, data, where, False, path.parent, hashlib.sha256(raw).hexdigest())
    _parsed.put(key, source, len(raw))
    return source


def _too_large(shown: str) -> Diagnostic:
    return _diag(
        shown,
        START,
        "form-file",
        f"Die Formulardatei ist größer als {german_number(MAX_FORM_BYTES)} Bytes (Grenze MAX_FORM_BYTES); so groß "
        "ist kein Formular",
    )


# --- references ---------------------------------------------------------------------------------------------


def describe_choices(sources: FormSources) -> str:
    """The forms a statement may name, for messages."""
    named = f"; aus vsp.toml: {listed(sorted(sources.named))}" if sources.named else ""
    return f"eingebaut: {', '.join(BUILTIN_IDS)}{named}; oder eine Datei …/name.toml"


def _file_hint(ref: str) -> str:
    """„formulare/2021“ or „2021.TOML“: a form file whose name lacks the exact ending `.toml`."""
    stem, dot, ending = ref.rpartition(".")
    if dot and ending.lower() == "toml":
        return f" Meinten Sie „{stem}.toml“? Formulardateien enden auf .toml (klein geschrieben)."
    if "/" in ref or "\\" in ref:
        return f" Meinten Sie „{ref}.toml“? Formulardateien enden auf .toml."
    return ""


def _target(ref: str, sources: FormSources, base: Path, roots: Sequence[Path]) -> tuple[str, Path | None]:
    """("builtin", None) or ("file", resolved path) for a reference; raises FormError (message only, no place)."""
    if ref in BUILTIN_IDS:
        return ref, None
    if "\x00" in ref:  # no file is named so; the system would refuse to look
        shown = quote_path(ref.replace("\x00", "\\x00"))
        raise _RefProblem("form-file", f"Die Formulardatei {shown} gibt es nicht (Nullzeichen im Namen)")
    if ref.endswith(".toml"):
        try:
            candidate = Path(ref).expanduser() if ref.startswith("~") else Path(ref)
        except RuntimeError:  # `~name` of a user this machine does not know, or no home folder at all
            shown = quote_path(ref)
            raise _RefProblem(
                "form-file",
                f"Die Formulardatei {shown} gibt es nicht (den Benutzer hinter „~“ gibt es hier nicht)",
            ) from None
        path = real(base / candidate)
    elif ref in sources.named:
        path = real(sources.named[ref])
    else:
        hint = did_you_mean(ref, [*BUILTIN_IDS, *sources.named]) or _file_hint(ref)
        raise _RefProblem(
            "unknown-form",
            f"Unbekanntes Formular {quote(ref)}.{hint} Möglich sind: {describe_choices(sources)}",
        )
    if not any(path == root or root in path.parents for root in roots):
        where = " oder ".join(f"„{_shown(root)}“" for root in roots)
        raise _RefProblem(
            "form-file",
            f"Die Formulardatei {quote_path(ref)} liegt außerhalb der erlaubten Ordner ({where}); Formulardateien "
            "müssen im "
            "Ordner des Standpunkts oder der vsp.toml liegen",
        )
    if not is_file(path):
        looked = _shown(path)
        looked = looked if len(looked) <= QUOTE_LIMIT else "…" + looked[-QUOTE_LIMIT:]
        if os.path.lexists(path):  # a folder, a named pipe or a device: there, but not read
            raise _RefProblem(
                "form-file",
                f"Die Formulardatei {quote_path(ref)} ist keine gewöhnliche Datei (etwa ein Ordner, eine benannte "
                f"Pipe oder ein Gerät) und wird nicht gelesen ({looked})",
            )
        # where it was looked for, as seen from the working directory; nothing to add where that is as written
        where = "" if looked == ref else f" (gesucht als {looked})"
        raise _RefProblem("form-file", f"Die Formulardatei {quote_path(ref)} gibt es nicht{where}")
    return "file", path


class _RefProblem(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _roots(sources: FormSources, statement_dir: Path | None) -> tuple[Path, ...]:
    roots = [real(statement_dir)] if statement_dir is not None else []
    if sources.config_dir is not None:
        roots.append(real(sources.config_dir))
    return tuple(dict.fromkeys(roots))


def resolve(ref: str, sources: FormSources, statement_dir: Path | None) -> Form:
    """The effective form `ref` names (a built-in id, a name from `[formulare]`, a path relative to
    `statement_dir`). Raises `FormError`: a problem of the reference itself carries one diagnostic with an
    empty file name (the caller places it at the statement's `formular`), problems inside form files carry
    their own places."""
    if ref in BUILTIN_IDS and statement_dir is not None:
        return builtin(ref)  # the same with every configuration: no folder to look at
    roots = _roots(sources, statement_dir)
    base = statement_dir if statement_dir is not None else Path.cwd()
    chain: list[_Source] = []
    try:
        kind, path = _target(ref, sources, base, roots)
    except _RefProblem as problem:
        raise FormError([_diag("", START, problem.code, problem.message)]) from None
    source = _builtin_source(kind) if path is None else _file_source(path)
    while True:
        if any(earlier.key == source.key for earlier in chain):
            names = " → ".join(s.shown for s in [*chain, source])
            raise FormError(
                [_at(chain[-1], ("erbt",), "form-inheritance", f"Die Vererbung läuft im Kreis: {names}")]
            )
        chain.append(source)
        parent = source.data.get("erbt")
        if parent is None:
            break
        if not isinstance(parent, str):
            raise FormError(
                [
                    _at(
                        source,
                        ("erbt",),
                        "invalid-type",
                        f"„erbt“: Text in Anführungszeichen erwartet, gefunden: {describe_value(parent)}"
                        + (f'; bitte erbt = "{parent}" schreiben' if str(parent) in BUILTIN_IDS else ""),
                    )
                ]
            )
        if len(chain) > MAX_LINKS:
            names = " → ".join(_name(s) for s in chain)
            blame = next((s for s in reversed(chain) if not s.builtin), chain[0])
            raise FormError(
                [
                    _at(
                        blame,
                        ("erbt",),
                        "form-inheritance",
                        f"Die Kette der Vererbung ist länger als {MAX_LINKS} Glieder (Grenze MAX_LINKS): {names} → "
                        f"{parent}; bitte von einem Formular weiter oben in der Kette erben",
                    )
                ]
            )
        try:
            kind, path = _target(parent, sources, source.folder or base, roots)
        except _RefProblem as problem:
            raise FormError([_at(source, ("erbt",), problem.code, problem.message)]) from None
        source = _builtin_source(kind) if path is None else _file_source(path)
    return _effective(ref, tuple(chain))


def _name(source: _Source) -> str:
    """A file of a chain as messages name it: a built-in form by its id."""
    return str(source.key[1]) if source.builtin else source.shown


def _at(source: _Source, path: PathKey, code: str, message: str, *, key: bool = False) -> Diagnostic:
    return _diag(source.shown, locate(source.positions, path, key=key), code, message, path)


@cache
def builtin(form_id: str) -> Form:
    """A built-in form by id (2014, 2017, 2019)."""
    return resolve(form_id, FormSources(), None)


def form_of(statement: Statement) -> Form:
    """A statement's form: the one validation resolved, else the built-in one it names (or 2014)."""
    bound = statement.bound_form
    if bound is not None:
        return bound
    return builtin(statement.formular if statement.formular in BUILTIN_IDS else DEFAULT_FORM)


#: Effective forms by reference and chain, and the problems of those that are invalid: a broken form named by
#: a thousand statements is checked once, not once for each.
_effective_forms: Kept[tuple[str, tuple[tuple[Any, ...], ...]], Form | tuple[Diagnostic, ...]] = Kept(
    MAX_KEPT_FORMS, MAX_KEPT_FORM_BYTES
)
#: The bytes of the form files behind each effective form, for the cache of relabelled forms.
_weights: weakref.WeakKeyDictionary[Form, int] = weakref.WeakKeyDictionary()


def _effective(ref: str, chain: tuple[_Source, ...]) -> Form:
    key = (ref, tuple(source.key for source in chain))
    found = _effective_forms.get(key)
    if found is None:
        try:
            found = _build(ref, chain)
        except FormError as exc:
            found = tuple(exc.diagnostics)
        weight = sum(source.key[3] for source in chain if not source.builtin)  # st_size
        if isinstance(found, Form):
            _weights[found] = weight
        _effective_forms.put(key, found, weight)
    if isinstance(found, tuple):
        raise FormError(list(found))
    return found


# --- merging ------------------------------------------------------------------------------------------------


def _merge(
    into: dict[str, Any],
    data: Mapping[str, Any],
    origin: int,
    origins: dict[PathKey, int],
    path: PathKey = (),
) -> None:
    """Tables merge key by key, recursively; anything else (arrays too) replaces what was there."""
    for key, value in data.items():
        here = (*path, key)
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merged = dict(into[key])
            origins[here] = origin
            _merge(merged, value, origin, origins, here)
            into[key] = merged
        else:
            into[key] = value
            _mark(value, origin, origins, here)


def _mark(value: Any, origin: int, origins: dict[PathKey, int], path: PathKey) -> None:
    origins[path] = origin
    if isinstance(value, dict):
        for key, item in value.items():
            _mark(item, origin, origins, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _mark(item, origin, origins, (*path, index))


class _Checker:
    """Collects the diagnostics of an effective form, each placed in the file that wrote the value."""

    def __init__(self, chain: Sequence[_Source]) -> None:
        self.chain = list(reversed(chain))  # merge order: the root of the chain first
        self.origins: dict[PathKey, int] = {}
        self.found: list[Diagnostic] = []
        self.hints = Hints()

    def where(self, path: PathKey) -> tuple[_Source, PathKey]:
        for end in range(len(path), -1, -1):
            origin = self.origins.get(path[:end])
            if origin is not None and origin >= 0:
                return self.chain[origin], path
        return self.chain[-1], ()

    def origin(self, path: PathKey) -> int:
        """The index in the chain of the file that wrote the value at `path` (-1: the built-in defaults)."""
        for end in range(len(path), -1, -1):
            found = self.origins.get(path[:end])
            if found is not None:
                return found
        return -1

    def add(self, path: PathKey, code: str, message: str, *, key: bool = False) -> None:
        source, path = self.where(path)
        self.found.append(_at(source, path, code, message, key=key))

    def add_to_leaf(self, paths: Sequence[PathKey], code: str, message: str) -> None:
        """A problem of the form as a whole: placed in the most derived file that says something about it."""
        leaf = next((s for s in reversed(self.chain) if not s.builtin), self.chain[-1])
        path: PathKey = ()
        for wanted in paths:
            keys = sorted(
                (entry.key, key) for key, entry in leaf.positions.items() if key[: len(wanted)] == wanted
            )
            if keys:
                path = keys[0][1]
                break
        self.found.append(_at(leaf, path, code, message))

    def from_user(self, path: PathKey) -> bool:
        """Whether a value was written by a form file (not taken from the built-in defaults)."""
        for end in range(len(path), 0, -1):
            origin = self.origins.get(path[:end])
            if origin is not None:
                return origin >= 0
        return False


def _build(ref: str, chain: tuple[_Source, ...]) -> Form:
    check = _Checker(chain)
    merged: dict[str, Any] = {}
    _merge(merged, _builtin_source(_GRUNDLAGE).data, -1, check.origins)
    for index, source in enumerate(check.chain):
        _check_file_level(source, check)
        _merge(merged, source.data, index, check.origins)
    own = [source for source in chain if not source.builtin]
    files = tuple((Path(source.key[0]), source.digest) for source in own)
    form = _validated(ref, merged, check, files)
    if check.found or form is None:
        raise FormError(sorted(check.found, key=lambda d: (d.file, d.span.line, d.span.column)))
    return form


def _check_file_level(source: _Source, check: _Checker) -> None:
    """What each file must say itself: `schema = 1` and a `name`; no unknown top-level key; printable text."""
    data = source.data
    for key in data:
        if key not in TOP_KEYS:
            check.found.append(
                _at(
                    source,
                    (key,),
                    "unknown-key",
                    f"Unbekannter Schlüssel „{key}“.{did_you_mean(key, TOP_KEYS) or ' Erlaubt: ' + ', '.join(TOP_KEYS) + '.'}",
                    key=True,
                )
            )
    schema, name = data.get("schema"), data.get("name")
    # a value of the wrong type is the type check's invalid-type (one message per fault, not two)
    if "schema" not in data or (type(schema) is int and schema != SCHEMA_VERSION):
        found = "fehlt" if "schema" not in data else f"ist {describe_value(schema)}"
        check.found.append(
            _at(source, ("schema",), "form-schema", f"„schema = {SCHEMA_VERSION}“ erwartet; „schema“ {found}")
        )
    if "name" not in data or (isinstance(name, str) and not name.strip()):
        check.found.append(
            _at(source, ("name",), "form-missing-key", 'Jedes Formular braucht einen Namen: name = "…"')
        )
    for path, text in _strings(data):
        index = charset.first_unprintable(text)
        if index is not None:
            char = text[index]
            check.found.append(
                _at(
                    source,
                    path,
                    "unprintable-character",
                    f"„{'.'.join(map(str, path))}“: Das Zeichen {charset.describe(char)} {charset.refusal(char)}",
                )
            )
        elif len(text) > LABEL_MAX:
            check.found.append(
                _at(
                    source,
                    path,
                    "too-long",
                    f"„{'.'.join(map(str, path))}“ ist zu lang: höchstens {LABEL_MAX} Zeichen, gefunden {len(text)}",
                )
            )


def _strings(value: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


# --- validating the effective form ----------------------------------------------------------------------------


def _record(check: _Checker, problems: list[Problem]) -> None:
    for problem in problems:
        check.add(problem.path, problem.code, problem.message, key=problem.at_key)


#: The keys every form file says itself, checked file by file.
_OWN_KEYS = (("schema",), ("name",))


def _validated(
    ref: str, merged: dict[str, Any], check: _Checker, files: tuple[tuple[Path, str], ...] = ()
) -> Form | None:
    data = {key: value for key, value in merged.items() if key in TOP_KEYS}
    problems: list[Problem] = []
    top = build(FormFile, data, (), problems)
    if top is None:
        # a missing schema or name is reported for each file that lacks it (_check_file_level), once
        _record(check, [p for p in problems if not (p.code == "form-missing-key" and p.path in _OWN_KEYS)])
        return None
    order = top.reihenfolge
    if not order:
        check.add(("reihenfolge",), "form-missing-key", "„reihenfolge“ nennt keinen Teil")
        return None
    for index, part in enumerate(order):
        if part not in top.teile:
            check.add(
                ("reihenfolge", index),
                "form-unknown-part",
                f"Der Teil „{part}“ steht in reihenfolge, aber es gibt keine Tabelle [teile.{part}]",
            )
        elif order.index(part) != index:
            check.add(
                ("reihenfolge", index),
                "form-duplicate-block",
                f"Der Teil „{part}“ steht zweimal in reihenfolge",
            )
    listed_by = check.origin(("reihenfolge",))
    for part_id in top.teile:
        # a table of a form file's own whose name is a slip for a part of reihenfolge would silently not print;
        # one written before the file that set reihenfolge is an inherited part that file left out on purpose
        origin = check.origin(("teile", part_id))
        if part_id not in order and origin >= max(listed_by, 0) and not check.chain[origin].builtin:
            hint = check.hints(part_id, list(order))
            if hint:
                check.add(
                    ("teile", part_id),
                    "form-unknown-part",
                    f"Der Teil „{part_id}“ steht nicht in reihenfolge und würde nicht gedruckt.{hint}",
                    key=True,
                )
    settings: dict[str, Any] = {}
    listed = {block for part_id in order if part_id in top.teile for block in top.teile[part_id].bloecke}
    for block_id, raw in top.bloecke.items():
        model = BLOCK_SETTINGS.get(block_id)
        if model is None and block_id not in listed and "typ" in raw:
            continue  # a custom block no part lists is not printed: ignored (format spec § 5.2)
        if model is None and "typ" not in raw:
            if check.from_user(("bloecke", block_id)):
                hint = check.hints(block_id, list(BLOCK_SETTINGS))
                check.add(
                    ("bloecke", block_id),
                    "form-unknown-block",
                    f'Unbekannter Block „{block_id}“.{hint} Ein eigener Block braucht typ = "text", "angabe" oder '
                    '"auswahl"',
                    key=True,
                )
            continue
        problems = []
        built = build(model or CustomBlock, raw, ("bloecke", block_id), problems)
        if built is None:
            _record(check, problems)
        else:
            settings[block_id] = built
    parts: list[tuple[str, tuple[PlacedBlock, ...]]] = []
    seen: dict[str, str] = {}
    first_at: dict[str, PathKey] = {}
    for part_id in dict.fromkeys(order):
        found_part = top.teile.get(part_id)
        if found_part is None:
            continue
        placed = []
        for index, block_id in enumerate(found_part.bloecke):
            where: PathKey = ("teile", part_id, "bloecke", index)
            if block_id in seen:
                _duplicate_block(block_id, (seen[block_id], first_at[block_id]), (part_id, where), check)
                continue
            seen[block_id] = part_id
            first_at[block_id] = where
            if block_id not in settings:
                if block_id not in BLOCK_SETTINGS and block_id not in top.bloecke:
                    hint = check.hints(block_id, [*BLOCK_SETTINGS, *top.bloecke])
                    check.add(
                        where,
                        "form-unknown-block",
                        f"Unbekannter Block „{block_id}“.{hint} Eingebaut sind: {', '.join(BLOCK_SETTINGS)}; eigene "
                        "Blöcke werden unter [bloecke.<id>] mit typ erklärt",
                    )
                continue
            placed.append(PlacedBlock(block_id, part_id, settings[block_id]))
        parts.append((part_id, tuple(placed)))
    rows = [
        row.feld
        for block in settings.values()
        if isinstance(block, KopfangabenSettings)
        for row in block.zeilen
    ]
    _check_rows(settings, check)
    missing = _missing_blocks(seen, rows)
    if missing:
        check.add_to_leaf(
            [*_where_dropped(missing[0], order, check), ("teile",), ("reihenfolge",)],
            "form-missing-block",
            f"Das Formular druckt {', '.join(missing)} nicht; jedes Formular braucht die Blöcke "
            f"{', '.join(REQUIRED_BLOCKS)} (betreff und eingereicht_von auch als Zeile von kopfangaben)",
        )
    elif top.petition.erlaubt:
        _check_petition_variant(top.petition.ohne, seen, rows, check)
    for index, block_id in enumerate(top.petition.ohne):
        if block_id not in BLOCK_SETTINGS and block_id not in settings:
            check.add(
                ("petition", "ohne", index),
                "form-unknown-block",
                f"Unbekannter Block „{block_id}“.{check.hints(block_id, [*BLOCK_SETTINGS, *settings])}",
            )
    _check_options(settings, check)
    _check_templates(top, settings, check)
    if check.found:
        return None
    page_counter, running_header = top.seite.zaehler, top.seite.kopfzeile
    effective = {**data, "name": top.name}
    effective.pop("erbt", None)
    placed_ids = set(seen)
    effective["teile"] = {part_id: merged["teile"][part_id] for part_id, _ in parts}
    effective["bloecke"] = {
        block_id: value for block_id, value in merged["bloecke"].items() if block_id in placed_ids
    }
    return Form(
        ref=ref,
        name=top.name,
        parts=tuple(parts),
        new_page=frozenset(part_id for part_id, _ in parts if top.teile[part_id].neue_seite),
        part_titles={
            part_id: top.teile[part_id].titel or "" for part_id, _ in parts if top.teile[part_id].titel
        },
        page_counter=page_counter,
        running_header=running_header,
        titles=top.titel,
        petition_without=frozenset(top.petition.ohne),
        petition_allowed=top.petition.erlaubt,
        data=effective,
        files=tuple(path for path, _ in files),
        digests=tuple(digest for _, digest in files),
    )


def _check_rows(settings: Mapping[str, Any], check: _Checker) -> None:
    """Each field is a row of `kopfangaben` at most once: a row prints its whole field, and a form repeating
    `betreff` in 7,400 rows printed a statement's Betreff of 100 kB as 740 MB (the Markdown ran out of memory,
    the PDF took minutes)."""
    block = settings.get("kopfangaben")
    if not isinstance(block, KopfangabenSettings):
        return
    first: dict[str, int] = {}
    for index, row in enumerate(block.zeilen):
        if row.feld in first:
            check.add(
                ("bloecke", "kopfangaben", "zeilen", index, "feld"),
                "form-duplicate-block",
                f"Das Feld „{row.feld}“ steht zweimal in den Zeilen von kopfangaben (schon in Zeile "
                f"{first[row.feld] + 1}); jedes Feld wird dort höchstens einmal gedruckt",
            )
        else:
            first[row.feld] = index


def _duplicate_block(
    block_id: str, first: tuple[str, PathKey], again: tuple[str, PathKey], check: _Checker
) -> None:
    """A block listed twice: reported at the entry the more derived file wrote (a form that inherits a part
    and lists one of its blocks in another part has added the duplicate, not the form it inherits from)."""
    (first_part, first_path), (part, path) = first, again
    if check.origin(first_path) > check.origin(path):
        where, other = first_path, f"auch im Teil „{part}“"
    else:
        where, other = path, f"schon im Teil „{first_part}“"
    check.add(
        where,
        "form-duplicate-block",
        f"Der Block „{block_id}“ steht zweimal im Formular ({other}); jeder Block wird höchstens einmal gedruckt",
    )


def _where_dropped(block: str, order: Sequence[str], check: _Checker) -> list[PathKey]:
    """Where a form file most likely dropped a required block its ancestor prints: the part that held it there
    (its list of blocks), or `reihenfolge` if the part is gone."""
    for source in reversed(check.chain[:-1]):  # the nearest ancestor first
        parts = source.data.get("teile")
        for part, table in parts.items() if isinstance(parts, Mapping) else ():
            blocks = table.get("bloecke") if isinstance(table, Mapping) else None
            if isinstance(blocks, list) and block in blocks:
                return [("teile", part, "bloecke"), ("teile", part)] if part in order else [("reihenfolge",)]
    return []


def _missing_blocks(placed: Collection[str], rows: Collection[str]) -> list[str]:
    """The required blocks a form (variant) that places `placed` does not print; a row of a placed
    `kopfangaben` stands in for betreff and eingereicht_von."""
    return [
        block
        for block in REQUIRED_BLOCKS
        if block not in placed
        and not ("kopfangaben" in placed and block in rows and block in KOPFANGABE_PLACES)
    ]


def _check_petition_variant(
    ohne: Sequence[str], seen: Collection[str], rows: Collection[str], check: _Checker
) -> None:
    """The petition variant must print every required block too: `petition.ohne` may not drop one (nor the
    `kopfangaben` whose row stands in for it). Each problem is placed at the entry of `ohne` that drops it."""
    dropped = set(ohne)
    missing = _missing_blocks([block for block in seen if block not in dropped], rows)
    for block in missing:
        culprit = block if block in dropped else "kopfangaben"
        index = list(ohne).index(culprit)
        via = "" if culprit == block else f" (kopfangaben druckt die Zeile {block})"
        check.add(
            ("petition", "ohne", index),
            "form-missing-block",
            f"Die Fassung für Petitionen druckt {block} nicht: petition.ohne lässt „{culprit}“ weg{via}; auch bei "
            f"Petitionen braucht jedes Formular die Blöcke {', '.join(REQUIRED_BLOCKS)}",
        )


def _check_options(settings: Mapping[str, Any], check: _Checker) -> None:
    empfehlung = settings.get("empfehlung")
    if isinstance(empfehlung, EmpfehlungSettings):
        for key in ("optionen", "optionen_petition"):
            options: tuple[OptionSettings, ...] = getattr(empfehlung, key)
            _unique_ids(options, ("bloecke", "empfehlung", key), check)
            own = {o.id for o in options if o.statt is None}
            for index, option in enumerate(options):
                if option.statt is not None and option.statt not in own and own:  # none at all: below
                    check.add(
                        ("bloecke", "empfehlung", key, index, "statt"),
                        "form-statt",
                        f"statt = „{option.statt}“ nennt keine Option mit eigenem Kästchen in {key}; möglich: "
                        f"{listed(sorted(own))}",
                    )
            if not any(o.statt is None for o in options):
                check.add(
                    ("bloecke", "empfehlung", key),
                    "invalid-value",
                    f"„{key}“ braucht mindestens eine Option mit eigenem Kästchen (ohne statt)",
                )
    summary = settings.get("zusammenfassung")
    if isinstance(summary, ZusammenfassungSettings):
        ids = tuple(option.id for option in summary.optionen)
        if sorted(ids) != sorted(ANLASS_IDS):
            check.add(
                ("bloecke", "zusammenfassung", "optionen"),
                "invalid-value",
                f"Die Optionen des Anlasses sind {', '.join(ANLASS_IDS)}; sie dürfen anders beschriftet, aber nicht "
                "umbenannt werden",
            )
    for block_id, block in settings.items():
        if isinstance(block, CustomBlock):
            _unique_ids(block.optionen, ("bloecke", block_id, "optionen"), check)
            if block.typ == "auswahl" and not block.optionen:
                check.add(
                    ("bloecke", block_id, "optionen"),  # `optionen = []`, else the block's table
                    "invalid-value",
                    f'Der Block „{block_id}“ hat typ = "auswahl" und braucht optionen = [{{id = …, label = …}}, …]',
                )
            for key, given in (("optionen", bool(block.optionen)), ("mehrfach", block.mehrfach)):
                if block.typ != "auswahl" and given:  # spec § 5.2: only `auswahl` has further settings
                    check.add(
                        ("bloecke", block_id, key),
                        "unknown-key",
                        f'Unbekannter Schlüssel „{key}“ im Block „{block_id}“ mit typ = "{block.typ}"; optionen und '
                        'mehrfach hat nur ein Block mit typ = "auswahl"',
                        key=True,
                    )


def _unique_ids(options: Sequence[Any], path: PathKey, check: _Checker) -> None:
    seen: set[str] = set()
    for index, option in enumerate(options):
        if option.id in seen:
            check.add(
                (*path, index, "id"),
                "form-duplicate-option",
                f"Die Option „{option.id}“ steht zweimal in {path[-1]}",
            )
        seen.add(option.id)


def _check_templates(top: FormFile, settings: Mapping[str, Any], check: _Checker) -> None:
    texts: list[tuple[PathKey, str, str]] = [
        (("titel", "antrag"), top.titel.antrag, "titel"),
        (("titel", "petition"), top.titel.petition, "titel"),
        (("titel", "neufassung"), top.titel.neufassung, "titel"),
        (("seite", "kopfzeile"), top.seite.kopfzeile, "kopfzeile"),
    ]
    if top.seite.zaehler:
        texts.append((("seite", "zaehler"), top.seite.zaehler, "zaehler"))
    else:
        texts.append((("seite", "zaehler"), top.seite.zaehler, "body"))
    legal = settings.get("rechtliche_konsequenzen")
    if legal is not None:
        for name in ("titel", "satz", "rechtswidrig", "nachteilig"):
            texts.append((("bloecke", "rechtliche_konsequenzen", name), getattr(legal, name), "body"))
    for path, text, kind in texts:
        allowed, required = PLACEHOLDERS[kind]
        try:
            used = placeholders(text)
        except ValueError:
            check.add(
                path,
                "label-placeholder",
                f"Geschweifte Klammern in „{'.'.join(map(str, path))}“ passen nicht zusammen; eine Klammer als Text wird "
                "verdoppelt: {{ oder }}",
            )
            continue
        shown = ", ".join(f"{{{name}}}" for name in sorted(allowed))
        for written in formatted_placeholders(text):
            check.add(
                path,
                "label-placeholder",
                f"Der Platzhalter „{written}“ hat eine Formatangabe; erlaubt: {shown}",
            )
        for name in sorted(used - allowed):
            check.add(path, "label-placeholder", f"Unbekannter Platzhalter „{{{name}}}“; erlaubt: {shown}")
        for name in sorted(required - used):
            check.add(
                path, "label-placeholder", f"„{'.'.join(map(str, path))}“ braucht den Platzhalter {{{name}}}"
            )


# --- [labels] of a configuration ------------------------------------------------------------------------------


def with_labels(form: Form, labels: tuple[tuple[str, str], ...]) -> Form:
    """`form` with a configuration's `[labels]` applied: each key overrides one setting (format spec § 5.1); a
    key whose setting the form does not print is ignored."""
    if not labels:
        return form
    key = (id(form), labels)
    found = _labelled.get(key)
    if found is None or found[0] is not form:
        found = (form, _relabelled(form, labels))
        _labelled.put(key, found, _weights.get(form, 0))
    return found[1]


_labelled: Kept[tuple[int, tuple[tuple[str, str], ...]], tuple[Form, Form]] = Kept(
    MAX_KEPT_FORMS, MAX_KEPT_FORM_BYTES
)


def _relabelled(form: Form, labels: tuple[tuple[str, str], ...]) -> Form:
    data = copy.deepcopy(dict(form.data))
    for name, text in labels:
        target = LABEL_TARGETS[name]
        if target[0] == "option":
            settings = data.get("bloecke", {}).get("empfehlung", {})
            for key in ("optionen", "optionen_petition"):
                for option in settings.get(key, ()):
                    if option.get("id") == target[1]:
                        option["label"] = text
            continue
        if target == ("seite", "zaehler"):
            if data.get("seite", {}).get("zaehler") == "":
                continue  # the form prints no page counter: the key has nothing to relabel there
            for old, new in PAGE_PLACEHOLDERS.items():
                text = text.replace(old, new)
        parent: Any = data
        for part in target[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
            if parent is None:
                break
        last = target[-1]
        if isinstance(parent, list):
            if isinstance(last, int) and last < len(parent):
                parent[last] = text
        elif isinstance(parent, dict):
            parent[last] = text
    source = _Source(("labels",), "[labels]", {}, {}, True, None)
    check = _Checker([source])
    relabelled = _validated(form.ref, data, check, tuple(zip(form.files, form.digests, strict=True)))
    if relabelled is None:
        raise FormError(check.found)
    return relabelled


@cache
def default_settings(block_id: str) -> Any:
    """A built-in block's settings as `grundlage.toml` gives them (for a block a form does not place)."""
    raw = _builtin_source(_GRUNDLAGE).data["bloecke"][block_id]
    return build(BLOCK_SETTINGS[block_id], raw, (), [])
