"""Loader guards that cannot be kept as case files: size limit, alias bombs, named pipes, OS errors in German."""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from vsp_cli.fileio import os_reason
from vsp_cli.limits import MAX_BYTES
from vsp_cli.loader import load_text, read_file
from vsp_cli.validation import check_file

BOMB = "\n".join(
    [f'l0: &l0 ["{"x" * 10}"]'] + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 12)]
)


def test_size_limit_names_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "gross.yaml"
    big.write_text("betreff: " + "x" * (MAX_BYTES + 10), encoding="utf-8")
    result = check_file(big)
    assert [d.code for d in result.diagnostics] == ["file-too-large"]
    assert "1.000.000 Bytes" in result.diagnostics[0].message


def test_billion_laughs_is_refused_fast_and_small(tmp_path: Path) -> None:
    path = tmp_path / "bombe.yaml"
    path.write_text(BOMB, encoding="utf-8")
    tracemalloc.start()
    started = time.process_time()
    result = check_file(path)
    elapsed = time.process_time() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [d.code for d in result.diagnostics] == ["too-many-nodes"]
    # CPU time, with a wide margin: the bomb expands to 10^11 nodes, so without the node limit this takes hours
    # (or fails the memory bound first); a wall-time bound of 1 s failed on a loaded machine (1.12 s)
    assert elapsed < 10.0
    assert peak < 50_000_000


def test_aliases_within_bounds_are_expanded(tmp_path: Path) -> None:
    doc = load_text(tmp_path / "a.yaml", "a: &x [1, 2]\nb: *x\n")
    assert doc.data == {"a": [1, 2], "b": [1, 2]}


def test_yaml_1_1_scalars_stay_strings() -> None:
    doc = load_text(
        Path("x.yaml"),
        "a: no\nb: 17:00\nc: 0123\nd: 2017-04-18\ne: on\nf: true\ng: 12\nh: ~\ni: True\nj: FALSE\nk: false\n",
    )
    assert doc.data == {
        "a": "no",
        "b": "17:00",
        "c": "0123",
        "d": "2017-04-18",
        "e": "on",
        "f": True,
        "g": 12,
        "h": None,
        "i": "True",  # only lower-case true/false are booleans (the spec's rule)
        "j": "FALSE",
        "k": False,
    }


def test_positions_point_at_values_and_keys() -> None:
    doc = load_text(Path("x.yaml"), "a:\n  - b: 1\n    c: zwei\n")
    assert doc.locate(("a", 0, "c")) == (2, 7, 2, 11)
    assert doc.locate(("a", 0, "c"), key=True) == (2, 4, 2, 5)
    # a missing key maps to its parent mapping
    assert doc.locate(("a", 0, "fehlt")) == doc.locate(("a", 0))


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_file(path).data == {"a": 1}


def test_unreadable_path_is_a_diagnostic(tmp_path: Path) -> None:
    result = check_file(tmp_path)
    assert [d.code for d in result.diagnostics] == ["unreadable"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    results: list[Any] = []
    reader = threading.Thread(target=lambda: results.append(check_file(pipe)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert results, "check_file is still waiting for someone to write into the pipe"
    [problem] = results[0].diagnostics
    assert problem.code == "unreadable" and "keine gewöhnliche Datei" in problem.message


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="Unix sockets are a POSIX feature")
def test_a_socket_is_refused_in_german(tmp_path: Path) -> None:
    """Opening a Unix socket fails with ENXIO, whose reason was the system's English „No such device or
    address“."""
    path = tmp_path / "s.yaml"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        [problem] = check_file(path).diagnostics
    assert problem.message == (
        "Die Datei kann nicht gelesen werden: keine gewöhnliche Datei (ein Socket oder ein Gerät ohne Treiber)"
    )


def test_os_errors_are_explained_in_german(tmp_path: Path) -> None:
    missing = check_file(tmp_path / "fehlt.yaml").diagnostics
    assert [d.message for d in missing] == ["Die Datei kann nicht gelesen werden: nicht gefunden"]
    assert (
        os_reason(OSError(errno.ENOSPC, "No space left on device")) == "kein Platz mehr auf dem Datenträger"
    )
    assert os_reason(OSError(errno.EXDEV, "Invalid cross-device link")) == "Invalid cross-device link"


# --- the position of a character inside a value ------------------------------------------------------------------

MARK = "\u2603"  # ☃: not white space, kept as it is in every style


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("betreff: ab☃c\n", (0, 11)),
        ("betreff: ab\n  cd ☃\n", (1, 5)),  # a plain scalar over two lines
        ("betreff: 'it''s ☃'\n", (0, 16)),  # '' is one quote
        ('betreff: "a\\tb \\u2603 ☃"\n', (0, 15)),  # the escape itself is the first ☃
        ('betreff: "a\\\n   b ☃"\n', (1, 5)),  # an escaped line break
        ("betreff: >-\n  eins\n  zwei ☃\n", (2, 7)),
        ("betreff: |  # Kommentar\n  - eins\n    - zwei ☃\n", (2, 11)),  # deeper than the block
        ("betreff: |\r\n  x\r\n\r\n  yy☃\r\n", (3, 4)),
        ("betreff: &a Text ☃\n", (0, 17)),  # an anchor before the value
        ("betreff: &a !!str 'T''x ☃'\n", (0, 24)),
        ('betreff: &a "T \\u2603"\n', (0, 15)),
        ("betreff: &a >-\n  eins ☃\n", (1, 7)),
        ('betreff: "abc\\rdef ☃"\r\n', (0, 19)),  # an escaped CR is text, a raw one a line break
    ],
)
def test_a_character_is_located_in_every_scalar_style(source: str, expected: tuple[int, int]) -> None:
    doc = load_text(Path("x.yaml"), source)
    span = doc.char_span(("betreff",), doc.data["betreff"].index(MARK))
    assert (span.line, span.column) == expected


def test_an_escaped_control_character_is_located_at_its_backslash() -> None:
    doc = load_text(Path("x.yaml"), 'betreff: "abc\\rdef"\r\nsachverhalt: &a "x\\ty\\u0007"\r\n')
    assert doc.char_span(("betreff",), 3)[:2] == (0, 13)
    assert doc.char_span(("sachverhalt",), 3)[:2] == (1, 21)


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.text(alphabet="ab c\t'\"\\#:-ä\n", max_size=8), min_size=1, max_size=12),
    at=st.integers(min_value=0),
    style=st.sampled_from([None, "'", '"', "|", ">"]),
    width=st.sampled_from([12, 80]),
)
@example(words=["a\n\n b"], at=0, style=">", width=12)
def test_a_character_is_located_whatever_the_style(
    words: list[str], at: int, style: str | None, width: int
) -> None:
    """Whatever way PyYAML writes a value, the located character in the source is the marked one."""
    words.insert(at % (len(words) + 1), MARK)
    value = " ".join(words)
    text = yaml.dump({"betreff": value}, default_style=style, allow_unicode=True, width=width)
    doc = load_text(Path("x.yaml"), text)
    assume(doc.data["betreff"] == value)  # PyYAML writes some folded values it cannot read back the same
    span = doc.char_span(("betreff",), value.index(MARK))
    assert text.splitlines()[span.line][span.column] == MARK


def test_libyamls_nesting_limit_is_explained_in_german() -> None:
    from vsp_cli.errors import InvalidInput

    with pytest.raises(InvalidInput) as info:
        load_text(Path("x.yaml"), "betreff: " + "[" * 2000)
    [found] = info.value.diagnostics
    assert found.code == "yaml-syntax" and "zu tief verschachtelt" in found.message


@pytest.mark.parametrize(
    ("text", "line", "column", "says"),
    [
        ("nummer: x\nbetreff Text\nempfehlung: ablehnung\n", 2, 1, "fehlt das „:“"),
        ("nummer: x\nbegruendung |\n  Absatz.\n\n  Noch einer.\ndatum: 2017-04-18\n", 2, 1, "fehlt das „:“"),
        (
            "nummer: x\nbegruendung: |\n  Absatz.\nNoch einer.\ndatum: 2017-04-18\n",
            4,
            1,
            "zu wenig eingerückt",
        ),
        ('nummer: x\nbetreff: "Offen: bis zum Ende\nempfehlung: ablehnung\n', 2, 10, "nicht geschlossen"),
        (
            'betreff: "Offen: bis\nberatungsfolge:\n  - gremium: "Rat"\n',
            3,
            15,
            "in Zeile 1 wird erst hier geschlossen",
        ),
    ],
    ids=[
        "missing colon",
        "missing colon before a block",
        "unindented block line",
        "unclosed quote",
        "late close",
    ],
)
def test_syntax_errors_point_at_the_mistake_not_where_the_parser_gave_up(
    text: str, line: int, column: int, says: str
) -> None:
    from vsp_cli.errors import InvalidInput

    with pytest.raises(InvalidInput) as info:
        load_text(Path("x.yaml"), text)
    [found] = info.value.diagnostics
    assert (found.code, found.line, found.column) == ("yaml-syntax", line, column)
    assert says in found.message


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_named(tmp_path: Path, encoding: str) -> None:
    """Some editors save UTF-16 without a mark; it was reported as a NUL byte in a binary file."""
    path = tmp_path / "s.yaml"
    path.write_bytes("nummer: VI-A-03824-VSP-01\nbetreff: Grünflächen\n".encode(encoding))
    [found] = check_file(path).diagnostics
    assert (found.code, found.message) == (
        "nul-byte",
        "Die Datei ist UTF-16-kodiert; bitte als UTF-8 speichern",
    )


def test_a_binary_file_is_not_taken_for_utf16(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"nummer: x\x00\x00\x01\x02binary\x00")
    [found] = check_file(path).diagnostics
    assert "NUL-Byte" in found.message
