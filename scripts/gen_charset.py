"""Regenerate src/vsp_cli/charset.txt from the shipped fonts (run after changing a font)."""

from pathlib import Path

from vsp_cli.charset import covered_codepoints, format_ranges

target = Path(__file__).resolve().parents[1] / "src" / "vsp_cli" / "charset.txt"
target.write_text(format_ranges(covered_codepoints()), encoding="ascii")
print(f"wrote {target}")
