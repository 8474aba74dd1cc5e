"""``with`` blocks whose context manager is not differentiated (``np.errstate``, a timer, a
lock, a file): normalize writes ``manager.__enter__()``, the body, ``manager.__exit__(None,
None, None)``, so the derivative's forward sweep runs the manager around the body as ``f``
does, once per call; the backward sweep runs outside it.  Checked in reverse (joint/split,
optimized or not), forward and HVP against finite differences and ``f`` itself
(``oracle.check_everywhere``)."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from oracle import check_everywhere

import tangentlike
from tangentlike.errors import UnsupportedSyntaxError

X = np.array([0.3, -0.7, 1.1])
LOG: list[str] = []
LOCK = threading.Lock()


class Recorder:
    """A context manager that records its calls, and gives a scale to the body."""

    def __init__(self, name: str):
        self.name, self.scale = name, 2.0

    def __enter__(self):
        LOG.append(f"enter {self.name}")
        return self

    def __exit__(self, *exc):
        LOG.append(f"exit {self.name}")
        return False


def errstate(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(x * x)
    return np.sum(np.sin(y) * x)


def recorded(x):
    with Recorder("a") as r:
        y = np.tanh(x) * r.scale
    return np.sum(y * y)


def nested_and_several(x):
    with LOCK, Recorder("outer"):
        y = x * x
        with Recorder("inner") as r:
            y = np.sin(y) * r.scale
    return np.sum(y * x)


def in_a_loop(x):
    for i in range(3):
        with np.errstate(over="ignore"):
            x = np.cos(x) * 1.5
    return np.sum(x)


@pytest.mark.parametrize("f", [errstate, recorded, nested_and_several, in_a_loop],
                         ids=lambda f: f.__name__)
def test_with_blocks(f):
    check_everywhere(f, [X.copy()])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_manager_runs_once_per_call_around_the_body(mode):
    df = (tangentlike.grad(nested_and_several) if mode == "reverse" else
          tangentlike.autodiff(nested_and_several, mode="forward"))
    args = (X.copy(),) if mode == "reverse" else (X.copy(), np.ones(3))
    for _ in range(3):
        LOG.clear()
        df(*args)
        assert LOG == ["enter outer", "enter inner", "exit inner", "exit outer"]
    assert not LOCK.locked()


def returns_inside(x):
    with np.errstate(all="ignore"):
        return np.sum(np.log(x))


def test_a_return_inside_a_with_block_is_refused():
    with pytest.raises(UnsupportedSyntaxError, match="return inside a with block"):
        tangentlike.grad(returns_inside)
