"""One record per primitive (rules/primitive.py): the old tables read the records, unknown
functions get the safe defaults, and library facts never replace the user's."""
import math

import numpy as np

from tangentlike import runtime
from tangentlike.rules import primitive as prim
from tangentlike.rules import registry
from tangentlike.rules.registry import d


def test_the_old_tables_are_views_of_the_records():
    registry.load_deferred()
    for key, record in list(prim.PRIMITIVES.items()):
        assert registry.adjoint_rule(record.function) is record.adjoint
        assert registry.tangent_rule(record.function) is record.tangent
        assert (key in registry.ADJOINTS) == (record.adjoint is not None)
        assert (key in registry.TANGENTS) == (record.tangent is not None)
        assert registry.is_non_differentiable(record.function) == (not record.differentiable)
        assert (key in registry.NON_DIFFERENTIABLE) == (not record.differentiable)
        assert (key in registry.PURE) == record.pure
        assert registry.is_primitive(record.function) == record.is_primitive


def test_every_library_rule_is_pure_but_print_and_restore_item():
    registry.load_deferred()
    known = {*registry.ADJOINTS, *registry.TANGENTS, *registry.NON_DIFFERENTIABLE}
    library = {key for key in known if not prim.PRIMITIVES[key].user_facts}
    # print writes to a file; restore_item puts a dict's old value back (it writes the dict)
    assert {key for key in library if key not in registry.PURE} == {print,
                                                                    runtime.restore_item}


def test_an_unknown_function_gets_the_safe_defaults():
    def mine(x):
        return x

    record = prim.primitive(mine)
    assert not record.pure and record.shape is prim.Shape.FROM_VALUES
    assert record.returns is prim.Returns.MAY_SHARE and not record.is_primitive


def test_module_policies():
    assert prim.primitive(math.lgamma).pure and prim.primitive(math.lgamma).cheap
    assert prim.primitive(np.sin).pure
    assert not registry.is_pure_function(np.copyto)
    assert not registry.is_pure_function(np.random.randn)


def test_library_facts_do_not_replace_the_users():
    def f(x):
        return x

    key = prim._key(f)
    try:
        prim.declare(f, pure=False, adjoint="mine")
        prim.declare(f, library=True, pure=True, adjoint="library's", cheap=True)
        record = prim.PRIMITIVES[key]
        assert record.adjoint == "mine" and not record.pure and record.cheap
        prim.declare(f, adjoint="again")
        assert prim.PRIMITIVES[key].adjoint == "again"
    finally:
        prim.PRIMITIVES.pop(key, None)


def test_views_write_through():
    def g(x):
        return x

    key = prim._key(g)
    try:
        registry.non_differentiable(g)
        assert key in registry.NON_DIFFERENTIABLE and registry.is_primitive(g)
        registry.NON_DIFFERENTIABLE.discard(key)
        assert not registry.is_primitive(g)
    finally:
        prim.PRIMITIVES.pop(key, None)


def _pair_sum(a, b):
    return (a, b)[0] + b


def test_a_users_tangent_with_several_contributions_adds_them_with_add_grad():
    """A user's function may return a tuple, where + would concatenate: unless declared
    otherwise (containers=False), its tangent contributions are added with add_grad."""
    import tangentlike
    from tangentlike.rules.registry import d

    def pair_sum_tangent(y, a, b):
        d[y] = d[a]
        d[y] = d[b]

    def f(x):
        return _pair_sum(x, x * 2.0)

    key = prim._key(_pair_sum)
    try:
        tangentlike.tangent(_pair_sum)(pair_sum_tangent)
        df = tangentlike.autodiff(f, mode="forward", optimized=False)
        assert "add_grad(" in df.source
        assert df(1.5, 1.0) == 3.0
        prim.declare(_pair_sum, containers=False)
        tangentlike.clear_cache()
        assert "add_grad(" not in tangentlike.autodiff(f, mode="forward",
                                                       optimized=False).source
    finally:
        prim.PRIMITIVES.pop(key, None)
        tangentlike.clear_cache()


def test_cancel_counts_only_declared_or_policy_pure_calls():
    import gast

    from tangentlike.core import syntax
    from tangentlike.versions.cancel import _pure_call

    def users(x):
        return x

    objects = {"np": np, "users": users}

    def resolve(func):
        if isinstance(func, gast.Attribute):
            return getattr(objects.get(syntax.dotted_name(func.value)), func.attr, None)
        return objects.get(func.id)

    def call(text):
        return syntax.parse(text).body[0].value

    assert _pure_call(call("np.sin(a)"), resolve)
    assert not _pure_call(call("np.copyto(a, b)"), resolve)  # writes into a
    assert not _pure_call(call("np.random.rand(3)"), resolve)
    key = prim._key(users)
    try:
        registry.adjoint(users)(_identity_adjoint)
        assert not _pure_call(call("users(a)"), resolve)  # a rule does not make it pure
        registry.pure(users)
        assert _pure_call(call("users(a)"), resolve)
    finally:
        prim.PRIMITIVES.pop(key, None)


def _identity_adjoint(y, x):
    d[x] = d[y]


def _logged(x):
    return x


def test_a_dead_call_of_a_users_function_with_a_rule_is_kept():
    import tangentlike

    def f(x):
        unused = _logged(x)  # noqa: F841
        return x * 2.0

    key = prim._key(_logged)
    try:
        registry.adjoint(_logged)(_identity_adjoint)
        tangentlike.clear_cache()
        df = tangentlike.grad(f)
        assert df(1.0) == 2.0
        assert "_logged(x)" in tangentlike.autodiff(f).source
    finally:
        prim.PRIMITIVES.pop(key, None)
        tangentlike.clear_cache()


def test_numpy_writers_say_which_argument_they_change():
    assert prim.primitive(np.copyto).writes == (0,) and not prim.primitive(np.copyto).pure
    assert prim.primitive(np.put_along_axis).writes == (0,)
    assert prim.primitive(np.save).writes == () and not prim.primitive(np.save).pure


def test_only_a_function_declared_to_return_new_values_is_taken_as_new():
    from tangentlike.core import syntax
    from tangentlike.frontend.points_to import _returns_new

    def mine(x):
        return x

    call = syntax.parse("f(x)").body[0].value
    assert _returns_new(np.sin, call) and _returns_new(math.sin, call)
    assert not _returns_new(np.reshape, call)  # a view, though it has rules
    assert prim.primitive(np.reshape).returns is prim.Returns.VIEW
    key = prim._key(mine)
    try:
        registry.pure(mine)
        assert not _returns_new(mine, call)  # pure, but it may return its argument
        prim.declare(mine, returns=prim.Returns.NEW)
        assert _returns_new(mine, call)
    finally:
        prim.PRIMITIVES.pop(key, None)


def test_shape_facts():
    """What a result's shape follows from (versions/static.py): the families state
    FROM_SHAPES, the value-shaped functions FROM_STATIC_ARGUMENTS, unknown ones FROM_VALUES."""
    assert prim.primitive(np.sin).shape is prim.Shape.FROM_SHAPES
    assert prim.primitive(np.linalg.solve).shape is prim.Shape.FROM_SHAPES
    assert prim.primitive(math.exp).shape is prim.Shape.FROM_SHAPES
    for function in (np.nonzero, np.repeat, np.unique, np.arange, np.split):
        assert prim.primitive(function).shape is prim.Shape.FROM_STATIC_ARGUMENTS, function
    assert prim.primitive(np.where).shape_below == (2, prim.Shape.FROM_STATIC_ARGUMENTS)
    assert prim.primitive(lambda x: x).shape is prim.Shape.FROM_VALUES
    assert prim.method_shape("sum") is prim.Shape.FROM_SHAPES
    assert prim.method_shape("nonzero") is prim.Shape.FROM_VALUES
    assert prim.method_shape("frobnicate") is prim.Shape.FROM_VALUES


def test_lowering_facts():
    """The facts versions/ lowers calls by: the method a NumPy function is, and what a
    helper is on Python numbers."""
    from tangentlike import runtime

    assert prim.primitive(np.sum).method == "sum"
    assert prim.primitive(np.amin).method == "min"
    assert prim.primitive(np.std).method is None
    assert prim.primitive(runtime.zeros_like).on_numbers is prim.Lowering.ZERO
    assert prim.primitive(runtime.add_grad).on_numbers is prim.Lowering.ADD
    assert prim.primitive(runtime.unbroadcast).on_numbers is prim.Lowering.FIRST_ON_SCALARS
    assert prim.primitive(runtime.seed).on_numbers is prim.Lowering.FIRST
    assert prim.primitive(np.sin).on_numbers is None


def test_shape_lowering_facts():
    """What a helper is for known shapes is its record's ``on_shapes``, and every lowering a
    record can name has a writer in versions/lowerings.py."""
    from tangentlike import runtime
    from tangentlike.versions.lowerings import _LOWERINGS

    assert set(_LOWERINGS) == set(prim.ShapeLowering)
    assert prim.primitive(runtime.unbroadcast).on_shapes is prim.ShapeLowering.SUM_TO
    assert prim.primitive(runtime.matmul_adjoint_b).on_shapes is \
        prim.ShapeLowering.MATMUL_ADJOINT_B
    assert prim.primitive(np.size).on_shapes is prim.ShapeLowering.SHAPE_FACT
    assert prim.primitive(runtime.dot_adjoint_a).on_shapes is None  # not lowered (yet)
    assert prim.primitive(np.sin).on_shapes is None


def test_a_callable_with_no_name_is_described_without_an_address():
    """Test ids and messages name a primitive the same way in every process: a callable
    object with no name of its own is found by its public name, or shown by its repr when
    that holds no address (functools.partial), else by its class."""
    import functools

    from tangentlike.rules.registry import describe

    class Nameless:
        def __call__(self, x):
            return x

    assert "functools.partial" in describe(functools.partial(np.multiply, 2.0))
    assert "0x" not in describe(Nameless())
    assert describe(Nameless()).endswith("Nameless>")
