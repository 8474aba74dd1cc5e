"""Plain objects: objects of an ordinary class of yours, keeping their state in ``__dict__``,
read and written as Python does by default.  ``runtime.pytrees`` takes them as nodes whose
children are their attributes; ``new_object`` builds one without calling its class (what
``Layer(W, b)`` is in derivative code, ``frontend.constructors``)."""
from __future__ import annotations

import abc
import types
from typing import Any

_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement, not C's
_ATTRIBUTE_HOOKS = ("__getattr__", "__getattribute__", "__setattr__", "__delattr__")
_ARRAY_HOOKS = ("__array__", "__array_ufunc__", "__array_function__", "__array_interface__")
_PLAIN: dict[type, str | None] = {}  # class -> None (its objects are plain) or why not


def plain_problem(cls: type) -> str | None:
    """Why objects of ``cls`` are not plain objects (a sentence's end, "it defines
    __getattr__"), None when they are: objects of a class of yours (or of its subclasses)
    keeping their state in ``__dict__``, read and written as Python does by default.
    Dataclasses, named tuples and registered classes are nodes of their own kinds."""
    try:
        return _PLAIN[cls]
    except KeyError:
        pass
    except TypeError:  # an unhashable class
        return "its class cannot be looked up"
    problem = _plain_problem(cls)
    _PLAIN[cls] = problem
    return problem


def user_class(cls: type) -> bool:
    """A class made by a ``class`` statement (not C's), other than a metaclass."""
    return bool(cls.__flags__ & _HEAP_TYPE) and not issubclass(cls, type)


def _plain_problem(cls: type) -> str | None:
    if cls is types.SimpleNamespace:
        return None
    if not cls.__flags__ & _HEAP_TYPE:
        return f"{cls.__name__} is a built-in or extension type"
    if type(cls) not in (type, abc.ABCMeta):
        return f"its class has a metaclass of its own ({type(cls).__name__})"
    mro = cls.__mro__[:-1]  # object last
    for base in mro:
        if not base.__flags__ & _HEAP_TYPE:
            return f"it is a subclass of {base.__name__}, a built-in or extension type"
    for base in mro:
        if "__slots__" in base.__dict__:
            return f"{base.__name__} defines __slots__"
        hooks = [h for h in _ATTRIBUTE_HOOKS + _ARRAY_HOOKS if h in base.__dict__]
        if hooks:
            return f"{base.__name__} defines {hooks[0]}"
    return None


def new_object(cls: type, /, **attributes: Any) -> Any:
    """An object of the plain class ``cls`` with ``attributes`` set in order, made without
    calling the class: what ``Layer(W, b)`` is when ``Layer.__init__`` only sets attributes
    from its parameters (``frontend.constructors``)."""
    out = object.__new__(cls)
    out.__dict__.update(attributes)
    return out
