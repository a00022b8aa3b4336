"""Rules of veraPDF's PDF/UA-1 and PDF/A-2a profiles checked as veraPDF's object model computes them, independent
of page-validation (which claims the same rules, but is young): `TaggedPdf.problems` adds what these find.

- Fonts (PDF/UA-1 7.21.4.1-2, 7.21.5-1, 7.21.6-3/-4, 7.21.7-1/-2, 7.21.8-1; PDF/A-2 6.2.11.4.1-2, 6.2.11.5-1,
  6.2.11.6-3/-4, 6.2.11.7.2-1/-2, 6.2.11.8-1): every code a page shows is read through the embedded TrueType
  program as ISO 32000-1 9.6.6.4 and veraPDF do for a symbolic TrueType font (cmap (3,0), else (1,0)); its glyph
  is not .notdef, its advance width in the program and in /Widths differ by at most 1/1000 em, and ToUnicode
  maps it to a value other than U+0000, U+FEFF and U+FFFE.
- Tables (7.2-15, 7.2-41/-42/-43, 7.5-1): the grid veraPDF lays out (`GFSETable.checkRegular`: columns from the
  first row with /ColSpan, rows from the first cell of each row with /RowSpan) is full and no two cells overlap;
  every TH has a /Scope; and, as PAC 2024 asks besides, every TH heads at least one TD.
- Annotations (PDF/A-2 6.3.2-1/-2): the print flag set, hidden and no-view not.
- Structure types and their nesting (PDF/UA-1 7.1-5, 7.2-3..20, 7.2-26..28, 7.2-36..40, 7.3-1, 7.4.4-1..3,
  7.9-1/-2, 7.18.5-1; PDF/A-2 6.7.3.4-1): every role a standard structure type (vsp writes no role map); the
  parents and children ISO 32000-1 14.8.4 allows tables, lists and tables of contents; a Figure with /Alt or
  /ActualText; at most one H per element and never H beside H1-H6; a Note with a unique /ID; a link annotation
  the child of a Link element (its /StructParent); and, as PAC 2024 asks besides, a Lbl inside a LI.
"""

from __future__ import annotations

import re
import struct
from typing import Any

import pikepdf

_CMAP_ENTRY = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)


class TrueTypeProgram:
    """The parts of an embedded TrueType program veraPDF reads for a glyph: cmap subtables, advance widths."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        count = struct.unpack(">H", data[4:6])[0]
        self.tables: dict[str, tuple[int, int]] = {}
        for i in range(count):
            tag, _checksum, offset, length = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
            self.tables[tag.decode("latin-1")] = (offset, length)
        self.units_per_em = struct.unpack(">H", self._table("head")[18:20])[0]
        self.glyph_count = struct.unpack(">H", self._table("maxp")[4:6])[0]
        metrics = struct.unpack(">H", self._table("hhea")[34:36])[0]
        hmtx = self._table("hmtx")
        self.advances = [struct.unpack(">H", hmtx[4 * i : 4 * i + 2])[0] for i in range(metrics)]
        self.cmaps = self._cmaps()

    def _table(self, tag: str) -> bytes:
        offset, length = self.tables[tag]
        return self.data[offset : offset + length]

    def _cmaps(self) -> dict[tuple[int, int], dict[int, int]]:
        cmap = self._table("cmap")
        found: dict[tuple[int, int], dict[int, int]] = {}
        for i in range(struct.unpack(">H", cmap[2:4])[0]):
            platform, encoding, offset = struct.unpack(">HHI", cmap[4 + 8 * i : 12 + 8 * i])
            kind = struct.unpack(">H", cmap[offset : offset + 2])[0]
            mapping: dict[int, int] = {}
            if kind == 0:
                mapping = dict(enumerate(cmap[offset + 6 : offset + 262]))
            elif kind == 4:
                twice = struct.unpack(">H", cmap[offset + 6 : offset + 8])[0]
                n = twice // 2
                base = offset + 14
                ends = struct.unpack(f">{n}H", cmap[base : base + twice])
                starts = struct.unpack(f">{n}H", cmap[base + twice + 2 : base + 2 * twice + 2])
                deltas = struct.unpack(f">{n}h", cmap[base + 2 * twice + 2 : base + 3 * twice + 2])
                ranges_at = base + 3 * twice + 2
                ranges = struct.unpack(f">{n}H", cmap[ranges_at : ranges_at + twice])
                for s in range(n):
                    for code in range(starts[s], min(ends[s], 0xFFFE) + 1):
                        if ranges[s] == 0:
                            mapping[code] = (code + deltas[s]) & 0xFFFF
                        else:
                            at = ranges_at + 2 * s + ranges[s] + 2 * (code - starts[s])
                            glyph = struct.unpack(">H", cmap[at : at + 2])[0]
                            mapping[code] = (glyph + deltas[s]) & 0xFFFF if glyph else 0
            elif kind == 6:
                first, count = struct.unpack(">HH", cmap[offset + 6 : offset + 10])
                glyphs = struct.unpack(f">{count}H", cmap[offset + 10 : offset + 10 + 2 * count])
                mapping = {first + i: glyph for i, glyph in enumerate(glyphs)}
            else:
                raise ValueError(f"cmap format {kind} not read here")
            found[(platform, encoding)] = mapping
        return found

    def glyph(self, code: int) -> int:
        """The glyph of a code of a symbolic TrueType font without /Encoding (ISO 32000-1 9.6.6.4)."""
        symbol = self.cmaps.get((3, 0))
        if symbol is not None:
            for high in (0, 0xF000, 0xF100, 0xF200):
                if high + code in symbol:
                    return symbol[high + code]
            return 0
        return self.cmaps.get((1, 0), {}).get(code, 0)

    def width(self, glyph: int) -> float:
        """The glyph's advance in thousandths of an em, as a font dictionary's /Widths has it."""
        advance = self.advances[glyph] if glyph < len(self.advances) else self.advances[-1]
        return advance * 1000 / self.units_per_em


def to_unicode(font: Any) -> dict[int, str]:
    """A font's ToUnicode CMap: code → text."""
    mapping: dict[int, str] = {}
    cmap = font.get("/ToUnicode")
    if cmap is not None:
        for block in _BFCHAR.findall(cmap.read_bytes()):
            for code, value in _CMAP_ENTRY.findall(block):
                mapping[int(code, 16)] = bytes.fromhex(value.decode()).decode("utf-16-be")
    return mapping


def font_problems(used: dict[tuple[int, int], tuple[Any, set[int]]]) -> list[str]:
    """What veraPDF finds wrong with the glyphs shown: `used` is font object → (font, codes shown with it)."""
    found = []
    for font, codes in used.values():
        name = str(font.get("/BaseFont"))
        descriptor = font.get("/FontDescriptor")
        if font.get("/Subtype") != "/TrueType" or descriptor is None or "/FontFile2" not in descriptor:
            found.append(f"font {name}: not an embedded TrueType font")
            continue
        if not int(descriptor.Flags) & 4 or "/Encoding" in font:
            found.append(f"font {name}: not symbolic without /Encoding, as vsp writes its subsets")
            continue
        program = TrueTypeProgram(descriptor.FontFile2.read_bytes())
        if len(program.cmaps) != 1 and (3, 0) not in program.cmaps:
            found.append(
                f"font {name}: symbolic, but its cmap has {len(program.cmaps)} subtables and no (3,0)"
            )
        unicode = to_unicode(font)
        first, widths = int(font.FirstChar), [float(w) for w in font.Widths]
        for code in sorted(codes):
            glyph = program.glyph(code)
            if code == 0 or not 0 < glyph < program.glyph_count:
                found.append(f"font {name}: code {code} shows .notdef")
                continue
            listed = widths[code - first] if 0 <= code - first < len(widths) else None
            if listed is None or abs(listed - program.width(glyph)) > 1:
                found.append(
                    f"font {name}: code {code} is {listed} wide, {program.width(glyph):.2f} in the program"
                )
            value = unicode.get(code)
            if not value or {"\x00", "\ufeff", "\ufffe"} & set(value):
                found.append(f"font {name}: code {code} has no Unicode value ({value!r})")
    return found


def table_problems(table: Any) -> list[str]:
    """veraPDF's reading of a Table element (`pdfstructure.Element`): a regular grid, TH with /Scope."""
    rows = []
    for kid in table.children():
        if kid.role == "TR":
            rows.append(kid)
        elif kid.role in ("THead", "TBody", "TFoot"):
            rows += kid.children("TR")
    if not rows:
        return []

    def cells(row: Any) -> list[Any]:
        return [kid for kid in row.children() if kid.role in ("TH", "TD")]

    def span(cell: Any, name: str) -> int:
        return int(dict(cell.attributes).get(name, 1))

    height, at = 0, 0
    while at < len(rows):
        first = cells(rows[at])
        if first:
            height += span(first[0], "RowSpan")
            at += span(first[0], "RowSpan") - 1
        at += 1
    width = sum(span(cell, "ColSpan") for cell in cells(rows[0]))
    grid: list[list[Any]] = [[None] * width for _ in range(height)]
    for r, row in enumerate(rows):
        column = 0
        for cell in cells(row):
            down, across = span(cell, "RowSpan"), span(cell, "ColSpan")
            while column < width and r < height and grid[r][column] is not None:
                column += 1
            if r + down > height or column + across > width:
                return [f"table {table.objgen}: row {r} runs out of the grid ({height} × {width})"]
            for i in range(down):
                for j in range(across):
                    if grid[r + i][column + j] is not None:
                        return [f"table {table.objgen}: cells overlap at row {r + i}, column {column + j}"]
                    grid[r + i][column + j] = cell
            column += across
    found = [
        f"table {table.objgen}: row {r} has {width - row.count(None)} of {width} columns"
        for r, row in enumerate(grid)
        if None in row
    ]
    found += [
        f"table {table.objgen}: a TH without /Scope"
        for cell in table.walk()
        if cell.role == "TH" and "Scope" not in dict(cell.attributes)
    ]
    return found or _unassigned_headers(table, grid)


def _unassigned_headers(table: Any, grid: list[list[Any]]) -> list[str]:
    """PAC 2024's „Table header cell has no associated subcells“: a TH whose scope (its columns, its rows, or
    both) holds no TD; veraPDF does not check this."""
    found = []
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell.role != "TH" or (r and grid[r - 1][c] is cell) or (c and row[c - 1] is cell):
                continue  # a data cell, or a spanning header met again
            scope = str(dict(cell.attributes).get("Scope", "/Column"))
            down, across = (int(dict(cell.attributes).get(name, 1)) for name in ("RowSpan", "ColSpan"))
            columns = [x for line in grid for x in line[c : c + across]] if scope != "/Row" else []
            rows = [x for line in grid[r : r + down] for x in line] if scope != "/Column" else []
            if not any(x.role == "TD" for x in columns + rows):
                found.append(f"table {table.objgen}: TH {cell.objgen} ({scope[1:]}) heads no TD")
    return found


def annotation_problems(pdf: pikepdf.Pdf) -> list[str]:
    found = []
    for index, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", []):
            flags = int(annotation.get("/F", 0))
            if not flags & 4 or flags & (1 | 2 | 32 | 256):
                found.append(
                    f"page {index + 1}: annotation {annotation.objgen} has /F {flags}, not printable"
                )
    return found


#: The standard structure types of ISO 32000-1, 14.8.4 (veraPDF's `isNotMappedToStandardType` without a role map).
_STANDARD = (
    "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 H4 H5 H6 L LI "
    "Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP "
    "Warichu WT WP Figure Formula Form"
)
STANDARD_TYPES = frozenset(_STANDARD.split())
#: Role → the roles its parent may have (veraPDF 7.2-4..9, -17, -18, -26; Lbl as PAC checks it).
_PARENTS = {
    "TR": {"Table", "THead", "TBody", "TFoot"},
    "THead": {"Table"},
    "TBody": {"Table"},
    "TFoot": {"Table"},
    "TH": {"TR"},
    "TD": {"TR"},
    "LI": {"L"},
    "Lbl": {"LI"},
    "LBody": {"LI"},
    "TOCI": {"TOC"},
}
#: Role → the roles its children may have (veraPDF 7.2-3, -10, -19, -20, -27, -36..38).
_KIDS = {
    "Table": {"TR", "THead", "TBody", "TFoot", "Caption"},
    "TR": {"TH", "TD"},
    "THead": {"TR"},
    "TBody": {"TR"},
    "TFoot": {"TR"},
    "L": {"L", "LI", "Caption"},
    "LI": {"Lbl", "LBody"},
    "TOC": {"TOC", "TOCI", "Caption"},
}


def structure_problems(root: Any) -> list[str]:
    """What veraPDF finds wrong with the structure types of the tree under `root` (`pdfstructure.Element`)."""
    found: list[str] = []
    notes: dict[str, int] = {}

    def visit(element: Any, parent: Any) -> None:
        role, kids = element.role, [kid.role for kid in element.children()]
        name = f"{role} {element.objgen}"
        if role not in STANDARD_TYPES:
            found.append(f"{name}: not a standard structure type, and no role map")
        if role in _PARENTS and (parent is None or parent.role not in _PARENTS[role]):
            found.append(f"{name}: inside {parent.role if parent is not None else 'the tree root'}")
        if role in _KIDS and set(kids) - _KIDS[role]:
            found.append(f"{name}: has {sorted(set(kids) - _KIDS[role])} among its kids")
        if role in ("Table", "L", "TOC") and "Caption" in kids[1 : -1 if role == "Table" else None]:
            found.append(f"{name}: a Caption not at its {'start or end' if role == 'Table' else 'start'}")
        if role == "Table" and (
            kids.count("Caption") > 1
            or kids.count("THead") > 1
            or kids.count("TFoot") > 1
            or (("THead" in kids or "TFoot" in kids) and "TBody" not in kids)
        ):
            found.append(f"{name}: its kids {kids} are no table's")
        if role == "Figure" and not (element.alt or element.actual_text is not None):
            found.append(f"{name}: a Figure without /Alt or /ActualText")
        if kids.count("H") > 1:
            found.append(f"{name}: more than one H among its kids")
        if role == "Note":
            note_id = element.id or ""
            notes[note_id] = notes.get(note_id, 0) + 1
            if not note_id or notes[note_id] == 2:
                found.append(f"{name}: a Note without an /ID of its own ({note_id!r})")
        for kid in element.children():
            visit(kid, element)

    visit(root, None)
    roles = {element.role for element in root.walk()}
    if "H" in roles and roles & {"H1", "H2", "H3", "H4", "H5", "H6"}:
        found.append("H beside numbered headings (H1-H6)")
    return found


def link_annotation_problems(pdf: pikepdf.Pdf, parent_of: Any) -> list[str]:
    """veraPDF 7.18.5-1: a link annotation's element (by its /StructParent, `parent_of(key)`) is a Link."""
    found = []
    for index, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link" or "/StructParent" not in annotation:
                continue
            element = parent_of(int(annotation.StructParent))
            if element is None or element.get("/S") != "/Link":
                role = None if element is None else element.get("/S")
                found.append(
                    f"page {index + 1}: link annotation {annotation.objgen} in {role}, not in a Link"
                )
    return found
