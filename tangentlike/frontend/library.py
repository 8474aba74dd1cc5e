"""Library code: a function of an installed package (SciPy, autograd, the standard library)
that has Python source and no rule is differentiated from its source, like the user's own.

Where that source holds something tangentlike refuses, the error is about a line the user
never wrote.  :func:`refused_inside` words it from the user's side: the library function
the user's line called is named first (by its public name, ``scipy.integrate.odeint``, not
``scipy.integrate._odepack_py.odeint``), the chain of calls from the user's line into the
library follows (``TangentlikeError.calls``), and the hint offers a rule for that function.
"""
from __future__ import annotations

import sys
import sysconfig
from typing import Any

from tangentlike.errors import Location, TangentlikeError

_STDLIB = sysconfig.get_paths().get("stdlib", "")


def is_library_file(filename: str) -> bool:
    """A file of an installed package or of the standard library (not the user's)."""
    return ("site-packages" in filename or "dist-packages" in filename
            or bool(_STDLIB) and filename.startswith(_STDLIB))


def is_library(func: Any) -> bool:
    """A function (or a binding of one, ``varargs.Specialized``) defined in library code."""
    code = getattr(func, "__code__", None)
    return code is not None and is_library_file(code.co_filename)


def public_name(func: Any) -> str:
    """``func``'s name as its package offers it: the shortest enclosing module (no private
    part, ``_odepack_py``) that holds it under its name."""
    module = getattr(func, "__module__", None) or ""
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", "?")
    target = getattr(func, "func", func)  # a Specialized binding: the function itself
    parts = module.split(".")
    for k in range(1, len(parts) + 1):
        candidate = ".".join(parts[:k])
        if any(p.startswith("_") for p in parts[:k]):
            break
        holder = sys.modules.get(candidate)
        if holder is not None and getattr(holder, name, None) is target:
            return f"{candidate}.{name}"
    return f"{module}.{name}" if module else name


def refused_inside(error: TangentlikeError, func: Any, where: Location) -> None:
    """Word ``error``, raised while differentiating library ``func`` from its source, for the
    user whose line ``where`` called it (once: for the outermost library call)."""
    if not is_library(func) or where is None or is_library_file(where.filename):
        return
    name = public_name(func)
    error.message = (f"{name} has no derivative rule, and tangentlike cannot differentiate "
                     f"its Python source: {error.message}")
    rule = (f"register a rule for {name} (@tangentlike.adjoint and @tangentlike.tangent, "
            "see docs/guide.md)")
    error.hint = f"{error.hint}; or {rule}" if error.hint else rule
    error.args = (str(error),)
