"""The public functions: ``grad``, ``autodiff``, ``value_and_grad`` (Tangent-compatible)."""
from __future__ import annotations

import enum
import functools
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from tangentlike import runtime
from tangentlike.errors import InputError, TangentlikeError
from tangentlike.parsing import parse_function, unwrap
from tangentlike.pipeline import (
    Derivative,
    Options,
    clear_pairs,
    compile_derivative,
    resolve_wrt,
)


class INPUT_DERIVATIVE(enum.Enum):  # noqa: N801  (Tangent's name)
    """Whether the output seed must be passed (``Required``) or defaults to 1.0."""

    Required = 1
    DefaultOne = 2


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def clear_cache() -> None:
    """Forget every generated derivative, so the next request generates it again."""
    _cache.clear()
    clear_pairs()


def _check_value(x: Any, where: str) -> None:
    """Differentiated values: floats, floating point arrays, and tuples, lists and dicts of
    them (the gradient has the same structure)."""
    kind = type(x)
    if kind is float or kind is int or (kind is np.ndarray and x.dtype.kind in "fc"):
        return
    if isinstance(x, (float, int, np.floating)) and not isinstance(x, bool):
        return
    if isinstance(x, np.ndarray):
        raise InputError(
            f"{where} is an array of {x.dtype}, which has no derivative",
            hint="pass floating point values, e.g. x.astype(float), or leave it out of wrt")
    if isinstance(x, np.generic) and x.dtype.kind in "iu":
        return
    if isinstance(x, (tuple, list)):
        for i, item in enumerate(x):
            _check_value(item, f"{where}[{i}]")
        return
    if isinstance(x, dict):
        for key, item in x.items():
            _check_value(item, f"{where}[{key!r}]")
        return
    raise InputError(
        f"{where} is a {type(x).__name__}; tangentlike differentiates with respect to floats, "
        "floating point arrays, and tuples, lists and dicts of them",
        hint="pass an array, or leave the argument out of wrt")


def _check_inputs(args: tuple, kwargs: dict, wrt: tuple[int, ...], params: list[str],
                  name: str) -> None:
    for i in wrt:
        if i < len(args):
            x = args[i]
        elif params[i] in kwargs:
            x = kwargs[params[i]]
        else:
            continue
        kind = type(x)
        if kind is float or kind is int or (kind is np.ndarray and x.dtype.kind in "fc"):
            continue
        _check_value(x, f"argument {i} of {name}")


def _make_callable(derivative: Derivative, options: Options, name: str) -> Callable:
    wrt = options.wrt
    params = derivative.parameters
    n_params = derivative.positional
    if derivative.seeds:  # forward mode: seeds after the arguments, or by name
        jvp_function, seeds = derivative.function, derivative.seeds

        @functools.wraps(jvp_function)
        def df(*args: Any, **kwargs: Any) -> Any:
            _check_inputs(args, kwargs, wrt, params, name)
            if len(args) > n_params:
                kwargs.update(zip(seeds, args[n_params:]))
                args = args[:n_params]
            return jvp_function(*args, **kwargs)

        df.seeds = seeds
    elif derivative.backward is None:
        joint = derivative.function

        @functools.wraps(joint)
        def df(*args: Any, **kwargs: Any) -> Any:
            _check_inputs(args, kwargs, wrt, params, name)
            return joint(*args, **kwargs)
    else:
        forward, backward = derivative.function, derivative.backward

        def df(*args: Any, **kwargs: Any) -> Any:
            _check_inputs(args, kwargs, wrt, params, name)
            primal, seed = args[:n_params], args[n_params:]
            primal_kwargs = {k: v for k, v in kwargs.items() if k != "init_grad"}
            value, saved = forward(*primal, **primal_kwargs)
            grads = backward(saved, *primal, *seed, **kwargs)
            if options.preserve_result:
                return (*grads, value) if len(wrt) > 1 else (grads, value)
            return grads

        functools.update_wrapper(df, backward)
        df.forward, df.backward = forward, backward
    df.source = derivative.source
    df.path = derivative.path
    df.seed = derivative.seed
    return df


def autodiff(func: Callable, wrt: Any = (0,), optimized: bool = True, motion: str = "joint",
             mode: str = "reverse", preserve_result: bool = False, check_dims: bool = True,
             input_derivative: INPUT_DERIVATIVE = INPUT_DERIVATIVE.Required,
             verbose: int = 0) -> Callable:
    """Generate the derivative of ``func`` as Python source and return it as a function.

    Reverse mode returns ``df(*args, init_grad)``: the gradient with respect to each ``wrt``
    argument (a tuple when several), then the value when ``preserve_result``.  With
    ``motion='split'`` the function has ``.forward`` and ``.backward`` halves.  Forward mode
    returns ``df(*args, *tangents)``, one seed tangent per ``wrt`` argument: the output's
    tangent (the Jacobian-vector product), then the value when ``preserve_result``.
    """
    if mode not in ("reverse", "forward"):
        raise TangentlikeError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    if motion not in ("joint", "split"):
        raise TangentlikeError(f"motion must be 'joint' or 'split', not {motion!r}")
    func = unwrap(func)
    if not hasattr(func, "__code__"):
        parse_function(func)  # raises SourceUnavailableError for builtins and ufuncs
    request = (tuple(wrt) if isinstance(wrt, (tuple, list)) else wrt, mode, motion, optimized,
               preserve_result, check_dims, input_derivative)
    per_function = _cache.setdefault(func, {})
    entry = per_function.get(request)
    if entry is None or entry[0] is not func.__code__:
        options = Options(wrt=resolve_wrt(func, wrt), mode=mode, motion=motion,
                          optimized=optimized, preserve_result=preserve_result,
                          check_dims=check_dims,
                          seed_required=input_derivative is INPUT_DERIVATIVE.Required)
        derivative = compile_derivative(func, options)
        entry = (func.__code__, _make_callable(derivative, options, func.__name__))
        per_function[request] = entry
    df = entry[1]
    if verbose:
        print(df.source)
    return df


def grad(func: Callable | None = None, wrt: Any = (0,), optimized: bool = True,
         preserve_result: bool = False, check_dims: bool = True, verbose: int = 0,
         motion: str = "joint") -> Callable:
    """The gradient of ``func``: ``df(*args, init_grad=1.0)``.  Usable as a decorator,
    bare (``@grad``) or with arguments (``@grad(wrt=(0, 1))``)."""
    if func is None:
        return lambda f: grad(f, wrt=wrt, optimized=optimized, preserve_result=preserve_result,
                              check_dims=check_dims, verbose=verbose, motion=motion)
    return autodiff(func, wrt=wrt, optimized=optimized, motion=motion, mode="reverse",
                    preserve_result=preserve_result, check_dims=check_dims,
                    input_derivative=INPUT_DERIVATIVE.DefaultOne, verbose=verbose)


def jvp(func: Callable, wrt: Any = None, optimized: bool = True) -> Callable:
    """Like JAX's ``jax.jvp``: ``jvp(f)(primals, tangents) -> (value, tangent)``, by forward
    mode.  ``primals`` are all of ``f``'s positional arguments; ``tangents`` one per ``wrt``
    argument (by default, every positional argument)."""
    cache: dict[int, Callable] = {}

    def run(primals: tuple, tangents: tuple) -> tuple[Any, Any]:
        positions = tuple(range(len(primals))) if wrt is None else (
            wrt if isinstance(wrt, (tuple, list)) else (wrt,))
        df = cache.get(len(primals))
        if df is None:
            df = cache[len(primals)] = autodiff(func, wrt=positions, optimized=optimized,
                                                mode="forward", preserve_result=True)
        tangent, value = df(*primals, *tangents)
        return value, tangent

    return run


def hvp(func: Callable, wrt: int | str = 0, optimized: bool = True) -> Callable:
    """The Hessian-vector product of a scalar function, by forward mode over reverse mode:
    ``hvp(f)(*args, v)`` is ``H @ v`` with ``H`` the Hessian of ``f`` with respect to argument
    ``wrt`` and ``v`` shaped like that argument."""
    gradient = grad(func, wrt=wrt, optimized=optimized)
    tangent = autodiff(gradient, wrt=wrt, optimized=optimized, mode="forward")
    seed = tangent.seeds[0]

    @functools.wraps(tangent)
    def product(*args: Any, **kwargs: Any) -> Any:
        *primals, v = args
        return tangent(*primals, **kwargs, **{seed: v})

    product.source = tangent.source
    return product


def _basis(x: Any):
    """Unit vectors shaped like ``x``, one per element."""
    x = np.asarray(x, dtype=float)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = 1.0
        yield e.reshape(x.shape) if x.shape else float(e[0])


def jacobian(func: Callable, wrt: int | str = 0, mode: str | None = None,
             optimized: bool = True) -> Callable:
    """The Jacobian of ``func`` with respect to one argument, shaped ``output.shape +
    argument.shape`` (as ``jax.jacobian``).  ``mode`` is ``'forward'`` (one column per input
    element) or ``'reverse'`` (one row per output element); by default the cheaper one for
    the sizes at hand."""

    def jac(*args: Any) -> np.ndarray:
        index = resolve_wrt(func, wrt)[0]
        x, y = args[index], func(*args)
        chosen = mode or ("forward" if np.size(x) <= np.size(y) else "reverse")
        if chosen == "forward":
            df = autodiff(func, wrt=index, optimized=optimized, mode="forward")
            columns = [np.asarray(df(*args, **{df.seeds[0]: e})) for e in _basis(x)]
            out = np.stack(columns, axis=-1) if columns else np.zeros(np.shape(y) + (0,))
            return out.reshape(np.shape(y) + np.shape(x))
        df = autodiff(func, wrt=index, optimized=optimized, mode="reverse",
                      input_derivative=INPUT_DERIVATIVE.DefaultOne)
        rows = [np.asarray(df(*args, **{df.seed: u})) for u in _basis(y)]
        out = np.stack(rows, axis=0) if rows else np.zeros((0,) + np.shape(x))
        return out.reshape(np.shape(y) + np.shape(x))

    return jac


def hessian(func: Callable, wrt: int | str = 0, optimized: bool = True) -> Callable:
    """The Hessian of a scalar function with respect to one argument, shaped
    ``argument.shape + argument.shape``: one Hessian-vector product per element."""

    def hess(*args: Any) -> np.ndarray:
        index = resolve_wrt(func, wrt)[0]
        x = args[index]
        product = hvp(func, wrt=index, optimized=optimized)
        columns = [np.asarray(product(*args, e)) for e in _basis(x)]
        return np.stack(columns, axis=-1).reshape(np.shape(x) + np.shape(x))

    return hess


def value_and_grad(func: Callable | None = None, wrt: Any = (0,), optimized: bool = True,
                   verbose: int = 0) -> Callable:
    """Like JAX's: ``f(*args) -> (value, gradient)``, both from one generated function."""
    if func is None:
        return lambda f: value_and_grad(f, wrt=wrt, optimized=optimized, verbose=verbose)
    df = grad(func, wrt=wrt, optimized=optimized, preserve_result=True, verbose=verbose)

    @functools.wraps(df)
    def vg(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        *grads, value = df(*args, **kwargs)
        return value, grads[0] if len(grads) == 1 else tuple(grads)

    vg.source = df.source
    return vg


def init_grad(x: Any) -> Any:
    """A zero derivative shaped like ``x`` (containers too): Tangent's ``init_grad``."""
    return runtime.zeros_like(x)
