"""How well justified prose breaks German compounds at line ends: wrong and poor breaks, counted.

    python benchmarks/bench_hyphenation.py [--words benchmarks/hyphenation_words.txt] [--list] [--json]

The words of `hyphenation_words.txt`, with their joints and syllables marked by hand, are set as paragraphs of
justified body text in many widths (so that each word lands at a line end somewhere), with the styles and the
Markdown renderer of a real statement: plain paragraphs, and the same text with some words bold, quoted or
followed by a comma. Every word broken at a line end is judged against its marks:

- joint: at a joint of the compound, or after a hyphen of its own („Kreis-“ | „umlage“);
- inner: at a syllable inside a part, where no joint would have fitted on the line;
- poor: at a syllable inside a part although a joint before it would have fitted („Trinkwas-“ | „serbrunnen“;
  for a word broken twice, a joint on the same line);
- wrong: where the word has no break („Krei-“ | „sumlage“), or right after a first syllable of a part that
  starts with a vowel, which reads across the joint („Kreisum-“ | „lage“, „Prüfer-“ | „gebnis“);
- cut: a word wider than the line, cut without a hyphen where it had to be (the narrowest widths only).

Run it with the package importable (`pip install -e .` or `PYTHONPATH=src`); with PYTHONPATH pointing at the
`src` of an older checkout it measures that one, so the figures of two commits can be compared.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORDS = Path(__file__).resolve().parent / "hyphenation_words.txt"
#: Line widths in points: from a narrow table column to the full frame (about 467 pt).
WIDTHS = range(110, 470, 6)
FILLERS = ("und", "die", "der", "für", "zur", "sowie", "im", "mit", "das", "auch", "bei", "ohne")
VOWELS = re.compile("[aeiouyäöü]+", re.IGNORECASE)
_EDGE = re.compile(r"^[^\w]*|[^\w]*$")


@dataclass(frozen=True)
class Word:
    text: str
    joints: frozenset[int]  # breaks between the parts of a compound, and after a hyphen of its own
    hyphens: frozenset[int]  # the joints that follow a hyphen of the word
    syllables: frozenset[int]  # correct breaks inside a part

    @classmethod
    def parse(cls, marked: str) -> Word:
        text: list[str] = []
        joints, hyphens, syllables = set(), set(), set()
        for char in marked:
            if char == "=":
                joints.add(len(text))
            elif char == "-":
                syllables.add(len(text))
            elif char == "~":
                text.append("-")
                joints.add(len(text))
                hyphens.add(len(text))
            else:
                text.append(char)
        return cls("".join(text), frozenset(joints), frozenset(hyphens), frozenset(syllables))

    def judge(self, at: int, line_start: int = 0) -> str:
        """The verdict on a break at `at`, the line holding the word from `line_start` on (a word broken
        twice starts the second line inside)."""
        if at in self.joints:
            return "joint"
        if at not in self.syllables:
            return "wrong"
        start = max((j for j in self.joints if j < at), default=0)
        if start and start not in self.hyphens:
            piece = self.text[start:at]
            if VOWELS.match(piece) and len(VOWELS.findall(piece)) == 1:
                return "wrong"  # „Kreisum-“: a vowel-initial syllable glued to the part before
        return "poor" if start > line_start else "inner"


def read_words(path: Path) -> list[Word]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [Word.parse(line) for line in lines if line]


def texts(words: list[Word]) -> dict[str, str]:
    """The benchmark texts: the words in a fixed random order between short filler words."""
    order = list(words)
    random.Random(18).shuffle(order)
    plain, marked = [], []
    for number, word in enumerate(order):
        filler = FILLERS[number % len(FILLERS)]
        plain += [word.text, filler]
        shown = word.text
        if number % 5 == 1:
            shown = f"„{shown}“"
        elif number % 5 == 3:
            shown = f"**{shown}**"
        if number % 7 == 2:
            shown += ","
        marked += [shown, filler]
    return {"plain": " ".join(plain), "marked": " ".join(marked)}


def lines_of(paragraph: Any) -> list[str]:
    """The text of each line ReportLab broke a paragraph into."""
    para = paragraph.blPara
    if para.kind == 0:
        return [" ".join(words) for _, words in para.lines]
    return ["".join(frag.text for frag in line.words) for line in para.lines]


def breaks(lines: list[str], source: str) -> list[tuple[str, int, int]]:
    """(token, position, where the line began in it) of each token of `source` broken at a line end, found by
    walking the lines; the position is -1 where a word was cut without a hyphen."""
    tokens = iter(source.split())
    found: list[tuple[str, int, int]] = []
    token, done = "", 0  # the token being read and how much of it earlier lines held
    for line in lines:
        for piece in line.split():
            if not token:
                token, done = next(tokens).replace("**", ""), 0
            rest = token[done:]
            if piece == rest:
                token = ""
                continue
            # a head: the line ends inside the token, after a hyphen of its own, with an added one, or cut
            # without one (a word longer than the line)
            cut = len(piece) if rest.startswith(piece) else len(piece) - 1
            if not rest.startswith(piece[:cut]):
                raise SystemExit(f"cannot follow the lines at {piece!r} in {token!r}")
            found.append((token, done + cut if piece.endswith("-") else -1, done))
            done += cut
    return found


def measure(words: list[Word]) -> tuple[Counter[str], list[tuple[str, str, int]]]:
    from vsp_cli.hyphenation import german_hyphenator
    from vsp_cli.pdf.prose import ProseRenderer
    from vsp_cli.pdf.styles import build_styles

    by_text = {word.text: word for word in words}
    styles = build_styles(True).prose
    counts: Counter[str] = Counter()
    events: list[tuple[str, str, int]] = []
    for source in texts(words).values():
        plain_source = source.replace("**", "")
        for width in WIDTHS:
            renderer = ProseRenderer(styles, float(width), german_hyphenator())
            lines: list[str] = []
            for flowable in renderer.flowables(source):
                flowable.wrap(float(width), 1e9)
                lines += lines_of(flowable)
            for token, at, line_start in breaks(lines, plain_source):
                lead = len(_EDGE.match(token).group())  # type: ignore[union-attr]
                word = by_text.get(_EDGE.sub("", token))
                if word is None:
                    continue  # a filler word
                verdict = "cut" if at < 0 else word.judge(at - lead, max(0, line_start - lead))
                counts[verdict] += 1
                events.append((verdict, word.text, at - lead))
    return counts, events


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--words", type=Path, default=WORDS, help="the marked words")
    parser.add_argument("--list", action="store_true", help="list each wrong and poor break")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args()
    words = read_words(args.words)
    counts, events = measure(words)
    total = sum(counts.values())
    if args.json:
        print(json.dumps({"words": len(words), "breaks": total, **counts}, indent=2, sort_keys=True))
        return
    import vsp_cli

    print(
        f"vsp {vsp_cli.__version__} from {Path(vsp_cli.__file__).parent}: {len(words)} words, "
        f"{len(WIDTHS)} widths, 2 texts: {total} words broken at a line end"
    )
    for verdict in ("joint", "inner", "poor", "wrong", "cut"):
        print(f"  {verdict:<6} {counts[verdict]:5d}")
    if args.list:
        for verdict, text, at in sorted(set(events)):
            if verdict in ("wrong", "poor"):
                print(f"  {verdict:<6} {text[:at]}-|{text[at:]}")
    sys.exit(0)


if __name__ == "__main__":
    main()
