"""Library code (issue 16, item 7): a call into a library function that has Python source
and no rule is differentiated through where tangentlike can read that source, and otherwise
refused with an error whose chain of calls starts at the user's own line and which names
the library function the user called.

Differentiated through (each against central finite differences, in reverse mode, forward
mode and as a Hessian-vector product, the value being ``f``'s own): SciPy's functions
written for any array library (``scipy.optimize.rosen``, ``rosen_der``), whose
``xp = array_namespace(x)`` stands for NumPy and whose ``xp_promote(x, ...)`` has
``np.asarray``'s rule; a local name bound to a module (``xp = np``), which once made
``xp.sum(t)`` the method ``.sum`` of a value ``xp`` (a zero gradient); a frozen distribution
(``scipy.stats.norm(m, s).logpdf(x)``, ``d = norm(m, s); d.logpdf(x)``), the distribution's
own method with the frozen arguments after ``x``; autograd's ``flatten`` and the
``unflatten`` it returns (``tangentlike.runtime.flat``); ``scipy.linalg.cho_factor`` /
``cho_solve`` / ``cholesky`` / ``expm``, refused from their source once, which have rules now
(templates/scipy_linalg.py), and ``scipy.spatial.distance.euclidean``, whose source calls
``scipy.linalg.norm``, which has one too.

Refused (each: the error class, the user's file and line first, the library function named):
``scipy.integrate.odeint`` (compiled code behind Python that tangentlike cannot read),
``scipy.linalg.schur`` (SciPy's decorators spread ``*args`` of unknown length),
``scipy.optimize.rosen_hess`` (writes into an array); a method of a frozen distribution kept
as an object, found and refused when the derivative runs (the user's line is still first)."""
from __future__ import annotations

import sys

import numpy as np
import pytest
import scipy.integrate
import scipy.linalg
import scipy.optimize
import scipy.spatial.distance
import scipy.special
import scipy.stats
from scipy._lib._array_api import array_namespace

try:
    from scipy._lib._array_api import xp_promote
except ImportError:  # a SciPy older than xp_promote (1.15)
    xp_promote = None
from support import check_every_mode

import tangentlike
from tangentlike.errors import NoDerivativeError, TangentlikeError, UnsupportedSyntaxError

X = np.array([1.3, 0.7, 0.8, 1.9])
V = np.array([0.2, -0.4, 1.0, 0.3])
A0 = np.array([[2.0, 0.3, 0.1, 0.0], [0.3, 1.5, 0.2, 0.1], [0.1, 0.2, 1.0, 0.0],
               [0.0, 0.1, 0.0, 1.2]])


# -- differentiated through ---------------------------------------------------------------

def rosen(x):
    return scipy.optimize.rosen(x)


def rosen_in_code(x):
    y = np.sin(x) * 1.5
    return scipy.optimize.rosen(y) * np.sum(x ** 2) + scipy.optimize.rosen(x[:2])


def rosen_der_norm(x):
    g = scipy.optimize.rosen_der(x)
    return np.sum(g * g) * 1e-4


def module_alias(x):
    xp = np
    return xp.sum(xp.sin(x) * x) + xp.linalg.norm(x)


def array_api_idiom(x):
    xp = array_namespace(x)
    x = xp_promote(x, force_floating=True, xp=xp)
    return xp.sum(xp.exp(x) * x, axis=0, dtype=x.dtype)


def as_array_helper(x):
    x = np.asarray(x)
    return np.sum(x ** 3)


def calls_as_array_helper(x):
    return as_array_helper(x) + np.sum(x)


def scipy_with_rules(x):
    return (scipy.special.logsumexp(x) + np.sum(scipy.stats.norm.logpdf(x, 0.5, 2.0))
            + np.sum(scipy.special.softmax(x) ** 2) + np.sum(scipy.special.xlogy(x, x)))


def frozen_norm(x):
    return np.sum(scipy.stats.norm(x[0], 2.0).logpdf(x))


def frozen_named(x):
    s = 1.5
    d = scipy.stats.norm(loc=x[1] * 0.5, scale=s)
    return np.sum(d.logpdf(x)) + np.sum(d.cdf(x))


def euclidean(x):
    return scipy.spatial.distance.euclidean(x, 2.0 * x)


def cho(x):
    return np.sum(scipy.linalg.cho_solve(scipy.linalg.cho_factor(A0 + np.diag(x)), x))


def cholesky(x):
    return np.sum(scipy.linalg.cholesky(A0 + np.diag(x), lower=True))


def expm(x):
    return np.sum(scipy.linalg.expm(A0 * x[0]))


# SciPy 1.18's euclidean holds a chained comparison in an and/or: refused (a clear error).
_EUCLIDEAN = [euclidean] if tuple(
    int(p) for p in scipy.__version__.split(".")[:2]) < (1, 18) else []


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("f", [cho, cholesky, expm, *_EUCLIDEAN, rosen, rosen_in_code,
                               rosen_der_norm, module_alias, array_api_idiom,
                               calls_as_array_helper, scipy_with_rules, frozen_norm,
                               frozen_named],
                         ids=lambda f: f.__name__)
def test_differentiated_through(f, optimized):
    if f is array_api_idiom and xp_promote is None:
        pytest.skip("this SciPy has no xp_promote")
    check_every_mode(f, X, V, optimized=optimized, hvp=optimized)


def test_rosen_matches_scipy_derivatives():
    np.testing.assert_allclose(tangentlike.grad(rosen)(X), scipy.optimize.rosen_der(X),
                               rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(tangentlike.hvp(rosen)(X, V),
                               scipy.optimize.rosen_hess_prod(X, V), rtol=1e-13, atol=1e-12)
    tangent = tangentlike.autodiff(rosen, mode="forward")(X, V)
    np.testing.assert_allclose(tangent, scipy.optimize.rosen_der(X) @ V, rtol=1e-13)
    assert tangentlike.value_and_grad(rosen)(X)[0] == scipy.optimize.rosen(X)


def test_module_alias_reads_the_module():
    """``xp = np`` is dropped and ``xp.sum`` is ``np.sum`` in the generated code."""
    source = tangentlike.grad(module_alias).source_for(X)
    code = [line for line in source.splitlines() if not line.strip().startswith("#")]
    assert not any("xp" in line for line in code)
    np.testing.assert_allclose(tangentlike.grad(module_alias)(X),
                               np.sin(X) + X * np.cos(X) + X / np.linalg.norm(X))


# -- a helper with *args whose source cannot be read -------------------------------------------

def unknown_check(a):
    return True


def star_helper(*xs):
    a = xs[0]
    if a.ndim == 1 and unknown_check(a):
        return np.sum(a ** 2)
    return np.sum(a)


def calls_star_helper(x):
    return star_helper(x) + np.sum(x)


def test_star_helper_is_refused_for_what_it_does():
    """Its source cannot be normalized: the refusal is about that construct, reached from
    the user's call, not a claim that the helper changes ``x`` in place."""
    with pytest.raises(UnsupportedSyntaxError) as info:
        tangentlike.grad(calls_star_helper)(X)
    error = info.value
    assert "in place" not in error.message and "and/or" in error.message
    assert error.calls[0].filename == __file__
    assert error.calls[0].lineno == calls_star_helper.__code__.co_firstlineno + 1


# -- refused ------------------------------------------------------------------------------------

def rhs(y, t, k):
    return -k * y


def ode(x):
    return np.sum(scipy.integrate.odeint(rhs, 1.0, np.linspace(0.0, 1.0, 5), args=(x[0],)))


def schur(x):
    return np.sum(scipy.linalg.schur(A0 + np.diag(x))[0])


def rosen_hess(x):
    return np.sum(scipy.optimize.rosen_hess(x))


# What stops tangentlike inside SciPy's source changes with SciPy's version (a decorator's
# *args, a call with no rule): the class may be either; the user's line and the name may not.
REFUSED = [
    (ode, TangentlikeError, "scipy.integrate.odeint"),
    (schur, TangentlikeError, "scipy.linalg.schur"),
    (rosen_hess, TangentlikeError, "scipy.optimize.rosen_hess"),
]


def _first_place(error: TangentlikeError):
    return error.calls[0] if error.calls else error.location


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f, kind, name", REFUSED, ids=lambda p: getattr(p, "__name__", ""))
def test_refused_from_the_users_line(f, kind, name, mode):
    with pytest.raises(kind) as info:
        if mode == "reverse":
            tangentlike.grad(f)(X)
        else:
            tangentlike.autodiff(f, mode="forward")(X, V)
    error = info.value
    first = _first_place(error)
    assert (first.filename, first.lineno) == (__file__, f.__code__.co_firstlineno + 1)
    assert name in error.message
    text = str(error)
    assert text.index(__file__) < text.index("hint:")  # the user's line before the library's
    if error.calls:  # refused inside the library: the user's call comes first
        assert error.location.filename != __file__
        assert "@tangentlike.adjoint" in error.hint


def weibull_method(x):  # sf: no rule, and not rewritten (frontend/standardized.py)
    return np.sum(scipy.stats.weibull_min.sf(x, 1.5, scale=2.0))


def test_library_method_without_rule_is_refused_by_name():
    with pytest.raises(NoDerivativeError) as info:
        tangentlike.grad(weibull_method)(X)
    error = info.value
    assert "rv_continuous.sf, a method of a library's object" in error.message
    assert (error.location.filename, error.location.lineno) == (
        __file__, weibull_method.__code__.co_firstlineno + 1)


def frozen_kept(x):
    d = scipy.stats.norm(0.5, 2.0)
    return np.sum(d.logpdf(x)) + d.mean()


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_refused_when_the_call_runs_names_the_users_line(mode):
    """``d`` stays an object (``d.mean()`` reads it): ``d.logpdf(x)`` is a call found when
    the derivative runs, and refused then, from the user's line."""
    with pytest.raises(UnsupportedSyntaxError) as info:
        if mode == "reverse":
            tangentlike.grad(frozen_kept)(X)
        else:
            tangentlike.autodiff(frozen_kept, mode="forward")(X, V)
    error = info.value
    assert (error.calls[0].filename, error.calls[0].lineno) == (
        __file__, frozen_kept.__code__.co_firstlineno + 2)
    assert "logpdf has no derivative rule" in error.message


FLATTEN_SOURCE = """
from autograd.misc import flatten


def flat_sum(x):
    v, unflatten = flatten([x, {"b": x * 2.0, "a": np.sin(x)}, (x[0],)])
    return np.sum(v ** 2)


def round_trip(x):
    v, unflatten = flatten([x, {"a": x * 2.0}])
    parts = unflatten(v * 3.0)
    return np.sum(parts[0] * parts[1]["a"]) + np.sum(np.tanh(v))


def packed(x):
    return np.sum(flatten({"w": x, "b": x[:2] ** 2})[0] ** 3)
"""


@pytest.mark.parametrize("name", ["flat_sum", "round_trip", "packed"])
def test_autograd_flatten_is_differentiated_through(name):
    """autograd's ``flatten`` stands for ``tangentlike.runtime.flat.flatten`` (rules for the
    vector; the ``unflatten`` it returns carries no derivative, and calling it on a vector
    differentiates with respect to that vector)."""
    pytest.importorskip("autograd")
    from support import make_function
    f = make_function(FLATTEN_SOURCE, numpy="autograd", name=name)
    check_every_mode(f, X, V)


def test_flatten_matches_autograds():
    autograd_flatten = pytest.importorskip("autograd.misc").flatten
    from tangentlike.runtime.flat import flatten
    value = [X, {"b": 2.0, "a": X[:2].reshape(1, 2)}, (3.0,)]
    ours, unflatten = flatten(value)
    theirs, their_unflatten = autograd_flatten(value)
    np.testing.assert_array_equal(ours, theirs)
    assert repr(unflatten(ours * 2.0)) == repr(their_unflatten(theirs * 2.0))


def test_module_of_this_file_is_not_library():
    from tangentlike.frontend.library import is_library, public_name
    assert not is_library(rosen) and is_library(scipy.optimize.rosen)
    assert public_name(scipy.integrate.odeint) == "scipy.integrate.odeint"
    assert public_name(sys.modules[__name__].rosen).endswith(".rosen")
