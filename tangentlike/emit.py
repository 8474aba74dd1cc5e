"""Stage 6, emit: generated ASTs to Python source, written to a real file and compiled.

The module is a file in the cache directory (``$TANGENTLIKE_CACHE_DIR``, else
``$XDG_CACHE_HOME/tangentlike`` or ``~/.cache/tangentlike``), named from a hash of its source,
so tracebacks, ``inspect.getsource``, pdb and profilers all show the generated lines.  It runs
with a copy of the user function's globals, so ``np`` and friends mean what they meant there.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import astor
import gast

from tangentlike import syntax
from tangentlike.template import Namespace

CACHE_ENV = "TANGENTLIKE_CACHE_DIR"


class _SourceGenerator(astor.code_gen.SourceGenerator):
    """astor's printer, plus comment markers printed as ``# ...`` lines."""

    def visit_Expr(self, node: Any) -> None:
        value = node.value
        if isinstance(getattr(value, "value", None), syntax.Comment):
            if value.value:
                self.newline(extra=1 if self.result else 0)
                self.write("# " + value.value)
            return
        super().visit_Expr(node)


def to_source(node: gast.AST) -> str:
    """Python source of a gast tree (comment markers become ``#`` lines)."""
    tree = gast.gast_to_ast(node)
    source = astor.to_source(tree, source_generator_class=_SourceGenerator)
    lines = [line.rstrip() for line in source.splitlines()]
    return "\n".join(lines).strip("\n") + "\n"


def module_source(functions: list[gast.FunctionDef], namespace: Namespace, doc: str) -> str:
    """The whole generated module: a docstring, the imports templates need, the functions."""
    header = [f'"""{doc}"""']
    used = set().union(*(syntax.loaded_names(fn) for fn in functions))
    lines = [line for name, line in namespace.import_lines.items() if name in used]
    if lines:
        header.append(_group_imports(lines))
    body = "\n\n".join(to_source(fn) for fn in functions)
    return "\n\n".join(header) + "\n\n\n" + body


def _group_imports(lines) -> str:
    """``from m import a`` and ``from m import b`` become ``from m import a, b``."""
    plain, grouped = set(), {}
    for line in lines:
        if line.startswith("from "):
            module, _, names = line[5:].partition(" import ")
            grouped.setdefault(module, set()).add(names)
        else:
            plain.add(line)
    out = sorted(plain)
    for module in sorted(grouped):
        names = ", ".join(sorted(grouped[module]))
        out.append(f"from {module} import {names}")
    return "\n".join(out)


def cache_dir() -> Path:
    """Where generated modules are written (created on first use)."""
    path = os.environ.get(CACHE_ENV)
    if path:
        root = Path(path)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = Path(base) / "tangentlike"
    root.mkdir(parents=True, exist_ok=True)
    return root


def write_module(source: str, stem: str) -> Path:
    """Write ``source`` to ``<cache>/<stem>_<hash>.py`` (atomically; reused if present)."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    path = cache_dir() / f"{stem}_{digest}.py"
    if not path.exists() or path.read_text() != source:
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as handle:
            handle.write(source)
        os.replace(tmp, path)
    return path


_DROPPED_GLOBALS = ("__loader__", "__spec__", "__cached__", "__builtins__", "__package__")


def load_module(source: str, path: Path, user_globals: dict[str, Any],
                namespace: Namespace) -> dict[str, Any]:
    """Compile the file's source with a copy of the user's globals; return its namespace."""
    scope = {k: v for k, v in user_globals.items() if k not in _DROPPED_GLOBALS}
    scope.update(namespace.injected)
    scope["__file__"] = str(path)
    scope["__name__"] = f"tangentlike_generated.{path.stem}"
    exec(compile(source, str(path), "exec"), scope)
    return scope
