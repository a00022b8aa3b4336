"""typer's own words in German: usage errors and the scaffolding of help pages (typer has them in English only).

Help pages keep typer's layout; a formatter swaps the headings, the usage prefix and the few fixed phrases
and type names typer writes itself. Everything vsp says in help texts is written in German in `cli.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import typer

# typer carries its own copy of click; its exceptions, context and formatter are not re-exported, hence the
# private modules.
from typer._click.core import Context
from typer._click.exceptions import (
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup

from .diagnostics import did_you_mean, escape_controls

__all__ = ["GermanCommand", "GermanGroup", "UsageError", "usage_message"]

#: Section headings and fixed phrases of typer's help pages.
_HEADINGS = {"Arguments": "Argumente", "Options": "Optionen", "Commands": "Befehle"}
_PHRASES = {
    "[OPTIONS]": "[OPTIONEN]",
    "COMMAND [ARGS]...": "BEFEHL [ARGUMENTE]...",
    "[required]": "[Pflichtangabe]",
    "[default: ": "[Vorgabe: ",
    "Show this message and exit.": "Diese Hilfe anzeigen und beenden.",
}
#: typer shows a value's Python type after its name; these are the German words for them.
_TYPES = {"str": "Text", "int": "Zahl", "path": "Pfad", "dir": "Ordner", "file": "Datei"}
_TYPE_LABEL = re.compile(r" <(?:list\[)?([^<>\[\]]+)\]?>")
_PHRASE = re.compile("|".join(map(re.escape, _PHRASES)))


def _german(text: str) -> str:
    return _PHRASE.sub(lambda m: _PHRASES[m.group(0)], text)


def _german_term(term: str) -> str:
    """`PFAD <list[str]>` → `PFAD <Text>`, `-j, --jobs <int>` → `-j, --jobs <Zahl>`; choices stay as they are."""
    return _TYPE_LABEL.sub(lambda m: f" <{_TYPES.get(m.group(1), m.group(1))}>", _german(term))


class GermanHelpFormatter(HelpFormatter):
    """typer's help formatter with German headings, usage prefix and fixed phrases."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, _german(args), "Aufruf: " if prefix is None else prefix)

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(_HEADINGS.get(name, name)):
            yield

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(_german_term(term), _german(text)) for term, text in rows], col_max, col_spacing)


class _GermanContext(typer.Context):
    formatter_class = GermanHelpFormatter


class GermanGroup(TyperGroup):
    """The command group of `vsp`, with German help and usage lines."""

    context_class = _GermanContext

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The commands with the whole first sentence of their help, wrapped if need be: typer cut it to the
        terminal's width with „...“."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=_WHOLE)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


#: A length no first sentence of a command's help reaches.
_WHOLE = 10_000


class GermanCommand(TyperCommand):
    """A `vsp` command with German help and usage lines."""

    context_class = _GermanContext


#: How every usage error starts, whether typer or vsp finds it.
_PREFIX = "vsp: Fehler im Aufruf: "
#: typer's other usage messages, matched whole, and their German wording.
_NO_SUCH_COMMAND = re.compile(r"No such command '(?P<name>[^']*)'.*", re.DOTALL)
_MESSAGES = (
    (
        re.compile(r"Option '(?P<option>[^']*)' requires an argument\."),
        "Die Option {option} braucht einen Wert",
    ),
    (
        re.compile(r"Option '(?P<option>[^']*)' requires (?P<n>\d+) arguments\."),
        "Die Option {option} braucht {n} Werte",
    ),
    (
        re.compile(r"Option '(?P<option>[^']*)' does not take a value\."),
        "Die Option {option} nimmt keinen Wert",
    ),
    (re.compile(r"Got unexpected extra argument\(s\) \((?P<extra>.*)\)"), "Überzählige Angabe: {extra}"),
)
_NOT_ONE_OF = re.compile(r"'(?P<value>[^']*)' is not one of (?P<choices>.*)\.$")
#: typer's checks of path options: `dir '/etc/passwd' is a file.` and the like.
_PATH_PROBLEM = re.compile(
    r"^\w+ (?P<path>'.*'|\".*\") (?P<problem>does not exist|is a file|is a directory|is not readable|is not writable)\.$"
)
_PATH_PROBLEMS = {
    "does not exist": "gibt es nicht",
    "is a file": "ist eine Datei, erwartet wird ein Ordner",
    "is a directory": "ist ein Ordner, erwartet wird eine Datei",
    "is not readable": "ist nicht lesbar",
    "is not writable": "ist nicht beschreibbar",
}


def _hint(exc: BadParameter) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
        return " / ".join(hint) if isinstance(hint, list | tuple) else str(hint)
    param = exc.param
    if param is None:
        return ""
    if param.param_type_name == "argument":
        return str(getattr(param, "metavar", None) or str(param.name).upper())
    return " / ".join(param.opts)


def _text(exc: UsageError) -> str:
    if isinstance(exc, NoSuchOption):
        # compared without their dashes, which every option shares: „--bogus“ is not close to „--jobs“
        options = sorted(exc.possibilities or [])
        hint = did_you_mean(exc.option_name, options, key=lambda option: option.lstrip("-"))
        return f"Unbekannte Option {exc.option_name}.{hint}"
    if isinstance(exc, MissingParameter):
        kind = "Option" if exc.param is not None and exc.param.param_type_name == "option" else "Angabe"
        return f"Es fehlt die {kind} {_hint(exc)}".rstrip()
    if isinstance(exc, BadParameter):
        found = _NOT_ONE_OF.search(exc.message)
        if found:
            choices = found["choices"].replace("'", "")
            return f"Ungültiger Wert „{found['value']}“ für {_hint(exc)}; erlaubt: {choices}"
        found = _PATH_PROBLEM.match(exc.message)
        if found:
            path = found["path"][1:-1]
            return f"Ungültiger Wert für {_hint(exc)}: „{path}“ {_PATH_PROBLEMS[found['problem']]}"
        if "integer" in exc.message:
            return f"Ungültiger Wert für {_hint(exc)}: eine ganze Zahl erwartet"
        return f"Ungültiger Wert für {_hint(exc)} ({exc.message})"
    found = _NO_SUCH_COMMAND.fullmatch(exc.message)
    if found:
        group = exc.ctx.command if exc.ctx is not None else None
        commands = group.list_commands(exc.ctx) if isinstance(group, TyperGroup) and exc.ctx else []
        hint = did_you_mean(found["name"], commands)
        return f"Unbekannter Befehl „{found['name']}“" + (f".{hint}" if hint else "")
    for pattern, german in _MESSAGES:
        found = pattern.fullmatch(exc.message)
        if found:
            return german.format(**found.groupdict())
    return exc.message


def usage_message(exc: UsageError) -> str:
    """`vsp: Fehler im Aufruf: …`, the usage line and where to find help; for `vsp` alone, its help."""
    if isinstance(exc, NoArgsIsHelpError):
        return exc.message.rstrip("\n") + "\n"
    lines = [f"{_PREFIX}{_text(exc)}"]
    if exc.ctx is not None:
        lines.append(exc.ctx.get_usage())
        lines.append(f"Hilfe: {exc.ctx.command_path} --help")
    return "\n".join(lines) + "\n"


def command_usage_message(message: str, command: str) -> str:
    """A usage error vsp finds after parsing (a path that names nothing, a bad --shard), said the same way; a
    name or value in it (a folder of the repository that cannot be read, CI_NODE_INDEX) with its terminal
    controls escaped."""
    return f"{_PREFIX}{escape_controls(message)}\nHilfe: vsp {command} --help\n"
