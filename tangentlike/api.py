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
from tangentlike.parsing import parameters_of, parse_function, unwrap
from tangentlike.pipeline import (
    Derivative,
    Options,
    clear_pairs,
    compile_derivative,
    resolve_wrt,
)
from tangentlike.shape_specialize import Check, ShapeSpecializer


class INPUT_DERIVATIVE(enum.Enum):  # noqa: N801  (Tangent's name)
    """Whether the output seed must be passed (``Required``) or defaults to 1.0."""

    Required = 1
    DefaultOne = 2


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def clear_cache() -> None:
    """Forget every generated derivative, so the next request generates it again."""
    _cache.clear()
    clear_pairs()


_COMPLEX_HINT = ("complex inputs are not supported yet: differentiate with respect to the real "
                 "and imaginary parts as two float arguments (z = re + 1j * im inside the "
                 "function), or leave the argument out of wrt")
_KINDS = ("floats, floating point arrays (float64, float32, float16), and tuples, lists and "
          "dicts of them")


def _complex(where: str, what: str) -> InputError:
    return InputError(f"{where} is {what}; complex inputs are not supported yet",
                      hint=_COMPLEX_HINT)


def _rebuild(x: Any, items: list) -> Any:
    """A tuple or list like ``x`` (a namedtuple stays one) holding ``items``."""
    if isinstance(x, list):
        return items if type(x) is list else type(x)(items)
    if type(x) is tuple:
        return tuple(items)
    return type(x)._make(items) if hasattr(x, "_fields") else type(x)(items)


def _check_value(x: Any, where: str) -> Any:
    """A differentiated value, checked: floats, floating point arrays, and tuples, lists and
    dicts of them (the gradient has the same structure).  Python and NumPy integer scalars
    come back as floats; integer, boolean and complex arrays raise ``InputError``."""
    kind = type(x)
    if kind is float or (kind is np.ndarray and x.dtype.kind == "f"):
        return x
    if kind is int:
        return float(x)
    if isinstance(x, (bool, np.bool_)):
        raise InputError(f"{where} is a bool, which has no derivative",
                         hint="pass a float, or leave the argument out of wrt")
    if isinstance(x, (np.ndarray, np.generic)):
        dtype = x.dtype
        if dtype.kind == "f":
            return x
        if dtype.kind == "c":
            raise _complex(where, f"{'an array' if x.ndim else 'a scalar'} of {dtype}")
        if isinstance(x, np.generic) and dtype.kind in "iu":
            return np.float64(x)
        if isinstance(x, np.ndarray):
            raise InputError(
                f"{where} is an array of {dtype}, which has no derivative",
                hint="pass floating point values, e.g. x.astype(float), or leave it out of wrt")
    if isinstance(x, complex):
        raise _complex(where, "a complex number")
    if isinstance(x, float):
        return x
    if isinstance(x, int):
        return float(x)
    if isinstance(x, (tuple, list)):
        items = [_check_value(item, f"{where}[{i}]") for i, item in enumerate(x)]
        if all(a is b for a, b in zip(items, x)):
            return x
        return _rebuild(x, items)
    if isinstance(x, dict):
        checked = {key: _check_value(item, f"{where}[{key!r}]") for key, item in x.items()}
        if all(checked[key] is item for key, item in x.items()):
            return x
        out = x.copy()
        out.update(checked)
        return out
    what = "None" if x is None else _a(type(x).__name__)
    raise InputError(
        f"{where} is {what}; tangentlike differentiates with respect to {_KINDS}",
        hint="pass an array, or leave the argument out of wrt")


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _check_tangent(v: Any, x: Any, where: str) -> Any:
    """A forward-mode seed ``v`` for the (checked) differentiated value ``x``: integers are
    taken as floats, and floating point tangents get ``x``'s precision, so that float32
    inputs give float32 tangents; boolean and complex tangents raise ``InputError``."""
    dtype = x.dtype if isinstance(x, (np.ndarray, np.floating)) else None
    if isinstance(v, (bool, np.bool_)) or (isinstance(v, np.ndarray) and v.dtype.kind == "b"):
        raise InputError(f"{where} is boolean; a tangent is a float or floating point array "
                         "shaped like its argument")
    if isinstance(v, complex) or (isinstance(v, (np.ndarray, np.generic))
                                  and v.dtype.kind == "c"):
        raise _complex(where, "complex")
    if isinstance(v, np.ndarray):
        if v.dtype.kind in "iuf" and v.dtype != (dtype or np.float64):
            return v.astype(dtype or np.float64)
        return v
    if isinstance(v, np.generic):
        if v.dtype.kind in "iuf" and v.dtype != (dtype or np.float64):
            return (dtype or np.dtype(np.float64)).type(v)
        return v
    if type(v) is int:
        return float(v)
    if isinstance(v, (tuple, list)) and isinstance(x, (tuple, list)) and len(v) == len(x):
        items = [_check_tangent(a, b, f"{where}[{i}]") for i, (a, b) in enumerate(zip(v, x))]
        return v if all(a is b for a, b in zip(items, v)) else _rebuild(v, items)
    if isinstance(v, dict) and isinstance(x, dict) and v.keys() == x.keys():
        checked = {k: _check_tangent(v[k], x[k], f"{where}[{k!r}]") for k in v}
        if all(checked[k] is v[k] for k in v):
            return v
        out = v.copy()
        out.update(checked)
        return out
    return v


def _check_inputs(args: tuple, kwargs: dict, wrt: tuple[int, ...], params: list[str],
                  name: str) -> tuple[tuple, dict]:
    """The arguments, with each differentiated one checked by ``_check_value``."""
    for i in wrt:
        if i < len(args):
            x = args[i]
        elif params[i] in kwargs:
            x = kwargs[params[i]]
        else:
            continue
        kind = type(x)
        if kind is float or (kind is np.ndarray and x.dtype.kind == "f"):
            continue
        checked = _check_value(x, f"argument {i} ({params[i]}) of {name}")
        if checked is not x:
            if i < len(args):
                args = (*args[:i], checked, *args[i + 1:])
            else:
                kwargs = {**kwargs, params[i]: checked}
    return args, kwargs


def _check_seeds(args: tuple, kwargs: dict, wrt: tuple[int, ...], params: list[str],
                 seeds: tuple[str, ...], name: str) -> dict:
    """``kwargs`` with each forward-mode seed checked by ``_check_tangent``."""
    for i, seed in zip(wrt, seeds):
        if seed not in kwargs:
            continue
        x = args[i] if i < len(args) else kwargs.get(params[i])
        v = kwargs[seed]
        if type(v) is float and type(x) is float:
            continue
        checked = _check_tangent(v, x, f"the tangent {seed} of argument {i} ({params[i]}) "
                                       f"of {name}")
        if checked is not v:
            kwargs = {**kwargs, seed: checked}
    return kwargs


def _make_callable(derivative: Derivative, options: Options, name: str) -> Callable:
    wrt = options.wrt
    params = derivative.parameters
    n_params = derivative.positional
    specializer = None
    if derivative.seeds:  # forward mode: seeds after the arguments, or by name
        seeds = derivative.seeds

        def check(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
            args, kwargs = _check_inputs(args, kwargs, wrt, params, name)
            return args, _check_seeds(args, kwargs, wrt, params, seeds, name)

        specializer, jvp_function = _checked_call(derivative, check)

        @functools.wraps(derivative.function)
        def df(*args: Any, **kwargs: Any) -> Any:
            if len(args) > n_params:
                kwargs = {**kwargs, **dict(zip(seeds, args[n_params:]))}
                args = args[:n_params]
            return jvp_function(*args, **kwargs)

        df.seeds = seeds
    elif derivative.backward is None:
        def check(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
            return _check_inputs(args, kwargs, wrt, params, name)

        specializer, call = _checked_call(derivative, check)
        df = functools.wraps(derivative.function)(call)
    else:
        forward, backward = derivative.function, derivative.backward

        def df(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = _check_inputs(args, kwargs, wrt, params, name)
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
    df.specializer = specializer
    df.specialized = specializer.sources if specializer is not None else {}
    df.path = derivative.path
    df.seed = derivative.seed
    return df


def _checked_call(derivative: Derivative, check: Check,
                  ) -> tuple[ShapeSpecializer | None, Callable]:
    """The function that checks the arguments and runs the derivative: the dispatcher to
    its versions by shape (which checks only at the first calls of a signature) when it can
    have them, else a plain wrapper."""
    if derivative.tree is None:
        function = derivative.function

        def call(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = check(args, kwargs)
            return function(*args, **kwargs)

        return None, call
    specializer = ShapeSpecializer(derivative.function, derivative.tree,
                                   set(derivative.temporaries), derivative.scope, check,
                                   derivative.floats)
    return specializer, specializer.dispatcher()


def _wrt_indices(func: Callable, wrt: Any) -> tuple[int, ...]:
    """``resolve_wrt``, remembered per function."""
    plain = unwrap(func)
    if not hasattr(plain, "__code__"):
        return resolve_wrt(func, wrt)  # raises SourceUnavailableError for builtins
    per_function = _cache.setdefault(plain, {})
    key = ("wrt", tuple(wrt) if isinstance(wrt, (tuple, list)) else wrt)
    entry = per_function.get(key)
    if entry is None or entry[0] is not plain.__code__:
        entry = per_function[key] = (plain.__code__, resolve_wrt(func, wrt))
    return entry[1]


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
        options = Options(wrt=_wrt_indices(func, wrt), mode=mode, motion=motion,
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
    index = _wrt_indices(func, wrt)[0]
    params, name = parameters_of(unwrap(func)), getattr(func, "__name__", "the function")

    @functools.wraps(tangent)
    def product(*args: Any, **kwargs: Any) -> Any:
        primals, v = args[:-1], args[-1]
        x = primals[index] if index < len(primals) else kwargs.get(params[index])
        if not (type(x) is np.ndarray and type(v) is np.ndarray and x.dtype == v.dtype
                and x.dtype.kind == "f"):  # else checked (arrays of floats pass unchanged)
            primals, kwargs = _check_inputs(primals, kwargs, (index,), params, name)
            x = primals[index] if index < len(primals) else kwargs.get(params[index])
            v = _check_tangent(v, x, f"the vector v of hvp({name})")
        kwargs[seed] = v
        return tangent(*primals, **kwargs)

    product.source = tangent.source
    product.specializer, product.specialized = tangent.specializer, tangent.specialized
    return product


def _basis(x: Any):
    """Unit vectors shaped like ``x``, one per element, in ``x``'s floating point type."""
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.float64
    for i in range(x.size):
        e = np.zeros(x.size, dtype=dtype)
        e[i] = 1
        yield e.reshape(x.shape) if x.shape else float(e[0])


def jacobian(func: Callable, wrt: int | str = 0, mode: str | None = None,
             optimized: bool = True) -> Callable:
    """The Jacobian of ``func`` with respect to one argument, shaped ``output.shape +
    argument.shape`` (as ``jax.jacobian``).  ``mode`` is ``'forward'`` (one column per input
    element) or ``'reverse'`` (one row per output element); by default the cheaper one for
    the sizes at hand."""

    def jac(*args: Any) -> np.ndarray:
        index = _wrt_indices(func, wrt)[0]
        args, _ = _check_inputs(args, {}, (index,), parameters_of(unwrap(func)), func.__name__)
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
        index = _wrt_indices(func, wrt)[0]
        args, _ = _check_inputs(args, {}, (index,), parameters_of(unwrap(func)), func.__name__)
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
