"""TrueType faces whose first 256 character codes are the same in every document, so their font programs are shared.

ReportLab numbers a document's characters in the order they are first drawn and embeds a fresh subset of each
face per document: building it and compressing its ~27 KB cost about a fifth of a warm render. Here subset 0
is fixed (ASCII at its own codes, then the characters German statements and names use, see `COMMON`), so its
PDF objects are built once per process and reused by every document: the font program and ToUnicode map as
finished streams, the font and descriptor dictionaries with holes for the per-document references. Characters
outside it still get ReportLab's dynamic subsets 1, 2, … as before; text made only of fixed characters is
encoded by one C codec call instead of ReportLab's loop over each character.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Callable
from functools import cached_property, lru_cache
from typing import Any
from weakref import WeakKeyDictionary, ref

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import stringWidth as _string_width
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    TTFontFace,
)
from reportlab.platypus import paragraph

from .archival import ARCHIVAL

#: The non-ASCII characters of subset 0, in code order (codes 1-31, then 128-255): Latin-1, German and
#: international typography, the form's boxes, and the Latin Extended-A letters of Central European names.
#: Exactly 159, so that subset 0 is full and a character outside it never changes it.
COMMON = (
    "„“”‚‘’–—…€•·§°×±²³½☐☒→−‰™‹›"
    "¡¢£¤¥¦¨©ª«¬\u00ad®¯´µ¶¸¹º»¿"
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞß"
    "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"
    "ĄąĆćČčĎďĘęĚěĞğİıŁłŃńŇňŐőŒœŘřŚśŞşŠšŢţŤťŮůŰűŹźŻżŽž"
)
_NBSP = "\u00a0"
#: Texts up to this length have their widths remembered: words and short labels, which line breaking measures
#: over and over, in every document. Longer texts (a cut of an overlong word, a whole line) rarely recur.
WIDTH_TEXT_MAX = 48
#: Widths remembered per face before the memory is emptied, so that a flood of distinct words cannot grow it
#: without bound (about 3 MB when full).
WIDTH_CACHE_MAX = 20_000
#: Widths of texts (of any length: at most a word of MAX_BREAK_WORD) the paragraphs' measure keeps, the last
#: used (`_remembered_width`): some thousand words a statement, a few MB at most.
PARAGRAPH_WIDTHS_KEPT = 4096
#: Texts up to this length have their text-showing operator remembered (`fixed_run`): labels, cells, dates;
#: a face keeps this many before it starts afresh.
RUN_TEXT_MAX = 200
RUN_CACHE_MAX = 4096


def _fixed_subset() -> list[int]:
    """Subset 0 as ReportLab stores it: the code points at codes 0-255 (0 is .notdef)."""
    low, high = COMMON[:31], COMMON[31:]
    return [0, *map(ord, low), *range(32, 128), *map(ord, high)]


FIXED_SUBSET = _fixed_subset()
assert len(FIXED_SUBSET) == 256 and len(set(FIXED_SUBSET)) == 256, "COMMON must fill codes 1-31 and 128-255"


class _Formatted(pdfdoc.PDFObject):
    """A PDF value formatted once per process and written as is into every document."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


class _Slot(pdfdoc.PDFObject):
    """A stand-in for a per-document value while a `_Shape` is formatted."""

    def __init__(self, key: str) -> None:
        self.key = key

    def format(self, document: Any) -> bytes:
        return b"\0" + self.key.encode("ascii") + b"\0"


_SLOT = re.compile(rb"\0([A-Za-z0-9]+)\0")


class _Shape:
    """A dictionary formatted once per process, with holes for the entries that differ per document.

    The font and descriptor dictionaries of subset 0 are the same in every document but for object
    references and the font's internal name; ReportLab formatting them afresh cost 4 % of a render.
    """

    def __init__(self, make: Callable[[dict[str, Any]], Any], holes: tuple[str, ...]) -> None:
        formatted = make({key: _Slot(key) for key in holes}).format(None)
        pieces = _SLOT.split(formatted)
        self.parts: tuple[bytes, ...] = tuple(pieces[0::2])
        self.order: tuple[str, ...] = tuple(piece.decode("ascii") for piece in pieces[1::2])
        assert sorted(self.order) == sorted(holes), "every hole appears exactly once"

    def fill(self, values: dict[str, Any]) -> _Filled:
        return _Filled(self, [values[key] for key in self.order])


class _Filled(pdfdoc.PDFObject):
    """A `_Shape` with one document's values, formatted when the document is written (when references get
    their numbers)."""

    __RefOnly__ = 1  # like ReportLab's font objects: always an indirect object

    def __init__(self, shape: _Shape, values: list[Any]) -> None:
        self.shape = shape
        self.values = values

    def format(self, document: Any) -> bytes:
        parts = self.shape.parts
        out = [parts[0]]
        for value, part in zip(self.values, parts[1:], strict=True):
            out += (pdfdoc.format(value, document), part)
        return b"".join(out)


class _AnyDocument:
    """Stands for the document when a stream that depends on none of its settings is formatted ahead (as PDF/A
    wants streams: vsp's documents are all archival)."""

    defaultStreamFilters = None
    encrypt = pdfdoc.NoEncryption()


setattr(_AnyDocument, ARCHIVAL, True)


def to_unicode_cmap(name: str, subset: list[int]) -> str:
    """The ToUnicode CMap of a subset: ReportLab's `makeToUnicodeCMap`, without the codes of no character.

    ReportLab maps every code of a subset, .notdef (code 0 of subset 0) too, to its Unicode value, so that one
    maps to U+0000, which PDF/UA and PDF/A-2 forbid. Here such codes are left out, characters beyond the Basic
    Multilingual Plane are written in UTF-16 (surrogate pairs) and each block has at most 100 entries, as the
    CMap format asks.
    """
    entries = []
    for code, point in enumerate(subset):
        if point:
            entries.append(f"<{code:02X}> <{chr(point).encode('utf-16-be').hex().upper()}>")
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        blocks += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({name})",
            f"/Ordering ({name})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            *blocks,
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


class _FormattedStream(_Formatted):
    """One document's use of a `_FixedStream`: a stream is always an indirect object."""

    __RefOnly__ = 1


class _FixedStream:
    """A stream that is the same in every document (a font program, a ToUnicode map), formatted once per
    process, compressed and not, so that a document only copies its bytes."""

    def __init__(self, raw: bytes, **entries: Any) -> None:
        self._forms: dict[bool, bytes] = {}
        for compress in (False, True):
            stream = pdfdoc.PDFStream(content=zlib.compress(raw) if compress else raw)
            if compress:  # ReportLab leaves a stream that names its Filter alone
                stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
            for key, value in entries.items():
                stream.dictionary[key] = value
            self._forms[compress] = stream.format(_AnyDocument())

    def object(self, compress: bool) -> _FormattedStream:
        """A fresh object for one document (ReportLab marks each object with its number in the document)."""
        return _FormattedStream(self._forms[bool(compress)])


def _subset_name(face: Any, n: int) -> str:
    """The PDF name of subset `n` of a face, as ReportLab spells it (AAAAAA+Name, AAAAAB+Name, …)."""
    return bytes(b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX))).decode("pdfdoc")


def _font_dictionary(
    base_font: str, widths: Any, count: int, entries: dict[str, Any]
) -> pdfdoc.PDFDictionary:
    """The dictionary ReportLab's `PDFTrueTypeFont.format` writes for a subset of `count` characters."""
    return pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("TrueType"),
            "BaseFont": pdfdoc.PDFName(base_font),
            "FirstChar": 0,
            "LastChar": count - 1,
            "Widths": widths,
            **entries,
        }
    )


def _cmap_stream(name: str, subset: list[int], compress: bool) -> Any:
    stream = pdfdoc.PDFStream()
    stream.content = to_unicode_cmap(name, subset)
    if compress:
        stream.filters = [pdfdoc.PDFZCompress]
    return stream


class _SharedFace(TTFontFace):
    """A face that builds and compresses its fixed subset once and hands the same bytes to every document."""

    @cached_property
    def _fixed_program(self) -> _FixedStream:
        program = bytes(self.makeSubset(FIXED_SUBSET))
        return _FixedStream(program, Length1=len(program))

    @cached_property
    def _fixed_descriptor(self) -> _Shape:
        """Subset 0's font descriptor as ReportLab writes it, the font file's reference left open."""
        return _Shape(
            lambda holes: self._descriptor(_subset_name(self, 0), holes["FontFile2"]), ("FontFile2",)
        )

    def _descriptor(self, fontname: str, font_file_ref: Any) -> pdfdoc.PDFDictionary:
        return pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": self.ascent,
                "CapHeight": self.capHeight,
                "Descent": self.descent,
                "Flags": (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(self.bbox),
                "FontName": pdfdoc.PDFName(fontname),
                "ItalicAngle": self.italicAngle,
                "StemV": self.stemV,
                "FontFile2": font_file_ref,
                "MissingWidth": self.defaultWidth,
            }
        )

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:
        """ReportLab's own method, with the font program and descriptor of the fixed subset from the cache."""
        if subset != FIXED_SUBSET:
            return super().addSubsetObjects(doc, fontname, subset)  # type: ignore[no-untyped-call]
        font_file = self._fixed_program.object(doc.compression)
        font_file_ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
        if fontname == _subset_name(self, 0):
            descriptor: Any = self._fixed_descriptor.fill({"FontFile2": font_file_ref})
        else:
            descriptor = self._descriptor(fontname, font_file_ref)
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)


class _States(WeakKeyDictionary[Any, Any]):
    """ReportLab's per-document subset state, starting from the fixed subset 0 instead of an empty one.

    ReportLab looks the state up for every run of text it draws; the document being drawn is remembered, so
    most lookups skip the weak-keyed dictionary (which makes a weak reference on each lookup).
    """

    def __init__(self, font: SharedSubsetFont) -> None:
        super().__init__()
        self._font = font
        self._last: tuple[ref[Any], Any] | None = None

    def __getitem__(self, doc: Any) -> Any:
        last = self._last
        if last is not None and last[0]() is doc:
            return last[1]
        try:
            state = super().__getitem__(doc)
        except KeyError:
            state = self._font.fresh_state()
            super().__setitem__(doc, state)
        self._last = (ref(doc), state)
        return state

    def __setitem__(self, doc: Any, state: Any) -> None:
        self._last = None
        super().__setitem__(doc, state)

    def __delitem__(self, doc: Any) -> None:
        self._last = None
        super().__delitem__(doc)


class MissingGlyph(ValueError):
    """A character to be drawn that the face has no glyph for. ReportLab draws it as code 0, the .notdef glyph,
    with no Unicode value: PDF/UA-1 (7.21.7, 7.21.8) and PDF/A-2 (6.2.11.7.2, 6.2.11.8) forbid both. Checked
    statements never hold one (`charset`); one made in Python, or a setting, may."""

    def __init__(self, char: str) -> None:
        super().__init__(f"U+{ord(char):04X}")
        self.char = char


class SharedSubsetFont(TTFont):
    """A TrueType font for ReportLab whose subset 0 is `FIXED_SUBSET` in every document."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename, asciiReadable=True)
        # The face is already parsed; give it the caching behaviour without parsing the file a second time.
        self.face.__class__ = _SharedFace
        self.state = _States(self)
        glyphs = self.face.charToGlyph
        #: The fixed characters this face has, by code; a character it lacks is left to ReportLab (.notdef).
        self._codes = {char: code for code, char in enumerate(FIXED_SUBSET) if code and char in glyphs}
        self._assignments = {0: 0, **self._codes}
        # Subset 0 as a codec: C code maps each character to its code, and fails on any other character
        # (U+FFFE marks a code whose character this face lacks). Code 0 stays .notdef, as ReportLab has it.
        table = "".join(chr(point) if point in self._codes else "\ufffe" for point in FIXED_SUBSET[1:])
        self._fixed_codec = codecs.charmap_build("\x00" + table)
        self._widths_seen: dict[tuple[Any, float, str], float] = {}
        self._runs: dict[str, str] = {}

    def stringWidth(self, text: Any, size: float, encoding: str = "utf8") -> float:
        """ReportLab's width of `text`, remembered for short texts.

        Measuring is a tenth of a render: ReportLab measures every word of a paragraph, often several times,
        and the same words recur in every statement. The result is ReportLab's own number, so layout and
        output are unchanged.
        """
        if len(text) > WIDTH_TEXT_MAX:
            return super().stringWidth(text, size, encoding)
        key = (text, size, encoding)
        width = self._widths_seen.get(key)
        if width is None:
            if len(self._widths_seen) >= WIDTH_CACHE_MAX:
                self._widths_seen.clear()
            width = self._widths_seen[key] = super().stringWidth(text, size, encoding)
        return width

    def fresh_state(self) -> Any:
        """A document's subset state with subset 0 already full, so later characters go to subsets 1, 2, …"""
        state: Any = TTFont.State(False)  # the plain state: its ASCII set-up would be replaced at once
        state.assignments = self._assignments.copy()
        state.subsets = [list(FIXED_SUBSET)]
        state.nextCode = 256
        return state

    @cached_property
    def _fixed_objects(self) -> tuple[str, _Shape, _FixedStream]:
        """Subset 0's font name, font dictionary and ToUnicode map, the same in every document."""
        name = _subset_name(self.face, 0)
        widths = _Formatted(pdfdoc.PDFArray(self._widths(FIXED_SUBSET)).format(None))
        font = _Shape(
            lambda holes: _font_dictionary(name, widths, len(FIXED_SUBSET), holes),
            ("Name", "ToUnicode", "FontDescriptor"),
        )
        return name, font, _FixedStream(to_unicode_cmap(name, FIXED_SUBSET).encode("latin-1"))

    def _widths(self, subset: list[int]) -> list[int]:
        face: Any = self.face
        return [face.getCharWidth(code) for code in subset]

    def addObjects(self, doc: Any) -> None:
        """ReportLab's own method (one font object per subset), with subset 0's parts taken from the cache."""
        state = self.state[doc]
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            font: Any
            if n == 0 and subset == FIXED_SUBSET:
                name, shape, cmap = self._fixed_objects
                to_unicode = doc.Reference(cmap.object(doc.compression), "toUnicodeCMap:" + name)
                descriptor = self.face.addSubsetObjects(doc, name, subset)  # type: ignore[no-untyped-call]
                font = shape.fill(
                    {
                        "Name": pdfdoc.PDFName(internal_name),
                        "ToUnicode": to_unicode,
                        "FontDescriptor": descriptor,
                    }
                )
            else:
                name = _subset_name(self.face, n)
                font = pdfdoc.PDFTrueTypeFont()
                font.Name = internal_name
                font.FirstChar = 0
                font.LastChar = len(subset) - 1
                font.Widths = pdfdoc.PDFArray(self._widths(subset))
                font.BaseFont = name
                font.ToUnicode = doc.Reference(
                    _cmap_stream(name, subset, doc.compression), "toUnicodeCMap:" + name
                )
                font.FontDescriptor = self.face.addSubsetObjects(doc, name, subset)  # type: ignore[no-untyped-call]
            font.__Comment__ = f"Font {self.fontName} subset {n}"
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]

    def fixed_bytes(self, text: str) -> bytes | None:
        """`text` encoded in the fixed subset (0), the same in every document; None if it has other characters."""
        if _NBSP in text:
            text = text.replace(_NBSP, " ")  # as ReportLab does: a no-break space is drawn as a space
        try:
            encoded: bytes = codecs.charmap_encode(text, "strict", self._fixed_codec)[0]
        except UnicodeEncodeError:
            return None
        if b"\0" in encoded:  # a NUL: code 0 is .notdef (the codec maps it there), the slow way refuses it
            return None
        return encoded

    def fixed_run(self, text: str) -> str | None:
        """`(…) Tj` of `text` in the fixed subset, as ReportLab's text objects write it (its bytes escaped by
        `escapePDF`, the canvas's `_escape`), the same in every document; None if it has other characters.
        Short texts are remembered."""
        run = self._runs.get(text)
        if run is None:
            data = self.fixed_bytes(text)
            if data is None:
                return None
            run = f"({escapePDF(data)}) Tj"
            if len(text) <= RUN_TEXT_MAX:
                if len(self._runs) >= RUN_CACHE_MAX:
                    self._runs.clear()
                self._runs[text] = run
        return run

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        """ReportLab's (subset, bytes) runs; text made only of fixed characters is one run in subset 0."""
        if isinstance(text, str):
            if not text:
                return []
            fixed = self.fixed_bytes(text)
            if fixed is not None:
                return [(0, fixed)]
            text = text.replace(_NBSP, " ")  # drawn as a space in the other subsets too, as before
            glyphs = self.face.charToGlyph
            for char in text:  # ReportLab would draw a character the face lacks as .notdef (code 0)
                if ord(char) not in glyphs:
                    raise MissingGlyph(char)
        result: list[tuple[int, bytes]] = super().splitString(text, doc, encoding)
        return result


#: `pdfmetrics.stringWidth` for ReportLab's paragraphs, the widths of the last `PARAGRAPH_WIDTHS_KEPT` texts
#: remembered. A paragraph measures every word and hyphenation candidate, most of them measured before, and a
#: width remembered by `functools.lru_cache` is answered in C: no bytecode of Python's at all, where a function of
#: ours asking a face's memory ran a dozen for each of some thousand words a statement (and the interpreter's
#: time follows the bytecodes it runs more than their instructions). A text not remembered takes ReportLab's way
#: (through the face's own memory), so the numbers are the same.
_remembered_width = lru_cache(maxsize=PARAGRAPH_WIDTHS_KEPT)(_string_width)


def install_paragraph_widths() -> None:
    """Let ReportLab's paragraph module measure through `_remembered_width` (calling again changes nothing)."""
    paragraph.stringWidth = _remembered_width  # type: ignore[attr-defined]
