"""The remembered name and text encodings of ReportLab's PDF writer: same bytes, bounded memory."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfbase import pdfdoc

from test_pdf import statement
from vsp_cli.pdf import pdfwriter, render_pdf

#: Names and values as ReportLab formats them, with the characters a name must escape and some pdfdoc cannot hold.
_TEXT = st.text(
    alphabet=st.sampled_from([*"Type/Font#()<>[]{}% .0123456789-", "ä", "€", "\x00", "\x7f", "ễ"])
)


@given(st.lists(_TEXT, max_size=6))
def test_remembered_names_are_reportlabs(texts: list[str]) -> None:
    for text in texts * 2:  # the second round is answered from memory
        assert pdfwriter._name(text) == pdfwriter._original_name(text)
        assert pdfwriter._name(text, "0", "z") == pdfwriter._original_name(text, "0", "z")  # other bounds


def _outcome(function: Any, value: Any) -> Any:
    try:
        return function(value)
    except UnicodeEncodeError as exc:
        return type(exc)


@given(st.lists(st.one_of(_TEXT, st.binary(max_size=4), st.integers()), max_size=6))
def test_remembered_encodings_are_reportlabs(values: list[Any]) -> None:
    for value in values * 2:
        assert _outcome(pdfwriter._encode, value) == _outcome(pdfwriter._original_encode, value)


@given(st.text(alphabet=st.sampled_from([*" 0123456789nf\n\r\t", "\x18", "\x1f", "\x7f", "ä"]), min_size=65))
def test_long_texts_are_encoded_as_reportlab_encodes_them(text: str) -> None:
    """Long texts (the cross-reference table) take Python's ASCII codec where that gives the same bytes."""
    assert _outcome(pdfwriter._encode, text) == _outcome(pdfwriter._original_encode, text)


def test_long_inputs_are_not_kept_and_the_memory_is_bounded() -> None:
    pdfwriter._encode("x" * (pdfwriter.MEMO_TEXT_MAX + 1))
    pdfwriter._name("N" * (pdfwriter.MEMO_TEXT_MAX + 1))
    for i in range(pdfwriter.MEMO_MAX + 10):
        pdfwriter._encode(str(i))
        pdfwriter._name(f"N{i}")
    for memo in (pdfwriter._encoded, pdfwriter._names):
        assert 0 < len(memo) <= pdfwriter.MEMO_MAX
        assert all(len(text) <= pdfwriter.MEMO_TEXT_MAX for text in memo)


def test_a_pdf_is_the_same_byte_for_byte_with_reportlabs_own_functions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert (
        pdfdoc.PDFName is pdfwriter._name
        and pdfdoc.pdfdocEnc is pdfwriter._encode
        and pdfdoc.PDFIndirectObject.format is pdfwriter._indirect
    )  # installed by vsp_cli.pdf
    remembered = render_pdf(statement())
    monkeypatch.setattr(pdfdoc, "PDFName", pdfwriter._original_name)
    monkeypatch.setattr(pdfdoc, "pdfdocEnc", pdfwriter._original_encode)
    monkeypatch.setattr(pdfdoc.PDFIndirectObject, "format", pdfwriter._original_indirect)
    assert render_pdf(statement()) == remembered
