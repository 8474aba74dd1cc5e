"""The command line: print the derivative tangentlike generates for a function in a file.

    tangentlike model.py:loss --wrt w,b

imports ``model.py`` from its path, differentiates ``loss`` and prints the generated module;
``tangentlike functions`` prints the table of supported functions (docs/functions.md), and
``tangentlike coverage`` the census of NumPy's and SciPy's callables (``rules/census.py``).
Every error (a missing file, a function tangentlike cannot differentiate, ...) is reported on
one line, ``tangentlike: error: <message>``, with exit status 1; usage errors exit with 2.
"""
from __future__ import annotations

import argparse
import importlib.util
import inspect
import itertools
import os
import re
import sys
import traceback
import types
from collections.abc import Callable, Sequence
from typing import Any

PROG = "tangentlike"

DESCRIPTION = """\
Differentiate a Python/NumPy function and print the derivative that tangentlike generates:
plain, readable Python source with no tape.  FILE.py is imported as a module from its path
(its directory goes first on sys.path while it is imported), so it can import its
neighbours."""

EPILOG = """\
examples:
  tangentlike --version                     the version of tangentlike
  tangentlike functions                     the table of supported functions (Markdown)
  tangentlike coverage [--table]            every NumPy and SciPy callable, by class
  tangentlike model.py:loss                 gradient of loss w.r.t. its first parameter
  tangentlike model.py:loss --wrt w,b       w.r.t. the parameters named w and b
  tangentlike model.py:loss --wrt 0,2       w.r.t. the first and third parameters
  tangentlike model.py:loss --motion split  separate forward and backward functions
  python -m tangentlike model.py:loss --no-optimize

errors are printed on one line as 'tangentlike: error: ...' with exit status 1
(2 for a malformed command line)."""

_module_ids = itertools.count()


class CommandError(Exception):
    """An error about the command line's target, reported as one line with exit status 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "target", metavar="FILE.py:FUNC", type=_split_target,
        help="the Python file and the name of the function in it to differentiate")
    parser.add_argument(
        "--wrt", metavar="NAME,...", type=_parse_wrt, default=None,
        help="the parameters to differentiate with respect to: names or 0-based indices, "
        "separated by commas (default: the first parameter)")
    parser.add_argument(
        "--no-optimize", dest="optimized", action="store_false",
        help="print the derivative before the optimizer simplifies it")
    parser.add_argument(
        "--mode", choices=("reverse", "forward"), default="reverse",
        help="reverse (the gradient; default) or forward mode (the tangent along seeds passed "
        "as extra arguments)")
    parser.add_argument(
        "--motion", choices=("joint", "split"), default="joint",
        help="joint: one function computing the value and the gradient (default); "
        "split: a forward function that saves values and a backward function that uses them")
    parser.add_argument(
        "--traceback", action="store_true",
        help="on an error, show the full Python traceback (for reporting tangentlike bugs)")
    parser.add_argument(
        "--version", action="version", version=f"{PROG} {_version()}",
        help="print tangentlike's version and exit")
    return parser


def _version() -> str:
    from tangentlike import __version__

    return __version__


def _parse_wrt(text: str) -> tuple[int | str, ...]:
    items = [item.strip() for item in text.split(",")]
    if not items or any(not item for item in items):
        raise argparse.ArgumentTypeError(
            f"{text!r}: give parameter names or indices separated by commas, e.g. x,y or 0,1")
    out: list[int | str] = []
    for item in items:
        if re.fullmatch(r"[+-]?\d+", item):
            out.append(int(item))
        elif item.isidentifier():
            out.append(item)
        else:
            raise argparse.ArgumentTypeError(
                f"{item!r} is neither a parameter name nor an index")
    return tuple(out)


def _split_target(target: str) -> tuple[str, str]:
    path, sep, name = target.rpartition(":")
    if not sep or not path or not name:
        raise argparse.ArgumentTypeError(
            f"{target!r}: name the function as FILE.py:FUNC, e.g. model.py:loss")
    if not name.isidentifier():
        raise argparse.ArgumentTypeError(
            f"{name!r} (after the ':' in {target!r}) is not a function name")
    return path, name


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _describe_import_error(exc: BaseException, path: str) -> str:
    """``ValueError: bad (model.py:12)``: the exception and where in the user's file."""
    text = type(exc).__name__
    message = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    if message:
        text += f": {message}"
    lineno = None
    if isinstance(exc, SyntaxError) and exc.filename and \
            os.path.abspath(exc.filename) == path:
        lineno = exc.lineno
    else:
        for frame in traceback.extract_tb(exc.__traceback__):
            if os.path.abspath(frame.filename) == path:
                lineno = frame.lineno
    if lineno:
        text += f" ({path}:{lineno})"
    return _one_line(text)


def _module_name(path: str) -> str:
    """The file's own name (``model`` for model.py) when no other module has or would get it,
    so that messages read ``model.helper``; else a unique ``_tangentlike_cli_model_<n>``."""
    stem = os.path.splitext(os.path.basename(path))[0]
    if stem.isidentifier() and stem not in sys.modules:
        try:
            spec = importlib.util.find_spec(stem)
        except (ImportError, ValueError):
            spec = None
        if spec is None or (spec.origin and os.path.abspath(spec.origin) == path):
            return stem
    safe = re.sub(r"\W", "_", stem) or "module"
    name = f"_tangentlike_cli_{safe}_{next(_module_ids)}"
    while name in sys.modules:
        name = f"_tangentlike_cli_{safe}_{next(_module_ids)}"
    return name


def load_module(path: str) -> types.ModuleType:
    """Import the file at ``path`` as a new module registered under a unique name."""
    if not os.path.exists(path):
        raise CommandError(f"no such file: {path}")
    if os.path.isdir(path):
        raise CommandError(f"{path} is a directory, not a Python file")
    path = os.path.abspath(path)
    name = _module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CommandError(f"cannot import {path}: not a Python source file (.py)")
    module = importlib.util.module_from_spec(spec)
    directory = os.path.dirname(path)
    sys.modules[name] = module
    sys.path.insert(0, directory)
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:
        sys.modules.pop(name, None)
        raise CommandError(
            f"cannot import {path}: {_describe_import_error(exc, path)}") from exc
    finally:
        try:
            sys.path.remove(directory)
        except ValueError:
            pass
    return module


def find_function(module: types.ModuleType, name: str, path: str) -> Callable:
    missing = object()
    obj = getattr(module, name, missing)
    if obj is missing:
        functions = sorted(n for n, v in vars(module).items()
                           if inspect.isfunction(v) and v.__module__ == module.__name__
                           and not n.startswith("_"))
        known = f"; it defines {', '.join(functions)}" if functions else ""
        raise CommandError(f"{path} has no function named {name!r}{known}")
    if isinstance(obj, type):
        raise CommandError(f"{name!r} in {path} is a class, not a function")
    if not callable(obj):
        raise CommandError(
            f"{name!r} in {path} is {_a(type(obj).__name__)}, not a function")
    return obj


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def derivative_source(func: Callable, wrt: Any, optimized: bool, mode: str,
                      motion: str) -> str:
    import tangentlike  # imported here so that `tangentlike --help` stays fast

    df = tangentlike.autodiff(
        func, wrt=wrt, optimized=optimized, mode=mode, motion=motion,
        input_derivative=tangentlike.INPUT_DERIVATIVE.DefaultOne)
    return df.source


def run(args: argparse.Namespace) -> str:
    path, name = args.target
    module = load_module(path)
    func = find_function(module, name, path)
    wrt = args.wrt if args.wrt is not None else (0,)
    return derivative_source(func, wrt, args.optimized, args.mode, args.motion)


FUNCTIONS_DESCRIPTION = """\
Print the table of every function tangentlike differentiates, with its modes (reverse,
forward), and the functions it treats as constants, as Markdown, from the rule registry.
docs/functions.md is this output."""


def functions_main(argv: Sequence[str]) -> int:
    """``tangentlike functions [--check FILE]``: print (or check) docs/functions.md."""
    parser = argparse.ArgumentParser(prog=f"{PROG} functions", description=FUNCTIONS_DESCRIPTION)
    parser.add_argument(
        "--check", metavar="FILE",
        help="print nothing; exit with status 1 if FILE differs from the table")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    import tangentlike  # noqa: F401  (registers the rules)
    from tangentlike.rules import coverage

    table = coverage.markdown()
    if args.check is None:
        _write(table)
        return 0
    try:
        with open(args.check, encoding="utf-8") as file:
            current = file.read()
    except OSError as err:
        print(f"{PROG}: error: cannot read {args.check}: {err.strerror}", file=sys.stderr)
        return 1
    if current != table:
        print(f"{PROG}: error: {args.check} is out of date; regenerate it with "
              f"'{coverage.COMMAND}'", file=sys.stderr)
        return 1
    return 0


COVERAGE_DESCRIPTION = """\
Walk NumPy's and SciPy's public namespaces and print how many callables each module has in
each class: rules in both modes, a rule in one mode, a constant, a random draw, refused by
name, missing (no rule yet), unknown.  Exit with status 1 when a callable is in no class or
the curated tables (tangentlike/rules/census_tables.py) are out of date."""


def coverage_main(argv: Sequence[str]) -> int:
    """``tangentlike coverage [--table]``: print the census's counts (and every callable)."""
    parser = argparse.ArgumentParser(prog=f"{PROG} coverage", description=COVERAGE_DESCRIPTION)
    parser.add_argument(
        "--table", action="store_true",
        help="also print every callable, tab-separated: name, class, reason")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    import tangentlike  # noqa: F401  (registers the rules)
    from tangentlike.rules import census

    found = census.entries()
    _write(census.text_report(found, table=args.table))
    return 1 if census.problems(found) else 0


def _write(text: str) -> None:
    try:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `tangentlike f.py:f | head`: the reader stopped early
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["functions"]:  # never a target: those are FILE.py:FUNC
        return functions_main(argv[1:])
    if argv[:1] == ["coverage"]:
        return coverage_main(argv[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 2
    from tangentlike.errors import TangentlikeError

    try:
        source = run(args)
    except TangentlikeError as err:
        return _fail(err.one_line(), args)
    except CommandError as err:
        return _fail(str(err), args)
    except Exception as err:  # a bug in tangentlike: still one line, unless --traceback
        return _fail(f"internal error: {type(err).__name__}: {err} (this is a bug in "
                     "tangentlike; rerun with --traceback and report it)", args)
    _write(source)
    return 0


def _fail(message: str, args: argparse.Namespace) -> int:
    if args.traceback:
        traceback.print_exc()
    print(f"{PROG}: error: {_one_line(message)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
