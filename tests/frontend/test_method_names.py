"""Methods of your classes named like a container's or an array's (``get``, ``copy``,
``sum``, ``items``; found running autograd's convnet example): ``parser.get(W, "params")`` with
``parser`` an argument that carries no derivative is the object's method, found when the call
runs (``runtime/dynamic.py``), not ``dict.get`` (refused) or ``ndarray.copy`` / ``ndarray.sum``
(whose rules gave the differentiated argument no derivative: a silent zero).  Each derivative
is checked in reverse mode (joint and split, optimized and not), forward mode and as a
Hessian-vector product against central finite differences, and its value against the
function's own."""
from __future__ import annotations

import numpy as np
import pytest
from oracle import check_everywhere

import tangentlike
from tangentlike.errors import TangentlikeError

X = np.array([0.3, -0.7, 1.1, 0.4])


class WeightsParser:
    def __init__(self):
        self.idxs_and_shapes = {"params": (slice(0, 4), (2, 2))}

    def get(self, vect, name):
        idxs, shape = self.idxs_and_shapes[name]
        return np.reshape(vect[idxs], shape)

    def copy(self, vect):
        return np.sin(vect) * 2.0

    def sum(self, vect, scale=1.0):
        return np.sum(vect ** 3) * scale

    def items(self, vect):
        return [("a", vect[0]), ("b", vect[1:])]


PARSER = WeightsParser()


def helper_get(parser, w):
    return parser.get(w, "params")


def uses_get(w):  # min_convnet_method
    return np.sum(helper_get(PARSER, w) ** 2)


def uses_copy_and_sum(w):
    return helper_copy_and_sum(PARSER, w)


def helper_copy_and_sum(parser, w):
    return np.sum(parser.copy(w) * w) + parser.sum(w, scale=0.5)


def uses_items(w):
    total = 0.0
    pairs = helper_items(PARSER, w)
    for _, v in pairs:
        total = total + np.sum(v * v)
    return total


def helper_items(parser, w):
    return parser.items(w)


def self_get(w):
    return MODEL.loss(w)


class Model:  # convnet's: self.parser.get(W, ...)
    def __init__(self):
        self.parser = WeightsParser()

    def loss(self, w):
        return np.sum(np.tanh(self.parser.get(w, "params")) @ np.ones(2))


MODEL = Model()


@pytest.mark.parametrize("f", [uses_get, uses_copy_and_sum, uses_items, self_get],
                         ids=lambda f: f.__name__)
def test_method_of_an_argument_named_like_a_containers(f):
    check_everywhere(f, [X])


def test_the_call_is_found_when_it_runs():
    source = tangentlike.grad(helper_get, wrt=1).source
    assert "call_forward(parser.get, (0,), w" in source


def arrays_method(w, a):
    return np.sum(a.dot(w) * w)  # a carries no derivative: ndarray.dot's rule, by name


def test_arrays_method_with_a_rule_stays_the_arrays():
    a = np.arange(16.0).reshape(4, 4) / 10.0
    check_everywhere(arrays_method, [X, a])
    assert "call_forward" not in tangentlike.grad(arrays_method).source


def dict_get_of_differentiated(d):
    return np.sum(d.get("w") * 2.0)


def dict_get_with_a_differentiated_default(w, d):
    return np.sum(d.get("missing", w))  # d is a dict after all: no rule for its builtin get


def test_a_containers_method_on_a_differentiated_value_is_refused():
    with pytest.raises(TangentlikeError) as info:
        tangentlike.grad(dict_get_of_differentiated)({"w": X})
    assert ".get(" in info.value.message
    assert info.value.location.filename == __file__


def test_a_builtin_method_found_when_it_runs_is_refused():
    with pytest.raises(TangentlikeError) as info:
        tangentlike.grad(dict_get_with_a_differentiated_default)(X, {"w": 1.0})
    assert "dict.get" in info.value.message
