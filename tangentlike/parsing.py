"""Stage 1, parse: a Python function to a gast FunctionDef carrying the user's line numbers."""
from __future__ import annotations

import inspect
import linecache
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import gast

from tangentlike.errors import Location, SourceUnavailableError, UnsupportedSyntaxError


@dataclass
class ParsedFunction:
    """A user function and its syntax tree; line numbers are those of the user's file."""

    func: Callable
    node: gast.FunctionDef
    filename: str

    @property
    def name(self) -> str:
        return self.node.name

    def location(self, node: gast.AST | None) -> Location:
        """The user's file, line and line text for ``node`` (the def line if it has none)."""
        lineno = getattr(node, "lineno", None) or self.node.lineno
        line = linecache.getline(self.filename, lineno).rstrip("\n")
        return Location(self.filename, lineno, line, self.name)


def unwrap(func: Callable) -> Callable:
    """The plain Python function behind bound methods and tangentlike wrappers."""
    func = getattr(func, "__func__", func)
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    return func


def def_location(func: Callable) -> Location:
    """Where a Python function is defined (its first line: a decorator, or the def)."""
    code = func.__code__
    line = linecache.getline(code.co_filename, code.co_firstlineno).rstrip("\n")
    return Location(code.co_filename, code.co_firstlineno, line, func.__name__)


def parameters_of(func: Callable) -> list[str]:
    """Positional parameters, then keyword-only ones: what ``wrt`` indices count."""
    code = func.__code__
    return list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])


def parse_function(func: Callable) -> ParsedFunction:
    """Parse ``func``'s source; raise :class:`SourceUnavailableError` if it cannot be read."""
    func = unwrap(func)
    name = getattr(func, "__name__", repr(func))
    code = getattr(func, "__code__", None)
    if code is None:
        raise SourceUnavailableError(
            f"cannot read the source of {name!r}: it is not a Python function "
            "(a builtin or C extension function)",
            hint="register a derivative for it with @tangentlike.adjoint, "
            "or mark it with tangentlike.non_differentiable",
        )
    filename = code.co_filename
    here = def_location(func)
    if name == "<lambda>":
        raise UnsupportedSyntaxError(
            "cannot differentiate a lambda", here, hint="define it with def instead"
        )
    try:
        lines, start = inspect.getsourcelines(func)
    except (OSError, TypeError) as exc:
        raise SourceUnavailableError(
            f"cannot find the source of function {name!r} ({exc})",
            here,
            hint="tangentlike reads source code: define the function in a .py file "
            "(not at the interactive prompt or through exec) and import it",
        ) from None
    source = textwrap.dedent("".join(lines))
    try:
        module = gast.parse(source)
    except SyntaxError as exc:
        raise SourceUnavailableError(
            f"the source found for {name!r} does not parse: {exc.msg}", here,
            hint="the file may have changed since the function was defined; reload it",
        ) from None
    node = module.body[0]
    if not isinstance(node, gast.FunctionDef):
        raise UnsupportedSyntaxError(
            f"{name!r} is not defined by a plain def statement", here,
            hint="differentiate a function defined with def (not async def or a lambda)",
        )
    gast.increment_lineno(node, start - 1)
    node.decorator_list = []
    return ParsedFunction(func=func, node=node, filename=filename)
