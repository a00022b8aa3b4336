"""The Jinja2 environment of the renderers: built-in templates, a user's override folder, located errors.

A project may replace any built-in template by putting a file of the same name into its `template_dir`
(configuration `template_dir` or the command line): a `ChoiceLoader` asks that folder first, then the built-in
folder. Undefined variables are errors (`StrictUndefined`), so a misspelt variable never prints as a blank.
Every problem with a template (syntax error, undefined variable, missing file, an exception while rendering,
a render over its budget) becomes a `TemplateError` whose diagnostic names the template file and line, in
German.

Templates may come from a repository vsp does not trust: they run in Jinja's sandbox with a budget of CPU
time and size (`sandbox`), see only plain data (`markdown.context`), and a user's folder is read through
`templatefiles` (regular files inside it only, bounded).

Jinja2 costs import time, so only the render path imports this module (never model, validation or config).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.environment import TemplateModule
from jinja2.exceptions import SecurityError
from jinja2.filters import do_attr
from jinja2.loaders import split_template_path
from jinja2.runtime import Context, Macro

from . import templatefiles
from .diagnostics import Diagnostic, Severity, Span, did_you_mean, german_number, shorten
from .errors import TemplateError
from .fileio import cache_dir, cache_key, read_private, signed, unsigned, write_atomic
from .limits import (
    MAX_CACHE_BYTES,
    MAX_TEMPLATE_COMPILED_BYTES,
    MAX_TEMPLATE_FILE_BYTES,
    MAX_TEMPLATE_FILES,
    QUOTE_LIMIT,
)
from .resources import builtin_templates_dir
from .sandbox import CURRENT, Budget, BudgetExceeded, Sandbox, memory_cap

#: Exceptions a template can provoke by itself (calling a method wrongly, dividing by zero, including or calling
#: itself without end, …): reported as a problem of the template, not as an internal error of vsp.
#: What a template's code may raise. NameError too: Jinja works out constant expressions while it compiles and
#: writes an infinite result into the code as `inf`, a name Python does not know (`("1e400" | float) | int`
#: ended the run as an internal error, exit code 123).
_RUNTIME_ERRORS = (
    jinja2.TemplateError, TypeError, ValueError, AttributeError, LookupError, ArithmeticError, RecursionError,
    NameError,
)  # fmt: skip

_NOT_UTF8 = "Die Vorlage „{name}“ ist keine UTF-8-Datei; bitte in UTF-8 speichern"
_UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined$")
_NO_ATTRIBUTE = re.compile(r"^'?(.+?)'? has no attribute '([^']+)'$")
_UNSAFE = re.compile(r"^access to attribute '([^']+)' of")
#: The types a template sees (plain data), as the docs call them.
_TYPE_NAMES = {"dict": "Zuordnung", "list": "Liste", "str": "Text", "NoneType": "none", "int": "Zahl"}


def environment(
    template_dir: Path | None, filters: Mapping[str, Callable[..., Any]] | None = None
) -> jinja2.Environment:
    """The environment for `template_dir` (None: built-in templates only), with `filters` registered.

    The environment is cached by the folder's files, names and bytes (`_snapshot`): building one and compiling
    its templates costs more than rendering a statement, and a template added, edited or replaced (even with
    its old modification time) is always the one used, as the build record assumes.
    """
    if template_dir is not None and not template_dir.is_dir():
        raise TemplateError(
            [
                _diagnostic(
                    str(template_dir),
                    0,
                    "template-dir-missing",
                    f"Der Vorlagenordner „{template_dir}“ existiert nicht oder ist kein Ordner",
                )
            ]
        )
    snapshot = _snapshot(template_dir) if template_dir is not None else None
    return _cached_environment(snapshot, tuple(sorted((filters or {}).items())))


@dataclass(frozen=True)
class _Snapshot:
    """A template folder's files as read: name (with `/`) → (file path, bytes)."""

    folder: str
    files: tuple[tuple[str, str, bytes], ...]


def _snapshot(folder: Path) -> _Snapshot:
    """The folder's templates (`templatefiles.scan`: regular files inside it, bounded), read again only when a
    file's size, times or inode changed or a file came or went."""
    return _read_snapshot(str(folder), templatefiles.scan(folder))


@lru_cache(maxsize=16)
def _read_snapshot(folder: str, files: tuple[templatefiles.TemplateFile, ...]) -> _Snapshot:
    return _Snapshot(folder, tuple((file.name, str(file.path), templatefiles.read(file)) for file in files))


class _SnapshotLoader(jinja2.BaseLoader):
    """Serves a user's templates from a snapshot: what was read is what is rendered."""

    def __init__(self, snapshot: _Snapshot) -> None:
        self.folder = snapshot.folder
        self._files = {name: (file, data) for name, file, data in snapshot.files}
        #: Bytes of templates served to be compiled, each template counted once: a compiled one is kept (once
        #: per environment: `cache_size`); one that does not compile is served again for every statement, and
        #: counted each time its syntax error turned into this limit's after a few statements.
        self._served = 0
        self._counted: set[str] = set()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        name = "/".join(split_template_path(template))
        found = self._files.get(name)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        file, data = found
        if len(data) > MAX_TEMPLATE_FILE_BYTES:  # the folder may hold larger files that are not templates
            message = (
                f"Die Vorlage „{template}“ hat {german_number(len(data))} Bytes, mehr als "
                f"{german_number(MAX_TEMPLATE_FILE_BYTES)} (Grenze MAX_TEMPLATE_FILE_BYTES); eine Vorlage dieser "
                "Größe zu übersetzen braucht Sekunden und Hunderte MB"
            )
            raise TemplateError([Diagnostic.for_file(Path(file), "template-error", message)])
        if name not in self._counted:
            self._counted.add(name)
            self._served += len(data)
        if self._served > MAX_TEMPLATE_COMPILED_BYTES:
            message = (
                f"Mit der Vorlage „{template}“ wären mehr als {german_number(MAX_TEMPLATE_COMPILED_BYTES)} Bytes "
                "an Vorlagen zu übersetzen (Grenze MAX_TEMPLATE_COMPILED_BYTES); das brauchte zig Sekunden, die "
                "kein Budget unterbricht"
            )
            raise TemplateError([Diagnostic.for_file(Path(file), "template-error", message)])
        return data.decode("utf-8"), file, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self._files)


#: More than the templates that ship with vsp.
_BUILTIN_TEMPLATES = 16


@lru_cache(maxsize=16)
def _cached_environment(
    snapshot: _Snapshot | None, filters: tuple[tuple[str, Callable[..., Any]], ...]
) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if snapshot is not None:
        loaders.append(_SnapshotLoader(snapshot))
    loaders.append(jinja2.FileSystemLoader(builtin_templates_dir(), encoding="utf-8"))
    options: dict[str, Any] = {
        "loader": jinja2.ChoiceLoader(loaders),
        "undefined": jinja2.StrictUndefined,
        "autoescape": False,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
        "auto_reload": False,  # a user's templates are a snapshot; the built-in ones change only with vsp
        # every template of the folder compiled once per process: with Jinja's 400 a render that includes more
        # compiled them all again, for every statement (990 templates of 10 kB: 25 s a statement)
        "cache_size": MAX_TEMPLATE_FILES + _BUILTIN_TEMPLATES,
    }
    if snapshot is None:
        # vsp's own templates alone: they are part of vsp, and the sandbox's checks would cost every statement
        # some tenths of a millisecond; the context is the same plain data. Compiling them costs a fresh process
        # more than rendering: the compiled code is kept in the user's cache folder.
        plain = _Plain(**options, bytecode_cache=_BuiltinCodeCache(options))
        plain.filters.update(dict(filters))
        plain.filters["attr"] = _module_attr
        return plain
    env = Sandbox(**options)  # a folder of the project's: it may come with a pull request
    env.install_filters(dict(filters))
    return env


class _Plain(jinja2.Environment):
    """The environment of vsp's own templates: Jinja's, reading the context's mappings directly."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


#: The attributes of a mapping, which Jinja prefers to its items of the same name.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _PlainContext(Context):
    """The context of vsp's own templates: a call of one of their macros goes straight to the macro. Jinja's
    `Context.call` first asks the callable twice whether it wants the context or environment passed, which no
    macro does: that cost more than the call of a small macro itself (every block is set by one)."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if type(__obj) is not Macro:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja's
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


_Plain.context_class = _PlainContext


@jinja2.pass_environment
def _module_attr(env: jinja2.Environment, obj: Any, name: str) -> Any:
    """Jinja's `attr` filter for vsp's own templates: a macro of an imported template (`bloecke | attr(…)`, once
    for every block) is taken from the module's own attributes, where Jinja's filter looks for it with
    `inspect.getattr_static` along the classes of the module first (a tenth of a Markdown render)."""
    if type(obj) is TemplateModule:
        found = vars(obj).get(name, _MISSING)
        if found is not _MISSING:
            return found
    return do_attr(env, obj, name)


_MISSING = object()


class _BuiltinCodeCache(jinja2.BytecodeCache):
    """The compiled code of vsp's own templates, in the user's cache folder (`fileio.cache_dir`).

    Only vsp's own templates are kept, never a project's (those run sandboxed and are compiled each run). Jinja
    checks each entry against the template's source; the file name carries vsp's and Jinja's versions and the
    environment's options, which shape the code as well. A file is loaded only if it is a regular file of the
    user's that nobody else may change, of at most `MAX_CACHE_BYTES` (`fileio.read_private`), and carries a MAC
    made with this machine's key (`fileio.cache_key`): it holds code, and Jinja unpickles its first bytes. A
    checkout's files pass the first test, and `XDG_CACHE_HOME` in a CI job may lie inside the checkout: a
    repository that brought `.cache/vsp/jinja-….cache` (the names can be computed anywhere) ran its own code.
    A cache folder that cannot be written, or holds no key, just means compiling again.
    """

    def __init__(self, options: Mapping[str, Any]) -> None:
        from . import __version__

        shaping = sorted((key, repr(value)) for key, value in options.items() if key != "loader")
        self._salt = f"signed {__version__} {jinja2.__version__} {shaping}"  # `signed`: the files' layout

    def _file(self, bucket: jinja2.bccache.Bucket) -> Path | None:
        try:
            folder = cache_dir()
        except RuntimeError:  # no home folder to be found
            return None
        name = hashlib.sha256(f"{self._salt} {bucket.key}".encode()).hexdigest()[:32]
        return folder / f"jinja-{name}.cache"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        file = self._file(bucket)
        if file is None:
            return
        key = cache_key()
        data = read_private(file, MAX_CACHE_BYTES) if key is not None else None
        code = unsigned(key, data) if key is not None and data is not None else None
        if code is None:
            return
        try:
            bucket.bytecode_from_string(code)
        except Exception:  # damaged: compiled again (Jinja resets the bucket itself for most damage)
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        file = self._file(bucket)
        key = cache_key()
        if file is None or key is None:
            return
        with contextlib.suppress(OSError):
            write_atomic(file, signed(key, bucket.bytecode_to_string()), mode=0o600)


def render(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render template `name` with `context` within the budget (`sandbox`); every template problem becomes a
    located `TemplateError`."""
    rendered: str = _within_budget(env, name, lambda template: template.render(context))
    try:  # the encoder finds it at a fraction of the cost of a search for it
        rendered.encode("utf-8")
    except UnicodeEncodeError as unpaired:  # "\ud800", "%c" % 55296: no UTF-8 file can hold it
        char = ord(rendered[unpaired.start])
        what = f"Die Vorlage „{{name}}“ erzeugt das Zeichen U+{char:04X}{_SURROGATE_WHY}"
        raise TemplateError([_unit_problem(env, name, "template-error", what)]) from None
    return rendered  # the output bounded by the sandbox's `concat`


#: Half of a UTF-16 pair, which a template can make as any other character, but which no UTF-8 file can hold
#: (writing the output failed as an internal error).
_SURROGATE_WHY = ", eine Hälfte eines UTF-16-Paars, das in keiner UTF-8-Datei stehen kann"


def _within_budget(env: jinja2.Environment, name: str, run: Callable[[jinja2.Template], Any]) -> Any:
    """`run(template)` for template `name` within the budget and (in the sandbox) the memory cap; every template
    problem becomes a located `TemplateError`."""
    token = CURRENT.set(Budget())
    if isinstance(env, Sandbox):
        _forget_modules(env)
    try:
        template = None
        try:
            with memory_cap() if isinstance(env, Sandbox) else contextlib.nullcontext():
                # compiled within the cap too: Python's compiler took 5 GB and 71 s for a template of 9 MB
                template = _template(env, name)
                return run(template)
        except jinja2.TemplateSyntaxError as exc:  # an {% include %} or {% extends %} of a broken file
            raise TemplateError([_syntax(exc, name)]) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError([_not_found(env, exc.name if isinstance(exc.name, str) else name)]) from None
        except (BudgetExceeded, MemoryError) as exc:
            if template is None:  # while compiling it
                raise TemplateError([_unit_problem(env, name, "template-budget", _TOO_LARGE)]) from None
            raise TemplateError([_over_budget(exc, template)]) from None
        except _RUNTIME_ERRORS as exc:
            if template is None:  # while compiling it
                what = f"Fehler beim Übersetzen der Vorlage „{{name}}“ ({type(exc).__name__})"
                raise TemplateError([_unit_problem(env, name, "template-error", what)]) from None
            raise TemplateError([_runtime(exc, template)]) from None
    finally:
        CURRENT.reset(token)


def _forget_modules(env: jinja2.Environment) -> None:
    """Let each render of a project's templates make its imported modules anew. Jinja keeps the module of an
    `{% import %}` with its template, top-level `namespace()`, `cycler()` and `joiner()` included: a macro could
    keep what one statement's render put in there for the next one in the same process (another statement's
    text in an output, which then depended on the order and the worker; a value of 300 MB kept by every render,
    past the memory cap, which each render measures from where it starts)."""
    if env.cache is not None:
        for template in env.cache.values():
            template._module = None


def _template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError([_not_found(env, exc.name if isinstance(exc.name, str) else name)]) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError([_syntax(exc, name)]) from None
    except UnicodeDecodeError:
        raise TemplateError([_unit_problem(env, name, "template-error", _NOT_UTF8)]) from None
    except RecursionError:  # Jinja's parser and compiler recurse into nested expressions and blocks
        raise TemplateError([_unit_problem(env, name, "template-syntax", _TOO_DEEP)]) from None


_TOO_DEEP = (
    "Die Vorlage „{name}“ ist zu tief verschachtelt (Klammern, Operatoren oder Blöcke ineinander), um sie zu "
    "übersetzen"
)
_TOO_LARGE = (
    "Die Vorlage „{name}“ überschreitet, was eine Vorlage für einen Standpunkt darf: sie zu übersetzen braucht zu "
    "viel Speicher"
)


def _unit_problem(env: jinja2.Environment, name: str, code: str, message: str) -> Diagnostic:
    """A problem of template `name` as a whole, at its file's first line."""
    found = [str(Path(folder, name)) for folder in _searched(env) if Path(folder, name).is_file()]
    return _diagnostic(found[0] if found else name, 0, code, message.format(name=name))


def _over_budget(exc: BudgetExceeded | MemoryError, template: jinja2.Template) -> Diagnostic:
    file, line = _template_frame(exc.__traceback__, template)
    name = Path(file).name if file else template.name or "?"
    what = exc.what if isinstance(exc, BudgetExceeded) else "zu viel Speicher"
    message = f"Die Vorlage „{name}“ überschreitet, was eine Vorlage für einen Standpunkt darf: {what}"
    return _diagnostic(file or template.filename or name, line, "template-budget", message)


def render_module(env: jinja2.Environment, name: str) -> Any:
    """The module of template `name` (its macros); every template problem becomes a located `TemplateError`. Its
    top-level code runs within the same budget as a render: it may loop, and build values, as much."""
    return _within_budget(env, name, lambda template: template.module)


#: A name a message repeats from a template („…“, or '…' in Jinja's words): a variable, filter, tag or template
#: named in a template may be as long as the template (a message of 200,000 characters).
_QUOTED = (re.compile(f"„([^“]{{{QUOTE_LIMIT + 1},}})“"), re.compile(f"'([^']{{{QUOTE_LIMIT + 1},}})'"))


def _diagnostic(file: str, line: int, code: str, message: str) -> Diagnostic:
    """`line` is 1-based as Jinja reports it (0: unknown, shown as line 1). Names the message quotes are cut
    after QUOTE_LIMIT characters, as every value a message repeats."""
    row = max(line - 1, 0)
    message = _QUOTED[0].sub(lambda m: f"„{shorten(m[1])}“", message)
    message = _QUOTED[1].sub(lambda m: f"'{shorten(m[1])}'", message)
    return Diagnostic(file, Span(row, 0, row, 0), (), Severity.ERROR, code, message)


def _searched(env: jinja2.Environment) -> list[str]:
    loader = env.loader
    folders: list[str] = []
    if isinstance(loader, jinja2.ChoiceLoader):
        for sub in loader.loaders:
            if isinstance(sub, _SnapshotLoader):
                folders.append(sub.folder)
            elif isinstance(sub, jinja2.FileSystemLoader):
                folders.extend(str(p) for p in sub.searchpath)
    return folders


def _not_found(env: jinja2.Environment, name: str) -> Diagnostic:
    folders = _searched(env)
    return _diagnostic(
        folders[0] if folders else name,
        0,
        "template-not-found",
        f"Die Vorlage „{name}“ wurde nicht gefunden (gesucht in: {', '.join(folders)})",
    )


def _syntax(exc: jinja2.TemplateSyntaxError, name: str) -> Diagnostic:
    return _diagnostic(
        exc.filename or exc.name or name,
        exc.lineno,
        "template-syntax",
        f"Syntaxfehler in der Vorlage „{exc.name or name}“: {exc.message}",
    )


def _runtime(exc: Exception, template: jinja2.Template) -> Diagnostic:
    file, line = _template_frame(exc.__traceback__, template)
    name = Path(file).name if file else template.name or "?"
    text = str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        code = "template-undefined"
        if m := _UNDEFINED_NAME.match(text):
            message = f"In der Vorlage „{name}“ ist die Variable „{m.group(1)}“ nicht definiert" + _meant(
                m.group(1)
            )
        elif m := _NO_ATTRIBUTE.match(text):
            owner = m.group(1).removesuffix(" object").rsplit(".", 1)[-1]
            owner = _TYPE_NAMES.get(owner, owner)
            message = (
                f"In der Vorlage „{name}“: ein Wert vom Typ „{owner}“ hat kein Feld „{m.group(2)}“"
                + _meant(m.group(2))
            )
        else:
            message = f"In der Vorlage „{name}“ fehlt ein Wert: {text}"
    elif isinstance(exc, UnicodeDecodeError):
        code, message = "template-error", _NOT_UTF8.format(name=name)
    elif isinstance(exc, SecurityError):
        code = "template-error"
        m = _UNSAFE.match(text)
        what = f"der Zugriff auf „{m.group(1)}“" if m else "dieser Aufruf"
        message = (
            f"In der Vorlage „{name}“ ist {what} nicht erlaubt: Vorlagen sehen nur die Daten des Standpunkts "
            "und der Einstellungen, keine Dateien und keine Programme"
        )
    elif isinstance(exc, RecursionError):
        code = "template-error"
        message = (
            f"Die Vorlage „{name}“ ruft sich ohne Ende selbst auf (über {{% include %}}, {{% extends %}} oder ein "
            "Makro)"
        )
    else:
        code = "template-error"
        message = f"Fehler beim Anwenden der Vorlage „{name}“ ({type(exc).__name__}: {shorten(text, 120)})"
    return _diagnostic(file or template.filename or name, line, code, message)


#: The variables the templates get (`markdown.context`) and the fields of a box (templates.md).
_CONTEXT_NAMES = (
    "blocks", "form", "title", "status", "options", "legal_box", "beschlussvorschlag_titel", "labels", "body",
    "settings", "statement", "ref", "name", "punkte_text", "text", "label", "ticked", "punkte",
)  # fmt: skip


def _meant(word: str) -> str:
    """„. Meinten Sie „betreff“?“ for a misspelt variable or field (`statement.betref`), or nothing: the
    template's variables, the statement's fields and those of the blocks are the names a template reads."""
    import dataclasses

    from pydantic import BaseModel

    from . import document, model

    names = set(_CONTEXT_NAMES)
    for value in (*vars(model).values(), *vars(document).values()):
        if isinstance(value, type) and issubclass(value, BaseModel):
            names.update(value.model_fields)
        elif isinstance(value, type) and dataclasses.is_dataclass(value):
            names.update(field.name for field in dataclasses.fields(value))
    hint = did_you_mean(word, sorted(names - {word}))
    return f".{hint.removesuffix('?')}?" if hint else ""


def _template_frame(tb: TracebackType | None, template: jinja2.Template) -> tuple[str | None, int]:
    """The innermost frame of template code: Jinja replaces those by fake frames at the template's line."""
    found: tuple[str | None, int] = (template.filename, 0)
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
