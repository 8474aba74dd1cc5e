"""A primitive whose result is a tuple or a list (``np.split``, ``x.tolist()``,
``np.broadcast_arrays``, ``np.modf``, ``np.linalg.slogdet``, ...), passed whole to another
primitive: its derivative is added piece by piece (``add_grad``), never with ``+``, which
joins two tuples or lists.  Unoptimized (where the zero an adjoint starts from is not folded
away) and wherever the whole result is read twice, ``+`` gave a gradient of the wrong
length or a wrong one.  Checked against central differences in every mode."""
from __future__ import annotations

import ast
import inspect
import operator
import textwrap
import warnings
from typing import Any

import numpy as np
import pytest
from support import make_function

import tangentlike
from tangentlike import d

X = np.array([0.3, -0.7, 1.1, 0.4, -0.2, 0.9])
V = np.array([0.5, 1.0, -2.0, 0.3, 0.7, -0.4])

WHOLE = {  # the result of one primitive, passed whole to another
    "tolist": "np.array(x.tolist()) * x",
    "split": "np.concatenate(np.split(x, 2)) * x",
    "array_split": "np.concatenate(np.array_split(x, 4)) ** 2",
    "hsplit": "np.hstack(np.hsplit(x, 3)) * x",
    "vsplit": "np.vstack(np.vsplit(x.reshape(2, 3), 2)).ravel() * x",
    "dsplit": "np.dstack(np.dsplit(x.reshape(1, 1, 6), 2)).ravel() * x",
    "broadcast_arrays": "np.concatenate(np.broadcast_arrays(x, x[:1])) * 2",
    "unstack": "np.stack(np.unstack(x.reshape(2, 3))).ravel() * x",
    "meshgrid": "np.stack(np.meshgrid(x, x[:2])).ravel()",
    "modf": "np.stack(np.modf(x * 3)).ravel()",
    "divmod": "np.stack(np.divmod(x * 3, 2.0)).ravel()",
    "slogdet": "np.stack(np.linalg.slogdet(x.reshape(2, 3) @ x.reshape(2, 3).T))",
    "qr": "np.stack(np.linalg.qr(x.reshape(2, 3) @ x.reshape(2, 3).T)).ravel()",
    "expm_frechet": ("np.stack(scipy.linalg.expm_frechet(x[:4].reshape(2, 2), "
                     "x[2:].reshape(2, 2))).ravel()"),
    "logsumexp_sign": "np.stack(scipy.special.logsumexp(x, return_sign=True)) * x[:2]",
    "scipy_qr": "np.stack(scipy.linalg.qr(x.reshape(2, 3) @ x.reshape(2, 3).T)).ravel()",
}

READ_TWICE = """def f(x):
    b = np.broadcast_arrays(x, x[:1])
    m = np.modf(x * 3)
    pieces = np.split(x, 3)
    return (np.sum(np.sin(np.concatenate(b) * np.stack(b).ravel()))
            + np.sum(np.stack(m).ravel() * np.concatenate(m))
            + np.sum(np.concatenate(pieces) * np.stack(pieces).ravel()))
"""


def _fd(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def _check(f, optimized, mode):
    expected = _fd(f, X)
    if mode == "reverse":
        got = tangentlike.grad(f, optimized=optimized)(X)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    else:
        got = tangentlike.autodiff(f, optimized=optimized, mode="forward")(X, V)
        np.testing.assert_allclose(got, expected @ V, rtol=1e-6, atol=1e-7)


MODES = [pytest.param(o, m, id=f"{m}-{'optimized' if o else 'unoptimized'}")
         for o in (True, False) for m in ("reverse", "forward")]


@pytest.mark.parametrize("optimized, mode", MODES)
@pytest.mark.parametrize("form", WHOLE)
def test_a_tuple_or_list_result_passed_whole(form, optimized, mode):
    source = (f"import scipy.linalg\nimport scipy.special\n\n"
              f"def f(x):\n    return np.sum(np.sin({WHOLE[form]}))\n")
    _check(make_function(source, name="f"), optimized, mode)


@pytest.mark.parametrize("optimized, mode", MODES)
def test_a_tuple_or_list_result_read_twice(optimized, mode):
    _check(make_function(READ_TWICE), optimized, mode)


def test_tuple_results_are_known_for_ufuncs_of_several_outputs():
    from tangentlike.rules.primitive import tuple_result
    assert tuple_result(np.modf) and tuple_result(np.divmod) and tuple_result(np.frexp)
    assert not tuple_result(np.sin) and not tuple_result(np.add)


class _Recorded(ast.NodeTransformer):
    """``g(a, b=c)`` becomes ``_call(g, a, b=c)``: each call made through ``_call``, which
    notes what the callee returned."""

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        return ast.Call(func=ast.Name("_call", ast.Load()), args=[node.func, *node.args],
                        keywords=node.keywords)


def _results_of_calls(func, args) -> list[tuple[Any, Any]]:
    """``func(*args)`` run with every call in its body noted: (callee, result) pairs."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    tree = ast.fix_missing_locations(_Recorded().visit(tree))
    noted = []

    def call(callee, *a, **k):
        result = callee(*a, **k)
        noted.append((callee, result))
        return result

    scope = dict(func.__globals__, _call=call)
    exec(compile(tree, "<recorded>", "exec"), scope)  # noqa: S102
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        scope[func.__name__](*args)
    return noted


def _primitive_of(callee):
    """A bound method of an array stands for the ndarray method (``x.tolist``)."""
    owner = getattr(callee, "__self__", None)
    if isinstance(owner, np.ndarray):
        return getattr(np.ndarray, callee.__name__, callee)
    return callee


def test_every_rule_case_with_a_tuple_or_list_result_is_declared_so():
    """Over the rule cases (their end-to-end functions run with every call noted, and their
    template forms): a primitive a case covers that returns a tuple or a list says so
    (``tuple_result``), unless it is a runtime helper whose record says its result may be a
    container, or indexing (``xs[1:]``: the compiler sees the slice)."""
    from rule_cases import ALL, load_all

    from tangentlike.core.counterparts import numpy_counterpart
    from tangentlike.rules.primitive import container_helper, tuple_result

    def declared(prim) -> bool:
        return (tuple_result(prim) or container_helper(prim) or prim is operator.getitem
                or tuple_result(numpy_counterpart(prim)))

    load_all()
    ran, undeclared = 0, set()
    for case in ALL.values():
        noted = []
        try:
            if case.source is not None:
                noted = _results_of_calls(case.func, case.args)
            elif case.template is not None:
                noted = [(case.template.prim, case.template.call())]
        except Exception:  # noqa: BLE001 (a case of a refusal, or inputs it needs made)
            continue
        ran += 1
        covered = set(map(id, case.covers)) | (
            {id(case.template.prim)} if case.template is not None else set())
        for callee, result in noted:
            prim = _primitive_of(callee)
            if id(prim) in covered and isinstance(result, (tuple, list)) and not declared(prim):
                undeclared.add(f"{case.id}: {prim}")
    assert ran > 2000 and not undeclared, (ran, sorted(undeclared))


def pair(x):
    """A user's primitive with a tuple result."""
    return (np.sin(x), 2.0 * x)


@tangentlike.adjoint(pair, tuple_result=True)
def pair_adjoint(y, x):
    d[x] = d[y][0] * np.cos(x) + 2.0 * d[y][1]


@tangentlike.tangent(pair, tuple_result=True)
def pair_tangent(y, x):
    d[y] = (d[x] * np.cos(x), 2.0 * d[x])


def through_pair(x):
    return np.sum(np.stack(pair(x)) * np.stack(pair(x)))


@pytest.mark.parametrize("optimized", [True, False], ids=["optimized", "unoptimized"])
def test_a_users_primitive_declared_with_a_tuple_result(optimized):
    expected = _fd(through_pair, X)
    np.testing.assert_allclose(tangentlike.grad(through_pair, optimized=optimized)(X),
                               expected, rtol=1e-6, atol=1e-7)
