"""tangentlike's scipy.special and scipy.stats rules against autograd's.

Each case is one source, run twice: by tangentlike with ``sp`` and ``st`` bound to
``scipy.special`` and ``scipy.stats``, and by autograd with them bound to
``autograd.scipy.special`` and ``autograd.scipy.stats`` (and ``np`` to ``autograd.numpy``).
The rules are checked against finite differences, in both modes and to second order, in
tests/rules/test_end_to_end.py; this checks that they agree with autograd's to 1e-7 (autograd has
no ``i0e``, ``i1e``, ``xlogy``, ``xlog1py``, ``softmax`` or ``log_softmax``, differentiates
``logsumexp`` in ``a`` only, ``norm.sf`` and ``norm.logsf`` in ``x`` only, and has no ``loc`` or
``scale`` in ``gamma.logpdf``; its ``t.cdf`` in x only; its ``chi2.logpdf`` and ``chi2.pdf``
give zero gradients, an autograd bug: only ``chi2.cdf`` is compared; its ``gammainc``,
``gammaincc``, ``iv``, ``ive``, ``jn`` and ``yn`` are differentiated in x, the last argument,
only, as tangentlike's).
"""
from __future__ import annotations

import numpy as np
import pytest
from support import as_tuple, make_function

import tangentlike

pytest.importorskip("scipy")
pytest.importorskip("autograd")

import autograd  # noqa: E402
import autograd.scipy.special  # noqa: E402
import autograd.scipy.stats  # noqa: E402
import scipy.special  # noqa: E402
import scipy.stats  # noqa: E402

_r = np.random.default_rng(2024)


def _u(shape, low, high):
    return _r.uniform(low, high, size=shape)


_X, _Y = _u((2, 3), 0.2, 0.8), _u((3,), 0.5, 2.5)
CASES = {  # id: (scalar expression, arguments)
    "erf-erfc": ("np.sum(sp.erf(x) * sp.erfc(x * y))", (_X, _Y)),
    "erfinv-erfcinv": ("np.sum(sp.erfinv(x - 0.5) + sp.erfcinv(x) ** 2)", (_X,)),
    "expit-logit": ("np.sum(sp.expit(x * y) * sp.logit(x))", (_X, _Y)),
    "gamma": ("np.sum(sp.gamma(x + y) + sp.gammaln(x * y))", (_X, _Y)),
    "digamma-psi": ("np.sum(sp.digamma(x) * sp.psi(y))", (_X, _Y)),
    "polygamma": ("np.sum(sp.polygamma(2, x) + sp.polygamma(0, y) * x)", (_X, _Y)),
    "beta": ("np.sum(sp.beta(x, y) + sp.betaln(y, x) ** 2)", (_X, _Y)),
    "bessel": ("np.sum(sp.i0(x) * sp.i1(y) + sp.j0(x * y) - sp.j1(x) * sp.y0(y) "
               "+ sp.y1(x + y))", (_X, _Y)),
    "gammainc": ("np.sum(sp.gammainc(2.5, x * y) + sp.gammaincc(0.7, x + y) * x)", (_X, _Y)),
    "bessel-order": ("np.sum(sp.iv(1.5, x * y) + sp.ive(0.5, x) * sp.jn(2, y) "
                     "- sp.yn(1, x + y))", (_X, _Y)),
    "rgamma": ("np.sum(sp.rgamma(x + y) * x)", (_X, _Y)),
    "multigammaln": ("np.sum(sp.multigammaln(x + 2.0, 3) * y)", (_X, _Y)),
    "logsumexp": ("sp.logsumexp(x * y) + np.sum(sp.logsumexp(x, axis=0) ** 2)", (_X, _Y)),
    "logsumexp-keepdims": ("np.sum(sp.logsumexp(x * y, axis=1, keepdims=True) * x)", (_X, _Y)),
    "logsumexp-b": ("sp.logsumexp(x, b=np.array([0.5, 1.0, 2.0])) * y[0]", (_X, _Y)),
    "norm": ("np.sum(st.norm.pdf(x, y, 1.5) + st.norm.logpdf(x * y) + st.norm.cdf(x, 0.1, y) "
             "+ st.norm.logcdf(y - x) + st.norm.sf(x * y, 0.2, 1.3) + st.norm.logsf(x - y, 0.2))",
             (_X, _Y)),
    "t": ("np.sum(st.t.logpdf(x, y + 1.0, 0.2, 1.4) + st.t.logpdf(y, 3.0))", (_X, _Y)),
    "gamma-logpdf": ("np.sum(st.gamma.logpdf(x, y) + st.gamma.logpdf(y, 2.0))", (_X, _Y)),
    "beta-logpdf": ("np.sum(st.beta.logpdf(x, y, 2.0 * y) + st.beta.logpdf(0.4, x, y))",
                    (_X, _Y)),
    "poisson": ("np.sum(st.poisson.logpmf(k, x * 3.0))", (np.array([[0, 1, 4], [2, 0, 3]]), _X)),
    "poisson-pmf": ("np.sum(st.poisson.pmf(k, x * 3.0))", (np.array([[0, 1, 4], [2, 0, 3]]), _X)),
    "t-pdf-cdf": ("np.sum(st.t.pdf(x, y + 1.0, 0.2, 1.4) + st.t.cdf(x * y, 3.0, 0.1, 1.3) "
                  "+ st.t.logcdf(x * y, 4.0))", (_X, _Y)),
    "gamma-pdf-cdf": ("np.sum(st.gamma.pdf(x, y) + st.gamma.cdf(x * y, 2.0))", (_X, _Y)),
    "beta-pdf-cdf": ("np.sum(st.beta.pdf(x, y, 2.0) + st.beta.cdf(x, 2.0, 1.5))", (_X, _Y)),
    "chi2": ("np.sum(st.chi2.cdf(x * y * 3.0, 2.5))", (_X, _Y)),
    "multivariate_normal": ("np.sum(st.multivariate_normal.logpdf(x, y, np.eye(3) + "
                            "np.outer(y, y)) + st.multivariate_normal.pdf(x, y, 2.0 * np.eye(3)))",
                            (_X, _Y)),
    "dirichlet": ("np.sum(st.dirichlet.logpdf(y / np.sum(y), x[0] + 1.0) "
                  "+ st.dirichlet.pdf(y / np.sum(y), x[1] + 0.5))", (_X, _Y)),
}


def _function(expr: str, args: tuple, numpy: str):
    """The case's function; its parameters are k (integers), then x and y."""
    signature = ", ".join(["k"] * (np.asarray(args[0]).dtype.kind == "i") + ["x", "y"])
    signature = ", ".join(signature.split(", ")[:len(args)])
    fn = make_function(f"def f({signature}):\n    return {expr}\n", numpy=numpy)
    if numpy == "autograd":
        fn.__globals__.update(sp=autograd.scipy.special, st=autograd.scipy.stats)
    else:
        fn.__globals__.update(sp=scipy.special, st=scipy.stats)
    return fn


@pytest.mark.parametrize("case_id", list(CASES))
def test_scipy_gradients_match_autograd(case_id: str) -> None:
    expr, args = CASES[case_id]
    wrt = tuple(i for i, a in enumerate(args) if np.asarray(a).dtype.kind == "f")
    ours = _function(expr, args, "numpy")
    reference = _function(expr, args, "autograd")
    df = tangentlike.grad(ours, wrt=wrt)
    got = as_tuple(df(*args), len(wrt))
    for i, g in zip(wrt, got):
        expected = autograd.grad(reference, i)(*args)
        np.testing.assert_allclose(g, expected, rtol=1e-7, atol=1e-10, err_msg=df.source)
