"""Cold start-up of the light commands, against a bare interpreter, median of N runs each (same machine, same run).

    python benchmarks/bench_startup.py [-n 10]

Target (issue "Statement format v1"): `vsp validate` within 150 ms of `python -c pass`. The "floor" row imports
only what any typer CLI validating with pydantic and PyYAML must import (typer, yaml, the pydantic model) and
runs no vsp code: the distance between it and `vsp validate` is what vsp itself costs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "VI-A-03824-VSP-01.yaml"


def median_ms(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, capture_output=True, check=False)  # warm the file cache, compile bytecode
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=10)
    args = parser.parse_args()
    py = sys.executable
    rows = {
        "python -c pass": [py, "-c", "pass"],
        "floor: typer+yaml+model": [py, "-c", "import typer, yaml, vsp_cli.model"],
        "vsp --help": [py, "-m", "vsp_cli", "--help"],
        "vsp validate (seed)": [py, "-m", "vsp_cli", "validate", str(EXAMPLE)],
    }
    base = None
    for name, cmd in rows.items():
        ms = median_ms(cmd, args.runs)
        base = ms if base is None else base
        extra = "" if ms is base else f"  (+{ms - base:.0f} ms over python -c pass)"
        print(f"{name:<24} {ms:7.1f} ms median of {args.runs}{extra}")


if __name__ == "__main__":
    main()
