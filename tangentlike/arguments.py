"""The checks of a derivative's arguments (what may be differentiated, and its tangents),
and the small argument conventions the API shares (``argnums``, ``has_aux`` pairs)."""
from __future__ import annotations

import threading
import types
from typing import Any

import numpy as np

from tangentlike import runtime
from tangentlike.errors import InputError
from tangentlike.runtime import plain, pytrees
from tangentlike.runtime.libraries import floating_dtype, library_of

_KINDS = ("floats, complex numbers, floating point and complex arrays (float64, float32, "
          "float16, complex128, complex64), and tuples, lists, "
          "dicts, dataclasses, named tuples, registered pytrees and plain objects of them")


def _rebuild(x: Any, items: list) -> Any:
    """A tuple or list like ``x`` (a namedtuple stays one) holding ``items``."""
    if isinstance(x, list):
        return items if type(x) is list else type(x)(items)
    if type(x) is tuple:
        return tuple(items)
    return type(x)._make(items) if hasattr(x, "_fields") else type(x)(items)


def check_value(x: Any, where: str) -> Any:
    """A differentiated value, checked: floats, complex numbers, floating point and complex
    arrays, and tuples, lists and dicts of them (the gradient has the same structure).
    Python and NumPy integer scalars come back as floats; integer and boolean arrays raise
    ``InputError``."""
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
            return x
        if isinstance(x, np.generic) and dtype.kind in "iu":
            return np.float64(x)
        if isinstance(x, np.ndarray):
            raise InputError(
                f"{where} is an array of {dtype}, which has no derivative",
                hint="pass floating point values, e.g. x.astype(float), or leave it out of wrt")
    if isinstance(x, (float, complex)):
        return x
    if isinstance(x, int):
        return float(x)
    library = library_of(x)
    if library is not None:  # a Dask, CuPy, array-API array: differentiated on its library
        if not floating_dtype(x.dtype):
            raise InputError(
                f"{where} is a {library.name} array of {x.dtype}, which has no derivative",
                hint="pass floating point values, or leave it out of wrt")
        return x
    if pytrees.is_node(x):
        return _check_node(x, where)
    if isinstance(x, (tuple, list)):
        items = [check_value(item, f"{where}[{i}]") for i, item in enumerate(x)]
        if all(a is b for a, b in zip(items, x)):
            return x
        return _rebuild(x, items)
    if isinstance(x, dict):
        checked = {key: check_value(item, f"{where}[{key!r}]") for key, item in x.items()}
        if all(checked[key] is item for key, item in x.items()):
            return x
        out = x.copy()
        out.update(checked)
        return out
    what = "None" if x is None else article(type(x).__name__)
    hint = "pass an array, or leave the argument out of wrt"
    problem = None
    if plain.user_class(type(x)):
        name = type(x).__name__
        problem = plain.plain_problem(type(x))
        hint = (f"make {name} a @dataclass or a NamedTuple, or register it with "
                f"tangentlike.register_pytree({name}, flatten, unflatten); or leave the "
                "argument out of wrt")
    why = f" ({what} is not a plain object: {problem})" if problem else ""
    raise InputError(
        f"{where} is {what}; tangentlike differentiates with respect to {_KINDS}{why}",
        hint=hint)


def _node_where(x: Any, where: str, i: int) -> str:
    if pytrees.registered(type(x)):
        return f"{where} (child {i} of {type(x).__name__})"
    return f"{where}.{pytrees.child_names(x)[i]}"


_VISITING = threading.local()  # .ids: the nodes being checked in this thread, outermost first


def _check_node(x: Any, where: str) -> Any:
    """A dataclass, named tuple, registered pytree or plain object, its children that carry a
    derivative checked (the others are static: ints, strings, None, objects of classes that
    are not plain, integer arrays).  A node that holds itself is refused."""
    visiting = _VISITING.__dict__.setdefault("ids", [])
    if id(x) in visiting:
        raise InputError(
            f"{where} is {article(type(x).__name__)} that holds itself (through its "
            "attributes): a derivative of it would have no end",
            hint="keep the back reference (a parent, an owner) out of the differentiated "
            "object, e.g. in an argument that is not in wrt")
    visiting.append(id(x))
    try:
        return _check_children(x, where)
    finally:
        visiting.pop()


def _check_children(x: Any, where: str) -> Any:
    children = pytrees.children(x)
    for i, c in enumerate(children):
        if pytrees.foreign_array(c) and library_of(c) is None:
            raise InputError(
                f"{_node_where(x, where, i)} is {article(type(c).__name__)}, an array of "
                "another library, which tangentlike does not differentiate",
                hint="hold a NumPy array there (np.asarray(...)), or leave the argument out "
                "of wrt")
    items = [check_value(c, _node_where(x, where, i)) if pytrees.carries(c) else c
             for i, c in enumerate(children)]
    if all(a is b for a, b in zip(items, children)):
        return x
    return pytrees.rebuild(x, items)


def article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def has_complex(x: Any) -> bool:
    """``x`` is, or holds, a complex number or array."""
    if isinstance(x, (complex, np.ndarray, np.generic)):
        return np.iscomplexobj(x)
    if isinstance(x, (tuple, list)):
        return any(map(has_complex, x))
    if isinstance(x, dict):
        return any(map(has_complex, x.values()))
    return pytrees.is_node(x) and any(map(has_complex, pytrees.children(x)))


def refuse_complex(x: Any, what: str, where: str) -> None:
    """Second derivatives and Jacobians of complex arguments are not taken yet."""
    if has_complex(x):
        raise InputError(
            f"{where} is complex: {what} of complex arguments are not supported yet",
            hint="use grad (of a real-valued function) or jvp, which take complex arguments; "
            "or differentiate with respect to the real and imaginary parts as two float "
            "arguments (z = re + 1j * im inside the function)")


def check_tangent(v: Any, x: Any, where: str) -> Any:
    """A forward-mode seed ``v`` for the (checked) differentiated value ``x``: integers are
    taken as floats, and floating point tangents get ``x``'s precision, so that float32
    inputs give float32 tangents (a complex input's tangent is complex); boolean tangents, and
    complex tangents of real inputs, raise ``InputError``."""
    dtype = x.dtype if isinstance(x, (np.ndarray, np.floating)) else None
    if isinstance(v, (bool, np.bool_)) or (isinstance(v, np.ndarray) and v.dtype.kind == "b"):
        raise InputError(f"{where} is boolean; a tangent is a float or floating point array "
                         "shaped like its argument")
    if (isinstance(v, complex) or (isinstance(v, (np.ndarray, np.generic))
                                   and v.dtype.kind == "c")) and not np.iscomplexobj(x):
        raise InputError(f"{where} is complex, but its argument is real: a real value "
                         "only moves in real directions",
                         hint="pass a real tangent, or make the argument complex "
                         "(x.astype(complex)) to differentiate in complex directions")
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
    if pytrees.is_node(x):
        return _check_node_tangent(v, x, where)
    if isinstance(v, (tuple, list)) and isinstance(x, (tuple, list)) and len(v) == len(x):
        items = [check_tangent(a, b, f"{where}[{i}]") for i, (a, b) in enumerate(zip(v, x))]
        return v if all(a is b for a, b in zip(items, v)) else _rebuild(v, items)
    if isinstance(v, dict) and isinstance(x, dict) and v.keys() == x.keys():
        checked = {k: check_tangent(v[k], x[k], f"{where}[{k!r}]") for k in v}
        if all(checked[k] is v[k] for k in v):
            return v
        out = v.copy()
        out.update(checked)
        return out
    return v


def _check_node_tangent(v: Any, x: Any, where: str) -> Any:
    """The tangent of a dataclass, named tuple or registered pytree: an object of the same
    type (a tuple will do for a named tuple), its children checked; a static child's tangent
    is taken as zero, whatever it holds."""
    mine = pytrees.children(x)
    if type(v) is type(x):
        theirs = pytrees.aligned_children(v, x)
    elif pytrees.is_namedtuple(x) and not pytrees.registered(type(x)) and isinstance(
            v, (tuple, list)):
        theirs = list(v)
    else:
        theirs = None
    if theirs is None or len(theirs) != len(mine):
        raise InputError(f"{where} is {article(type(v).__name__)}, but its argument is "
                         f"{article(type(x).__name__)}: a tangent has its argument's type "
                         "and structure", hint=f"pass a {type(x).__name__} of tangents")
    items = [check_tangent(t, c, _node_where(x, where, i)) if pytrees.carries(c)
             else runtime.zeros_like(c) for i, (t, c) in enumerate(zip(theirs, mine))]
    return pytrees.rebuild(x, items)


def gradients_like(grads: Any, args: tuple, kwargs: dict, wrt: tuple[int, ...],
                   params: list[str], value: bool = False) -> Any:
    """The result of a gradient (one per ``wrt`` argument, a tuple when several; with
    ``value``, the value last), each with its argument's node types: a named tuple unpacked
    in the function has its adjoint computed as a plain tuple (``pytrees.restructure``)."""
    if value:
        *parts, result = grads
        parts = gradients_like(tuple(parts) if len(wrt) > 1 else parts[0], args, kwargs,
                               wrt, params)
        return (*parts, result) if len(wrt) > 1 else (parts, result)
    if len(wrt) == 1:
        return pytrees.restructure(grads, _argument(args, kwargs, wrt[0], params))
    n = len(args)
    for i in wrt:  # arrays and floats only (the common case): nothing to restructure
        kind = type(args[i]) if i < n else type(kwargs.get(params[i]))
        if kind is not np.ndarray and kind is not float:
            break
    else:
        return grads
    out = tuple(pytrees.restructure(g, _argument(args, kwargs, i, params))
                for g, i in zip(grads, wrt))
    return grads if all(a is b for a, b in zip(out, grads)) else out


def _argument(args: tuple, kwargs: dict, i: int, params: list[str]) -> Any:
    return args[i] if i < len(args) else kwargs.get(params[i])


def check_inputs(args: tuple, kwargs: dict, wrt: tuple[int, ...], params: list[str],
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
        checked = check_value(x, f"argument {i} ({params[i]}) of {name}")
        if checked is not x:
            if i < len(args):
                args = (*args[:i], checked, *args[i + 1:])
            else:
                kwargs = {**kwargs, params[i]: checked}
    return args, kwargs


def check_seeds(args: tuple, kwargs: dict, wrt: tuple[int, ...], params: list[str],
                 seeds: tuple[str, ...], name: str) -> dict:
    """``kwargs`` with each forward-mode seed checked by ``_check_tangent``."""
    for i, seed in zip(wrt, seeds):
        if seed not in kwargs:
            continue
        x = args[i] if i < len(args) else kwargs.get(params[i])
        v = kwargs[seed]
        if type(v) is float and type(x) is float:
            continue
        checked = check_tangent(v, x, f"the tangent {seed} of argument {i} ({params[i]}) "
                                       f"of {name}")
        if checked is not v:
            kwargs = {**kwargs, seed: checked}
    return kwargs


def alias(wrt: Any, argnums: Any, where: str, default: Any) -> Any:
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


def one_tuple(argnums: Any) -> bool:
    """``argnums`` is a tuple or list of one argument: JAX then returns a tuple of one."""
    return isinstance(argnums, (tuple, list)) and len(argnums) == 1


def pair(out: Any, where: str, name: str) -> tuple[Any, Any]:
    """``(loss, aux)``: what a function differentiated with ``has_aux=True`` returns."""
    if type(out) is tuple and len(out) == 2:
        return out
    got = (f"a tuple of {len(out)}" if isinstance(out, tuple)
           else article(type(out).__name__))
    raise InputError(f"{where}({name}, has_aux=True): {name} must return a pair (value, aux); "
                     f"it returned {got}",
                     hint="return value, aux (a tuple of two), or drop has_aux=True")


def bound_method(func: Any) -> tuple[Any, Any] | None:
    """``(function, object)`` for a method bound to an object (``model.loss``), else None:
    its derivative is the function's, with the object passed first."""
    if isinstance(func, types.MethodType) and not isinstance(func.__self__, type):
        return func.__func__, func.__self__
    return None


def shifted(wrt: Any) -> Any:
    """``wrt`` of a bound method's parameters (indices after ``self``) as the function's."""
    if isinstance(wrt, int) and not isinstance(wrt, bool):
        return wrt + 1
    if isinstance(wrt, (tuple, list)):
        return type(wrt)(shifted(w) for w in wrt)
    return wrt  # names are the same


def register_pytree(cls: type, flatten: Any, unflatten: Any) -> type:
    """Make objects of ``cls`` differentiable inputs, like JAX's
    ``register_pytree_node``: ``flatten(obj)`` returns ``(children, aux)`` (a tuple or list of
    the values a derivative flows through, and anything static), and
    ``unflatten(aux, children)`` builds an object from them.  The gradient with respect to such
    an object is ``unflatten(aux, gradients of the children)``; reading ``obj.attr`` in the
    differentiated function is followed to the child that attribute holds (the same object).
    Dataclasses and named tuples need no registration.  Returns ``cls``."""
    if not isinstance(cls, type):
        raise InputError(f"register_pytree takes a class, not {article(type(cls).__name__)}",
                         hint="pass the class itself: register_pytree(MyClass, flatten, "
                         "unflatten)")
    for name, fn in (("flatten", flatten), ("unflatten", unflatten)):
        if not callable(fn):
            raise InputError(f"register_pytree({cls.__name__}, ...): {name} is not callable",
                             hint="flatten(obj) -> (children, aux); unflatten(aux, children) "
                             "-> obj")
    pytrees.register(cls, flatten, unflatten)
    return cls
