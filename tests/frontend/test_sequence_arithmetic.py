"""Tuples and lists in arithmetic: ``args + (x,)`` is a concatenation, not an addition.

The derivative of a concatenation splits the result's derivative at ``len(a)``
(``runtime.concat``'s rule); taken as array addition it would sum the parts together.  Where
the code shows a sequence (a tuple or list written out, a name bound to one, a
concatenation of them), normalize writes ``concat(a, b)``; where it cannot see one, the
derivative refuses at run time (``ValueRefusedError``) instead of giving a wrong number.
Each form is checked in reverse (joint/split, optimized or not), forward and HVP against
finite differences and ``f`` itself (``oracle.check_everywhere``).
"""
from __future__ import annotations

import numpy as np
import pytest
from oracle import check_everywhere
from support import calls_as_written

import tangentlike
from tangentlike.errors import ValueRefusedError

X = np.array([0.3, -0.7, 1.1])


def tuple_concat(x):
    args = (x,)
    args = args + (np.sin(x),)
    return np.sum(args[0] * args[1])


def list_concat(x):
    xs = [x, 2.0 * x]
    ys = xs + [np.cos(x)]
    return np.sum(ys[0] * ys[2] + ys[1])


def literal_on_the_left(x):
    parts = (np.tanh(x),) + (x * x, x)
    return np.sum(parts[0] * parts[1] - parts[2])


def chained(x):
    a = (x,)
    b = a + (x * 3.0,) + (np.exp(x),)
    return np.sum(b[0] * b[1] * b[2])


def augmented_tuple(x):
    t = (x,)
    t += (np.sin(x) * x,)
    return np.sum(t[1] + t[0] ** 2)


def grown_in_a_loop(x):
    acc = []
    for i in range(3):
        acc = acc + [np.sin(x * (i + 1))]
    return np.sum(acc[0] * acc[1] + acc[2])


def constant_part(x):
    scale = (2.0, 3.0)
    both = (x,) + scale
    return np.sum(both[0] * both[1] + both[2])


@pytest.mark.parametrize("f", [tuple_concat, list_concat, literal_on_the_left, chained,
                               augmented_tuple, grown_in_a_loop, constant_part],
                         ids=lambda f: f.__name__)
def test_concatenation_is_differentiated_as_one(f):
    check_everywhere(f, [X.copy()])


def test_the_derivative_reads_as_a_concatenation():
    source = tangentlike.grad(tuple_concat).source
    assert "concat(args, " in source and "[:len(args)]" in source, source


def join(a, b):
    return a + b  # nothing in this helper says a and b are tuples


def unseen(x):
    both = join((x,), (np.sin(x),))
    return np.sum(both[0] * both[1])


def repeated(x):
    r = [x] * 2
    return np.sum(r[0] * r[1])


def _derivative_call(f, mode):
    if mode == "reverse":
        return lambda: tangentlike.grad(f)(X.copy())
    return lambda: tangentlike.autodiff(f, mode="forward")(X.copy(), np.ones(3))


@pytest.mark.parametrize("f, mode", [(unseen, "reverse"), (unseen, "forward"),
                                     (repeated, "reverse")],
                         ids=["helper-reverse", "helper-forward", "repeated-reverse"])
def test_a_sequence_it_cannot_see_is_refused_not_wrong(f, mode):
    # ``join`` kept as a call (written out into the caller, its tuples are seen: see
    # test_a_sequence_seen_once_its_helper_is_written_out)
    with pytest.raises(ValueRefusedError, match="tuple or list was used in arithmetic"), \
            calls_as_written():
        _derivative_call(f, mode)()


def test_a_sequence_seen_once_its_helper_is_written_out():
    check_everywhere(unseen, (X.copy(),))


def test_a_repeated_list_in_forward_mode_repeats_the_tangent():
    # dr = [dx] * 2: the tangent of a repetition is the repeated tangent, right as it is
    got = tangentlike.autodiff(repeated, mode="forward")(X.copy(), np.ones(3))
    assert got == pytest.approx(np.sum(2 * X))
