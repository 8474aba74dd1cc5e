"""Benchmark workloads for ``benchmarks/run.py``.

The workloads of issue 5 are ``W1`` to ``W6`` (in this order); ``X1`` is an extra one, kept
out of the medians.  Each :class:`Workload` pairs a plain NumPy function (the thing
tangentlike differentiates) with a careful hand-written gradient, the way an expert would
write it by hand.  A workload of kind ``"hvp"`` instead benchmarks a Hessian-vector product
(tangentlike's ``hvp``: forward mode over the generated gradient) against a hand-written one.

Rules for the differentiated functions (what tangentlike supports): assignments and
Python control flow (``for``/``while``/``if``), only the supported NumPy / ``math``
primitives, and no calls to helper functions of this module (so that each workload is one
self-contained function).  Write them in the natural NumPy way, with ``np`` and ``math`` as
module globals: the autograd and jax variants are derived automatically by rebinding those
two names (see ``run.rebind_globals``).  A workload that needs something
else can set ``autograd_fn`` / ``jax_fn`` explicitly.  Torch has a different API
(``dim=``/``keepdim=``, ``amax``), so torch variants are written by hand and are optional
(for an HVP workload, ``run.py`` builds the torch HVP from the torch loss by double backward).

To add a workload: write ``f``, its hand-written gradient ``f_grad`` (returning one array
for a single ``wrt`` index, a tuple in ``wrt`` order otherwise), an args factory, and
append a :class:`Workload` to :data:`WORKLOADS`.  For an HVP workload (``kind="hvp"``,
one ``wrt`` index) the args factory appends the direction ``v`` to ``f``'s arguments and
the hand-written function takes those same arguments and returns ``H @ v``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

try:  # optional: the ``logsumexp`` spelling of the MLP loss (run.py rebinds ``sps``)
    import scipy.special as sps
except ImportError:  # pragma: no cover - depends on the environment
    sps = None

try:  # optional; only used by the hand-written torch variants
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    torch = None


@dataclass(frozen=True)
class Workload:
    """One benchmark case.

    ``make_args`` returns fresh positional arguments (deterministic: seeded).
    ``handwritten`` takes the same arguments as ``fn`` and returns the gradient wrt
    ``wrt`` (one value for a single index, a tuple otherwise).
    ``kind``: ``"grad"`` (the above) or ``"hvp"``: then ``wrt`` has one index, ``make_args``
    returns ``fn``'s arguments followed by a direction ``v`` shaped like argument
    ``wrt[0]``, and ``handwritten(*args)`` returns the Hessian-vector product ``H @ v`` of
    ``fn`` with respect to that argument (``fn`` itself is called without ``v``).
    ``autograd_fn`` / ``jax_fn``: explicit variants; ``None`` means "``fn`` with ``np`` and
    ``math`` rebound to ``autograd.numpy`` / ``jax.numpy``".  ``torch_fn`` takes torch
    tensors; ``None`` means no torch row.  ``title``: a few words for the tables;
    ``extra``: not one of issue 5's W1-W6, so left out of the medians.
    ``suite``: the set the row belongs to (``--workload SUITE`` selects it): ``"issue5"``,
    ``"spellings"`` (issue 18 item 1), ``"new"`` (item 1's extra workloads) or ``"depth"``
    (item 2).  ``family`` / ``spelling``: for the spelling table, the workload the row
    re-spells (``"W2"``, ``"W4"``) and how.  ``peers``: the peer columns to run (``None``:
    all that are installed).  ``rtol`` / ``atol_factor``: the check's tolerances (float32
    rows need looser ones).
    """

    name: str
    title: str
    description: str
    fn: Callable[..., Any]
    make_args: Callable[[], tuple[Any, ...]]
    wrt: tuple[int, ...]
    handwritten: Callable[..., Any]
    autograd_fn: Callable[..., Any] | None = None
    jax_fn: Callable[..., Any] | None = None
    torch_fn: Callable[..., Any] | None = None
    kind: str = "grad"
    extra: bool = False
    suite: str = "issue5"
    family: str | None = None
    spelling: str | None = None
    peers: tuple[str, ...] | None = None
    rtol: float = 1e-6
    atol_factor: float = 1e-9

    def __post_init__(self) -> None:
        if self.kind not in ("grad", "hvp"):
            raise ValueError(f"{self.name}: kind must be 'grad' or 'hvp', not {self.kind!r}")
        if self.kind == "hvp" and len(self.wrt) != 1:
            raise ValueError(f"{self.name}: an HVP workload differentiates one argument")


# The differentiated functions below (``scalar``, ``mlp_loss``, ``logsumexp``, ``rnn_loss``,
# ``scalar_loop``, and their torch variants) are kept deliberately bare -- no annotations, no
# docstrings -- because tangentlike parses their source; they are benchmark inputs, not API.
# The sections are in the order the functions were added; WORKLOADS at the end is in order.

# --------------------------------------------------------------------------------------
# X1 (extra). Scalar expression on Python floats.


def scalar(x, y):
    return math.sin(x) * y + math.exp(x * y) / (1.0 + y * y)


def scalar_grad(x: float, y: float) -> tuple[float, float]:
    """Hand-written d/dx, d/dy of :func:`scalar`."""
    e = math.exp(x * y)
    d = 1.0 + y * y
    dx = math.cos(x) * y + e * y / d
    dy = math.sin(x) + e * x / d - e * 2.0 * y / (d * d)
    return dx, dy


def scalar_args() -> tuple[float, float]:
    """Arguments for :func:`scalar`."""
    return 0.7, -1.3


def scalar_torch(x, y):
    return torch.sin(x) * y + torch.exp(x * y) / (1.0 + y * y)


# --------------------------------------------------------------------------------------
# W2 and W3. MLP: tanh hidden layer, softmax cross-entropy via stable log-softmax.

MLP_BATCH, MLP_IN, MLP_HIDDEN, MLP_OUT = 32, 64, 128, 10  # W2 (and W6)
BIG_BATCH, BIG_IN, BIG_HIDDEN, BIG_OUT = 1024, 784, 512, 10  # W3: same loss and gradient


def mlp_loss(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def mlp_loss_grad(
    W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray, X: np.ndarray, Y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hand-written gradient of :func:`mlp_loss` wrt W1, b1, W2, b2 (Y rows are one-hot)."""
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    dlogits = (p - Y) / X.shape[0]  # softmax-CE shortcut: valid because each row of Y sums to 1
    dW2 = h.T @ dlogits
    db2 = dlogits.sum(axis=0)
    dpre = (dlogits @ W2.T) * (1.0 - h * h)
    dW1 = X.T @ dpre
    db1 = dpre.sum(axis=0)
    return dW1, db1, dW2, db2


def make_mlp_args(
    batch: int, n_in: int, hidden: int, n_out: int, seed: int
) -> tuple[np.ndarray, ...]:
    """Arguments for :func:`mlp_loss`: W1, b1, W2, b2, X, Y (one-hot), of the given sizes."""
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((n_in, hidden)) / math.sqrt(n_in)
    b1 = 0.1 * rng.standard_normal(hidden)
    W2 = rng.standard_normal((hidden, n_out)) / math.sqrt(hidden)
    b2 = 0.1 * rng.standard_normal(n_out)
    X = rng.standard_normal((batch, n_in))
    Y = np.eye(n_out)[rng.integers(0, n_out, size=batch)]
    return W1, b1, W2, b2, X, Y


def mlp_args() -> tuple[np.ndarray, ...]:
    """Arguments for :func:`mlp_loss`, W2's sizes (batch 32, 64-128-10)."""
    return make_mlp_args(MLP_BATCH, MLP_IN, MLP_HIDDEN, MLP_OUT, seed=0)


def big_mlp_args() -> tuple[np.ndarray, ...]:
    """Arguments for :func:`mlp_loss`, W3's sizes (batch 1024, 784-512-10)."""
    return make_mlp_args(BIG_BATCH, BIG_IN, BIG_HIDDEN, BIG_OUT, seed=4)


def mlp_loss_torch(W1, b1, W2, b2, X, Y):
    h = torch.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    m = torch.amax(logits, dim=1, keepdim=True)
    shifted = logits - m
    log_probs = shifted - torch.log(torch.sum(torch.exp(shifted), dim=1, keepdim=True))
    return -torch.mean(torch.sum(Y * log_probs, dim=1))


# --------------------------------------------------------------------------------------
# W6. Hessian-vector product of the same MLP loss wrt W1 along a fixed random direction V.


def mlp_loss_hvp(
    W1: np.ndarray,
    b1: np.ndarray,
    W2: np.ndarray,
    b2: np.ndarray,
    X: np.ndarray,
    Y: np.ndarray,
    V: np.ndarray,
) -> np.ndarray:
    """Hand-written Hessian-vector product ``H @ V`` of :func:`mlp_loss` wrt W1 (Y one-hot).

    Pearlmutter's R-operator, ``R{q} = d/dt q(W1 + t V) at t = 0``, applied to every line
    of the hand-written gradient (:func:`mlp_loss_grad`), i.e. forward mode over reverse
    mode written out by hand.  With ``a = X W1 + b1``, ``h = tanh(a)``,
    ``z = h W2 + b2``, ``p = softmax(z)`` (rows) and ``N`` the batch size::

        R{a} = X V                    R{h} = (1 - h^2) * R{a}
        R{z} = R{h} W2                R{p} = p * (R{z} - rowsum(p * R{z}))
        g_z  = (p - Y) / N            R{g_z} = R{p} / N
        g_h  = g_z W2^T               R{g_h} = R{g_z} W2^T
        g_a  = g_h * (1 - h^2)        R{g_a} = R{g_h} * (1 - h^2) - 2 h * R{h} * g_h
        g_W1 = X^T g_a                R{g_W1} = X^T R{g_a}  (= H @ V)

    (``g_z = (p - Y) / N`` is the softmax-CE shortcut, valid because each row of Y sums
    to 1, so ``R{g_z} = R{p} / N``.)  Only what the product needs is computed: neither the
    loss value nor the gradient wrt W1 itself.  Checked once against central differences
    of :func:`mlp_loss_grad` along V (relative error 4e-8 at step 1e-5, falling as the
    step squared), and in every run against autograd.
    """
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    dtanh = 1.0 - h * h
    r_h = (X @ V) * dtanh
    r_logits = r_h @ W2
    r_p = p * (r_logits - np.sum(p * r_logits, axis=1, keepdims=True))
    n = X.shape[0]
    g_h = ((p - Y) / n) @ W2.T
    r_g_h = (r_p / n) @ W2.T
    r_g_a = r_g_h * dtanh - 2.0 * (h * r_h) * g_h
    return X.T @ r_g_a


def mlp_hvp_args() -> tuple[np.ndarray, ...]:
    """Arguments for :func:`mlp_loss_hvp`: :func:`mlp_args` then the direction V (like W1)."""
    args = mlp_args()
    V = np.random.default_rng(3).standard_normal(args[0].shape)
    return (*args, V)


# --------------------------------------------------------------------------------------
# W5. Numerically stable logsumexp over 1e6 elements.

LSE_SIZE = 1_000_000


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def logsumexp_grad(x: np.ndarray) -> np.ndarray:
    """Hand-written gradient of :func:`logsumexp`: the softmax of ``x``."""
    e = np.exp(x - x.max())
    e /= e.sum()
    return e


def logsumexp_args() -> tuple[np.ndarray]:
    """Arguments for :func:`logsumexp`."""
    return (np.random.default_rng(1).standard_normal(LSE_SIZE),)


def logsumexp_torch(x):
    m = torch.max(x)
    return m + torch.log(torch.sum(torch.exp(x - m)))


# --------------------------------------------------------------------------------------
# W4. Vanilla (tanh) RNN unrolled by a Python ``for`` loop; squared loss on the last state.

RNN_STEPS, RNN_BATCH, RNN_IN, RNN_HIDDEN = 50, 16, 32, 64


def rnn_loss(Wx, Wh, b, xs, target):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return 0.5 * np.sum((h - target) ** 2)


def rnn_loss_grad(
    Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, xs: np.ndarray, target: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hand-written gradient of :func:`rnn_loss` wrt Wx, Wh, b: backprop through time.

    The forward loop stores every hidden state; the backward loop carries ``dh`` from the
    last step to the first and stores the pre-activation adjoints, so that the weight
    gradients are two large matrix products after the loop instead of 2 * T small ones.
    """
    steps, batch = xs.shape[0], xs.shape[1]
    hs = np.empty((steps + 1, batch, Wh.shape[0]), dtype=xs.dtype)  # the state before step t
    hs[0] = 0.0
    for t in range(steps):
        hs[t + 1] = np.tanh(xs[t] @ Wx + hs[t] @ Wh + b)
    dpre = np.empty_like(hs[1:])  # adjoint of step t's pre-activation
    dh = hs[steps] - target
    for t in range(steps - 1, -1, -1):
        dpre[t] = dh * (1.0 - hs[t + 1] * hs[t + 1])
        dh = dpre[t] @ Wh.T
    flat_dpre = dpre.reshape(steps * batch, -1)
    dWx = xs.reshape(steps * batch, -1).T @ flat_dpre
    dWh = hs[:steps].reshape(steps * batch, -1).T @ flat_dpre
    db = flat_dpre.sum(axis=0)
    return dWx, dWh, db


def rnn_args() -> tuple[np.ndarray, ...]:
    """Arguments for :func:`rnn_loss`: Wx, Wh, b, xs (steps, batch, in), target."""
    rng = np.random.default_rng(2)
    Wx = rng.standard_normal((RNN_IN, RNN_HIDDEN)) / math.sqrt(RNN_IN)
    Wh = 0.9 * rng.standard_normal((RNN_HIDDEN, RNN_HIDDEN)) / math.sqrt(RNN_HIDDEN)
    b = 0.1 * rng.standard_normal(RNN_HIDDEN)
    xs = rng.standard_normal((RNN_STEPS, RNN_BATCH, RNN_IN))
    target = np.tanh(rng.standard_normal((RNN_BATCH, RNN_HIDDEN)))
    return Wx, Wh, b, xs, target


def rnn_loss_torch(Wx, Wh, b, xs, target):
    h = torch.zeros((xs.shape[1], Wh.shape[0]), dtype=xs.dtype)
    for t in range(xs.shape[0]):
        h = torch.tanh(xs[t] @ Wx + h @ Wh + b)
    return 0.5 * torch.sum((h - target) ** 2)


# --------------------------------------------------------------------------------------
# W1. A scalar recurrence on a Python float, 100 steps of a Python ``for`` loop.

SCALAR_LOOP_STEPS = 100  # the trip count written in scalar_loop


def scalar_loop(x):
    for _ in range(100):
        x = math.sin(x) * x + 0.5 * x
    return x


def scalar_loop_grad(x: float) -> float:
    """Hand-written d/dx of :func:`scalar_loop`: store the iterates, then run backwards."""
    xs = [0.0] * SCALAR_LOOP_STEPS
    for i in range(SCALAR_LOOP_STEPS):
        xs[i] = x
        x = math.sin(x) * x + 0.5 * x
    dx = 1.0
    for i in range(SCALAR_LOOP_STEPS - 1, -1, -1):
        x = xs[i]
        dx *= math.sin(x) + x * math.cos(x) + 0.5
    return dx


def scalar_loop_torch(x):
    for _ in range(100):
        x = torch.sin(x) * x + 0.5 * x
    return x


def scalar_loop_args() -> tuple[float]:
    """Arguments for :func:`scalar_loop` (the iterates contract towards 0)."""
    return (0.5,)


# --------------------------------------------------------------------------------------
# S1 (issue 18). A 1-D heat equation on a vector, explicit steps written with slices; the two
# boundary values are held fixed.  d/du0 (the initial state) and d/dk (the diffusion number).

HEAT_SIZE, HEAT_STEPS, HEAT_K = 1000, 200, 0.25  # HEAT_STEPS: the trip count in heat_loss


def heat_loss(u, k):
    for _ in range(200):
        inner = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
        u = np.concatenate((u[:1], inner, u[-1:]))
    return 0.5 * np.sum(u * u)


def heat_loss_grad(u: np.ndarray, k: float) -> tuple[np.ndarray, float]:
    """Hand-written d/du, d/dk of :func:`heat_loss`: the forward sweep stores the discrete
    Laplacian of every step (what d/dk needs); the backward sweep applies the transposed
    step, ``g += k * L^T g[1:-1]``, in place on a copy."""
    laps = np.empty((HEAT_STEPS, u.size - 2), dtype=u.dtype)
    u = u.copy()
    for t in range(HEAT_STEPS):
        lap = laps[t]
        np.subtract(u[2:], 2.0 * u[1:-1], out=lap)
        lap += u[:-2]
        u[1:-1] += k * lap
    g = u  # d(0.5 * sum(u * u))/du
    dk = 0.0
    for t in range(HEAT_STEPS - 1, -1, -1):
        gi = g[1:-1]
        dk += float(gi @ laps[t])
        kgi = k * gi
        g = g.copy()
        g[2:] += kgi
        g[1:-1] -= 2.0 * kgi
        g[:-2] += kgi
    return g, dk


def heat_args() -> tuple[np.ndarray, float]:
    """Arguments for :func:`heat_loss`: a random initial state and the diffusion number."""
    return np.random.default_rng(5).standard_normal(HEAT_SIZE), HEAT_K


def heat_loss_jax(u, k):
    """The jax peer of :func:`heat_loss`: the same steps in ``jax.lax.fori_loop`` (jitting
    the Python loop, unrolled 200 times, takes minutes of XLA compilation)."""
    import jax
    import jax.numpy as jnp

    def step(_: int, u: Any) -> Any:
        inner = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
        return jnp.concatenate((u[:1], inner, u[-1:]))

    u = jax.lax.fori_loop(0, HEAT_STEPS, step, u)
    return 0.5 * jnp.sum(u * u)


def heat_loss_torch(u, k):
    for _ in range(200):
        inner = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
        u = torch.cat((u[:1], inner, u[-1:]))
    return 0.5 * torch.sum(u * u)


# --------------------------------------------------------------------------------------
# M1 (issue 18). Log-likelihood of a two-component 1-D Gaussian mixture (up to a constant),
# the log-sum-exp of the two components written with np.where and np.log1p.

MIX_SIZE = 10_000


def mixture_loglik(w, mu, log_sigma, x):
    log_p1 = -np.log1p(np.exp(-w))
    log_p2 = -np.log1p(np.exp(w))
    s = np.exp(log_sigma)
    l1 = log_p1 - 0.5 * ((x - mu[0]) / s[0]) ** 2 - log_sigma[0]
    l2 = log_p2 - 0.5 * ((x - mu[1]) / s[1]) ** 2 - log_sigma[1]
    hi = np.where(l1 > l2, l1, l2)
    lo = np.where(l1 > l2, l2, l1)
    return np.sum(hi + np.log1p(np.exp(lo - hi)))


def mixture_loglik_grad(
    w: float, mu: np.ndarray, log_sigma: np.ndarray, x: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """Hand-written d/dw, d/dmu, d/dlog_sigma of :func:`mixture_loglik` through the
    responsibilities ``r1 = sigmoid(l1 - l2)`` (as a tanh: no overflow), ``r2 = 1 - r1``."""
    s = np.exp(log_sigma)
    z1 = (x - mu[0]) / s[0]
    z2 = (x - mu[1]) / s[1]
    l1 = -np.log1p(np.exp(-w)) - 0.5 * z1 * z1 - log_sigma[0]
    l2 = -np.log1p(np.exp(w)) - 0.5 * z2 * z2 - log_sigma[1]
    r1 = 0.5 + 0.5 * np.tanh(0.5 * (l1 - l2))
    r2 = 1.0 - r1
    r1z1, r2z2 = r1 * z1, r2 * z2
    dw = float(np.sum(r1)) - x.size / (1.0 + math.exp(-w))
    dmu = np.array([np.sum(r1z1) / s[0], np.sum(r2z2) / s[1]])
    dlog_sigma = np.array([r1z1 @ z1 - np.sum(r1), r2z2 @ z2 - np.sum(r2)])
    return dw, dmu, dlog_sigma


def mixture_args() -> tuple[Any, ...]:
    """Arguments for :func:`mixture_loglik`: w, mu, log_sigma and the data x."""
    rng = np.random.default_rng(6)
    x = np.where(rng.random(MIX_SIZE) < 0.4, rng.normal(-1.0, 0.8, MIX_SIZE),
                 rng.normal(1.5, 1.2, MIX_SIZE))
    return 0.3, np.array([-0.8, 1.2]), np.array([0.1, -0.2]), x


# --------------------------------------------------------------------------------------
# D2, D8, D16 (issue 18 item 2). An MLP whose layers are a list of (W, b) pairs, run by
# ``for W, b in params:``; squared loss.  The cost should grow linearly with the depth.

DEPTH_BATCH, DEPTH_WIDTH = 16, 32
DEPTHS = (2, 8, 16)


def layers_loss(params, X, Y):
    h = X
    for W, b in params:
        h = np.tanh(h @ W + b)
    return 0.5 * np.sum((h - Y) ** 2)


def layers_loss_grad(
    params: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray, Y: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Hand-written gradient of :func:`layers_loss` wrt ``params``, a list of (dW, db)."""
    hs = [X]
    for W, b in params:
        hs.append(np.tanh(hs[-1] @ W + b))
    g = hs[-1] - Y
    grads: list[Any] = [None] * len(params)
    for i in range(len(params) - 1, -1, -1):
        h = hs[i + 1]
        dpre = g * (1.0 - h * h)
        grads[i] = (hs[i].T @ dpre, dpre.sum(axis=0))
        if i:
            g = dpre @ params[i][0].T
    return grads


def layers_args(depth: int) -> tuple[Any, ...]:
    """Arguments for :func:`layers_loss`: ``depth`` (W, b) pairs, X and Y."""
    rng = np.random.default_rng(7 + depth)
    params = [
        (rng.standard_normal((DEPTH_WIDTH, DEPTH_WIDTH)) / math.sqrt(DEPTH_WIDTH),
         0.1 * rng.standard_normal(DEPTH_WIDTH))
        for _ in range(depth)
    ]
    X = rng.standard_normal((DEPTH_BATCH, DEPTH_WIDTH))
    Y = np.tanh(rng.standard_normal((DEPTH_BATCH, DEPTH_WIDTH)))
    return params, X, Y


def _depth_workload(depth: int) -> Workload:
    return Workload(
        name=f"D{depth}",
        title=f"{depth}-layer loop",
        description=(
            f"`for W, b in params:` over {depth} tanh layers of width {DEPTH_WIDTH}, batch "
            f"{DEPTH_BATCH}, squared loss; d/dparams (a list of (W, b) pairs)"
        ),
        fn=layers_loss,
        make_args=functools.partial(layers_args, depth),
        wrt=(0,),
        handwritten=layers_loss_grad,
        extra=True,
        suite="depth",
    )


# --------------------------------------------------------------------------------------

WORKLOADS: list[Workload] = [
    Workload(
        name="W1",
        title="scalar loop",
        description=(
            f"{SCALAR_LOOP_STEPS} steps of x = sin(x)*x + 0.5*x (Python for loop) on a "
            "Python float, d/dx"
        ),
        fn=scalar_loop,
        make_args=scalar_loop_args,
        wrt=(0,),
        handwritten=scalar_loop_grad,
        torch_fn=scalar_loop_torch,
    ),
    Workload(
        name="W2",
        title="small MLP",
        description=(
            f"MLP loss, batch {MLP_BATCH}, {MLP_IN}-{MLP_HIDDEN}-{MLP_OUT}, tanh, "
            "softmax cross-entropy (stable log-softmax); d/dW1,b1,W2,b2"
        ),
        fn=mlp_loss,
        make_args=mlp_args,
        wrt=(0, 1, 2, 3),
        handwritten=mlp_loss_grad,
        torch_fn=mlp_loss_torch,
    ),
    Workload(
        name="W3",
        title="large MLP",
        description=(
            f"the same MLP loss, batch {BIG_BATCH}, {BIG_IN}-{BIG_HIDDEN}-{BIG_OUT}; "
            "d/dW1,b1,W2,b2"
        ),
        fn=mlp_loss,
        make_args=big_mlp_args,
        wrt=(0, 1, 2, 3),
        handwritten=mlp_loss_grad,
        torch_fn=mlp_loss_torch,
    ),
    Workload(
        name="W4",
        title="RNN",
        description=(
            f"tanh RNN, {RNN_STEPS} steps (Python for loop), batch {RNN_BATCH}, "
            f"in {RNN_IN}, hidden {RNN_HIDDEN}, squared loss on the last state; d/dWx,Wh,b"
        ),
        fn=rnn_loss,
        make_args=rnn_args,
        wrt=(0, 1, 2),
        handwritten=rnn_loss_grad,
        torch_fn=rnn_loss_torch,
    ),
    Workload(
        name="W5",
        title="logsumexp 1e6",
        description=f"stable logsumexp over {LSE_SIZE:.0e} float64, d/dx",
        fn=logsumexp,
        make_args=logsumexp_args,
        wrt=(0,),
        handwritten=logsumexp_grad,
        torch_fn=logsumexp_torch,
    ),
    Workload(
        name="W6",
        title="HVP of W2 wrt W1",
        description=(
            f"Hessian-vector product of the W2 loss wrt W1 ({MLP_IN}x{MLP_HIDDEN}) along a "
            "fixed random V"
        ),
        fn=mlp_loss,
        make_args=mlp_hvp_args,
        wrt=(0,),
        handwritten=mlp_loss_hvp,
        torch_fn=mlp_loss_torch,
        kind="hvp",
    ),
    Workload(
        name="X1",
        title="scalar expression",
        description="sin(x)*y + exp(x*y)/(1+y*y) on Python floats, d/dx and d/dy (extra)",
        fn=scalar,
        make_args=scalar_args,
        wrt=(0, 1),
        handwritten=scalar_grad,
        torch_fn=scalar_torch,
        extra=True,
    ),
]

# Issue 18: the new workloads, then the depth series (the spellings are in spellings.py).
WORKLOADS += [
    Workload(
        name="S1",
        title="heat stencil",
        description=(
            f"1-D heat equation, {HEAT_STEPS} explicit steps on a vector of {HEAT_SIZE} "
            "written with slices (u[1:-1] + k*(u[2:] - 2*u[1:-1] + u[:-2]), fixed ends), "
            "0.5*sum(u*u); d/du0, d/dk"
        ),
        fn=heat_loss,
        make_args=heat_args,
        wrt=(0, 1),
        handwritten=heat_loss_grad,
        jax_fn=heat_loss_jax,
        torch_fn=heat_loss_torch,
        extra=True,
        suite="new",
    ),
    Workload(
        name="M1",
        title="mixture log-lik",
        description=(
            f"two-component Gaussian mixture log-likelihood over {MIX_SIZE} points, "
            "np.where/np.log1p log-sum-exp; d/dw (weight logit), d/dmu, d/dlog_sigma"
        ),
        fn=mixture_loglik,
        make_args=mixture_args,
        wrt=(0, 1, 2),
        handwritten=mixture_loglik_grad,
        extra=True,
        suite="new",
    ),
    *(_depth_workload(depth) for depth in DEPTHS),
]
