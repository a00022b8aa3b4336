"""Byte pins: the PDF and Markdown of every example and valid case, as SHA-256, recorded in `pins/pins.json`.

They keep output byte-identical through refactoring (the forms work, issue #16). A change that alters output on
purpose (tagging, hyphenation) re-records them in its own commit and says why:

    VSP_RECORD_PINS=1 python -m pytest tests/test_pins.py

The pins hold the versions of the libraries that shape the bytes; under other versions the test says so rather
than report a difference that vsp did not make.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from conftest import EXAMPLE_FILES, EXAMPLES, VALID_CASES
from vsp_cli import api
from vsp_cli.build.fingerprints import _libraries
from vsp_cli.labels import Labels
from vsp_cli.settings import RenderSettings

PINS = Path(__file__).parent / "pins" / "pins.json"
RECORDING = os.environ.get("VSP_RECORD_PINS") == "1"
PINNED = [*EXAMPLE_FILES, *VALID_CASES]
SEED = EXAMPLES / "VI-A-03824-VSP-01.yaml"
#: Settings of a configuration (v1: labels, body, footer, logo, no hyphenation), each pinned on a statement.
VARIANTS: dict[str, tuple[Path, RenderSettings]] = {
    "konfiguriert": (
        SEED,
        RenderSettings(
            labels=Labels(
                {
                    "ablehnung_verwaltungshandeln": "Sachverhalt bereits berücksichtigt",
                    "betreff": "Gegenstand",
                    "seite": "{seite} von {seiten}",
                    "rk_nachteilig": "Nachteilig für {body}.",
                }
            ),
            body="die Gemeinde Musterstadt",
            footer="Gemeinde Musterstadt · Der Bürgermeister",
            logo=Path(__file__).parent / "pins" / "logo.png",
        ),
    ),
    "ohne-silbentrennung": (SEED, RenderSettings(hyphenate=False)),
    "petition-beschriftet": (
        EXAMPLES / "beispiel-petition.yaml",
        RenderSettings(
            labels=Labels({"erledigt": "Hat sich erledigt", "titel_petition": "VSP Petition {nummer}"})
        ),
    ),
}


def _key(path: Path) -> str:
    return path.relative_to(Path(__file__).parents[1]).as_posix()


def _outputs(path: Path, settings: RenderSettings | None = None) -> dict[str, str]:
    statement = api.load(path)
    return {fmt: hashlib.sha256(api.render(statement, fmt, settings)).hexdigest() for fmt in ("pdf", "md")}


def _all_outputs() -> dict[str, dict[str, str]]:
    found = {_key(p): _outputs(p) for p in PINNED}
    found.update({f"variante:{name}": _outputs(*variant) for name, variant in VARIANTS.items()})
    return found


def _pins() -> dict[str, object]:
    return json.loads(PINS.read_text(encoding="utf-8")) if PINS.is_file() else {}


@pytest.fixture(scope="module")
def recorded() -> dict[str, object]:
    if RECORDING:
        pins = {"libraries": _libraries(), "outputs": _all_outputs()}
        PINS.parent.mkdir(exist_ok=True)
        PINS.write_text(json.dumps(pins, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return _pins()


def test_pins_cover_every_example_and_valid_case(recorded: dict[str, object]) -> None:
    outputs = recorded.get("outputs")
    assert isinstance(outputs, dict), f"{PINS} fehlt: mit VSP_RECORD_PINS=1 aufnehmen"
    assert sorted(outputs) == sorted([*map(_key, PINNED), *(f"variante:{name}" for name in VARIANTS)])


def test_pins_were_made_with_these_libraries(recorded: dict[str, object]) -> None:
    assert recorded.get("libraries") == _libraries(), "andere Bibliotheksversionen: Pins neu aufnehmen"


@pytest.mark.parametrize("path", PINNED, ids=_key)
def test_output_is_byte_identical_to_its_pin(path: Path, recorded: dict[str, object]) -> None:
    outputs = recorded.get("outputs")
    assert isinstance(outputs, dict)
    assert _outputs(path) == outputs.get(_key(path))


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_configured_output_is_byte_identical_to_its_pin(name: str, recorded: dict[str, object]) -> None:
    outputs = recorded.get("outputs")
    assert isinstance(outputs, dict)
    assert _outputs(*VARIANTS[name]) == outputs.get(f"variante:{name}")
