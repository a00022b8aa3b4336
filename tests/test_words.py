"""How ReportLab's paragraphs split words (`pdf.words`) and tell web addresses (`pdf.linebreaks`): as ReportLab's
own functions do."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vsp_cli.pdf import linebreaks, words

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
