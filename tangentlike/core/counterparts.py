"""What a name of autograd's NumPy stands for: code written for autograd
(``import autograd.numpy as np``) is differentiated as if it had imported NumPy and SciPy.

autograd wraps NumPy's and SciPy's functions (``autograd.numpy.sin`` is a ``primitive``
whose ``.fun`` is ``numpy.sin``); on arrays that are not autograd's boxes a wrapper only
calls the function it wraps.  :func:`numpy_counterpart` maps each wrapper to that function,
so the rules, facts and versions of NumPy's function apply; a few functions autograd writes
in Python (``np.concatenate``, ``np.array`` of a list) are mapped by name to NumPy's
(:data:`SAME_AS`).  autograd's own functions with no NumPy or SciPy counterpart
(``np.make_diagonal``, ``autograd.grad``) become :class:`AutogradOnly`, which no rule has:
tangentlike refuses them on a differentiated value, by their autograd name.

autograd is never imported here: only objects of an autograd the user's code imported
(it is in ``sys.modules``) are mapped.
"""
from __future__ import annotations

import sys
import types
from typing import Any

import tangentlike.runtime.flat  # noqa: F401  (autograd's flatten stands for its flatten)

_PACKAGE = "autograd"

# autograd's Python functions (not wrappers) that compute what a NumPy function computes, by
# autograd's module and name: NumPy's module and name.  They differ from NumPy's only in
# accepting lists of autograd's boxes.
SAME_AS: dict[tuple[str, str], tuple[str, str]] = {
    **{("autograd.numpy", name): ("numpy", name) for name in (
        "array", "concatenate", "stack", "hstack", "vstack", "column_stack", "append",
        "select", "mean", "std", "var", "where")},
    ("autograd.numpy", "row_stack"): ("numpy", "vstack"),
    ("autograd.numpy.linalg", "norm"): ("numpy.linalg", "norm"),
    # a structure of arrays as one vector, and the function that builds it back
    ("autograd.misc.flatten", "flatten"): ("tangentlike.runtime.flat", "flatten"),
}


class AutogradOnly:
    """An autograd function with no NumPy or SciPy counterpart; named like it (its
    ``__module__`` and ``__qualname__`` are autograd's), so messages name the function the
    user called."""

    def __init__(self, function: Any, module: str, name: str):
        self.function = function
        self.__module__ = module
        self.__qualname__ = self.__name__ = name

    def __repr__(self) -> str:
        return f"<autograd's {self.__module__}.{self.__qualname__}>"


_same_as: dict[int, tuple[Any, Any]] = {}  # id(autograd's function): (it, NumPy's)
_only: dict[int, AutogradOnly] = {}


def is_autograd(value: Any) -> bool:
    """An object autograd defines (its module is autograd or one of autograd's)."""
    try:
        module = getattr(value, "__module__", None)
    except Exception:  # noqa: BLE001  (a strange object: not autograd's)
        return False
    return isinstance(module, str) and is_autograd_module(module)


def numpy_counterpart(value: Any) -> Any:
    """The NumPy or SciPy function an autograd function stands for (``numpy.sin`` for
    ``autograd.numpy.sin``, the user's function for the user's own ``@primitive``), an
    :class:`AutogradOnly` for one of autograd's own, and any other value itself."""
    if _PACKAGE not in sys.modules or not is_autograd(value):
        return value
    if isinstance(value, type):  # autograd.numpy.int64 subclasses numpy.int64
        return value.__bases__[0] if value.__name__ == "IntdtypeSubclass" else value
    if not isinstance(value, types.FunctionType):
        return value
    raw = _wrapped(value)
    if raw is None:
        raw = _same_as_table().get(id(value), (None, None))[1]
    if raw is None or is_autograd(raw):
        return _autograd_only(value)
    return raw


def _wrapped(function: types.FunctionType) -> Any:
    """The function an autograd ``primitive`` (``.fun``) or ``notrace_primitive`` (its
    closure's ``f_raw``) wraps; None for another function."""
    if getattr(function, "_is_autograd_primitive", False):
        return getattr(function, "fun", None)
    if getattr(function, "_is_primitive", False) and function.__closure__:
        cells = dict(zip(function.__code__.co_freevars, function.__closure__))
        if "f_raw" in cells:
            try:
                return cells["f_raw"].cell_contents
            except ValueError:
                return None
    return None


def _same_as_table() -> dict[int, tuple[Any, Any]]:
    """:data:`SAME_AS` by the identity of autograd's functions (built once autograd.numpy
    is imported)."""
    if _same_as or "autograd.numpy" not in sys.modules:
        return _same_as
    table = {}
    for (module, name), (numpy_module, numpy_name) in SAME_AS.items():
        ours = getattr(sys.modules.get(module), name, None)
        theirs = getattr(sys.modules.get(numpy_module), numpy_name, None)
        if ours is not None and theirs is not None:
            table[id(ours)] = (ours, theirs)  # the function kept: its id stays its own
    _same_as.update(table)
    return _same_as


def _autograd_only(function: types.FunctionType) -> AutogradOnly:
    known = _only.get(id(function))
    if known is not None and known.function is function:
        return known
    module, name = _public_name(function)
    only = AutogradOnly(function, module, name)
    _only[id(function)] = only
    return only


def _public_name(function: types.FunctionType) -> tuple[str, str]:
    """The module and name under which autograd offers ``function`` (the shortest module
    of autograd's that has it: ``autograd.numpy``, not ``autograd.numpy.numpy_wrapper``)."""
    for module_name in sorted((m for m in list(sys.modules) if is_autograd_module(m)),
                              key=lambda m: (m.count("."), m)):
        module = sys.modules.get(module_name)
        for name, value in list(vars(module).items()) if module is not None else ():
            if value is function and not name.startswith("_"):
                return module_name, name
    return function.__module__, function.__name__


def is_array_namespace(value: Any) -> bool:
    """A namespace of the Python array API standard other than NumPy's own
    (``array_api_strict``, ``array_api_compat.torch``, ``jax.numpy``): it has
    ``__array_api_version__``."""
    return (isinstance(value, types.ModuleType) and hasattr(value, "__array_api_version__")
            and value.__name__ != "numpy")


def array_api_counterpart(attrs: list[str]) -> Any:
    """NumPy's function for ``xp.<attrs>`` of an array-API namespace ``xp`` (``xp.sum`` is
    ``numpy.sum``, ``xp.linalg.solve`` ``numpy.linalg.solve``, ``xp.pow`` ``numpy.pow``):
    code written for the standard is differentiated with NumPy's rules, and its derivative
    runs on the arrays' library (``tangentlike.runtime.libraries``); None where NumPy has no
    such name."""
    import numpy as np

    from tangentlike.runtime.libraries import NUMPY_NAMES

    value: Any = np
    for k, attr in enumerate(attrs):
        found = getattr(value, attr, None)
        if found is None and k == len(attrs) - 1:
            found = getattr(value, NUMPY_NAMES.get(attr, attr), None)
        if found is None:
            return None
        value = found
    return value


def is_autograd_module(name: str) -> bool:
    """``name`` is autograd's package or one of its modules."""
    return name == _PACKAGE or name.startswith(_PACKAGE + ".")
