"""German hyphenation for justified prose: the de_DE patterns pyphen ships, parsed once and cached on disk.

The dictionary (LibreOffice's hyph_de_DE) has two levels, as libhyphen reads it: the first marks the joints of
known compounds (`kinder1tages1stätte`), the second the syllables of each part. pyphen merges both into one
set of patterns, which breaks inside a joint: „Vers-tetigung“, „Kindertagess-tätte“, „Grund-s-tücks-“. Here
the parts are found first and each is hyphenated on its own, with at least two letters on either side of a
joint, as libhyphen does.

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
import os
import re
import zlib
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

from .fileio import read_regular, write_atomic

#: The pyphen dictionary used for German.
LANGUAGE = "de_DE"
#: Shortest part left at a word's start and carried to the next line: "Ak-teure", never "Akteu-re".
LEFT = 2
RIGHT = 3
#: Shortest part on either side of a compound's joint („Kin-der-ta-ges-stät-te“, not „…tagess-tätte“).
JOINT = 2
#: Longer "words" (a pasted hash, a line of dashes, a hostile input) are not hyphenated: the longest German
#: compounds have about 80 letters, and looking up a 100,000-letter word again at each line would take minutes.
MAX_WORD = 100
#: Changes whenever the file layout below changes, so old caches are ignored.
_FORMAT = "vsp-hyph-5"
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
    """Where the parts of a compound meet: no part shorter than `JOINT`, and never inside „sch“ (the
    compound patterns say „Orts|chaft“, the syllables rightly „Ort-schaft“)."""
    found = [i for i in _points(compounds, word) if 0 < i < len(word)]
    bounds = [0, *found, len(word)]
    short = {bound for a, b in itertools.pairwise(bounds) if b - a < JOINT for bound in (a, b)}
    return [i for i in found if i not in short and word[i - 1 : i + 2] != "sch"]


class GermanHyphenator:
    """Callable that ReportLab accepts as `hyphenationLang`: a word → (head, tail) pairs, longest head first."""

    __slots__ = ("_compounds", "_positions", "_syllables", "_tokens")

    def __init__(self, compounds: PatternTable, syllables: PatternTable) -> None:
        self._compounds = compounds
        self._syllables = syllables
        #: Word → its break positions, the one memory of this class's lookups (the pattern tables keep their
        #: own): ReportLab asks again for the word at the end of each line it sets.
        self._positions: dict[str, list[int]] = {}
        self._tokens: dict[str, str] = {}

    def _breaks(self, word: str) -> list[int]:
        """Break points of a lower-case word: its compound joints, and each part's syllables, where every
        piece keeps a vowel and two letters („Ei-gen-an-teil“, not „Ei-ge-nan-teil“; „Schlüs-sel“, not
        „Sch-lüs-sel“) and „ck“, „ch“ and „sch“ stay whole."""
        joints = _joints(self._compounds, word)
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
        return [i for i in breaks if LEFT <= i <= len(word) - RIGHT]

    def positions(self, word: str) -> list[int]:
        """Where `word` may be broken, except inside an abbreviation.

        A run of letters with a capital after its first letter (SächsGemO, INSEK, GmbH) is an abbreviation or
        a name, and breaking it would mislead; nor is a word broken just before one of its own hyphens.
        """
        found = self._positions.get(word)
        if found is not None:
            return found
        if len(self._positions) >= _MAX_WORD_CACHE:
            self._positions.clear()
        found = self._positions[word] = self._find_positions(word)
        return found

    def _find_positions(self, word: str) -> list[int]:
        if len(word) > MAX_WORD:
            return []
        points = self._breaks(word.lower())
        if points and not word[1:].islower():
            for run in _LETTER_RUNS.finditer(word):
                if not run.group(0)[1:].islower():
                    points = [i for i in points if not run.start() < i < run.end()]
        if points and "-" in word:
            points = [i for i in points if word[i] != "-"]
        return points

    def __call__(self, word: str) -> Iterator[tuple[str, str]]:
        for position in reversed(self.positions(word)):
            yield word[:position], word[position:]

    def soft_token(self, match: re.Match[str]) -> str:
        """A token of `add_soft_hyphens` with its soft hyphens; remembered, as the same words recur."""
        token = match.group(0)
        done = self._tokens.get(token)
        if done is None:
            if _RL_PLAIN.match(token) or _ADDRESS.search(token):
                done = token
            else:
                done = _LETTER_RUN.sub(lambda m: self.soft_hyphenated(m.group(0)), token)
            if len(token) <= MAX_WORD:  # a hostile 100,000-letter token is not kept
                if len(self._tokens) >= _MAX_WORD_CACHE:
                    self._tokens.clear()
                self._tokens[token] = done
        return done

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


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/vsp`, else `~/.cache/vsp`."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base and os.path.isabs(base) else Path.home() / ".cache") / "vsp"


def _dictionary() -> tuple[Path, str]:
    import pyphen  # type: ignore[import-untyped]

    path = Path(str(pyphen.LANGUAGES[LANGUAGE]))
    key = f"{_FORMAT} pyphen={pyphen.__version__} dic={path.name}:{path.stat().st_size}"
    return path, key


#: Where the dictionary's second level (the syllables of each part) begins.
_NEXT_LEVEL = "NEXTLEVEL"
#: Separates the two levels' tables in the cache text (never part of a pattern).
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


def _build_text(path: Path) -> str | None:
    """Parse both levels of the dictionary (the slow part) and serialise them; None if it has special
    rules or only one level."""
    data = path.read_bytes()
    encoding = data.partition(b"\n")[0].decode("ascii").strip()
    lines = data.decode("cp1251" if encoding.lower() == "microsoft-cp1251" else encoding).split("\n")[1:]
    if _NEXT_LEVEL not in lines:
        return None
    split = lines.index(_NEXT_LEVEL)
    compounds, syllables = _parse_level(lines[:split]), _parse_level(lines[split + 1 :])
    if compounds is None or syllables is None:
        return None
    return compounds + _LEVELS + syllables


def _read_cache(file: Path, key: str) -> str | None:
    """The cached table, or None if there is none or it is not one (a pipe in its place is not waited on)."""
    try:
        data = read_regular(file)
    except OSError:
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
    body = text.encode("utf-8")
    data = f"{key} crc={zlib.crc32(body):08x}\n".encode() + body
    with contextlib.suppress(OSError):
        write_atomic(file, data)


@cache
def german_hyphenator(use_cache: bool = True) -> Hyphenator:
    """The process-wide German hyphenator; the patterns are read from the cache file or parsed once."""
    path, key = _dictionary()
    try:
        cache_file: Path | None = cache_dir() / f"hyph_{LANGUAGE}.txt" if use_cache else None
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
    compounds, found, syllables = text.partition(_LEVELS)
    if not found:
        raise ValueError("pattern table has one level")
    return GermanHyphenator(PatternTable(compounds), PatternTable(syllables))


#: Letters ReportLab's hyphenator accepts in a word (its `_hy_letters`), as one character class.
_LETTERS = "A-Za-z\xc0-\xd6\xd8-\xf6\xf8-\u024f\u1e00-\u1eff\u0410-\u044f"
#: Leading and trailing punctuation ReportLab strips before hyphenating (its `_hy_pfx_pat`, `_hy_sfx_pat`).
_RL_PREFIX = "'\"([{\xbf\u2018\u201a\u201c\u201e"
_RL_SUFFIX = "]'\")}?!.,;:\u2019\u201b\u201d\u201f"
_RL_PLAIN = re.compile(f"^[{re.escape(_RL_PREFIX)}]*[{_LETTERS}]+[{re.escape(_RL_SUFFIX)}]*$")
#: Tokens of six or more characters: shorter words are never hyphenated, so they are not even looked at.
_TOKEN = re.compile(r"\S{6,}")
#: Web and mail addresses, paths and file names are never hyphenated: a hyphen would change them.
_ADDRESS = re.compile(
    r"://|@|^www\.|\.(?:de|org|com|net|eu)\b|\\|_|\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|txt|zip|png|jpe?g)\b",
    re.IGNORECASE,
)
_LETTER_RUN = re.compile(f"[{_LETTERS}]{{5,}}")


def add_soft_hyphens(text: str, hyphenator: Hyphenator) -> str:
    """Soft hyphens in the words ReportLab would not hyphenate itself.

    ReportLab hyphenates a word only if it is letters with a few known punctuation marks around it; German
    closing quotes („Teilhabe“), guillemets and slashes keep it from breaking the word at all. Such words
    get soft hyphens at pyphen's break points, which ReportLab honours and removes where it does not break.
    """
    if not isinstance(hyphenator, GermanHyphenator) or "\xad" in text:
        return text
    return _TOKEN.sub(hyphenator.soft_token, text)
