"""Project configuration: `vsp.toml` or `[tool.vsp]` in `pyproject.toml`, found like ruff and black find theirs.

The search starts in the input file's folder and walks up; the first `vsp.toml`, or `pyproject.toml` with a
`[tool.vsp]` table, wins (a `pyproject.toml` without that table does not count). Paths in the file are relative
to the file. Command-line values override the file, the file overrides the defaults; `resolve` says for every
setting where its value came from, which `vsp config` prints.

Errors are collected and located like those of statements: tomllib reports no positions, so a small scanner
finds each key (and its value) in the TOML source; that is exact enough for this flat format. Only tomllib and
pydantic are imported here: reading the configuration must not cost the start-up time of Jinja or ReportLab.
"""

from __future__ import annotations

import os
import re
import stat
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from . import charset
from .diagnostics import (
    START,
    Diagnostic,
    Severity,
    Span,
    byte_span,
    describe_value,
    did_you_mean,
    escape_controls,
    german_number,
    quote,
    quote_path,
    shorten,
)
from .errors import ConfigError
from .fileio import is_dir, is_file, is_inside, open_regular, os_reason, read_regular, real
from .forms import BUILTIN_IDS, DEFAULT_FORM, FormSources
from .labels import DEFAULT_BODY, LABEL_PLACEHOLDERS, LABEL_TARGETS, Labels
from .limits import LABEL_MAX, MAX_CONFIG_BYTES, MAX_LOGO_BYTES, MAX_LOGO_PIXELS
from .settings import FORMATS, Format, RenderSettings
from .tomlpos import TomlProblem
from .tomlpos import read as read_toml

CONFIG_FILE = "vsp.toml"
PYPROJECT = "pyproject.toml"
#: Where the settings stand in a pyproject.toml.
PYPROJECT_TABLE = ("tool", "vsp")

#: The origin of a value nobody set.
SOURCE_DEFAULT = "Standard"
#: The origin of a value given as a command-line option.
SOURCE_CLI = "Kommandozeile"


_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"

PathKey = tuple[str | int, ...]


# --- the settings -------------------------------------------------------------------------------------------


def _base(info: ValidationInfo) -> Path:
    """Relative paths are relative to the configuration file's folder (or the working folder for options)."""
    context = info.context if isinstance(info.context, dict) else {}
    base = context.get("base")
    return base if isinstance(base, Path) else Path.cwd()


def _anchored(value: Path, info: ValidationInfo) -> Path:
    try:
        expanded = value.expanduser()
    except RuntimeError:  # `~name` of a user this machine does not know
        raise PydanticCustomError(
            "unknown_user", "{path}: den Benutzer hinter „~“ gibt es hier nicht", {"path": quote_path(value)}
        ) from None
    return real(_base(info) / expanded)


def _image(value: Path, info: ValidationInfo) -> Path:
    path = _anchored(value, info)
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(_IMAGE_HEAD)
    except (FileNotFoundError, NotADirectoryError):
        raise PydanticCustomError(
            "file_missing", "Die Bilddatei {path} gibt es nicht", {"path": quote_path(path)}
        ) from None
    except OSError as exc:
        raise PydanticCustomError(
            "not_an_image",
            "{path} kann nicht gelesen werden ({reason})",
            {"path": quote_path(path), "reason": os_reason(exc)},
        ) from None
    if size > MAX_LOGO_BYTES:
        raise PydanticCustomError(
            "image_too_large",
            "{path} hat {size} Bytes; ein Logo braucht höchstens "
            f"{german_number(MAX_LOGO_BYTES)} Bytes (Grenze MAX_LOGO_BYTES); bitte verkleinern",
            {"path": quote_path(path), "size": german_number(size)},
        )
    if not (head.startswith(_PNG) or head.startswith(_JPEG)):
        raise PydanticCustomError(
            "not_an_image", "{path} ist kein PNG- oder JPEG-Bild", {"path": quote_path(path)}
        )
    pixels = _pixel_size(head)
    if pixels is not None and pixels[0] * pixels[1] > MAX_LOGO_PIXELS:
        raise PydanticCustomError(
            "image_too_large",
            "{path} hat {width} × {height} Bildpunkte; ein Logo braucht höchstens "
            f"{german_number(MAX_LOGO_PIXELS)} Bildpunkte (Grenze MAX_LOGO_PIXELS); bitte verkleinern",
            {"path": quote_path(path), "width": pixels[0], "height": pixels[1]},
        )
    return path


#: How much of an image is read to find its size; a JPEG's frame header follows its metadata segments.
_IMAGE_HEAD = 256 * 1024
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOF0–SOF15, not DHT, JPG, DAC


def _pixel_size(head: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR or a JPEG's frame header, if the first bytes hold them."""
    if head.startswith(_PNG):
        if head[12:16] != b"IHDR":
            return None
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    at = 2
    while at + 9 <= len(head) and head[at] == 0xFF:
        marker = head[at + 1]
        if marker in _JPEG_FRAMES:
            return int.from_bytes(head[at + 7 : at + 9], "big"), int.from_bytes(head[at + 5 : at + 7], "big")
        if marker == 0xFF or 0xD0 <= marker <= 0xD7 or marker == 0x01:  # fill byte or marker without length
            at += 1 if marker == 0xFF else 2
            continue
        at += 2 + int.from_bytes(head[at + 2 : at + 4], "big")
    return None


def _form_name(value: str) -> str:
    if value in BUILTIN_IDS or value.endswith(".toml") or not value.strip():
        raise PydanticCustomError(
            "form_name",
            "{name} taugt nicht als Name eines Formulars (eingebaute Ids und Namen auf .toml sind vergeben)",
            {"name": quote(value)},
        )
    return value


def _form_file(value: Path, info: ValidationInfo) -> Path:
    if value.suffix != ".toml":
        raise PydanticCustomError(
            "form_file", "Eine Formulardatei endet auf .toml, nicht {path}", {"path": quote(value)}
        )
    path = _anchored(value, info)
    if not is_file(path):
        raise PydanticCustomError(
            "file_missing", "Die Formulardatei {path} gibt es nicht", {"path": quote_path(path)}
        )
    return path


def _folder(value: Path, info: ValidationInfo) -> Path:
    path = _anchored(value, info)
    if not is_dir(path):
        raise PydanticCustomError(
            "folder_missing", "Den Ordner {path} gibt es nicht", {"path": quote_path(path)}
        )
    return path


def _output_folder(value: Path, info: ValidationInfo) -> Path:
    """An output folder: in a configuration file, inside the file's folder once links are followed (a
    repository must not make vsp write into `~`, `/etc` or another checkout); on the command line, anywhere."""
    path = _anchored(value, info)
    context = info.context if isinstance(info.context, dict) else {}
    project = context.get("project")
    if isinstance(project, Path) and not is_inside(path, real(project)):
        raise PydanticCustomError(
            "output_outside",
            "{path} liegt außerhalb von {project}, dem Ordner der Konfigurationsdatei; Ausgaben bleiben im "
            "Projekt. Einen Ordner außerhalb nennt -o auf der Kommandozeile",
            {"path": quote_path(path), "project": quote_path(real(project))},
        )
    if os.path.lexists(path) and not is_dir(path):
        raise PydanticCustomError(
            "not_a_folder", "{path} ist eine Datei, kein Ordner", {"path": quote_path(path)}
        )
    return path


Text = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]
#: The footer is set in the bottom margin, where three lines fit: about 280 characters, fewer of wide letters.
FOOTER_MAX = 200
#: A screen reader reads the logo's alternative text in one go: a short description, not a paragraph.
LOGO_ALT_MAX = 200


class ConfigFile(BaseModel):
    """The settings of a configuration file (or of command-line options), checked and with absolute paths."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="vsp-Konfiguration",
        json_schema_extra={"description": "Einstellungen in vsp.toml oder [tool.vsp] einer pyproject.toml."},
    )

    body: Text = Field(
        default=DEFAULT_BODY,
        title="Körperschaft",
        description="Die Kommune, eingesetzt in „Nachteilig für die …“ und in die PDF-Metadaten.",
        examples=["Stadt Leipzig"],
    )
    logo: Annotated[Path, AfterValidator(_image)] | None = Field(
        default=None,
        title="Logo",
        description="PNG- oder JPEG-Datei für den Kopf der PDF-Datei, relativ zur Konfigurationsdatei.",
        examples=["logo.png"],
    )
    logo_alt: (
        Annotated[str, Strict(), StringConstraints(strip_whitespace=True, max_length=LOGO_ALT_MAX)] | None
    ) = Field(
        default=None,
        title="Alternativtext des Logos",
        description='Was ein Screenreader für das Logo vorliest; ohne Angabe „Logo <body>“, leer ("") gilt das '
        "Logo als Schmuck und wird übergangen.",
        examples=["Wappen der Stadt Leipzig"],
    )
    output_dir: Annotated[Path, AfterValidator(_output_folder)] | None = Field(
        default=None,
        title="Ausgabeordner",
        description="Wohin PDF und Markdown geschrieben werden, relativ zur Konfigurationsdatei; ohne Angabe "
        "neben die Eingabedatei.",
        examples=["out"],
    )
    formats: Annotated[list[Format], Field(min_length=1)] = Field(
        default=list(FORMATS),
        title="Formate",
        description="Welche Dateien entstehen: pdf, md oder beide.",
        examples=[["pdf", "md"]],
    )
    template_dir: Annotated[Path, AfterValidator(_folder)] | None = Field(
        default=None,
        title="Vorlagenordner",
        description="Ordner mit eigenen Vorlagen (z. B. statement.md.j2), die die eingebauten gleichen Namens "
        "ersetzen; relativ zur Konfigurationsdatei.",
        examples=["vorlagen"],
    )
    labels: dict[str, Text] = Field(
        default_factory=dict,
        title="Beschriftungen",
        description="Ersetzt gedruckte Beschriftungen des Formulars, z. B. ablehnung_verwaltungshandeln.",
        examples=[{"ablehnung_verwaltungshandeln": "Sachverhalt bereits berücksichtigt"}],
    )
    footer: Annotated[Text, StringConstraints(max_length=FOOTER_MAX)] | None = Field(
        default=None,
        title="Fußzeile",
        description=f"Text am Fuß jeder Seite neben „Seite n/m“, höchstens {FOOTER_MAX} Zeichen.",
        examples=["Stadt Leipzig – Der Oberbürgermeister"],
    )
    hyphenate: Annotated[bool, Strict()] = Field(
        default=True,
        title="Silbentrennung",
        description="Deutsche Silbentrennung im Fließtext der PDF-Datei (true oder false).",
        examples=[True],
    )
    formular: Text = Field(
        default=DEFAULT_FORM,
        title="Formular",
        description="Das Formular der Standpunkte ohne eigenes formular: 2014, 2017, 2019, ein Name aus "
        "[formulare] oder eine Formulardatei (.toml, relativ zu dieser Datei).",
        examples=["2019"],
    )
    formulare: dict[
        Annotated[str, AfterValidator(_form_name)], Annotated[Path, AfterValidator(_form_file)]
    ] = Field(
        default_factory=dict,
        title="Formulare",
        description="Eigene Formulardateien unter einem Namen, den Standpunkte als formular nennen; Pfade relativ "
        "zu dieser Datei.",
        examples=[{"leipzig-2021": "formulare/2021.toml"}],
    )


SETTINGS: tuple[str, ...] = tuple(ConfigFile.model_fields)


# --- labels -------------------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _formatted_placeholders(text: str) -> list[str]:
    """The placeholders that carry a conversion or a format spec, as written: `{seite:>3}`, `{nummer!r}`."""
    return [
        "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None and (spec or conversion)
    ]


def _too_long(name: str, limit: object, found: int) -> tuple[str, str]:
    return "too-long", f"„{name}“ ist zu lang: höchstens {limit} Zeichen, gefunden {found}"


_LABEL_MAX_BY_KEY = {"seite": 40}


def _label_problems(key: str, text: str) -> list[tuple[str, str]]:
    """(code, message) for a label whose key is unknown or whose placeholders the renderers cannot fill."""
    if key not in LABEL_TARGETS:
        return [
            (
                "unknown-label",
                f"Unbekannte Beschriftung {quote(key)}.{did_you_mean(key, tuple(LABEL_TARGETS))}",
            )
        ]
    limit = _LABEL_MAX_BY_KEY.get(key, LABEL_MAX)
    if len(text) > limit:
        return [_too_long(f"labels.{key}", limit, len(text))]
    allowed, required = LABEL_PLACEHOLDERS.get(key, (frozenset(), frozenset()))
    if not allowed:
        found = _PLACEHOLDER.findall(text)
        if found:
            return [
                (
                    "label-placeholder",
                    f"{quote('{' + found[0] + '}')}: In der Beschriftung „{key}“ gibt es keine Platzhalter",
                )
            ]
        return []
    try:
        used = _placeholders(text)
    except ValueError:
        return [
            (
                "label-placeholder",
                f"Geschweifte Klammern in „{key}“ passen nicht zusammen; eine Klammer als Text wird "
                "verdoppelt: {{ oder }}",
            )
        ]
    problems = []
    expected = ", ".join(f"{{{name}}}" for name in sorted(allowed))
    for placeholder in _formatted_placeholders(text):
        # `{seite:>99999999}` would print a hundred million spaces; `{nummer!r}` quotes the number
        problems.append(
            (
                "label-placeholder",
                f"Der Platzhalter {quote(placeholder)} in „{key}“ hat eine Formatangabe; Platzhalter stehen ohne, "
                f"z. B. {{{sorted(allowed)[0]}}}",
            )
        )
    for name in sorted(used - allowed):
        problems.append(
            (
                "label-placeholder",
                f"Unbekannter Platzhalter {quote('{' + name + '}')} in „{key}“; erlaubt: {expected}",
            )
        )
    for name in sorted(required - used):
        problems.append(("label-placeholder", f"Die Beschriftung „{key}“ braucht den Platzhalter {{{name}}}"))
    return problems


# --- locating keys in TOML source ---------------------------------------------------------------------------

_KEY_PART = r'(?:[A-Za-z0-9_-]+|"[^"\n]*"|\'[^\'\n]*\')'
_KEY_RE = re.compile(rf"[ \t]*(?P<key>{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*)[ \t]*=[ \t]*")
_TABLE_RE = re.compile(rf"[ \t]*\[(?!\[)[ \t]*(?P<key>{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*)[ \t]*\]")
_ARRAY_TABLE_RE = re.compile(r"[ \t]*\[\[")
_PART_RE = re.compile(_KEY_PART)
_STRING_RE = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def _parts(key: str) -> tuple[str, ...]:
    return tuple(p.strip("\"'") for p in _PART_RE.findall(key))


@dataclass(frozen=True, slots=True)
class _Entry:
    key: Span
    value: Span


class _TomlIndex:
    """Where each key of a TOML file stands: found by scanning lines, good enough for flat tables."""

    def __init__(self, text: str, root: tuple[str, ...]) -> None:
        self.lines = text.splitlines()
        self.root = root
        self.entries: dict[tuple[str, ...], _Entry] = {}
        table: tuple[str, ...] = ()
        in_multiline: str | None = None
        for number, line in enumerate(self.lines):
            if in_multiline is not None:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            if _ARRAY_TABLE_RE.match(line):
                table = ("[[array]]",)
                continue
            if m := _TABLE_RE.match(line):
                table = _parts(m.group("key"))
                span = Span(number, m.start("key"), number, m.end("key"))
                self.entries.setdefault(table, _Entry(span, span))
                continue
            if m := _KEY_RE.match(line):
                path = table + _parts(m.group("key"))
                value_end = len(line.rstrip())
                self.entries.setdefault(
                    path,
                    _Entry(
                        Span(number, m.start("key"), number, m.end("key")),
                        Span(number, m.end(), number, max(value_end, m.end() + 1)),
                    ),
                )
                rest = line[m.end() :]
                for quote in ('"""', "'''"):
                    if rest.startswith(quote) and rest.count(quote) == 1:
                        in_multiline = quote

    def line_of(self, path: PathKey) -> int | None:
        """The 1-based line of a setting, or None when the file does not set it."""
        entry = self.entries.get(self.root + tuple(str(p) for p in path))
        return entry.key.line + 1 if entry else None

    def locate(self, path: PathKey, *, key: bool = False) -> Span:
        """The span of `path`'s value (or key); a list item inside a one-line array; else the nearest parent."""
        parts = self.root + tuple(p for p in path if isinstance(p, str))
        entry = self.entries.get(parts)
        if entry is not None:
            index = next((p for p in path if isinstance(p, int)), None)
            if index is not None and not key:
                return self._item(entry.value, index)
            return entry.key if key else entry.value
        if len(parts) > len(self.root):
            parent = self.entries.get(parts[:-1])
            if parent is not None:
                inline = self._inline_key(parent.value, parts[-1], key=key)
                if inline is not None:
                    return inline
            return self.locate(tuple(path[:-1]), key=True) if path[:-1] else self._root_span()
        return self._root_span()

    def _root_span(self) -> Span:
        entry = self.entries.get(self.root)
        return entry.key if entry else START

    def _item(self, value: Span, index: int) -> Span:
        items = list(_STRING_RE.finditer(self.lines[value.line], value.column))
        if index < len(items):
            m = items[index]
            return Span(value.line, m.start(), value.line, m.end())
        return value

    def _inline_key(self, value: Span, name: str, *, key: bool) -> Span | None:
        """A key inside an inline table `labels = { name = "…" }` on one line."""
        line = self.lines[value.line]
        m = re.compile(rf"(?:^|[{{,])[ \t]*(\"?{re.escape(name)}\"?)[ \t]*=[ \t]*").search(line, value.column)
        if m is None:
            return None
        if key:
            return Span(value.line, m.start(1), value.line, m.end(1))
        end = _STRING_RE.match(line, m.end())
        return Span(value.line, m.end(), value.line, end.end() if end else m.end() + 1)


# --- loading ------------------------------------------------------------------------------------------------


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


def _message(err: ErrorDetails) -> tuple[str, str]:
    """German (code, message) for a pydantic error, chosen by its type (never by its English text)."""
    kind, loc, value = err["type"], err["loc"], err.get("input")
    name = shorten(".".join(str(p) for p in loc if isinstance(p, str)))
    if kind == "extra_forbidden":
        key = str(loc[-1])
        return "unknown-setting", (
            f"Unbekannte Einstellung {quote(key)}.{did_you_mean(key, SETTINGS)} Erlaubt: {', '.join(SETTINGS)}"
        )
    if kind == "string_type":
        return "invalid-type", f"„{name}“: Text in Anführungszeichen erwartet, gefunden: {_describe(value)}"
    if kind == "bool_type":
        return "invalid-type", f"„{name}“: true oder false erwartet, gefunden: {_describe(value)}"
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
        return _too_long(name, (err.get("ctx") or {}).get("max_length"), len(str(value)))
    if kind in ("form_name", "form_file"):
        return "invalid-value", f"„{name}“: {err['msg']}"
    if kind in (
        "file_missing",
        "not_an_image",
        "image_too_large",
        "folder_missing",
        "not_a_folder",
        "output_outside",
    ):
        return kind.replace("_", "-"), f"„{name}“: {err['msg']}"
    if kind == "unknown_user":
        return "invalid-value", f"„{name}“: {err['msg']}"
    return "invalid-value", f"„{name}“: ungültiger Wert {_describe(value)}"


def _unknown_form(
    data: Mapping[str, Any],
    locate: Callable[..., Span],
    where: Path | str,
    found: list[Diagnostic],
    base: Path,
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
        path = Path(_form_default(ref, base))  # where the statements will look for it
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


def _validate(
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
    try:
        values = ConfigFile.model_validate(data, context=context)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc: PathKey = tuple(err["loc"])
            code, message = _message(err)
            span = locate(loc, key=err["type"] == "extra_forbidden")
            diagnostics.append(_diagnostic(where, span, loc, code, message))
    diagnostics += _unknown_form(data, locate, where, diagnostics, base)
    labels = data.get("labels")
    if isinstance(labels, dict):
        for key, text in labels.items():
            if isinstance(text, str):
                for code, message in _label_problems(str(key), text):
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


def _printed_texts(data: Mapping[str, Any]) -> Iterator[tuple[PathKey, str]]:
    """The settings printed in the PDF (body, footer, labels), checked like a statement's text."""
    for name in ("body", "footer"):
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
        document, _ = read_toml(text)
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
    index = _TomlIndex(text, root)
    if not isinstance(data, dict):
        raise ConfigError(
            [_diagnostic(path, index.locate(()), (), "invalid-type", "[tool.vsp] muss eine Tabelle sein")]
        )
    values, diagnostics = _validate(data, path.parent, path, index.locate, project=found_in)
    if values is None:
        raise ConfigError(diagnostics)
    lines: dict[str, int] = {}
    for name in values.model_fields_set:
        if name == "labels":
            for key in values.labels:
                lines[f"labels.{key}"] = index.line_of(("labels", key)) or index.line_of(("labels",)) or 1
        else:
            lines[name] = index.line_of((name,)) or 1
    return ProjectConfig(path, values, lines, found_in)


# --- finding ------------------------------------------------------------------------------------------------

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


def find_config(start: Path, skipped: list[Diagnostic] | None = None) -> Path | None:
    """The configuration for a file or folder: the nearest vsp.toml or pyproject.toml with [tool.vsp] in
    `start`'s folder or above (vsp.toml first within one folder), or None.

    A file another user could have put there is passed over (`planted_by_another`), and the search goes on
    above it; `skipped` gets a warning for each (code `config-untrusted`), saying how to use it anyway.
    """
    start = real(start)
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        for config in (candidate / CONFIG_FILE, candidate / PYPROJECT):
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


# --- resolving ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveSettings:
    """What applies to a run: render settings, where and what to write, and where each value came from."""

    render: RenderSettings
    #: None: the caller writes next to the input file.
    output_dir: Path | None
    formats: tuple[str, ...]
    #: Setting (labels as `labels.<key>`) → „Standard“, „<file>:<line>“ or „Kommandozeile“.
    sources: Mapping[str, str]
    config_path: Path | None = None


def _cli_span(path: PathKey, *, key: bool = False) -> Span:
    return START


def _check_overrides(overrides: Mapping[str, Any], base: Path) -> ConfigFile:
    values, diagnostics = _validate(overrides, base, SOURCE_CLI, _cli_span)
    if values is None:
        raise ConfigError(diagnostics)
    return values


#: The setting name of each label („labels.titel“), made once: a batch holds the sources of every configuration
#: it found, and a string per label and configuration made the main process grow by kilobytes per `vsp.toml`.
_LABEL_SETTINGS = {key: f"labels.{key}" for key in LABEL_TARGETS}


def resolve(
    config_path: Path | None, cli_overrides: Mapping[str, Any] | None = None, *, cwd: Path | None = None
) -> EffectiveSettings:
    """Defaults, then the configuration file (if any), then command-line values (None means "not given").

    `cli_overrides` takes the setting names of the file (body, logo, logo_alt, output_dir, formats, template_dir,
    labels, footer, hyphenate); its relative paths are relative to `cwd` (default: the working folder).
    `labels` is merged key by key over the file's. Raises `ConfigError` for an invalid file or option.
    """
    config = load_config(config_path) if config_path is not None else None
    given = {k: v for k, v in (cli_overrides or {}).items() if v is not None}
    cli = _check_overrides(given, real(cwd or Path.cwd()))
    file_values = config.values if config else ConfigFile()
    file_set = config.set_in_file if config else frozenset()

    def pick(name: str) -> tuple[Any, str]:
        if name in cli.model_fields_set:
            return getattr(cli, name), SOURCE_CLI
        if name in file_set:
            assert config is not None
            return getattr(file_values, name), f"{config.path}:{config.lines[name]}"
        return getattr(file_values, name), SOURCE_DEFAULT

    sources: dict[str, str] = {}
    chosen: dict[str, Any] = {}
    for name in SETTINGS:
        if name != "labels":
            chosen[name], sources[name] = pick(name)
    labels = dict(file_values.labels)
    labels.update(cli.labels)
    for key, name in _LABEL_SETTINGS.items():
        if key in cli.labels:
            sources[name] = SOURCE_CLI
        elif config is not None and name in file_set:
            sources[name] = f"{config.path}:{config.lines[name]}"
        else:
            sources[name] = SOURCE_DEFAULT
    forms = FormSources(
        named=dict(chosen["formulare"]),
        config_dir=config.project if config is not None else None,
        default=_form_default(chosen["formular"], config.path.parent if config is not None else None),
    )
    render = RenderSettings(
        forms=forms,
        labels=Labels(labels),
        body=chosen["body"],
        logo=chosen["logo"],
        logo_alt=chosen["logo_alt"],
        footer=chosen["footer"],
        template_dir=chosen["template_dir"],
        hyphenate=chosen["hyphenate"],
    )
    formats = tuple(dict.fromkeys(chosen["formats"]))
    return EffectiveSettings(render, chosen["output_dir"], formats, sources, config.path if config else None)


def _form_default(ref: str, folder: Path | None) -> str:
    """The configuration's `formular`: a file named relative to the configuration, made absolute."""
    if ref.endswith(".toml") and folder is not None:
        return str(real(folder / ref))
    return ref


def settings_for(
    input_path: Path,
    config_path: Path | None = None,
    cli_overrides: Mapping[str, Any] | None = None,
    *,
    use_config: bool = True,
) -> EffectiveSettings:
    """The settings for one input file: an explicit `config_path`, else the one found from the file."""
    if config_path is None and use_config:
        config_path = find_config(input_path)
    return resolve(config_path, cli_overrides)


# --- showing ------------------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _labels_shown(render: RenderSettings) -> list[tuple[str, str]]:
    """Every `[labels]` key with the value it prints on the default form (an override, or the form's)."""
    from .document import labels_v1
    from .forms import FormError, resolve, with_labels

    try:
        form = with_labels(resolve(render.forms.default, render.forms, None), render.labels.items())
        printed = labels_v1(form)
    except FormError:
        printed = {}
    overrides = render.labels.as_dict()
    return [(key, overrides.get(key, printed.get(key, "–"))) for key in LABEL_TARGETS]


def format_effective(effective: EffectiveSettings) -> str:
    """A readable German listing for `vsp config`: every setting, its value and where it came from."""
    render = effective.render
    rows: list[tuple[str, str, str]] = [
        ("body", _show(render.body), effective.sources["body"]),
        ("logo", _show(render.logo), effective.sources["logo"]),
        ("logo_alt", f"„{render.logo_text}“", effective.sources["logo_alt"]),
        (
            "output_dir",
            _show(effective.output_dir) if effective.output_dir else "– (neben der Eingabedatei)",
            effective.sources["output_dir"],
        ),
        ("formats", _show(effective.formats), effective.sources["formats"]),
        (
            "template_dir",
            _show(render.template_dir) if render.template_dir else "– (eingebaute Vorlagen)",
            effective.sources["template_dir"],
        ),
        ("footer", _show(render.footer), effective.sources["footer"]),
        ("hyphenate", _show(render.hyphenate), effective.sources["hyphenate"]),
    ]
    rows.append(("formular", render.forms.default, effective.sources["formular"]))
    rows.extend(
        (f"formulare.{name}", str(path), effective.sources["formulare"])
        for name, path in render.forms.named.items()
    )
    rows.extend(
        (f"labels.{key}", value, effective.sources[f"labels.{key}"]) for key, value in _labels_shown(render)
    )
    # a path's names may hold terminal controls (`\x1b]0;…`): the texts of a configuration are refused with them
    rows = [(name, escape_controls(value), escape_controls(source)) for name, value, source in rows]
    header = ("Einstellung", "Wert", "Herkunft")
    width_name = max(len(r[0]) for r in (header, *rows))
    width_value = min(60, max(len(r[1]) for r in (header, *rows)))
    if effective.config_path is not None:
        lines = [f"Konfigurationsdatei: {escape_controls(str(effective.config_path))}", ""]
    else:
        lines = ["Keine Konfigurationsdatei gefunden (vsp.toml oder [tool.vsp] in pyproject.toml).", ""]
    for name, value, source in (header, *rows):
        lines.append(f"{name:<{width_name}}  {value:<{width_value}}  {source}".rstrip())
    return "\n".join(lines) + "\n"


class SettingsCache:
    """The settings in force for each input file: the configuration named (`config`) or the nearest one found
    from the file's own folder (links resolved), each folder searched once and each file read once per run.
    Files the search passed over are kept as warnings, each once (`untrusted`, code `config-untrusted`)."""

    def __init__(self, config: Path | None, overrides: Mapping[str, Any] | None = None) -> None:
        from .inputs import Resolver

        self.config = config
        self.overrides = overrides
        self._resolve = Resolver()
        self._found: dict[Path, Path | None] = {}
        self._resolved: dict[Path | None, EffectiveSettings | ConfigError] = {}
        self.untrusted: dict[str, Diagnostic] = {}

    def config_path(self, source: Path) -> Path | None:
        if self.config is not None:
            return self.config
        folder = self._resolve(source).parent
        if folder not in self._found:
            skipped: list[Diagnostic] = []
            self._found[folder] = find_config(folder, skipped)
            for warning in skipped:
                self.untrusted.setdefault(warning.file, warning)
        return self._found[folder]

    def effective(self, source: Path) -> EffectiveSettings:
        """The settings for `source`; raises the configuration's `ConfigError` (every time it is asked)."""
        path = self.config_path(source)
        if path not in self._resolved:
            try:
                self._resolved[path] = resolve(path, self.overrides)
            except ConfigError as exc:
                self._resolved[path] = exc
        found = self._resolved[path]
        if isinstance(found, ConfigError):
            raise found
        return found
