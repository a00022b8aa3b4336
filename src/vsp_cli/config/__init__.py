"""Project configuration: `vsp.toml` or `[tool.vsp]` in `pyproject.toml`, found like ruff and black find theirs.

The search starts in the input file's folder and walks up; the first `vsp.toml`, or `pyproject.toml` with a
`[tool.vsp]` table, wins (a `pyproject.toml` without that table does not count). Paths in the file are relative
to the file. Command-line values override the file, the file overrides the defaults; `resolve` says for every
setting where its value came from, which `vsp config` prints.

Errors are collected and located like those of statements: tomllib reports no positions, so `tomlpos` (which
form files use too) finds each key and value in the TOML source. Only tomllib and pydantic are imported here:
reading the configuration must not cost the start-up time of Jinja or ReportLab.

- `model`: the settings a file may hold (`ConfigFile`), each checked as it is read;
- `loading`: reading one file, its problems collected and located;
- `discovery`: finding the file in force for an input, passing over one another user could have planted;
- `resolution`: command line over file over defaults, with the source of each value; `SettingsCache` per run.
"""

from .discovery import find_config, planted_by_another
from .loading import CONFIG_FILE, PYPROJECT, ProjectConfig, config_text, load_config
from .model import FOOTER_MAX, SETTINGS, ConfigFile
from .resolution import SOURCE_CLI, SOURCE_DEFAULT, EffectiveSettings, SettingsCache, resolve, settings_for

__all__ = [
    "CONFIG_FILE",
    "FOOTER_MAX",
    "PYPROJECT",
    "SETTINGS",
    "SOURCE_CLI",
    "SOURCE_DEFAULT",
    "ConfigFile",
    "EffectiveSettings",
    "ProjectConfig",
    "SettingsCache",
    "config_text",
    "find_config",
    "load_config",
    "planted_by_another",
    "resolve",
    "settings_for",
]
