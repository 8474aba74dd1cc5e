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
import linecache
import sys
import sysconfig
from collections.abc import Iterator
from typing import Any

import gast

from tangentlike.core import anno, syntax
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
    if refused is not None:  # refused by name: the user's call is what is refused
        error.location, error.calls = where, ()
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
    with syntax.C_AST:
        tree = ast.parse(source)
    calls = sorted((n.lineno, n.col_offset, n.end_lineno or n.lineno)
                   for n in ast.walk(tree) if isinstance(n, ast.Call)
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
# Each generated module's file -> the function it differentiates.
_DIFFERENTIATED: dict[str, Any] = {}
# Each generated module's file -> (first line, last line, the user's statement) per statement,
# made from its text (linecache's, where loading registers it) and its statements' origins
# (_ORIGINS) when an error first needs them.
_STATEMENTS: dict[str, list[tuple[int, int, Location]]] = {}
_ORIGINS: dict[str, list[Location | None]] = {}


def note_generated(path: str, source: str, functions: list[gast.FunctionDef],
                   func: Any) -> None:
    """Note the user's statement each line of the generated module at ``path`` (its text
    ``source``, emitted from ``functions`` for ``func``) comes from, for
    :func:`generated_statement`: a statement's own origin where it has one, else the origin
    comment (``# Grad of: ...``) above it; matched in order, or not at all."""
    _DIFFERENTIATED[path] = func
    comments: list[Location] = []
    origins: list[Location | None] = []
    for fn in functions:
        _origins(fn.body, comments, origins)
    lines = [i for i, text in enumerate(source.splitlines(), 1)
             if text.strip().startswith(("# Grad of: ", "# Tangent of: "))]
    if len(lines) == len(comments):
        _GENERATED[path] = dict(zip(lines, comments))
    _ORIGINS[path] = origins


def _origins(body: list[Any], comments: list[Location],
             origins: list[Location | None]) -> None:
    """In one walk of ``body``'s statements and those nested in them, in :func:`_statements`'
    order (as the emitter prints them: a try's handlers before its else): add the origins
    of its origin comments to ``comments``, and each other statement's own origin (None
    where it has none) to ``origins`` (comments are statements: only statement lists are
    walked)."""
    key = anno.KEY
    for stmt in body:
        if stmt.__class__ is gast.Expr and stmt.value.__class__ is gast.Constant:
            value = stmt.value.value
            origin = getattr(value, "origin", None)
            if origin is not None:
                comments.append(origin)
            if isinstance(value, syntax.Comment):  # (``syntax.is_comment``)
                continue
        record = stmt.__dict__.get(key)  # (``anno.info(stmt).origin`` where it has one)
        origins.append(None if record is None else record.origin)
        fields = _BLOCK_FIELDS.get(stmt.__class__)
        if fields is None:
            fields = _block_fields(stmt.__class__)
        for field in fields:
            inner = getattr(stmt, field, None)
            if inner:  # (an empty block or none: nothing to walk)
                _origins(inner, comments, origins)


def _spans(path: str) -> list[tuple[int, int, Location]]:
    """(first line, last line, the user's statement) of each statement of the generated
    module at ``path`` that has an origin: its text parsed when first asked for (an error's
    path, not generation's), matched to the statements it was emitted from, in order."""
    if path not in _STATEMENTS and path in _ORIGINS:
        origins = _ORIGINS.pop(path)
        source = "".join(linecache.getlines(path))
        with syntax.C_AST:
            tree = ast.parse(source)
        written = [s for node in tree.body if isinstance(node, ast.FunctionDef)
                   for s in _statements(node.body)]
        _STATEMENTS[path] = [(w.lineno, w.end_lineno or w.lineno, origin)
                             for w, origin in zip(written, origins) if origin is not None
                             ] if len(written) == len(origins) else []
    return _STATEMENTS.get(path, [])


_BLOCKS = frozenset({"body", "orelse", "handlers", "finalbody"})
_BLOCK_FIELDS: dict[type, tuple[str, ...]] = {}  # a class's fields among _BLOCKS, in order


def _block_fields(cls: type) -> tuple[str, ...]:
    """The fields of ``cls`` that may hold statements or handlers, in its fields' order
    (``gast`` and ``ast`` alike: a try's handlers before its else, as printed)."""
    fields = _BLOCK_FIELDS[cls] = tuple(f for f in cls._fields if f in _BLOCKS)
    return fields


def _statements(body: list[Any]) -> Iterator[Any]:
    """The statements of ``body`` and those nested in them, in source order (a statement's
    blocks in its fields' order: the order :func:`_origins` notes them in)."""
    for stmt in body:
        yield stmt
        fields = _BLOCK_FIELDS.get(stmt.__class__)
        if fields is None:
            fields = _block_fields(stmt.__class__)
        for field in fields:
            inner = getattr(stmt, field, None)
            if inner:  # (an empty block or none: nothing to walk)
                yield from _statements(inner)


def generated_statement(frame: Any) -> Location | None:
    """The user's statement the generated derivative running in ``frame`` is at: the
    innermost statement's origin around its line, else the one the nearest origin comment
    above names.  None for a frame that is not generated code."""
    path, line = frame.f_code.co_filename, frame.f_lineno
    spans = [(last - first, origin) for first, last, origin in _spans(path)
             if first <= line <= last]
    if spans:
        return min(spans, key=lambda span: span[0])[1]
    origins = _GENERATED.get(path)
    above = [n for n in origins or () if n < line]
    return origins[max(above)] if above else None


def locate_at_run_time(error: TangentlikeError) -> None:
    """Give ``error``, raised while a generated derivative ran, the user's line.  Raised with
    no location (a rule's run-time refusal: a shape parameter of a cdf, a polyfit in x): the
    helper call's site where it is known, else the statement the innermost generated frame of
    its traceback is at; the generated frames outside it are the calls that led there.  Raised
    in library code the derivative reached only when it ran (a method SciPy's source calls,
    differentiated then): the chain of calls from the user's line to it, worded for the
    library function that line called (:func:`refused_inside`)."""
    frames, tb = [], error.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    found = [(where, _DIFFERENTIATED.get(f.f_code.co_filename)) for f in frames
             for where in [_site_in(f) or generated_statement(f)] if where is not None]
    if not found:
        return
    if error.location is None:
        error.location = found[-1][0]
        for outer, _ in reversed(found[:-1]):  # the calls that led there, the user's first
            if outer.function != error.location.function:
                error.called_from(outer)
        error.args = (str(error),)
        return
    if not is_library_file(error.location.filename) or any(
            not is_library_file(c.filename) for c in error.calls):
        return  # at the user's line already
    users = [i for i, (where, _) in enumerate(found) if not is_library_file(where.filename)]
    if not users:
        return
    inner = users[-1]
    for outer, _ in reversed(found[:inner + 1]):
        error.called_from(outer)
    if inner + 1 < len(found) and found[inner + 1][1] is not None:
        refused_inside(error, found[inner + 1][1], found[inner][0])
    _skip_standing_for(error)
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
