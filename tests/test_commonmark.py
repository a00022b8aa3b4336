"""The prose dialect's extended autolinks (`commonmark._autolinks`), GFM spec 0.29 § 6.9, read from the tokens."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vsp_cli import commonmark
from vsp_cli.commonmark import prose_parser


def autolinks(source: str) -> list[tuple[str, str]]:
    """The text and target of each link the autolink rule made in `source`."""
    found = []
    for block in prose_parser().parse(source):
        children = block.children or []
        for at, token in enumerate(children):
            if token.type == "link_open" and token.markup == "linkify":
                found.append((children[at + 1].content, str(token.attrs["href"])))
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Visit www.commonmark.org/a.b.", [("www.commonmark.org/a.b", "http://www.commonmark.org/a.b")]),
        ("www.google.com/search?q=Markup+(business)))", [("www.google.com/search?q=Markup+(business)", "")]),
        ("(www.google.com/search?q=Markup+(business))", [("www.google.com/search?q=Markup+(business)", "")]),
        ("www.google.com/search?q=(business))+ok", [("www.google.com/search?q=(business))+ok", "")]),
        ("www.google.com/search?q=commonmark&hl;", [("www.google.com/search?q=commonmark", "")]),
        ("www.commonmark.org/he<lp", [("www.commonmark.org/he", "")]),
        (
            "hello@mail+xyz.example ist keine, hello+xyz@mail.example ist eine.",
            [("hello+xyz@mail.example", "mailto:hello+xyz@mail.example")],
        ),
        ("a.b-c_d@a.b.", [("a.b-c_d@a.b", "mailto:a.b-c_d@a.b")]),
        ("a.b-c_d@a.b- und a.b-c_d@a.b_", []),
        ("Siehe „Portal www.leipzig.de“.", [("www.leipzig.de", "http://www.leipzig.de")]),
    ],
)
def test_extended_autolinks_end_where_gfm_ends_them(source: str, expected: list[tuple[str, str]]) -> None:
    """The examples of GFM § 6.9 (an empty target: the text's own, with `http://` before a `www.`)."""
    assert [(text, href or ("http://" + text)) for text, href in expected] == autolinks(source)


#: The cut `commonmark._web_address` made with a pattern, the parentheses counted again after each piece.
_OLD_TRAILING = re.compile(r"(?:[?!.,:*_~“”‘’«»]+|&\w+;)$")


def _old_web_address(address: str) -> str:
    while True:
        cut = _OLD_TRAILING.sub("", address)
        if cut.endswith(")") and cut.count(")") > cut.count("("):
            cut = cut[:-1]
        if cut == address:
            return address
        address = cut


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["www.x.de/", "a", "(", ")", ".", "?", "&", ";", "amp", "_", "“", "ä", "1", "/"])
    )
)
@example(["www.x.de/", "&", "amp", ";", ")", "."])
@example(["www.x.de/", "&", "&", "a", ";"])
@example(["www.x.de/", "&", "_", ";"])
def test_the_end_of_a_web_address_is_cut_as_the_pattern_cut_it(pieces: list[str]) -> None:
    address = "".join(pieces)
    assert commonmark._web_address(address) == _old_web_address(address)


@pytest.mark.parametrize("tail", [")" * 20_000, ".)" * 20_000, "&a;" * 10_000, "&a;)" * 8_000])
def test_an_address_with_a_long_tail_to_cut_is_read_in_linear_time(tail: str) -> None:
    """Cut with a pattern and its parentheses counted again after each piece, an address that ended in 20,000
    „)“ (within MAX_PARAGRAPH) took 15 s to parse, at each of the three parses of a render. Measured in this
    process's CPU time (it takes some 10 ms)."""
    started = time.process_time()
    links = autolinks("Siehe www.x.de/" + tail)
    assert time.process_time() - started < 2
    assert links == [("www.x.de/", "http://www.x.de/")]
