"""German hyphenation for justified prose: the de_DE patterns pyphen ships, parsed once and cached on disk.

The dictionary (LibreOffice's hyph_de_DE) has two levels, as libhyphen reads it: the first marks the joints of
known compounds (`kinder1tages1stätte`), the second the syllables of each part. pyphen merges both into one
set of patterns, which breaks inside a joint: „Vers-tetigung“, „Kindertagess-tätte“, „Grund-s-tücks-“. Here
the parts are found first and each is hyphenated on its own, with at least two letters on either side of a
joint, as libhyphen does.

The first level only knows a compound whose whole text (or a longer one holding it) it lists, so it misses most
of them: „Kreisumlage“, „Parkanlagen“, „Prüfergebnis“. The syllable patterns then break where the syllables of
one word would be, moving the consonant that ends a part onto a part that starts with a vowel: „Krei-sumlage“,
„Prü-fergebnis“. So the compounds are also taken apart with the first level's own words: its 69,000 entries,
cut at their marks, are a word list of compound parts (`_parse_parts`), and a word that is a row of such parts
(each with a prefix before it or a linking „s“ after it, as `_segment` allows) has its joints where they meet;
a noun of „-ung“, „-heit“, „-keit“, „-schaft“, „-ion“, „-tät“, „-ling“ with its linking „s“ ends a part
whatever follows („Genehmigungs|erfordernisse“). Of several ways to cut a word the one with the fewest parts
wins („ver|sendung“ is one part with a prefix, not „Vers|endung“), then the one whose joints are syllable
breaks. These joints are what a line should break at first: `splits` offers them, and a word's own hyphens
and slashes, before any syllable inside a part, and `pdf.linebreaks` makes ReportLab take the first that fits.

Parsing the dictionary costs half a second or more, longer than the rest of a cold render. The parsed
patterns are therefore written once to a cache file (`$XDG_CACHE_HOME/vsp` or `~/.cache/vsp`) as sorted text
that is searched in place, so loading it is a file read: a document hyphenates a few dozen words and looks
at a tiny part of the table. Without a writable cache folder the same text is built in memory and searched by
the same code, so output is identical with and without the cache.

Each level is looked up with pyphen's algorithm (`HyphDict.positions`); a word breaks with at least two
letters before and three after a break, and never leaves a single letter between two breaks. German has no
non-standard hyphenation rules; a dictionary that has them is used through pyphen directly.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

from .fileio import cache_dir, cache_key, read_private, signed, unsigned, write_atomic
from .labels import PAPER_TYPES
from .limits import MAX_CACHE_BYTES, MAX_WORD

#: The pyphen dictionary used for German.
LANGUAGE = "de_DE"
#: Shortest part left at a word's start and carried to the next line: "Ak-teure", never "Akteu-re".
LEFT = 2
RIGHT = 3
#: Shortest part on either side of a compound's joint („Kin-der-ta-ges-stät-te“, not „…tagess-tätte“).
JOINT = 2
#: Changes whenever the file layout below changes, so old caches are ignored.
_FORMAT = "vsp-hyph-8"  # 8: the MAC in front
_MAX_WORD_CACHE = 20_000
_MAX_MEMO = 200_000

_LETTER_RUNS = re.compile(r"[^\W\d_]+")

Hyphenator = Callable[[str], Iterator[tuple[str, str]]]
_Pattern = tuple[int, tuple[int, ...]]


class PatternTable:
    """Liang patterns as one sorted text, searched in place: loading costs a file read, not a parse.

    Each pattern is a line `<pattern> <offset> <digits>`; lines are sorted, so the patterns sharing their
    first two characters form one stretch, whose bounds the header lists. A lookup is a `str.find` inside
    that stretch; results (misses too) are remembered.
    """

    __slots__ = ("_body", "_index", "_memo", "maxlen")

    def __init__(self, text: str) -> None:
        """`text` is what `serialize` wrote."""
        head, _, body = text.partition("\n")
        fields = head.split("\t")
        self.maxlen = int(fields[0])
        names = fields[1::2]
        starts = [int(f) for f in fields[2::2]]
        if len(names) != len(starts) or not body.endswith("\n") or (starts and starts[-1] >= len(body)):
            raise ValueError("pattern table is damaged")
        # A group runs from the newline before its first line to the newline before the next group's.
        self._index = dict(zip(names, zip(starts, [*starts[1:], len(body) - 1], strict=True), strict=True))
        self._body = body
        self._memo: dict[str, tuple[_Pattern | None, bool]] = {}

    def probe(self, key: str) -> tuple[_Pattern | None, bool]:
        """The pattern `key` (or None), and whether any pattern of `key`'s group starts with `key`."""
        found = self._memo.get(key)
        if found is not None:
            return found
        span = self._index.get(key[:2])
        result: tuple[_Pattern | None, bool] = (None, False)
        if span is not None:
            body = self._body
            at = body.find("\n" + key, span[0], span[1] + 1)
            if at >= 0:
                end = at + 1 + len(key)
                if body[end] == " ":  # sorted: the pattern itself comes before its extensions
                    line_end = body.find("\n", end)
                    offset, values = body[end + 1 : line_end].split(" ")
                    result = ((int(offset), tuple(map(int, values))), True)
                else:
                    result = (None, True)
        if len(self._memo) >= _MAX_MEMO:  # a long batch run: start afresh rather than grow without end
            self._memo.clear()
        self._memo[key] = result
        return result

    @staticmethod
    def serialize(patterns: dict[str, _Pattern], maxlen: int) -> str:
        """The table as text: a header line (maxlen, then each group's name and start), then the lines."""
        header = [str(maxlen)]
        lines: list[str] = []
        size = 0  # where the newline before the next line is: the body starts with one
        group = None
        for pattern, (start, values) in sorted(patterns.items()):
            if any(v > 9 for v in values):
                raise ValueError("pattern values above 9 cannot be stored")
            if pattern[:2] != group:
                group = pattern[:2]
                header += [group, str(size)]
            line = f"{pattern} {start} {''.join(map(str, values))}\n"  # ends with the next line's opening
            lines.append(line)
            size += len(line)
        return "\t".join(header) + "\n\n" + "".join(lines)


def _points(table: PatternTable, word: str) -> list[int]:
    """Odd-valued Liang points of the lower-cased word in one table (pyphen's `HyphDict.positions`)."""
    probe = table.probe
    maxlen = table.maxlen
    pointed = f".{word}."
    size = len(pointed)
    references = [0] * (size + 1)
    for i in range(size - 1):
        hits = []
        single = probe(pointed[i])[0]
        if single:
            hits.append(single)
        for j in range(i + 2, min(i + maxlen, size) + 1):
            found, more = probe(pointed[i:j])
            if found:
                hits.append(found)
            if not more:  # no pattern starts with pointed[i:j], so none with a longer piece
                break
        for offset, values in hits:
            lo = i + offset
            span = references[lo : lo + len(values)]
            references[lo : lo + len(values)] = map(max, values, span)
    return [i - 1 for i, reference in enumerate(references) if reference % 2]


#: A vowel of German words and of names and loanwords in them.
_VOWEL = re.compile("[aeiouyäöüáàâéèêëíìîïóòôúùûœæ]")


def _before(kept: list[int], start: int) -> int:
    """Where the piece before the last kept break begins."""
    return kept[-2] if len(kept) > 1 else start


def _whole(word: str, at: int) -> bool:
    """Whether a break at `at` keeps „ck“, „ch“ and „sch“ whole."""
    return word[at - 1 : at + 1] not in ("ck", "ch") and word[at - 1 : at + 2] != "sch"


def _joints(compounds: PatternTable, word: str) -> list[int]:
    """Where the dictionary's first level cuts a word: no part shorter than `JOINT`, and never inside „sch“
    (the compound patterns say „Orts|chaft“, the syllables rightly „Ort-schaft“). Besides joints these are
    the ends of prefixes („ver|kehrs“) and cuts inside loanwords („fi|nanz“)."""
    found = [i for i in _points(compounds, word) if 0 < i < len(word)]
    bounds = [0, *found, len(word)]
    short = {bound for a, b in itertools.pairwise(bounds) if b - a < JOINT for bound in (a, b)}
    return [i for i in found if i not in short and word[i - 1 : i + 2] != "sch"]


#: Prefixes and particles (and the Latin and Greek ones of loanwords): a piece that belongs to the part after it,
#: so that its end is no joint of the compound („Ver|kehrs|ent|wicklungs|plan“ has two).
_PREFIX_LIST = (
    "ab an auf aus be bei da dar durch ein emp ent er fort ge gegen her hin hinter miss mit nach ob über um "
    "un unter ur ver vor weg wider wieder zer zu zurück zusammen empor entgegen voran voraus vorbei herab "
    "heran herauf heraus herein herum herunter hinab hinauf hinaus hinein hinüber hinunter de des dis ex in "
    "im inter intra kon kom ko kol kor per post prä pro re sub super trans anti hyper hypo makro mikro mono "
    "multi neo para poly semi tele"
)
PREFIXES = frozenset(_PREFIX_LIST.split())
_LONGEST_PREFIX = max(map(len, PREFIXES))
#: Endings a part may have in a word beyond its form in the word list: linking elements and inflections
#: („Gesamt|konzept-s“, „Park|anlage-n“).
_ENDINGS = ("s", "es", "n", "en", "e", "er", "ern", "ns", "ens", "se", "sen", "nen")
#: Nouns that take a linking „s“ in every compound: after it a new part begins, known or not. Not before „los“,
#: which is a suffix („wohnungslos“).
_LINKED = re.compile(r"(?<=[^\W\d_]{3})(?:ungs|heits|keits|schafts|ions|täts|lings)(?!los)(?=[^\W\d_]{3})")
#: How no part after the first begins: derivational suffixes, and the fragments of endings the word list has
#: as pieces of its loanwords („lizenz|ierung“, „zentral|ismus“, „wärm|ende“, „text|erin“ are no compounds);
#: „Ende“ only after a linking „s“ („Jahres|ende“).
_NOT_A_PART = re.compile(
    r"ismus|ist|ier|ität|ion|[^aeiouyäöü]?ung|heit|keit|schaft|lich(?!t)|isch|nis|tum|haft|sam(?:keit|e[rsm]?$|$)|"
    r"los|bar|ig|(?<!s)end|erin|innen|ster(?!n)|erste|ester|nomie|logie|gra(?:f|ph)ie|thek|metrie"
)
#: The frequency digit (`_parse_parts`) of a part seen twice or more.
_SEEN_TWICE = 2
#: Costs of a cut (`_segment`): a part, a part with an ending, a prefix.
_PART, _PART_ENDING, _PREFIX = 10, 11, 3

_Cut = tuple[tuple[int, int, bool], ...]  # (start, end, is a part) of each piece of a word


class GermanHyphenator:
    """Callable that ReportLab accepts as `hyphenationLang`: a word → (head, tail) pairs, joints first.

    `splits` is the same for any token of text (punctuation around it, hyphens and slashes inside); the
    joints of a compound and the places after its own hyphens and slashes come first, longest head first,
    then the syllables inside its parts.
    """

    __slots__ = ("_compounds", "_parts", "_positions", "_splits", "_syllables")

    def __init__(self, compounds: PatternTable, syllables: PatternTable, parts: PatternTable) -> None:
        self._compounds = compounds
        self._syllables = syllables
        self._parts = parts
        #: Word → its break positions and which of them are joints, the one memory of this class's lookups
        #: (the pattern tables keep their own): ReportLab asks again for the word at the end of each line.
        self._positions: dict[str, tuple[list[int], frozenset[int]]] = {}
        self._splits: dict[tuple[str, int], list[tuple[str, str, bool]]] = {}

    # -- compound parts ---------------------------------------------------------------------------------------

    def _frequency(self, piece: str, inner: bool) -> int:
        """How often `piece` (or it without an ending) occurs as a part of the word list (`_parse_parts`), 0 if
        never; a suffix is no part after the start of a word."""
        if inner and _NOT_A_PART.match(piece):
            return 0
        probe = self._parts.probe
        for ending in ("", *_ENDINGS):
            if piece.endswith(ending) and len(piece) - len(ending) >= 3:
                found = probe(piece[: len(piece) - len(ending)])[0]
                if found is not None:
                    return found[1][0]
        return 0

    def _segment(self, word: str, cuts: set[int], syllables: set[int]) -> _Cut | None:
        """The best way to cut `word` into prefixes and parts (a part last), or None if there is none.

        Fewest parts first (a prefix costs less than a part, an ending a little), then the most frequent parts
        (as Koehn and Knight split compounds: „Rat|haus|turm“, not „Rat|hau|sturm“), then most cuts at syllable
        breaks, then most cuts the first level has too.
        """
        size = len(word)
        probe = self._parts.probe
        best: list[tuple[tuple[int, int, int, int], _Cut, bool] | None] = [None] * (size + 1)
        best[0] = ((0, 0, 0, 0), (), False)

        def offer(start: int, end: int, cost: int, frequency: int) -> None:
            here = best[start]
            assert here is not None
            (total, common, agree, known), pieces, _ = here
            inner = end < size
            key = (
                total + cost,
                common - frequency,
                agree - (inner and end in syllables),
                known - (inner and end in cuts),
            )
            there = best[end]
            if there is None or key < there[0]:
                best[end] = (key, (*pieces, (start, end, cost != _PREFIX)), cost == _PREFIX)

        for start in range(size):
            here = best[start]
            if here is None:
                continue
            # no two short prefixes in a row: „Ober|bürger“, not „ob|er|bürger“
            pieces = here[1]
            shortest = 3 if pieces and not pieces[-1][2] and pieces[-1][1] - pieces[-1][0] == 2 else 2
            for end in range(start + shortest, min(start + _LONGEST_PREFIX, size - 1) + 1):
                if word[start:end] in PREFIXES:
                    offer(start, end, _PREFIX, 0)
            if start and _NOT_A_PART.match(word, start):
                continue
            for end in range(start + 3, size + 1):
                found, more = probe(word[start:end])
                # a part of four letters seen once is more often a piece of a loanword („schu|mann“)
                if found is not None and (end - start != 4 or found[1][0] >= _SEEN_TWICE):
                    frequency = found[1][0]
                    offer(start, end, _PART, frequency)
                    for ending in _ENDINGS:
                        if word.startswith(ending, end):
                            offer(start, end + len(ending), _PART_ENDING, frequency)
                if not more:
                    break
        last = best[size]
        if last is None or last[2]:  # nothing, or a prefix at the end
            return None
        return last[1]

    def _major(self, word: str, cuts: list[int], syllables: set[int]) -> set[int]:
        """The joints between the parts of a lower-case compound (see the module's docstring)."""
        linked = [m.end() for m in _LINKED.finditer(word)]
        joints = set(linked)
        for start, end in itertools.pairwise([0, *linked, len(word)]):
            piece = word[start:end]
            inside = {c - start for c in cuts if start < c < end}
            pieces = self._segment(piece, inside, {s - start for s in syllables if start < s < end})
            for first, last, part in pieces or ():
                if not part:
                    continue
                if last < len(piece):
                    joints.add(start + last)
                # a lexicalised compound („Haushalt“) keeps the joint the first level gives it inside
                for cut in inside:
                    left, right = piece[first:cut], piece[cut:last]
                    if (
                        first < cut < last
                        and start + cut in syllables
                        and left not in PREFIXES
                        and min(len(left), len(right)) >= 4
                        and self._frequency(left, first > 0) >= _SEEN_TWICE
                        and self._frequency(right, True) >= _SEEN_TWICE
                    ):
                        joints.add(start + cut)
        return {j for j in joints if word[j - 1 : j + 2] != "sch"}

    # -- breaks -------------------------------------------------------------------------------------------------

    def _breaks(self, word: str) -> tuple[list[int], frozenset[int]]:
        """Break points of a lower-case word and the joints among them: its compound joints, and each part's
        syllables, where every piece keeps a vowel and two letters („Ei-gen-an-teil“, not „Ei-ge-nan-teil“;
        „Schlüs-sel“, not „Sch-lüs-sel“) and „ck“, „ch“ and „sch“ stay whole."""
        syllables = set(_points(self._syllables, word))
        cuts = _joints(self._compounds, word)
        major = self._major(word, cuts, syllables)
        # the first level's cuts stay (prefix ends: „Rats|in|formations“), unless they crowd a joint
        joints = sorted(major | {c for c in cuts if not any(0 < abs(c - j) < JOINT for j in major)})
        bounds = [0, *joints, len(word)]
        breaks: list[int] = []
        for start, end in itertools.pairwise(bounds):
            left = LEFT if start == 0 else JOINT
            right = end - start - (RIGHT if end == len(word) else JOINT)
            points = [start + i for i in _points(self._syllables, word[start:end]) if left <= i <= right]
            kept: list[int] = []
            for i in points:
                last = kept[-1] if kept else start
                if not _whole(word, i):
                    continue
                if _VOWEL.search(word, last, i):
                    if i - last >= 2:  # no single letter between two breaks („so-zi-a-l“)
                        kept.append(i)
                elif (
                    kept
                    and (i - last == 1 or word[last:i] == "ck")
                    and _VOWEL.search(word, _before(kept, start), i)
                ):
                    # one consonant between two breaks ends the syllable before: „Rück-mel“, „Ei-gen-an“
                    kept[-1] = i
            if kept and not _VOWEL.search(word, kept[-1], end):
                kept.pop()  # the part's last piece would have no vowel
            breaks += kept
            if end < len(word):
                breaks.append(end)
        found = [i for i in breaks if LEFT <= i <= len(word) - RIGHT]
        return found, frozenset(i for i in found if i in major)

    def ranked(self, word: str) -> tuple[list[int], frozenset[int]]:
        """Where `word` (letters) may be broken, and which of those places are joints of its parts.

        A word with a capital after its first letter (SächsGemO, INSEK, GmbH) is an abbreviation or a name,
        and breaking it would mislead.
        """
        found = self._positions.get(word)
        if found is None:
            if len(self._positions) >= _MAX_WORD_CACHE:
                self._positions.clear()
            if len(word) > MAX_WORD or not word[1:].islower():
                found = ([], frozenset())
            else:
                found = self._breaks(word.lower())
            self._positions[word] = found
        return found

    def positions(self, word: str) -> list[int]:
        """Where `word` (letters) may be broken (see `ranked`)."""
        return self.ranked(word)[0]

    def splits(self, token: str, shortest: int = 0) -> list[tuple[str, str, bool]]:
        """The places a token of text may be broken, as (head, tail, whether a hyphen is added), in the order
        a line should try them: joints of compounds and the places after the token's own hyphens and slashes
        („Georg-“ | „Schumann-Straße“, „Umwelt/“ | „Ordnung“), then syllables inside a part; each longest
        head first. Punctuation around the word stays with it; an address, a path or a paper number is never
        broken, nor a word of fewer than `shortest` characters or one with soft hyphens of its own.
        """
        key = (token, shortest)
        done = self._splits.get(key)
        if done is not None:
            return done
        core = _CORE.search(token)
        if (
            core is None
            or len(core.group()) < shortest
            or len(token) > MAX_WORD
            or "\xad" in token  # the writer's own soft hyphens: ReportLab breaks at those
            or _ADDRESS.search(token)
            or _PAPER_NUMBER.search(token)
        ):
            done = []
        else:
            done = self._token_splits(token, core.start(), core.end())
        if len(self._splits) >= _MAX_WORD_CACHE:
            self._splits.clear()
        self._splits[key] = done
        return done

    def _token_splits(self, token: str, start: int, end: int) -> list[tuple[str, str, bool]]:
        joints = hyphen_breaks(token, start, end)
        syllables: list[int] = []
        for run in _LETTER_RUNS.finditer(token, start, end):
            if len(run.group()) < LEFT + RIGHT:
                continue
            found, major = self.ranked(run.group())
            for i in found:
                (joints if i in major else syllables).append(run.start() + i)
        return [
            (token[:at], token[at:], token[at - 1] not in "-/")
            for at in (*sorted(joints, reverse=True), *sorted(syllables, reverse=True))
        ]

    def __call__(self, word: str) -> Iterator[tuple[str, str]]:
        for head, tail, _ in self.splits(word):
            yield head, tail

    def soft_hyphenated(self, word: str) -> str:
        """`word` with a soft hyphen (U+00AD) at every break point."""
        cuts = self.positions(word)
        if not cuts:
            return word
        parts = []
        last = 0
        for cut in cuts:
            parts.append(word[last:cut])
            last = cut
        parts.append(word[last:])
        return "\xad".join(parts)


def hyphen_breaks(token: str, start: int = 0, end: int | None = None, marks: str = "-/") -> list[int]:
    """Where a line may end after a hyphen (or slash) of `token[start:end]` („Georg-“ | „Schumann-Straße“,
    „Tempo-30-“ | „Zonen“, „Umwelt/“ | „Ordnung“): between letters or digits, a letter on one side at least
    („2019-2024“ stays whole), and two characters or more on either side up to the next mark („E-Mail“,
    „km/h“ stay whole). `marks` are the characters to break after."""
    end = len(token) if end is None else end
    if _PAPER_NUMBER.search(token, start, end):
        return []
    found = []
    before = start
    for mark in _MARKS.finditer(token, start, end):
        at = mark.start()
        after = _MARKS.search(token, at + 1, end)
        if token[at] not in marks:
            before = at + 1
            continue
        if (
            at - before >= 2
            and (after.start() if after else end) - at - 1 >= 2
            and token[at - 1].isalnum()
            and token[at + 1].isalnum()
            and (token[at - 1].isalpha() or token[at + 1].isalpha())
        ):
            found.append(at + 1)
        before = at + 1
    return found


#: A token's word: from its first to its last letter or digit (quotes, brackets and punctuation stay outside).
_CORE = re.compile(r"[^\W_](?:.*[^\W_])?", re.DOTALL)
#: Hyphens and slashes inside a word, after which a line may end without an added hyphen.
_MARKS = re.compile(r"[-/]")
#: A paper number of Leipzig's scheme („VI-DS-03306-NF-02“, „VII-A-00946-VSP-01“, „A-00545/14“) is never broken
#: at its hyphens or slash: a reader searches for it whole. It recognises numbers in running text, so it is looser
#: than the grammar `nummer` and `bezug` are validated with (model.py): any suffixes may follow.
_PAPER_NUMBER = re.compile(
    rf"(?<![\w-])(?:[IVX]{{1,4}}-)?(?:{'|'.join(PAPER_TYPES)})-[0-9]{{5}}(?:/[0-9]{{2}})?(?![0-9])"
)
#: Web and mail addresses, paths and file names are never hyphenated: a hyphen would change them.
_ADDRESS = re.compile(
    r"://|@|^\W*www\.|\.(?:de|org|com|net|eu)\b|\\|_|\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|txt|zip|png|jpe?g)\b",
    re.IGNORECASE,
)


def cache_name() -> str:
    """The cache file's name: one per layout, so that two versions of vsp on one machine do not take turns
    rebuilding it."""
    return f"hyph_{LANGUAGE}.{_FORMAT}.txt"


def _dictionary() -> tuple[Path, str]:
    import pyphen  # type: ignore[import-untyped]

    path = Path(str(pyphen.LANGUAGES[LANGUAGE]))
    key = f"{_FORMAT} pyphen={pyphen.__version__} dic={path.name}:{path.stat().st_size}"
    return path, key


#: Where the dictionary's second level (the syllables of each part) begins.
_NEXT_LEVEL = "NEXTLEVEL"
#: Separates the tables of the two levels and of the compound parts in the cache text (never part of a pattern).
_LEVELS = "\f"
_DIRECTIVE = re.compile(r"[A-Z]{4,}(?:\s|$)")
_HEX = re.compile(r"\^{2}([0-9a-f]{2})")
_DIGITS = re.compile(r"(\d?)(\D?)")


def _parse_level(lines: list[str]) -> str | None:
    """One level's patterns as pyphen's `HyphDict` parses them, serialised; None for non-standard rules."""
    patterns: dict[str, _Pattern] = {}
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(("%", "#")) or _DIRECTIVE.match(line):
            continue
        line = _HEX.sub(lambda m: chr(int(m.group(1), 16)), line)
        if "/" in line and "=" in line:
            return None
        parsed = _DIGITS.findall(line)
        tags = "".join(char for _, char in parsed)
        values = [int(digit or "0") for digit, _ in parsed]
        if max(values) == 0:
            continue
        start, end = 0, len(values)
        while not values[start]:
            start += 1
        while not values[end - 1]:
            end -= 1
        patterns[tags] = (start, tuple(values[start:end]))
    return PatternTable.serialize(patterns, max(len(key) for key in patterns))


def _parse_parts(lines: list[str]) -> str:
    """The words of the first level, cut at its marks, as a table of compound parts (`_segment`).

    Each part keeps how often it occurs (`_segment` prefers the frequent ones). An entry gives its pieces if each
    is a prefix, a word of three letters listed on its own („amt“, „rat“),
    or four letters or more with a vowel: the first level also cuts words into syllables („be1ra1tung“),
    which would make „ra“ or „tung“ a part.
    """
    entries = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(("%", "#")) or _DIRECTIVE.match(line):
            continue
        line = _HEX.sub(lambda m: chr(int(m.group(1), 16)), line)
        entries.append([piece for piece in _ODD.split(_EVEN.sub("", line)) if piece])
    short = {pieces[0] for pieces in entries if len(pieces) == 1 and len(pieces[0]) == 3}

    def part(piece: str) -> bool:
        return piece in short or (len(piece) >= 4 and _VOWEL.search(piece) is not None)

    counts: Counter[str] = Counter()
    for pieces in entries:
        if all(piece in PREFIXES or part(piece) for piece in pieces):
            counts.update(piece for piece in pieces if part(piece))
    # how often each part occurs, as a digit: 1 + log2 of its count
    parts: dict[str, _Pattern] = {
        piece: (0, (min(9, count.bit_length()),)) for piece, count in counts.items()
    }
    return PatternTable.serialize(parts, max(map(len, parts)))


_ODD = re.compile("[13579]")
_EVEN = re.compile("[02468]")


def _build_text(path: Path) -> str | None:
    """Parse both levels of the dictionary (the slow part) and serialise them with the compound parts; None
    if it has special rules or only one level."""
    data = path.read_bytes()
    encoding = data.partition(b"\n")[0].decode("ascii").strip()
    lines = data.decode("cp1251" if encoding.lower() == "microsoft-cp1251" else encoding).split("\n")[1:]
    if _NEXT_LEVEL not in lines:
        return None
    split = lines.index(_NEXT_LEVEL)
    compounds, syllables = _parse_level(lines[:split]), _parse_level(lines[split + 1 :])
    if compounds is None or syllables is None:
        return None
    return compounds + _LEVELS + syllables + _LEVELS + _parse_parts(lines[:split])


def _read_cache(file: Path, key: str) -> str | None:
    """The cached table, or None if there is none or it is not one: not the user's own file (`read_private`),
    without the MAC of this machine's key (`fileio.cache_key`: a checkout's files are the user's too, and a
    table a repository planted changed the hyphenation of every output), or not a table
    of this layout and dictionary."""
    secret = cache_key()
    data = read_private(file, MAX_CACHE_BYTES) if secret is not None else None
    data = unsigned(secret, data) if secret is not None and data is not None else None
    if data is None:
        return None
    header, sep, body = data.partition(b"\n")
    if not sep:
        return None
    try:
        text_key, _, checksum = header.decode("utf-8").rpartition(" crc=")
        if text_key != key or int(checksum, 16) != zlib.crc32(body):
            return None
        return body.decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return None


def _write_cache(file: Path, key: str, text: str) -> None:
    """Write atomically; a folder that is not writable just means no cache."""
    secret = cache_key()
    if secret is None:
        return
    body = text.encode("utf-8")
    data = f"{key} crc={zlib.crc32(body):08x}\n".encode() + body
    with contextlib.suppress(OSError):
        write_atomic(file, signed(secret, data), mode=0o600)


@cache
def german_hyphenator(use_cache: bool = True) -> Hyphenator:
    """The process-wide German hyphenator; the patterns are read from the cache file or parsed once."""
    path, key = _dictionary()
    try:
        cache_file: Path | None = cache_dir() / cache_name() if use_cache else None
    except RuntimeError:  # no home directory to be found: work without the cache
        cache_file = None
    text = _read_cache(cache_file, key) if cache_file is not None else None
    if text is not None:
        try:
            return hyphenator_from_text(text)
        except ValueError:  # damaged in a way its checksum does not show: built afresh
            text = None
    if text is None:
        text = _build_text(path)
        if text is None:  # pragma: no cover - only for dictionaries with non-standard rules or one level
            import pyphen

            return pyphen.Pyphen(filename=path, left=LEFT, right=RIGHT).iterate  # type: ignore[no-any-return]
        if cache_file is not None:
            _write_cache(cache_file, key, text)
    return hyphenator_from_text(text)


def hyphenator_from_text(text: str) -> GermanHyphenator:
    """The hyphenator of a text `_build_text` made (or the cache kept); ValueError if it is not such a text."""
    tables = text.split(_LEVELS)
    if len(tables) != 3:
        raise ValueError("pattern table has not two levels and the compound parts")
    compounds, syllables, parts = map(PatternTable, tables)
    return GermanHyphenator(compounds, syllables, parts)
