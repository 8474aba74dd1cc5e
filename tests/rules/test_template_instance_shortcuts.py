"""``template.instantiate``'s shortcuts give the statements the full work gives: a copy
holding no constant is not constant-folded, the calls whose default arguments are dropped
are those met while copying, and a simple statement is marked generated without a walk.
The reference, for every rule instantiated while generating the derivatives of the test
functions (reverse and forward mode): the same call (a copy of the namer), with every
statement folded, then the calls of every statement walked for default arguments and every
statement walked for the mark, as before the shortcuts."""
from __future__ import annotations

import copy
import importlib
import inspect

import gast
import pytest

import tangentlike
from tangentlike.core import anno, syntax
from tangentlike.rules import template

OPTIONS = [{}, {"mode": "forward"}, {"wrt": None}]


def _facts(statements: list[gast.stmt]) -> tuple[list[str], list[bool]]:
    """The statements' text (``syntax.dump``), and which statements are marked generated."""
    marks = [anno.info(sub).generated for stmt in statements for sub in syntax.walk(stmt)
             if isinstance(sub, gast.stmt)]
    return [syntax.dump(stmt) for stmt in statements], marks


@pytest.mark.parametrize("module", ["golden_functions", "control_flow_functions",
                                    "containers_functions", "forward_functions",
                                    "shape_functions"])
def test_instantiate_as_without_shortcuts(module, monkeypatch):
    original = template.instantiate
    resolve = template.resolve_static_branches
    compared = []

    def checked(rule, result, args, keywords, derivative, namer, namespace, where=None,
                reads=None):
        reference_namer = copy.deepcopy(namer)
        got = original(rule, result, args, keywords, derivative, namer, namespace, where,
                       reads)
        monkeypatch.setattr(template, "resolve_static_branches",
                            lambda statements, constant_free=frozenset(): resolve(statements))
        try:
            want = original(rule, result, args, keywords, derivative, reference_namer,
                            namespace, where)
        finally:
            monkeypatch.setattr(template, "resolve_static_branches", resolve)
        for stmt in want:
            calls = [sub for sub in syntax.walk(stmt) if sub.__class__ is gast.Call]
            template._drop_default_arguments(calls, namespace)
            for sub in syntax.walk(stmt):
                if isinstance(sub, gast.stmt):
                    anno.info(sub).generated = True
        compared.append((rule.function.__name__, _facts(got), _facts(want)))
        return got

    monkeypatch.setattr(template, "instantiate", checked)
    monkeypatch.setattr("tangentlike.ad.common.instantiate", checked)
    tangentlike.clear_cache()
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
            except Exception:  # a refusal: what was instantiated before it is compared
                pass
    tangentlike.clear_cache()
    assert compared, "no rule was instantiated"
    for rule, got, want in compared:
        assert got == want, rule


@pytest.mark.parametrize("module", ["golden_functions", "containers_functions"])
def test_copy_plans_match_the_templates(module):
    """Each template node's copy plan, made the first time its rule was instantiated, is the
    plan its fields give after the derivatives of a test module are generated: nothing
    changed a template's node behind its plan (it would copy stale fields)."""
    functions = importlib.import_module(module)
    tangentlike.clear_cache()
    for name, f in sorted(vars(functions).items()):
        if inspect.isfunction(f) and f.__module__ == functions.__name__:
            for options in OPTIONS[:2]:
                try:
                    tangentlike.autodiff(f, **options)
                except Exception:  # a refusal, or no positional parameter
                    pass
    tangentlike.clear_cache()
    assert template._PLANS, "no rule was instantiated"
    for node, plans in template._PLANS.values():
        for stmt in node.body:
            for sub in syntax.walk(stmt):
                assert plans.copies[id(sub)] == template._plan(sub), syntax.dump(stmt)
