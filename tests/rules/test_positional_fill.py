"""``template._positional_fill``: a call with positional arguments only binds each template
parameter from a plan found once per signature and count, instead of ``bound_arguments``
and the loop over ``_template_parameters``.  The two must give the same parameters, in the
same order, for every adjoint and tangent rule of the registry and every count of
arguments (and the fill must decline, None, where the loop raises or spreads ``*args``)."""
from __future__ import annotations

import inspect

import gast

from tangentlike.errors import TemplateError
from tangentlike.rules import primitive, template
from tangentlike.rules.registry import ADJOINTS, TANGENTS


def _loop(rule, args: list[gast.expr]) -> list[tuple[str, object]] | None:
    """What the general path binds (names, and the argument's index or the default's
    value), None where it raises or spreads a ``*args`` parameter."""
    try:
        arguments = rule.bound_arguments(args, {})
    except TypeError:
        return None
    out = []
    for name, starred, default in template._template_parameters(rule.signature):
        if starred:
            return None
        if name in arguments:
            out.append((name, args.index(arguments[name])))
        elif default is not inspect.Parameter.empty:
            try:
                literal = template._literal(default, rule, name)
            except TemplateError:
                return None
            out.append((name, gast.dump(literal)))
        else:
            return None
    return out


def _filled(rule, args: list[gast.expr]) -> list[tuple[str, object]] | None:
    fill = template._positional_fill(rule, rule.signature, len(args))
    if fill is None:
        return None
    return [(name, index if index is not None
             else gast.dump(template._literal(default, rule, name)))
            for name, index, default in fill]


def test_fill_binds_as_the_loop():
    primitive.load_deferred()
    compared = declined = 0
    for table in (ADJOINTS, TANGENTS):
        for rule in table.values():
            try:
                signature = rule.signature
            except TemplateError:
                continue
            for count in range(len(signature.parameters) + 2):
                args = [gast.Name(id=f"a{i}", ctx=gast.Load(), annotation=None,
                                  type_comment=None) for i in range(count)]
                filled, looped = _filled(rule, args), _loop(rule, args)
                if filled is None:  # (declined: the general path runs, as before)
                    declined += 1
                    continue
                assert filled == looped, (rule, count)
                compared += 1
    assert compared > 500 and declined > 100
