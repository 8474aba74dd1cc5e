"""Issue 18 item 1: the same math spelled the ways users write it.

The RNN of W4 and the MLP loss of W2, each re-spelled: the contraction written with
``np.dot``, ``np.matmul``, ``x.dot(W)``, ``np.einsum`` (two operands) or
``np.tensordot(axes=1)`` instead of ``@``; the MLP's parameters as a tuple, a list or a dict
instead of separate arguments; float32 instead of float64; the loss through
``scipy.special.logsumexp`` instead of written out.  Every spelling computes the same
function, so every row is checked against, and timed next to, the SAME hand-written gradient
as its workload (``workloads.mlp_loss_grad`` / ``workloads.rnn_loss_grad``, wrapped to take
and return the spelling's containers).  The rows are ``W2.<spelling>`` and
``W4.<spelling>``; the ``@`` spelling is W2 / W4 itself.

Like the workloads, the differentiated functions are bare (tangentlike reads their source)
and use the module globals ``np`` and ``sps`` (``scipy.special``), which ``run.py`` rebinds
for autograd and jax.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from workloads import Workload, mlp_args, mlp_loss, mlp_loss_grad, rnn_args, rnn_loss_grad

try:  # optional: the logsumexp spelling is left out without SciPy
    import scipy.special as sps
except ImportError:  # pragma: no cover - depends on the environment
    sps = None

# The functions below are benchmark inputs (kept bare: no annotations, no docstrings).

# --------------------------------------------------------------------------------------
# W4, the RNN, re-spelled.


def rnn_dot(Wx, Wh, b, xs, target):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(np.dot(xs[t], Wx) + np.dot(h, Wh) + b)
    return 0.5 * np.sum((h - target) ** 2)


def rnn_matmul(Wx, Wh, b, xs, target):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(np.matmul(xs[t], Wx) + np.matmul(h, Wh) + b)
    return 0.5 * np.sum((h - target) ** 2)


def rnn_method(Wx, Wh, b, xs, target):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t].dot(Wx) + h.dot(Wh) + b)
    return 0.5 * np.sum((h - target) ** 2)


def rnn_einsum(Wx, Wh, b, xs, target):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(np.einsum("bi,ih->bh", xs[t], Wx) + np.einsum("bj,jh->bh", h, Wh) + b)
    return 0.5 * np.sum((h - target) ** 2)


def rnn_tensordot(Wx, Wh, b, xs, target):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(np.tensordot(xs[t], Wx, axes=1) + np.tensordot(h, Wh, axes=1) + b)
    return 0.5 * np.sum((h - target) ** 2)


def rnn_float32(Wx, Wh, b, xs, target):
    h = np.zeros((xs.shape[1], Wh.shape[0]), dtype=xs.dtype)
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return 0.5 * np.sum((h - target) ** 2)


# --------------------------------------------------------------------------------------
# W2, the MLP loss, re-spelled.


def mlp_dot(W1, b1, W2, b2, X, Y):
    h = np.tanh(np.dot(X, W1) + b1)
    logits = np.dot(h, W2) + b2
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def mlp_matmul(W1, b1, W2, b2, X, Y):
    h = np.tanh(np.matmul(X, W1) + b1)
    logits = np.matmul(h, W2) + b2
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def mlp_method(W1, b1, W2, b2, X, Y):
    h = np.tanh(X.dot(W1) + b1)
    logits = h.dot(W2) + b2
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def mlp_einsum(W1, b1, W2, b2, X, Y):
    h = np.tanh(np.einsum("ni,ih->nh", X, W1) + b1)
    logits = np.einsum("nh,ho->no", h, W2) + b2
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def mlp_tensordot(W1, b1, W2, b2, X, Y):
    h = np.tanh(np.tensordot(X, W1, axes=1) + b1)
    logits = np.tensordot(h, W2, axes=1) + b2
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def mlp_tuple(params, X, Y):
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def mlp_list(params, X, Y):
    h = np.tanh(X @ params[0] + params[1])
    logits = h @ params[2] + params[3]
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def mlp_dict(params, X, Y):
    h = np.tanh(X @ params["W1"] + params["b1"])
    logits = h @ params["W2"] + params["b2"]
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def mlp_dot_tuple(params, X, Y):
    W1, b1, W2, b2 = params
    h = np.tanh(np.dot(X, W1) + b1)
    logits = np.dot(h, W2) + b2
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def mlp_logsumexp(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    log_probs = logits - sps.logsumexp(logits, axis=1, keepdims=True)
    return -np.mean(np.sum(Y * log_probs, axis=1))


# --------------------------------------------------------------------------------------
# Arguments and hand-written gradients in the spellings' containers.

MLP_KEYS = ("W1", "b1", "W2", "b2")


def _packed(pack: Callable[[tuple[np.ndarray, ...]], Any]) -> Callable[[], tuple[Any, ...]]:
    """W2's arguments with the four parameters packed by ``pack`` into one argument."""

    def make() -> tuple[Any, ...]:
        W1, b1, W2, b2, X, Y = mlp_args()
        return pack((W1, b1, W2, b2)), X, Y

    return make


def _float32(make: Callable[[], tuple[Any, ...]]) -> Callable[[], tuple[Any, ...]]:
    """``make``'s arguments cast to float32."""
    return lambda: tuple(np.asarray(a, dtype=np.float32) for a in make())


def mlp_grad_tuple(params: tuple[np.ndarray, ...], X: np.ndarray, Y: np.ndarray) -> tuple:
    """The hand-written W2 gradient for parameters in a tuple: a tuple."""
    return tuple(mlp_loss_grad(*params, X, Y))


def mlp_grad_list(params: list[np.ndarray], X: np.ndarray, Y: np.ndarray) -> list:
    """The hand-written W2 gradient for parameters in a list: a list."""
    return list(mlp_loss_grad(*params, X, Y))


def mlp_grad_dict(params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> dict:
    """The hand-written W2 gradient for parameters in a dict: a dict, same keys."""
    grads = mlp_loss_grad(*(params[k] for k in MLP_KEYS), X, Y)
    return dict(zip(MLP_KEYS, grads, strict=True))


def _row(family: str, spelling: str, label: str, fn: Callable[..., Any], **kw: Any) -> Workload:
    """A spelling row of ``family`` (``kw`` overrides the family's arguments, gradient...)."""
    fields: dict[str, Any] = {
        "W2": dict(make_args=mlp_args, wrt=(0, 1, 2, 3), handwritten=mlp_loss_grad),
        "W4": dict(make_args=rnn_args, wrt=(0, 1, 2), handwritten=rnn_loss_grad),
    }[family]
    what = "MLP loss (W2)" if family == "W2" else "RNN (W4)"
    fields.update(
        name=f"{family}.{spelling}",
        title=label,
        description=f"the {what} written with {label}; the same hand-written gradient",
        fn=fn,
        extra=True,
        suite="spellings",
        family=family,
        spelling=label,
        peers=("autograd",),
    )
    fields.update(kw)
    return Workload(**fields)


F32 = dict(rtol=2e-4, atol_factor=1e-5)  # float32 rounding, against a float32 hand-written

SPELLINGS: list[Workload] = [
    _row("W4", "dot", "np.dot", rnn_dot),
    _row("W4", "matmul", "np.matmul", rnn_matmul),
    # autograd cannot run ``h.dot(Wh)`` with ``h`` a plain array and ``Wh`` traced.
    _row("W4", "method", "x.dot(W)", rnn_method, peers=()),
    _row("W4", "einsum", "np.einsum", rnn_einsum),
    _row("W4", "tensordot", "np.tensordot(axes=1)", rnn_tensordot),
    _row("W4", "f32", "@, float32", rnn_float32, make_args=_float32(rnn_args), **F32),
    _row("W2", "dot", "np.dot", mlp_dot),
    _row("W2", "matmul", "np.matmul", mlp_matmul),
    _row("W2", "method", "x.dot(W)", mlp_method, peers=()),  # X is a plain array (W4.method)
    _row("W2", "einsum", "np.einsum", mlp_einsum),
    _row("W2", "tensordot", "np.tensordot(axes=1)", mlp_tensordot),
    _row("W2", "tuple", "params in a tuple", mlp_tuple, make_args=_packed(tuple), wrt=(0,),
         handwritten=mlp_grad_tuple),
    _row("W2", "list", "params in a list", mlp_list, make_args=_packed(list), wrt=(0,),
         handwritten=mlp_grad_list),
    _row("W2", "dict", "params in a dict", mlp_dict,
         make_args=_packed(lambda p: dict(zip(MLP_KEYS, p, strict=True))), wrt=(0,),
         handwritten=mlp_grad_dict),
    _row("W2", "dot-tuple", "np.dot, params in a tuple", mlp_dot_tuple,
         make_args=_packed(tuple), wrt=(0,), handwritten=mlp_grad_tuple),
    _row("W2", "f32", "@, float32", mlp_loss, make_args=_float32(mlp_args), **F32),
]
if sps is not None:
    SPELLINGS.append(_row("W2", "logsumexp", "scipy.special.logsumexp", mlp_logsumexp))

# The "@" spelling of each family is the issue-5 workload itself.
BASE_SPELLING = {"W2": "@ (separate args, loss written out)", "W4": "@"}
