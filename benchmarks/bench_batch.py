"""Batch build benchmark: N statements of the seed's size to PDF and Markdown.

    python benchmarks/bench_batch.py [-n 100 1000] [-j 2] [--repeat 3]

For each N: a full build with -j 1 and with -j J (wall time and peak memory of the whole process tree, sampled
from /proc, and the peak of the main process alone, its high-water mark), then a re-run with nothing changed. Targets (issue "Batch builds"): 1,000 statements with -j 2 in
≤ 6 s, peak ≤ 250 MB, unchanged re-run ≤ 1.5 s.

Shared virtual machines have slow spells that can double a run; with --repeat R every figure is measured R
times, each full build into a fresh folder, and the median and the best run are shown. The CPU time of the
whole tree (user and system, medians) is shown beside them: in slow spells the system time of creating files
grows several times over (ext4 skipping recently deleted inodes), so all folders are kept until the end rather
than deleted between figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
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


def _peak_rss_kb(pid: int) -> int:
    """The high-water mark of a process's resident memory (VmHWM), 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


#: Peak resident memory of the main process of the last `timed` run, in MB.
main_peak: list[float] = []


def timed(cmd: list[str]) -> tuple[float, float, float, float]:
    """Wall seconds, peak MB, and user and system CPU seconds of the process tree; the main process's own peak
    (its high-water mark, read until it ends) goes to `main_peak`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    main = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, main
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            main = max(main, _peak_rss_kb(proc.pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)  # the CPU time of vsp and of the workers it waited for
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}")
    main_peak.append(main / 1024)
    return elapsed, peak / 1024, usage.ru_utime, usage.ru_stime


def generate(folder: Path, count: int) -> None:
    text = SEED.read_text(encoding="utf-8")
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"vsp-{i:05d}.yaml").write_text(text.replace("03824", f"{i:05d}"), encoding="utf-8")


def repeated(cmd: list[str], repeat: int, fresh: Path | None = None) -> str:
    """`repeat` runs of `cmd` (each into a new output folder if `fresh` is given): median and best wall time."""
    walls, peaks, users, systems = [], [], [], []
    for run in range(repeat):
        out = [str(fresh / f"run{run}")] if fresh is not None else []
        wall, peak, user, system = timed([*cmd, *out])
        walls.append(wall)
        peaks.append(peak)
        users.append(user)
        systems.append(system)
    cpu = f"cpu user {statistics.median(users):5.2f} s, sys {statistics.median(systems):5.2f} s"
    main = f"main process peak {max(main_peak[-repeat:]):6.1f} MB"
    if repeat == 1:
        return f"{walls[0]:6.2f} s  peak {peaks[0]:6.1f} MB  {main}  {cpu}"
    return (
        f"{statistics.median(walls):6.2f} s median, best {min(walls):6.2f} s  peak {max(peaks):6.1f} MB  "
        f"{main}  {cpu}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("-j", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each figure (median and best shown)")
    args = parser.parse_args()
    vsp = [sys.executable, "-m", "vsp_cli", "render"]
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n:
            base = Path(tmp) / f"n{n}"
            src = base / "in"
            generate(src, n)
            for jobs in (1, args.j):
                figure = repeated([*vsp, str(src), "-j", str(jobs), "-o"], args.repeat, base / f"out{jobs}")
                print(f"N={n:<5} -j {jobs}: {figure}", flush=True)
            unchanged = [*vsp, str(src), "-o", str(base / f"out{args.j}" / "run0"), "-j", str(args.j)]
            print(f"N={n:<5} re-run, nothing changed: {repeated(unchanged, args.repeat)}", flush=True)


if __name__ == "__main__":
    main()
