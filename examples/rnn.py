"""Train a small vanilla (tanh) RNN with tangentlike's gradients: the loss unrolls the network
with a Python ``for`` loop, and ``tangentlike.grad`` differentiates through that loop.

The data are synthetic: random input sequences, and as targets the last hidden state of a
"teacher" RNN with other random weights, so that a good fit exists.  Plain SGD, 30 steps.
"""
import numpy as np

import tangentlike

STEPS, BATCH, INPUTS, HIDDEN = 20, 32, 8, 16


def loss(Wx, Wh, b, xs, target):
    """Mean squared error of the RNN's last hidden state; xs is (time, batch, inputs)."""
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.mean((h - target) ** 2)


def init_weights(rng: np.random.Generator, recurrent_scale: float) -> list[np.ndarray]:
    """Wx, Wh, b with the usual 1/sqrt(fan-in) scaling."""
    Wx = rng.normal(size=(INPUTS, HIDDEN)) / np.sqrt(INPUTS)
    Wh = recurrent_scale * rng.normal(size=(HIDDEN, HIDDEN)) / np.sqrt(HIDDEN)
    b = 0.1 * rng.normal(size=HIDDEN)
    return [Wx, Wh, b]


def finite_difference_check(dloss, params, xs, target, rng, entries=4, eps=1e-6) -> float:
    """Max relative error between tangentlike's gradient and central finite differences on
    a few random entries of each weight."""
    grads = dloss(*params, xs, target)
    worst = 0.0
    for k, (p, g) in enumerate(zip(params, grads)):
        for _ in range(entries):
            i = tuple(int(rng.integers(n)) for n in p.shape)
            plus = [q.copy() for q in params]
            minus = [q.copy() for q in params]
            plus[k][i] += eps
            minus[k][i] -= eps
            fd = (loss(*plus, xs, target) - loss(*minus, xs, target)) / (2 * eps)
            worst = max(worst, abs(g[i] - fd) / max(abs(fd), 1e-8))
    return worst


def main() -> None:
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(STEPS, BATCH, INPUTS))
    teacher = init_weights(rng, recurrent_scale=0.9)
    h = np.zeros((BATCH, HIDDEN))
    for t in range(STEPS):  # the targets: the teacher's last hidden state
        h = np.tanh(xs[t] @ teacher[0] + h @ teacher[1] + teacher[2])
    target = h
    params = init_weights(rng, recurrent_scale=0.5)

    dloss = tangentlike.grad(loss, wrt=(0, 1, 2))  # generated once; plain Python from here on
    lines = dloss.source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("def "))
    print(f"generated derivative: {dloss.path} ({len(lines)} lines); it begins:")
    print("\n".join("    " + line for line in lines[start : start + 12]))
    print("    ...\n")

    error = finite_difference_check(dloss, params, xs, target, rng)
    print(f"gradient vs central finite differences (12 random entries): max relative error "
          f"{error:.1e}\n")
    assert error < 1e-5, "the gradient disagrees with finite differences"

    learning_rate, sgd_steps = 1.0, 30
    first = loss(*params, xs, target)
    for step in range(sgd_steps):
        if step % 5 == 0:
            print(f"step {step:2d}  loss {loss(*params, xs, target):.5f}")
        grads = dloss(*params, xs, target)
        params = [p - learning_rate * g for p, g in zip(params, grads)]
    final = loss(*params, xs, target)
    print(f"step {sgd_steps:2d}  loss {final:.5f}")
    assert final < first, "training did not lower the loss"


if __name__ == "__main__":
    main()
