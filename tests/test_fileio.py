"""Atomic writes: the folder is made when missing, permissions are those of any new file, nothing is left over."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from vsp_cli import fileio
from vsp_cli.fileio import write_atomic


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_missing_folders_are_made(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "x.pdf"
    write_atomic(target, b"%PDF")
    assert target.read_bytes() == b"%PDF"
    assert _leftovers(target.parent) == []


def test_permissions_follow_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_atomic(tmp_path / "x.md", b"text")
    finally:
        os.umask(previous)
    assert (tmp_path / "x.md").stat().st_mode & 0o777 == 0o640


def test_a_leftover_temporary_file_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fileio, "_TEMPORARY", itertools.count(7))
    stale = tmp_path / f".x.pdf.{os.getpid()}-7.tmp"  # as a killed process with the same id left it
    stale.write_bytes(b"stale")
    write_atomic(tmp_path / "x.pdf", b"new")
    assert (tmp_path / "x.pdf").read_bytes() == b"new"
    assert stale.read_bytes() == b"stale"


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_an_interruption_right_after_the_file_is_made_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signal (SIGTERM turned into an exception) can arrive between the open and the write."""
    real_open = os.open

    def open_then_interrupted(path: str, flags: int, mode: int = 0o777) -> int:
        os.close(real_open(path, flags, mode))
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "open", open_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "x.pdf", b"%PDF")
    monkeypatch.undo()
    assert _leftovers(tmp_path) == []
    assert not (tmp_path / "x.pdf").exists()


def test_write_all_atomic_replaces_all_or_none(tmp_path: Path) -> None:
    """If one file cannot be written, the others keep their old content and no temporary file is left."""
    from vsp_cli.fileio import write_all_atomic

    first = tmp_path / "a.pdf"
    first.write_bytes(b"alt")
    (tmp_path / "datei").write_bytes(b"")
    blocked = tmp_path / "datei" / "b.md"  # below a file: its temporary file cannot be made
    with pytest.raises(OSError) as info:
        write_all_atomic({first: b"neu", blocked: b"neu"})
    assert info.value.filename == str(blocked)
    assert first.read_bytes() == b"alt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "datei"]
    write_all_atomic({first: b"neu", tmp_path / "b.md": b"neu"})
    assert first.read_bytes() == b"neu" and (tmp_path / "b.md").read_bytes() == b"neu"


def test_read_private_believes_the_permissions_only_where_they_mean_something(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache file anyone may change is passed over; on Windows, where every file shows the mode 0o666 and
    there are no such owners, that would mean no cache at all (a second more for every run)."""
    from vsp_cli.fileio import read_private

    cache = tmp_path / "cache.txt"
    cache.write_bytes(b"Trennmuster")
    cache.chmod(0o666)
    assert read_private(cache, 100) is None
    monkeypatch.delattr("os.geteuid")
    assert read_private(cache, 100) == b"Trennmuster"
    assert read_private(cache, 5) is None  # the size limit holds everywhere
