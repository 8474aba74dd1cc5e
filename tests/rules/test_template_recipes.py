"""``template.instantiate`` rebuilds a call of the same shape as an earlier one from that
call's recipe (``rules/recipe.py``) instead of copying the template again: the statements are
the ones the full instantiation makes, node for node (classes, fields in their order, values,
annotation records), and new (no node but an operator or a context shared with another
call's).  The reference, for every rule instantiated while generating the derivatives of the
test functions (reverse, forward and split mode, all parameters): the same call (a copy of
the namer) with no recipe made or used."""
from __future__ import annotations

import copy
import importlib
import inspect

import gast
import pytest
from support import derivative_sources, functions_of_test_modules, make_function, swept_modules

import tangentlike
from tangentlike.core import anno
from tangentlike.rules import recipe, template

MODULES = ["golden_functions", "control_flow_functions", "containers_functions",
           "forward_functions", "shape_functions"]
OPTIONS = [{}, {"mode": "forward"}, {"motion": "split"}, {"wrt": None}]


def _tree(value):
    """``value`` as plain data: each node's class and fields in their order, each annotation
    record's fields."""
    if isinstance(value, list):
        return [_tree(item) for item in value]
    if isinstance(value, gast.AST):
        return (value.__class__.__name__,
                [(key, _tree(item)) for key, item in value.__dict__.items()])
    if isinstance(value, anno.NodeInfo):
        return ("info", dict(value.__dict__))
    return value


def _nodes(statements: list[gast.stmt]) -> list[object]:
    """The nodes of ``statements`` that a copy makes anew (not the shared operators and
    contexts), and their annotation records."""
    nodes = [node for stmt in statements for node in gast.walk(stmt)
             if not (node.__class__ in recipe.LEAF_CLASSES and not node.__dict__)]
    return nodes + [node.__dict__[anno.KEY] for node in nodes if anno.has_info(node)]


def _without_recipes(monkeypatch) -> None:
    """No recipe made or used: each template's plans with an empty table, none added."""
    original = template._plans
    monkeypatch.setattr(template, "_plans", lambda node: original(node)._replace(recipes={}))
    monkeypatch.setattr(template, "_RECIPES", 0)


def _check_rebuilt_calls(monkeypatch, generate) -> None:
    """Every call ``generate()`` instantiates, compared with the full instantiation of the
    same call (a copy of the namer, no recipe); at least one is rebuilt from a recipe."""
    original = template.instantiate
    compared, returned = [], []
    rebuilt = []
    rebuild = template.rebuild

    def noted(*args):
        rebuilt.append(True)
        return rebuild(*args)

    def checked(rule, result, args, keywords, derivative, namer, namespace, where=None,
                reads=None):
        reference_namer = copy.deepcopy(namer)
        got = original(rule, result, args, keywords, derivative, namer, namespace, where,
                       reads)
        with monkeypatch.context() as patch:
            _without_recipes(patch)
            want = original(rule, result, args, keywords, derivative, reference_namer,
                            namespace, where)
        compared.append((rule.function.__name__, _tree(got), _tree(want)))
        returned.append(_nodes(got))
        return got

    for plans in template._PLANS.values():  # (recipes made in this test, then used)
        plans[1].recipes.clear()
    monkeypatch.setattr(template, "rebuild", noted)
    monkeypatch.setattr(template, "instantiate", checked)
    monkeypatch.setattr("tangentlike.ad.common.instantiate", checked)
    tangentlike.clear_cache()
    generate()
    tangentlike.clear_cache()
    assert compared, "no rule was instantiated"
    assert rebuilt, "no call was rebuilt from a recipe"
    for rule, got, want in compared:
        assert got == want, rule
    ids = [id(node) for nodes in returned for node in nodes]
    assert len(ids) == len(set(ids)), "a node or record is shared between two calls'"


@pytest.mark.parametrize("module", swept_modules(MODULES))
def test_rebuilt_as_instantiated(module, monkeypatch):
    def generate():
        functions = importlib.import_module(module)
        for name, f in sorted(vars(functions).items()):
            if not inspect.isfunction(f) or f.__module__ != functions.__name__:
                continue
            n = len([p for p in inspect.signature(f).parameters.values()
                     if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                              p.POSITIONAL_OR_KEYWORD)])
            if n == 0:
                continue
            for options in OPTIONS:
                if "wrt" in options:
                    options = {"wrt": tuple(range(n))}
                try:
                    tangentlike.autodiff(f, **options)
                except Exception:  # noqa: BLE001 (a refusal: what was instantiated is compared)
                    pass

    _check_rebuilt_calls(monkeypatch, generate)


def test_a_folded_constant_is_not_taken_for_a_parameter(monkeypatch):
    """``eval_jacobi(n - 1, ...)`` with ``n`` bound to a constant folds to a new constant,
    made after the copy of ``n`` is dropped (which once gave it that copy's id, and the
    recipe took the folded ``-1`` for the parameter ``n``): each degree keeps its own."""
    scipy_special = pytest.importorskip("scipy.special")

    def generate():
        for n in (0, 1, 4):
            f = _legendre_of_degree(n)
            df = tangentlike.grad(f, verbose=0)
            x = 0.3
            h = 1e-6
            want = (f(x + h) - f(x - h)) / (2 * h)
            assert abs(df(x) - want) < 1e-5 * max(1.0, abs(want)), df.source

    assert scipy_special is not None
    _check_rebuilt_calls(monkeypatch, generate)


def _legendre_of_degree(n: int):
    """``f(x) = eval_sh_legendre(n, x) * eval_sh_legendre(n, x + 1.0)``, with ``n`` written
    as a literal in its source (the second call rebuilt from the first one's recipe)."""
    return make_function(f"""
        import scipy.special

        def f(x):
            return (scipy.special.eval_sh_legendre({n}, x)
                    * scipy.special.eval_sh_legendre({n}, x + 1.0))
        """, name="f")


@pytest.mark.parametrize("module", swept_modules(MODULES))
def test_derivatives_without_recipes(module, monkeypatch):
    functions = functions_of_test_modules([module])
    options = ({}, {"mode": "forward"}, {"motion": "split"}, {"optimized": False})
    got = derivative_sources(functions, options)
    _without_recipes(monkeypatch)
    want = derivative_sources(functions, options)
    assert got == want


def test_a_constant_of_another_value_has_its_own_recipe():
    """``0.0`` and ``-0.0`` (equal, with one hash) fold differently: not one recipe."""
    def f(x):
        return x * 0.0 + x * -0.0 + x * 2 + x * 2.0

    source = tangentlike.grad(f, verbose=0).source
    _without = None
    with pytest.MonkeyPatch.context() as patch:
        _without_recipes(patch)
        tangentlike.clear_cache()
        _without = tangentlike.grad(f, verbose=0).source
    tangentlike.clear_cache()
    assert source == _without
