"""Loading a generated module from its text (``backend/loading.py`` ``_compile_text``): the
functions compiled from the text indented inside the factory, their columns moved back
(``backend/locations.py``), are the functions the module's parsed tree compiles to, position
for position; and text that indentation would change is declined, for the parse."""
from __future__ import annotations

import ast
import sys
import traceback
import types
from pathlib import Path

import pytest

import tangentlike
from tangentlike.backend import loading

GOLDEN = sorted((Path(__file__).parent.parent / "golden").glob("*.py"))


def _scope() -> loading.Scope:
    return loading.Scope({}, {}, {}, frozenset())


def _functions(code: types.CodeType) -> list[types.CodeType]:
    factory = loading._const_code(loading._const_code(code, "_tangentlike_cells"),
                                  "_tangentlike_module")
    return [c for c in factory.co_consts if isinstance(c, types.CodeType)]


def _described(code: types.CodeType) -> list:
    """Everything of ``code`` a run, a traceback or pdb reads, its nested code included."""
    positions = list(code.co_positions()) if hasattr(code, "co_positions") else []
    return [code.co_name, code.co_qualname if hasattr(code, "co_qualname") else None,
            code.co_code, code.co_firstlineno, list(code.co_lines()), positions,
            code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars,
            [_described(c) if isinstance(c, types.CodeType) else (type(c), repr(c))
             for c in code.co_consts]]


def _both(source: str, path: Path) -> tuple[list, list]:
    scope = _scope()
    from_text = scope._compile_text(source, path)
    assert from_text is not None, "the text path declined"
    from_tree = scope._compile_tree(ast.parse(source, str(path)), path)
    assert from_text[1:] == from_tree[1:]  # the same parameters and function names
    return ([_described(c) for c in _functions(from_text[0])],
            [_described(c) for c in _functions(from_tree[0])])


@pytest.mark.parametrize("golden", GOLDEN, ids=[g.stem for g in GOLDEN])
def test_golden_modules_compile_from_text_as_from_their_tree(golden):
    text, tree = _both(golden.read_text(), golden)
    assert text == tree


def _lambdas_and_comprehensions(x, ys):
    total = sum([y * x for y in ys])
    scale = (lambda a: a * 2.0)(x)
    return total * scale + x ** 2


def _long_lines(x):
    return (x * 1.5 + x * x * 2.5 + x * x * x * 3.5 + x * x * x * x * 4.5 + x * x * x * x * x
            * 5.5 + x * x * x * x * x * x * 6.5)


@pytest.mark.parametrize("f, options", [
    (_lambdas_and_comprehensions, {}), (_lambdas_and_comprehensions, {"optimized": False}),
    (_long_lines, {}), (_long_lines, {"mode": "forward"}), (_long_lines, {"motion": "split"}),
])
def test_generated_modules_compile_from_text_as_from_their_tree(f, options):
    df = tangentlike.autodiff(f, wrt=(0,), **options)
    text, tree = _both(df.source, Path(df.path if hasattr(df, "path") else "derivative.py"))
    assert text == tree


MODULE = '''"""A module."""

import math


def f(x):
    y = x + 1.0
    return y * undefined_name


def g(x):
    return [v for v in (x, x)]
'''


@pytest.mark.skipif(sys.version_info < (3, 11), reason="columns of code are Python 3.11's")
def test_a_traceback_points_at_the_files_column(tmp_path):
    path = tmp_path / "module.py"
    functions = _scope().load(MODULE, path)
    with pytest.raises(NameError) as raised:
        functions["f"](1.0)
    frame = traceback.extract_tb(raised.value.__traceback__)[-1]
    line = MODULE.splitlines()[frame.lineno - 1]
    assert line == "    return y * undefined_name"
    assert line[frame.colno:frame.end_colno] == "undefined_name"


@pytest.mark.parametrize("source", [
    MODULE.replace('return [v', '"""Two\n    lines."""\n    return [v'),  # a docstring over lines
    MODULE.replace("(x, x)]", "(x, x)]\n\n\nLIMIT = 3"),  # a statement at the top level
    MODULE.replace("y = x + 1.0", "y = x + \\\n        1.0"),  # a line continued
    MODULE.replace("(x, x)", "(x, 'a\\nb')"),  # a line break in a string, written escaped
], ids=["docstring-over-lines", "top-level-statement", "continued-line", "escaped-break"])
def test_text_that_indentation_would_change_is_parsed(source, tmp_path):
    path = tmp_path / "module.py"
    assert _scope()._compile_text(source, path) is None
    functions = _scope().load(source, path)
    module: dict = {}
    exec(compile(source, str(path), "exec"), module)
    assert functions["g"].__doc__ == module["g"].__doc__
    assert functions["f"].__code__.co_code == module["f"].__code__.co_code


@pytest.mark.slow  # every test function's derivatives, four forms: about a minute
def test_every_test_functions_derivative_compiles_from_text_as_from_its_tree(tmp_path):
    from support import derivative_sources, functions_of_test_modules

    sources = derivative_sources(functions_of_test_modules(), [
        {}, {"motion": "split"}, {"mode": "forward"}, {"optimized": False}])
    compared = 0
    for source in sources:
        if "\ndef " not in source:
            continue  # a refusal's message
        text, tree = _both(source, tmp_path / "derivative.py")
        assert text == tree, source
        compared += 1
    assert compared > 1000
