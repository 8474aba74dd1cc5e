# x: float64[3], y: float64[]
import numpy as np

G_C = 0.7
G_A = np.array([0.3, -0.5, 0.8])
RS = np.random.RandomState(11)
RNG = np.random.default_rng(12)


def h(a, b, scale=0.5, shift=0.0):
    b = ((G_C - a) + (0.5 - scale))
    L1 = [b]
    scale = (shift) ** 2
    return ((np.sum(b, axis=0) + (a * (-1.2))) * scale + shift)


def f(x, y):
    y = h(h((np.sum(x) + np.zeros((1,))), (np.sum((y + RNG.normal(size=(3,)))) + np.zeros((1,)))), (h(h((y + np.zeros((1,))), (np.sum(x) + np.zeros((1,))), scale=y), b=h((np.sum(((y - x) + np.exp(np.tanh(G_C)))) + np.zeros((1,))), RNG.normal(size=(1,)))) - (-1.2)))
    v2 = np.sum(x)
    for i3 in range(2):
        for r4 in y:
            L5 = [np.cos(0.5), np.sum(G_A, axis=0)]
        y = h(np.log(1.0 + RS.randn(1) ** 2), (np.sum(RNG.standard_normal((3,))) + np.zeros((1,))))
        v6, v7 = x, (h((np.mean((v2 / (1.0 + x ** 2)), axis=0) + np.zeros((1,))), np.sqrt(1.0 + (G_C + y) ** 2)) - ((-1.2) + y))
    y = (RNG.standard_normal((1,)) * (np.random.randn() + y))
    x, v8 = v2, v2
    v2 += (np.random.randn(1) * v2)
    y = (G_C + (v2 / (1.0 + y ** 2)))
    return np.sum(y) + np.sum(x) + np.sum(v2)

"""
reverse: crashed: Traceback (most recent call last):
  File "/work/main/tangentlike/pipeline.py", line 282, in compile_derivative
    derivative = _compile(parsed, options, current=key)
                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/work/main/tangentlike/pipeline.py", line 353, in _compile
    functions = split(joint, positional, parsed.name, seed)
                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/work/main/tangentlike/pipeline.py", line 106, in split
    *grads, value = ret.value.elts
                    ^^^^^^^^^^^^^^
AttributeError: 'Name' object has no attribute 'elts'

hvp: crashed: Traceback (most recent call last):
  File "/work/main/tangentlike/pipeline.py", line 282, in compile_derivative
    derivative = _compile(parsed, options, current=key)
                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/work/main/tangentlike/pipeline.py", line 353, in _compile
    functions = split(joint, positional, parsed.name, seed)
                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/work/main/tangentlike/pipeline.py", line 106, in split
    *grads, value = ret.value.elts
                    ^^^^^^^^^^^^^^
AttributeError: 'Name' object has no attribute 'elts'

"""
