"""The JAX-style functions of forward-mode products and full derivatives: ``jvp``, ``hvp``,
``jacobian``, ``hessian``, ``jacfwd`` and ``jacrev``, built on
:func:`tangentlike.api.autodiff` and :func:`tangentlike.api.grad` (``vjp`` and
``linearize``, which hold on to a forward pass's values, are in ``vjp.py``)."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from tangentlike.api import INPUT_DERIVATIVE, CapturedDerivative, autodiff, grad, wrt_indices
from tangentlike.arguments import (
    alias,
    article,
    check_inputs,
    check_tangent,
    gradients_like,
    refuse_complex,
)
from tangentlike.core.guards import unwrap
from tangentlike.draws import Draws
from tangentlike.errors import InputError, TangentlikeError
from tangentlike.frontend import functions, lifting
from tangentlike.frontend.parsing import parameters_of


def _several(wrt: Any) -> bool:
    """``wrt`` names a tuple or list of arguments (the results are then tuples, as JAX's)."""
    return isinstance(wrt, (tuple, list))


def _sequence_of(v: Any, count: int, what: str, name: str) -> tuple:
    """``v`` as a tuple of ``count`` parts (one per ``wrt`` argument), else ``InputError``."""
    if isinstance(v, (tuple, list)) and len(v) == count:
        return tuple(v)
    got = (f"a {type(v).__name__} of {len(v)}" if isinstance(v, (tuple, list))
           else f"a value of type {type(v).__name__}")
    raise InputError(f"{what} of {name} must be a tuple of {count} "
                     f"value{'s' if count != 1 else ''}, one per wrt argument; got {got}",
                     hint="pass a tuple (v0, v1, ...) shaped like the wrt arguments, in "
                     "their order")


def _of_captured(func: Callable, wrt: Any, make: Callable[[Callable], Callable],
                 ) -> Callable | None:
    """For a closure asked for derivatives with respect to values it captured
    (``hessian(loss, wrt="data")``): ``make`` applied to the closure with those values as
    keyword-only parameters, called with its cells' values at each call; else None."""
    names = lifting.captured_wrt(func, wrt)
    if not names:
        return None
    return CapturedDerivative(make(lifting.lift_closure(func, names)), func, names)


def jvp(func: Callable, wrt: Any = None, optimized: bool = True, *,
        argnums: Any = None) -> Callable:
    """Like JAX's ``jax.jvp``: ``jvp(f)(primals, tangents) -> (value, tangent)``, by forward
    mode.  ``primals`` are all of ``f``'s positional arguments; ``tangents`` a tuple with one
    tangent per ``wrt`` argument (by default, every positional argument).  ``argnums`` is
    JAX's name for ``wrt``."""
    wrt = alias(wrt, argnums, "jvp", None)
    cache: dict[int, Callable] = {}
    name = getattr(func, "__name__", "the function")

    def run(primals: tuple, tangents: tuple) -> tuple[Any, Any]:
        positions = tuple(range(len(primals))) if wrt is None else (
            tuple(wrt) if _several(wrt) else (wrt,))
        tangents = _sequence_of(tangents, len(positions), "the tangents", f"jvp({name})")
        df = cache.get(len(primals))
        if df is None:
            df = cache[len(primals)] = autodiff(func, wrt=positions, optimized=optimized,
                                                mode="forward", preserve_result=True)
        tangent, value = df(*primals, **dict(zip(df.seeds, tangents)))
        return value, tangent

    return run


def hvp(func: Callable, wrt: Any = None, optimized: bool = True, *,
        argnums: Any = None) -> Callable:
    """The Hessian-vector product of a scalar function, by forward mode over reverse mode.

    With ``wrt`` one argument (an index or a name), ``hvp(f)(*args, v)`` is ``H @ v``, ``H``
    the Hessian with respect to that argument and ``v`` shaped like it.  With a tuple or list
    of arguments, ``v`` is a tuple ``(v_0, v_1, ...)`` shaped like them and the product is
    the tuple whose part ``i`` is ``sum_j H_ij @ v_j``, ``H_ij`` the block of second
    derivatives with respect to arguments ``i`` and ``j``.  ``wrt`` defaults to the first
    argument; ``argnums`` is JAX's name for it.
    """
    wrt = alias(wrt, argnums, "hvp", 0)
    captured = _of_captured(func, wrt, lambda f: hvp(f, wrt=wrt, optimized=optimized))
    if captured is not None:
        return captured
    func = lifting.bound_as_function(func)  # model.loss: the object in a cell
    several = _several(wrt)
    indices = wrt_indices(func, wrt)
    params, name = parameters_of(unwrap(func)), getattr(func, "__name__", "the function")
    gradient = grad(func, wrt=wrt, optimized=optimized)
    # by name: the gradient has its seed init_grad before any keyword-only parameter
    tangent = autodiff(gradient, wrt=tuple(params[i] for i in indices), optimized=optimized,
                       mode="forward")
    seeds = tangent.seeds

    @functools.wraps(tangent)
    def product(*args: Any, **kwargs: Any) -> Any:
        primals, v = args[:-1], args[-1]
        vs = _sequence_of(v, len(indices), "the vector v", f"hvp({name})") if several else (v,)
        for index, seed, vi in zip(indices, seeds, vs):
            x = primals[index] if index < len(primals) else kwargs.get(params[index])
            refuse_complex(x, "Hessian-vector products",
                           f"argument {index} ({params[index]}) of hvp({name})")
            if not (type(x) is np.ndarray and type(vi) is np.ndarray and x.dtype == vi.dtype
                    and x.dtype.kind == "f"):  # else checked (arrays of floats pass unchanged)
                primals, kwargs = check_inputs(primals, kwargs, (index,), params, name)
                x = primals[index] if index < len(primals) else kwargs.get(params[index])
                vi = check_tangent(vi, x, f"the vector v of hvp({name})")
            kwargs[seed] = vi
        out = gradients_like(tangent(*primals, **kwargs), primals, kwargs, indices, params)
        return (out,) if several and len(indices) == 1 else out

    product.source = tangent.source
    product.specializer, product.specialized = tangent.specializer, tangent.specialized
    product.versions = tangent.versions
    return product


def _basis(x: Any):
    """Unit vectors shaped like ``x``, one per element, in ``x``'s floating point type."""
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.float64
    for i in range(x.size):
        e = np.zeros(x.size, dtype=dtype)
        e[i] = 1
        yield e.reshape(x.shape) if x.shape else float(e[0])


def _zero(x: Any) -> Any:
    """The zero vector of :func:`_basis` for ``x``."""
    x = np.asarray(x)
    return np.zeros(x.shape, x.dtype if x.dtype.kind == "f" else np.float64) if x.shape else 0.0


class _Arguments:
    """The checked arguments of a ``jacobian`` or ``hessian`` call, and the ``wrt`` indices;
    each differentiated argument must be passed (positionally, or by keyword for a keyword-only
    parameter: a closure's captured value) and make a regular array of floats."""

    def __init__(self, func: Callable, wrt: Any, args: tuple, kwargs: dict, what: str):
        self.indices = list(wrt_indices(func, wrt))
        self.params = parameters_of(unwrap(func))
        name = getattr(func, "__name__", "the function")
        for i in self.indices:
            if i >= len(args) and self.params[i] not in kwargs:
                raise InputError(f"{what}({name}) differentiates with respect to argument {i} "
                                 f"({self.params[i]}), which the call does not pass",
                                 hint="pass every wrt argument positionally")
        self.args, self.kwargs = check_inputs(args, kwargs, tuple(self.indices), self.params,
                                              name)
        for i in self.indices:
            refuse_complex(self[i], "Jacobians and Hessians",
                           f"argument {i} ({self.params[i]}) of {what}({name})")
            try:
                np.asarray(self[i], dtype=np.float64)
            except (TypeError, ValueError):
                raise InputError(
                    f"{what}({name}) lays out its blocks by the shape of argument {i} "
                    f"({self.params[i]}), a {type(self[i]).__name__} that makes no regular "
                    "array", hint="pass the parts as separate arguments and list them in "
                    "wrt, or use grad, jvp or hvp, which take any container of floats",
                ) from None

    def __getitem__(self, i: int) -> Any:
        """Argument ``i`` (as ``wrt`` counts them)."""
        return self.args[i] if i < len(self.args) else self.kwargs[self.params[i]]


def _block(parts: list, shape: tuple, axis: int = -1) -> np.ndarray:
    """The parts (derivatives along each basis vector, in order) as one array, stacked along
    ``axis`` (last: columns of forward mode; first: rows of reverse mode), shaped ``shape``."""
    if not parts:
        return np.zeros(shape)
    return np.stack([np.asarray(p) for p in parts], axis=axis).reshape(shape)


def jacobian(func: Callable, wrt: Any = None, mode: str | None = None,
             optimized: bool = True, *, argnums: Any = None) -> Callable:
    """The Jacobian of ``func``, as ``jax.jacobian``: with ``wrt`` one argument (an index or a
    name), an array shaped ``output.shape + argument.shape``; with a tuple or list of
    arguments, a tuple of such blocks, one per argument, in the order of ``wrt``.  ``mode`` is
    ``'forward'`` (one pass per input element) or ``'reverse'`` (one pass per output
    element, for every argument at once); by default the cheaper one for the sizes at hand.
    ``wrt`` defaults to the first argument; ``argnums`` is JAX's name for it.  A function
    returning a tuple of arrays gets a tuple with the Jacobian of each, as in JAX."""
    wrt = alias(wrt, argnums, "jacobian", 0)
    if mode not in (None, "forward", "reverse"):
        raise TangentlikeError(f"mode must be 'forward', 'reverse' or None, not {mode!r}")
    captured = _of_captured(func, wrt, lambda f: jacobian(f, wrt=wrt, mode=mode,
                                                         optimized=optimized))
    if captured is not None:
        return captured
    func = lifting.bound_as_function(func)  # model.loss: the object in a cell

    name = getattr(func, "__name__", "the function")

    def jac(*args: Any, **kwargs: Any) -> Any:
        given = _Arguments(func, wrt, args, kwargs, "jacobian")
        args, kwargs, indices = given.args, given.kwargs, given.indices
        # every pass draws what this call of f draws
        draws = Draws(f"jacobian({name})", func, args, kwargs)
        y = func(*args, **kwargs)
        several_out = type(y) is tuple  # a tuple of outputs: a tuple of Jacobians, as JAX's
        parts = list(y) if several_out else [y]
        for k, part in enumerate(parts):
            if isinstance(part, (tuple, list, dict)) or (
                    isinstance(y, (list, dict)) and not several_out):
                what = f"part {k} of its output" if several_out else "its output"
                raise InputError(f"jacobian({name}): {what} is {article(type(part).__name__)}; "
                                 "jacobian takes outputs that are arrays or floats, or a "
                                 "tuple of them", hint="return a tuple of arrays, or stack "
                                 "the parts into one array (np.stack, np.concatenate)")
        shapes = [np.shape(part) for part in parts]
        size_in = sum(int(np.size(given[i])) for i in indices)
        size_out = sum(int(np.size(part)) for part in parts)
        chosen = mode or ("forward" if size_in <= size_out else "reverse")
        blocks: list[list[Any]] = [[None] * len(indices) for _ in parts]
        if chosen == "forward":
            for j, i in enumerate(indices):
                df = autodiff(func, wrt=i, optimized=optimized, mode="forward")
                columns = [(draws.again(), df(*args, **kwargs, **{df.seeds[0]: e}))[1]
                           for e in _basis(given[i])]
                for k, shape in enumerate(shapes):
                    blocks[k][j] = _block([c[k] if several_out else c for c in columns],
                                          shape + np.shape(given[i]))
        else:
            df = autodiff(func, wrt=tuple(indices), optimized=optimized, mode="reverse",
                          input_derivative=INPUT_DERIVATIVE.DefaultOne)
            zeros = [_zero(part) for part in parts]
            for k, part in enumerate(parts):
                seeds = ([(*zeros[:k], u, *zeros[k + 1:]) for u in _basis(part)]
                         if several_out else list(_basis(part)))
                rows = [(draws.again(), df(*args, **kwargs, **{df.seed: u}))[1] for u in seeds]
                if len(indices) == 1:
                    rows = [(row,) for row in rows]
                for j, i in enumerate(indices):
                    blocks[k][j] = _block([row[j] for row in rows],
                                          shapes[k] + np.shape(given[i]), 0)
        draws.again(restore=False)  # the last pass drew as f: the generators stay
        per_output = [tuple(row) if _several(wrt) else row[0] for row in blocks]
        return tuple(per_output) if several_out else per_output[0]

    return jac


def hessian(func: Callable, wrt: Any = None, optimized: bool = True, *,
            argnums: Any = None) -> Callable:
    """The Hessian of a scalar function, as ``jax.hessian``: with ``wrt`` one argument (an
    index or a name), an array shaped ``argument.shape + argument.shape``; with a tuple or
    list of arguments, the nested tuple ``((H_00, H_01, ...), (H_10, H_11, ...), ...)``,
    ``H_ij`` shaped ``argument_i.shape + argument_j.shape``.  One Hessian-vector product per
    element of the arguments.  ``wrt`` defaults to the first argument; ``argnums`` is JAX's
    name for it."""
    wrt = alias(wrt, argnums, "hessian", 0)
    captured = _of_captured(func, wrt, lambda f: hessian(f, wrt=wrt, optimized=optimized))
    if captured is not None:
        return captured
    func = lifting.bound_as_function(func)  # model.loss: the object in a cell
    name = getattr(func, "__name__", "the function")

    def hess(*args: Any, **kwargs: Any) -> Any:
        given = _Arguments(func, wrt, args, kwargs, "hessian")
        indices = given.indices
        product = hvp(func, wrt=tuple(indices), optimized=optimized)
        zeros = [_zero(given[i]) for i in indices]
        blocks: list[list[Any]] = [[None] * len(indices) for _ in indices]
        # every column: one call's draws
        draws, first = Draws(f"hessian({name})", func, given.args, given.kwargs), True
        for j, xj in enumerate(indices):
            columns = []
            for e in _basis(given[xj]):
                if not first:
                    draws.again()
                columns.append(product(*given.args, (*zeros[:j], e, *zeros[j + 1:]),
                                       **given.kwargs))
                first = False
            for k, xk in enumerate(indices):
                blocks[k][j] = _block([c[k] for c in columns],
                                      np.shape(given[xk]) + np.shape(given[xj]))
        draws.again(restore=False)  # the last column drew as f: the generators stay
        if _several(wrt):
            return tuple(tuple(row) for row in blocks)
        return blocks[0][0]

    return hess


def jacfwd(func: Callable, argnums: Any = 0, *, optimized: bool = True) -> Callable:
    """JAX's ``jacfwd``: the Jacobian by forward mode, one pass per input element.  With
    ``argnums`` one argument (an index or a name), an array shaped ``output.shape +
    argument.shape``; with a tuple, a tuple of such blocks.  See :func:`jacobian`."""
    return jacobian(func, argnums=argnums, mode="forward", optimized=optimized)


def jacrev(func: Callable, argnums: Any = 0, *, optimized: bool = True) -> Callable:
    """JAX's ``jacrev``: the Jacobian by reverse mode, one pass per output element (for
    every argument at once); shapes as :func:`jacfwd`'s."""
    return jacobian(func, argnums=argnums, mode="reverse", optimized=optimized)


functions.TRANSFORMS.update({jvp, hvp, jacobian, hessian})  # usable inside a function
