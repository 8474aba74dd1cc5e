"""JAX's ``vjp`` and ``linearize``: one forward pass now, whose saved values a returned
function reuses for any number of backward (``vjp``) or forward (``linearize``) products,
built on :func:`tangentlike.api.autodiff`'s split motion."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tangentlike import runtime
from tangentlike.api import INPUT_DERIVATIVE, autodiff
from tangentlike.arguments import article, check_inputs, check_tangent, pair
from tangentlike.core.guards import unwrap
from tangentlike.draws import Draws
from tangentlike.errors import InputError
from tangentlike.frontend import library, lifting
from tangentlike.frontend.parsing import parameters_of
from tangentlike.runtime import pytrees

_TANGENT_VJP = ("tangentlike.vjp follows JAX: value, vjp_fn = vjp(f, *primals). Tangent's "
                "tangent.vjp(f, wrt=...) is tangentlike.autodiff(f, wrt=..., mode='reverse'), "
                "called as df(*args, cotangent)")


def held_constant(x: Any) -> bool:
    """An argument JAX-style functions do not differentiate, as JAX does not differentiate
    integer inputs: integers (Python ints, integer arrays), booleans, strings, None, other
    objects.  Floats, floating point (and complex, refused later) arrays and scalars, and
    tuples, lists, dicts, dataclasses, named tuples and registered pytrees are
    differentiated."""
    if isinstance(x, (bool, np.bool_, int, np.integer)):
        return True
    if isinstance(x, (float, complex, tuple, list, dict)) or pytrees.is_node(x):
        return False
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.kind not in "fc"
    return True


def _refuse_options(func: Callable, options: dict[str, Any], where: str) -> None:
    """``vjp`` and ``linearize`` take JAX's arguments only: no ``wrt`` (every float primal is
    differentiated); one naming a value a closure captured is refused by name."""
    if not options:
        return
    name = getattr(func, "__name__", "the function")
    asked = options.get("wrt", options.get("argnums"))
    captured = lifting.captured_wrt(func, asked) if asked is not None else ()
    if captured:
        raise InputError(
            f"{where}({name}) takes no wrt: it differentiates with respect to every float "
            f"primal, and the values the closure {name} captured ({', '.join(captured)}) "
            "are constants", hint=f"use tangentlike.jacobian({name}, wrt={captured[0]!r}) "
            f"(or jvp, grad, hvp, hessian with wrt=), or pass {captured[0]} to {name} as an "
            "argument")
    raise InputError(f"{where} takes no {', '.join(map(repr, options))}: its signature is "
                     f"JAX's, {where}(f, *primals, has_aux=False)",
                     hint=_TANGENT_VJP if where == "vjp" else
                     "pass every argument of f after f: linearize(f, x, y)")


def _primals_of(func: Callable, primals: tuple, where: str) -> tuple[tuple, tuple[int, ...],
                                                                     str]:
    """The checked primals of ``vjp``/``linearize``, the indices of those differentiated
    (all but those :func:`held_constant`), and the function's name."""
    name = getattr(func, "__name__", "the function")
    if not primals:
        raise InputError(f"{where}({name}) got no primals: {where} takes the point as well, "
                         f"{where}(f, *primals)", hint=_TANGENT_VJP if where == "vjp" else
                         "pass every argument of f after f: linearize(f, x, y)")
    plain = unwrap(func)
    params = parameters_of(plain) if hasattr(plain, "__code__") else []
    if params and len(primals) > len(params):
        raise InputError(f"{where}({name}) got {len(primals)} primals; {name} takes "
                         f"{len(params)} ({', '.join(params)})",
                         hint="pass one primal per positional argument")
    wrt = tuple(i for i, p in enumerate(primals) if not held_constant(p))
    if not wrt:
        raise InputError(f"{where}({name}): no primal is a float or a floating point array, "
                         "so there is nothing to differentiate (integers, booleans and "
                         "strings are held constant, as JAX does)",
                         hint="pass floats, e.g. 2.0 rather than 2, or x.astype(float)")
    primals, _ = check_inputs(primals, {}, wrt, params, name)
    return primals, wrt, name


def _fresh(saved: Any, keep: set[int], memo: dict[int, Any]) -> Any:
    """A copy of what a forward sweep saved that its backward sweep may consume: stacks and
    other lists (popped), and writeable arrays (restored in place), each copied once;
    read-only arrays, the primals (``keep``: ids) and everything else are shared."""
    kind = type(saved)
    if kind not in (list, tuple, dict) and not (kind is np.ndarray and saved.flags.writeable
                                                 and id(saved) not in keep):
        return saved
    done = memo.get(id(saved))
    if done is not None:
        return done
    if kind is np.ndarray:
        copy = saved.copy()
    elif kind is dict:
        copy = {k: _fresh(v, keep, memo) for k, v in saved.items()}
    else:
        copy = kind(_fresh(v, keep, memo) for v in saved)
    memo[id(saved)] = copy
    return copy


def _mismatch(v: Any, y: Any) -> str | None:
    """Where ``v`` is not structured and shaped like ``y``, in words; None when it is."""
    if isinstance(y, (tuple, list, dict)):
        kind = type(y).__name__
        if isinstance(y, dict):
            if isinstance(v, dict) and v.keys() == y.keys():
                return next((f"[{k!r}]: {m}" for k in y
                             if (m := _mismatch(v[k], y[k])) is not None), None)
            return f"the output is a dict with keys {sorted(map(str, y))}, the cotangent " \
                   + (f"has keys {sorted(map(str, v))}" if isinstance(v, dict)
                      else article(type(v).__name__))
        if isinstance(v, (tuple, list)) and len(v) == len(y):
            return next((f"[{i}]: {m}" for i, (a, b) in enumerate(zip(v, y))
                         if (m := _mismatch(a, b)) is not None), None)
        got = (f"a {type(v).__name__} of {len(v)}" if isinstance(v, (tuple, list))
               else article(type(v).__name__))
        return f"the output is a {kind} of {len(y)}, the cotangent {got}"
    if np.shape(v) != np.shape(y):
        return f"the output has shape {np.shape(y)}, the cotangent {np.shape(v)}"
    return None


def vjp(func: Callable, *primals: Any, has_aux: bool = False, snapshots: int | None = None,
        **tangent_options: Any) -> tuple[Any, ...]:
    """JAX's ``vjp``: ``value, vjp_fn = vjp(f, *primals)``, and ``vjp_fn(cotangent)`` is the
    tuple of cotangents ``cotangent^T J``, one per primal.  Primals that are not floating
    point (integers, booleans, strings, ...) are held constant, as JAX holds integer inputs,
    and get None (JAX's float0 zeros).

    The forward sweep (split motion) runs once, here; each ``vjp_fn`` call runs the backward
    sweep on a copy of what it saved, so ``vjp_fn`` may be called again with other
    cotangents.  With ``has_aux=True``, ``f`` returns ``(value, aux)`` and ``vjp`` returns
    ``(value, vjp_fn, aux)``; the cotangent is for ``value`` only.  (Tangent's ``vjp(f,
    wrt=...)`` is ``autodiff(f, wrt=..., mode="reverse")``.)  ``snapshots=k``: loops under a
    memory budget (see :func:`tangentlike.autodiff`).
    """
    _refuse_options(func, tangent_options, "vjp")
    func = lifting.bound_as_function(func)  # model.loss: the object in a cell
    primals, wrt, name = _primals_of(func, primals, "vjp")
    df = autodiff(func, wrt=wrt, motion="split", input_derivative=INPUT_DERIVATIVE.Required,
                  snapshots=snapshots)
    current = df.current()  # forward and backward halves of one generation
    with library.located():
        out, saved = current.forward(*primals)
    aux = None
    if has_aux:
        out, aux = pair(out, "vjp", name)
    keep = {id(p) for p in primals}

    def vjp_fn(cotangent: Any) -> tuple:
        """The cotangents of the primals for ``cotangent`` (shaped like the value)."""
        where = f"the cotangent passed to vjp({name})'s vjp_fn"
        problem = _mismatch(cotangent, out)
        if problem is not None:
            raise InputError(f"{where} is not shaped like {name}'s value: {problem}",
                             hint="pass a cotangent of the value's structure and shape")
        cotangent = check_tangent(cotangent, out, where)
        seed = (cotangent, runtime.zeros_like(aux)) if has_aux else cotangent
        with library.located():
            grads = current.backward(_fresh(saved, keep, {}), *primals,
                                     **{current.seed: seed})
        by_index = dict(zip(wrt, grads if len(wrt) > 1 else (grads,)))
        return tuple(pytrees.restructure(by_index[i], p) if i in by_index else None
                     for i, p in enumerate(primals))

    vjp_fn.source = current.source
    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def linearize(func: Callable, *primals: Any, has_aux: bool = False,
              **options: Any) -> tuple[Any, ...]:
    """JAX's ``linearize``: ``value, jvp_fn = linearize(f, *primals)``, and
    ``jvp_fn(*tangents)`` is the tangent of the output, ``J @ tangents``, with one tangent per
    primal (that of a primal held constant, an integer or a string, is ignored: pass None).
    Built on forward mode: each ``jvp_fn`` call runs the forward-mode derivative at the
    primals (about the cost of two calls of ``f``), with the random numbers the call of
    ``linearize`` drew (the generators are put back as they were, see ``draws.py``).  With
    ``has_aux=True``, ``f`` returns ``(value, aux)`` and ``linearize`` returns ``(value,
    jvp_fn, aux)``; ``jvp_fn`` gives the tangent of ``value`` only."""
    _refuse_options(func, options, "linearize")
    func = lifting.bound_as_function(func)  # model.loss: the object in a cell
    primals, wrt, name = _primals_of(func, primals, "linearize")
    df = autodiff(func, wrt=wrt, mode="forward", preserve_result=True)
    seeds = df.seeds
    # each jvp_fn call replays this call's draws
    draws = Draws(f"linearize({name})", func, primals)
    _, value = df(*primals, **{s: runtime.zeros_like(primals[i]) for s, i in zip(seeds, wrt)})
    draws.again(restore=False)
    aux = None
    if has_aux:
        value, aux = pair(value, "linearize", name)

    def jvp_fn(*tangents: Any) -> Any:
        """The tangent of the output for one tangent per primal."""
        if len(tangents) != len(primals):
            raise InputError(f"linearize({name})'s jvp_fn takes {len(primals)} tangent(s), "
                             f"one per primal; got {len(tangents)}",
                             hint="pass one tangent shaped like each primal, in order")
        tangent, _ = draws.replay(
            lambda: df(*primals, **{s: tangents[i] for s, i in zip(seeds, wrt)}))
        return tangent[0] if has_aux else tangent

    jvp_fn.source = df.source
    return (value, jvp_fn, aux) if has_aux else (value, jvp_fn)
