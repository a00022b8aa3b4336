"""The Markdown dialect of the prose fields, in one place: the PDF and the Markdown renderer parse with it.

CommonMark with the GFM tables and strike-through that GitHub and GitLab show in the Markdown output. Every
link target parses as a link, as on GitHub, whose sanitizer then drops unsafe targets: markdown-it would
otherwise print `[Text](javascript:…)` with its brackets, while GitHub shows „Text“. The renderers decide which
targets become clickable (`prose.SAFE_SCHEMES`).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

EXTENSIONS = ["table", "strikethrough"]
#: Levels markdown-it parses before it drops the rest of a text (20 in its CommonMark preset: ten nested lists
#: lost everything after them). Validation refuses more than `rules.MAX_NESTING` lists and quotes inside one
#: another, far below this.
MAX_PARSER_NESTING = 100


def _any_target(url: str) -> bool:
    return True


@cache
def prose_parser() -> MarkdownIt:
    """The parser of the prose fields, raw HTML off (it prints literally); built once per process."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_PARSER_NESTING}).enable(EXTENSIONS)
    parser.validateLink = _any_target  # type: ignore[method-assign]
    return parser


@cache
def github_parser() -> MarkdownIt:
    """The same dialect with raw HTML on, as GitHub and GitLab read the Markdown output."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"maxNesting": MAX_PARSER_NESTING}).enable(EXTENSIONS)
    parser.validateLink = _any_target  # type: ignore[method-assign]
    return parser
