"""Pytrees: dataclasses, named tuples, the classes registered with
``tangentlike.register_pytree`` and plain objects as containers of derivatives, like tuples
and dicts.

A *node* is an object of one of these types; its *children* are the dataclass's fields, the
named tuple's items, what the registered ``flatten`` returns, or a plain object's attributes
(its ``__dict__``, in order).  A *plain object* is an object of an ordinary class of yours
(``plain_problem`` says why a class is not one: ``__slots__``, ``__getattr__``, a builtin
base...).  A child *carries* a
derivative when it is a float, a floating point array, or a container (tuple, list, dict,
node); any other child (an int, a string, None, an integer array, a function, an object) is
*static*: a derivative of the node keeps its value, and a tangent's value there is ignored.
A derivative of a node is a node of the same type, built without calling the class (a copy of
the object with its fields replaced, ``_make`` for named tuples, ``unflatten`` for registered
classes, a new object's ``__dict__`` filled for plain objects), so that ``__init__`` and
``__post_init__`` never see derivatives."""
from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from tangentlike.runtime.libraries import dtype_kind
from tangentlike.runtime.plain import plain_problem

_NUMPY_ARRAY = np.ndarray  # NumPy's even where the helpers are rebound (np is a stand-in)

# A registered class: (flatten, unflatten); flatten(obj) -> (children, aux),
# unflatten(aux, children) -> obj.
_REGISTRY: dict[type, tuple[Callable[[Any], tuple[Any, Any]], Callable[[Any, Any], Any]]] = {}


def register(cls: type, flatten: Callable[[Any], tuple[Any, Any]],
             unflatten: Callable[[Any, Any], Any]) -> None:
    """Make ``cls`` a node: ``flatten(obj)`` returns ``(children, aux)``, and
    ``unflatten(aux, children)`` builds an object from them."""
    _REGISTRY[cls] = (flatten, unflatten)


def registered(cls: type) -> bool:
    return cls in _REGISTRY


_BUILT_IN = frozenset({tuple, list, dict, float, int, np.ndarray})  # never nodes unless registered


def is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_node(x: Any) -> bool:
    """A dataclass object, a named tuple, an object of a registered class, or a plain
    object."""
    kind = type(x)
    if kind in _BUILT_IN:  # the common case, answered without the class checks below
        return kind in _REGISTRY
    return (kind in _REGISTRY or (dataclasses.is_dataclass(kind) and not isinstance(x, type))
            or is_namedtuple(x) or is_plain(x))


def is_plain(x: Any) -> bool:
    """A plain object: see :func:`plain_problem`."""
    kind = type(x)
    return (kind not in _REGISTRY and not isinstance(x, type) and not dataclasses.is_dataclass(
        kind) and not is_namedtuple(x) and plain_problem(kind) is None)


def carries(x: Any) -> bool:
    """A child that carries a derivative: a float, a floating point array or NumPy float, or
    a container (tuple, list, dict, node)."""
    kind = type(x)
    if kind is float or kind is _NUMPY_ARRAY:
        return kind is float or x.dtype.kind in "fc"
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, (np.ndarray, np.generic)):  # np.ndarray: another library's, rebound
        return dtype_kind(x.dtype) in "fc"
    return isinstance(x, (float, complex, tuple, list, dict)) or is_node(x)


def foreign_array(x: Any) -> bool:
    """An array of another library (a pandas Series, a torch tensor): not NumPy's, so it
    carries no derivative here, yet NumPy functions take it as an array."""
    return hasattr(type(x), "__array__") and not isinstance(x, (np.ndarray, np.generic))


def children(x: Any) -> list:
    """The node's children, in order."""
    kind = type(x)
    if kind in _REGISTRY:
        return list(_REGISTRY[kind][0](x)[0])
    if is_namedtuple(x):
        return list(x)
    if is_plain(x):
        return list(x.__dict__.values())
    return [getattr(x, f.name) for f in dataclasses.fields(x)]


def child_names(x: Any) -> list[str]:
    """The names of a dataclass's, named tuple's or plain object's children, in order."""
    if is_namedtuple(x):
        return list(type(x)._fields)
    if is_plain(x):
        return list(x.__dict__)
    return [f.name for f in dataclasses.fields(x)]


def aligned_children(other: Any, x: Any) -> list | None:
    """The children of ``other``, a node of ``x``'s type, at the places of ``x``'s (a plain
    object's by attribute name, whatever order they were set in); None when the structures
    differ."""
    if type(other) is not type(x):
        return None
    if is_plain(x):
        mine, theirs = x.__dict__, other.__dict__
        return [theirs[k] for k in mine] if mine.keys() == theirs.keys() else None
    items = children(other)
    return items if len(items) == len(children(x)) else None


def rebuild(x: Any, items: list) -> Any:
    """A node like ``x`` holding ``items`` (the class is not called)."""
    kind = type(x)
    if kind in _REGISTRY:
        flatten, unflatten = _REGISTRY[kind]
        old, aux = flatten(x)
        return unflatten(aux, list(items) if isinstance(old, list) else tuple(items))
    if is_namedtuple(x):
        return kind._make(items)
    # neither __init__ nor __post_init__ runs
    out = kind.__new__(kind) if kind is types.SimpleNamespace else object.__new__(kind)
    if is_plain(x):
        out.__dict__.update(zip(x.__dict__, items))
        return out
    if hasattr(x, "__dict__"):
        out.__dict__.update(x.__dict__)  # attributes that are not fields, too
    for f, item in zip(dataclasses.fields(x), items):
        object.__setattr__(out, f.name, item)  # frozen and slots dataclasses too
    return out


def map_node(fn: Callable[..., Any], x: Any, *others: Any) -> Any:
    """``x`` with each child ``c`` that carries a derivative replaced by ``fn(c, *others'
    children at the same place)``; static children keep ``x``'s values."""
    mine = children(x)
    theirs = [_children_like(o, x, len(mine)) for o in others]
    items = [fn(c, *(t[i] for t in theirs)) if carries(c) else c for i, c in enumerate(mine)]
    return rebuild(x, items)


def _children_like(other: Any, x: Any, n: int) -> list:
    if type(other) is type(x):
        items = aligned_children(other, x)
        if items is not None:
            return items
    elif is_namedtuple(x) and type(x) not in _REGISTRY and isinstance(other, (tuple, list)):
        items = list(other)
        if len(items) == n:
            return items
    if isinstance(other, (tuple, list)) and not is_node(other):
        _refuse_unpacked(type(x))
    raise AssertionError(
        f"tangentlike internal error: derivatives of different structures combined "
        f"({type(x).__name__} and {type(other).__name__}); please report it with the "
        "function that was differentiated")


def _refuse(message: str, hint: str) -> None:
    from tangentlike.errors import ValueRefusedError

    raise ValueRefusedError(message, hint=hint)


def _refuse_unpacked(kind: type) -> None:
    _refuse(f"{_article(kind.__name__)} was unpacked or indexed like a tuple in the "
            "differentiated function: tangentlike follows the derivatives of its fields only "
            "when they are read by name (p.W)",
            "read the fields as attributes, or make the class a NamedTuple")


def slot(x: Any, name: str) -> int | None:
    """Which child of the node ``x`` its attribute ``name`` is; None for an attribute that is
    no child but carries no derivative either (a string, an int, a class constant) or is a
    registered class's ``aux`` (or one of its items).  Refused when it is none but could carry
    one (a property computed from the fields), and on an object that is not a node."""
    kind = type(x)
    if is_node(x) and not carries(getattr(x, name)):
        names = () if kind in _REGISTRY else child_names(x)
        return names.index(name) if name in names else None
    if kind in _REGISTRY:
        value = getattr(x, name)
        found = [i for i, c in enumerate(children(x)) if c is value]
        if len(found) == 1:
            return found[0]
        if not found and _in_aux(value, _REGISTRY[kind][0](x)[1]):
            return None  # static data the class keeps in aux: a constant
        if found:
            _refuse(f"{kind.__name__}.{name} is {len(found)} of the children that its "
                    "registered flatten returns (the same object twice): tangentlike cannot "
                    "tell which one a read of the attribute is",
                    "keep distinct objects in the children (a copy of one)")
    elif is_plain(x):
        state = x.__dict__
        if name in state and getattr(x, name) is state[name]:  # not a descriptor's value
            return list(state).index(name)
    elif is_namedtuple(x) or dataclasses.is_dataclass(kind):
        names = child_names(x)
        if name in names:
            return names.index(name)
    else:
        problem = plain_problem(kind) if hasattr(x, "__dict__") else None
        why = f" ({_article(kind.__name__)} is not a plain object: {problem})" if problem \
            else ""
        _refuse(f"the attribute .{name} of {_article(kind.__name__)} was read from a "
                "differentiated value, but tangentlike follows derivatives only through the "
                "fields of dataclasses, named tuples, registered pytrees and the attributes "
                f"of plain objects{why}",
                f"make {kind.__name__} a dataclass or a NamedTuple, or register it with "
                "tangentlike.register_pytree(cls, flatten, unflatten)")
    what = ("one of the children its registered flatten returns" if kind in _REGISTRY
            else "an attribute in its __dict__" if is_plain(x) else "a field")
    _refuse(f"{kind.__name__}.{name} is not {what} (a property, a method or a class "
            "attribute): tangentlike cannot follow a derivative through it",
            "compute it inside the differentiated function from the fields, or make it "
            "a field")
    raise AssertionError  # not reached


def is_method(x: Any, name: str) -> bool:
    """``x.name`` is a method of the node ``x``'s class, defined with def (not a field, not
    an attribute of the object)."""
    if not is_node(x) or name in getattr(x, "__dict__", {}) or name in getattr(
            x, "_fields", ()):
        return False
    return isinstance(method_in_class(x, name), types.FunctionType)


def method_in_class(x: Any, name: str) -> Any:
    """What ``type(x)`` holds under ``name`` (looked up along its bases), or None."""
    return next((c.__dict__[name] for c in type(x).__mro__ if name in c.__dict__), None)


def _refuse_foreign(x: Any, name: str) -> None:
    value = getattr(x, name)
    if foreign_array(value):
        _refuse(f"{type(x).__name__}.{name} is {_article(type(value).__name__)}, an array "
                "tangentlike does not differentiate (only NumPy's)",
                f"hold a NumPy array in {name} (np.asarray(...)), or keep it out of the "
                "differentiated argument")


def _in_aux(value: Any, aux: Any) -> bool:
    """``value`` is the ``aux`` a registered flatten returned, or one of its items."""
    if value is aux:
        return True
    items = aux.values() if isinstance(aux, dict) else aux if isinstance(
        aux, (tuple, list)) else ()
    return any(item is value for item in items)


def _article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def field_of(t: Any, x: Any, name: str) -> Any:
    """The tangent of ``x.name`` from ``t``, the tangent of the node ``x``: the child at the
    same place (zero for a static child, whose tangent carries nothing).  A method
    (``p.forward``, the callee of a call found when it runs) is a function of the whole
    node: its tangent is ``t``."""
    if is_method(x, name):
        return t
    i = slot(x, name)
    _refuse_foreign(x, name)
    value = getattr(x, name) if i is None else children(x)[i]
    if i is None or not carries(value):  # static: no child, or one that carries nothing
        from tangentlike.runtime import zeros_like

        return zeros_like(value)
    return _children_like(t, x, len(children(x)))[i]


def unfield(g: Any, x: Any, name: str) -> Any:
    """The derivative of ``x.name`` spread back over the node ``x``: a node like ``x`` with
    ``g`` at the attribute's place and zeros in the other children that carry one."""
    from tangentlike.runtime import zeros_like

    if is_method(x, name):  # p.forward: the adjoint of the whole node (0.0: none)
        return zeros_like(x) if isinstance(g, float) and g == 0.0 else g
    i = slot(x, name)
    _refuse_foreign(x, name)
    zero = zeros_like(x)
    if i is None or not carries(children(x)[i]):
        return zero
    items = children(zero)
    items[i] = g
    return rebuild(x, items)


def restructure(g: Any, x: Any) -> Any:
    """The derivative ``g`` of ``x`` with ``x``'s node types: what a derivative computed as
    plain tuples (``W, b = p`` of a named tuple ``p`` has the adjoint ``bW, bb``) is given
    back as, with the static children of ``x``."""
    kind = type(x)
    if kind is float or kind is np.ndarray:
        return g
    if (kind is list or kind is tuple) and kind not in _REGISTRY and _without_nodes(x):
        return g  # a list of layers, given back at every call: only its leaves are read
    plain = (kind is list or kind is tuple or kind is dict) and kind not in _REGISTRY
    if not plain and is_node(x):  # (a plain list, tuple or dict is no node: skip the test)
        mine = children(x)
        theirs = aligned_children(g, x) if type(g) is kind else list(g) if is_namedtuple(
            x) and kind not in _REGISTRY and isinstance(g, (tuple, list)) else None
        if theirs is None and isinstance(g, (tuple, list)):
            _refuse_unpacked(kind)
        if theirs is None or len(theirs) != len(mine):
            return g
        return rebuild(x, [restructure(t, c) if carries(c) else c
                           for c, t in zip(mine, theirs)])
    if isinstance(x, (tuple, list)) and isinstance(g, (tuple, list)) and len(g) == len(x):
        items = [restructure(a, b) for a, b in zip(g, x)]
        return g if all(a is b for a, b in zip(items, g)) else type(g)(items)
    if isinstance(x, dict) and isinstance(g, dict) and g.keys() == x.keys():
        out = {k: restructure(g[k], x[k]) for k in g}
        return g if all(out[k] is g[k] for k in g) else out
    return g


def _without_nodes(xs: list | tuple) -> bool:
    """``xs`` holds arrays, floats and lists or tuples of them only (no node at any depth)."""
    for v in xs:
        kind = type(v)
        if kind is np.ndarray or kind is float or (
                (kind is tuple or kind is list) and kind not in _REGISTRY and _without_nodes(v)):
            continue
        return False
    return True


def _field_names(x: Any) -> list[str]:
    if type(x) not in _REGISTRY:
        return child_names(x)
    _refuse(f"_replace or dataclasses.replace changed fields of {_article(type(x).__name__)}, "
            "a registered pytree: its children are what its flatten returns, not named fields",
            "build the object outside the differentiated function")
    raise AssertionError  # not reached


def with_fields(t: Any, /, **changes: Any) -> Any:
    """The dataclass, named tuple or plain object ``t`` with the fields ``changes`` names
    replaced (those that carry a derivative in ``t``; static ones keep ``t``'s): the tangent
    of ``Params(W=a, b=c)`` and ``Layer(a, c)`` (from zeros) and of ``p._replace(W=a)`` (from
    ``p``'s tangent)."""
    names = _field_names(t)
    items = children(t)
    for name, value in changes.items():
        i = names.index(name)
        if carries(items[i]):
            items[i] = value
    return rebuild(t, items)


def without_fields(g: Any, x: Any, names: tuple[str, ...]) -> Any:
    """The derivative ``g`` of the dataclass or named tuple ``x`` (a plain tuple will do for
    a named tuple's), as an object of ``x``'s type with zeros in the fields ``names``: the
    adjoint of ``p._replace(W=a)`` that flows back to ``p`` (``W`` was replaced)."""
    from tangentlike.runtime import zeros_like

    if type(g) is not type(x):
        g = rebuild(x, _children_like(g, x, len(children(x))))
    return with_fields(g, **{name: zeros_like(getattr(g, name)) for name in names})


def generated_constructor(cls: type) -> bool:
    """The class's ``__init__`` (a dataclass's) or ``__new__`` (a named tuple's) is the one
    Python wrote for its fields, which stores each argument as the field of its name (its code
    comes from ``exec``: its file is ``<string>``), not the user's own."""
    method = cls.__new__ if issubclass(cls, tuple) else cls.__init__
    code = getattr(method, "__code__", None)
    return code is not None and code.co_filename == "<string>"


def plain_fields(x: Any) -> Any:
    """``x``, the result of ``dataclasses.replace``, checked: the derivative takes its fields
    to be the values passed, which an ``__init__`` of the user's own or a ``__post_init__``
    might change."""
    if not generated_constructor(type(x)):
        _refuse(f"dataclasses.replace built {_article(type(x).__name__)}, whose __init__ is "
                "its own: it may do anything with the differentiated values",
                "build the object outside the differentiated function, or let @dataclass "
                "write its __init__")
    if hasattr(type(x), "__post_init__"):
        _refuse(f"dataclasses.replace built {_article(type(x).__name__)}, which has a "
                "__post_init__: it may compute the fields from the differentiated values, "
                "which tangentlike cannot follow",
                "build the object outside the differentiated function, or compute those "
                "fields before and pass them in (no __post_init__)")
    return x
