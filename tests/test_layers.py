"""The arrows of the package point one way: model ← forms ← rules ← loader/validation ← renderers ← build ← cli.

A module imports only from its own layer or those below it, at the top or inside a function; an import needed
for type hints alone (`if TYPE_CHECKING:`) is no arrow. Modules outside the layers (diagnostics, limits,
fileio, …) are tools every layer may use; of them it is checked only that they do not import the command line.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "vsp_cli"

#: The layers, lowest first, by the first component of the module's name below `vsp_cli`.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"model"}),
    frozenset({"forms"}),
    frozenset({"rules"}),
    frozenset({"loader", "validation"}),
    frozenset({"pdf", "markdown", "document", "api"}),
    frozenset({"build", "batch"}),
    frozenset({"cli", "commands", "entry", "watch", "__main__"}),
)


def _layer(module: str) -> int | None:
    head = module.split(".")[1] if module.count(".") else ""
    for index, names in enumerate(LAYERS):
        if head in names:
            return index
    return None


def _modules(package: Path) -> dict[str, Path]:
    found = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(["vsp_cli", *parts])] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package modules `module` imports at run time."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            for candidate in [target, *(f"{target}.{alias.name}" for alias in node.names)]:
                if candidate in known:
                    found.add(candidate)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(module)
    return found


def _upward(package: Path = PACKAGE) -> list[str]:
    known = _modules(package)
    wrong = []
    for module, path in sorted(known.items()):
        here = _layer(module)
        for target in sorted(_runtime_imports(module, path, known)):
            there = _layer(target)
            if here is None:
                if there == len(LAYERS) - 1:
                    wrong.append(f"{module} -> {target}")
            elif there is not None and there > here:
                wrong.append(f"{module} -> {target}")
    return wrong


def test_imports_point_down_the_layers() -> None:
    assert _upward() == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The check itself: an import of the command line from the model, in a function, is found; the same
    import for type hints only is not."""
    fake = tmp_path / "vsp_cli"
    (fake / "forms").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "cli.py").write_text("")
    (fake / "forms" / "__init__.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..cli import main\n"
    )
    (fake / "model.py").write_text("def f():\n    from .forms import x\n    from . import cli\n")
    assert _upward(fake) == ["vsp_cli.model -> vsp_cli.cli", "vsp_cli.model -> vsp_cli.forms"]
