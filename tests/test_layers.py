"""The layers of the package (docs/design.md, "Layers"): no module imports a sub-package of a
higher layer, not even inside a function.

Every module under tangentlike/ and templates/ (installed as tangentlike.templates) is parsed;
each ``import``, ``from ... import`` and ``importlib.import_module("...")`` is resolved to the
module it names and compared by layer with the module it is in.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = REPO_ROOT / "tangentlike"

# Lowest first.  An import may go to the same layer or a lower one.
LAYERS = {
    "tangentlike.errors": 0,
    "tangentlike.runtime": 0,  # generated code imports it: it stays where it is
    "tangentlike.core": 1,
    "tangentlike.rules": 2,
    "tangentlike.templates": 2,  # the rule library (top-level templates/)
    "tangentlike.frontend": 3,
    "tangentlike.ad": 4,
    "tangentlike.optimizer": 5,
    "tangentlike.backend": 6,
    "tangentlike.versions": 7,
}
TOP = 8  # the rest of tangentlike: __init__, __main__, api, pipeline, checking, cli


def layer(module: str) -> int | None:
    """The layer of a tangentlike module (None for any other module)."""
    if module != "tangentlike" and not module.startswith("tangentlike."):
        return None
    for prefix, number in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return number
    return TOP


def _modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package and of the rule library."""
    out = {}
    roots = ((PACKAGE, "tangentlike"), (REPO_ROOT / "templates", "tangentlike.templates"))
    for root, name in roots:
        for path in sorted(root.rglob("*.py")):
            parts = [name, *path.relative_to(root).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, module imported) for every import in ``tree``, at any depth."""
    out = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                # ``from tangentlike import runtime`` imports the module tangentlike.runtime;
                # ``from tangentlike import __version__`` imports tangentlike
                out.append((node.lineno, full if full in MODULES else base))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            out.append((node.lineno, node.args[0].value))
    return out


def upward(source: str, module: str, is_package: bool = False) -> list[str]:
    """The imports of ``source`` (the text of ``module``) that go to a higher layer."""
    own = layer(module)
    out = []
    for line, target in imported(ast.parse(source), module, is_package):
        theirs = layer(target)
        if theirs is not None and theirs > own:
            out.append(f"{module}:{line} imports {target} (layer {theirs} > {own})")
    return out


def test_no_module_imports_a_higher_layer():
    violations = []
    for module, path in MODULES.items():
        violations += upward(path.read_text(), module, path.name == "__init__.py")
    assert not violations, "\n".join(violations)


def test_every_subpackage_has_a_layer():
    """A new sub-package must be given its place in the table above (and in docs/design.md)."""
    packages = {".".join(("tangentlike", *p.parent.relative_to(PACKAGE).parts))
                for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE}
    top = {p for p in packages if p.count(".") == 1}
    assert top <= set(LAYERS), sorted(top - set(LAYERS))
    assert {m for m in MODULES if m.count(".") == 1 and layer(m) == TOP} == {
        "tangentlike.__main__", "tangentlike.api", "tangentlike.arguments",
        "tangentlike.checking", "tangentlike.cli", "tangentlike.draws", "tangentlike.jax_style",
        "tangentlike.lipschitz", "tangentlike.pipeline", "tangentlike.vjp"}


@pytest.mark.parametrize("source, module, is_package", [
    ("from tangentlike.backend import emit\n", "tangentlike.core.guards", False),
    ("def f():\n    from tangentlike.frontend.parsing import unwrap\n",
     "tangentlike.core.guards", False),
    ("import tangentlike\n", "tangentlike.backend.debugging", False),
    ("from tangentlike import api\n", "tangentlike.rules.registry", False),
    ("from ..optimizer import optimize\n", "tangentlike.rules.template", False),
    ("from .. import versions\n", "tangentlike.ad", True),
    ("import importlib\nimportlib.import_module('tangentlike.versions.cancel')\n",
     "tangentlike.templates.operators", False),
])
def test_the_check_sees_an_upward_import(source, module, is_package):
    assert upward(source, module, is_package)


@pytest.mark.parametrize("source, module", [
    ("from tangentlike.core import syntax\nfrom tangentlike.errors import Location\n",
     "tangentlike.rules.registry"),
    ("from tangentlike import runtime\nimport numpy as np\n", "tangentlike.core.guards"),
    ("def f():\n    from tangentlike.frontend.normalize import normalize\n",
     "tangentlike.frontend.aliasing"),
])
def test_the_check_lets_same_or_lower_layers_pass(source, module):
    assert not upward(source, module)
