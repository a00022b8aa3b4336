"""How ReportLab's paragraphs split words (`pdf.words`) and tell web addresses (`pdf.linebreaks`): as ReportLab's
own functions do."""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from vsp_cli.pdf import linebreaks, words
from vsp_cli.pdf.deferred import DeferredPattern

#: Letters, the no-break space, whitespace of both kinds (ReportLab's and `str.split`'s, which differ in the
#: no-break and the zero-width space), a soft hyphen and the character that holds no-break spaces.
_TEXT = st.text(
    alphabet=st.sampled_from(
        [
            "a",
            "Ä",
            "-",
            "\xad",
            "\xa0",
            " ",
            "\t",
            "\n",
            "\r",
            "\x1c",
            "\x85",
            "\u2009",
            "\u200b",
            "\u202f",
            "\u3000",
            "\x00",
        ]
    ),
    max_size=12,
)


@given(_TEXT)
def test_the_words_are_reportlabs(text: str) -> None:
    assert words.split(text) == words._reportlab_split(text)
    assert words.split(text, "\n") == words._reportlab_split(text, "\n")
    assert words.words(text) == " ".join(filter(None, words._reportlab_split(text)))


def test_whitespace_at_the_ends_gives_empty_words() -> None:
    # ReportLab's paragraph joins a frag's words to the frag before unless its text starts with whitespace
    assert words.split(" a\xa0b ") == ["", "a\xa0b", ""] == words._reportlab_split(" a\xa0b ")
    assert words.split("\xa0a\xa0") == ["\xa0a\xa0"] == words._reportlab_split("\xa0a\xa0")


def test_paragraphs_split_through_it() -> None:
    from reportlab.platypus import paragraph

    assert paragraph.split is words.split  # type: ignore[attr-defined]


_WORD = st.lists(
    st.sampled_from(["a", "Z", "0", ".", "-", "/", ":", "@", "?", "ä", "www", "://", "https"])
).map("".join)


@given(_WORD)
def test_a_word_is_a_web_address_as_reportlab_tells(word: str) -> None:
    assert linebreaks._uri_pairs(word) == linebreaks._reportlab_uri_pairs(word)
    assert linebreaks._uri_pairs("https://" + word) == linebreaks._reportlab_uri_pairs("https://" + word)


#: ReportLab's pattern for web addresses, as its paragraph module compiles it (`pdf.deferred`).
def _address_pattern() -> tuple[str, int]:
    from reportlab.platypus import paragraph

    pattern = paragraph.uri_pat  # type: ignore[attr-defined]
    return pattern.pattern, int(pattern.flags) & re.IGNORECASE


@given(_WORD)
def test_the_deferred_address_pattern_matches_as_the_compiled_one(word: str) -> None:
    source, flags = _address_pattern()
    deferred, compiled = DeferredPattern(source, flags), re.compile(source, flags)
    for text in (word, "https://" + word, word + ".de"):
        found, expected = deferred.match(text), compiled.match(text)
        assert (found and (found.span(), found.groups())) == (
            expected and (expected.span(), expected.groups())
        )
    assert (deferred.pattern, deferred.flags) == (compiled.pattern, compiled.flags)


def test_importing_the_renderer_leaves_reportlabs_costly_address_pattern_uncompiled() -> None:
    # 20 ms of every process that sets a PDF, for a pattern that only a web address at a line's end is matched
    # against; in a fresh process, as this one may have imported ReportLab before vsp
    program = (
        "import vsp_cli.pdf, reportlab.platypus.paragraph as p; from vsp_cli.pdf.deferred import DeferredPattern\n"
        "deferred = isinstance(p.uri_pat, DeferredPattern)\n"
        "print(deferred, deferred and p.uri_pat._compiled is None, '\\xa1-\\uffff' in p.uri_pat.pattern)\n"
        "print(p._uri_split_pairs('https://www.leipzig.de/a/b'))\n"
        "print(deferred and p.uri_pat._compiled is not None)\n"
    )
    lines = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    deferred, uncompiled, costly = lines[0].split()
    # deferred wherever ReportLab's pattern has the costly range (a later ReportLab may not have it)
    assert (deferred, uncompiled) == ("True", "True") or costly == "False"
    assert lines[1] == repr(
        [
            ("https://www.leipzig.de/a/", "b"),
            ("https://www.leipzig.de/", "a/b"),
            ("https://", "www.leipzig.de/a/b"),
        ]
    )
    assert lines[2] == deferred  # compiled at its first match
