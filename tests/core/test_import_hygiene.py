"""Import hygiene: the core never imports the UI (each core module alone in a fresh
interpreter), and the package's import graph, function-level imports included, has no cycle
and goes only down the layers cli > app > screens > widgets > core.
"""

from __future__ import annotations

import ast
import fnmatch
import pkgutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

import okx_wizard.core

CORE_MODULES = sorted(
    f"okx_wizard.core.{m.name}" for m in pkgutil.iter_modules(okx_wizard.core.__path__)
)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_ui(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_package_import_is_light() -> None:
    code = (
        "import sys, okx_wizard, okx_wizard.cli\n"
        "heavy = ('textual', 'rich', 'httpx', 'keyring', 'zxcvbn', 'qrcode', 'cryptography',"
        " 'argon2')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip() == "[]", result.stderr


# -- the package's import graph: every import, function-level and TYPE_CHECKING ones included --

PACKAGE_DIR = Path(okx_wizard.__file__).resolve().parent

#: Layers from the bottom up (the import-linter contract in pyproject.toml says the same): a
#: module may import its own layer and the ones below, never one above.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("okx_wizard", "okx_wizard.core", "okx_wizard.exit_codes")),
    ("widgets", ("okx_wizard.widgets",)),
    ("screens", ("okx_wizard.screens",)),
    ("app", ("okx_wizard.app",)),
    ("cli", ("okx_wizard.cli", "okx_wizard.cli_*", "okx_wizard.tui", "okx_wizard.__main__")),
)

#: Cycles another change is removing, each with why; the test fails once one is gone, so the
#: entry is deleted then. cli_args imports cli's exit codes: the CLI split moves them to
#: okx_wizard/exit_codes.py.
PENDING_CYCLES: set[frozenset[str]] = set()


def module_names(package_dir: Path) -> dict[str, Path]:
    """Every module of the package under ``package_dir``, by dotted name."""
    root = package_dir.name
    found: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [root, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _resolve(name: str, modules: Mapping[str, Path]) -> str | None:
    """The package module that importing ``name`` runs (the longest existing prefix)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere in its code (not only at the top).

    A function-level or ``TYPE_CHECKING`` import hides a dependency from a reader and from
    import-linter's default view; here it counts like any other. So do
    ``importlib.import_module("okx_wizard....")`` calls with a literal name.
    """
    modules = module_names(package_dir)
    root = package_dir.name
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        here = name.split(".") if is_package else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                stem = ".".join([*base, *([node.module] if node.module else [])])
                targets = [f"{stem}.{alias.name}" for alias in node.names] or [stem]
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "import_module"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                targets = [node.args[0].value]
            for target in targets:
                if target.split(".")[0] != root:
                    continue
                found = _resolve(target, modules)
                if found is not None and found != name:
                    graph[name].add(found)
    return graph


def add_step_screens(graph: dict[str, set[str]]) -> None:
    """The app imports each step's module by the name the step registry gives it."""
    from okx_wizard.screens.steps import STEPS

    graph.setdefault("okx_wizard.app", set()).update(step.module for step in STEPS)


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def layer_of(module: str, layers: Sequence[tuple[str, Sequence[str]]] = LAYERS) -> int:
    """The position of ``module``'s layer (0 is the bottom); -1 when no layer claims it."""
    best, best_length = -1, -1
    for position, (_, patterns) in enumerate(layers):
        for pattern in patterns:
            matches = (
                fnmatch.fnmatchcase(module.split(".")[1] if "." in module else "", pattern[11:])
                if pattern.endswith("*")
                else module == pattern or module.startswith(pattern + ".")
            )
            if matches and len(pattern) > best_length:
                best, best_length = position, len(pattern)
    return best


def layer_breaches(graph: Mapping[str, set[str]]) -> list[str]:
    """Imports that go up a layer, as ``"importer -> imported"``."""
    return sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        for target in targets
        if layer_of(source) < layer_of(target)
    )


def test_every_module_has_a_layer() -> None:
    assert [m for m in module_names(PACKAGE_DIR) if layer_of(m) < 0] == []


def test_no_import_cycle_even_through_function_level_imports() -> None:
    graph = import_graph(PACKAGE_DIR)
    add_step_screens(graph)
    found = {frozenset(group) for group in cycles(graph)}
    assert found - PENDING_CYCLES == set(), sorted(sorted(group) for group in found)
    assert found >= PENDING_CYCLES, "a pending cycle is gone: delete it from PENDING_CYCLES"


def test_imports_respect_the_layers() -> None:
    graph = import_graph(PACKAGE_DIR)
    add_step_screens(graph)
    assert layer_breaches(graph) == []


def test_the_graph_sees_what_import_linter_may_not(tmp_path: Path) -> None:
    """The checker itself: a function-level cycle and an upward import are both found."""
    package = tmp_path / "okx_wizard"
    (package / "screens").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "screens" / "__init__.py").write_text("")
    (package / "app.py").write_text("from okx_wizard.screens import home\n")
    (package / "screens" / "home.py").write_text(
        "def f():\n    from okx_wizard.app import App\n    from .. import app\n"
    )
    (package / "screens" / "base.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import okx_wizard.app\n"
    )
    graph = import_graph(package)
    assert graph["okx_wizard.screens.home"] == {"okx_wizard.app"}
    assert graph["okx_wizard.screens.base"] == {"okx_wizard.app"}
    assert cycles(graph) == [["okx_wizard.app", "okx_wizard.screens.home"]]
    assert layer_breaches(graph) == [
        "okx_wizard.screens.base -> okx_wizard.app",
        "okx_wizard.screens.home -> okx_wizard.app",
    ]
