"""Enumerations, option sets and every printed label: the one place the model, the schema and both renderers read.

Ids are what a statement file says; labels are what the printed form says. A city can override any label in
its configuration (`[labels]` in vsp.toml), so renderers must ask a `Labels` object, never this module's
constants directly.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final


def german_date(day: date) -> str:
    """A date as the form prints it, 18.04.2017: four-digit years, also before 1000."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


class Art(StrEnum):
    """What the statement answers; it selects the form (option set, legal-consequences box, title)."""

    ANTRAG = "antrag"
    PETITION = "petition"


class Status(StrEnum):
    OEFFENTLICH = "oeffentlich"
    NICHTOEFFENTLICH = "nichtoeffentlich"


class Option(StrEnum):
    """Every recommendation id of both forms; `OPTIONS_BY_ART` says which form offers which."""

    ZUSTIMMUNG = "zustimmung"
    ABLEHNUNG = "ablehnung"
    ZUSTIMMUNG_MIT_ERGAENZUNG = "zustimmung_mit_ergaenzung"
    ABLEHNUNG_VERWALTUNGSHANDELN = "ablehnung_verwaltungshandeln"
    ALTERNATIVVORSCHLAG = "alternativvorschlag"
    SACHSTANDSBERICHT = "sachstandsbericht"
    ZUSTIMMUNG_UND_ABHILFE = "zustimmung_und_abhilfe"
    BERUECKSICHTIGUNG = "beruecksichtigung"
    ERLEDIGT = "erledigt"


#: The options of each form in the form's printed order (antrag: row by row, two columns).
OPTIONS_BY_ART: Final = MappingProxyType(
    {
        Art.ANTRAG: (
            Option.ZUSTIMMUNG,
            Option.ABLEHNUNG,
            Option.ZUSTIMMUNG_MIT_ERGAENZUNG,
            Option.ABLEHNUNG_VERWALTUNGSHANDELN,
            Option.ALTERNATIVVORSCHLAG,
            Option.SACHSTANDSBERICHT,
        ),
        Art.PETITION: (
            Option.ZUSTIMMUNG_UND_ABHILFE,
            Option.ALTERNATIVVORSCHLAG,
            Option.BERUECKSICHTIGUNG,
            Option.ERLEDIGT,
            Option.ABLEHNUNG,
        ),
    }
)

#: Columns of the printed recommendation grid per form.
GRID_COLUMNS: Final = MappingProxyType({Art.ANTRAG: 2, Art.PETITION: 1})

#: Ticking one of these promises a resolution text: without `beschlussvorschlag` it is a warning.
OPTIONS_NEEDING_BESCHLUSSVORSCHLAG: Final = frozenset(
    {Option.ALTERNATIVVORSCHLAG, Option.ZUSTIMMUNG_MIT_ERGAENZUNG}
)

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

#: Between several `punkte` of one option in the same cell („zu 1.; zu 3.“), in every output.
PUNKTE_SEPARATOR: Final = "; "

#: The value of `strategische_ziele` that is printed as is, not as Markdown.
NICHT_RELEVANT: Final = "nicht relevant"

DEFAULT_BODY: Final = "Stadt Leipzig"

#: Every printed label, keyed by the name a configuration uses to override it. Placeholders in braces are
#: filled by the renderers: {nummer}, {body}, {seite}, {seiten}.
DEFAULT_LABELS: Final = MappingProxyType(
    {
        # recommendation options
        "zustimmung": "Zustimmung",
        "ablehnung": "Ablehnung",
        "zustimmung_mit_ergaenzung": "Zustimmung mit Ergänzung",
        "ablehnung_verwaltungshandeln": "Ablehnung, da bereits Verwaltungshandeln",
        "alternativvorschlag": "Alternativvorschlag",
        "sachstandsbericht": "Sachstandsbericht",
        "zustimmung_und_abhilfe": "Zustimmung und Abhilfe",
        "beruecksichtigung": "Berücksichtigung",
        "erledigt": "Erledigt",
        # status values
        "oeffentlich": "öffentlich",
        "nichtoeffentlich": "nichtöffentlich",
        # titles
        "titel_antrag": "Verwaltungsstandpunkt Nr. {nummer}",
        "titel_petition": "Verwaltungsstandpunkt zur Petition Nr. {nummer}",
        "titel_neufassung": "Neufassung Nr. {nummer}",
        # headings and fixed text of the form
        "status": "Status:",
        "beratungsfolge": "Beratungsfolge:",
        "spalte_gremium": "Gremium",
        "spalte_termin": "Termin",
        "spalte_zustaendigkeit": "Zuständigkeit",
        "eingereicht_von": "Eingereicht von",
        "betreff": "Betreff",
        "rechtliche_konsequenzen": "Rechtliche Konsequenzen",
        "rk_einleitung": "Der gemäß Ursprungsantrag gefasste Beschluss wäre",
        "rk_rechtswidrig": "Rechtswidrig und/oder",
        "rk_nachteilig": "Nachteilig für die {body}.",
        "beschlussvorschlag": "Beschlussvorschlag:",
        "strategische_ziele": "Prüfung der Übereinstimmung mit den strategischen Zielen:",
        "sachverhalt": "Sachverhalt:",
        "begruendung": "Begründung:",
        "anlagen": "Anlagen:",
        "seite": "Seite {seite}/{seiten}",
    }
)

STATUS_LABEL_KEYS: Final = MappingProxyType({s: s.value for s in Status})

BOX_EMPTY: Final = "\u2610"  # ☐
BOX_TICKED: Final = "\u2612"  # ☒


class Labels:
    """The effective labels: the defaults with a configuration's overrides applied."""

    __slots__ = ("_labels",)

    def __init__(self, overrides: dict[str, str] | None = None) -> None:
        merged = dict(DEFAULT_LABELS)
        if overrides:
            unknown = set(overrides) - set(DEFAULT_LABELS)
            if unknown:
                raise KeyError(f"unknown label keys: {sorted(unknown)}")
            merged.update(overrides)
        self._labels = merged  # a plain dict, so that settings can be sent to worker processes

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Labels) and self._labels == other._labels

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._labels.items())))

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._labels.items() if DEFAULT_LABELS[k] != v}
        return f"Labels({changed!r})"

    def __getstate__(self) -> dict[str, str]:
        return self._labels

    def __setstate__(self, state: dict[str, str]) -> None:
        self._labels = state

    def __getitem__(self, key: str) -> str:
        return self._labels[key]

    def as_dict(self) -> dict[str, str]:
        return dict(self._labels)

    def option(self, option: Option) -> str:
        return self._labels[option.value]

    def status(self, status: Status) -> str:
        return self._labels[STATUS_LABEL_KEYS[status]]

    def title(self, art: Art, nummer: str, *, neufassung: bool) -> str:
        """The document's title; a Neufassung says so whatever it answers (a petition too)."""
        if neufassung:
            key = "titel_neufassung"
        elif art is Art.PETITION:
            key = "titel_petition"
        else:
            key = "titel_antrag"
        return self._labels[key].format(nummer=nummer)
