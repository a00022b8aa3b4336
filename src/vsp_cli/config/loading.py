"""Reading one configuration file: its bytes (bounded, UTF-8), its TOML with positions (`tomlpos`), and every
problem of its settings collected and located at FILE:LINE:COL in German."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .. import charset
from ..diagnostics import (
    Diagnostic,
    Severity,
    Span,
    byte_span,
    describe_value,
    did_you_mean,
    german_number,
    quote,
    quote_path,
    shorten,
)
from ..errors import ConfigError
from ..fileio import is_file, is_inside, os_reason, read_regular, real
from ..forms import BUILTIN_IDS
from ..limits import MAX_CONFIG_BYTES, MAX_TABLE_ENTRIES
from ..settings import FORMATS
from ..tomlpos import PathKey, TomlProblem
from ..tomlpos import locate as locate_toml
from ..tomlpos import read as read_toml
from .model import FORMS_STAY, SETTINGS, ConfigFile, label_problems, outside_project, too_long

CONFIG_FILE = "vsp.toml"
PYPROJECT = "pyproject.toml"
#: Where the settings stand in a pyproject.toml.
PYPROJECT_TABLE = ("tool", "vsp")


@dataclass(frozen=True)
class ProjectConfig:
    """A checked configuration file: its values and the line of each setting it sets."""

    path: Path
    values: ConfigFile
    #: Setting name (labels as `labels.<key>`) → 1-based line in the file, for those the file sets.
    lines: Mapping[str, int]
    #: The folder the file was found in (resolved): for a link, the link's, not its target's. Outputs and form
    #: files stay inside it.
    project: Path

    @property
    def set_in_file(self) -> frozenset[str]:
        return frozenset(self.lines)


def config_text(path: Path | None) -> str | None:
    """A configuration file's text, to show the lines of its problems; None if there is none to show, or if the
    file is a link leading out of the folder it was found in. Such a link is followed (to another project's
    configuration), but it may lead to any file (`vsp.toml` → `~/.env`), whose lines must not be shown."""
    if path is None or not is_inside(real(path), real(path.parent)):
        return None
    try:
        return read_regular(path, MAX_CONFIG_BYTES + 1).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _diagnostic(file: Path | str, span: Span, path: PathKey, code: str, message: str) -> Diagnostic:
    return Diagnostic(str(file), span, path, Severity.ERROR, code, message)


def _read(path: Path) -> str:
    try:
        raw = read_regular(path, MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(
            [
                Diagnostic.for_file(
                    path,
                    "config-missing",
                    f"Die Konfigurationsdatei „{path}“ gibt es nicht",
                )
            ]
        ) from None
    except OSError as exc:
        raise ConfigError(
            [
                Diagnostic.for_file(
                    path,
                    "config-unreadable",
                    f"Die Konfigurationsdatei „{path}“ kann nicht gelesen werden ({os_reason(exc)})",
                )
            ]
        ) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(
            [
                Diagnostic.for_file(
                    path,
                    "config-too-large",
                    f"Die Konfigurationsdatei „{path}“ ist zu groß: mehr als {german_number(MAX_CONFIG_BYTES)} "
                    "Bytes",
                )
            ]
        )
    try:
        return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [
                _diagnostic(
                    path,
                    byte_span(raw, exc.start),
                    (),
                    "not-utf8",
                    "Die Konfigurationsdatei ist nicht UTF-8-kodiert; bitte im Editor als UTF-8 speichern",
                )
            ]
        ) from None


def _describe(value: Any) -> str:
    return describe_value(value, mapping="eine Tabelle")


#: Words for yes and no in a setting that takes true or false.
_BOOL_WORDS = {"true": "true", "ja": "true", "false": "false", "nein": "false"}


def _message(err: ErrorDetails) -> tuple[str, str]:
    """German (code, message) for a pydantic error, chosen by its type (never by its English text)."""
    kind, loc, value = err["type"], err["loc"], err.get("input")
    name = shorten(
        ".".join(str(p) for p in loc if isinstance(p, str) and p != "[key]")
    )  # pydantic marks a key
    if kind == "extra_forbidden":
        key = str(loc[-1])
        return "unknown-setting", (
            f"Unbekannte Einstellung {quote(key)}.{did_you_mean(key, SETTINGS)} Erlaubt: {', '.join(SETTINGS)}"
        )
    key = next((str(p) for p in reversed(loc) if isinstance(p, str) and p != "[key]"), name)
    if kind == "string_type":
        # `formular = 2019`, as a statement may write it: TOML reads a number
        number = isinstance(value, int) and not isinstance(value, bool)
        hint = f'; bitte {key} = "{value}" schreiben' if number else ""
        return (
            "invalid-type",
            f"„{name}“: Text in Anführungszeichen erwartet, gefunden: {_describe(value)}{hint}",
        )
    if kind == "bool_type":
        # `hyphenate = "false"` or `"ja"`: TOML reads a text
        meant = _BOOL_WORDS.get(value.strip().lower()) if isinstance(value, str) else None
        hint = f"; ohne Anführungszeichen schreiben: {key} = {meant}" if meant else ""
        return "invalid-type", f"„{name}“: true oder false erwartet, gefunden: {_describe(value)}{hint}"
    if kind == "list_type":
        return (
            "invalid-type",
            f'„{name}“: eine Liste erwartet, z. B. ["pdf", "md"], gefunden: {_describe(value)}',
        )
    if kind in ("dict_type", "model_type"):
        return "invalid-type", f"„{name}“: eine Tabelle erwartet, gefunden: {_describe(value)}"
    if kind in ("path_type", "path_parsing"):
        return "invalid-type", f"„{name}“: ein Pfad als Text erwartet, gefunden: {_describe(value)}"
    if kind == "literal_error":
        hint = did_you_mean(value, ("pdf", "md")) if isinstance(value, str) else ""
        return "invalid-format", f"Unbekanntes Format {_describe(value)}.{hint} Erlaubt: {', '.join(FORMATS)}"
    if kind == "string_too_short":
        return "empty-value", f"„{name}“ darf nicht leer sein"
    if kind == "too_short":
        return "empty-list", f"„{name}“ braucht mindestens einen Eintrag"
    if kind == "string_too_long":
        return too_long(name, (err.get("ctx") or {}).get("max_length"), len(str(value)))
    if kind in ("form_name", "form_file", "path_unusable"):
        return "invalid-value", f"„{name}“: {err['msg']}"
    if kind in (
        "file_missing",
        "not_an_image",
        "image_too_large",
        "folder_missing",
        "not_a_folder",
        "output_outside",
        "form_outside",
        "logo_outside",
        "templates_outside",
    ):
        return kind.replace("_", "-"), f"„{name}“: {err['msg']}"
    if kind == "unprintable_name":
        return "unprintable-character", f"„{name}“: {err['msg']}"
    if kind == "unknown_user":
        return "invalid-value", f"„{name}“: {err['msg']}"
    return "invalid-value", f"„{name}“: ungültiger Wert {_describe(value)}"


def _unknown_form(
    data: Mapping[str, Any],
    locate: Callable[..., Span],
    where: Path | str,
    found: list[Diagnostic],
    base: Path,
    project: Path | None = None,
) -> list[Diagnostic]:
    """`formular` must name a built-in form, a `.toml` file that is there (relative to `base`) or a name of
    `[formulare]`: an error at its value, not at every statement that uses it. The names of `[formulare]`
    count as written, so that one whose file has a problem of its own is not also reported as unknown here."""
    ref = data.get("formular")
    if not isinstance(ref, str) or any(d.path[:1] == ("formular",) for d in found):
        return []
    ref = ref.strip()
    table = data.get("formulare")
    named = [str(name) for name in table] if isinstance(table, dict) else []
    if ref.endswith(".toml") and "\x00" in ref:  # no file has such a name: the system refuses to look it up
        message = f"„formular“: Die Formulardatei {quote(ref)} kann es nicht geben (Nullzeichen im Namen)"
        return [_diagnostic(where, locate(("formular",)), ("formular",), "invalid-value", message)]
    if ref.endswith(".toml"):  # no name of [formulare] ends so (`_form_name`)
        path = Path(form_default(ref, base))  # where the statements will look for it
        outside = outside_project(path, project, FORMS_STAY)
        if outside is not None:
            message = f"„formular“: {outside}"
            return [_diagnostic(where, locate(("formular",)), ("formular",), "form-outside", message)]
        if is_file(path):
            return []
        message = (
            f"„formular“: Die Formulardatei {quote_path(path)} gibt es nicht oder ist keine gewöhnliche Datei"
        )
        return [_diagnostic(where, locate(("formular",)), ("formular",), "file-missing", message)]
    if ref in BUILTIN_IDS or ref in named:
        return []
    listed = f"; aus [formulare]: {', '.join(named)}" if named else ""
    message = (
        f"Unbekanntes Formular {quote(ref)}.{did_you_mean(ref, [*BUILTIN_IDS, *named])} Möglich sind: eingebaut "
        f"{', '.join(BUILTIN_IDS)}{listed}; oder eine Datei …/name.toml"
    )
    return [
        _diagnostic(where, locate(("formular",)), ("formular",), "unknown-form", f"„formular“: {message}")
    ]


def form_default(ref: str, folder: Path | None) -> str:
    """The configuration's `formular`: a file named relative to the configuration, made absolute."""
    if ref.endswith(".toml") and folder is not None:
        return str(real(folder / ref))
    return ref


def validate_settings(
    data: Mapping[str, Any],
    base: Path,
    where: Path | str,
    locate: Callable[..., Span],
    *,
    project: Path | None = None,
) -> tuple[ConfigFile | None, list[Diagnostic]]:
    """Validate settings (of a configuration file, if `project` is given: then outputs stay inside it);
    `locate(path, key=…)` gives the span of a path. All problems are collected."""
    diagnostics: list[Diagnostic] = []
    values: ConfigFile | None = None
    context = {"base": base, "project": project} if project is not None else {"base": base}
    data = dict(data)
    for table in ("labels", "formulare"):
        entries = data.get(table)
        if isinstance(entries, dict) and len(entries) > MAX_TABLE_ENTRIES:
            message = (
                f"„{table}“ hat {german_number(len(entries))} Einträge; erlaubt sind höchstens "
                f"{german_number(MAX_TABLE_ENTRIES)} (Grenze MAX_TABLE_ENTRIES)"
            )
            diagnostics.append(
                _diagnostic(where, locate((table,), key=True), (table,), "too-many-entries", message)
            )
            data[table] = {}  # not checked entry by entry: the file is refused anyway
    misplaced = _misplaced_settings(data)
    for table, key in misplaced:
        diagnostics.append(
            _diagnostic(
                where,
                locate((table, key), key=True),
                (table, key),
                "unknown-label" if table == "labels" else "invalid-value",
                _misplaced_message(table, key, where),
            )
        )
    try:
        values = ConfigFile.model_validate(data, context=context)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc: PathKey = tuple(err["loc"])
            if loc[:2] in misplaced:
                continue
            code, message = _message(err)
            span = locate(loc, key=err["type"] == "extra_forbidden")
            diagnostics.append(_diagnostic(where, span, loc, code, message))
    diagnostics += _unknown_form(data, locate, where, diagnostics, base, project)
    labels = data.get("labels")
    if isinstance(labels, dict):
        for key, text in labels.items():
            if isinstance(text, str) and ("labels", key) not in misplaced:
                for code, message in label_problems(str(key), text):
                    span = locate(("labels", key), key=code == "unknown-label")
                    diagnostics.append(_diagnostic(where, span, ("labels", key), code, message))
    for printed, text in _printed_texts(data):
        index = charset.first_unprintable(text)
        if index is not None:
            char = text[index]
            message = f"„{'.'.join(map(str, printed))}“: Das Zeichen {charset.describe(char)} {charset.refusal(char)}"
            diagnostics.append(_diagnostic(where, locate(printed), printed, "unprintable-character", message))
    diagnostics.sort(key=lambda d: (d.span.line, d.span.column))
    return (None if diagnostics else values), diagnostics


def _misplaced_settings(data: Mapping[str, Any]) -> set[tuple[str, str]]:
    """Settings written below `[labels]` or `[formulare]`: TOML puts every line after a table header into that
    table, so a setting added at the end of the file (`formular = "2019"`) lands there. A name of `[formulare]`
    that is a setting's name counts only if its value is no form file."""
    found: set[tuple[str, str]] = set()
    for table in ("labels", "formulare"):
        entries = data.get(table)
        if not isinstance(entries, dict):
            continue
        for key, value in entries.items():
            if key in SETTINGS and not (
                table == "formulare" and isinstance(value, str) and value.endswith(".toml")
            ):
                found.add((table, key))
    return found


def _misplaced_message(table: str, key: str, where: Path | str) -> str:
    prefix, top = (
        ("tool.vsp.", "unter [tool.vsp]") if Path(where).name == PYPROJECT else ("", "oben in der Datei")
    )
    kind = "Beschriftung" if table == "labels" else "Name eines Formulars"
    return (
        f"{quote(key)} ist eine Einstellung, steht aber unter [{prefix}{table}] und gilt so als {kind}: "
        f"Einstellungen stehen {top}, vor der ersten Tabelle ([{prefix}labels], [{prefix}formulare]); bitte die "
        "Zeile dorthin verschieben"
    )


def _printed_texts(data: Mapping[str, Any]) -> Iterator[tuple[PathKey, str]]:
    """The settings printed in the PDF (body, footer, labels) or written into it (the logo's alternative text, which
    a screen reader reads), checked like a statement's text."""
    for name in ("body", "footer", "logo_alt"):
        if isinstance(data.get(name), str):
            yield (name,), data[name]
    labels = data.get("labels")
    if isinstance(labels, dict):
        yield from ((("labels", key), text) for key, text in labels.items() if isinstance(text, str))


def load_config(path: Path) -> ProjectConfig:
    """Read and check a vsp.toml or pyproject.toml; raises `ConfigError` with every located problem.

    Relative paths in the file are relative to the folder of the file itself (links resolved); outputs and form
    files stay inside the folder the file was found in: a `vsp.toml` of a repository that is a link to another
    project's (or to any empty file) must not make vsp write into that project or read form files there.
    """
    found_in = real(path.parent)
    path = real(path)
    text = _read(path)
    try:
        document, found = read_toml(text)
    except TomlProblem as exc:
        raise ConfigError([_diagnostic(path, exc.span, (), "toml-syntax", exc.message)]) from None
    root: tuple[str, ...] = ()
    data: Any = document
    if path.name == PYPROJECT:
        root = PYPROJECT_TABLE
        data = document.get("tool", {}).get("vsp") if isinstance(document.get("tool"), dict) else None
        if data is None:
            raise ConfigError(
                [
                    Diagnostic.for_file(
                        path,
                        "no-tool-vsp",
                        "Die pyproject.toml enthält keine Tabelle [tool.vsp] mit Einstellungen für vsp",
                    )
                ]
            )

    def locate(where: PathKey, *, key: bool = False) -> Span:
        return locate_toml(found, root + where, key=key)

    def line_of(where: PathKey) -> int | None:
        entry = found.get(root + where)
        return entry.key.line + 1 if entry else None

    if not isinstance(data, dict):
        raise ConfigError(
            [_diagnostic(path, locate(()), (), "invalid-type", "[tool.vsp] muss eine Tabelle sein")]
        )
    values, diagnostics = validate_settings(data, path.parent, path, locate, project=found_in)
    if values is None:
        raise ConfigError(diagnostics)
    lines: dict[str, int] = {}
    for name in values.model_fields_set:
        if name == "labels":
            for key in values.labels:
                lines[f"labels.{key}"] = line_of(("labels", key)) or line_of(("labels",)) or 1
        else:
            lines[name] = line_of((name,)) or 1
    return ProjectConfig(path, values, lines, found_in)
