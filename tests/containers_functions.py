"""Module-level functions whose gradients tests/ad/test_containers.py checks: lists, tuples and
dicts as intermediate values and as differentiated arguments (pytrees), and assignment into
subscripts of arrays and lists the function creates.

tangentlike reads a function's source and caches its derivatives per function object, so the
functions under test live here, in a real module.  The tests build an autograd twin of this
whole module (its source again, with ``autograd.numpy`` as ``np``), so a function may call the
helpers defined here.  Functions that assign into array subscripts (``y[i] = v``) have no
autograd twin (autograd cannot assign into an ArrayBox); they are checked against finite
differences only.
"""
import numpy as np

# -- 1. containers as intermediate values -------------------------------------------------------


def list_append_loop(x):
    """A list built by ``append`` in a loop, then indexed and summed over."""
    xs = []
    for i in range(4):
        xs.append(np.sin(x) * (i + 1.0) + x * x)
    s = xs[0] * xs[3] + xs[-1]
    total = 0.0
    for v in xs:
        total = total + np.sum(v * v)
    return total + np.sum(s) + np.sum(xs[len(xs) - 2])


def list_literal(x, y):
    """A list literal of arrays, read by constant indices."""
    parts = [x * y, np.sin(x), y]
    return np.sum(parts[0] * parts[1]) + np.sum(parts[2] ** 2) * np.sum(parts[1])


def reduce_list_of_scalars(x, y):
    """NumPy reductions of a list of scalars: the list is reduced as the array it makes."""
    return np.sum([np.sum(x * y), np.sum(np.sin(y))]) + np.mean([x[0], 2.0 * x[1] * y[2]])


def reduce_list_of_arrays(x, y):
    """``np.sum`` over a list of arrays (all of it, and along the stacking axis)."""
    return np.sum([x * y, np.tanh(x)]) + np.sum(np.sum([x, y * y], axis=0) ** 2)


def comprehension_of_arrays(x, y):
    """A list comprehension over an array's rows, reduced by np.sum."""
    return np.sum([np.sin(t) * y for t in x])


def generator_with_condition(xs, w):
    """A generator expression with a condition, summed by Python's sum."""
    return sum(np.sum(a * w) ** 2 for a in xs if np.sum(a) > -100.0)


def comprehension_over_zip(x, y):
    """zip and enumerate in comprehensions; a comprehension in a comprehension."""
    t = 2.0
    pairs = [a * b + t for a, b in zip(x, y)]
    weighted = sum(np.cos(v) * i for i, v in enumerate(x))
    nested = sum([sum([a * b for b in y[:2]]) for a in x])
    return sum(pairs) * t + weighted + nested


def comprehension_names_stay_inside(x, y):
    """The comprehension's variable has the name of one of the function's: each keeps its
    own value."""
    a = x * 2.0
    squares = [a * a for a in y]
    return np.sum(a * sum(squares))


def _sin_and_product(x, y):
    return np.sin(x) * y, x * y


def tuple_from_helper(x, y):
    """A tuple returned by a helper function, unpacked."""
    a, b = _sin_and_product(x, y)
    return np.sum(a * b) + np.sum(a)


def tuple_internal(x, y):
    """A tuple built inside the function, kept whole, then unpacked and indexed."""
    t = (x * y, np.exp(x * 0.5), y)
    a, b, c = t
    return np.sum(a * b) + np.sum(t[1] * c) + np.sum(t[2])


def dict_literal(x, w):
    """A dict literal with constant keys, then read."""
    d = {"lin": x * w, "nl": np.tanh(x), "w": w}
    return np.sum(d["lin"] * d["nl"]) + np.sum(d["w"] ** 2) * np.sum(d["nl"])


# -- 2. containers as differentiated arguments --------------------------------------------------


def list_argument(xs):
    """A list of arrays for the differentiated argument."""
    return np.sum(xs[0] * xs[1]) + np.sum(np.sin(xs[2])) * np.sum(xs[0])


def list_argument_loop(xs):
    """A loop over a list argument's elements."""
    total = 0.0
    for v in xs:
        total = total + np.sum(np.tanh(v) * v)
    return total


def len_bound_loop(xs, w):
    """``len(xs)`` as a range loop's bound over a list argument."""
    total = 0.0
    for i in range(len(xs)):
        total = total + np.sum(xs[i] * w) * (i + 1.0) + np.sum(xs[i] ** 2)
    return total


def tuple_argument(t):
    """A tuple argument: unpacked and indexed."""
    a, b = t
    return np.sum(a * np.sin(b)) + np.sum(t[0] ** 2)


def dict_argument(p, x):
    """A dict argument with constant keys."""
    h = np.tanh(p["W"] @ x + p["b"])
    return np.sum(h * h) + np.sum(p["b"] * p["W"][:, 0])


def mlp_loss(params, x, target):
    """A 2-layer MLP driven by a nested pytree ``{'W': [W1, W2], 'b': [b1, b2]}``."""
    h = np.tanh(params["W"][0] @ x + params["b"][0])
    y = params["W"][1] @ h + params["b"][1]
    return np.sum((y - target) ** 2)


def mlp_loss_loop(params, x, target):
    """The same MLP, with a loop over the layers (``len`` of a list inside a dict)."""
    h = x
    n = len(params["W"])
    for k in range(n - 1):
        h = np.tanh(params["W"][k] @ h + params["b"][k])
    y = params["W"][n - 1] @ h + params["b"][n - 1]
    return np.sum((y - target) ** 2)


def dict_with_float(p, x):
    """A Python float inside a dict argument."""
    return p["scale"] * np.sum(p["w"] * x) + p["scale"] ** 2 * np.sum(np.sin(p["w"]))


def list_of_floats(cs, x):
    """A list of Python floats as the differentiated argument."""
    return cs[0] * np.sum(x) + cs[1] * cs[2] * np.sum(x * x) + cs[1] ** 3


def nested_tuple_in_list(args):
    """A list of (array, float) tuples."""
    total = 0.0
    for i in range(len(args)):
        v, s = args[i]
        total = total + s * np.sum(np.sin(v)) + s * s
    return total


def list_append_from_argument(xs):
    """A new list built from a list argument's elements in a ``len`` loop."""
    out = []
    for i in range(len(xs)):
        out.append(xs[i] * 2.0)
    return np.sum(out[0] * out[1])


def dict_in_loop(p, x):
    """A dict argument with a float leaf, read in a loop."""
    s = 0.0
    for k in range(3):
        s = s + p["a"] * np.sum(np.sin(p["w"] * x)) * (k + 1.0)
    return s


def returns_through_dict(p):
    """A dict argument passed on whole to a helper, which builds a new dict."""
    q = _affine(p)
    return np.sum(q["out"] ** 2) + np.sum(q["scale"] * p["a"])


def _affine(p):
    return {"out": p["a"] * p["s"] + 1.0, "scale": p["s"] * 2.0}


# -- 3. assignment into subscripts (no autograd twin) -------------------------------------------


def fill_recurrence(x):
    """Element by element: ``y[i] = x[i] * y[i-1] + x[i]``."""
    y = np.zeros(x.shape[0])
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = x[i] * y[i - 1] + x[i]
    return np.sum(y * y)


def fill_from_scalars(x, a):
    """A Python-float recurrence written into an array."""
    y = np.zeros(4)
    y[0] = a
    for i in range(1, 4):
        y[i] = y[i - 1] * a + np.sin(x[i - 1])
    return np.sum(y ** 2)


def slice_assign(x, w):
    """Assigning arrays into slices."""
    y = np.zeros(6)
    y[1:4] = np.sin(x) * w
    y[4:] = x[:2] * x[1:]
    y[0] = np.sum(w)
    return np.sum(y * y * np.arange(1.0, 7.0))


def slice_augassign(x, v):
    """``y[1:3] += v`` on an array the function creates from ``x``."""
    y = x * 2.0
    y[1:3] += v * x[0]
    y[0] -= v[1]
    return np.sum(np.sin(y) * y)


def row_assign(x, W):
    """2-d ``y[i, :] = ...`` in a loop, and a column written after."""
    y = np.zeros((3, 2))
    for i in range(3):
        y[i, :] = W[i] * x[i] + x[i] ** 2
    y[:, 1] = y[:, 1] * y[:, 0]
    return np.sum(np.tanh(y) * y)


def grid_fill(x):
    """A 2-d array filled element by element in nested loops, each element reading the one
    before it in the row (``y[i, -1]`` for ``j = 0``, still zero then)."""
    y = np.zeros((2, 3))
    for i in range(2):
        for j in range(3):
            y[i, j] = x[j] * (i + 1.0) + np.sin(y[i, j - 1])
    return np.sum(y ** 2)


def branch_fill(x):
    """Elements written in the branches of an ``if`` inside a loop."""
    y = np.zeros(3)
    for i in range(3):
        if x[i] > 0:
            y[i] = x[i] ** 2
        else:
            y[i] = np.sin(x[i])
    return np.sum(y * x)


def multiply_in_place(x):
    """``y[i] *= ...`` in a loop, reading the element written in the previous trip."""
    y = np.ones(3)
    for i in range(3):
        y[i] *= x[i] * y[i - 1] + 1.0
    return np.sum(y * y)


def slice_augassign_loop(x, v):
    """``y[1:3] += ...`` and ``y[0] = ...`` in a loop, each reading the other's result."""
    y = x * 1.0
    for k in range(3):
        y[1:3] += v * y[0]
        y[0] = y[0] * 0.5 + np.sum(y[1:3])
    return np.sum(y ** 2)


def negative_and_fancy_index(x):
    """``y[-1] = ...``, ``y[[0, 2]] = ...`` and a mask."""
    y = np.zeros(5)
    y[-1] = x[0] * x[1]
    y[-2] = np.sin(y[-1])
    y[np.array([0, 2])] = x[1:3] * 3.0
    z = y * 2.0
    z[z > 0.5] = 0.5
    return np.sum(y ** 2) + np.sum(z * y)


def overwrite_twice(x):
    """The same element written twice: the first value reaches the output only through ``z``,
    read in between."""
    y = np.zeros(3)
    y[1] = x[0] * x[1]
    z = y * 3.0
    y[1] = np.sin(x[2])
    y[1] = y[1] * x[0]
    return np.sum(y * z) + np.sum(y)


def overwrite_unused(x):
    """The first value written is overwritten before anything reads it: no derivative."""
    y = np.zeros(2)
    y[0] = x[0] ** 3
    y[0] = x[1] * x[2]
    y[1] = x[0]
    return np.sum(y ** 2)


def read_before_and_after(x):
    """A slice and an element read before an in-place write keep their old values; the reads
    after see the new ones (``* 1.0`` makes NumPy copy, so plain Python agrees)."""
    y = np.sin(x) * 2.0
    before = y[1:3] * 1.0
    b0 = y[1]
    y[1:3] = x[0:2] ** 2
    after = y[1:3]
    return np.sum(before * after) + b0 * y[1] + np.sum(y)


def read_view_before_write(x):
    """``t = y[1:3]`` read before ``y`` changes in place, and after: NumPy's view ``t``
    changes too (tangentlike refuses this)."""
    y = np.sin(x) * 2.0
    t = y[1:3]
    y[1:3] = x[0:2] ** 2
    return np.sum(t * y[1:3]) + np.sum(y)


def list_setitem(x):
    """``xs[i] = v`` on a list the function builds (autograd runs this one)."""
    xs = [x, x * 2.0, np.sin(x)]
    xs[1] = np.cos(x) * xs[0]
    xs[2] = xs[2] * xs[1]
    return np.sum(xs[0] * xs[1]) + np.sum(xs[2])


def list_setitem_loop(x):
    """List elements replaced in a loop."""
    xs = [x, x, x]
    for i in range(1, 3):
        xs[i] = np.sin(xs[i - 1]) * x
    return np.sum(xs[0] + xs[1] * xs[2])


# -- 4. assignment into arguments: errors --------------------------------------------------------


def assign_into_argument(x):
    y = x * 2.0
    x[0] = 1.0
    return np.sum(x * y)


def assign_into_alias(x):
    y = x
    y[0] = 1.0
    return np.sum(y)


def assign_into_view(x):
    v = x[1:]
    v[0] = 2.0
    return np.sum(x)


def augassign_into_argument(x):
    x[1:] += 1.0
    return np.sum(x)


def assign_into_list_argument(xs):
    xs[0] = xs[1] * 2.0
    return np.sum(xs[0])


def assign_into_dict_argument(p):
    p["W"] = p["W"] * 2.0
    return np.sum(np.sin(p["W"]) * p["b"])
