"""The statement format v1 as pydantic models: field types, defaults and the editor's hover help.

Rules that relate several fields (option set of the form, dates going backwards, …) live in `rules.py`, where
each can be an error or a warning; this module checks what one value alone can tell. German `title`,
`description` and `examples` on every field become the JSON Schema's hover help.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, get_type_hints

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .diagnostics import describe_value, quote
from .labels import KNOWN_ZUSTAENDIGKEITEN, NICHT_RELEVANT, Art, Option, Status

# --- value types --------------------------------------------------------------------------------------------

_SUFFIX = r"(?:NF|ÄA|VSP|DS|AW|Ifo)-[0-9]{2,3}"
_OTHER_SUFFIX = r"(?:NF|ÄA|DS|AW|Ifo)-[0-9]{2,3}"
#: Leipzig's reference scheme: <Wahlperiode>-<Typ>-<5 digits> or the 2014/15 form A-00545/14, then suffixes,
#: one of them the VSP part. Written without look-arounds so that JSON Schema validators accept it too, and
#: with [0-9], not \d, which in Python also matches other scripts' digits (Lao, Arabic-Indic, …). The
#: surrounding \s* is for the JSON Schema: the model checks the value after removing surrounding white space.
NUMMER_PATTERN = (
    r"^\s*(?:(?:V|VI|VII|VIII|IX|X)-(?:A|DS|Ifo|F|EF|P|WA|HP)-[0-9]{5}|A-[0-9]{5}/[0-9]{2})"
    rf"(?:-{_OTHER_SUFFIX})*-VSP-[0-9]{{2,3}}(?:-{_SUFFIX})*\s*$"
)
_NUMMER_RE = re.compile(NUMMER_PATTERN)
_NEUFASSUNG_RE = re.compile(r"-VSP-[0-9]{2,3}(?:-" + _SUFFIX + r")*-NF-[0-9]{2,3}$")

#: The dates the JSON Schema lets through: either form, with days the month can have (whether 29 February
#: exists in that year only `vsp validate` tells).
DATE_PATTERN = (
    r"^\s*(?:(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|[12][0-9]))"
    r"|(?:(?:0?[1-9]|[12][0-9]|3[01])\.(?:0?[13578]|1[02])|(?:0?[1-9]|[12][0-9]|30)\.(?:0?[469]|11)"
    r"|(?:0?[1-9]|[12][0-9])\.0?2)\.(?!0000)[0-9]{4})\s*$"
)
#: What a text must hold besides white space (and invisible soft hyphens or blanks) to count as not empty.
VISIBLE_PATTERN = r"[^\s\u00ad\u2800]"
_INVISIBLE = "\u00ad\u2800"

_ISO_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_GERMAN_RE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$")


def _check_nummer(value: str) -> str:
    if not _NUMMER_RE.match(value):
        raise PydanticCustomError(
            "nummer_format",
            "{value} ist keine gültige Nummer eines Verwaltungsstandpunkts; erwartet wird z. B. "
            "VI-A-03824-VSP-01 (Wahlperiode-Typ-fünf Ziffern, dann ein Teil -VSP-nn)",
            {"value": quote(value)},
        )
    return value


def _parse_date(value: Any) -> date:
    """Dates arrive as strings (the loader keeps YAML timestamps as text): ISO or German form."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "date_type",
            "Datum erwartet (JJJJ-MM-TT oder TT.MM.JJJJ), gefunden: {value}",
            {"value": describe_value(value)},
        )
    text = value.strip()
    if m := _ISO_RE.match(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _GERMAN_RE.match(text):
        d, mo, y = (int(g) for g in m.groups())
    else:
        raise PydanticCustomError(
            "date_format",
            "{value} ist kein Datum; erwartet wird JJJJ-MM-TT (2017-04-18) oder TT.MM.JJJJ (18.04.2017)",
            {"value": quote(value)},
        )
    try:
        return date(y, mo, d)
    except ValueError:
        raise PydanticCustomError(
            "date_impossible", "Das Datum {value} gibt es nicht", {"value": quote(value)}
        ) from None


def _visible(value: str) -> str:
    """A text of soft hyphens or blank braille cells prints as nothing: it is as empty as one of spaces."""
    if all(char.isspace() or char in _INVISIBLE for char in value):
        raise PydanticCustomError("string_too_short", "leer", {"min_length": 1})
    return value


Text = Annotated[
    str,
    Strict(),
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_visible),
    Field(json_schema_extra={"pattern": VISIBLE_PATTERN}),
]
"""A non-empty plain-text value, printed as written (surrounding white space removed)."""

Markdown = Annotated[
    str,
    Strict(),
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_visible),
    Field(json_schema_extra={"contentMediaType": "text/markdown", "pattern": VISIBLE_PATTERN}),
]
"""Prose in CommonMark with GFM tables (marked as such in the JSON Schema, which also tells it from `Text`)."""

Datum = Annotated[
    date,
    BeforeValidator(_parse_date),
    WithJsonSchema({"type": "string", "pattern": DATE_PATTERN}),
]

Nummer = Annotated[
    str, Strict(), StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_check_nummer)
]
"""Checked after surrounding white space is removed, as every text value is; empty is `empty-value`."""


def _as_list(value: Any) -> Any:
    """`x` and `[x]` mean the same for fields that take one or more values."""
    return [value] if isinstance(value, str | dict) else value


def _empfehlung_items(value: Any) -> Any:
    items = _as_list(value)
    if isinstance(items, list):
        return [{"option": item} if isinstance(item, str) else item for item in items]
    return items


def _rechtliche_konsequenzen(value: Any) -> Any:
    """`false` removes the box; `true`, an empty value or a mapping prints it."""
    if value is False:
        return None
    if value is True or value is None:
        return {}
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


# --- parts --------------------------------------------------------------------------------------------------


class Beratung(_Model):
    """One row of the Beratungsfolge."""

    model_config = ConfigDict(json_schema_extra={"description": "Eine Zeile der Beratungsfolge."})

    gremium: Text = Field(
        title="Gremium",
        description="Das beratende oder beschließende Gremium, z. B. Fachausschuss oder Ratsversammlung.",
        examples=["FA Allgemeine Verwaltung", "Ratsversammlung"],
    )
    termin: Datum | None = Field(
        default=None,
        title="Termin",
        description="Sitzungstermin als JJJJ-MM-TT oder TT.MM.JJJJ. Darf fehlen; gedruckt als TT.MM.JJJJ.",
        examples=["2017-04-18", "18.04.2017"],
    )
    zustaendigkeit: Text | None = Field(
        default=None,
        title="Zuständigkeit",
        description="Die Rolle des Gremiums. Bekannte Werte: "
        + ", ".join(KNOWN_ZUSTAENDIGKEITEN)
        + ". Andere Werte sind erlaubt, ergeben aber eine Warnung. Fehlt sie, bleibt die Zelle leer.",
        examples=list(KNOWN_ZUSTAENDIGKEITEN[:4]),
        json_schema_extra={
            "anyOf": [
                {"enum": list(KNOWN_ZUSTAENDIGKEITEN)},
                {"type": "string", "minLength": 1},
                {"type": "null"},
            ]
        },
    )


class RechtlicheKonsequenzen(_Model):
    """The boxes of „Der gemäß Ursprungsantrag gefasste Beschluss wäre … rechtswidrig und/oder nachteilig“."""

    model_config = ConfigDict(
        json_schema_extra={"description": "Die Kästchen „rechtswidrig“ und „nachteilig“ (nur bei Anträgen)."}
    )

    rechtswidrig: Annotated[bool, Strict()] = Field(
        default=False,
        title="Rechtswidrig",
        description="Ankreuzen (true), wenn der beantragte Beschluss rechtswidrig wäre.",
        examples=[False],
    )
    nachteilig: Annotated[bool, Strict()] = Field(
        default=False,
        title="Nachteilig",
        description="Ankreuzen (true), wenn der beantragte Beschluss nachteilig für die Stadt wäre.",
        examples=[False],
    )


class Empfehlung(_Model):
    """A ticked recommendation option, optionally limited to some resolution points."""

    model_config = ConfigDict(
        json_schema_extra={"description": "Eine angekreuzte Empfehlung, wahlweise mit den Beschlusspunkten."}
    )

    option: Option = Field(
        title="Option",
        description="Die angekreuzte Empfehlung. Antrag: zustimmung, ablehnung, zustimmung_mit_ergaenzung, "
        "ablehnung_verwaltungshandeln, alternativvorschlag, sachstandsbericht. Petition: "
        "zustimmung_und_abhilfe, alternativvorschlag, beruecksichtigung, erledigt, ablehnung.",
        examples=["ablehnung_verwaltungshandeln"],
    )
    punkte: Text | None = Field(
        default=None,
        title="Punkte",
        description="Die Beschlusspunkte, für die die Option gilt; gedruckt hinter der Option.",
        examples=["zu 2.", "Punkte 1,2,4,5", "zu Beschlusspunkt 1 und 2"],
    )


# --- the statement ------------------------------------------------------------------------------------------


class Statement(_Model):
    """A Verwaltungsstandpunkt: the administration's written position on a motion or petition."""

    model_config = ConfigDict(
        title="Verwaltungsstandpunkt",
        json_schema_extra={
            "description": "Ein Verwaltungsstandpunkt (VSP) im Format vsp v1.",
        },
    )

    nummer: Nummer = Field(
        title="Nummer",
        description="Die Nummer des Verwaltungsstandpunkts: <Wahlperiode>-<Typ>-<fünf Ziffern>, dann Teile wie "
        "-NF-02, darunter ein -VSP-nn; ein nachgestelltes -NF-nn macht ihn zur Neufassung.",
        examples=["VI-A-03824-VSP-01", "VII-P-02450-VSP-01", "A-00545/14-VSP-001"],
        json_schema_extra={"pattern": NUMMER_PATTERN},
    )
    art: Art = Field(
        default=Art.ANTRAG,
        title="Art",
        description="Worauf der Standpunkt antwortet: antrag (übliches Formular) oder petition "
        "(Petitionsformular: andere Empfehlungen, keine rechtlichen Konsequenzen).",
        examples=["antrag"],
    )
    status: Status = Field(
        default=Status.OEFFENTLICH,
        title="Status",
        description="oeffentlich (gedruckt „öffentlich“) oder nichtoeffentlich („nichtöffentlich“).",
        examples=["oeffentlich"],
    )
    gremium: Text | None = Field(
        default=None,
        title="Beschließendes Gremium",
        description="Das Gremium, gedruckt über dem Titel. Fehlt es, entfällt die Zeile.",
        examples=["Ratsversammlung", "Dienstberatung des Oberbürgermeisters"],
    )
    eingereicht_von: Annotated[
        list[Text],
        BeforeValidator(_as_list, json_schema_input_type=Text | Annotated[list[Text], Field(min_length=1)]),
        Field(min_length=1),
    ] = Field(
        title="Eingereicht von",
        description="Das einreichende Dezernat oder „Oberbürgermeister“; mehrere als Liste, je eine Zeile.",
        examples=["Dezernat Allgemeine Verwaltung", ["Dezernat Jugend, Soziales, Gesundheit und Schule"]],
    )
    betreff: Text = Field(
        title="Betreff",
        description="Der Betreff, meist der Titel des beantworteten Antrags. Gedruckt fett.",
        examples=["Werkstattgespräche mit Migrantenselbstorganisationen und interkulturellen Vereinen"],
    )
    beratungsfolge: Annotated[list[Beratung], Field(min_length=1)] = Field(
        title="Beratungsfolge",
        description="Die Gremien in der Reihenfolge der Beratung, mindestens eines.",
        examples=[
            [{"gremium": "Ratsversammlung", "termin": "2017-05-17", "zustaendigkeit": "Beschlussfassung"}]
        ],
    )
    rechtliche_konsequenzen: Annotated[
        RechtlicheKonsequenzen | None,
        BeforeValidator(
            _rechtliche_konsequenzen, json_schema_input_type=bool | RechtlicheKonsequenzen | None
        ),
    ] = Field(
        default_factory=RechtlicheKonsequenzen,
        title="Rechtliche Konsequenzen",
        description="Der Kasten „Der gemäß Ursprungsantrag gefasste Beschluss wäre rechtswidrig und/oder "
        "nachteilig“. Nur bei art: antrag; false lässt ihn weg. Bei Petitionen nicht erlaubt.",
        examples=[{"rechtswidrig": False, "nachteilig": False}],
    )
    empfehlung: Annotated[
        list[Empfehlung],
        BeforeValidator(
            _empfehlung_items,
            json_schema_input_type=Option | Empfehlung | list[Option | Empfehlung],
        ),
        Field(min_length=1),
    ] = Field(
        title="Empfehlung",
        description="Die angekreuzte(n) Empfehlung(en): eine Option, eine Abbildung {option, punkte} oder eine "
        "Liste davon. Dieselbe Option zweimal nur mit verschiedenen punkte.",
        examples=["ablehnung_verwaltungshandeln", [{"option": "zustimmung", "punkte": "zu 1."}]],
    )
    strategische_ziele: Markdown = Field(
        default=NICHT_RELEVANT,
        title="Strategische Ziele",
        description="Ergebnis der Prüfung der Übereinstimmung mit den strategischen Zielen: „nicht relevant“ "
        "oder Markdown-Text, der die Ziele nennt.",
        examples=[NICHT_RELEVANT],
    )
    beschlussvorschlag: Markdown | None = Field(
        default=None,
        title="Beschlussvorschlag",
        description="Der vorgeschlagene Beschluss (Markdown), oft eine nummerierte Liste. Erwartet, wenn "
        "alternativvorschlag oder zustimmung_mit_ergaenzung angekreuzt ist.",
        examples=["1. Der Oberbürgermeister wird beauftragt, …"],
    )
    beschlussvorschlag_titel: Text | None = Field(
        default=None,
        title="Überschrift des Beschlussvorschlags",
        description="Überschrift über dem Beschlussvorschlag; ohne Angabe „Beschlussvorschlag:“.",
        examples=["Beschlussvorschlag:", "Beschluss:", "Alternativvorschlag:"],
    )
    sachverhalt: Markdown | None = Field(
        default=None,
        title="Sachverhalt",
        description="Der Sachverhalt (Markdown), gedruckt vor der Begründung.",
        examples=["Der Antrag zielt darauf, …"],
    )
    begruendung: Markdown | None = Field(
        default=None,
        title="Begründung",
        description="Die Begründung (Markdown). Pflicht, wenn kein Sachverhalt angegeben ist.",
        examples=["Mit seinem Antrag regt der Migrantenbeirat …"],
    )
    anlagen: list[Text] | None = Field(
        default=None,
        title="Anlagen",
        description="Anlagen, gedruckt als nummerierte Liste unter „Anlagen:“.",
        examples=[["Stellungnahme des Amtes für Statistik und Wahlen"]],
    )
    datum: Datum | None = Field(
        default=None,
        title="Datum",
        description="Datum des Standpunkts; nicht gedruckt, aber Erstellungsdatum der PDF-Datei.",
        examples=["2017-03-08"],
    )

    @property
    def ist_neufassung(self) -> bool:
        """A number ending in -NF-nn after its VSP part is a revised statement (Neufassung)."""
        return bool(_NEUFASSUNG_RE.search(self.nummer))

    @property
    def ticked(self) -> frozenset[Option]:
        return frozenset(e.option for e in self.empfehlung)

    def punkte_for(self, option: Option) -> list[str]:
        """The `punkte` of every entry ticking `option`, in order."""
        return [e.punkte for e in self.empfehlung if e.option == option and e.punkte]


#: The fields holding Markdown, in document order: those annotated `Markdown`.
MARKDOWN_FIELDS: tuple[str, ...] = tuple(
    name
    for name, hint in get_type_hints(Statement, include_extras=True).items()
    if hint in (Markdown, Markdown | None)
)
