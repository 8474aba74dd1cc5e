"""Shared test setup: every generated module goes to one temporary cache directory."""
from __future__ import annotations

import gc
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import tangentlike

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
CACHE_ENV = "TANGENTLIKE_CACHE_DIR"

# The fixture modules under tests/api_fixtures are imported as ``api_fixtures.<name>``,
# whichever import mode pytest uses.
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

_session_cache: Path | None = None
_saved_env: str | None = None
_saved_gc_threshold: tuple[int, int, int] | None = None

# The collector's first threshold for the session (CPython's default is 700).  Collecting the
# suite (about 58,000 items, slow ones included) and generating derivatives (many short-lived
# AST nodes) allocate so much that at 700 the collector promotes enough objects to set off a
# full collection of a heap of millions of objects every few seconds: 17 while collecting
# alone.  Not ``gc.freeze()``: ``tangentlike/draws.py`` finds the random number generators
# alive with ``gc.get_objects()``, which does not see frozen objects.
YOUNG_GC_THRESHOLD = 50_000


# The default run checks every case once, in its primary variant; the slow run (``-m slow``,
# which .ci/run also runs) adds the other variants of the same case.  A parametrized test's
# id part on the left is a variant of the one on the right: the item is slow when its sibling
# with the primary part was collected too (so no case is left out of the default run).
VARIANTS = {
    "noopt-split": "opt-joint", "noopt-joint": "opt-joint", "opt-split": "opt-joint",
    "noopt": "opt",            # unoptimized derivatives
    "python -m": "script",     # the command line run as a module, and as a script
    "rev-rev": "fwd-rev", "fwd-fwd": "fwd-rev", "rev-fwd": "fwd-rev",  # second order
}
_PART = re.compile(r"(?<!\w)(" + "|".join(re.escape(v) for v in sorted(
    VARIANTS, key=len, reverse=True)) + r")(?!\w)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: the exhaustive part (other variants of each case, the long fuzz, "
        "every rule's Hessian-vector product): not in the default run; `-m slow` runs it")
    # Set as early as this so that derivatives generated while test modules are imported
    # (module-level ``@tangentlike.grad``) land in the temporary directory as well.
    global _session_cache, _saved_env, _saved_gc_threshold
    _saved_gc_threshold = gc.get_threshold()
    gc.set_threshold(YOUNG_GC_THRESHOLD, *_saved_gc_threshold[1:])
    _saved_env = os.environ.get(CACHE_ENV)
    _session_cache = Path(tempfile.mkdtemp(prefix="tangentlike-cache-"))
    os.environ[CACHE_ENV] = str(_session_cache)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _saved_gc_threshold is not None:
        gc.set_threshold(*_saved_gc_threshold)
    if _saved_env is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = _saved_env
    if _session_cache is not None:
        shutil.rmtree(_session_cache, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def tangentlike_cache_dir() -> Iterator[Path]:
    """The session's cache directory; TANGENTLIKE_CACHE_DIR points there for every test."""
    assert _session_cache is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(_session_cache))
        yield _session_cache


@pytest.fixture
def subprocess_env(tangentlike_cache_dir: Path) -> dict[str, str]:
    """Environment for a child Python that imports tangentlike and the fixture modules."""
    env = dict(os.environ)
    env[CACHE_ENV] = str(tangentlike_cache_dir)
    parts = [str(TESTS_DIR), str(REPO_ROOT)]
    if env.get("PYTHONPATH"):
        parts.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(parts)
    return env


def _primary(nodeid: str) -> str | None:
    """The id of ``nodeid``'s primary sibling, or None when it is itself primary."""
    head, bracket, params = nodeid.partition("[")
    if not bracket:
        return None
    primary = _PART.sub(lambda m: VARIANTS[m.group(1)], params)
    return head + "[" + primary if primary != params else None


# Parametrized tests whose cases repeat one check on many inputs: the default run takes the
# first of each one's cases (after the variants above) and every k-th after it, in collection
# order; the others run with ``-m slow``.  Keeps the default run near five minutes on two
# cores (README, "Testing").
SAMPLED: dict[str, int] = {
    "tests/test_array_libraries.py::test_gradient": 4,
    ("tests/versions/test_shape_specialize.py"
     "::test_rule_case_versions_match_the_generic_gradient"): 4,
    "tests/versions/test_shape_specialize.py::test_rule_case_versions_match_the_generic_tangent": 4,
    "tests/rules/test_templates.py::test_tangent_matches_its_adjoint": 2,
    "tests/rules/test_templates.py::test_tangent_is_the_transpose_of_the_adjoint": 2,
    "tests/rules/test_templates.py::test_tangent_against_finite_differences": 2,
    "tests/rules/test_templates.py::test_float32_tangents_stay_float32": 2,
    "tests/rules/test_rules_on_array_libraries.py::test_derivative_on_library_arrays": 2,
    "tests/test_jax_style.py::test_jacfwd_jacrev_match_jax": 2,
    "tests/ad/test_forward.py::test_jvp_matches_gradient_and_finite_differences": 4,
    "tests/ad/test_products.py::test_jacobian_of_several_arguments_is_a_tuple_of_blocks": 3,
    "tests/ad/test_higher_order.py::test_second_order_against_finite_differences": 4,
    "tests/ad/test_higher_order.py::test_jacobian": 2,
    "tests/test_input_types.py::test_numpy_integer_scalar_is_treated_as_a_float": 2,
    "tests/test_input_types.py::test_python_int_is_treated_as_a_float": 2,
    "tests/rules/test_complex_rules.py::test_rule_on_complex_values": 2,
    "tests/test_jax_style.py::test_jacfwd_jacrev_shapes_match_jax": 2,
    "tests/rules/test_stats_generic_more.py::test_continuous_in_every_argument": 3,
    "tests/frontend/test_function_values.py::test_derivatives_match_finite_differences": 4,
    "tests/test_scipy_multivariate_more.py::test_every_mode": 4,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    collected = {item.nodeid for item in items}
    seen: dict[str, int] = {}
    for item in items:
        if _primary(item.nodeid) in collected:
            item.add_marker(pytest.mark.slow)
            continue
        function = item.nodeid.partition("[")[0]
        k = SAMPLED.get(function)
        if k is None or item.get_closest_marker("slow"):
            continue
        position = seen[function] = seen.get(function, -1) + 1
        if position % k:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module", autouse=True)
def _forget_generated_derivatives() -> Iterator[None]:
    """Each test module starts from no generated derivatives: what earlier modules generated
    would otherwise stay alive for the whole run (and the heap that ``jacobian`` and
    ``hessian`` scan for random number generators, tangentlike/draws.py, grows with it)."""
    tangentlike.clear_cache()
    yield
