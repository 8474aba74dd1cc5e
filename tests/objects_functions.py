"""Objects as people write them (issue 16, item 3): methods and callable objects called
inside a differentiated function, lists of layers looped over, bound methods as the function
differentiated.  The objects hold arrays the derivative reads as constants."""
import functools

import numpy as np


class Dense:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def __call__(self, x):
        return np.tanh(x @ self.W + self.b)

    def forward(self, x):
        return self(x)

    def apply(self, x, scale=1.0):
        return scale * np.sin(x @ self.W)


class Model:
    def __init__(self, widths, seed=0):
        rng = np.random.default_rng(seed)
        self.layers = [Dense(rng.normal(size=(m, n)) * 0.5, rng.normal(size=n) * 0.1)
                       for m, n in zip(widths[:-1], widths[1:])]
        self.scale = 0.5

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def loss(self, x):
        return np.sum(self.forward(x) ** 2) * self.scale + self.penalty(x)

    def penalty(self, x):
        return 0.1 * np.sum(x ** 2)


class Mutating:
    def __call__(self, x):
        x *= 2.0
        return np.sum(x)


LAYER = Dense(np.eye(3) * 0.7, np.array([0.1, -0.2, 0.3]))
LAYERS = [Dense(np.eye(3) * 0.5, np.zeros(3)), Dense(np.ones((3, 4)) * 0.3, np.ones(4) * 0.1),
          Dense(np.ones((4, 2)) * -0.2, np.zeros(2))]
MODEL = Model([3, 5, 4, 2])
FUNCTIONS_HELD = [np.sin, lambda t: t ** 3]
PARTIALS = [functools.partial(np.clip, a_min=-0.5, a_max=0.9)]


def cube(t):
    return t ** 3


HELD = [cube]


# -- resolved when the derivative is generated (a global object): every mode, hvp too -------

def global_callable(x):
    return np.sum(LAYER(x) ** 2)


def global_method(x):
    return np.sum(LAYER.apply(x) * LAYER.apply(x, scale=2.0))


def global_method_calling_self(x):
    return np.sum(LAYER.forward(x))  # forward calls self(x): found when it runs


STATIC = [global_callable, global_method]


# -- found when the call runs (a local value): reverse and forward mode ---------------------

def loop_over_layers(x):
    for layer in LAYERS:
        x = layer(x)
    return np.sum(x ** 2)


def layer_by_index(x):
    return np.sum(LAYERS[0](x) + LAYERS[1].forward(LAYERS[0](x))[:3])


def method_with_keyword(x):
    s = np.sum(x)
    first = LAYERS[0]
    return np.sum(first.apply(x, scale=s) + first.apply(x=x, scale=2.0))


def model_method(x):
    return MODEL.loss(x)


def held_function(x):
    f = HELD[0]
    return np.sum(f(x) * x)


def residual(x):
    layer = LAYERS[0]
    h = layer(x)
    return np.sum(h * x + layer(h))


def object_argument(model, x):
    return np.sum(model.forward(x) ** 2)


def numpy_function_held(x):
    f = FUNCTIONS_HELD[0]
    return np.sum(f(x))


def partial_of_numpy_held(x):
    g = PARTIALS[0]
    return np.sum(g(x * 2.0) ** 2)


DYNAMIC = [numpy_function_held, partial_of_numpy_held, global_method_calling_self,
           loop_over_layers, layer_by_index, method_with_keyword, model_method, held_function,
           residual]


# -- refused --------------------------------------------------------------------------------

def mutating_callee(x):
    m = Mutating()
    y = x * 1.0
    return m(y)


def method_of_differentiated_value(x):
    y = x * 2.0
    return np.sum(y.forward(x))


def sum_of_gradient(x, df):
    return np.sum(df(x) ** 2)


def make_scaler(a):
    def scale(t):
        return t * a
    return scale


def closure_made_from_differentiated_value(x):
    g = make_scaler(np.sin(x))
    return np.sum(g(x))
