"""The Markdown dialect of the prose fields, in one place: the PDF and the Markdown renderer parse with it.

CommonMark with the GFM tables, strike-through and extended autolinks (`www.…`, `https://…` and e-mail
addresses written bare) that GitHub shows in the Markdown output. Every
link target parses as a link, as on GitHub, whose sanitizer then drops unsafe targets: markdown-it would
otherwise print `[Text](javascript:…)` with its brackets, while GitHub shows „Text“. The renderers decide which
targets become clickable (`CLICKABLE_SCHEMES`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING, Any

from .limits import MAX_PARSER_NESTING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

EXTENSIONS = ["table", "strikethrough"]
#: The targets a link in the PDF may have: anything else prints as its text (`pdf.prose`), and validation counts
#: only these against MAX_LINK_AREAS (`rules`).
CLICKABLE_SCHEMES = ("http://", "https://", "mailto:")
#: The soft hyphen (U+00AD): a hint where a word may break, which neither output keeps inside a word.
SOFT_HYPHEN = "\xad"


def line_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern that matches at the start of a line (`^` in MULTILINE mode) and
    within it: tried at each line's start only. The regular expression engine cannot skip ahead to a line's
    start and tried every character (a field of 2,500 characters: 8 µs a pattern, at its line starts under 3)."""
    return (found for _line, found in numbered_line_matches(pattern, text))


def numbered_line_matches(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, re.Match[str]]]:
    """`line_matches`, each with the number of its line (from 0)."""
    pos = line = 0
    while True:
        found = pattern.match(text, pos)
        if found is not None:
            yield line, found
        pos = text.find("\n", pos) + 1
        if not pos:
            return
        line += 1


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


#: GFM's extended autolinks (GitHub Flavored Markdown spec 0.29, § 6.9): `www.` or `http://`/`https://` and a
#: domain, then anything up to white space or `<`, where a text starts, after white space or after one of
#: `*_~(`; an e-mail address (local part, `@`, a domain of two labels or more).
_AUTOLINK = re.compile(
    r"(?:(?<=^)|(?<=[\s*_~(]))(?P<web>(?:https?://|www\.)[\w.-]+[^\s<]*)"
    r"|(?<![\w.+-])(?P<mail>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
    re.ASCII,
)
#: What GitHub leaves off the end of a web address, character by character (cmark-gfm's `autolink_delim`; the
#: GFM spec names fewer): punctuation that ends a sentence, straight quotation marks and `;`; and (beyond GitHub,
#: which keeps them) the German and other closing quotation marks, which close a quote around the address.
_TRAILING = frozenset("?!.,:*_~'\"“”‘’«»")
#: The host of a web address: after the scheme, up to its path, query or fragment.
_HOST = re.compile(r"(?:https?://)?([^/?#]*)")


def _web_address(address: str) -> str:
    """`address` without what GitHub leaves outside it: trailing punctuation, an entity-like `&name;` or a `;`,
    and each `)` at its end that has no `(` to close. Cut from the end one piece at a time, the parentheses
    counted once: cut with a pattern and counted again after each piece, an address ending in 20,000 „)“ or
    „&a;“ took 15 s."""
    end = len(address)
    unclosed = address.count(")") - address.count("(")
    while end:
        last = address[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last == ")" and unclosed > 0:
            end -= 1
            unclosed -= 1
        elif last == ";":
            name = end - 1  # an entity-like `&name;` (ASCII letters) goes whole, else the `;` alone
            while name and address[name - 1].isascii() and address[name - 1].isalpha():
                name -= 1
            end = name - 1 if name < end - 1 and name and address[name - 1] == "&" else end - 1
        else:
            break
    return address[:end]


def _valid_domain(domain: str) -> bool:
    """GFM's valid domain: labels of letters, digits, `_` and `-`, at least two, no `_` in the last two."""
    labels = domain.split(".")
    return len(labels) >= 2 and all(labels) and "_" not in "".join(labels[-2:])


def _autolink(match: re.Match[str]) -> tuple[int, str, str] | None:
    """Where an address `_AUTOLINK` found starts, its text and its target; None where GFM makes no link of it."""
    mail = match.group("mail")
    if mail and match.start() and match.string[match.start() - 1].isalpha():
        return None  # „müller@leipzig.de“: an address that starts with a letter outside ASCII is no link of „ller@…“
    if mail:
        return (
            (match.start(), mail, "mailto:" + mail)
            if mail[-1] not in "-_" and _valid_domain(mail.split("@")[1])
            else None
        )
    text = _web_address(match.group("web"))
    host = _HOST.match(text)
    if host is None or not _valid_domain(host.group(1).split(":")[0]):
        return None
    return match.start(), text, ("http://" + text if text.startswith("www.") else text)


def may_autolink(text: str) -> bool:
    """Whether `text` may hold a bare address that `_autolinks` links: one of these stands in every one. A renderer
    that sets a text without parsing it (`pdf.prose.plain_paragraphs`) must parse one that may."""
    return "www." in text or "://" in text or "@" in text


def _autolinks(state: Any) -> None:
    """Bare web and e-mail addresses in text (outside links) become links, as GFM's autolink extension makes them
    on GitHub. markdown-it's own `linkify` needs linkify-it-py, whose rules are not GFM's: it links
    „opendata.leipzig.de“ without `www.` or scheme, which GitHub prints as text."""
    from markdown_it.token import Token

    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside = 0
        for token in block.children:
            inside += (token.type == "link_open") - (token.type == "link_close")
            links = (
                [found for match in _AUTOLINK.finditer(token.content) if (found := _autolink(match))]
                if token.type == "text" and not inside and may_autolink(token.content)
                else []
            )
            if not links:
                children.append(token)
                continue
            done = 0
            for start, text, href in links:  # where it was found: the same text may stand before, unlinked
                if start > done:
                    children.append(_text(token, token.content[done:start]))
                opened, closed = Token("link_open", "a", 1), Token("link_close", "a", -1)
                opened.attrs = {"href": state.md.normalizeLink(href)}  # encoded as a written link's target
                for mark in (opened, closed):
                    mark.markup, mark.info, mark.level = "linkify", "auto", token.level
                children += [opened, _text(token, text, 1), closed]
                done = start + len(text)
            if done < len(token.content):
                children.append(_text(token, token.content[done:]))
        block.children = children


def _text(like: Any, content: str, deeper: int = 0) -> Any:
    """A text token of `content` at the level of `like` (or `deeper` below it)."""
    from markdown_it.token import Token

    text = Token("text", "", 0)
    text.content, text.level = content, like.level + deeper
    return text


def _any_target(url: str) -> bool:
    return True


@cache
def prose_parser() -> MarkdownIt:
    """The parser of the prose fields, raw HTML off (it prints literally); built once per process."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_PARSER_NESTING}).enable(EXTENSIONS)
    parser.validateLink = _any_target  # type: ignore[method-assign]
    normalized = parser.normalizeLink

    def normalize_link(url: str) -> str:
        # a soft hyphen inside a word of a target (pasted from Word: `www.leip\xadzig.de/Förder\xadmittel`) is
        # left out, as the Markdown output leaves it out of the text (`markdown.prose`) and IDNA maps it to
        # nothing: kept, it made `%C2%AD` of the path and `xn--leipzig-oka` of the host, another address
        return normalized(SOFT_HYPHEN_IN_WORD.sub("", url) if SOFT_HYPHEN in url else url)

    parser.normalizeLink = normalize_link  # type: ignore[method-assign]
    parser.core.ruler.push("vsp_autolinks", _autolinks)
    return stepped(parser)


#: A soft hyphen (U+00AD) between two letters: inside a word, where leaving it out changes no Markdown.
SOFT_HYPHEN_IN_WORD = re.compile(r"(?<=[^\W\d_])\xad+(?=[^\W\d_])")


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
    parser.core.ruler.push("vsp_autolinks", _autolinks)
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
