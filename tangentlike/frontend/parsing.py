"""Stage 1, parse: a Python function to a gast FunctionDef carrying the user's line numbers."""
from __future__ import annotations

import ast
import inspect
import linecache
import textwrap
import types
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import gast

from tangentlike.core import syntax
from tangentlike.core.counterparts import numpy_counterpart
from tangentlike.core.guards import Guards, unwrap
from tangentlike.errors import Location, SourceUnavailableError, UnsupportedSyntaxError
from tangentlike.frontend.varargs import STAR_ARGS, Specialized, as_wrapped


@dataclass
class ParsedFunction:
    """A user function and its syntax tree; line numbers are those of the user's file."""

    func: Callable
    node: gast.FunctionDef
    filename: str
    # the names whose resolution shaped the generated code (operations.resolve records them)
    guards: Guards = field(default_factory=Guards)
    # a lifted or specialized function's: the function values its free names stand for
    # (frontend/functions.py)
    values: dict | None = None
    # where the user's globals or closure variables are named like builtins (``sum`` of
    # ``from numpy import *``): the builtin under its name, the user's value under the name
    # the user's reads were renamed to (``sum_1``; pipeline.py)
    aliases: dict = field(default_factory=dict)
    # while one generation reads the function (None: not kept): what each dotted callee
    # name not bound in the function resolves to (``operations.resolve``; pipeline.py)
    resolutions: dict | None = None

    @property
    def name(self) -> str:
        return self.node.name

    def location(self, node: gast.AST | None) -> Location:
        """The user's file, line and line text for ``node`` (the def line if it has none)."""
        lineno = getattr(node, "lineno", None) or self.node.lineno
        line = linecache.getline(self.filename, lineno).rstrip("\n")
        return Location(self.filename, lineno, line, self.name)


def _decorated(func: Callable) -> str | None:
    """``'name (file:line)'`` of the decorator whose wrapper ``func`` is, if it is one."""
    wrapped = getattr(func, "__wrapped__", None)
    if wrapped is None:
        return None
    code = getattr(func, "__code__", None)
    where = f" ({code.co_filename}:{code.co_firstlineno})" if code is not None else ""
    return f"{getattr(func, '__qualname__', type(func).__name__)}{where}"


def def_location(func: Callable) -> Location:
    """Where a Python function is defined (its first line: a decorator, or the def)."""
    code = func.__code__
    line = linecache.getline(code.co_filename, code.co_firstlineno).rstrip("\n")
    return Location(code.co_filename, code.co_firstlineno, line, func.__name__)


def parameters_of(func: Callable) -> list[str]:
    """Positional parameters, then keyword-only ones: what ``wrt`` indices count."""
    wrapped = as_wrapped(func)  # a decorator's wrapper(*args, **kwargs): as wrapper(w, x)
    if wrapped is not None:
        return list(wrapped.__signature__.parameters)
    code = func.__code__
    return list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])


# Functions tangentlike made from the user's lines (a lifted lambda or nested def, a helper
# specialized for a function argument): their tree, file and function values.
_SYNTHETIC: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def register_synthetic(func: Callable, node: gast.FunctionDef, filename: str,
                       values: dict) -> None:
    """Remember the tree ``func`` was compiled from: :func:`parse_function` returns it."""
    _SYNTHETIC[func] = (node, filename, values)


def _lambda_def(module: gast.Module, code: types.CodeType, start: int,
                here: Location) -> gast.FunctionDef:
    """The lambda of ``code`` in the parsed lines around it, as ``def lambda_<line>`` that
    returns its expression (line numbers the file's)."""
    params = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    found = [n for n in gast.walk(module) if isinstance(n, gast.Lambda)
             and n.lineno + start - 1 == code.co_firstlineno
             and [a.id for a in n.args.posonlyargs + n.args.args + n.args.kwonlyargs] == params]
    if len(found) > 1 and hasattr(code, "co_positions"):  # (Python 3.11+) the one whose
        # body holds the code's instructions
        where = [(line - start + 1, col) for line, _, col, end in code.co_positions()
                 if line is not None and col is not None and end is not None and end > col]
        found = [n for n in found if any(_spans(n.body, *w) for w in where)] or found
    if len(found) != 1:
        raise UnsupportedSyntaxError(
            "cannot tell which lambda of its line this is" if found else
            "cannot find the source of this lambda", here,
            hint="define the function with def (or put each lambda on a line of its own)")
    lam = syntax.clone(found[0])
    node = gast.FunctionDef(
        name="<lambda>", args=lam.args,
        body=[gast.copy_location(gast.Return(value=lam.body), lam.body)], decorator_list=[],
        returns=None, type_comment=None, type_params=[])
    gast.copy_location(node, lam)
    gast.increment_lineno(node, start - 1)
    return node


def default_values(func: Callable) -> dict[str, object]:
    """The default values ``func`` holds (evaluated once, where its ``def`` ran), by
    parameter name; for a :class:`Specialized` function, its function's."""
    func = func.func if isinstance(func, Specialized) else func
    if not isinstance(func, types.FunctionType):
        return {}
    code = func.__code__
    positional = code.co_varnames[:code.co_argcount]
    defaults = func.__defaults__ or ()
    out = dict(zip(positional[len(positional) - len(defaults):], defaults))
    out.update(func.__kwdefaults__ or {})
    return out


def use_default_values(parsed: ParsedFunction, name_for: Callable[[object, str], str]) -> None:
    """Each default of ``parsed``'s parameters that is not a literal (``a=a`` of an enclosing
    local, ``act=np.tanh``) read as the value the function holds: a name ``name_for`` gives
    it in the generated module (``a_default``), as the expression may not mean the same
    there, or anything, and Python evaluated it once, where the ``def`` ran."""
    values = default_values(parsed.func)
    args = parsed.node.args
    positional = [*args.posonlyargs, *args.args]
    pairs = [*zip(positional[len(positional) - len(args.defaults):], range(len(args.defaults))),
             *((a, i) for i, a in enumerate(args.kwonlyargs))]
    for param, i in pairs:
        table = args.defaults if param not in args.kwonlyargs else args.kw_defaults
        expr = table[i]
        if expr is None or param.id not in values or _is_literal(expr):
            continue  # a literal means the same anywhere
        value = values[param.id]
        counterpart = numpy_counterpart(value)  # act=np.tanh of autograd's: NumPy's tanh
        value = counterpart if callable(counterpart) else value
        if type(value) in (type(None), bool, int, float, str):
            table[i] = gast.copy_location(syntax.const(value), expr)
        else:
            table[i] = gast.copy_location(
                syntax.load(name_for(value, f"{param.id}_default")), expr)


def _is_literal(node: gast.expr) -> bool:
    try:
        ast.literal_eval(gast.gast_to_ast(syntax.clone(node)))
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return False
    return True


def _spans(node: gast.AST, line: int, col: int) -> bool:
    """``node``'s source holds the position ``line``, ``col``."""
    end = (getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None))
    if None in end:
        return False
    return (node.lineno, node.col_offset) <= (line, col) < end


# Whole files parsed for their lambdas, by file name and text.
_FILES: dict[str, tuple[str, gast.Module]] = {}


def _file_module(filename: str) -> gast.Module | None:
    """The whole file (as linecache has it) parsed; None if it has no text or does not
    parse.  A lambda is found in it by line and parameters: the lines ``inspect`` cuts
    around a lambda (from its line to the end of its block) need not parse on their own (a
    lambda on the last line of a bracketed expression, or in a ``for`` header)."""
    text = "".join(linecache.getlines(filename))
    if not text:
        return None
    cached = _FILES.get(filename)
    if cached is not None and cached[0] == text:
        return cached[1]
    try:
        module = syntax.parse(text)
    except SyntaxError:
        return None
    _FILES[filename] = (text, module)
    return module


def generated_name(func: Callable) -> str:
    """The name of ``func`` in generated code: its own, or for a special method the class's
    with the method's (``Dense.__call__``: ``Dense_call``), as a name with leading double
    underscores would not reach generated code."""
    name = getattr(func, "__name__", "f")
    if name == "<lambda>":
        return f"lambda_{func.__code__.co_firstlineno}"
    if not name.startswith("__"):
        return name
    owner = getattr(func, "__qualname__", name).split(".")[-2:-1]
    return "_".join([*owner, name.strip("_")]) or "f"


def parse_function(func: Callable) -> ParsedFunction:
    """Parse ``func``'s source; raise :class:`SourceUnavailableError` if it cannot be read."""
    func = unwrap(func)
    func = as_wrapped(func) or func
    synthetic = _SYNTHETIC.get(func) if isinstance(func, types.FunctionType) else None
    if synthetic is not None:
        node, filename, values = synthetic
        return ParsedFunction(func=func, node=syntax.clone(node), filename=filename,
                              values=values)
    if isinstance(func, Specialized):  # *args/**kwargs bound by a call (varargs.py)
        parsed = _parse(func.func)
        return ParsedFunction(func=func, node=func.specialize(parsed.node),
                              filename=parsed.filename)
    name = getattr(func, "__name__", repr(func))
    code = getattr(func, "__code__", None)
    decorator = _decorated(func)
    if decorator is not None and (code is None or code.co_flags & STAR_ARGS):
        raise UnsupportedSyntaxError(
            f"{name!r} is decorated: the call runs the decorator's wrapper {decorator}, "
            "which takes *args/**kwargs (or is not a Python function), and the function it "
            "wraps does not take positional parameters only, without defaults: tangentlike "
            "cannot tell how the derivative's arguments reach the wrapper",
            def_location(func) if code is not None else None,
            hint="differentiate a function with named parameters that calls it (def "
            f"loss(x): return {name}(x, scale=2.0)): a call binds *args and **kwargs; or, "
            "if the decorator does not change values, differentiate the undecorated "
            f"function ({name}.__wrapped__)",
        )
    return _parse(func)


_NOT_CODE = frozenset(" \t\f\r\n#")  # the first characters of a line that starts no code


def _top_level_module(code: types.CodeType) -> gast.Module | None:
    """The function of ``code`` parsed at its line, as the one statement of a module, when
    its ``def`` (or its first decorator) starts a line of its file (a function at a module's
    top level): its lines up to the next line that starts with code (or the file's end).
    ``inspect.getsourcelines`` finds the same block by tokenizing it, several times slower.
    None where that block is not the whole function (a line that starts with code inside
    it, in a string or in brackets, leaves it unclosed: it does not parse) or where it
    cannot be read: the caller then tokenizes."""
    try:
        lines, lnum = inspect.findsource(code)
    except (OSError, TypeError):
        return None
    if lnum >= len(lines) or lines[lnum][:1] in _NOT_CODE or not lines[lnum][:1]:
        return None
    end = lnum
    while end < len(lines) and lines[end].startswith("@"):  # its decorators
        end += 1
    end += 1  # (the def line)
    while end < len(lines) and (not lines[end][:1] or lines[end][:1] in _NOT_CODE):
        end += 1
    source = "\n" * lnum + textwrap.dedent("".join(lines[lnum:end]))
    try:
        module = syntax.parse(source)
    except (SyntaxError, ValueError):
        return None
    if len(module.body) != 1 or not isinstance(module.body[0], (gast.FunctionDef,
                                                                 gast.AsyncFunctionDef)):
        return None
    return module


def _parse(func: Callable) -> ParsedFunction:
    """``func``'s source, parsed (``parse_function`` without the check of decorators)."""
    name = getattr(func, "__name__", repr(func))
    code = getattr(func, "__code__", None)
    if code is None:
        raise SourceUnavailableError(
            f"cannot read the source of {name!r}: it is not a Python function "
            "(a builtin or C extension function)",
            hint="register its derivative rules with @tangentlike.adjoint and "
            "@tangentlike.tangent (tangentlike.non_differentiable only if its result carries "
            "no derivative through any argument)",
        )
    filename = code.co_filename
    here = def_location(func)
    whole = _file_module(filename) if name == "<lambda>" else None
    if whole is not None:
        node = _lambda_def(whole, code, 1, here)
        node.decorator_list = []
        node.name = generated_name(func)
        return ParsedFunction(func=func, node=node, filename=filename)
    module = _top_level_module(code) if name != "<lambda>" else None
    if module is not None:
        return _function_node(func, module.body[0], code, filename, here, name)
    try:
        lines, start = inspect.getsourcelines(code)  # not inspect.unwrap(func): a decorator runs
    except (OSError, TypeError) as exc:
        raise SourceUnavailableError(
            f"cannot find the source of function {name!r} ({exc})",
            here,
            hint="tangentlike reads source code: define the function in a .py file "
            "(not at the interactive prompt or through exec) and import it",
        ) from None
    source = textwrap.dedent("".join(lines))
    if name != "<lambda>":  # parsed at its line in the file (no walk to move every node)
        source = "\n" * (start - 1) + source
    try:
        module = syntax.parse(source)
    except SyntaxError as exc:
        raise SourceUnavailableError(
            f"the source found for {name!r} does not parse: {exc.msg}", here,
            hint="the file may have changed since the function was defined; reload it",
        ) from None
    node = module.body[0]
    if name == "<lambda>":
        node = _lambda_def(module, code, start, here)
    return _function_node(func, node, code, filename, here, name)


def _function_node(func: Callable, node: gast.stmt, code: types.CodeType, filename: str,
                   here: Location | None, name: str) -> ParsedFunction:
    """``_parse``'s checks of the statement parsed, then the parsed function."""
    if isinstance(node, gast.AsyncFunctionDef):
        raise UnsupportedSyntaxError(
            f"tangentlike does not support async functions (async def {name}, await)", here,
            hint="differentiate a synchronous function: call it outside the event loop")
    if filename.startswith("<") and not (isinstance(node, gast.FunctionDef)
                                         and node.name == code.co_name):
        # exec'd code: Python 3.13's linecache may hold other code under the same "<string>"
        raise SourceUnavailableError(
            f"cannot find the source of function {name!r}: it was made from a string "
            f"({filename}), and the text found there is not its def", here,
            hint="tangentlike reads source code: define the function in a .py file "
            "(not at the interactive prompt or through exec) and import it",
        )
    if not isinstance(node, gast.FunctionDef):
        raise UnsupportedSyntaxError(
            f"{name!r} is not defined by a plain def statement", here,
            hint="differentiate a function defined with def (not async def or a lambda)",
        )
    node.decorator_list = []
    node.name = generated_name(func)
    return ParsedFunction(func=func, node=node, filename=filename)
