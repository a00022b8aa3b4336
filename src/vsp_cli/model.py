"""The statement format v2 as pydantic models: field types, defaults and the editor's hover help.

The model is the same for every form: it checks what one value alone can tell. Which fields and options a form
accepts, and every rule that relates several fields, live in `rules.py`, which reads the statement's form. German
`title`, `description` and `examples` on every field become the JSON Schema's hover help.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, get_type_hints

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    Strict,
    StringConstraints,
    WithJsonSchema,
    WrapValidator,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from . import charset
from .diagnostics import describe_value, did_you_mean, listed, quote, shorten
from .labels import KNOWN_ERGEBNISSE, KNOWN_ZUSTAENDIGKEITEN, NICHT_RELEVANT, PAPER_TYPES, Art, Status
from .limits import MAX_AMOUNT_DIGITS, MAX_LISTED

if TYPE_CHECKING:
    from .forms import Form

# --- value types --------------------------------------------------------------------------------------------

_PAPER = rf"(?:(?:V|VI|VII|VIII|IX|X)-(?:{'|'.join(PAPER_TYPES)})-[0-9]{{5}}|A-[0-9]{{5}}/[0-9]{{2}})"
_SUFFIX = r"(?:NF|ÄA|VSP|DS|AW|Ifo)-[0-9]{2,3}"
_OTHER_SUFFIX = r"(?:NF|ÄA|DS|AW|Ifo)-[0-9]{2,3}"
#: Leipzig's reference scheme: <Wahlperiode>-<Typ>-<5 digits> or the 2014/15 form A-00545/14, then suffixes,
#: one of them the VSP part. Written without look-arounds so that JSON Schema validators accept it too, and
#: with [0-9], not \d, which in Python also matches other scripts' digits (Lao, Arabic-Indic, …). The
#: surrounding \s* is for the JSON Schema: the model checks the value after removing surrounding white space.
NUMMER_PATTERN = rf"^\s*{_PAPER}(?:-{_OTHER_SUFFIX})*-VSP-[0-9]{{2,3}}(?:-{_SUFFIX})*\s*$"
#: A paper a statement answers (`bezug`): the same grammar without the VSP part.
BEZUG_PATTERN = rf"^\s*{_PAPER}(?:-{_SUFFIX})*\s*$"
_NUMMER_RE = re.compile(NUMMER_PATTERN)
_BEZUG_RE = re.compile(BEZUG_PATTERN)
_NEUFASSUNG_RE = re.compile(r"-VSP-[0-9]{2,3}(?:-" + _SUFFIX + r")*-NF-[0-9]{2,3}$")
#: Where the answered paper's number ends in a statement's number: before its last VSP part.
_LAST_VSP = re.compile(r"-VSP-[0-9]{2,3}(?!.*-VSP-)")

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
#: An amount in German notation (format spec § 1.4), optionally with „ €“ or „ EUR“.
AMOUNT_PATTERN = r"^\s*-?(?:[0-9]{1,15}|[0-9]{1,3}(?:\.[0-9]{3}){1,4})(?:,[0-9]{1,2})?(?: ?(?:€|EUR))?\s*$"
_AMOUNT_RE = re.compile(AMOUNT_PATTERN)
#: `1234.50`, `1,234.50`: an amount in English notation, which a German reader would misread.
_ENGLISH_AMOUNT = re.compile(
    r"^\s*(-?[0-9]{1,3}(?:,[0-9]{3})*\.[0-9]{1,2}|-?[0-9]{1,3}(?:,[0-9]{3}){2,}|-?[0-9]+\.[0-9]{1,2})"
    r"(\s*(?:€|EUR))?\s*$"
)
#: An amount in thousands of euros, as tables of German papers give them („250 T€“, „1.250 TEUR“, „12,5 Tsd. €“).
_THOUSANDS_AMOUNT = re.compile(
    r"^\s*(-?[0-9]{1,3}(?:\.[0-9]{3})*|-?[0-9]+)(?:,([0-9]{1,3}))?\s*(?:T€|TEUR|Tsd\.?\s*(?:€|EUR|Euro))\s*$"
)
#: Form ids: lower-case ASCII, digits and underscores.
ID_PATTERN = r"^[a-z][a-z0-9_]*$"

_ISO_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_GERMAN_RE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$")


#: Dashes a number copied from a PDF or a word processor may carry instead of the hyphen-minus: they look alike.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


def _number_hint(value: str, pattern: re.Pattern[str]) -> str:
    """„. Meinten Sie „VI-A-03824-VSP-01“?“ where other dashes, blanks for hyphens, lower case or a final full
    stop are all that is wrong with a paper number; naming the dash, which looks like a hyphen in the message."""
    meant = re.sub(r"\s*-\s*|\s+", "-", value.translate({ord(c): "-" for c in _DASHES}).strip().rstrip("."))
    meant = meant.upper().replace("IFO", "Ifo")
    if meant == value or not pattern.match(meant):
        return ""
    dash = next((c for c in value if c in _DASHES), None)
    what = f" (dort steht {charset.describe(dash)} statt des Bindestrichs -)" if dash else ""
    return f". Meinten Sie „{meant}“?{what}"


def _check_nummer(value: str) -> str:
    if not _NUMMER_RE.match(value):
        raise PydanticCustomError(
            "nummer_format",
            "{value} ist keine gültige Nummer eines Verwaltungsstandpunkts; erwartet wird z. B. "
            "VI-A-03824-VSP-01 (Wahlperiode-Typ-fünf Ziffern, dann ein Teil -VSP-nn){hint}",
            {"value": quote(value), "hint": _number_hint(value, _NUMMER_RE)},
        )
    return value


def _check_bezug(value: str) -> str:
    if not _BEZUG_RE.match(value):
        raise PydanticCustomError(
            "bezug_format",
            "„{value}“ ist keine gültige Nummer einer Vorlage; erwartet wird z. B. VI-A-06452-NF-02 oder A-00436/14"
            "{hint}",
            {"value": shorten(value), "hint": _number_hint(value, _BEZUG_RE)},
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
            "{value} ist kein Datum; erwartet wird JJJJ-MM-TT (2017-04-18) oder TT.MM.JJJJ (18.04.2017){hint}",
            {"value": quote(value), "hint": _date_hint(text)},
        )
    try:
        return date(y, mo, d)
    except ValueError:
        raise PydanticCustomError(
            "date_impossible", "Das Datum {value} gibt es nicht", {"value": quote(value)}
        ) from None


def _date_hint(text: str) -> str:
    """„ Meinten Sie „18.04.2017“?“ for a date written in another common way (18.04.17, 18. April 2017,
    2017/04/18, 2017-4-18, 18-04-2017, 18.04.2017.), if it is one, also with a time of day after it, which no form prints; else
    nothing."""
    if len(text) <= 40 and (timed := _WITH_TIME_RE.match(text)):  # a date and a time are short
        day = timed[1]
        if m := _ISO_RE.match(day) or _GERMAN_RE.match(day):
            return f". Eine Uhrzeit druckt das Formular nicht. Meinten Sie „{day}“?" if _exists(m) else ""
        inner = _date_hint(day)
        return f". Eine Uhrzeit druckt das Formular nicht{inner}" if inner else ""
    if text.endswith("."):  # the full stop of the sentence it was copied from
        text = text[:-1]
        if m := _ISO_RE.match(text) or _GERMAN_RE.match(text):
            return f". Meinten Sie „{text}“?" if _exists(m) else ""
    found = None
    if m := _DAY_FIRST_RE.match(text):
        found = (int(m[1]), int(m[2]), int(m[3]))
    elif m := _SHORT_YEAR_RE.match(text):
        found = (int(m[1]), int(m[2]), 2000 + int(m[3]))
    elif m := _MONTH_NAME_RE.match(text):
        month = _MONTHS.get(m[2].lower().rstrip("."))
        found = (int(m[1]), month, int(m[3])) if month else None
    elif m := _LOOSE_ISO_RE.match(text):
        found = (int(m[3]), int(m[2]), int(m[1]))
    if found is None:
        return ""
    day, month, year = found
    try:
        date(year, month, day)
    except ValueError:
        return ""
    return f". Meinten Sie „{day:02d}.{month:02d}.{year}“?"


def _exists(m: re.Match[str]) -> bool:
    """Whether a match of `_ISO_RE` or `_GERMAN_RE` is a date that exists (not „31.02.2020“)."""
    numbers = [int(g) for g in m.groups()]
    try:
        date(*(numbers if len(m[1]) == 4 else numbers[::-1]))
    except ValueError:
        return False
    return True


#: A date and a time of day: „18.04.2017, 17:00 Uhr“, „2017-04-18 10:00“, „18.04.2017 um 17.00 Uhr“.
_WITH_TIME_RE = re.compile(r"^(.+?),?\s+(?:um\s+)?(?:[0-9]{1,2}[:.][0-9]{2}(?:\s*Uhr)?|[0-9]{1,2}\s*Uhr)$")
_SHORT_YEAR_RE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{2})$")
#: Day, month and year in German order with dashes or slashes: „06-05-2020“, „6/5/2020“.
_DAY_FIRST_RE = re.compile(r"^([0-9]{1,2})[-/]([0-9]{1,2})[-/]([0-9]{4})$")
_MONTH_NAME_RE = re.compile(r"^([0-9]{1,2})\.?\s+([A-Za-zäÄ]+\.?)\s+([0-9]{4})$")
_LOOSE_ISO_RE = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januar", "jan", "jänner"), ("februar", "feb"), ("märz", "mär", "maerz"), ("april", "apr"),
            ("mai",), ("juni", "jun"), ("juli", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("oktober", "okt"), ("november", "nov"), ("dezember", "dez"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip


def _visible(value: str) -> str:
    """A text of soft hyphens or blank braille cells prints as nothing: it is as empty as one of spaces."""
    if all(char.isspace() or char in _INVISIBLE for char in value):
        raise PydanticCustomError("string_too_short", "leer", {"min_length": 1})
    return value


def format_amount(value: str) -> str:
    """An amount as printed: thousands separated by dots, two decimals, a no-break space and „€“."""
    text = value.strip().removesuffix("EUR").removesuffix("€").strip()
    whole, _, cents = text.lstrip("-").partition(",")
    number = int(whole.replace(".", ""))
    negative = text.startswith("-") and (number > 0 or cents.strip("0") != "")  # „-0“ is 0,00 €
    grouped = f"{number:,}".replace(",", ".")
    return f"{'-' if negative else ''}{grouped},{cents.ljust(2, '0')}\u00a0€"


def _amount(value: Any) -> str:
    """`hoehe`: text in German notation whether quoted or not (the validator hands over numbers as written)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PydanticCustomError(
            "amount_type",
            "Betrag erwartet (z. B. 11.719.000,00), gefunden: {value}",
            {"value": describe_value(value)},
        )
    text = str(value)
    whole = text.strip().lstrip("-" + _DASHES)  # „−2.500“: the minus sign is offered corrected below
    if whole[:1].isdigit() and sum(c.isdigit() for c in whole.split(",")[0]) > MAX_AMOUNT_DIGITS:
        raise PydanticCustomError(
            "amount_format",
            "„{value}“ ist als Betrag zu groß: höchstens {digits} Stellen vor dem Komma (Grenze MAX_AMOUNT_DIGITS)",
            {"value": shorten(text), "digits": MAX_AMOUNT_DIGITS},
        )
    if _AMOUNT_RE.match(text):
        return format_amount(text)
    english = _ENGLISH_AMOUNT.match(text)
    if english:
        whole, _, cents = english[1].replace(",", "").partition(".")
        example = f"{int(whole):,}".replace(",", ".") + f",{cents.ljust(2, '0')}" + (english[2] or "")
        raise PydanticCustomError(
            "amount_format",
            "„{value}“: Beträge deutsch schreiben: {example} (Punkt vor den Tausendern, Komma vor den Cent)",
            {"value": shorten(text), "example": example},
        )
    thousands = _THOUSANDS_AMOUNT.match(text)
    if thousands:
        sign = -1 if thousands[1].startswith("-") else 1
        euros = sign * (
            abs(int(thousands[1].replace(".", ""))) * 1000 + int((thousands[2] or "").ljust(3, "0"))
        )
        raise PydanticCustomError(
            "amount_format",
            "„{value}“: Beträge in Euro schreiben, nicht in Tausend Euro: {example}",
            {"value": shorten(text), "example": f"{euros:,}".replace(",", ".") + " €"},
        )
    meant = _meant_amount(text)
    if meant is not None:
        raise PydanticCustomError(
            "amount_format",
            "„{value}“ ist kein Betrag; gemeint ist wohl {meant} (deutsche Schreibweise: Punkt vor den Tausendern, "
            "Komma vor den Cent, „€“ oder „EUR“ dahinter)",
            {"value": shorten(text), "meant": meant},
        )
    raise PydanticCustomError(
        "amount_format",
        "„{value}“ ist kein Betrag; erwartet wird z. B. 11.719.000,00 oder 2.500 € (deutsche Schreibweise)",
        {"value": shorten(text)},
    )


#: Ways of writing an amount that German papers use and `hoehe` does not take, each with the way it takes:
#: „2.500,- €“ and „2.500,-- €“ (no cents), „Euro“ for „€“, the currency before the number, a minus sign or
#: dash for the hyphen-minus, blanks or apostrophes between the thousands.
_AMOUNT_SPELLINGS = (
    (re.compile(rf"^[{_DASHES}]"), "-"),
    (re.compile(r",[-–—]{1,2}(?=\s*(?:€|EUR|Euro)?$)", re.IGNORECASE), ",00"),
    (re.compile(r"\s*\bEuro$", re.IGNORECASE), " €"),
    (re.compile(r"^(-?)(€|EUR)\s*(.+)$"), r"\1\3 \2"),
    (re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'’](?=\d{3}(?!\d))"), "."),
)


def _meant_amount(text: str) -> str | None:
    """The amount a text not in the format most likely means („2.500,- €“ → „2.500,00 €“), or None."""
    meant = text.strip()
    for pattern, replacement in _AMOUNT_SPELLINGS:
        meant = pattern.sub(replacement, meant)
    return meant if meant != text.strip() and _AMOUNT_RE.match(meant) else None


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

Bezug = Annotated[
    str, Strict(), StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_check_bezug)
]

Betrag = Annotated[
    str,
    BeforeValidator(_amount),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": -1e15, "exclusiveMaximum": 1e15},
                {"type": "string", "pattern": AMOUNT_PATTERN},
            ]
        }
    ),
]
"""An amount, kept as printed („11.719.000,00 €“)."""

OptionId = Annotated[
    str, Strict(), StringConstraints(strip_whitespace=True, min_length=1), Field(json_schema_extra={})
]


#: What an empty text field means where the spec gives it a meaning: „the label with nothing after it“.
EMPTY = ""


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


def _switch(*, empty: bool, off: bool, off_as: str | None = None) -> Any:
    """A validator for a text field that may also be `""` (label alone) and/or `false` (no block): one validator,
    so that a wrong value gets one message, not one per alternative; `null` stays an error, as in v1."""

    def validate(value: Any, handler: Any) -> Any:
        if off and value is False:
            return off_as
        if empty and value == EMPTY:
            return EMPTY
        if value is None:
            raise PydanticCustomError("string_type", "Text erwartet", {})
        return handler(value)

    return WrapValidator(validate)


def _text_schema(markdown: bool, *, empty: bool, off: bool) -> WithJsonSchema:
    text: dict[str, Any] = {"type": "string", "pattern": VISIBLE_PATTERN}
    if markdown:
        text["contentMediaType"] = "text/markdown"
    options: list[dict[str, Any]] = [text]
    if empty:
        options.append({"const": EMPTY})
    if off:
        options.append({"const": False})
    return WithJsonSchema({"anyOf": options} if len(options) > 1 else text)


MarkdownOrEmpty = Annotated[
    Markdown | None, _switch(empty=True, off=False), _text_schema(True, empty=True, off=False)
]
"""Markdown, or `""`: the heading alone."""
MarkdownOrOff = Annotated[
    Markdown | None, _switch(empty=True, off=True), _text_schema(True, empty=True, off=True)
]
"""Markdown, `""` (the label alone) or `false` (None: no block)."""
TextOrEmpty = Annotated[
    Text | None, _switch(empty=True, off=False), _text_schema(False, empty=True, off=False)
]
"""Plain text, or `""`: the label alone."""
HeadingOrOff = Annotated[
    Text | None, _switch(empty=False, off=True, off_as=EMPTY), _text_schema(False, empty=False, off=True)
]
"""A heading, or `false` (`""`: no heading), which a clerk cannot write as `""` (that is `empty-value`);
`null` or no value means the form's heading, as in v1."""


class Antwort(StrEnum):
    """A tick answer of the finance and staffing blocks: ☒ at „nein“ or at the „ja“ box."""

    NEIN = "nein"
    JA = "ja"


def _answer(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in ("nein", "ja"):
        return value.strip()
    hint = ""
    if isinstance(value, bool):
        hint = " (Wörter, nicht true/false)"
    raise PydanticCustomError(
        "answer",
        "„nein“ oder „ja“ erwartet{hint}, gefunden: {value}",
        {"value": describe_value(value), "hint": hint},
    )


Answer = Annotated[
    Antwort,
    BeforeValidator(_answer),
    WithJsonSchema({"enum": ["nein", "ja"], "description": "nein oder ja (als Wort)."}),
]


class Verfahrensstand(StrEnum):
    ENTSCHIEDEN = "entschieden"
    FREIGEGEBEN = "freigegeben"
    ABGESCHLOSSEN = "abgeschlossen"
    RUECKVERWIESEN = "rueckverwiesen"


# --- parts --------------------------------------------------------------------------------------------------


def _session(value: Any) -> Any:
    """An item of `sitzungen`: a date alone means `{termin: date}`."""
    return {"termin": value} if not isinstance(value, dict) else value


class Sitzung(_Model):
    """One session of a consultation: its date, and what the portal records about it."""

    model_config = ConfigDict(
        json_schema_extra={"description": "Eine Sitzung: Termin, Ergebnis, Sitzungsname."}
    )

    termin: Datum = Field(
        title="Termin",
        description="Sitzungstermin als JJJJ-MM-TT oder TT.MM.JJJJ.",
        examples=["2020-05-20"],
    )
    ergebnis: Text | None = Field(
        default=None,
        title="Ergebnis",
        description="Das Ergebnis der Sitzung, wie das Ratsinformationssystem es zeigt. Bekannt: "
        + ", ".join(KNOWN_ERGEBNISSE)
        + ". Von den eingebauten Formularen nicht gedruckt.",
        examples=list(KNOWN_ERGEBNISSE[:2]),
        json_schema_extra={
            "anyOf": [
                {"enum": list(KNOWN_ERGEBNISSE)},
                {"type": "string", "minLength": 1, "pattern": VISIBLE_PATTERN},
            ]
        },
    )
    sitzung: Text | None = Field(
        default=None,
        title="Sitzung",
        description="Name und Ort der Sitzung, wie das Ratsinformationssystem sie nennt; nicht gedruckt.",
        examples=["FA Umwelt und Ordnung - Videokonferenz"],
    )


#: A row whose termin is given (and not empty).
_WITH_TERMIN: JsonDict = {"required": ["termin"], "properties": {"termin": {"not": {"type": "null"}}}}


class Beratung(_Model):
    """One row of the Beratungsfolge: a consultation (Gremium and Zuständigkeit) and its sessions."""

    model_config = ConfigDict(
        json_schema_extra={
            "description": "Eine Zeile der Beratungsfolge.",
            # as `vsp validate` (rules.py): ergebnis and sitzung belong to the row's termin (`missing-termin`),
            # and a row has either sitzungen or termin/ergebnis/sitzung (`sessions-and-termin`)
            "dependentSchemas": {
                **dict.fromkeys(("ergebnis", "sitzung"), _WITH_TERMIN),
                "sitzungen": {
                    "not": {"anyOf": [{"required": [key]} for key in ("termin", "ergebnis", "sitzung")]}
                },
            },
        }
    )

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
                {"type": "string", "minLength": 1, "pattern": VISIBLE_PATTERN},
                {"type": "null"},
            ]
        },
    )
    ergebnis: Text | None = Field(
        default=None,
        title="Ergebnis",
        description="Ergebnis der Sitzung am termin (nur mit termin). Bekannt: "
        + ", ".join(KNOWN_ERGEBNISSE)
        + ". Von den eingebauten Formularen nicht gedruckt.",
        examples=["zur Kenntnis genommen"],
        json_schema_extra={
            "anyOf": [
                {"enum": list(KNOWN_ERGEBNISSE)},
                {"type": "string", "minLength": 1, "pattern": VISIBLE_PATTERN},
            ]
        },
    )
    sitzung: Text | None = Field(
        default=None,
        title="Sitzung",
        description="Name und Ort der Sitzung am termin (nur mit termin); nicht gedruckt.",
        examples=["Ratsversammlung, Kongreßhalle Leipzig"],
    )
    sitzungen: (
        Annotated[
            list[Annotated[Sitzung, BeforeValidator(_session, json_schema_input_type=Datum | Sitzung)]],
            Field(min_length=1),
        ]
        | None
    ) = Field(
        default=None,
        title="Sitzungen",
        description="Mehrere Sitzungen dieser Beratung (Vertagungen): je ein Datum oder {termin, ergebnis, "
        "sitzung}. Nicht zusammen mit termin, ergebnis oder sitzung derselben Zeile.",
        examples=[["2020-04-28", {"termin": "2020-05-12", "ergebnis": "vertagt"}]],
    )

    @property
    def sessions(self) -> tuple[Sitzung, ...]:
        """The row's sessions: `sitzungen`, or the single `termin` with its result."""
        if self.sitzungen is not None:
            return tuple(self.sitzungen)
        if self.termin is not None:
            return (Sitzung(termin=self.termin, ergebnis=self.ergebnis, sitzung=self.sitzung),)
        return ()


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

    option: OptionId = Field(
        title="Option",
        description="Die angekreuzte Empfehlung; welche es gibt, sagt das Formular. Antrag: zustimmung, ablehnung, "
        "zustimmung_mit_ergaenzung, ablehnung_verwaltungshandeln (2019 auch sachverhalt_beruecksichtigt), "
        "alternativvorschlag, sachstandsbericht. Petition: zustimmung_und_abhilfe, alternativvorschlag, "
        "beruecksichtigung, erledigt, ablehnung.",
        examples=["ablehnung_verwaltungshandeln"],
    )
    punkte: Text | None = Field(
        default=None,
        title="Punkte",
        description="Die Beschlusspunkte, für die die Option gilt; gedruckt hinter der Option.",
        examples=["zu 2.", "Punkte 1,2,4,5", "zu Beschlusspunkt 1 und 2"],
    )


class HaushaltZeile(_Model):
    """One row of a finance table: from, to, amount, where budgeted (at least one)."""

    model_config = ConfigDict(
        json_schema_extra={"description": "Eine Zeile einer Haushaltstabelle.", "minProperties": 1}
    )

    von: Datum | None = Field(
        default=None, title="von", description="Beginn (Datum).", examples=["2016-01-01"]
    )
    bis: Datum | None = Field(default=None, title="bis", description="Ende (Datum).", examples=["2016-12-31"])
    hoehe: Betrag | None = Field(
        default=None,
        title="Höhe in EUR",
        description="Betrag in deutscher Schreibweise, z. B. 11.719.000,00 oder 12.000 €; gedruckt „11.719.000,00 €“.",
        examples=["11.719.000,00"],
    )
    wo_veranschlagt: Text | None = Field(
        default=None,
        title="wo veranschlagt",
        description="Wo der Betrag veranschlagt ist (Budgeteinheit, PSP-Element).",
        examples=["Budgeteinheit 51_364_2ZW, versch. PSP-Elemente"],
    )


class Haushalt(_Model):
    """The table „Im Haushalt wirksam“: rows of the Ergebnishaushalt and the Finanzhaushalt."""

    model_config = ConfigDict(json_schema_extra={"description": "Die Tabelle „Im Haushalt wirksam“."})

    ertraege: HaushaltZeile | None = Field(
        default=None,
        title="Erträge",
        description="Ergebnishaushalt: Erträge.",
        examples=[{"hoehe": "12.000"}],
    )
    aufwendungen: HaushaltZeile | None = Field(
        default=None,
        title="Aufwendungen",
        description="Ergebnishaushalt: Aufwendungen.",
        examples=[{"hoehe": "12.000"}],
    )
    einzahlungen: HaushaltZeile | None = Field(
        default=None,
        title="Einzahlungen",
        description="Finanzhaushalt: Einzahlungen.",
        examples=[{"hoehe": "12.000"}],
    )
    auszahlungen: HaushaltZeile | None = Field(
        default=None,
        title="Auszahlungen",
        description="Finanzhaushalt: Auszahlungen.",
        examples=[{"hoehe": "12.000"}],
    )


class Folgekosten(_Model):
    """The table „Folgekosten Einsparungen wirksam“."""

    model_config = ConfigDict(
        json_schema_extra={"description": "Die Tabelle „Folgekosten Einsparungen wirksam“."}
    )

    andere_oe_ertraege: HaushaltZeile | None = Field(
        default=None,
        title="Zu Lasten anderer OE: Erträge",
        description="Zu Lasten anderer OE: Ergeb. HH Erträge.",
        examples=[{"hoehe": "1.000"}],
    )
    andere_oe_aufwand: HaushaltZeile | None = Field(
        default=None,
        title="Zu Lasten anderer OE: Aufwand",
        description="Zu Lasten anderer OE: Ergeb. HH Aufwand.",
        examples=[{"hoehe": "1.000"}],
    )
    nachher_ertraege: HaushaltZeile | None = Field(
        default=None,
        title="Nachher: Erträge",
        description="Nach Durchführung der Maßnahme zu erwarten: Ergeb. HH Erträge.",
        examples=[{"hoehe": "1.000"}],
    )
    nachher_aufwand: HaushaltZeile | None = Field(
        default=None,
        title="Nachher: Aufwand",
        description="Nach Durchführung der Maßnahme zu erwarten: Ergeb. HH Aufwand (ohne Abschreibungen).",
        examples=[{"von": "2017-01-01", "hoehe": "12.000"}],
    )
    nachher_abschreibungen: HaushaltZeile | None = Field(
        default=None,
        title="Nachher: Abschreibungen",
        description="Nach Durchführung der Maßnahme zu erwarten: Ergeb. HH Aufwand aus jährl. Abschreibungen.",
        examples=[{"hoehe": "1.000"}],
    )


def _keine(full: dict[str, str]) -> Any:
    """`keine` → the short form's answers, `false` → no block (None), an empty value → the block with nothing
    ticked, as if the key were left out (as `rechtliche_konsequenzen:` prints its box with nothing ticked)."""

    def convert(value: Any) -> Any:
        if value is False:
            return None
        if value is None:
            return {}
        if value == "keine":
            return dict(full)
        if isinstance(value, str):
            raise PydanticCustomError(
                "short_form",
                "„keine“, false oder eine Zuordnung erwartet, gefunden: {value}",
                {"value": describe_value(value)},
            )
        return value

    return convert


class Finanzen(_Model):
    """„Finanzielle Auswirkungen“ of the 2017 and 2019 forms (format spec § 1.4)."""

    model_config = ConfigDict(json_schema_extra={"description": "Der Block „Finanzielle Auswirkungen“."})

    auswirkungen: Answer | None = Field(
        default=None,
        title="Finanzielle Auswirkungen",
        description="nein oder ja („wenn ja,“).",
        examples=["nein"],
    )
    alternativen_geprueft: Answer | None = Field(
        default=None,
        title="Kostengünstigere Alternativen geprüft",
        description="nein oder ja („ja, Ergebnis siehe Anlage zur Begründung“).",
        examples=["nein"],
    )
    folgen_bei_ablehnung: Answer | None = Field(
        default=None,
        title="Folgen bei Ablehnung",
        description="nein oder ja („ja, Erläuterung siehe Anlage zur Begründung“).",
        examples=["nein"],
    )
    investition: Answer | None = Field(
        default=None,
        title="Investition",
        description="Handelt es sich um eine Investition (damit aktivierungspflichtig)? nein oder ja.",
        examples=["nein"],
    )
    haushalt: Haushalt | None = Field(
        default=None,
        title="Im Haushalt wirksam",
        description="Die Tabelle „Im Haushalt wirksam“: Zeilen ertraege, aufwendungen, einzahlungen, auszahlungen.",
        examples=[{"aufwendungen": {"von": "2016-01-01", "bis": "2016-12-31", "hoehe": "11.719.000,00"}}],
    )
    folgekosten: Answer | None = Field(
        default=None,
        title="Folgekosten oder Einsparungen",
        description="Entstehen Folgekosten oder Einsparungen? nein oder ja („wenn ja,“).",
        examples=["nein"],
    )
    folgekosten_haushalt: Folgekosten | None = Field(
        default=None,
        title="Folgekosten Einsparungen wirksam",
        description="Die Tabelle „Folgekosten Einsparungen wirksam“.",
        examples=[{"nachher_aufwand": {"von": "2017-01-01", "hoehe": "12.000"}}],
    )


class Stellenplan(_Model):
    """„Auswirkungen auf den Stellenplan“ with „Beteiligung Personalrat“ (format spec § 1.5)."""

    model_config = ConfigDict(
        json_schema_extra={"description": "Der Block „Auswirkungen auf den Stellenplan“."}
    )

    stellenerweiterung: Answer | None = Field(
        default=None,
        title="Beantragte Stellenerweiterung",
        description="nein oder ja („wenn ja,“).",
        examples=["nein"],
    )
    stellenabbau: Answer | None = Field(
        default=None,
        title="Vorgesehener Stellenabbau",
        description="nein oder ja („ja,“).",
        examples=["nein"],
    )
    personalrat: Annotated[bool, Strict()] = Field(
        default=False,
        title="Beteiligung Personalrat",
        description="true kreuzt „Beteiligung Personalrat“ an.",
        examples=[True],
    )


#: The Anlass ids in printed order.
ANLASS_IDS = ("rechtliche_vorschriften", "stadtratsbeschluss", "verwaltungshandeln", "sonstiges")


def _anlass(value: Any) -> Any:
    """`id`, `[id, …]` or `{id: true, sonstiges: text}` → the mapping form."""
    if isinstance(value, str | list):
        ids = [value] if isinstance(value, str) else value
        if not ids:
            raise PydanticCustomError(
                "anlass_empty", "„anlass“ braucht mindestens einen Anlass; ohne Kreuz den Schlüssel weglassen"
            )
        seen: dict[str, int] = {}  # id → its entry's number
        for number, item in enumerate(ids, start=1):
            # `[stadtratsbeschluss, {sonstiges: Antrag}]`: the mapping form is meant
            if isinstance(item, dict):
                raise PydanticCustomError(
                    "anlass_choice",
                    "In der Liste „anlass“ stehen nur Ids, Eintrag {number} ist eine Zuordnung; mit einem Text nach "
                    "„Sonstiges:“ schreibt man alles als eine Zuordnung: {example}",
                    {"number": number, "example": _anlass_example(ids)},
                )
            if not isinstance(item, str) or item.strip() not in ANLASS_IDS:
                shown = item if isinstance(item, str) else describe_value(item)
                hint = did_you_mean(item.strip(), ANLASS_IDS) if isinstance(item, str) else ""
                raise PydanticCustomError(
                    "anlass_choice",
                    "Unbekannter Anlass „{value}“; erlaubt: {choices}{hint}",
                    {
                        "value": shorten(shown),
                        "choices": ", ".join(ANLASS_IDS),
                        "hint": "." + hint if hint else "",
                    },
                )
            if item.strip() in seen:
                raise PydanticCustomError(
                    "anlass_twice",
                    "Der Anlass „{value}“ ist doppelt angekreuzt (Eintrag {number}, schon Eintrag {first})",
                    {"value": item.strip(), "number": number, "first": seen[item.strip()]},
                )
            seen[item.strip()] = number
        return dict.fromkeys(seen, True)
    return value


def _anlass_example(items: list[Any]) -> str:
    """`anlass: {stadtratsbeschluss: true, sonstiges: Antrag}` for a list that mixes ids and mappings."""
    pairs: dict[str, str] = {}
    for item in items:
        if isinstance(item, str) and item.strip():
            pairs[item.strip()] = "true"
        elif isinstance(item, dict):
            pairs.update((str(k), str(v).lower() if isinstance(v, bool) else str(v)) for k, v in item.items())
    # at most MAX_LISTED pairs: a list of thousands of mappings made a message of megabytes
    shown = [f"{shorten(k)}: {shorten(v)}" for k, v in list(pairs.items())[:MAX_LISTED]]
    return "anlass: {" + listed(shown, total=len(pairs)) + "}"


def _sonstiges(value: Any) -> bool | str:
    """`sonstiges` of the Anlass: `true`/`false`, or a text (ticked, printed after „Sonstiges:“). One validator,
    so that a wrong value gets one message at the value, not one per alternative of a union."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _visible(value.strip())  # "" and "  " are `empty-value`, like every other empty text
    raise PydanticCustomError(
        "sonstiges_type",
        "„sonstiges“: ein Text (gedruckt nach „Sonstiges:“) oder true erwartet, gefunden: {value}",
        {"value": describe_value(value)},
    )


Sonstiges = Annotated[
    bool | str,
    PlainValidator(_sonstiges),
    WithJsonSchema(
        {"anyOf": [{"type": "boolean"}, {"type": "string", "minLength": 1, "pattern": VISIBLE_PATTERN}]}
    ),
]
"""`true`, `false` or a non-empty text."""


class Anlass(_Model):
    """„Anlass der Vorlage:“ of the 2019 form: which boxes are ticked, and the text after „Sonstiges:“."""

    model_config = ConfigDict(json_schema_extra={"description": "Anlass der Vorlage (2019)."})

    rechtliche_vorschriften: Annotated[bool, Strict()] = Field(
        default=False,
        title="Rechtliche Vorschriften",
        description="true kreuzt „Rechtliche Vorschriften“ an.",
        examples=[True],
    )
    stadtratsbeschluss: Annotated[bool, Strict()] = Field(
        default=False,
        title="Stadtratsbeschluss",
        description="true kreuzt „Stadtratsbeschluss“ an.",
        examples=[True],
    )
    verwaltungshandeln: Annotated[bool, Strict()] = Field(
        default=False,
        title="Verwaltungshandeln",
        description="true kreuzt „Verwaltungshandeln“ an.",
        examples=[True],
    )
    sonstiges: Sonstiges = Field(
        default=False,
        title="Sonstiges",
        description="Ein Text (angekreuzt, gedruckt nach „Sonstiges:“) oder true.",
        examples=["Antrag VII-A-01346"],
    )

    @property
    def ticked(self) -> frozenset[str]:
        return frozenset(i for i in ANLASS_IDS if getattr(self, i))

    @property
    def sonstiges_text(self) -> str:
        return self.sonstiges if isinstance(self.sonstiges, str) else ""


# --- the statement ------------------------------------------------------------------------------------------


def _formular(value: Any) -> Any:
    """`formular: 2019` (a number in YAML) means the form „2019“."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


TextList = Annotated[
    list[Text],
    BeforeValidator(_as_list, json_schema_input_type=Text | Annotated[list[Text], Field(min_length=1)]),
    Field(min_length=1),
]


class Statement(_Model):
    """A Verwaltungsstandpunkt: the administration's written position on a motion or petition."""

    model_config = ConfigDict(
        title="Verwaltungsstandpunkt",
        json_schema_extra={
            "description": "Ein Verwaltungsstandpunkt (VSP) im Format vsp v2.",
        },
    )

    formular: Annotated[Text, BeforeValidator(_formular, json_schema_input_type=Text | int)] | None = Field(
        default=None,
        title="Formular",
        description="Das Formular: 2014 (Standard, = Format v1), 2017, 2019, ein Name aus [formulare] der vsp.toml "
        "oder eine Formulardatei (Pfad mit .toml, relativ zu dieser Datei).",
        examples=["2019", "2017", "formulare/2021.toml"],
        json_schema_extra={
            "anyOf": [
                {"enum": ["2014", "2017", "2019", 2014, 2017, 2019]},
                {"type": "string", "minLength": 1, "pattern": VISIBLE_PATTERN},
                {"type": "null"},  # no value: the default form, as without the key
            ]
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
    eingereicht_von: TextList = Field(
        title="Eingereicht von",
        description="Das einreichende Dezernat oder „Oberbürgermeister“; mehrere als Liste, je eine Zeile "
        "(2019 nummeriert).",
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
    beratungsfolge_vermerk: Text | None = Field(
        default=None,
        title="Vermerk zur Beratungsfolge",
        description="Text unter der Tabelle der Beratungsfolge, ohne Beschriftung.",
        examples=["offen ohne festgelegten RV-Termin/ruhend"],
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
            json_schema_input_type=OptionId | Empfehlung | list[OptionId | Empfehlung],
        ),
        Field(min_length=1),
    ] = Field(
        title="Empfehlung",
        description="Die angekreuzte(n) Empfehlung(en): eine Option, eine Abbildung {option, punkte} oder eine "
        "Liste davon. Dieselbe Option zweimal nur mit verschiedenen punkte.",
        examples=["ablehnung_verwaltungshandeln", [{"option": "zustimmung", "punkte": "zu 1."}]],
    )
    empfehlung_raster: Annotated[bool, Strict()] = Field(
        default=True,
        title="Empfehlungsraster",
        description="false: kein Raster; nur die angekreuzten Empfehlungen werden gedruckt, jede in einer Zeile "
        "ohne Kästchen.",
        examples=[True],
    )
    strategische_ziele: MarkdownOrOff = Field(
        default=NICHT_RELEVANT,
        title="Strategische Ziele",
        description="Ergebnis der Prüfung der Übereinstimmung mit den strategischen Zielen: „nicht relevant“ "
        'oder Markdown-Text, der die Ziele nennt; "" druckt die Beschriftung allein, false keinen Block.',
        examples=[NICHT_RELEVANT],
    )
    hinweis: Text | None = Field(
        default=None,
        title="Hinweis",
        description="Nur Formular 2014: gedruckt als „Hinweis: <Text>“ unter den strategischen Zielen.",
        examples=["Finanzielle Auswirkungen"],
    )
    beschlussvorschlag: Markdown | None = Field(
        default=None,
        title="Beschlussvorschlag",
        description="Der vorgeschlagene Beschluss (Markdown), oft eine nummerierte Liste. Erwartet, wenn "
        "alternativvorschlag oder zustimmung_mit_ergaenzung angekreuzt ist.",
        examples=["1. Der Oberbürgermeister wird beauftragt, …"],
    )
    beschlussvorschlag_titel: HeadingOrOff | None = Field(
        default=None,
        title="Überschrift des Beschlussvorschlags",
        description="Überschrift über dem Beschlussvorschlag; ohne Angabe die des Formulars "
        "(„Beschlussvorschlag:“); false druckt den Text ohne Überschrift.",
        examples=["Beschlussvorschlag:", "Beschluss:", "Alternativvorschlag:"],
    )
    raeumlicher_bezug: TextOrEmpty | None = Field(
        default=None,
        title="Räumlicher Bezug",
        description='Nur Formular 2019: gedruckt unter „Räumlicher Bezug:“; "" druckt die Beschriftung allein.',
        examples=["stadtweit", "Grünau und Paunsdorf"],
    )
    anlass: (
        Annotated[
            Anlass,
            BeforeValidator(
                _anlass,
                json_schema_input_type=Annotated[str, WithJsonSchema({"enum": list(ANLASS_IDS)})]
                | Annotated[
                    list[str],
                    WithJsonSchema(
                        {
                            "type": "array",
                            "items": {"enum": list(ANLASS_IDS)},
                            "minItems": 1,
                            "uniqueItems": True,
                        }
                    ),
                ]
                | Anlass,
            ),
        ]
        | None
    ) = Field(
        default=None,
        title="Anlass der Vorlage",
        description="Nur Formular 2019: angekreuzter Anlass – eine Id, eine Liste davon oder {id: true, "
        "sonstiges: Text}. Ids: " + ", ".join(ANLASS_IDS) + ".",
        examples=[{"sonstiges": "Antrag VII-A-01346"}, "verwaltungshandeln"],
    )
    zusammenfassung: Markdown | None = Field(
        default=None,
        title="Zusammenfassung",
        description="Nur Formular 2019: Text der Zusammenfassung (Markdown), gedruckt nach dem Anlass.",
        examples=["Der Antrag zielt auf …"],
    )
    finanzen: Annotated[
        Finanzen | None,
        BeforeValidator(
            _keine({"auswirkungen": "nein"}),
            json_schema_input_type=Annotated[str, WithJsonSchema({"const": "keine"})]
            | Annotated[bool, WithJsonSchema({"const": False})]
            | Finanzen
            | None,
        ),
    ] = Field(
        default_factory=Finanzen,
        title="Finanzielle Auswirkungen",
        description="Formulare 2017 und 2019: keine (☒ nein), false (Block nicht gedruckt) oder die Angaben im "
        "Einzelnen. Ohne Angabe wird der Block ohne Kreuz gedruckt.",
        examples=["keine"],
    )
    stellenplan: Annotated[
        Stellenplan | None,
        BeforeValidator(
            _keine({"stellenerweiterung": "nein", "stellenabbau": "nein"}),
            json_schema_input_type=Annotated[str, WithJsonSchema({"const": "keine"})]
            | Annotated[bool, WithJsonSchema({"const": False})]
            | Stellenplan
            | None,
        ),
    ] = Field(
        default_factory=Stellenplan,
        title="Auswirkungen auf den Stellenplan",
        description="Formulare 2017 und 2019: keine (beide ☒ nein), false (Block nicht gedruckt) oder die Angaben.",
        examples=["keine"],
    )
    sachverhalt_zuerst: Annotated[bool, Strict()] = Field(
        default=False,
        title="Sachverhalt zuerst",
        description="true: der Teil Sachverhalt/Begründung steht vor dem Teil der finanziellen Auswirkungen "
        "(2014: vor den strategischen Zielen).",
        examples=[True],
    )
    sachverhalt: MarkdownOrEmpty | None = Field(
        default=None,
        title="Sachverhalt",
        description='Der Sachverhalt (Markdown), gedruckt vor der Begründung; "" druckt die Überschrift allein.',
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
    bezug: Bezug | None = Field(
        default=None,
        title="Bezug",
        description="Die beantwortete Vorlage; ohne Angabe die Nummer vor ihrem letzten -VSP-nn. Nicht gedruckt.",
        examples=["VI-A-06452-NF-02", "A-00436/14"],
        json_schema_extra={"pattern": BEZUG_PATTERN},
    )
    federfuehrung: TextList | None = Field(
        default=None,
        title="Federführung",
        description="Das federführende Amt (ein Text oder eine Liste). Nicht gedruckt.",
        examples=["66 Verkehrs- und Tiefbauamt"],
    )
    beteiligt: TextList | None = Field(
        default=None,
        title="Beteiligt",
        description="Beteiligte Ämter (ein Text oder eine Liste). Nicht gedruckt.",
        examples=[["Dezernat Umwelt, Klima, Ordnung und Sport"]],
    )
    verfahrensstand: Verfahrensstand | None = Field(
        default=None,
        title="Verfahrensstand",
        description="Stand der Vorlage im Ratsinformationssystem: entschieden, freigegeben, abgeschlossen, "
        "rueckverwiesen. Nicht gedruckt.",
        examples=["entschieden"],
    )
    zusatzfelder: dict[str, Any] | None = Field(
        default=None,
        title="Zusatzfelder",
        description="Nur mit einer Formulardatei: die Werte ihrer eigenen Blöcke, je Block-Id.",
        examples=[{"zeithorizont": "Umsetzung bis zum IV. Quartal 2026."}],
    )

    _form: Form | None = PrivateAttr(default=None)

    @property
    def bound_form(self) -> Form | None:
        """The form validation resolved for this statement; None for one built in code (`forms.form_of` then
        takes the built-in form it names)."""
        return self._form

    def with_form(self, form: Form) -> Statement:
        """This statement bound to its resolved form (a form file, or the configuration's default)."""
        self._form = form
        return self

    @property
    def ist_neufassung(self) -> bool:
        """A number ending in -NF-nn after its VSP part is a revised statement (Neufassung)."""
        return bool(_NEUFASSUNG_RE.search(self.nummer))

    @property
    def ist_petition(self) -> bool:
        return self.art is Art.PETITION

    @property
    def abgeleiteter_bezug(self) -> str:
        """The answered paper as the number says: cut before its last `-VSP-nn`."""
        found = _LAST_VSP.search(self.nummer)
        return self.nummer[: found.start()] if found else self.nummer

    @property
    def ticked(self) -> frozenset[str]:
        return frozenset(e.option for e in self.empfehlung)

    def punkte_for(self, option: str) -> list[str]:
        """The `punkte` of every entry ticking `option`, in order."""
        return [e.punkte for e in self.empfehlung if e.option == option and e.punkte]


#: The fields holding Markdown, in document order: those annotated `Markdown`.
MARKDOWN_FIELDS: tuple[str, ...] = tuple(
    name
    for name, hint in get_type_hints(Statement, localns={"Form": object}, include_extras=True).items()
    if hint
    in (
        Markdown,
        Markdown | None,
        MarkdownOrEmpty,
        MarkdownOrEmpty | None,
        MarkdownOrOff,
        MarkdownOrOff | None,
    )
)
