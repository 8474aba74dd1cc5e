"""``emit.printed``: the names gathered while a tree is printed are what a walk of the tree
finds (``names.Seen.walk``, what ``free_data.tree_names`` makes), and the text is
``to_source``'s, on every module of the package and the test functions (every statement
and expression the parser makes: ``try``, classes, lambdas, comprehensions, ``del``,
``match``, default arguments, handlers), on hand-made trees that send statements from the
direct printer back to the converter, and on the derivatives of the test modules."""
from __future__ import annotations

from pathlib import Path

import gast
import pytest

import tangentlike
from tangentlike.backend import emit
from tangentlike.backend.names import Seen
from tangentlike.core import syntax
from tangentlike.versions import free_data

_ROOT = Path(__file__).resolve().parents[2]
_SOURCES = sorted([*(_ROOT / "tangentlike").rglob("*.py"),
                   *(_ROOT / "tests").glob("*_functions.py")])

_HAND_MADE = '''
def f(x, y=np.e, *a, k: config.T = math.pi, **kw) -> out.T:
    del z, w[np.newaxis]
    x[(*a, b.c)] = y  # a starred index: the converter prints it
    u = x, (y, (yield v.w))
    try:
        q = g(x)
    except (ValueError, np.linalg.LinAlgError) as error:
        raise Wrapped(error) from error
    else:
        r = [s.t for s in q if s.ok]
    finally:
        del q
    with open(p.name) as handle, lock:
        x = lambda m, n=d.e: m + n
    for i, j in enumerate(zip(a.b, c)):
        global gg
        nonlocal_ = {k: v.w for k, v in kw.items()}
    while (n := n - 1) > 0:
        continue
    class C(Base.Meta, metaclass=M.m):
        attr: int = x.y.z
    assert x, message.text
    return f"{x!r:>{width.w}}", C
'''


def _check(tree: gast.AST) -> None:
    text, seen = emit.printed(tree)
    assert text == emit.to_source(tree)
    walked = Seen().walk(tree)
    assert (seen.loaded, seen.stored, seen.dotted, seen.has_try) == (
        walked.loaded, walked.stored, walked.dotted, walked.has_try)


def test_hand_made_names_are_the_walks():
    tree = syntax.parse(_HAND_MADE)
    _check(tree)
    walked = Seen().walk(tree)  # (a parameter is a name: its annotation is not entered)
    assert "config.T" not in walked.dotted
    assert {"np.e", "out.T", "np.linalg.LinAlgError", "np.linalg", "M.m"} <= walked.dotted
    assert {"x", "q", "error", "kw", "handle"} <= walked.stored and walked.has_try


@pytest.mark.parametrize("path", _SOURCES, ids=lambda p: p.name)
def test_module_names_are_the_walks(path: Path):
    _check(syntax.parse(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("module", ["golden_functions", "control_flow_functions",
                                    "containers_functions", "forward_functions"])
def test_derivative_names_are_the_walks(module: str) -> None:
    """Every function the pipeline emits (split sweeps too), as it emits them."""
    from support import functions_of_test_modules

    from tangentlike.pipeline import Options, compile_derivative
    printed = []
    original = emit.printed

    def recording(tree: gast.AST) -> tuple[str, Seen]:
        printed.append(tree)
        return original(tree)

    checked = 0
    for func in functions_of_test_modules([module]):
        for options in (Options(mode="reverse"), Options(mode="forward"),
                        Options(mode="reverse", motion="split")):
            tangentlike.clear_cache()
            printed.clear()
            emit.printed = recording
            try:
                derivative = compile_derivative(func, options)
            except tangentlike.TangentlikeError:
                continue  # refused: nothing emitted
            finally:
                emit.printed = original
            for tree in printed:
                _check(tree)
                checked += 1
            if derivative.names is not None:
                assert derivative.names == free_data.tree_names(derivative.tree)
    assert checked > 0
