"""Dataclasses, named tuples and registered pytrees as differentiated inputs (issue 16, item
3): the gradient is an object of the input's type and structure, in reverse mode, forward
mode (with a tangent of that type) and as a Hessian-vector product, reading fields (``p.W``),
indexing and unpacking named tuples, nested in each other and in lists and dicts.  Every
derivative is checked against central finite differences over the input flattened to a
vector (by this file's own flattening, not tangentlike's), at three calls, optimized and
not; values computed with a derivative equal ``f(*args)``."""
from __future__ import annotations

import collections
import dataclasses
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pytest

import tangentlike
from tangentlike.errors import InputError, TangentlikeError, ValueRefusedError

RNG = np.random.default_rng(16)
X = RNG.normal(size=(4, 3))


@pytest.fixture(autouse=True)
def _seeded_rng():
    """Each test draws the same values whatever ran before it in its process."""
    global RNG
    RNG = np.random.default_rng(17)


@dataclass
class Params:
    W: np.ndarray
    b: np.ndarray


@dataclass(frozen=True)
class Frozen:
    W: np.ndarray
    b: np.ndarray


@dataclass
class Tagged:  # static fields: a string, an int, a function
    W: np.ndarray
    scale: float
    name: str = "layer"
    repeats: int = 2
    act: Any = np.tanh


class Pair(NamedTuple):
    W: np.ndarray
    b: np.ndarray


class Counted(NamedTuple):
    W: np.ndarray
    b: np.ndarray
    n: int


@dataclass
class Net:
    layers: list
    out: np.ndarray


class Box:  # a user's class, registered below
    def __init__(self, W: np.ndarray, b: np.ndarray, label: str):
        self.W, self.b, self.label = W, b, label


tangentlike.register_pytree(Box, lambda box: ((box.W, box.b), box.label),
                            lambda label, children: Box(*children, label))


class Plain:  # not registered, and not a plain object (test_plain_objects.py): __slots__
    __slots__ = ("W",)

    def __init__(self, W: np.ndarray):
        self.W = W


# -- this file's own flattening: the leaves that carry a derivative, in order ---------------

def leaves(tree: Any) -> list:
    if isinstance(tree, Box):
        return leaves([tree.W, tree.b])
    if dataclasses.is_dataclass(tree):
        return leaves([getattr(tree, f.name) for f in dataclasses.fields(tree)])
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in leaves(item)]
    if isinstance(tree, dict):
        return [leaf for key in tree for leaf in leaves(tree[key])]
    if isinstance(tree, float) or (isinstance(tree, np.ndarray) and tree.dtype.kind == "f"):
        return [tree]
    return []  # static: ints, strings, functions


def flatten(tree: Any) -> np.ndarray:
    return np.concatenate([np.ravel(leaf) for leaf in leaves(tree)])


def unflatten(tree: Any, vector: np.ndarray) -> Any:
    """``tree`` with its leaves taken from ``vector`` in order."""
    position = 0

    def rebuild(node: Any) -> Any:
        nonlocal position
        if isinstance(node, Box):
            W, b = rebuild([node.W, node.b])
            return Box(W, b, node.label)
        if dataclasses.is_dataclass(node):
            return dataclasses.replace(node, **{f.name: rebuild(getattr(node, f.name))
                                                for f in dataclasses.fields(node)})
        if isinstance(node, tuple) and hasattr(node, "_fields"):
            return type(node)(*map(rebuild, node))
        if isinstance(node, (tuple, list)):
            return type(node)(map(rebuild, node))
        if isinstance(node, dict):
            return {key: rebuild(value) for key, value in node.items()}
        if isinstance(node, float):
            position += 1
            return float(vector[position - 1])
        if isinstance(node, np.ndarray) and node.dtype.kind == "f":
            size = node.size
            position += size
            return vector[position - size:position].reshape(node.shape)
        return node

    return rebuild(tree)


def assert_same_structure(got: Any, like: Any) -> None:
    """Same types all the way down; static leaves equal to the input's."""
    if type(like) is float:  # a Python float's derivative may be a NumPy float
        assert isinstance(got, (float, np.floating)), type(got)
        return
    assert type(got) is type(like), (type(got), type(like))
    if isinstance(like, Box):
        assert got.label == like.label
        assert_same_structure([got.W, got.b], [like.W, like.b])
    elif dataclasses.is_dataclass(like):
        for f in dataclasses.fields(like):
            assert_same_structure(getattr(got, f.name), getattr(like, f.name))
    elif isinstance(like, (tuple, list)):
        assert len(got) == len(like)
        for a, b in zip(got, like):
            assert_same_structure(a, b)
    elif isinstance(like, dict):
        assert got.keys() == like.keys()
        for key in like:
            assert_same_structure(got[key], like[key])
    elif isinstance(like, np.ndarray):
        assert got.shape == like.shape
        if like.dtype.kind != "f":
            assert np.array_equal(got, like)
    elif not isinstance(like, float):
        assert got is like or got == like, (got, like)  # a static field keeps its value


def fd_gradient(f, args: tuple, wrt: int = 0, h: float = 1e-6) -> np.ndarray:
    x = flatten(args[wrt])

    def at(vector):
        return f(*args[:wrt], unflatten(args[wrt], vector), *args[wrt + 1:])

    return np.array([(at(x + h * e) - at(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def check(f, *args: Any, hvp: bool = True) -> None:
    """Reverse, forward and HVP of ``f`` with respect to its first argument, optimized and
    not, three calls each, against central finite differences."""
    tree = args[0]
    expected = fd_gradient(f, args)
    v = unflatten(tree, RNG.normal(size=expected.size))
    value = f(*args)
    for optimized in (True, False):
        df = tangentlike.value_and_grad(f, optimized=optimized)
        jf = tangentlike.jvp(f, wrt=0, optimized=optimized)
        hf = tangentlike.hvp(f, optimized=optimized) if hvp else None
        for _ in range(3):
            got_value, g = df(*args)
            assert got_value == value
            assert_same_structure(g, tree)
            np.testing.assert_allclose(flatten(g), expected, rtol=1e-6, atol=1e-8)
            assert_same_structure(tangentlike.grad(f, optimized=optimized)(*args), tree)
            out, t = jf(args, (v,))
            assert out == value
            np.testing.assert_allclose(t, expected @ flatten(v), rtol=1e-6, atol=1e-8)
            if hf is not None:
                hv = hf(*args, v)
                assert_same_structure(hv, tree)
                step = 1e-4
                plus = fd_gradient(f, (unflatten(tree, flatten(tree) + step * flatten(v)),
                                       *args[1:]), h=1e-5)
                minus = fd_gradient(f, (unflatten(tree, flatten(tree) - step * flatten(v)),
                                        *args[1:]), h=1e-5)
                np.testing.assert_allclose(flatten(hv), (plus - minus) / (2 * step),
                                           rtol=1e-4, atol=1e-5)


W = RNG.normal(size=(3, 2))
B = RNG.normal(size=2)


# -- fields ----------------------------------------------------------------------------------

def dense_loss(p, x):
    return np.sum(np.tanh(x @ p.W + p.b) ** 2)


@dataclass(frozen=True, slots=True)
class Slotted:
    W: np.ndarray
    b: np.ndarray


Legacy = collections.namedtuple("Legacy", "W b")


@pytest.mark.parametrize("tree", [Params(W, B), Frozen(W, B), Slotted(W, B), Pair(W, B),
                                  Legacy(W, B)],
                         ids=["dataclass", "frozen", "slots", "namedtuple", "collections"])
def test_fields(tree):
    check(dense_loss, tree, X)


def test_gradient_of_a_dataclass_is_one():
    g = tangentlike.grad(dense_loss)(Params(W, B), X)
    assert isinstance(g, Params)
    np.testing.assert_allclose(flatten(g), fd_gradient(dense_loss, (Params(W, B), X)),
                               rtol=1e-6, atol=1e-8)


def unpacks(p, x):
    W, b = p
    return np.sum(np.tanh(x @ W + b) ** 2)


def indexes(p, x):
    return np.sum(np.tanh(x @ p[0] + p[-1]) ** 2)


@pytest.mark.parametrize("f", [unpacks, indexes])
def test_namedtuple_unpacked_and_indexed(f):
    check(f, Pair(W, B), X)


def counted(p, x):
    W, b, n = p
    return np.sum(np.tanh(x @ W + b) ** 2) * n + np.sum(p.b * p.n)


def test_namedtuple_int_field_is_static():
    check(counted, Counted(W, B, 3), X)
    assert tangentlike.grad(counted)(Counted(W, B, 3), X).n == 3


def tagged(p, x):
    y = np.tanh(x @ p.W) * p.scale
    for _ in range(p.repeats):
        y = np.sin(y)
    return np.sum(y) if p.name == "layer" else 0.0


def test_static_fields_keep_their_values():
    tree = Tagged(W, 0.7, "layer", 2, np.tanh)
    check(tagged, tree, X)
    g = tangentlike.grad(tagged)(tree, X)
    assert (g.name, g.repeats, g.act) == ("layer", 2, np.tanh)
    assert isinstance(g.scale, float)


# -- nesting, loops and helpers --------------------------------------------------------------

def mlp(net, x):
    h = x
    for layer in net.layers:
        h = np.tanh(h @ layer.W + layer.b)
    return np.sum((h @ net.out) ** 2)


def test_dataclass_holding_a_list_of_dataclasses():
    rng = np.random.default_rng(11)  # its own: the module's RNG's state depends on test order
    net = Net([Params(rng.normal(size=(3, 3)), rng.normal(size=3)),
               Params(rng.normal(size=(3, 3)), rng.normal(size=3))], rng.normal(size=3))
    check(mlp, net, X)
    # Layers of different shapes: each backward iteration's zero adjoints take their shape
    # from that iteration (the forward sweep saves it when nothing else restores it)
    net = Net([Params(rng.normal(size=(3, 3)), rng.normal(size=3)),
               Params(rng.normal(size=(3, 2)), rng.normal(size=2))], rng.normal(size=2))
    check(mlp, net, X)


def dict_of_pairs(p, x):
    h = np.tanh(x @ p["first"].W + p["first"].b)
    return np.sum(np.cos(h @ p["second"].W) + p["second"].b[0])


def test_dict_of_namedtuples():
    tree = {"first": Pair(RNG.normal(size=(3, 3)), RNG.normal(size=3)),
            "second": Pair(RNG.normal(size=(3, 2)), RNG.normal(size=2))}
    check(dict_of_pairs, tree, X)


def layer(p, h):
    return np.tanh(h @ p.W + p.b)


def through_helper(net, x):
    h = layer(net.layers[0], x)
    return np.sum(layer(net.layers[1], h) * net.out)


def test_passed_to_a_helper():
    net = Net([Pair(RNG.normal(size=(3, 3)), RNG.normal(size=3)),
               Pair(RNG.normal(size=(3, 2)), RNG.normal(size=2))], RNG.normal(size=2))
    check(through_helper, net, X)


def box_loss(box, x):
    return np.sum(np.sin(x @ box.W) * box.b) if box.label else 0.0


def test_registered_class():
    box = Box(W, B, "a box")
    check(box_loss, box, X)
    assert tangentlike.grad(box_loss)(box, X).label == "a box"


def scalar_fields(p, x):
    return np.sum(x) * p.scale ** 2 + np.sin(p.scale)


def test_float_field():
    check(scalar_fields, Tagged(W, 0.3), X)


def test_second_argument():
    g = tangentlike.grad(dense_loss, wrt=1)(Pair(W, B), X)
    assert type(g) is np.ndarray
    gx, gp = tangentlike.grad(lambda_free_two, wrt=(1, 0))(Pair(W, B), X)
    assert type(gp) is Pair and type(gx) is np.ndarray


def lambda_free_two(p, x):
    return np.sum(np.tanh(x @ p.W + p.b) ** 2)


# -- building pytrees inside the function ----------------------------------------------------

def builds_dataclass(p, x):
    q = Params(p.W * 2.0, b=np.sin(p.b))
    return np.sum(np.tanh(x @ q.W + q.b) ** 2)


def builds_namedtuple(p, x):
    q = Pair(p.W * p.b[0], b=1.5)  # b: a constant, no derivative
    return np.sum(np.tanh(x @ q.W + q.b) ** 2)


def builds_in_a_loop(p, x):
    for _ in range(2):
        p = Params(np.sin(p.W), p.b * p.b)
    return dense_loss(p, x)


def replaces_namedtuple(p, x):
    q = p._replace(W=p.W * 2.0)
    return np.sum(np.tanh(x @ q.W + q.b) ** 2 + q.b)


def replaces_dataclass(p, x):
    q = dataclasses.replace(p, b=np.cos(p.b))
    return np.sum(np.tanh(x @ q.W + q.b) ** 2)


def returns_fields_of_built(p, x):
    return dense_loss(Params(W=p.W, b=p.b + 1.0), x)


@pytest.mark.parametrize("f, tree", [
    (builds_dataclass, Params(W, B)), (builds_namedtuple, Pair(W, B)),
    (builds_in_a_loop, Params(W, B)), (replaces_namedtuple, Pair(W, B)),
    (replaces_dataclass, Params(W, B)), (replaces_dataclass, Frozen(W, B)),
    (returns_fields_of_built, Pair(W, B))],
    ids=["dataclass", "namedtuple", "loop", "_replace", "dataclasses.replace", "frozen",
         "passed-to-helper"])
def test_built_inside_the_function(f, tree):
    check(f, tree, X)


@dataclass
class Validated:
    W: np.ndarray

    def __post_init__(self):
        self.W = np.asarray(self.W) * 2.0


def builds_with_post_init(p, x):
    return np.sum(x @ Validated(p.W).W)


def replaces_with_post_init(p, x):
    return np.sum(x @ dataclasses.replace(p, W=p.W * 1.0).W)


@dataclass
class OwnInit:
    W: np.ndarray

    def __init__(self, W):
        self.W = W * 2.0


def builds_own_init(p, x):
    return np.sum(x @ OwnInit(p.W).W)


def replaces_own_init(p, x):
    return np.sum(x @ dataclasses.replace(p, W=p.W * 1.0).W)


def builds_registered(p, x):
    return np.sum(x @ Box(p.W, p.b, "new").W)


def test_post_init_and_registered_constructors_are_refused():
    with pytest.raises(TangentlikeError, match="__post_init__") as error:
        tangentlike.grad(builds_with_post_init)(Params(W, B), X)
    assert error.value.location is not None
    with pytest.raises(ValueRefusedError, match="__post_init__"):
        tangentlike.grad(replaces_with_post_init)(Validated(W), X)
    with pytest.raises(TangentlikeError, match="an __init__ of its own") as error:
        tangentlike.grad(builds_own_init)(Params(W, B), X)
    assert error.value.location is not None
    with pytest.raises(ValueRefusedError, match="whose __init__ is its own"):
        tangentlike.grad(replaces_own_init)(OwnInit(W), X)
    with pytest.raises(TangentlikeError, match=r"Box\(\.\.\.\)") as error:
        tangentlike.grad(builds_registered)(Params(W, B), X)
    assert "dataclass" in error.value.hint


# -- refusals --------------------------------------------------------------------------------

def test_plain_object_is_refused_with_a_hint():
    with pytest.raises(InputError) as error:
        tangentlike.grad(dense_loss)(Plain(W), X)
    assert "Plain" in str(error.value) and "register_pytree" in error.value.hint
    assert "not a plain object: Plain defines __slots__" in str(error.value)
    assert "dataclass" in error.value.hint


@dataclass
class WithProperty:
    W_: np.ndarray

    @property
    def W(self):
        return self.W_ * 2.0


def reads_property(p, x):
    return np.sum(x @ p.W)


def test_property_is_refused_by_name():
    tree = WithProperty(W)
    for derivative in (lambda: tangentlike.grad(reads_property)(tree, X),
                       lambda: tangentlike.jvp(reads_property, wrt=0)((tree, X), (tree,))):
        with pytest.raises(ValueRefusedError, match=r"WithProperty\.W is not a field"):
            derivative()


def calls_a_field(p, x):
    return np.sum(p.act(x @ p.W))


def test_attribute_read_is_never_called_a_method():
    with pytest.raises(TangentlikeError) as error:
        tangentlike.grad(reads_property)(Plain(W), X)
    assert ".W()" not in str(error.value)
    with pytest.raises(TangentlikeError, match=r"Tagged\.act, called on a value that "
                       "carries a derivative, is not a method defined with def") as error:
        tangentlike.grad(calls_a_field)(Tagged(W, 1.0), X)
    assert ".act()" not in str(error.value) and error.value.hint


def test_tangent_of_another_type_is_refused():
    with pytest.raises(InputError, match="a tangent has its argument's type"):
        tangentlike.jvp(dense_loss, wrt=0)((Params(W, B), X), ((W, B),))


# -- the other entry points ------------------------------------------------------------------

def with_aux(p, x):
    value = dense_loss(p, x)
    return value, {"loss": value}


def test_vjp_has_aux_linearize_and_split_motion():
    tree = Pair(W, B)
    expected = fd_gradient(unpacks, (tree, X))
    _, vjp_fn = tangentlike.vjp(unpacks, tree, X)
    g, gx = vjp_fn(1.0)
    assert_same_structure(g, tree)
    np.testing.assert_allclose(flatten(g), expected, rtol=1e-6, atol=1e-8)
    (value, aux), g = tangentlike.value_and_grad(with_aux, has_aux=True)(Params(W, B), X)
    assert value == dense_loss(Params(W, B), X) and aux == {"loss": value}
    assert_same_structure(g, Params(W, B))
    np.testing.assert_allclose(flatten(g), expected, rtol=1e-6, atol=1e-8)
    split = tangentlike.autodiff(unpacks, motion="split")
    assert_same_structure(split(tree, X, 1.0), tree)
    value, jvp_fn = tangentlike.linearize(dense_loss, Frozen(W, B), X)
    v = unflatten(Frozen(W, B), RNG.normal(size=expected.size))
    np.testing.assert_allclose(jvp_fn(v, np.zeros_like(X)), expected @ flatten(v),
                               rtol=1e-6, atol=1e-8)


# -- more refusals ---------------------------------------------------------------------------

@dataclass
class HoldsPlain:
    inner: Any  # an object of a class that is not plain (__slots__): static


def reads_through_plain(p, x):
    return np.sum(x @ p.inner.W)


def unpacks_box(box, x):
    W, b = box
    return np.sum(x @ W + b)


class IterableBox(Box):
    def __iter__(self):
        return iter((self.W, self.b))


tangentlike.register_pytree(IterableBox, lambda box: ((box.W, box.b), box.label),
                            lambda label, children: IterableBox(*children, label))


def test_reads_the_derivative_cannot_follow_are_refused():
    tree = HoldsPlain(Plain(W))
    with pytest.raises(ValueRefusedError, match=r"\.W of a Plain"):
        tangentlike.grad(reads_through_plain)(tree, X)
    with pytest.raises(ValueRefusedError, match=r"\.W of a Plain"):
        tangentlike.jvp(reads_through_plain, wrt=0)((tree, X), (tree,))
    with pytest.raises(ValueRefusedError, match="unpacked or indexed like a tuple"):
        tangentlike.grad(unpacks_box)(IterableBox(W, B, "b"), X)


def test_register_pytree_checks_its_arguments():
    with pytest.raises(InputError, match="takes a class"):
        tangentlike.register_pytree(Box(W, B, "x"), lambda b: ((), None), lambda a, c: None)
    with pytest.raises(InputError, match="flatten is not callable"):
        tangentlike.register_pytree(Plain, None, lambda a, c: None)


@dataclass
class RegisteredData:  # a dataclass registered with flatten/unflatten of its own
    W: np.ndarray
    b: np.ndarray


tangentlike.register_pytree(RegisteredData, lambda p: ((p.W,), p.b),
                            lambda b, children: RegisteredData(children[0], b))


def replaces_registered(p, x):
    return np.sum(x @ dataclasses.replace(p, W=p.W * 2.0).W)


def builds_registered_dataclass(p, x):
    return np.sum(x @ RegisteredData(p.W, p.b).W)


def test_registration_wins_over_the_dataclass():
    tree = RegisteredData(W, B)  # only W is a child: b is aux, a constant
    g = tangentlike.grad(dense_loss)(tree, X)
    assert type(g) is RegisteredData and g.b is B
    np.testing.assert_allclose(g.W, tangentlike.grad(dense_loss)(Params(W, B), X).W)
    with pytest.raises(ValueRefusedError, match="a registered pytree"):
        tangentlike.grad(replaces_registered)(tree, X)
    with pytest.raises(TangentlikeError, match=r"RegisteredData\(\.\.\.\)"):
        tangentlike.grad(builds_registered_dataclass)(tree, X)


class ForeignArray:  # stands for a pandas Series or a torch tensor: has __array__
    def __init__(self, values):
        self.values = values

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.values, dtype=dtype)


def sums_foreign(p, x):
    return np.sum(x @ p.W) + np.sum(p.b)


def test_arrays_of_other_libraries_are_refused_not_taken_as_static():
    with pytest.raises(InputError, match=r"argument 0 \(p\) of sums_foreign\.b is a "
                                         "ForeignArray"):
        tangentlike.grad(sums_foreign)(Params(W, ForeignArray(B)), X)
    with pytest.raises(InputError, match="ForeignArray"):
        tangentlike.grad(sums_foreign)(Pair(W, ForeignArray(B)), X)


@dataclass
class KeywordFirst:
    scale: float = dataclasses.field(kw_only=True, default=1.0)
    W: np.ndarray = None


def builds_keyword_first(p, x):
    q = KeywordFirst(p.W * 3.0, scale=p.b[0])  # W by position, though scale comes first
    return np.sum(np.tanh(x @ q.W) * q.scale)


def test_keyword_only_fields_are_bound_by_name():
    check(builds_keyword_first, Params(W, B), X)
