"""Rules across fields of a valid-shaped statement, judged against its form; each an error or a warning.

Which fields a form accepts follows from the blocks it places (format spec § 5.3, § 3.4): a field no printed block
of the form (or of its petition variant) places is an error, except an "off" value where the field has one
(`false`, `nicht relevant`, `""`) and the fields that are never printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .commonmark import CLICKABLE_SCHEMES as _LINK_SCHEMES  # the links the PDF makes
from .commonmark import line_matches, parse_prose
from .diagnostics import Hints, Severity, did_you_mean, german_number, listed, quote, shorten
from .forms import BUILTIN_IDS, PART_FINANZEN, PART_SACHVERHALT, CustomBlock, Form
from .labels import (
    ABLEHNUNG_VERWALTUNGSHANDELN,
    KNOWN_ERGEBNISSE,
    KNOWN_ZUSTAENDIGKEITEN,
    NICHT_RELEVANT,
    OPTIONS_NEEDING_BESCHLUSSVORSCHLAG,
    SACHVERHALT_BERUECKSICHTIGT,
    Art,
    german_date,
)
from .limits import (
    MAX_LINK_AREAS,
    MAX_LINK_TARGETS,
    MAX_MARKDOWN_LINES,
    MAX_MARKUP,
    MAX_NESTING,
    MAX_PARAGRAPH,
    MAX_TABLE_TEXT,
)
from .limits import MAX_PDF_STRING as _PDF_STRING  # the longest target the PDF makes a link of
from .model import MARKDOWN_FIELDS, Beratung, HaushaltZeile, Statement

#: The characters counted as marks, and as the message lists them.
_MARKUP_CHARS = "*_`[~<&|"
#: The list and quote markers a line starts with (`- `, `1. `, `> `) count as marks too: each opens a block, and
#: ten lists opened on each of 10,000 lines took 22 s to set.
_LEADING_MARKERS = re.compile(r"^[ \t]*(?:(?:[-+*>]|[0-9]{1,9}[.)])[ \t]*)+", re.MULTILINE)
_MARKERS = re.compile(r"[-+*>]|[0-9]{1,9}[.)]")

#: The indentation and markers a line starts with: a container MAX_NESTING deep is opened by a line whose run
#: spans more columns than that (each quote takes one, each list at least two).
_CONTAINER_RUN = re.compile(r"^[ \t>*+\-.)0-9]{3,}", re.MULTILINE)
_CONTAINERS = {"blockquote_open": 1, "bullet_list_open": 1, "ordered_list_open": 1}
_CONTAINERS.update({name.replace("_open", "_close"): -1 for name in list(_CONTAINERS)})

_VARIANT_NAME = {
    Art.ANTRAG: "dem Antragsformular (art: antrag)",
    Art.PETITION: "dem Petitionsformular (art: petition)",
}

#: Fields that print nothing on any built-in form and are accepted everywhere (kept for exports).
UNPRINTED_FIELDS = frozenset(
    {
        "nummer",
        "art",
        "datum",
        "bezug",
        "federfuehrung",
        "beteiligt",
        "verfahrensstand",
        "formular",
        "sachverhalt_zuerst",
    }
)


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's verdict at a path in the data; validation turns it into a located `Diagnostic`."""

    path: tuple[str | int, ...]
    severity: Severity
    code: str
    message: str
    #: Point at the key, not its value: the finding asks to remove the key.
    at_key: bool = False


def check(statement: Statement, form: Form) -> Iterator[Finding]:
    """Every cross-field finding of `statement` on `form`, in document order."""
    yield from _petition_allowed(statement, form)
    yield from _fields_of_the_form(statement, form)
    yield from _goals_spelling(statement, form)
    yield from _option_set(statement, form)
    yield from _duplicate_options(statement, form)
    yield from _missing_resolution(statement, form)
    yield from _beratungsfolge(statement)
    yield from _finanzen(statement)
    yield from _begruendung_or_sachverhalt(statement)
    yield from _bezug(statement)
    yield from _sachverhalt_zuerst(statement, form)
    yield from _anlass_text(statement, form)
    yield from _zusatzfelder(statement, form)
    too_large = list(_markdown_size(statement))
    yield from too_large
    if not too_large:  # a text within the size limits is cheap enough to parse for its nesting
        yield from _markdown_nesting(statement)
        yield from _markdown_lengths(statement)
        yield from _markdown_links(statement)


# --- the form -----------------------------------------------------------------------------------------------


def _form_name(form: Form) -> str:
    return quote(form.ref) if form.ref == form.name else f"{quote(form.ref)} ({shorten(form.name)})"


def _petition_allowed(st: Statement, form: Form) -> Iterator[Finding]:
    if st.ist_petition and not form.petition_allowed:
        yield Finding(
            ("art",),
            Severity.ERROR,
            "petition-not-in-form",
            f"Das Formular {_form_name(form)} hat keine Fassung für Petitionen; bitte art: antrag oder ein anderes "
            "Formular",
        )


#: The values that mean "not printed" for a field that has them (format spec § 1): accepted on every form. As
#: written in the file; `false` arrives in the model as None.
OFF_VALUES: Mapping[str, tuple[Any, ...]] = {
    "rechtliche_konsequenzen": (False,),
    "finanzen": (False,),
    "stellenplan": (False,),
    "strategische_ziele": (False, "", NICHT_RELEVANT),
    # `false` (no heading) is held as ""; a "" written in the file is empty-value already
    "beschlussvorschlag_titel": ("",),
}


def _is_off(name: str, value: Any) -> bool:
    """Whether a value (as the model holds it) is an off value of its field."""
    off = OFF_VALUES.get(name, ())
    if value is None:
        return False in off
    return isinstance(value, str) and value.strip() in off


#: Fields placed by a block of their own name or that block's companions; checked in this order.
FORM_FIELDS = (
    "gremium",
    "status",
    "betreff",
    "eingereicht_von",
    "beratungsfolge",
    "beratungsfolge_vermerk",
    "rechtliche_konsequenzen",
    "empfehlung",
    "empfehlung_raster",
    "beschlussvorschlag",
    "beschlussvorschlag_titel",
    "strategische_ziele",
    "hinweis",
    "raeumlicher_bezug",
    "anlass",
    "zusammenfassung",
    "finanzen",
    "stellenplan",
    "sachverhalt",
    "begruendung",
    "anlagen",
)

#: The built-in forms, for "gehört zu Formular …" hints.
_BUILTIN_FORMS: dict[str, Form] = {}


def _builtin_forms() -> dict[str, Form]:
    if not _BUILTIN_FORMS:
        from .forms import builtin

        _BUILTIN_FORMS.update({form_id: builtin(form_id) for form_id in BUILTIN_IDS})
    return _BUILTIN_FORMS


def _fields_of_the_form(st: Statement, form: Form) -> Iterator[Finding]:
    petition = st.ist_petition
    given = st.model_fields_set
    for name in FORM_FIELDS:
        if name not in given:
            continue
        value = getattr(st, name)
        if name == "rechtliche_konsequenzen" and petition:
            yield Finding(
                (name,),
                Severity.ERROR,
                "legal-box-on-petition",
                "Das Petitionsformular hat keinen Kasten „Rechtliche Konsequenzen“; bitte den Schlüssel "
                "rechtliche_konsequenzen entfernen",
                at_key=True,
            )
            continue
        if form.places_field(name, petition=petition) or _is_off(name, value):
            continue
        owners = (
            [
                form_id
                for form_id, other in _builtin_forms().items()
                if other.places_field(name, petition=petition)
            ]
            if form.ref in BUILTIN_IDS  # on a form file the way out is that file, not another built-in form
            else []
        )
        variant = " in der Fassung für Petitionen" if petition and form.places_field(name) else ""
        where = ""
        if owners and form.ref not in owners:  # for a petition: the forms whose petition variant places it
            where = (
                f"; es gehört zu Formular {', '.join(owners)}{' (auch bei Petitionen)' if petition else ''}"
            )
        hint = ""
        if name == "strategische_ziele" and _near_nicht_relevant(value):
            hint = f" (genau so geschrieben nimmt es jedes Formular an: strategische_ziele: {NICHT_RELEVANT}, klein und ohne Punkt)"
        yield Finding(
            (name,),
            Severity.ERROR,
            "field-not-in-form",
            f"„{name}“ gehört nicht zum Formular {_form_name(form)}{variant}{where}; bitte entfernen oder "
            f"formular ändern{hint}",
            at_key=True,
        )


def _near_nicht_relevant(value: Any) -> bool:
    """Whether goals written as text are „nicht relevant“ spelt another way („Nicht relevant.“), which is text,
    not the off value (format spec § 1.1: the comparison is case-sensitive)."""
    if not isinstance(value, str) or value.strip() == NICHT_RELEVANT:
        return False
    return " ".join(value.replace(".", " ").split()).casefold() == NICHT_RELEVANT


def _goals_spelling(st: Statement, form: Form) -> Iterator[Finding]:
    """On a form that ticks „nicht relevant“ (2017), that text spelt another way prints under an empty box."""
    value = st.strategische_ziele
    settings = form.settings("strategische_ziele")
    if (
        _near_nicht_relevant(value)
        and getattr(settings, "darstellung", None) == "kreuz"
        and form.placed("strategische_ziele", petition=st.ist_petition)
    ):
        yield Finding(
            ("strategische_ziele",),
            Severity.WARNING,
            "not-relevant-spelling",
            f"{quote(str(value).strip())} ist nicht {quote(NICHT_RELEVANT)}: das Formular {_form_name(form)} "
            f"druckt es als Text unter einem leeren Kästchen „☐ {settings.nicht_relevant}“; für das Kreuz bitte "
            f"genau so schreiben: strategische_ziele: {NICHT_RELEVANT} (klein, ohne Punkt)",
        )


def _sachverhalt_beruecksichtigt(option: str) -> bool:
    """The option of the 2019 form's fourth box, by its id or by its label as printed there."""
    label = " ".join(option.split()).casefold()
    return option == SACHVERHALT_BERUECKSICHTIGT or label == "sachverhalt bereits berücksichtigt"


def _option_set(st: Statement, form: Form) -> Iterator[Finding]:
    petition = st.ist_petition
    grid = form.grid(petition=petition)
    other = form.grid(petition=not petition)
    variant = Art.PETITION if petition else Art.ANTRAG
    other_variant = Art.ANTRAG if petition else Art.PETITION
    allowed = listed(grid.ids)
    hints = Hints()
    for i, entry in enumerate(st.empfehlung):
        option = entry.option
        if option in grid.ids:
            continue
        path = ("empfehlung", i, "option")
        if option in other.ids and (not petition or form.petition_allowed):
            yield Finding(
                path,
                Severity.ERROR,
                "option-not-in-form",
                f"Die Option {quote(option)} gibt es nur auf {_VARIANT_NAME[other_variant]}. Auf "
                f"{_VARIANT_NAME[variant]} erlaubt: {allowed}",
            )
        elif (
            _sachverhalt_beruecksichtigt(option)
            and SACHVERHALT_BERUECKSICHTIGT not in grid.ids
            and ABLEHNUNG_VERWALTUNGSHANDELN in grid.ids
        ):
            yield Finding(
                path,
                Severity.ERROR,
                "option-not-in-form",
                f"Die Beschriftung „Sachverhalt bereits berücksichtigt“ gehört zu formular: 2019; auf dem Formular "
                f"{_form_name(form)} bitte {ABLEHNUNG_VERWALTUNGSHANDELN} schreiben",
            )
        else:
            parts = [part.strip() for part in option.split(",")]
            several = len(parts) > 1 and all(part in grid.ids for part in parts)
            hint = (  # „empfehlung: alternativvorschlag, zustimmung“: two ticks, written as one value
                f" Mehrere angekreuzte Optionen stehen in einer Liste: empfehlung: [{listed(parts)}]"
                if several
                else f"{hints(option, grid.ids)} Erlaubt: {allowed}"
            )
            yield Finding(path, Severity.ERROR, "invalid-choice", f"Unbekannter Wert {quote(option)}.{hint}")


def _duplicate_options(st: Statement, form: Form) -> Iterator[Finding]:
    grid = form.grid(petition=st.ist_petition)
    seen: dict[tuple[str, str | None], int] = {}
    boxes: dict[str, tuple[str, int]] = {}  # the cell an option prints in → (option, entry)
    for i, entry in enumerate(st.empfehlung):
        key = (entry.option, entry.punkte)
        if key in seen:
            detail = f" mit denselben punkte {quote(entry.punkte)}" if entry.punkte else " ohne punkte"
            yield Finding(
                ("empfehlung", i),
                Severity.ERROR,
                "duplicate-option",
                f"Die Option {quote(entry.option)} ist doppelt angekreuzt{detail} (schon Eintrag {seen[key] + 1}); "
                "zweimal dieselbe Option nur mit verschiedenen punkte",
            )
            continue
        seen[key] = i
        option = grid.option(entry.option)
        if option is None:
            continue
        cell = option.statt or option.id
        first = boxes.setdefault(cell, (option.id, i))
        if first[0] != option.id:
            yield Finding(
                ("empfehlung", i),
                Severity.ERROR,
                "same-box",
                f"{quote(option.id)} und {quote(first[0])} (Eintrag {first[1] + 1}) teilen sich ein Kästchen des Formulars; "
                "bitte nur eine der beiden ankreuzen",
            )


def _missing_resolution(st: Statement, form: Form) -> Iterator[Finding]:
    if st.beschlussvorschlag is not None or not form.placed("beschlussvorschlag", petition=st.ist_petition):
        return  # a form without the block takes no beschlussvorschlag (field-not-in-form): none is missing
    if "beschlussvorschlag_titel" in st.model_fields_set and st.beschlussvorschlag_titel != "":
        # a heading that would print; `false` (held as "": no heading) says the same as leaving it out
        yield Finding(
            ("beschlussvorschlag_titel",),
            Severity.WARNING,
            "unused-title",
            "beschlussvorschlag_titel wird nur über einem beschlussvorschlag gedruckt, und der fehlt",
            at_key=True,
        )
    printed = form.grid(petition=st.ist_petition).ids  # an option the form lacks has its error already
    for i, entry in enumerate(st.empfehlung):
        if entry.option in OPTIONS_NEEDING_BESCHLUSSVORSCHLAG and entry.option in printed:
            yield Finding(
                ("empfehlung", i),
                Severity.WARNING,
                "missing-beschlussvorschlag",
                f"{quote(entry.option)} ist angekreuzt, aber es fehlt ein beschlussvorschlag mit dem "
                "vorgeschlagenen Beschlusstext",
            )
            return


# --- the Beratungsfolge ---------------------------------------------------------------------------------------


def _ergebnis_hint(ergebnis: str) -> str:
    """„ Meinten Sie …?“ for an unknown result, but never its opposite: „geändert beschlossen“ (a real result of
    the portal) is no slip of the keyboard for „ungeändert beschlossen“."""
    choices = tuple(
        known
        for known in KNOWN_ERGEBNISSE
        if known.lower() != f"un{ergebnis.lower()}" and f"un{known}" != ergebnis
    )
    return did_you_mean(ergebnis, choices)


def _beratungsfolge(st: Statement) -> Iterator[Finding]:
    backwards: list[str] = []
    first_backwards: tuple[str | int, ...] | None = None
    latest: dict[str, Any] = {}  # per Gremium: the latest date printed above
    for i, row in enumerate(st.beratungsfolge):
        yield from _row_shape(row, i)
        committee = row.gremium.casefold()
        for j, session in enumerate(row.sessions):
            before = latest.get(committee)
            if before is not None and session.termin < before:
                at: tuple[str | int, ...] = (
                    ("beratungsfolge", i, "sitzungen", j)
                    if row.sitzungen is not None
                    else ("beratungsfolge", i, "termin")
                )
                first_backwards = first_backwards or at
                entry = f"Eintrag {i + 1}" + (f", Sitzung {j + 1}" if row.sitzungen is not None else "")
                backwards.append(
                    f"{shorten(row.gremium)} ({entry}): {german_date(session.termin)} vor {german_date(before)}"
                )
            latest[committee] = session.termin if before is None else max(before, session.termin)
            if session.ergebnis is not None and session.ergebnis not in KNOWN_ERGEBNISSE:
                where: tuple[str | int, ...] = (
                    ("beratungsfolge", i, "sitzungen", j, "ergebnis")
                    if row.sitzungen is not None
                    else ("beratungsfolge", i, "ergebnis")
                )
                yield Finding(
                    where,
                    Severity.WARNING,
                    "unknown-ergebnis",
                    f"Unbekanntes Ergebnis {quote(session.ergebnis)}.{_ergebnis_hint(session.ergebnis)}"
                    f" Bekannt sind: {', '.join(KNOWN_ERGEBNISSE)}",
                )
        if row.zustaendigkeit is not None and row.zustaendigkeit not in KNOWN_ZUSTAENDIGKEITEN:
            yield Finding(
                ("beratungsfolge", i, "zustaendigkeit"),
                Severity.WARNING,
                "unknown-zustaendigkeit",
                f"Unbekannte Zuständigkeit {quote(row.zustaendigkeit)}.{did_you_mean(row.zustaendigkeit, KNOWN_ZUSTAENDIGKEITEN)}"
                f" Bekannt sind: {', '.join(KNOWN_ZUSTAENDIGKEITEN)}",
            )
    if first_backwards is not None:
        yield Finding(
            first_backwards,
            Severity.WARNING,
            "dates-backwards",
            # at most MAX_LISTED places, each Gremium cut: a Gremium of 100,000 characters with 1,000 sessions
            # going backwards made one message of 100 MB
            f"Termine der beratungsfolge gehen innerhalb eines Gremiums rückwärts: {listed(backwards, '; ')}; ist "
            "die Reihenfolge richtig?",
        )


def _row_shape(row: Beratung, i: int) -> Iterator[Finding]:
    if row.sitzungen is not None:
        for key in ("termin", "ergebnis", "sitzung"):
            if key in row.model_fields_set:
                yield Finding(
                    ("beratungsfolge", i, key),
                    Severity.ERROR,
                    "sessions-and-termin",
                    f"Eine Zeile hat entweder sitzungen oder {key}, nicht beides; bitte „{key}“ in die Liste "
                    "sitzungen aufnehmen",
                    at_key=True,
                )
    elif row.termin is None:
        for key in ("ergebnis", "sitzung"):
            if key in row.model_fields_set:
                yield Finding(
                    ("beratungsfolge", i, key),
                    Severity.ERROR,
                    "missing-termin",
                    f"„{key}“ gehört zu einer Sitzung und braucht deren termin in derselben Zeile",
                    at_key=True,
                )


# --- the finance block ------------------------------------------------------------------------------------------


def _table_rows(table: Any) -> Iterator[tuple[str, HaushaltZeile]]:
    if table is None:
        return
    for name in type(table).model_fields:
        row = getattr(table, name)
        if row is not None:
            yield name, row


def _finanzen(st: Statement) -> Iterator[Finding]:
    finanzen = st.finanzen
    if finanzen is None or "finanzen" not in st.model_fields_set:
        return
    for table_name in ("haushalt", "folgekosten_haushalt"):
        for row_name, row in _table_rows(getattr(finanzen, table_name)):
            path = ("finanzen", table_name, row_name)
            if not row.model_fields_set:
                yield Finding(
                    path,
                    Severity.ERROR,
                    "empty-row",
                    f"Die Zeile „{row_name}“ ist leer; sie braucht mindestens eines von von, bis, hoehe, wo_veranschlagt "
                    "(ohne Angaben wird sie ohnehin leer gedruckt: dann den Schlüssel weglassen)",
                )
            if row.von is not None and row.bis is not None and row.von > row.bis:
                yield Finding(
                    (*path, "bis"),
                    Severity.ERROR,
                    "von-after-bis",
                    f"„bis“ ({german_date(row.bis)}) liegt vor „von“ ({german_date(row.von)})",
                )
    rows = list(_table_rows(finanzen.haushalt))
    if finanzen.auswirkungen == "nein":
        for key in ("alternativen_geprueft", "folgen_bei_ablehnung", "investition"):
            if getattr(finanzen, key) == "ja":
                yield Finding(
                    ("finanzen", key),
                    Severity.WARNING,
                    "finance-contradiction",
                    f"Finanzielle Auswirkungen sind mit nein angekreuzt, „{key}“ aber mit ja",
                )
        if rows:
            yield Finding(
                ("finanzen", "haushalt"),
                Severity.WARNING,
                "finance-contradiction",
                "Finanzielle Auswirkungen sind mit nein angekreuzt, die Tabelle „Im Haushalt wirksam“ hat aber Zeilen",
            )
    elif finanzen.auswirkungen == "ja" and not rows:
        yield Finding(
            ("finanzen", "auswirkungen"),
            Severity.WARNING,
            "finance-contradiction",
            "Finanzielle Auswirkungen sind mit ja angekreuzt, aber die Tabelle „Im Haushalt wirksam“ (haushalt) hat "
            "keine Zeile",
        )
    follow = list(_table_rows(finanzen.folgekosten_haushalt))
    if finanzen.folgekosten == "nein" and follow:
        yield Finding(
            ("finanzen", "folgekosten_haushalt"),
            Severity.WARNING,
            "finance-contradiction",
            "Folgekosten sind mit nein angekreuzt, die Tabelle „Folgekosten Einsparungen wirksam“ hat aber Zeilen",
        )
    elif finanzen.folgekosten == "ja" and not follow:
        yield Finding(
            ("finanzen", "folgekosten"),
            Severity.WARNING,
            "finance-contradiction",
            "Folgekosten sind mit ja angekreuzt, aber die Tabelle „Folgekosten Einsparungen wirksam“ "
            "(folgekosten_haushalt) hat keine Zeile",
        )


# --- the rest -------------------------------------------------------------------------------------------------


def _begruendung_or_sachverhalt(st: Statement) -> Iterator[Finding]:
    if st.begruendung is None and not st.sachverhalt:
        yield Finding(
            (),
            Severity.ERROR,
            "missing-begruendung",
            "Es fehlt eine begruendung (oder ein sachverhalt); ein Standpunkt braucht mindestens eines von beiden",
        )


def _bezug(st: Statement) -> Iterator[Finding]:
    if st.bezug is not None and st.bezug != st.abgeleiteter_bezug:
        yield Finding(
            ("bezug",),
            Severity.WARNING,
            "bezug-differs",
            f"bezug {quote(st.bezug)} weicht von der Vorlage ab, die die Nummer nennt ({quote(st.abgeleiteter_bezug)}); "
            "ist eine der beiden falsch?",
        )


def _sachverhalt_zuerst(st: Statement, form: Form) -> Iterator[Finding]:
    """`sachverhalt_zuerst: true` where it changes nothing is a warning (spec § 1.2, § 5.3): the form (or its
    petition variant) prints no block of the part finanzen, has no part sachverhalt, or already prints that part
    before the part finanzen."""
    if not st.sachverhalt_zuerst:
        return
    petition = st.ist_petition
    names = [name for name, _ in form.parts]
    parts = dict(form.parts)
    finanzen = [block for block in parts.get(PART_FINANZEN, ()) if form.placed(block.id, petition=petition)]
    if not finanzen:
        reason = "es druckt keinen Teil der finanziellen Auswirkungen"
    elif PART_SACHVERHALT not in names:
        reason = "es hat keinen Teil „sachverhalt“, den der Schalter verschieben könnte"
    elif names.index(PART_SACHVERHALT) < names.index(PART_FINANZEN):
        reason = "es druckt den Teil „sachverhalt“ ohnehin vor den finanziellen Auswirkungen"
    else:
        return
    yield Finding(
        ("sachverhalt_zuerst",),
        Severity.WARNING,
        "no-effect",
        f"sachverhalt_zuerst hat auf dem Formular {_form_name(form)}"
        + (" für Petitionen" if petition else "")
        + f" keine Wirkung: {reason}",
        at_key=True,
    )


def _anlass_text(st: Statement, form: Form) -> Iterator[Finding]:
    """The text after „Sonstiges“ where the form shows the Anlass only in a `kopfangaben` row, which prints the
    ticked labels alone (spec § 5.2): the text was printed nowhere, without a word."""
    text = st.anlass.sonstiges if st.anlass is not None else False
    petition = st.ist_petition
    if not isinstance(text, str) or form.placed("zusammenfassung", petition=petition):
        return
    if not form.places_field("anlass", petition=petition):
        return  # not on this form at all: field-not-in-form says so
    yield Finding(
        ("anlass", "sonstiges"),
        Severity.WARNING,
        "no-effect",
        f"Der Text nach „Sonstiges“ ({quote(text)}) wird auf dem Formular {_form_name(form)}"
        + (" für Petitionen" if petition else "")
        + " nicht gedruckt: es zeigt den Anlass nur in den Kopfangaben, mit „Sonstiges“ ohne Text; "
        "bitte den Text in die Zusammenfassung oder die Begründung schreiben",
        at_key=True,
    )


def _zusatzfelder(st: Statement, form: Form) -> Iterator[Finding]:
    custom = form.custom_blocks
    values: Mapping[str, Any] = st.zusatzfelder or {}
    if "zusatzfelder" in st.model_fields_set and not custom:
        yield Finding(
            ("zusatzfelder",),
            Severity.ERROR,
            "field-not-in-form",
            f"„zusatzfelder“ gehört nicht zum Formular {_form_name(form)}: "
            + (
                "es erklärt keine eigenen Blöcke; zusatzfelder gibt es nur mit einer Formulardatei"
                if form.ref in BUILTIN_IDS
                else "es druckt keine eigenen Blöcke; zusatzfelder füllen nur eigene Blöcke, die ein Teil der "
                "reihenfolge aufführt"
            ),
            at_key=True,
        )
        return
    petition = st.ist_petition
    hints = Hints()
    for block_id, value in values.items():
        block = custom.get(block_id)
        if block is None:
            yield Finding(
                ("zusatzfelder", block_id),
                Severity.ERROR,
                "unknown-key",
                f"Unbekannter Block {quote(block_id)}.{hints(block_id, list(custom))} Das Formular "
                f"{_form_name(form)} hat: {listed(custom)}",
                at_key=True,
            )
            continue
        if not form.placed(block_id, petition=petition):  # `[petition] ohne` drops it
            yield Finding(
                ("zusatzfelder", block_id),
                Severity.ERROR,
                "field-not-in-form",
                f"„zusatzfelder.{block_id}“ ({block.label}) gehört nicht zum Formular {_form_name(form)} in der "
                "Fassung für Petitionen; bitte entfernen oder formular ändern",
                at_key=True,
            )
            continue
        yield from _custom_value(block_id, block, value, hints)
    for block_id, block in custom.items():
        if block.pflicht and block_id not in values and form.placed(block_id, petition=petition):
            yield Finding(
                (),
                Severity.ERROR,
                "missing-key",
                f"Pflichtfeld „zusatzfelder.{block_id}“ ({block.label}) fehlt",
            )


def _custom_value(block_id: str, block: CustomBlock, value: Any, hints: Hints) -> Iterator[Finding]:
    path = ("zusatzfelder", block_id)
    if block.typ in ("text", "angabe"):
        if isinstance(value, str) and not value.strip():  # as every other empty text: `empty-value`
            yield Finding(
                path,
                Severity.ERROR,
                "empty-value",
                f"„zusatzfelder.{block_id}“ ({block.label}) darf nicht leer sein; ohne Text den Schlüssel weglassen "
                "(gedruckt wird dann die Beschriftung allein)",
            )
        elif not isinstance(value, str):
            yield Finding(
                path,
                Severity.ERROR,
                "expected-text",
                f"„{block_id}“ ({block.label}): Text erwartet, gefunden: {_describe(value)}",
            )
        return
    ids = [option.id for option in block.optionen]
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not block.mehrfach and len(value) > 1:
        # spec § 5.2: the value is an id or a list of ids; without `mehrfach` one box at most is ticked
        yield Finding(
            path,
            Severity.ERROR,
            "expected-text",
            f"„{block_id}“ ({block.label}) nimmt genau eine Option, hier sind es {len(value)} (mehrere nur mit "
            f"mehrfach = true im Formular); erlaubt: {listed(ids)}",
        )
        return
    if isinstance(value, list) and not value:
        yield Finding(
            path,
            Severity.ERROR,
            "empty-list",
            f"„{block_id}“ ({block.label}) braucht mindestens eine Option; ohne Kreuz den Schlüssel weglassen",
        )
        return
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        where = (*path, index) if isinstance(value, list) else path
        if not isinstance(item, str) or item not in ids:
            hint = hints(item, ids) if isinstance(item, str) else ""
            yield Finding(
                where,
                Severity.ERROR,
                "invalid-choice",
                f"Unbekannter Wert {_describe(item)} für „{block_id}“.{hint} Erlaubt: {listed(ids)}",
            )
        elif item in seen:
            yield Finding(
                where,
                Severity.ERROR,
                "duplicate-option",
                f"Die Option {quote(item)} von „{block_id}“ ist doppelt angekreuzt (schon Eintrag {seen[item] + 1})",
            )
        else:
            seen[item] = index


def _describe(value: Any) -> str:
    from .diagnostics import describe_value

    return describe_value(value)


def _markdown_size(st: Statement) -> Iterator[Finding]:
    """The Markdown fields within MAX_MARKUP marks and MAX_MARKDOWN_LINES lines, counted together; a finding
    stands at the field with which a sum passes its limit."""
    texts = [(name, getattr(st, name)) for name in MARKDOWN_FIELDS]
    texts += [(f"zusatzfelder.{k}", v) for k, v in (st.zusatzfelder or {}).items() if isinstance(v, str)]
    anlagen = st.anlagen or []
    # an Anlage has at most one line more than characters (an Anlage of 10,001 line breaks passed unseen)
    short = sum(len(text) for _, text in texts if text) + sum(len(item) + 1 for item in anlagen)
    if short < min(MAX_MARKUP, MAX_MARKDOWN_LINES):
        return  # too short to pass either limit: most statements are not counted at all
    # Each Anlage is a paragraph of its own, set as a list item: 19,000 of them (within MAX_NODES) took 11 s.
    marks, lines = 0, sum(item.count("\n") + 1 for item in anlagen)
    if lines > MAX_MARKDOWN_LINES:
        yield Finding(
            ("anlagen",),
            Severity.ERROR,
            "too-many-lines",
            f"Die Anlagen und Markdown-Felder haben zusammen mehr als {german_number(MAX_MARKDOWN_LINES)} Zeilen "
            "(Grenze MAX_MARKDOWN_LINES); so lang ist kein Standpunkt – ist die Datei maschinell erzeugt?",
        )
        return
    for name, text in texts:
        if not text:
            continue
        marks += sum(map(text.count, _MARKUP_CHARS))
        marks += sum(len(_MARKERS.findall(run.group())) for run in line_matches(_LEADING_MARKERS, text))
        lines += text.count("\n") + 1
        path = tuple(name.split("."))
        if marks > MAX_MARKUP:
            yield Finding(
                path,
                Severity.ERROR,
                "too-much-markup",
                f"Die Markdown-Felder enthalten zusammen mehr als {german_number(MAX_MARKUP)} Zeichen für "
                f"Hervorhebungen, Code, Links, Entitäten und Tabellenzellen ({', '.join(_MARKUP_CHARS)}) und für "
                "Listen und Zitate am Zeilenanfang (Grenze MAX_MARKUP); so "
                "viele hat kein Standpunkt – ist die Datei maschinell erzeugt?",
            )
            return
        if lines > MAX_MARKDOWN_LINES:
            yield Finding(
                path,
                Severity.ERROR,
                "too-many-lines",
                f"Die Markdown-Felder{' und die Anlagen' if anlagen else ''} haben zusammen mehr als "
                f"{german_number(MAX_MARKDOWN_LINES)} Zeilen (Grenze MAX_MARKDOWN_LINES); so lang ist kein "
                "Standpunkt – ist die Datei maschinell erzeugt?",
            )
            return


def _markdown_texts(st: Statement) -> list[tuple[tuple[str, ...], str | None]]:
    """The Markdown fields and the custom text blocks, each with its path."""
    texts: list[tuple[tuple[str, ...], str | None]] = [
        ((name,), getattr(st, name)) for name in MARKDOWN_FIELDS
    ]
    texts += [(("zusatzfelder", k), v) for k, v in (st.zusatzfelder or {}).items() if isinstance(v, str)]
    return texts


def _markdown_lengths(st: Statement) -> Iterator[Finding]:
    """No paragraph or table cell longer than MAX_PARAGRAPH characters, and the table cells of all fields within
    MAX_TABLE_TEXT characters together. A field is parsed (once, for both) only if it could pass one of them:
    if it is longer than MAX_PARAGRAPH, or the fields together longer than MAX_TABLE_TEXT. The table finding
    stands at the field with which the sum passes the limit."""
    texts = [(path, text) for path, text in _markdown_texts(st) if text]
    tables_may_pass = sum(len(text) for _, text in texts) > MAX_TABLE_TEXT
    table_text = 0
    for path, text in texts:
        if len(text) <= MAX_PARAGRAPH and not tables_may_pass:
            continue
        longest = 0
        in_table = False
        for token in parse_prose(text):
            if token.type in ("table_open", "table_close"):
                in_table = token.type == "table_open"
            elif token.type == "inline":
                longest = max(longest, len(token.content))
                table_text += len(token.content) if in_table else 0
        if longest > MAX_PARAGRAPH:
            yield Finding(
                path,
                Severity.ERROR,
                "too-long-paragraph",
                f"Ein Absatz oder eine Tabellenzelle ist hier {german_number(longest)} Zeichen lang; erlaubt sind "
                f"höchstens {german_number(MAX_PARAGRAPH)} (Grenze MAX_PARAGRAPH): bitte mit Leerzeilen in Absätze "
                "teilen",
            )
        if tables_may_pass and table_text > MAX_TABLE_TEXT:
            tables_may_pass = False  # said once
            yield Finding(
                path,
                Severity.ERROR,
                "too-much-table-text",
                f"Die Tabellen der Markdown-Felder enthalten zusammen mehr als {german_number(MAX_TABLE_TEXT)} "
                "Zeichen (Grenze MAX_TABLE_TEXT); langer Text gehört in Absätze, nicht in Tabellenzellen",
            )


#: A statement whose links pass MAX_LINK_AREAS or MAX_LINK_TARGETS, as validation and the PDF's renderer say it.
TOO_MANY_LINKS = (
    f"Die Links der Markdown-Felder ergäben im PDF mehr als {german_number(MAX_LINK_AREAS)} anklickbare Flächen "
    f"(Grenze MAX_LINK_AREAS) oder mehr als {german_number(MAX_LINK_TARGETS)} Zeichen Linkziele (Grenze "
    "MAX_LINK_TARGETS): jede Zeile eines Linktexts ist eine Fläche und trägt das ganze Ziel, ebenso jede "
    "Verwendung einer Referenz; so viele oder so lange Links hat kein Standpunkt – ist die Datei maschinell "
    "erzeugt?"
)


def _markdown_links(st: Statement) -> Iterator[Finding]:
    """The links of the Markdown fields within MAX_LINK_AREAS and their targets within MAX_LINK_TARGETS
    characters, counted together as the PDF's renderer counts them before it sets a line (one each; the lines a
    link's text takes, each an area of its own, are counted only while setting). A field is parsed only if the
    fields could pass a limit: a link needs a „[“ or an address („www.“, „://“, „@“), and its target is no
    longer than six times its field (an umlaut is percent-encoded) nor than a PDF string. The finding stands at
    the field with which a sum passes its limit."""
    texts = [(path, text) for path, text in _markdown_texts(st) if text]
    marks = sum(
        text.count("[") + text.count("www.") + text.count("://") + text.count("@") for _, text in texts
    )
    longest = min(6 * max((len(text) for _, text in texts), default=0), _PDF_STRING)
    if marks <= MAX_LINK_AREAS and marks * longest <= MAX_LINK_TARGETS:
        return  # too few links to pass either limit: most statements are not parsed here
    links = targets = 0
    for path, text in texts:
        inline = [child for token in parse_prose(text) for child in token.children or ()]
        while inline:
            child = inline.pop()
            inline.extend(child.children or ())  # an image's description, which the PDF prints, links too
            if child.type != "link_open":
                continue
            href = str(child.attrs.get("href", ""))
            size = len(href) if href.isascii() else 2 + 2 * len(href)  # PDFDocEncoding, else UTF-16
            if href.lower().startswith(_LINK_SCHEMES) and size <= _PDF_STRING:
                links += 1
                targets += len(href)
        if links > MAX_LINK_AREAS or targets > MAX_LINK_TARGETS:
            yield Finding(path, Severity.ERROR, "too-many-links", TOO_MANY_LINKS)
            return


def _markdown_nesting(st: Statement) -> Iterator[Finding]:
    """Lists and quotes at most MAX_NESTING deep in each Markdown field; a field is parsed only if a line of
    it could open containers that deep."""
    for path, text in _markdown_texts(st):
        if not text or all(
            len(run.group().expandtabs(4)) <= MAX_NESTING for run in line_matches(_CONTAINER_RUN, text)
        ):
            continue
        depth = deepest = 0
        for token in parse_prose(text):
            depth += _CONTAINERS.get(token.type, 0)
            deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            yield Finding(
                path,
                Severity.ERROR,
                "too-deep-nesting",
                f"Listen und Zitate stehen hier mindestens {deepest} Ebenen tief ineinander; erlaubt sind höchstens "
                f"{MAX_NESTING} (Grenze MAX_NESTING): so tief schachtelt kein Standpunkt, und jede Ebene nimmt dem "
                "Text Breite",
            )
