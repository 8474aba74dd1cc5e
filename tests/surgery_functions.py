"""Module-level functions whose gradients tests/rules/test_surgery.py checks: ``with
tangentlike.insert_grad_of(x) as dx:`` blocks that rescale, clip, print and record the adjoint
flowing into ``x``, and ``tangentlike.stop_gradient``.

tangentlike reads a function's source and caches its derivatives per function object, so the
functions under test live here, in a real module.  ``RECORDED`` is a module-level list that
the recording blocks append to; the generated derivative runs with a copy of this module's
globals, which holds the same list object.
"""
import numpy as np

import tangentlike

RECORDED = []

# -- insert_grad_of ------------------------------------------------------------------------------


def scale_intermediate(x):
    """The gradient flowing through ``h`` doubles; the direct term ``3 x`` does not."""
    h = np.sin(x)
    with tangentlike.insert_grad_of(h) as dh:
        dh = dh * 2.0
    return np.sum(h * h) + np.sum(x * 3.0)


def scale_argument(x, y):
    """Doubling the gradient of an argument: only the uses after the block are scaled."""
    a = np.sum(x * y)
    with tangentlike.insert_grad_of(x) as dx:
        dx = dx * 2.0
    return a + np.sum(np.sin(x) * y)


def zero_after_block(x):
    """Zeroing ``dh`` removes what flows from after the block, not what came before it."""
    h = np.sin(x)
    a = np.sum(h * 2.0)
    with tangentlike.insert_grad_of(h) as dh:
        dh = dh * 0.0
    return a + np.sum(h * h)


def clip_intermediate(x, W):
    """Gradient clipping: ``dh = 2 h`` clipped to [-1, 1]."""
    h = W @ x
    with tangentlike.insert_grad_of(h) as dh:
        dh = np.clip(dh, -1.0, 1.0)
    return np.sum(h ** 2)


def print_adjoint(x):
    """Prints the adjoint of ``h = x * x``, which is ``2 h``."""
    h = x * x
    with tangentlike.insert_grad_of(h) as dh:
        print("adjoint of h:", dh)
    return np.sum(h * h)


def print_scalar_adjoint(a):
    """A Python float, printed with an f-string: the adjoint of ``h = 3 a`` is ``2 h``."""
    h = a * 3.0
    with tangentlike.insert_grad_of(h) as dh:
        print(f"dh={dh:.4f}")
    return h * h


def record_adjoint(x, w):
    """Records the adjoint of ``h = tanh(x w)``, which is ``w + 2 h``."""
    h = np.tanh(x * w)
    with tangentlike.insert_grad_of(h) as dh:
        RECORDED.append(np.array(dh, dtype=np.float64))
    return np.sum(h * w) + np.sum(h ** 2)


def record_in_loop(x):
    """``h = x ** 4`` by three multiplications; after iteration ``i`` the adjoint of ``h`` is
    ``x ** (2 - i)``.  Records ``(i, dh)``."""
    h = x
    for i in range(3):
        h = h * x
        with tangentlike.insert_grad_of(h) as dh:
            RECORDED.append((i, float(dh)))
    return h


def record_loop_values(x):
    """Records ``(s, h, dh)`` in each iteration: ``s = 2 i``, ``h = x ** (i + 2)`` and the
    adjoint ``x ** (2 - i)``."""
    h = x
    for i in range(3):
        s = i * 2.0
        h = h * x
        with tangentlike.insert_grad_of(h) as dh:
            RECORDED.append((s, float(h), float(dh)))
    return h


def scale_by_loop_value(x):
    """Scales the adjoint after iteration ``i`` by ``s_i = (i + 1) x``, a forward value."""
    h = x
    s = 0.0
    for i in range(3):
        s = s + x
        h = h * x
        with tangentlike.insert_grad_of(h) as dh:
            dh = dh * s
    return h


def scale_in_loop(x):
    """Halves the gradient once per iteration: the derivative is ``0.5 ** 3`` times the chain
    rule's."""
    h = x
    for i in range(3):
        h = np.sin(h)
        with tangentlike.insert_grad_of(h) as dh:
            dh = dh * 0.5
    return np.sum(h)


def _doubled_square_sum(h):
    with tangentlike.insert_grad_of(h) as dh:
        dh = dh * 2.0
    return np.sum(h * h)


def surgery_in_helper(x):
    """The block sits in a helper function that tangentlike differentiates too."""
    h = np.sin(x)
    return _doubled_square_sum(h) + np.sum(x)


def surgery_in_branch(x):
    """The block runs (forward and backward) only when the branch is taken."""
    h = np.sin(x)
    if np.sum(x) > 0:
        with tangentlike.insert_grad_of(h) as dh:
            dh = dh * 2.0
    return np.sum(h * h)


def surgery_on_float(a):
    """A Python float argument's adjoint, doubled."""
    with tangentlike.insert_grad_of(a) as da:
        da = da * 2.0
    return a * a * 3.0


# -- stop_gradient -------------------------------------------------------------------------------


def stop_term(x):
    """``x * stop(x)`` has derivative ``x``; a stopped term contributes nothing."""
    return np.sum(x * tangentlike.stop_gradient(x)) + np.sum(tangentlike.stop_gradient(np.sin(x)))


def stop_in_product(a, b):
    """``c = stop(a * b)`` is a constant inside products with ``a`` and ``b``."""
    c = tangentlike.stop_gradient(a * b)
    return np.sum(c * a) + np.sum(np.tanh(c) * b)


def stop_in_product_reference(a, b, c):
    """:func:`stop_in_product` with the stopped value passed in as a constant."""
    return np.sum(c * a) + np.sum(np.tanh(c) * b)


def stop_matmul(W, x):
    """``W @ stop(x)``: the derivative in ``x`` comes from the second factor only."""
    h = W @ tangentlike.stop_gradient(x)
    return np.sum(h * x)


def stop_in_loop(x):
    """``h = h * stop(h) + x``: each step's derivative is ``stop(h)`` times the last plus 1."""
    h = x
    for i in range(3):
        h = h * tangentlike.stop_gradient(h) + x
    return np.sum(h)


def stop_dict_leaf(p, x):
    """``stop`` of one leaf of a dict argument."""
    w = tangentlike.stop_gradient(p["w"])
    return np.sum(w * p["w"] * x)
