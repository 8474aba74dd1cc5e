"""Gradient surgery: code that runs in the backward pass, and values that carry no derivative.

``with insert_grad_of(x) as dx:`` marks a block that tangentlike moves into the backward pass,
where ``dx`` is the adjoint of ``x`` (the gradient flowing into ``x`` from the code after the
block); whatever the block leaves in ``dx`` flows on.  Clip, rescale, print, or set a
breakpoint there.  ``stop_gradient(x)`` is ``x`` as a constant: nothing flows back through it.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from tangentlike.rules.primitive import Shape, declare
from tangentlike.rules.registry import non_differentiable
from tangentlike.runtime import zeros_like


@contextlib.contextmanager
def insert_grad_of(x: Any) -> Iterator[Any]:
    """In a differentiated function: run the block in the backward pass on x's adjoint.

    When the function simply runs (not through tangentlike), the block runs once, on a zero
    gradient shaped like ``x``, so the function still works as plain Python.
    """
    yield zeros_like(x)


@non_differentiable
def stop_gradient(x: Any) -> Any:
    """``x``, as a constant for differentiation: no derivative flows back through it."""
    return x


declare(stop_gradient, library=True, shape=Shape.FROM_SHAPES)  # it returns its argument
