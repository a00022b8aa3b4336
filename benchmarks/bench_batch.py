"""Batch build benchmark: N statements of the seed's size to PDF and Markdown.

    python benchmarks/bench_batch.py [-n 100 1000] [-j 2]

For each N: a full build with -j 1 and with -j J (wall time and peak memory of the whole process tree, sampled
from /proc), then a re-run with nothing changed. Targets (issue "Batch builds"): 1,000 statements with -j 2 in
≤ 6 s, peak ≤ 250 MB, unchanged re-run ≤ 1.5 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "VI-A-03824-VSP-01.yaml"


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    total = 0
    pending = [pid]
    while pending:
        p = pending.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except (OSError, StopIteration):
            continue
        pending.extend(int(c) for c in children)
    return total


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak MB of the process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}")
    return elapsed, peak / 1024


def generate(folder: Path, count: int) -> None:
    text = SEED.read_text(encoding="utf-8")
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"vsp-{i:05d}.yaml").write_text(text.replace("03824", f"{i:05d}"), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("-j", type=int, default=2)
    args = parser.parse_args()
    vsp = [sys.executable, "-m", "vsp_cli", "render"]
    for n in args.n:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "in"
            generate(src, n)
            for jobs in (1, args.j):
                out = Path(tmp) / f"out{jobs}"
                wall, peak = timed([*vsp, str(src), "-o", str(out), "-j", str(jobs)])
                print(
                    f"N={n:<5} -j {jobs}: {wall:6.2f} s  peak {peak:6.1f} MB  ({1000 * wall / n:.1f} ms/statement)"
                )
            wall, peak = timed([*vsp, str(src), "-o", str(out), "-j", str(args.j)])
            print(f"N={n:<5} re-run, nothing changed: {wall:6.2f} s  peak {peak:6.1f} MB")
            shutil.rmtree(src)


if __name__ == "__main__":
    main()
