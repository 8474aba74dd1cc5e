"""The versions a derivative runs, as the API shows them (tangentlike/versions/dispatch.py):
``df.version_for(*args)`` is the version a call with those arguments runs (``kind``
``"general"``, ``"floats"`` or ``"shapes"``), ``df.source_for(*args)`` its source, with the
``# Grad of:`` comments and no dispatch; ``df.versions`` the versions written, by signature;
``TANGENTLIKE_SPECIALIZE=off`` leaves every call the general derivative."""
from __future__ import annotations

import numpy as np
import pytest
import shape_functions as sf
from api_fixtures import registered
from support import make_function, numerical_grad

import tangentlike
from tangentlike.versions.dispatch import ENV, Version
from tangentlike.versions.signature import signature

LOOP = make_function("def loop(x, y):\n    for i in range(3):\n"
                     "        x = np.sin(x) * y + 0.5 * x\n    return x\n")
TIMES = make_function("def times(x, n):\n    y = x\n    for i in range(n):\n"
                      "        y = np.sin(y) * x + 0.5 * y\n    return y\n")


def test_float_call_runs_the_float_version() -> None:
    df = tangentlike.grad(LOOP, wrt=(0, 1))
    version = df.version_for(0.4, 1.3)
    assert isinstance(version, Version) and version.kind == "floats", version.reason
    assert version.signature == signature((0.4, 1.3), {})
    assert version.path is not None and version.path.exists()
    assert version.function.__name__ == f"{df.__name__}_floats"
    source = df.source_for(0.4, 1.3)
    assert source == version.source
    assert "# Grad of: x = np.sin(x) * y + 0.5 * x" in source, source
    assert "is float" not in source and "unbroadcast(" not in source, source
    assert "_floats" not in df.source and "is float" not in df.source
    assert df.versions[version.signature] == version
    got = df(0.4, 1.3)
    np.testing.assert_allclose(got, version.function(0.4, 1.3), rtol=1e-14)
    np.testing.assert_allclose(got, numerical_grad(LOOP, (0.4, 1.3), (0, 1)), rtol=1e-6)


def test_float_version_for_other_arguments_free() -> None:
    """Only the differentiated arguments and the seed decide a float signature."""
    df = tangentlike.grad(TIMES)
    version = df.version_for(0.4, 3)
    assert version.kind == "floats", version.reason
    assert df.version_for(0.4, 5).function is version.function
    assert df.version_for(0.4, 3, init_grad=2.0).function is version.function
    assert df.version_for(0.4, 3, init_grad=np.float64(2.0)).kind != "floats"
    assert df.version_for(np.float64(0.4), 3).kind != "floats"
    assert df(0.4, 5) == pytest.approx(numerical_grad(TIMES, (0.4, 5))[0], rel=1e-6)


def test_array_call_runs_a_version_by_shape() -> None:
    df = tangentlike.grad(sf.logsumexp)
    x = np.linspace(-1.0, 1.0, 5)
    version = df.version_for(x)
    assert version.kind == "shapes", version.reason
    assert "# Grad of:" in version.source and "unbroadcast(" not in version.source
    assert version.function.__name__.startswith(f"{df.__name__}_shaped")
    assert df.specialized[version.signature] == version.source
    assert df.source_for(x) == version.source
    e = np.exp(x - x.max())
    np.testing.assert_allclose(df(x), e / e.sum(), rtol=1e-12)


def test_user_rule_declines_a_version_by_shape() -> None:
    """A rule the user registered states no facts: its result's shape may depend on values
    (tangentlike.rules.primitive's default), so no version by shape is written."""
    with registered("api_fixtures.user_rules") as rules:
        df = tangentlike.grad(rules.uses_my_prim)
        x = np.linspace(-1.0, 1.0, 5)
        version = df.version_for(x)
        assert version.kind == "general", version.kind
        assert "my_prim may shape its result by value" in version.reason, version.reason
        np.testing.assert_allclose(df(x), numerical_grad(rules.uses_my_prim, (x,))[0],
                                   rtol=1e-6)


def test_general_version_and_why() -> None:
    df = tangentlike.grad(LOOP, wrt=(0, 1))
    converted = df.version_for(1, 2)  # ints: converted to floats first
    assert converted.kind == "general" and "converted" in converted.reason
    assert converted.source == df.source and converted.function is df.specializer.generic
    odd = tangentlike.grad(LOOP).version_for(0.5, object())
    assert odd.kind == "general" and odd.signature is None and odd.reason
    split = tangentlike.grad(LOOP, motion="split")
    assert split.version_for(0.5, 1.0).kind == "general"
    assert "optimized joint" in split.version_for(0.5, 1.0).reason


def test_off_leaves_the_general_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "off")
    fn = make_function("def cube_off(x):\n    return x * x * x + np.sin(x)\n")
    df = tangentlike.grad(fn)
    version = df.version_for(0.5)
    assert version.kind == "general" and ENV in version.reason
    assert df.source_for(0.5) == df.source
    assert df(0.5) == pytest.approx(3 * 0.25 + np.cos(0.5), rel=1e-12)
    assert not df.versions


def test_forward_mode_tangents_by_position() -> None:
    jvp = tangentlike.autodiff(LOOP, wrt=(0, 1), mode="forward")
    version = jvp.version_for(0.4, 1.3, 1.0, 0.0)
    assert version.kind == "floats", version.reason
    assert "# Tangent of:" in version.source, version.source
    assert jvp(0.4, 1.3, 1.0, 0.0) == pytest.approx(
        numerical_grad(LOOP, (0.4, 1.3), (0,))[0], rel=1e-6)


def test_a_second_derivatives_named_seed_is_lowered() -> None:
    """``grad(grad(f))`` checks its seed as ``seed(init_grad_1, bx, 'init_grad_1')``: the
    version by shape drops the check as it does for a first derivative's seed."""
    def f(x):
        return np.sum(np.sin(x) * x)

    ddf = tangentlike.grad(tangentlike.grad(f))
    x, v = np.linspace(0.1, 1.0, 5), np.linspace(1.0, 2.0, 5)
    for _ in range(3):
        got = ddf(x, init_grad_1=v)
    np.testing.assert_allclose(got, v * (2 * np.cos(x) - x * np.sin(x)), rtol=1e-12)
    version = ddf.version_for(x, init_grad_1=v)
    assert version.kind == "shapes" and "seed(" not in version.source, version.source
