"""Functions that call small helpers of their own module, for
tests/frontend/test_written_out_helpers.py (frontend/inlining.py writes such calls out in
the caller): helpers called with two shapes,
helpers that write into an argument, recursive helpers, a helper reading a global that
changes, closures, a name of the caller's that a helper reads as a global."""
import numpy as np

SCALE = 2.0


def sumsq(v):
    return np.sum(v ** 2)


def two_shapes(x):
    """The helper at two sites, with a vector and with a matrix."""
    m = np.outer(x, x[:2])
    return sumsq(x) + sumsq(np.sin(m)) * 0.5


def normalized(v, eps=1e-3):
    y = v - np.mean(v)
    return y / np.sqrt(np.mean(y ** 2) + eps)


def clashing_names(x):
    """The helper's locals (``y``, ``v``) are the caller's names too."""
    y = np.cos(x)
    v = normalized(y * x, eps=1e-2)
    return np.sum(v * y) + np.sum(normalized(x))


def writes_into(v):
    v[0] = 0.0
    return v * 2.0


def calls_a_writing_helper(x):
    z = x * 3.0
    w = writes_into(z)
    return np.sum(w * x)


def adds_into(v):
    v += 1.0
    return v


def calls_an_adding_helper(x):
    z = x * 3.0
    w = adds_into(z)
    return np.sum(w * w)


def repeated_sin(x, n):
    if n == 0:
        return x
    return repeated_sin(np.sin(x), n - 1)


def calls_a_recursive_helper(x):
    return np.sum(repeated_sin(x, 3) ** 2)


def scaled(v):
    return SCALE * v


def reads_a_global(x):
    return np.sum(scaled(x) ** 2)


def make_scaler(k):
    def scale(v):
        return k * v
    return scale


SCALER = make_scaler(3.0)


def calls_a_closure(x):
    return np.sum(SCALER(x) * np.sin(x))


def make_caller(SCALE):  # noqa: N803  (a parameter named like the module's global)
    def caller(x):
        return np.sum(scaled(x) * SCALE)  # scaled reads the global SCALE, not this one
    return caller


SHADOWING_CALLER = make_caller(5.0)


def in_branches(x):
    """Calls evaluated sometimes: the branches of a conditional expression."""
    a = sumsq(x) if x[0] > 0 else sumsq(2.0 * x)
    return a + (sumsq(np.sin(x)) if x[1] > 0 else 1.0)


def layer(h, W, b):
    return np.tanh(h @ W + b)


def rnn(xs, W, U, b):
    """The helper in a loop body, once per step, and in the loss."""
    h = np.zeros(W.shape[1])
    for x in xs:
        h = layer(x, U, b) + layer(h, W, 0.0)
    return sumsq(h)


def pair(v):
    return np.sin(v), np.cos(v)


def unpacks_a_tuple(x):
    s, c = pair(x)
    return np.sum(s * c) + np.sum(pair(2.0 * x)[1])


def column(v):
    return v[:, 0] * 2.0 + np.where(v[:, 1] > 0, v[:, 1], -v[:, 1])


def indexes_in_a_helper(x):
    """A constant index and a 3-argument np.where inside the helper."""
    m = x.reshape(3, 2)
    return np.sum(column(m) ** 2) + np.sum(column(np.cos(m)))


def draws(v, rng):
    return v * rng.normal(size=v.shape)


def draws_in_order(x, rng):
    """A draw before the helper's: the helper is not moved before it."""
    a = rng.normal(size=x.shape) + draws(x, rng)
    return np.sum(a * x)


def passes_to_a_writer(v):
    w = writes_into(v)
    return np.sum(w)


def reads_before_a_writing_helper(x):
    """Python computes ``x * 2.0`` before the helper's callee writes into ``z``."""
    z = x * 3.0
    return np.sum(z * 2.0) + passes_to_a_writer(z) + np.sum(z)


def adds_into_an_alias(v):
    y = v
    y += 1.0
    return y * 2.0


def calls_an_alias_adding_helper(x):
    z = x * 3.0
    w = adds_into_an_alias(z)
    return np.sum(w * z)


def sums_into_a_fresh_total(vs):
    total = 0.0
    for v in vs:
        total += np.sum(v ** 2)
    return total


def calls_a_summing_helper(x):
    return sums_into_a_fresh_total([x, np.sin(x)])


def scaled_by_ten(v):
    return 10.0 * v
