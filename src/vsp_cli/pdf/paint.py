"""Fill and stroke colours set as ReportLab's canvas and text objects set them (`setFillColor`,
`setStrokeColor`), without its generic way for the colours vsp uses: an RGB `Color` or a colour's name.

ReportLab parses a colour's name anew on every call and formats the same three numbers again, 15,000 to 28,000
instructions a colour, and every text object, table and footer sets one (30 to 60 of them in a statement).
`fill` and `stroke` write the same operator and keep the same state (the colour object, the alpha through the
object's own `setFillAlpha`/`setStrokeAlpha`); any other colour (CMYK, a tuple, an explicit alpha, an enforced
colour space) is left to ReportLab (they return False).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import Color, toColor
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfdoc import PDF_SUPPORT_VERSION

#: The operators of a colour's red, green and blue (`fp_str` of the three, with `rg` and `RG`); few and recurring.
_OPERATORS: dict[tuple[float, float, float], tuple[str, str]] = {}
#: Colours by name, as `toColor` gives them; few and recurring.
_NAMED: dict[str, Color] = {}
_MEMO_MAX = 256


def _rgb(value: Any) -> Color | None:
    """The plain RGB `Color` that `value` is or names, else None."""
    if type(value) is Color:
        return value
    if type(value) is str:
        color = _NAMED.get(value)
        if color is None:
            found = toColor(value)  # raises for a name that is no colour, as ReportLab would
            if type(found) is not Color:
                return None
            color = found
            if len(_NAMED) < _MEMO_MAX:
                _NAMED[value] = color
        return color
    return None


def _operators(color: Color) -> tuple[str, str]:
    key = (color.red, color.green, color.blue)
    found = _OPERATORS.get(key)
    if found is None:
        numbers = fp_str(key)
        found = (f"{numbers} rg", f"{numbers} RG")
        if len(_OPERATORS) >= _MEMO_MAX:
            _OPERATORS.clear()
        _OPERATORS[key] = found
    return found


def fill(target: Any, value: Any, alpha: Any) -> bool:
    """`target.setFillColor(value, alpha)` done for a plain RGB colour (True), else nothing (False)."""
    return _paint(target, value, alpha, stroke=False)


def stroke(target: Any, value: Any, alpha: Any) -> bool:
    """`target.setStrokeColor(value, alpha)` done for a plain RGB colour (True), else nothing (False)."""
    return _paint(target, value, alpha, stroke=True)


def _paint(target: Any, value: Any, alpha: Any, *, stroke: bool) -> bool:
    if alpha is not None or target._enforceColorSpace:
        return False
    color = _rgb(value)
    if color is None:
        return False
    if stroke:
        target._strokeColorObj = color
    else:
        target._fillColorObj = color
    target._code.append(_operators(color)[stroke])
    alpha = color.alpha
    if alpha is not None and not _alpha_in_force(target, alpha, stroke):
        (target.setStrokeAlpha if stroke else target.setFillAlpha)(alpha)
    return True


#: The least PDF version ReportLab's alpha setters raise the document to.
_TRANSPARENCY: tuple[int, int] = PDF_SUPPORT_VERSION["transparency"]


def _alpha_in_force(target: Any, alpha: Any, stroke: bool) -> bool:
    """Whether ReportLab's `setStrokeAlpha`/`setFillAlpha` of `alpha` would change nothing: the graphics state
    has that alpha already (an opaque colour's 1, its default) and the document's version is one that allows
    transparency. ReportLab would check the value, raise the version and compare the state again for each
    colour set, to write nothing."""
    canvas = getattr(target, "_canvas", target)  # a text object's canvas, or the canvas
    if canvas._doc._pdfVersion < _TRANSPARENCY:
        return False
    state = canvas._extgstate
    return bool(state._d.get("CA" if stroke else "ca", state.defaults["CA" if stroke else "ca"]) == alpha)


class DirectColours:
    """`setFillColor` and `setStrokeColor` through `fill` and `stroke`, for a class whose next base is
    ReportLab's canvas or text object (they have the same two methods)."""

    def setFillColor(self, aColor: Any, alpha: Any = None) -> None:
        if not fill(self, aColor, alpha):
            super().setFillColor(aColor, alpha)  # type: ignore[misc]

    def setStrokeColor(self, aColor: Any, alpha: Any = None) -> None:
        if not stroke(self, aColor, alpha):
            super().setStrokeColor(aColor, alpha)  # type: ignore[misc]
