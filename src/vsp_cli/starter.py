"""The commented starter statement `vsp new` writes: for a given form, with the blocks that form prints.

The starter validates on its form. What a clerk must replace is written as recognisable placeholder text
(`PLACEHOLDERS`); validation warns where such text is left (`placeholder`), so that `--strict` fails on an
unedited starter. The number comes from the file name when that is a statement's number.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .diagnostics import escape_controls
from .fileio import real
from .forms import Form
from .forms.definition import CustomBlock, KopfangabenSettings
from .model import NUMMER_PATTERN

_NUMMER_RE = re.compile(NUMMER_PATTERN)

#: Placeholder texts of the starter, by field: a value still holding one of them is a `placeholder` warning.
PLACEHOLDER_NUMMER = "VII-A-00000-VSP-01"
PLACEHOLDERS: dict[str, str] = {
    "nummer": PLACEHOLDER_NUMMER,
    "eingereicht_von": "Dezernat (bitte eintragen)",
    "betreff": "Titel des beantworteten Antrags",
    "gremium": "Fachausschuss (bitte eintragen)",
    "begruendung": "Mit seinem Antrag regt der Antragsteller an, …",
    "sachverhalt": "Der Antrag zielt darauf, …",
    "zusatzfelder": "(bitte ausfüllen)",
    # the texts of the commented examples, which an editor's „uncomment“ brings in as they are
    "beschlussvorschlag": "Der Oberbürgermeister wird beauftragt, …",
    "zusammenfassung": "Kurz zusammengefasst: …",
    "wo_veranschlagt": "PSP-Element …",
}
#: The file names of a statement's JSON Schema that `vsp new` looks for, nearest first.
SCHEMA_NAMES = ("statement.schema.json", "schema/statement.schema.json")


def number_from_name(target: Path | None) -> str | None:
    """The statement number a file is named after (`VII-A-01234-VSP-01.yaml`), if it is one."""
    if target is None:
        return None
    stem = target.name.rsplit(".", 1)[0]
    candidate = stem.replace("_", "/") if re.fullmatch(r"A-[0-9]{5}_[0-9]{2}-VSP-.*", stem) else stem
    return candidate if _NUMMER_RE.match(candidate) else None


def schema_reference(target: Path | None, project: Path | None) -> str | None:
    """A path to a JSON Schema kept in the repository, relative to the new file's folder (so it works for
    everyone who clones it); None if there is none. `project`: the folder of the configuration in force."""
    folder = real(target).parent if target is not None else real(Path.cwd())
    stop = real(project) if project is not None else None
    for parent in (folder, *folder.parents):
        for name in SCHEMA_NAMES:
            candidate = parent / name
            if candidate.is_file():
                return Path(os.path.relpath(candidate, folder)).as_posix()
        if stop is not None and parent == stop:
            break
    return None


def _yaml_text(value: str) -> str:
    """A plain text as a YAML value that stays text (quoted where YAML would read it otherwise)."""
    if re.fullmatch(r"[A-Za-zÄÖÜäöüß][^:#\n]*", value) and not value.endswith(" "):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def starter_text(form: Form, *, target: Path | None = None, schema: str | None = None) -> str:
    """The starter statement for `form`, for a file at `target` (None: standard output)."""
    nummer = number_from_name(target) or PLACEHOLDER_NUMMER
    petition = "-P-" in nummer
    grid = form.grid(petition=petition)
    lines: list[str] = []
    if schema is not None:
        lines += [f"# yaml-language-server: $schema={escape_controls(schema)}", "#"]
    lines += [
        f"# Verwaltungsstandpunkt – Vorlage aus „vsp new“ für das Formular „{_one_line(form.name)}“.",
        "# Prüfen:   vsp validate DATEI.yaml",
        "# Setzen:   vsp render DATEI.yaml   (schreibt DATEI.pdf und DATEI.md)",
        "# Texte in der Art von „… (bitte eintragen)“ stammen aus der Vorlage: vsp validate meldet sie, bis sie",
        "# ersetzt sind. Alle Felder und ihre Bedeutung zeigt ein Editor mit dem JSON Schema (vsp schema).",
        "",
        f"formular: {_yaml_text(form.ref) if not form.ref.isdigit() else chr(34) + form.ref + chr(34)}",
        "",
        "# Nummer des Standpunkts: <Wahlperiode>-<Typ>-<fünf Ziffern>-VSP-<nn>",
        f"nummer: {nummer}",
        "",
        "# antrag (übliches Formular) oder petition",
        f"art: {'petition' if petition else 'antrag'}",
        "",
        "# oeffentlich oder nichtoeffentlich",
        "status: oeffentlich",
    ]
    names = _block_names(form)
    custom: list[tuple[str, CustomBlock]] = []
    written = {"status"}  # written above: every statement has one
    for _, blocks in form.ordered(sachverhalt_first=False):
        for block in blocks:
            if not form.placed(block.id, petition=petition):
                continue
            if isinstance(block.settings, CustomBlock):
                if not custom:
                    lines.append("@ZUSATZFELDER@")
                custom.append((block.id, block.settings))
                continue
            # a header row places a field as its block would (betreff, eingereicht_von, anlass, …)
            rows = block.settings.zeilen if isinstance(block.settings, KopfangabenSettings) else ()
            for section in [str(row.feld) for row in rows] or [block.id]:
                if section not in written:
                    written.add(section)
                    lines += _section(section, grid.ids, anlass="anlass" not in written, labels=names)
    text = "\n".join(lines).rstrip("\n") + "\n"
    return text.replace("@ZUSATZFELDER@", _custom(custom))


def _one_line(text: str) -> str:
    """A form's text (its name, a label) in a comment of the starter: a line break in it would end the comment,
    and the rest would be read as YAML (a second `nummer:`)."""
    return " ".join(text.split())


def _block_names(form: Form) -> dict[str, str]:
    """What the form calls its blocks (its labels without the colon), for the starter's comments."""
    names: dict[str, str] = {}
    for _, blocks in form.ordered(sachverhalt_first=False):
        for block in blocks:
            label = getattr(block.settings, "label", None)
            if isinstance(label, str) and label.strip():
                names[block.id] = " ".join(label.split()).removesuffix(":").rstrip()
    return names


def _section(
    block_id: str, options: tuple[str, ...], *, anlass: bool = True, labels: dict[str, str] | None = None
) -> list[str]:
    """The starter's lines for one printed built-in block or header row (none for blocks without a field of
    their own); `anlass`: whether the Zusammenfassung brings the Anlass (not if a header row wrote it); `labels`:
    what the form calls its blocks („Stellungnahme“ for the Begründung of a city's own form)."""
    from .labels import OPTIONS_NEEDING_BESCHLUSSVORSCHLAG

    names = {
        "raeumlicher_bezug": "Räumlicher Bezug",
        "zusammenfassung": "Zusammenfassung",
        "sachverhalt": "Sachverhalt",
        "begruendung": "Begründung",
        "anlagen": "Anlagen",
        **(labels or {}),
    }
    needing = sorted(option for option in options if option in OPTIONS_NEEDING_BESCHLUSSVORSCHLAG)
    needed = f"nötig bei {' und '.join(needing)}" if needing else "optional"
    anlass_lines = [
        "",
        "# Anlass der Vorlage: rechtliche_vorschriften, stadtratsbeschluss, verwaltungshandeln oder {sonstiges: Text}",
        "anlass: {sonstiges: Antrag}",
    ]
    texts: dict[str, list[str]] = {
        "gremium": ["", "# Beschließendes Gremium über dem Titel (optional)", "# gremium: Ratsversammlung"],
        "eingereicht_von": ["", f"eingereicht_von: {PLACEHOLDERS['eingereicht_von']}"],
        "betreff": ["", f"betreff: {PLACEHOLDERS['betreff']}"],
        "beratungsfolge": [
            "",
            "# Reihenfolge der Beratung; termin als JJJJ-MM-TT oder TT.MM.JJJJ, mehrere Sitzungen als sitzungen: [ … ]",
            "beratungsfolge:",
            f"  - gremium: {PLACEHOLDERS['gremium']}",
            "    # termin: JJJJ-MM-TT",
            "    zustaendigkeit: Vorberatung",
            "  - gremium: Ratsversammlung",
            "    # termin: JJJJ-MM-TT",
            "    zustaendigkeit: Beschlussfassung",
        ],
        "rechtliche_konsequenzen": [
            "",
            "# Wäre der beantragte Beschluss rechtswidrig oder nachteilig?",
            "rechtliche_konsequenzen:",
            "  rechtswidrig: false",
            "  nachteilig: false",
        ],
        "empfehlung": [
            "",
            "# Angekreuzte Empfehlung(en): " + ", ".join(options) + ".",
            '# Mit Beschlusspunkten:  - {option: zustimmung, punkte: "zu 1."}',
            f"empfehlung: {_default_option(options)}",
        ],
        "beschlussvorschlag": [
            "",
            f"# Vorgeschlagener Beschluss (Markdown), {needed}",
            "# beschlussvorschlag: |",
            f"#   1. {PLACEHOLDERS['beschlussvorschlag']}",
        ],
        "strategische_ziele": ["", "strategische_ziele: nicht relevant"],
        "hinweis": [
            "",
            "# Hinweis unter den strategischen Zielen (optional)",
            "# hinweis: Finanzielle Auswirkungen",
        ],
        "raeumlicher_bezug": [
            "",
            f"# {names['raeumlicher_bezug']} (optional)",
            "# raeumlicher_bezug: stadtweit",
        ],
        "anlass": anlass_lines,
        "zusammenfassung": [
            *(anlass_lines if anlass else []),
            "",
            f"# {names['zusammenfassung']} (Markdown, optional)",
            "# zusammenfassung: |",
            f"#   {PLACEHOLDERS['zusammenfassung']}",
        ],
        "finanzen": [
            "",
            "# Finanzielle Auswirkungen: keine (☒ nein), false (nicht gedruckt) oder im Einzelnen, etwa:",
            "#   finanzen:",
            "#     auswirkungen: ja",
            "#     haushalt:",
            "#       aufwendungen: {von: JJJJ-MM-TT, bis: JJJJ-MM-TT, hoehe: 12.500, wo_veranschlagt: "
            f"{PLACEHOLDERS['wo_veranschlagt']}}}",
            "finanzen: keine",
        ],
        "stellenplan": [
            "",
            "# Auswirkungen auf den Stellenplan: keine, false oder im Einzelnen",
            "stellenplan: keine",
        ],
        "sachverhalt": [
            "",
            f"# {names['sachverhalt']} (Markdown, optional)",
            "# sachverhalt: |",
            f"#   {PLACEHOLDERS['sachverhalt']}",
        ],
        "begruendung": [
            "",
            f"# {names['begruendung']} (Markdown): Absätze durch eine Leerzeile trennen.",
            "begruendung: |",
            f"  {PLACEHOLDERS['begruendung']}",
        ],
        "anlagen": ["", f"# {names['anlagen']} (optional)", "# anlagen:", "#   - Stellungnahme des Fachamts"],
    }
    return texts.get(block_id, [])


def _default_option(options: tuple[str, ...]) -> str:
    """The starter's recommendation: „ablehnung“ where the form has it (it needs no Beschlussvorschlag)."""
    from .labels import OPTIONS_NEEDING_BESCHLUSSVORSCHLAG

    if "ablehnung" in options:
        return "ablehnung"
    return next((o for o in options if o not in OPTIONS_NEEDING_BESCHLUSSVORSCHLAG), options[0])


def _custom(blocks: list[tuple[str, CustomBlock]]) -> str:
    """The `zusatzfelder` of the form's own blocks: required ones filled with a placeholder, others commented."""
    required = any(block.pflicht for _, block in blocks)
    lines = [
        "",
        "# Angaben zu den eigenen Blöcken des Formulars",
        ("" if required else "# ") + "zusatzfelder:",
    ]
    for block_id, block in blocks:
        # an optional block's lines are commented out whole, its description too: an editor's „uncomment“ on
        # them (one `# ` off each line) leaves the description a comment, not a line of text that breaks YAML
        mark = "" if block.pflicht else "# "
        lines.append(f"{mark}  # {_one_line(block.label)} ({'Pflicht' if block.pflicht else 'optional'})")
        if block.typ == "auswahl":
            lines.append(f"{mark}  # möglich: {', '.join(option.id for option in block.optionen)}")
            lines.append(f"{mark}  {block_id}: {block.optionen[0].id}")
        elif block.typ == "text":
            lines += [f"{mark}  {block_id}: |", f"{mark}    {PLACEHOLDERS['zusatzfelder']}"]
        else:
            lines.append(f"{mark}  {block_id}: {_yaml_text(PLACEHOLDERS['zusatzfelder'])}")
    return "\n".join(lines)
