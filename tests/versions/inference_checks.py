"""The checks of a table worked out without the instrumented run (versions/infer.py), shared
by the tests of straight-line derivatives and of loops.  A case is ``(label, f, args, wrt)``."""
from __future__ import annotations

import re

import numpy as np
import pytest

import tangentlike
from tangentlike.versions import dispatch, infer, observe


def unnumbered(source: str) -> str:
    """A version's source without the number in its name (it counts the derivative's
    versions, which other tests' signatures change)."""
    return re.sub(r"_shaped\d*\(", "_shaped(", source)


def recorded(versions, args: tuple, keywords: dict | None = None) -> dict:
    """The table the instrumented run records for ``args``."""
    observer = observe.Observer(versions.tree, versions.scope, versions.general.source,
                                versions.general.path)
    return observer.run(observer.function(), args, keywords or {})[0]


def check_inferred_table(case: tuple) -> None:
    """The inferred table is the recorded one, place for place."""
    _, f, args, wrt = case
    versions = tangentlike.grad(f, wrt=wrt).specializer
    inferred = infer.infer_seen(versions.tree, versions.scope, args, {})
    assert inferred is not None
    assert inferred == recorded(versions, args)


def check_version_without_the_run(case: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    """The version written from the inferred table is the one written after the run, source
    for source, and gives the generic derivative's numbers at every call."""
    _, f, args, wrt = case
    inferred = tangentlike.grad(f, wrt=wrt)
    generic = inferred.specializer.generic(*args)
    single = len(wrt) == 1
    second = inferred(*args), inferred(*args)  # the second call writes the version
    version = inferred.version_for(*args)
    tangentlike.clear_cache()
    monkeypatch.setattr(dispatch, "infer_seen", lambda *a: None)
    observed = tangentlike.grad(f, wrt=wrt)
    observed(*args), observed(*args)
    expected = observed.version_for(*args)
    assert version.kind == expected.kind
    assert unnumbered(version.source) == unnumbered(expected.source)
    for got in (*second, inferred(*args)):
        for g, e in zip((got,) if single else got, (generic,) if single else generic):
            assert type(g) is type(e) and np.shape(g) == np.shape(e)
            assert np.asarray(g).dtype == np.asarray(e).dtype
            np.testing.assert_allclose(g, e, rtol=1e-5 if np.asarray(e).dtype == np.float32
                                       else 1e-12, atol=1e-12)


def check_against_central_differences(case: tuple) -> None:
    """The version's gradient (written at the second call) against central differences."""
    _, f, args, wrt = case
    df = tangentlike.grad(f, wrt=wrt)
    df(*args), df(*args)
    assert df.version_for(*args).kind == "shapes"
    got = df(*args)
    for position, g in zip(wrt, got if len(wrt) > 1 else (got,)):
        x = np.asarray(args[position], dtype=float)
        numeric = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            step = np.zeros(x.shape)
            step[i] = 1e-6
            moved = [list(args), list(args)]
            for k, sign in ((0, 1), (1, -1)):
                value = x + sign * step
                moved[k][position] = type(args[position])(value) if not isinstance(
                    args[position], np.ndarray) else value
            numeric[i] = (f(*moved[0]) - f(*moved[1])) / 2e-6
        np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-7)
