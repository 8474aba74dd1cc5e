"""Helpers of the rules of templates/scipy_special_more.py: the refusal of a derivative in a
parameter that has no closed form, and a cast to the argument's floating point type."""
from __future__ import annotations

import linecache
import os
import re
import sys
from typing import Any

import numpy as np

from tangentlike.errors import Location, ValueRefusedError
from tangentlike.runtime import dynamic, float_dtype
from tangentlike.runtime.special import polygamma_like


def no_parameter_derivative(t: Any, function: str, parameter: str) -> Any:
    """Raise: ``t``, a derivative of ``function``'s ``parameter``, is needed, and tangentlike
    has no rule for it (the derivative of a special function in its order or shape parameter
    is not a closed form).  Generated code calls this only where ``parameter`` is
    differentiated."""
    error = ValueRefusedError(
        f"tangentlike has no derivative of scipy.special.{function} in its parameter "
        f"{parameter!r} (no closed form; only the function's argument is differentiated)",
        hint=f"pass {parameter} as a constant (not computed from the differentiated inputs), "
             "or register your own rule with @tangentlike.adjoint and @tangentlike.tangent")
    where = dynamic.WHERE(sys._getframe(1)) if dynamic.WHERE is not None else None
    where = where or _user_line(sys._getframe(1))
    if where is not None:
        error.location = where
        error.args = (str(error),)
    raise error


_DOC = re.compile(r"of (\w+) \(([^():]+):(\d+)\)")


def _user_line(frame: Any) -> Location | None:
    """The user's line a generated derivative is at in ``frame``: the statement its
    ``# Grad of:`` (or ``# Tangent of:``) comment names, in the file and function its
    docstring names (found among the modules loaded, else the function's first line)."""
    lines = linecache.getlines(frame.f_code.co_filename)
    above = lines[:frame.f_lineno]
    statement = next((ln.split(" of: ", 1)[1].strip() for ln in reversed(above)
                      if ln.strip().startswith(("# Grad of: ", "# Tangent of: "))), None)
    named = next((m for m in map(_DOC.search, lines) if m is not None), None)
    if statement is None or named is None:
        return None
    function, filename, first = named.group(1), named.group(2), int(named.group(3))
    path = next((m.__file__ for m in list(sys.modules.values())
                 if isinstance(getattr(m, "__file__", None), str)
                 and os.path.basename(m.__file__) == filename), filename)
    source = linecache.getlines(path)
    lineno = next((i for i in range(first, len(source) + 1)
                   if source[i - 1].strip() == statement), first)
    return Location(path, lineno, statement, function)


def in_dtype_of(v: Any, x: Any) -> Any:
    """``v`` in the floating point type of ``x`` (a function of a shape parameter given as a
    Python float, ``gammaln(a)``, is a float64 scalar, which would make a float32
    derivative float64); ``v`` itself when ``x`` is a Python number."""
    if not isinstance(x, (np.ndarray, np.generic)):
        return v
    dtype = float_dtype(x)
    if isinstance(v, np.ndarray):
        return v.astype(dtype, copy=False)
    return dtype.type(v)


def multipolygamma(n: int, a: Any, dim: int) -> Any:
    """``sum(polygamma(n, a - j / 2) for j in range(dim))`` in ``a``'s floating point type:
    the derivative of order ``n + 1`` of ``scipy.special.multigammaln(a, dim)`` in ``a``."""
    out = polygamma_like(n, a)
    for j in range(1, dim):
        out = out + polygamma_like(n, a - 0.5 * j)
    return out
