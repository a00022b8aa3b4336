"""The Markdown dialect of the prose fields, in one place: the PDF and the Markdown renderer parse with it.

CommonMark with the GFM tables and strike-through that GitHub and GitLab show in the Markdown output. Every
link target parses as a link, as on GitHub, whose sanitizer then drops unsafe targets: markdown-it would
otherwise print `[Text](javascript:…)` with its brackets, while GitHub shows „Text“. The renderers decide which
targets become clickable (`prose.SAFE_SCHEMES`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING, Any

from .limits import MAX_PARSER_NESTING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

EXTENSIONS = ["table", "strikethrough"]

#: Called at every block and inline position the parsers look at, while set: the budget step of a template
#: (`sandbox`) that sends a text of its own through `prose`. A statement's fields are bounded before they are
#: parsed (`rules`); a template's text is not, and 10,000,000 characters of `<http://a> ` took minutes to parse.
STEP: ContextVar[Callable[[], None] | None] = ContextVar("vsp_parse_step", default=None)


def _inline_step(state: Any, silent: bool) -> bool:
    step = STEP.get()
    if step is not None:
        step()
    return False  # never a token: the parse is the same


def _block_step(state: Any, start: int, end: int, silent: bool) -> bool:
    return _inline_step(state, silent)


def stepped(parser: MarkdownIt) -> MarkdownIt:
    """`parser`, calling `STEP` (if set) before its rules at every position."""
    parser.block.ruler.before(
        "table", "vsp_step", _block_step, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    parser.inline.ruler.before("text", "vsp_step", _inline_step)
    return parser


def _any_target(url: str) -> bool:
    return True


@cache
def prose_parser() -> MarkdownIt:
    """The parser of the prose fields, raw HTML off (it prints literally); built once per process."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_PARSER_NESTING}).enable(EXTENSIONS)
    parser.validateLink = _any_target  # type: ignore[method-assign]
    return stepped(parser)


#: The tokens of the texts `parse_prose` parsed last, by text (emptied when full).
_PARSED: dict[str, list[Token]] = {}
_PARSED_MAX = 4


def parse_prose(text: str) -> list[Token]:
    """`prose_parser().parse(text)`, remembered for the last few texts: the rules and the Markdown renderer
    parsed a long field up to three times (a Sachverhalt of 9,900 links, at 0.8 s a parse). The tokens are
    shared, so a caller only reads them. A template's own texts (while `STEP` is set) are not remembered."""
    if STEP.get() is not None:
        return prose_parser().parse(text)
    tokens = _PARSED.get(text)
    if tokens is None:
        tokens = prose_parser().parse(text)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[text] = tokens
    return tokens


@cache
def github_parser() -> MarkdownIt:
    """The same dialect with raw HTML on, as GitHub and GitLab read the Markdown output."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"maxNesting": MAX_PARSER_NESTING}).enable(EXTENSIONS)
    parser.validateLink = _any_target  # type: ignore[method-assign]
    return stepped(parser)


#: Block texts that end like this are followed by a space when joined into one line, others by „; “.
_SENTENCE_END = (".", ":", ";", ",", "!", "?")


def plain_text(source: str) -> str:
    """Markdown as one line of plain text: the visible text without markup (emphasis, code marks, link targets,
    list and heading marks), for places that print a single plain line such as a header row. Blocks (paragraphs,
    list items, headings, table cells) are joined with „; “, or with a space after a sentence's end."""
    pieces: list[str] = []
    for token in prose_parser().parse(source):
        if token.type == "inline":
            text = _inline_text(token.children or [])
        elif token.type in ("fence", "code_block"):
            text = token.content
        else:
            continue
        text = " ".join(text.split())
        if text:
            pieces.append(text)
    line = ""
    for piece in pieces:
        line += piece if not line else (" " if line.endswith(_SENTENCE_END) else "; ") + piece
    return line


def _inline_text(children: list[Any]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)
