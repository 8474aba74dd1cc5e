"""SciPy's lazy where (``xpx.apply_where``, older SciPy's ``_lazywhere``), which the
scipy.stats densities call: a call with its arrays written out runs a function written for it
(frontend/lazy_where.py), checked in reverse mode, forward mode and as a Hessian-vector
product against central finite differences, the value SciPy's own."""
from __future__ import annotations

import numpy as np
import pytest
from support import check_every_mode, check_grad, make_function, numerical_grad

import tangentlike
from tangentlike.errors import ValueRefusedError

pytest.importorskip("scipy")

X = np.array([0.0, 0.4, 1.3, 2.2])
V = np.array([0.5, 1.0, -2.0, 0.7])


def _apply_where():
    """SciPy's vendored array_api_extra.apply_where (in scipy._lib, later scipy._external)."""
    import importlib

    for module in ("scipy._external.array_api_extra", "scipy._lib.array_api_extra"):
        try:
            found = getattr(importlib.import_module(module), "apply_where", None)
        except ImportError:
            continue
        if found is not None:
            return found
    return None


def _lazywhere():
    from scipy._lib import _util

    return getattr(_util, "_lazywhere", None)


@pytest.mark.parametrize("optimized", [True, False])
def test_lognorm_logpdf_at_the_fill_value_and_inside(optimized):
    """lognorm's density is apply_where(x != 0, (x, s), ..., fill_value=-inf) in SciPy: at
    x = 0 the density is 0 (its derivative too), elsewhere SciPy's formula."""
    f = make_function("""
        import scipy.stats
        def f(x):
            return np.sum(scipy.stats.lognorm.pdf(x, 0.8, loc=-0.1, scale=1.2) * x)
    """)
    check_every_mode(f, X + 0.05, V, hvp=optimized, optimized=optimized)
    g = make_function("""
        import scipy.stats
        def g(x, s):
            return np.sum(scipy.stats.lognorm.logpdf(x, s) * x)
    """)
    check_grad(g, [X[1:], 0.7], wrt=(0, 1), optimized=optimized)
    h = make_function("""
        import scipy.stats
        def h(x):
            return np.sum(scipy.stats.lognorm.pdf(x, 0.8))
    """)
    value, grads = tangentlike.value_and_grad(h)(X)  # x == 0: outside lognorm's support
    assert grads[0] == 0.0 and value == h(X)
    np.testing.assert_allclose(grads, numerical_grad(h, [X])[0], rtol=1e-6, atol=1e-9)


SPECIAL = {"genpareto.logpdf": "genpareto.logpdf(x, c, loc=0.1)",
           "genpareto.pdf": "genpareto.pdf(x, c, scale=1.5)",
           "genextreme.cdf": "genextreme.cdf(x, c)",
           "genextreme.logcdf": "genextreme.logcdf(x, c, loc=-0.2)"}


@pytest.mark.parametrize("method", sorted(SPECIAL))
def test_the_special_point_of_a_shape(method):
    """genpareto and genextreme at c == 0 exactly: SciPy's where takes the special case's
    formula (-x), whose derivative in c is 0, not the function's (the limit as c -> 0).
    Reverse mode gives NaN in c there (never 0), forward mode refuses a tangent of c there;
    the derivative in x is right, and next to the point both are."""
    f = make_function(f"""
        import scipy.stats
        def f(x, c):
            return scipy.stats.{SPECIAL[method]}
    """)
    gx, gc = tangentlike.grad(f, wrt=(0, 1))(0.7, 0.0)
    assert np.isnan(gc)
    assert np.isclose(gx, numerical_grad(f, [0.7, 0.0])[0], rtol=1e-6)
    assert np.isclose(tangentlike.grad(f)(0.7, 0.0), gx)
    forward = tangentlike.autodiff(f, mode="forward", wrt=(0, 1))
    with pytest.raises(ValueRefusedError) as info:
        forward(0.7, 0.0, 1.0, 1.0)
    assert "c at c == 0.0" in info.value.message and info.value.hint
    assert np.isclose(forward(0.7, 0.0, 1.0, 0.0), gx)  # c's tangent zero: x alone
    got = tangentlike.grad(f, wrt=(0, 1))(0.7, 0.01)
    assert np.allclose(got, numerical_grad(f, [0.7, 0.01], (0, 1)), rtol=1e-5)


@pytest.mark.parametrize("kind", ["fill", "fill-array", "f2", "one-array"])
def test_apply_where_called_directly(kind):
    apply_where = _apply_where()
    if apply_where is None:
        pytest.skip("this SciPy has no array_api_extra.apply_where")
    call = {"fill": "apply_where(x > 0.5, (x, y), lambda a, b: np.log(a) * b, fill_value=0.5)",
            "fill-array": "apply_where(x > 0.5, (x, y), lambda a, b: np.log(a) * b, "
                          "fill_value=y * y)",
            "f2": "apply_where(x > 0.5, (x, y), lambda a, b: np.log(a) * b, "
                  "lambda a, b: a * a - b)",
            "one-array": "apply_where(x > 0.5, x, np.log, fill_value=-1.0)"}[kind]
    f = make_function(f"""
        from {apply_where.__module__} import apply_where
        def f(x, y):
            return np.sum({call} ** 2)
    """)
    check_grad(f, [X + 0.05, V], wrt=(0, 1))
    jf = tangentlike.autodiff(f, mode="forward", wrt=(0, 1), preserve_result=True)
    tangent, value = jf(X + 0.05, V, V, X)
    assert value == f(X + 0.05, V)
    expected = check_grad(f, [X + 0.05, V], wrt=(0, 1))
    assert np.isclose(tangent, expected[0] @ V + expected[1] @ X, rtol=1e-6)


def test_lazywhere_of_older_scipy():
    lazywhere = _lazywhere()
    if lazywhere is None:
        pytest.skip("this SciPy has no _lazywhere")
    f = make_function("""
        from scipy._lib._util import _lazywhere
        def f(x, y):
            t = _lazywhere(x > 0.5, (x, y), lambda a, b: np.log(a) * b, -1.0)
            u = _lazywhere(x > 1.0, (x, y), lambda a, b: a * b, f2=lambda a, b: a - b)
            return np.sum(t * u)
    """)
    check_grad(f, [X + 0.05, V], wrt=(0, 1))


def test_a_spread_tuple_is_left_to_scipys_source():
    """``apply_where(c, (c, *args), ...)`` (genextreme's moments) is not rewritten: SciPy's
    own source runs, refused by name where tangentlike cannot follow it."""
    from tangentlike.frontend import lazy_where

    apply_where = _apply_where()
    if apply_where is None:
        pytest.skip("this SciPy has no array_api_extra.apply_where")
    import gast

    from tangentlike.core import syntax

    call = syntax.parse("apply_where(c, (c, *args), f, fill_value=0.0)").body[0].value
    assert lazy_where.rewritten(apply_where, call) is None
    plain = syntax.parse("apply_where(c, (c, d), f, fill_value=0.0)").body[0].value
    func, node = lazy_where.rewritten(apply_where, plain)
    assert isinstance(node, gast.Call) and len(node.args) == 5
    assert func.__name__ == "lazy_where_2_fill"
