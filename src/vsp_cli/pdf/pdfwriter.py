"""ReportLab's PDF writer with the two pure functions it calls for every dictionary key and value remembered,
and objects whose bytes are ready written without its generic formatting.

Writing a document's objects is a seventh of a render, and much of that went into turning the same names
(/Type, /Font, /Parent, …) and numbers into bytes again and again: `PDFName` escapes a name character by
character, and `pdfdocEnc` encodes through a codec written in Python. `install` replaces both, in ReportLab's
`pdfdoc` module, with versions that remember short inputs. They return what the originals return, so every
PDF written in the process, by vsp or by other code, is byte-for-byte the same.

`Ready` objects (the structure tree's root, the output intent, the metadata) hold their finished bytes, a
`ReadyRun` those of many consecutive objects (the structure tree's elements); `install` also gives ReportLab's
indirect objects and its document writer a short way for them and for the cross-reference table, with the
bytes its own way writes (vsp never encrypts, so their strings need no encryption).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

#: Inputs longer than this are passed through: names and numbers are short, text strings are not worth keeping.
MEMO_TEXT_MAX = 64
#: Entries kept before a memo starts afresh (a long-running process meets unbounded many distinct numbers).
MEMO_MAX = 8192

_original_name = pdfdoc.PDFName
_original_encode = pdfdoc.pdfdocEnc

_T = TypeVar("_T")


class _Memo(dict[str, _T]):
    """What a pure function of one text gave, computed on the first lookup (`__missing__`) and kept: a hit is
    a plain dictionary lookup. Starts afresh when full."""

    def __init__(self, function: Callable[[str], _T]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, text: str) -> _T:
        if len(self) >= MEMO_MAX:
            self.clear()
        value = self[text] = self.function(text)
        return value


_names = _Memo(_original_name)
_encoded = _Memo(_original_encode)


def _ascii_exceptions() -> re.Pattern[str]:
    """The ASCII characters pdfdoc does not encode as ASCII does (it has other glyphs at 0x18-0x1F)."""
    odd = []
    for code in range(128):
        try:
            same = chr(code).encode("extpdfdoc") == bytes([code])
        except UnicodeEncodeError:
            same = False
        if not same:
            odd.append(re.escape(chr(code)))
    return re.compile("|".join(odd) or "(?!)")


_NOT_ASCII_IN_PDFDOC = _ascii_exceptions()
#: `PDFName`'s default bounds of the characters a name keeps unescaped.
_LO, _HI = chr(0x21), chr(0x7E)


def _name(data: Any, lo: Any = _LO, hi: Any = _HI) -> str:
    """`pdfdoc.PDFName`, remembered for short names given with ReportLab's default bounds."""
    if lo != _LO or hi != _HI or type(data) is not str or len(data) > MEMO_TEXT_MAX:
        return _original_name(data, lo, hi)
    return _names[data]


def _encode(x: Any) -> Any:
    """`pdfdoc.pdfdocEnc`, remembered for short texts; a long ASCII text (the cross-reference table) is
    encoded by Python's C codec, which gives the same bytes for every character pdfdoc maps to itself."""
    if type(x) is not str:
        return _original_encode(x)
    if len(x) > MEMO_TEXT_MAX:
        if x.isascii() and not _NOT_ASCII_IN_PDFDOC.search(x):
            return x.encode("ascii")
        return _original_encode(x)
    return _encoded[x]


class Ready(pdfdoc.PDFObject):
    """An indirect object whose bytes are ready (`data`, set before the document is written)."""

    __RefOnly__ = 1
    data = b""

    def __init__(self, data: bytes = b"") -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


class ReadyRun(pdfdoc.PDFObject):
    """Consecutive indirect objects whose bytes are ready, registered as one (`reserve_run`): a tagged statement
    has hundreds of structure elements, and a name, an object and three table entries each cost more than
    making their bytes. `objects`: each object as ReportLab writes it (`_ready_bytes`: `N 0 obj`, a line end, its
    bytes, a line end and `endobj`), in number order from `first`."""

    __RefOnly__ = 1

    def __init__(self, first: int) -> None:
        self.first = first
        self.objects: list[bytes] = []


def reserve_run(document: Any, prefix: str, count: int) -> ReadyRun:
    """A `ReadyRun` of `count` objects numbered from the document's next number on, named by `prefix` and their
    index (the first alone is registered); the objects registered after it come after them. A run has at least
    one object."""
    if count < 1:
        raise ValueError(f"a run of {count} objects")
    first: int = document.objectcounter + 1
    run = ReadyRun(first)
    document.Reference(run, f"{prefix}0")
    document.objectcounter = first + count - 1
    return run


def _expand_runs(document: Any) -> None:
    """Each object of a run registered as a `Ready` object of its own, for ReportLab's own writer."""
    for first_name, run in list(document.idToObject.items()):
        if type(run) is not ReadyRun:
            continue
        prefix = first_name[:-1]
        for index, data in enumerate(run.objects):
            ready = Ready(data[data.index(b"\n") + 1 : -len(_END)])  # the bytes between `obj` and `endobj`
            name = ready.__InternalName__ = f"{prefix}{index}"  # type: ignore[attr-defined]
            document.idToObjectNumberAndVersion[name] = (run.first + index, 0)
            document.numberToId[run.first + index] = name
            document.idToObject[name] = ready


_END = b"\nendobj\n"
_original_indirect = pdfdoc.PDFIndirectObject.format


def _indirect(self: Any, document: Any) -> bytes:
    """`PDFIndirectObject.format`, without the generic formatting for a `Ready` object's bytes."""
    content = self.content
    if type(content) is not Ready:
        data: bytes = _original_indirect(self, document)
        return data
    number, version = document.idToObjectNumberAndVersion[self.name]
    document.encrypt.register(number, version)
    return _ready_bytes(number, version, content.data)


def _ready_bytes(number: int, version: int, ready: bytes) -> bytes:
    """A `Ready` object as an indirect object, as ReportLab writes one."""
    return b"%d %d obj\n%s%sendobj\n" % (number, version, ready, b"" if ready.endswith(b"\n") else b"\n")


_original_format = pdfdoc.PDFDocument.format


def _document(self: Any) -> bytes:
    """`PDFDocument.format`: the objects in number order, the cross-reference table and the trailer, with the
    bytes ReportLab writes; a `Ready` object and the table's entries are written straight, without an
    indirect object, a format dispatch and an encoding per object (a tagged statement has hundreds of
    structure elements). Encrypted or signed documents and PDF comments take ReportLab's own way."""
    if (
        type(self.encrypt) is not pdfdoc.NoEncryption
        or getattr(self, "_digiSigs", None)
        or (not rl_config.invariant and rl_config.pdfComments)
    ):
        _expand_runs(self)
        data: bytes = _original_format(self)
        return data
    catalog, info = self.Catalog, self.info
    self.Reference(catalog)
    self.Reference(info)
    number_to_id = self.numberToId
    numbers = self.idToObjectNumberAndVersion
    objects = self.idToObject
    offsets = self.idToOffset
    self.__accum__ = file = pdfdoc.PDFFile(self._pdfVersion)
    strings = file.strings
    entries = []
    counter = 1
    unnamed = 0  # the objects of runs but their first: numbered, without a name
    while counter in number_to_id:  # objects may be added while others are written
        oid = number_to_id[counter]
        obj = objects[oid]
        if type(obj) is ReadyRun:
            offset = offsets[oid] = file.offset
            for data in obj.objects:
                entries.append(b"%010d 00000 n " % offset)
                offset += len(data)
            strings += obj.objects
            file.offset = offset
            counter += len(obj.objects)
            unnamed += len(obj.objects) - 1
            continue
        if type(obj) is Ready:
            number, version = numbers[oid]
            formatted = _ready_bytes(number, version, obj.data)
            offset = file.offset
            file.offset = offset + len(formatted)
            strings.append(formatted)
        else:
            offset = file.add(pdfdoc.PDFIndirectObject(oid, obj).format(self))
            number, version = numbers[oid]
        offsets[oid] = offset
        entries.append(b"%010d %05d n " % (offset, version))
        counter += 1
    del self.__accum__
    count = len(number_to_id) + unnamed
    if counter - 1 != count:
        raise ValueError(f"counter {counter} doesn't match number to id dictionary {count}")
    # the cross-reference table as PDFCrossReferenceTable writes it: the objects are numbered 1, 2, … here
    xref = b"\n".join([b"xref\n0 %d" % (count + 1), b"0000000000 65535 f ", *entries, b""])
    trailer = pdfdoc.PDFTrailer(
        startxref=file.add(xref),
        Size=count + 1,
        Root=self.Reference(catalog),
        Info=self.Reference(info),
        ID=self.ID(),
    )
    file.add(trailer.format(self))
    return b"".join(strings)


def install() -> None:
    """Put the remembering versions in place (once; calling again changes nothing)."""
    pdfdoc.PDFName = _name
    pdfdoc.pdfdocEnc = _encode
    pdfdoc.PDFIndirectObject.format = _indirect  # type: ignore[method-assign]
    pdfdoc.PDFDocument.format = _document  # type: ignore[method-assign]
