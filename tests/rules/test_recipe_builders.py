"""A recipe rebuilt often is built by a compiled builder (``recipe.compile_builder``: the
recipe's steps written out as Python once), not by interpreting its steps
(``recipe.interpret``): the two must make the same statements, node for node.  Checked over
the whole rule registry (every adjoint and tangent template called once with every parameter
carrying a derivative, and once with each alone: the recipe of each such call, both ways),
and end to end against the full instantiation with every recipe compiled at once."""
from __future__ import annotations

import inspect

import gast
import pytest

import tangentlike
from tangentlike.core import anno
from tangentlike.core.naming import Namer
from tangentlike.rules import primitive, recipe, template
from tangentlike.rules.registry import ADJOINTS, TANGENTS


def _tree(statements: list[gast.stmt]) -> list[object]:
    """``statements`` as plain data: ``gast.dump`` with the positions, and each node's field
    names in their order with its annotation record's fields."""
    nodes = [node for stmt in statements for node in gast.walk(stmt)]
    return [gast.dump(stmt, include_attributes=True) for stmt in statements] + [
        (node.__class__.__name__, list(node.__dict__),
         dict(anno.info(node).__dict__) if anno.has_info(node) else None) for node in nodes]


def _fresh(statements: list[gast.stmt]) -> set[int]:
    """The ids of the nodes and records a rebuild makes anew (all but the shared contexts
    and operators)."""
    nodes = [node for stmt in statements for node in gast.walk(stmt)
             if not (node.__class__ in recipe.LEAF_CLASSES and not node.__dict__)]
    return {id(node) for node in nodes} | {id(node.__dict__[anno.KEY]) for node in nodes
                                            if anno.has_info(node)}


def _positional(rule) -> list[str]:
    """The parameters of the rule's primitive that a call must pass, in order (None: one
    that is keyword-only or ``*args``)."""
    out = []
    for param in rule.signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.KEYWORD_ONLY, param.VAR_KEYWORD):
            if param.kind is param.KEYWORD_ONLY and param.default is param.empty:
                return None
            continue
        if param.default is param.empty:
            out.append(param.name)
    return out


def _call(rule, active: set[str] | None, tag: str) -> None:
    """``rule``'s template for ``r = f(a, b, ...)`` (names ending in ``tag``), the arguments
    in ``active`` (all when None) carrying a derivative."""
    names = _positional(rule)
    args = [gast.Name(id=f"{name}_{tag}", ctx=gast.Load(), annotation=None, type_comment=None)
            for name in names]

    def derivative(name: str) -> str | None:
        base = name.removesuffix(f"_{tag}")
        return f"b{name}" if active is None or base in active else None

    namer = Namer(used=[a.id for a in args] + [f"r_{tag}", f"br_{tag}"])
    namespace = template.Namespace({}, namer)
    template.instantiate(rule, gast.Name(id=f"r_{tag}", ctx=gast.Load(), annotation=None,
                                         type_comment=None),
                         args, {}, derivative, namer, namespace)


def test_builders_build_what_the_steps_build(monkeypatch):
    primitive.load_deferred()
    compared: list[str] = []
    differ: list[str] = []  # (noted, not raised: a refused call's exception is caught below)

    def checked(made, params, derivatives, renames, reads=None):
        interpreted = recipe.interpret(made, params, derivatives, renames)
        source, builder = recipe.compile_builder(made)
        built = builder(params, derivatives, renames)
        if (_tree(built) != _tree(interpreted) or _fresh(built) & _fresh(interpreted)
                or _fresh(built) & _fresh(builder(params, derivatives, renames))):
            differ.append(source)
        compared.append(source)
        return interpreted

    monkeypatch.setattr(template, "rebuild", checked)
    rules = {id(rule): rule for table in (ADJOINTS, TANGENTS) for rule in table.values()}
    called = 0
    for rule in rules.values():
        names = _positional(rule)
        if names is None or any(p.kind is p.VAR_POSITIONAL
                                for p in rule.parse().signature.parameters.values()):
            continue  # (a *args parameter is spread out: never a recipe)
        for active in [None, *({name} for name in names)]:
            try:
                _call(rule, active, "one")  # the recipe (or a rebuild, if made before)
                _call(rule, active, "two")  # rebuilt from it
            except Exception:  # noqa: BLE001  (a refusal of this call: nothing to compare)
                continue
            called += 1
    assert not differ, differ[0]
    assert called > 500, called
    assert len(compared) > 500, len(compared)


def test_compiled_builders_rebuild_as_instantiated(monkeypatch):
    """Every recipe compiled at its first rebuild: the calls of a test module's derivatives
    are still the ones the full instantiation makes (``test_template_recipes``)."""
    from test_template_recipes import _check_rebuilt_calls

    monkeypatch.setattr(recipe, "COMPILE_AFTER", 1)
    compiled = []
    compile_builder = recipe.compile_builder

    def noted(made):
        compiled.append(made)
        return compile_builder(made)

    monkeypatch.setattr(recipe, "compile_builder", noted)

    def generate():
        functions = pytest.importorskip("golden_functions")
        for name, f in sorted(vars(functions).items()):
            if inspect.isfunction(f) and f.__module__ == functions.__name__ \
                    and inspect.signature(f).parameters:
                for options in ({}, {"mode": "forward"}, {"motion": "split"}):
                    try:
                        tangentlike.autodiff(f, **options)
                    except Exception:  # noqa: BLE001 (a refusal)
                        pass

    _check_rebuilt_calls(monkeypatch, generate)
    assert compiled, "no builder was compiled"
