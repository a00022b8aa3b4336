"""The commands that write starters and show settings and forms: `vsp new`, `vsp config` and `vsp formular`.

They read the configuration in force (for `formular` and `[formulare]`) like `validate` and `render`; problems
are reported as located diagnostics through the same `Report`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import SOURCE_DEFAULT, EffectiveSettings, SettingsCache, config_text, find_config, resolve
from .diagnostics import Diagnostic, escape_controls, quote_path
from .errors import ConfigError, VspError
from .fileio import os_reason, read_regular, unlookable, write_atomic
from .forms import BUILTIN_IDS, NEWEST_FORM, Form, FormError, FormSources, builtin, dump, with_labels
from .forms import resolve as resolve_form
from .interrupts import interrupt_pending
from .labels import LABEL_TARGETS
from .limits import MAX_BYTES
from .report import EXIT_INVALID, EXIT_OK, EXIT_USAGE, Report
from .settings import RenderSettings
from .starter import schema_reference, starter_text

if TYPE_CHECKING:
    from .batch import BatchOptions


@dataclass(frozen=True)
class ValidateOptions:
    """Everything `vsp validate` was asked to do."""

    config: Path | None = None
    strict: bool = False
    output_format: str = "text"
    quiet: bool = False


def validate_command(
    options: ValidateOptions, files: Sequence[Path], refused: Mapping[Path, Diagnostic] | None = None
) -> int:
    """`vsp validate`: each file against its form, with the configuration in force for its folder. `refused`:
    files not to be read at all (links leading out of the folders searched), each with its problem."""
    from .validation import Result, across, check_file

    report = Report(output_format=options.output_format, quiet=options.quiet)
    settings = SettingsCache(options.config)
    reported: set[Path | None] = set()
    results: list[Result] = []
    ok: dict[Path, bool] = {}
    for path in files:
        if interrupt_pending():  # an interrupt swallowed as a file's error on the way: the run stops here
            raise KeyboardInterrupt
        if refused and path in refused:
            report.add_refused(refused[path])
            continue
        try:
            forms = settings.effective(path).render.forms
        except ConfigError as exc:
            report.files += 1
            report.failed += 1
            config = settings.config_path(path)
            if config not in reported:
                reported.add(config)
                report.emit(exc.diagnostics, config_text(config))
            continue
        result = check_file(path, strict=options.strict, forms=forms)
        report.add_checked(result)
        # what the check across files needs, not the file's text: a run may check thousands
        results.append(replace(result, statement=None, source=None, diagnostics=[]))
        ok[result.path] = result.ok
    for path, more in across(results).items():
        report.failed += ok[path]
        report.emit(more)
    if settings.untrusted:
        report.emit(list(settings.untrusted.values()))
    report.finish(verb="geprüft")
    return report.exit_code


def _settings(config: Path | None, near: Path) -> EffectiveSettings:
    return resolve(config if config is not None else find_config(near))


def _report(error: VspError, config: Path | None = None, near: Path | None = None) -> int:
    """Print the problems of `error`; a configuration's with the lines of the file found (`config`, else the one
    found for `near`), not of where a link leads (`config_text`)."""
    report = Report()
    if isinstance(error, ConfigError):
        source = config_text(
            config if config is not None else find_config(near) if near is not None else None
        )
    else:
        source = _source(error)
    report.emit(error.diagnostics, source)
    return EXIT_INVALID


def _source(error: VspError) -> str | None:
    files = {d.file for d in error.diagnostics}
    if len(files) != 1:
        return None
    try:
        return read_regular(Path(files.pop()), MAX_BYTES + 1).decode("utf-8")
    except (OSError, UnicodeDecodeError, ValueError):
        return None


class _UnknownForm(Exception):
    """A form named on the command line that does not exist (a usage error)."""


def _form(ref: str, forms: FormSources, base: Path) -> Form:
    try:
        return resolve_form(ref, forms, base)
    except FormError as exc:
        own = [d for d in exc.diagnostics if not d.file]  # the name itself: no file to point at
        if own:
            raise _UnknownForm(own[0].message) from None
        raise


def _unusable(path: Path) -> str | None:
    """Why the system cannot look `path` up (longer than it takes, say), or None: the commands looked and failed
    with an internal error (exit 123)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return unlookable(escape_controls(quote_path(path)), exc)
    return None


def _usage(message: str, command: str) -> int:
    from .usage import command_usage_message

    sys.stderr.write(command_usage_message(message, command))
    return EXIT_USAGE


def new_command(file: Path | None, formular: str | None, force: bool, config: Path | None) -> int:
    """`vsp new`: a starter for the form asked for, the configuration's, or the newest built-in one."""
    near = file if file is not None else Path("_.yaml")
    problem = _unusable(near)
    if problem is not None:
        return _usage(problem, "new")
    try:
        settings = _settings(config, near)
        forms = settings.render.forms
        ref = formular or (
            forms.default if settings.sources.get("formular") != SOURCE_DEFAULT else NEWEST_FORM
        )
        if formular is not None and file is not None and _is_form_path(formular):
            # a path on the command line is relative to the working directory; the starter names it as the
            # statement will read it, relative to the statement's folder (an absolute one would hold in no clone)
            ref = Path(os.path.relpath(Path(formular).absolute(), file.absolute().parent)).as_posix()
        form = _form(ref, forms, (file.parent if file is not None else Path(".")).absolute())
    except VspError as exc:
        return _report(exc, config, near)
    except _UnknownForm as exc:
        return _usage(str(exc), "new")
    # the folder the configuration was found in, not the one a linked vsp.toml leads to (`FormSources`)
    project = forms.config_dir
    if file is None:
        sys.stdout.write(starter_text(form, schema=schema_reference(None, project)))
        return EXIT_OK
    if file.exists() and not force:
        sys.stderr.write(f"vsp: {escape_controls(str(file))} existiert bereits; mit --force überschreiben\n")
        return EXIT_INVALID
    schema, written = schema_reference(file, project), None
    if schema is None:  # a schema in the repository, so that the modeline works for everyone who clones it
        written = (project or file.absolute().parent) / "statement.schema.json"
        from .schema import schema_text

        if not _write(written, schema_text().encode("utf-8")):
            return EXIT_INVALID
        schema = schema_reference(file, project)
    if not _write(file, starter_text(form, target=file, schema=schema).encode("utf-8")):
        return EXIT_INVALID
    if written is not None:
        sys.stderr.write(
            f"{escape_controls(str(written))} geschrieben (JSON Schema für Editoren; mit ins Repository aufnehmen)\n"
        )
    shown = escape_controls(str(file))
    sys.stderr.write(
        f"{shown} geschrieben (Formular {escape_controls(form.ref)}); prüfen mit: vsp validate {shown}\n"
    )
    return EXIT_OK


def _is_form_path(ref: str) -> bool:
    """`formulare/2021.toml`: a form file named by its path (not `~/…`, which the statement reads as written)."""
    return ref.endswith(".toml") and not ref.startswith("~") and "\x00" not in ref


def _write(path: Path, data: bytes) -> bool:
    try:
        write_atomic(path, data)
    except OSError as exc:
        sys.stderr.write(
            f"vsp: {escape_controls(str(path))} kann nicht geschrieben werden: {os_reason(exc)}\n"
        )
        return False
    return True


def forms_command(name: str | None, config: Path | None) -> int:
    """`vsp formular`: the forms there are; `vsp formular NAME`: the effective form file of one."""
    try:
        settings = _settings(config, Path("_.yaml"))
    except ConfigError as exc:
        return _report(exc, config, Path("_.yaml"))
    forms = settings.render.forms
    if name is None:
        lines = ["Eingebaute Formulare:"]
        lines += [f"  {form_id}  {builtin(form_id).name}" for form_id in BUILTIN_IDS]
        # names and paths come from the repository: terminal controls in them are shown, not acted on
        if forms.named:
            lines.append(f"Aus {escape_controls(str(settings.config_path))}:")
            lines += [
                f"  {escape_controls(named)}  {escape_controls(str(path))}"
                for named, path in forms.named.items()
            ]
        lines.append(f"Standard für Standpunkte ohne formular: {escape_controls(forms.default)}")
        lines.append("Ein Formular als Datei zeigen (zum Kopieren): vsp formular NAME")
        sys.stdout.write("\n".join(lines) + "\n")
        return EXIT_OK
    try:
        form = _form(name, forms, Path(".").absolute())
    except FormError as exc:
        return _report(exc)
    except _UnknownForm as exc:
        return _usage(str(exc), "formular")
    sys.stdout.write(dump(form))
    return EXIT_OK


# --- vsp config ---------------------------------------------------------------------------------------------


def show_config(options: BatchOptions) -> int:
    """`vsp config`: the effective settings for the first path, with their sources."""
    from .batch import Planner

    target = Path(options.paths[0]) if options.paths else Path(".")
    problem = _unusable(target)
    if problem is not None:
        return _usage(problem, "config")
    if not target.exists():
        return _usage(f"{target} gibt es nicht", "config")
    probe = target if target.is_file() else target / "_.yaml"
    planner = Planner(options)
    try:
        effective = planner.effective(probe)
    except ConfigError as exc:
        Report(output_format=options.output_format, out=sys.stderr).emit(list(planner.untrusted.values()))
        report = Report(output_format=options.output_format)
        report.emit(exc.diagnostics, config_text(planner.config_path(probe)))
        return EXIT_INVALID
    Report(output_format=options.output_format, out=sys.stderr).emit(list(planner.untrusted.values()))
    sys.stdout.write(format_effective(effective))
    return EXIT_OK


def _show(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _labels_shown(render: RenderSettings) -> list[tuple[str, str]]:
    """Every `[labels]` key with the value it prints on the default form (an override, or the form's)."""
    from .document import labels_v1

    try:
        form = with_labels(resolve_form(render.forms.default, render.forms, None), render.labels.items())
        printed = labels_v1(form)
    except FormError:
        printed = {}
    overrides = render.labels.as_dict()
    return [(key, overrides.get(key, printed.get(key, "–"))) for key in LABEL_TARGETS]


def format_effective(effective: EffectiveSettings) -> str:
    """A readable German listing for `vsp config`: every setting, its value and where it came from."""
    render = effective.render
    rows: list[tuple[str, str, str]] = [
        ("body", _show(render.body), effective.sources["body"]),
        ("logo", _show(render.logo), effective.sources["logo"]),
        ("logo_alt", f"„{render.logo_text}“", effective.sources["logo_alt"]),
        (
            "output_dir",
            _show(effective.output_dir) if effective.output_dir else "– (neben der Eingabedatei)",
            effective.sources["output_dir"],
        ),
        ("formats", _show(effective.formats), effective.sources["formats"]),
        (
            "template_dir",
            _show(render.template_dir) if render.template_dir else "– (eingebaute Vorlagen)",
            effective.sources["template_dir"],
        ),
        ("footer", _show(render.footer), effective.sources["footer"]),
        ("hyphenate", _show(render.hyphenate), effective.sources["hyphenate"]),
    ]
    rows.append(("formular", render.forms.default, effective.sources["formular"]))
    rows.extend(
        (f"formulare.{name}", str(path), effective.sources["formulare"])
        for name, path in render.forms.named.items()
    )
    rows.extend(  # a line break of a label as [labels] writes it („voraussichtlicher\nSitzungstermin“)
        (
            f"labels.{key}",
            value.replace("\n", "\\n"),
            _label_source(effective.sources[f"labels.{key}"], render.forms.default),
        )
        for key, value in _labels_shown(render)
    )
    # a path's names may hold terminal controls (`\x1b]0;…`): the texts of a configuration are refused with them
    rows = [
        (escape_controls(name), escape_controls(value), escape_controls(source))
        for name, value, source in rows
    ]
    header = ("Einstellung", "Wert", "Herkunft")
    width_name = max(len(r[0]) for r in (header, *rows))
    width_value = min(60, max(len(r[1]) for r in (header, *rows)))
    if effective.config_path is not None:
        lines = [f"Konfigurationsdatei: {escape_controls(str(effective.config_path))}", ""]
    else:
        lines = ["Keine Konfigurationsdatei gefunden (vsp.toml oder [tool.vsp] in pyproject.toml).", ""]
    for name, value, source in (header, *rows):
        lines.append(f"{name:<{width_name}}  {value:<{width_value}}  {source}".rstrip())
    lines += [
        "",
        f"Beschriftungen ohne eigene Angabe stehen hier wie auf dem Formular {escape_controls(render.forms.default)};",
        "ein Standpunkt mit eigenem „formular:“ druckt die seines Formulars.",
    ]
    return "\n".join(lines) + "\n"


def _label_source(source: str, form: str) -> str:
    """Where a label's text comes from: a file or the command line, else the form (not „Standard“: the
    form of a statement may be another one)."""
    return f"Formular {form}" if source == SOURCE_DEFAULT else source
