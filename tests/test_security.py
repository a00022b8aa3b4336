"""A hostile repository (issue #15): what its statements, configuration, templates and logo cannot make vsp do."""

from __future__ import annotations

from pathlib import Path

import pytest

from vsp_cli.config import load_config
from vsp_cli.diagnostics import QUOTE_LIMIT, quote, quote_path
from vsp_cli.errors import ConfigError
from vsp_cli.validation import check_file

#: A value no message may repeat whole: a private key, a token, a pasted document.
SECRET = "".join(f"geheim{i:04d}" for i in range(200))
#: As long as a key or a label may be (YAML's simple keys end at 1,024 characters, labels at 200).
SHORT_SECRET = SECRET[:150]


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


CONFIGS_ECHOING_VALUES = {
    "einstellung": f'{SECRET} = "x"\n',
    "beschriftung": f'[labels]\n{SECRET} = "x"\n',
    "platzhalter": f'[labels]\ntitel_antrag = "{{nummer}} {{{SHORT_SECRET}}}"\n',
    "logo": f'logo = "{SECRET}.png"\n',
    "format": f'formats = ["{SECRET}"]\n',
}


@pytest.mark.parametrize("source", CONFIGS_ECHOING_VALUES.values(), ids=list(CONFIGS_ECHOING_VALUES))
def test_no_configuration_message_repeats_a_long_value_whole(tmp_path: Path, source: str) -> None:
    path = tmp_path / "vsp.toml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    for d in caught.value.diagnostics:
        assert SECRET[: QUOTE_LIMIT + 1] not in d.message, d.message
