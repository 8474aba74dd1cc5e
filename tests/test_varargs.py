"""``*args`` and ``**kwargs`` (issue 16): helpers with them, starred calls, and helpers
decorated with a wrapper ``def wrapper(*a, **k)``.  A call binds ``*args`` and ``**kwargs``
statically (``frontend/varargs.py``): the helper is differentiated with one parameter per
value, its ``args`` a tuple and ``kw`` a dict built from them.  Each function is checked in
reverse mode (optimized and not), forward mode and as a Hessian-vector product against
central finite differences, and the value the derivatives compute is ``f(*args)``'s."""
from __future__ import annotations

import functools
import zlib

import numpy as np
import pytest
from support import check_grad, check_primal, forward_value, numerical_grad, primal_value

import tangentlike
from tangentlike.errors import UnsupportedSyntaxError

X = np.array([0.3, -0.2, 0.5])
Y = np.array([1.1, 0.4, -0.7])
Z = np.array([-0.6, 0.9, 0.2])


def _direction(f, args, salt: str) -> list[np.ndarray]:
    rng = np.random.default_rng(zlib.crc32(f"{f.__name__}/{salt}".encode()))
    return [rng.normal(size=np.shape(a)) for a in args]


def check_forward(f, args, wrt, optimized=True) -> None:
    v = _direction(f, [args[i] for i in wrt], "v")
    df = tangentlike.autodiff(f, wrt=wrt, mode="forward", preserve_result=True,
                              optimized=optimized)
    tangents = check_primal(df, [*args, *v], primal_value(f, args), forward_value,
                            f"forward mode value of {f.__name__}\n{df.source}")
    h = 1e-6

    def along(step):
        moved = list(args)
        for i, vi in zip(wrt, v):
            moved[i] = moved[i] + step * vi
        return float(f(*moved))

    expected = (along(h) - along(-h)) / (2 * h)
    for t in tangents:
        np.testing.assert_allclose(float(t), expected, rtol=1e-5, atol=1e-7,
                                   err_msg=df.source)


def check_hvp(f, args, i) -> None:
    (v,) = _direction(f, [args[i]], "hvp")
    product = tangentlike.hvp(f, wrt=i)
    plus, minus = list(args), list(args)
    plus[i], minus[i] = plus[i] + 1e-5 * v, minus[i] - 1e-5 * v
    expected = (numerical_grad(f, plus, (i,), eps=1e-4)[0]
                - numerical_grad(f, minus, (i,), eps=1e-4)[0]) / 2e-5
    for _ in range(3):
        np.testing.assert_allclose(product(*args, v), expected, rtol=1e-4, atol=1e-5,
                                   err_msg=product.source)


# hvp through a helper with a for loop is refused (a helper with named parameters too: the
# backward half pops the saved record's stack, which aliasing.py refuses in the generated
# code that hvp differentiates), so functions calling ``sines`` skip it.
NO_HVP = set()


def check(f, args=(X, Y, Z), wrt=None) -> None:
    wrt = tuple(range(len(args))) if wrt is None else wrt
    check_grad(f, args, wrt)
    check_grad(f, args, wrt, optimized=False)
    check_forward(f, args, wrt)
    check_forward(f, args, wrt, optimized=False)
    if f.__name__ not in NO_HVP:
        for i in wrt:
            check_hvp(f, args, i)


# -- helpers with *args and **kwargs -----------------------------------------------------

def sines(*args):
    total = 0.0
    for t in args:
        total = total + np.sin(t)
    return total


def uses_star_args(x, y, z):
    return np.sum(sines(x, y * z, z) * x)


def products(**kw):
    return kw["a"] * np.cos(kw["b"]) + len(kw)


def uses_double_star(x, y, z):
    return np.sum(products(a=x, b=y * z) ** 2)


def combined(a, *args, scale=1.0, **kw):
    s = a * scale
    if args:
        s = s + np.tanh(args[0]) * args[-1]
    k = "k"
    if k in kw:
        s = s * kw[k]
    return s


def uses_both(x, y, z):
    return np.sum(combined(x, y, z, scale=2.0, k=y * z) + combined(z, scale=0.5))


def defaults(a, b=2.0, *rest, c=3.0):
    return a * b * c + sum(rest)


def uses_defaults(x, y, z):
    return np.sum(defaults(x) * defaults(x, y) + defaults(x, y, z, np.sin(z), c=z))


def outer_helper(first, *args, **kw):
    return first * sines(*args) + products(**kw)


def uses_nested(x, y, z):
    return np.sum(outer_helper(x, y, z, a=z, b=x))


def pair(*args):
    return args[0] * np.sin(args[-1]) + len(args)


def outer_pair(first, *args, **kw):
    return first * pair(*args) + products(**kw)


def uses_nested_pair(x, y, z):
    return np.sum(outer_pair(x, y, z, a=z, b=x))


def stacked_sum(*args, **weights):
    return np.sum(np.stack(args) ** 2, axis=0) * weights["w"]


def uses_in_loop(x, y, z):
    total = 0.0
    for i in range(3):
        total = total + stacked_sum(x, y * i, w=z) + stacked_sum(z, w=1.0)
    return np.sum(total)


def countdown(n, *args):
    if n == 0:
        return args[0] * args[-1]
    return countdown(n - 1, np.sin(args[0]), *args[1:])


def uses_recursion(x, y, z):
    return np.sum(countdown(2, x, y, z) + countdown(1, z))


NO_HVP |= {"uses_recursion", "uses_star_args", "uses_both", "uses_nested",
           "star_into_varargs", "uses_stacked"}


def unpacks(*args):
    first, second = args
    return first * second, args[1:]


def uses_unpacking(x, y, z):
    product, rest = unpacks(np.exp(x), y)
    return np.sum(product * rest[0] + z)


@pytest.mark.parametrize("f", [uses_star_args, uses_double_star, uses_both, uses_defaults,
                               uses_nested, uses_nested_pair, uses_unpacking, uses_recursion,
                               uses_in_loop])
def test_helper_with_star_parameters(f) -> None:
    check(f)


def test_helper_bound_once_per_binding() -> None:
    df = tangentlike.grad(uses_both, wrt=(0, 1, 2))
    assert "kw_k=" in df.source  # k is a name in combined's body: the parameter kw_k
    assert "combined_forward(x, y, z, scale=2.0, kw_k=" in df.source


# -- starred calls -------------------------------------------------------------------------

def plain(a, b, c=1.0):
    return a * np.sin(b) * c


def star_tuple(x, y, z):
    xs = (x, y)
    return np.sum(plain(*xs) + plain(*(y, z), *[x]))


def star_dict(x, y, z):
    d = {"b": y, "c": z}
    return np.sum(plain(x, **d) + plain(**{"a": z, "b": x}))


def star_into_varargs(x, y, z):
    parts = [x, y * z]
    return np.sum(sines(*parts, z) * combined(*parts, **{"k": z}))


def star_rebound_in_branch(x, y, z):
    xs = (x, y)
    if np.sum(x) > 0.0:
        xs = (y, z)
    ys = (xs[0], xs[1])
    return np.sum(plain(*ys))


def star_slice(x, y, z):
    xs = (x, y, z)
    return np.sum(plain(*xs[1:]) + plain(*xs[::2], *xs[-1:]))


@pytest.mark.parametrize("f", [star_tuple, star_dict, star_into_varargs,
                               star_rebound_in_branch, star_slice])
def test_starred_call(f) -> None:
    check(f)


def star_of_parameter(x, xs):
    return np.sum(plain(*xs) * x)


def star_rebound_in_loop(x, y, z):
    xs = (x,)
    total = 0.0
    for i in range(2):
        total = total + plain(*xs, y)  # xs has one element on the first trip only
        xs = (x, y)
    return np.sum(total)


def star_of_changed_list(x, y, z):
    xs = [x, y]
    xs.append(z)
    return np.sum(plain(*xs))


def star_of_shared_list(x, y, z):
    xs = [x, y]
    ys = xs
    ys.append(z)  # xs has three elements now
    return np.sum(plain(*xs))


def star_of_shared_dict(x, y, z):
    d = {"b": y}
    grow(d, z)  # d has the key "c" now
    return np.sum(plain(x, **d))


def grow(d, z):
    d["c"] = z


def star_of_unknown_dict(x, d):
    return np.sum(plain(x, **d))


def star_mismatch(x, y, z):
    return np.sum(products(x, y))


@pytest.mark.parametrize("f, args, words", [
    (star_of_parameter, (X, (Y, Z)), "length the code does not show"),
    (star_rebound_in_loop, (X, Y, Z), "length the code does not show"),
    (star_of_changed_list, (X, Y, Z), "length the code does not show"),
    (star_of_shared_list, (X, Y, Z), "length the code does not show"),
    (star_of_shared_dict, (X, Y, Z), "keys the code does not show"),
    (star_of_unknown_dict, (X, {"b": Y}), "keys the code does not show"),
    (star_mismatch, (X, Y, Z), "do not match the parameters of products"),
])
def test_starred_call_refused_where_not_static(f, args, words) -> None:
    with pytest.raises(UnsupportedSyntaxError, match=words) as info:
        tangentlike.grad(f)(*args)
    assert info.value.location.filename == __file__ and info.value.hint


# -- decorated helpers -----------------------------------------------------------------------

CALLS: list[int] = []


def counted(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        CALLS.append(1)
        return fn(*args, **kwargs)
    return wrapper


def passed_through(fn):
    @functools.wraps(fn)
    def wrapper(*a, **k):
        return fn(*a, **k)
    return wrapper


def tripled(fn):
    @functools.wraps(fn)
    def wrapper(*a, **k):
        return 3.0 * fn(*a, **k)
    return wrapper


def squashed(fn):
    def wrapper(*a, **k):  # no functools.wraps: no __wrapped__
        return np.tanh(fn(*a, **k))
    return wrapper


@passed_through
def wave(x, y, c=1.0):
    return x * np.cos(y) * c


@tripled
def tripled_wave(x, y, c=1.0):
    return x * np.cos(y) * c


@squashed
def squashed_wave(x, y):
    return x * np.cos(y)


@counted
def counted_wave(x, y):
    return x * np.cos(y)


@tripled
@passed_through
def stacked(x, *rest, **kw):
    return x * sines(*rest) * kw["c"]


def uses_pass_through(x, y, z):
    return np.sum(wave(x, y) + wave(y, z, c=2.0))


def uses_scaling(x, y, z):
    return np.sum(tripled_wave(x, y, c=z) * squashed_wave(z, x))


def uses_counted(x, y, z):
    return np.sum(counted_wave(x, y) * z)


def uses_stacked(x, y, z):
    return np.sum(stacked(x, y, z, c=x * y))


@pytest.mark.parametrize("f", [uses_pass_through, uses_scaling, uses_counted, uses_stacked])
def test_decorated_helper(f) -> None:
    check(f)


def test_scaling_decorator_is_differentiated_through() -> None:
    g = tangentlike.grad(uses_scaling)(X, Y, Z)
    plain_g = tangentlike.grad(written_out)(X, Y, Z)
    np.testing.assert_allclose(g, plain_g, rtol=1e-12)


def written_out(x, y, z):
    return np.sum(3.0 * (x * np.cos(y) * z) * np.tanh(z * np.cos(x)))


def _unpacked(jvp):
    return lambda *a: jvp(a[:3], a[3:])


@pytest.mark.parametrize("make, extra", [
    (lambda: tangentlike.grad(uses_counted, wrt=(0, 1)), ()),
    (lambda: tangentlike.grad(uses_counted, wrt=(0, 1), motion="split"), ()),
    (lambda: tangentlike.autodiff(uses_counted, wrt=(0,), mode="forward"), (Y,)),
    (lambda: _unpacked(tangentlike.jvp(uses_counted, wrt=(0,))), (Y,)),
    (lambda: tangentlike.hvp(uses_counted, wrt=0), (Y,)),
], ids=["grad", "split", "forward", "jvp", "hvp"])
def test_wrapper_side_effect_runs_once_per_call(make, extra) -> None:
    df = make()
    for call in range(4):  # the general code, the recording run, the version by shape
        before = len(CALLS)
        df(X, Y, Z, *extra)
        assert len(CALLS) - before == 1, f"call {call}: {len(CALLS) - before} runs"


@tripled
def tripled_loss(x, y):
    CALLS.append(1)
    return np.sum(np.sin(x) * y)


@counted
@tripled
def counted_loss(x, y, z):
    return np.sum(x * np.cos(y)) * np.sum(z)


def test_decorated_function_differentiated_itself() -> None:
    # wrapper(*args, **kwargs) around positional parameters: differentiated as wrapper(x, y)
    check(tripled_loss, (X, Y), (0, 1))
    check(counted_loss)
    g = tangentlike.grad(tripled_loss, wrt="y")  # the wrapped function's parameter names
    np.testing.assert_allclose(g(X, Y), 3.0 * np.sin(X), rtol=1e-12)
    before = len(CALLS)
    for _ in range(4):
        g(X, Y)
        tangentlike.hvp(counted_loss, wrt=1)(X, Y, Z, Y)
    assert len(CALLS) - before == 8


def test_decorated_function_differentiated_itself_is_refused() -> None:
    with pytest.raises(UnsupportedSyntaxError, match="takes \\*args") as info:
        tangentlike.grad(wave)(X, Y)
    assert "wave" in info.value.hint


def star_parameter(x, *rest):
    return np.sum(x * 2.0)


def test_differentiated_function_with_star_parameter_is_refused() -> None:
    for make in (tangentlike.grad, tangentlike.hvp, tangentlike.value_and_grad,
                 lambda f: tangentlike.autodiff(f, mode="forward")):
        with pytest.raises(UnsupportedSyntaxError, match="\\*args or \\*\\*kwargs") as info:
            make(star_parameter)(X, Y)
        assert info.value.location.filename == __file__ and info.value.hint
