"""Library code: a function of an installed package (SciPy, autograd, the standard library)
that has Python source and no rule is differentiated from its source, like the user's own.

Where that source holds something tangentlike refuses, the error is about a line the user
never wrote.  :func:`refused_inside` words it from the user's side: the library function
the user's line called is named first (by its public name, ``scipy.integrate.odeint``, not
``scipy.integrate._odepack_py.odeint``), the chain of calls from the user's line into the
library follows (``TangentlikeError.calls``), and the hint offers a rule for that function.
"""
from __future__ import annotations

import ast
import contextlib
import sys
import sysconfig
from collections.abc import Iterator
from typing import Any

import gast

from tangentlike.core import anno
from tangentlike.errors import Location, TangentlikeError
from tangentlike.rules import census

_STDLIB = sysconfig.get_paths().get("stdlib", "")

# The file name of code tangentlike writes to stand for a library's function (the generic
# scipy.stats densities, frontend/standardized.py): the library's code, for the user.
STANDING_FOR = "<tangentlike, for the library: "


def is_library_file(filename: str) -> bool:
    """A file of an installed package or of the standard library (not the user's)."""
    return ("site-packages" in filename or "dist-packages" in filename
            or filename.startswith(STANDING_FOR)
            or bool(_STDLIB) and filename.startswith(_STDLIB))


def is_library(func: Any) -> bool:
    """A function (or a binding of one, ``varargs.Specialized``) defined in library code."""
    code = getattr(func, "__code__", None)
    return code is not None and is_library_file(code.co_filename)


def public_name(func: Any) -> str:
    """``func``'s name as its package offers it: the shortest enclosing module (no private
    part, ``_odepack_py``) that holds it under its name."""
    module = getattr(func, "__module__", None) or ""
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", "?")
    target = getattr(func, "func", func)  # a Specialized binding: the function itself
    parts = module.split(".")
    for k in range(1, len(parts) + 1):
        candidate = ".".join(parts[:k])
        if any(p.startswith("_") for p in parts[:k]):
            break
        holder = sys.modules.get(candidate)
        if holder is not None and getattr(holder, name, None) is target:
            return f"{candidate}.{name}"
    return f"{module}.{name}" if module else name


def refused_inside(error: TangentlikeError, func: Any, where: Location) -> None:
    """Word ``error``, raised while differentiating library ``func`` from its source, for the
    user whose line ``where`` called it (once: for the outermost library call)."""
    if not is_library(func) or where is None or is_library_file(where.filename):
        return
    _skip_standing_for(error)
    name = public_name(func)
    refused = census.curated(name.replace("numpy.", "np.", 1)).get(census.Kind.REFUSED)
    why = f" ({refused[1]})" if refused is not None else ""
    error.message = (f"{name} has no derivative rule{why}, and tangentlike cannot "
                     f"differentiate its Python source: {error.message}")
    rule = (f"register a rule for {name} (@tangentlike.adjoint and @tangentlike.tangent, "
            "see docs/guide.md)")
    error.hint = f"{error.hint}; or {rule}" if error.hint else rule
    error.args = (str(error),)


def _skip_standing_for(error: TangentlikeError) -> None:
    """Drop the lines of code tangentlike wrote for the library (:data:`STANDING_FOR`) from
    ``error``'s chain of calls: the user's line calls the library's function."""
    calls = [c for c in error.calls if not c.filename.startswith(STANDING_FOR)]
    if error.location is not None and error.location.filename.startswith(STANDING_FOR):
        error.location = calls.pop() if calls else None
    error.calls = tuple(calls)


# -- a call whose callee is found when it runs ------------------------------------------------
# Generated modules by file: for each call of a ``runtime.dynamic`` helper, the lines it spans
# there and the user's line it runs.
_SITES: dict[str, list[tuple[int, int, Location]]] = {}


def helper_sites(functions: list[gast.FunctionDef], helpers: set[str]) -> list[Location | None]:
    """The user's line (the statement's origin) of each call of one of the names ``helpers``
    in the generated ``functions``, in the order of the source."""
    sites: list[Location | None] = []

    def visit(stmts: list[gast.stmt], origin: Location | None) -> None:
        for stmt in stmts:
            here = anno.info(stmt).origin or origin if anno.has_info(stmt) else origin
            inner = [b for f in ("body", "orelse", "finalbody") for b in [getattr(stmt, f, None)]
                     if isinstance(b, list)]
            for node in _expressions(stmt):
                if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                        and node.func.id in helpers:
                    sites.append(here)
            for body in inner:
                visit(body, here)
            for handler in getattr(stmt, "handlers", []):
                visit(handler.body, here)

    for fn in functions:
        visit(fn.body, None)
    return sites


def _expressions(stmt: gast.stmt) -> list[gast.AST]:
    """The nodes of ``stmt`` outside the statements nested in it, in source order."""
    out: list[gast.AST] = []
    todo = [v for f, v in gast.iter_fields(stmt)
            if f not in ("body", "orelse", "finalbody", "handlers")]
    while todo:
        value = todo.pop(0)
        if isinstance(value, list):
            todo[:0] = value
        elif isinstance(value, gast.AST):
            out.append(value)
            todo[:0] = [v for _, v in gast.iter_fields(value)]
    return out


def remember_generated(path: str, source: str, helpers: set[str],
                       sites: list[Location | None]) -> None:
    """Note the user's line of each helper call of the generated module at ``path`` (its
    text ``source``; ``sites`` from :func:`helper_sites`), for :func:`calling_site`."""
    calls = sorted((n.lineno, n.col_offset, n.end_lineno or n.lineno)
                   for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)
                   and isinstance(n.func, ast.Name) and n.func.id in helpers)
    if len(calls) != len(sites):
        return  # not matched one to one: no lines rather than wrong ones
    _SITES[path] = [(first, last, site) for (first, _, last), site in zip(calls, sites)
                    if site is not None]


def calling_site(frame: Any) -> Location | None:
    """The user's line that the innermost generated code on the stack above ``frame`` runs:
    the call of a helper that finds its callee when it runs.  None when none is known."""
    while frame is not None and frame.f_code.co_filename not in _SITES:
        frame = frame.f_back
    if frame is None:
        return None
    line = frame.f_lineno
    return next((site for first, last, site in _SITES[frame.f_code.co_filename]
                 if first <= line <= last), None)


# Each generated module's file -> its origin comments' lines -> the user's statement there.
_GENERATED: dict[str, dict[int, Location]] = {}


def note_generated(path: str, source: str, functions: list[gast.FunctionDef]) -> None:
    """Note the user's statement each origin comment (``# Grad of: ...``) of the generated
    module at ``path`` (its text ``source``, emitted from ``functions``) names, for
    :func:`generated_statement`; matched in order, or not at all."""
    origins: list[Location] = []

    class Comments(gast.NodeVisitor):  # in source order, as the emitter prints them
        def visit_Constant(self, node: gast.Constant) -> None:
            if getattr(node.value, "origin", None) is not None:
                origins.append(node.value.origin)

    for fn in functions:
        Comments().visit(fn)
    lines = [i for i, text in enumerate(source.splitlines(), 1)
             if text.strip().startswith(("# Grad of: ", "# Tangent of: "))]
    if len(lines) == len(origins):
        _GENERATED[path] = dict(zip(lines, origins))


def generated_statement(frame: Any) -> Location | None:
    """The user's statement the generated derivative running in ``frame`` is at: the one its
    nearest origin comment above names.  None for a frame that is not generated code."""
    origins = _GENERATED.get(frame.f_code.co_filename)
    above = [line for line in origins or () if line < frame.f_lineno]
    return origins[max(above)] if above else None


def locate_at_run_time(error: TangentlikeError) -> None:
    """Give ``error``, raised with no location while a generated derivative ran (a rule's
    run-time refusal: a shape parameter of a cdf, a polyfit in x), the user's line: the
    helper call's site where it is known, else the statement the innermost generated frame of
    its traceback is at; the generated frames outside it are the calls that led there."""
    if error.location is not None:
        return
    frames, tb = [], error.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    found = [where for where in (_site_in(f) or generated_statement(f) for f in frames)
             if where is not None]
    if found:
        error.location = found[-1]
        for outer in reversed(found[:-1]):  # the calls that led there, the user's first
            if outer.function != error.location.function:
                error.called_from(outer)
        error.args = (str(error),)


@contextlib.contextmanager
def located() -> Iterator[None]:
    """Run generated code (a split derivative's halves, called directly): a refusal raised
    in it gets the user's line (:func:`locate_at_run_time`)."""
    try:
        yield
    except TangentlikeError as error:
        locate_at_run_time(error)
        raise


def _site_in(frame: Any) -> Location | None:
    """The user's line of the helper call that ``frame`` (generated code) is at, if noted."""
    sites = _SITES.get(frame.f_code.co_filename, ())
    return next((site for first, last, site in sites if first <= frame.f_lineno <= last), None)
