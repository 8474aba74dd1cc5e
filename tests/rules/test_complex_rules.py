"""Every rule case on complex values (issue 17, item 3): right, refused, or refused by NumPy.

The walk takes each end-to-end rule case (``tests/rule_cases``) whose differentiated
arguments are floats or float arrays, makes them complex (``x + i y``, ``y`` small and
random), and differentiates the real loss ``Re((1 - 0.7i) f(z))`` (both parts of a complex
``f``) in reverse mode (``grad``) and forward mode (``jvp``).  In autograd's convention a real
loss changes by ``Re(<grad, dz>)`` along a complex direction ``dz``: both modes are compared
with central differences along two random complex directions.  The outcome must be one of

* ``right``: both modes agree with the differences;
* ``refused``: tangentlike raises one of its errors (a rule refusing complex values by name);
* ``primal``: the function itself raises on complex values (NumPy or SciPy refuse them,
  a ``ComplexWarning`` included), or its value is not finite there, or it is not
  differentiable there (central differences with two steps disagree: a tie of real parts,
  which NumPy's ``maximum`` and ``sort`` then order by the imaginary parts).

Any other outcome (a wrong number, or a crash that is no refusal) fails.  The default run
checks a fixed sample (the cases of the rules fixed for complex values, and every
``SAMPLE``-th case); ``-m slow`` walks them all.
"""
from __future__ import annotations

import re
import warnings
import zlib
from typing import Any

import numpy as np
import pytest
from rule_cases import ALL, RuleCase, is_float, load_all
from support import make_function

import tangentlike
from tangentlike.errors import TangentlikeError

load_all()
H = 1e-6
RTOL = 2e-5
SAMPLE = 24
# Cases of the rules fixed for complex values: always in the default run.
REGRESSIONS = re.compile(r"^(sign|complex_sign)")


def _complex(case_id: str, x: Any, k: int) -> Any:
    """``x + i y`` with ``y`` small and random (per case and argument), containers too."""
    if isinstance(x, (tuple, list)):
        return type(x)(_complex(case_id, v, 10 * k + j) for j, v in enumerate(x))
    if isinstance(x, dict):
        return {key: _complex(case_id, v, 10 * k + j) for j, (key, v) in enumerate(x.items())}
    gen = np.random.default_rng(zlib.crc32(f"{case_id}/complex/{k}".encode()))
    y = gen.uniform(-0.3, 0.3, size=np.shape(x))
    if isinstance(x, (float, np.floating)) and not isinstance(x, np.ndarray):
        return complex(float(x), float(y))
    return np.asarray(x) + 1j * y


def _direction(case_id: str, z: Any, k: int) -> Any:
    if isinstance(z, (tuple, list)):
        return type(z)(_direction(case_id, v, 10 * k + j) for j, v in enumerate(z))
    if isinstance(z, dict):
        return {key: _direction(case_id, v, 10 * k + j) for j, (key, v) in enumerate(z.items())}
    gen = np.random.default_rng(zlib.crc32(f"{case_id}/direction/{k}".encode()))
    v = gen.normal(size=np.shape(z)) + 1j * gen.normal(size=np.shape(z))
    return complex(v) if np.ndim(z) == 0 and not isinstance(z, np.ndarray) else v


def _leaves(x: Any) -> list[Any]:
    if isinstance(x, (tuple, list)):
        return [leaf for v in x for leaf in _leaves(v)]
    if isinstance(x, dict):
        return [leaf for v in x.values() for leaf in _leaves(v)]
    return [x]


def _axpy(z: Any, h: float, v: Any) -> Any:
    if isinstance(z, (tuple, list)):
        return type(z)(_axpy(a, h, b) for a, b in zip(z, v))
    if isinstance(z, dict):
        return {key: _axpy(z[key], h, v[key]) for key in z}
    return z + h * v


def _pairing(g: Any, v: Any) -> float:
    """``Re(<g, v>)``: the change of a real loss with gradient ``g`` along ``v``."""
    return float(sum(np.real(np.sum(np.asarray(a) * np.asarray(b)))
                     for a, b in zip(_leaves(g), _leaves(v))))


def complex_loss(case: RuleCase) -> Any:
    """``Re((1 - 0.7i) f(...))`` for the case's ``f``, a function tangentlike can read."""
    signature = re.match(r"def f\((.*?)\):", case.source).group(1)
    source = (f"{case.source}\n\ndef complex_loss({signature}):\n"
              f"    return np.real(f({signature}) * (1 - 0.7j))\n")
    loss = make_function(source, name="complex_loss")
    loss.__globals__.update(case.names)
    return loss


def walkable(case: RuleCase) -> bool:
    return case.source is not None and all(is_float(case.args[i]) for i in case.wrt)


def outcome(case: RuleCase) -> tuple[str, str]:
    """``(kind, detail)``: kind is right, refused, primal, wrong or crash."""
    loss = complex_loss(case)
    args = list(case.args)
    for i in case.wrt:
        args[i] = _complex(case.id, args[i], i)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = loss(*args)
            if not np.isfinite(value) or loss(*args) != value:
                return "primal", "not finite (or not deterministic) on complex values"
        if any(issubclass(w.category, np.exceptions.ComplexWarning) for w in caught):
            return "primal", "NumPy warns: the imaginary part is discarded"
    except Exception as e:  # noqa: BLE001  (NumPy or SciPy refusing complex values)
        return "primal", f"{type(e).__name__}: {e}"
    wrt = tuple(case.wrt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        try:
            grads = tangentlike.grad(loss, wrt=wrt)(*args)
            grads = grads if len(wrt) > 1 else (grads,)
            run = tangentlike.jvp(loss, wrt=wrt)
            checks = []
            for k in range(2):
                v = [_direction(case.id, args[i], 100 * k + i) for i in wrt]
                plus, minus = list(args), list(args)
                for i, vi in zip(wrt, v):
                    plus[i], minus[i] = _axpy(args[i], H, vi), _axpy(args[i], -H, vi)
                fd = (loss(*plus) - loss(*minus)) / (2 * H)
                for i, vi in zip(wrt, v):
                    plus[i], minus[i] = _axpy(args[i], 30 * H, vi), _axpy(args[i], -30 * H, vi)
                coarse = (loss(*plus) - loss(*minus)) / (60 * H)
                if abs(coarse - fd) > 1e-3 * (abs(fd) + 1.0):
                    return "primal", "not differentiable there on complex values (a tie)"
                rev = _pairing(grads, v)
                _, fwd = run(tuple(args), tuple(v))
                scale = sum(float(np.sum(np.abs(np.asarray(a)) * np.abs(np.asarray(b))))
                            for a, b in zip(_leaves(grads), _leaves(v))) + abs(fd)
                checks.append((fd, rev, float(np.real(fwd)), scale))
        except TangentlikeError as e:
            return "refused", f"{type(e).__name__}: {str(e).splitlines()[0]}"
        except Exception as e:  # noqa: BLE001
            return "crash", f"{type(e).__name__}: {e}"
    for fd, rev, fwd, scale in checks:
        tol = RTOL * scale + 1e-7
        if abs(rev - fd) > tol or abs(fwd - fd) > tol:
            return "wrong", f"differences {fd!r}, reverse {rev!r}, forward {fwd!r}"
    return "right", ""


def _cases(slow: bool) -> list[Any]:
    ids = [c for c, case in ALL.items() if case.suite == "numpy" and walkable(case)]
    params = []
    for n, case_id in enumerate(ids):
        default = n % SAMPLE == 0 or REGRESSIONS.match(case_id)
        if bool(default) != slow:
            params.append(case_id)
    return params


def _check(case_id: str) -> None:
    kind, detail = outcome(ALL[case_id])
    assert kind in ("right", "refused", "primal"), f"{case_id}: {kind}: {detail}"


@pytest.mark.parametrize("case_id", _cases(slow=False))
def test_rule_on_complex_values(case_id: str) -> None:
    _check(case_id)


@pytest.mark.slow
@pytest.mark.parametrize("case_id", _cases(slow=True))
def test_rule_on_complex_values_all(case_id: str) -> None:
    _check(case_id)


if __name__ == "__main__":  # a table of every outcome: python tests/rules/test_complex_rules.py
    import sys

    only = sys.argv[1] if len(sys.argv) > 1 else ""
    for case_id in _cases(False) + _cases(True):
        if case_id.startswith(only):
            kind, detail = outcome(ALL[case_id])
            print(f"{kind:8} {case_id:50} {detail[:200]}", flush=True)
