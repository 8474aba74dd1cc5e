"""Local names that stand for a module: ``xp = np``, and the array-API idiom of SciPy and
array_api_compat, ``xp = array_namespace(x)``.

A name bound once, to a module (``xp = np``, ``la = np.linalg``) or to the array namespace of
some values (``array_namespace(x, y)``: NumPy's, for NumPy's arrays and numbers, which are all
tangentlike differentiates), stands for that module: its binding is dropped and each read of
it is the module, so ``xp.sum(t)`` is a call of ``numpy.sum`` (its rule applies), not the
method ``.sum()`` of a value ``xp``.  SciPy's functions written for any array library
(``scipy.optimize.rosen``) are then differentiated through like code written with ``np.``.

A name the function binds more than once, or that a nested function reads, stays a value.
"""
from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, syntax

# The modules whose ``array_namespace`` (and array_api_compat's older name ``get_namespace``)
# returns the namespace of its arguments: SciPy's, array_api_compat's, SciPy's copy of it.
_NAMESPACE_MODULES = ("scipy._lib._array_api", "scipy._lib.array_api_compat",
                      "array_api_compat")
_NAMESPACE_NAMES = ("array_namespace", "get_namespace")


def is_namespace_function(func: Any) -> bool:
    """``array_namespace`` of SciPy or array_api_compat (by its module and name)."""
    if not isinstance(func, types.FunctionType) or func.__name__ not in _NAMESPACE_NAMES:
        return False
    module = func.__module__ or ""
    return any(module == m or module.startswith(m + ".") or module.startswith(m + "_")
               for m in _NAMESPACE_MODULES)


def module_of(value: gast.expr, resolve: Callable[[gast.expr], Any]) -> Any:
    """The module ``value`` (the right side of an assignment) is known to be: a module's name
    or attribute (``np``, ``np.linalg``), or ``array_namespace(...)`` (NumPy); else None."""
    if isinstance(value, gast.Call):
        if syntax.dotted_name(value.func) is not None and is_namespace_function(
                resolve(value.func)):
            return np
        return None
    if syntax.dotted_name(value) is not None:
        module = resolve(value)
        return module if isinstance(module, types.ModuleType) else None
    return None


def module_reference(value: gast.expr, module: Any,
                     name_for: Callable[[Any, str], str]) -> gast.expr:
    """How the code reaches ``module``: as written (``np``), or, for a namespace computed
    from values, a name of the generated module's."""
    if isinstance(value, gast.Call):
        preferred = "np" if module is np else module.__name__.split(".")[-1]
        return syntax.parse_expr(name_for(module, preferred))
    return syntax.clone(value)


def attribute_of(module: Any, node: gast.expr, root: str) -> Any:
    """What ``root.a.b`` (``node``, whose root name stands for ``module``) is: ``module.a.b``,
    or None if the module has no such attribute."""
    dotted = syntax.dotted_name(node)
    if dotted is None:
        return None
    value = module
    for attr in dotted.split(".")[1:]:
        value = getattr(value, attr, None)
        if value is None:
            return None
    return value


def substitute(node: gast.expr, modules: dict[str, gast.expr],
               targets: dict[str, Any]) -> gast.expr:
    """``node`` (a callee ``xp.sum``) with its root name replaced by the module's reference,
    the callee pinned to the module's attribute (for the passes that resolve callees)."""
    dotted = syntax.dotted_name(node)
    root = dotted.split(".")[0] if dotted else None
    if root not in modules:
        return node
    reference = syntax.clone(modules[root])
    path = dotted.split(".")[1:]
    new: gast.expr = reference
    for attr in path:
        new = gast.Attribute(value=new, attr=attr, ctx=gast.Load())
    gast.copy_location(new, node)
    target = attribute_of(targets[root], node, root)
    if target is not None and path:
        anno.info(new).callee = target
    return new
