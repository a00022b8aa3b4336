"""The settings in force: command line over file over defaults, each with where its value came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import START, Diagnostic, Span
from ..errors import ConfigError
from ..fileio import real
from ..forms import FormSources
from ..labels import LABEL_TARGETS, Labels
from ..settings import RenderSettings
from ..tomlpos import PathKey
from .discovery import find_config
from .loading import form_default, load_config, validate_settings
from .model import SETTINGS, ConfigFile

#: The origin of a value nobody set.
SOURCE_DEFAULT = "Standard"
#: The origin of a value given as a command-line option.
SOURCE_CLI = "Kommandozeile"


@dataclass(frozen=True)
class EffectiveSettings:
    """What applies to a run: render settings, where and what to write, and where each value came from."""

    render: RenderSettings
    #: None: the caller writes next to the input file.
    output_dir: Path | None
    formats: tuple[str, ...]
    #: Setting (labels as `labels.<key>`) → „Standard“, „<file>:<line>“ or „Kommandozeile“.
    sources: Mapping[str, str]
    config_path: Path | None = None


def _cli_span(path: PathKey, *, key: bool = False) -> Span:
    return START


def _check_overrides(overrides: Mapping[str, Any], base: Path) -> ConfigFile:
    values, diagnostics = validate_settings(overrides, base, SOURCE_CLI, _cli_span)
    if values is None:
        raise ConfigError(diagnostics)
    return values


#: The setting name of each label („labels.titel“), made once: a batch holds the sources of every configuration
#: it found, and a string per label and configuration made the main process grow by kilobytes per `vsp.toml`.
_LABEL_SETTINGS = {key: f"labels.{key}" for key in LABEL_TARGETS}


def resolve(
    config_path: Path | None, cli_overrides: Mapping[str, Any] | None = None, *, cwd: Path | None = None
) -> EffectiveSettings:
    """Defaults, then the configuration file (if any), then command-line values (None means "not given").

    `cli_overrides` takes the setting names of the file (body, logo, logo_alt, output_dir, formats, template_dir,
    labels, footer, hyphenate); its relative paths are relative to `cwd` (default: the working folder).
    `labels` is merged key by key over the file's. Raises `ConfigError` for an invalid file or option.
    """
    config = load_config(config_path) if config_path is not None else None
    given = {k: v for k, v in (cli_overrides or {}).items() if v is not None}
    cli = _check_overrides(given, real(cwd or Path.cwd()))
    file_values = config.values if config else ConfigFile()
    file_set = config.set_in_file if config else frozenset()

    def pick(name: str) -> tuple[Any, str]:
        if name in cli.model_fields_set:
            return getattr(cli, name), SOURCE_CLI
        if name in file_set:
            assert config is not None
            return getattr(file_values, name), f"{config.path}:{config.lines[name]}"
        return getattr(file_values, name), SOURCE_DEFAULT

    sources: dict[str, str] = {}
    chosen: dict[str, Any] = {}
    for name in SETTINGS:
        if name != "labels":
            chosen[name], sources[name] = pick(name)
    labels = dict(file_values.labels)
    labels.update(cli.labels)
    for key, name in _LABEL_SETTINGS.items():
        if key in cli.labels:
            sources[name] = SOURCE_CLI
        elif config is not None and name in file_set:
            sources[name] = f"{config.path}:{config.lines[name]}"
        else:
            sources[name] = SOURCE_DEFAULT
    forms = FormSources(
        named=dict(chosen["formulare"]),
        config_dir=config.project if config is not None else None,
        default=form_default(chosen["formular"], config.path.parent if config is not None else None),
    )
    render = RenderSettings(
        forms=forms,
        labels=Labels(labels),
        body=chosen["body"],
        logo=chosen["logo"],
        logo_alt=chosen["logo_alt"],
        footer=chosen["footer"],
        template_dir=chosen["template_dir"],
        hyphenate=chosen["hyphenate"],
    )
    formats = tuple(dict.fromkeys(chosen["formats"]))
    return EffectiveSettings(render, chosen["output_dir"], formats, sources, config.path if config else None)


def settings_for(
    input_path: Path,
    config_path: Path | None = None,
    cli_overrides: Mapping[str, Any] | None = None,
    *,
    use_config: bool = True,
) -> EffectiveSettings:
    """The settings for one input file: an explicit `config_path`, else the one found from the file."""
    if config_path is None and use_config:
        config_path = find_config(input_path)
    return resolve(config_path, cli_overrides)


class SettingsCache:
    """The settings in force for each input file: the configuration named (`config`) or the nearest one found
    from the file's own folder (links resolved), each folder searched once and each file read once per run.
    Files the search passed over are kept as warnings, each once (`untrusted`, code `config-untrusted`)."""

    def __init__(self, config: Path | None, overrides: Mapping[str, Any] | None = None) -> None:
        from ..inputs import Resolver

        self.config = config
        self.overrides = overrides
        self._resolve = Resolver()
        self._found: dict[Path, Path | None] = {}
        self._resolved: dict[Path | None, EffectiveSettings | ConfigError] = {}
        self.untrusted: dict[str, Diagnostic] = {}

    def config_path(self, source: Path) -> Path | None:
        if self.config is not None:
            return self.config
        folder = self._resolve(source).parent
        if folder not in self._found:
            skipped: list[Diagnostic] = []
            find_config(folder, skipped, self._found)  # learns `folder` and the folders above it
            for warning in skipped:
                self.untrusted.setdefault(warning.file, warning)
        return self._found[folder]

    def effective(self, source: Path) -> EffectiveSettings:
        """The settings for `source`; raises the configuration's `ConfigError` (every time it is asked)."""
        path = self.config_path(source)
        if path not in self._resolved:
            try:
                self._resolved[path] = resolve(path, self.overrides)
            except ConfigError as exc:
                self._resolved[path] = exc
        found = self._resolved[path]
        if isinstance(found, ConfigError):
            raise found
        return found
