"""How much more a 2017 statement with its finance block costs than a 2014 one: the ratio of issue's speed bar.

    python benchmarks/bench_ratio.py [--rounds 5] [--renders 40]

Per-statement CPU time (`time.process_time`) of a whole warm render, as `vsp render` does it: check the file,
then PDF and Markdown, in one process. The statements alternate round by round, each round renders one of them
`--renders` times, and the best round counts (other processes on a shared machine only ever add time). Three
statements: the 2014 seed, the 2017 example with its finance block, and the seed on the 2017 form with the
example's `finanzen` and `stellenplan` (the same text, so the ratio is the cost of the form's blocks alone).
For a steady figure count instructions instead: `bench_instructions.py --statement FILE` for each of them.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "VI-A-03824-VSP-01.yaml"
EXAMPLE_2017 = REPO / "examples" / "VI-A-05521-NF-02-VSP-01.yaml"


def seed_on_2017(folder: Path) -> Path:
    """The seed on `formular: 2017`, with the finance and staffing blocks of the 2017 example."""
    seed = SEED.read_text(encoding="utf-8")
    example = EXAMPLE_2017.read_text(encoding="utf-8")
    blocks = re.search(r"^finanzen:.*?(?=^sachverhalt:)", example, re.MULTILINE | re.DOTALL)
    if blocks is None:
        sys.exit(f"{EXAMPLE_2017.name} has no finanzen block before sachverhalt")
    text = seed.replace("\nnummer:", "\nformular: 2017\nnummer:", 1)
    text = text.replace("\nbegruendung: |", "\n" + blocks.group(0) + "begruendung: |", 1)
    path = folder / "seed-2017.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def renderer(path: Path) -> Callable[[], None]:
    from vsp_cli.api import check, render
    from vsp_cli.settings import RenderSettings

    settings = RenderSettings()

    def once() -> None:
        statement = check(path).statement
        assert statement is not None, f"{path} does not check"
        render(statement, "pdf", settings)
        render(statement, "md", settings)

    return once


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5, help="rounds per statement (the best counts)")
    parser.add_argument("--renders", type=int, default=40, help="warm renders per round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = [SEED, EXAMPLE_2017, seed_on_2017(Path(tmp))]
        renders = [renderer(path) for path in paths]
        for once in renders:
            for _ in range(3):
                once()
        best = [float("inf")] * len(paths)
        for _ in range(args.rounds):
            for index, once in enumerate(renders):
                start = time.process_time()
                for _ in range(args.renders):
                    once()
                best[index] = min(best[index], (time.process_time() - start) / args.renders)
    print(
        f"best of {args.rounds} rounds of {args.renders} warm renders (check, PDF, Markdown), CPU per statement:"
    )
    for path, cpu in zip(paths, best, strict=True):
        print(f"  {path.name:<32} {1000 * cpu:6.2f} ms  {cpu / best[0]:.2f}× the seed")


if __name__ == "__main__":
    main()
