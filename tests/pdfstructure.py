"""Reading a tagged PDF back with pikepdf: the structure tree, the marked content of every page, and the checks a
PDF/UA validator makes of them, independent of any validator (so that page-validation can be swapped); the
rules veraPDF computes from font programs, table grids and annotation flags are in `pdfrules`.

`struct_text` prints the tree as poppler's `pdfinfo -struct-text` does (22.12 and later), so a golden can be
compared with either; `problems` lists what is wrong with the tagging (an empty list: nothing).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pikepdf

from pdfrules import (
    annotation_problems,
    font_problems,
    link_annotation_problems,
    structure_problems,
    table_problems,
    to_unicode,
)

#: How poppler classifies the standard roles in its output („(block)“, „(inline)“ or nothing).
_BLOCK = frozenset({"P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody", "Table"})
_INLINE = frozenset(
    {"Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "Warichu"}
)
#: The structure types PAC 2024 checks for text of whitespace alone.
_TEXT_ROLES = frozenset(
    {
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "P",
        "Lbl",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Annot",
    }
)
#: The subtypes of a pagination artifact in PDF 1.7 (ISO 32000-1, table 330); no other artifact has one.
_SUBTYPES = frozenset({"/Header", "/Footer", "/Watermark"})
_TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})
_PAINTING = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do"})


@dataclass
class Element:
    role: str
    objgen: tuple[int, int]
    alt: str | None = None
    id: str | None = None
    actual_text: str | None = None
    attributes: list[tuple[str, Any]] = field(default_factory=list)
    #: Kids in order: Element, ("mcr", page index, mcid) or ("objr", (num, gen)).
    kids: list[Any] = field(default_factory=list)

    def walk(self) -> Any:
        yield self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.walk()

    def elements(self, role: str) -> list[Element]:
        return [e for e in self.walk() if e.role == role]

    def children(self, role: str | None = None) -> list[Element]:
        return [k for k in self.kids if isinstance(k, Element) and (role is None or k.role == role)]


@dataclass
class Sequence_:
    """A marked-content sequence met in a page's content."""

    tag: str
    mcid: int | None
    artifact: bool
    text: list[str] = field(default_factory=list)
    #: An artifact's /Type and /Subtype (ISO 32000-1, table 330), None where its property list has none.
    kind: tuple[str | None, str | None] = (None, None)


@dataclass
class Page:
    index: int
    #: MCID -> the text shown inside its sequence.
    texts: dict[int, str] = field(default_factory=dict)
    artifact_text: list[str] = field(default_factory=list)
    #: Each artifact sequence that shows text: its /Type, /Subtype and text.
    artifacts: list[tuple[str | None, str | None, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class TaggedPdf:
    """A PDF's structure tree and marked content, read once."""

    def __init__(self, data: bytes) -> None:
        self.pdf = pikepdf.open(io.BytesIO(data))
        self.page_numbers = {page.obj.objgen: i for i, page in enumerate(self.pdf.pages)}
        #: The fonts text is shown with (by object), each with the codes it shows.
        self.used: dict[tuple[int, int], tuple[Any, set[int]]] = {}
        self.pages = [self._read_page(i, page) for i, page in enumerate(self.pdf.pages)]
        root = self.pdf.Root.get("/StructTreeRoot")
        self.root: Element | None = None
        self.tree_problems: list[str] = []
        if root is not None:
            kids = root.get("/K")
            first = kids[0] if isinstance(kids, pikepdf.Array) else kids
            self.root = self._element(first, None)

    # --- content --------------------------------------------------------------------------------------------

    def _cmaps(self, page: Any) -> dict[str, dict[int, str]]:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        found = {}
        for name, font in fonts.items():
            found[name] = to_unicode(font)
        return found

    def _read_page(self, index: int, page: Any) -> Page:
        result = Page(index)
        cmaps = self._cmaps(page)
        font: dict[int, str] = {}
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        codes: set[int] = set()
        stack: list[Sequence_] = []
        in_text = False
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                tag = str(operands[0])[1:]
                props = operands[1] if op == "BDC" and len(operands) > 1 else None
                mcid = (
                    int(props["/MCID"])
                    if isinstance(props, pikepdf.Dictionary) and "/MCID" in props
                    else None
                )
                sequence = Sequence_(tag, mcid, tag == "Artifact")
                if sequence.artifact and isinstance(props, pikepdf.Dictionary):
                    kind, subtype = props.get("/Type"), props.get("/Subtype")
                    sequence.kind = (
                        None if kind is None else str(kind)[1:],
                        None if subtype is None else str(subtype)[1:],
                    )
                    if subtype is not None and (kind != "/Pagination" or subtype not in _SUBTYPES):
                        result.problems.append(
                            f"page {index + 1}: an artifact {kind} with /Subtype {subtype}"
                        )
                outer_mcid = any(s.mcid is not None for s in stack)
                outer_artifact = any(s.artifact for s in stack)
                if mcid is not None and (outer_mcid or outer_artifact):
                    result.problems.append(f"page {index + 1}: MCID {mcid} inside other marked content")
                if sequence.artifact and outer_mcid:
                    result.problems.append(f"page {index + 1}: an artifact inside tagged content")
                if mcid is not None and mcid in result.texts:
                    result.problems.append(f"page {index + 1}: MCID {mcid} used twice")
                if mcid is not None:
                    result.texts[mcid] = ""
                stack.append(sequence)
            elif op == "EMC":
                if not stack:
                    result.problems.append(f"page {index + 1}: EMC without BDC/BMC")
                    continue
                sequence = stack.pop()
                if sequence.mcid is not None:
                    result.texts[sequence.mcid] = "".join(sequence.text)
                elif sequence.artifact and sequence.text:
                    result.artifacts.append((*sequence.kind, "".join(sequence.text)))
            elif op == "BT":
                in_text = True
            elif op == "ET":
                in_text = False
            elif op == "Tf":
                font = cmaps.get(str(operands[0]), {})
                font_object = fonts[str(operands[0])]
                codes = self.used.setdefault(font_object.objgen, (font_object, set()))[1]
            elif op in _TEXT_SHOWING or op in _PAINTING:
                marked = [s for s in stack if s.mcid is not None or s.artifact]
                if not marked:
                    result.problems.append(f"page {index + 1}: {op} outside tagged content and artifacts")
                    continue
                if op in _TEXT_SHOWING:
                    strings = operands[0] if op == "TJ" else operands[-1:]
                    for shown in strings:
                        if isinstance(shown, pikepdf.String):
                            codes.update(bytes(shown))
                    text = "".join(
                        "".join(font.get(b, "\ufffd") for b in bytes(s))
                        for s in strings
                        if isinstance(s, pikepdf.String)
                    )
                    owner = marked[-1]
                    if owner.artifact:
                        result.artifact_text.append(text)
                        owner.text.append(text)
                    else:
                        owner.text.append(text)
        if stack:
            result.problems.append(f"page {index + 1}: {len(stack)} marked-content sequences left open")
        if in_text:
            result.problems.append(f"page {index + 1}: BT without ET")
        return result

    # --- tree -----------------------------------------------------------------------------------------------

    def _element(self, obj: Any, page: int | None) -> Element:
        role = str(obj.get("/S"))[1:]
        element = Element(role, obj.objgen)
        if "/Alt" in obj:
            element.alt = str(obj.Alt)
        if "/ActualText" in obj:
            element.actual_text = str(obj.ActualText)
        if "/ID" in obj:
            element.id = str(obj.ID)
        attributes = obj.get("/A")
        for dictionary in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(dictionary, pikepdf.Dictionary):
                element.attributes += [(k[1:], v) for k, v in dictionary.items() if k != "/O"]
        if "/Pg" in obj:
            page = self.page_numbers[obj.Pg.objgen]
        kids = obj.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
            if isinstance(kid, int):
                if page is None:
                    self.tree_problems.append(f"{role} {obj.objgen}: MCID {kid} without a page")
                else:
                    element.kids.append(("mcr", page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                element.kids.append(("mcr", self.page_numbers[kid.Pg.objgen], int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                element.kids.append(("objr", kid.Obj.objgen))
            elif isinstance(kid, pikepdf.Dictionary):
                if kid.get("/P") is None or kid.P.objgen != obj.objgen:
                    self.tree_problems.append(f"{kid.get('/S')} {kid.objgen}: /P is not its parent")
                element.kids.append(self._element(kid, page))
            else:
                self.tree_problems.append(f"{role} {obj.objgen}: unknown kid {kid!r}")
        return element

    def problems(self) -> list[str]:
        """Everything wrong with the tagging, as a PDF/UA validator would see it (content, tree, parent tree)."""
        found = [p for page in self.pages for p in page.problems] + self.tree_problems
        catalog = self.pdf.Root
        if self.root is None:
            return [*found, "no structure tree"]
        if catalog.get("/MarkInfo", {}).get("/Marked") is not True:
            found.append("MarkInfo /Marked is not true")
        last = 0  # PDF/UA-1 7.4.2: in reading order the first heading is H1, and no heading skips a level
        for element in self.root.walk():
            if re.fullmatch(r"H[1-6]", element.role):
                level = int(element.role[1])
                if level > last + 1:
                    found.append(
                        f"heading {element.role} after H{last}" if last else f"first heading {element.role}"
                    )
                last = level
        tree = catalog.StructTreeRoot
        nums = _number_tree(tree.ParentTree)
        owners = {
            (kid[1], kid[2]): e.objgen
            for e in self.root.walk()
            for kid in e.kids
            if isinstance(kid, tuple) and kid[0] == "mcr"
        }
        in_tree = set(owners)
        for page, pdf_page in zip(self.pages, self.pdf.pages, strict=True):
            key = pdf_page.obj.get("/StructParents")
            if key is None:
                found.append(f"page {page.index + 1}: no /StructParents")
                continue
            if pdf_page.obj.get("/Tabs") != "/S":
                found.append(f"page {page.index + 1}: /Tabs is not /S")
            parents = nums.get(int(key))
            for mcid in page.texts:
                if (page.index, mcid) not in in_tree:
                    found.append(f"page {page.index + 1}: MCID {mcid} is in no element")
                elif parents is None or mcid >= len(parents):
                    found.append(f"page {page.index + 1}: MCID {mcid} is not in the parent tree")
                elif parents[mcid].objgen != owners[(page.index, mcid)]:
                    found.append(f"page {page.index + 1}: MCID {mcid} has another parent in the parent tree")
        found += font_problems(self.used) + annotation_problems(self.pdf) + structure_problems(self.root)
        found += link_annotation_problems(self.pdf, nums.get)
        for table in self.root.elements("Table"):
            found += table_problems(table)
        found += [  # PAC 2024 („Tagged text consists of only whitespace“): read as nothing, it should be an artifact
            f"{element.role} {element.objgen} is whitespace alone ({self.text_of(element)!r})"
            for element in self.root.walk()
            if self._blank(element)
        ]
        found += [  # /ActualText replaces all of the content (ISO 32000-1 § 14.9.4), a word space at its ends too
            f"{element.role} {element.objgen}: /ActualText {element.actual_text!r} drops the space at an end of"
            f" {self.text_of(element)!r}"
            for element in self.root.walk()
            if element.actual_text is not None and self._drops_space(element)
        ]
        content = {(page.index, mcid) for page in self.pages for mcid in page.texts}
        found += [
            f"page {p + 1}: MCID {m} of the tree is not in the content" for p, m in sorted(in_tree - content)
        ]
        for pdf_page in self.pdf.pages:
            for annotation in pdf_page.obj.get("/Annots", []):
                key = annotation.get("/StructParent")
                element = nums.get(int(key)) if key is not None else None
                if element is None:
                    found.append(f"annotation {annotation.objgen}: not in the parent tree")
                    continue
                objrs = [
                    k
                    for e in self.root.walk()
                    if e.objgen == element.objgen
                    for k in e.kids
                    if isinstance(k, tuple) and k[0] == "objr"
                ]
                if ("objr", annotation.objgen) not in objrs:
                    found.append(f"annotation {annotation.objgen}: its element has no OBJR of it")
                if annotation.get("/Subtype") == "/Link" and not str(annotation.get("/Contents", "")):
                    found.append(f"annotation {annotation.objgen}: a link without /Contents")
        return found

    def struct_text(self) -> str:
        """The tree as `pdfinfo -struct-text` prints it."""
        lines: list[str] = []

        def show(element: Element, depth: int) -> None:
            kind = " (block)" if element.role in _BLOCK else " (inline)" if element.role in _INLINE else ""
            lines.append("  " * depth + element.role + kind + (":" if element.attributes else ""))
            for name, value in element.attributes:
                lines.append("  " * (depth + 1) + f" /{name} {_poppler_value(value)}")
            for kid in element.kids:
                if isinstance(kid, Element):
                    show(kid, depth + 1)
                elif kid[0] == "mcr":
                    text = self.pages[kid[1]].texts.get(kid[2], "").replace("\xad", "")
                    lines.append("  " * (depth + 1) + f'"{text}"')
                else:
                    lines.append("  " * (depth + 1) + f"Object {kid[1][0]} {kid[1][1]}")

        if self.root is not None:
            show(self.root, 0)
        return "\n".join(lines) + "\n"

    def _blank(self, element: Element) -> bool:
        """PAC 2024's quality check „Tagged text consists of only whitespace“, as its documentation defines it: an
        element of `_TEXT_ROLES` whose text is whitespace alone (soft hyphens too), and so are all its children,
        which are of those roles too (a child of another role, a `Link` or `Span`, skips the check). A piece of
        whitespace inside an element with text (the space between two links of a paragraph) is a word space."""
        if element.role not in _TEXT_ROLES or element.actual_text is not None:
            return False
        if any(kid.role not in _TEXT_ROLES for kid in element.children()):
            return False
        text = self.text_of(element)
        return bool(text) and not text.replace("\xad", "").strip()

    def _drops_space(self, element: Element) -> bool:
        """Whether the /ActualText of `element` lacks the whitespace its content starts or ends with: the word
        it stands for then runs into the text before or after it („nicht angekreuztAblehnung“) wherever the text
        is read with the replacement (Acrobat's copy and export, screen readers reading a list item whole)."""
        text, actual = self.text_of(element), element.actual_text or ""
        return (text[-1:].isspace() and not actual[-1:].isspace()) or (
            text[:1].isspace() and not actual[:1].isspace()
        )

    def text_of(self, element: Element) -> str:
        """The text of an element's content, its children's included, in order."""
        parts = []
        for kid in element.kids:
            if isinstance(kid, Element):
                parts.append(self.text_of(kid))
            elif kid[0] == "mcr":
                parts.append(self.pages[kid[1]].texts.get(kid[2], ""))
        return "".join(parts)


def _poppler_value(value: Any) -> str:
    if isinstance(value, pikepdf.Name):
        return str(value)
    if isinstance(value, pikepdf.Array):
        return "[" + " ".join(_poppler_value(v) for v in value) + "]"
    if isinstance(value, int | float | Decimal):
        return f"{float(value):g}"
    return str(value)


def _number_tree(node: Any) -> dict[int, Any]:
    found: dict[int, Any] = {}
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            found[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", []):
        found.update(_number_tree(kid))
    return found
