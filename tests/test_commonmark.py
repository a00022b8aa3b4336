"""The prose dialect's extended autolinks (`commonmark._autolinks`), GFM spec 0.29 § 6.9, read from the tokens; and
patterns tried at line starts (`commonmark.line_matches`)."""

from __future__ import annotations

import string
import time
from typing import Any

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
        ('Die Seite "Service unter www.leipzig.de/service".', [("www.leipzig.de/service", "")]),
        ("www.leipzig.de; www.dresden.de", [("www.leipzig.de", ""), ("www.dresden.de", "")]),
        ("www.x.de/a&amp;b&hl;", [("www.x.de/a&b", "")]),
    ],
)
def test_extended_autolinks_end_where_gfm_ends_them(source: str, expected: list[tuple[str, str]]) -> None:
    """The examples of GFM § 6.9 (an empty target: the text's own, with `http://` before a `www.`)."""
    assert [(text, href or ("http://" + text)) for text, href in expected] == autolinks(source)


def _autolink_delim(address: str) -> str:
    """cmark-gfm's `autolink_delim` (extensions/autolink.c), which cuts the end of a bare address on GitHub, and
    the closing quotation marks that vsp leaves off besides."""
    end = len(address)
    opening, closing = address.count("("), address.count(")")
    while end > 0:
        last = address[end - 1]
        if last == ")":
            if closing <= opening:
                break
            closing -= 1
            end -= 1
        elif last in "?!.,:*_~'\"" or last in "“”‘’«»":
            end -= 1
        elif last == ";":
            new_end = end - 2
            while new_end > 0 and address[new_end] in string.ascii_letters:
                new_end -= 1
            end = new_end if new_end < end - 2 and address[new_end] == "&" else end - 1
        else:
            break
    return address[:end]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["www.x.de/", "a", "(", ")", ".", "?", "&", ";", "amp", "_", "“", "ä", "1", "/", "'", '"']
        )
    )
)
@example(["www.x.de/", "&", "amp", ";", ")", "."])
@example(["www.x.de/", "&", "&", "a", ";"])
@example(["www.x.de/", "&", "_", ";"])
@example(["www.x.de/", "a", ";", '"'])
@example(["www.x.de/", "&", "1", ";"])
def test_the_end_of_a_web_address_is_cut_as_github_cuts_it(pieces: list[str]) -> None:
    address = "".join(pieces)
    assert commonmark._web_address(address) == _autolink_delim(address)


@pytest.mark.parametrize("tail", [")" * 20_000, ".)" * 20_000, "&a;" * 10_000, "&a;)" * 8_000])
def test_an_address_with_a_long_tail_to_cut_is_read_in_linear_time(tail: str) -> None:
    """Cut with a pattern and its parentheses counted again after each piece, an address that ended in 20,000
    „)“ (within MAX_PARAGRAPH) took 15 s to parse, at each of the three parses of a render. Measured in this
    process's CPU time (it takes some 10 ms)."""
    started = time.process_time()
    links = autolinks("Siehe www.x.de/" + tail)
    assert time.process_time() - started < 2
    assert links == [("www.x.de/", "http://www.x.de/")]


# --- patterns at line starts ----------------------------------------------------------------------------------

#: Lines of points, list markers, quotes and text, as the checks of Markdown fields meet them.
_LINES = st.lists(
    st.lists(
        st.sampled_from(
            [
                " ",
                "\t",
                ">",
                "-",
                "*",
                "+",
                "1",
                "2",
                "12",
                ".",
                ")",
                "(",
                "a",
                "b",
                "B",
                "Zu ",
                "x",
                "•",
                "Uhr",
                "ü",
            ]
        )
    ).map("".join),
    max_size=8,
).map("\n".join)


def _line_patterns() -> list[Any]:
    from vsp_cli import rules, validation

    return [
        validation._POINT,
        validation._NUMBERED,
        validation._LETTERED,
        rules._LEADING_MARKERS,
        rules._CONTAINER_RUN,
    ]


@given(_LINES)
@example("a) x\nb) y\n1. z\n  2. w\n> - - - x\n")
def test_patterns_tried_at_line_starts_find_what_a_search_of_the_whole_text_finds(text: str) -> None:
    for pattern in _line_patterns():
        expected = [(m.span(), m.groups()) for m in pattern.finditer(text)]
        assert [(m.span(), m.groups()) for m in commonmark.line_matches(pattern, text)] == expected


@given(_LINES)
@example("a) x\n\nb) y\n1. z\n")
def test_matches_at_line_starts_know_their_line(text: str) -> None:
    for pattern in _line_patterns():
        for line, found in commonmark.numbered_line_matches(pattern, text):
            assert line == text.count("\n", 0, found.start())
