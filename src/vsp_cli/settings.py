"""What a renderer needs besides the statement: the effective labels, the municipality, logo, footer, templates.

Built from defaults, a project configuration (the `config` package) and command-line options; renderers read
only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from .forms.loading import FormSources
from .labels import DEFAULT_BODY, Labels

Format = Literal["pdf", "md"]
#: The output formats, in the order they are written; also the default set.
FORMATS: Final[tuple[Format, ...]] = ("pdf", "md")


@dataclass(frozen=True)
class RenderSettings:
    """Settings shared by the PDF and Markdown renderers."""

    labels: Labels = field(default_factory=Labels)
    #: The municipality (OParl `Body`), used in „Nachteilig für die …“ and in the PDF metadata.
    body: str = DEFAULT_BODY
    #: A PNG or JPEG placed in the PDF header, or None.
    logo: Path | None = None
    #: What a screen reader says for the logo (the `Figure`'s /Alt): None for „Logo <body>“, "" for none (the
    #: logo is then an artifact).
    logo_alt: str | None = None
    #: Text printed at the foot of every page beside „Seite n/m“, or None.
    footer: str | None = None
    #: A folder whose templates replace the built-in ones by name, or None.
    template_dir: Path | None = None
    #: German hyphenation of justified prose in the PDF.
    hyphenate: bool = True
    #: Where the forms statements name lead (`formular` and `[formulare]` of the configuration).
    forms: FormSources = field(default_factory=FormSources)

    @property
    def logo_text(self) -> str:
        """The logo's alternative text in effect ("" if the logo is decoration)."""
        return f"Logo {self.body}" if self.logo_alt is None else self.logo_alt
