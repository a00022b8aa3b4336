"""A hostile repository (issue #15): what its statements, configuration, templates and logo cannot make vsp do."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import time
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, ROOT
from conftest import call_captured as vsp
from vsp_cli import api, build, rules, sandbox, templatefiles
from vsp_cli.build import RECORD_NAME
from vsp_cli.config import discovery as config_discovery
from vsp_cli.config import load_config
from vsp_cli.diagnostics import Diagnostic, quote, quote_path
from vsp_cli.errors import ConfigError, TemplateError
from vsp_cli.forms import form_of
from vsp_cli.limits import (
    MAX_LOGO_PIECES,
    MAX_LOGO_SCANS,
    MAX_TEMPLATE_FILE_BYTES,
    MAX_TEMPLATE_MEMORY,
    MAX_TEMPLATE_SECONDS,
    QUOTE_LIMIT,
)
from vsp_cli.mdlinks import safe_target
from vsp_cli.model import Statement
from vsp_cli.settings import RenderSettings
from vsp_cli.validation import check_file

SEED = EXAMPLES / "VI-A-03824-VSP-01.yaml"
#: A value no message may repeat whole: a private key, a token, a pasted document.
SECRET = "".join(f"geheim{i:04d}" for i in range(200))
#: As long as a key or a label may be (YAML's simple keys end at 1,024 characters, labels at 200).
SHORT_SECRET = SECRET[:150]


def test_a_folder_named_with_terminal_controls_is_escaped_in_the_summary_and_in_vsp_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Messages escaped such names, the summary line and `vsp config` printed them raw: a folder of the repository
    could set the terminal's title, clear the screen, or start a line of its own (a GitHub workflow command)."""
    hostile = "o\x1b]0;Titel\x07\x1b[2J\u202e\n::error::gefälscht"
    shutil.copy(SEED, tmp_path / "a.yaml")
    (tmp_path / "vsp.toml").write_text(
        'output_dir = "o\\u001b]0;Titel\\u0007\\u001b[2J\\u202e\\n::error::gefälscht"\n', encoding="utf-8"
    )
    code, out, err = vsp(capsys, "render", str(tmp_path / "a.yaml"))
    assert code == 0, out + err
    assert (tmp_path / hostile / "a.pdf").is_file()
    assert "o\\x1b]0;Titel\\x07\\x1b[2J\\u202e\\x0a::error::gefälscht/" in err
    code, out, err = vsp(capsys, "config", str(tmp_path / "a.yaml"))
    assert code == 0, err
    assert "o\\x1b]0;Titel\\x07\\x1b[2J\\u202e\\x0a::error::gefälscht" in out
    for printed in (out, err):
        assert not any(c in printed for c in "\x1b\x07\u202e") and "\n::error" not in printed


def test_a_form_name_with_terminal_controls_is_refused_and_form_paths_are_escaped_in_vsp_formular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`vsp formular` printed the names and paths of `[formulare]` raw, and `vsp config` the names: a
    configuration could set the terminal's title or start a line of its own in a CI log."""
    hostile = "x\x1b]0;Titel\x07\u202e\n::error::gefälscht"
    escaped = "x\\x1b]0;Titel\\x07\\u202e\\x0a::error::gefälscht"
    for name in (f"{hostile}.toml", "eigen.toml"):
        (tmp_path / name).write_text('schema = 1\nname = "Eigen"\nerbt = "2019"\n', encoding="utf-8")
    (tmp_path / "vsp.toml").write_text(
        '[formulare]\n"x\\u001b]0;Titel\\u0007\\u202e\\n::error::gefälscht" = "eigen.toml"\n',
        encoding="utf-8",
    )
    for command in (("formular",), ("config", str(tmp_path))):
        code, out, err = vsp(capsys, *command, "--config", str(tmp_path / "vsp.toml"))
        assert code == 1, out + err
        assert f"„formulare.{escaped}“" in out + err and "[unprintable-character]" in out + err
        assert not any(c in out + err for c in "\x1b\x07\u202e") and "\n::error" not in out + err
    (tmp_path / "vsp.toml").write_text(
        '[formulare]\neigen = "x\\u001b]0;Titel\\u0007\\u202e\\n::error::gefälscht.toml"\n'
        'formular = "x\\u001b]0;Titel\\u0007\\u202e\\n::error::gefälscht.toml"\n',
        encoding="utf-8",
    )
    for command in (("formular",), ("config", str(tmp_path))):
        code, out, err = vsp(capsys, *command, "--config", str(tmp_path / "vsp.toml"))
        assert code == 0, out + err
        assert escaped in out
        assert not any(c in out + err for c in "\x1b\x07\u202e") and "\n::error" not in out + err


@pytest.mark.parametrize(
    "name", ["::error title=gefälscht::x", "  ::stop-commands::x", "##[warning]x", "##vso[task]x"]
)
def test_no_line_starts_with_a_ci_command_taken_from_a_name_of_the_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """A statement named `::error title=…::….yaml` began a line of the text format with a command GitHub Actions
    runs (a forged annotation; `::stop-commands::` silenced every later one), and so did a name of `[formulare]`
    in `vsp formular`."""
    (tmp_path / f"{name}.yaml").write_text("nummer: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = vsp(capsys, "validate", "--format", "text", f"{name}.yaml")
    assert code == 1, out + err
    assert out.startswith(f"./{name}.yaml:2:1: fehler:")
    (tmp_path / "eigen.toml").write_text('schema = 1\nname = "Eigen"\nerbt = "2019"\n', encoding="utf-8")
    (tmp_path / "vsp.toml").write_text(f'[formulare]\n"{name}" = "eigen.toml"\n', encoding="utf-8")
    code, out, err = vsp(capsys, "formular", "--config", str(tmp_path / "vsp.toml"))
    assert code == 1, out + err
    assert "taugt nicht als Name eines Formulars" in out + err
    for printed in (out, err):
        assert not any(line.strip().startswith(("::", "##")) for line in printed.splitlines())


def _form_of_many_blocks(folder: Path, blocks: int, unknown: int = 0) -> None:
    """A form file with `blocks` blocks of its own, placed (the last one a choice of `blocks` options), and a part
    listing `unknown` blocks nobody declared."""
    ids = [f"eigener_block_{i:04d}" for i in range(blocks)] + [f"unbekannt_{i:04d}" for i in range(unknown)]
    lines = [
        'schema = 1\nname = "Viele"\nerbt = "2014"',
        'reihenfolge = ["kopf", "beschluss", "finanzen", "sachverhalt", "schluss", "x"]',
        "[teile.x]\nbloecke = [" + ", ".join(f'"{i}"' for i in ids) + "]",
    ]
    lines += [f'[bloecke.eigener_block_{i:04d}]\ntyp = "angabe"\nlabel = "L"' for i in range(blocks - 1)]
    lines += [f'[bloecke.eigener_block_{blocks - 1:04d}]\ntyp = "auswahl"\nlabel = "L"\nmehrfach = true']
    options = ", ".join(f'{{id = "o{o}", label = "O"}}' for o in range(blocks))
    lines += [f"optionen = [{options}]"]
    (folder / "f.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_statement_of_many_unknown_names_on_a_form_of_many_blocks_is_checked_at_once(
    tmp_path: Path,
) -> None:
    """Each unknown name of `zusatzfelder` was compared with every block of the form for a hint, and its message
    listed them all: 15,000 names against 3,000 blocks ran for minutes and would have printed 750 MB."""
    _form_of_many_blocks(tmp_path, 1500)
    names = "".join(f"  eigener_blok_{i:04d}: a\n" for i in range(3000))
    choices = "".join(f"    - p{i}\n" for i in range(3000))
    (tmp_path / "a.yaml").write_text(
        "formular: f.toml\n"
        + SEED.read_text(encoding="utf-8")
        + f"zusatzfelder:\n{names}  eigener_block_1499:\n{choices}",
        encoding="utf-8",
    )
    started = time.process_time()
    diagnostics = check_file(tmp_path / "a.yaml").diagnostics
    assert time.process_time() - started < 10
    unknown = [d for d in diagnostics if d.code == "unknown-key"]
    assert len(unknown) == 3000 and "Meinten Sie „eigener_block_0000“?" not in unknown[0].message
    assert "… (1.500 insgesamt)" in unknown[0].message
    assert all(len(d.message) < 1500 for d in diagnostics), max(len(d.message) for d in diagnostics)


def test_a_broken_form_file_is_checked_once_and_without_a_hint_for_each_of_its_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every unknown block of a part was compared with every block of the form, and a form with problems was
    checked again for each statement naming it: 4,000 unknown blocks took 52 s, for each statement."""
    from vsp_cli.forms import loading

    _form_of_many_blocks(tmp_path, 1000, unknown=2000)
    for i in range(3):
        text = SEED.read_text(encoding="utf-8").replace("VI-A-03824-VSP-01", f"VI-A-0382{i}-VSP-01")
        (tmp_path / f"s{i}.yaml").write_text("formular: f.toml\n" + text, encoding="utf-8")
    built, original = [], loading._build

    def counted(*args: Any) -> Any:
        built.append(args)
        return original(*args)

    monkeypatch.setattr(loading, "_build", counted)
    started = time.process_time()
    results = [check_file(tmp_path / f"s{i}.yaml") for i in range(3)]
    assert time.process_time() - started < 10 and len(built) == 1
    for result in results:
        [problem] = [d for d in result.diagnostics if d.code == "form-invalid"]
        assert "2.000 Fehler" in problem.message


def test_a_form_file_of_tens_of_thousands_of_problems_is_checked_in_linear_time(tmp_path: Path) -> None:
    """Each problem of a form file copied the positions of all its values to find its own: a file within
    MAX_FORM_BYTES of 37,000 unprintable texts took 6 s to check (time squared in its problems)."""
    from vsp_cli.forms import loading

    texts = '"中",\n' * 37_000
    (tmp_path / "f.toml").write_text(
        f'schema = 1\nname = "x"\nerbt = "2019"\na = [\n{texts}]\n', encoding="utf-8"
    )
    started = time.process_time()
    with pytest.raises(loading.FormError) as caught:
        loading.resolve("f.toml", loading.FormSources(), tmp_path)
    assert time.process_time() - started < 3
    unprintable = [d for d in caught.value.diagnostics if d.code == "unprintable-character"]
    assert len(unprintable) == 37_000 and unprintable[-1].span.line == unprintable[0].span.line + 36_999


def test_a_form_file_rendered_is_not_kept_once_the_caches_of_forms_drop_it(tmp_path: Path) -> None:
    """The v1 labels of each form rendered to Markdown were cached by the form itself, for ever: every form
    file of a repository (130 of 256 KiB: 1.3 GB) and every saved version of one under `--watch` stayed in
    memory, whatever the caches of the forms let go."""
    import gc
    import weakref

    from vsp_cli.forms import form_of, loading

    (tmp_path / "f.toml").write_text('schema = 1\nname = "Eigen"\nerbt = "2019"\n', encoding="utf-8")
    (tmp_path / "a.yaml").write_text(
        "formular: f.toml\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = check_file(tmp_path / "a.yaml")
    assert result.statement is not None, result.diagnostics
    api.render_markdown(result.statement)
    form = weakref.ref(form_of(result.statement))
    del result
    other = check_file(SEED).statement
    assert other is not None
    api.render_markdown(other)  # the layout kept is the last statement's
    loading._effective_forms.clear()
    loading._labelled.clear()
    gc.collect()
    assert form() is None


def test_the_forms_kept_in_memory_are_bounded_by_the_bytes_of_their_files(tmp_path: Path) -> None:
    """Up to 64 parsed and effective forms were kept, whatever their size: 64 forms of 256 KiB (a repository of
    16 MB) took 1 GB in every process. Now as many as MAX_KEPT_FORM_BYTES of form files allow."""
    import gc
    import weakref

    from vsp_cli.forms import loading
    from vsp_cli.limits import MAX_FORM_BYTES, MAX_KEPT_FORM_BYTES

    ids = [f"b{i}" for i in range(5_000)]
    body = "\n".join(
        [
            'reihenfolge = ["kopf", "beschluss", "finanzen", "sachverhalt", "schluss", "x"]',
            "[teile.x]\nbloecke = [" + ",".join(f'"{i}"' for i in ids) + "]",
            *(f'[bloecke.{i}]\ntyp = "angabe"\nlabel = "L"' for i in ids),
        ]
    )
    count = MAX_KEPT_FORM_BYTES // MAX_FORM_BYTES + 4
    forms = []
    for n in range(count):
        (tmp_path / f"f{n}.toml").write_text(f'schema = 1\nname = "F{n}"\nerbt = "2019"\n{body}\n', "utf-8")
        forms.append(weakref.ref(loading.resolve(f"f{n}.toml", loading.FormSources(), tmp_path)))
    size = (tmp_path / "f0.toml").stat().st_size
    assert MAX_FORM_BYTES // 2 < size <= MAX_FORM_BYTES
    gc.collect()
    kept = [n for n, form in enumerate(forms) if form() is not None]
    assert kept and kept[-1] == count - 1 and len(kept) <= MAX_KEPT_FORM_BYTES // size, kept


def test_unknown_keys_are_compared_with_the_fields_once_and_for_the_first_few_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each unknown key was compared with the fields twice (its message, then the checks across fields), each
    missing key with every unknown one of its mapping, and each message past the first few listed all fields:
    19,000 unknown keys took 4 s, 6,000 rows with `gremiun` 4.5 s."""
    import difflib

    from vsp_cli.limits import MAX_HINTS

    rows = "".join(f"  - gremiun: FA {i}\n" for i in range(300))
    keys = "".join(f"betref{i}: x\n" for i in range(300))
    text = SEED.read_text(encoding="utf-8").replace("beratungsfolge:\n", "beratungsfolge:\n" + rows, 1)
    (tmp_path / "a.yaml").write_text(text + keys, encoding="utf-8")
    compared, original = [], difflib.get_close_matches

    def counted(word: str, *args: Any, **kwargs: Any) -> Any:
        compared.append(word)
        return original(word, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    diagnostics = check_file(tmp_path / "a.yaml").diagnostics
    assert len(compared) <= MAX_HINTS + 5, len(compared)
    unknown = [d for d in diagnostics if d.code == "unknown-key"]
    assert len(unknown) == 600
    hinted = [d for d in unknown if "Meinten Sie" in d.message]
    assert len(hinted) == MAX_HINTS and hinted[0].message.endswith("Meinten Sie „gremium“?")
    assert all(d.message == f"Unbekannter Schlüssel {quote(str(d.path[-1]))}." for d in unknown[MAX_HINTS:])
    # the rows whose unknown key suggested gremium do not also miss it; the others do
    missing = [d for d in diagnostics if d.code == "missing-key"]
    assert len(missing) == 300 - MAX_HINTS and {d.path[-1] for d in missing} == {"gremium"}


@pytest.mark.parametrize("table", ["labels", "formulare"])
def test_a_configuration_with_thousands_of_labels_or_forms_is_refused_without_checking_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str
) -> None:
    """Each form file of `[formulare]` was resolved link by link, each unknown label compared with every known
    one: a vsp.toml of 40,000 form names took 4 s, one of 40,000 unknown labels 5 s, for every run."""
    import difflib

    from vsp_cli.config import model as config_model
    from vsp_cli.limits import MAX_TABLE_ENTRIES

    (tmp_path / "f.toml").write_text('erbt = "2019"\n', encoding="utf-8")
    value = "f.toml" if table == "formulare" else "x"
    entries = "".join(f'betref{i} = "{value}"\n' for i in range(MAX_TABLE_ENTRIES + 1))
    (tmp_path / "vsp.toml").write_text(f"[{table}]\n{entries}", encoding="utf-8")
    work: list[object] = []
    original_real, original_matches = config_model.real, difflib.get_close_matches
    monkeypatch.setattr(config_model, "real", lambda *a: work.append(a) or original_real(*a))
    monkeypatch.setattr(
        difflib, "get_close_matches", lambda *a, **k: work.append(a) or original_matches(*a, **k)
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "vsp.toml")
    [problem] = caught.value.diagnostics
    assert (problem.code, problem.line) == ("too-many-entries", 1)
    assert f"„{table}“ hat 1.001 Einträge" in problem.message and "MAX_TABLE_ENTRIES" in problem.message
    assert len(work) < 5


def test_the_rows_of_a_long_beratungsfolge_are_not_measured_again_at_every_page_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ReportLab looked for the height of each row from the start of the list, summing the heights before it
    again: 4,900 rows took 2.5 s, squared in the rows. Their heights are known from their lines."""
    from reportlab.platypus.tables import Table

    from vsp_cli.pdf.tables import ConsultationTable

    rows = "".join(f"  - gremium: FA {i}\n    termin: 2017-04-18\n" for i in range(300))
    text = SEED.read_text(encoding="utf-8").replace("beratungsfolge:\n", "beratungsfolge:\n" + rows, 1)
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    unknown, original = [], Table._calc_height

    def counted(self: Table, *args: Any, **kwargs: Any) -> Any:
        if isinstance(self, ConsultationTable):
            unknown.append(self._argH.count(None))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Table, "_calc_height", counted)
    data = api.render_pdf(api.load(tmp_path / "a.yaml"), RenderSettings())
    assert len(unknown) > 5 and sum(unknown) == 0, unknown
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    assert "FA 299" in "".join(page.extract_text() for page in pages[-3:])


def test_a_long_field_is_parsed_once_by_the_checks_and_the_markdown_renderer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules parsed a field longer than MAX_TABLE_TEXT, then the Markdown renderer twice more (to escape
    HTML, then to fit the headings): a Sachverhalt of 9,900 links took 0.8 s a parse."""
    from vsp_cli.commonmark import prose_parser

    links = "\n\n".join(" ".join(f"<https://x.de/{p}/{i}>" for i in range(300)) for p in range(30))
    text = SEED.read_text(encoding="utf-8").replace("begruendung: |\n", f"begruendung: |\n  {links}\n\n  ", 1)
    (tmp_path / "a.yaml").write_text(text.replace("\n\n<", "\n\n  <"), encoding="utf-8")
    parser, parsed = prose_parser(), []
    original = parser.parse
    monkeypatch.setattr(parser, "parse", lambda src, *a: parsed.append(src) or original(src, *a))
    result = check_file(tmp_path / "a.yaml")
    assert result.statement is not None, result.diagnostics
    api.render_markdown(result.statement, RenderSettings())
    longest = max(parsed, key=len)
    assert "<https://x.de/29/299>" in longest and parsed.count(longest) == 1, parsed.count(longest)


def test_the_logos_alternative_text_with_terminal_controls_is_refused(tmp_path: Path) -> None:
    """`logo_alt` goes into the PDF for screen readers; of the texts of a configuration it alone took controls."""
    (tmp_path / "vsp.toml").write_text('logo_alt = "Wappen\\u001b[2J\\u202e"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "vsp.toml")
    [problem] = caught.value.diagnostics
    assert (problem.code, problem.line, problem.column) == ("unprintable-character", 1, 12)


def test_a_form_cannot_print_a_field_in_thousands_of_header_rows(tmp_path: Path) -> None:
    """Each row of `kopfangaben` prints its whole field: 7,400 rows of `betreff` made a Betreff of 100 kB into
    740 MB of Markdown (MemoryError, exit 123) and a PDF set for minutes."""
    rows = ", ".join(['{label = "B", feld = "betreff"}'] * 50 + ['{label = "E", feld = "eingereicht_von"}'])
    (tmp_path / "f.toml").write_text(
        f'schema = 1\nname = "K"\nerbt = "2019"\n[bloecke.kopfangaben]\nzeilen = [{rows}]\n'
        '[teile.kopf]\nbloecke = ["gremium", "titel", "kopfangaben", "beratungsfolge"]\n',
        encoding="utf-8",
    )
    (tmp_path / "a.yaml").write_text(
        "formular: f.toml\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8"
    )
    problems = [d for d in check_file(tmp_path / "a.yaml").diagnostics if d.code == "form-duplicate-block"]
    assert len(problems) == 49 and problems[0].file.endswith("f.toml")
    assert "„betreff“ steht zweimal in den Zeilen von kopfangaben (schon in Zeile 1)" in problems[0].message


def test_the_forms_of_a_configuration_are_sorted_for_a_hash_once_not_for_each_statement() -> None:
    """Every statement's fingerprint hashes its settings, and with them every name of `[formulare]`, sorted anew:
    a vsp.toml of 40,000 names cost 130 ms per statement."""
    from vsp_cli.forms import FormSources

    sources = FormSources(named={f"n{i}": Path(f"/f{i}.toml") for i in range(20_000)})
    started = time.process_time()
    assert len({hash(sources) for _ in range(1000)}) == 1
    assert time.process_time() - started < 2


def test_quote_cuts_long_values_and_keeps_short_ones() -> None:
    assert quote("kurz") == "„kurz“"
    assert quote("x" * 200) == "„" + "x" * QUOTE_LIMIT + "…“"
    assert quote_path("/a" * 100).startswith("„…")
    assert quote_path("/a" * 100).endswith("/a/a“")


STATEMENTS_ECHOING_VALUES = {
    "nummer": f"nummer: {SECRET}\n",
    "datum": f"nummer: VI-A-03824-VSP-01\ndatum: {SECRET}\n",
    "kein-standpunkt": f"{SECRET}\n",
    "unbekannter-schluessel": f"{SHORT_SECRET}: 1\n",
    "doppelter-schluessel": f"{SHORT_SECRET}: 1\n{SHORT_SECRET}: 2\n",
    "tag": f"nummer: !{SECRET} x\n",
    "option": f"empfehlung: {SECRET}\n",
    "zustaendigkeit": (
        "nummer: VI-A-03824-VSP-01\nbetreff: B\neingereicht_von: D\nempfehlung: ablehnung\nbegruendung: x\n"
        f"beratungsfolge:\n  - gremium: G\n    zustaendigkeit: {SECRET}\n"
    ),
    "zahl-als-text": f"betreff: {'9' * 1000}\n",
}


@pytest.mark.parametrize("source", STATEMENTS_ECHOING_VALUES.values(), ids=list(STATEMENTS_ECHOING_VALUES))
def test_no_statement_message_repeats_a_long_value_whole(tmp_path: Path, source: str) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(source, encoding="utf-8")
    diagnostics = check_file(path).diagnostics
    assert diagnostics
    for d in diagnostics:
        assert SECRET[: QUOTE_LIMIT + 1] not in d.message
        assert "9" * (QUOTE_LIMIT + 1) not in d.message
        assert len(d.message) < 600, d.message


def test_no_message_about_the_number_repeats_a_long_one_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The number as written went whole into duplicate-nummer and nummer-not-file-name: a value of 400,000
    characters in three statements printed 1.6 MB of messages (the number once more for every message)."""
    source = SEED.read_text(encoding="utf-8").replace("nummer: VI-A-03824-VSP-01", f"nummer: {SECRET}")
    for name in ("a.yaml", "b.yaml", "VI-A-03824-VSP-01.yaml"):
        (tmp_path / name).write_text(source, encoding="utf-8")
    code, printed, err = vsp(capsys, "validate", str(tmp_path))
    assert code == 1 and "[duplicate-nummer]" in printed and "[nummer-not-file-name]" in printed
    assert SECRET[: QUOTE_LIMIT + 1] not in printed + err
    assert all(len(line) < 600 for line in printed.splitlines())


def test_sessions_going_backwards_are_listed_a_few_with_their_gremium_cut(tmp_path: Path) -> None:
    """dates-backwards listed every session going backwards with its Gremium whole: a Gremium of 100,000
    characters with 1,000 such sessions (a 136 kB statement) made one message of 100 MB (432 MB to validate)."""
    sessions = "".join(f"      - 2021-01-0{2 - i % 2}\n" for i in range(2000))
    source = SEED.read_text(encoding="utf-8")
    start, end = source.index("beratungsfolge:"), source.index("eingereicht_von:")
    path = tmp_path / "a.yaml"
    path.write_text(
        f"{source[:start]}beratungsfolge:\n  - gremium: {SECRET * 40}\n    zustaendigkeit: Vorberatung\n"
        f"    sitzungen:\n{sessions}{source[end:]}",
        encoding="utf-8",
    )
    [backwards] = [d for d in check_file(path).diagnostics if d.code == "dates-backwards"]
    assert SECRET[: QUOTE_LIMIT + 1] not in backwards.message and len(backwards.message) < 10_000
    assert "(Eintrag 1, Sitzung 2): 01.01.2021 vor 02.01.2021" in backwards.message
    assert backwards.message.endswith("… (1.000 insgesamt); ist die Reihenfolge richtig?")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("empfehlung: ablehnung_verwaltungshandeln", "empfehlung: " + "zustimmung, " * 40_000 + "ablehnung"),
        ('termin: "2017-04-18"', 'termin: "' + "2020-05-20, " * 60_000 + '2020-05-21"'),
        (
            "eingereicht_von: Dezernat Allgemeine Verwaltung",
            "eingereicht_von: [Dezernat Umwelt, " + "Klima, " * 15_000 + "Sport]",
        ),
        (
            "eingereicht_von: Dezernat Allgemeine Verwaltung",
            'eingereicht_von: "' + "Dezernat Umwelt; " * 20_000 + 'Dezernat Bau"',
        ),
        (
            "strategische_ziele: nicht relevant",
            "strategische_ziele: nicht relevant\nanlass: [stadtratsbeschluss, "
            + ", ".join(f"{{k{i}: v}}" for i in range(5_000))
            + "]",
        ),
    ],
    ids=[
        "empfehlung-als-text",
        "termine-als-text",
        "einreicher-getrennt",
        "einreicher-verbunden",
        "anlass-zuordnungen",
    ],
)
def test_a_hint_that_rewrites_a_long_value_shows_a_few_of_its_parts(
    tmp_path: Path, old: str, new: str
) -> None:
    """„empfehlung: a, b“ and „termin: d1, d2“ get a hint written as a list of the value's parts, which held
    all of them: a value of 700 kB made a message of 760 kB; split-name and joined-names quoted every part of
    eingereicht_von (460 kB). Messages show at most MAX_LISTED parts."""
    path = tmp_path / "a.yaml"
    path.write_text(SEED.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    diagnostics = check_file(path).diagnostics
    assert diagnostics and all(len(d.message) < 2_000 for d in diagnostics)
    assert any("insgesamt)" in d.message for d in diagnostics)


CONFIGS_ECHOING_VALUES = {
    "einstellung": f'{SECRET} = "x"\n',
    "beschriftung": f'[labels]\n{SECRET} = "x"\n',
    "platzhalter": f'[labels]\ntitel_antrag = "{{nummer}} {{{SHORT_SECRET}}}"\n',
    "logo": f'logo = "{SECRET}.png"\n',
    "format": f'formats = ["{SECRET}"]\n',
    "formular": f'formular = "{SECRET}"\n',
    "formular-name": f'[formulare]\n"{SECRET}.toml" = "a.toml"\n',
    "formular-datei": f'[formulare]\na = "{SECRET}"\n',
    "formular-art": f'[formulare]\n"{SECRET}" = 5\n',
    "formular-fehlt": f'[formulare]\na = "{SECRET}.toml"\n',
}


@pytest.mark.parametrize("source", CONFIGS_ECHOING_VALUES.values(), ids=list(CONFIGS_ECHOING_VALUES))
def test_no_configuration_message_repeats_a_long_value_whole(tmp_path: Path, source: str) -> None:
    path = tmp_path / "vsp.toml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    for d in caught.value.diagnostics:
        assert SECRET[: QUOTE_LIMIT + 1] not in d.message, d.message


def test_a_form_file_named_with_a_nul_character_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the name reached os.path.realpath, whose ValueError ended every command with exit 123
    (tmp_path / "vsp.toml").write_text('body = "Stadt"\nformular = "a\\u0000b.toml"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "vsp.toml")
    [problem] = caught.value.diagnostics
    assert (problem.code, problem.span.line, problem.span.column) == ("invalid-value", 1, 11)
    shutil.copy(SEED, tmp_path / "a.yaml")
    for command in ("validate", "render", "config"):
        code, printed, err = vsp(capsys, command, str(tmp_path / "a.yaml"))
        assert code == 1 and "Nullzeichen" in printed + err and "Traceback" not in printed + err


@pytest.mark.parametrize("where", ["statement", "erbt"])
def test_a_form_file_under_the_home_of_an_unknown_user_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """`formular: ~niemand/x.toml` (or `erbt` in a form file) reached `Path.expanduser`, whose RuntimeError
    ended every command with exit 123: one statement of a pull request stopped the whole run."""
    ref = "~vsp-gibt-es-nicht/x.toml"
    if where == "erbt":
        (tmp_path / "f.toml").write_text(f'schema = 1\nname = "F"\nerbt = "{ref}"\n', encoding="utf-8")
        ref = "f.toml"
    (tmp_path / "a.yaml").write_text(
        f"formular: {ref}\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8"
    )
    shutil.copy(SEED, tmp_path / "b.yaml")
    for command in ("validate", "render"):
        code, printed, err = vsp(capsys, command, str(tmp_path))
        assert code == 1, printed + err
        assert (
            "den Benutzer hinter „~“ gibt es hier nicht" in printed + err and "[form-file]" in printed + err
        )
    assert (tmp_path / "b.pdf").is_file() and not (tmp_path / "a.pdf").exists()
    code, _, err = vsp(capsys, "formular", "~vsp-gibt-es-nicht/x.toml")
    assert code == 2 and "interner Fehler" not in err


# --- statements that are links ------------------------------------------------------------------------------


@pytest.fixture
def linked_secret(tmp_path: Path) -> Path:
    """A statement folder with a valid statement and `x.yaml`, a link to a secret outside the folder."""
    folder = tmp_path / "standpunkte"
    folder.mkdir()
    shutil.copy(SEED, folder / "VI-A-03824-VSP-01.yaml")
    (tmp_path / "id_ed25519").write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{SECRET}\n", encoding="utf-8")
    (folder / "x.yaml").symlink_to(tmp_path / "id_ed25519")
    return folder


@pytest.mark.parametrize("command", ["validate", "render"])
@pytest.mark.parametrize("how", ["folder", "glob", "file"])
def test_a_statement_linked_to_a_file_outside_is_refused_unread(
    capsys: pytest.CaptureFixture[str], linked_secret: Path, command: str, how: str
) -> None:
    argument = {
        "folder": str(linked_secret),
        "glob": f"{linked_secret}/*.yaml",
        "file": str(linked_secret / "x.yaml"),
    }
    code, out, err = vsp(capsys, command, argument[how])
    assert code == 1
    assert "x.yaml" in out and "[link-outside]" in out
    assert "geheim" not in out + err and "OPENSSH" not in out + err
    assert not (linked_secret / "x.pdf").exists() and not (linked_secret / "x.md").exists()
    if how != "file":  # the other statement is still checked and rendered
        assert "1 fehlerhaft" in err
        assert command == "validate" or (linked_secret / "VI-A-03824-VSP-01.pdf").is_file()


def test_a_statement_linked_inside_the_folder_searched_is_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "standpunkte"
    (folder / ".archiv").mkdir(parents=True)
    shutil.copy(SEED, folder / ".archiv" / "alt.yaml")
    (folder / "aktuell.yaml").symlink_to(folder / ".archiv" / "alt.yaml")
    code, out, _ = vsp(capsys, "validate", str(folder))
    assert (code, out) == (0, "")


def test_a_linked_folder_outside_is_not_searched_by_a_pattern_with_two_stars(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """As in a folder named: `**` does not follow a linked folder (it was searched, and its files refused)."""
    (tmp_path / "draussen").mkdir()
    (tmp_path / "draussen" / "a.yaml").write_text(f"{SECRET}\n", encoding="utf-8")
    (tmp_path / "standpunkte").mkdir()
    (tmp_path / "standpunkte" / "verweis").symlink_to(tmp_path / "draussen")
    shutil.copy(SEED, tmp_path / "standpunkte" / "b.yaml")
    code, out, err = vsp(capsys, "validate", f"{tmp_path}/standpunkte/**/*.yaml")
    assert code == 0 and "1 Datei geprüft" in err and SECRET[:20] not in out + err


def test_links_to_their_own_folder_do_not_make_a_pattern_with_two_stars_search_for_ever(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`glob` followed every link: three links to `.` made `standpunkte/**/*.yaml` list 3ⁿ paths, n up to the
    longest name the system takes (a run that never ended, its list of matches growing)."""
    folder = tmp_path / "standpunkte"
    (folder / "unter").mkdir(parents=True)
    for name in ("a", "b", "c"):
        (folder / name).symlink_to(".")
    shutil.copy(SEED, folder / "unter" / "s.yaml")
    started = time.process_time()
    code, _, err = vsp(capsys, "validate", f"{folder}/**/*.yaml", f"{folder}/**")
    assert code == 0 and "1 Datei geprüft" in err and time.process_time() - started < 10


# --- template folders -------------------------------------------------------------------------------------


def _render_with_templates(folder: Path) -> str:
    statement = api.load(SEED)
    return api.render_markdown(statement, RenderSettings(template_dir=folder))


def _template_error(folder: Path) -> Diagnostic:
    with pytest.raises(TemplateError) as caught:
        _render_with_templates(folder)
    [diagnostic] = caught.value.diagnostics
    return diagnostic


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    secret = tmp_path / "geheim" / "environ"
    secret.parent.mkdir()
    secret.write_text(f"TOKEN={SECRET}\n{{{{ title }}}}\n", encoding="utf-8")
    return secret


def test_a_template_linked_out_of_its_folder_is_refused_unread(tmp_path: Path, secret_file: Path) -> None:
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    (folder / "statement.md.j2").symlink_to(secret_file)
    diagnostic = _template_error(folder)
    assert diagnostic.code == "template-link-outside"
    assert diagnostic.file == str(folder / "statement.md.j2")
    assert "geheim0000" not in diagnostic.message


def test_a_linked_folder_leading_out_of_the_template_folder_is_refused(
    tmp_path: Path, secret_file: Path
) -> None:
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    (folder / "statement.md.j2").write_text('{% include "teile/environ" %}', encoding="utf-8")
    (folder / "teile").symlink_to(secret_file.parent)
    diagnostic = _template_error(folder)
    assert (diagnostic.code, diagnostic.file) == ("template-link-outside", str(folder / "teile"))


def test_links_inside_the_template_folder_still_work(tmp_path: Path) -> None:
    folder = tmp_path / "vorlagen"
    (folder / ".gemeinsam").mkdir(parents=True)
    (folder / ".gemeinsam" / "kopf.j2").write_text("Kopf {{ statement.nummer }}", encoding="utf-8")
    (folder / "verweis").symlink_to(folder / ".gemeinsam")
    (folder / "statement.md.j2").write_text('{% include "verweis/kopf.j2" %}', encoding="utf-8")
    assert _render_with_templates(folder) == "Kopf VI-A-03824-VSP-01\n"


def test_a_named_pipe_in_the_template_folder_is_refused_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    os.mkfifo(folder / "statement.md.j2")
    started = time.monotonic()
    diagnostic = _template_error(folder)
    assert time.monotonic() - started < 5
    assert (diagnostic.code, diagnostic.file) == ("template-not-a-file", str(folder / "statement.md.j2"))


@pytest.mark.parametrize("tree", ["leere-ordner", "versteckte-dateien"])
def test_a_template_folder_of_many_empty_folders_or_hidden_files_is_refused_at_once(
    tmp_path: Path, tree: str
) -> None:
    # Such a tree holds no template, but was listed in full again for every statement (20,000 folders: 1.5 s
    # each time), and the 1,000 files of MAX_TEMPLATE_FILES never reached.
    folder = _template_folder(tmp_path, "Kopf\n")
    for i in range(1200):
        if tree == "leere-ordner":
            (folder / f"d{i}").mkdir()
            (folder / f"d{i}" / ".keep").touch()
        else:
            (folder / f".h{i}").touch()
    with pytest.raises(TemplateError) as caught:
        api.render_markdown(api.load(SEED), RenderSettings(template_dir=folder))
    problem = caught.value.diagnostics[0]
    assert problem.code == "template-error" and "MAX_TEMPLATE_FILES" in problem.message


def test_a_folder_of_more_templates_than_jinja_keeps_is_compiled_once_per_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jinja keeps 400 compiled templates: a template including 990 of 10 kB compiled them all again for every
    statement, 25 s each."""
    import jinja2

    for i in range(450):
        (tmp_path / f"t{i}.j2").write_text("{{ 1 }}", encoding="utf-8")
    includes = "".join(f'{{% include "t{i}.j2" %}}' for i in range(450))
    (tmp_path / "statement.md.j2").write_text(includes, encoding="utf-8")
    compiled: list[str] = []
    original = jinja2.Environment._parse

    def counted(self: jinja2.Environment, source: str, name: str | None, filename: str | None) -> Any:
        compiled.append(str(name))
        return original(self, source, name, filename)

    monkeypatch.setattr(jinja2.Environment, "_parse", counted)
    statement = api.load(SEED)
    first = api.render_markdown(statement, RenderSettings(template_dir=tmp_path))
    assert first.startswith("1" * 450)
    before = len(compiled)
    assert api.render_markdown(statement, RenderSettings(template_dir=tmp_path)) == first
    assert len(compiled) == before, len(compiled) - before


def test_templates_of_more_than_a_few_hundred_kb_together_are_not_compiled(tmp_path: Path) -> None:
    """Compiling is outside the budget of a render: a folder of 10 MB of templates that include one another
    took 25 s to compile before the first statement was set, in every process."""
    for i in range(5):
        (tmp_path / f"t{i}.j2").write_text("{{ 1 }}" * 36_000, encoding="utf-8")  # 252 kB
    includes = "".join(f'{{% include "t{i}.j2" %}}' for i in range(5))
    (tmp_path / "statement.md.j2").write_text(includes, encoding="utf-8")
    problem = _template_error(tmp_path)
    assert problem.code == "template-error" and "Grenze MAX_TEMPLATE_COMPILED_BYTES" in problem.message
    assert problem.file.endswith("t4.j2")


def test_a_template_that_does_not_compile_says_so_for_every_statement(tmp_path: Path) -> None:
    """A template that does not compile is served again for every statement: its bytes were counted each time,
    and from the fifth statement on its syntax error read as MAX_TEMPLATE_COMPILED_BYTES („mehr als 1.048.576
    Bytes an Vorlagen“), in a folder of one template of 250 kB. Each template counts once."""
    (tmp_path / "statement.md.j2").write_text("{{ 1 }}" * 35_000 + "{{ title", encoding="utf-8")
    statement = api.load(SEED)
    for _ in range(6):
        with pytest.raises(TemplateError) as caught:
            api.render_markdown(statement, RenderSettings(template_dir=tmp_path))
        assert [d.code for d in caught.value.diagnostics] == ["template-syntax"]


def test_a_template_read_is_bounded_by_the_size_found(tmp_path: Path) -> None:
    """A /proc file says size 0 and yields text; a file may grow while it is read: neither is used."""
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    template = folder / "statement.md.j2"
    template.write_text("{{ title }}", encoding="utf-8")
    [found] = templatefiles.scan(folder)
    template.write_text("{{ title }}" + "x" * 100_000, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        templatefiles.read(found)
    assert caught.value.diagnostics[0].code == "template-not-a-file"


def test_the_fingerprint_reads_no_template_outside_and_none_beyond_its_size(
    tmp_path: Path, secret_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    (folder / "fuss.j2").write_text("Fuß", encoding="utf-8")
    (folder / "statement.md.j2").symlink_to(secret_file)
    hashed: list[tuple[Path, int]] = []
    real_hash = build.fingerprints.hash_file
    monkeypatch.setattr(
        build.fingerprints,
        "hash_file",
        lambda path, limit=-1: hashed.append((path, limit)) or real_hash(path, limit),
    )
    job = build.Job(SEED, {"md": tmp_path / "a.md"}, RenderSettings(template_dir=folder))
    build.Fingerprinter().context(job, "md")
    assert hashed
    assert secret_file not in [path for path, _ in hashed]
    assert all(limit >= 0 for _, limit in hashed)


# --- templates: sandbox, plain data, budget -----------------------------------------------------------------


def _template_folder(tmp_path: Path, source: str) -> Path:
    folder = tmp_path / "vorlagen"
    folder.mkdir(exist_ok=True)
    (folder / "statement.md.j2").write_text(source, encoding="utf-8")
    return folder


@pytest.mark.parametrize("source", ["{{ '\\ud800' }}", "a{{ '%c' % 56832 }}", "{{ '{:c}'.format(55296) }}"])
def test_a_template_that_prints_half_a_utf16_pair_is_an_error_of_the_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    """No UTF-8 file can hold a lone surrogate: writing the output failed as an internal error (exit 123)."""
    folder = _template_folder(tmp_path, source)
    problem = _template_error(folder)
    assert problem.code == "template-error" and problem.file == str(folder / "statement.md.j2")
    assert "U+D800" in problem.message or "U+DE00" in problem.message
    (tmp_path / "vsp.toml").write_text('template_dir = "vorlagen"\nformats = ["md"]\n', encoding="utf-8")
    shutil.copy(SEED, tmp_path / "a.yaml")
    code, out, err = vsp(capsys, "render", str(tmp_path / "a.yaml"))
    assert code == 1 and "[template-error]" in out and "interner Fehler" not in out + err


ESCAPES = [
    "{{ cycler.__init__.__globals__.os.system('touch GEKAPERT') }}",
    "{{ joiner.__init__.__globals__.os.system('touch GEKAPERT') }}",
    "{{ namespace.__init__.__globals__.os.system('touch GEKAPERT') }}",
    "{{ lipsum.__globals__.os.system('touch GEKAPERT') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ statement.__class__.__init__.__globals__ }}",
    "{{ statement.punkte_for.__globals__ }}",
    "{{ settings.template_dir.parent.joinpath('geheim.txt').read_text() }}",
    "{{ settings.template_dir.joinpath('GEKAPERT').write_text('x') }}",
    "{{ statement.model_dump() }}",
    "{{ statement.eingereicht_von.append('x') }}",
    "{{ labels.update({'betreff': 'x'}) }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_a_template_cannot_reach_files_or_the_process(
    tmp_path: Path, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "geheim.txt").write_text(SECRET, encoding="utf-8")
    folder = _template_folder(tmp_path, source)
    diagnostic = _template_error(folder)
    assert diagnostic.code in ("template-error", "template-undefined")
    assert diagnostic.file == str(folder / "statement.md.j2")
    assert not (tmp_path / "GEKAPERT").exists() and not (folder / "GEKAPERT").exists()
    assert "geheim0000" not in diagnostic.message


def _plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(map(_plain, value))
    return value is None or type(value) in (str, int, float, bool)


def test_the_template_context_holds_plain_data_only(tmp_path: Path) -> None:
    from vsp_cli.markdown import context

    logo = tmp_path / "logo.png"
    shutil.copy(ROOT / "tests" / "pins" / "logo.png", logo)
    statement = api.load(SEED)
    found = context(statement, RenderSettings(logo=logo, template_dir=tmp_path, footer="Fuß"))
    found["statement"] = {k: v for k, v in found["statement"].items() if k != "punkte_for"}  # a pure function
    assert _plain(found)
    assert str(tmp_path) not in repr(found)  # paths only by their names
    assert found["settings"]["logo"] == "logo.png"


def test_template_values_and_filters_behave_as_documented(tmp_path: Path) -> None:
    source = (
        "{{ statement.beratungsfolge[0].termin | datum }} {{ statement.art == 'antrag' }} "
        "{{ statement.ticked | join(',') }} {{ statement.punkte_for('ablehnung_verwaltungshandeln') }} "
        "{{ options[0].punkte_text == '' }} {{ statement.ist_neufassung }}"
    )
    assert _render_with_templates(_template_folder(tmp_path, source)) == (
        "18.04.2017 True ablehnung_verwaltungshandeln [] True False\n"
    )


@pytest.mark.parametrize("source", ["{{ [1, 2, 3] | random }}", "{{ lipsum() }}"])
def test_templates_have_nothing_random(tmp_path: Path, source: str) -> None:
    assert _template_error(_template_folder(tmp_path, source)).code in (
        "template-syntax",
        "template-undefined",
    )


#: Values Python prints with their address or in the order of their hashes: different bytes in every process.
UNSTABLE = (
    "{{ [1, 2] | map('string') }} {{ [1, 2] | reverse }} {{ [1] | select }} {{ statement | items }}",
    "{{ ''.upper }} {{ statement.items }} {{ range }} {{ statement.punkte_for }} {{ cycler(1) }} {{ joiner() }}",
    "{% block b %}{{ self.b }}{% endblock %} {% for i in [1] %}{{ loop.cycle }}{% endfor %}",
    "{% for v in statement.values() %}{{ v if v is callable }}{% endfor %} {{ statement.values() | list | last }}",
    "{{ (statement.keys() - ['nummer']) | list }} {{ '{}'.format(''.upper) }} {{ '%s' | format(range) }}",
)
_RENDER_PROBE = """
import sys
from pathlib import Path
from vsp_cli import api
from vsp_cli.settings import RenderSettings
sys.stdout.write(api.render_markdown(api.load(Path(sys.argv[1])), RenderSettings(template_dir=Path(sys.argv[2]))))
"""


def test_a_template_prints_the_same_bytes_in_every_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    folder = _template_folder(tmp_path, "\n\n".join(UNSTABLE))
    runs = {
        subprocess.run(
            [sys.executable, "-c", _RENDER_PROBE, str(SEED), str(folder)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (1, 2)
    }
    assert len(runs) == 1, runs
    [text] = runs
    assert "0x" not in text
    assert "<Folge " in text and "<Funktion punkte_for>" in text


RUNAWAYS = {
    "schleifen-ohne-ausgabe": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "schleife-mit-bedingung": (
        "{% for i in range(100000) %}{% for j in range(100000) if j < 0 %}{% endfor %}{% endfor %}"
    ),
    "liste-in-liste": "{% set l = range(100000) | list %}{% for i in l %}{% for j in l %}{% endfor %}{% endfor %}",
    "suche-in-liste": "{% set l = range(100000) | list %}{% for i in range(100000) if -1 in l %}{% endfor %}",
    "rekursion": (
        "{% macro d(n) %}{% if n %}{{ d(n - 1) }}{{ d(n - 1) }}{% else %}x{% endif %}{% endmacro %}{{ d(40) }}"
    ),
    "ausgabe": "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
    "ausgabe-einer-variablen": "{% set x = 'x' * 10000000 %}{% for i in range(100000) %}{{ x }}{% endfor %}",
    "verdoppeln": (
        "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
    ),
    "quadrieren": (
        "{% set ns = namespace(n=3) %}{% for i in range(64) %}{% set ns.n = ns.n * ns.n %}{% endfor %}"
    ),
}


@pytest.fixture
def short_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tenth of a second instead of two: the same code path, a faster test."""
    monkeypatch.setattr(sandbox, "MAX_TEMPLATE_SECONDS", 0.1)


@pytest.mark.usefixtures("short_budget")
@pytest.mark.parametrize("source", RUNAWAYS.values(), ids=list(RUNAWAYS))
def test_a_runaway_template_ends_with_a_located_budget_error(tmp_path: Path, source: str) -> None:
    folder = _template_folder(tmp_path, "Kopf\n" + source)
    started = time.process_time()
    diagnostic = _template_error(folder)
    assert time.process_time() - started < 3
    assert diagnostic.code == "template-budget", diagnostic.message
    assert diagnostic.file == str(folder / "statement.md.j2")
    assert "statement.md.j2" in diagnostic.message


#: Top-level code of the macro template (`bloecke.md.j2`), which runs when its macros are looked up.
RUNAWAY_MACRO_MODULES = {
    "zu-gross": "{% set a = 'x' * 90000000 %}",
    "schleifen": RUNAWAYS["schleifen-ohne-ausgabe"],
}


@pytest.mark.usefixtures("short_budget")
@pytest.mark.parametrize("source", RUNAWAY_MACRO_MODULES.values(), ids=list(RUNAWAY_MACRO_MODULES))
def test_a_runaway_macro_template_ends_with_a_located_budget_error(tmp_path: Path, source: str) -> None:
    """The macro template's top-level code runs within the same budget as a render: it was neither timed nor
    caught (exit 123 for a value too large, a hang for a loop)."""
    from vsp_cli.resources import builtin_templates_dir

    folder = tmp_path / "vorlagen"
    folder.mkdir()
    macros = (builtin_templates_dir() / "bloecke.md.j2").read_text(encoding="utf-8")
    (folder / "bloecke.md.j2").write_text(source + "\n" + macros, encoding="utf-8")
    started = time.process_time()
    diagnostic = _template_error(folder)
    assert time.process_time() - started < 3
    assert diagnostic.code == "template-budget", diagnostic.message
    assert diagnostic.file == str(folder / "bloecke.md.j2")


#: Single steps that would make a value of some 200 MB out of small ones.
HUGE_STEPS = {
    "mal": "{{ 'x' * 200000000 }}",
    "liste-mal": "{{ ([1] * 30000000) | length }}",
    "center": "{{ 'x' | center(200000000) }}",
    "ljust": "{{ 'x'.ljust(200000000) }}",
    "expandtabs": "{{ ('\\t' * 1000).expandtabs(200000) }}",
    "format-methode": "{{ '{:>200000000}'.format(1) }}",
    "format-verschachtelt": "{{ '{:>{w}}'.format(1, w=200000000) }}",
    "format-map": "{{ '{a:>200000000}'.format_map({'a': 1}) }}",
    "prozent": "{{ '%200000000d' % 1 }}",
    "prozent-stern": "{{ '%*d' % (200000000, 1) }}",
    "format-filter": "{{ '%200000000d' | format(1) }}",
    "indent": "{{ ('x\\n' * 1000) | indent(200000) }}",
    "replace": "{{ ('a' * 2000) | replace('a', 'b' * 100000) }}",
    "replace-methode": "{{ ('a' * 2000).replace('a', 'b' * 100000) }}",
    "join": "{{ (range(2000) | list) | join('x' * 100000) }}",
    "join-methode": "{{ ('x' * 100000).join(range(2000) | map('string')) }}",
    "batch": "{{ [1] | batch(30000000, 0) | list }}",
    "hoch": "{{ 10 ** 10000000 }}",
    "summe-von-listen": "{{ ([[1]] * 300000) | sum(start=[]) | length }}",
    # each of these doubled a text of 9,000,000 characters unchecked (a few steps: gigabytes)
    "plus": "{% set a = 'x' * 9000000 %}{% set b = a + a %}{% set c = b + b %}{{ c | length }}",
    "plus-listen": "{% set a = [1] * 900000 %}{% set b = a + a %}{% set c = b + b %}{{ c | length }}",
    "tilde": "{% set a = 'x' * 9000000 %}{{ (a ~ a ~ a ~ a ~ a ~ a) | length }}",
    "format-felder": "{% set a = 'x' * 9000000 %}{{ ('{0}' * 20).format(a) | length }}",
    "prozent-felder": "{% set a = 'x' * 9000000 %}{{ ('%(a)s' * 20) % {'a': a} }}",
    "prozent-argumente": "{% set a = 'x' * 9000000 %}{{ '%s%s%s%s%s%s' % (a, a, a, a, a, a) }}",
    "format-filter-felder": "{% set a = 'x' * 9000000 %}{{ ('%(a)s' * 6) | format(a=a) }}",
    # textwrap copies the rest of a long word at every line: hours for ("a" * 9000000) | wordwrap(1)
    "wordwrap-langes-wort": "{{ ('a' * 400000) | wordwrap(1) }}",
    "wordwrap-umbruch": "{{ ('a ' * 100000) | wordwrap(1, wrapstring='x' * 1000) }}",
    # one C call no budget step interrupts: 10 ** 99999999, five minutes
    "runden": "{{ 1 | round(-99999999) }}",
    "runden-floor": "{{ 1.5 | round(99999999, 'floor') }}",
    "runden-benannt": "{{ 1 | round(precision=-99999999) }}",
    "runden-map": "{{ [1] | map('round', -99999999) | list }}",
    # urlize searched the end of a word from each „)“ in it: 30 s for 30,002 characters, in one step
    "urlize-klammern": "{{ (')' * 30000 ~ 'a)') | urlize }}",
    "urlize-ausgleich": "{{ ('a(' * 300000 ~ ')' * 300000) | urlize }}",
    # Python looks each character it strips up in the characters given: 17 s for a million of each
    "strip": "{% set a = 'a' * 1000000 %}{{ a.strip('b' * 1000000 ~ 'a') | length }}",
    "lstrip": "{% set a = 'a' * 1000000 %}{{ a.lstrip('b' * 1000000 ~ 'a') | length }}",
    "trim": "{% set a = 'a' * 1000000 %}{{ a | trim('b' * 1000000 ~ 'a') | length }}",
}


@pytest.mark.parametrize("source", HUGE_STEPS.values(), ids=list(HUGE_STEPS))
def test_a_step_that_would_make_a_huge_value_is_refused_before_it_runs(tmp_path: Path, source: str) -> None:
    folder = _template_folder(tmp_path, "Kopf\n" + source)
    statement = api.load(SEED)
    settings = RenderSettings(template_dir=folder)
    api.render_markdown(statement, RenderSettings())  # compiled and warm: only the step is measured
    # timed without tracemalloc, which makes every allocation a few times slower
    started = time.process_time()
    with pytest.raises(TemplateError) as caught:
        api.render_markdown(statement, settings)
    assert time.process_time() - started < 1
    assert caught.value.diagnostics[0].code == "template-budget", caught.value.diagnostics[0].message
    tracemalloc.start()
    try:
        with pytest.raises(TemplateError):
            api.render_markdown(statement, settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000


def test_round_urlize_and_strip_of_ordinary_values_still_work(tmp_path: Path) -> None:
    folder = _template_folder(
        tmp_path,
        "{{ 1234.5678 | round(2) }} {{ 1234 | round(-2) }} {{ 2.57 | round(1, 'floor') }} "
        "{{ 'siehe (https://a.de/x_(y)). und www.b.de, (c@d.de).' | urlize }} "
        "{{ '  x, '.strip(' ,') }}|{{ ' y ' | trim }}|{{ 'xxayy' | trim('xy') }}|{{ 'abc'.lstrip('a') }}",
    )
    out = api.render_markdown(api.load(SEED), RenderSettings(template_dir=folder))
    assert out.startswith(
        '1234.57 1200 2.5 siehe (<a href="https://a.de/x_(y)" rel="noopener">https://a.de/x_(y)</a>). und '
        '<a href="https://www.b.de" rel="noopener">www.b.de</a>, (<a href="mailto:c@d.de">c@d.de</a>). x|y|a|bc'
    )


def test_an_infinite_constant_of_a_template_is_a_located_template_error(tmp_path: Path) -> None:
    """Jinja writes a constant it works out while compiling into the code, an infinite one as `inf`, a name
    Python does not know: the NameError ended the run as an internal error (exit code 123)."""
    diagnostic = _template_error(_template_folder(tmp_path, "Kopf\n{{ ('1e400' | float) | int }}"))
    assert diagnostic.code == "template-error", diagnostic.message
    assert diagnostic.file == str(tmp_path / "vorlagen" / "statement.md.j2") and diagnostic.line == 2


#: Templates nested deeper than Jinja's parser and compiler, which recurse, can follow.
DEEP_TEMPLATES = {
    "klammern": "{{ " + "(" * 50000 + "1" + ")" * 50000 + " }}",
    "operatoren": "{{ " + "+".join(["1"] * 50000) + " }}",
    "bloecke": "{% if 1 %}" * 5000 + "{% endif %}" * 5000,
    "listen": "{{ " + "[" * 30000 + "]" * 30000 + " }}",
}


@pytest.mark.parametrize("source", DEEP_TEMPLATES.values(), ids=list(DEEP_TEMPLATES))
def test_a_template_nested_too_deep_to_compile_is_a_located_error(tmp_path: Path, source: str) -> None:
    """Jinja's parser and compiler ran out of Python's stack: a RecursionError, an internal error (exit 123)."""
    diagnostic = _template_error(_template_folder(tmp_path, source))
    assert diagnostic.code == "template-syntax", diagnostic.message
    assert "zu tief verschachtelt" in diagnostic.message
    assert diagnostic.file == str(tmp_path / "vorlagen" / "statement.md.j2")


def test_a_template_too_large_to_compile_quickly_is_refused_unread(tmp_path: Path) -> None:
    """A template of 9 MB (within MAX_TEMPLATE_BYTES) took Jinja and Python's compiler 71 s and 5 GB, in every
    process again; files of the folder that are no template may still be larger."""
    folder = _template_folder(tmp_path, "{{ statement.betreff }}" * 12000)  # 276,000 bytes
    (folder / "anhang.pdf").write_bytes(b"%PDF" + b"x" * MAX_TEMPLATE_FILE_BYTES)
    started = time.process_time()
    diagnostic = _template_error(folder)
    assert time.process_time() - started < 1
    assert diagnostic.code == "template-error", diagnostic.message
    assert "Grenze MAX_TEMPLATE_FILE_BYTES" in diagnostic.message
    assert diagnostic.file == str(folder / "statement.md.j2")
    (folder / "statement.md.j2").write_text("{{ statement.betreff }}" * 11000, encoding="utf-8")
    assert api.render_markdown(api.load(SEED), RenderSettings(template_dir=folder)).count("\n") <= 2


_COMPILE_PROBE = """
import sys
from pathlib import Path
from vsp_cli import api, sandbox
from vsp_cli.errors import TemplateError
from vsp_cli.settings import RenderSettings

sandbox.MAX_TEMPLATE_MEMORY = 20_000_000
statement = api.load(sys.argv[1])
try:
    api.render_markdown(statement, RenderSettings(template_dir=Path(sys.argv[2])))
except TemplateError as exc:
    print(exc.diagnostics[0].code, exc.diagnostics[0].message)
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the memory cap needs Linux")
def test_a_template_is_compiled_within_the_memory_cap(tmp_path: Path) -> None:
    """Compiling was outside the cap: a template of 9 MB took 5 GB before it could run. (In a process of its own:
    this one may have room enough freed by other tests.)"""
    folder = _template_folder(tmp_path, "{{ statement.betreff }}" * 11000)
    done = subprocess.run(
        [sys.executable, "-c", _COMPILE_PROBE, str(SEED), str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=120,
    )
    assert done.stdout.startswith("template-budget "), done.stdout + done.stderr
    assert "zu übersetzen braucht zu viel Speicher" in done.stdout


def test_a_render_keeps_nothing_of_another_statement_in_an_imported_module(tmp_path: Path) -> None:
    """Jinja keeps the module of an `{% import %}` with its template: a macro kept each statement's text in a
    namespace of the module and printed it into the next statement's output (which then depended on the order
    of rendering and the worker), and could keep hundreds of MB per render past the memory cap."""
    folder = _template_folder(tmp_path, "{% import 'm.j2' as m %}{{ m.remember(statement.betreff) }}")
    (folder / "m.j2").write_text(
        "{% set store = namespace(seen=[]) %}{% set c = cycler('1', '2') %}"
        "{% macro remember(x) %}{% set store.seen = store.seen + [x] %}{{ c.next() }} "
        "{{ store.seen | join(' / ') }}{% endmacro %}",
        encoding="utf-8",
    )
    settings = RenderSettings(template_dir=folder)
    first, second = api.load(SEED), api.load(EXAMPLES / "beispiel-petition.yaml")
    alone = api.render_markdown(second, settings)
    api.render_markdown(first, settings)
    assert api.render_markdown(second, settings) == alone
    assert alone == f"1 {second.betreff}\n"


LONG_NAME = "n" * 100_000


@pytest.mark.parametrize(
    "source",
    [
        f"{{% {LONG_NAME} %}}",
        f"{{{{ statement.{LONG_NAME} }}}}",
        f"{{{{ {LONG_NAME} }}}}",
        f'{{% include "{LONG_NAME}" %}}',
        f'{{{{ "x" | {LONG_NAME} }}}}',
    ],
    ids=["tag", "feld", "variable", "include", "filter"],
)
def test_a_template_message_repeats_no_long_name_whole(tmp_path: Path, source: str) -> None:
    """A name of 100,000 characters in a template was repeated whole in its message, one line of a CI log."""
    diagnostic = _template_error(_template_folder(tmp_path, source))
    assert "n" * QUOTE_LIMIT + "…" in diagnostic.message
    assert len(diagnostic.message) < 300, diagnostic.message


def test_wordwrap_of_words_just_within_the_width_is_checked_in_linear_time(tmp_path: Path) -> None:
    """The check for long words looks at each word once: tried at every character, `\\S{10001,}` scanned the rest
    of each 9,999-character word again (22 s for 2,000,000 characters, in one step of the budget)."""
    folder = _template_folder(tmp_path, "{{ (('a' * 9999 ~ ' ') * 200) | wordwrap(10000) | length }}")
    statement = api.load(SEED)
    started = time.process_time()
    out = api.render_markdown(statement, RenderSettings(template_dir=folder))
    assert time.process_time() - started < 3
    assert out.strip().isdigit()


#: Two lists of 2**27 items in a few hundred bytes (each holds the one before twice), then one step that compares
#: or hashes them item by item: seconds each before the fix (and for ever with a few more doublings).
_SHARED = (
    "{% set ns = namespace(a=[1], b=[1], t=(1,)) %}{% for i in range(27) %}"
    "{% set ns.a = [ns.a, ns.a] %}{% set ns.b = [ns.b, ns.b] %}{% set ns.t = (ns.t, ns.t) %}{% endfor %}"
)
HUGE_COMPARISONS = {
    "gleich": "{{ ns.a == ns.b }}",
    "kleiner-kette": "{{ 1 < 2 < [ns.a] < [ns.b] }}",
    "in": "{{ ns.b in [1, ns.a] }}",
    "test-eq": "{{ ns.a is eq ns.b }}",
    "select-equalto": "{{ [ns.a] | select('equalto', ns.b) | list | length }}",
    "sort": "{{ [ns.a, ns.b] | sort | length }}",
    "schluessel": "{{ {ns.t: 1} | length }}",
    "index": "{{ {1: 2}[ns.t] }}",
    "methode": "{{ [ns.a].index(ns.b) }}",
    "loop-changed": "{% for x in [1, 2] %}{{ loop.changed(ns.t) }}{% endfor %}",
    # one long text many times: put in lower case, or compared, at every place (hours for a million places)
    "unique-langer-text": "{% set s = 'A' * 9000000 %}{{ ([s] * 300) | unique | list | length }}",
    "min-langer-text": "{% set s = 'A' * 9000000 %}{{ ([s] * 300) | min | length }}",
    "gleich-langer-text": "{% set s = 'A' * 9000000 %}{{ [s] * 300 == [s ~ ''] * 300 }}",
}


#: Printing a value that holds another many times: each place is printed (10 to 60 s before, until memory ran
#: out; without the memory cap, on macOS or Windows, without end).
HUGE_PRINTS = {
    "ausgabe": "{{ ns.a }}",
    "namespace": "{{ ns }}",
    "string": "{{ ns.a | string | length }}",
    "tojson": "{{ ns.a | tojson | length }}",
    "pprint": "{{ ns.a | pprint | length }}",
    "join": "{{ ns.a | join | length }}",
    "upper": "{{ ns.a | upper | length }}",
    "eigener-filter": "{{ ns.a | md | length }}",
    "verkettet": "{{ (ns.a ~ '') | length }}",
    "prozent": "{{ ('%s' % [ns.a]) | length }}",
    "join-methode": "{{ ', '.join(ns.a) | length }}",
    "format-methode": "{{ '{}'.format(ns.a) | length }}",
    "join-langer-text": "{% set s = 'A' * 9000000 %}{{ ', '.join([s] * 300) | length }}",
    "langer-text": "{% set s = 'A' * 9000000 %}{{ ([s] * 300) | string | length }}",
}


@pytest.mark.parametrize(
    ("source", "refusal"),
    [*((source, "ein Vergleich über") for source in HUGE_COMPARISONS.values())]
    + [(source, "ein Text aus mehr als") for source in HUGE_PRINTS.values()],
    ids=[*HUGE_COMPARISONS, *HUGE_PRINTS],
)
def test_comparing_hashing_or_printing_a_value_that_holds_another_many_times_is_refused(
    tmp_path: Path, source: str, refusal: str
) -> None:
    folder = _template_folder(tmp_path, "Kopf\n" + _SHARED + source)
    statement = api.load(SEED)
    started = time.process_time()
    with pytest.raises(TemplateError) as caught:
        api.render_markdown(statement, RenderSettings(template_dir=folder))
    problem = caught.value.diagnostics[0]
    assert problem.code == "template-budget", problem.message
    assert refusal in problem.message
    assert time.process_time() - started < MAX_TEMPLATE_SECONDS
    # the limit the message names is the one it applies, so that the table of limits explains it
    import re

    from vsp_cli import limits
    from vsp_cli.diagnostics import german_number

    found = re.search(r"mehr als ([0-9.]+) .*\(Grenze (MAX_\w+)\)", problem.message)
    assert found is not None, problem.message
    assert found[1] == german_number(getattr(limits, found[2]))


def test_printing_ordinary_values_still_works(tmp_path: Path) -> None:
    source = (
        "{{ [1, 'a'] }} {{ {'a': [1]} | tojson }} {{ [1, 2] | join('-') }} {{ 'x%sy' % [1] }} {{ [1] ~ '' }} "
        "{% set ns = namespace(a=1) %}{{ ns.a }} {{ statement.betreff | upper | length > 0 }}\n"
    )
    folder = _template_folder(tmp_path, source)
    text = api.render_markdown(api.load(SEED), RenderSettings(template_dir=folder))
    assert text == "[1, 'a'] {\"a\": [1]} 1-2 x[1]y [1] 1 True\n"


def test_comparisons_and_keys_of_ordinary_values_still_work(tmp_path: Path) -> None:
    source = (
        "{{ [1, 2] == [1, 2] }} {{ 1 < 2 < 3 }} {{ {'a': 1, (1, 2): 3}[(1, 2)] }} {{ 'a' in 'abc' }} "
        "{{ [3, 1, 2] | sort }} {{ 2 is in [1, 2] }} {{ statement.betreff in [statement.betreff] }}\n"
    )
    folder = _template_folder(tmp_path, source)
    text = api.render_markdown(api.load(SEED), RenderSettings(template_dir=folder))
    assert text == "True True 3 True [1, 2, 3] True True\n"


#: One step of the template that reads attributes and items without end: `ns.a = [ns]` leads back to `ns`, and a
#: filter's attribute path or a format field follows it as far as it is written (about 10 s each before the fix,
#: hours for a longer list).
LONG_PATHS = {
    "map-attribute": '{% set p = "a.0." * 50000 ~ "a" %}{{ ([ns] * 50) | map(attribute=p) | list | length }}',
    "sort-attribute": '{% set p = "a.0." * 50000 ~ "a" %}{{ ([ns] * 50) | sort(attribute=p) | length }}',
    "format-feld": '{% set f = "{0" ~ ".a[0]" * 500000 ~ "}" %}{{ f.format(ns) ~ f.format(ns) | length }}',
}


@pytest.mark.parametrize("source", LONG_PATHS.values(), ids=list(LONG_PATHS))
def test_a_long_path_of_attributes_in_one_step_stays_within_the_budget(tmp_path: Path, source: str) -> None:
    folder = _template_folder(tmp_path, "Kopf\n{% set ns = namespace(a=1) %}{% set ns.a = [ns] %}" + source)
    started = time.process_time()
    with pytest.raises(TemplateError) as caught:
        api.render_markdown(api.load(SEED), RenderSettings(template_dir=folder))
    problem = caught.value.diagnostics[0]
    assert problem.code == "template-budget", problem.message
    assert "MAX_TEMPLATE_SECONDS" in problem.message
    assert time.process_time() - started < MAX_TEMPLATE_SECONDS + 1


#: vsp's own filters on a text the template made: no statement's limits bound it (8 s each before the fix, minutes
#: at 10,000,000 characters).
SLOW_TO_PARSE = {
    "autolinks": '{{ ("<http://a> " * 50000) | prose | length }}',
    "html": '{{ ("<a>" * 200000) | prose | length }}',
    "referenzen": '{{ ("[a]: <" * 200000) | prose | length }}',
}


@pytest.mark.parametrize("source", SLOW_TO_PARSE.values(), ids=list(SLOW_TO_PARSE))
def test_prose_on_a_text_the_template_made_stays_within_the_budget(tmp_path: Path, source: str) -> None:
    folder = _template_folder(tmp_path, "Kopf\n" + source)
    statement = api.load(SEED)
    api.render_markdown(statement, RenderSettings())  # parsers built and warm: only the filter is measured
    started = time.process_time()
    with pytest.raises(TemplateError) as caught:
        api.render_markdown(statement, RenderSettings(template_dir=folder))
    problem = caught.value.diagnostics[0]
    assert problem.code == "template-budget", problem.message
    assert "MAX_TEMPLATE_SECONDS" in problem.message
    assert time.process_time() - started < MAX_TEMPLATE_SECONDS + 1


#: Values no limit on texts measured: bytes, and `translate`'s output (20 MB each, twice MAX_TEMPLATE_CHARS;
#: with `--watch`, where no memory cap is set, `.ljust(10**11)` took all memory).
UNMEASURED = {
    "encode-ljust": ("encode", '{{ "a".encode().ljust(20000000) | length }}'),
    "encode-mal": ("encode", '{{ ("a".encode() * 20000000) | length }}'),
    "to-bytes": ("to_bytes", '{{ (1).to_bytes(20000000, "big") | length }}'),
    "translate": ("translate", '{{ ("a" * 100000).translate({97: "b" * 200}) | length }}'),
}


@pytest.mark.parametrize(("name", "source"), UNMEASURED.values(), ids=list(UNMEASURED))
def test_methods_whose_result_no_limit_measures_are_refused(tmp_path: Path, name: str, source: str) -> None:
    folder = _template_folder(tmp_path, "Kopf\n" + source)
    with pytest.raises(TemplateError) as caught:
        api.render_markdown(api.load(SEED), RenderSettings(template_dir=folder))
    problem = caught.value.diagnostics[0]
    assert problem.code == "template-error", problem.message
    assert f"Zugriff auf „{name}“ nicht erlaubt" in problem.message
    assert problem.span.line == 1  # the line after "Kopf"


#: Templates that keep many values alive at once, each within the limits: gigabytes before the fix.
MANY_VALUES = {
    "liste-als-text": "{% set a = 'x' * 9000000 %}{{ ([a] * 200) | string | length }}",
    "map-list": "{% set a = 'x' * 9000000 %}{{ ([a] * 200) | map('upper') | list | length }}",
    "sortieren": "{% set a = 'x' * 9000000 %}{{ ([a] * 200) | sort | length }}",
}
#: Renders with a template and prints the code of the error and the process's peak resident memory. The peak is
#: the kernel's VmHWM: `ru_maxrss` keeps the size of the process that forked it across `exec`, here pytest's own
#: (170–320 MB late in a full run), which failed the bound at random.
_MEMORY_PROBE = """
import sys
from pathlib import Path
from vsp_cli import api
from vsp_cli.errors import TemplateError
from vsp_cli.settings import RenderSettings
try:
    api.render_markdown(api.load(Path(sys.argv[1])), RenderSettings(template_dir=Path(sys.argv[2])))
except TemplateError as exc:
    print(exc.diagnostics[0].code)
print(next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


#: Fills the memory cap with small values, kept alive past the cap's end, as markdown-it's tokens were when a
#: template sent `"<a>" * 1000000` through `prose`.
_FILLED_PROBE = """
import resource
from vsp_cli.sandbox import memory_cap
before = resource.getrlimit(resource.RLIMIT_AS)
node = None
try:
    with memory_cap():
        while True:
            node = (node, object())
except MemoryError:
    pass
restored = resource.getrlimit(resource.RLIMIT_AS) == before
del node
print(restored)
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the memory cap needs Linux")
def test_the_memory_cap_is_lifted_even_when_not_a_byte_is_left() -> None:
    # Before the fix, lifting it needed a new tuple, which could not be made: the cap stayed, and every later
    # allocation of the process failed (a traceback of MemoryErrors, and no other statement rendered).
    import resource

    def guard() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3_000_000_000, resource.getrlimit(resource.RLIMIT_AS)[1]))

    done = subprocess.run(
        [sys.executable, "-c", _FILLED_PROBE],
        capture_output=True,
        text=True,
        preexec_fn=guard,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True"]


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the memory cap needs Linux")
@pytest.mark.parametrize("source", MANY_VALUES.values(), ids=list(MANY_VALUES))
def test_a_template_keeping_many_values_alive_ends_within_its_memory(tmp_path: Path, source: str) -> None:
    import resource
    import subprocess
    import sys

    folder = _template_folder(tmp_path, "Kopf\n" + source)

    def guard() -> None:  # without the cap, the probe fails here instead of filling the machine
        resource.setrlimit(resource.RLIMIT_AS, (3_000_000_000, resource.getrlimit(resource.RLIMIT_AS)[1]))

    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, str(SEED), str(folder)],
        capture_output=True,
        text=True,
        preexec_fn=guard,
        timeout=60,
        check=True,
    )
    code, peak = done.stdout.split()
    assert code == "template-budget"
    assert int(peak) < MAX_TEMPLATE_MEMORY + 200_000_000


#: A build as `--watch` runs it (`isolated`), in a process with a second thread as the watcher's is: prints the
#: codes of the diagnostics and the main process's peak memory (VmHWM, see `_MEMORY_PROBE`).
_ISOLATED_PROBE = """
import _thread, io, sys, time
from vsp_cli.batch import BatchOptions, execute
from vsp_cli.report import Report
release = _thread.allocate_lock()
release.acquire()
_thread.start_new_thread(release.acquire, ())
time.sleep(0.1)
report = Report(output_format="json", out=io.StringIO(), err=io.StringIO())
execute(BatchOptions(paths=[sys.argv[1]]), report, isolated=True)
print(",".join(d.code for d in report.collected) or "-")
print(next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the memory cap needs Linux")
def test_watch_renders_even_one_statement_in_a_worker_where_the_memory_cap_holds(tmp_path: Path) -> None:
    """`--watch` runs the watcher's thread, and a process with two threads sets no memory cap: a save's single
    statement was rendered there, and a template could take all memory. Now a worker renders it, capped."""
    import resource

    (tmp_path / "standpunkte").mkdir()
    shutil.copy(SEED, tmp_path / "standpunkte" / "a.yaml")
    _template_folder(tmp_path, "Kopf\n" + MANY_VALUES["liste-als-text"])
    (tmp_path / "vsp.toml").write_text('template_dir = "vorlagen"\nformats = ["md"]\n', encoding="utf-8")

    def guard() -> None:  # without the cap, the probe fails here instead of filling the machine
        resource.setrlimit(resource.RLIMIT_AS, (3_000_000_000, resource.getrlimit(resource.RLIMIT_AS)[1]))

    done = subprocess.run(
        [sys.executable, "-c", _ISOLATED_PROBE, str(tmp_path / "standpunkte")],
        capture_output=True,
        text=True,
        preexec_fn=guard,
        timeout=120,
        check=True,
    )
    codes, peak = done.stdout.split()
    assert codes == "template-budget"
    assert int(peak) < 300_000_000  # the main process never held the template's values


def test_a_runaway_template_costs_one_statement_not_the_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "standpunkte").mkdir()
    for name in ("a", "b"):
        shutil.copy(SEED, tmp_path / "standpunkte" / f"{name}.yaml")
    _template_folder(
        tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    (tmp_path / "vsp.toml").write_text('template_dir = "vorlagen"\nformats = ["md"]\n', encoding="utf-8")
    code, out, err = vsp(capsys, "render", str(tmp_path / "standpunkte"), "-j", "2")
    assert code == 1
    assert out.count("[template-budget]") == 1  # the same template: shown once
    assert "2 fehlerhaft" in err


# --- links in the Markdown output ---------------------------------------------------------------------------

UNSAFE_LINKS = {
    "javascript": ("Siehe [Text](javascript:alert(1)).", "Siehe Text."),
    "gross-klein": ("[Text](JaVaScRiPt:alert(1))", "Text"),
    "tabulator": ("[Text](<java\tscript:alert(1)>)", "Text"),
    "entitaet": ("[Text](&#106;avascript:alert(1))", "Text"),
    "prozent": ("[Text](java%0Ascript:alert(1))", "Text"),
    "vbscript": ("[Text](vbscript:msgbox)", "Text"),
    "data": ("[Text](data:text/html;base64,PHNjcmlwdD4=)", "Text"),
    "file": ("[Text](file:///etc/passwd)", "Text"),
    "bild": ("![Beschreibung](javascript:alert(1))", "Beschreibung"),
    "bild-datei": ("![Beschreibung](file:///etc/passwd)", "Beschreibung"),
    "autolink": ("<javascript:alert(1)>", "javascript:alert(1)"),
    "referenz": ("[Text][r]\n\n[r]: javascript:alert(1)", "Text"),
    "referenz-kurz": ("[r]\n\n[r]: javascript:alert(1)", "r"),
    "zitat": ("> Zitat [Text](javascript:alert(1))", "> Zitat Text"),
    "liste": ("- Punkt [Text](javascript:alert(1)\n  ) weiter", "- Punkt Text weiter"),
    "tabelle": ("| a | b |\n| --- | --- |\n| [Text](javascript:1) | c |", "| Text | c |"),
    "verschachtelt": ("[[b]](javascript:x)(javascript:y)", "b"),
    # a host with the page's scheme: `file:` in a preview from disk, a file share fetched at once on Windows
    "netzpfad-bild": ("![Beschreibung](//angreifer.example/a.png)", "Beschreibung"),
    "netzpfad-link": ("[Text](<\\\\\\\\angreifer.example\\\\freigabe>)", "Text"),  # \\ is one \
    "netzpfad-gemischt": ("[Text](/\\angreifer.example/a)", "Text"),
    "netzpfad-leerzeichen": ("[Text](< //angreifer.example/a>)", "Text"),
}


def _targets(markdown: str) -> list[str]:
    from vsp_cli.commonmark import github_parser

    found = []
    for token in github_parser().parse(markdown):
        for child in token.children or ():
            if child.type in ("link_open", "image"):
                found.append(str(child.attrs.get("href") or child.attrs.get("src")))
    return found


@pytest.mark.parametrize(("source", "shown"), UNSAFE_LINKS.values(), ids=list(UNSAFE_LINKS))
def test_markdown_keeps_no_link_or_image_with_an_unsafe_target(
    minimal_data: dict[str, object], source: str, shown: str
) -> None:
    minimal_data["begruendung"] = (
        source + "\n\nWeiter mit [Quelle](https://example.org) und [Anlage](anlage.pdf)."
    )
    text = api.render_markdown(Statement.model_validate(minimal_data))
    assert _targets(text) == ["https://example.org", "anlage.pdf"]
    assert shown in text
    lowered = text.lower()
    assert "vbscript" not in lowered and "data:text" not in lowered and "file:" not in lowered
    assert "angreifer" not in lowered


def test_a_reference_defined_in_one_field_cannot_serve_another(minimal_data: dict[str, object]) -> None:
    minimal_data["sachverhalt"] = "Siehe [hier][r]."
    minimal_data["begruendung"] = "Text.\n\n[r]: javascript:alert(1)"
    text = api.render_markdown(Statement.model_validate(minimal_data))
    assert _targets(text) == []


_LINK_BOMBS = {
    # one target of 20,000 characters over 160 lines: 3.2 MB of targets, a PDF of 13 MB (47 of them: 600 MB)
    "lange-adresse": "https://example.org/" + "(" * 20_000,
    # 11,000 bare addresses in paragraphs within MAX_PARAGRAPH, no mark that MAX_MARKUP counts
    "blosse-adressen": "\n\n".join([" ".join(["www.leipzig.de"] * 1_000)] * 11),
    # a definition's target of 30,000 characters (within a PDF string) used 50 times: 50 areas, 1.5 MB
    "referenzen": "[r]: https://example.org/" + "a" * 30_000 + "\n\n" + " ".join(["[x][r]"] * 50),
}


def test_a_target_too_long_for_the_pdf_is_measured_once_for_all_its_references(
    minimal_data: dict[str, object],
) -> None:
    """Each of 3,000 references to a target of 40,000 umlauts (too long for a PDF string: printed as text) was
    encoded again to see whether it fits: 12 s for a statement of 100 kB."""
    minimal_data["begruendung"] = (
        "[r]: https://example.org/" + "ä" * 40_000 + "\n\n" + " ".join(["[x][r]"] * 3000)
    )
    statement = Statement.model_validate(minimal_data)
    started = time.process_time()
    api.render_pdf(statement)
    assert time.process_time() - started < 5


@pytest.mark.parametrize("text", _LINK_BOMBS.values(), ids=list(_LINK_BOMBS))
def test_links_that_would_fill_the_pdf_with_their_areas_are_refused_before_it_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """Every line of a link's text is a clickable area of the PDF that holds the whole target twice: long
    targets over many lines, or bare addresses by the ten thousand (which MAX_MARKUP does not count), made
    PDFs of hundreds of MB from a statement of 1 MB (12 s and 1.8 GB to set)."""
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["begruendung"] = text
    (tmp_path / "a.yaml").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    started = time.process_time()
    code, out, err = vsp(capsys, "render", str(tmp_path / "a.yaml"), "-o", str(tmp_path / "aus"), "-f", "pdf")
    assert time.process_time() - started < 10
    assert code == 1, out + err
    assert "[too-many-links]" in out + err and "Grenze MAX_LINK_AREAS" in out + err
    assert not (tmp_path / "aus" / "a.pdf").exists()


@pytest.mark.parametrize("name", ["blosse-adressen", "referenzen"])
def test_vsp_validate_finds_too_many_links_at_their_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """`vsp validate` said „alles in Ordnung“ to a statement whose links `vsp render` refused (the renderer alone
    counted them), and the render's error stood at 1:1. The links are counted by validation too, at the field
    with which they pass the limit; the lines of one link's text are counted only while setting."""
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["begruendung"] = _LINK_BOMBS[name]
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, width=10**9), encoding="utf-8")
    line = next(
        n
        for n, text in enumerate((tmp_path / "a.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("begruendung:")
    )
    found = [d for d in check_file(tmp_path / "a.yaml").diagnostics if d.code == "too-many-links"]
    assert [(d.line, d.severity.value) for d in found] == [(line, "fehler")]
    code, out, err = vsp(capsys, "validate", str(tmp_path / "a.yaml"))
    assert code == 1 and f"a.yaml:{line}:" in out + err and "[too-many-links]" in out + err


def test_links_within_the_limits_are_no_finding_and_are_set(minimal_data: dict[str, object]) -> None:
    """9,000 bare addresses and 25 targets of 30,000 characters: within both limits, for validation and PDF."""
    minimal_data["begruendung"] = (
        "\n\n".join([" ".join(["www.leipzig.de"] * 1_000)] * 9)
        + "\n\n[r]: https://example.org/" + "a" * 30_000 + "\n\n" + " ".join(["[x][r]"] * 25)
    )  # fmt: skip
    statement = Statement.model_validate(minimal_data)
    assert [f.code for f in rules.check(statement, form_of(statement)) if f.code == "too-many-links"] == []
    assert api.render_pdf(statement).startswith(b"%PDF")


def test_the_link_rule_knows_the_schemes_and_string_size_of_the_pdf() -> None:
    from vsp_cli.pdf.archival import MAX_STRING
    from vsp_cli.pdf.prose import SAFE_SCHEMES

    assert (rules._LINK_SCHEMES, rules._PDF_STRING) == (SAFE_SCHEMES, MAX_STRING)


def test_a_long_target_of_thousands_of_references_is_judged_once_and_compared_uncopied(
    minimal_data: dict[str, object],
) -> None:
    """Each reference to a definition was decoded again to judge its target, and its target copied twice (as
    text of its attributes) to see that the relabelled field reads the same: 3,000 references to a target of
    40,000 umlauts (a statement of 100 kB) took 40 s and 2.9 GB."""
    minimal_data["begruendung"] = (
        "[r]: https://example.org/" + "ä" * 40_000 + "\n\n" + " ".join(["[x][r]"] * 3000)
    )
    statement = Statement.model_validate(minimal_data)
    started = time.process_time()
    api.render_markdown(statement)
    elapsed = time.process_time() - started
    tracemalloc.start()
    try:
        text = api.render_markdown(statement)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 5 and peak < 300_000_000, (elapsed, peak)
    assert len(_targets(text)) == 3000


@pytest.mark.parametrize(
    "target",
    ["https://x.de", "http://x.de", "mailto:a@b.de", "anlage.pdf", "../a/b.md", "#abschnitt", "/pfad"],
)
def test_safe_targets_are_kept(target: str) -> None:
    assert safe_target(target)


# --- configuration found above the project --------------------------------------------------------------------


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A statement folder below a folder holding a vsp.toml that sends the outputs elsewhere."""
    (tmp_path / "standpunkte").mkdir()
    shutil.copy(SEED, tmp_path / "standpunkte" / "a.yaml")
    (tmp_path / "vsp.toml").write_text('output_dir = "fremd"\n', encoding="utf-8")
    return tmp_path


def _owned_by_another(path: Path, monkeypatch: pytest.MonkeyPatch, *, me: int) -> None:
    """Make `path` belong to a user that is neither root nor the one vsp believes it runs as (`me`)."""
    if os.geteuid() == 0:
        os.chown(path, 4242, 4242)
    monkeypatch.setattr(config_discovery.os, "geteuid", lambda: me)


def test_a_configuration_in_a_folder_anyone_may_write_is_passed_over(
    planted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    planted.chmod(0o777)
    code, out, _ = vsp(capsys, "render", str(planted / "standpunkte"), "-f", "md")
    assert code == 0
    assert (planted / "standpunkte" / "a.md").is_file() and not (planted / "fremd").exists()
    assert "[config-untrusted]" in out and "warnung" in out
    assert str(planted / "vsp.toml") in out and "--config" in out
    code, _, _ = vsp(
        capsys, "render", str(planted / "standpunkte"), "-f", "md", "--config", str(planted / "vsp.toml")
    )
    assert code == 0 and (planted / "fremd" / "a.md").is_file()
    code, out, _ = vsp(capsys, "validate", str(planted / "standpunkte"))  # validate passes over it too
    assert code == 0 and out.count("[config-untrusted]") == 1


def test_a_configuration_anyone_may_write_is_passed_over(planted: Path) -> None:
    (planted / "vsp.toml").chmod(0o666)
    skipped: list[Diagnostic] = []
    assert config_discovery.find_config(planted / "standpunkte", skipped) is None
    assert [d.code for d in skipped] == ["config-untrusted"]


def test_a_configuration_of_another_user_is_passed_over(
    planted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _owned_by_another(planted / "vsp.toml", monkeypatch, me=os.geteuid() + 1 if os.geteuid() else 1000)
    skipped: list[Diagnostic] = []
    assert config_discovery.find_config(planted / "standpunkte", skipped) is None
    assert "gehört einem anderen Benutzer" in skipped[0].message


def test_root_takes_a_checkout_of_another_uid(planted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Containerised CI runs as root over a checkout of another uid: that must keep working."""
    _owned_by_another(planted / "vsp.toml", monkeypatch, me=0)
    assert config_discovery.find_config(planted / "standpunkte") == planted / "vsp.toml"


def test_the_users_own_file_in_a_sticky_shared_folder_is_taken(planted: Path) -> None:
    """In a folder like /tmp nobody can replace another's file: the user's own is the user's."""
    planted.chmod(0o1777)
    assert config_discovery.find_config(planted / "standpunkte") == planted / "vsp.toml"


def test_another_users_file_in_a_sticky_shared_folder_is_passed_over_even_by_root(
    planted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted.chmod(0o1777)
    _owned_by_another(planted / "vsp.toml", monkeypatch, me=0 if os.geteuid() == 0 else os.geteuid() + 1)
    assert config_discovery.find_config(planted / "standpunkte") is None


# --- outputs stay inside the project --------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "projekt" / "standpunkte").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "projekt" / "standpunkte" / "a.yaml")
    (tmp_path / "aussen").mkdir()
    return tmp_path / "projekt"


@pytest.mark.parametrize("where", ["../aussen", "{tmp}/aussen", "build"])
def test_an_output_folder_outside_the_configurations_folder_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    if where == "build":  # inside by name, outside through a link
        (project / "build").symlink_to(project.parent / "aussen")
    (project / "vsp.toml").write_text(
        f'output_dir = "{where.format(tmp=project.parent)}"\n', encoding="utf-8"
    )
    code, out, _ = vsp(capsys, "render", str(project / "standpunkte"))
    assert code == 1
    assert f"{project / 'vsp.toml'}:1:14: fehler:" in out and "[output-outside]" in out
    assert list((project.parent / "aussen").iterdir()) == []


@pytest.mark.parametrize("where", ["../aussen", "{tmp}/aussen", "bilder"])
def test_a_logo_or_templates_outside_the_configurations_folder_are_refused(
    project: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """A repository's configuration must not embed a picture from elsewhere on the machine in a published PDF,
    nor run another project's templates: `logo` and `template_dir` stay in the project, as form files do."""
    outside = project.parent / "aussen"
    (outside / "geheim.png").write_bytes(_png(4, 4))
    (outside / "statement.md.j2").write_text("{{ 7 * 6 }}", encoding="utf-8")
    if where == "bilder":  # inside by name, outside through a link
        (project / "bilder").symlink_to(outside)
    folder = where.format(tmp=project.parent)
    (project / "vsp.toml").write_text(
        f'logo = "{folder}/geheim.png"\ntemplate_dir = "{folder}"\n', encoding="utf-8"
    )
    code, out, _ = vsp(capsys, "render", str(project / "standpunkte"), "-o", str(project / "out"))
    assert code == 1
    assert f"{project / 'vsp.toml'}:1:8: fehler: „logo“: " in out and "[logo-outside]" in out
    assert f"{project / 'vsp.toml'}:2:16: fehler: „template_dir“: " in out and "[templates-outside]" in out
    assert "ein Logo liest vsp nur im Projekt" in out and "--template-dir auf der Kommandozeile" in out
    assert not (project / "out").exists()
    # named on the command line, a folder outside is the user's own choice
    (project / "vsp.toml").unlink()
    code, out, _ = vsp(capsys, "render", str(project / "standpunkte"), "-o", str(project / "out"), "-f", "md",
                       "--template-dir", str(outside))  # fmt: skip
    assert code == 0, out
    assert (project / "out" / "a.md").read_text(encoding="utf-8").strip() == "42"


def test_a_logo_inside_the_project_is_used(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "bilder").mkdir()
    (project / "bilder" / "logo.png").write_bytes(_png(4, 4))
    (project / "vsp.toml").write_text('logo = "bilder/logo.png"\n', encoding="utf-8")
    code, out, _ = vsp(
        capsys, "render", str(project / "standpunkte"), "-o", str(project / "out"), "-f", "pdf"
    )
    assert code == 0, out
    assert b"/Subtype /Image" in (project / "out" / "a.pdf").read_bytes()


def test_a_path_longer_than_the_system_takes_is_bad_input_not_an_internal_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An `output_dir` of a configuration (or `-o`, or a statement named) longer than the system takes made the
    build fail when it looked at the folder: internal error, exit code 123."""
    long = "x/" * 3000
    (project / "vsp.toml").write_text(f'output_dir = "{long}y"\n', encoding="utf-8")
    code, out, err = vsp(capsys, "render", str(project / "standpunkte"))
    assert code == 1 and "interner Fehler" not in out + err
    assert f"{project / 'vsp.toml'}:1:14: fehler:" in out and "(Name zu lang) [invalid-value]" in out
    (project / "vsp.toml").unlink()
    code, out, err = vsp(capsys, "render", str(project / "standpunkte"), "-o", str(project / long))
    assert code == 1 and "interner Fehler" not in out + err and "(Name zu lang) [invalid-value]" in out
    for command in (["validate"], ["config"], ["new"]):
        code, out, err = vsp(capsys, *command, str(project / long / "a.yaml"))
        assert code == 2 and "interner Fehler" not in out + err and "lässt sich nicht nachschlagen" in err


def test_a_configuration_that_links_to_another_projects_cannot_write_there(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # its output_dir was checked against the folder of the file linked to: vsp wrote into the other checkout
    other = project.parent / "anderes-projekt"
    other.mkdir()
    (other / "vsp.toml").write_text('output_dir = "build"\nformats = ["md"]\n', encoding="utf-8")
    (project / "vsp.toml").symlink_to(other / "vsp.toml")
    code, out, _ = vsp(capsys, "render", str(project / "standpunkte"))
    assert code == 1 and f"{other / 'vsp.toml'}:1:14: fehler:" in out and "[output-outside]" in out
    assert not (other / "build").exists()


def test_a_configuration_linked_inside_the_project_keeps_its_outputs_there(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "einstellungen").mkdir()
    (project / "einstellungen" / "vsp.toml").write_text(
        'output_dir = "../build"\nformats = ["md"]\n', encoding="utf-8"
    )
    (project / "vsp.toml").symlink_to(project / "einstellungen" / "vsp.toml")
    assert vsp(capsys, "render", str(project / "standpunkte"))[0] == 0
    assert (project / "build" / "a.md").is_file()


def test_a_configuration_linked_to_an_empty_file_beside_a_secret_opens_no_form_file_there(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Form files had to lie in the folder of the file a linked vsp.toml leads to: a link to any empty file
    (`~/.cargo/.package-cache`) let a statement name a TOML file beside it as its form, whose values (of keys a
    form has) the messages quoted."""
    elsewhere = project.parent / "aussen"
    (elsewhere / "leer").write_bytes(b"")
    (elsewhere / "credentials.toml").write_text(
        f'name = "{SHORT_SECRET[:40]}"\nschema = "x"\n', encoding="utf-8"
    )
    (project / "vsp.toml").symlink_to(elsewhere / "leer")
    statement = project / "standpunkte" / "a.yaml"
    statement.write_text(
        statement.read_text(encoding="utf-8") + f"formular: {elsewhere / 'credentials.toml'}\n",
        encoding="utf-8",
    )
    code, out, err = vsp(capsys, "validate", str(statement))
    assert code == 1 and "[form-file]" in out and "außerhalb der erlaubten Ordner" in out, out + err
    assert SHORT_SECRET[:20] not in out + err


def test_a_linked_configuration_naming_form_files_beside_its_target_is_one_error_at_its_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Form files of a linked vsp.toml are read only in the folder of the link (above); one that `formular` or
    `[formulare]` names beside the link's target was refused once per statement, as if the statement named
    it. Now the configuration says so, at the line that names it."""
    shared = project.parent / "gemeinsam"
    (shared / "formulare").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "formulare" / "2021.toml", shared / "formulare" / "eigen.toml")
    (shared / "vsp.toml").write_text('[formulare]\neigen = "formulare/eigen.toml"\n', encoding="utf-8")
    (project / "vsp.toml").symlink_to(shared / "vsp.toml")
    code, out, _ = vsp(capsys, "validate", str(project / "standpunkte"))
    assert code == 1
    assert (
        out.startswith(f"{shared / 'vsp.toml'}:2:9: fehler: „formulare.eigen“: ") and "[form-outside]" in out
    )
    assert "[form-file]" not in out and out.count("form-outside") == 1
    (shared / "vsp.toml").write_text('formular = "formulare/eigen.toml"\n', encoding="utf-8")
    code, out, _ = vsp(capsys, "validate", str(project / "standpunkte"))
    assert (
        code == 1
        and out.startswith(f"{shared / 'vsp.toml'}:1:12: fehler: „formular“: ")
        and "[form-outside]" in out
    )


def test_a_configuration_linked_to_a_file_outside_shows_none_of_its_lines_in_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vsp.toml may link to another project's; one linking to `~/.env` was read as a configuration, and a
    terminal showed the line of its syntax error under the message: the token itself."""
    secret = tmp_path / "heim" / ".env"
    secret.parent.mkdir()
    secret.write_text(f"TOKEN={SHORT_SECRET}\n", encoding="utf-8")
    project = tmp_path / "projekt"
    project.mkdir()
    (project / "vsp.toml").symlink_to(secret)
    shutil.copy(SEED, project / "a.yaml")
    monkeypatch.chdir(project)
    monkeypatch.setattr(type(sys.stdout), "isatty", lambda self: True)
    for command in (
        ("validate", "a.yaml"),
        ("render", "a.yaml"),
        ("config", "a.yaml"),
        ("formular",),
        ("new",),
    ):
        code, out, err = vsp(capsys, *command)
        assert code == 1 and "[toml-syntax]" in out + err, command
        assert SHORT_SECRET[:20] not in out + err, command
    (project / "vsp.toml").unlink()
    (project / "vsp.toml").write_text(f"TOKEN={SHORT_SECRET}\n", encoding="utf-8")
    code, out, _ = vsp(capsys, "validate", "a.yaml")
    assert (
        code == 1 and f"    1 | TOKEN={SHORT_SECRET[:20]}" in out
    )  # the project's own file: its line is shown


def test_vsp_new_writes_the_schema_beside_a_linked_configuration_not_where_it_leads(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A repository's vsp.toml linked to any empty file elsewhere (`/etc/.pwd.lock`) is a valid configuration:
    `vsp new` wrote statement.schema.json into that file's folder, or replaced one there."""
    elsewhere = project.parent / "aussen"
    (elsewhere / "leer").write_bytes(b"")
    (project / "vsp.toml").symlink_to(elsewhere / "leer")
    target = project / "standpunkte" / "neu.yaml"
    assert vsp(capsys, "new", str(target))[0] == 0
    assert sorted(p.name for p in elsewhere.iterdir()) == ["leer"]
    assert (project / "statement.schema.json").is_file()
    assert target.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../statement.schema.json\n"
    )


def test_an_output_folder_inside_the_project_and_one_named_with_o_are_used(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "vsp.toml").write_text('output_dir = "build/vsp"\nformats = ["md"]\n', encoding="utf-8")
    assert vsp(capsys, "render", str(project / "standpunkte"))[0] == 0
    assert (project / "build" / "vsp" / "a.md").is_file()
    assert vsp(capsys, "render", str(project / "standpunkte"), "-o", str(project.parent / "aussen"))[0] == 0
    assert (project.parent / "aussen" / "a.md").is_file()


def test_nothing_is_written_through_a_link_that_appeared_in_the_output_folder(tmp_path: Path) -> None:
    """Planned, then the output folder turned into a link to another folder: the write is refused."""
    (tmp_path / "in").mkdir()
    shutil.copy(SEED, tmp_path / "in" / "a.yaml")
    (tmp_path / "out").mkdir()
    (tmp_path / "fremd").mkdir()
    job = build.Job(
        tmp_path / "in" / "a.yaml", build.output_paths(tmp_path / "in" / "a.yaml", tmp_path / "out", ("md",))
    )
    task = build.prepare(job, {}, build.Fingerprinter(), build.RecordKeys(), force=False, check=False)
    (tmp_path / "out").rmdir()
    (tmp_path / "out").symlink_to(tmp_path / "fremd")
    outcome = build.process(task)
    assert outcome.status is build.OutcomeStatus.INVALID
    assert outcome.diagnostics[-1].code == "output-unwritable"
    assert list((tmp_path / "fremd").iterdir()) == []


# --- the build record vouches only for what this machine wrote ------------------------------------------------


@pytest.fixture
def rendered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Two statements rendered (Markdown) into out/, with their build record."""
    (tmp_path / "in").mkdir()
    seed = SEED.read_text(encoding="utf-8")
    for number, name in enumerate(
        ("a", "b"), start=1
    ):  # two numbers: one would fail the run (duplicate-nummer)
        text = seed.replace("VI-A-03824-VSP-01", f"VI-A-0382{number}-VSP-01")
        (tmp_path / "in" / f"{name}.yaml").write_text(text, encoding="utf-8")
    assert vsp(capsys, "render", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-f", "md")[0] == 0
    return tmp_path


def _record(folder: Path) -> dict[str, dict[str, object]]:
    data = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_a_forged_output_with_a_matching_record_entry_is_rendered_again(
    rendered: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = rendered / "out"
    genuine = (out / "a.md").read_bytes()
    forged = genuine.replace(b"Werkstatt", b"Falschgeld")
    (out / "a.md").write_bytes(forged)
    record = _record(out)
    assert set(record["a.md"]) == {"fingerprint", "sha256", "size", "source", "warnings", "mac", "nummer"}
    record["a.md"].update(
        sha256=hashlib.sha256(forged).hexdigest(), size=len(forged)
    )  # the MAC cannot follow
    (out / RECORD_NAME).write_text(json.dumps(record), encoding="utf-8")
    code, _, err = vsp(capsys, "render", str(rendered / "in"), "-o", str(out), "-f", "md")
    assert code == 0 and "1 gerendert, 1 unverändert" in err
    assert (out / "a.md").read_bytes() == genuine


def test_an_orphan_whose_entry_this_machine_did_not_sign_is_not_deleted(
    rendered: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = rendered / "out"
    record = _record(out)
    record["a.md"]["mac"] = "0" * 64
    (out / RECORD_NAME).write_text(json.dumps(record), encoding="utf-8")
    (rendered / "in" / "a.yaml").unlink()
    code, printed, _ = vsp(capsys, "render", str(rendered / "in"), "-o", str(out), "-f", "md")
    assert code == 0 and (out / "a.md").is_file()
    assert "stammt nicht von vsp auf diesem Rechner" in printed


def test_an_orphan_that_is_a_link_is_neither_followed_nor_deleted(
    rendered: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = rendered / "out"
    elsewhere = rendered / "woanders.md"
    shutil.copy(out / "a.md", elsewhere)  # the very bytes the record names
    (out / "a.md").unlink()
    (out / "a.md").symlink_to(elsewhere)
    (rendered / "in" / "a.yaml").unlink()
    hashed: list[Path] = []
    real_hash = build.fingerprints.hash_file
    monkeypatch.setattr(
        build.fingerprints, "hash_file", lambda path, *a, **k: hashed.append(path) or real_hash(path, *a, **k)
    )
    code, printed, _ = vsp(capsys, "render", str(rendered / "in"), "-o", str(out), "-f", "md")
    assert code == 0 and (out / "a.md").is_symlink() and elsewhere.is_file()
    assert out / "a.md" not in hashed and "[output-orphaned]" in printed


def test_an_orphan_is_hashed_no_further_than_its_recorded_size(
    rendered: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = rendered / "out"
    with (out / "a.md").open("ab") as fh:
        fh.truncate(200_000_000)  # sparse: no room on the disk
    (rendered / "in" / "a.yaml").unlink()
    hashed: list[Path] = []
    real_hash = build.fingerprints.hash_file
    monkeypatch.setattr(
        build.fingerprints, "hash_file", lambda path, *a, **k: hashed.append(path) or real_hash(path, *a, **k)
    )
    assert vsp(capsys, "render", str(rendered / "in"), "-o", str(out), "-f", "md")[0] == 0
    assert out / "a.md" not in hashed and (out / "a.md").is_file()


@pytest.mark.parametrize(
    "record",
    [
        "{\n" + ",\n".join(f'"{i}.pdf": 0' for i in range(101)) + "\n}\n",  # as vsp writes, too many
        "{" + ",".join(f'"{i}.pdf":0' for i in range(101)) + "}",  # the format before 0.3
        '{\n"a.md": [' + "0," * 200 + "0]\n}\n",  # one entry of many values
    ],
    ids=["entries", "old-format", "values"],
)
def test_a_record_of_more_entries_or_values_than_allowed_is_not_read(
    rendered: Path, record: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # within MAX_RECORD_BYTES, 4,000,000 tiny entries took 1.4 GB and 26 s (1.8 GB, 47 s in the old format)
    monkeypatch.setattr(build.record, "MAX_RECORD_ENTRIES", 100, raising=False)
    out = rendered / "out"
    (out / RECORD_NAME).write_text(record, encoding="utf-8")
    loads: list[str] = []
    real_loads = json.loads
    monkeypatch.setattr(
        build.record.json, "loads", lambda text, **k: loads.append(text) or real_loads(text, **k)
    )
    records = build.record.load_records([str(out)])
    assert len(records) <= 1 and records.get(str(out / "a.md")) is None
    assert all(len(text) < 100 for text in loads)  # nothing large was parsed
    code, _, err = vsp(capsys, "render", str(rendered / "in"), "-o", str(out), "-f", "md")
    assert code == 0 and "2 gerendert" in err


def test_the_key_is_made_once_readable_by_the_user_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "in").mkdir()
    shutil.copy(SEED, tmp_path / "in" / "a.yaml")
    for expected in ("1 gerendert", "0 gerendert, 1 unverändert"):
        code, _, err = vsp(capsys, "render", str(tmp_path / "in"), "-f", "md")
        assert code == 0 and expected in err
    key = tmp_path / "cache" / "vsp" / "record.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.stat().st_size == 32


class _Planted:
    """What a repository could commit as a compiled template: Jinja unpickles a cache file's first bytes."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


@pytest.mark.parametrize("key", ["vsp", "gepflanzt", "privat"])
def test_compiled_templates_a_checkout_brought_into_the_cache_folder_are_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    # XDG_CACHE_HOME inside the checkout (a CI job caching its work folder): the checkout's files are the user's
    # and only the user may write them, as vsp's own. Before the fix, a planted jinja-….cache ran its code.
    # "privat": a key only its owner may read, as git checks out every file where the umask is 077; it was
    # believed, and the planted files signed with it ran their code.
    import hmac
    import pickle

    from jinja2.bccache import bc_magic

    from vsp_cli import fileio, templating

    cache = tmp_path / "repo" / ".cache"
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    fileio._key_in.cache_clear()
    statement = api.load(SEED)
    templating._cached_environment.cache_clear()
    expected = api.render_markdown(statement, RenderSettings())
    files = sorted((cache / "vsp").glob("jinja-*.cache"))
    assert files
    marker = tmp_path / "GEKAPERT"
    planted = bc_magic + pickle.dumps(_Planted(marker), 2)
    assert not (cache / "vsp" / fileio.KEY_NAME).exists()  # kept in the home folder's cache
    assert (tmp_path / "home" / ".cache" / "vsp" / fileio.KEY_NAME).is_file()
    if key != "vsp":  # a key of the repository's own, and the files signed with it
        (cache / "vsp" / fileio.KEY_NAME).write_bytes(bytes(32))
        (cache / "vsp" / fileio.KEY_NAME).chmod(0o644 if key == "gepflanzt" else 0o600)
        planted = hmac.new(bytes(32), planted, hashlib.sha256).digest() + planted
        fileio._key_in.cache_clear()  # read again, as by the next run
    for file in files:
        file.write_bytes(planted)
        file.chmod(0o644)
    try:
        templating._cached_environment.cache_clear()
        assert api.render_markdown(statement, RenderSettings()) == expected
    finally:
        templating._cached_environment.cache_clear()
        fileio._key_in.cache_clear()
    assert not marker.exists()


@pytest.mark.parametrize("linked", [".cache/vsp", ".cache"])
def test_a_cache_folder_a_checkout_links_elsewhere_gets_no_key_and_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linked: str
) -> None:
    """With `XDG_CACHE_HOME` in the checkout (a CI job), a repository's link `.cache/vsp` → any folder made vsp
    write its key, its compiled templates and 1.6 MB of hyphenation patterns there."""
    from vsp_cli import fileio

    repo, outside = tmp_path / "repo", tmp_path / "aussen"
    (repo / ".cache").mkdir(parents=True)
    outside.mkdir()
    if linked == ".cache":
        (repo / ".cache").rmdir()
    (repo / linked).symlink_to(outside, target_is_directory=True)
    shutil.copy(SEED, repo / "a.yaml")
    environment = {**os.environ, "XDG_CACHE_HOME": str(repo / ".cache"), "PYTHONPATH": str(ROOT / "src")}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "vsp_cli", "render", "a.yaml"],
            cwd=repo,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "1 gerendert" in done.stderr  # no key: no entry counts, everything is rendered again
    assert list(outside.iterdir()) == []
    monkeypatch.chdir(repo)
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo / ".cache"))
    fileio._key_in.cache_clear()
    try:
        assert fileio.cache_key() is None
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "eigener-cache"))  # outside the working folder
        assert fileio.cache_key() is not None
        # working in the home folder, whose .cache may be the user's link to another disk
        monkeypatch.setenv("HOME", str(repo))
        monkeypatch.setenv("XDG_CACHE_HOME", str(repo / ".cache"))
        fileio._key_in.cache_clear()
        assert fileio.cache_key() is not None
    finally:
        fileio._key_in.cache_clear()


def test_without_a_writable_cache_everything_is_rendered_and_nothing_breaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "datei").write_text("kein Ordner", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "datei"))
    (tmp_path / "in").mkdir()
    shutil.copy(SEED, tmp_path / "in" / "a.yaml")
    for _ in range(2):
        code, _, err = vsp(capsys, "render", str(tmp_path / "in"), "-f", "md")
        assert code == 0 and "1 gerendert, 0 unverändert" in err


# --- the logo -----------------------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def _png(width: int, height: int, *, text_first: bool = False, broken: bool = False) -> bytes:
    """A grey PNG; with `text_first` a tEXt chunk stands before IHDR (the header check then saw no size)."""
    header = _chunk(b"IHDR", width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0]))
    pixels = zlib.compressobj()
    row = bytes(width + 1)
    data = b"".join(pixels.compress(row) for _ in range(height)) + pixels.flush()
    if broken:
        data = data[:10] + b"kaputt" * 10 + data[10:]
    text = _chunk(b"tEXt", b"Titel\x00Logo") if text_first else b""
    return b"\x89PNG\r\n\x1a\n" + text + header + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def _logo_project(folder: Path, logo: bytes | None) -> Path:
    (folder / "standpunkte").mkdir(parents=True)
    shutil.copy(SEED, folder / "standpunkte" / "a.yaml")
    if logo is not None:
        (folder / "logo.png").write_bytes(logo)
        (folder / "vsp.toml").write_text('logo = "logo.png"\nformats = ["pdf"]\n', encoding="utf-8")
    return folder / "standpunkte"


def test_a_logo_whose_header_hides_its_size_is_measured_as_decoded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A chunk before IHDR hid the size from the configuration's check: 5,000² pixels were embedded."""
    folder = _logo_project(tmp_path, _png(5000, 5000, text_first=True))
    started = time.process_time()
    code, out, _ = vsp(capsys, "render", str(folder))
    assert code == 1 and time.process_time() - started < 10
    assert f"{tmp_path / 'logo.png'}:1:1: fehler:" in out and "[image-too-large]" in out
    assert "5000 × 5000" in out
    assert not (folder / "a.pdf").exists()


def _progressive_jpeg(repeats: int) -> bytes:
    """A small progressive JPEG whose last scan is repeated `repeats` times: every scan is decoded again over the
    whole picture (2,000 of them in a 125 kB file of 4000 × 4000 pixels took 45 s)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (64, 64), 128).save(buffer, "JPEG", progressive=True)
    data = buffer.getvalue()
    last = data[data.rindex(b"\xff\xda") : -2]
    return data[:-2] + last * repeats + data[-2:]


def test_the_logos_kept_decoded_hold_at_most_the_pixels_of_the_largest_logo(tmp_path: Path) -> None:
    """Eight decoded logos were kept whatever their size: ten folders of a repository, each with a vsp.toml
    naming a PNG of 70 kB that decodes to 4000 × 4000 pixels, took 1.4 GB in every process."""
    import gc
    import weakref

    from PIL import Image

    from vsp_cli import logo

    kept = []
    for n in range(3):
        path = tmp_path / f"logo{n}.png"
        Image.new("RGB", (3000, 3000), (n, 0, 0)).save(path)
        kept.append(weakref.ref(logo.load(path)))
    assert logo.load(tmp_path / "logo2.png") is kept[2]()  # decoded once
    gc.collect()
    assert [ref() is not None for ref in kept] == [False, False, True]
    small = tmp_path / "klein.png"
    Image.new("RGB", (300, 100)).save(small)
    assert logo.load(small) is logo.load(small) and kept[2]() is not None  # small ones are kept beside


def test_a_jpeg_logo_of_many_scans_is_refused_before_it_is_decoded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _logo_project(tmp_path / "viele", _progressive_jpeg(MAX_LOGO_SCANS))
    fine = _logo_project(tmp_path / "progressiv", _progressive_jpeg(0))
    code, out, err = vsp(capsys, "render", str(folder), str(fine), "-j", "1")
    assert code == 1, out + err
    assert f"{tmp_path / 'viele' / 'logo.png'}:1:1: fehler:" in out and "Grenze MAX_LOGO_SCANS" in out
    assert "[image-too-large]" in out
    assert (fine / "a.pdf").is_file() and not (folder / "a.pdf").exists()


def _jpeg_of_many_segments(segment: bytes, count: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (16, 16), 128).save(buffer, "JPEG")
    data = buffer.getvalue()
    return data[:2] + segment * count + data[2:]


LOGOS_OF_MANY_PIECES = {
    # Pillow reads each of these in Python before the pixels: 49 MB of them took 11–15 s, in every worker
    "png-leere-bloecke": lambda: (
        _png(16, 16, text_first=False)[:33] + _chunk(b"teXt", b"") * (MAX_LOGO_PIECES + 1) + _png(16, 16)[33:]
    ),
    "jpeg-kommentare": lambda: _jpeg_of_many_segments(b"\xff\xfe\x00\x02", MAX_LOGO_PIECES + 1),
    "jpeg-fuellbytes": lambda: _jpeg_of_many_segments(b"\xff", MAX_LOGO_PIECES + 1),
}


@pytest.mark.parametrize("logo", LOGOS_OF_MANY_PIECES.values(), ids=list(LOGOS_OF_MANY_PIECES))
def test_a_logo_of_many_tiny_pieces_is_refused_before_it_is_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], logo: Any
) -> None:
    folder = _logo_project(tmp_path, logo())
    started = time.process_time()
    code, out, _ = vsp(capsys, "render", str(folder))
    assert code == 1 and time.process_time() - started < 10
    assert "Grenze MAX_LOGO_PIECES" in out and "[image-too-large]" in out
    assert not (folder / "a.pdf").exists()


def test_a_broken_logo_is_a_located_error_and_the_other_folders_still_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _logo_project(tmp_path / "kaputt", _png(60, 20, broken=True))
    fine = _logo_project(tmp_path / "heil", None)
    code, out, err = vsp(capsys, "render", str(broken), str(fine), "-j", "1")
    assert code == 1, err
    assert f"{tmp_path / 'kaputt' / 'logo.png'}:1:1: fehler:" in out and "[image-broken]" in out
    assert (fine / "a.pdf").is_file() and not (broken / "a.pdf").exists()


def test_a_palette_logo_with_more_transparent_entries_than_colours_is_broken_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pillow decodes such a PNG but cannot convert it to RGBA: the PDF failed while drawing the page (exit 123,
    no folder of the batch rendered)."""
    header = _chunk(b"IHDR", (10).to_bytes(4, "big") * 2 + bytes([8, 3, 0, 0, 0]))
    palette, alpha = _chunk(b"PLTE", b"\xff\x00\x00"), _chunk(b"tRNS", b"\x00" * 300)
    pixels = _chunk(b"IDAT", zlib.compress(b"\x00" * 11 * 10))
    logo = b"\x89PNG\r\n\x1a\n" + header + palette + alpha + pixels + _chunk(b"IEND", b"")
    broken = _logo_project(tmp_path / "kaputt", logo)
    fine = _logo_project(tmp_path / "heil", None)
    code, out, err = vsp(capsys, "render", str(broken), str(fine), "-j", "1")
    assert code == 1, err
    assert f"{tmp_path / 'kaputt' / 'logo.png'}:1:1: fehler:" in out and "[image-broken]" in out
    assert "(palette index out of range)" in out and "0x" not in out
    assert (fine / "a.pdf").is_file() and not (broken / "a.pdf").exists()


@pytest.mark.parametrize(
    "logo",
    [
        b"\x89PNG\r\n\x1a\n",  # the signature alone
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", bytes(8) + bytes([8, 2, 0, 0, 0]))
        + _chunk(b"IEND", b""),  # 0 × 0
        b"\xff\xd8\xff\xe0" + bytes(40),  # a JPEG's first bytes, then nothing
    ],
    ids=["signatur", "null-bildpunkte", "jpeg-anfang"],
)
def test_a_logo_pillow_recognises_as_no_image_gets_the_same_message_in_every_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], logo: bytes
) -> None:
    """Pillow's message named the object it read from, with its address: a different message in every run."""
    folder = _logo_project(tmp_path, logo)
    code, out, err = vsp(capsys, "render", str(folder), "-j", "1")
    assert code == 1, err
    assert f"{tmp_path / 'logo.png'}:1:1: fehler: Das Logo" in out and "[image-broken]" in out
    assert "(kein Bild zu erkennen)" in out and "0x" not in out


def test_a_logo_with_a_corrupt_exif_block_is_drawn_as_stored_without_pillows_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An orientation whose data lies past the end of the EXIF block: Pillow warned on stderr, in English."""
    from PIL import Image

    tiff = b"MM\x00*" + (8).to_bytes(4, "big") + (1).to_bytes(2, "big")
    tiff += (0x0112).to_bytes(2, "big") + (3).to_bytes(2, "big") + (0xFFFFFFFF).to_bytes(4, "big") + bytes(8)
    folder = _logo_project(tmp_path, None)
    Image.new("RGB", (60, 20), (200, 0, 0)).save(tmp_path / "logo.png", "JPEG", exif=b"Exif\x00\x00" + tiff)
    (tmp_path / "vsp.toml").write_text('logo = "logo.png"\nformats = ["pdf"]\n', encoding="utf-8")
    code, out, err = vsp(capsys, "render", str(folder), "-j", "1")
    assert code == 0, out + err
    assert "Warning" not in err and "EXIF" not in err
    assert (folder / "a.pdf").is_file()


def test_a_logo_is_decoded_once_per_process_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    (tmp_path / "logo.png").write_bytes(_png(60, 20))
    opened: list[object] = []
    real_open = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    statement = api.load(SEED)
    settings = RenderSettings(logo=tmp_path / "logo.png")
    first = api.render_pdf(statement, settings)
    for _ in range(3):
        assert api.render_pdf(statement, settings) == first
    assert len(opened) == 1


def test_a_pdf_does_not_depend_on_where_its_logo_lies(tmp_path: Path) -> None:
    for name in ("hier", "dort/tiefer"):
        (tmp_path / name).mkdir(parents=True)
        shutil.copy(ROOT / "tests" / "pins" / "logo.png", tmp_path / name / "logo.png")
    statement = api.load(SEED)
    here, there = (
        api.render_pdf(statement, RenderSettings(logo=tmp_path / name / "logo.png"))
        for name in ("hier", "dort/tiefer")
    )
    assert here == there


def test_a_palette_logo_with_partly_transparent_colours_is_drawn_with_its_mask(tmp_path: Path) -> None:
    """A palette PNG with an alpha value per colour (as pngquant and other optimisers write logos) was refused as
    broken („can't concat int to bytes“): the check asked for a single transparent colour, which ReportLab never
    does for an image with an alpha channel."""
    from PIL import Image

    rgba = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    rgba.paste((200, 0, 0, 255), (0, 0, 20, 20))
    rgba.paste((0, 0, 200, 128), (20, 0, 40, 20))
    rgba.convert("P").save(tmp_path / "logo.png")
    assert isinstance(Image.open(tmp_path / "logo.png").info.get("transparency"), bytes)
    data = api.render_pdf(api.load(SEED), RenderSettings(logo=tmp_path / "logo.png"))
    assert b"/SMask" in data


def test_a_logo_with_transparency_is_drawn_with_its_mask(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGBA", (40, 20), (200, 0, 0, 128)).save(tmp_path / "logo.png")
    data = api.render_pdf(api.load(SEED), RenderSettings(logo=tmp_path / "logo.png"))
    assert b"/SMask" in data


def test_a_broken_logo_shared_by_many_statements_is_reported_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _logo_project(tmp_path, _png(60, 20, broken=True))
    shutil.copy(SEED, folder / "b.yaml")
    code, out, err = vsp(capsys, "render", str(folder), "-j", "1")
    assert code == 1 and out.count("[image-broken]") == 1 and "2 fehlerhaft" in err


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "{{ statement.betref }}",
            "ein Wert vom Typ „Zuordnung“ hat kein Feld „betref“. Meinten Sie „betreff“?",
        ),
        ("{{ titel }}", "ist die Variable „titel“ nicht definiert. Meinten Sie „title“?"),
        ("{{ blocks[0].lable }}", "hat kein Feld „lable“. Meinten Sie „label“?"),
        ("{{ statement.xyzzy }}", "hat kein Feld „xyzzy“"),
        ("{{ cycler.__init__ }}", "ist der Zugriff auf „__init__“ nicht erlaubt"),
    ],
)
def test_template_messages_name_what_a_template_sees(tmp_path: Path, source: str, expected: str) -> None:
    assert expected in _template_error(_template_folder(tmp_path, source)).message


def test_a_projects_template_folder_always_runs_in_the_sandbox(tmp_path: Path) -> None:
    """Only vsp's own templates run outside it; a folder of the project's, even one that replaces none of
    them, is the sandbox's."""
    from vsp_cli import templating

    (tmp_path / "teil.j2").write_text("x", encoding="utf-8")
    assert isinstance(templating.environment(tmp_path, {}), sandbox.Sandbox)
    assert not isinstance(templating.environment(None, {}), sandbox.Sandbox)


def test_the_memory_cap_is_not_set_while_a_thread_threading_does_not_see_runs() -> None:
    """Under --watch, watchfiles runs a native thread that `threading.active_count()` does not count; an
    allocation of it failing at the cap would abort the whole process."""
    code = (
        "import _thread, resource, threading, time\n"
        "from vsp_cli.sandbox import memory_cap\n"
        "def capped():\n"
        "    with memory_cap():\n"
        "        return resource.getrlimit(resource.RLIMIT_AS)[0]\n"
        "alone = capped()\n"
        "release = _thread.allocate_lock(); release.acquire()\n"
        "_thread.start_new_thread(release.acquire, ())\n"
        "time.sleep(0.1)\n"
        "print(threading.active_count(), alone != resource.RLIM_INFINITY, capped() == resource.RLIM_INFINITY)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["1", "True", "True"]


def test_a_pattern_with_two_stars_and_a_parent_folder_after_them_says_why_it_finds_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`**` is searched as a folder is (links not followed), so `a/**/../c/*.yaml` cannot climb back: it found
    nothing and said „Kein Treffer“ although `glob` would have found the file. It now says what to write."""
    (tmp_path / "s" / "a" / "b").mkdir(parents=True)
    (tmp_path / "s" / "c").mkdir()
    shutil.copy(SEED, tmp_path / "s" / "c" / "x.yaml")
    code, _, err = vsp(capsys, "validate", f"{tmp_path}/s/a/**/../c/*.yaml")
    assert code == 2 and "„..“ hinter einem Platzhalter" in err and "Kein Treffer" not in err
    code, _, err = vsp(capsys, "validate", f"{tmp_path}/s/a/../c/**/*.yaml")
    assert code == 0 and "1 Datei geprüft" in err


def test_many_statements_of_one_number_name_a_few_others_each() -> None:
    """Each duplicate-nummer message listed every other statement of the number, path by path: 1,500 statements
    of one number in a tree 1,500 folders deep (paths of thousands of characters) made 3.4 GB of messages and
    took nine minutes. A message names at most MAX_LISTED others, each path cut at the front."""
    from vsp_cli.across import duplicate_numbers
    from vsp_cli.diagnostics import Span
    from vsp_cli.limits import MAX_LISTED

    paths = ["/".join(["d"] * depth) + f"/s{depth}.yaml" for depth in range(1, 1001)]
    found = duplicate_numbers((path, path, ("VI-A-00001-VSP-01", Span(2, 8, 2, 25))) for path in paths)
    assert sorted(found) == sorted(paths)
    messages = [d.message for diagnostics in found.values() for d in diagnostics]
    assert len(messages) == 1000 and all(len(m) < 200 * (MAX_LISTED + 1) for m in messages)
    first = found[paths[0]][0].message
    assert "d/d/s2.yaml" in first and "… (999 insgesamt)" in first and paths[0] not in first
    two = duplicate_numbers(
        (path, path, ("VI-A-00001-VSP-01", Span(2, 8, 2, 25))) for path in ("a.yaml", "b.yaml")
    )
    assert two["a.yaml"][0].message.startswith("Die Nummer VI-A-00001-VSP-01 hat auch b.yaml; ")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_form_file_that_is_a_pipe_or_a_folder_is_named_so_and_not_read(tmp_path: Path, kind: str) -> None:
    """A named pipe or a folder named as a form file was reported as missing („gibt es nicht“), which sent the
    writer looking for a typo; it is there, and vsp does not read it (a pipe would block the run)."""
    form = tmp_path / "f.toml"
    if kind == "fifo":
        os.mkfifo(form)
    else:
        form.mkdir()
    (tmp_path / "a.yaml").write_text(
        "formular: f.toml\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8"
    )
    [problem] = [d for d in check_file(tmp_path / "a.yaml").diagnostics if d.code == "form-file"]
    assert "keine gewöhnliche Datei" in problem.message and "gibt es nicht" not in problem.message
    assert (problem.span.line, problem.span.column) == (0, 10)
