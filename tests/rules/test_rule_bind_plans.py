"""``Rule.bind`` binds by a plan remembered per call shape: the same arguments as
``inspect.Signature.bind`` (the reference), the same ``TypeError`` message when they do not fit,
for every rule tangentlike declares and call shapes around each signature."""
from __future__ import annotations

import inspect
import itertools

import gast
import numpy as np
import pytest

from tangentlike.core import syntax
from tangentlike.errors import TemplateError
from tangentlike.rules.primitive import PRIMITIVES, load_deferred


def _rules():
    """Every rule declared (the deferred families loaded), parsed."""
    load_deferred()
    seen = {}
    for record in list(PRIMITIVES.values()):
        for rule in (record.adjoint, record.tangent):
            if rule is not None and id(rule) not in seen:
                try:
                    rule.parse()
                except TemplateError:
                    continue
                seen[id(rule)] = rule
    return list(seen.values())


def _reference(rule, args, keywords):
    """``inspect.Signature.bind`` with the template's spellings of keywords."""
    aliases = rule.parse().aliases
    named = {aliases.get(k, k): v for k, v in keywords.items()}
    try:
        return rule.signature.bind(*args, **named).arguments, None
    except TypeError as exc:
        return None, str(exc)


def _shapes(rule):
    """Call shapes around the signature: each count of positional arguments up to one
    more than it takes, with no keyword, each single keyword, a pair, an unknown one."""
    names = [p.name for p in rule.signature.parameters.values()
             if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    spelled = {v: k for k, v in rule.parse().aliases.items()}
    keywords = [spelled.get(n, n) for n in names]
    sets = [()] + [(k,) for k in keywords] + list(itertools.combinations(keywords, 2))[:4] + [
        ("not_a_parameter",)]
    for positional in range(len(names) + 3):
        for chosen in sets:
            yield positional, chosen


RULES = _rules()


def test_there_are_rules_with_starred_parameters():
    kinds = {p.kind for rule in RULES for p in rule.signature.parameters.values()}
    assert inspect.Parameter.VAR_POSITIONAL in kinds
    assert len(RULES) > 100


@pytest.mark.parametrize("start", range(0, 8))
def test_bind_equals_signature_bind(start):
    for rule in RULES[start::8]:
        for positional, chosen in _shapes(rule):
            args = [syntax.load(f"a{i}") for i in range(positional)]
            keywords = {k: syntax.load(f"k_{k}") for k in chosen}
            want, message = _reference(rule, args, keywords)
            for _ in range(2):  # the plan made, then the plan remembered
                if message is not None:
                    with pytest.raises(TypeError) as caught:
                        rule.bind(args, keywords)
                    assert str(caught.value) == message
                    continue
                got = rule.bind(args, keywords).arguments
                assert list(got) == list(want), (rule, positional, chosen)
                for name, value in want.items():
                    if isinstance(value, tuple):
                        assert all(a is b for a, b in zip(got[name], value, strict=True))
                    elif isinstance(value, dict):
                        assert list(got[name]) == list(value)
                        assert all(got[name][k] is v for k, v in value.items())
                    else:
                        assert got[name] is value


def test_bind_takes_new_values_each_call():
    """A plan holds where each value comes from, never a call's values."""
    from tangentlike.rules.registry import adjoint_rule
    rule = adjoint_rule(np.sum)
    first = rule.bind([syntax.load("x")], {"axis": syntax.const(0)}).arguments
    second = rule.bind([syntax.load("y")], {"axis": syntax.const(1)}).arguments
    assert first["a"].id == "x" and second["a"].id == "y"
    assert isinstance(second["axis"], gast.Constant) and second["axis"].value == 1
