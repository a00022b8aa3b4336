"""What a statement prints on its form, block by block, before any renderer sets it.

`layout(statement, settings)` walks the statement's form (its parts in order, `sachverhalt_zuerst` applied, the
petition variant's blocks left out) and returns one view per printed block: the labels resolved, the boxes
ticked, the dates and amounts formatted. The PDF and the Markdown renderer set these views, one renderer per
block kind each, so that what a form prints is decided once, here, from the form's data.

Views are plain data: the Markdown templates get them as mappings of strings, numbers, booleans and lists.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .commonmark import plain_text
from .forms import CustomBlock, Form, PlacedBlock, form_of, with_labels
from .forms.definition import (
    BeratungsfolgeSettings,
    EingereichtVonSettings,
    FinanzenSettings,
    KopfangabenSettings,
    LabelOnly,
    RechtlicheKonsequenzenSettings,
    StatusSettings,
    StellenplanSettings,
    StrategischeZieleSettings,
    ZusammenfassungSettings,
)
from .forms.loading import default_settings
from .labels import LABEL_TARGETS, NICHT_RELEVANT, PUNKTE_SEPARATOR, german_date
from .model import ANLASS_IDS, HaushaltZeile, Statement
from .settings import RenderSettings


@dataclass(frozen=True)
class Box:
    """One tick box of the form: its label, whether it is ticked and the resolution points it applies to."""

    label: str
    ticked: bool
    punkte: tuple[str, ...] = ()

    @property
    def punkte_text(self) -> str:
        """The resolution points as printed after the label."""
        return PUNKTE_SEPARATOR.join(self.punkte)

    @property
    def text(self) -> str:
        """The label with its points, as printed beside the box."""
        return f"{self.label} {self.punkte_text}" if self.punkte else self.label


@dataclass(frozen=True)
class Question:
    """A row of the finance or staffing block: the question and its two answers (nein, ja) as boxes."""

    label: str
    answers: tuple[Box, Box]


@dataclass(frozen=True)
class TableRow:
    """A row of a finance table: the group label (in the group's first row only), its label and four cells."""

    group: str
    label: str
    cells: tuple[str, str, str, str]


@dataclass(frozen=True)
class FinanceTable:
    caption: str
    columns: tuple[str, str, str, str]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class Session:
    """A date of the Termin cell and what the form prints after it (the result, the meeting's name)."""

    date: str
    note: str = ""

    @property
    def text(self) -> str:
        return f"{self.date} {self.note}" if self.note else self.date


@dataclass(frozen=True)
class ConsultationRow:
    gremium: str
    #: The session dates, one per printed line.
    sessions: tuple[Session, ...]
    zustaendigkeit: str


@dataclass(frozen=True)
class Block:
    """A printed block: its id, its kind (which renderer sets it), its part, and what it shows."""

    id: str
    kind: str
    part: str
    #: The first printed block of a part that starts on a new page.
    new_page: bool = False
    #: A heading printed at the start of its part (form files may set one).
    part_title: str = ""
    label: str = ""
    text: str = ""
    values: tuple[str, ...] = ()
    boxes: tuple[Box, ...] = ()
    columns: int = 1
    numbered: bool = False
    #: Markdown prose the block prints (Beschlussvorschlag, Sachverhalt, goals as text, …).
    prose: str = ""
    #: Beratungsfolge: captions and rows; kopfangaben and label/value blocks: rows of (label, values).
    captions: tuple[str, ...] = ()
    rows: tuple[Any, ...] = ()
    #: Finance and staffing: the questions and the tables.
    questions: tuple[Question, ...] = ()
    tables: tuple[FinanceTable, ...] = ()
    #: Further labelled parts of a block (legal box sentence, Anlass, Sonstiges, …).
    extra: Mapping[str, Any] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        """The view as plain data for templates: mappings, lists, strings, numbers and booleans only."""
        if self.kind == "beratungsfolge":
            rows: list[Any] = [
                {
                    "gremium": row.gremium,
                    "zustaendigkeit": row.zustaendigkeit,
                    "sessions": [{"date": x.date, "note": x.note, "text": x.text} for x in row.sessions],
                }
                for row in self.rows
            ]
        else:
            rows = [[label, list(values)] for label, values in self.rows]
        return {
            "id": self.id,
            "kind": self.kind,
            "part": self.part,
            "new_page": self.new_page,
            "part_title": self.part_title,
            "label": self.label,
            "text": self.text,
            "values": list(self.values),
            "boxes": [_box_data(box) for box in self.boxes],
            "columns": self.columns,
            "numbered": self.numbered,
            "prose": self.prose,
            "captions": list(self.captions),
            "rows": rows,
            "questions": [
                {"label": q.label, "answers": [_box_data(a) for a in q.answers]} for q in self.questions
            ],
            "tables": [
                {
                    "caption": t.caption,
                    "columns": list(t.columns),
                    "rows": [{"group": r.group, "label": r.label, "cells": list(r.cells)} for r in t.rows],
                }
                for t in self.tables
            ],
            "extra": {k: _box_data(v) if isinstance(v, Box) else v for k, v in self.extra.items()},
        }


def _box_data(box: Box) -> dict[str, Any]:
    return {
        "label": box.label,
        "ticked": box.ticked,
        "punkte": list(box.punkte),
        "punkte_text": box.punkte_text,
        "text": box.text,
    }


@dataclass(frozen=True)
class Layout:
    """A statement as its form prints it: title, page furniture and the blocks in printed order."""

    form: Form
    title: str
    page_counter: str
    running_header: str
    blocks: tuple[Block, ...]


def effective_form(statement: Statement, settings: RenderSettings) -> Form:
    """The statement's form with the configuration's `[labels]` applied."""
    return with_labels(form_of(statement), settings.labels.items())


def title(statement: Statement, form: Form) -> str:
    """The document's title; a Neufassung says so whatever it answers (a petition too)."""
    titles = form.titles
    template = (
        titles.neufassung
        if statement.ist_neufassung
        else titles.petition
        if statement.ist_petition
        else titles.antrag
    )
    return template.format(nummer=statement.nummer)


def layout(statement: Statement, settings: RenderSettings) -> Layout:
    """The blocks `statement` prints on its form, in order (kept for the statement last asked about: its PDF and
    its Markdown are set one after the other from the same layout)."""
    last = _last_layout
    if last and last[0] is statement and last[1] == settings:
        kept: Layout = last[2]
        return kept
    found = _layout(statement, settings)
    _last_layout[:] = [statement, settings, found]
    return found


_last_layout: list[Any] = []


def _layout(statement: Statement, settings: RenderSettings) -> Layout:
    form = effective_form(statement, settings)
    heading = title(statement, form)
    petition = statement.ist_petition
    blocks: list[Block] = []
    for part, placed in form.ordered(sachverhalt_first=statement.sachverhalt_zuerst):
        first = len(blocks)
        for block in placed:
            if not form.placed(block.id, petition=petition):
                continue
            view = _view(block, statement, form, settings, heading)
            if view is not None:
                blocks.append(view)
        if len(blocks) > first:
            blocks[first] = _opening(blocks[first], part in form.new_page, form.part_titles.get(part, ""))
    return Layout(form, heading, form.page_counter, form.running_header, tuple(blocks))


def _opening(block: Block, new_page: bool, part_title: str) -> Block:
    if not new_page and not part_title:
        return block
    return Block(
        **{
            **{f: getattr(block, f) for f in block.__dataclass_fields__},
            "new_page": new_page,
            "part_title": part_title,
        }
    )


def labels_v1(form: Form) -> dict[str, str]:
    """The `[labels]` keys of format v1 with the values the form prints (for v1 templates' `labels`)."""
    found = _LABELS_V1.get(form)
    if found is None:
        found = _LABELS_V1[form] = _labels_v1(form)
    return dict(found)


#: `labels_v1` of each form while the form lives: a cache holding the forms themselves (they hash by identity)
#: kept every form a process ever built, beyond the bounds of the caches of `forms.loading` – each form file
#: of a repository, and each saved version of one under `--watch`.
_LABELS_V1: weakref.WeakKeyDictionary[Form, tuple[tuple[str, str], ...]] = weakref.WeakKeyDictionary()


def _labels_v1(form: Form) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    data = form.data
    for key, target in LABEL_TARGETS.items():
        if target[0] == "option":
            settings = data.get("bloecke", {}).get("empfehlung", {})
            options = [*settings.get("optionen", ()), *settings.get("optionen_petition", ())]
            label = next((o["label"] for o in options if o.get("id") == target[1]), None)
            if label is not None:
                out.append((key, label))
            continue
        value: Any = data
        for part in target:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                value = None
        if isinstance(value, str):
            if key == "seite":
                value = value.replace("{n}", "{seite}").replace("{m}", "{seiten}")
            out.append((key, value))
    return tuple(out)


# --- the views of each block kind -------------------------------------------------------------------------------


class _Name(NamedTuple):
    """What names a block's view: its id, kind and part."""

    id: str
    kind: str
    part: str


def _view(
    block: PlacedBlock, st: Statement, form: Form, settings: RenderSettings, heading: str
) -> Block | None:
    kind = block.kind
    make = _VIEWS.get(kind)
    if make is None:
        return None
    view: Block | None = make(_Name(block.id, kind, block.part), block.settings, st, form, settings, heading)
    return view


def _with(base: _Name, **changes: Any) -> Block:
    """The view of a block: `base` names it (id, kind, part), `changes` say what it shows."""
    return Block(base.id, base.kind, base.part, **changes)


def _gremium(base: _Name, _s: Any, st: Statement, *_: Any) -> Block | None:
    return _with(base, text=st.gremium) if st.gremium else None


def _title(base: _Name, _s: Any, st: Statement, form: Form, settings: RenderSettings, heading: str) -> Block:
    return _with(base, text=heading)


def _status(base: _Name, s: StatusSettings, st: Statement, *_: Any) -> Block:
    return _with(base, label=s.label, text=_status_value(s, st))


def _status_value(s: StatusSettings, st: Statement) -> str:
    return s.oeffentlich if st.status.value == "oeffentlich" else s.nichtoeffentlich


def status_label(st: Statement, form: Form) -> str:
    """The status as the form prints it („öffentlich“), also where the form prints no status block."""
    return _status_value(form.settings("status") or default_settings("status"), st)


def _kopfangaben(base: _Name, s: KopfangabenSettings, st: Statement, form: Form, *_: Any) -> Block:
    rows = tuple((row.label, _header_values(row.feld, st, form)) for row in s.zeilen)
    return _with(base, rows=rows)


_VERFAHRENSSTAND = {
    "entschieden": "(Vorlage entschieden)",
    "freigegeben": "(Vorlage freigegeben)",
    "abgeschlossen": "(Vorlage abgeschlossen)",
    "rueckverwiesen": "(Vorlage rückverwiesen)",
}


def _header_values(feld: str, st: Statement, form: Form) -> tuple[str, ...]:
    """What a `kopfangaben` row prints for its field (lists one value per line)."""
    if feld == "status":
        value = status_label(st, form)
        if st.verfahrensstand is not None:
            value = f"{value} {_VERFAHRENSSTAND[st.verfahrensstand.value]}"
        return (value,)
    if feld == "vorlageart":
        return ("Verwaltungsstandpunkt zur Petition" if st.ist_petition else "Verwaltungsstandpunkt",)
    if feld == "anlass":
        if st.anlass is None:
            return ()
        summary = form.settings("zusammenfassung")
        names = _anlass_labels(summary)
        return tuple(names[i].rstrip(":").strip() for i in ANLASS_IDS if i in st.anlass.ticked)
    if feld == "bezug":
        return (st.bezug or st.abgeleiteter_bezug,)
    if feld == "strategische_ziele":  # Markdown; a header row is one line of plain text
        text = plain_text(st.strategische_ziele) if st.strategische_ziele else ""
        return (text,) if text else ()
    found = getattr(st, feld, None)
    if found is None or found == "":  # `raeumlicher_bezug: ""`: the label alone, as for an absent field
        return ()
    if isinstance(found, list):
        return tuple(found)
    return (str(found),)


def _anlass_labels(settings: Any) -> dict[str, str]:
    chosen = (
        settings if isinstance(settings, ZusammenfassungSettings) else default_settings("zusammenfassung")
    )
    return {option.id: option.label for option in chosen.optionen}


def _beratungsfolge(base: _Name, s: BeratungsfolgeSettings, st: Statement, *_: Any) -> Block:
    rows = []
    for row in st.beratungsfolge:
        if row.sitzungen is not None:
            held = [(x.termin, x.ergebnis, x.sitzung) for x in row.sitzungen]
        else:
            held = [(row.termin, row.ergebnis, row.sitzung)] if row.termin is not None else []
        sessions = []
        for termin, ergebnis, sitzung in held:
            notes = []
            if s.ergebnisse and ergebnis:
                notes.append(ergebnis)
            if s.sitzungsnamen and sitzung:
                notes.append(sitzung)
            # „20.05.2020 vertagt“ (spec § 1.3); the meeting's name after the result, set apart by a comma
            sessions.append(Session(german_date(termin), ", ".join(notes)))
        rows.append(ConsultationRow(row.gremium, tuple(sessions), row.zustaendigkeit or ""))
    return _with(
        base, label=s.label, captions=s.spalten, rows=tuple(rows), text=st.beratungsfolge_vermerk or ""
    )


def _eingereicht_von(base: _Name, s: EingereichtVonSettings, st: Statement, *_: Any) -> Block:
    values = tuple(st.eingereicht_von)
    numbered = s.nummeriert and len(values) > 1
    return _with(base, label=s.label, values=values, numbered=numbered)


def _labelled(attribute: str) -> Any:
    def view(base: _Name, s: LabelOnly, st: Statement, *_: Any) -> Block | None:
        value = getattr(st, attribute)
        if value is None:
            return None
        return _with(base, label=s.label, text=value)

    return view


def _rechtliche_konsequenzen(
    base: _Name,
    s: RechtlicheKonsequenzenSettings,
    st: Statement,
    form: Form,
    settings: RenderSettings,
    _h: str,
) -> Block | None:
    rk = st.rechtliche_konsequenzen
    if st.ist_petition or rk is None:
        return None
    body = settings.body
    boxes = (
        Box(s.rechtswidrig.format(body=body), rk.rechtswidrig),
        Box(s.nachteilig.format(body=body), rk.nachteilig),
    )
    return _with(base, label=s.titel.format(body=body), text=s.satz.format(body=body), boxes=boxes, columns=1)


def _empfehlung(base: _Name, _s: Any, st: Statement, form: Form, *_: Any) -> Block:
    grid = form.grid(petition=st.ist_petition)
    ticked = st.ticked
    boxes = []
    for cell in grid.cells:
        sharing = grid.sharing(cell.id)
        chosen = next((o for o in sharing if o.id in ticked), sharing[0])
        punkte = tuple(p for o in sharing for p in st.punkte_for(o.id))
        boxes.append(Box(chosen.label, chosen.id in ticked, punkte))
    if st.empfehlung_raster:
        return _with(base, boxes=tuple(boxes), columns=grid.columns)
    return _with(base, boxes=tuple(box for box in boxes if box.ticked), columns=0)


def _beschlussvorschlag(base: _Name, s: LabelOnly, st: Statement, *_: Any) -> Block | None:
    if not st.beschlussvorschlag:
        return None
    heading = st.beschlussvorschlag_titel  # "" for `false`: the text right after the grid
    return _with(base, label=s.label if heading is None else heading, prose=st.beschlussvorschlag)


def _strategische_ziele(base: _Name, s: StrategischeZieleSettings, st: Statement, *_: Any) -> Block | None:
    value = st.strategische_ziele
    if value is None:
        return None
    not_relevant = value.strip() == NICHT_RELEVANT
    box = Box(s.nicht_relevant, not_relevant) if s.darstellung == "kreuz" and value != "" else None
    extra: dict[str, Any] = {"darstellung": s.darstellung, "box": box}
    if not_relevant:
        return _with(
            base, label=s.label, text=s.nicht_relevant if s.darstellung == "text" else "", extra=extra
        )
    return _with(base, label=s.label, prose=value, extra=extra)


def _hinweis(base: _Name, s: LabelOnly, st: Statement, *_: Any) -> Block | None:
    return _with(base, label=s.label, text=st.hinweis) if st.hinweis else None


def _raeumlicher_bezug(base: _Name, s: LabelOnly, st: Statement, *_: Any) -> Block | None:
    if st.raeumlicher_bezug is None:
        return None
    return _with(base, label=s.label, text=st.raeumlicher_bezug)


def _zusammenfassung(base: _Name, s: ZusammenfassungSettings, st: Statement, *_: Any) -> Block:
    ticked = st.anlass.ticked if st.anlass is not None else frozenset()
    labels = {option.id: option.label for option in s.optionen}
    boxes = tuple(Box(labels[i], i in ticked) for i in ANLASS_IDS if i != "sonstiges")
    sonstiges = Box(labels["sonstiges"], "sonstiges" in ticked)
    text = st.anlass.sonstiges_text if st.anlass is not None else ""
    return _with(
        base,
        label=s.label,
        boxes=boxes,
        prose=st.zusammenfassung or "",
        extra={"anlass_label": s.anlass_label, "sonstiges": sonstiges, "sonstiges_text": text},
    )


def _answers(value: Any, nein: str, ja: str) -> tuple[Box, Box]:
    return (Box(nein, value == "nein"), Box(ja, value == "ja"))


_HAUSHALT_ROWS = (
    ("ergebnishaushalt", ("ertraege", "aufwendungen")),
    ("finanzhaushalt", ("einzahlungen", "auszahlungen")),
)
_FOLGEKOSTEN_ROWS = (
    ("andere_oe", ("andere_oe_ertraege", "andere_oe_aufwand")),
    ("nachher", ("nachher_ertraege", "nachher_aufwand", "nachher_abschreibungen")),
)


def _table(
    caption: str, columns: tuple[str, str, str, str], groups: Any, table: Any, labels: Any
) -> FinanceTable:
    rows = []
    for group, names in groups:
        for index, name in enumerate(names):
            row: HaushaltZeile | None = getattr(table, name) if table is not None else None
            cells = ("", "", "", "")
            if row is not None:
                cells = (
                    german_date(row.von) if row.von else "",
                    german_date(row.bis) if row.bis else "",
                    row.hoehe or "",
                    row.wo_veranschlagt or "",
                )
            rows.append(TableRow(getattr(labels, group) if index == 0 else "", getattr(labels, name), cells))
    return FinanceTable(caption, columns, tuple(rows))


def _finanzen(base: _Name, s: FinanzenSettings, st: Statement, *_: Any) -> Block | None:
    f = st.finanzen
    if f is None:
        return None
    lb = s.labels
    questions = tuple(
        Question(getattr(lb, key), _answers(getattr(f, key), lb.nein, getattr(lb, f"{key}_ja")))
        for key in (
            "auswirkungen",
            "alternativen_geprueft",
            "folgen_bei_ablehnung",
            "investition",
            "folgekosten",
        )
    )
    haushalt = _table(
        lb.haushalt, (lb.von, lb.bis, lb.hoehe, lb.wo_veranschlagt), _HAUSHALT_ROWS, f.haushalt, lb
    )
    folgekosten = _table(
        lb.folgekosten_haushalt,
        (lb.von, lb.bis, lb.hoehe_jaehrlich, lb.wo_veranschlagt),
        _FOLGEKOSTEN_ROWS,
        f.folgekosten_haushalt,
        lb,
    )
    return _with(base, label=lb.auswirkungen, questions=questions, tables=(haushalt, folgekosten))


def _stellenplan(base: _Name, s: StellenplanSettings, st: Statement, *_: Any) -> Block | None:
    p = st.stellenplan
    if p is None:
        return None
    lb = s.labels
    questions = (
        Question(lb.stellenerweiterung, _answers(p.stellenerweiterung, lb.nein, lb.stellenerweiterung_ja)),
        Question(lb.stellenabbau, _answers(p.stellenabbau, lb.nein, lb.stellenabbau_ja)),
    )
    return _with(base, label=lb.titel, questions=questions, boxes=(Box(lb.personalrat, p.personalrat),))


def _sachverhalt(base: _Name, s: LabelOnly, st: Statement, *_: Any) -> Block | None:
    if st.sachverhalt is None:
        return None
    return _with(base, label=s.label, prose=st.sachverhalt)


def _begruendung(base: _Name, s: LabelOnly, st: Statement, *_: Any) -> Block | None:
    if not st.begruendung:
        return None
    return _with(base, label=s.label, prose=st.begruendung)


def _anlagen(base: _Name, s: LabelOnly, st: Statement, *_: Any) -> Block | None:
    if not st.anlagen:
        return None
    return _with(base, label=s.label, values=tuple(st.anlagen))


def _custom(base: _Name, s: CustomBlock, st: Statement, *_: Any) -> Block:
    value = (st.zusatzfelder or {}).get(base.id)
    if s.typ == "text":
        return _with(base, label=s.label, prose=value if isinstance(value, str) else "")
    if s.typ == "angabe":
        return _with(base, label=s.label, text=value.strip() if isinstance(value, str) else "")
    chosen = set(value if isinstance(value, list) else [value] if value is not None else [])
    return _with(base, label=s.label, boxes=tuple(Box(o.label, o.id in chosen) for o in s.optionen))


_VIEWS: Mapping[str, Any] = {
    "gremium": _gremium,
    "titel": _title,
    "status": _status,
    "kopfangaben": _kopfangaben,
    "beratungsfolge": _beratungsfolge,
    "eingereicht_von": _eingereicht_von,
    "betreff": _labelled("betreff"),
    "rechtliche_konsequenzen": _rechtliche_konsequenzen,
    "empfehlung": _empfehlung,
    "beschlussvorschlag": _beschlussvorschlag,
    "strategische_ziele": _strategische_ziele,
    "hinweis": _hinweis,
    "raeumlicher_bezug": _raeumlicher_bezug,
    "zusammenfassung": _zusammenfassung,
    "finanzen": _finanzen,
    "stellenplan": _stellenplan,
    "sachverhalt": _sachverhalt,
    "begruendung": _begruendung,
    "anlagen": _anlagen,
    "text": _custom,
    "angabe": _custom,
    "auswahl": _custom,
}


def kinds() -> Iterator[str]:
    """Every block kind a view exists for (built-in block ids and custom `typ`s)."""
    yield from _VIEWS
