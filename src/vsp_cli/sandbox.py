"""Jinja's sandbox for templates from a repository vsp may not trust, and a budget for every render.

A template may come with a pull request. In a plain `jinja2.Environment` it reaches Python's `os` module
(`cycler.__init__.__globals__`); Jinja's `ImmutableSandboxedEnvironment` refuses attributes starting with `_`
and anything that changes a list or a mapping, and the context holds plain data only (`markdown.context`), so
no object with methods that reach files or the process is in reach. Nothing random either: `random` and
`lipsum` are gone, and nothing prints an address or a set's order (`_stable`), so the same input gives the same
bytes.

The budget bounds what one render may cost, whatever the template does:

- CPU time (`MAX_TEMPLATE_SECONDS`): checked at every call (macros included), Jinja filter, test, operator and loop
  step, which are the only ways a template repeats work; a loop that prints nothing still steps through
  `_vsp_loop`, which wraps the iterable of every `{% for %}` when the template is compiled. The clock is read
  at every 64th step only: a statement's render has a few dozen.
- Size (`MAX_TEMPLATE_CHARS`): the output, and every text, list or number a step makes. Steps that could make a huge
  value out of small ones at once are checked before they run: `+`, `~`, `*` and `**`, padding and widths
  (`center`, `indent`, format specifications), the texts a format puts in, `replace` and `join`.

- Memory (`MAX_TEMPLATE_MEMORY`): the values alive at once, each within the limits above, may not together
  take more (`memory_cap`, Linux): an allocation past it raises `MemoryError`.

Exceeding it raises `BudgetExceeded`, which the caller reports as a located `template-budget` error: never
a hang, never an internal error.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import os
import re
import time
import types
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, Mapping, Sequence, ValuesView
from contextvars import ContextVar
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.compiler import operators as compiler_operators
from jinja2.runtime import Context, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.utils import Namespace

from .commonmark import STEP
from .diagnostics import german_number
from .limits import (
    MAX_TEMPLATE_BITS,
    MAX_TEMPLATE_CHARS,
    MAX_TEMPLATE_COMPARED_CHARS,
    MAX_TEMPLATE_ITEMS,
    MAX_TEMPLATE_MEMORY,
    MAX_TEMPLATE_SECONDS,
    MAX_TEMPLATE_WIDTH,
)

try:
    import resource
except ImportError:  # Windows: no limit on memory beyond the values' own
    resource = None  # type: ignore[assignment]

#: Reads the clock at every 64th step.
_CLOCK_EVERY = 63
#: The filter that wraps the iterable of every for loop.
LOOP_FILTER = "_vsp_loop"


def _threads() -> int:
    """The threads of this process as the system counts them, also those native code started (watchfiles'
    watcher under `--watch`), which `threading` does not see; 0 where /proc cannot tell."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0


@contextlib.contextmanager
def memory_cap() -> Iterator[None]:
    """While the block runs, the process may take no more than `MAX_TEMPLATE_MEMORY` bytes of address space
    beyond what it has: an allocation past that raises `MemoryError` (which the caller reports as the template's
    budget) instead of filling the machine. Python cannot count a render's memory itself; the limit is the
    operating system's (`RLIMIT_AS`), so it is set only where it is kept (Linux, which tells the size through
    /proc) and only in a process running a single thread, which no other thread's allocation can then fail."""
    if resource is None or _threads() != 1:
        yield
        return
    try:
        with open("/proc/self/statm", "rb") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, ValueError, IndexError):
        yield
        return
    cap = size + MAX_TEMPLATE_MEMORY
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # a tighter limit already holds
        return
    restore = (soft, hard)  # made now: when the cap is reached, not even a tuple can be made
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, restore)


class BudgetExceeded(Exception):
    """A render went over its budget; `what` says which, in German."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class Budget:
    """The CPU time left to one render."""

    __slots__ = ("deadline", "steps")

    def __init__(self) -> None:
        self.deadline = time.process_time() + MAX_TEMPLATE_SECONDS
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        if not self.steps & _CLOCK_EVERY and time.process_time() > self.deadline:
            raise BudgetExceeded(
                f"mehr als {MAX_TEMPLATE_SECONDS:g} s Rechenzeit (Grenze MAX_TEMPLATE_SECONDS); läuft eine Schleife zu oft?"
            )


#: The budget of the render running in this thread (None: no render, e.g. compiling ahead of one).
CURRENT: ContextVar[Budget | None] = ContextVar("vsp_template_budget", default=None)


def _step() -> None:
    budget = CURRENT.get()
    if budget is not None:
        budget.step()


def _too_big(what: str) -> BudgetExceeded:
    return BudgetExceeded(f"ein Zwischenergebnis wäre zu groß ({what})")


#: The attributes of a mapping, which Jinja prefers to its items of the same name.
_DICT_ATTRIBUTES = frozenset(dir(dict))
#: Values `sized` has nothing to look at.
_SMALL = frozenset({type(None), bool, float, dict})


def sized(value: Any) -> Any:
    """`value`, if it is within the size limits."""
    if isinstance(value, str):
        if len(value) > MAX_TEMPLATE_CHARS:
            raise _too_big(f"mehr als {german_number(MAX_TEMPLATE_CHARS)} Zeichen, Grenze MAX_TEMPLATE_CHARS")
    elif isinstance(value, list | tuple):
        if len(value) > MAX_TEMPLATE_ITEMS:
            raise _too_big(
                f"mehr als {german_number(MAX_TEMPLATE_ITEMS)} Einträge, Grenze MAX_TEMPLATE_ITEMS"
            )
    elif isinstance(value, int) and value.bit_length() > MAX_TEMPLATE_BITS:
        raise _too_big(
            f"eine Zahl mit mehr als {german_number(MAX_TEMPLATE_BITS)} Bit, Grenze MAX_TEMPLATE_BITS"
        )
    elif type(value) not in _SMALL:
        return _stable(value)
    return value


# --- comparing and hashing --------------------------------------------------------------------------------
#
# Python compares lists, tuples and mappings item by item, and hashes a tuple the same way, all in one step that
# the budget cannot interrupt. A list may hold the same list many times, so a small value can stand for an
# enormous one: `{% set ns.a = [ns.a, ns.a] %}` sixty times makes a list of 2**60 items in a few hundred bytes,
# and comparing two of them (`==`, `in`, `sort`, a tuple as a key) ran for ever. Every value a comparison or a
# hash looks at is walked first, stepping the budget, and refused past `MAX_TEMPLATE_ITEMS` items in all.

#: The values Python compares and hashes item by item.
_CONTAINERS = (list, tuple, dict, KeysView, ValuesView, ItemsView)


def compared(value: Any) -> Any:
    """`value`, if comparing or hashing it looks at no more than `MAX_TEMPLATE_ITEMS` items and
    `MAX_TEMPLATE_COMPARED_CHARS` characters of text (a list held twice counted twice)."""
    if not isinstance(value, _CONTAINERS):
        return value
    return _walked(value, MAX_TEMPLATE_COMPARED_CHARS, _COMPARED)


def printed(value: Any) -> Any:
    """`value`, if its text holds no more than `MAX_TEMPLATE_ITEMS` items and `MAX_TEMPLATE_CHARS` characters
    of text: printing a list prints every list it holds, as often as it holds it, in one step (`{{ ns.a }}`,
    `| string`, `| tojson`, `~`, `%` after forty doublings of `ns.a`: 10 to 60 s until memory ran out)."""
    if isinstance(value, Namespace):
        value = dict(value._Namespace__attrs)  # what its text shows
    if not isinstance(value, _CONTAINERS):
        return value
    return _walked(value, MAX_TEMPLATE_CHARS, _PRINTED)


#: How a walk's refusal reads: the items, then the characters (`compared`, `printed`).
_COMPARED = (
    "ein Vergleich über mehr als {items} Einträge (Grenze MAX_TEMPLATE_ITEMS); enthält eine Liste sich selbst "
    "vielfach?",
    "ein Vergleich über mehr als {chars} Zeichen (Grenze MAX_TEMPLATE_COMPARED_CHARS); enthält eine Liste "
    "einen langen Text vielfach?",
)
_PRINTED = (
    "ein Text aus mehr als {items} Einträgen (Grenze MAX_TEMPLATE_ITEMS); enthält eine Liste sich selbst "
    "vielfach?",
    "ein Text aus mehr als {chars} Zeichen (Grenze MAX_TEMPLATE_CHARS); enthält eine Liste einen langen Text "
    "vielfach?",
)


def _walked(value: Any, max_chars: int, messages: tuple[str, str]) -> Any:
    """`value` after walking everything it holds, stepping the budget; refused past `MAX_TEMPLATE_ITEMS` items
    or `max_chars` characters of text in all."""
    budget = CURRENT.get()
    count = chars = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if budget is not None:
            budget.step()
        children = [*item.keys(), *item.values()] if isinstance(item, Mapping) else item
        count += len(children)
        if count > MAX_TEMPLATE_ITEMS:
            raise BudgetExceeded(messages[0].format(items=german_number(MAX_TEMPLATE_ITEMS)))
        chars += sum(len(child) for child in children if isinstance(child, str))
        if chars > max_chars:
            raise BudgetExceeded(messages[1].format(chars=german_number(max_chars)))
        stack.extend(child for child in children if isinstance(child, _CONTAINERS))
    return value


#: Filters and tests that compare or hash their values.
_COMPARING_FILTERS = frozenset({"sort", "unique", "min", "max", "dictsort", "groupby"})
_COMPARING_TESTS = frozenset(
    {"in", "==", "eq", "equalto", "!=", "ne", ">", "gt", "greaterthan", ">=", "ge", "<", "lt", "lessthan", "<=", "le"}
)  # fmt: skip


# --- the same text for the same input -----------------------------------------------------------------------
#
# Python prints a function, a method, a generator or an object without a text of its own with its address
# (`<generator object … at 0x7f3a…>`), and a set in the order of its hashes, which differ from process to
# process: a template printing `[1] | map("string")` (a `| list` forgotten), `"".upper` or `cycler()` made
# different bytes in every run. Such values reach a template only through the sandbox's steps (attributes,
# items, calls, filters, operators) and its globals; each comes back as a stand-in that prints its kind alone
# and that the sandbox unwraps before using it, and a set as a sorted list.


class _Opaque:
    """A value whose own text names its address; prints as `<kind name>`."""

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value = value

    def __repr__(self) -> str:
        kind = (
            "Funktion" if callable(self._value) else "Folge" if hasattr(self._value, "__next__") else "Objekt"
        )
        name = getattr(self._value, "__name__", None) or type(self._value).__name__
        return f"<{kind} {name}>"


class _OpaqueCallable(_Opaque):
    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # as the sandbox calls it: never, it unwraps first
        raise TypeError("nur über die Sandbox aufrufbar")


class _OpaqueIterator(_Opaque):
    __slots__ = ()

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        return sized(next(self._value))


#: The texts of types that print an address (or a set's order).
_ADDRESS_REPRS: frozenset[object] = frozenset(
    {
        object.__repr__,
        types.FunctionType.__repr__,
        types.BuiltinFunctionType.__repr__,
        types.MethodType.__repr__,
        types.MethodWrapperType.__repr__,
        types.GeneratorType.__repr__,
    }
)


def _stable(value: Any) -> Any:
    """`value`, or a stand-in that prints the same in every process (see above)."""
    if isinstance(value, set | frozenset):
        try:
            return sorted(value)
        except TypeError:
            return sorted(value, key=repr)
    text: object = type(value).__repr__
    if isinstance(value, _Opaque) or text not in _ADDRESS_REPRS:
        return value
    if callable(value):
        return _OpaqueCallable(value)
    if hasattr(value, "__next__"):
        return _OpaqueIterator(value)
    return _Opaque(value)


def unwrapped(value: Any) -> Any:
    """The value a stand-in of `_stable` stands for."""
    return value._value if isinstance(value, _Opaque) else value


def _width(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_TEMPLATE_WIDTH:
        raise _too_big(f"eine Breite oder Anzahl von {german_number(value)}, Grenze MAX_TEMPLATE_WIDTH")


def _widths(args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        _width(value)


def _chars(count: int) -> None:
    if count > MAX_TEMPLATE_CHARS:
        raise _too_big(f"mehr als {german_number(MAX_TEMPLATE_CHARS)} Zeichen, Grenze MAX_TEMPLATE_CHARS")


#: A printf field: flags, width and precision (either may be `*`, taken from the arguments).
_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


def _printf(template: str, args: Any) -> None:
    """Refuse `%`-formatting whose widths (written, or taken from the arguments by `*`) are too wide, or whose
    texts put in would make too long a text (`"%(a)s%(a)s…" % {"a": long}` repeats one)."""
    starred = False
    fields = 0
    for m in _PRINTF_FIELD.finditer(template):
        fields += 1
        for part in m.groups():
            if part == "*":
                starred = True
            elif part is not None:
                _width(int(part))
    if starred:
        _widths(args if isinstance(args, tuple) else (args,), {})
    if isinstance(args, Mapping):  # a key may be put in at every field
        longest = max((len(v) for v in args.values() if isinstance(v, str)), default=0)
        _chars(len(template) + fields * longest)
    else:  # each field takes the next argument
        _chars(
            len(template)
            + sum(len(v) for v in (args if isinstance(args, tuple) else (args,)) if isinstance(v, str))
        )


def _spec(spec: str) -> None:
    """Refuse a format specification (`>999999999`) whose width or precision is too wide."""
    for digits in _DIGITS.findall(spec):
        _width(int(digits))


# --- what single steps could make too large -----------------------------------------------------------------


def _multiply(left: Any, right: Any) -> None:
    for seq, times in ((left, right), (right, left)):
        if isinstance(times, int) and not isinstance(times, bool):
            if isinstance(seq, str):
                _chars(len(seq) * max(times, 0))
            elif isinstance(seq, list | tuple) and len(seq) * max(times, 0) > MAX_TEMPLATE_ITEMS:
                raise _too_big(
                    f"mehr als {german_number(MAX_TEMPLATE_ITEMS)} Einträge, Grenze MAX_TEMPLATE_ITEMS"
                )
    if (
        isinstance(left, int)
        and isinstance(right, int)
        and left.bit_length() + right.bit_length() > MAX_TEMPLATE_BITS
    ):
        raise _too_big(
            f"eine Zahl mit mehr als {german_number(MAX_TEMPLATE_BITS)} Bit, Grenze MAX_TEMPLATE_BITS"
        )


def _power(base: Any, exponent: Any) -> None:
    big = isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1
    if big and exponent * base.bit_length() > MAX_TEMPLATE_BITS:
        raise _too_big(
            f"eine Zahl mit mehr als {german_number(MAX_TEMPLATE_BITS)} Bit, Grenze MAX_TEMPLATE_BITS"
        )


def _replace(text: Any, old: Any, new: Any) -> None:
    """`text.replace(old, new)` can grow `text` by `len(new)` at every match (of "" at every character)."""
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        matches = len(text) + 1 if not old else len(text) // len(old)
        _chars(len(text) + matches * (len(new) - len(old)))


def _join(separator: Any, items: Sequence[Any]) -> None:
    if isinstance(separator, str):
        _chars(len(separator) * max(len(items) - 1, 0) + sum(len(str(item)) for item in items))


def _add(left: Any, right: Any) -> None:
    if isinstance(left, str) and isinstance(right, str):
        _chars(len(left) + len(right))
    elif isinstance(left, list | tuple) and isinstance(right, list | tuple):
        _items(len(left) + len(right))


def _items(count: int) -> None:
    if count > MAX_TEMPLATE_ITEMS:
        raise _too_big(f"mehr als {german_number(MAX_TEMPLATE_ITEMS)} Einträge, Grenze MAX_TEMPLATE_ITEMS")


def _binop_check(operator: str, left: Any, right: Any) -> None:
    if operator == "+":
        _add(left, right)
    elif operator == "*":
        _multiply(left, right)
    elif operator == "**":
        _power(left, right)
    elif operator == "%" and isinstance(left, str):
        _printf(left, right)


#: Methods of texts and numbers whose results the limits cannot measure beforehand, refused: bytes, which no limit
#: on texts sees (`"a".encode().ljust(10**11)`, `(1).to_bytes(10**11)` took all memory where the cap is not
#: set), and `translate`, whose table may put a long text in for every character.
_UNMEASURED = frozenset({"encode", "to_bytes", "translate"})
#: Methods of a text that pad to a width given as argument.
_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
#: Methods of a text that take characters off its ends.
_STRIPPING = frozenset({"strip", "lstrip", "rstrip"})


def _strip(text: Any, chars: Any) -> None:
    """Refuse stripping `text` of `chars` where that would take too long: Python looks each character it takes
    off up in `chars` (`("a" * 1000000).strip("b" * 1000000 ~ "a")` took 17 s, in one step)."""
    if (
        isinstance(text, str)
        and isinstance(chars, str)
        and len(chars) * (len(text) + 1) > MAX_TEMPLATE_COMPARED_CHARS
    ):
        raise BudgetExceeded(
            f"ein Text von {german_number(len(text))} Zeichen würde um die Zeichen eines Textes von "
            f"{german_number(len(chars))} Zeichen gekürzt; das dauerte zu lange"
        )


def _call_check(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Check a call of a text's method before it runs; the arguments to pass on (a `join` gets a list)."""
    owner = getattr(obj, "__self__", None)
    if owner is None:  # a text's `format`, which the sandbox hands out wrapped (`wrap_str_format`)
        owner = getattr(getattr(obj, "__wrapped__", None), "__self__", None)
    # `list.index(x)` compares `x` with the list's items, `dict(pairs)` hashes keys, `loop.changed(x)` compares;
    # a mapping's own methods (`statement.get(k)`) hash only their arguments: the statement is not walked. A
    # text's methods (`", ".join(x)`, `"{}".format(x)`) make text of their arguments.
    check = printed if isinstance(owner, str) else compared
    for value in (owner if isinstance(owner, list | tuple) else None, *args, *kwargs.values()):
        check(value)
    if not isinstance(owner, str):
        return args
    name = getattr(obj, "__name__", "")
    if name in _PADDING:
        _widths(args, kwargs)
        if name == "expandtabs":
            size = next(iter((*args, *kwargs.values())), 8)
            if isinstance(size, int):
                _chars(len(owner) + owner.count("\t") * max(size, 0))
    elif name == "replace" and len(args) >= 2:
        _replace(owner, args[0], args[1])
    elif name in _STRIPPING and args:
        _strip(owner, args[0])
    elif name == "join" and args:
        items = list(args[0])
        _join(owner, items)
        return (items, *args[1:])
    return args


# --- filters ------------------------------------------------------------------------------------------------

#: Filters whose arguments (after the value) are widths, counts or lengths.
_WIDTH_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice", "urlize", "tojson"})


def _filter_check(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Check a filter's arguments before it runs; the value to pass on (a `join` gets a list)."""
    if name in _WIDTH_FILTERS:
        _widths(args, kwargs)
    if name == "indent" and isinstance(value, str):
        width = next(iter((*args, *kwargs.values())), 4)
        if isinstance(width, int):
            _chars(len(value) + (value.count("\n") + 1) * max(width, 0))
        elif isinstance(width, str):
            _chars(len(value) + (value.count("\n") + 1) * len(width))
    elif name == "replace" and len(args) >= 2:
        _replace(value, args[0], args[1])
    elif name == "wordwrap" and isinstance(value, str):
        _wordwrap(value, args, kwargs)
    elif name == "urlize":
        _urlize(str(value))
    elif name == "trim":
        _strip(value, next(iter((*args, *kwargs.values())), None))
    elif name == "round":
        _round(args, kwargs)
    elif name == "join" and not isinstance(value, str):
        value = list(value)
        separator = args[0] if args else kwargs.get("d", "")
        _join(separator, value)
    elif name == "format" and isinstance(value, str):
        _printf(value, kwargs or args)  # what Jinja's `format` passes to `%`
    elif name in _COMPARING_FILTERS and not isinstance(value, str):
        value = compared(value if isinstance(value, Mapping) else list(value))
    elif name == "sum" and not isinstance(value, str):
        # lists added up copy the sum so far at each step: a million short ones took hours
        value = list(value)
        sizes = [len(item) for item in value if isinstance(item, str | list | tuple)]
        if sizes and len(value) * sum(sizes) > MAX_TEMPLATE_CHARS * 10:
            raise _too_big(
                f"{german_number(len(value))} Listen mit sum zusammengefügt, Grenze MAX_TEMPLATE_CHARS"
            )
    return value


#: Characters `wordwrap` may copy while it breaks long words: Python's `textwrap` copies the rest of a word at
#: every line it breaks off, so `("a" * 9000000) | wordwrap(1)` copied 4 * 10**13 characters, for hours.
_MAX_WRAP_COPIES = MAX_TEMPLATE_CHARS * 1000


def _wordwrap(text: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse `wordwrap` (width, break_long_words, wrapstring, …) that would copy long words for ever, or put in
    its line break too often."""
    given = dict(zip(("width", "break_long_words", "wrapstring"), args, strict=False)) | kwargs
    width, breaking, wrapstring = (
        given.get("width", 79),
        given.get("break_long_words", True),
        given.get("wrapstring"),
    )
    if not isinstance(width, int) or width < 1:
        return  # textwrap's own error
    if isinstance(wrapstring, str):
        _chars(len(text) + (len(text) // width + text.count("\n") + 1) * len(wrapstring))
    if breaking:
        # from a word's start only: tried at every character, `\S{n,}` scanned each shorter word's rest again
        words = [m.end() - m.start() for m in re.finditer(rf"(?<!\S)\S{{{width + 1},}}", text)]
        if sum(length * length for length in words) // (2 * width) > _MAX_WRAP_COPIES:
            raise BudgetExceeded(
                f"wordwrap bräche ein Wort von {german_number(max(words))} Zeichen in Zeilen zu {width} Zeichen "
                "um; das dauerte zu lange"
            )


#: Bits of `10 ** n` per unit of `n`.
_BITS_PER_DIGIT = math.log2(10)


def _round(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse `round` to a precision whose power of ten is larger than `MAX_TEMPLATE_BITS`: Python rounds an
    integer to `-n` places (Jinja's methods floor and ceil any number to `n`) with `10 ** n`, made in one step no
    budget interrupts (`1 | round(-99999999)` ran for five minutes)."""
    precision = (dict(zip(("precision", "method"), args, strict=False)) | kwargs).get("precision", 0)
    if isinstance(precision, int) and abs(precision) * _BITS_PER_DIGIT > MAX_TEMPLATE_BITS:
        raise _too_big(
            f"eine Zahl mit mehr als {german_number(MAX_TEMPLATE_BITS)} Bit, Grenze MAX_TEMPLATE_BITS"
        )


#: Runs of what `urlize` takes off the end of a word before it looks for an address („(siehe https://…).“):
#: inside a word (shorter ones cost it little), and at a word's end (to be balanced with opening brackets).
_INNER_RUN = re.compile(r"(?<![)>.,])[)>.,]{8,}(?=[^)>.,\s])")
_FINAL_RUN = re.compile(r"(?<![)>.,])[)>.,]{64,}(?!\S)")
#: Steps `urlize` may take over such runs: a regular expression searched once, which no budget interrupts.
_MAX_URLIZE_STEPS = MAX_TEMPLATE_CHARS


def _urlize(text: str) -> None:
    """Refuse `urlize` on words it would take too long over. Jinja searches the end of a word ending in „)“,
    „>“, „.“ or „,“ from every such character in it, each time to the end of its run (time squared in a run of
    them inside the word: `")" * 30000 ~ "a)"` took 30 s, in one step), and then moves that end back piece by
    piece while the word opens more brackets than it closes, copying the rest each time (`"a(" * n ~ ")" * n`
    took time squared in `n`). Counted generously: all runs inside words, and all brackets before a long end."""
    steps = sum(len(run) ** 2 for run in _INNER_RUN.findall(text))
    before = 0
    for run in _FINAL_RUN.finditer(text):
        opened = text.count("(", before, run.start()) + text.count("<", before, run.start())
        steps += (run.end() - run.start()) * opened
        before = run.end()
    if steps > _MAX_URLIZE_STEPS:
        raise BudgetExceeded(
            "urlize ginge lange Folgen von „)“, „>“, „.“ oder „,“ in Wörtern Zeichen für Zeichen durch; das dauerte "
            "zu lange"
        )


#: Filters `_filter_check` looks at besides `_WIDTH_FILTERS`.
_CHECKED_FILTERS = _WIDTH_FILTERS | _COMPARING_FILTERS | {"replace", "join", "format", "sum", "round", "trim"}


#: Filters that turn their value (and `format` its arguments) into text: a list prints all it holds.
_PRINTING_FILTERS = frozenset(
    {
        "string", "tojson", "pprint", "join", "format", "upper", "lower", "title", "capitalize", "trim", "center",
        "indent", "truncate", "wordwrap", "wordcount", "striptags", "urlize", "replace", "escape", "e",
        "forceescape", "safe", "urlencode", "xmlattr",
    }
)  # fmt: skip


def _guarded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` with a budget step before it, its arguments checked and its result's size checked after it."""
    at = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0  # context or environment first
    printing = name in _PRINTING_FILTERS

    if name not in _CHECKED_FILTERS:

        @functools.wraps(func)  # keeps `jinja_pass_arg`
        def stepped(*args: Any, **kwargs: Any) -> Any:
            budget = CURRENT.get()
            if budget is not None:
                budget.step()
            if printing:
                for value in args[at:]:
                    printed(value)
            return sized(func(*args, **kwargs))

        return stepped

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _step()
        if printing:
            for value in args[at:]:
                printed(value)
        if len(args) > at:
            value = _filter_check(name, args[at], args[at + 1 :], kwargs)
            if value is not args[at]:
                args = (*args[:at], value, *args[at + 1 :])
        return sized(func(*args, **kwargs))

    return guarded


def _own_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """One of vsp's own filters, stepping the budget before it and, while it parses Markdown, at every position
    (`commonmark.STEP`): its time grows with its input, which a template may make 10,000,000 characters long."""

    at = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0  # context or environment first

    @functools.wraps(func)  # keeps `jinja_pass_arg`
    def stepped(*args: Any, **kwargs: Any) -> Any:
        _step()
        if len(args) > at:
            printed(args[at])  # they take text: a list is printed first
        token = STEP.set(_step)
        try:
            return func(*args, **kwargs)
        finally:
            STEP.reset(token)

    return stepped


def _guarded_test(name: str, func: Any) -> Callable[..., Any]:
    comparing = name in _COMPARING_TESTS

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _step()
        if comparing:
            for value in (*args, *kwargs.values()):
                compared(value)
        return func(*args, **kwargs)

    return guarded


def _loop(iterable: Iterable[Any]) -> Iterable[Any]:
    """A for loop's iterable, stepping the budget at every item (also those the loop's `if` skips)."""
    budget = CURRENT.get()
    return iterable if budget is None else _stepping(iterable, budget)


def _stepping(iterable: Iterable[Any], budget: Budget) -> Iterator[Any]:
    for item in iterable:
        budget.step()
        yield sized(item)


def _bounded_concat(pieces: Iterable[str]) -> str:
    """Jinja's join of a template's, macro's or block's output pieces, refusing more than `MAX_TEMPLATE_CHARS`: counted
    before a list is joined, and piece by piece while a template's output is made."""
    if type(pieces) is list:
        if sum(map(len, pieces)) > MAX_TEMPLATE_CHARS:
            raise _too_long_output()
        return "".join(pieces)
    made: list[str] = []  # a template's output as it is made: counted some pieces at a time
    size = 0
    stream = iter(pieces)
    while batch := list(itertools.islice(stream, _BATCH)):
        size += sum(map(len, batch))
        if size > MAX_TEMPLATE_CHARS:
            raise _too_long_output()
        made += batch
    return "".join(made)


#: Pieces of output counted at a time: a statement's template makes some sixty.
_BATCH = 64


def _too_long_output() -> BudgetExceeded:
    return BudgetExceeded(
        f"mehr als {german_number(MAX_TEMPLATE_CHARS)} Zeichen Ausgabe (Grenze MAX_TEMPLATE_CHARS)"
    )


class _Formatter(SandboxedFormatter):
    """`str.format` in the sandbox, refusing widths beyond `MAX_TEMPLATE_WIDTH` (`"{:>999999999}"`) and fields
    that together would make too long a text (`"{0}{0}{0}…".format(long)`): counted as they are made."""

    made = 0

    def vformat(self, format_string: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
        self.made = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        _step()
        _spec(format_spec)
        field = sized(super().format_field(value, format_spec))
        self.made += len(field)
        _chars(self.made)
        return field


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with every `~` going through `Sandbox.concat_checked`: Jinja joins its pieces
    directly, so `a ~ a` doubled a text at each step, past any limit."""

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.concat_checked({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    @optimizeconst
    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        """Every operand of `==`, `<`, `in`, … through `Sandbox.compared`."""
        self.write("(environment.compared(")
        self.visit(node.expr, frame)
        self.write(")")
        for op in node.ops:
            self.visit(op, frame)
        self.write(")")

    def visit_Operand(self, node: nodes.Operand, frame: Frame) -> None:
        self.write(f" {compiler_operators[node.op]} environment.compared(")
        self.visit(node.expr, frame)
        self.write(")")

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        """Every key of a mapping written in a template through `Sandbox.compared`: it is hashed."""
        self.write("{")
        for item in node.items:
            self.write("environment.compared(")
            self.visit(item.key, frame)
            self.write("): ")
            self.visit(item.value, frame)
            self.write(", ")
        self.write("}")


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with vsp's budget; nothing random, nothing that reaches beyond the data."""

    intercepted_binops = frozenset({"+", "-", "*", "**", "%"})
    code_generator_class = _CodeGenerator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("finalize", printed)  # `{{ value }}` prints it
        super().__init__(*args, **kwargs)
        self.globals.pop("lipsum", None)  # random text; `range` is the sandbox's own, at most 100,000 steps
        self.globals["range"] = _stable(self.globals["range"])  # a function: printed with its address
        self._unguarded = {name: func for name, func in self.filters.items() if name != "random"}
        self.tests = {name: _guarded_test(name, test) for name, test in self.tests.items()}
        self.concat = _bounded_concat  # type: ignore[method-assign]
        self.install_filters({})

    def install_filters(self, filters: Mapping[str, Callable[..., Any]]) -> None:
        """Add vsp's own `filters` to Jinja's, which run guarded (`_guarded_filter`). vsp's own take time and
        memory in proportion to their input, as the tests of `markdown` make sure; they step the budget before
        they run and while they parse (`_own_filter`), and are not checked otherwise: a statement's render calls
        them dozens of times."""
        self.filters = {name: _guarded_filter(name, func) for name, func in self._unguarded.items()}
        self.filters.update({name: _own_filter(func) for name, func in filters.items()})
        self.filters[LOOP_FILTER] = _loop

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """The template's syntax tree, with the iterable of every for loop passed through `_vsp_loop`."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, LOOP_FILTER, [], [], None, None, lineno=loop.iter.lineno)
        return tree

    def compared(self, value: Any) -> Any:
        """An operand of a comparison or a key, if comparing or hashing it is within the budget."""
        return compared(value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _step()
        if operator == "-":  # `statement.keys() - other` hashes both
            compared(left)
            compared(right)
        elif operator == "%":  # `"%s" % value` prints it
            printed(left)
            printed(right)
        _binop_check(operator, left, right)
        return sized(super().call_binop(context, operator, left, right))

    def concat_checked(self, join: Callable[[Iterable[Any]], str], pieces: tuple[Any, ...]) -> str:
        """`~`: the pieces joined by Jinja's `join`, texts counted before they are joined."""
        _step()
        for piece in pieces:
            if type(piece) is not str:
                printed(piece)
        _chars(sum(len(piece) for piece in pieces if isinstance(piece, str)))
        joined: str = sized(join(pieces))
        return joined

    def getattr(self, obj: Any, attribute: str) -> Any:
        # A budget step for all but the context's mappings, read hundreds of times a render: a filter's attribute
        # path (`map(attribute="a.0.a.0…")`, with `ns.a = [ns]`) or a format field (`"{0.a.a…}"`) reads any
        # number of attributes and items in one step of the template (hours for a list of them).
        obj = unwrapped(obj)
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            # what Jinja does after looking for an attribute that a mapping does not have: the context's
            # mappings are read this way hundreds of times a render
            try:
                value = obj[attribute]
            except KeyError:
                pass
            else:
                if type(value) is str:
                    if len(value) > MAX_TEMPLATE_CHARS:
                        raise _too_big(
                            f"mehr als {german_number(MAX_TEMPLATE_CHARS)} Zeichen, Grenze MAX_TEMPLATE_CHARS"
                        )
                    return value
                return value if type(value) in _SMALL else sized(value)
        _step()
        return sized(super().getattr(obj, attribute))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr in _UNMEASURED and isinstance(obj, str | int):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj: Any) -> bool:
        return type(obj) is Macro or super().is_safe_callable(obj)  # a template's own macro

    def getitem(self, obj: Any, argument: Any) -> Any:
        _step()  # see `getattr`
        return sized(super().getitem(unwrapped(obj), compared(argument)))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _step()
        __obj = unwrapped(__obj)
        if type(__obj) is not Macro:
            args = _call_check(__obj, args, kwargs)
        return sized(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text: str = value.__self__
        formatter = _Formatter(self)
        is_map = value.__name__ == "format_map"

        def guarded(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    return wrapped(*args, **kwargs)  # Jinja's own message for a wrong call
                kwargs, args = args[0], ()
            return type(text)(formatter.vformat(text, args, kwargs))

        return functools.update_wrapper(guarded, value)
