"""The `vsp` command line: a thin typer layer over the importable core.

Heavy modules (ReportLab, Jinja2) are imported inside the commands that render, so that `vsp --help` and
`vsp validate` start fast. Exit codes: 0 fine, 1 invalid input (or stale output with --check), 2 usage
error, 123 internal error (a bug: traceback only with --debug).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from . import __version__
from .entry import ABORTED
from .interrupts import catch_interrupts, interrupted
from .report import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE
from .usage import GermanCommand, GermanGroup

if TYPE_CHECKING:
    from .diagnostics import Diagnostic

ISSUES_URL = "https://github.com/vsp-cli/vsp/issues"

app = typer.Typer(
    name="vsp",
    cls=GermanGroup,
    help="Verwaltungsstandpunkte (VSP) aus YAML prüfen und als PDF und Markdown setzen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


class _State:
    debug = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vsp {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Version anzeigen und beenden."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Bei internen Fehlern den vollständigen Traceback zeigen.")
    ] = False,
) -> None:
    """Verwaltungsstandpunkte (VSP) aus YAML prüfen und als PDF und Markdown setzen."""
    _State.debug = debug


Paths = Annotated[
    list[str],
    typer.Argument(
        help="Dateien, Ordner (rekursiv nach *.yaml/*.yml durchsucht) oder Muster; relativ zum Arbeitsordner.",
        show_default=False,
        metavar="PFAD",
    ),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", help="Ausgabe der Meldungen: text, json oder github (Workflow-Annotationen)."),
]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Warnungen als Fehler behandeln.")]
QuietOpt = Annotated[bool, typer.Option("-q", "--quiet", help="Nur Fehler ausgeben.")]


ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Diese Konfigurationsdatei verwenden (vsp.toml oder pyproject.toml) statt sie neben den Eingaben "
        "zu suchen.",
        exists=True,
        dir_okay=False,
    ),
]


def _collect(paths: list[str], refused: dict[Path, Diagnostic]) -> list[Path]:
    from .inputs import InputNotFound, collect

    try:
        return collect(paths, refused=refused)
    except InputNotFound as exc:
        _usage_error(str(exc), "validate")


def _usage_error(message: str, command: str) -> NoReturn:
    from .usage import command_usage_message

    sys.stderr.write(command_usage_message(message, command))
    raise typer.Exit(EXIT_USAGE)


@app.command(cls=GermanCommand)
def validate(
    paths: Paths,
    strict: StrictOpt = False,
    config: ConfigOpt = None,
    output_format: FormatOpt = OutputFormat.TEXT,
    quiet: QuietOpt = False,
) -> None:
    """Standpunkte prüfen und alle Probleme mit Datei, Zeile und Spalte melden.

    Beispiel: vsp validate standpunkte/
    """
    from .commands import ValidateOptions, validate_command

    options = ValidateOptions(config=config, strict=strict, output_format=output_format.value, quiet=quiet)
    refused: dict[Path, Diagnostic] = {}  # links to files outside the folders searched: never read
    files = _collect(paths, refused)
    raise typer.Exit(validate_command(options, files, refused))


@app.command(cls=GermanCommand)
def new(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Zieldatei; ohne Angabe wird die Vorlage ausgegeben. Ist der Dateiname eine Nummer, wird sie "
            "übernommen.",
            show_default=False,
            metavar="DATEI",
        ),
    ] = None,
    formular: Annotated[
        str | None,
        typer.Option(
            "--formular",
            help="Formular der Vorlage: 2019, 2017, 2014, ein Name aus [formulare] oder eine Formulardatei "
            "(….toml, relativ zum Arbeitsordner) (Standard: das formular der vsp.toml, sonst 2019).",
        ),
    ] = None,
    config: ConfigOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Eine vorhandene Datei überschreiben.")] = False,
) -> None:
    """Eine kommentierte Vorlage für einen neuen Standpunkt schreiben.

    Beispiel: vsp new standpunkte/VII-A-01234-VSP-01.yaml --formular 2019
    """
    from .commands import new_command

    raise typer.Exit(new_command(file, formular, force, config))


@app.command("formular", cls=GermanCommand)
def formular_command(
    name: Annotated[
        str | None,
        typer.Argument(
            help="Ein Formular: 2014, 2017, 2019, ein Name aus [formulare] oder eine Datei; ohne Angabe die Liste.",
            show_default=False,
            metavar="NAME",
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Die Formulare auflisten oder eines als vollständige Formulardatei zeigen (zum Kopieren).

    Beispiel: vsp formular 2019 > formulare/eigenes.toml
    """
    from .commands import forms_command

    raise typer.Exit(forms_command(name, config))


@app.command(cls=GermanCommand)
def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="In diese Datei schreiben statt auf die Ausgabe.")
    ] = None,
) -> None:
    """Das JSON Schema (Entwurf 2020-12) des Formats ausgeben, für Editoren und andere Werkzeuge.

    Beispiel: vsp schema -o schema/statement.schema.json
    """
    from .schema import schema_text

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text.encode("utf-8"))


def _write(path: Path, data: bytes) -> None:
    """Write a file of `new` or `schema`; a path that cannot be written (a folder, say) is exit code 1."""
    from .fileio import os_reason, write_atomic

    try:
        write_atomic(path, data)
    except OSError as exc:
        typer.echo(f"vsp: {path} kann nicht geschrieben werden: {os_reason(exc)}", err=True)
        raise typer.Exit(1) from None


class OutputKind(StrEnum):
    PDF = "pdf"
    MD = "md"


TemplateDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--template-dir",
        help="Ordner mit eigenen Vorlagen, die die eingebauten gleichen Namens ersetzen.",
        exists=True,
        file_okay=False,
    ),
]


def _overrides(
    output_dir: Path | None = None,
    formats: list[OutputKind] | None = None,
    template_dir: Path | None = None,
) -> dict[str, object]:
    """Command-line values that override the configuration file (None: not given)."""
    return {
        "output_dir": str(output_dir) if output_dir is not None else None,
        "formats": [f.value for f in formats] if formats else None,
        "template_dir": str(template_dir) if template_dir is not None else None,
    }


@app.command(cls=GermanCommand)
def render(
    paths: Paths,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output-dir",
            help="Ausgaben in diesen Ordner statt neben die Eingabedateien.",
            file_okay=False,
        ),
    ] = None,
    formats: Annotated[
        list[OutputKind] | None,
        typer.Option(
            "-f", "--output-format", help="Nur dieses Ausgabeformat (pdf oder md); mehrfach möglich."
        ),
    ] = None,
    config: ConfigOpt = None,
    template_dir: TemplateDirOpt = None,
    strict: StrictOpt = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="Nichts schreiben; Exit 1, wenn eine Ausgabe fehlt oder veraltet ist."),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Alles neu setzen, auch Unverändertes.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "-j", "--jobs", help="Anzahl paralleler Prozesse (Standard: CPUs bei mehr als 8 Dateien)."
        ),
    ] = None,
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard",
            metavar="K/N",
            help="Nur den K-ten von N stabilen Teilen der Eingaben setzen (CI-Matrix); ohne Angabe aus "
            "CI_NODE_INDEX/CI_NODE_TOTAL, falls gesetzt.",
        ),
    ] = None,
    watch: Annotated[
        bool, typer.Option("--watch", help="Wach bleiben und bei jeder Änderung neu setzen (Strg+C beendet).")
    ] = False,
    show_config: Annotated[
        bool, typer.Option("--show-config", help="Wirksame Einstellungen zeigen und beenden.")
    ] = False,
    output_format: FormatOpt = OutputFormat.TEXT,
    quiet: QuietOpt = False,
) -> None:
    """Standpunkte als PDF und Markdown setzen (<name>.pdf, <name>.md).

    Beispiel: vsp render standpunkte/ -o build/
    """
    from .batch import BatchOptions, render_command

    if jobs is not None and jobs < 1:
        _usage_error(f"-j/--jobs erwartet eine Zahl ab 1, nicht {jobs}", "render")
    if watch and check:
        _usage_error(
            "--watch und --check passen nicht zusammen: --check prüft einmal und schreibt nichts", "render"
        )
    options = BatchOptions(
        paths=paths,
        overrides=_overrides(output_dir, formats, template_dir),
        config=config,
        strict=strict,
        check=check,
        force=force,
        jobs=jobs,
        shard=shard,
        output_format=output_format.value,
        quiet=quiet,
    )
    if show_config:
        from .commands import show_config as show

        raise typer.Exit(show(options))
    if watch:
        from .watch import watch_command

        raise typer.Exit(watch_command(options))
    raise typer.Exit(render_command(options))


@app.command("config", cls=GermanCommand)
def config_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="Datei oder Ordner, für den die Einstellungen gelten sollen.",
            show_default=False,
            metavar="PFAD",
        ),
    ] = Path("."),
    config: ConfigOpt = None,
    output_dir: Annotated[
        Path | None, typer.Option("-o", "--output-dir", help="Ausgabeordner (wie bei render).")
    ] = None,
    formats: Annotated[
        list[OutputKind] | None, typer.Option("-f", "--output-format", help="Ausgabeformat (wie bei render).")
    ] = None,
    template_dir: TemplateDirOpt = None,
) -> None:
    """Die wirksamen Einstellungen zeigen und woher jede stammt (Standard, Datei:Zeile, Kommandozeile).

    Beispiel: vsp config standpunkte/
    """
    from .batch import BatchOptions
    from .commands import show_config

    options = BatchOptions(
        paths=[str(path)], overrides=_overrides(output_dir, formats, template_dir), config=config
    )
    raise typer.Exit(show_config(options))


def _internal_error(exc: BaseException) -> NoReturn:
    debug = _State.debug or "--debug" in sys.argv or os.environ.get("VSP_DEBUG") == "1"
    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    sys.stderr.write(
        f"vsp: interner Fehler ({type(exc).__name__}: {exc}).\n"
        "Das ist ein Fehler in vsp, nicht in Ihrer Eingabe. Bitte melden Sie ihn mit der Eingabedatei und "
        f"dieser Meldung unter {ISSUES_URL} (vsp {__version__}, Python {sys.version.split()[0]})."
        + ("" if debug else "\nMit --debug wird der vollständige Traceback gezeigt.")
        + "\n"
    )
    sys.exit(EXIT_INTERNAL)


def _safe_streams() -> None:
    """Output that cannot fail on what it prints: a file name that is not UTF-8 (kept by Python as surrogates)
    is shown with backslash escapes under any locale, and a closed stdout or stderr (`>&-`) swallows output."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8", errors="backslashreplace"))  # noqa: SIM115
        elif hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: runs the app and turns anything unexpected into exit code 123."""
    # vsp uses no pydantic plugins; looking for them scans every installed distribution's entry points,
    # which costs more start-up time than validating a statement.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    catch_interrupts()
    _safe_streams()
    try:
        code = app(args=argv, prog_name="vsp", standalone_mode=False)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write(ABORTED)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:
        from .usage import UsageError, usage_message

        if isinstance(exc, UsageError):
            sys.stderr.write(usage_message(exc))
            sys.exit(EXIT_USAGE)
        if interrupted(exc):  # wrapped by a library: pydantic's SchemaError while a model is being built
            sys.stderr.write(ABORTED)
            sys.exit(EXIT_INTERRUPTED)
        _internal_error(exc)
    if code == EXIT_INTERRUPTED:  # typer turns Ctrl+C (and SIGTERM, above) into a silent exit code 130
        sys.stderr.write(ABORTED)
    sys.exit(code if isinstance(code, int) else 0)
