"""Reverse mode through calls into the user's own Python functions.

Each callee gets a generated forward half (``f_forward(args) -> (value, saved)``) and backward
half (``f_backward(saved, args, init_grad=...)``), cached per (function, differentiated
argument positions); the caller runs ``y, y_saved = f_forward(a, b)`` and, in its backward
sweep, ``ba_f, bb_f = f_backward(y_saved, a, b, init_grad=by)``.  The functions under test
live in ``calls_functions.py``, which imports from ``calls_imported.py`` (NumPy as ``onp`` and
a ``SCALE`` of its own, so a callee must run with its own module's globals).

Every gradient is checked against central finite differences in float64 (``eps=1e-6``), element
by element ``|g - g_fd| <= 1e-7 + 1e-5 |g_fd|`` (:func:`support.check_grad`), in all four
combinations of ``optimized`` and ``motion``; and, where autograd can run the same source
(``numpy`` swapped for ``autograd.numpy``), against autograd's gradient with
``|g - g_autograd| <= 1e-12 + 1e-9 |g_autograd|`` (both are exact up to rounding).
"""
from __future__ import annotations

import functools
import inspect
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import calls_functions as cf
import calls_imported
import numpy as np
import pytest
from support import MODE_IDS, MODES, as_tuple, calls_as_written, check_grad

import tangentlike
from tangentlike import NoDerivativeError
from tangentlike.backend import loading

mode_params = pytest.mark.parametrize(("optimized", "motion"), MODES, ids=MODE_IDS)


@pytest.fixture
def as_written():
    """The calls kept as calls (small helpers are written out by default:
    frontend/inlining.py): for the tests of the callee halves themselves."""
    with calls_as_written():
        yield


def _data(seed: int, *shape: int, scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape) * scale


X3 = _data(1, 3)
V3 = _data(2, 3)
W33 = _data(3, 3, 3, scale=0.5)
XS = _data(4, 10, 3)
POSITIVE3 = np.abs(_data(5, 3)) + 0.5


def _marked_line(mark: str) -> int:
    """The line number, in calls_functions.py, of the line ending in ``# MARK: mark``."""
    lines = Path(cf.__file__).read_text().splitlines()
    return next(i + 1 for i, line in enumerate(lines) if line.endswith(f"# MARK: {mark}"))


# (function, arguments, wrt): every case is checked in all four modes.
CASES = [
    # 1. helpers in this module and imported ones, chains, several derivative halves
    pytest.param(cf.uses_local_helper, (X3,), (0,), id="local-helper"),
    pytest.param(cf.uses_imported_helper, (X3,), (0,), id="imported-helper-onp-and-constant"),
    pytest.param(cf.uses_imported_two_arguments, (X3, V3), (0, 1),
                 id="imported-helper-module-array-constant"),
    pytest.param(cf.uses_module_attribute, (X3,), (0,), id="module-attribute-call"),
    pytest.param(cf.uses_two_functions_named_inner, (X3,), (0,), id="two-callees-same-name"),
    pytest.param(cf.chain_f, (X3 * 0.3,), (0,), id="chain-f-g-h"),
    pytest.param(cf.two_layers, (X3, W33), (0, 1), id="same-helper-twice-wrt-x-W"),
    pytest.param(cf.two_layers, (X3, W33), (1,), id="same-helper-twice-wrt-W"),
    pytest.param(cf.layer_x_then_layer_w, (X3, W33, V3), (0, 1),
                 id="same-helper-different-positions"),
    pytest.param(cf.uses_non_differentiated_arguments, (X3, 3), (0,),
                 id="int-string-list-arguments"),
    pytest.param(cf.uses_constant_helper, (X3,), (0,), id="helper-ignoring-its-argument"),
    # 2. keywords, defaults, keyword-only parameters, tuple results
    pytest.param(cf.uses_keywords, (X3, V3), (0, 1), id="keyword-arguments"),
    pytest.param(cf.uses_float_default, (X3, V3), (0, 1), id="float-default"),
    pytest.param(cf.uses_none_default, (X3, 1.7), (0, 1), id="none-default"),
    pytest.param(cf.uses_none_default_only, (X3,), (0,), id="none-default-never-differentiated"),
    pytest.param(cf.uses_none_default_rebound_in_callee, (X3, 1.7), (0, 1),
                 id="none-default-rebound-in-callee"),
    pytest.param(cf.uses_array_default, (X3,), (0,), id="module-array-default"),
    pytest.param(cf.uses_keyword_only, (POSITIVE3, V3), (0,), id="keyword-only-constant"),
    pytest.param(cf.uses_differentiated_keyword_only, (POSITIVE3, V3), (0, 1),
                 id="keyword-only-differentiated"),
    pytest.param(cf.weighted_constant, (V3,), (0,), id="keyword-only-the-only-active-argument"),
    pytest.param(cf.uses_one_tuple_result, (X3,), (0,), id="tuple-result-one-used"),
    pytest.param(cf.uses_both_tuple_results, (X3,), (0,), id="tuple-result-both-used"),
    # 3. calls inside loops and branches
    pytest.param(cf.rnn, (X3, XS, W33), (0, 1, 2), id="rnn-range-loop"),
    pytest.param(cf.rnn_over_rows, (X3, XS, W33), (0, 1, 2), id="rnn-loop-over-rows"),
    pytest.param(cf.call_in_branch, (X3, 1.0), (0,), id="if-branch-taken"),
    pytest.param(cf.call_in_branch, (X3, -1.0), (0,), id="else-branch-taken"),
    pytest.param(cf.call_in_condition, (X3,), (0,), id="call-in-if-condition"),
    pytest.param(cf.call_in_while, (X3, 3), (0,), id="while-loop"),
    pytest.param(cf.uses_parameter_rebound_in_callee_loop, (X3,), (0,),
                 id="callee-rebinds-parameter-in-loop"),
    # 4. recursion
    pytest.param(cf.repeated_square, (3.0, 2), (0,), id="recursion-conditional-expression"),
    pytest.param(cf.accumulate, (0.7, 4), (0,), id="recursion-if-else-accumulate"),
    pytest.param(cf.parity, (X3, 5), (0,), id="mutual-recursion-odd"),
    pytest.param(cf.parity, (X3, 4), (0,), id="mutual-recursion-even"),
    pytest.param(cf.uses_swap, (0.8, -1.3), (0, 1), id="recursion-alternating-positions"),
    pytest.param(cf.deep, (0.7, 20), (0,), id="recursion-depth-20"),
    # 5. a function made by exec, called on a constant only
    pytest.param(cf.exec_function_on_constant, (0.4,), (0,), id="exec-function-on-constant"),
]


# Marks for the two optimized modes only, by case id.
OPTIMIZED_MARKS: dict[str, list] = {}  # case id -> marks for the optimized modes


def _in_every_mode(cases: list) -> list:
    """Each case once per (optimized, motion), with ids like ``opt-split-local-helper``."""
    out = []
    for case in cases:
        for (optimized, motion), mode_id in zip(MODES, MODE_IDS):
            marks = list(case.marks) + (OPTIMIZED_MARKS.get(case.id, []) if optimized else [])
            out.append(pytest.param(*case.values, optimized, motion, marks=marks,
                                    id=f"{mode_id}-{case.id}"))
    return out


CASES_IN_EVERY_MODE = _in_every_mode(CASES)
CASE_NAMES = ("f", "args", "wrt", "optimized", "motion")


@pytest.mark.parametrize(CASE_NAMES, CASES_IN_EVERY_MODE)
def test_gradient_matches_finite_differences(f, args, wrt, optimized, motion):
    check_grad(f, args, wrt, optimized=optimized, motion=motion)


# -- autograd on the same source ---------------------------------------------------------------


def _clone(module: types.ModuleType, name: str, replacements: dict[str, str]) -> types.ModuleType:
    """``module``'s source, edited by ``replacements``, run as a new module ``name``."""
    path = Path(module.__file__)
    text = path.read_text()
    for old, new in replacements.items():
        assert old in text, f"{old!r} not in {path.name}"
        text = text.replace(old, new)
    clone = types.ModuleType(name)
    clone.__file__ = str(path)
    exec(compile(text, str(path), "exec"), clone.__dict__)
    return clone


@functools.cache
def _autograd_twins() -> types.ModuleType:
    """calls_functions.py and calls_imported.py with ``autograd.numpy`` for NumPy."""
    imported = _clone(calls_imported, "_calls_imported_autograd",
                      {"import numpy as onp\n": "import autograd.numpy as onp\n"})
    sys.modules[imported.__name__] = imported
    try:
        return _clone(cf, "_calls_functions_autograd", {
            "import numpy as np\n": "import autograd.numpy as np\n",
            "import calls_imported\n": "import _calls_imported_autograd as calls_imported\n",
            "from calls_imported import": "from _calls_imported_autograd import",
        })
    finally:
        del sys.modules[imported.__name__]


@pytest.mark.parametrize(CASE_NAMES, CASES_IN_EVERY_MODE)
def test_gradient_matches_autograd(f, args, wrt, optimized, motion):
    autograd = pytest.importorskip("autograd")
    twin = getattr(_autograd_twins(), f.__name__)
    got = as_tuple(tangentlike.grad(f, wrt=wrt, optimized=optimized, motion=motion)(*args),
                   len(wrt))
    for i, g in zip(wrt, got):
        expected = autograd.grad(twin, i)(*args)
        np.testing.assert_allclose(np.asarray(g, np.float64), expected, rtol=1e-9, atol=1e-12,
                                   err_msg=f"gradient of argument {i} of {f.__name__}")


# -- 1. callees run with their own module's globals; one half per set of positions -------------


def _scope(df: Callable) -> dict[str, Any]:
    """The globals of the generated module behind ``df``."""
    fn = getattr(df, "forward", None) or df.__wrapped__
    return loading.scope_of(fn)


@mode_params
def test_imported_callee_runs_with_its_own_module_globals(optimized, motion):
    df = tangentlike.grad(cf.uses_imported_helper, optimized=optimized, motion=motion)
    t = np.tanh(X3)
    # f = sum((1.5 tanh x)^2): the callee's SCALE is 1.5; the caller's module says 100.
    np.testing.assert_allclose(df(X3), 2 * 1.5 ** 2 * t * (1 - t * t), rtol=1e-12)
    halves = [_scope(df)["scaled_tanh_forward"], _scope(df)["scaled_tanh_backward"]]
    for half in halves:
        assert half.__globals__["SCALE"] == 1.5
        assert half.__globals__["onp"] is np
    assert cf.SCALE == 100.0 and "onp" not in vars(cf)


def _distinct_calls(source: str, prefix: str) -> set[str]:
    return set(re.findall(rf"\b({prefix}\w*)\(", source))


@mode_params
@pytest.mark.usefixtures("as_written")
def test_same_helper_with_different_positions_gets_two_derivative_halves(optimized, motion):
    kwargs = {"optimized": optimized, "motion": motion}
    # wrt=(1,): layer(x, W) differentiates W only, layer(h, W) both h and W.
    source = tangentlike.grad(cf.two_layers, wrt=(1,), **kwargs).source
    assert len(_distinct_calls(source, "layer_backward")) == 2, source
    assert len(_distinct_calls(source, "layer_forward")) == 2, source
    # wrt=(0, 1): both calls differentiate both arguments, so they share one pair.
    source = tangentlike.grad(cf.two_layers, wrt=(0, 1), **kwargs).source
    assert _distinct_calls(source, "layer_backward") == {"layer_backward"}, source
    df = tangentlike.grad(cf.layer_x_then_layer_w, wrt=(0, 1), **kwargs)
    scope = _scope(df)
    backward = sorted(_distinct_calls(df.source, "layer_backward"))
    assert len(backward) == 2, df.source
    # One half returns the gradient of x only, the other that of W only: different functions.
    assert scope[backward[0]] is not scope[backward[1]]


@mode_params
@pytest.mark.usefixtures("as_written")
def test_two_callees_with_the_same_name_get_distinct_halves(optimized, motion):
    df = tangentlike.grad(cf.uses_two_functions_named_inner, optimized=optimized, motion=motion)
    names = sorted(_distinct_calls(df.source, "inner_backward"))
    assert len(names) == 2, df.source
    scope = _scope(df)
    assert {scope[n].__globals__["SCALE"] for n in names} == {1.5, 100.0}


@mode_params
@pytest.mark.usefixtures("as_written")
def test_non_differentiated_arguments_get_no_adjoints(optimized, motion):
    df = tangentlike.grad(cf.uses_non_differentiated_arguments, optimized=optimized,
                          motion=motion)
    assert "power_select_backward(" in df.source
    assert not re.search(r"\bb(n|idx|mode)\b", df.source), df.source
    # The string flag and the list of ints reach the callee unchanged.
    assert "'double'" in df.source and "[0, 2]" in df.source


# -- 4. recursion: exact values ----------------------------------------------------------------


@mode_params
def test_repeated_square_value_and_gradient_are_exact(optimized, motion):
    """f(x, 2) = x**4: 81 and 4 x**3 = 108 at x = 3, exactly (all products are of integers)."""
    assert cf.repeated_square(3.0, 2) == 81.0
    df = tangentlike.grad(cf.repeated_square, optimized=optimized, motion=motion,
                          preserve_result=True)
    gradient, value = df(3.0, 2)
    assert value == 81.0
    assert gradient == 108.0
    assert tangentlike.grad(cf.repeated_square, optimized=optimized, motion=motion)(3.0, 2) \
        == 108.0


@mode_params
def test_recursive_accumulation_closed_form(optimized, motion):
    """accumulate(x, n) = sin(x) + n x, so its derivative is cos(x) + n."""
    df = tangentlike.grad(cf.accumulate, optimized=optimized, motion=motion)
    for n in (0, 1, 6):
        assert df(0.3, n) == pytest.approx(np.cos(0.3) + n, rel=1e-14)


@mode_params
def test_recursion_depth_20_does_not_unroll_the_generated_code(optimized, motion):
    df = tangentlike.grad(cf.deep, optimized=optimized, motion=motion)
    # The derivative and one pair of halves, which call themselves: not 20 copies.
    modules = _generated_modules(df)
    assert len(modules) == 2, modules
    pair = next(text for text in modules.values() if text != df.source)
    assert "deep_forward(" in pair.split("def deep_forward(", 2)[-1]
    assert np.isfinite(df(0.7, 20))


# -- 5. errors and reproducible output ---------------------------------------------------------


@mode_params
def test_call_to_function_made_by_exec_points_at_the_call(optimized, motion):
    for _ in range(2):  # a failed generation is not cached as a success
        with pytest.raises(NoDerivativeError) as info:
            tangentlike.grad(cf.calls_exec_function, optimized=optimized, motion=motion)(0.3)
        error = info.value
        assert "made_by_exec" in error.message
        assert error.location is not None
        assert Path(error.location.filename).resolve() == Path(cf.__file__).resolve()
        assert error.location.lineno == _marked_line("exec-call")
        assert error.location.function == "calls_exec_function"
        assert "made_by_exec(y)" in error.location.line
        assert f"line {_marked_line('exec-call')}" in str(error)


def test_exec_function_is_refused_when_linecache_holds_other_text(monkeypatch):
    """Python 3.13's linecache can hold other code under ``"<string>"`` (another exec'd
    source); what is found there is not the function, which is still reported as having no
    source, not as some other construct."""
    import linecache
    monkeypatch.setitem(linecache.cache, "<string>",
                        (18, None, ["x = 1\n", "y = 2\n", "z = 3\n"], "<string>"))
    with pytest.raises(NoDerivativeError) as info:
        tangentlike.grad(cf.calls_exec_function)(0.3)
    assert "cannot find the source of function 'made_by_exec'" in info.value.message
    assert info.value.location.lineno == _marked_line("exec-call")


@mode_params
def test_call_to_function_made_by_exec_inside_a_callee_points_at_the_callee(optimized, motion):
    with pytest.raises(NoDerivativeError) as info:
        tangentlike.grad(cf.calls_helper_that_calls_exec_function, optimized=optimized,
                         motion=motion)(0.3)
    error = info.value
    assert "made_by_exec" in error.message
    assert error.location.lineno == _marked_line("nested-exec-call")
    assert error.location.function == "helper_calls_exec_function"


def _generated_modules(df: Callable) -> dict[str, str]:
    """File name -> text of the module behind ``df`` and, transitively, of every callee's
    halves it reaches."""
    out: dict[str, str] = {}
    todo = [_scope(df)]
    while todo:
        scope = todo.pop()
        path = Path(scope["__file__"])
        if path.name in out:
            continue
        out[path.name] = path.read_text()
        for value in scope.values():
            other = loading.scope_of(value) if isinstance(value, types.FunctionType) else None
            if other is not None and other is not scope:
                todo.append(other)
    return out


REGENERATED = [
    pytest.param(cf.two_layers, (1,), id="two-halves-of-one-helper"),
    pytest.param(cf.uses_two_functions_named_inner, (0,), id="two-callees-same-name"),
    pytest.param(cf.rnn, (0, 1, 2), id="rnn"),
    pytest.param(cf.chain_f, (0,), id="chain"),
    pytest.param(cf.parity, (0,), id="mutual-recursion"),
    pytest.param(cf.uses_swap, (0, 1), id="recursion-alternating-positions"),
]


@pytest.mark.parametrize(("f", "wrt"), REGENERATED)
@mode_params
@pytest.mark.usefixtures("as_written")
def test_generated_code_is_identical_after_clear_cache(f, wrt, optimized, motion):
    first = tangentlike.grad(f, wrt=wrt, optimized=optimized, motion=motion)
    before = _generated_modules(first)
    assert len(before) >= 2  # the caller and at least one callee
    tangentlike.clear_cache()
    second = tangentlike.grad(f, wrt=wrt, optimized=optimized, motion=motion)
    assert second is not first
    assert second.source.encode() == first.source.encode()
    assert _generated_modules(second) == before


def test_gradient_obtained_before_clear_cache_still_runs():
    df = tangentlike.grad(cf.parity)
    expected = df(X3, 5)
    tangentlike.clear_cache()
    np.testing.assert_array_equal(df(X3, 5), expected)


# -- 6. readable output ------------------------------------------------------------------------


@mode_params
@pytest.mark.usefixtures("as_written")
def test_generated_source_shows_the_halves_under_the_call_line(optimized, motion):
    df = tangentlike.grad(cf.uses_local_helper, optimized=optimized, motion=motion)
    source = df.source
    forward = source.index("y, y_saved = square_plus_sin_forward(x)")
    comment = source.index("# Grad of: y = square_plus_sin(x)  # MARK: local-call")
    backward = source.index("square_plus_sin_backward(y_saved, x, init_grad=")
    assert forward < comment < backward
    # Nothing but the adjoint's assignment sits between the comment and the call.
    assert source[comment:backward].count("\n") == 1, source
    assert "_forward(" in source and "_backward(" in source


@mode_params
@pytest.mark.usefixtures("as_written")
def test_inspect_getsource_reads_the_generated_functions(optimized, motion):
    df = tangentlike.grad(cf.uses_local_helper, optimized=optimized, motion=motion)
    text = inspect.getsource(df)
    assert "square_plus_sin_backward(" in text
    assert text in df.source
    if motion == "split":
        forward = inspect.getsource(df.forward)
        assert "square_plus_sin_forward(" in forward and forward in df.source
    else:
        assert "square_plus_sin_forward(" in text
    scope = _scope(df)
    for half in ("forward", "backward"):
        callee = inspect.getsource(scope[f"square_plus_sin_{half}"])
        assert callee.startswith(f"def square_plus_sin_{half}(")
