"""Products folded (optimizer/factor.py), sums of products as dot products and negations
moved into them (versions/reductions.py), joins cut by slices (versions/splits.py),
``unindex`` spelled out and integer indices in names added in place (versions/inplace.py).

End to end, every function is checked against central finite differences (float64, step
1e-6, ``check_grad``: rtol 1e-5) at the generic call, the recording call and the version,
its value equal to ``f(*args)`` exactly, and the version's gradients equal to the generic
derivative's to rounding (rtol 1e-12); forward mode and HVPs where cheap.  The adversarial
cases: slices that overlap, negative steps, a join of views, an index that changes in the
loop, a boolean or array index, a where that broadcasts, a where whose other branch is NaN.
"""
from __future__ import annotations

import gast
import numpy as np
import pytest
from support import check_grad

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.optimizer.factor import simplify_product

RNG = np.random.default_rng(1818)
# where_nan_branch: the branch np.where does not select is NaN (np.log of negative numbers)
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in log")


# -- factor.py: a product's numbers and signs as one coefficient -----------------------------
def _product(source: str, floats: set[str] = frozenset()) -> str | None:
    node = syntax.parse_expr(source)
    for name in gast.walk(node):
        if isinstance(name, gast.Name) and name.id in floats:
            anno.info(name).seen = frozenset({(np.ndarray, (3,), np.dtype("float64"))})
    new = simplify_product(node)
    return None if new is None else emit.to_source(gast.Expression(body=new)).strip()


@pytest.mark.parametrize("before, after", [
    ("2.0 * -g", "-2.0 * g"),
    ("-(2.0 * a) * b", "-2.0 * a * b"),
    ("a * -b * -c", "a * b * c"),
    ("2 * -x", "-2 * x"),
    ("0.5 * -a * 2 * b", "-a * b"),          # a float: the 1.0 goes
    ("0.25 * a * 3.0 * -b", "-0.75 * a * b"),  # one number not a power of two: exact
])
def test_numbers_and_signs_fold(before: str, after: str) -> None:
    got = _product(before, floats={"a", "b"})
    assert got is not None and got.strip("()") == after
    env = {n: RNG.normal(size=3) for n in "abcgx"}
    np.testing.assert_array_equal(eval(got, env), eval(before, env))  # exact


@pytest.mark.parametrize("source", [
    "-a * b",            # one sign: nothing to fold
    "3.0 * (0.1 * x)",   # 0.30000000000000004 * x would round differently
    "a * b",
    "0.0 * -x",          # 0 * x keeps x's shape and NaNs: left alone
])
def test_products_left_alone(source: str) -> None:
    assert _product(source) is None


def test_a_coefficient_of_one_stays_where_the_dtype_could_change() -> None:
    # n may be an integer array: 0.5 * n * 2 is float, n is not.
    assert _product("0.5 * n * 2").strip("()") == "1.0 * n"
    masks = _product("-(0.5 * m) * 2 * g")  # -m of a boolean mask would fail
    env = {"m": RNG.normal(size=4) > 0, "g": RNG.normal(size=4)}
    np.testing.assert_array_equal(eval(masks, env), eval("-(0.5 * m) * 2 * g", env))


# -- end to end -------------------------------------------------------------------------------
def heat(u, k):
    for _ in range(6):
        inner = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
        u = np.concatenate((u[:1], inner, u[-1:]))
    return 0.5 * np.sum(u * u)


def reversed_join(u, k):
    for _ in range(4):
        v = u[::-1]
        u = np.concatenate((v[:2], k * u[1:-1] * v[1:-1], v[-3:-2]))
        u = u + 0.1 * u[::-2].sum()
    return np.sum(u ** 3)


def overlapping_pieces(u):
    a = u[1:5]
    b = u[3:8]
    w = np.concatenate((a, b, a))  # the same slice twice, overlapping another
    return np.sum(w * w[::-1]) + np.sum(np.concatenate((w[:3], u)) ** 2)


def swapped_ends(u, k):
    for _ in range(5):  # each end piece goes back to the other end: no copy
        inner = u[1:-1] + k * (u[2:] - u[:-2])
        u = np.concatenate((u[-1:], inner, u[:1]))
    return np.sum(u * np.arange(u.size))


def fixed_ends_twice(u, k):
    for _ in range(3):  # the old adjoint's pieces read again after the copy
        inner = u[1:-1] * k
        u = np.concatenate((u[:1], inner + u[:-2], u[-1:]))
        u = np.concatenate((u[:1], u[1:-1] * u[1:-1], u[-1:]))
    return np.sum(np.sin(u))


def joined_rows(m):
    for _ in range(3):
        m = np.concatenate((m[:1], 0.5 * (m[1:] + m[:-1])), axis=0)
        m = np.concatenate((m[:, 1:], m[:, :1] * 2.0), axis=1)
    return np.sum(np.sin(m))


def index_in_a_name(u):
    total = 0.0
    for i in range(1, 5):  # a new index each step
        total = total + u[i] * u[i] - 2.0 * -u[i] * total
    return total * np.sum(u)


def integer_argument(u, j):
    return u[j] * np.sum(u[j:] ** 2) + u[-j] * u[::-j].sum()


def scaled_sums(x, y, s):
    a = np.sum(-x * y / s) + np.sum(2.0 * x * s)
    b = (x * -y).sum() * np.sum(-(x / s))
    return a * b + np.sum(x * x * y)


def where_broadcast(x, b):
    z = np.where(x > 0.0, x * b, -0.5 * b)  # a (3, 4) mask, b a row of 4
    return np.sum(z * z) + np.sum(np.where(z > 0.2, z, 0.0))


def where_nan_branch(x):
    r = np.where(x > 0.0, np.sqrt(np.abs(x)) * 2.0, -x * 3.0)
    return np.sum(r * -r) + np.sum(np.where(x > 0.5, np.log(x), 0.0) * 2.0)


def mixture(w, mu, log_sigma, x):
    log_p1 = -np.log1p(np.exp(-w))
    log_p2 = -np.log1p(np.exp(w))
    s = np.exp(log_sigma)
    l1 = log_p1 - 0.5 * ((x - mu[0]) / s[0]) ** 2 - log_sigma[0]
    l2 = log_p2 - 0.5 * ((x - mu[1]) / s[1]) ** 2 - log_sigma[1]
    hi = np.where(l1 > l2, l1, l2)
    lo = np.where(l1 > l2, l2, l1)
    return np.sum(hi + np.log1p(np.exp(lo - hi)))


def reads_itself_reversed(x, w):  # the adjoint of x[::-1] reads x's own adjoint
    for _ in range(3):
        x = np.sin(x) * w + x[::-1] * 0.5
    return np.sum(x * x)


def reads_itself_sliced(x):
    for _ in range(2):
        x = np.concatenate((x[1:] * 2.0, x[:1])) + x[::-1]
    return np.sum(x ** 3)


X34 = RNG.standard_normal((3, 4))
CASES = [
    (heat, (RNG.standard_normal(9), 0.25), (0, 1)),
    (reversed_join, (RNG.standard_normal(8), 0.7), (0, 1)),
    (overlapping_pieces, (RNG.standard_normal(9),), (0,)),
    (swapped_ends, (RNG.standard_normal(8), 0.3), (0, 1)),
    (fixed_ends_twice, (RNG.standard_normal(7), 0.6), (0, 1)),
    (joined_rows, (RNG.standard_normal((4, 3)),), (0,)),
    (index_in_a_name, (RNG.standard_normal(7),), (0,)),
    (integer_argument, (RNG.standard_normal(6), 2), (0,)),
    (scaled_sums, (RNG.standard_normal(5), RNG.standard_normal(5), 1.3), (0, 1, 2)),
    (scaled_sums, (RNG.standard_normal(5).astype(np.float32),
                   RNG.standard_normal(5).astype(np.float32), 1.3), None),
    (where_broadcast, (X34, RNG.standard_normal(4)), (0, 1)),
    (where_nan_branch, (RNG.standard_normal(11) + 0.05,), (0,)),
    (mixture, (0.3, np.array([-0.8, 1.2]), np.array([0.1, -0.2]),
               RNG.standard_normal(30)), (0, 1, 2)),
    (reads_itself_reversed, (RNG.standard_normal(7), RNG.standard_normal(7)), (0, 1)),
    (reads_itself_sliced, (RNG.standard_normal(6),), (0,)),
]
IDS = [f"{c[0].__name__}{'' if c[2] else '-float32'}" for c in CASES]
FLOAT64 = [c for c in CASES if c[2] is not None]


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("fn, args, wrt", FLOAT64, ids=[i for i, c in zip(IDS, CASES)
                                                       if c[2] is not None])
def test_gradients_match_finite_differences(fn, args, wrt, optimized) -> None:
    check_grad(fn, args, wrt, optimized=optimized)


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=IDS)
def test_version_matches_the_generic_derivative(fn, args, wrt) -> None:
    wrt = wrt or (0, 1, 2)
    df = tangentlike.grad(fn, wrt=wrt)
    generic = df(*args)
    df(*args)
    version = df.version_for(*args)
    assert version.kind == "shapes", version.reason
    single = args[0].dtype == np.float32 if isinstance(args[0], np.ndarray) else False
    for _ in range(2):  # new arrays every call: no adjoint carried over
        for g, e in zip(df(*args), generic, strict=True):
            assert np.result_type(g) == np.result_type(e)
            np.testing.assert_allclose(g, e, rtol=1e-5 if single else 1e-12,
                                       atol=1e-6 if single else 1e-14)


def _version(fn, args, wrt) -> str:
    df = tangentlike.grad(fn, wrt=wrt)
    df(*args), df(*args)
    version = df.version_for(*args)
    assert version.kind == "shapes", version.reason
    return version.source


def test_heat_version_reads_like_the_hand_written_step() -> None:
    source = _version(*CASES[0])
    assert "split_like" not in source and "unindex" not in source, source
    # The cuts' tuple (splits.py) is one name per piece read (optimizer/tuples.py): the end
    # pieces went back into the old adjoint, so the middle one alone is left.
    assert "binner = bu[1:8]\n" in source and "bt11" not in source, source
    assert "bu = bu.copy()" in source and "np.zeros" not in source, source  # the fixed ends
    assert "bk = bk + binner @ t7" in source and "bu[1:-1] += -2.0 * bt7" in source, source
    assert "stack.append(u)" not in source, source  # saved for its shape alone


def test_pieces_sent_elsewhere_are_no_copy() -> None:
    source = _version(*CASES[3])
    assert ".copy()" not in source, source


def test_a_sum_computed_twice_is_computed_once() -> None:
    source = _version(*CASES[12])
    assert source.count("bl2.sum()") == 1 and "blog_sigma[1] = -blog_p2" in source, source


def test_sums_of_products_are_dot_products() -> None:
    source = _version(*CASES[8])
    backward = source.split("bscaled_sums = init_grad")[1]
    assert "-(bt10 @ t10) / s" in backward and "t5.sum() * ba" in backward, source
    assert ".sum()" not in source.split("bscaled_sums = init_grad")[0].split("a = ")[0]


def test_mixture_version_moves_negations_into_its_sums() -> None:
    source = _version(*CASES[12])
    assert "bt17 = bl2 * t17" in source and "bt17 @ t17 / t16" in source, source
    assert "0.5 * -" not in source and "* 2 *" not in source, source


def test_an_index_in_a_name_is_added_in_place() -> None:
    source = _version(*CASES[6])
    assert "bu[i] += bt1" in source, source
    source = _version(*CASES[7])
    assert "bu[j] += " in source and "bu[j:] += bt3" in source, source  # add_item in place
    assert "bu[::t1] += bcallee" in source and "add_item" not in source, source


def boolean_index(u, flag):
    return np.sum(u[flag] * 2.0)


def test_a_boolean_index_is_never_a_basic_one() -> None:
    u = RNG.standard_normal(3)
    check_grad(boolean_index, (u, True), (0,))
    df = tangentlike.grad(boolean_index)
    df(u, True), df(u, True)
    assert "bu[flag] +=" not in df.version_for(u, True).source


def test_forward_mode_and_hvp_of_the_folded_functions() -> None:
    u, k = CASES[1][1]
    v = RNG.standard_normal(u.size)
    h = 1e-6
    _, tangent = tangentlike.jvp(reversed_join, wrt=0)((u, k), (v,))
    expected = (reversed_join(u + h * v, k) - reversed_join(u - h * v, k)) / (2 * h)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)
    x = CASES[2][1][0]
    v = RNG.standard_normal(x.size)
    hv = tangentlike.hvp(overlapping_pieces)(x, v)
    g = tangentlike.grad(overlapping_pieces)
    np.testing.assert_allclose(hv, (g(x + h * v) - g(x - h * v)) / (2 * h), rtol=1e-5,
                               atol=1e-8)


def fancy_item(u):
    idx = np.array([1, 3, 3])
    v = u * 1.0
    for _ in range(2):
        v = v + np.sum(u[idx] ** 2) * v[2] + u[idx].sum() * u[4]
    return np.sum(v * v)


def test_an_array_index_is_never_added_in_place() -> None:
    u = RNG.standard_normal(6)
    check_grad(fancy_item, (u,), (0,))
    df = tangentlike.grad(fancy_item)
    generic = df(u)
    df(u)
    np.testing.assert_allclose(df(u), generic, rtol=1e-12)
    assert "bu[idx] +=" not in df.version_for(u).source


# -- the copy of a cut adjoint, on small trees -------------------------------------------------
VECTOR = (np.ndarray, (5,), np.dtype("float64"))


def _in_place(source: str) -> str:
    import textwrap

    from tangentlike import runtime
    from tangentlike.versions.inplace import accumulate_in_place

    fn = gast.parse(textwrap.dedent(source)).body[0]
    for node in gast.walk(fn):
        if isinstance(node, (gast.Name, gast.BinOp, gast.Call, gast.Subscript)):
            anno.info(node).seen = frozenset({VECTOR})
    names = {"np.zeros": np.zeros, "unindex": runtime.unindex, "slice": slice}
    accumulate_in_place(fn, lambda f: names.get(syntax.dotted_name(f)))
    return emit.to_source(fn)


STEP = """
    def f(bu, u, k):
        for _ in range(3):
            {first}
            bt = bu[0:1], bu[1:4], bu[4:5]
            {second}
            bu = unindex(bt[2], u, slice(-1, None))
            bu = bu + unindex(bt[0], u, slice(None, 1))
            bu = bu + unindex(k * binner, u, slice(None, -2))
            bu = bu + unindex({last}, u, slice(1, -1))
        return bu
    """


def test_pieces_back_in_their_places_are_a_copy() -> None:
    out = _in_place(STEP.format(first="pass", second="binner = bt[1]", last="binner"))
    assert "bu = bu.copy()" in out and "bu[:-2] += k * binner" in out, out
    assert "np.zeros" not in out and "bt[0]" not in out, out


@pytest.mark.parametrize("first, second, last", [
    ("binner = bt[1]", "pass", "binner"),           # the piece of the step before
    ("pass", "binner = bt[1]", "2.0 * binner"),     # not the piece itself
    ("pass", "binner = bt[0]", "binner"),           # another piece, another place
    ("pass", "binner = bt[1]; bt = bt[::-1]", "binner"),  # the cuts bound again
])
def test_pieces_not_back_in_their_places_are_no_copy(first, second, last) -> None:
    out = _in_place(STEP.format(first=first, second=second, last=last))
    assert ".copy()" not in out, out
