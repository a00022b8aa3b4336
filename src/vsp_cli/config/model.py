"""The settings a configuration file may hold (`ConfigFile`), each checked as it is read: paths anchored at
the file's folder, images sniffed, outputs kept inside the project, labels and their placeholders."""

from __future__ import annotations

import os
import re
import string
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, StringConstraints, ValidationInfo
from pydantic_core import PydanticCustomError

from ..diagnostics import (
    did_you_mean,
    escape_controls,
    first_control,
    german_number,
    quote,
    quote_path,
    starts_ci_command,
)
from ..fileio import is_dir, is_file, is_inside, open_regular, os_reason, real, unlookable
from ..forms import BUILTIN_IDS, DEFAULT_FORM
from ..labels import DEFAULT_BODY, LABEL_PLACEHOLDERS, LABEL_TARGETS
from ..limits import LABEL_MAX, MAX_LOGO_BYTES, MAX_LOGO_PIXELS
from ..settings import FORMATS, Format

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


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
    _inside_project(path, info, "logo_outside", LOGO_STAYS)
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
    control = first_control(value)
    if control is not None:  # `vsp formular` and `vsp config` list the names; a statement could not name it
        raise PydanticCustomError(
            "unprintable_name",
            "{name} taugt nicht als Name eines Formulars: Das Zeichen {char} ist ein Steuerzeichen; bitte "
            "entfernen",
            {"name": quote(value), "char": escape_controls(value[control])},
        )
    if starts_ci_command(value):  # `vsp formular` starts a line with it: a CI runner would read a command
        raise PydanticCustomError(
            "form_name",
            "{name} taugt nicht als Name eines Formulars: Ein Name, der mit „::“ oder „##“ beginnt, wäre in einem "
            "CI-Protokoll ein Befehl an den Runner; bitte anders benennen",
            {"name": quote(value)},
        )
    return value


def _form_file(value: Path, info: ValidationInfo) -> Path:
    if value.suffix != ".toml":
        raise PydanticCustomError(
            "form_file", "Eine Formulardatei endet auf .toml, nicht {path}", {"path": quote(value)}
        )
    path = _anchored(value, info)
    _inside_project(path, info, "form_outside", FORMS_STAY)
    if not is_file(path):
        raise PydanticCustomError(
            "file_missing", "Die Formulardatei {path} gibt es nicht", {"path": quote_path(path)}
        )
    return path


#: Why a form file a configuration names must lie in its project (`outside_project`).
FORMS_STAY = "Formulardateien liest vsp nur im Projekt"
#: The same for the logo: a repository's configuration must not embed a picture from elsewhere on the machine
#: (a screenshot, a scanned document) in a published PDF.
LOGO_STAYS = (
    "ein Logo liest vsp nur im Projekt; bitte die Bilddatei ins Projekt legen (ein gemeinsames Logo mehrerer "
    "Projekte: eine vsp.toml im gemeinsamen Ordner darüber)"
)
#: The same for templates.
TEMPLATES_STAY = (
    "Vorlagen liest vsp nur im Projekt. Einen Ordner außerhalb nennt --template-dir auf der Kommandozeile"
)


def outside_project(path: Path, project: Path | None, rule: str) -> str | None:
    """Why `path`, named by a configuration file found in `project`, may not be used, or None if it may: it must
    lie inside that folder (for a linked file, the link's folder, not its target's). A repository must not make
    vsp write into `~` or another checkout, nor read a form file beside a secret. `rule` says what stays."""
    if project is None or is_inside(path, real(project)):
        return None
    return (
        f"{quote_path(path)} liegt außerhalb von {quote_path(real(project))}, dem Ordner der "
        f"Konfigurationsdatei; {rule}"
    )


def _inside_project(path: Path, info: ValidationInfo, kind: str, rule: str) -> None:
    """`outside_project` for a setting of a configuration file (`project` in the context); on the command line,
    anywhere."""
    context = info.context if isinstance(info.context, dict) else {}
    project = context.get("project")
    problem = outside_project(path, project if isinstance(project, Path) else None, rule)
    if problem is not None:
        raise PydanticCustomError(kind, "{problem}", {"problem": problem})


def _template_folder(value: Path, info: ValidationInfo) -> Path:
    """The folder of the project's templates: in a configuration file, inside the file's folder once links are
    followed; on the command line, anywhere."""
    path = _anchored(value, info)
    _inside_project(path, info, "templates_outside", TEMPLATES_STAY)
    if not is_dir(path):
        raise PydanticCustomError(
            "folder_missing",
            "Den Ordner {path} gibt es nicht; bitte anlegen oder die Zeile entfernen",
            {"path": quote_path(path)},
        )
    return path


def _output_folder(value: Path, info: ValidationInfo) -> Path:
    """An output folder: in a configuration file, inside the file's folder once links are followed (a
    repository must not make vsp write into `~`, `/etc` or another checkout); on the command line, anywhere."""
    path = _anchored(value, info)
    _inside_project(
        path,
        info,
        "output_outside",
        "Ausgaben bleiben im Projekt. Einen Ordner außerhalb nennt -o auf der Kommandozeile",
    )
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):  # made when written; a file on the way is reported then
        return path
    except OSError as exc:  # a path longer than the system takes: it was an internal error when written
        raise PydanticCustomError(
            "path_unusable", "{problem}", {"problem": unlookable(quote_path(path), exc)}
        ) from None
    if not is_dir(path):
        raise PydanticCustomError(
            "not_a_folder", "{path} ist eine Datei, kein Ordner", {"path": quote_path(path)}
        )
    return path


Text = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]
#: The footer is set in the bottom margin, where three lines fit: about 280 characters, fewer of wide letters.
FOOTER_MAX = 200
#: A screen reader reads the logo's alternative text in one go: a short description, not a paragraph.
LOGO_ALT_MAX = 200
#: The longest name of a body („Landeshauptstadt …“ has some 30 characters). A label may hold `{body}` as often as
#: its 200 characters allow: a body of 900 kB in „rk_nachteilig“ 33 times made each statement's Markdown 30 MB
#: and took 40 s and 565 MB to set.
BODY_MAX = 200


class ConfigFile(BaseModel):
    """The settings of a configuration file (or of command-line options), checked and with absolute paths."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="vsp-Konfiguration",
        json_schema_extra={"description": "Einstellungen in vsp.toml oder [tool.vsp] einer pyproject.toml."},
    )

    body: Annotated[Text, StringConstraints(max_length=BODY_MAX)] = Field(
        default=DEFAULT_BODY,
        title="Körperschaft",
        description=f"Die Kommune, eingesetzt in „Nachteilig für die …“ und in die PDF-Metadaten, höchstens "
        f"{BODY_MAX} Zeichen.",
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
    template_dir: Annotated[Path, AfterValidator(_template_folder)] | None = Field(
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


def too_long(name: str, limit: object, found: int) -> tuple[str, str]:
    return "too-long", f"„{name}“ ist zu lang: höchstens {limit} Zeichen, gefunden {found}"


_LABEL_MAX_BY_KEY = {"seite": 40}


def label_problems(key: str, text: str) -> list[tuple[str, str]]:
    """(code, message) for a label whose key is unknown or whose placeholders the renderers cannot fill."""
    if key not in LABEL_TARGETS:
        return [
            (
                "unknown-label",
                f"Unbekannte Beschriftung {quote(key)}.{did_you_mean(key, tuple(LABEL_TARGETS))} Erlaubt: "
                f"{', '.join(LABEL_TARGETS)}",
            )
        ]
    limit = _LABEL_MAX_BY_KEY.get(key, LABEL_MAX)
    if len(text) > limit:
        return [too_long(f"labels.{key}", limit, len(text))]
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
