"""Batch builds: many inputs, parallel, collisions, incremental skips, --check, shards, interruption, hooks."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, ROOT, call, call_captured
from vsp_cli.batch import UsageError, parse_shard, shard_slice
from vsp_cli.build import RECORD_NAME, Fingerprinter, Job, RecordKeys, fingerprint
from vsp_cli.settings import RenderSettings

SEED = (EXAMPLES / "VI-A-03824-VSP-01.yaml").read_text(encoding="utf-8")


def vsp(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vsp_cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def render_process(source: Path, out: Path, *options: str, **popen: Any) -> subprocess.Popen[str]:
    """`vsp render SOURCE -o OUT …` started in the background, its messages readable from `stderr`."""
    command = [sys.executable, "-m", "vsp_cli", "render", str(source), "-o", str(out), *options]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **popen)


def make_statements(folder: Path, count: int, broken: tuple[int, ...] = ()) -> list[Path]:
    """`count` statements of the seed's size; the ones numbered in `broken` carry an unknown key on line 6."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        text = SEED.replace("VI-A-03824-VSP-01", f"VI-A-{10000 + i:05d}-VSP-01")
        if i in broken:
            text = text.replace("status: oeffentlich", "status: oeffentlich\nbetref: kaputt", 1)
        path = folder / f"vsp-{i:03d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def test_fifty_statements_three_broken(tmp_path: Path) -> None:
    make_statements(tmp_path / "in", 50, broken=(7, 23, 41))
    result = vsp("render", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "2")
    assert result.returncode == 1
    written = outputs(tmp_path / "out")
    good = [f"vsp-{i:03d}" for i in range(50) if i not in (7, 23, 41)]
    assert sorted(written) == sorted([f"{s}.pdf" for s in good] + [f"{s}.md" for s in good])
    assert all(data.startswith(b"%PDF") for name, data in written.items() if name.endswith(".pdf"))
    for i in (7, 23, 41):
        assert f"vsp-{i:03d}.yaml:" in result.stdout
    broken_lines = [line for line in result.stdout.splitlines() if "[unknown-key]" in line]
    assert len(broken_lines) == 3
    for line in broken_lines:
        assert ":6:1: fehler: Unbekannter Schlüssel „betref“" in line
    assert "50 Dateien verarbeitet, 47 gerendert, 0 unverändert, 3 fehlerhaft" in result.stderr
    assert "\r" not in result.stderr  # no progress bar when piped


def test_parallel_and_serial_outputs_are_identical(tmp_path: Path) -> None:
    make_statements(tmp_path / "in", 12)
    assert call("render", str(tmp_path / "in"), "-o", str(tmp_path / "a"), "-j", "1") == 0
    assert call("render", str(tmp_path / "in"), "-o", str(tmp_path / "b"), "-j", "2") == 0
    a, b = outputs(tmp_path / "a"), outputs(tmp_path / "b")
    assert len(a) == 24
    assert a == b


def test_output_collision_is_an_error_naming_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_statements(tmp_path / "a", 1)
    make_statements(tmp_path / "b", 1)
    code = call("render", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(tmp_path / "out"))
    out = capsys.readouterr().out
    assert code == 1
    assert "[output-collision]" in out
    assert str(tmp_path / "a" / "vsp-000.yaml") in out and str(tmp_path / "b" / "vsp-000.yaml") in out
    assert not (tmp_path / "out").exists()
    for shard in ("1/2", "2/2"):  # each shard holds one of the two, and would overwrite the other's output
        assert (
            call(
                "render",
                str(tmp_path / "a"),
                str(tmp_path / "b"),
                "-o",
                str(tmp_path / "out"),
                "--shard",
                shard,
            )
            == 1
        )
        assert "[output-collision]" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_outputs_differing_only_in_case_or_umlaut_spelling_collide(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On Windows and macOS, where a repository of statements is also checked out, they would be one file."""
    (tmp_path / "in").mkdir()
    for name in (
        "Antrag.yaml",
        "antrag.yml",
        "Stra\u00dfe.yaml",
        "Strasse.yml",
        "Ma\u0308rz.yaml",
        "M\u00e4rz.yml",
    ):
        (tmp_path / "in" / name).write_text(SEED, encoding="utf-8")
    assert call("render", str(tmp_path / "in"), "-o", str(tmp_path / "out")) == 1
    printed = capsys.readouterr().out
    assert printed.count("[output-collision]") == 4  # Antrag/antrag and März/März, each in pdf and md
    assert "Straße" not in printed and "Strasse" not in printed  # two files on every file system
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("name", "formats"), [("notiz.md", ()), ("scan.pdf", ("-f", "pdf"))])
def test_an_output_never_overwrites_an_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, formats: tuple[str, ...]
) -> None:
    """A statement named like its own output (`vsp render notiz.md`) is refused, and stays as it was."""
    [made] = make_statements(tmp_path, 1)
    source = made.rename(tmp_path / name)
    code = call("render", str(source), *formats)
    out = capsys.readouterr().out
    assert code == 1
    assert "[output-is-input]" in out and str(source) in out
    assert source.read_text(encoding="utf-8") == SEED.replace("VI-A-03824-VSP-01", "VI-A-10000-VSP-01")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_an_output_never_overwrites_an_input_behind_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """in/h.yaml is a link to out/h.md, the only copy of the statement: rendering into out/ would replace it.

    The folder searched holds both (a link to a file outside it is refused unread: test_security.py).
    """
    [made] = make_statements(tmp_path / "out", 1)
    real_file = made.rename(tmp_path / "out" / "h.md")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "h.yaml").symlink_to(real_file)
    code = call("render", str(tmp_path), "-o", str(tmp_path / "out"))
    assert code == 1 and "[output-is-input]" in capsys.readouterr().out
    assert real_file.read_text(encoding="utf-8").startswith(SEED.split("\n", 1)[0])


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if not p.name.startswith(".")}


def test_incremental_skip_and_rerender(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "repo"
    paths = make_statements(src / "standpunkte", 3)
    templates = src / "vorlagen"
    templates.mkdir()
    builtin = (ROOT / "templates" / "statement.md.j2").read_text(encoding="utf-8")
    (templates / "statement.md.j2").write_text(builtin, encoding="utf-8")
    config = src / "vsp.toml"
    config.write_text('output_dir = "out"\ntemplate_dir = "vorlagen"\n', encoding="utf-8")
    out = src / "out"

    assert call("render", str(src / "standpunkte")) == 0
    assert (out / RECORD_NAME).is_file()
    first = _mtimes(out)
    assert len(first) == 6
    capsys.readouterr()

    time.sleep(0.01)
    assert call("render", str(src / "standpunkte")) == 0
    assert "0 gerendert, 3 unverändert" in capsys.readouterr().err
    assert _mtimes(out) == first

    # a changed statement re-renders that statement only
    paths[1].write_text(paths[1].read_text(encoding="utf-8").replace("Betreff", "Betreff"), encoding="utf-8")
    paths[1].write_text(paths[1].read_text(encoding="utf-8") + "datum: 2017-03-08\n", encoding="utf-8")
    assert call("render", str(src / "standpunkte")) == 0
    assert "1 gerendert, 2 unverändert" in capsys.readouterr().err

    # a changed configuration re-renders everything it shapes
    config.write_text(
        'output_dir = "out"\ntemplate_dir = "vorlagen"\nbody = "Stadt Halle"\n', encoding="utf-8"
    )
    assert call("render", str(src / "standpunkte")) == 0
    assert "3 gerendert, 0 unverändert" in capsys.readouterr().err
    assert "Nachteilig für die Stadt Halle" in (out / "vsp-000.md").read_text(encoding="utf-8")

    # a changed template re-renders the Markdown
    (templates / "statement.md.j2").write_text(builtin + "\nVorlage geändert.\n", encoding="utf-8")
    assert call("render", str(src / "standpunkte")) == 0
    assert "3 gerendert, 0 unverändert" in capsys.readouterr().err
    assert "Vorlage geändert." in (out / "vsp-002.md").read_text(encoding="utf-8")

    # an edit that keeps the old modification time, in a folder reached through a link, is used all the same
    # (a link inside the template folder: one leading out of it is refused, test_security.py)
    shared = templates / ".gemeinsam"
    shared.mkdir()
    (shared / "fuss.j2").write_text("Fuß 1\n", encoding="utf-8")
    (templates / "geteilt").symlink_to(shared)
    (templates / "statement.md.j2").write_text(builtin + '{% include "geteilt/fuss.j2" %}', encoding="utf-8")
    assert call("render", str(src / "standpunkte")) == 0
    assert "Fuß 1" in (out / "vsp-002.md").read_text(encoding="utf-8")
    stamp = (shared / "fuss.j2").stat()
    (shared / "fuss.j2").write_text("Fuß 2\n", encoding="utf-8")
    os.utime(shared / "fuss.j2", ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert call("render", str(src / "standpunkte")) == 0
    assert "3 gerendert, 0 unverändert" in capsys.readouterr().err
    assert "Fuß 2" in (out / "vsp-002.md").read_text(encoding="utf-8")

    # an output changed by hand never survives
    (out / "vsp-000.pdf").write_bytes(b"kaputt")
    assert call("render", str(src / "standpunkte")) == 0
    assert (out / "vsp-000.pdf").read_bytes().startswith(b"%PDF")

    # --force renders everything
    assert call("render", "--force", str(src / "standpunkte")) == 0
    assert "3 gerendert, 0 unverändert" in capsys.readouterr().err


def test_check_fresh_stale_and_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_statements(tmp_path / "in", 3)
    out = str(tmp_path / "out")
    assert call("render", str(tmp_path / "in"), "-o", out) == 0
    capsys.readouterr()
    before = outputs(tmp_path / "out")
    assert call("render", "--check", str(tmp_path / "in"), "-o", out) == 0
    assert capsys.readouterr().out == ""

    (tmp_path / "out" / "vsp-001.md").write_text("veraltet\n", encoding="utf-8")
    (tmp_path / "out" / "vsp-002.pdf").unlink()
    assert call("render", "--check", str(tmp_path / "in"), "-o", out) == 1
    report = capsys.readouterr().out
    assert "vsp-001.md ist veraltet" in report and "[output-stale]" in report
    assert "vsp-002.pdf fehlt" in report and "[output-missing]" in report
    assert "vsp-000" not in report
    # --check writes nothing
    assert not (tmp_path / "out" / "vsp-002.pdf").exists()
    assert (tmp_path / "out" / "vsp-001.md").read_text(encoding="utf-8") == "veraltet\n"
    assert before["vsp-000.pdf"] == (tmp_path / "out" / "vsp-000.pdf").read_bytes()


def test_shards_cover_every_file_once(tmp_path: Path) -> None:
    files = make_statements(tmp_path, 23)
    slices = [shard_slice(files, (k, 4)) for k in range(1, 5)]
    covered = [p for s in slices for p in s]
    assert sorted(covered) == sorted(files)
    assert len(covered) == len(set(covered))
    assert max(map(len, slices)) - min(map(len, slices)) <= 1
    assert shard_slice(list(reversed(files)), (2, 4)) == slices[1]  # stable whatever the order given


def test_shard_from_gitlab_environment() -> None:
    assert parse_shard(None, {"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"}) == (2, 3)
    assert parse_shard(None, {}) is None
    assert parse_shard("1/1") == (1, 1)
    for bad in ("0/2", "3/2", "x", "1/", "²/3", "1/³", "١/2"):
        with pytest.raises(UsageError):
            parse_shard(bad)
    with pytest.raises(UsageError, match="CI_NODE_INDEX/CI_NODE_TOTAL erwartet"):
        parse_shard(None, {"CI_NODE_INDEX": "²", "CI_NODE_TOTAL": "3"})
    with pytest.raises(UsageError, match="CI_NODE_TOTAL fehlt"):  # was silently no shard: all files, each job
        parse_shard(None, {"CI_NODE_INDEX": "2"})


def test_a_bad_shard_is_quoted_shortened_and_escaped(tmp_path: Path) -> None:
    """CI_NODE_INDEX was repeated whole and raw: a value of 5,000 digits filled the log, an escape sequence
    reached the terminal."""
    make_statements(tmp_path / "in", 1)
    for index, shown in (("\x1b[2J1", "„\\x1b[2J1/2“"), ("1" + "0" * 5000, "„1" + "0" * 59 + "…“")):
        result = vsp("render", str(tmp_path / "in"), env={"CI_NODE_INDEX": index, "CI_NODE_TOTAL": "2"})
        assert result.returncode == 2 and "CI_NODE_INDEX/CI_NODE_TOTAL erwartet" in result.stderr
        assert shown in result.stderr and "\x1b" not in result.stderr and len(result.stderr) < 300, (
            result.stderr
        )


def test_shards_through_the_cli(tmp_path: Path) -> None:
    make_statements(tmp_path / "in", 5)
    for k in (1, 2):
        result = vsp(
            "render",
            str(tmp_path / "in"),
            "-o",
            str(tmp_path / "out"),
            "-f",
            "md",
            env={"CI_NODE_INDEX": str(k), "CI_NODE_TOTAL": "2"},
        )
        assert result.returncode == 0, result.stderr
    assert len(outputs(tmp_path / "out")) == 5
    assert vsp("render", str(tmp_path / "in"), "--shard", "3/2").returncode == 2


def test_a_shard_without_files_is_not_an_error(tmp_path: Path) -> None:
    """A CI matrix may have more jobs than statements; the empty ones succeed and write nothing."""
    make_statements(tmp_path / "in", 2)
    result = vsp("render", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--shard", "3/3")
    assert result.returncode == 0, result.stderr
    assert "0 Dateien verarbeitet" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["render", "validate"])
def test_a_folder_without_statements_is_a_usage_error(tmp_path: Path, command: str) -> None:
    (tmp_path / "leer").mkdir()
    result = vsp(command, str(tmp_path / "leer"))
    assert result.returncode == 2
    assert result.stderr == (
        f"vsp: Fehler im Aufruf: Keine *.yaml- oder *.yml-Dateien gefunden in: {tmp_path / 'leer'}\n"
        f"Hilfe: vsp {command} --help\n"
    )


def test_interrupted_render_leaves_no_partial_file(tmp_path: Path) -> None:
    make_statements(tmp_path / "in", 40)
    out = tmp_path / "out"
    for sig in (signal.SIGTERM, signal.SIGKILL):
        proc = render_process(tmp_path / "in", out, "-j", "1", "--force")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(list(out.glob("*.pdf"))) < 3:
            time.sleep(0.01)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
        if sig == signal.SIGTERM:
            assert proc.returncode == 130 and "vsp: abgebrochen" in err
        for path in out.iterdir():
            if path.name.startswith("."):
                continue
            data = path.read_bytes()
            if path.suffix == ".pdf":
                assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF"), path.name
            else:
                assert data.endswith(b"\n") and data.startswith(b"#"), path.name
        if sig == signal.SIGTERM:
            assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def _cpu_ticks(pid: str) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11])


@pytest.mark.parametrize("command", ["validate", "render"])
def test_an_interrupt_swallowed_as_a_files_error_still_ends_the_run(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGTERM once ended a render with „39 gerendert, 1 fehlerhaft“, exit 1: the KeyboardInterrupt had become
    one file's error on the way. An interrupt noted as it arrived stops the run at the next file, exit 130."""
    from vsp_cli import interrupts, validation

    checked: list[Path] = []
    real_check = validation.check_file

    def check_and_swallow_an_interrupt(path: Path, *args: object, **kwargs: object) -> object:
        checked.append(path)
        monkeypatch.setattr(interrupts, "_interrupted", True)  # as `interrupts._interrupt` notes it
        return real_check(path, *args, **kwargs)  # type: ignore[arg-type]

    make_statements(tmp_path / "in", 5)
    monkeypatch.setattr(validation, "check_file", check_and_swallow_an_interrupt)
    jobs = ["-j", "1"] if command == "render" else []
    code, _, err = call_captured(capsys, command, str(tmp_path / "in"), *jobs)
    assert (code, err) == (130, "vsp: abgebrochen\n") and len(checked) == 1


def test_workers_lost_to_an_interrupt_are_an_interruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl+C reaches the workers too: when the pool breaks because they ended first, the run was interrupted
    (exit 130), no worker was lost."""
    from vsp_cli import batch, interrupts
    from vsp_cli.build import WorkerLost

    def interrupted_run(*args: object, **kwargs: object) -> None:
        monkeypatch.setattr(interrupts, "_interrupted", True)
        raise WorkerLost

    make_statements(tmp_path / "in", 2)
    monkeypatch.setattr(batch, "run", interrupted_run)
    code, _, err = call_captured(capsys, "render", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert (code, err) == (130, "vsp: abgebrochen\n")
    monkeypatch.setattr(batch, "run", lambda *args, **kwargs: (_ for _ in ()).throw(WorkerLost()))
    code, _, err = call_captured(capsys, "render", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert code == 1 and "Arbeitsprozess wurde unerwartet beendet" in err


def test_watch_reports_a_lost_worker_and_goes_on_and_ends_quietly_when_ctrl_c_took_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker killed during a build of `--watch` (out of memory) was an internal error, exit code 123; one
    that Ctrl+C ended before the main process noticed it ended the watch with „abgebrochen“ and 130, where
    Ctrl+C between builds ends it quietly."""
    import watchfiles

    from vsp_cli import batch, interrupts
    from vsp_cli.build import WorkerLost

    make_statements(tmp_path / "in", 2)
    changed = {(watchfiles.Change.modified, str(tmp_path / "in" / "vsp-000.yaml"))}
    monkeypatch.setattr(watchfiles, "watch", lambda *args, **kwargs: iter([set(), changed]))
    builds: list[int] = []

    def lost(*args: object, **kwargs: object) -> None:
        builds.append(1)
        raise WorkerLost

    monkeypatch.setattr(batch, "run", lost)
    code, _, err = call_captured(
        capsys, "render", "--watch", str(tmp_path / "in"), "-o", str(tmp_path / "out")
    )
    assert (code, len(builds)) == (0, 2), err
    assert err.count("Arbeitsprozess wurde unerwartet beendet") == 2 and "interner Fehler" not in err

    def interrupted_run(*args: object, **kwargs: object) -> None:
        builds.append(1)
        monkeypatch.setattr(interrupts, "_interrupted", True)
        raise WorkerLost

    builds.clear()
    monkeypatch.setattr(batch, "run", interrupted_run)
    code, _, err = call_captured(
        capsys, "render", "--watch", str(tmp_path / "in"), "-o", str(tmp_path / "out")
    )
    assert (code, len(builds)) == (0, 1), err
    assert "abgebrochen" not in err and "Arbeitsprozess" not in err


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the workers through /proc")
@pytest.mark.parametrize("victim", ["idle", "busy"])
def test_a_worker_killed_from_outside_is_reported_without_hanging_or_a_traceback(
    tmp_path: Path, victim: str
) -> None:
    """When a worker dies, the pool ends the others with SIGTERM. They had the main process's handler, which
    raises KeyboardInterrupt: an idle worker printed its traceback, and a busy one, interrupted while it held a
    lock of the pool, hung the run for ever."""
    (tmp_path / "in").mkdir()
    marked = "\n\n".join(["*a* " + "y " * 24_000] * 5)  # a few seconds to set (a paragraph with markup)
    slow = SEED.replace("begruendung: |\n", f"begruendung: {json.dumps(marked)}\nsachverhalt: |\n", 1)
    (tmp_path / "in" / "a.yaml").write_text(slow, encoding="utf-8")
    (tmp_path / "in" / "b.yaml").write_text(SEED.replace("VI-A-03824", "VI-A-03825"), encoding="utf-8")
    proc = render_process(tmp_path / "in", tmp_path / "out", "-j", "2", "--force")
    workers: list[str] = []
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        # a generous deadline: on a machine busy with other work the run may take a while to start its workers
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:  # one worker sets the long statement
            workers = children.read_text().split() if children.exists() else []
            if len(workers) == 2 and abs(_cpu_ticks(workers[0]) - _cpu_ticks(workers[1])) > 50:
                break
            time.sleep(0.05)
        assert proc.poll() is None and len(workers) == 2, (
            f"no busy and idle worker seen: {workers}, {proc.poll()}"
        )
        busy, idle = sorted(workers, key=_cpu_ticks, reverse=True)
        os.kill(int(busy if victim == "busy" else idle), signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
    finally:  # a hung run is not left behind
        for pid in [proc.pid, *workers]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
    assert proc.returncode == 1 and "Arbeitsprozess wurde unerwartet beendet" in err, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert not [p.name for p in (tmp_path / "out").glob(".*.tmp")]


def test_pre_commit_hooks_point_at_real_commands() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"vsp-validate", "vsp-render-check"}
    scripts = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'vsp = "vsp_cli.entry:main"' in scripts
    for hook in hooks:
        program, *args = hook["entry"].split()
        assert program == "vsp"
        assert call(*args, "--help") == 0
        assert hook["language"] == "python"
    [check] = [h for h in hooks if h["id"] == "vsp-render-check"]
    # the whole folder, whenever anything that shapes an output changes (not only the statements passed)
    assert check["pass_filenames"] is False and check["args"]
    for changed in ("standpunkte/a.yaml", "vsp.toml", "vorlagen/statement.md.j2", "out/a.pdf", "logo.png"):
        assert re.search(check["files"], changed), changed


def test_render_github_annotations_and_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_statements(tmp_path / "in", 2, broken=(1,))
    code = call(
        "render", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-f", "md", "--format", "github", "-q"
    )
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out.startswith(f"::error file={tmp_path / 'in' / 'vsp-001.yaml'},line=6,col=1,")
    assert "gerendert" in captured.err  # the summary is kept when something failed
    code = call(
        "render", str(tmp_path / "in" / "vsp-000.yaml"), "-o", str(tmp_path / "out"), "-f", "md", "-q"
    )
    captured = capsys.readouterr()
    assert code == 0 and captured.out == "" and captured.err == ""


def _wait_for(predicate: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@contextlib.contextmanager
def watching(folder: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`vsp render --watch FOLDER -f md` in the background, its output in `log`; ended when the block ends."""
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "vsp_cli", "render", "--watch", str(folder), "-f", "md"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            yield proc
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_watch_rerenders_on_change_and_survives_errors(tmp_path: Path) -> None:
    [source] = make_statements(tmp_path / "in", 1)
    output = tmp_path / "in" / "vsp-000.md"
    log = tmp_path / "log.txt"
    with watching(tmp_path / "in", log) as proc:
        assert _wait_for(output.exists)
        assert _wait_for(lambda: "Warte auf Änderungen" in log.read_text(encoding="utf-8"))
        source.write_text(SEED.replace("Werkstattgespräche", "Zukunftswerkstätten"), encoding="utf-8")
        assert _wait_for(lambda: "Zukunftswerkstätten" in output.read_text(encoding="utf-8"))
        source.write_text(SEED.replace("status: oeffentlich", "status: geheim"), encoding="utf-8")
        assert _wait_for(lambda: "[invalid-choice]" in log.read_text(encoding="utf-8"))
        assert proc.poll() is None  # still watching after an invalid file
        source.write_text(SEED.replace("Werkstattgespräche", "Bürgerwerkstätten"), encoding="utf-8")
        assert _wait_for(lambda: "Bürgerwerkstätten" in output.read_text(encoding="utf-8"))
    assert "Traceback (most recent call last)" not in log.read_text(encoding="utf-8")


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    import pty

    make_statements(tmp_path / "in", 3)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["TERM"] = "xterm"
    main_fd, child_fd = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "vsp_cli", "render", str(tmp_path / "in"), "-f", "md"],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        env=env,
    )
    os.close(child_fd)
    chunks = []
    while True:
        try:
            data = os.read(main_fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(main_fd)
    screen = b"".join(chunks).decode("utf-8", errors="replace")
    assert "3/3" in screen and "\r" in screen
    # the same run in CI (or piped) shows no progress bar
    piped = vsp("render", str(tmp_path / "in"), "-f", "md", "--force", env={"CI": "true"})
    assert "3/3" not in piped.stderr and "\r" not in piped.stderr


def test_unwritable_output_is_reported_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_statements(tmp_path / "in", 1)
    blocker = tmp_path / "out"
    blocker.write_text("eine Datei, kein Ordner", encoding="utf-8")
    (tmp_path / "vsp.toml").write_text('output_dir = "out/sub"\n', encoding="utf-8")
    code = call("render", str(tmp_path / "in"), "-f", "md")
    out = capsys.readouterr().out
    assert code == 1
    assert "[output-unwritable]" in out and "kann nicht geschrieben werden" in out


def test_a_statement_whose_markdown_cannot_be_written_leaves_no_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both outputs are written to temporary files before either is renamed: all or none are replaced."""
    make_statements(tmp_path / "in", 1)
    out = tmp_path / "out"
    (out / "vsp-000.md").mkdir(parents=True)  # a folder where the Markdown should go
    code = call("render", str(tmp_path / "in"), "-o", str(out))
    printed = capsys.readouterr().out
    assert code == 1
    assert (
        f"{out / 'vsp-000.md'} kann nicht geschrieben werden: ist ein Ordner [output-unwritable]" in printed
    )
    assert sorted(p.name for p in out.iterdir()) == ["vsp-000.md"]  # no PDF, no record, no temporary file


def test_fingerprint_follows_each_jobs_own_settings_within_one_run(tmp_path: Path) -> None:
    """The settings part of a fingerprint is computed once per settings object, never shared by mistake."""
    fingerprinter = Fingerprinter()
    source = tmp_path / "a.yaml"
    plain, with_footer = RenderSettings(), RenderSettings(footer="Stadt Leipzig – Entwurf")
    jobs = [Job(source, {"pdf": tmp_path / "a.pdf"}, settings) for settings in (plain, with_footer, plain)]

    def fp(job: Job, fmt: str = "pdf", digest: str = "digest") -> str:
        return fingerprint(fingerprinter.context(job, fmt), digest)

    first, second, third = (fp(job) for job in jobs)
    assert first != second and first == third
    equal_settings = RenderSettings()  # a new object with the same values
    assert fp(Job(source, {}, equal_settings)) == first
    assert fp(jobs[0], "md") != first
    assert fp(jobs[0], digest="other digest") != first
    assert fp(Job(source, {}, plain, strict=True)) != first


def test_record_keys_resolve_the_folder_not_the_file(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    keys = RecordKeys()
    assert keys(tmp_path / "link" / "a.pdf") == str(real.resolve() / "a.pdf")
    assert keys(tmp_path / "link" / ".." / "real" / "b.md") == str(real.resolve() / "b.md")


def test_an_up_to_date_rerun_loads_neither_parser_nor_renderers(tmp_path: Path) -> None:
    make_statements(tmp_path / "in", 2)
    out = tmp_path / "out"
    assert vsp("render", str(tmp_path / "in"), "-o", str(out), "-j", "1").returncode == 0
    code = (
        "import sys\n"
        "from vsp_cli.cli import main\n"
        "try:\n"
        f"    main(['render', {str(tmp_path / 'in')!r}, '-o', {str(out)!r}, '-j', '1'])\n"
        "except SystemExit as exc:\n"
        "    print(exc.code)\n"
        "loaded = ('yaml', 'vsp_cli.validation', 'vsp_cli.pdf', 'vsp_cli.markdown', 'reportlab', 'jinja2')\n"
        "print([m for m in loaded if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "2 unverändert" in result.stderr
    assert result.stdout.split() == ["0", "[]"]


def test_a_statement_that_cannot_be_set_is_reported_at_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab.platypus import Spacer

    from vsp_cli import pdf

    monkeypatch.setitem(pdf.form.RENDERERS, "empfehlung", lambda b, block: b.out.append(Spacer(10, 5000)))
    [source] = make_statements(tmp_path / "in", 1)
    code = call("render", str(source), "-o", str(tmp_path / "out"), "-j", "1")
    out = capsys.readouterr().out
    assert code == 1
    assert f"{source}:1:1: fehler: Der Standpunkt lässt sich nicht setzen" in out and "[layout]" in out
    assert not (tmp_path / "out").exists() or outputs(tmp_path / "out") == {}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_among_the_inputs_is_reported_and_the_rest_rendered(tmp_path: Path) -> None:
    make_statements(tmp_path / "in", 2)
    os.mkfifo(tmp_path / "in" / "pipe.yaml")
    result = subprocess.run(
        [sys.executable, "-m", "vsp_cli", "render", str(tmp_path / "in"), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert (
        "pipe.yaml:1:1: fehler: Die Datei kann nicht gelesen werden: keine gewöhnliche Datei" in result.stdout
    )
    assert sorted(outputs(tmp_path / "out")) == ["vsp-000.md", "vsp-000.pdf", "vsp-001.md", "vsp-001.pdf"]


def test_the_resolver_agrees_with_path_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vsp_cli.inputs import Resolver

    real = tmp_path / "echt"
    (real / "unter").mkdir(parents=True)
    (real / "a.yaml").write_text("a", encoding="utf-8")
    (real / "unter" / "b.yaml").write_text("b", encoding="utf-8")
    (tmp_path / "verknuepft").symlink_to(real, target_is_directory=True)
    (tmp_path / "datei.yaml").symlink_to(real / "unter" / "b.yaml")
    monkeypatch.chdir(real / "unter")
    paths = [
        real / "a.yaml",
        tmp_path / "verknuepft" / "a.yaml",
        tmp_path / "verknuepft" / "unter" / ".." / "a.yaml",
        tmp_path / "datei.yaml",  # a link to a file in another folder: followed, like resolve()
        Path("b.yaml"),
        Path("../a.yaml"),
        Path("fehlt.yaml"),
    ]
    resolve = Resolver()
    assert [resolve(p) for p in paths] == [p.resolve() for p in paths]
    assert resolve(Path("b.yaml")) == real / "unter" / "b.yaml"


def test_workers_start_as_soon_as_two_jobs_have_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vsp_cli import build

    sources = make_statements(tmp_path / "in", 3)
    jobs = [Job(s, build.output_paths(s, tmp_path / "out", ("md",))) for s in sources]
    started: list[int] = []
    real_pool = build.pool.ProcessPoolExecutor

    def pool(max_workers: int, initializer: Callable[[], None]) -> Any:
        started.append(max_workers)
        return real_pool(max_workers=max_workers, initializer=initializer)

    monkeypatch.setattr(build.pool, "ProcessPoolExecutor", pool)
    assert {o.status.value for o in build.run(jobs, workers=2)} == {"rendered"}
    assert started == [2]
    assert {o.status.value for o in build.run(jobs, workers=2)} == {"unchanged"}
    assert started == [2]  # nothing to do: no worker started
    sources[1].write_text(sources[1].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert [o.status.value for o in build.run(jobs, workers=2)] == ["unchanged", "rendered", "unchanged"]
    assert started == [2]  # one file changed (as in --watch): rendered here, without starting workers
    for source in sources[1:]:
        source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert [o.status.value for o in build.run(jobs, workers=2)] == ["unchanged", "rendered", "rendered"]
    assert started == [2, 2]


def test_a_huge_file_among_the_inputs_is_refused_without_being_read(tmp_path: Path) -> None:
    """Fingerprinting reads a statement only as far as the parser would: a stray 300 MB file costs no memory."""
    import tracemalloc

    from vsp_cli import build
    from vsp_cli.limits import MAX_BYTES

    [good] = make_statements(tmp_path / "in", 1)
    huge = tmp_path / "in" / "riesig.yaml"
    with huge.open("wb") as fh:
        fh.truncate(300 * MAX_BYTES)  # sparse: takes no room on the disk
    jobs = [Job(s, build.output_paths(s, tmp_path / "out", ("md",))) for s in (good, huge)]
    tracemalloc.start()
    try:
        outcomes = build.run(jobs, workers=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [o.status.value for o in outcomes] == ["rendered", "invalid"]
    assert outcomes[1].diagnostics[0].code == "file-too-large"
    assert peak < 20 * MAX_BYTES


def test_a_statement_saved_during_the_build_is_recorded_as_rendered(tmp_path: Path) -> None:
    """The record holds the fingerprint of the bytes rendered, not of those read when the build was planned.

    Otherwise a file saved between planning and rendering (an editor during --watch) and then changed back
    would find its record matching and keep the output of the other text.
    """
    from vsp_cli import build

    [source] = make_statements(tmp_path / "in", 1)
    first = source.read_text(encoding="utf-8")
    second = first.replace("VI-A-10000-VSP-01", "VI-A-10000-VSP-02")
    job = Job(source, build.output_paths(source, tmp_path / "out", ("md",)))
    task = build.prepare(job, {}, build.Fingerprinter(), build.RecordKeys(), force=False, check=False)
    source.write_text(second, encoding="utf-8")  # saved after planning, before rendering
    outcome = build.process(task)
    entries = build.Entries(build.record_key())
    for path, entry in outcome.record.items():
        entries.add(path, entry)
    build.save_records(entries)
    assert "VI-A-10000-VSP-02" in job.outputs["md"].read_text(encoding="utf-8")
    source.write_text(first, encoding="utf-8")  # and changed back
    [again] = build.run([job])
    assert again.status.value == "rendered"
    assert "VI-A-10000-VSP-01" in job.outputs["md"].read_text(encoding="utf-8")


def test_a_fresh_build_reads_each_statement_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Planning reads a statement only when a record could make its outputs up to date."""
    from vsp_cli import build

    sources = make_statements(tmp_path / "in", 2)
    jobs = [Job(s, build.output_paths(s, tmp_path / "out", ("md",))) for s in sources]
    hashed: list[Path] = []
    real_hash = build.fingerprints.hash_file

    def counting(path: Path, limit: int = -1, **how: bool) -> str:
        hashed.append(path)
        return real_hash(path, limit, **how)

    monkeypatch.setattr(build.fingerprints, "hash_file", counting)
    ours = {*sources, *(job.outputs["md"] for job in jobs)}  # templates are hashed too, once a run
    assert {o.status.value for o in build.run(jobs)} == {"rendered"}
    assert [p for p in hashed if p in ours] == []
    assert {o.status.value for o in build.run(jobs)} == {"unchanged"}
    assert [p for p in hashed if p in ours] == [
        sources[0],
        jobs[0].outputs["md"],
        sources[1],
        jobs[1].outputs["md"],
    ]


def test_the_record_forgets_outputs_that_are_gone(tmp_path: Path) -> None:
    """Entries of deleted outputs are dropped when the record is saved; those still on disk are kept."""
    import json

    from vsp_cli import build

    sources = make_statements(tmp_path / "in", 3)
    out = tmp_path / "out"
    jobs = [Job(s, build.output_paths(s, out, ("md",))) for s in sources]
    build.run(jobs)
    assert sorted(json.loads((out / RECORD_NAME).read_text(encoding="utf-8"))) == [
        "vsp-000.md", "vsp-001.md", "vsp-002.md",
    ]  # fmt: skip
    (out / "vsp-001.md").unlink()
    build.run(jobs[:1], force=True)
    assert sorted(json.loads((out / RECORD_NAME).read_text(encoding="utf-8"))) == ["vsp-000.md", "vsp-002.md"]


@pytest.mark.parametrize("command", ["validate", "render"])
def test_a_symlink_loop_is_an_unreadable_file_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Path.resolve() raises RuntimeError on a link loop in Python 3.11; the loop is reported as the file's error."""
    make_statements(tmp_path / "in", 1)
    (tmp_path / "in" / "schleife.yaml").symlink_to("schleife.yaml")
    code = (
        call(command, str(tmp_path / "in"), "-o", str(tmp_path / "out"))
        if command == "render"
        else call(command, str(tmp_path / "in"))
    )
    out = capsys.readouterr().out
    assert code == 1
    assert f"{tmp_path / 'in' / 'schleife.yaml'}:1:1: fehler:" in out and "[unreadable]" in out
    if command == "render":
        assert sorted(outputs(tmp_path / "out")) == ["vsp-000.md", "vsp-000.pdf"]


def test_outputs_of_a_renamed_statement_fail_check_and_are_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A renamed or deleted statement leaves no output behind that `--check` would call fresh."""
    monkeypatch.chdir(tmp_path)
    paths = make_statements(tmp_path / "s", 3)
    assert call("render", "s", "-o", "out") == 0
    paths[0].rename(tmp_path / "s" / "neu.yaml")
    paths[1].unlink()
    capsys.readouterr()
    assert call("render", "s", "-o", "out", "--check") == 1
    printed = capsys.readouterr().out
    for gone in ("vsp-000", "vsp-001"):
        for fmt in ("pdf", "md"):
            assert f"out/{gone}.{fmt} gehört zu keinem Standpunkt mehr" in printed
    (tmp_path / "out" / "vsp-001.md").write_text("von Hand ergänzt", encoding="utf-8")
    assert call("render", "s", "-o", "out", "--check") == 1
    assert "out/vsp-001.md gehört zu keinem Standpunkt mehr (s/vsp-001.yaml fehlt); von Hand geändert" in (
        capsys.readouterr().out
    )
    assert call("render", "s", "-o", "out") == 0
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert left == [".vsp-build.json", "neu.md", "neu.pdf", "vsp-001.md", "vsp-002.md", "vsp-002.pdf"]
    assert "von Hand geändert" in capsys.readouterr().out  # an edited one is left, with a warning
    (tmp_path / "out" / "vsp-001.md").unlink()
    assert call("render", "s", "-o", "out", "--check") == 0


def test_a_run_keeps_no_rejected_text_once_reported(tmp_path: Path) -> None:
    """Memory stays flat over many rejected files: each text is handed to the report, then dropped."""
    from vsp_cli import build

    [good, bad] = make_statements(tmp_path / "in", 2, broken=(1,))
    jobs = [Job(s, build.output_paths(s, tmp_path / "out", ("md",))) for s in (good, bad)]
    seen: list[str | None] = []
    outcomes = build.run(jobs, on_outcome=lambda o: seen.append(o.source_text))
    assert [o.status.value for o in outcomes] == ["rendered", "invalid"]
    assert seen[1] and outcomes[1].diagnostics and outcomes[1].source_text is None


def test_workers_are_capped_by_jobs_limit_and_open_files(monkeypatch: pytest.MonkeyPatch) -> None:
    import resource

    from vsp_cli import build

    assert build.worker_count(1000, 5000) == build.MAX_WORKERS
    assert build.worker_count(4, 2) == 2
    monkeypatch.setattr(resource, "getrlimit", lambda kind: (64, 64))
    assert build.worker_count(50, 100) == 6  # a pool with too few file handles waited for ever


def _die(task: Any, check: bool = False) -> Any:
    os._exit(9)  # as a worker killed from outside, or by the system for want of memory


def test_a_worker_that_dies_is_a_clear_error_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from vsp_cli import build

    make_statements(tmp_path / "in", 4)
    monkeypatch.setattr(build.work, "process", _die)
    assert call("render", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "2") == 1
    assert "Arbeitsprozess wurde unerwartet beendet" in capsys.readouterr().err


def test_library_versions_are_part_of_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outputs rendered with another ReportLab (pyproject.toml allows a range) are not fresh."""
    from importlib.metadata import version

    from vsp_cli import build

    for module, dist in build.fingerprints._LIBRARIES:
        assert build.fingerprints._installed_version(module, dist) == version(dist)  # the quick way agrees
    [source] = make_statements(tmp_path / "in", 1)
    job = Job(source, build.output_paths(source, tmp_path / "out", ("pdf",)))
    before = build.Fingerprinter().context(job, "pdf")
    monkeypatch.setattr(
        build.fingerprints, "_installed_version", lambda module, dist: "9.9" if dist == "reportlab" else "1"
    )
    build.fingerprints._libraries.cache_clear()
    try:
        assert build.Fingerprinter().context(job, "pdf") != before
    finally:
        build.fingerprints._libraries.cache_clear()


def test_watch_covers_configuration_and_templates_outside_the_inputs(tmp_path: Path) -> None:
    from vsp_cli.batch import BatchOptions
    from vsp_cli.watch import _relevant, _watched

    repo = tmp_path / "repo"
    make_statements(repo / "standpunkte" / "2019", 1)
    (repo / "vorlagen").mkdir()
    (repo / "vsp.toml").write_text('template_dir = "vorlagen"\n', encoding="utf-8")
    watched = _watched(BatchOptions(paths=[str(repo / "standpunkte")]))
    roots, templates = watched.folders, watched.templates
    assert roots == sorted({repo / "standpunkte", repo, repo / "vorlagen"})
    assert templates == (f"{repo / 'vorlagen'}{os.sep}",)
    assert _relevant(str(repo / "vorlagen" / "fuss.txt"), templates)  # included by a template
    assert not _relevant(str(repo / "notizen.txt"), templates)
    assert not _relevant(str(repo / "vorlagen" / ".statement.md.j2.swp"), templates)
    # a glob with a wildcard folder is watched from its fixed part (it ended in exit 123)
    assert _watched(BatchOptions(paths=[str(repo / "standpunkte" / "**" / "*.yaml")])).folders == roots


def test_watch_puts_no_watch_on_folders_a_link_leads_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """watchfiles, watching a folder with all below it, followed every link: a link to / in a statement folder (or
    `template_dir = "/"`) put a watch on every folder of the disk, until the system's watches ran out or a folder
    could not be read (an internal error, exit code 123). Each folder a build searches is watched on its own."""
    from PIL import Image

    from vsp_cli import watch
    from vsp_cli.batch import BatchOptions

    repo = tmp_path / "repo"
    make_statements(repo / "standpunkte" / "2019", 1)
    (repo / "standpunkte" / ".git" / "objects").mkdir(parents=True)
    outside = tmp_path / "draussen"
    for i in range(20):
        (outside / f"o{i}").mkdir(parents=True)
    (repo / "standpunkte" / "link").symlink_to(outside)
    (repo / "bilder").mkdir()
    Image.new("RGB", (30, 10)).save(repo / "bilder" / "logo.png")
    (repo / "vsp.toml").write_text('logo = "bilder/logo.png"\n', encoding="utf-8")
    watched = watch._watched(BatchOptions(paths=[str(repo / "standpunkte")]))
    assert watch._folders(watched) == [
        repo / "bilder",  # the logo's folder first, then the folders the build searches
        repo,
        repo / "standpunkte",
        repo / "standpunkte" / "2019",
    ]
    monkeypatch.setattr(watch, "MAX_WATCHED_FOLDERS", 2)
    assert watch._folders(watched) == [repo / "bilder", repo]


def test_watch_says_when_it_watches_no_more_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Folders beyond MAX_WATCHED_FOLDERS are not watched: a change there went unseen without a word."""
    import watchfiles

    from vsp_cli import watch

    make_statements(tmp_path / "in" / "a", 1)
    make_statements(tmp_path / "in" / "b", 1)
    monkeypatch.setattr(watchfiles, "watch", lambda *args, **kwargs: iter([set()]))
    monkeypatch.setattr(watch, "MAX_WATCHED_FOLDERS", 2)
    code, _, err = call_captured(capsys, "render", "--watch", str(tmp_path / "in"), "-f", "md")
    assert code == 0 and "nur 2 Ordner beobachtet (Grenze MAX_WATCHED_FOLDERS)" in err, err
    monkeypatch.setattr(watch, "MAX_WATCHED_FOLDERS", 4)
    code, _, err = call_captured(capsys, "render", "--watch", str(tmp_path / "in"), "-f", "md")
    assert code == 0 and "MAX_WATCHED_FOLDERS" not in err, err


def test_watch_names_a_few_of_thousands_of_changed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A checkout that changes thousands of files at once made a line naming every one (2 MB for 100,000)."""
    import watchfiles

    from vsp_cli import batch
    from vsp_cli.limits import MAX_LISTED

    make_statements(tmp_path / "in", 1)
    flood = {(watchfiles.Change.added, str(tmp_path / "in" / f"neu-{i:05d}.yaml")) for i in range(5000)}
    monkeypatch.setattr(watchfiles, "watch", lambda *args, **kwargs: iter([set(), flood]))
    monkeypatch.setattr(batch, "run", lambda *args, **kwargs: None)
    code, _, err = call_captured(capsys, "render", "--watch", str(tmp_path / "in"), "-f", "md")
    [line] = [line for line in err.splitlines() if line.startswith("Geändert: ")]
    assert code == 0 and line.endswith("… (5.000 insgesamt)") and line.count(".yaml") == MAX_LISTED, len(line)


def test_watch_watches_a_folder_made_while_it_runs(tmp_path: Path) -> None:
    make_statements(tmp_path / "in", 1)
    log = tmp_path / "log.txt"
    with watching(tmp_path / "in", log):
        assert _wait_for(lambda: "Warte auf Änderungen" in log.read_text(encoding="utf-8"))
        (tmp_path / "in" / "neu" / "tief").mkdir(parents=True)
        time.sleep(1)
        made = tmp_path / "in" / "neu" / "tief" / "neu.yaml"
        made.write_text(SEED.replace("Werkstattgespräche", "Zukunftswerkstätten"), encoding="utf-8")
        output = made.with_suffix(".md")
        assert _wait_for(
            lambda: output.exists() and "Zukunftswerkstätten" in output.read_text(encoding="utf-8")
        )
    assert "Traceback (most recent call last)" not in log.read_text(encoding="utf-8")


def test_a_folder_deeper_than_the_system_takes_is_an_error_not_a_gap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A statement hidden below a path longer than the system's limit was passed over without a word."""
    from vsp_cli.inputs import InputNotFound, collect

    make_statements(tmp_path / "tief", 1)
    monkeypatch.chdir(tmp_path / "tief")
    try:
        for _ in range(700):  # made from within: the whole path is too long for the system to take
            os.mkdir("ordner")
            os.chdir("ordner")
        Path("versteckt.yaml").write_text(SEED, encoding="utf-8")
        with pytest.raises(InputNotFound, match=r"kann nicht gelesen werden \(Name zu lang\)"):
            collect([str(tmp_path / "tief")])
    finally:  # pytest's clean-up cannot remove it either
        os.unlink("versteckt.yaml")
        for _ in range(700):
            os.chdir("..")
            os.rmdir("ordner")


def test_deep_folders_are_searched_and_linked_ones_only_when_named(tmp_path: Path) -> None:
    from vsp_cli.inputs import InputNotFound, collect

    deep = tmp_path / "tief"
    folder = deep
    deep.mkdir()
    for _ in range(1100):  # os.walk's recursion gave up at about a thousand levels
        folder = folder / "u"
        folder.mkdir()
    (folder / "vsp-000.yaml").write_text(SEED, encoding="utf-8")
    try:
        assert [p.name for p in collect([str(deep)])] == ["vsp-000.yaml"]
    finally:  # pytest's clean-up removes folders recursively, and would give up on this one
        (folder / "vsp-000.yaml").unlink()
        while folder != tmp_path:
            folder.rmdir()
            folder = folder.parent

    make_statements(tmp_path / "geteilt", 2)
    make_statements(tmp_path / "oben", 1)
    (tmp_path / "oben" / "verweis").symlink_to(tmp_path / "geteilt")
    (tmp_path / "geteilt" / "zurueck").symlink_to(tmp_path / "oben")  # a loop
    (tmp_path / "oben" / "wurzel").symlink_to("/")  # followed, it would search the whole disk
    assert [p.parent.name for p in collect([str(tmp_path / "oben")])] == [
        "oben"
    ]  # links inside: not followed
    assert [p.name for p in collect([str(tmp_path / "oben" / "verweis")])] == ["vsp-000.yaml", "vsp-001.yaml"]
    with pytest.raises(InputNotFound, match="leerer Pfad"):
        collect([""])  # not the working folder


def test_names_that_are_not_utf8_and_closed_streams_are_no_crash(tmp_path: Path) -> None:
    folder = tmp_path / os.fsdecode(b"ordner\xfe")
    make_statements(folder, 1)
    (folder / "vsp.toml").write_text('body = "Stadt Halle"\n', encoding="utf-8")
    bad = folder / os.fsdecode(b"kaputt\xff.yaml")
    bad.write_text(SEED.replace("VI-A-03824-VSP-01", "X"), encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # strict: a surrogate in a name could not be printed
    result = vsp("render", str(folder), "-o", str(tmp_path / "out"), "--format", "json", env=env)
    assert result.returncode == 1, result.stderr
    [problem] = json.loads(result.stdout)
    assert problem["code"] == "invalid-nummer" and problem["file"].endswith(bad.name)
    assert (tmp_path / "out" / "vsp-000.pdf").is_file()
    closed = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m vsp_cli validate "$0" >&- 2>&-', str(folder)],
        env=env,
        check=False,
    )
    assert closed.returncode == 1


def test_a_damaged_record_is_ignored(tmp_path: Path) -> None:
    make_statements(tmp_path / "in", 1)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / RECORD_NAME).write_text("[" * 100_000, encoding="utf-8")  # too deep for json
    assert call("render", str(tmp_path / "in"), "-o", str(tmp_path / "out")) == 0
    assert (tmp_path / "out" / "vsp-000.pdf").is_file()


def test_a_record_cannot_make_vsp_delete_a_file_outside_its_folder(tmp_path: Path) -> None:
    """The record lies in the output folder, often in git: an entry naming "../README.md" must not count."""
    import hashlib

    make_statements(tmp_path / "in", 1)
    assert call("render", str(tmp_path / "in"), "-o", str(tmp_path / "out")) == 0
    victim = tmp_path / "README.md"
    victim.write_text("Wichtig", encoding="utf-8")
    record = json.loads((tmp_path / "out" / RECORD_NAME).read_text(encoding="utf-8"))
    digest = hashlib.sha256(victim.read_bytes()).hexdigest()
    record["../README.md"] = ["x", digest, "../in/weg.yaml"]
    (tmp_path / "out" / RECORD_NAME).write_text(json.dumps(record), encoding="utf-8")
    assert call("render", str(tmp_path / "in"), "-o", str(tmp_path / "out")) == 0
    assert victim.read_text(encoding="utf-8") == "Wichtig"


def test_outputs_of_another_checkout_in_a_shared_folder_are_no_orphans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A statement recorded outside the folders this run searched may live on: its outputs stay."""
    make_statements(tmp_path / "alice", 1)
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "b.yaml").write_text(SEED, encoding="utf-8")
    assert call("render", str(tmp_path / "alice"), "-o", str(tmp_path / "share")) == 0
    (tmp_path / "alice").rename(tmp_path / "alice-anderswo")  # another machine, a share not mounted
    assert (
        call("render", str(tmp_path / "bob"), "-o", str(tmp_path / "share"), "--check") == 1
    )  # b is missing
    assert "output-orphaned" not in capsys.readouterr().out
    assert call("render", str(tmp_path / "bob"), "-o", str(tmp_path / "share")) == 0
    assert (tmp_path / "share" / "vsp-000.pdf").is_file() and (tmp_path / "share" / "b.pdf").is_file()


def test_a_folder_that_cannot_be_listed_is_an_error_not_a_gap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vsp_cli import fileio
    from vsp_cli.inputs import InputNotFound, collect

    make_statements(tmp_path / "s", 1)
    make_statements(tmp_path / "s" / "gesperrt", 1)
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:  # as without read permission (the tests may run as root, who has it)
        if str(path).endswith("gesperrt"):
            raise PermissionError(13, "Keine Berechtigung", str(path))
        return real_scandir(path)

    monkeypatch.setattr(fileio.os, "scandir", scandir)
    with pytest.raises(InputNotFound, match="gesperrt“ kann nicht gelesen werden"):
        collect([str(tmp_path / "s")])


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no signal masks")
def test_workers_are_forked_with_interrupts_held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C or SIGTERM while the pool forks waits until it has: in between, a new worker had no handler of
    its own yet (a traceback from multiprocessing's start-up) and the main process ran the fork handlers, which
    swallowed its KeyboardInterrupt (the run went on)."""
    from vsp_cli import build

    sources = make_statements(tmp_path / "in", 3)
    jobs = [Job(s, build.output_paths(s, tmp_path / "out", ("md",))) for s in sources]
    held: list[bool] = []
    real_submit = build.pool.ProcessPoolExecutor.submit

    def submit(self: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        held.append({signal.SIGINT, signal.SIGTERM} <= signal.pthread_sigmask(signal.SIG_BLOCK, []))
        return real_submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(build.pool.ProcessPoolExecutor, "submit", submit)
    assert {o.status.value for o in build.run(jobs, workers=2)} == {"rendered"}
    assert held and all(held), held
    assert not {signal.SIGINT, signal.SIGTERM} & signal.pthread_sigmask(signal.SIG_BLOCK, [])  # given back


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no signal masks")
def test_a_worker_takes_the_held_interrupts_once_its_handler_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from vsp_cli.build import pool

    handlers: dict[int, Any] = {}
    monkeypatch.setattr(signal, "signal", lambda signum, handler: handlers.__setitem__(signum, handler))
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        pool._warm_up()
        now = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    assert handlers == {signal.SIGINT: pool._quit, signal.SIGTERM: pool._quit}
    assert not {signal.SIGINT, signal.SIGTERM} & now


def test_ctrl_c_while_workers_start_prints_one_line(tmp_path: Path) -> None:
    """Ctrl+C reaches every process of the group: the workers end quietly, the main process reports it."""
    make_statements(tmp_path / "in", 200)
    for delay in (0.3, 0.6, 0.9, 1.5):  # the workers import the renderers in the first second, then write
        proc = render_process(tmp_path / "in", tmp_path / "out", "-j", "2", start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err and "Error" not in err, err
        # 130, or ended by the signal itself once Python's exit saw it; or done before it came
        assert proc.returncode in (130, -signal.SIGINT) or "gerendert" in err, (proc.returncode, err)
        out = tmp_path / "out"
        assert not [p for p in out.iterdir() if p.name.endswith(".tmp")] if out.exists() else True


def test_ctrl_c_while_python_still_imports_vsp_prints_one_line() -> None:
    """Ctrl+C in the first part of a second, while the command line is being imported (typer, pydantic), ended
    with a traceback of the import machinery; it is interrupted here exactly there, at the import of typer."""
    code = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "from vsp_cli.entry import main\n"
        "main(['--version'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stderr) == (130, "vsp: abgebrochen\n")
    started = subprocess.run(
        [sys.executable, "-m", "vsp_cli", "--version"], capture_output=True, text=True, check=False
    )
    assert started.returncode == 0 and started.stdout.strip()  # the same entry runs the command line


# --- issue #18: warnings kept with the record, the summary, memory --------------------------------------------

#: A statement with one warning (an unknown Zuständigkeit).
WARNED = SEED.replace("zustaendigkeit: Vorberatung", "zustaendigkeit: Vorbereitung", 1)


def test_a_warning_is_shown_again_when_the_output_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unchanged re-render said „alles in Ordnung“ although `validate` still reported the warning."""
    assert WARNED != SEED
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.yaml").write_text(WARNED, encoding="utf-8")
    first = (call("render", str(tmp_path / "in"), "-f", "md"), capsys.readouterr())
    again = (call("render", str(tmp_path / "in"), "-f", "md"), capsys.readouterr())
    assert first[0] == again[0] == 0
    assert "1 gerendert" in first[1].err and "0 gerendert, 1 unverändert" in again[1].err
    assert "(1 Warnung)" in again[1].err and "alles in Ordnung" not in again[1].err
    assert again[1].out == first[1].out and "[unknown-zustaendigkeit]" in again[1].out
    assert call("render", str(tmp_path / "in"), "-f", "md", "--strict") == 1  # and --strict still fails


def test_watch_shows_the_warnings_of_unchanged_statements_after_a_fix(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.yaml").write_text(WARNED, encoding="utf-8")
    other = tmp_path / "in" / "b.yaml"
    other.write_text(SEED.replace("status: oeffentlich", "status: geheim"), encoding="utf-8")
    log = tmp_path / "log.txt"
    with watching(tmp_path / "in", log):
        assert _wait_for(lambda: "Warte auf Änderungen" in log.read_text(encoding="utf-8"))
        other.write_text(SEED, encoding="utf-8")  # the error fixed; a.yaml is unchanged
        assert _wait_for(lambda: (tmp_path / "in" / "b.md").exists())
        assert _wait_for(lambda: log.read_text(encoding="utf-8").count("[unknown-zustaendigkeit]") == 2)


def test_the_summary_says_where_the_outputs_went(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make_statements(tmp_path / "s", 2)
    assert call("render", "s", "-o", "build") == 0
    assert capsys.readouterr().err.rstrip().endswith("; Ausgaben in build/")
    assert call("render", "s", "-f", "md") == 0
    assert "; Ausgaben in s/" in capsys.readouterr().err
    assert call("render", "s", "-o", "build", "--check") == 0
    assert "Ausgaben in" not in capsys.readouterr().err


def test_the_summary_after_a_name_collision_says_that_nothing_was_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_statements(tmp_path / "a", 3)
    make_statements(tmp_path / "b", 1)
    code = call("render", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == 1
    assert "nichts geschrieben" in err
    assert not (tmp_path / "out").exists()


def _rendered(task: Any, check: bool = False) -> Any:
    """A worker's outcome, without rendering: the record entries of the task's outputs."""
    from vsp_cli import build

    record = {key: build.RecordEntry("f" * 64, "d" * 64, 1000, "../in/x.yaml") for key in task.keys.values()}
    return build.Outcome(task.job, build.OutcomeStatus.RENDERED, record=record)


def test_the_main_process_keeps_nothing_per_statement_once_it_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch's main process grew by some 7 KB per statement (issue #18): outcomes came back from the workers
    with their jobs' settings and were all kept. Measured with workers that render nothing: what the main
    process holds for each statement is its record entries, as text (it was 5 KB in this measurement)."""
    import tracemalloc

    from vsp_cli import build

    monkeypatch.setattr(build.work, "process", _rendered)
    monkeypatch.setattr(
        build.pool, "_warm_up", tracemalloc.stop
    )  # the workers load no renderer, trace nothing
    peaks = []
    for count in (150, 750):
        sources = [tmp_path / f"in{count}" / f"vsp-{i:05d}.yaml" for i in range(count)]
        jobs = [Job(s, build.output_paths(s, tmp_path / f"out{count}", ("pdf", "md"))) for s in sources]
        (tmp_path / f"out{count}").mkdir()
        tracemalloc.start()
        try:
            build.run(jobs, workers=2, keep=False, on_outcome=lambda outcome: None)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    per_statement = (peaks[1] - peaks[0]) / 600
    assert per_statement < 1200, per_statement  # two entries of some 400 bytes each


def test_a_changed_form_file_renders_its_statements_again(tmp_path: Path) -> None:
    """A form file shapes the output like the configuration does: its bytes are part of the fingerprint (the
    build record lists the files, relative to the output folder), and editing it renders again; --watch sees
    it change (a .toml in a watched folder)."""
    from vsp_cli.watch import _relevant

    folder = tmp_path / "standpunkte"
    [statement] = make_statements(folder, 1)
    form = folder / "eigenes.toml"
    form.write_text('schema = 1\nname = "Eigenes"\nerbt = "2014"\n', encoding="utf-8")
    statement.write_text("formular: eigenes.toml\n" + statement.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "build"
    assert call("render", str(folder), "-o", str(out), "-q") == 0
    record = json.loads((out / RECORD_NAME).read_text(encoding="utf-8"))
    assert {tuple(entry["forms"]) for entry in record.values()} == {("../standpunkte/eigenes.toml",)}
    before = (out / "vsp-000.md").read_text(encoding="utf-8")
    result = vsp("render", str(folder), "-o", str(out))
    assert "0 gerendert, 1 unverändert" in result.stderr  # nothing changed: nothing rendered
    form.write_text(
        form.read_text(encoding="utf-8") + '[bloecke.betreff]\nlabel = "Gegenstand:"\n', encoding="utf-8"
    )
    result = vsp("render", str(folder), "-o", str(out))
    assert "1 gerendert, 0 unverändert" in result.stderr, result.stderr
    after = (out / "vsp-000.md").read_text(encoding="utf-8")
    assert "Gegenstand" in after and "Gegenstand" not in before
    assert _relevant(str(form), ())


def test_two_statements_with_one_number_fail_the_render_at_both_also_when_unchanged(tmp_path: Path) -> None:
    """Issue #18.3 for render as for validate: an error at both statements, on a fresh run and on a re-run
    that renders nothing (the numbers come from the build record then)."""
    folder = tmp_path / "standpunkte"
    first, second = make_statements(folder, 2)
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")  # a copy under a new name
    out = tmp_path / "build"
    for expected in ("2 gerendert", "2 unverändert"):
        result = vsp("render", str(folder), "-o", str(out))
        assert result.returncode == 1, result.stderr
        assert expected in result.stderr
        lines = [line for line in result.stdout.splitlines() if "[duplicate-nummer]" in line]
        assert len(lines) == 2, result.stdout
        assert {line.split(":")[0] for line in lines} == {str(first), str(second)}
        assert all(line.split(":")[1:3] == ["3", "9"] for line in lines), lines  # at the number
    validated = vsp("validate", str(folder))
    assert sorted(line for line in validated.stdout.splitlines() if "[duplicate-nummer]" in line) == sorted(
        lines
    )
    second.write_text(first.read_text(encoding="utf-8").replace("VI-A-10000", "VI-A-10001"), encoding="utf-8")
    assert vsp("render", str(folder), "-o", str(out)).returncode == 0


def test_a_run_may_have_more_than_65535_settings(tmp_path: Path) -> None:
    """A tree of 65,536 folders with a vsp.toml each overflowed the two bytes a job's settings once took (exit
    123)."""
    from dataclasses import replace

    from vsp_cli.batch import PlannedJobs
    from vsp_cli.config import resolve

    base = resolve(None, {"formats": ["md"]})
    jobs = PlannedJobs(strict=False)
    for i in range(70_000):
        jobs.add(tmp_path / f"{i}.yaml", replace(base, output_dir=tmp_path / f"d{i}"))
    assert jobs[-1].outputs == {"md": tmp_path / "d69999" / "69999.md"}


def test_check_counts_orphaned_outputs_apart_from_stale_statements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A renamed statement: one statement lacks its outputs, two outputs are orphans; neither is the other."""
    first, _, _ = make_statements(tmp_path / "in", 3)
    assert call("render", str(tmp_path / "in"), "-o", str(tmp_path / "out")) == 0
    first.rename(first.with_name("umbenannt.yaml"))
    capsys.readouterr()
    assert call("render", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--check") == 1
    err = capsys.readouterr().err
    assert "3 Dateien geprüft, 1 veraltet, 2 Ausgaben verwaist (4 Fehler)" in err
