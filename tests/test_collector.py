"""Renders pause the cyclic garbage collector (`vsp_cli.collector`), which is sound because they make no
reference cycles: what a render leaves to the collector is a few dozen objects, whatever the statement's size."""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CASES, EXAMPLES
from vsp_cli import collector
from vsp_cli.api import check, render
from vsp_cli.settings import RenderSettings


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def _cyclic_garbage(path: Path, fmt: str) -> int:
    """The objects in reference cycles that rendering the statement at `path` leaves behind."""
    statement = check(path).statement
    assert statement is not None
    render(statement, fmt, RenderSettings())  # caches (fonts, patterns, templates) filled before counting
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        render(statement, fmt, RenderSettings())
        return gc.collect()
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize("fmt", ["pdf", "md"])
def test_a_render_leaves_a_few_cycles_whatever_the_size_of_the_statement(tmp_path: Path, fmt: str) -> None:
    """A statement twelve times as long (tables, lists, links, quotes, headings) leaves no more cycles: pausing
    the collector for a render costs no memory that grows with the input."""
    source = CASES / "valid" / "markdown-reich.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for key in ("sachverhalt", "begruendung"):
        data[key] = "\n\n".join([data[key]] * 12)
    longer = tmp_path / "lang.yaml"
    longer.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    small, large = _cyclic_garbage(source, fmt), _cyclic_garbage(longer, fmt)
    assert large == small
    assert large < 100
    for example in sorted(EXAMPLES.glob("*.yaml")):
        assert _cyclic_garbage(example, fmt) < 100


@pytest.mark.parametrize(
    ("fmt", "module", "step"), [("pdf", "vsp_cli.pdf", "layout"), ("md", "vsp_cli.markdown", "context")]
)
def test_the_collector_is_paused_while_rendering_and_runs_again_after(
    monkeypatch: pytest.MonkeyPatch, collector_on: None, fmt: str, module: str, step: str
) -> None:
    """A step inside the render (laying out the form; making the template's context) finds it paused."""
    seen: list[bool] = []
    original = getattr(importlib.import_module(module), step)

    def watched(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return original(*args)

    monkeypatch.setattr(f"{module}.{step}", watched)
    statement = check(EXAMPLES / "VI-A-05521-NF-02-VSP-01.yaml").statement
    assert statement is not None
    render(statement, fmt, RenderSettings())
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_switched_off_stays_off(collector_on: None) -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_overlapping_pauses_end_with_the_last(collector_on: None) -> None:
    """Renders in two threads: the collector runs again when the second one ends, not when the first does."""
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector.paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(10)
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other render still runs
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_a_build_job_checks_and_renders_with_the_collector_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector_on: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """A job of `vsp render` (in a worker, or in the process itself with -j 1) reads and checks the statement
    with the collector paused too, not only the renderers: a build of 1,000 statements spent 7 % of its CPU time
    in the collector."""
    import vsp_cli.validation
    from conftest import call_captured

    seen: list[bool] = []
    original = vsp_cli.validation.check_file

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(vsp_cli.validation, "check_file", watched)
    statement = tmp_path / "a.yaml"
    statement.write_text((EXAMPLES / "VI-A-03824-VSP-01.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = call_captured(
        capsys, "render", str(statement), "-o", str(tmp_path / "out"), "-j", "1", "-f", "md"
    )
    assert code == 0, out
    assert seen == [False]
    assert gc.isenabled()


def test_a_worker_freezes_what_it_loaded_before_its_first_job() -> None:
    """What a worker loads (renderers, fonts, hyphenation patterns) lives as long as it does: out of the
    collector's sight (`gc.freeze`), its full passes do not walk it again."""
    from vsp_cli.build.pool import warm_up

    gc.unfreeze()
    try:
        warm_up()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


_CYCLES = "{% for i in range(20000) %}{% set ns = namespace() %}{% set ns.me = ns %}{% endfor %}ok\n"


def test_a_projects_templates_render_with_the_collector_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector_on: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """A project's templates are the repository's code and may make cycles by the million within their budget
    (a namespace that holds itself); paused, the collector would let them pile up until the render ends. When
    such a template has rendered, the collector has kept up: fewer objects wait for it than one pass takes
    (700), not the 40,000 the template made."""
    import vsp_cli.markdown
    from conftest import call_captured

    waiting: list[int] = []
    original = vsp_cli.markdown.tidy

    def watched(text: str) -> str:  # the template's output, before the render ends
        waiting.append(gc.get_count()[0])
        return original(text)

    monkeypatch.setattr(vsp_cli.markdown, "tidy", watched)
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    (folder / "statement.md.j2").write_text(_CYCLES, encoding="utf-8")
    statement = check(EXAMPLES / "VI-A-03824-VSP-01.yaml").statement
    assert statement is not None
    assert render(statement, "md", RenderSettings(template_dir=folder)) == b"ok\n"
    # the same in a build's job
    (tmp_path / "vsp.toml").write_text('template_dir = "vorlagen"\nformats = ["md"]\n', encoding="utf-8")
    (tmp_path / "a.yaml").write_text(
        (EXAMPLES / "VI-A-03824-VSP-01.yaml").read_text(encoding="utf-8"), "utf-8"
    )
    code, out, _ = call_captured(capsys, "render", str(tmp_path / "a.yaml"), "-j", "1")
    assert code == 0, out
    assert len(waiting) == 2
    assert all(count < 1_000 for count in waiting), waiting
