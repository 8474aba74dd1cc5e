"""Derivatives of derivatives through calls found when they run (issue 16, item 3): grad of
grad, forward over forward, reverse over forward and forward over reverse through
``layer(x)``, ``self.forward(x)`` and a function held in a variable.  The objects hold
constants; ``x`` flows through each call."""
import numpy as np


class Wave:
    def __init__(self, a):
        self.a = a

    def __call__(self, x):
        return self.a * np.sin(x) * x

    def scaled(self, x, scale=1.0):
        return scale * np.exp(self.a * x) + self(x)


class Tower:
    def __init__(self, widths, seed=0):
        rng = np.random.default_rng(seed)
        self.layers = [rng.normal(size=(m, n)) * 0.5
                       for m, n in zip(widths[:-1], widths[1:])]

    def forward(self, x):
        for W in self.layers:
            x = np.tanh(x @ W)
        return x


WAVES = [Wave(1.5), Wave(-0.4)]
TOWER = Tower([3, 4, 2])
HELD = [np.cos]


def wave(x):
    layer = WAVES[0]
    return layer(x) * 2.0


def wave_method(x):
    first = WAVES[1]
    return np.sum(first.scaled(x, scale=x) + WAVES[0](x * x))


def tower(x):
    model = TOWER
    return np.sum(model.forward(x) ** 2)


def layers_in_a_loop(x):
    for layer in WAVES:
        x = layer(x)
    return np.sum(x * x)


def held(x):
    f = HELD[0]
    return np.sum(f(x) * x)


def sum_of_gradient(x, df):
    return np.sum(df(x) ** 2)
