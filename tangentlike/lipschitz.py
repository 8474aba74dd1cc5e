"""Lipschitz constants of a function, by power iteration on its generated derivatives.

* :func:`local_lipschitz`: ``||J||_2``, the largest singular value of ``f``'s Jacobian at a
  point (the local Lipschitz constant in the Euclidean norm), by power iteration on
  ``J^T J``: ``J v`` from ``f``'s forward-mode derivative (:func:`tangentlike.linearize`),
  ``J^T u`` from its reverse-mode one (:func:`tangentlike.vjp`), both generated once.
* :func:`autolip`: the AutoLip upper bound of a feed-forward network (Scaman and Virmaux,
  2018): the product of its layers' Lipschitz constants, each affine layer's being the
  spectral norm of its (constant) Jacobian, found by the same power iteration through that
  layer's generated derivatives, and each activation's a number the caller states
  (``(np.tanh, 1.0)``: ``sup |tanh'| = 1``).

Power iteration approaches ``||J||_2`` from below; it stops when the estimate changes by less
than ``tol`` (relative), so the values are exact to about ``tol`` for a Jacobian whose two
largest singular values are apart.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from tangentlike.vjp import linearize, vjp


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def local_lipschitz(f: Callable[[Any], Any], x: Any, *, iters: int = 200,
                    tol: float = 1e-10, seed: int = 0) -> float:
    """``||J||_2`` of ``f`` at ``x`` (``f`` takes one float or array of floats and returns
    one): the largest singular value of its Jacobian, the smallest ``L`` with ``||f(x + h) -
    f(x)|| <= L ||h|| + o(||h||)``.  Power iteration on ``J^T J`` from a random direction
    (``seed``), at most ``iters`` steps, until the estimate changes by less than ``tol``
    (relative)."""
    x = np.asarray(x, dtype=float) if not isinstance(x, float) else x
    _, jvp_fn = linearize(f, x)
    _, vjp_fn = vjp(f, x)
    v = _unit(np.random.default_rng(seed).normal(size=np.shape(x)))
    if isinstance(x, float):
        v = float(np.sign(v) or 1.0)
    sigma = 0.0
    for _ in range(int(iters)):
        u = np.asarray(jvp_fn(v))
        estimate = float(np.linalg.norm(u))  # ||J v||, v a unit vector: from below
        w = np.asarray(vjp_fn(u if u.ndim else float(u))[0])
        done = abs(estimate - sigma) <= tol * max(estimate, 1e-300)
        sigma = estimate
        if done or not np.any(w):
            break
        v = _unit(w) if w.ndim else float(np.sign(w))
    return sigma


class LipschitzBound(NamedTuple):
    """What :func:`autolip` finds: the ``bound`` (the product of the layers' constants) and
    each layer's constant, in order."""

    bound: float
    layers: tuple[float, ...]


Layer = Callable[[Any], Any] | tuple[Callable[[Any], Any], float]


def autolip(layers: Sequence[Layer], x: Any, *, iters: int = 200, tol: float = 1e-10,
            seed: int = 0) -> LipschitzBound:
    """The AutoLip upper bound of the network ``layers[-1](...(layers[0](x)))``: each layer
    is an affine function of one array (``lambda h: W @ h + b``; its Jacobian is the same
    everywhere, and its spectral norm is found by :func:`local_lipschitz` at the input the
    layer gets from ``x``) or a pair ``(function, constant)`` whose Lipschitz constant the
    caller knows (an activation: ``(np.tanh, 1.0)``, ``(relu, 1.0)``, ``(sigmoid, 0.25)``).
    ``x`` is an input of the network's shape; the bound holds for every input.  A layer that
    is neither affine nor given with its constant gives a wrong bound (its Jacobian's norm
    at one point is not its Lipschitz constant)."""
    constants = []
    h = np.asarray(x, dtype=float)
    for k, layer in enumerate(layers):
        if isinstance(layer, tuple):
            function, constant = layer
            constants.append(float(constant))
        else:
            function = layer
            constants.append(local_lipschitz(function, h, iters=iters, tol=tol,
                                             seed=seed + k))
        h = np.asarray(function(h), dtype=float)
    return LipschitzBound(float(np.prod(constants)), tuple(constants))
