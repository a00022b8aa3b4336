"""Command-line usage errors in German: typer/click word them in English only."""

from __future__ import annotations

import re

# typer carries its own copy of click; its exceptions are not re-exported, hence the private module.
from typer._click.exceptions import BadParameter, MissingParameter, NoSuchOption, UsageError

from .diagnostics import did_you_mean

__all__ = ["UsageError", "usage_message"]

_NO_SUCH_COMMAND = re.compile(r"No such command '(?P<name>[^']*)'")
_NOT_ONE_OF = re.compile(r"'(?P<value>[^']*)' is not one of (?P<choices>.*)\.$")


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
        options = sorted(exc.possibilities or [])
        return f"Unbekannte Option {exc.option_name}.{did_you_mean(exc.option_name, options)}"
    if isinstance(exc, MissingParameter):
        kind = "Option" if exc.param is not None and exc.param.param_type_name == "option" else "Angabe"
        return f"Es fehlt die {kind} {_hint(exc)}".rstrip()
    if isinstance(exc, BadParameter):
        found = _NOT_ONE_OF.search(exc.message)
        if found:
            choices = found["choices"].replace("'", "")
            return f"Ungültiger Wert „{found['value']}“ für {_hint(exc)}; erlaubt: {choices}"
        if "integer" in exc.message:
            return f"Ungültiger Wert für {_hint(exc)}: eine ganze Zahl erwartet"
        return f"Ungültiger Wert für {_hint(exc)} ({exc.message})"
    found = _NO_SUCH_COMMAND.search(exc.message)
    if found:
        return f"Unbekannter Befehl „{found['name']}“"
    return exc.message


def usage_message(exc: UsageError) -> str:
    """`vsp: Fehler im Aufruf: …`, the usage line and where to find help."""
    lines = [f"vsp: Fehler im Aufruf: {_text(exc)}"]
    if exc.ctx is not None:
        lines.append(exc.ctx.get_usage().replace("Usage:", "Aufruf:", 1))
        lines.append(f"Hilfe: {exc.ctx.command_path} --help")
    return "\n".join(lines) + "\n"
