"""CPU instructions per statement (check, PDF and Markdown), counted by valgrind: the same number on every run.

    python benchmarks/bench_instructions.py [-n 10] [--src path/to/other/src ...] [--bytecodes]

Wall times on a shared virtual machine swing by a third within minutes, which hides changes of a few per
cent. Counting the instructions of a render does not: callgrind runs the interpreter on a simulated CPU.
Two runs are counted, one rendering 2 statements and one rendering 2 + N; their difference divided by N is the
cost of a warm render (start-up and the first, cold render cancel out). Instructions the kernel runs for
system calls are not counted. Give several `--src` folders (a checkout of another commit) to compare them in
the same run. Needs valgrind (`apt install valgrind`); slow: about a minute for N = 10.

`--bytecodes` also counts the bytecodes Python runs per statement (`sys.settrace`, the same number on every run
too). Compare both: the clock follows the bytecodes more than the instructions. A change that trades bytecodes for
C work or memo lookups shows its full gain in instructions and a smaller one on the clock (in December 2026 main
ran 4 % more instructions than f4d31df, 9 % more bytecodes, and took 15-20 % more CPU time).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "VI-A-03824-VSP-01.yaml"

#: Renders the first `count` statements of a folder, each checked from its file, as `vsp render` does.
PROGRAM = """
import sys
from pathlib import Path
from vsp_cli.api import check, render
from vsp_cli.settings import RenderSettings
settings = RenderSettings()
for path in sorted(Path(sys.argv[1]).glob("*.yaml"))[: int(sys.argv[2])]:
    statement = check(path).statement
    render(statement, "pdf", settings)
    render(statement, "md", settings)
"""


def _run(command: list[str], src: Path | None) -> subprocess.CompletedProcess[str]:
    """`command`, importing vsp_cli from `src` (None: the installed one), with a fixed hash seed."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return subprocess.run(command, capture_output=True, text=True, env=env, check=True)


def instructions(src: Path | None, folder: Path, count: int) -> int:
    """Instructions valgrind counts for the whole program rendering `count` statements."""
    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    result = _run([*valgrind, sys.executable, "-c", PROGRAM, str(folder), str(count)], src)
    found = re.search(r"Collected\s*:\s*(\d+)", result.stderr)
    if found is None:
        raise SystemExit(f"valgrind gave no count:\n{result.stderr[-2000:]}")
    return int(found.group(1))


#: Counts the bytecodes of rendering statements 3 to 2 + N of a folder (the first two warm the process up).
BYTECODES = """
import sys
from pathlib import Path
from vsp_cli.api import check, render
from vsp_cli.settings import RenderSettings
settings = RenderSettings()
paths = sorted(Path(sys.argv[1]).glob("*.yaml"))[: int(sys.argv[2])]
count = 0
def local(frame, event, arg):
    global count
    if event == "opcode":
        count += 1
    return local
def tracer(frame, event, arg):
    frame.f_trace_opcodes, frame.f_trace_lines = True, False
    return local
for number, path in enumerate(paths):
    if number == 2:
        sys.settrace(tracer)
    statement = check(path).statement
    render(statement, "pdf", settings)
    render(statement, "md", settings)
sys.settrace(None)
print(count)
"""


def bytecodes(src: Path | None, folder: Path, count: int) -> int:
    """Bytecodes Python runs rendering statements 3 to `count` of `folder`."""
    result = _run([sys.executable, "-c", BYTECODES, str(folder), str(count)], src)
    return int(result.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=10, help="warm renders counted (default 10)")
    parser.add_argument("--src", type=Path, action="append", help="a src folder to import vsp_cli from")
    parser.add_argument(
        "--statement", type=Path, default=SEED, help="the statement to render (default: the 2014 seed)"
    )
    parser.add_argument("--bytecodes", action="store_true", help="count Python's bytecodes per statement too")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind fehlt (apt install valgrind)")
    text = args.statement.read_text(encoding="utf-8")
    number = re.search(r"^nummer: *[A-Z]+-[A-Z]+-([0-9]{5})", text, re.MULTILINE)
    digits = number.group(1) if number else "03824"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(args.n + 2):
            (folder / f"vsp-{i:05d}.yaml").write_text(text.replace(digits, f"{i:05d}"), encoding="utf-8")
        for src in args.src or [None]:
            base = instructions(src, folder, 2)
            total = instructions(src, folder, 2 + args.n)
            name = str(src) if src is not None else "installed vsp_cli"
            print(f"{name}: {(total - base) / args.n / 1e6:.2f} million instructions per statement")
            if args.bytecodes:
                print(
                    f"{name}: {bytecodes(src, folder, 2 + args.n) / args.n / 1e3:.1f} thousand bytecodes per statement"
                )


if __name__ == "__main__":
    main()
