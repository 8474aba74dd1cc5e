"""Bad input gets a clear error, never a silently wrong derivative.

Each error names the construct, the user's file and line (shown), and says what to do.  The
functions live in tests/fixtures/; the line of each construct ends with ``# MARK: <name>``.
Cases where tangentlike falls short are strict xfails: each reason names the faulty code.
"""
from __future__ import annotations

import functools
import importlib.util
import math
import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from support import calls_as_written, numerical_grad

import tangentlike
from tangentlike import (
    InputError,
    NoDerivativeError,
    SourceUnavailableError,
    TangentlikeError,
    TemplateError,
    UnsupportedSyntaxError,
)
from tangentlike.rules import registry
from tangentlike.rules.registry import ADJOINTS

FIXTURES = Path(__file__).parent / "fixtures"
UNSUPPORTED = FIXTURES / "unsupported.py"
NO_RULE = FIXTURES / "no_rule.py"
USER_RULES = FIXTURES / "user_rules.py"
BAD_TEMPLATE = FIXTURES / "bad_template.py"


def import_file(path: Path) -> types.ModuleType:
    """Import ``path`` under a fresh module name (registered, so ``inspect`` finds it)."""
    name = f"_test_errors_{path.stem}_{len(sys.modules)}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


@functools.cache
def fixture(path: Path) -> types.ModuleType:
    """Each fixture module is imported once per session (its rules register once)."""
    return import_file(path)


def marked_line(path: Path, mark: str) -> tuple[int, str]:
    """The number and text of the line in ``path`` marked ``# MARK: <mark>``."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if re.search(rf"# MARK: {re.escape(mark)}(\s|$)", line):
            return number, line.strip()
    raise AssertionError(f"no line marked {mark!r} in {path}")


def assert_points_at(err: TangentlikeError, path: Path, mark: str) -> None:
    """``err`` names ``path`` and the marked line's number, and shows that line."""
    lineno, line = marked_line(path, mark)
    text = str(err)
    assert err.location is not None, text
    assert err.location.filename == str(path), text
    assert err.location.lineno == lineno, text
    assert f'File "{path}", line {lineno}' in text
    assert line in text, f"the line {line!r} is not shown in:\n{text}"
    assert f"{path}:{lineno}" in err.one_line()
    assert "\n" not in err.one_line()


def assert_has_hint(err: TangentlikeError) -> None:
    assert err.hint, str(err)
    assert f"hint: {err.hint}" in str(err)
    assert err.hint in err.one_line()


# -- unsupported syntax inside a differentiated function ------------------------------------

SYNTAX_CASES = [
    # (function, marked line, words naming the construct)
    ("uses_match", "match", "match statement"),
    ("uses_global", "global", "global statement"),
    ("generator", "yield", "yield"),
    ("loop_else", "loop-else", "else clause on a loop"),
    ("iterate_call", "iterate-call", "for loop over a variable or range"),
    ("subscript_assignment", "subscript-assign", "an argument of the function"),
    ("starred_args", "starred", "starred argument"),
]


@pytest.mark.parametrize("name, mark, construct", SYNTAX_CASES,
                         ids=[case[0] for case in SYNTAX_CASES])
def test_unsupported_syntax(name, mark, construct):
    func = getattr(fixture(UNSUPPORTED), name)
    with pytest.raises(UnsupportedSyntaxError) as info:
        tangentlike.grad(func)
    err = info.value
    assert construct in str(err)
    assert err.location.function == name
    assert_points_at(err, UNSUPPORTED, mark)
    assert_has_hint(err)


@pytest.mark.parametrize("motion", ["joint", "split"])
@pytest.mark.parametrize("optimized", [True, False])
def test_unsupported_syntax_in_every_mode(optimized, motion):
    with pytest.raises(UnsupportedSyntaxError, match="match statement"):
        tangentlike.grad(fixture(UNSUPPORTED).uses_match, optimized=optimized, motion=motion)


def test_lambda_itself_is_differentiated():
    """``grad(square_lambda)`` where ``square_lambda = lambda x: x * x`` (issue 16): the
    lambda's expression, read from its line, is differentiated like a def's return."""
    assert tangentlike.grad(fixture(UNSUPPORTED).square_lambda)(3.0) == 6.0
    assert tangentlike.grad(lambda x: x * x * x)(2.0) == 12.0
    source = tangentlike.grad(fixture(UNSUPPORTED).square_lambda).source
    assert f"lambda_{marked_line(UNSUPPORTED, 'lambda-itself')[0]}" in source  # by its line


@pytest.mark.skipif(sys.version_info < (3, 11), reason="columns of code (co_positions) are "
                    "Python 3.11's: on 3.10 two such lambdas are refused by name")
def test_two_lambdas_on_one_line_are_told_apart_by_column():
    # the same parameters on one line: the lambda whose body holds the code's positions
    f, g = (lambda x: x * 2.0), (lambda x: x * 3.0)
    assert tangentlike.grad(f)(1.0) == 2.0
    assert tangentlike.grad(g)(1.0) == 3.0
    assert g(1.0) == 3.0


# -- calls with no derivative rule -----------------------------------------------------------

NO_RULE_CASES = [
    # (function, marked line, words naming the callee)
    ("calls_fromiter", "fromiter", "numpy.fromiter"),
    ("calls_nextafter", "nextafter", "math.nextafter"),
    ("calls_function_without_source", "no-source", "no_source"),
    ("calls_byteswap", "byteswap", "byteswap"),
]
NO_RULE_IDS = [case[0] for case in NO_RULE_CASES]


def test_fixture_primitives_have_no_rule():
    """The no-rule cases stay meaningful only while these have no registered rule."""
    assert np.fromiter not in ADJOINTS
    assert math.nextafter not in ADJOINTS
    assert np.ndarray.byteswap not in ADJOINTS


@pytest.mark.parametrize("name, mark, callee", NO_RULE_CASES, ids=NO_RULE_IDS)
def test_call_without_rule_is_refused(name, mark, callee):
    """Never a silent zero: the call is refused, naming the callee, the file and a fix."""
    func = getattr(fixture(NO_RULE), name)
    with pytest.raises(NoDerivativeError) as info:
        tangentlike.grad(func)
    err = info.value
    assert callee in err.message
    assert err.location.filename == str(NO_RULE)
    assert err.location.function == name
    assert_has_hint(err)


@pytest.mark.parametrize("name, mark, callee", NO_RULE_CASES, ids=NO_RULE_IDS)
def test_call_without_rule_points_at_the_call(name, mark, callee):
    with pytest.raises(NoDerivativeError) as info:
        tangentlike.grad(getattr(fixture(NO_RULE), name))
    assert_points_at(info.value, NO_RULE, mark)


def test_call_into_user_function_is_differentiated_from_its_source():
    """Not a silent zero, and not an error: helper(t) = 2t, so d(helper(x) + x)/dx = 3."""
    assert tangentlike.grad(fixture(NO_RULE).calls_user_function)(1.5) == pytest.approx(3.0)


def test_unknown_method_hint_mentions_the_method():
    with pytest.raises(NoDerivativeError) as info:
        tangentlike.grad(fixture(NO_RULE).calls_byteswap)
    assert "byteswap" in info.value.message
    assert "byteswap" in info.value.hint


def test_constant_call_without_rule_is_fine():
    """``n = math.nextafter(3.0, 4.0)`` carries no derivative: no rule is needed."""
    df = tangentlike.grad(fixture(NO_RULE).nextafter_of_constant)
    assert df(2.0) == pytest.approx(math.nextafter(3.0, 4.0))


def test_call_without_rule_on_a_non_wrt_argument_is_fine():
    df = tangentlike.grad(fixture(NO_RULE).nextafter_of_other_argument)  # wrt x only
    assert df(2.0, 8.0) == pytest.approx(math.nextafter(8.0, 100.0))
    with pytest.raises(NoDerivativeError, match="math.nextafter"):  # k itself is refused
        tangentlike.grad(fixture(NO_RULE).nextafter_of_other_argument, wrt=(0, 1))


def test_call_without_rule_whose_result_is_unused_is_fine():
    df = tangentlike.grad(fixture(NO_RULE).nextafter_of_unused_value)
    assert df(8.0) == pytest.approx(3.0)


# -- functions without source ----------------------------------------------------------------


def test_function_defined_by_exec():
    scope: dict = {}
    exec("import numpy as np\n\ndef from_exec(x):\n    return np.sin(x)\n", scope)
    with pytest.raises(SourceUnavailableError) as info:
        tangentlike.grad(scope["from_exec"])
    err = info.value
    assert "'from_exec'" in err.message
    assert "source" in err.message
    assert err.location.filename == "<string>"
    assert err.location.lineno == 3
    assert "exec" in err.hint
    assert_has_hint(err)


@pytest.mark.parametrize("func", [len, np.sin, np.cbrt], ids=["len", "np.sin", "np.cbrt"])
def test_builtin_passed_to_grad(func):
    with pytest.raises(SourceUnavailableError) as info:
        tangentlike.grad(func)
    err = info.value
    assert repr(func.__name__) in err.message
    assert "not a Python function" in err.message
    assert "tangentlike.adjoint" in err.hint
    assert_has_hint(err)


# -- bad calls of generated functions --------------------------------------------------------


def test_integer_array_for_a_differentiated_argument():
    df = tangentlike.grad(fixture(NO_RULE).sum_of_squares)
    with pytest.raises(InputError) as info:
        df(np.arange(3))
    err = info.value
    assert "argument 0 (x) of sum_of_squares" in err.message
    assert "int" in err.message
    assert "astype(float)" in err.hint
    assert_has_hint(err)
    np.testing.assert_allclose(df(np.arange(3.0)), [0.0, 2.0, 4.0])  # floats are fine


def test_integer_array_inside_a_differentiated_container():
    """Containers are differentiated leaf by leaf; an integer leaf is refused by name."""
    df = tangentlike.grad(fixture(NO_RULE).sum_of_squares)
    with pytest.raises(InputError,
                       match=r"argument 0 \(x\) of sum_of_squares\[1\] is an array of int"):
        df([np.ones(2), np.arange(2)])
    with pytest.raises(InputError, match="is a str"):
        df("not a number")


def test_integer_array_for_a_constant_argument_is_fine():
    df = tangentlike.grad(fixture(NO_RULE).i0_of_other_argument)  # wrt x only
    k = np.array([8, 27])
    np.testing.assert_allclose(df(np.ones(2), k, np.ones(2)), np.i0(k))


def test_non_scalar_output_needs_a_seed():
    df = tangentlike.grad(fixture(NO_RULE).vector_output)
    x = np.array([0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="init_grad") as info:
        df(x)
    assert "(3,)" in str(info.value)
    np.testing.assert_allclose(df(x, np.ones(3)), 2.0 * np.cos(x))  # with a seed it works


def one_element_output(x):
    return np.sum(x ** 2, keepdims=True) * np.sin(x[:1])


@pytest.mark.parametrize("optimized", [True, False])
def test_an_output_of_one_element_takes_the_default_seed(optimized):
    """Shape (1,) or (1, 1): a gradient as autograd gives one (the seed 1.0 spread)."""
    x = np.array([0.4, -0.7])
    for motion in ("joint", "split"):
        df = tangentlike.grad(one_element_output, optimized=optimized, motion=motion)
        for _ in range(3):  # the general code, the instrumented one, the version by shape
            np.testing.assert_allclose(
                df(x), numerical_grad(lambda a: one_element_output(a)[0], [x])[0], rtol=1e-6)


# -- bad wrt ---------------------------------------------------------------------------------


@pytest.mark.parametrize("wrt, words", [
    ((5,), ["wrt=(5,)", "1 positional parameters (x)"]),
    (-1, ["wrt=-1", "(x)"]),
    ("q", ["'q'", "not a parameter of sum_of_squares (x)"]),
    ((0, 0), ["twice"]),
], ids=["index out of range", "negative index", "unknown name", "repeated"])
def test_bad_wrt(wrt, words):
    func = fixture(NO_RULE).sum_of_squares
    with pytest.raises(TangentlikeError) as info:
        tangentlike.grad(func, wrt=wrt)
    err = info.value
    for word in words:
        assert word in err.message
    lineno = func.__code__.co_firstlineno  # the def line
    assert (err.location.filename, err.location.lineno) == (str(NO_RULE), lineno)
    assert "def sum_of_squares(x):" in str(err)


def test_an_unknown_mode_is_refused():
    with pytest.raises(TangentlikeError, match="mode must be 'reverse' or 'forward'"):
        tangentlike.autodiff(fixture(NO_RULE).sum_of_squares, mode="sideways")


def test_forward_mode_without_a_tangent_rule_names_the_function(user_rules):
    """cube_plus_sin has a reverse-mode rule only: forward mode refuses, never a zero."""
    with pytest.raises(NoDerivativeError) as info:
        tangentlike.autodiff(user_rules.uses_cube_plus_sin, mode="forward")
    err = info.value
    assert "forward-mode" in err.message and "cube_plus_sin" in err.message
    assert err.location.function == "uses_cube_plus_sin"
    assert "tangentlike.tangent" in err.hint


# -- user-registered rules -------------------------------------------------------------------


def test_template_typo_fails_at_registration():
    """``d[xx]`` where the parameter is ``x``: the import (the decorator) raises."""
    with pytest.raises(TemplateError) as info:
        import_file(BAD_TEMPLATE)
    err = info.value
    lineno, _ = marked_line(BAD_TEMPLATE, "typo")
    assert "twice_adjoint" in err.message
    assert "d[...]" in err.message and "y, x" in err.message
    assert (err.location.filename, err.location.lineno) == (str(BAD_TEMPLATE), lineno)
    assert f'File "{BAD_TEMPLATE}", line {lineno}' in str(err)
    assert f"{BAD_TEMPLATE}:{lineno}" in err.one_line()
    frames = [code.co_name for code in _frames(info.tb)]
    assert "register" in frames  # raised by the decorator, not later by grad


def _frames(tb):
    while tb is not None:
        yield tb.tb_frame.f_code
        tb = tb.tb_next


def test_template_typo_shows_the_line_and_a_hint():
    with pytest.raises(TemplateError) as info:
        import_file(BAD_TEMPLATE)
    err = info.value
    assert_points_at(err, BAD_TEMPLATE, "typo")
    assert "xx" in str(err)
    assert_has_hint(err)


@pytest.fixture
def user_rules():
    """tests/fixtures/user_rules.py, freshly imported; its registrations are undone after the
    test, so that the global registry holds only tangentlike's own rules again."""
    module = import_file(USER_RULES)
    try:
        yield module
    finally:
        registry.ADJOINTS.pop(registry._key(module.cube_plus_sin), None)
        registry.NON_DIFFERENTIABLE.discard(registry._key(module.scale_of))
        sys.modules.pop(module.__name__, None)


def test_non_differentiable_user_function_is_a_constant(user_rules):
    module = user_rules
    x = np.array([0.5, -2.0, 1.5])
    df = tangentlike.grad(module.normalized)
    np.testing.assert_allclose(df(x), 2.0 * x / 2.0)  # scale_of(x) = 2.0, held constant
    assert "scale_of(x)" in df.source
    assert "bs =" not in df.source  # no derivative variable for the constant


def test_user_adjoint_rule_is_used(user_rules):
    module = user_rules
    assert registry.adjoint_rule(module.cube_plus_sin) is not None
    df = tangentlike.grad(module.uses_cube_plus_sin)
    assert "np.cos(x)" in df.source  # from the user's template
    x = np.array([0.3, -0.5, 1.2])
    np.testing.assert_allclose(df(x), numeric_gradient(module.uses_cube_plus_sin, x),
                               rtol=1e-6, atol=1e-8)


def numeric_gradient(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    out = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = h
        out.flat[i] = (f(x + step) - f(x - step)) / (2 * h)
    return out


def test_second_derivative_of_abs_of_complex_values_is_refused():
    """|z| of a complex z (an FFT's): first derivatives are right, second ones are refused at
    run time rather than guessed (see runtime.elementwise.abs_direction_derivative)."""
    from support import make_function

    f = make_function("def f(x):\n    return np.sum(np.abs(np.fft.fft(x)) ** 2)\n")
    x = np.linspace(0.1, 0.9, 4)
    fd = [(f(x + 1e-6 * e) - f(x - 1e-6 * e)) / 2e-6 for e in np.eye(4)]
    np.testing.assert_allclose(tangentlike.grad(f)(x), fd, rtol=1e-6)
    with pytest.raises(tangentlike.ValueRefusedError, match="complex"):
        tangentlike.hvp(f)(x, np.ones(4))


def test_eig_with_complex_eigenvalues_is_refused_when_the_derivative_runs():
    """A rotation's eigenvalues are complex: the eig rule covers real ones only, and says so
    (real ones, which NumPy 2.5 returns as complex numbers, are covered by
    tests/rules/test_end_to_end.py)."""
    from support import make_function

    f = make_function("def f(a):\n    return np.real(np.sum(np.linalg.eig(a)[0] ** 2))\n")
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])
    with pytest.raises(tangentlike.ValueRefusedError, match="real eigenvalues only") as info:
        tangentlike.grad(f)(rotation)
    assert isinstance(info.value, NotImplementedError)
    np.testing.assert_allclose(tangentlike.grad(f)(np.diag([1.0, 2.0])), np.diag([2.0, 4.0]))


# -- the chain of calls from the user's line (issue 16, item 7) ------------------------------

CALL_CHAIN = Path(__file__).parent / "fixtures" / "call_chain.py"


def test_refusal_in_a_callee_names_the_chain_of_calls_from_the_users_line():
    with pytest.raises(UnsupportedSyntaxError) as info:
        tangentlike.grad(fixture(CALL_CHAIN).outer)(np.ones(3))
    err = info.value
    assert [c.lineno for c in err.calls] == [marked_line(CALL_CHAIN, "outer-call")[0],
                                             marked_line(CALL_CHAIN, "middle-call")[0]]
    assert err.location.lineno == marked_line(CALL_CHAIN, "refused")[0]
    text = str(err)
    assert text.index("in outer") < text.index("in middle") < text.index("in inner")
    assert "called from" in err.one_line()


# -- refusals raised when the derivative runs -------------------------------------------------
RUN_TIME = FIXTURES / "run_time_refusals.py"
RUN_TIME_MODES = {
    "reverse": lambda f, x: tangentlike.grad(f)(x),
    "forward": lambda f, x: tangentlike.autodiff(f, mode="forward")(x, np.ones_like(x)),
    "jvp": lambda f, x: tangentlike.jvp(f)((x,), (np.ones_like(x),)),
    "vjp": lambda f, x: tangentlike.vjp(f, x)[1](1.0),
    "unoptimized": lambda f, x: tangentlike.grad(f, optimized=False)(x),
}


@pytest.mark.parametrize("mode", list(RUN_TIME_MODES))
def test_a_run_time_refusal_points_at_the_users_line(mode):
    module = import_file(RUN_TIME)
    with pytest.raises(TangentlikeError, match="method='nearest'") as info:
        RUN_TIME_MODES[mode](module.nearest_quantile, np.array([0.1, 0.5, 0.9]))
    assert_points_at(info.value, RUN_TIME, "run-time-quantile")
    assert info.value.hint


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_run_time_refusal_in_a_callee_names_the_call_that_led_there(mode):
    module = import_file(RUN_TIME)
    with pytest.raises(TangentlikeError, match="method='nearest'") as info, \
            calls_as_written():  # the helper's own derivative (else it is written out)
        RUN_TIME_MODES[mode](module.calls_inner, np.array([0.1, 0.5, 0.9]))
    assert_points_at(info.value, RUN_TIME, "run-time-inner")
    call, _ = marked_line(RUN_TIME, "run-time-call")
    assert [c.lineno for c in info.value.calls] == [call], str(info.value)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_run_time_refusal_in_a_written_out_helper_names_the_helpers_line(mode):
    # The helper is written out into the caller (frontend/inlining.py): its lines keep
    # their numbers, so the refusal names the helper's line, in the user's file.
    module = import_file(RUN_TIME)
    with pytest.raises(TangentlikeError, match="method='nearest'") as info:
        RUN_TIME_MODES[mode](module.calls_inner, np.array([0.1, 0.5, 0.9]))
    assert_points_at(info.value, RUN_TIME, "run-time-inner")
