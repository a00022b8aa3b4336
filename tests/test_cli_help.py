"""`vsp` alone and `vsp --help`: the help once, and each command's whole description."""

from __future__ import annotations

import inspect

import pytest
import typer

from conftest import call_captured as call
from vsp_cli.cli import app


def test_vsp_alone_shows_its_help_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys)
    _, help_page, _ = call(capsys, "--help")
    assert code == 2  # still a call without a command, as CI should notice
    assert out == "" and err == help_page
    assert err.count("Aufruf: vsp") == 1 and err.count("Befehle:") == 1
    assert "Fehler im Aufruf" not in err and "Hilfe: vsp --help" not in err


def test_help_shows_the_whole_first_sentence_of_each_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "--help")
    assert code == 0
    assert "..." not in out.replace("[ARGUMENTE]...", "")
    shown = " ".join(out.split())
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    for name, command in group.commands.items():
        words = inspect.cleandoc(command.help or "").split("\n\n")[0].split()
        end = next((i for i, word in enumerate(words) if word.endswith(".")), len(words) - 1)
        sentence = " ".join(words[: end + 1])  # the first sentence, as typer takes it
        assert f"{name} {sentence}" in shown, name
