"""A form definition as typed data: parts in printed order, the blocks of each part and every block's settings.

The schema of a form file (format spec § 5.2): `schema`, `name`, `erbt`, `reihenfolge`, `teile.<id>`, `seite`,
`titel`, `petition` and `bloecke.<id>`. A built-in block id (`BLOCK_SETTINGS`) takes that block's settings; any
other id declares a custom block (`CustomBlock`). What each block *kind* does – which statement fields it places,
how it is printed – is code (`BLOCK_FIELDS` here, the renderers elsewhere); what a form says – labels, options,
order – is data, in the form files.

`Form` is the effective form after inheritance, checked as a whole; it is immutable and cheap to share.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, get_args

from .checking import Columns, Id

#: The version of the form file schema this code reads.
SCHEMA_VERSION = 1

#: A printed text of the form (a label, a caption, a template with placeholders).
Label = str
#: `true` or `false`.
Switch = bool


@dataclass(frozen=True, slots=True)
class NoSettings:
    """`gremium`, `titel`: nothing to set (the titles are in `[titel]`)."""


@dataclass(frozen=True, slots=True)
class LabelOnly:
    label: Label


@dataclass(frozen=True, slots=True)
class StatusSettings:
    label: Label
    oeffentlich: Label
    nichtoeffentlich: Label


#: What a `kopfangaben` row may print.
KopfangabeField = Literal[
    "betreff",
    "status",
    "vorlageart",
    "gremium",
    "eingereicht_von",
    "federfuehrung",
    "beteiligt",
    "bezug",
    "anlass",
    "strategische_ziele",
    "raeumlicher_bezug",
    "nummer",
]
KOPFANGABE_FIELDS: tuple[str, ...] = get_args(KopfangabeField)


@dataclass(frozen=True, slots=True)
class KopfangabeRow:
    label: Label
    feld: KopfangabeField


@dataclass(frozen=True, slots=True)
class KopfangabenSettings:
    zeilen: tuple[KopfangabeRow, ...]


@dataclass(frozen=True, slots=True)
class BeratungsfolgeSettings:
    label: Label
    spalten: tuple[Label, Label, Label]
    ergebnisse: Switch
    sitzungsnamen: Switch


@dataclass(frozen=True, slots=True)
class EingereichtVonSettings:
    label: Label
    nummeriert: Switch


@dataclass(frozen=True, slots=True)
class RechtlicheKonsequenzenSettings:
    titel: Label
    satz: Label
    rechtswidrig: Label
    nachteilig: Label


@dataclass(frozen=True, slots=True)
class OptionSettings:
    id: Id
    label: Label
    statt: Id | None = None


@dataclass(frozen=True, slots=True)
class EmpfehlungSettings:
    spalten: Columns
    optionen: tuple[OptionSettings, ...]
    spalten_petition: Columns
    optionen_petition: tuple[OptionSettings, ...]


@dataclass(frozen=True, slots=True)
class StrategischeZieleSettings:
    label: Label
    nicht_relevant: Label
    darstellung: Literal["text", "kreuz"]


@dataclass(frozen=True, slots=True)
class ChoiceSettings:
    id: Id
    label: Label


#: The four Anlass ids of the 2019 form: a form may relabel them, not rename them.
ANLASS_IDS = ("rechtliche_vorschriften", "stadtratsbeschluss", "verwaltungshandeln", "sonstiges")


@dataclass(frozen=True, slots=True)
class ZusammenfassungSettings:
    label: Label
    anlass_label: Label
    optionen: tuple[ChoiceSettings, ChoiceSettings, ChoiceSettings, ChoiceSettings]


@dataclass(frozen=True, slots=True)
class FinanzenLabels:
    auswirkungen: Label
    auswirkungen_ja: Label
    alternativen_geprueft: Label
    alternativen_geprueft_ja: Label
    folgen_bei_ablehnung: Label
    folgen_bei_ablehnung_ja: Label
    investition: Label
    investition_ja: Label
    haushalt: Label
    von: Label
    bis: Label
    hoehe: Label
    wo_veranschlagt: Label
    ergebnishaushalt: Label
    ertraege: Label
    aufwendungen: Label
    finanzhaushalt: Label
    einzahlungen: Label
    auszahlungen: Label
    folgekosten: Label
    folgekosten_ja: Label
    folgekosten_haushalt: Label
    hoehe_jaehrlich: Label
    andere_oe: Label
    andere_oe_ertraege: Label
    andere_oe_aufwand: Label
    nachher: Label
    nachher_ertraege: Label
    nachher_aufwand: Label
    nachher_abschreibungen: Label
    nein: Label


@dataclass(frozen=True, slots=True)
class FinanzenSettings:
    labels: FinanzenLabels


@dataclass(frozen=True, slots=True)
class StellenplanLabels:
    titel: Label
    stellenerweiterung: Label
    stellenerweiterung_ja: Label
    stellenabbau: Label
    stellenabbau_ja: Label
    personalrat: Label
    nein: Label


@dataclass(frozen=True, slots=True)
class StellenplanSettings:
    labels: StellenplanLabels


@dataclass(frozen=True, slots=True)
class CustomBlock:
    """A block only a form file declares, filled from `zusatzfelder.<id>`."""

    typ: Literal["text", "angabe", "auswahl"]
    label: Label
    optionen: tuple[ChoiceSettings, ...] = ()
    mehrfach: Switch = False
    pflicht: Switch = False


BlockSettings = (
    NoSettings
    | LabelOnly
    | StatusSettings
    | KopfangabenSettings
    | BeratungsfolgeSettings
    | EingereichtVonSettings
    | RechtlicheKonsequenzenSettings
    | EmpfehlungSettings
    | StrategischeZieleSettings
    | ZusammenfassungSettings
    | FinanzenSettings
    | StellenplanSettings
    | CustomBlock
)

#: The built-in blocks and the model of their settings, in the order the docs list them.
BLOCK_SETTINGS: Mapping[str, type[Any]] = {
    "gremium": NoSettings,
    "titel": NoSettings,
    "status": StatusSettings,
    "kopfangaben": KopfangabenSettings,
    "beratungsfolge": BeratungsfolgeSettings,
    "eingereicht_von": EingereichtVonSettings,
    "betreff": LabelOnly,
    "rechtliche_konsequenzen": RechtlicheKonsequenzenSettings,
    "empfehlung": EmpfehlungSettings,
    "beschlussvorschlag": LabelOnly,
    "strategische_ziele": StrategischeZieleSettings,
    "hinweis": LabelOnly,
    "raeumlicher_bezug": LabelOnly,
    "zusammenfassung": ZusammenfassungSettings,
    "finanzen": FinanzenSettings,
    "stellenplan": StellenplanSettings,
    "sachverhalt": LabelOnly,
    "begruendung": LabelOnly,
    "anlagen": LabelOnly,
}

#: The statement fields each built-in block places (§ 5.3); `kopfangaben` places the fields of its rows.
BLOCK_FIELDS: Mapping[str, tuple[str, ...]] = {
    "gremium": ("gremium",),
    "titel": (),
    "status": ("status",),
    "kopfangaben": (),
    "beratungsfolge": ("beratungsfolge", "beratungsfolge_vermerk"),
    "eingereicht_von": ("eingereicht_von",),
    "betreff": ("betreff",),
    "rechtliche_konsequenzen": ("rechtliche_konsequenzen",),
    "empfehlung": ("empfehlung", "empfehlung_raster"),
    "beschlussvorschlag": ("beschlussvorschlag", "beschlussvorschlag_titel"),
    "strategische_ziele": ("strategische_ziele",),
    "hinweis": ("hinweis",),
    "raeumlicher_bezug": ("raeumlicher_bezug",),
    "zusammenfassung": ("zusammenfassung", "anlass"),
    "finanzen": ("finanzen",),
    "stellenplan": ("stellenplan",),
    "sachverhalt": ("sachverhalt",),
    "begruendung": ("begruendung",),
    "anlagen": ("anlagen",),
}

#: The fields a `kopfangaben` row places (`vorlageart` and `nummer` are no fields one could leave out).
KOPFANGABE_PLACES: Mapping[str, tuple[str, ...]] = {
    "betreff": ("betreff",),
    "status": ("status",),
    "gremium": ("gremium",),
    "eingereicht_von": ("eingereicht_von",),
    "anlass": ("anlass",),
    "strategische_ziele": ("strategische_ziele",),
    "raeumlicher_bezug": ("raeumlicher_bezug",),
}

#: Blocks every form must place (a `kopfangaben` row may stand in for `betreff` and `eingereicht_von`).
REQUIRED_BLOCKS = (
    "titel",
    "beratungsfolge",
    "betreff",
    "eingereicht_von",
    "empfehlung",
    "sachverhalt",
    "begruendung",
)

#: The parts `sachverhalt_zuerst` swaps.
PART_FINANZEN = "finanzen"
PART_SACHVERHALT = "sachverhalt"

#: Placeholders each template may use, and those it must use.
PLACEHOLDERS: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    "titel": (frozenset({"nummer"}), frozenset({"nummer"})),
    "zaehler": (frozenset({"n", "m"}), frozenset({"n", "m"})),
    "kopfzeile": (frozenset({"nummer"}), frozenset()),
    "body": (frozenset({"body"}), frozenset()),
}


def placeholders(text: str) -> set[str]:
    """The names in braces (`{nummer}`); raises ValueError for braces that do not pair up."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def formatted_placeholders(text: str) -> list[str]:
    """Placeholders with a conversion or format spec, as written (`{n:>3}`): not allowed."""
    return [
        "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None and (spec or conversion)
    ]


@dataclass(frozen=True, slots=True)
class Part:
    bloecke: tuple[Id, ...]
    neue_seite: Switch = False
    titel: Label | None = None


@dataclass(frozen=True, slots=True)
class PageSettings:
    zaehler: Label
    kopfzeile: Label


@dataclass(frozen=True, slots=True)
class Titles:
    antrag: Label
    petition: Label
    neufassung: Label


@dataclass(frozen=True, slots=True)
class PetitionVariant:
    ohne: tuple[Id, ...]
    erlaubt: Switch


@dataclass(frozen=True, slots=True)
class FormFile:
    """The top level of an effective form file (all defaults merged in); `schema_` is the key `schema`."""

    schema_: int
    name: str
    reihenfolge: tuple[Id, ...]
    teile: dict[str, Part]
    seite: PageSettings
    titel: Titles
    petition: PetitionVariant
    bloecke: dict[str, dict[str, Any]]
    erbt: str | None = None


#: Every top-level key of a form file.
TOP_KEYS = ("schema", "name", "erbt", "reihenfolge", "teile", "seite", "titel", "petition", "bloecke")


@dataclass(frozen=True)
class Option:
    """A box of the recommendation grid; `statt`: the option whose box it shares."""

    id: str
    label: str
    statt: str | None = None


@dataclass(frozen=True)
class Grid:
    """The recommendation grid of one variant (antrag or petition): its columns and options in list order."""

    columns: int
    options: tuple[Option, ...]

    @cached_property
    def ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)

    @cached_property
    def cells(self) -> tuple[Option, ...]:
        """The options with a box of their own, in the order the grid is filled (row by row)."""
        return tuple(option for option in self.options if option.statt is None)

    def sharing(self, cell: str) -> tuple[Option, ...]:
        """The options printed in the box of `cell` when ticked: the cell's own first, then those `statt` it."""
        return self._sharing[cell]

    @cached_property
    def _sharing(self) -> dict[str, tuple[Option, ...]]:
        return {cell.id: (cell, *(o for o in self.options if o.statt == cell.id)) for cell in self.cells}

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class PlacedBlock:
    """A block as a form places it: its id, its part, and its settings."""

    id: str
    part: str
    settings: BlockSettings

    @property
    def kind(self) -> str:
        """What renders it: the built-in block's id, or the custom block's `typ`."""
        return self.settings.typ if isinstance(self.settings, CustomBlock) else self.id


@dataclass(frozen=True, eq=False)
class Form:
    """An effective form: what a statement on it may hold and how it is printed."""

    #: How statements name it: "2019", "leipzig-2021" or "formulare/2021.toml".
    ref: str
    name: str
    #: Parts in printed order, each with its printed blocks in order.
    parts: tuple[tuple[str, tuple[PlacedBlock, ...]], ...]
    new_page: frozenset[str]
    part_titles: Mapping[str, str]
    page_counter: str
    running_header: str
    titles: Titles
    petition_without: frozenset[str]
    petition_allowed: bool
    #: The effective form as data, for `vsp formular NAME`.
    data: Mapping[str, Any]
    #: The form files it was read from (none for a built-in form): they shape the output.
    files: tuple[Path, ...] = ()
    #: SHA-256 (hex) of each of `files` as it was read.
    digests: tuple[str, ...] = ()

    @cached_property
    def blocks(self) -> Mapping[str, PlacedBlock]:
        return {block.id: block for _, blocks in self.parts for block in blocks}

    def placed(self, block_id: str, *, petition: bool = False) -> bool:
        return block_id in self.blocks and not (petition and block_id in self.petition_without)

    def settings(self, block_id: str) -> Any:
        """The settings of a placed block (None if the form does not place it)."""
        block = self.blocks.get(block_id)
        return None if block is None else block.settings

    def grid(self, *, petition: bool) -> Grid:
        return self._grids[petition]

    @cached_property
    def _grids(self) -> dict[bool, Grid]:
        settings = self.settings("empfehlung")
        assert isinstance(settings, EmpfehlungSettings)
        return {
            False: Grid(settings.spalten, _options(settings.optionen)),
            True: Grid(settings.spalten_petition, _options(settings.optionen_petition)),
        }

    @cached_property
    def custom_blocks(self) -> Mapping[str, CustomBlock]:
        return {b.id: b.settings for b in self.blocks.values() if isinstance(b.settings, CustomBlock)}

    def places_field(self, field: str, *, petition: bool = False) -> bool:
        """Whether a printed block (or a `kopfangaben` row) of this form (variant) places `field`."""
        return field in self._placed_fields[petition]

    @cached_property
    def _placed_fields(self) -> dict[bool, frozenset[str]]:
        found: dict[bool, frozenset[str]] = {}
        for petition in (False, True):
            fields: set[str] = set()
            for block in self.blocks.values():
                if petition and block.id in self.petition_without:
                    continue
                fields.update(BLOCK_FIELDS.get(block.id, ()))
                if isinstance(block.settings, KopfangabenSettings):
                    for row in block.settings.zeilen:
                        fields.update(KOPFANGABE_PLACES.get(row.feld, ()))
            found[petition] = frozenset(fields)
        return found

    def ordered(self, *, sachverhalt_first: bool) -> Iterator[tuple[str, tuple[PlacedBlock, ...]]]:
        """The parts in printed order; `sachverhalt_zuerst` moves the part sachverhalt before finanzen."""
        parts = list(self.parts)
        names = [name for name, _ in parts]
        if sachverhalt_first and PART_FINANZEN in names and PART_SACHVERHALT in names:
            at, moved = names.index(PART_FINANZEN), names.index(PART_SACHVERHALT)
            if moved > at:
                parts.insert(at, parts.pop(moved))
        yield from parts


def _options(settings: tuple[OptionSettings, ...]) -> tuple[Option, ...]:
    return tuple(Option(o.id, o.label, o.statt) for o in settings)
