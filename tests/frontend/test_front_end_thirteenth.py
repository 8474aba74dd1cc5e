"""The front end's shortcuts of the thirteenth round (issue 18 item 5) give what they
replace: ``annotate._RuleBindings`` binds a primitive's rule once per call shape, against
``annotate._rule_binding``, which binds it for each statement.
"""
from __future__ import annotations

import textwrap

import numpy as np
from support import functions_of_test_modules, trees_of_test_functions

import tangentlike
from tangentlike.frontend import annotate
from tangentlike.frontend.operations import Kind

_MODULES = ["golden_functions", "containers_functions", "control_flow_functions",
            "calls_functions", "forward_functions", "shape_functions", "method_functions"]


def test_bindings_by_shape_against_each_bound(monkeypatch) -> None:
    """Every operation whose rule binding ``activity`` asks for, while test functions are
    differentiated (both modes), gets from the shape's places what binding its own
    arguments gives: whether the rule takes them, and the inputs in the same order."""
    compared = []
    binding = annotate._RuleBindings.binding

    def checked(self: annotate._RuleBindings, op) -> tuple[bool, list[str]]:
        answer = binding(self, op)
        assert answer == annotate._rule_binding(op), op
        compared.append((op.kind, answer[0], bool(op.keywords)))
        return answer

    monkeypatch.setattr(annotate._RuleBindings, "binding", checked)
    for func in functions_of_test_modules(_MODULES):
        for transform in (tangentlike.grad, tangentlike.jvp):
            tangentlike.clear_cache()
            try:
                transform(func)
            except (tangentlike.TangentlikeError, TypeError, ValueError):
                continue
    kinds = {(kind, takes, keywords) for kind, takes, keywords in compared}
    assert len(compared) > 500
    assert {(Kind.PRIMITIVE, True, False), (Kind.PRIMITIVE, True, True),
            (Kind.PRIMITIVE, False, False)} <= kinds


def test_bindings_by_shape_on_hand_made_calls(tmp_path, monkeypatch) -> None:
    """Calls of one primitive with several shapes (keywords, a keyword the rule does not
    take, too many arguments) in one function: each shape bound on its own."""
    source = textwrap.dedent("""
        import numpy as np

        def f(x, y):
            a = np.sum(x)
            b = np.sum(x, axis=0)
            c = np.sum(x, 0, keepdims=True)
            d = np.clip(x, y, 2.0)
            e = np.clip(x, a_min=y, a_max=3.0)
            g = np.maximum(x, y)
            h = np.maximum(y, x)
            return a + np.sum(b) + np.sum(c) + np.sum(d) + np.sum(e) + np.sum(g * h)
        """)
    path = tmp_path / "thirteenth_shapes.py"
    path.write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    import thirteenth_shapes

    compared = []
    binding = annotate._RuleBindings.binding

    def checked(self: annotate._RuleBindings, op) -> tuple[bool, list[str]]:
        answer = binding(self, op)
        assert answer == annotate._rule_binding(op), op
        compared.append(answer)
        return answer

    monkeypatch.setattr(annotate._RuleBindings, "binding", checked)
    tangentlike.clear_cache()
    df = tangentlike.grad(thirteenth_shapes.f)
    x, y = np.arange(6.0).reshape(2, 3), np.full((2, 3), 1.5)
    assert np.shape(df(x, y)) == (2, 3)
    assert sum(takes for takes, _ in compared) >= 7


def test_may_refuse_covers_every_refusal() -> None:
    """``ufunc_keywords.may_refuse`` is false only for calls ``check_ufunc_keywords``
    passes, whatever they touch; and true for each it refuses."""
    import math

    import gast

    from tangentlike.errors import UnsupportedSyntaxError
    from tangentlike.frontend.ufunc_keywords import check_ufunc_keywords, may_refuse

    none_in = np.frompyfunc(lambda: 1.0, 0, 1)
    callees = {"np.sin": np.sin, "np.add": np.add, "np.sum": np.sum, "math.sin": math.sin,
               "np.dot": np.dot, "none_in": none_in, "print": print, "f": lambda *a, **k: 0}
    calls = ["{}(x)", "{}(x, y)", "{}(x, y, z)", "{}()", "{}(x, out=z)", "{}(x, out=None)",
             "{}(x, y, out=z)", "{}(x, dtype=float)", "{}(x, where=m)", "{}(x, axis=0)",
             "{}(x, casting='unsafe')"]
    refused = passed = 0
    for name, callee in callees.items():
        for text in calls:
            call = gast.parse(text.format(name)).body[0].value
            try:
                check_ufunc_keywords(call, callee, ["x"], None)
            except UnsupportedSyntaxError:
                assert may_refuse(call, callee), text.format(name)
                refused += 1
            else:
                passed += 1
            if not may_refuse(call, callee):
                check_ufunc_keywords(call, callee, ["x"], None)  # (passes: no refusal)
    assert refused >= 8 and passed >= 30


def test_read_of_an_operation_on_operands_without_a_walk() -> None:
    """``points_to._read`` of arithmetic on names and literals (taken without a walk)
    against the walk of its names, on every expression of the test functions, parsed and
    normalized, and on hand-made ones (a name twice, a parameter's context, a nested
    operation), with states that hold some of the names or all of them."""
    import gast

    from tangentlike.core import syntax
    from tangentlike.frontend import points_to

    def walked(node, state) -> frozenset:
        names = sorted(n.id for n in syntax.walk_names(node)
                       if isinstance(n.ctx, gast.Load) and n.id in state.points)
        return frozenset().union(*(state.points[n] for n in names))

    nodes = [syntax.parse("def h(a, b):\n    return (a + a, -b, a * 2.0, 1 + 2, (a + b) * b,"
                          " not a, a.T + b)").body[0]]
    nodes += trees_of_test_functions(120)
    param = gast.BinOp(left=gast.Name(id="a", ctx=gast.Param(), annotation=None,
                                      type_comment=None), op=gast.Add(), right=syntax.load("b"))
    fast = 0
    for node in nodes:
        expressions = [sub for sub in syntax.walk(node) if isinstance(sub, gast.expr)]
        every = sorted({n.id for n in syntax.walk_names(node)})
        states = [points_to.State({n: frozenset({("param", n)}) for n in every}),
                  points_to.State({n: frozenset({("made", k), ("old", k % 3)})
                                   for k, n in enumerate(every[::2])})]
        for sub in [*expressions, param]:
            for state in states:
                assert points_to._read(sub, state) == walked(sub, state), syntax.dump(sub)
            fast += isinstance(sub, (gast.BinOp, gast.UnaryOp))
    assert fast > 500


def test_function_facts_bound_and_methods() -> None:
    """``function_facts``' names bound are ``syntax.stored_names``' and its methods are
    those of the calls on a name, on every test function (the normalizer hands them to
    desugaring, ``in_place`` and ``ufunc_keywords`` in place of their own walks)."""
    import gast

    from tangentlike.core import syntax
    from tangentlike.frontend import parsing
    from tangentlike.frontend.function_walk import function_facts

    methods = set()
    for f in functions_of_test_modules():
        node = parsing.parse_function(f).node
        facts = function_facts(node)
        assert facts.bound == syntax.stored_names(node), f
        assert facts.methods == {
            sub.func.attr for sub in syntax.walk(node) if isinstance(sub, gast.Call)
            and isinstance(sub.func, gast.Attribute) and isinstance(sub.func.value, gast.Name)}
        methods |= facts.methods
    assert {"append", "copy"} <= methods


_DESUGARED = textwrap.dedent("""
    import numpy as np

    def sorts(x, ys):
        xs = [x, 2.0 * x]
        xs.sort()
        y = np.array(ys)
        y.sort()
        for k, (a, b) in enumerate(zip(xs, ys)):
            if a > 3.0:
                break
            y = y * b + k
        return np.sum(y) + xs[0]

    def returns_in_loops(x, n):
        for i in range(n):
            while x > 1.0:
                x = x / 2.0
                if x < 0.1:
                    return x
            if i > 2:
                continue
            x = np.add(x, 1.0, out=None, dtype=np.float64)
        return np.sin(x, where=True)

    def zip(x, ys):
        t = 0.0
        for a, b in reversed(list(enumerate(ys))):
            t = t + a * b * x
        for a in reversed(ys):
            if a > x:
                return t
        return t
    """)


def test_desugaring_in_place_gives_the_copy_s_result(tmp_path, monkeypatch) -> None:
    """``normalize`` desugars the parsed statements in place, with the names and lists it
    took before: every test function normalized so, and with desugaring's copy and the
    passes' own walks of the parsed function (which the copy left as parsed), gives the
    same function (or the same refusal)."""
    from tangentlike.core import syntax
    from tangentlike.core.naming import Namer
    from tangentlike.errors import TangentlikeError
    from tangentlike.frontend import desugar as desugar_module
    from tangentlike.frontend import in_place, parsing
    from tangentlike.frontend import normalize as normalize_module

    def normalized(f) -> str:
        parsed = parsing.parse_function(f)
        try:
            fn = normalize_module.normalize(parsed, Namer(syntax.all_names(parsed.node)))
        except TangentlikeError as error:
            return f"refused: {error}"
        return syntax.dump(fn)

    path = tmp_path / "thirteenth_desugared.py"
    path.write_text(_DESUGARED)
    monkeypatch.syspath_prepend(str(tmp_path))
    import thirteenth_desugared as hand_made

    functions = [hand_made.sorts, hand_made.returns_in_loops, hand_made.zip,
                 *functions_of_test_modules()]
    fast = [normalized(f) for f in functions]
    assert not any(text.startswith("refused") for text in fast[:3]), fast[:3]
    lower = normalize_module.lower_in_place_writes
    rewrite = normalize_module.rewrite_ufunc_keywords

    def lowered(body, normalizer):
        normalizer.lists = in_place.bound_lists(normalizer.parsed.node)  # (as parsed)
        return lower(body, normalizer)

    monkeypatch.setattr(normalize_module, "desugar",
                        lambda parsed, namer, bound: desugar_module.desugar(parsed, namer))
    monkeypatch.setattr(normalize_module, "lower_in_place_writes", lowered)
    monkeypatch.setattr(normalize_module, "rewrite_ufunc_keywords",
                        lambda body, parsed, name_for, names: rewrite(body, parsed, name_for))
    slow = [normalized(f) for f in functions]
    assert fast == slow
    assert sum(not text.startswith("refused") for text in fast) > 400
