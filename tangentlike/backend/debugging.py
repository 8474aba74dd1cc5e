"""``df.debug(*args)``: run a derivative in pdb, stopping at the first line of the generated
code instead of in the wrappers around it.

``grad(f)`` returns a wrapper (:class:`tangentlike.api.DerivativeFunction`) that checks the names
the code was generated from, checks the arguments, and picks the version for the arguments (Python
floats, shapes); ``pdb.runcall(df, ...)`` stops in the first of them.  :func:`run` runs the
generated function that call runs (``df.version_for(...)``; with ``general=True``, the one
``df.source`` and ``df.path`` show) with the same checks, under a debugger that never stops in
tangentlike's own frames (but in its runtime helpers, which the generated code calls, when you
step into them).
"""
from __future__ import annotations

import os
import pdb
from collections.abc import Callable
from types import FrameType
from typing import Any

from tangentlike.core import guards

# tangentlike/, the package this file (tangentlike/backend/debugging.py) is in
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_RUNTIME = _PACKAGE + "runtime" + os.sep
_OBSERVE = "_tangentlike_observe"  # versions/observe.py OBSERVE: the instrumented copy's helper


def _hidden(frame: FrameType) -> bool:
    """A frame of tangentlike's wrappers (not of its runtime helpers), or of the instrumented
    copy that records shapes for the versions by shape."""
    code = frame.f_code
    filename = code.co_filename
    return (filename.startswith(_PACKAGE) and not filename.startswith(_RUNTIME)) \
        or _OBSERVE in code.co_freevars


class Debugger(pdb.Pdb):
    """pdb, stopping first at the first line of generated code, never in tangentlike's
    wrappers."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._entry: FrameType | None = None

    def stop_here(self, frame: FrameType) -> bool:
        if _hidden(frame):
            return False
        if self._entry is None:
            if not guards.is_generated(frame.f_code.co_filename):
                return False
            self._entry = frame
        return super().stop_here(frame)

    def user_call(self, frame: FrameType, argument_list: Any) -> None:
        if frame is self._entry:
            return  # stop at its first line (user_line), not at '--Call--'
        super().user_call(frame, argument_list)


def target(current: Callable, args: tuple, kwargs: dict, general: bool = False,
           ) -> tuple[Callable, tuple, dict]:
    """What to run for ``current(*args, **kwargs)`` (``current``: the derivative of
    ``api._make_callable``): the generated function that call runs (its version for the
    arguments: ``specializer.version_for``; with ``general``, the generic one), with the
    arguments checked as ``current`` checks them; else ``current`` itself, whose frames
    the debugger skips."""
    specializer = getattr(current, "specializer", None)
    if specializer is None:
        return current, args, kwargs
    generic = specializer.generic
    seeds = getattr(current, "seeds", None)
    if seeds:  # forward mode: tangents may follow the arguments, by position
        code = generic.__code__
        positional = code.co_argcount
        if len(args) > positional:
            extra = args[positional:]
            if len(extra) + sum(s in kwargs for s in seeds) != len(seeds):
                return current, args, kwargs  # which raises the InputError that says why
            kwargs = {**kwargs, **dict(zip(seeds, extra))}
            args = args[:positional]
    function = generic if general else specializer.version_for(args, kwargs).function
    args, kwargs = specializer.check(args, kwargs)
    return function, args, kwargs


def run(current: Callable, args: tuple, kwargs: dict, general: bool = False) -> Any:
    """Call the derivative ``current`` in pdb (see :func:`target`); return its result."""
    function, args, kwargs = target(current, args, kwargs, general)
    return Debugger().runcall(function, *args, **kwargs)
