"""Calls into small helpers written out in the caller before differentiation
(frontend/inlining.py): the derivatives are right in every mode (reverse, forward,
Hessian-vector product, each called three times, so the version by shape runs too), the
version by shape equals the general derivative, and every helper that must stay a call
(it writes into an argument, recurses, is a closure, reads a global the caller shadows, or
is called where it may not run) stays one."""
from __future__ import annotations

import inlining_functions as fns
import numpy as np
import pytest
from oracle import check_everywhere
from support import calls_as_written, check_grad

import tangentlike
from tangentlike import TangentlikeError

RNG = np.random.default_rng(7)
X = RNG.normal(size=6)


def _versions_agree(df, args: tuple, what: str) -> None:
    """The general derivative (first call) and the version by shape (third) agree to
    rounding, and the third call ran a version by shape."""
    first = df(*args)
    df(*args)
    third = df(*args)
    versions = df.specializer
    kinds = [v.kind for v in versions.written.values()]
    assert kinds == ["shapes"], f"{what}: {kinds} {versions.declined}"
    for a, b in zip(_leaves(first), _leaves(third), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-14, err_msg=what)


def _leaves(tree) -> list:
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in _leaves(item)]
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in _leaves(tree[key])]
    return [tree]


WRITTEN_OUT = [
    pytest.param(fns.two_shapes, (X[:4],), id="two-shapes"),
    pytest.param(fns.clashing_names, (X,), id="clashing-names-keyword-default"),
    pytest.param(fns.reads_a_global, (X,), id="reads-a-global"),
    pytest.param(fns.unpacks_a_tuple, (X,), id="tuple-result"),
    pytest.param(fns.indexes_in_a_helper, (X,), id="constant-index-and-where"),
    pytest.param(fns.calls_a_summing_helper, (X,), id="augmented-fresh-total"),
]


@pytest.mark.parametrize("f, args", WRITTEN_OUT)
def test_written_out_helpers_are_differentiated_right_in_every_mode(f, args):
    check_everywhere(f, args)


@pytest.mark.parametrize("f, args", WRITTEN_OUT)
def test_the_version_by_shape_equals_the_general_derivative(f, args):
    df = tangentlike.grad(f)
    assert "_forward(" not in df.source and "_backward(" not in df.source, df.source
    _versions_agree(df, args, f.__name__)


def test_a_helper_in_a_loop_body():
    xs, W, U, b = RNG.normal(size=(5, 3)), RNG.normal(size=(4, 4)) * 0.5, \
        RNG.normal(size=(3, 4)), RNG.normal(size=4)
    for wrt in (0, 1, 2, 3):
        check_everywhere(fns.rnn, (xs, W, U, b), wrt=wrt, hvp=wrt == 1)
    df = tangentlike.grad(fns.rnn, wrt=(1, 2, 3))
    assert "layer_backward" not in df.source, df.source
    _versions_agree(df, (xs, W, U, b), "rnn")


def test_helpers_at_two_sites_with_two_shapes_get_names_of_their_own():
    source = tangentlike.grad(fns.two_shapes).source
    assert "sumsq_value =" in source and "sumsq_value_1 =" in source, source


def test_the_helpers_lines_head_its_adjoint():
    source = tangentlike.grad(fns.clashing_names).source
    assert "# Grad of: return y / np.sqrt(np.mean(y ** 2) + eps)" in source, source
    assert "# Grad of: v = normalized(y * x, eps=1e-2)" in source, source


def test_a_global_the_helper_reads_is_read_when_the_derivative_runs():
    df = tangentlike.grad(fns.reads_a_global)
    try:
        for scale in (2.0, 3.0, -0.5):
            fns.SCALE = scale
            for _ in range(3):  # the general derivative, the observed one, the version
                np.testing.assert_allclose(df(X), 2.0 * scale ** 2 * X, rtol=1e-12)
    finally:
        fns.SCALE = 2.0


def test_a_helper_rebound_is_seen():
    df = tangentlike.grad(fns.reads_a_global)
    np.testing.assert_allclose(df(X), 8.0 * X, rtol=1e-12)
    saved = fns.scaled
    try:
        fns.scaled = fns.scaled_by_ten
        np.testing.assert_allclose(df(X), 200.0 * X, rtol=1e-12)
    finally:
        fns.scaled = saved
    np.testing.assert_allclose(df(X), 8.0 * X, rtol=1e-12)


# -- helpers that stay calls ---------------------------------------------------------------

STAY_CALLS = [
    pytest.param(fns.calls_a_recursive_helper, "repeated_sin_backward", id="recursive"),
    pytest.param(fns.calls_a_closure, "scale_backward", id="closure"),
    pytest.param(fns.SHADOWING_CALLER, "scaled_backward", id="global-the-caller-shadows"),
    pytest.param(fns.in_branches, "sumsq_backward", id="conditional-expression"),
]


@pytest.mark.parametrize("f, callee", STAY_CALLS)
def test_helpers_that_must_stay_calls_do_and_are_right(f, callee):
    df = tangentlike.grad(f)
    check_everywhere(f, (X[:4],))
    assert callee in df.source, df.source


def test_a_caller_closure_shadowing_the_helpers_global_reads_each_its_own():
    # caller's SCALE is 5.0 (its cell); scaled's is the module's 2.0
    np.testing.assert_allclose(tangentlike.grad(fns.SHADOWING_CALLER)(X), 10.0 * np.ones(6))


@pytest.mark.parametrize("f", [fns.calls_a_writing_helper, fns.calls_an_adding_helper,
                               fns.reads_before_a_writing_helper,
                               fns.calls_an_alias_adding_helper],
                         ids=["item-write", "augmented-parameter", "callee-writes",
                              "augmented-alias"])
def test_a_helper_writing_into_its_argument_stays_a_call(f):
    """The same outcome as with every call kept (right, or refused by name)."""
    outcomes = []
    for context in (calls_as_written, _default):
        with context():
            try:
                df = tangentlike.grad(f)
                g = df(X.copy())
                check_grad(f, (X.copy(),))
                outcomes.append(("right", g.tolist(), "_backward(" in df.source))
            except TangentlikeError as error:
                outcomes.append(("refused", str(error), True))
    assert outcomes[0] == outcomes[1], outcomes


class _default:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_draws_keep_their_order():
    def reseed_with(rng):
        state = rng.bit_generator.state
        return lambda: setattr(rng.bit_generator, "state", state)

    rng = np.random.default_rng(3)
    check_everywhere(fns.draws_in_order, (X, rng), reseed=reseed_with(rng), hvp=False)
    assert "draws_backward" in tangentlike.grad(fns.draws_in_order).source


def test_inline_off_keeps_every_call():
    with calls_as_written():
        source = tangentlike.grad(fns.two_shapes).source
    assert "sumsq_forward(" in source and "sumsq_backward(" in source, source


# -- the versions census's programs whose helpers are written out (autograd's examples) ------

NEWLY_VERSIONED = ["logistic_regression", "neural_network", "tanh_by_exp"]


@pytest.mark.parametrize("name", NEWLY_VERSIONED)
def test_census_programs_with_helpers_get_versions_equal_to_the_general_derivative(name):
    pytest.importorskip("autograd")
    import autograd_programs
    from autograd.misc import flatten

    f, args = autograd_programs.example_cases()[name]
    flat, unflatten = flatten(args[0])
    v = unflatten(np.random.RandomState(5).randn(flat.size))
    derivatives = [(tangentlike.grad(f), args),
                   (tangentlike.autodiff(f, mode="forward"), (*args, v)),
                   (tangentlike.hvp(f), (*args, v))]
    for df, call_args in derivatives:
        _versions_agree(df, call_args, f"{name}\n{df.source}")
    g = derivatives[0][0](*args)
    np.testing.assert_allclose(flatten(g)[0], flatten(_numerical(f, args))[0], rtol=1e-6,
                               atol=1e-8)


def _numerical(f, args, eps=1e-6):
    """Central differences of ``f`` in every entry of its first argument (a pytree)."""
    from autograd.misc import flatten

    flat, unflatten = flatten(args[0])
    out = np.zeros_like(flat)
    for i in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[i] += eps
        down[i] -= eps
        out[i] = (f(unflatten(up), *args[1:]) - f(unflatten(down), *args[1:])) / (2 * eps)
    return unflatten(out)
