"""A random-program fuzzer: small NumPy programs, differentiated in reverse mode, forward mode
and as Hessian-vector products, checked against central finite differences and the primal
invariant.

A program is a module with globals (a float ``G_C``, an array ``G_A``, a ``RandomState``
``RS`` and a ``Generator`` ``RNG``), maybe a helper ``h(a, b, scale=..., shift=...)``, and the
differentiated function ``f(x, y)``: straight-line code, tuple assignments (swaps included),
``if``/``else`` and conditional expressions, ``for`` loops over ranges, rows and lists,
``while`` loops, ``break`` and ``continue``, helper calls with keywords, in-place updates of
local arrays (``z += e``, ``z[1] *= e``, ``z[1:] = e``) and lists (``append``, ``L[i] = e``),
reductions with ``axis`` and ``keepdims``, broadcasting between shapes, random draws and
re-bound arguments.  Slices: reads (``x[::-1]``, ``x[1:]``, ``x[:-1]``, ``x[1:-1]``, rows
``x[0]`` and columns ``x[:, 0]``) combined so that shapes match (``np.concatenate`` of the
pieces, ``np.pad``, reductions, ``x[:, 0] @ x``), names re-bound from their own slices
(``x = np.sin(x) * w + x[::-1] * 0.5``, in loops too), in-place slice writes on a fresh copy
(``v = x * 1.0; v[1:] = v[1:] + x[:-1]``, ``v[::-1] += ...``, ``v[:-1] -= v[1:]``).  Also
``np.where`` with a mask (from data, kept away from its threshold, or constant), max/min
pairs on one comparison of two arrays (``lo - hi``, the log-sum-exp of two), sums and dot
products of vectors (``np.sum(a * b)``, ``a @ b``, ``np.dot``), and lists of arrays of
different shapes (parameters) read at constant indices.  Inputs are float64 or float32.

Only smooth operations are used (``+ - *``, division by ``1 + b**2``, ``sin cos tanh``,
``exp(tanh(.))``, ``log(1 + a**2)``, ``sqrt(1 + a**2)``, ``sum mean max``, ``where``).  Kinks
are kept away from the evaluation point: each program is also run once *instrumented*, where
every data-dependent condition, every element of a ``np.where`` mask and every ``np.max``
records its relative margin (the distance to the threshold, the gap between the two largest
values); a program whose margin is below ``MARGIN`` is skipped (``hypothesis.assume`` in the
test suite).  So is a program whose float64 value is lost to rounding (terms that cancel): its
value in extended precision, where the platform has one, differs by more than ``ROUNDING``.
Random generators are reset to their initial states before every call of ``f`` and of each
derivative, so the draws are the same in every evaluation.

Checks, each derivative called three times (versions by shape are made at the second call):

* primal invariant: the value of ``value_and_grad`` and of ``jvp`` equals ``f(x, y)``
  exactly (same floats, same dtype);
* reverse mode: the gradient with respect to ``x`` and ``y`` against central differences in
  float64 (``eps = 1e-6``);
* forward mode: ``jvp`` along a random direction against the central difference along it;
* ``hvp`` with respect to ``x`` against second-order central differences, Richardson-
  extrapolated from ``eps = 2e-4`` and ``1e-4``;
* the arguments are not modified; when the program reads ``G_C``, it is re-bound after the
  third call and a fourth call must see the new value.

Any exception other than a ``TangentlikeError`` carrying a location is a crash; such an
error is a refusal (counted).  ``python tests/fuzz.py -n 10000 [--seed S] [-j 2]`` runs a
long campaign, prints a table per mode and writes each failing program to ``--out``.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from support import import_file

import tangentlike
from tangentlike.errors import TangentlikeError

MODES = ("reverse", "forward", "hvp", "rebound")
# Programs with a known, open wrong result, each a strict xfail in test_fuzz_regressions.py
# (its program in docs/fuzz-findings/): the hash of the program's source, spaces left out.
KNOWN_WRONG: dict[str, str] = {  # source hash -> docs/fuzz-findings file
}


def known_wrong(program: Program) -> str | None:
    """The finding that ``program`` is, if it is a known open wrong result."""
    return KNOWN_WRONG.get(hashlib.sha1("".join(program.source.split()).encode()).hexdigest()[:12])
MARGIN = 0.05          # relative distance of every condition from its threshold
ROUNDING = 1e-9        # relative error of f's float64 value, beyond which it is noise
G_C_VALUES = (0.7, 0.25)  # G_C, and its value after re-binding
SHAPES_X = ((3,), (2, 3))
CONSTANTS = ("0.5", "1.5", "(-0.7)", "2.0", "0.3", "(-1.2)")
THRESHOLDS = ("-1.0", "0.0", "0.5", "1.0", "2.0")

HEADER = """\
import numpy as np

G_C = 0.7
G_A = np.array([0.3, -0.5, 0.8])
RS = np.random.RandomState(11)
RNG = np.random.default_rng(12)
"""

INSTRUMENTS = """

_MARGINS = []


def _gt(a, b):
    _MARGINS.append(abs(float(a) - float(b)) / max(1.0, abs(float(a)), abs(float(b))))
    return a > b


def _lt(a, b):
    _MARGINS.append(abs(float(a) - float(b)) / max(1.0, abs(float(a)), abs(float(b))))
    return a < b


def _max(e, axis=None, keepdims=False):
    arr = np.asarray(e, dtype=np.float64)
    along = axis
    if axis is None:
        arr = arr.reshape(-1)
        along = 0
    if arr.shape[along] > 1:
        top = np.sort(arr, axis=along)
        first = np.take(top, -1, axis=along)
        second = np.take(top, -2, axis=along)
        gap = np.min((first - second) / np.maximum(1.0, np.abs(first)))
        _MARGINS.append(float(gap))
    return np.max(e, axis=axis, keepdims=keepdims)


def _above(e, t):
    arr = np.asarray(e, dtype=np.float64)
    _MARGINS.append(float(np.min(np.abs(arr - t) / np.maximum(1.0, np.abs(arr)))))
    return e > t
"""


# -- choices: hypothesis in the test suite, random.Random for long runs -----------------------
class Chooser:
    """The source of every choice the generator makes."""

    def integer(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def choice(self, options: Sequence[Any]) -> Any:
        return options[self.integer(0, len(options) - 1)]

    def chance(self, percent: int) -> bool:
        return self.integer(0, 99) < percent


class RandomChooser(Chooser):
    def __init__(self, rng: random.Random):
        self.rng = rng

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


class DrawChooser(Chooser):
    """Choices drawn by hypothesis (``st.data()``), so that failing programs shrink."""

    def __init__(self, draw: Callable[[Any], Any]):
        from hypothesis import strategies as st
        self.draw, self.st = draw, st

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(self.st.integers(lo, hi))


# -- the generator ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Ex:
    """An expression: its plain and instrumented text, its shape, and whether it is a new
    object (else the name whose object it may be)."""

    plain: str
    instr: str
    shape: tuple[int, ...]
    fresh: bool = True
    alias: str | None = None


def _broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(np.broadcast_shapes(*shapes))


def _fits(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    try:
        return _broadcast(shape, target) == target
    except ValueError:
        return False


@dataclass
class Scope:
    arrays: dict[str, tuple[int, ...]]            # name -> shape (() for scalars)
    owned: set[str]                               # arrays no other name can hold
    lists: dict[str, tuple[tuple[int, ...], int]]  # name -> (element shape, least length)
    params: dict[str, tuple[tuple[int, ...], ...]] = field(default_factory=dict)
    # ^ lists of arrays of different shapes (parameters), never changed: name -> shapes
    loop: str | None = None                       # "for" or "while" around the statement
    index: tuple[str, int] | None = None          # a range loop's variable and trip count
    fixed: frozenset[str] = frozenset()           # re-bound only to the same shape (in loops)
    frozen: frozenset[str] = frozenset()          # iterated over: not updated in place
    depth: int = 0

    def copy(self) -> Scope:
        return Scope(dict(self.arrays), set(self.owned), dict(self.lists), dict(self.params),
                     self.loop, self.index, self.fixed, self.frozen, self.depth)


@dataclass
class Program:
    """A generated program: its module text (plain and instrumented) and inputs."""

    source: str
    instrumented: str
    x_shape: tuple[int, ...]
    y_shape: tuple[int, ...]
    dtype: str
    y_float: bool               # y passed as a Python float
    reads_g_c: bool
    features: frozenset[str] = field(default_factory=frozenset)

    def describe(self) -> str:
        return (f"# x: {self.dtype}{list(self.x_shape)}, y: "
                f"{'float' if self.y_float else self.dtype + str(list(self.y_shape))}\n"
                + self.source)


class Generator:
    """Writes one random program with the choices of a :class:`Chooser`."""

    def __init__(self, chooser: Chooser, max_statements: int = 7,
                 x_shape: tuple[int, ...] | None = None, dtype: str | None = None):
        self.c = chooser
        self.max_statements = max_statements
        self.forced = (x_shape, dtype)
        self.counter = 0
        self.features: set[str] = set()
        self.reads_g_c = False
        self.helper: tuple[tuple[int, ...], tuple[int, ...], bool] | None = None
        # half the programs draw no random numbers: a draw stops the versions by shape
        self.draws = self.c.chance(50)
        # and half test no value they compute: a test that depends on values stops them too
        self.data_tests = self.c.chance(50)

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # -- expressions ----------------------------------------------------------------------
    def shapes(self) -> list[tuple[int, ...]]:
        if len(self.x_shape) == 2:
            return [(), (3,), (2, 3), (2, 1), (1, 3)]
        return [(), (3,), (1,)]

    def draw_random(self) -> Ex:
        shape = self.c.choice(self.shapes()[:3])
        dims = ", ".join(map(str, shape))
        size = "(" + dims + ("," if len(shape) == 1 else "") + ")"
        text = self.c.choice([
            f"RS.randn({dims})",
            f"RS.uniform(-1.0, 1.0, size={size})" if shape else "RS.uniform(-1.0, 1.0)",
            f"RNG.normal(size={size})" if shape else "RNG.normal()",
            f"RNG.standard_normal({size})" if shape else "RNG.standard_normal()",
            f"np.random.randn({dims})",
        ])
        self.features.add("random")
        return Ex(text, text, shape)

    def leaf(self, sc: Scope) -> Ex:
        kind = self.c.integer(0, 99)
        names = sorted(sc.arrays)
        if kind < 66 and names:
            name = self.c.choice(names)
            return Ex(name, name, sc.arrays[name], fresh=False, alias=name)
        if kind < 73 and sc.lists:
            name = self.c.choice(sorted(sc.lists))
            shape, length = sc.lists[name]
            if length:
                i = self.c.choice([str(k) for k in range(length)] + ["-1"])
                self.features.add("list")
                return Ex(f"{name}[{i}]", f"{name}[{i}]", shape, fresh=False, alias=name)
        if kind < 75 and sc.params:
            name = self.c.choice(sorted(sc.params))
            k = self.c.integer(0, len(sc.params[name]) - 1)
            self.features.add("params")
            return Ex(f"{name}[{k}]", f"{name}[{k}]", sc.params[name][k], fresh=False,
                      alias=name)
        if kind < 78:
            self.reads_g_c = True
            self.features.add("global")
            return Ex("G_C", "G_C", ())
        if kind < 82 and sc.arrays:
            self.features.add("global")
            return Ex("G_A", "G_A", (3,), fresh=False)  # never updated in place
        if kind < 87 and self.draws:
            return self.draw_random()
        if kind < 91 and sc.index is not None:
            return Ex(sc.index[0], sc.index[0], ())
        value = self.c.choice(CONSTANTS)
        return Ex(value, value, ())

    def expr(self, sc: Scope, depth: int = 2) -> Ex:
        if depth <= 0 or self.c.chance(25):
            return self.leaf(sc)
        kind = self.c.integer(0, 99)
        if kind >= 80:  # slices, masks and products of vectors
            return self.vector_expr(sc, kind, depth)
        kind = kind * 100 // 80
        if kind < 30:
            a = self.expr(sc, depth - 1)
            template = self.c.choice([
                "np.sin({})", "np.cos({})", "np.tanh({})", "np.exp(np.tanh({}))",
                "np.log(1.0 + {} ** 2)", "np.sqrt(1.0 + {} ** 2)", "({}) ** 2", "(-{})"])
            return Ex(template.format(a.plain), template.format(a.instr), a.shape)
        if kind < 70:
            a, b = self.expr(sc, depth - 1), self.expr(sc, depth - 1)
            op = self.c.choice(["+", "-", "*", "/"])
            if op == "/":
                return Ex(f"({a.plain} / (1.0 + {b.plain} ** 2))",
                          f"({a.instr} / (1.0 + {b.instr} ** 2))", _broadcast(a.shape, b.shape))
            return Ex(f"({a.plain} {op} {b.plain})", f"({a.instr} {op} {b.instr})",
                      _broadcast(a.shape, b.shape))
        if kind < 85:
            return self.reduction(self.expr(sc, depth - 1))
        if kind < 92 and self.helper is not None and not self.helper[2]:
            return self.helper_call(sc)
        if kind < 97:
            a, b = self.expr(sc, depth - 1), self.expr(sc, depth - 1)
            if a.shape == b.shape:
                for alias in (a.alias, b.alias):  # the result may be either object
                    sc.owned.discard(alias)
                cond = self.condition(sc)
                self.features.add("ifexp")
                return Ex(f"({a.plain} if {cond.plain} else {b.plain})",
                          f"({a.instr} if {cond.instr} else {b.instr})", a.shape,
                          fresh=False)
            return a
        return self.draw_random() if self.draws else self.leaf(sc)

    def reduction(self, a: Ex) -> Ex:
        fn = self.c.choice(["sum", "sum", "mean", "max"])
        options: list[tuple[str, tuple[int, ...]]] = [("", ())]
        if len(a.shape) == 2:
            options += [(", axis=0", a.shape[1:]), (", axis=0, keepdims=True", (1, a.shape[1])),
                        (", axis=-1, keepdims=True", (a.shape[0], 1)),
                        (", axis=1, keepdims=True", (a.shape[0], 1))]
        elif len(a.shape) == 1:
            options += [(", axis=0", ()), (", keepdims=True", (1,)),
                        (", axis=-1, keepdims=True", (1,))]
        arguments, shape = self.c.choice(options)
        if arguments:
            self.features.add("axis")
        if fn == "max":
            self.features.add("max")
            return Ex(f"np.max({a.plain}{arguments})", f"_max({a.instr}{arguments})", shape)
        return Ex(f"np.{fn}({a.plain}{arguments})", f"np.{fn}({a.instr}{arguments})", shape)

    # -- slices, masks and products of vectors ---------------------------------------------
    def vector_expr(self, sc: Scope, kind: int, depth: int) -> Ex:
        if kind < 90:
            base = self.sliceable(sc, depth)
            if base is not None:
                return self.slice_read(base)
        elif kind < 95:
            return self.where(sc, depth)
        return self.product(sc, depth)

    def sliceable(self, sc: Scope, depth: int) -> Ex | None:
        """A name (or, sometimes, an expression) whose first axis has at least 2 elements."""
        if self.c.chance(25) and depth > 1:
            e = self.expr(sc, 1)
            if e.shape and e.shape[0] >= 2:
                return Ex(f"({e.plain})", f"({e.instr})", e.shape, e.fresh, e.alias)
        names = [n for n in sorted(sc.arrays) if sc.arrays[n] and sc.arrays[n][0] >= 2]
        if not names:
            return None
        name = self.c.choice(names)
        return Ex(name, name, sc.arrays[name], fresh=False, alias=name)

    def _broadcasts(self, shape: tuple[int, ...]) -> bool:
        try:
            for s in self.shapes():
                _broadcast(shape, s)
        except ValueError:
            return False
        return True

    def slice_read(self, a: Ex) -> Ex:
        """A slice of ``a``, combined so that the result has a shape of the program's world:
        reversed, rotated by ``np.concatenate``, padded, differenced, reduced, a row or a
        column."""
        self.features.add("slice")
        p, i = a.plain, a.instr
        two = len(a.shape) == 2
        pad = "((1, 0), (0, 0))" if two else "(1, 0)"
        forms: list[tuple[str, tuple[int, ...], bool]] = [  # text with {}, shape, a view
            ("{}[::-1]", a.shape, True),
            ("np.concatenate([{0}[1:], {0}[:1]])", a.shape, False),
            ("np.concatenate([{0}[-1:], {0}[:-1]])", a.shape, False),
            ("np.concatenate([{0}[:1], {0}[1:] - {0}[:-1]])", a.shape, False),
            ("np.pad({0}[1:] * {0}[:-1], " + pad + ")", a.shape, False),
            ("np.sum({0}[1:] * {0}[:-1])", (), False),
            ("np.sum({0}[:-1] - {0}[1:] ** 2)", (), False),
            ("{}[1:]", (a.shape[0] - 1,) + a.shape[1:], True),
            ("{}[:-1]", (a.shape[0] - 1,) + a.shape[1:], True),
        ]
        if a.shape[0] >= 3:
            forms.append(("{}[1:-1]", (a.shape[0] - 2,) + a.shape[1:], True))
        if two:
            forms += [("{}[0]", a.shape[1:], True), ("{}[-1]", a.shape[1:], True),
                      ("({0}[:, 0] @ {0})", a.shape[1:], False),
                      ("np.sum({0}[:, 0] * {0}[:, -1])", (), False),
                      ("{}[:, ::-1]", a.shape, True),
                      ("{}[:, :1]", (a.shape[0], 1), True)]
            if a.shape[1] >= 2:
                forms.append(("np.concatenate([{0}[:, 1:], {0}[:, :1]], axis=1)", a.shape,
                              False))
        forms = [f for f in forms if self._broadcasts(f[1])]
        text, shape, view = self.c.choice(forms)
        if view:
            return Ex(text.format(p), text.format(i), shape, fresh=False, alias=a.alias)
        return Ex(text.format(p), text.format(i), shape)

    def where(self, sc: Scope, depth: int) -> Ex:
        """``np.where(mask, a, b)``: a mask from data (kept away from its threshold), from a
        constant array or from the loop's index; or a max/min pair on one comparison."""
        if self.c.chance(30):
            pair = self.ordered_pair(sc)
            if pair is not None:
                return pair
        self.features.add("where")
        a, b = self.expr(sc, depth - 1), self.expr(sc, depth - 1)
        kind = self.c.integer(0, 9)
        if kind < 6:
            e = self.expr(sc, 1)
            t = self.c.choice(THRESHOLDS)
            mask = Ex(f"{e.plain} > {t}", f"_above({e.instr}, {t})", e.shape)
        elif kind < 8 or sc.index is None:
            mask = Ex("G_A > 0.0", "G_A > 0.0", (3,))
        else:
            mask = Ex(f"np.arange(3) > {sc.index[0]}", f"np.arange(3) > {sc.index[0]}", (3,))
        try:
            shape = _broadcast(mask.shape, a.shape, b.shape)
        except ValueError:
            return a
        if not shape or not self._broadcasts(shape):  # a 0-d array: not a float
            return a
        return Ex(f"np.where({mask.plain}, {a.plain}, {b.plain})",
                  f"np.where({mask.instr}, {a.instr}, {b.instr})", shape)

    def ordered_pair(self, sc: Scope) -> Ex | None:
        """The larger and the smaller of two arrays of one shape, each an ``np.where`` on the
        same comparison (kept away from ties), combined as people write them: the larger,
        ``lo - hi``, the log-sum-exp ``hi + np.log1p(np.exp(lo - hi))``, ``hi * lo``."""
        names = sorted(n for n in sc.arrays if sc.arrays[n])
        pairs = [(a, b) for a in names for b in names if a != b and sc.arrays[a] == sc.arrays[b]]
        if not pairs:
            return None
        self.features.add("ordered-pair")
        a, b = self.c.choice(pairs)
        forms = ["{hi}", "({lo} - {hi})", "({hi} + np.log1p(np.exp({lo} - {hi})))",
                 "({hi} * {lo})"]
        form = self.c.choice(forms)

        def text(mask: str) -> str:
            return form.format(hi=f"np.where({mask}, {a}, {b})",
                               lo=f"np.where({mask}, {b}, {a})")
        return Ex(text(f"{a} > {b}"), text(f"_above({a} - {b}, 0.0)"), sc.arrays[a])

    def product(self, sc: Scope, depth: int) -> Ex:
        """A sum or dot product of two vectors (or a matrix and a vector)."""
        self.features.add("product")
        n = self.x_shape[-1]
        a, b = (self.fit(self.expr(sc, depth - 1), (n,)) for _ in "ab")
        forms = [(f"np.sum({a.plain} * {b.plain})", f"np.sum({a.instr} * {b.instr})", ()),
                 (f"({a.plain} @ {b.plain})", f"({a.instr} @ {b.instr})", ()),
                 (f"np.dot({a.plain}, {b.plain})", f"np.dot({a.instr}, {b.instr})", ())]
        if len(self.x_shape) == 2:
            m = self.fit(self.expr(sc, depth - 1), self.x_shape)
            forms += [(f"np.sum({m.plain} @ {a.plain})", f"np.sum({m.instr} @ {a.instr})", ()),
                      (f"({a.plain} @ ({m.plain}).T @ {m.plain})",
                       f"({a.instr} @ ({m.instr}).T @ {m.instr})", (n,))]
        plain, instr, shape = self.c.choice(forms)
        return Ex(plain, instr, shape)

    def shaped(self, sc: Scope, shape: tuple[int, ...]) -> Ex:
        """An expression of exactly ``shape``."""
        for _ in range(3):
            e = self.expr(sc, 2)
            if e.shape == shape:
                return e
        return self.fit(e, shape)

    def fit(self, e: Ex, shape: tuple[int, ...]) -> Ex:
        """``e`` made of exactly ``shape``: broadcast by adding zeros, or summed first."""
        if e.shape == shape:
            return e
        if _fits(e.shape, shape):
            zeros = f"np.zeros({shape})"
            return Ex(f"({e.plain} + {zeros})", f"({e.instr} + {zeros})", shape)
        total = Ex(f"np.sum({e.plain})", f"np.sum({e.instr})", ())
        if shape == ():
            return total
        zeros = f"np.zeros({shape})"
        return Ex(f"({total.plain} + {zeros})", f"({total.instr} + {zeros})", shape)

    def condition(self, sc: Scope) -> Ex:
        kind = self.c.integer(0, 99)
        if not self.data_tests and (kind >= 35 or sc.index is None) and sc.arrays:
            name = self.c.choice(sorted(sc.arrays))  # a test of a shape, not of a value
            text = f"np.ndim({name}) == {self.c.integer(0, 2)}"
            return Ex(text, text, ())
        if kind < 15:
            self.reads_g_c = True
            text = f"G_C > {self.c.choice(['0.5', '1.0', '0.1'])}"
            return Ex(text, text, ())
        if kind < 35 and sc.index is not None:
            i = sc.index[0]
            text = self.c.choice([f"{i} % 2 == 0", f"{i} == 1", f"{i} > 0", f"{i} < 2"])
            return Ex(text, text, ())
        self.features.add("data-branch")
        e = self.expr(sc, 1)
        threshold = self.c.choice(THRESHOLDS)
        op = self.c.choice([">", "<"])
        fn = self.c.choice(["np.sum", "np.mean"]) if e.shape else ""
        lhs, ilhs = f"{fn}({e.plain})", f"{fn}({e.instr})"
        instr = {">": "_gt", "<": "_lt"}[op]
        return Ex(f"{lhs} {op} {threshold}", f"{instr}({ilhs}, {threshold})", ())

    def helper_call(self, sc: Scope) -> Ex:
        assert self.helper is not None
        a_shape, b_shape, _ = self.helper
        a, b = self.shaped(sc, a_shape), self.shaped(sc, b_shape)
        self.features.add("helper")
        parts_p, parts_i = [a.plain], [a.instr]
        form = self.c.integer(0, 3)
        if form == 1:
            parts_p.append(f"b={b.plain}")
            parts_i.append(f"b={b.instr}")
        else:
            parts_p.append(b.plain)
            parts_i.append(b.instr)
        if form >= 2:
            s = self.expr(sc, 1)
            if s.shape == ():
                self.features.add("keyword")
                kw = self.c.choice(["scale", "shift"])
                parts_p.append(f"{kw}={s.plain}")
                parts_i.append(f"{kw}={s.instr}")
        if form == 3 and len(parts_p) == 2:
            parts_p, parts_i = [f"b={parts_p[1]}", f"a={parts_p[0]}"], [
                f"b={parts_i[1]}", f"a={parts_i[0]}"]
        out_shape = self.helper_shape
        return Ex(f"h({', '.join(parts_p)})", f"h({', '.join(parts_i)})", out_shape)

    # -- statements -----------------------------------------------------------------------
    def bind(self, sc: Scope, name: str, e: Ex) -> None:
        """Record ``name = e`` in the scope."""
        if e.alias is not None:
            sc.owned.discard(e.alias)
        sc.arrays[name] = e.shape
        if e.fresh and e.shape:
            sc.owned.add(name)
        else:
            sc.owned.discard(name)
        sc.lists.pop(name, None)
        sc.params.pop(name, None)

    def targets(self, sc: Scope, e_shape: tuple[int, ...]) -> list[str]:
        """Names an expression of shape ``e_shape`` may be assigned to."""
        return [n for n in sorted(sc.arrays) if (n not in sc.fixed or sc.arrays[n] == e_shape)
                and n not in sc.frozen]

    def carried(self, sc: Scope, e: Ex) -> set[str]:
        """In a loop, the names an array that may be shared must not be assigned to: they
        are carried to the next iteration, whose statements (written once, before this one)
        update them in place as arrays of their own (``v = x`` after ``v *= 2`` would change
        the argument ``x`` from the second iteration on)."""
        return set(sc.fixed) if sc.loop is not None and e.shape and not e.fresh else set()

    def assignment(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        e = self.expr(sc, 2)
        old = [n for n in self.targets(sc, e.shape) if n not in self.carried(sc, e)]
        name = self.c.choice(old) if old and self.c.chance(50) else self.fresh("v")
        out.append((f"{pad}{name} = {e.plain}", f"{pad}{name} = {e.instr}"))
        self.bind(sc, name, e)

    def tuple_assignment(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        self.features.add("tuple")
        names = sorted(n for n in sc.arrays if n not in sc.frozen)
        if len(names) >= 2 and self.c.chance(35):  # a swap, or a Fibonacci-like update
            a, b = self.c.choice(names), self.c.choice(names)
            shared = sc.loop is not None and any(
                sc.arrays[n] and n not in sc.owned for n in (a, b))  # see carried()
            if a != b and not shared and (sc.arrays[a] == sc.arrays[b]
                                          or not ({a, b} & sc.fixed)):
                ea = self.expr(sc, 1)
                if self.c.chance(50) or (a in sc.fixed and ea.shape != sc.arrays[a]) or (
                        a in self.carried(sc, ea)):
                    ea = Ex(b, b, sc.arrays[b], fresh=False, alias=b)
                eb = Ex(a, a, sc.arrays[a], fresh=False, alias=a)
                if a in sc.fixed and ea.shape != sc.arrays[a]:
                    return
                out.append((f"{pad}{a}, {b} = {ea.plain}, {eb.plain}",
                            f"{pad}{a}, {b} = {ea.instr}, {eb.instr}"))
                shape_a = sc.arrays[a]
                self.bind(sc, a, ea)
                self.bind(sc, b, Ex(a, a, shape_a, fresh=False, alias=None))
                sc.owned.discard(b)
                return
        e1, e2 = self.expr(sc, 2), self.expr(sc, 2)
        t1 = [n for n in self.targets(sc, e1.shape) if n not in self.carried(sc, e1)]
        t2 = [n for n in self.targets(sc, e2.shape) if n not in self.carried(sc, e2)]
        n1 = self.c.choice(t1) if t1 and self.c.chance(50) else self.fresh("v")
        n2 = self.c.choice(t2) if t2 and self.c.chance(50) else self.fresh("v")
        if n1 == n2:
            n2 = self.fresh("v")
        out.append((f"{pad}{n1}, {n2} = {e1.plain}, {e2.plain}",
                    f"{pad}{n1}, {n2} = {e1.instr}, {e2.instr}"))
        self.bind(sc, n1, e1)
        self.bind(sc, n2, e2)

    def augmented(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        names = [n for n in sorted(sc.arrays) if n not in sc.frozen]
        if not names:
            return self.assignment(sc, out, pad)
        name = self.c.choice(names)
        shape = sc.arrays[name]
        e = self.expr(sc, 1)
        op = self.c.choice(["+=", "-=", "*="])
        new_shape = _broadcast(shape, e.shape)
        if shape and name not in sc.owned:  # would change a shared array: re-bind instead
            return self.assignment(sc, out, pad)
        if shape and new_shape != shape:  # NumPy refuses to grow an array in place
            return self.assignment(sc, out, pad)
        if name in sc.fixed and new_shape != shape:
            return self.assignment(sc, out, pad)
        self.features.add("augassign")
        if shape:
            self.features.add("inplace")
        out.append((f"{pad}{name} {op} {e.plain}", f"{pad}{name} {op} {e.instr}"))
        sc.arrays[name] = new_shape
        if not shape and new_shape:
            sc.owned.discard(name)  # a float grown into an array: a new array, but keep simple

    def constant(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        names = [n for n in self.targets(sc, ()) if n not in sc.frozen]
        name = self.c.choice(names) if names and self.c.chance(70) else self.fresh("v")
        value = self.c.choice(CONSTANTS)
        self.features.add("constant")
        out.append((f"{pad}{name} = {value}", f"{pad}{name} = {value}"))
        self.bind(sc, name, Ex(value, value, ()))

    def setitem(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        names = [n for n in sorted(sc.owned) if n in sc.arrays and len(sc.arrays[n]) >= 1
                 and sc.arrays[n][0] >= 2 and n not in sc.frozen]
        if not names:
            return self.augmented(sc, out, pad)
        name = self.c.choice(names)
        shape = sc.arrays[name]
        indices = ["0", "1", "-1", "1:", ":1"]
        if sc.index is not None and sc.index[1] <= shape[0]:
            indices.append(sc.index[0])
        index = self.c.choice(indices)
        probe = index if index[0] in "-0123456789:" else "0"
        target = np.empty(shape)[eval(f"np.s_[{probe}]")].shape
        e = self.expr(sc, 1)
        if not _fits(e.shape, target):
            e = Ex(f"np.sum({e.plain})", f"np.sum({e.instr})", ())
        op = self.c.choice(["=", "+=", "-=", "*="])
        self.features.add("setitem")
        out.append((f"{pad}{name}[{index}] {op} {e.plain}",
                    f"{pad}{name}[{index}] {op} {e.instr}"))

    def slice_rebind(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        """A name re-bound from its own slices: ``x = np.sin(x) * w + x[::-1] * 0.5``."""
        names = [n for n in sorted(sc.arrays) if sc.arrays[n] and sc.arrays[n][0] >= 2
                 and n not in sc.frozen]
        if not names:
            return self.slice_update(sc, out, pad)
        name = self.c.choice(names)
        shape = sc.arrays[name]
        me = Ex(name, name, shape, fresh=False, alias=name)
        for _ in range(4):
            part = self.slice_read(me)
            if part.shape == shape:
                break
        else:
            part = Ex(f"{name}[::-1]", f"{name}[::-1]", shape)
        w = self.expr(sc, 1)
        if not _fits(w.shape, shape):
            value = self.c.choice(CONSTANTS)
            w = Ex(value, value, ())
        unary = self.c.choice(["np.sin({})", "np.tanh({})", "0.5 * {}", "{} ** 2", "{}"])
        c = self.c.choice(CONSTANTS)
        plain = f"{unary.format(name)} * {w.plain} + {part.plain} * {c}"
        instr = f"{unary.format(name)} * {w.instr} + {part.instr} * {c}"
        self.features.add("slice-rebind")
        out.append((f"{pad}{name} = {plain}", f"{pad}{name} = {instr}"))
        self.bind(sc, name, Ex(plain, instr, shape))

    def slice_update(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        """In-place slice writes on a fresh array: ``v = x * 1.0; v[1:] = v[1:] + x[:-1]``,
        ``v[::-1] += ...``, ``v[:-1] -= v[1:]`` (overlapping: NumPy reads a copy)."""
        sources = [n for n in sorted(sc.arrays) if sc.arrays[n] and sc.arrays[n][0] >= 2]
        if not sources:
            return self.setitem(sc, out, pad)
        source = self.c.choice(sources)
        shape = sc.arrays[source]
        owned = [n for n in sorted(sc.owned) if sc.arrays.get(n) == shape
                 and n not in sc.frozen]
        if owned and self.c.chance(40):
            name = self.c.choice(owned)
        else:
            name = self.fresh("v")
            copy = self.c.choice([f"{source} * 1.0", f"np.copy({source})", f"{source}.copy()"])
            out.append((f"{pad}{name} = {copy}",) * 2)
            self.bind(sc, name, Ex(copy, copy, shape))
        slices = ["1:", ":-1", "::-1", ":", "1:-1"] if shape[0] >= 3 else ["1:", ":-1", "::-1",
                                                                          ":"]
        if len(shape) == 2:
            slices += ["0", "-1", ":, 0", ":, ::-1", ":, 1:" if shape[1] >= 2 else ":, :1"]
        self.features.add("slice-update")
        for _ in range(self.c.integer(1, 2)):
            where = self.c.choice(slices)
            target = np.empty(shape)[eval(f"np.s_[{where}]")].shape
            matching = [s for s in slices
                        if np.empty(shape)[eval(f"np.s_[{s}]")].shape == target]
            read = self.c.choice(matching)
            other = self.c.choice([source, name])
            e = self.expr(sc, 1)
            if not _fits(e.shape, target):
                e = Ex(f"np.sum({e.plain})", f"np.sum({e.instr})", ())
            rhs = self.c.choice([
                (f"{other}[{read}]", f"{other}[{read}]"),
                (f"{name}[{where}] + {other}[{read}] * {e.plain}",
                 f"{name}[{where}] + {other}[{read}] * {e.instr}"),
                (f"np.sin({other}[{read}]) * {e.plain}", f"np.sin({other}[{read}]) * {e.instr}"),
                (e.plain, e.instr)])
            op = self.c.choice(["=", "+=", "-=", "*="])
            out.append((f"{pad}{name}[{where}] {op} {rhs[0]}",
                        f"{pad}{name}[{where}] {op} {rhs[1]}"))

    def params_list(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        """A list of arrays of different shapes (parameters), read at constant indices."""
        shapes = [self.c.choice(self.shapes()) for _ in range(self.c.integer(2, 3))]
        elements = [self.shaped(sc, s) for s in shapes]
        name = self.fresh("P")
        out.append((f"{pad}{name} = [{', '.join(e.plain for e in elements)}]",
                    f"{pad}{name} = [{', '.join(e.instr for e in elements)}]"))
        for e in elements:
            if e.alias is not None:
                sc.owned.discard(e.alias)
        sc.arrays.pop(name, None)
        sc.params[name] = tuple(shapes)
        self.features.add("params")

    def list_statement(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        self.features.add("list")
        lists = sorted(sc.lists)
        kind = self.c.integer(0, 2)
        if not lists or (kind == 0 and sc.loop is None):
            e1 = self.expr(sc, 1)
            e2 = self.shaped(sc, e1.shape) if self.c.chance(60) else None
            elements = [e1] + ([e2] if e2 else [])
            name = self.fresh("L")
            out.append((f"{pad}{name} = [{', '.join(e.plain for e in elements)}]",
                        f"{pad}{name} = [{', '.join(e.instr for e in elements)}]"))
            for e in elements:
                if e.alias is not None:
                    sc.owned.discard(e.alias)
            sc.lists[name] = (e1.shape, len(elements))
            sc.arrays.pop(name, None)
            return
        name = self.c.choice(lists)
        shape, length = sc.lists[name]
        e = self.shaped(sc, shape)
        if e.alias is not None:
            sc.owned.discard(e.alias)
        if kind == 1 or not length:
            out.append((f"{pad}{name}.append({e.plain})", f"{pad}{name}.append({e.instr})"))
            sc.lists[name] = (shape, length + 1)
            return
        i = self.c.integer(0, length - 1)
        if self.c.chance(50):
            out.append((f"{pad}{name}[{i}] = {e.plain}", f"{pad}{name}[{i}] = {e.instr}"))
        else:
            out.append((f"{pad}{name}[{i}] = {name}[{i}] * {e.plain}",
                        f"{pad}{name}[{i}] = {name}[{i}] * {e.instr}"))

    def use_list(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        """``v = sum(L)`` or ``v = np.sum(L[i])``."""
        name = self.c.choice(sorted(sc.lists))
        shape, length = sc.lists[name]
        target = self.fresh("v")
        if self.c.chance(50) or not length:
            text = f"sum({name})"
            result = shape
        else:
            text = f"np.sum({name}[{self.c.integer(0, length - 1)}])"
            result = ()
        out.append((f"{pad}{target} = {text}", f"{pad}{target} = {text}"))
        sc.arrays[target] = result
        sc.owned.discard(target)  # sum of a one-element list is that element

    def branch(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        self.features.add("if")
        cond = self.condition(sc)
        out.append((f"{pad}if {cond.plain}:", f"{pad}if {cond.instr}:"))
        then, other = sc.copy(), sc.copy()
        then.depth = other.depth = sc.depth + 1
        self.block(then, out, pad + "    ", self.c.integer(1, 3))
        if self.c.chance(60):
            out.append((f"{pad}else:", f"{pad}else:"))
            self.block(other, out, pad + "    ", self.c.integer(1, 2))
        self.merge(sc, [then, other])

    def merge(self, sc: Scope, branches: list[Scope]) -> None:
        """The scope after a statement whose bodies left ``branches`` (the names defined the
        same way in all of them)."""
        arrays = {}
        for name, shape in branches[0].arrays.items():
            if all(b.arrays.get(name) == shape for b in branches):
                arrays[name] = shape
        lists = {}
        for name, (shape, length) in branches[0].lists.items():
            if all(name in b.lists and b.lists[name][0] == shape for b in branches):
                lists[name] = (shape, min(b.lists[name][1] for b in branches))
        params = {name: shapes for name, shapes in branches[0].params.items()
                  if all(b.params.get(name) == shapes for b in branches)}
        owned = set.intersection(*(b.owned for b in branches))
        sc.arrays, sc.lists, sc.owned = arrays, lists, owned & set(arrays)
        sc.params = params

    def loop_scope(self, sc: Scope, kind: str, index: tuple[str, int] | None = None,
                   frozen: tuple[str, ...] = ()) -> Scope:
        inner = sc.copy()
        inner.loop, inner.index, inner.depth = kind, index, sc.depth + 1
        inner.fixed = sc.fixed | frozenset(sc.arrays) | frozenset(sc.lists)
        inner.frozen = sc.frozen | frozenset(frozen)
        inner.owned -= set(frozen)
        return inner

    def after_loop(self, sc: Scope, inner: Scope) -> None:
        sc.owned &= inner.owned | (sc.owned - set(sc.arrays))
        for name in list(sc.lists):
            if name not in inner.lists:
                del sc.lists[name]
        for name in list(sc.params):
            if inner.params.get(name) != sc.params[name]:
                del sc.params[name]
        for name in list(sc.arrays):
            if name not in inner.arrays:
                del sc.arrays[name]
                sc.owned.discard(name)

    def jump(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        cond = self.condition(sc)
        word = self.c.choice(["break", "continue"])
        self.features.add(word)
        out.append((f"{pad}if {cond.plain}:", f"{pad}if {cond.instr}:"))
        out.append((f"{pad}    {word}", f"{pad}    {word}"))

    def for_loop(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        self.features.add("for")
        kind = self.c.integer(0, 9)
        rows = [n for n in sorted(sc.arrays) if sc.arrays[n]]
        if kind < 3 and rows:
            source = self.c.choice(rows)
            row = self.fresh("r")
            out.append((f"{pad}for {row} in {source}:", f"{pad}for {row} in {source}:"))
            inner = self.loop_scope(sc, "for", frozen=(source,))
            inner.arrays[row] = sc.arrays[source][1:]
            self.features.add("for-rows")
        elif kind < 5 and sc.lists:
            source = self.c.choice(sorted(sc.lists))
            item = self.fresh("r")
            out.append((f"{pad}for {item} in {source}:", f"{pad}for {item} in {source}:"))
            inner = self.loop_scope(sc, "for")
            inner.arrays[item] = sc.lists[source][0]
            inner.lists.pop(source)  # not changed while iterated over
            self.features.add("for-list")
        else:
            i, n = self.fresh("i"), self.c.integer(1, 3)
            out.append((f"{pad}for {i} in range({n}):", f"{pad}for {i} in range({n}):"))
            inner = self.loop_scope(sc, "for", index=(i, n))
        self.loop_body(inner, out, pad + "    ")
        if kind < 5 and sc.lists and kind >= 3:
            inner.lists[source] = sc.lists[source]
        self.after_loop(sc, inner)

    def while_loop(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        self.features.add("while")
        k, n = self.fresh("k"), self.c.integer(1, 3)
        out.append((f"{pad}{k} = 0", f"{pad}{k} = 0"))
        out.append((f"{pad}while {k} < {n}:", f"{pad}while {k} < {n}:"))
        out.append((f"{pad}    {k} += 1", f"{pad}    {k} += 1"))
        inner = self.loop_scope(sc, "while", index=(k, n + 1))
        self.loop_body(inner, out, pad + "    ")
        self.after_loop(sc, inner)

    def loop_body(self, inner: Scope, out: list[tuple[str, str]], pad: str) -> None:
        n = self.c.integer(1, 3)
        jump_at = self.c.integer(0, n) if self.c.chance(40) else -1
        for k in range(n + 1):
            if k == jump_at:
                self.jump(inner, out, pad)
            if k < n:
                self.statement(inner, out, pad)

    def statement(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        kind = self.c.integer(0, 99)
        nested = sc.depth < 2
        if kind >= 84:  # slices read and written, parameter lists
            kind = self.c.integer(0, 9)
            if kind < 2 and nested:  # a stencil: a loop of names re-bound from their slices
                i, n = self.fresh("i"), self.c.integer(2, 3)
                out.append((f"{pad}for {i} in range({n}):",) * 2)
                inner = self.loop_scope(sc, "for", index=(i, n))
                for _ in range(self.c.integer(1, 2)):
                    self.slice_rebind(inner, out, pad + "    ")
                self.after_loop(sc, inner)
                self.features.add("stencil")
            elif kind < 4:
                self.slice_rebind(sc, out, pad)
            elif kind < 8:
                self.slice_update(sc, out, pad)
            else:
                self.params_list(sc, out, pad)
            return
        kind = kind * 100 // 84
        if kind < 25:
            self.assignment(sc, out, pad)
        elif kind < 35:
            self.tuple_assignment(sc, out, pad)
        elif kind < 45:
            self.augmented(sc, out, pad)
        elif kind < 52:
            self.setitem(sc, out, pad)
        elif kind < 57:
            self.constant(sc, out, pad)
        elif kind < 64:
            self.list_statement(sc, out, pad)
        elif kind < 67 and sc.lists:
            self.use_list(sc, out, pad)
        elif kind < 77 and nested:
            self.branch(sc, out, pad)
        elif kind < 87 and nested:
            self.for_loop(sc, out, pad)
        elif kind < 92 and nested:
            self.while_loop(sc, out, pad)
        elif kind < 97 and self.helper is not None and self.helper[2]:
            self.tuple_call(sc, out, pad)
        else:
            self.assignment(sc, out, pad)

    def tuple_call(self, sc: Scope, out: list[tuple[str, str]], pad: str) -> None:
        call = self.helper_call(sc)
        p, q = self.fresh("v"), self.fresh("v")
        out.append((f"{pad}{p}, {q} = {call.plain}", f"{pad}{p}, {q} = {call.instr}"))
        self.bind(sc, p, Ex("", "", self.helper_shape))
        self.bind(sc, q, Ex("", "", self.helper_second))

    def block(self, sc: Scope, out: list[tuple[str, str]], pad: str, n: int) -> None:
        for _ in range(n):
            self.statement(sc, out, pad)

    # -- whole programs -------------------------------------------------------------------
    def helper_function(self) -> list[tuple[str, str]]:
        a_shape = self.c.choice(self.shapes())
        b_shape = self.c.choice(self.shapes())
        two = self.c.chance(30)
        # scale and shift keep their shape: the result's shape is known after any branch
        sc = Scope({"a": a_shape, "b": b_shape, "scale": (), "shift": ()}, set(), {}, {},
                   fixed=frozenset({"scale", "shift"}))
        sc.depth = 1  # at most one level of nesting
        out: list[tuple[str, str]] = [("def h(a, b, scale=0.5, shift=0.0):",) * 2]
        self.helper = (a_shape, b_shape, False)  # no recursion: calls are made below only
        saved, self.helper = self.helper, None
        self.block(sc, out, "    ", self.c.integer(1, 3))
        first = self.expr(sc, 2)
        result = Ex(f"({first.plain} * scale + shift)", f"({first.instr} * scale + shift)",
                    first.shape)
        self.helper_shape = result.shape
        if two:
            second = self.expr(sc, 1)
            if second.shape and not second.fresh:  # G_A or an argument: the caller may
                second = Ex(f"({second.plain} * 1.0)", f"({second.instr} * 1.0)",  # write
                            second.shape)  # into what it is given back
            self.helper_second = second.shape
            out.append((f"    return {result.plain}, {second.plain}",
                        f"    return {result.instr}, {second.instr}"))
        else:
            out.append((f"    return {result.plain}", f"    return {result.instr}"))
        self.helper = (saved[0], saved[1], two)
        return out

    def program(self) -> Program:
        self.x_shape = self.forced[0] or self.c.choice(SHAPES_X)
        y_options = [s for s in self.shapes() if s != (1,)]
        self.y_shape = self.c.choice(y_options)
        dtype = self.forced[1] or ("float32" if self.c.chance(25) else "float64")
        y_float = self.y_shape == () and self.c.chance(50)
        lines: list[tuple[str, str]] = []
        if self.c.chance(45):
            lines += self.helper_function() + [("", ""), ("", "")]
        sc = Scope({"x": self.x_shape, "y": self.y_shape}, set(), {}, {})
        body: list[tuple[str, str]] = []
        self.block(sc, body, "    ", self.c.integer(2, self.max_statements))
        final = self.result(sc)
        lines += [("def f(x, y):",) * 2] + body + [final]
        plain = HEADER + "\n\n" + "\n".join(p for p, _ in lines) + "\n"
        instr = HEADER + INSTRUMENTS + "\n\n" + "\n".join(i for _, i in lines) + "\n"
        return Program(plain, instr, self.x_shape, self.y_shape, dtype, y_float,
                       self.reads_g_c, frozenset(self.features))

    def result(self, sc: Scope) -> tuple[str, str]:
        names = [n for n in sorted(sc.arrays)]
        picks = []
        if names:
            picks = [self.c.choice(names) for _ in range(self.c.integer(1, 3))]
        lists = [f"np.sum(sum({n}))" for n in sorted(sc.lists) if self.c.chance(50)]
        terms = [f"np.sum({n})" for n in dict.fromkeys(picks)] + lists
        if not terms or self.c.chance(30):
            e = self.expr(sc, 2)
            terms.append(f"np.sum({e.plain})")
            instr_extra = f"np.sum({e.instr})"
        else:
            instr_extra = None
        plain = " + ".join(terms)
        instr_terms = terms[:-1] + [instr_extra] if instr_extra else terms
        return f"    return {plain}", f"    return {' + '.join(instr_terms)}"


def generate(chooser: Chooser, max_statements: int = 7, x_shape: tuple[int, ...] | None = None,
             dtype: str | None = None) -> Program:
    """A random program; ``x_shape`` and ``dtype`` fix the argument's shape and type."""
    return Generator(chooser, max_statements, x_shape, dtype).program()


# -- running and checking ---------------------------------------------------------------------
_directory: Path | None = None


def load(source: str, tag: str) -> Any:
    """Import ``source`` from a real file (tangentlike reads functions' source)."""
    global _directory
    if _directory is None:
        _directory = Path(tempfile.mkdtemp(prefix="tangentlike_fuzz_"))
    digest = hashlib.sha1(source.encode()).hexdigest()[:16]
    name = f"_fuzz_{tag}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    path = _directory / f"{name}.py"
    path.write_text(source)
    module = import_file(name, path)
    module._initial = (module.RS.get_state(), module.RNG.bit_generator.state)
    return module


def reset(module: Any) -> None:
    """Every random generator the program may use, back to its initial state."""
    module.RS.set_state(module._initial[0])
    module.RNG.bit_generator.state = module._initial[1]
    np.random.seed(1234)


class Skip(Exception):
    """The program is unsuitable at this point (a kink too near, values too large)."""


class Wrong(Exception):
    """A derivative or value that disagrees with its reference."""


@dataclass
class Report:
    """What happened to one program in each mode."""

    status: dict[str, str] = field(default_factory=dict)  # mode -> ok/refused/wrong/crashed
    detail: dict[str, str] = field(default_factory=dict)
    skipped: str = ""

    def failures(self) -> dict[str, str]:
        return {m: self.detail[m] for m, s in self.status.items() if s in ("wrong", "crashed")}


def inputs(program: Program) -> tuple[Any, Any, Any, Any]:
    """The point (x, y) and a direction (dx, dy), in the program's dtype."""
    rng = np.random.RandomState(5)
    dtype = np.dtype(program.dtype)
    x = (rng.uniform(-1.0, 1.0, program.x_shape) + 0.1).astype(dtype)
    dx = rng.standard_normal(program.x_shape).astype(dtype)
    if program.y_float:
        y, dy = float(rng.uniform(0.2, 1.0)), float(rng.standard_normal())
    else:
        y = np.asarray(rng.uniform(-1.0, 1.0, program.y_shape) - 0.2).astype(dtype)
        dy = np.asarray(rng.standard_normal(program.y_shape)).astype(dtype)
        if program.y_shape == ():
            y, dy = dtype.type(y), dtype.type(dy)
    return x, y, dx, dy


def _f64(a: Any) -> Any:
    return a.astype(np.float64) if isinstance(a, np.ndarray) else (
        float(a) if isinstance(a, np.floating) else a)


class Checker:
    """Runs the checks of one program."""

    def __init__(self, program: Program):
        self.program = program
        self.module = load(program.source, "p")
        self.f = self.module.f
        self.x, self.y, self.dx, self.dy = inputs(program)
        self.float32 = program.dtype == "float32"
        # finite differences: float64 arithmetic, whatever the program's dtype
        self.rtol = 2e-3 if self.float32 else 1e-5

    def value(self, x: Any, y: Any) -> Any:
        reset(self.module)
        return self.f(x, y)

    def F(self, x: Any, y: Any) -> float:  # noqa: N802  (the float64 function)
        return float(self.value(_f64(x), _f64(y)))

    def precheck(self) -> None:
        """Skip a program with a kink near the point or values too large to compare."""
        instrumented = load(self.program.instrumented, "i")
        instrumented.G_C = self.module.G_C
        instrumented._MARGINS.clear()
        reset(instrumented)
        before = (np.copy(self.x), np.copy(self.y), np.copy(instrumented.G_A))
        with np.errstate(all="ignore"):
            try:
                v = instrumented.f(self.x, self.y)
                if not (np.array_equal(before[0], self.x) and np.array_equal(before[1], self.y)):
                    raise AssertionError("the program changes its arguments: a generator bug")
                if not np.array_equal(before[2], instrumented.G_A):
                    raise AssertionError("the program changes the global G_A: a generator bug")
                reset(instrumented)
                instrumented.f(_f64(self.x), _f64(self.y))
            except Exception as e:  # noqa: BLE001 - f itself may not run at this point
                self.runs_here(e)
                raise
        if instrumented._MARGINS and min(instrumented._MARGINS) < MARGIN:
            raise Skip(f"a condition or max within {min(instrumented._MARGINS):.2g}")
        if not np.all(np.isfinite(v)) or np.abs(v) > 1e4:
            raise Skip(f"value {v}")
        if np.ndim(v) != 0:
            raise Skip("not a scalar")
        self.conditioned()

    def conditioned(self) -> None:
        """Skip a program whose float64 value is mostly rounding (terms of 1e40 that cancel
        to 0.0): finite differences of it are noise, not a reference.  Its value in extended
        precision (``np.longdouble``, where it is wider than float64) tells."""
        if np.finfo(np.longdouble).eps >= np.finfo(np.float64).eps:
            return
        reset(self.module)
        plain = self.F(self.x, self.y)
        wide = tuple(a.astype(np.longdouble) if isinstance(a, np.ndarray) else np.longdouble(a)
                     for a in (_f64(self.x), _f64(self.y)))
        reset(self.module)
        try:
            extended = np.longdouble(self.value(*wide))
        except Exception:  # noqa: BLE001 - an operation without extended precision: no check
            return
        if not abs(extended - plain) <= ROUNDING * max(1.0, abs(extended)):
            raise Skip(f"value lost to rounding: {plain:.3g} in float64, "
                       f"{float(extended):.3g} in extended precision")

    def runs_here(self, probe_error: Exception) -> None:
        """Skip when ``f`` itself raises at the point (after ``G_C`` is re-bound, a branch
        whose shape the generator did not track may make a condition an array)."""
        try:
            with np.errstate(all="ignore"):
                self.value(self.x, self.y)
        except Exception as e:  # noqa: BLE001
            raise Skip(f"f raises here: {type(e).__name__}: {e}") from probe_error

    # references
    def fd_gradient(self) -> tuple[Any, Any]:
        eps = 1e-6
        out = []
        x, y = _f64(self.x), _f64(self.y)
        for which in (0, 1):
            base = (x, y)[which]
            if isinstance(base, np.ndarray):
                g = np.zeros(base.shape)
                for k in np.ndindex(*base.shape):
                    e = np.zeros(base.shape)
                    e[k] = eps
                    args_p = [x, y]
                    args_m = [x, y]
                    args_p[which] = base + e
                    args_m[which] = base - e
                    g[k] = (self.F(*args_p) - self.F(*args_m)) / (2 * eps)
            else:
                args_p, args_m = [x, y], [x, y]
                args_p[which] = base + eps
                args_m[which] = base - eps
                g = (self.F(*args_p) - self.F(*args_m)) / (2 * eps)
            out.append(g)
        return out[0], out[1]

    def fd_directional(self) -> float:
        eps = 1e-6
        x, y, dx, dy = (_f64(a) for a in (self.x, self.y, self.dx, self.dy))
        return (self.F(x + eps * dx, y + eps * dy) - self.F(x - eps * dx, y - eps * dy)) / (
            2 * eps)

    def fd_hvp(self) -> np.ndarray:
        """Second-order central differences, Richardson-extrapolated (error O(eps**4)).

        A plain difference with ``eps = 1e-4`` is off by a relative 3e-4 on programs whose
        third derivative is large (seed 53); the extrapolation removes the ``eps**2`` term.
        """
        def differences(eps: float) -> np.ndarray:
            out = np.zeros(x.shape)
            for k in np.ndindex(*x.shape):
                u = np.zeros(x.shape)
                u[k] = eps
                out[k] = (self.F(x + eps * v + u, y) - self.F(x + eps * v - u, y)
                          - self.F(x - eps * v + u, y) + self.F(x - eps * v - u, y)) / (
                              4 * eps * eps)
            return out

        x, y, v = _f64(self.x), _f64(self.y), _f64(self.dx)
        eps = 2e-4
        return (4 * differences(eps / 2) - differences(eps)) / 3

    def close(self, what: str, got: Any, expected: Any, scale: float, rtol: float) -> None:
        got_a = np.asarray(got, dtype=np.float64)
        expected = np.asarray(expected, dtype=np.float64)
        if got_a.shape != expected.shape:
            raise Wrong(f"{what}: shape {got_a.shape}, expected {expected.shape}")
        atol = rtol * max(1.0, scale)
        if not np.all(np.abs(got_a - expected) <= atol + rtol * np.abs(expected)):
            raise Wrong(f"{what}: got {got_a!r}, expected {expected!r}")

    def same_value(self, what: str, got: Any, expected: Any) -> None:
        g, e = np.asarray(got), np.asarray(expected)
        if g.dtype != e.dtype or not np.array_equal(g, e):
            raise Wrong(f"{what}: value {got!r} ({g.dtype}), f gives {expected!r} ({e.dtype})")

    def unchanged(self, before: tuple[Any, Any]) -> None:
        if not (np.array_equal(before[0], self.x) and np.array_equal(before[1], self.y)):
            raise Wrong("the derivative modified its arguments")

    # modes
    def reverse(self) -> None:
        vg = tangentlike.value_and_grad(self.f, wrt=(0, 1))
        expected = self.fd_gradient()
        scale = max(1.0, *(float(np.max(np.abs(g))) for g in expected))
        for call in range(3):
            before = (np.copy(self.x), np.copy(self.y))
            reset(self.module)
            value, grads = vg(self.x, self.y)
            self.unchanged(before)
            self.same_value(f"call {call + 1}", value, self.value(self.x, self.y))
            for name, g, e in zip("xy", grads, expected):
                self.close(f"call {call + 1}: d/d{name}", g, e, scale, self.rtol)

    def rebound(self) -> None:
        """G_C re-bound after three calls: a fourth call of each derivative sees it."""
        vg = tangentlike.value_and_grad(self.f, wrt=(0, 1))
        jv = tangentlike.jvp(self.f)
        self.module.G_C = G_C_VALUES[1]
        try:
            try:
                self.precheck()
            except Skip:
                return
            self.check_rebound_reverse(vg)
            expected = self.fd_directional()
            reset(self.module)
            value, tangent = jv((self.x, self.y), (self.dx, self.dy))
            self.same_value("jvp after G_C was re-bound", value, self.value(self.x, self.y))
            self.close("after G_C was re-bound: tangent", tangent, expected,
                       max(1.0, abs(expected)), self.rtol)
        finally:
            self.module.G_C = G_C_VALUES[0]

    def check_rebound_reverse(self, vg: Callable) -> None:
        expected = self.fd_gradient()
        scale = max(1.0, *(float(np.max(np.abs(g))) for g in expected))
        reset(self.module)
        value, grads = vg(self.x, self.y)
        self.same_value("after G_C was re-bound", value, self.value(self.x, self.y))
        for name, g, e in zip("xy", grads, expected):
            self.close(f"after G_C was re-bound: d/d{name}", g, e, scale, self.rtol)

    def forward(self) -> None:
        jv = tangentlike.jvp(self.f)
        expected = self.fd_directional()
        scale = max(1.0, abs(expected), float(np.sum(np.abs(_f64(self.dx)))))
        for call in range(3):
            before = (np.copy(self.x), np.copy(self.y))
            reset(self.module)
            value, tangent = jv((self.x, self.y), (self.dx, self.dy))
            self.unchanged(before)
            self.same_value(f"call {call + 1}", value, self.value(self.x, self.y))
            self.close(f"call {call + 1}: tangent", tangent, expected, scale, self.rtol)

    def hvp(self) -> None:
        product = tangentlike.hvp(self.f, wrt=0)
        expected = self.fd_hvp()
        scale = max(1.0, float(np.max(np.abs(expected))))
        if scale > 1e5:  # differences of a gradient this curved are not a reference
            raise Skip("Hessian-vector product too large")  # (x ** 3 iterated: 1e7)
        rtol = 5e-3 if self.float32 else 1e-4
        for call in range(3):
            before = (np.copy(self.x), np.copy(self.y))
            reset(self.module)
            got = product(self.x, self.y, self.dx)
            self.unchanged(before)
            self.close(f"call {call + 1}: H v", got, expected, scale, rtol)

    def run(self, modes: Sequence[str] = MODES) -> Report:
        report = Report()
        try:
            with np.errstate(all="ignore"):  # the program's own overflows are not ours
                self.precheck()
                g = self.fd_gradient()
            if max(float(np.max(np.abs(a))) for a in g) > 1e4:
                raise Skip("gradient too large")
        except Skip as e:
            report.skipped = str(e)
            return report
        for mode in modes:
            if mode == "rebound" and not (self.program.reads_g_c and report.status.get(
                    "reverse") == report.status.get("forward") == "ok"):
                continue
            try:
                with np.errstate(all="ignore"):
                    getattr(self, mode)()
                report.status[mode] = "ok"
            except Skip as e:  # pragma: no cover - precheck covers the point
                report.status[mode] = "ok"
                report.detail[mode] = str(e)
            except Wrong as e:
                report.status[mode] = "wrong"
                report.detail[mode] = str(e)
            except TangentlikeError as e:
                if e.location is None or not e.location.filename or not e.location.lineno:
                    report.status[mode] = "crashed"
                    report.detail[mode] = f"TangentlikeError without a location: {e}"
                else:
                    report.status[mode] = "refused"
                    report.detail[mode] = e.one_line()
            except Exception:  # noqa: BLE001 - every other exception is a crash
                report.status[mode] = "crashed"
                report.detail[mode] = traceback.format_exc(limit=-3)
        return report


def check(program: Program, modes: Sequence[str] = MODES) -> Report:
    """Run every check of ``program``; a program that raises by itself is a generator bug."""
    checker = Checker(program)
    return checker.run(modes)


# -- the long run -----------------------------------------------------------------------------
def _one(arguments: tuple[int, int, int]) -> tuple[int, Program, Report]:
    seed, i, size = arguments
    program = generate(RandomChooser(random.Random(f"{seed}-{i}")), size)
    try:
        report = check(program)
    except Exception:  # noqa: BLE001 - a generator bug: the program itself fails
        report = Report(skipped="invalid: " + traceback.format_exc(limit=-1).strip())
    return i, program, report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="number of programs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=7, help="most statements in f's body")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--out", default="fuzz-failures", help="where failing programs go")
    args = parser.parse_args(argv)
    out = Path(args.out)
    counts: dict[str, Counter] = {m: Counter() for m in MODES}
    skipped = invalid = 0
    refusals: Counter = Counter()
    failures = 0
    start = time.time()
    work = [(args.seed, i, args.size) for i in range(args.n)]
    if args.jobs > 1:
        import multiprocessing
        pool = multiprocessing.get_context("spawn").Pool(args.jobs)
        results = pool.imap_unordered(_one, work, chunksize=4)
    else:
        results = map(_one, work)
    for i, program, report in results:
        if report.skipped:
            if report.skipped.startswith("invalid"):
                invalid += 1
                out.mkdir(parents=True, exist_ok=True)
                (out / f"invalid-{args.seed}-{i}.py").write_text(
                    program.describe() + '\n"""\n' + report.skipped + '\n"""\n')
            else:
                skipped += 1
            continue
        for mode, status in report.status.items():
            counts[mode][status] += 1
            if status == "refused":
                refusals[report.detail[mode].split(" (")[0][:90]] += 1
        if report.failures():
            failures += 1
            out.mkdir(parents=True, exist_ok=True)
            text = program.describe() + '\n"""\n' + "\n".join(
                f"{m}: {report.status[m]}: {d}" for m, d in report.failures().items()) + '\n"""\n'
            (out / f"fail-{args.seed}-{i}.py").write_text(text)
    elapsed = time.time() - start
    checked = args.n - skipped - invalid
    print(f"{args.n} programs (seed {args.seed}), {checked} checked, {skipped} skipped "
          f"(kink near the point or values too large), {invalid} invalid; {elapsed:.0f} s")
    print(f"{'mode':<9}{'checked':>9}{'ok':>9}{'refused':>9}{'wrong':>9}{'crashed':>9}")
    for mode in MODES:
        c = counts[mode]
        print(f"{mode:<9}{sum(c.values()):>9}{c['ok']:>9}{c['refused']:>9}{c['wrong']:>9}"
              f"{c['crashed']:>9}")
    if refusals:
        print("most frequent refusals:")
        for text, n in refusals.most_common(8):
            print(f"  {n:6}  {text}")
    if failures:
        print(f"{failures} failing programs written to {out}/")
    return 1 if failures or invalid else 0


if __name__ == "__main__":
    sys.exit(main())
