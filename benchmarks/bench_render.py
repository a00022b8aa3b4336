"""How fast `vsp` turns the seed statement into a PDF: cold (a fresh process), warm (per statement) and memory.

Run it with the package importable (`pip install -e .` or `PYTHONPATH=src`):

    python benchmarks/bench_render.py [--runs 10] [--warm 200] [--json]

Cold figures are medians over fresh interpreter processes, shown beside `python -c pass` measured in the same
run, because start-up time says as much about the machine as about vsp. Hyphenation patterns are cached in
the user cache folder; the first (untimed) run fills it, as any first use on a machine would.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "VI-A-03824-VSP-01.yaml"


def package_env() -> dict[str, str]:
    """The environment for child processes: the same `vsp_cli` as this process imports."""
    env = dict(os.environ)
    spec = importlib.util.find_spec("vsp_cli")
    if spec is None or spec.origin is None:
        sys.exit("vsp_cli is not importable: install the package or set PYTHONPATH=src")
    package_parent = str(Path(spec.origin).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH", "")) if p)
    return env


def cold_library_command(statement: Path, output: Path) -> list[str]:
    """A fresh process that loads the statement, renders it with `render_pdf` and writes the file."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from vsp_cli.validation import load_statement\n"
        "from vsp_cli.pdf import render_pdf\n"
        "Path(sys.argv[2]).write_bytes(render_pdf(load_statement(Path(sys.argv[1]))))\n"
    )
    return [sys.executable, "-c", code, str(statement), str(output)]


def cold_cli_command(statement: Path, output: Path) -> list[str]:
    """What a user runs: `vsp render` for one file, PDF only, forced (no up-to-date check skips the work)."""
    return [
        sys.executable, "-m", "vsp_cli", "render", str(statement),
        "-o", str(output.parent), "-f", "pdf", "--force", "--quiet",
    ]  # fmt: skip


#: The cold commands measured, by name; each gets the seed and an output path in a fresh folder.
COLD_COMMANDS = {"cli": cold_cli_command, "library": cold_library_command}


def baseline_command() -> list[str]:
    return [sys.executable, "-c", "pass"]


def timed_run(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"command failed ({done.returncode}): {' '.join(command)}\n{done.stdout}{done.stderr}")
    return elapsed


def peak_rss_kib(command: list[str], env: dict[str, str]) -> int:
    """Peak resident memory of `command`, read with getrusage by a parent process of its own."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *command], env=env, capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


def cold(name: str, runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median wall time of `runs` fresh processes of one cold command and of `python -c pass`, interleaved."""
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "out" / f"{SEED.stem}.pdf"
        output.parent.mkdir()
        command = COLD_COMMANDS[name](SEED, output)
        timed_run(command, env)  # fills the hyphenation cache and the OS file cache
        timed_run(baseline_command(), env)
        render_times, pass_times = [], []
        for _ in range(runs):
            render_times.append(timed_run(command, env))
            pass_times.append(timed_run(baseline_command(), env))
        rss = peak_rss_kib(command, env)
    return {
        f"cold_{name}_ms": 1000 * statistics.median(render_times),
        f"python_pass_ms_{name}_run": 1000 * statistics.median(pass_times),
        f"peak_rss_{name}_mib": rss / 1024,
    }


def warm(iterations: int) -> dict[str, float]:
    """Per-statement time when one process renders the seed `iterations` times (after one warm-up).

    Besides the wall-clock mean it reports the best tenth (machines shared with other work are noisy) and the
    CPU time per statement, which other processes disturb less.
    """
    from vsp_cli.pdf import render_pdf
    from vsp_cli.validation import load_statement

    statement = load_statement(SEED)
    render_pdf(statement)
    batch = max(1, iterations // 10)
    batches = []
    start, cpu_start = time.perf_counter(), time.process_time()
    done = 0
    while done < iterations:
        n = min(batch, iterations - done)
        t = time.perf_counter()
        for _ in range(n):
            render_pdf(statement)
        batches.append((time.perf_counter() - t) / n)
        done += n
    total, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {
        "warm_mean_ms": 1000 * total / iterations,
        "warm_best_batch_ms": 1000 * min(batches),
        "warm_cpu_ms": 1000 * cpu / iterations,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10, help="fresh processes for each cold figure")
    parser.add_argument("--warm", type=int, default=200, help="renders in one process for the warm figure")
    parser.add_argument(
        "--cold",
        choices=sorted(COLD_COMMANDS),
        action="append",
        help="cold command(s) to measure (default: all)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    env = package_env()
    figures: dict[str, float] = {}
    for name in args.cold or sorted(COLD_COMMANDS):
        figures.update(cold(name, args.runs, env))
    figures.update(warm(args.warm))
    if args.json:
        print(json.dumps({k: round(v, 2) for k, v in figures.items()}, indent=2))
        return
    print(
        f"seed: {SEED.name}, python {sys.version.split()[0]}, {args.runs} cold runs, {args.warm} warm renders"
    )
    for name in args.cold or sorted(COLD_COMMANDS):
        cold_ms, pass_ms = figures[f"cold_{name}_ms"], figures[f"python_pass_ms_{name}_run"]
        print(
            f"  cold {name:<8} {cold_ms:8.1f} ms median (python -c pass {pass_ms:.1f} ms; difference "
            f"{cold_ms - pass_ms:.1f} ms), peak RSS {figures[f'peak_rss_{name}_mib']:.1f} MiB"
        )
    print(
        f"  warm render    {figures['warm_mean_ms']:8.2f} ms per statement (mean of {args.warm}), "
        f"best tenth {figures['warm_best_batch_ms']:.2f} ms, CPU {figures['warm_cpu_ms']:.2f} ms"
    )


if __name__ == "__main__":
    main()
