"""Enumerations and fixed vocabulary of the format, and the `[labels]` of a configuration.

Printed labels live in the form files (`forms/`), never here. A configuration's `[labels]` (format v1) keeps
working on top of any form: each of its keys overrides one setting of the selected form (`LABEL_TARGETS`,
format spec § 5.1); `Labels` holds those overrides.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final


def german_date(day: date) -> str:
    """A date as the form prints it, 18.04.2017: four-digit years, also before 1000."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


class Art(StrEnum):
    """What the statement answers; it selects the variant of the form (option set, legal box, title)."""

    ANTRAG = "antrag"
    PETITION = "petition"


class Status(StrEnum):
    OEFFENTLICH = "oeffentlich"
    NICHTOEFFENTLICH = "nichtoeffentlich"


#: Ticking one of these promises a resolution text: without `beschlussvorschlag` it is a warning.
OPTIONS_NEEDING_BESCHLUSSVORSCHLAG: Final = frozenset({"alternativvorschlag", "zustimmung_mit_ergaenzung"})

#: The option of the 2019 form whose id other forms do not know; they write `ablehnung_verwaltungshandeln`.
SACHVERHALT_BERUECKSICHTIGT: Final = "sachverhalt_beruecksichtigt"
ABLEHNUNG_VERWALTUNGSHANDELN: Final = "ablehnung_verwaltungshandeln"

#: Zuständigkeiten seen on Leipzig forms; others are allowed with a warning.
KNOWN_ZUSTAENDIGKEITEN: Final = (
    "Bestätigung",
    "Vorberatung",
    "Anhörung",
    "Beschlussfassung",
    "1. Lesung",
    "2. Lesung",
    "Verweisung in die Gremien",
    "Kenntnisnahme",
)

#: Results of a session as the portal shows them; others are allowed with a warning.
KNOWN_ERGEBNISSE: Final = ("zur Kenntnis genommen", "ungeändert beschlossen", "vertagt", "(offen)")

#: Between several `punkte` of one option in the same cell („zu 1.; zu 3.“), in every output.
PUNKTE_SEPARATOR: Final = "; "

#: The value of `strategische_ziele` that says the goals were checked and are not touched.
NICHT_RELEVANT: Final = "nicht relevant"
#: The types of Leipzig's paper numbers („VII-A-00261“ Antrag, „DS“ Drucksache, „Ifo“ Information, „F“ Anfrage,
#: „EF“ Einwohneranfrage, „P“ Petition, …): `nummer` and `bezug` are checked with them, and hyphenation never
#: breaks a number of one of them.
PAPER_TYPES: Final = ("A", "DS", "Ifo", "F", "EF", "P", "WA", "HP")

DEFAULT_BODY: Final = "Stadt Leipzig"

BOX_EMPTY: Final = "\u2610"  # ☐
BOX_TICKED: Final = "\u2612"  # ☒

#: Every option id of the built-in forms, in the order the format spec lists them.
BUILTIN_OPTIONS: Final = (
    "zustimmung",
    "ablehnung",
    "zustimmung_mit_ergaenzung",
    "ablehnung_verwaltungshandeln",
    "sachverhalt_beruecksichtigt",
    "alternativvorschlag",
    "sachstandsbericht",
    "zustimmung_und_abhilfe",
    "beruecksichtigung",
    "erledigt",
)

LabelTarget = tuple[str | int, ...]

#: The keys of `[labels]` (format v1) and the form setting each overrides (format spec § 5.1). An option id
#: targets the label of that option in both option lists of `empfehlung`.
LABEL_TARGETS: Final[Mapping[str, LabelTarget]] = MappingProxyType(
    {
        **{option: ("option", option) for option in BUILTIN_OPTIONS if option != SACHVERHALT_BERUECKSICHTIGT},
        "oeffentlich": ("bloecke", "status", "oeffentlich"),
        "nichtoeffentlich": ("bloecke", "status", "nichtoeffentlich"),
        "titel_antrag": ("titel", "antrag"),
        "titel_petition": ("titel", "petition"),
        "titel_neufassung": ("titel", "neufassung"),
        "status": ("bloecke", "status", "label"),
        "beratungsfolge": ("bloecke", "beratungsfolge", "label"),
        "spalte_gremium": ("bloecke", "beratungsfolge", "spalten", 0),
        "spalte_termin": ("bloecke", "beratungsfolge", "spalten", 1),
        "spalte_zustaendigkeit": ("bloecke", "beratungsfolge", "spalten", 2),
        "eingereicht_von": ("bloecke", "eingereicht_von", "label"),
        "betreff": ("bloecke", "betreff", "label"),
        "rechtliche_konsequenzen": ("bloecke", "rechtliche_konsequenzen", "titel"),
        "rk_einleitung": ("bloecke", "rechtliche_konsequenzen", "satz"),
        "rk_rechtswidrig": ("bloecke", "rechtliche_konsequenzen", "rechtswidrig"),
        "rk_nachteilig": ("bloecke", "rechtliche_konsequenzen", "nachteilig"),
        "beschlussvorschlag": ("bloecke", "beschlussvorschlag", "label"),
        "strategische_ziele": ("bloecke", "strategische_ziele", "label"),
        "sachverhalt": ("bloecke", "sachverhalt", "label"),
        "begruendung": ("bloecke", "begruendung", "label"),
        "anlagen": ("bloecke", "anlagen", "label"),
        "seite": ("seite", "zaehler"),
    }
)

#: Placeholders a `[labels]` value may use (filled by the renderers), and those it must keep.
LABEL_PLACEHOLDERS: Final[Mapping[str, tuple[frozenset[str], frozenset[str]]]] = MappingProxyType(
    {
        "titel_antrag": (frozenset({"nummer"}), frozenset({"nummer"})),
        "titel_petition": (frozenset({"nummer"}), frozenset({"nummer"})),
        "titel_neufassung": (frozenset({"nummer"}), frozenset({"nummer"})),
        "rk_nachteilig": (frozenset({"body"}), frozenset()),
        "seite": (frozenset({"seite", "seiten"}), frozenset({"seite"})),
    }
)

#: v1's page placeholders and their names in form files.
PAGE_PLACEHOLDERS: Final = MappingProxyType({"{seite}": "{n}", "{seiten}": "{m}"})


class Labels:
    """A configuration's `[labels]`: overrides of form settings, applied to whichever form a statement uses."""

    __slots__ = ("_labels",)

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        merged = dict(overrides or {})
        unknown = set(merged) - set(LABEL_TARGETS)
        if unknown:
            raise KeyError(f"unknown label keys: {sorted(unknown)}")
        self._labels = dict(sorted(merged.items()))  # a plain dict, so that settings can be sent to workers

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Labels) and self._labels == other._labels

    def __hash__(self) -> int:
        return hash(tuple(self._labels.items()))

    def __repr__(self) -> str:
        return f"Labels({self._labels!r})"

    def __bool__(self) -> bool:
        return bool(self._labels)

    def __getstate__(self) -> dict[str, str]:
        return self._labels

    def __setstate__(self, state: dict[str, str]) -> None:
        self._labels = state

    def __getitem__(self, key: str) -> str:
        """The override of `key` (KeyError if the configuration does not set it)."""
        return self._labels[key]

    def as_dict(self) -> dict[str, str]:
        return dict(self._labels)

    def items(self) -> tuple[tuple[str, str], ...]:
        return tuple(self._labels.items())
