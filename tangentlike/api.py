"""The public functions: ``grad``, ``autodiff``, ``value_and_grad`` (Tangent-compatible)."""
from __future__ import annotations

import enum
import functools
import weakref
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from tangentlike import runtime
from tangentlike.core.guards import Regenerating, note_for, unwrap
from tangentlike.errors import InputError, TangentlikeError
from tangentlike.frontend.parsing import parameters_of, parse_function
from tangentlike.pipeline import (
    Derivative,
    Options,
    clear_pairs,
    compile_derivative,
    generation_lock,
    resolve_wrt,
)
from tangentlike.versions.dispatch import Check, Version, Versions, version_of


class INPUT_DERIVATIVE(enum.Enum):  # noqa: N801  (Tangent's name)
    """Whether the output seed must be passed (``Required``) or defaults to 1.0."""

    Required = 1
    DefaultOne = 2


class DerivativeFunction(Regenerating):
    """What ``grad(f)`` and the others return: a :class:`tangentlike.core.guards.Regenerating`
    (checked before each call, generated again when a name it was made from changed), with
    what a user calls on it besides: ``debug`` and the views of Jupyter and IPython."""

    def debug(self, *args: Any, general: bool = False, **kwargs: Any) -> Any:
        """Compute ``self(*args, **kwargs)`` in pdb, stopping at the first line of the
        generated function that call runs (the version for its arguments, see
        :meth:`version_for`; with ``general=True``, the one ``source`` shows) rather than in
        this wrapper; return the result, as ``pdb.runcall`` does.  The arguments are checked
        as a call checks them, and pdb never stops in tangentlike's wrappers (see
        :mod:`tangentlike.backend.debugging`)."""
        from tangentlike.backend import debugging  # imports pdb: only when asked

        return debugging.run(self.current(), args, kwargs, general)

    def version_for(self, *args: Any, **kwargs: Any) -> Version:
        """The version of the derivative that ``self(*args, **kwargs)`` runs: the general
        one (``source``), the one for Python floats, or the one for the arguments' shapes,
        written now if a later call would write it; with its source, file and function, or
        why the call has no other than the general one."""
        return version_of(self.current(), args, kwargs)

    def source_for(self, *args: Any, **kwargs: Any) -> str:
        """The source of the function ``self(*args, **kwargs)`` runs (see
        :meth:`version_for`), with its ``# Grad of:`` comments."""
        return self.version_for(*args, **kwargs).source

    def _repr_html_(self) -> str:
        """Jupyter and IPython show a derivative as its source, highlighted by pygments when
        it is installed (else plain, in a ``<pre>``), under its name and file."""
        from tangentlike.backend import notebook

        current = self.current()
        return notebook.html(repr(self), current.source, getattr(current, "path", None))

    def _repr_markdown_(self) -> str:
        """The source as a Markdown ``python`` block (for front ends that prefer Markdown)."""
        from tangentlike.backend import notebook

        current = self.current()
        return notebook.markdown(repr(self), current.source, getattr(current, "path", None))


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

        def arguments(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
            """The tangents passed after the arguments, by position, as keywords."""
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
            return args, kwargs

        @functools.wraps(derivative.function)
        def df(*args: Any, **kwargs: Any) -> Any:
            if len(args) > n_params:
                args, kwargs = arguments(args, kwargs)
            return jvp_function(*args, **kwargs)

        df.arguments = arguments
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
            primal_kwargs = {k: v for k, v in kwargs.items() if k != derivative.seed}
            value, saved = forward(*primal, **primal_kwargs)
            grads = backward(saved, *primal, *seed, **kwargs)
            if options.preserve_result:
                return (*grads, value) if len(wrt) > 1 else (grads, value)
            return grads

        functools.update_wrapper(df, backward)
        df.forward, df.backward = forward, backward
    df.source = derivative.source
    df.specializer = specializer
    df.versions = specializer.written if specializer is not None else {}
    df.specialized = specializer.sources if specializer is not None else {}  # older name
    df.path = derivative.path
    df.seed = derivative.seed
    return df


def _checked_call(derivative: Derivative, check: Check,
                  ) -> tuple[Versions | None, Callable]:
    """The function that checks the arguments and runs the derivative: the dispatcher to
    its versions by shape (which checks only at the first calls of a signature) when it can
    have them, else a plain wrapper."""
    if derivative.tree is None:
        function = derivative.function

        def call(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = check(args, kwargs)
            return function(*args, **kwargs)

        return None, call
    specializer = Versions(derivative.function, derivative.tree, set(derivative.temporaries),
                           derivative.scope, check, derivative.numbers, derivative.source,
                           derivative.path)
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


def autodiff(func: Callable, wrt: Any = None, optimized: bool = True, motion: str = "joint",
             mode: str = "reverse", preserve_result: bool = False, check_dims: bool = True,
             input_derivative: INPUT_DERIVATIVE = INPUT_DERIVATIVE.Required,
             verbose: int | None = None, *, argnums: Any = None) -> Callable:
    """Generate the derivative of ``func`` as Python source and return it as a function.

    Reverse mode returns ``df(*args, init_grad)``: the gradient with respect to each ``wrt``
    argument (a tuple when several), then the value when ``preserve_result``.  With
    ``motion='split'`` the function has ``.forward`` and ``.backward`` halves.  Forward mode
    returns ``df(*args, *tangents)``, one seed tangent per ``wrt`` argument: the output's
    tangent (the Jacobian-vector product), then the value when ``preserve_result``.

    ``wrt`` (default: the first argument) takes indices or names; ``argnums`` is its JAX
    name.  autodiff returns the generated function itself, in Tangent's convention: one
    gradient, not a tuple, for ``wrt=(i,)`` and ``argnums=(i,)`` alike (``grad`` follows JAX).
    """
    wrt = _alias(wrt, argnums, "autodiff", (0,))
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
                df = DerivativeFunction(functools.partial(_generate, given, options),
                                        note_for(func, verbose))
                _remember(func, request, df)
    if verbose:
        print(df.source)
    return df


def grad(func: Callable | None = None, wrt: Any = None, optimized: bool = True,
         preserve_result: bool = False, check_dims: bool = True, verbose: int | None = None,
         motion: str = "joint", *, argnums: Any = None, has_aux: bool = False) -> Callable:
    """The gradient of ``func``: ``df(*args, init_grad=1.0)``.  Usable as a decorator,
    bare (``@grad``) or with arguments (``@grad(wrt=(0, 1))``).

    ``wrt`` (default: the first argument) follows Tangent: ``wrt=(i,)`` gives one gradient.
    ``argnums`` is JAX's name for it and follows JAX: an int gives one gradient, a tuple a
    tuple.  With ``has_aux=True``, ``func`` returns ``(loss, aux)`` and ``df`` returns
    ``(gradient, aux)``: only the loss is differentiated.
    """
    if func is None:
        return lambda f: grad(f, wrt=wrt, optimized=optimized, preserve_result=preserve_result,
                              check_dims=check_dims, verbose=verbose, motion=motion,
                              argnums=argnums, has_aux=has_aux)
    one_tuple = _one_tuple(argnums)
    wrt = _alias(wrt, argnums, "grad", (0,))
    if has_aux:
        if preserve_result:
            raise InputError("grad takes has_aux=True or preserve_result=True, not both",
                             hint="use value_and_grad(f, has_aux=True), which returns "
                             "((loss, aux), gradient)")
        run, df = _aux_gradient(func, wrt, optimized, check_dims, verbose, "grad")

        @functools.wraps(df)
        def grad_and_aux(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
            _, aux, grads = run(*args, **kwargs)
            return ((grads,) if one_tuple else grads), aux

        grad_and_aux.source = df.source
        return grad_and_aux
    df = autodiff(func, wrt=wrt, optimized=optimized, motion=motion, mode="reverse",
                  preserve_result=preserve_result, check_dims=check_dims,
                  input_derivative=INPUT_DERIVATIVE.DefaultOne, verbose=verbose)
    if not one_tuple or preserve_result:  # preserve_result keeps Tangent's flat order
        return df

    @functools.wraps(df)
    def gradients(*args: Any, **kwargs: Any) -> tuple:
        return (df(*args, **kwargs),)

    gradients.source = df.source
    return gradients


def _alias(wrt: Any, argnums: Any, where: str, default: Any) -> Any:
    """``wrt``, or ``argnums`` (JAX's name for it), or ``default`` when neither is given."""
    if argnums is None:
        return default if wrt is None else wrt
    if wrt is not None:
        raise InputError(f"{where} got both wrt={wrt!r} and argnums={argnums!r}; argnums is "
                         "JAX's name for wrt", hint="pass only one of wrt and argnums")
    if not isinstance(argnums, (int, str, tuple, list)) or isinstance(argnums, bool):
        raise InputError(f"{where}: argnums={argnums!r} is neither an argument (an index or "
                         "a name) nor a tuple of them",
                         hint="pass argnums=0, argnums=(0, 1) or argnums=('x', 'y')")
    return argnums


def _one_tuple(argnums: Any) -> bool:
    """``argnums`` is a tuple or list of one argument: JAX then returns a tuple of one."""
    return isinstance(argnums, (tuple, list)) and len(argnums) == 1


def _pair(out: Any, where: str, name: str) -> tuple[Any, Any]:
    """``(loss, aux)``: what a function differentiated with ``has_aux=True`` returns."""
    if type(out) is tuple and len(out) == 2:
        return out
    got = (f"a tuple of {len(out)}" if isinstance(out, tuple)
           else _a(type(out).__name__))
    raise InputError(f"{where}({name}, has_aux=True): {name} must return a pair (value, aux); "
                     f"it returned {got}",
                     hint="return value, aux (a tuple of two), or drop has_aux=True")


def _aux_gradient(func: Callable, wrt: Any, optimized: bool, check_dims: bool,
                  verbose: int | None, where: str,
                  ) -> tuple[Callable[..., tuple[Any, Any, Any]], Callable]:
    """For ``has_aux``: ``run(*args, **kwargs) -> (loss, aux, gradients)`` and the split
    derivative it runs.  One forward sweep; the backward sweep is seeded with 1.0 (or the
    caller's ``init_grad``) for the loss and zeros for ``aux``, so no derivative flows
    through ``aux``."""
    df = autodiff(func, wrt=wrt, optimized=optimized, motion="split", check_dims=check_dims,
                  input_derivative=INPUT_DERIVATIVE.DefaultOne, verbose=verbose)
    indices = _wrt_indices(func, wrt)
    params, name = parameters_of(unwrap(func)), getattr(func, "__name__", "the function")

    def run(*args: Any, **kwargs: Any) -> tuple[Any, Any, Any]:
        current = df.current()
        seed_name = current.seed
        loss_seed = kwargs.pop(seed_name, None)
        args, kwargs = _check_inputs(args, kwargs, indices, params, name)
        out, saved = current.forward(*args, **kwargs)
        loss, aux = _pair(out, where, name)
        if loss_seed is None:
            if np.ndim(loss) != 0:
                raise InputError(
                    f"{where}({name}, has_aux=True): the value {name} returns with its aux "
                    f"has shape {np.shape(loss)}; a gradient needs a scalar",
                    hint="reduce the value to a scalar, or pass init_grad= (a seed shaped "
                    "like it) for a vector-Jacobian product")
            loss_seed = 1.0
        seed = (loss_seed, runtime.zeros_like(aux))
        return loss, aux, current.backward(saved, *args, **kwargs, **{seed_name: seed})

    return run, df


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


def jvp(func: Callable, wrt: Any = None, optimized: bool = True, *,
        argnums: Any = None) -> Callable:
    """Like JAX's ``jax.jvp``: ``jvp(f)(primals, tangents) -> (value, tangent)``, by forward
    mode.  ``primals`` are all of ``f``'s positional arguments; ``tangents`` a tuple with one
    tangent per ``wrt`` argument (by default, every positional argument).  ``argnums`` is
    JAX's name for ``wrt``."""
    wrt = _alias(wrt, argnums, "jvp", None)
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
    wrt = _alias(wrt, argnums, "hvp", 0)
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


def jacobian(func: Callable, wrt: Any = None, mode: str | None = None,
             optimized: bool = True, *, argnums: Any = None) -> Callable:
    """The Jacobian of ``func``, as ``jax.jacobian``: with ``wrt`` one argument (an index or a
    name), an array shaped ``output.shape + argument.shape``; with a tuple or list of
    arguments, a tuple of such blocks, one per argument, in the order of ``wrt``.  ``mode`` is
    ``'forward'`` (one pass per input element) or ``'reverse'`` (one pass per output
    element, for every argument at once); by default the cheaper one for the sizes at hand.
    ``wrt`` defaults to the first argument; ``argnums`` is JAX's name for it.  A function
    returning a tuple of arrays gets a tuple with the Jacobian of each, as in JAX."""
    wrt = _alias(wrt, argnums, "jacobian", 0)
    if mode not in (None, "forward", "reverse"):
        raise TangentlikeError(f"mode must be 'forward', 'reverse' or None, not {mode!r}")

    name = getattr(func, "__name__", "the function")

    def jac(*args: Any) -> Any:
        args, indices = _arguments(func, wrt, args, "jacobian")
        y = func(*args)
        several_out = type(y) is tuple  # a tuple of outputs: a tuple of Jacobians, as JAX's
        parts = list(y) if several_out else [y]
        for k, part in enumerate(parts):
            if isinstance(part, (tuple, list, dict)) or (
                    isinstance(y, (list, dict)) and not several_out):
                what = f"part {k} of its output" if several_out else "its output"
                raise InputError(f"jacobian({name}): {what} is {_a(type(part).__name__)}; "
                                 "jacobian takes outputs that are arrays or floats, or a "
                                 "tuple of them", hint="return a tuple of arrays, or stack "
                                 "the parts into one array (np.stack, np.concatenate)")
        shapes = [np.shape(part) for part in parts]
        size_in = sum(int(np.size(args[i])) for i in indices)
        size_out = sum(int(np.size(part)) for part in parts)
        chosen = mode or ("forward" if size_in <= size_out else "reverse")
        blocks: list[list[Any]] = [[None] * len(indices) for _ in parts]
        if chosen == "forward":
            for j, i in enumerate(indices):
                df = autodiff(func, wrt=i, optimized=optimized, mode="forward")
                columns = [df(*args, **{df.seeds[0]: e}) for e in _basis(args[i])]
                for k, shape in enumerate(shapes):
                    blocks[k][j] = _block([c[k] if several_out else c for c in columns],
                                          shape + np.shape(args[i]))
        else:
            df = autodiff(func, wrt=tuple(indices), optimized=optimized, mode="reverse",
                          input_derivative=INPUT_DERIVATIVE.DefaultOne)
            zeros = [_zero(part) for part in parts]
            for k, part in enumerate(parts):
                seeds = ([(*zeros[:k], u, *zeros[k + 1:]) for u in _basis(part)]
                         if several_out else list(_basis(part)))
                rows = [df(*args, **{df.seed: u}) for u in seeds]
                if len(indices) == 1:
                    rows = [(row,) for row in rows]
                for j, i in enumerate(indices):
                    blocks[k][j] = _block([row[j] for row in rows], shapes[k] + np.shape(args[i]),
                                          0)
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
    wrt = _alias(wrt, argnums, "hessian", 0)

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


def jacfwd(func: Callable, argnums: Any = 0, *, optimized: bool = True) -> Callable:
    """JAX's ``jacfwd``: the Jacobian by forward mode, one pass per input element.  With
    ``argnums`` one argument (an index or a name), an array shaped ``output.shape +
    argument.shape``; with a tuple, a tuple of such blocks.  See :func:`jacobian`."""
    return jacobian(func, argnums=argnums, mode="forward", optimized=optimized)


def jacrev(func: Callable, argnums: Any = 0, *, optimized: bool = True) -> Callable:
    """JAX's ``jacrev``: the Jacobian by reverse mode, one pass per output element (for
    every argument at once); shapes as :func:`jacfwd`'s."""
    return jacobian(func, argnums=argnums, mode="reverse", optimized=optimized)


_TANGENT_VJP = ("tangentlike.vjp follows JAX: value, vjp_fn = vjp(f, *primals). Tangent's "
                "tangent.vjp(f, wrt=...) is tangentlike.autodiff(f, wrt=..., mode='reverse'), "
                "called as df(*args, cotangent)")


def held_constant(x: Any) -> bool:
    """An argument JAX-style functions do not differentiate, as JAX does not differentiate
    integer inputs: integers (Python ints, integer arrays), booleans, strings, None, other
    objects.  Floats, floating point (and complex, refused later) arrays and scalars, and
    tuples, lists and dicts are differentiated."""
    if isinstance(x, (bool, np.bool_, int, np.integer)):
        return True
    if isinstance(x, (float, complex, tuple, list, dict)):
        return False
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.kind not in "fc"
    return True


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
    primals, _ = _check_inputs(primals, {}, wrt, params, name)
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
                      else _a(type(v).__name__))
        if isinstance(v, (tuple, list)) and len(v) == len(y):
            return next((f"[{i}]: {m}" for i, (a, b) in enumerate(zip(v, y))
                         if (m := _mismatch(a, b)) is not None), None)
        got = (f"a {type(v).__name__} of {len(v)}" if isinstance(v, (tuple, list))
               else _a(type(v).__name__))
        return f"the output is a {kind} of {len(y)}, the cotangent {got}"
    if np.shape(v) != np.shape(y):
        return f"the output has shape {np.shape(y)}, the cotangent {np.shape(v)}"
    return None


def vjp(func: Callable, *primals: Any, has_aux: bool = False,
        **tangent_options: Any) -> tuple[Any, ...]:
    """JAX's ``vjp``: ``value, vjp_fn = vjp(f, *primals)``, and ``vjp_fn(cotangent)`` is the
    tuple of cotangents ``cotangent^T J``, one per primal.  Primals that are not floating
    point (integers, booleans, strings, ...) are held constant, as JAX holds integer inputs,
    and get None (JAX's float0 zeros).

    The forward sweep (split motion) runs once, here; each ``vjp_fn`` call runs the backward
    sweep on a copy of what it saved, so ``vjp_fn`` may be called again with other
    cotangents.  With ``has_aux=True``, ``f`` returns ``(value, aux)`` and ``vjp`` returns
    ``(value, vjp_fn, aux)``; the cotangent is for ``value`` only.  (Tangent's ``vjp(f,
    wrt=...)`` is ``autodiff(f, wrt=..., mode="reverse")``.)
    """
    if tangent_options:
        raise InputError(f"vjp takes no {', '.join(map(repr, tangent_options))}: its "
                         "signature is JAX's, vjp(f, *primals, has_aux=False)",
                         hint=_TANGENT_VJP)
    primals, wrt, name = _primals_of(func, primals, "vjp")
    df = autodiff(func, wrt=wrt, motion="split", input_derivative=INPUT_DERIVATIVE.Required)
    current = df.current()  # forward and backward halves of one generation
    out, saved = current.forward(*primals)
    aux = None
    if has_aux:
        out, aux = _pair(out, "vjp", name)
    keep = {id(p) for p in primals}

    def vjp_fn(cotangent: Any) -> tuple:
        """The cotangents of the primals for ``cotangent`` (shaped like the value)."""
        where = f"the cotangent passed to vjp({name})'s vjp_fn"
        problem = _mismatch(cotangent, out)
        if problem is not None:
            raise InputError(f"{where} is not shaped like {name}'s value: {problem}",
                             hint="pass a cotangent of the value's structure and shape")
        cotangent = _check_tangent(cotangent, out, where)
        seed = (cotangent, runtime.zeros_like(aux)) if has_aux else cotangent
        grads = current.backward(_fresh(saved, keep, {}), *primals, **{current.seed: seed})
        by_index = dict(zip(wrt, grads if len(wrt) > 1 else (grads,)))
        return tuple(by_index.get(i) for i in range(len(primals)))

    vjp_fn.source = current.source
    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def linearize(func: Callable, *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """JAX's ``linearize``: ``value, jvp_fn = linearize(f, *primals)``, and
    ``jvp_fn(*tangents)`` is the tangent of the output, ``J @ tangents``, with one tangent per
    primal (that of a primal held constant, an integer or a string, is ignored: pass None).
    Built on forward mode: each ``jvp_fn`` call runs the forward-mode derivative at the
    primals (about the cost of two calls of ``f``).  With ``has_aux=True``, ``f`` returns
    ``(value, aux)`` and ``linearize`` returns ``(value, jvp_fn, aux)``; ``jvp_fn`` gives the
    tangent of ``value`` only."""
    primals, wrt, name = _primals_of(func, primals, "linearize")
    df = autodiff(func, wrt=wrt, mode="forward", preserve_result=True)
    seeds = df.seeds
    _, value = df(*primals, **{s: runtime.zeros_like(primals[i]) for s, i in zip(seeds, wrt)})
    aux = None
    if has_aux:
        value, aux = _pair(value, "linearize", name)

    def jvp_fn(*tangents: Any) -> Any:
        """The tangent of the output for one tangent per primal."""
        if len(tangents) != len(primals):
            raise InputError(f"linearize({name})'s jvp_fn takes {len(primals)} tangent(s), "
                             f"one per primal; got {len(tangents)}",
                             hint="pass one tangent shaped like each primal, in order")
        tangent, _ = df(*primals, **{s: tangents[i] for s, i in zip(seeds, wrt)})
        return tangent[0] if has_aux else tangent

    jvp_fn.source = df.source
    return (value, jvp_fn, aux) if has_aux else (value, jvp_fn)


def value_and_grad(func: Callable | None = None, wrt: Any = None, optimized: bool = True,
                   verbose: int | None = None, *, argnums: Any = None,
                   has_aux: bool = False) -> Callable:
    """Like JAX's: ``f(*args) -> (value, gradient)``, both from one generated function.

    ``wrt`` (default: the first argument) or JAX's ``argnums``: an int (or ``wrt=(i,)``)
    gives one gradient, a tuple of several (or ``argnums=(i,)``) a tuple.  With
    ``has_aux=True``, ``func`` returns ``(value, aux)`` and the result is
    ``((value, aux), gradient)``, as JAX's; only the value is differentiated."""
    if func is None:
        return lambda f: value_and_grad(f, wrt=wrt, optimized=optimized, verbose=verbose,
                                        argnums=argnums, has_aux=has_aux)
    one_tuple = _one_tuple(argnums)
    wrt = _alias(wrt, argnums, "value_and_grad", (0,))
    if has_aux:
        run, df = _aux_gradient(func, wrt, optimized, True, verbose, "value_and_grad")

        @functools.wraps(df)
        def vg_aux(*args: Any, **kwargs: Any) -> tuple[tuple[Any, Any], Any]:
            value, aux, grads = run(*args, **kwargs)
            return (value, aux), ((grads,) if one_tuple else grads)

        vg_aux.source = df.source
        return vg_aux
    df = grad(func, wrt=wrt, optimized=optimized, preserve_result=True, verbose=verbose)

    @functools.wraps(df)
    def vg(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        *grads, value = df(*args, **kwargs)
        return value, (grads[0] if len(grads) == 1 and not one_tuple else tuple(grads))

    vg.source = df.source
    return vg


def init_grad(x: Any) -> Any:
    """A zero derivative shaped like ``x`` (containers too): Tangent's ``init_grad``."""
    return runtime.zeros_like(x)
