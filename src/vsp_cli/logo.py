"""The logo of the PDF header: read, checked and decoded once per process and file, embedded by its content.

A logo may come with a repository vsp does not trust. The configuration reads only its header (`config`); here
the image is decoded, with Pillow (which ReportLab itself needs), and only then is its size trusted: a PNG can
put a chunk before its header, and a small file can decode to gigabytes. Pillow's own decompression-bomb
guard refuses the grossest cases while opening; the pixel count of the image as opened is then held against
`MAX_LOGO_PIXELS`, and the image is decoded in full and converted as the PDF embeds it, so that broken data is a
located configuration error (`image-broken`) before any page is drawn: the other statements of a batch still
render.

A logo is decoded once per process and file (cached by path, size, times and inode, a failure too) and
embedded once per process: every PDF gets a copy of the same compressed image object, named by the image's
content, so that a PDF is the same wherever the logo lies.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic, german_number, quote_path, shorten
from .errors import ConfigError
from .fileio import os_reason, read_regular
from .kept import Kept
from .limits import MAX_LOGO_BYTES, MAX_LOGO_PIECES, MAX_LOGO_PIXELS, MAX_LOGO_SCANS

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas


@dataclass(eq=False)
class Logo:
    """A decoded logo: its size in pixels and what ReportLab draws."""

    path: Path
    width: int
    height: int
    reader: ImageReader
    #: The image's name in the PDF: from its content, never from where the file lies.
    name: str
    _image: Any = field(default=None, repr=False)

    def draw(self, canv: Canvas, x: float, y: float, width: float, height: float) -> None:
        """Draw the logo as `Canvas.drawImage(…, mask="auto")` does, with the image object made once."""
        doc: Any = canv._doc  # type: ignore[attr-defined]
        registered = doc.getXObjectName(self.name)
        if registered not in doc.idToObject:
            image = copy.copy(self._xobject())
            canv._setXObjects(image)  # type: ignore[attr-defined]
            doc.Reference(image, registered)
            doc.addForm(self.name, image)
            smask = getattr(image, "_smask", None)
            if smask is not None:  # the alpha channel, an image of its own
                smask = copy.copy(smask)
                mask_name = doc.getXObjectName(smask.name)
                if mask_name in doc.idToObject:
                    from reportlab.pdfbase.pdfdoc import PDFObjectReference

                    image.smask = PDFObjectReference(mask_name)
                else:
                    canv._setXObjects(smask)  # type: ignore[attr-defined]
                    image.smask = doc.Reference(smask, mask_name)
                del image._smask
        canv._currentPageHasImages = 1  # type: ignore[attr-defined]
        canv.saveState()
        canv.translate(x, y)
        canv.scale(width, height)
        canv._code.append(f"/{registered} Do")  # type: ignore[attr-defined]
        canv.restoreState()
        canv._formsinuse.append(self.name)  # type: ignore[attr-defined]

    def _xobject(self) -> Any:
        """The compressed image object, made at the first draw: inside a render, whose settings it follows."""
        if self._image is None:
            from reportlab.pdfbase.pdfdoc import PDFImageXObject

            self._image = PDFImageXObject(self.name, self.reader, mask="auto")
        return self._image


def load(path: Path) -> Logo:
    """The logo in `path`, decoded once per process and file; raises `ConfigError` (located at the file) if
    it cannot be read, is too large or is broken."""
    try:
        info = os.stat(path)
    except OSError as exc:
        message = f"Das Logo {quote_path(path)} kann nicht gelesen werden: {os_reason(exc)}"
        raise _error(path, "image-broken", message) from None
    found = _load(str(path), (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev))
    if isinstance(found, ConfigError):
        raise found
    return found


#: Logos decoded (or refused) by this process, by file and stamp: at most eight, and decoded pixels of at most
#: MAX_LOGO_PIXELS together. A decoded logo takes some ten bytes a pixel (the image and the pixels as the PDF
#: embeds them): ten folders of a repository, each with a vsp.toml naming its own logo of 4000 × 4000 pixels (a
#: PNG of 70 kB), took 1.4 GB in every process when eight logos of any size were kept.
_kept: Kept[tuple[str, tuple[int, ...]], Logo | ConfigError] = Kept(8, MAX_LOGO_PIXELS)


def _load(path: str, stamp: tuple[int, ...]) -> Logo | ConfigError:
    key = (path, stamp)
    found = _kept.get(key)
    if found is None:
        try:
            found = _decoded(Path(path))
        except ConfigError as exc:
            found = exc
        _kept.put(key, found, _pixels(found))
    return found


def _pixels(found: Logo | ConfigError) -> int:
    return 0 if isinstance(found, ConfigError) else found.width * found.height


def _decoded(path: Path) -> Logo:
    try:
        data = read_regular(path, MAX_LOGO_BYTES + 1)
    except OSError as exc:
        message = f"Das Logo {quote_path(path)} kann nicht gelesen werden: {os_reason(exc)}"
        raise _error(path, "image-broken", message) from None
    if len(data) > MAX_LOGO_BYTES:
        raise _error(
            path,
            "image-too-large",
            f"Das Logo {quote_path(path)} hat mehr als {german_number(MAX_LOGO_BYTES)} Bytes (Grenze MAX_LOGO_BYTES)",
        )
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    if _pieces(data) > MAX_LOGO_PIECES:
        raise _error(
            path,
            "image-too-large",
            f"Das Logo {quote_path(path)} besteht aus mehr als {german_number(MAX_LOGO_PIECES)} Blöcken (Grenze "
            "MAX_LOGO_PIECES); so viele hat kein Bild. Bitte neu speichern",
        )
    width = height = 0
    try:
        with warnings.catch_warnings():
            # Pillow's notes on odd data, in English on stderr: the bomb warning (the limit below is lower), a
            # corrupt EXIF block (its orientation is then passed over, as viewers do)
            warnings.simplefilter("ignore")
            image: PILImage = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_LOGO_PIXELS:
                raise _too_many_pixels(path, width, height)
            if image.format not in ("PNG", "JPEG", "MPO"):  # MPO: a JPEG with more pictures after the first
                raise _error(
                    path, "not-an-image", f"Das Logo {quote_path(path)} ist kein PNG- oder JPEG-Bild"
                )
            if image.format in ("JPEG", "MPO") and _scans(data) > MAX_LOGO_SCANS:
                raise _error(
                    path,
                    "image-too-large",
                    f"Das Logo {quote_path(path)} besteht aus mehr als {MAX_LOGO_SCANS} Durchgängen (Scans) "
                    f"(Grenze MAX_LOGO_SCANS); ein JPEG hat höchstens etwa zehn. Bitte neu speichern",
                )
            image.load()  # decoded in full: broken data is found here, not while a page is drawn
            image = _upright(image)
            if image.mode == "CMYK":
                # PDF/A: with the sRGB output intent no image may be DeviceCMYK; the colours as viewers show them
                image = image.convert("RGB")
            width, height = image.size
            reader = ImageReader(image)
            _convert(reader)
    except Image.DecompressionBombError:
        raise _error(
            path,
            "image-too-large",
            f"Das Logo {quote_path(path)} hätte entpackt weit mehr als {german_number(MAX_LOGO_PIXELS)} "
            "Bildpunkte (Grenze MAX_LOGO_PIXELS); bitte verkleinern",
        ) from None
    except MemoryError:
        raise _too_many_pixels(path, width, height) from None
    except ConfigError:
        raise
    except Exception as exc:  # Pillow raises many kinds for broken data (OSError, SyntaxError, zlib.error, …)
        reason = _reason(exc)
        raise _error(
            path,
            "image-broken",
            f"Das Logo {quote_path(path)} ist beschädigt und kann nicht gelesen werden ({reason}); bitte die Datei "
            "neu speichern",
        ) from None
    name = hashlib.sha256(data).hexdigest()[:32]  # as long as the names ReportLab gives
    return Logo(path, width, height, reader, name)


_PNG = b"\x89PNG\r\n\x1a\n"


def _pieces(data: bytes) -> int:
    """How many pieces Pillow reads one by one in Python to open the image (counted up to just past
    MAX_LOGO_PIECES): a PNG's chunks up to IEND, a JPEG's markers, fill and stray bytes before its first scan,
    read as Pillow's `JpegImageFile._open` reads them. The pixels themselves are decoded in C."""
    count = 0
    if data.startswith(_PNG):
        at = len(_PNG)
        while at + 8 <= len(data) and count <= MAX_LOGO_PIECES:
            count += 1
            if data[at + 4 : at + 8] == b"IEND":
                break
            at += 12 + int.from_bytes(data[at : at + 4], "big")
    elif data.startswith(b"\xff\xd8\xff"):
        from PIL.JpegImagePlugin import MARKER

        at, current = 3, 0xFF  # Pillow has read FF D8 FF and goes on from that FF
        while current >= 0 and count <= MAX_LOGO_PIECES:
            count += 1
            if current != 0xFF:  # a stray byte, skipped one at a time
                current, at = (data[at], at + 1) if at < len(data) else (-1, at)
                continue
            if at >= len(data):
                break
            marker, at = 0xFF00 | data[at], at + 1
            if marker in MARKER:
                if MARKER[marker][2] is not None:  # a segment: its length counts itself
                    length = int.from_bytes(data[at : at + 2], "big")
                    if length < 2:  # Pillow then reads the rest of the file at once
                        break
                    at += length
                if marker == 0xFFDA:  # the first scan: the rest is read in C
                    break
                current, at = (data[at], at + 1) if at < len(data) else (-1, at)
            elif marker == 0xFFFF:  # a fill byte; the second FF may start the marker
                current = 0xFF
            elif marker == 0xFF00:
                current, at = (data[at], at + 1) if at < len(data) else (-1, at)
            else:  # no marker: Pillow gives up
                break
    return count


def _scans(data: bytes) -> int:
    """At least as many scans as the JPEG `data` has: every start of scan is the marker FF DA, which the coded
    data of a scan never holds (an FF there is followed by 00 or a restart marker). A thumbnail or a second
    picture (MPO) inside the file counts too: a few more, never fewer."""
    return data.count(b"\xff\xda")


def _upright(image: PILImage) -> PILImage:
    """The image as viewers (and the Markdown's reader) show it: turned or mirrored as its EXIF orientation says
    (a camera stores a picture as taken and notes how to turn it), by Pillow in place, so that the image keeps its
    format (ReportLab reads a PNG's palette transparency only from a PNG). Broken EXIF data is passed over, as
    viewers do."""
    from PIL import ImageOps

    with contextlib.suppress(Exception):
        ImageOps.exif_transpose(image, in_place=True)
    return image


def _convert(reader: ImageReader) -> None:
    """Convert the pixels as the PDF will (to RGB or gray, with the alpha channel or transparent colour
    apart), so that data Pillow decodes but cannot convert (a palette image whose transparency lists more
    entries than its palette has) fails here, not while a page is drawn. ReportLab keeps the result for the draw.
    """
    converted: Any = reader
    try:
        converted.getRGBData()
        if converted._dataA is not None:  # an alpha channel: the PDF asks for no transparent colour then
            converted._dataA.getRGBData()
        else:
            converted.getTransparent()
    except Exception as exc:
        context = exc.__context__  # ReportLab raises Pillow's error again with object ids added
        raise (context if isinstance(context, Exception) and type(context) is type(exc) else exc) from None


def _reason(exc: Exception) -> str:
    """Why Pillow could not read the image, in its words and shortened; for data it recognises as no image at all
    in vsp's, as its own names the object read from (`<_io.BytesIO object at 0x7f…>`, different in every run)."""
    from PIL import UnidentifiedImageError

    if isinstance(exc, UnidentifiedImageError):
        return "kein Bild zu erkennen"
    return shorten(str(exc) or type(exc).__name__, 120)


def _too_many_pixels(path: Path, width: int, height: int) -> ConfigError:
    return _error(
        path,
        "image-too-large",
        f"Das Logo {quote_path(path)} hat {width} × {height} Bildpunkte; ein Logo braucht höchstens "
        f"{german_number(MAX_LOGO_PIXELS)} Bildpunkte (Grenze MAX_LOGO_PIXELS); bitte verkleinern",
    )


def _error(path: Path, code: str, message: str) -> ConfigError:
    return ConfigError([Diagnostic.for_file(path, code, message)])
