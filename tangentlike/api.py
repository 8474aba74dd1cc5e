"""The public functions: ``grad``, ``autodiff``, ``value_and_grad`` (Tangent-compatible)."""
from __future__ import annotations

import enum
import functools
import weakref
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from tangentlike import runtime
from tangentlike.errors import InputError, TangentlikeError
from tangentlike.guards import Regenerating
from tangentlike.parsing import parameters_of, parse_function, unwrap
from tangentlike.pipeline import (
    Derivative,
    Options,
    clear_pairs,
    compile_derivative,
    generation_lock,
    resolve_wrt,
)
from tangentlike.shape_specialize import Check, ShapeSpecializer


class INPUT_DERIVATIVE(enum.Enum):  # noqa: N801  (Tangent's name)
    """Whether the output seed must be passed (``Required``) or defaults to 1.0."""

    Required = 1
    DefaultOne = 2


# Per function: what was made for it, by request, with the code it was made from.  Read
# without a lock (an entry is stored whole, once made); written under the generation lock,
# which also makes one thread generate what several ask for at once.
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def clear_cache() -> None:
    """Forget every generated derivative, so the next request generates it again."""
    with generation_lock:
        _cache.clear()
        clear_pairs()


def _cached(func: Callable, key: Hashable) -> Any:
    """What ``_remember`` stored for ``func`` under ``key``, if made from its current code;
    else None."""
    per_function = _cache.get(func)
    entry = per_function.get(key) if per_function is not None else None
    return entry[1] if entry is not None and entry[0] is func.__code__ else None


def _remember(func: Callable, key: Hashable, value: Any) -> None:
    """Store ``value`` for ``func`` (call with ``generation_lock`` held)."""
    _cache.setdefault(func, {})[key] = (func.__code__, value)


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
                extra = args[n_params:]
                if len(extra) > len(seeds) or len(extra) + sum(s in kwargs for s in seeds) \
                        != len(seeds):
                    raise InputError(
                        f"{name}'s forward derivative takes {len(seeds)} tangent(s), one per "
                        f"wrt argument ({', '.join(seeds)}), after its {n_params} "
                        f"argument(s); got {len(extra)} more positional argument(s)",
                        hint="pass one tangent per differentiated argument")
                kwargs = {**kwargs, **dict(zip(seeds, extra))}
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
    key = ("wrt", tuple(wrt) if isinstance(wrt, (tuple, list)) else wrt)
    indices = _cached(plain, key)
    if indices is None:
        indices = resolve_wrt(func, wrt)
        with generation_lock:
            _remember(plain, key, indices)
    return indices


def _generate(func: Callable, options: Options) -> Callable:
    """The derivative of ``func``, for the names its code reaches as they are now."""
    with generation_lock:
        derivative = compile_derivative(func, options)
        df = _make_callable(derivative, options, func.__name__)
    df.guards = derivative.guards
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
    given, func = func, unwrap(func)  # a derivative's generated function: the current one
    if not hasattr(func, "__code__"):
        parse_function(func)  # raises SourceUnavailableError for builtins and ufuncs
    request = (tuple(wrt) if isinstance(wrt, (tuple, list)) else wrt, mode, motion, optimized,
               preserve_result, check_dims, input_derivative)
    df = _cached(func, request)
    if df is None:
        with generation_lock:  # one thread generates it; the others then find it here
            df = _cached(func, request)
            if df is None:
                options = Options(wrt=_wrt_indices(func, wrt), mode=mode, motion=motion,
                                  optimized=optimized, preserve_result=preserve_result,
                                  check_dims=check_dims,
                                  seed_required=input_derivative is INPUT_DERIVATIVE.Required)
                df = Regenerating(functools.partial(_generate, given, options))
                _remember(func, request, df)
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


def jvp(func: Callable, wrt: Any = None, optimized: bool = True) -> Callable:
    """Like JAX's ``jax.jvp``: ``jvp(f)(primals, tangents) -> (value, tangent)``, by forward
    mode.  ``primals`` are all of ``f``'s positional arguments; ``tangents`` a tuple with one
    tangent per ``wrt`` argument (by default, every positional argument)."""
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
        tangent, value = df(*primals, *tangents)
        return value, tangent

    return run


def hvp(func: Callable, wrt: Any = 0, optimized: bool = True) -> Callable:
    """The Hessian-vector product of a scalar function, by forward mode over reverse mode.

    With ``wrt`` one argument (an index or a name), ``hvp(f)(*args, v)`` is ``H @ v``, ``H``
    the Hessian with respect to that argument and ``v`` shaped like it.  With a tuple or list
    of arguments, ``v`` is a tuple ``(v_0, v_1, ...)`` shaped like them and the product is
    the tuple whose part ``i`` is ``sum_j H_ij @ v_j``, ``H_ij`` the block of second
    derivatives with respect to arguments ``i`` and ``j``.
    """
    several = _several(wrt)
    gradient = grad(func, wrt=wrt, optimized=optimized)
    tangent = autodiff(gradient, wrt=wrt, optimized=optimized, mode="forward")
    seeds = tangent.seeds
    indices = _wrt_indices(func, wrt)
    params, name = parameters_of(unwrap(func)), getattr(func, "__name__", "the function")

    @functools.wraps(tangent)
    def product(*args: Any, **kwargs: Any) -> Any:
        primals, v = args[:-1], args[-1]
        vs = _sequence_of(v, len(indices), "the vector v", f"hvp({name})") if several else (v,)
        for index, seed, vi in zip(indices, seeds, vs):
            x = primals[index] if index < len(primals) else kwargs.get(params[index])
            if not (type(x) is np.ndarray and type(vi) is np.ndarray and x.dtype == vi.dtype
                    and x.dtype.kind == "f"):  # else checked (arrays of floats pass unchanged)
                primals, kwargs = _check_inputs(primals, kwargs, (index,), params, name)
                x = primals[index] if index < len(primals) else kwargs.get(params[index])
                vi = _check_tangent(vi, x, f"the vector v of hvp({name})")
            kwargs[seed] = vi
        out = tangent(*primals, **kwargs)
        return (out,) if several and len(indices) == 1 else out

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


def _zero(x: Any) -> Any:
    """The zero vector of :func:`_basis` for ``x``."""
    x = np.asarray(x)
    return np.zeros(x.shape, x.dtype if x.dtype.kind == "f" else np.float64) if x.shape else 0.0


def _arguments(func: Callable, wrt: Any, args: tuple, what: str) -> tuple[tuple, list[int]]:
    """The checked arguments of a ``jacobian`` or ``hessian`` call and the ``wrt`` indices;
    each differentiated argument must be passed and make a regular array of floats."""
    indices = list(_wrt_indices(func, wrt))
    params, name = parameters_of(unwrap(func)), getattr(func, "__name__", "the function")
    for i in indices:
        if i >= len(args):
            raise InputError(f"{what}({name}) differentiates with respect to argument {i} "
                             f"({params[i]}), which the call does not pass",
                             hint="pass every wrt argument positionally")
    args, _ = _check_inputs(args, {}, tuple(indices), params, name)
    for i in indices:
        try:
            np.asarray(args[i], dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(
                f"{what}({name}) lays out its blocks by the shape of argument {i} "
                f"({params[i]}), a {type(args[i]).__name__} that makes no regular array",
                hint="pass the parts as separate arguments and list them in wrt, or "
                "use grad, jvp or hvp, which take any container of floats") from None
    return args, indices


def _block(parts: list, shape: tuple, axis: int = -1) -> np.ndarray:
    """The parts (derivatives along each basis vector, in order) as one array, stacked along
    ``axis`` (last: columns of forward mode; first: rows of reverse mode), shaped ``shape``."""
    if not parts:
        return np.zeros(shape)
    return np.stack([np.asarray(p) for p in parts], axis=axis).reshape(shape)


def jacobian(func: Callable, wrt: Any = 0, mode: str | None = None,
             optimized: bool = True) -> Callable:
    """The Jacobian of ``func``, as ``jax.jacobian``: with ``wrt`` one argument (an index or a
    name), an array shaped ``output.shape + argument.shape``; with a tuple or list of
    arguments, a tuple of such blocks, one per argument, in the order of ``wrt``.  ``mode`` is
    ``'forward'`` (one pass per input element) or ``'reverse'`` (one pass per output
    element, for every argument at once); by default the cheaper one for the sizes at hand."""
    if mode not in (None, "forward", "reverse"):
        raise TangentlikeError(f"mode must be 'forward', 'reverse' or None, not {mode!r}")

    def jac(*args: Any) -> Any:
        args, indices = _arguments(func, wrt, args, "jacobian")
        y = func(*args)
        out_shape = np.shape(y)
        size_in = sum(int(np.size(args[i])) for i in indices)
        chosen = mode or ("forward" if size_in <= np.size(y) else "reverse")
        if chosen == "forward":
            blocks = []
            for i in indices:
                df = autodiff(func, wrt=i, optimized=optimized, mode="forward")
                columns = [df(*args, **{df.seeds[0]: e}) for e in _basis(args[i])]
                blocks.append(_block(columns, out_shape + np.shape(args[i])))
        else:
            df = autodiff(func, wrt=tuple(indices), optimized=optimized, mode="reverse",
                          input_derivative=INPUT_DERIVATIVE.DefaultOne)
            rows = [df(*args, **{df.seed: u}) for u in _basis(y)]
            if len(indices) == 1:
                rows = [(row,) for row in rows]
            blocks = [_block([row[k] for row in rows], out_shape + np.shape(args[i]), 0)
                      for k, i in enumerate(indices)]
        return tuple(blocks) if _several(wrt) else blocks[0]

    return jac


def hessian(func: Callable, wrt: Any = 0, optimized: bool = True) -> Callable:
    """The Hessian of a scalar function, as ``jax.hessian``: with ``wrt`` one argument (an
    index or a name), an array shaped ``argument.shape + argument.shape``; with a tuple or
    list of arguments, the nested tuple ``((H_00, H_01, ...), (H_10, H_11, ...), ...)``,
    ``H_ij`` shaped ``argument_i.shape + argument_j.shape``.  One Hessian-vector product per
    element of the arguments."""

    def hess(*args: Any) -> Any:
        args, indices = _arguments(func, wrt, args, "hessian")
        product = hvp(func, wrt=tuple(indices), optimized=optimized)
        zeros = [_zero(args[i]) for i in indices]
        blocks: list[list[Any]] = [[None] * len(indices) for _ in indices]
        for j, xj in enumerate(indices):
            columns = [product(*args, (*zeros[:j], e, *zeros[j + 1:]))
                       for e in _basis(args[xj])]
            for k, xk in enumerate(indices):
                blocks[k][j] = _block([c[k] for c in columns],
                                      np.shape(args[xk]) + np.shape(args[xj]))
        if _several(wrt):
            return tuple(tuple(row) for row in blocks)
        return blocks[0][0]

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
