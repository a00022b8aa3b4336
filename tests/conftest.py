"""Shared paths and helpers for the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from vsp_cli.cli import main

#: No time limit per example: the first one of a test may build caches (hyphenation patterns, fonts) and take a
#: second on a busy machine, which Hypothesis would report as a flaky failure. The same examples on every run
#: (`derandomize`): a test run that passed passes again, in CI as on a clone, and no run fails on a case it drew
#: by chance that the one before never saw. To look for new cases, run with `VSP_HYPOTHESIS=explore` (random
#: examples, more of them where a test sets no number) and add each failing one to its test as an `@example`.
settings.register_profile("vsp", deadline=None, derandomize=True)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("VSP_HYPOTHESIS", "vsp"))

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
EXAMPLES = ROOT / "examples"

VALID_CASES = sorted((CASES / "valid").glob("*.yaml"))
INVALID_CASES = sorted((CASES / "invalid").glob("*.yaml"))
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


@pytest.fixture(autouse=True, scope="session")
def _cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """vsp's cache folder (hyphenation patterns, the build record's key) in a temporary folder, also for the
    vsp processes the tests start: nothing is read from or written to the user's own."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def minimal_data() -> dict[str, object]:
    """The smallest valid statement as data, to vary in tests."""
    return {
        "nummer": "VI-A-03824-VSP-01",
        "betreff": "Werkstattgespräche",
        "eingereicht_von": "Dezernat Allgemeine Verwaltung",
        "beratungsfolge": [
            {"gremium": "Ratsversammlung", "termin": "2017-05-17", "zustaendigkeit": "Beschlussfassung"}
        ],
        "empfehlung": "ablehnung_verwaltungshandeln",
        "begruendung": "Die Verwaltung befürwortet das Anliegen.",
    }


def call(*args: str) -> int:
    """Run vsp in this process (fast) and return its exit code."""
    try:
        main(list(args))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0  # pragma: no cover - typer always exits


def call_captured(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run vsp in this process (fast) and return its exit code, stdout and stderr."""
    code = call(*args)
    out, err = capsys.readouterr()
    return code, out, err
