"""The Markdown form of a statement: the printed form's content and order, for GitHub, GitLab and plain reading.

The text comes from the template `statement.md.j2` (replaceable through `RenderSettings.template_dir`). This
module gives the template its variables and filters and tidies the result, so that the same statement always
gives the same bytes:

- `md` escapes a plain-text value (subject, committee, label, …) so that `*`, `_`, `|`, `#`, `[x]`, `<b>`,
  backticks or a leading `1.`, `-`, `>` print literally and can never open a list, a heading or a new table
  cell; line breaks in such a value become spaces.
- `prose` passes a Markdown field through as written, except what would break the surrounding document or
  differ from the PDF: its headings move below the section heading, raw HTML is escaped (the format prints it
  literally), hard breaks made of trailing spaces become backslashes, an unclosed code fence is closed, link
  reference definitions get labels of the field's own (they would serve every field of the document).
- Soft hyphens (U+00AD) inside words are left out; a word broken at one at a line's end is joined.
- The result has no trailing spaces, no runs of blank lines and exactly one final newline.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any

from markdown_it.token import Token

from . import collector
from .commonmark import SOFT_HYPHEN, SOFT_HYPHEN_IN_WORD, github_parser, parse_prose, prose_parser
from .document import labels_v1, layout
from .labels import german_date
from .mdlinks import definition_label_end, with_own_references, without_unsafe_links
from .model import Statement
from .settings import RenderSettings
from .templating import environment, render, render_module

TEMPLATE = "statement.md.j2"
#: The macros that set the blocks, one per block kind.
MACROS = "bloecke.md.j2"

#: The level of the template's section headings (`## Begründung`); headings inside prose go below it.
SECTION_LEVEL = 2


# --- plain text ---------------------------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t]*")


def _without_soft_hyphens(text: str) -> str:
    """`text` without its soft hyphens inside words, as the PDF's text has them where no line breaks there:
    invisible in a diff, they would only split words for search and grep. Between two letters only: next to a
    digit or a mark, leaving one out could make Markdown of the text („1\xad. Punkt“, „\xad# Titel“). Searched
    for only where there is one (the pattern's look behind costs the engine every character: 50 µs for a field
    of 2,500)."""
    return SOFT_HYPHEN_IN_WORD.sub("", text) if SOFT_HYPHEN in text else text


#: Characters that mean something anywhere in a line (emphasis, code, links, HTML, table cells, GFM
#: strikethrough, GitHub's math) and are therefore always escaped.
_ANYWHERE = re.compile(r"([\\`*_\[\]<|~$])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
#: What opens a block at the start of a line: heading, quote, list item, setext underline, thematic break.
_LEADING_MARK = re.compile(r"^([#>+=-])")
_LEADING_NUMBER = re.compile(r"^(\d{1,9})([.)])")
#: A closing sequence of an ATX heading: `#`s at the end after a space.
_TRAILING_HASHES = re.compile(r"(\s)(#+)$")


#: Texts up to this length have their Markdown remembered by `md` and `zelle`: labels, options, dates and names
#: recur in every statement of a build. A memo starts afresh when it holds `_MEMO_MAX` texts.
_MEMO_TEXT = 200
_MEMO_MAX = 4096


def _remembered(function: Callable[[object], str]) -> Callable[[object], str]:
    """`function` of a plain text, remembered for short texts (a pure function: the same text, the same
    Markdown)."""
    memo: dict[str, str] = {}

    @wraps(function)
    def remembered(value: object) -> str:
        if type(value) is not str:
            return function(value)
        found = memo.get(value)
        if found is None:
            found = function(value)
            if len(value) <= _MEMO_TEXT:
                if len(memo) >= _MEMO_MAX:
                    memo.clear()
                memo[value] = found
        return found

    return remembered


#: Anything that one of the edits below could act on; text without it is returned as it is.
_NEEDS_ESCAPING = re.compile(r"[\r\n\\`*_\[\]<|~$&\xad]|^[\s#>+=\-\d]|[\s#]$")


@_remembered
def md(value: object) -> str:
    """Plain text as Markdown that renders to exactly that text, on one line."""
    text = str(value)
    return _escaped(text) if _NEEDS_ESCAPING.search(text) else text


def _escaped(text: str) -> str:
    # all white space at the ends, the no-break space too: `**Betreff:\u00a0**` is no bold text but four
    # asterisks (a closing `**` must not follow white space), and a paragraph drops it anyway
    text = _without_soft_hyphens(_LINE_BREAKS.sub(" ", text)).strip()
    text = _ANYWHERE.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _LEADING_MARK.sub(r"\\\1", text)
    text = _LEADING_NUMBER.sub(r"\1\\\2", text)
    return _TRAILING_HASHES.sub(r"\1\\\2", text)


#: What a table cell must escape: a cell holds inline text only, so no mark at its start opens a block there.
_CELL_NEEDS_ESCAPING = re.compile(r"[\r\n\\`*_\[\]<|~$&\xad]")


@_remembered
def zelle(value: object) -> str:
    """Plain text as the content of a GFM table cell: escaped like `md`, except the marks that only open a
    block at the start of a line (`1.`, `-`, `#`, `>`): a date „01.08.2018“ or an amount „-2.500,50 €“ stays
    as the reader of a merge request expects it."""
    text = str(value)
    if not _CELL_NEEDS_ESCAPING.search(text):
        return text.strip(" \t")
    text = _without_soft_hyphens(_LINE_BREAKS.sub(" ", text)).strip(" \t")
    return _ENTITY.sub(r"\\&", _ANYWHERE.sub(r"\\\1", text))


def tabellenzeile(cells: Iterable[object]) -> str:
    """Plain texts as one row of a GFM table, each escaped as `zelle`: „| a | b |“, an empty cell „ |“. The
    built-in template sets the finance tables with it, whose rows a loop of the template set cell by cell at
    several times the cost."""
    out = ["|"]
    for cell in cells:
        text = zelle(cell)
        out.append(f" {text} |" if text else " |")
    return "".join(out)


def heading(value: object) -> str:
    """A label as a heading: escaped like `md`, without the colon the printed form puts after it (a colon
    alone stays: a heading of nothing would lose the title)."""
    text = str(value).strip()
    return md(text.removesuffix(":").rstrip() or text)


def datum(value: date | str | None) -> str:
    """A date as printed on the form (18.04.2017), from a date or its ISO text; nothing for a missing date."""
    if isinstance(value, str):
        try:
            return german_date(date.fromisoformat(value))
        except ValueError:
            return value
    return german_date(value) if value is not None else ""


# --- prose --------------------------------------------------------------------------------------------------


def _html_lines(text: str) -> set[int]:
    """The lines of `text` in which a parser with raw HTML on finds HTML."""
    found: set[int] = set()
    for token in github_parser().parse(text):
        if token.map is not None and (
            token.type == "html_block" or any(child.type == "html_inline" for child in token.children or ())
        ):
            found.update(range(*token.map))
    return found


#: What may stand before a block's own text on a line: indentation, quote markers, list markers.
_CONTAINER_PREFIX = re.compile(r"(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*[ \t]*")
_ATX = re.compile(r"(?P<prefix>" + _CONTAINER_PREFIX.pattern + r")(?P<hashes>#{1,6})(?=[ \t]|$)")
_AUTOLINK = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\x00-\x20]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>"
)
_BACKTICKS = re.compile(r"`+")
_TILDES = re.compile(r"~+")
_FENCE_LINE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[ \t]*$")


#: A line that may be a setext underline: `=` or `-` after quote and list markers (`>=` under `>a` makes a
#: heading); lines that merely look like one are parsed too, which costs time, never correctness. One `-` at
#: the end, not `-+`: the markers take the others, and `-+` after markers that hold `-` too tried every split
#: of a run of dashes (a line of 40,000 dashes and „x-“ took 20 s, a statement of 19 such lines 9 minutes).
_UNDERLINE = re.compile(r"[ \t>*+\-.)\d]*(?:=+|-)[ \t]*")


def _needs_parsing(text: str) -> bool:
    """Whether `text` may need an edit by `prose`: HTML, a heading, a code fence, a setext underline or a hard
    break (a line ending in a space or tab). Asked with substring tests and for the few lines that end in `=`
    or `-`: one regular expression that tried them all at every character cost a fortieth of a warm render."""
    if "<" in text or "#" in text or "`" in text or "~" in text:
        return True
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        return True
    # no line ends in a space or tab now: an underline ends in its last `=` or `-`
    return any(line.endswith(("=", "-")) and _UNDERLINE.fullmatch(line) for line in text.split("\n"))


def prose(text: str, level: int = SECTION_LEVEL) -> str:
    """A Markdown field as written, made safe to place under a heading of `level` (see the module doc).

    Headings keep their relative levels; the highest one becomes `level + 1`, so the outline has no gaps.
    Links and images keep only http, https, mailto and relative targets (`mdlinks`), as in the PDF, and a
    reference definition serves its own field only (`with_own_references`), as in the PDF. Most
    statements' prose has nothing to change, and is returned without parsing it.
    """
    # soft hyphens first: left out, they may join a text into a link the PDF never makes and the safety of
    # links must see (`<java\xadscript:…>` is text, `<javascript:…>` a link)
    if SOFT_HYPHEN in text:
        text = _without_soft_hyphens(_joined_at_soft_hyphens(text))
    text = with_own_references(without_unsafe_links(text))
    if not _needs_parsing(text):
        return text
    return _prose_parsed(text, level)


def _joined_at_soft_hyphens(text: str) -> str:
    """A paragraph's line that ends in a letter and a soft hyphen joined with the text of the next, after its
    indentation and quote markers („Förder\xad“ | „mitteln“, pasted from Word or a PDF): the PDF prints the word
    whole there, so the Markdown does too."""
    lines = text.split("\n")
    joined: set[int] = set()  # lines that go on the line before them
    for token in parse_prose(text):
        if token.type == "paragraph_open" and token.map is not None:
            first, end = token.map
            for n in range(first, end - 1):
                ends, goes_on = lines[n], lines[n + 1].lstrip(" \t>")
                if ends.endswith(SOFT_HYPHEN) and ends[-2:-1].isalpha() and goes_on[:1].isalpha():
                    joined.add(n + 1)
    if not joined:
        return text
    out: list[str] = []
    for n, line in enumerate(lines):
        if n in joined:
            out[-1] = out[-1][:-1] + line.lstrip(" \t>")
        else:
            out.append(line)
    return "\n".join(out)


def _prose_parsed(text: str, level: int) -> str:
    text = _escape_html(text)
    lines = text.split("\n")
    edits: dict[int, str | None] = {}
    tokens = parse_prose(text)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = max(0, level + 1 - min(levels)) if levels else 0
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        first, end = token.map
        if token.type == "heading_open":
            edits.update(_demoted(lines, token, tokens[index + 1], shift))
        elif token.type == "paragraph_open":
            edits.update(_backslash_breaks(lines, first, end))
        elif token.type == "fence" and not _closes(lines, token):
            edits[end - 1] = lines[end - 1] + "\n" + _closing(lines, token)
    out = [edits.get(i, line) for i, line in enumerate(lines)]
    return "\n".join(line for line in out if line is not None)


def _text_blocks(tokens: list[Token]) -> Iterator[tuple[int, int, bool]]:
    """Line ranges whose text is parsed inline (paragraphs, headings, tables), not code; True for tables."""
    for token in tokens:
        if token.map is not None and token.type in ("paragraph_open", "heading_open", "table_open"):
            yield token.map[0], token.map[1], token.type == "table_open"


def _escape_html(text: str) -> str:
    """Put a backslash before every `<` that GitHub would read as HTML, and before single tildes; code stays
    untouched.

    A reference definition is no text block, but a line of it that opens with a tag (`[r]:` above `<div>` or
    `<script>`, its destination) ends it where HTML is on: the definition is a paragraph there, the line an HTML
    block, which a `<script>` makes run to the end of the document. Such a line is indented by four spaces
    after its quote and list markers instead, which the definition takes as part of it in both readings."""
    lines = text.split("\n")
    blocks = list(_text_blocks(parse_prose(text)))
    in_blocks = {line for first, end, _ in blocks for line in range(first, end)}
    distrusted: set[int] = set()  # blocks whose code spans and link destinations are not taken as such
    indented: set[int] = set()  # lines of definitions that opened an HTML block
    while True:
        out = list(lines)
        for index, (first, end, table) in enumerate(blocks):
            block = "\n".join(lines[first:end])
            offsets = _html_offsets(block, table=table, skip_code=index not in distrusted)
            out[first:end] = _neutralised(block, offsets).split("\n")
        for number in indented:
            at = _CONTAINER_PREFIX.match(out[number]).end()  # type: ignore[union-attr]
            out[number] = out[number][:at] + _INDENT + out[number][at:]
        escaped = "\n".join(out)
        leaking = _html_lines(escaped) if "<" in text else set()
        stray = leaking - in_blocks - indented
        if stray:
            indented |= stray
            continue
        # The text fooled the guesses about code: `](<b>` without a link before it is a tag, and code spans
        # pair up differently where HTML is on. Such a block gets a backslash before every `<`, even in what
        # looked like code or a link destination: odd input may show a backslash, never HTML.
        fooled = {
            n
            for n, (first, end, _) in enumerate(blocks)
            if n not in distrusted and any(line in leaking for line in range(first, end))
        }
        if not fooled:
            return escaped
        distrusted |= fooled


#: What goes in at an offset: a backslash before a `<`, or an indent before a line inside a code span.
_BACKSLASH, _INDENT = "\\", "    "


def _neutralised(block: str, offsets: list[tuple[int, str]]) -> str:
    starts = [0, *(at for at, _ in offsets)]
    pieces = [block[start:stop] for start, stop in zip(starts, [*starts[1:], len(block)], strict=True)]
    return pieces[0] + "".join(insert + piece for (_, insert), piece in zip(offsets, pieces[1:], strict=True))


#: What may open an HTML tag, comment, declaration or processing instruction.
_TAG_START = re.compile(r"<[A-Za-z/!?]")


def _html_offsets(block: str, *, table: bool = False, skip_code: bool = True) -> list[tuple[int, str]]:
    """Where HTML could start or a single tilde stands, and what neutralises it there.

    A single `~` gets a backslash: GitHub strikes through text between two of them, the PDF prints them (two
    tildes strike through in both). Each `<` before a letter, `/`, `!` or `?`, and each `<` that opens a block, gets a backslash; escapes,
    code spans, autolinks and `](<…>)` destinations are skipped. A `<` is escaped whether or not a complete
    tag follows: the backslash changes nothing in the rendered text, and never looking for the end of a tag
    keeps this linear (ten thousand unclosed `<!--` took seconds, each searched to the end); so does the colon of
    a `[label]:` that opens the block (`_label_colon`) and the `(` of a destination in pointy brackets that the
    `<` would complete (`_completes_destination`) or, where code is not skipped, that the `<` opens. A line inside a
    code span that starts like an HTML block (`<div>`, `<!--`) would end the paragraph where HTML is on; it
    is indented instead, which the paragraph drops again. In a table a code span ends at its cell.
    """
    line_starts = [0] + [m.end() for m in re.finditer("\n", block)]
    block_starts = sorted({_CONTAINER_PREFIX.match(block, s).end() for s in line_starts})  # type: ignore[union-attr]
    starts = set(block_starts)
    runs: dict[int, list[int]] = {}  # backtick runs by length: where each starts, in order
    for m in _BACKTICKS.finditer(block):
        runs.setdefault(m.end() - m.start(), []).append(m.start())
    # where a code span must end at the latest: its cell in a table, else the end of the block
    barriers = [m.start() for m in re.finditer(r"[|\n]", block)] if table else []
    barriers.append(len(block))
    offsets: list[tuple[int, str]] = []
    paren = -1  # where the `(` of the last `](<` stands
    i = 0
    while i < len(block):
        char = block[i]
        if char == "\\":
            i += 2
            continue
        if char == "`" and skip_code:
            run = _BACKTICKS.match(block, i).end() - i  # type: ignore[union-attr]
            # a code span ends at the next run of exactly as many backticks; without one, the run is text
            same = runs.get(run, [])
            k = bisect_left(same, i + run)
            if k < len(same) and same[k] < barriers[bisect_left(barriers, i)]:
                close = same[k]
                for line in block_starts[bisect_left(block_starts, i + 1) : bisect_left(block_starts, close)]:
                    if _TAG_START.match(block, line):
                        offsets.append((line, _INDENT))
                i = close + run
            else:
                i += run
            continue
        if char == "~":
            run = _TILDES.match(block, i).end() - i  # type: ignore[union-attr]
            if run == 1:  # GitHub strikes text between single tildes too; the PDF prints them (two strike)
                offsets.append((i, _BACKSLASH))
            i += run
            continue
        if char == "<":
            link = _AUTOLINK.match(block, i)
            if link:
                i = link.end()
                continue
            if skip_code and block.endswith("](", 0, i):  # a destination in pointy brackets: [a](<b c>)
                paren = i - 1
                i += 1
                continue
            if i in starts or _TAG_START.match(block, i):
                if paren >= 0 and _completes_destination(block, paren, i):
                    insort(offsets, (paren, _BACKSLASH))
                elif block.endswith(
                    "](", 0, i
                ):  # distrusted: `](\\<a<b>)` is a link to `<a<b>`, `]\\(\\<` none
                    offsets.append((i - 1, _BACKSLASH))
                offsets.append((i, _BACKSLASH))
        i += 1
    colon = _label_colon(block) if offsets else None
    if colon is not None:
        insort(offsets, (colon, _BACKSLASH))
    return offsets


def _completes_destination(block: str, paren: int, at: int) -> bool:
    """Whether the `<` at `at` is the first `<` in the destination in pointy brackets after the `(` at `paren`,
    before its `>` or line end. That `<` makes it no destination (`[x](<javascript:y<a>)` is text), a backslash
    before it a valid one: a link the PDF does not have, to a target `mdlinks` did not see. The `(` gets a
    backslash too, then: no link, the same text."""
    j = paren + 2
    while j < at:
        if block[j] == "\\":
            j += 2
            continue
        if block[j] in "<>\n":
            return False
        j += 1
    return j == at


def _label_colon(block: str) -> int | None:
    """Where the colon of a `[label]:` that opens the block stands, if one does. Such a paragraph is no reference
    definition for what follows the colon (`[r]:<a>[r]`, `[r]:<<a>`: no destination, a `<` unescaped in it), but
    a backslash before a `<` could make it one (`[r]:\\<a>[r]`, `[r]:<\\<a>`): the line gone, its label defined
    after `with_own_references` gave the field its labels. A backslash before the colon too, then: no definition,
    the same text."""
    at = _CONTAINER_PREFIX.match(block).end()  # type: ignore[union-attr]
    if not block.startswith("[", at):
        return None
    end = definition_label_end(block, at + 1)
    return None if end is None else end + 1


def _demoted(lines: list[str], token: Token, inline: Token, shift: int) -> dict[int, str | None]:
    """Edits that move a heading `shift` levels down, as an ATX heading (setext has only two levels)."""
    assert token.map is not None
    first, end = token.map
    hashes = "#" * min(6, int(token.tag[1]) + shift)
    if token.markup.startswith("#"):
        m = _ATX.match(lines[first])
        return {first: m.group("prefix") + hashes + lines[first][m.end() :]} if m else {}
    # setext: content lines, then the underline; keep the first line's quote or list prefix
    source = lines[first].rstrip()
    content = inline.content.split("\n")[0].rstrip()
    if not source.endswith(content):
        return {}
    prefix = source[: len(source) - len(content)]
    # an ATX heading is one line: a hard break written as a backslash at a line's end would print there („\ “)
    *broken, last = inline.content.split("\n")
    text = " ".join([*map(_without_break, broken), last])
    edits: dict[int, str | None] = {first: f"{prefix}{hashes} {' '.join(text.split())}"}
    edits.update(dict.fromkeys(range(first + 1, end)))
    return edits


def _without_break(line: str) -> str:
    """A line of a heading's content without the backslash that makes its end a hard break (an escaped
    backslash, `\\\\`, stays)."""
    kept = line.rstrip()
    backslashes = len(kept) - len(kept.rstrip("\\"))
    return kept[:-1] if backslashes % 2 else kept


def _backslash_breaks(lines: list[str], first: int, end: int) -> dict[int, str | None]:
    """Hard breaks written as two trailing spaces, rewritten as a backslash (trailing spaces get stripped).

    Only if the paragraph reads the same afterwards: two spaces that end a line inside a code span (or a link
    title) are text, not a break, and a backslash there would print. Such a paragraph keeps its spaces; finding
    out which of its lines could still be rewritten would mean parsing it again for each.
    """
    edits: dict[int, str | None] = {}
    for i in range(first, end - 1):
        line = lines[i]
        if line.endswith("  "):
            kept = line.rstrip(" ")
            backslashes = len(kept) - len(kept.rstrip("\\"))
            edits[i] = kept + "\\" * (backslashes % 2) + "\\"
    if not edits:
        return edits
    block = lines[first:end]
    edited = [str(edits.get(i, line)) for i, line in enumerate(block, start=first)]
    return edits if _inline_shape(edited) == _inline_shape(block) else {}


def _inline_shape(lines: list[str]) -> list[tuple[str, str, str, str]]:
    """What a block's inline content reads as, line breaks aside: each inline token's type, tag, text and
    attributes (a link's title), with neighbouring pieces of text joined (an escaped character is a piece of
    its own) and the spaces before a line break dropped."""
    shape: list[tuple[str, str, str, str]] = []
    for token in prose_parser().parse("\n".join(lines)):
        for child in token.children or ():
            kind = {"text_special": "text", "softbreak": "break", "hardbreak": "break"}.get(
                child.type, child.type
            )
            if kind == "text" and shape and shape[-1][0] == "text":
                shape[-1] = ("text", "", shape[-1][2] + child.content, "")
                continue
            if kind == "break" and shape and shape[-1][0] == "text":
                shape[-1] = ("text", "", shape[-1][2].rstrip(" "), "")
            shape.append(
                (kind, "" if kind == "break" else child.tag, child.content, repr(sorted(child.attrs.items())))
            )
    return shape


def _closes(lines: list[str], fence: Token) -> bool:
    """Whether a fence ends with its closing line. An unclosed one would swallow the rest of the document; in a
    list item, the blank lines after the field (`1. ```` alone has no code line, before the next heading one).
    A nested fence's last line is read after its quote and list markers: a content line that reads as a closing
    one there leaves the fence as it is."""
    assert fence.map is not None
    first, end = fence.map
    if end - first < 2:
        return False
    last = lines[end - 1]
    if fence.level > 0:
        last = last[_CONTAINER_PREFIX.match(last).end() :]  # type: ignore[union-attr]
    m = _FENCE_LINE.match(last)
    return bool(m) and m.group(1)[0] == fence.markup[0] and len(m.group(1)) >= len(fence.markup)  # type: ignore[union-attr]


def _closing(lines: list[str], fence: Token) -> str:
    """The closing line of an unclosed fence: its markup in the column of the opening one, after the same quote
    markers (a list marker before it becomes spaces: the line stays in the item)."""
    assert fence.map is not None
    opening = lines[fence.map[0]]
    before = opening[: opening.index(fence.markup)]
    return "".join(char if char in ">\t" else " " for char in before) + fence.markup


# --- the document -------------------------------------------------------------------------------------------

FILTERS: dict[str, Callable[..., Any]] = {
    "md": md,
    "zelle": zelle,
    "tabellenzeile": tabellenzeile,
    "heading": heading,
    "datum": datum,
    "prose": prose,
}


@dataclass(frozen=True)
class Renderers:
    """Which template sets each block: a block template of the template folder (`bloecke/<id>.md.j2`, else
    `bloecke/<kind>.md.j2`) where there is one, else the macro of `bloecke.md.j2` named like the block's id,
    else like its kind."""

    templates: frozenset[str] = frozenset()
    macros: frozenset[str] = frozenset()

    def mark(self, block: dict[str, Any]) -> dict[str, Any]:
        own, kind = f"bloecke/{block['id']}.md.j2", f"bloecke/{block['kind']}.md.j2"
        block["vorlage"] = own if own in self.templates else kind if kind in self.templates else ""
        block["makro"] = block["id"] if block["id"] in self.macros else block["kind"]
        return block


_renderers: dict[int, tuple[object, Renderers]] = {}


def renderers(env: Any) -> Renderers:
    """The block templates and macros an environment has (looked up once per environment)."""
    found = _renderers.get(id(env))
    if found is None or found[0] is not env:
        templates = frozenset(env.list_templates(filter_func=lambda name: name.startswith("bloecke/")))
        module = render_module(env, MACROS)
        macros = frozenset(name for name in dir(module) if not name.startswith("_"))
        found = (env, Renderers(templates, macros))
        _renderers[id(env)] = found
    return found[1]


def context(statement: Statement, settings: RenderSettings, marks: Renderers | None = None) -> dict[str, Any]:
    """The template's variables (documented in docs/templates.md): plain data only.

    Strings, numbers, booleans, None, lists and mappings, and one function of the statement's own data
    (`punkte_for`): a template may come from a repository vsp does not trust, and an object with methods
    (a path's `read_text`, a model's) would reach beyond the statement even in Jinja's sandbox. Dates are ISO
    texts (`datum` prints them), enumerations their ids, paths only their file names.
    """
    page = layout(statement, settings)
    mark = (marks or Renderers()).mark
    blocks = [mark(block.as_data()) for block in page.blocks]
    by_kind = {block["kind"]: block for block in blocks}
    legal = by_kind.get("rechtliche_konsequenzen")
    grid = by_kind.get("empfehlung")
    resolution = by_kind.get("beschlussvorschlag")
    labels = labels_v1(page.form)
    status = statement.status.value
    return {
        "blocks": blocks,
        "form": {"ref": page.form.ref, "name": page.form.name},
        "statement": _statement(statement),
        "settings": _settings(settings, labels),
        "labels": labels,
        "body": settings.body,
        "title": page.title,
        "status": labels.get(status, status),
        "legal_box": legal["boxes"] if legal is not None else None,
        "options": grid["boxes"] if grid is not None else [],
        "beschlussvorschlag_titel": (
            resolution["label"] if resolution is not None else labels.get("beschlussvorschlag", "")
        ),
    }


def _statement(statement: Statement) -> dict[str, Any]:
    """The statement's fields as plain data, and what the model derives from them."""
    data: dict[str, Any] = statement.model_dump(mode="json")
    data["ist_neufassung"] = statement.ist_neufassung
    data["ist_petition"] = statement.ist_petition
    data["ticked"] = sorted(statement.ticked)
    data["punkte_for"] = _PunkteFor(
        {option: tuple(statement.punkte_for(option)) for option in data["ticked"]}
    )
    return data


class _PunkteFor:
    """`statement.punkte_for(option)`: the `punkte` of every entry ticking `option`, in order. An object of its
    own rather than a function, which would print with its address (different bytes in every run)."""

    __slots__ = ("_punkte",)

    def __init__(self, punkte: dict[str, tuple[str, ...]]) -> None:
        self._punkte = punkte

    def __call__(self, option: str) -> list[str]:
        return list(self._punkte.get(str(option), ()))

    def __repr__(self) -> str:
        return "<Funktion punkte_for>"


def _settings(settings: RenderSettings, labels: dict[str, str]) -> dict[str, Any]:
    """The settings as plain data: a file or folder by its name, never as a path a template could open."""
    return {
        "body": settings.body,
        "footer": settings.footer,
        "hyphenate": settings.hyphenate,
        "labels": labels,
        "logo": settings.logo.name if settings.logo is not None else None,
        "template_dir": settings.template_dir.name if settings.template_dir is not None else None,
    }


def tidy(text: str) -> str:
    """No trailing spaces, no leading or repeated blank lines, exactly one final newline."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def render_markdown(statement: Statement, settings: RenderSettings | None = None) -> str:
    """The statement as GitHub-flavoured Markdown; raises `TemplateError` for a broken template."""
    settings = settings or RenderSettings()
    # vsp's own templates make no reference cycles to collect; a project's templates may (`collector`)
    with collector.paused(settings.template_dir is None):
        env = environment(settings.template_dir, FILTERS)
        return tidy(render(env, TEMPLATE, context(statement, settings, renderers(env))))
