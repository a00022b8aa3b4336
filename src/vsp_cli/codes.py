"""Every diagnostic code vsp reports, in one registry: its usual severity and where in the docs it is explained.

Codes are the stable part of a message (`[unknown-key]`): CI filters and editors key on them, so they never
change once released. The code that reports a problem names its code as a literal; a test finds every such
literal in the sources and checks it is registered here, and that each registered code is documented in the
page named here (a table row `| \\`code\\` | …`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Severity = Literal["fehler", "warnung", "fehler oder warnung"]


@dataclass(frozen=True)
class Code:
    severity: Severity
    #: The page of docs/ that explains the code in its table of messages.
    doc: str


def _codes(doc: str, severity: Severity, *names: str) -> dict[str, Code]:
    return {name: Code(severity, doc) for name in names}


#: Every code, by the page that documents it.
CODES: Mapping[str, Code] = MappingProxyType(
    {
        # the statement file and its YAML
        **_codes(
            "format.md",
            "fehler",
            "unreadable",
            "file-too-large",
            "nul-byte",
            "not-utf8",
            "control-character",
            "yaml-syntax",
            "multiple-documents",
            "empty-file",
            "too-many-nodes",
            "too-much-text",
            "yaml-tag",
            "yaml-merge",
            "invalid-key",
            "duplicate-key",
            "missing-dash",
            "link-outside",
        ),
        # values and fields
        **_codes(
            "format.md",
            "fehler",
            "unprintable-character",
            "missing-key",
            "unknown-key",
            "expected-text",
            "expected-bool",
            "expected-list",
            "expected-mapping",
            "invalid-choice",
            "empty-value",
            "empty-list",
            "invalid-nummer",
            "invalid-bezug",
            "invalid-date",
            "impossible-date",
            "invalid-amount",
            "invalid-value",
        ),
        # the statement's form
        **_codes(
            "format.md",
            "fehler",
            "unknown-form",
            "form-file",
            "form-invalid",
            "petition-not-in-form",
            "field-not-in-form",
            "legal-box-on-petition",
            "option-not-in-form",
            "same-box",
            "duplicate-option",
        ),
        # rules across fields and files
        **_codes(
            "format.md",
            "fehler",
            "missing-begruendung",
            "sessions-and-termin",
            "missing-termin",
            "empty-row",
            "von-after-bis",
            "too-much-markup",
            "too-many-links",
            "too-many-lines",
            "too-deep-nesting",
            "too-long-paragraph",
            "too-much-table-text",
            "duplicate-nummer",
        ),
        **_codes(
            "format.md",
            "warnung",
            "missing-beschlussvorschlag",
            "unused-title",
            "dates-backwards",
            "unknown-zustaendigkeit",
            "unknown-ergebnis",
            "finance-contradiction",
            "bezug-differs",
            "not-relevant-spelling",
            "no-effect",
            "placeholder",
            "comment-in-value",
            "split-name",
            "joined-names",
            "folded-markdown",
            "continued-point",
            "indented-code",
            "numbered-attachment",
            "nummer-not-file-name",
        ),
        # inside form files
        **_codes(
            "format.md",
            "fehler",
            "toml-syntax",
            "form-schema",
            "form-missing-key",
            "form-unknown-part",
            "form-unknown-block",
            "form-duplicate-block",
            "form-missing-block",
            "form-duplicate-option",
            "form-statt",
            "form-inheritance",
            "invalid-type",
            "too-long",
            "label-placeholder",
        ),
        # rendering and outputs
        **_codes(
            "format.md",
            "fehler",
            "output-collision",
            "output-is-input",
            "output-missing",
            "output-stale",
            "layout",
            "output-unwritable",
            "template-dir-missing",
            "template-not-found",
            "template-syntax",
            "template-undefined",
            "template-error",
            "template-budget",
            "template-link-outside",
            "template-not-a-file",
        ),
        "output-orphaned": Code("fehler oder warnung", "format.md"),
        # configuration
        **_codes(
            "configuration.md",
            "fehler",
            "config-missing",
            "config-unreadable",
            "config-too-large",
            "too-many-entries",
            "no-tool-vsp",
            "unknown-setting",
            "invalid-format",
            "unknown-label",
            "file-missing",
            "not-an-image",
            "image-too-large",
            "folder-missing",
            "not-a-folder",
            "image-broken",
            "output-outside",
            "form-outside",
            "logo-outside",
            "templates-outside",
            "source-date-epoch",
        ),
        "config-untrusted": Code("warnung", "configuration.md"),
    }
)
