"""Programs the random-program fuzzer found wrong or crashing, kept as they were found
(docs/fuzz-findings/), checked in every mode against finite differences and ``f`` itself."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from oracle import check_everywhere
from support import import_file

FINDINGS = Path(__file__).resolve().parent.parent / "docs" / "fuzz-findings"


def _reseeder(m, global_seed: int = 0):
    """Every random generator a fuzz program uses, back to its initial state."""
    def reseed():
        m.RNG.bit_generator.state = np.random.default_rng(12).bit_generator.state
        m.RS.seed(11)
        np.random.seed(global_seed)
    return reseed


def _load(name: str):
    stem = name.removesuffix(".py").replace("-", "_")
    return import_file(f"fuzz_finding_{stem}", FINDINGS / name)


def test_helper_with_no_differentiated_argument_in_split_motion():
    """A helper called where no differentiated value reaches its parameters gets a split
    derivative that returns only its value (pipeline.split crashed on it)."""
    m = _load("split-crash-seed53.py")
    reseed = _reseeder(m)

    check_everywhere(m.f, [np.array([0.3, 0.5, -0.2]), np.array(0.4)], reseed=reseed)


def test_hvp_with_a_large_third_derivative():
    """The fuzzer's plain second difference (eps = 1e-4) was off by a relative 3e-4 here; the
    hvp was right. Richardson extrapolation (the fuzzer's reference now) agrees to 1e-7."""
    import tangentlike
    m = _load("hvp-tolerance-seed53.py")

    def reseed():
        m.RNG.bit_generator.state = np.random.default_rng(12).bit_generator.state

    rng = np.random.RandomState(5)
    x, v = rng.uniform(-1.0, 1.0, 3) + 0.1, rng.standard_normal(3)
    y = rng.uniform(-1.0, 1.0, 3) - 0.2

    def second_difference(eps):
        out = np.zeros(3)
        for k in range(3):
            u = np.eye(3)[k] * eps
            total = 0.0
            for sv, su in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                reseed()
                total += sv * su * float(m.f(x + sv * eps * v + su * u, y))
            out[k] = total / (4 * eps * eps)
        return out

    reference = (4 * second_difference(1e-4) - second_difference(2e-4)) / 3
    reseed()
    got = tangentlike.hvp(m.f, wrt=0)(x, y, v)
    np.testing.assert_allclose(got, reference, rtol=1e-7)
    assert not np.allclose(second_difference(1e-4), got, rtol=1e-4)  # the old check's error


def test_check_of_an_update_reads_a_name_bound_later_in_the_loop():
    """``r1 -= v`` is checked against what may share r1's memory, the inner loop's variable
    among them, which is bound only from the second outer iteration on (found by the slow
    run's long fuzz: UnboundLocalError in the generated code)."""
    m = _load("unbound-check-long-fuzz.py")
    rng = np.random.RandomState(5)
    x = rng.uniform(-1.0, 1.0, (2, 3)) + 0.1
    check_everywhere(m.f, [x, 0.6])


def test_check_of_a_helper_call_reads_a_name_bound_in_a_later_loop():
    """The helper changes its ``scale`` argument in place; the check at the call reads
    names bound only in the loop below it (found by CI's slow run: UnboundLocalError)."""
    m = _load("unbound-check-in-branch-long-fuzz.py")
    reseed = _reseeder(m)

    rng = np.random.RandomState(5)
    x = rng.uniform(-1.0, 1.0, (2, 3)) + 0.1
    check_everywhere(m.f, [x, np.float64(0.4)], wrt=0, reseed=reseed)


def test_hvp_after_list_append_and_setitem():
    """Found by CI's slow run: the gradient was right, forward over it was not.  The backward
    sweep spread ``L8[1]``'s adjoint over ``L8`` as the forward sweep left it (three
    elements) where the adjoint had two; ``add_grad`` dropped the extra zero, its tangent
    did not."""
    import tangentlike
    m = _load("hvp-list-setitem-long-fuzz.py")
    reseed = _reseeder(m, 1234)

    rng = np.random.RandomState(5)
    x = rng.uniform(-1.0, 1.0, 3) + 0.1
    v = rng.standard_normal(3)
    y = np.float64(np.asarray(rng.uniform(-1.0, 1.0, ()) - 0.2))
    gradient = tangentlike.grad(m.f, wrt=0)

    def g(point):
        reseed()
        return np.asarray(gradient(point, y))

    expected = (g(x + 1e-6 * v) - g(x - 1e-6 * v)) / 2e-6
    reseed()
    got = tangentlike.hvp(m.f, wrt=0)(x, y, v)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def _read_then_append(x):
    L = [x]
    L.append(x ** 2)
    L.append(x * L[1])
    L[0] = x
    return np.sum(sum(L))


def _sum_then_append(x):
    L = [np.sin(x)]
    s = sum(L)
    L.append(x ** 2)
    return np.sum(s * L[1])


def _read_last_in_loop(x):
    xs = [x]
    for _ in range(3):
        xs.append(np.sin(xs[-1]) * xs[0])
    return np.sum(xs[-1])


def _dict_read_then_grow(x):
    d = {"a": x ** 2}
    t = d["a"]
    d["b"] = x * t
    return np.sum(d["b"])


@pytest.mark.parametrize("f", [_read_then_append, _sum_then_append, _read_last_in_loop,
                               _dict_read_then_grow])
def test_containers_read_before_they_grow(f):
    """The same finding, reduced: a list or dict read (by index or by ``sum``) and then
    grown; every mode, forward over reverse included."""
    check_everywhere(f, [np.array([0.3, -0.7, 1.1])])


def test_inplace_update_of_an_array_read_through_a_copy():
    """Campaign seed 61: the backward sweep read the square root's result through the
    temporary a tuple assignment made, after ``v3[-1] *= ...`` had changed it (nan)."""
    m = _load("inplace-through-copy-seed61.py")
    reseed = _reseeder(m)

    rng = np.random.RandomState(5)
    x = rng.uniform(-1.0, 1.0, (2, 3)) + 0.1
    check_everywhere(m.f, [x, 0.3], wrt=0, reseed=reseed, hvp=False)


def _update_through_copy(x):
    v1 = -(x - x)
    v2, v3 = v1 - x * v1, np.sqrt(1.0 + (v1 + x) ** 2)
    if np.sum(v1 - v3) > 0.5:
        x = v3
    else:
        v3[-1] *= np.sum(v1 * v1)
    return np.sum(x) + np.sum(v2)


def test_inplace_update_through_copy_reduced():
    check_everywhere(_update_through_copy, [np.array([[0.3, -0.7, 1.1], [0.2, 0.5, -0.4]])],
                     hvp=False)


@pytest.mark.parametrize("name, shape", [("hvp-call3-divisor-seed71.py", (3,)),
                                         ("hvp-call3-shared-sum-seed71.py", (2, 3))])
def test_version_by_shapes_of_an_hvp(name, shape):
    """Campaign seed 71: the hvp's third call (the version by shapes) replaced by zeros a value
    another divided by, and a sum computed again elsewhere (cancel.py)."""
    m = _load(name)
    rng = np.random.RandomState(5)
    x = rng.uniform(-1.0, 1.0, shape) + 0.1
    check_everywhere(m.f, [x, rng.uniform(-1.0, 1.0, shape) - 0.2], wrt=0,
                     reseed=_reseeder(m))


def test_inplace_update_then_rebinding_in_a_branch():
    """Campaign seed 81: the backward sweep undid ``v3[1:] *= ...`` by name after a tuple
    assignment had re-bound ``v3`` to the argument: it wrote into the caller's array."""
    m = _load("restore-after-rebind-seed81.py")
    rng = np.random.RandomState(5)
    x = rng.uniform(-1.0, 1.0, (2, 3)) + 0.1
    check_everywhere(m.f, [x, rng.uniform(-1.0, 1.0, 3)], wrt=0, reseed=_reseeder(m))


def _update_then_rebind(x):
    v = np.sin(x)
    y = x
    if np.sum(x) > -100.0:
        v[1:] *= 3.0
        v = y
    return np.sum(x)


def _update_then_swap(x):
    v = np.sin(x)
    if np.sum(x) > -100.0:
        v[1:] *= np.max(x, axis=0)
        v, w = x, v
    return np.sum(x ** 2) + np.sum(w)


@pytest.mark.parametrize("f", [_update_then_rebind, _update_then_swap])
def test_inplace_update_then_rebinding_reduced(f):
    check_everywhere(f, [np.array([[0.3, -0.7, 1.1], [0.2, 0.5, -0.4]])])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_version_of_a_concatenated_difference_in_a_list(dtype):
    """Found by the fuzz once it read slices (tests/test_fuzz.py, chunk 1d-32-5): calls 1 and
    2 were right, the third (the version by shapes) wrong in reverse mode: cancel.py let the
    value ``bx`` had before ``if c: bx = zeros_like(x)`` go unread, and zeroed its slice
    adjoints (fixed: a name a branch may bind keeps its old value read).  The whole program
    is kept as found."""
    import fuzz
    source = (FINDINGS / "slice-concat-list-fuzz.py").read_text().split("\n", 1)[1]
    instrumented = source.replace("RNG = np.random.default_rng(12)\n",
                                  "RNG = np.random.default_rng(12)\n" + fuzz.INSTRUMENTS, 1)
    program = fuzz.Program(source, instrumented, (3,), (3,), dtype, False, True)
    report = fuzz.check(program, ["reverse", "forward", "hvp"])
    assert not report.skipped
    assert not report.failures(), report.failures()


def _reversed_into_itself(y):
    v = y.copy()
    v[::-1] = v
    return np.sum(v * y)


def test_an_array_written_into_a_view_of_itself():
    """The part's adjoint is read before the overwritten part is zeroed (it was added first)."""
    check_everywhere(_reversed_into_itself, [np.array([[0.3, -0.7, 1.1], [0.2, 0.5, -0.4]])])


def _rows_into_themselves(y):
    v = y * 1.5
    v[:, ::-1] = v
    w = np.sin(v)
    w[...] = w
    return np.sum(w * v * y)


def _into_itself_in_a_loop(y, n):
    v = y.copy()
    for _ in range(n):
        v[::-1] = v
        v = v * y
    return np.sum(v)


def _added_into_a_view_of_itself(y):
    v = y.copy()
    v[::-1] += v
    v[1:] = v[:-1]
    return np.sum(v * np.cos(y))


@pytest.mark.parametrize("f, extra", [(_rows_into_themselves, ()),
                                      (_into_itself_in_a_loop, (3,)),
                                      (_into_itself_in_a_loop, (0,)),
                                      (_added_into_a_view_of_itself, ())])
def test_other_writes_of_an_array_into_itself(f, extra):
    # hvp over a loop that writes into an array refuses by name (the forward sweep's stack may
    # share the array's memory), as it does for any in-place write in such a loop
    check_everywhere(f, [np.array([[0.3, -0.7, 1.1], [0.2, 0.5, -0.4]]), *extra],
                     hvp=f is not _into_itself_in_a_loop)
