"""The public functions: ``grad``, ``autodiff``, ``value_and_grad`` (Tangent-compatible), and
:class:`DerivativeFunction`, what they return.  The JAX-style functions are in
``jax_style.py``, the checks of the arguments in ``arguments.py``."""
from __future__ import annotations

import enum
import functools
import weakref
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from tangentlike import runtime
from tangentlike.arguments import (
    alias,
    bound_method,
    check_inputs,
    check_seeds,
    gradients_like,
    one_tuple,
    pair,
    shifted,
)
from tangentlike.core import collection
from tangentlike.core.guards import Regenerating, note_for, unwrap
from tangentlike.errors import CompiledBackendError, InputError, TangentlikeError
from tangentlike.frontend import functions, lifting
from tangentlike.frontend.parsing import parameters_of, parse_function
from tangentlike.pipeline import (
    Derivative,
    Options,
    clear_pairs,
    compile_derivative,
    generation_lock,
    resolve_wrt,
)
from tangentlike.rules.checkpoint import checkpoint
from tangentlike.runtime import pytrees
from tangentlike.versions.compiled import Compiled, numba_module
from tangentlike.versions.dispatch import Check, Finish, Version, Versions, version_of

BACKENDS = ("python", "numba")


class INPUT_DERIVATIVE(enum.Enum):  # noqa: N801  (Tangent's name)
    """Whether the output seed must be passed (``Required``) or defaults to 1.0."""

    Required = 1
    DefaultOne = 2


class BoundDerivative:
    """The derivative of a bound method (``grad(model.loss)``): the derivative of its
    function (``Model.loss``) called with the object first, so that it reads the object's
    attributes as they are at each call; ``source``, ``version_for``, ``debug`` and the rest
    are the function's derivative's."""

    def __init__(self, derivative: DerivativeFunction, obj: Any):
        self.derivative, self.obj = derivative, obj
        self.__name__ = getattr(derivative, "__name__", "derivative")
        self.__doc__ = derivative.__doc__

    def supplied(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """The arguments the derivative is called with, for the caller's."""
        return (self.obj, *args), kwargs

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = self.supplied(args, kwargs)
        return self.derivative(*args, **kwargs)

    def debug(self, *args: Any, general: bool = False, **kwargs: Any) -> Any:
        args, kwargs = self.supplied(args, kwargs)
        return self.derivative.debug(*args, general=general, **kwargs)

    def version_for(self, *args: Any, **kwargs: Any) -> Version:
        args, kwargs = self.supplied(args, kwargs)
        return self.derivative.version_for(*args, **kwargs)

    def source_for(self, *args: Any, **kwargs: Any) -> str:
        args, kwargs = self.supplied(args, kwargs)
        return self.derivative.source_for(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.derivative, name)

    def __repr__(self) -> str:
        return f"<derivative of {type(self.obj).__name__}.{self.derivative.__name__}>"


class CapturedDerivative(BoundDerivative):
    """The derivative of a closure with respect to values it captured
    (``grad(loss, wrt="data")``): the derivative of the closure with those free variables
    as keyword-only parameters, called with its cells' values as they are at each call."""

    def __init__(self, derivative: DerivativeFunction, closure: Callable,
                 names: tuple[str, ...]):
        super().__init__(derivative, closure)
        code = closure.__code__
        self.cells = {n: c for n, c in zip(code.co_freevars, closure.__closure__)
                      if n in names}

    def supplied(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        return args, {**{n: c.cell_contents for n, c in self.cells.items()}, **kwargs}

    def __repr__(self) -> str:
        return f"<derivative of the closure {self.obj.__name__} with respect to " \
            f"{', '.join(self.cells)}>"


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


def _make_callable(derivative: Derivative, options: Options, name: str,
                   user: Callable | None = None) -> Callable:
    wrt = options.wrt
    params = derivative.parameters
    n_params = derivative.positional
    specializer = None
    if derivative.seeds:  # forward mode: seeds after the arguments, or by name
        seeds = derivative.seeds

        def check(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
            args, kwargs = check_inputs(args, kwargs, wrt, params, name)
            return args, check_seeds(args, kwargs, wrt, params, seeds, name)

        specializer, jvp_function = _checked_call(derivative, check, options, user)

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
            return check_inputs(args, kwargs, wrt, params, name)

        specializer, df = _checked_call(derivative, check, options, user,
                                        _gradients(wrt, params, options.preserve_result))
        df = functools.wraps(derivative.function)(df)
    else:
        forward, backward = derivative.function, derivative.backward

        def df(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = check_inputs(args, kwargs, wrt, params, name)
            primal, seed = args[:n_params], args[n_params:]
            primal_kwargs = {k: v for k, v in kwargs.items() if k != derivative.seed}
            value, saved = forward(*primal, **primal_kwargs)
            grads = gradients_like(backward(saved, *primal, *seed, **kwargs), args, kwargs,
                                   wrt, params)
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


def _gradients(wrt: tuple[int, ...], params: list[str], value: bool) -> Finish:
    """The gradients a joint derivative returns, each with its argument's structure
    (``gradients_like``), which leaves them unchanged where every differentiated argument is
    an array, a float, or a plain tuple, list or dict of them (none registered as a pytree
    node), and the value is not returned with them."""

    def apply(grads: Any, args: tuple, kwargs: dict) -> Any:
        return gradients_like(grads, args, kwargs, wrt, params, value)

    def needed(args: tuple, kwargs: dict) -> bool:
        if value or pytrees.registered(tuple) or pytrees.registered(list) or \
                pytrees.registered(dict):
            return True
        n = len(args)
        return not all(_plain(args[i] if i < n else kwargs.get(params[i])) for i in wrt)

    return Finish(apply, needed)


def _plain(x: Any) -> bool:
    """``x`` is an array, a float, or a tuple, list or dict (exactly) of such values."""
    kind = type(x)
    if kind is np.ndarray or kind is float:
        return True
    if kind is tuple or kind is list:
        return all(_plain(v) for v in x)
    return kind is dict and all(_plain(v) for v in x.values())


def _checked_call(derivative: Derivative, check: Check, options: Options,
                  user: Callable | None = None,
                  finish: Finish | None = None) -> tuple[Any, Callable]:
    """The function that checks the arguments and runs the derivative, its result then
    ``finish``ed: the dispatcher to its versions by shape (which checks only at the first
    calls of a signature) when it can have them, else a plain wrapper; with
    ``backend="numba"``, to those versions compiled."""
    if options.backend == "numba" and derivative.tree is None:
        raise CompiledBackendError(
            f"backend=\"numba\" compiles the versions of an optimized derivative; "
            f"{getattr(user, '__name__', 'this function')}'s has none (optimized=False?)",
            hint="use optimized=True, or backend=\"python\"")
    if derivative.tree is None:
        function = derivative.function

        def call(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = check(args, kwargs)
            return function(*args, **kwargs)

        return None, _finished(call, finish)
    specializer = Versions(derivative.function, derivative.tree, set(derivative.temporaries),
                           derivative.scope, check, derivative.numbers, derivative.source,
                           derivative.path, derivative.names)
    if options.backend == "numba":
        compiled = Compiled(specializer, user)
        return compiled, _finished(compiled.dispatcher(), finish)
    return specializer, specializer.dispatcher(finish)


def _finished(call: Callable, finish: Finish | None) -> Callable:
    """``call``, its result ``finish``ed."""
    if finish is None:
        return call
    apply = finish.apply

    def finished(*args: Any, **kwargs: Any) -> Any:
        return apply(call(*args, **kwargs), args, kwargs)

    return finished


def wrt_indices(func: Callable, wrt: Any) -> tuple[int, ...]:
    """``resolve_wrt``, remembered per function (for a bound method, indices after
    ``self``)."""
    bound = bound_method(func)
    if bound is not None:
        return tuple(i - 1 for i in wrt_indices(bound[0], shifted(wrt)))
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
    with generation_lock, collection.paused():
        derivative = compile_derivative(func, options)
        df = _make_callable(derivative, options, func.__name__, unwrap(func))
    df.guards = derivative.guards
    return df


def autodiff(func: Callable, wrt: Any = None, optimized: bool = True, motion: str = "joint",
             mode: str = "reverse", preserve_result: bool = False, check_dims: bool = True,
             input_derivative: INPUT_DERIVATIVE = INPUT_DERIVATIVE.Required,
             verbose: int | None = None, *, argnums: Any = None,
             backend: str = "python", snapshots: int | None = None) -> Callable:
    """Generate the derivative of ``func`` as Python source and return it as a function.

    Reverse mode returns ``df(*args, init_grad)``: the gradient with respect to each ``wrt``
    argument (a tuple when several), then the value when ``preserve_result``.  With
    ``motion='split'`` the function has ``.forward`` and ``.backward`` halves.  Forward mode
    returns ``df(*args, *tangents)``, one seed tangent per ``wrt`` argument: the output's
    tangent (the Jacobian-vector product), then the value when ``preserve_result``.

    ``wrt`` (default: the first argument) takes indices or names; ``argnums`` is its JAX
    name.  autodiff returns the generated function itself, in Tangent's convention: one
    gradient, not a tuple, for ``wrt=(i,)`` and ``argnums=(i,)`` alike (``grad`` follows JAX).

    ``backend="numba"`` (optional: ``pip install tangentlike[numba]``) runs the version of
    the derivative for each call's argument types and shapes compiled by numba: the same
    source (``df.source_for(*args)``); where numba cannot compile it, the first call raises
    a :class:`~tangentlike.errors.CompiledBackendError` saying why (see
    docs/performance.md).

    ``snapshots=k`` (reverse mode; forward mode ignores it) checkpoints each
    ``for i in range(n)`` loop at the function's top level: its backward sweep keeps at most
    ``k`` snapshots of the loop's state and runs steps again from them (binomial
    checkpointing), instead of saving every step (docs/guide.md, "Loops under a memory
    budget").
    """
    wrt = alias(wrt, argnums, "autodiff", (0,))
    _check_backend(backend, motion)
    bound = bound_method(func)
    if bound is not None:  # model.loss: the derivative of Model.loss, with the model first
        function, obj = bound
        return BoundDerivative(autodiff(
            function, wrt=shifted(wrt), optimized=optimized, motion=motion, mode=mode,
            preserve_result=preserve_result, check_dims=check_dims,
            input_derivative=input_derivative, verbose=verbose, backend=backend,
            snapshots=snapshots), obj)
    captured = lifting.captured_wrt(func, wrt)
    if captured:  # grad(loss, wrt="data"): data, a value the closure captured
        return CapturedDerivative(autodiff(
            lifting.lift_closure(func, captured), wrt=wrt, optimized=optimized,
            motion=motion, mode=mode, preserve_result=preserve_result, check_dims=check_dims,
            input_derivative=input_derivative, verbose=verbose, backend=backend,
            snapshots=snapshots), func, captured)
    if mode not in ("reverse", "forward"):
        raise TangentlikeError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    if motion not in ("joint", "split"):
        raise TangentlikeError(f"motion must be 'joint' or 'split', not {motion!r}")
    if snapshots is not None and (isinstance(snapshots, bool) or not isinstance(
            snapshots, int) or snapshots < 1):
        raise InputError(f"snapshots must be a whole number of at least 1, not {snapshots!r}",
                         hint="snapshots=20 keeps at most 20 states of each loop")
    if mode == "forward":
        snapshots = None  # forward mode saves nothing
    given, func = func, unwrap(func)  # a derivative's generated function: the current one
    if not hasattr(func, "__code__"):
        parse_function(func)  # raises SourceUnavailableError for builtins and ufuncs
    request = (tuple(wrt) if isinstance(wrt, (tuple, list)) else wrt, mode, motion, optimized,
               preserve_result, check_dims, input_derivative, backend, snapshots)
    df = _cached(func, request)
    if df is None:
        with generation_lock:  # one thread generates it; the others then find it here
            df = _cached(func, request)
            if df is None:
                options = Options(wrt=wrt_indices(func, wrt), mode=mode, motion=motion,
                                  optimized=optimized, preserve_result=preserve_result,
                                  check_dims=check_dims,
                                  seed_required=input_derivative is INPUT_DERIVATIVE.Required,
                                  backend=backend, snapshots=snapshots)
                df = DerivativeFunction(functools.partial(_generate, given, options),
                                        note_for(func, verbose))
                _remember(func, request, df)
    if verbose:
        print(df.source)
    return df


def _check_backend(backend: str, motion: str) -> None:
    """A clear error for an unknown backend, numba missing, or split motion with numba."""
    if backend not in BACKENDS:
        raise InputError(f"backend must be one of {', '.join(map(repr, BACKENDS))}, "
                         f"not {backend!r}", hint="backend=\"python\" (the default) runs "
                         "the generated source; backend=\"numba\" compiles it")
    if backend == "numba":
        numba_module()  # installed? (a CompiledBackendError if not)
        if motion != "joint":
            raise CompiledBackendError(
                "backend=\"numba\" compiles joint derivatives; motion='split' has none",
                hint="use motion='joint', or backend=\"python\"")


def grad(func: Callable | None = None, wrt: Any = None, optimized: bool = True,
         preserve_result: bool = False, check_dims: bool = True, verbose: int | None = None,
         motion: str = "joint", *, argnums: Any = None, has_aux: bool = False,
         backend: str = "python", snapshots: int | None = None) -> Callable:
    """The gradient of ``func``: ``df(*args, init_grad=1.0)``.  Usable as a decorator,
    bare (``@grad``) or with arguments (``@grad(wrt=(0, 1))``).

    ``wrt`` (default: the first argument) follows Tangent: ``wrt=(i,)`` gives one gradient.
    ``argnums`` is JAX's name for it and follows JAX: an int gives one gradient, a tuple a
    tuple.  With ``has_aux=True``, ``func`` returns ``(loss, aux)`` and ``df`` returns
    ``(gradient, aux)``: only the loss is differentiated.  ``backend="numba"``: see
    :func:`autodiff` (not with ``has_aux``).  ``snapshots=k``: loops under a memory budget
    (see :func:`autodiff`).
    """
    if func is None:
        return lambda f: grad(f, wrt=wrt, optimized=optimized, preserve_result=preserve_result,
                              check_dims=check_dims, verbose=verbose, motion=motion,
                              argnums=argnums, has_aux=has_aux, backend=backend,
                              snapshots=snapshots)
    tuple_of_one = one_tuple(argnums)
    wrt = alias(wrt, argnums, "grad", (0,))
    if has_aux:
        _no_aux_backend(backend, "grad")
        if preserve_result:
            raise InputError("grad takes has_aux=True or preserve_result=True, not both",
                             hint="use value_and_grad(f, has_aux=True), which returns "
                             "((loss, aux), gradient)")
        run, df = _aux_gradient(func, wrt, optimized, check_dims, verbose, "grad", snapshots)

        @functools.wraps(df)
        def grad_and_aux(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
            _, aux, grads = run(*args, **kwargs)
            return ((grads,) if tuple_of_one else grads), aux

        grad_and_aux.source = df.source
        return grad_and_aux
    df = autodiff(func, wrt=wrt, optimized=optimized, motion=motion, mode="reverse",
                  preserve_result=preserve_result, check_dims=check_dims,
                  input_derivative=INPUT_DERIVATIVE.DefaultOne, verbose=verbose,
                  backend=backend, snapshots=snapshots)
    if not tuple_of_one or preserve_result:  # preserve_result keeps Tangent's flat order
        return df

    @functools.wraps(df)
    def gradients(*args: Any, **kwargs: Any) -> tuple:
        return (df(*args, **kwargs),)

    gradients.source = df.source
    return gradients


def _no_aux_backend(backend: str, where: str) -> None:
    if backend != "python":
        _check_backend(backend, "joint")
        raise CompiledBackendError(
            f"{where}(has_aux=True) runs the split derivative, which backend={backend!r} "
            "does not compile", hint="return the loss alone, or use backend=\"python\"")


def _aux_gradient(func: Callable, wrt: Any, optimized: bool, check_dims: bool,
                  verbose: int | None, where: str, snapshots: int | None = None,
                  ) -> tuple[Callable[..., tuple[Any, Any, Any]], Callable]:
    """For ``has_aux``: ``run(*args, **kwargs) -> (loss, aux, gradients)`` and the split
    derivative it runs.  One forward sweep; the backward sweep is seeded with 1.0 (or the
    caller's ``init_grad``) for the loss and zeros for ``aux``, so no derivative flows
    through ``aux``."""
    func = lifting.bound_as_function(func)  # model.loss: the object in a cell
    df = autodiff(func, wrt=wrt, optimized=optimized, motion="split", check_dims=check_dims,
                  input_derivative=INPUT_DERIVATIVE.DefaultOne, verbose=verbose,
                  snapshots=snapshots)
    indices = wrt_indices(func, wrt)
    params, name = parameters_of(unwrap(func)), getattr(func, "__name__", "the function")

    def run(*args: Any, **kwargs: Any) -> tuple[Any, Any, Any]:
        current = df.current()
        seed_name = current.seed
        loss_seed = kwargs.pop(seed_name, None)
        args, kwargs = check_inputs(args, kwargs, indices, params, name)
        out, saved = current.forward(*args, **kwargs)
        loss, aux = pair(out, where, name)
        if loss_seed is None:
            if np.ndim(loss) != 0:
                raise InputError(
                    f"{where}({name}, has_aux=True): the value {name} returns with its aux "
                    f"has shape {np.shape(loss)}; a gradient needs a scalar",
                    hint="reduce the value to a scalar, or pass init_grad= (a seed shaped "
                    "like it) for a vector-Jacobian product")
            if np.iscomplexobj(loss):
                runtime.refuse_complex_output(loss, seed_name)
            loss_seed = 1.0
        seed = (loss_seed, runtime.zeros_like(aux))
        grads = current.backward(saved, *args, **kwargs, **{seed_name: seed})
        return loss, aux, gradients_like(grads, args, kwargs, indices, params)

    return run, df


def value_and_grad(func: Callable | None = None, wrt: Any = None, optimized: bool = True,
                   verbose: int | None = None, *, argnums: Any = None,
                   has_aux: bool = False, backend: str = "python",
                   snapshots: int | None = None) -> Callable:
    """Like JAX's: ``f(*args) -> (value, gradient)``, both from one generated function.

    ``wrt`` (default: the first argument) or JAX's ``argnums``: an int (or ``wrt=(i,)``)
    gives one gradient, a tuple of several (or ``argnums=(i,)``) a tuple.  With
    ``has_aux=True``, ``func`` returns ``(value, aux)`` and the result is
    ``((value, aux), gradient)``, as JAX's; only the value is differentiated.
    ``backend="numba"``: see :func:`autodiff` (not with ``has_aux``); ``snapshots=k``: loops
    under a memory budget (see :func:`autodiff`)."""
    if func is None:
        return lambda f: value_and_grad(f, wrt=wrt, optimized=optimized, verbose=verbose,
                                        argnums=argnums, has_aux=has_aux, backend=backend,
                                        snapshots=snapshots)
    tuple_of_one = one_tuple(argnums)
    wrt = alias(wrt, argnums, "value_and_grad", (0,))
    if has_aux:
        _no_aux_backend(backend, "value_and_grad")
        run, df = _aux_gradient(func, wrt, optimized, True, verbose, "value_and_grad",
                                snapshots)

        @functools.wraps(df)
        def vg_aux(*args: Any, **kwargs: Any) -> tuple[tuple[Any, Any], Any]:
            value, aux, grads = run(*args, **kwargs)
            return (value, aux), ((grads,) if tuple_of_one else grads)

        vg_aux.source = df.source
        return vg_aux
    df = grad(func, wrt=wrt, optimized=optimized, preserve_result=True, verbose=verbose,
              backend=backend, snapshots=snapshots)

    @functools.wraps(df)
    def vg(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        *grads, value = df(*args, **kwargs)
        return value, (grads[0] if len(grads) == 1 and not tuple_of_one else tuple(grads))

    vg.source = df.source
    return vg


def init_grad(x: Any) -> Any:
    """A zero derivative shaped like ``x`` (containers too): Tangent's ``init_grad``."""
    return runtime.zeros_like(x)


# usable inside a function
functions.TRANSFORMS.update({grad, value_and_grad, autodiff, checkpoint})
