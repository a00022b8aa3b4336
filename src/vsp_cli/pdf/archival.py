"""What makes a vsp PDF a PDF/A-2a (ISO 19005-2) and PDF/UA-1 (ISO 14289-1) file besides its structure tree.

Written inside ReportLab's own writer, never by parsing the file again: the XMP metadata packet (the document
information, `pdfaid` part 2 conformance A, `pdfuaid` part 1 and the PDF/A extension schema that declares it),
an sRGB output intent (`color/sRGB-v2-magic.icc`, public domain), `/MarkInfo`, `/StructTreeRoot` and
`/OutputIntents` in the catalogue, `/StructParents` and `/Tabs /S` on every page (and no empty `/Trans`), a
PDF 1.7 header, and the stream syntax PDF/A asks for (an end-of-line marker before `endstream`; ReportLab
writes none). The last is a patch of ReportLab's `PDFStream.format` that acts only on documents marked with
`ARCHIVAL`, so other PDFs written in the process stay as ReportLab writes them.
"""

from __future__ import annotations

import zlib
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfdoc

from ..limits import MAX_PDF_STRING as MAX_STRING  # the longest string PDF/A-2 allows
from .flowables import attribute_markup
from .pdfwriter import Ready

#: The attribute that marks a ReportLab document as one vsp writes as PDF/A.
ARCHIVAL = "vsp_archival"
ICC_PROFILE = Path(__file__).resolve().parents[1] / "color" / "sRGB-v2-magic.icc"
#: The output condition the profile stands for.
SRGB = "sRGB IEC61966-2.1"

_PAGE_KEYS = [*pdfdoc.PDFPage.__NoDefault__, "StructParents", "Tabs"]
_CATALOG_KEYS = [*pdfdoc.PDFCatalog.__NoDefault__, "OutputIntents"]


def _string_size(text: str) -> int:
    """Bytes of `text` as ReportLab writes a text string: PDFDocEncoding, else UTF-16BE with its BOM."""
    try:
        return len(text.encode("pdfdoc"))
    except UnicodeEncodeError:
        return 2 + len(text.encode("utf-16-be"))


def pdf_text(text: str, limit: int = MAX_STRING) -> str:
    """`text` for a string of the document information: as it is if it fits `limit` bytes, else cut after a word
    with „ …“. A statement's Betreff or Einreicher may be longer than PDF/A allows a string to be."""
    if 4 * len(text) + 2 <= limit:  # fits in any encoding (a character takes at most four bytes)
        return text
    size = _string_size(text)
    keep = len(text)
    while size > limit:
        keep = min(keep - 1, keep * limit // size)
        cut = text[:keep]
        space = cut.rfind(" ")
        text = (cut[:space] if space > 0 else cut).rstrip() + " …"
        size = _string_size(text)
    return text


def _eol(content: bytes) -> bytes:
    """The end-of-line marker before `endstream`: CR LF after content that ends in CR (a lone LF would make
    CR LF of its last byte, one byte less of /Length for a reader), else LF."""
    return b"\r\n" if content.endswith(b"\r") else b"\n"


def stream(dictionary: bytes, content: bytes) -> bytes:
    """A stream object's bytes as PDF/A wants them: /Length of the content, an EOL before `endstream`."""
    return b"<< %s /Length %d >>\nstream\n%s%sendstream" % (dictionary, len(content), content, _eol(content))


@cache
def _icc_stream() -> bytes:
    profile = ICC_PROFILE.read_bytes()
    return stream(b"/N 3 /Filter /FlateDecode", zlib.compress(profile, 9))


_INTENT = (
    b"<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (%s) /Info (%s)"
    b" /RegistryName (http://www.color.org) /DestOutputProfile %%d 0 R >>" % (SRGB.encode(), SRGB.encode())
)


def add_output_intent(document: Any) -> None:
    """The sRGB output intent every PDF/A file needs for its device-dependent (RGB) colours."""
    numbers = document.idToObjectNumberAndVersion
    document.Reference(Ready(_icc_stream()), "OutputProfile")
    document.Reference(Ready(_INTENT % numbers["OutputProfile"][0]), "OutputIntent")
    catalog = document.Catalog
    catalog.__NoDefault__ = _CATALOG_KEYS
    catalog.OutputIntents = b"[%d 0 R]" % numbers["OutputIntent"][0]


def finish_page(page: Any, struct_parents: int) -> None:
    """A page's entries for tagged PDF: its key in the parent tree, tab order by structure, no empty /Trans."""
    page.__NoDefault__ = _PAGE_KEYS
    page.StructParents = struct_parents
    page.Tabs = pdfdoc.PDFName("S")
    page.Trans = None


def finish_catalog(document: Any, tree_root: str) -> None:
    catalog = document.Catalog
    catalog.StructTreeRoot = pdfdoc.PDFObjectReference(tree_root)
    catalog.MarkInfo = b"<< /Marked true >>"
    catalog.Metadata = Ready(b"")  # filled in by `add_metadata`, once the information is final
    add_output_intent(document)


def add_metadata(document: Any) -> None:
    """The XMP packet, from the document information ReportLab writes (they must agree)."""
    info = document.info
    stamp = document._timeStamp
    # a statement without a date has none in the document information, so none here either
    date = None if getattr(info, "undated", False) else _xmp_date(stamp.YMDhms, stamp.dhh, stamp.dmm)
    packet = xmp_packet(
        title=info.title,
        author=info.author,
        subject=info.subject,
        keywords=info.keywords,
        creator=info.creator,
        producer=info.producer,
        date=date,
    )
    document.Catalog.Metadata.data = stream(b"/Type /Metadata /Subtype /XML", packet)


def _xmp_date(ymdhms: Any, hours: int, minutes: int) -> str:
    year, month, day, hour, minute, second = ymdhms[:6]
    sign = "+" if hours >= 0 else "-"
    return (
        f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
        f"{sign}{abs(hours):02d}:{minutes:02d}"
    )


def xmp_packet(
    *, title: str, author: str, subject: str, keywords: str, creator: str, producer: str, date: str | None
) -> bytes:
    x = attribute_markup  # xml.sax.saxutils.escape with `"`, without its imports (`flowables.escape`)

    dates = (
        ""
        if date is None
        else f"<xmp:CreateDate>{date}</xmp:CreateDate>\n<xmp:ModifyDate>{date}</xmp:ModifyDate>\n"
        f"<xmp:MetadataDate>{date}</xmp:MetadataDate>\n"
    )

    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
  xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
  xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
  xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
  xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{x(title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{x(author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{x(subject)}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>de-DE</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{x(keywords)}</pdf:Keywords>
<pdf:Producer>{x(producer)}</pdf:Producer>
<xmp:CreatorTool>{x(creator)}</xmp:CreatorTool>
{dates}<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>A</pdfaid:conformance>
<pdfuaid:part>1</pdfuaid:part>
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the document conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


_original_stream_format = pdfdoc.PDFStream.format
_ENDSTREAM = b"endstream\n"


def _stream_format(self: Any, document: Any) -> bytes:
    """ReportLab's stream, with the end-of-line marker PDF/A requires before `endstream` (not counted in
    /Length) in the documents vsp marks as archival."""
    data: bytes = _original_stream_format(self, document)
    if getattr(document, ARCHIVAL, False) and data.endswith(_ENDSTREAM):
        content = data[: -len(_ENDSTREAM)]
        return content + _eol(content) + _ENDSTREAM
    return data


def install() -> None:
    """Put the stream patch in place (once; calling again changes nothing)."""
    pdfdoc.PDFStream.format = _stream_format  # type: ignore[method-assign]
