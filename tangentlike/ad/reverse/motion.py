"""Split motion: the optimized joint function cut, at the empty comment that ends the forward
sweep, into a forward half returning the value and what the backward half reads, and a
backward half taking that record."""
from __future__ import annotations

import gast

from tangentlike.ad.common import runtime_call
from tangentlike.core import syntax
from tangentlike.rules.template import Namespace


def is_boundary(stmt: gast.stmt) -> bool:
    """The empty comment between the forward sweep and the backward sweep."""
    return syntax.is_comment(stmt) and stmt.value.value == ""


def split(joint: gast.FunctionDef, n_params: int, name: str, seed_name: str,
          namespace: Namespace) -> list[gast.FunctionDef]:
    """Cut a joint derivative (which returns grads..., value) into forward and backward;
    ``seed_name`` is the joint derivative's seed parameter, which the forward half lacks."""
    cut = next(i for i, s in enumerate(joint.body) if is_boundary(s))
    forward_body, backward_body = joint.body[:cut], joint.body[cut + 1:]
    ret = backward_body[-1]
    # (grads..., value), or the value alone when no argument is differentiated
    *grads, value = ret.value.elts if isinstance(ret.value, gast.Tuple) else [ret.value]
    ret.value = grads[0] if len(grads) == 1 else syntax.tuple_of(grads)
    defined = set().union(set(), *(syntax.stored_names(s) for s in forward_body))
    params = [a.id for a in joint.args.args[:n_params]]
    # Parameters re-bound in the forward sweep are saved too: the backward half needs the
    # values they had there, not the caller's arguments.
    saved_names = sorted(set().union(*(syntax.loaded_names(s) for s in backward_body))
                         & defined)
    saved = syntax.tuple_of([syntax.load(n) for n in saved_names])
    always = set().union(set(), *(syntax.stored_names(s) for s in forward_body
                                  if not isinstance(s, (gast.If, gast.For, gast.While))))
    unbound = [n for n in saved_names if n not in always and n not in params]
    forward_body = [syntax.assign(n, syntax.const(None)) for n in unbound] + forward_body
    forward = gast.FunctionDef(
        name=f"{name}_forward", args=syntax.clone(joint.args),
        body=forward_body + [gast.Return(value=syntax.tuple_of([value, saved]))],
        decorator_list=[], returns=None, type_comment=None, type_params=[])
    keyword_only = [a.id for a in forward.args.kwonlyargs]
    if joint.args.args[n_params:]:
        forward.args.args = forward.args.args[:n_params]
        forward.args.defaults = forward.args.defaults[:max(0, len(forward.args.defaults) - 1)]
    elif seed_name in keyword_only:  # the seed is keyword-only when the function has defaults
        i = keyword_only.index(seed_name)
        del forward.args.kwonlyargs[i], forward.args.kw_defaults[i]
    record = "saved"
    while record in syntax.all_names(joint):  # the backward half of a backward half
        record += "_"
    unpack = [syntax.assign(syntax.tuple_of([syntax.store(n) for n in saved_names],
                                            gast.Store()), syntax.load(record))]
    # A stack the backward half pops is a copy of the saved one: the half changes nothing
    # it was given, so it can run again on the same record (and be differentiated again)
    popped = sorted({n.func.value.id for s in backward_body for n in gast.walk(s)
                     if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute)
                     and n.func.attr == "pop" and isinstance(n.func.value, gast.Name)
                     and n.func.value.id in saved_names})
    unpack += [syntax.assign(n, runtime_call(namespace, "copy_of", [syntax.load(n)]))
               for n in popped]
    backward = gast.FunctionDef(
        name=f"{name}_backward", args=syntax.clone(joint.args),
        body=(unpack if saved_names else []) + backward_body,
        decorator_list=[], returns=None, type_comment=None, type_params=[])
    backward.args.args.insert(0, syntax.param(record))
    return [forward, backward]
