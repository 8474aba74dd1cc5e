"""Code written for autograd runs as written (issue 16, item 5): a module that imports
``autograd.numpy as np`` (``autograd.numpy.random``, ``autograd.scipy.special.logsumexp``,
``autograd.scipy.stats.norm``) is differentiated as if it had imported NumPy and SciPy.
Each program of tests/autograd_programs.py is differentiated in reverse mode, forward mode
and as a Hessian-vector product, at its first, second and third calls (the third runs the
version written for the argument shapes), against autograd's own derivatives and central
finite differences; the value the derivative returns is ``f(*args)`` exactly.  autograd's
functions with no NumPy counterpart are refused by name, and tangentlike never imports
autograd itself."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy
import pytest
import scipy.special
import scipy.stats

autograd = pytest.importorskip("autograd")

import autograd.numpy as anp  # noqa: E402
import autograd.numpy.random as anpr  # noqa: E402
import autograd_programs as ap  # noqa: E402
from autograd.misc import flatten  # noqa: E402
from support import assert_same_value, import_file, numerical_grad  # noqa: E402

import tangentlike  # noqa: E402
from tangentlike.core.counterparts import AutogradOnly, numpy_counterpart  # noqa: E402
from tangentlike.errors import NoDerivativeError  # noqa: E402
from tangentlike.rules.primitive import primitive  # noqa: E402

CASES = ap.example_cases()
OPTIMIZED = [pytest.param(True, id="opt"), pytest.param(False, id="noopt")]


def _flat(f, args):
    """``f`` as a function of its first argument flattened (autograd's ``flatten``), the
    flat point, and ``unflatten``."""
    flat, unflatten = flatten(args[0])
    return (lambda v: f(unflatten(v), *args[1:])), flat, unflatten


def _direction(args, seed=5):
    """A tangent shaped like the first argument."""
    flat, unflatten = flatten(args[0])
    return unflatten(numpy.random.RandomState(seed).randn(flat.size))


def _close(got, expected, rtol, atol=1e-9):
    numpy.testing.assert_allclose(flatten(got)[0], flatten(expected)[0], rtol=rtol, atol=atol)


@pytest.mark.parametrize("optimized", OPTIMIZED)
@pytest.mark.parametrize("name", sorted(CASES))
def test_grad_matches_autograd_and_finite_differences(name, optimized):
    f, args = CASES[name]
    expected = autograd.grad(f)(*args)
    g, flat, _ = _flat(f, args)
    numeric = numerical_grad(g, [flat])[0]
    _close(expected, numeric, rtol=1e-6)  # the reference itself is right
    df = tangentlike.value_and_grad(f, optimized=optimized)
    for _ in range(3):
        value, gradient = df(*args)
        assert_same_value(value, f(*args))
        _close(gradient, expected, rtol=1e-10)
        assert type(gradient) is type(args[0])


@pytest.mark.parametrize("optimized", OPTIMIZED)
@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_mode_matches_autograd_and_finite_differences(name, optimized):
    f, args = CASES[name]
    v = _direction(args)
    expected = float(numpy.dot(flatten(autograd.grad(f)(*args))[0], flatten(v)[0]))
    g, flat, _ = _flat(f, args)
    h = 1e-6
    numeric = (g(flat + h * flatten(v)[0]) - g(flat - h * flatten(v)[0])) / (2 * h)
    assert numeric == pytest.approx(expected, rel=1e-6, abs=1e-9)
    jf = tangentlike.jvp(f, wrt=0, optimized=optimized)
    for _ in range(3):
        value, tangent = jf(args, (v,))
        assert_same_value(value, f(*args))
        assert float(tangent) == pytest.approx(expected, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hvp_matches_autograd_and_finite_differences(name):
    f, args = CASES[name]
    v = _direction(args)
    g, flat, unflatten = _flat(f, args)
    flat_v = flatten(v)[0]
    expected = autograd.hessian_vector_product(g)(flat, flat_v)
    h = 1e-5
    dg = autograd.grad(g)
    numeric = (dg(flat + h * flat_v) - dg(flat - h * flat_v)) / (2 * h)
    numpy.testing.assert_allclose(expected, numeric, rtol=1e-5, atol=1e-7)
    hf = tangentlike.hvp(f)
    for _ in range(3):
        _close(hf(*args, v), unflatten(expected), rtol=1e-9)


# The programs' imports, and what a NumPy user writes instead.
NUMPY_IMPORTS = {
    "import autograd.numpy as np\n": "import numpy as np\n",
    "import autograd.numpy.random as npr\n": "import numpy.random as npr\n",
    "import autograd.scipy.stats.norm as norm\n": "from scipy.stats import norm\n",
    "from autograd.scipy.special import logsumexp\n": "from scipy.special import logsumexp\n",
}


@pytest.fixture(scope="module")
def numpy_twin(tmp_path_factory):
    """tests/autograd_programs.py with NumPy's and SciPy's imports instead of autograd's."""
    source = Path(ap.__file__).read_text()
    for ours, theirs in NUMPY_IMPORTS.items():
        assert ours in source
        source = source.replace(ours, theirs)
    source = "\n".join(line for line in source.splitlines()
                       if not line.startswith("from autograd"))
    path = tmp_path_factory.mktemp("twin") / "numpy_programs.py"
    path.write_text(source)
    return import_file("numpy_programs", path)


def _body(source: str) -> str:
    """A generated module's functions, NumPy called ``np`` (the autograd program's
    derivative reaches NumPy, for the rules' own calls, as ``np_1``)."""
    return source[source.index("def "):].replace("np_1.", "np.")


@pytest.mark.parametrize("name", sorted(CASES))
def test_derivatives_are_those_of_the_same_program_written_with_numpy(name, numpy_twin):
    """The derivative, and the version written for the argument shapes, are the ones
    tangentlike generates when the program imports NumPy and SciPy."""
    f, args = CASES[name]
    twin = getattr(numpy_twin, f.__name__)
    ours, theirs = tangentlike.grad(f), tangentlike.grad(twin)
    for _ in range(3):
        ours(*args), theirs(*args)
    assert _body(ours.source) == _body(theirs.source)
    version, twin_version = ours.version_for(*args), theirs.version_for(*args)
    assert version.kind == twin_version.kind
    assert _body(version.source) == _body(twin_version.source)


def test_generated_code_calls_numpy_under_the_users_name():
    """The derivative reads like the user's code: autograd's NumPy, as ``np``."""
    source = tangentlike.grad(ap.damped_tanh).source
    assert "import autograd.numpy as np" in source
    assert "np.exp(" in source and "np.cosh(" in source
    assert "autograd.numpy.numpy_wrapper" not in source and "f_wrapped" not in source


def test_wrappers_stand_for_numpy_and_scipy_functions():
    assert numpy_counterpart(anp.sin) is numpy.sin
    assert numpy_counterpart(anp.dot) is numpy.dot
    assert numpy_counterpart(anp.linalg.inv) is numpy.linalg.inv
    assert numpy_counterpart(anp.shape) is numpy.shape  # a notrace_primitive
    assert numpy_counterpart(anp.concatenate) is numpy.concatenate  # autograd's own lambda
    assert numpy_counterpart(anp.array) is numpy.array
    assert numpy_counterpart(anp.where) is numpy.where
    assert numpy_counterpart(anp.linalg.norm) is numpy.linalg.norm
    assert numpy_counterpart(anpr.randn) == numpy.random.randn
    assert numpy_counterpart(anp.int64) is numpy.int64
    assert anp.ndarray is numpy.ndarray and numpy_counterpart(anp.ndarray) is numpy.ndarray
    assert numpy_counterpart(ap.logsumexp) is scipy.special.logsumexp
    assert numpy_counterpart(ap.norm.logpdf) == scipy.stats.norm.logpdf
    assert numpy_counterpart(numpy.sin) is numpy.sin and numpy_counterpart(3.0) == 3.0


def test_records_of_a_wrapper_are_numpys():
    """Purity, shapes and rules: the record of a wrapper is its NumPy function's."""
    assert primitive(anp.sin) is primitive(numpy.sin)
    assert primitive(anp.sin).pure and primitive(anp.sin).adjoint is not None
    assert not primitive(anpr.randn).pure  # a random draw runs once, in order
    assert primitive(anp.concatenate).shape is primitive(numpy.concatenate).shape


def test_a_users_own_autograd_primitive_is_differentiated_from_its_source():
    """``@primitive`` on the user's function: tangentlike differentiates the function."""
    def cube(x):
        return x ** 3

    wrapped = autograd.extend.primitive(cube)
    assert numpy_counterpart(wrapped) is cube


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f, name", [(ap.uses_make_diagonal, "autograd.numpy.make_diagonal")])
def test_autograd_only_functions_are_refused_by_name(f, name, mode):
    x = numpy.array([0.5, -1.0, 2.0])
    with pytest.raises(NoDerivativeError, match=f"{name} is autograd's own function") as e:
        df = tangentlike.autodiff(f, mode=mode)
        df(x) if mode == "reverse" else df(x, x)
    assert "autograd_programs.py" in str(e.value)
    assert isinstance(numpy_counterpart(anp.make_diagonal), AutogradOnly)


def test_tangentlike_never_imports_autograd(subprocess_env, tmp_path):
    (tmp_path / "plain_numpy.py").write_text(textwrap.dedent("""
        import numpy as np

        def f(x):
            return np.sum(np.sin(x) * np.exp(x))
    """))
    env = {**subprocess_env, "PYTHONPATH": f"{tmp_path}:{subprocess_env['PYTHONPATH']}"}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import sys
        import numpy as np
        import tangentlike, plain_numpy
        tangentlike.grad(plain_numpy.f)(np.ones(3))
        tangentlike.hvp(plain_numpy.f)(np.ones(3), np.ones(3))
        print('autograd' in sys.modules)
    """)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False"]


def test_a_wrapper_of_scipy_registers_the_scipy_rules(subprocess_env):
    """SciPy's rules are registered on first use: a wrapper of a SciPy function counts."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        from autograd.scipy.special import logsumexp
        from tangentlike.rules.primitive import primitive
        record = primitive(logsumexp)
        print(record.adjoint is not None, record.pure)
    """)], env=subprocess_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
