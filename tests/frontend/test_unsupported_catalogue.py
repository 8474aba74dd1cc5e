"""A catalogue of Python constructs, each used on a differentiated value in a small function
(issue 13, item 11): in reverse mode, forward mode and (for some) ``hvp``, tangentlike either
supports the construct, and then the derivative matches central finite differences and the
value is the function's own (``support.check_grad``, ``support.check_primal``), or refuses it
with a ``TangentlikeError`` subclass whose message names the construct, whose location is the
function's file and the line of the construct, and whose hint is not empty.  No other
exception, and never a wrong number.

Each row's module is a real file (``support.make_function``); the line the construct sits on
ends with the comment ``# <-``.  Which of the two outcomes a row gets is recorded in the row
(``refused`` or ``supported``), so that a change is noticed and the table (and
docs/supported.md) kept true.  Rows marked ``xfail`` are known defects, each described in a
finding (``/tmp/findings/catalogue-<n>.md`` at the time of writing).
"""
from __future__ import annotations

import copy
import dataclasses
import importlib.util
import inspect
import os
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import (
    check_grad,
    check_primal,
    forward_value,
    make_function,
    numerical_grad,
    primal_value,
)

import tangentlike
from tangentlike import TangentlikeError

X = np.array([0.3, -0.2, 0.5])
MARK = "# <-"


@dataclass
class Row:
    id: str
    source: str                 # module text: helpers, then ``def f``, the construct marked
    words: tuple[str, ...]      # a refusal's message names one of these (any case)
    outcome: str                # "refused" or "supported", today
    args: tuple = (X,)
    hvp: bool = False           # also checked through hvp
    factory: bool = False       # ``f`` is made by calling ``outer()``
    xfail: dict[str, str] = field(default_factory=dict)  # mode -> known defect
    requires: str = ""          # a package the row imports (skipped without it)


ROWS = [
    Row("try-except", """
        def f(x):
            try:
                y = x * 2.0
            except ValueError:
                y = x
            return np.sum(y)
        """, (), "supported", hvp=True),
    Row("setitem-on-argument", """
        def f(x):
            x[0] = x[1] * 2.0
            x[2] = np.sin(x[1])
            return np.sum(x * x)
        """, (), "supported", hvp=True),
    Row("setitem-on-argument-alias", """
        def f(x):
            y = x[1:]
            y[0] = 1.0  # <-
            return np.sum(y)
        """, ("argument",), "refused"),
    Row("try-except-raised-halfway", """
        def f(x):
            y = np.sin(x)
            try:
                y = y * x
                if np.max(x) > 0.4:
                    raise ValueError("big")
                y = np.exp(y)
            except ValueError as e:
                y = y * len(str(e))
            else:
                y = y + x
            finally:
                y = y * 2.0
            return np.sum(y)
        """, (), "supported", hvp=True),
    Row("try-finally", """
        def f(x):
            try:
                y = x * 2.0
            finally:
                pass
            return np.sum(y)
        """, (), "supported", hvp=True),
    Row("try-except-loop-in-body", """
        def f(x):
            try:
                for i in range(3):
                    x = x * 2.0
                    if i == 1:  # raised in the second iteration, whatever x is
                        raise ValueError
            except ValueError:
                pass
            return np.sum(x * x)
        """, (), "supported", hvp=True),
    Row("try-except-comprehension-and-try-in-body", """
        def f(x):
            try:
                ys = [v * 2.0 for v in x]
                try:
                    y = np.sum(np.stack(ys) * x)
                finally:
                    pass
            except ValueError:
                y = 0.0
            return y
        """, (), "supported", hvp=True),
    Row("try-return-inside", """
        def f(x):
            try:
                if np.max(x) > 0.4:
                    raise ValueError
                return np.sum(x * 2.0)
            except ValueError:
                return np.sum(x * x)
        """, (), "supported", hvp=True),
    Row("try-break-continue-inside", """
        def f(x):
            total = 0.0
            for v in x:
                try:
                    if v < 0.0:
                        continue
                    total = total + v * v
                    if v > 0.4:
                        break
                finally:
                    total = total * 1.5
            return total
        """, (), "supported", hvp=True),
    Row("try-except-star", """
        def f(x):
            try:  # <-
                y = x * 2.0
            except* ValueError:
                y = x
            return np.sum(y)
        """, ("try",), "refused"),
    Row("with-open", """
        def f(x):
            with open(__file__) as fh:
                y = x * 2.0
            return np.sum(y)
        """, (), "supported", hvp=True),
    Row("with-return", """
        def f(x):
            with np.errstate(all="ignore"):
                return np.sum(np.log(x * x))
        """, (), "supported", hvp=True),
    Row("with-suppressing-an-exception", """
        import contextlib

        def f(x):
            y = x * 2.0
            with contextlib.suppress(ValueError):
                y = np.sin(y)
                if np.max(x) > 0.4:
                    raise ValueError
                y = y * x
            return np.sum(y)
        """, (), "supported", hvp=True),
    Row("global", """
        G = 2.0


        def f(x):
            global G  # <-
            G = 3.0
            return np.sum(x * G)
        """, ("global",), "refused"),
    Row("setitem-on-a-global-array", """
        TOTALS = np.zeros(3)


        def f(x):
            TOTALS[1] = np.sum(x)  # <-
            return TOTALS[1] * 2.0
        """, ("kept outside the function",), "refused"),
    Row("builtin-named-global", """
        from numpy import *  # noqa: F403


        def f(x):
            ys = [x, x * 2.0]
            s = 0.0
            for a, b in zip(ys, [x, x]):
                s = s + sum(a * b) + max(abs(a))
            return s
        """, (), "supported", hvp=True),
    Row("nonlocal", """
        def outer():
            s = 2.0

            def f(x):
                nonlocal s  # <-
                s = s + 1.0
                return np.sum(x * s)
            return f
        """, ("nonlocal",), "refused", factory=True),
    Row("yield", """
        def f(x):
            yield np.sum(x)  # <-
        """, ("yield", "generator"), "refused"),
    Row("yield-from", """
        def f(x):
            yield from [np.sum(x)]  # <-
        """, ("yield", "generator"), "refused"),
    Row("lambda-called", """
        def f(x):
            g = lambda t: t * 2.0
            return np.sum(g(x))
        """, ("lambda",), "supported", hvp=True),
    Row("lambda-stored", """
        def f(x):
            fs = [lambda t: t * 2.0]
            return np.sum(x * 2.0)
        """, ("lambda",), "supported"),
    Row("nested-def", """
        def f(x):
            def g(t):
                return t * 2.0
            return np.sum(g(x))
        """, ("nested function", "def"), "supported", hvp=True),
    Row("decorator-inside", """
        def scale(fn):
            return fn


        def f(x):
            @scale
            def g(t):  # <-
                return t * 2.0
            return np.sum(g(x))
        """, ("decorated nested function",), "refused"),
    Row("class-inside", """
        def f(x):
            class C:  # <-
                pass
            return np.sum(x * 2.0)
        """, ("class",), "refused"),
    Row("async-def", """
        async def f(x):  # <-
            return np.sum(x * 2.0)
        """, ("async",), "refused"),
    Row("await", """
        async def g(t):
            return t


        async def f(x):  # <-
            y = await g(x)
            return np.sum(y)
        """, ("async", "await"), "refused"),
    Row("match", """
        def f(x):
            match x.ndim:  # <-
                case 1:
                    y = x * 2.0
                case _:
                    y = x
            return np.sum(y)
        """, ("match",), "refused", hvp=True),
    Row("walrus", """
        def f(x):
            if (y := x * 2.0) is not None:  # <-
                pass
            return np.sum(y)
        """, (":=", "assignment expression"), "refused"),
    Row("star-args-parameter", """
        def f(x, *rest):  # <-
            return np.sum(x * 2.0)
        """, ("*args",), "refused"),
    Row("star-kwargs-parameter", """
        def f(x, **kw):  # <-
            return np.sum(x * 2.0)
        """, ("**kwargs",), "refused"),
    Row("star-call", """
        def helper(a, b):
            return a * b


        def f(x):
            xs = (x, x)
            return np.sum(helper(*xs))
        """, (), "supported", hvp=True),
    Row("star-call-unknown-length", """
        def helper(a, b):
            return a * b


        def f(x, xs):
            return np.sum(helper(*xs) * x)  # <-
        """, ("starred",), "refused", args=(X, (X, X))),
    Row("double-star-call", """
        def helper(a, b):
            return a * b


        def f(x):
            kw = {"a": x, "b": x}
            return np.sum(helper(**kw))
        """, (), "supported", hvp=True),
    Row("double-star-call-unknown-keys", """
        def helper(a, b):
            return a * b


        def f(x, kw):
            return np.sum(helper(x, **kw))  # <-
        """, ("**kwargs",), "refused", args=(X, {"b": X})),
    Row("star-args-helper", """
        def helper(a, *rest, scale=1.0, **kw):
            return a * rest[0] * scale + kw["c"]


        def f(x):
            return np.sum(helper(x, np.sin(x), scale=2.0, c=x * x))
        """, (), "supported", hvp=True),
    Row("decorated-helper", """
        import functools


        def logged(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                print("calling", fn.__name__)
                return 2.0 * fn(*args, **kwargs)
            return wrapper


        @logged
        def helper(a, b=1.0):
            return a * np.sin(b)


        def f(x):
            return np.sum(helper(x, b=x))
        """, (), "supported", hvp=True),
    Row("decorated-star-args-differentiated", """
        import functools


        def logged(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                print("calling", fn.__name__)
                return 2.0 * fn(*args, **kwargs)
            return wrapper


        @logged
        def f(x):
            return np.sum(np.sin(x) * x)
        """, (), "supported", hvp=True),
    Row("decorated-star-args-differentiated-defaults", """
        import functools


        def logged(fn):
            @functools.wraps(fn)  # <-
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs)
            return wrapper


        @logged
        def f(x, scale=2.0):
            return np.sum(x * x) * scale
        """, ("decorated", "*args"), "refused"),
    Row("star-unpacking", """
        def f(x):
            a, *b = x  # <-
            return a * 2.0 + b[0]
        """, ("starred", "*"), "refused"),
    Row("dict-comprehension", """
        def f(x):
            d = {i: x * i for i in range(3)}
            return np.sum(d[1])
        """, (), "supported"),
    Row("set-comprehension", """
        def f(x):
            s = {v * 2.0 for v in [x[0], x[1]]}  # <-
            return sum(s)
        """, ("set comprehension",), "refused", hvp=True),
    Row("set-comprehension-of-indices", """
        def f(x):
            s = {int(i) % 3 for i in range(5)}
            y = x * len(s)
            for k in sorted(s):
                y = y + np.sin(x[k]) * k
            return np.sum(y * x)
        """, (), "supported", hvp=True),
    Row("method-of-user-object", """
        class Box:
            def __init__(self, k):
                self.k = k

            def apply(self, x):
                return self.k * x


        BOX = Box(3.0)


        def f(x):
            return np.sum(BOX.apply(x))
        """, ("Box.apply",), "supported", hvp=True),
    Row("grad-of-grad-through-a-layer", """
        import tangentlike


        class Wave:
            def __init__(self, a):
                self.a = a

            def __call__(self, x):
                return self.a * np.sin(x) * x


        LAYERS = [Wave(1.5)]


        def h(x):
            layer = LAYERS[0]
            return np.sum(layer(x) ** 2)


        def f(x):
            return np.sum(tangentlike.grad(h)(x) * x)
        """, (), "supported"),
    Row("method-of-differentiated-dataclass", """
        from dataclasses import dataclass


        @dataclass
        class Dense:
            W: object
            b: object

            def forward(self, x):
                return np.tanh(x * self.W + self.b)


        def f(x):
            p = Dense(x * 2.0, np.sin(x))
            return np.sum(p.forward(x) * x)
        """, (), "supported", hvp=True),
    Row("calling-a-user-class", """
        class Dense:
            def __init__(self, W):
                self.W = W

            def __call__(self, x):
                return np.tanh(self.W * x)


        def f(x):
            layer = Dense(x)
            return np.sum(layer.W * 2.0 + np.tanh(layer.W * x))
        """, (), "supported", hvp=True),
    Row("calling-a-user-class-whose-init-loops", """
        class Dense:
            def __init__(self, W):
                self.W = W
                for _ in range(2):
                    self.W = self.W * 2.0


        def f(x):
            layer = Dense(x)  # <-
            return np.sum(layer.W * 2.0)
        """, ("Dense.__init__ has a for loop",), "refused"),
    Row("building-a-plain-object", """
        class Layer:
            \"\"\"A layer.\"\"\"

            def __init__(self, W, b, scale=1.0):
                super().__init__()
                self.W, self.b = W * scale, b
                self.Wb: object = self.W + self.b
                self.n = len(W)


        def f(x):
            layer = Layer(x, np.sin(x), scale=2.0)
            return np.sum(layer.W * layer.b + layer.Wb) * layer.n
        """, (), "supported", hvp=True),
    Row("building-a-dataclass", """
        from dataclasses import dataclass


        @dataclass
        class Params:
            W: object
            b: object


        def f(x):
            p = Params(x * 2.0, b=np.sin(x))
            return np.sum(p.W * p.b + getattr(p, "b"))
        """, (), "supported", hvp=True),
    Row("building-a-namedtuple", """
        from typing import NamedTuple


        class Pair(NamedTuple):
            W: object
            b: object


        def f(x):
            p = Pair(x * 2.0, np.cos(x))
            q = p._replace(b=p.b * p.W)
            W, b = q
            return np.sum(W * b + q[1])
        """, (), "supported", hvp=True),
    Row("dataclass-with-post-init", """
        from dataclasses import dataclass


        @dataclass
        class Scaled:
            W: object

            def __post_init__(self):
                self.W = self.W * 2.0


        def f(x):
            p = Scaled(x)  # <-
            return np.sum(p.W)
        """, ("__post_init__",), "refused"),
    Row("attribute-assignment", """
        class Box:
            def __init__(self, k=1.0):
                self.k = k


        def f(x):
            box = Box()
            box.k = x  # <-
            return np.sum(box.k * x)
        """, ("attribute",), "refused"),
    Row("setattr", """
        class Box:
            def __init__(self, k=1.0):
                self.k = k


        def f(x):
            box = Box()
            setattr(box, "k", x)  # <-
            return np.sum(box.k * x)
        """, ("setattr",), "refused"),
    Row("getattr-of-differentiated", """
        def f(x):
            return np.sum(getattr(x, "T") * np.array([1.0, 2.0, 3.0]))  # <-
        """, ("getattr",), "refused"),
    Row("getattr-constant", """
        def f(x):
            k = getattr(np, "pi")
            return np.sum(x * k)
        """, (), "supported"),
    Row("del", """
        def f(x):
            y = x * 2.0
            z = y * 1.0
            del y
            return np.sum(z)
        """, (), "supported", hvp=True),
    Row("del-in-loop-rebound", """
        def f(x):
            s = 0.0
            for i in range(3):
                t = x[i] * x[i]
                s = s + t
                del t
            return s
        """, (), "supported"),
    Row("del-in-branch", """
        def f(x):
            y = x * 2.0
            z = y
            if z[0] > 0.0:
                del y
            return np.sum(z)
        """, (), "supported"),
    Row("del-subscript", """
        def f(x):
            ys = [x, x * 2.0]
            del ys[0]  # <-
            return np.sum(ys[0])
        """, ("del",), "refused"),
    Row("del-read-after", """
        def f(x):
            y = x * 2.0
            try:
                del y  # <-
            finally:
                z = y
            return np.sum(z)
        """, ("del",), "refused"),
    Row("del-loop-next-trip", """
        def f(x):
            y = x * 2.0
            s = 0.0
            for i in range(2):
                s = s + np.sum(y)
                del y  # <-
            return s
        """, ("del",), "refused"),
    Row("import-inside", """
        def f(x):
            import math as m  # <-
            return np.sum(x * m.pi)
        """, ("import",), "refused"),
    Row("print-to-file", """
        import sys


        def f(x):
            print(np.sum(x), file=sys.stderr)
            return np.sum(x * 2.0)
        """, (), "supported"),
    Row("eval-string", """
        def f(x):
            y = eval("x * 2.0")  # <-
            return np.sum(y)
        """, ("eval",), "refused"),
    Row("locals-lookup", """
        def f(x):
            y = locals()["x"] * 2.0  # <-
            return np.sum(y)
        """, ("locals",), "refused"),
    Row("exec-string", """
        def f(x):
            exec("y = 2.0")
            return np.sum(x * 3.0)
        """, ("exec",), "supported"),
    Row("return-in-loop", """
        def f(x):
            for i in range(3):
                if i == 1:
                    return np.sum(x * i)
            return np.sum(x)
        """, (), "supported", hvp=True),
    Row("tuple-concatenation", """
        def f(x):
            args = (x,)
            args = args + (np.sin(x),)
            return np.sum(args[0] * args[1])
        """, (), "supported", hvp=True),
    Row("tuple-concatenation-unseen", """
        def join(a, b):
            if len(a) > 3:  # (returns twice: kept as a call, not written out)
                return a
            return a + b  # <-


        def f(x):
            both = join((x,), (np.sin(x),))
            return np.sum(both[0] * both[1])
        """, ("tuple or list",), "refused"),
    Row("tuple-concatenation-in-a-written-out-helper", """
        def join(a, b):
            return a + b


        def f(x):
            both = join((x,), (np.sin(x),))
            return np.sum(both[0] * both[1])
        """, (), "supported", hvp=True),
    Row("enumerate-zip-reversed", """
        def f(x):
            xs = [x, 2.0 * x]
            s = 0.0
            for i, (a, b) in enumerate(zip(reversed(xs), xs)):
                s = s + (i + 1.0) * np.sum(a * np.sin(b))
            return s
        """, (), "supported", hvp=True),
    Row("loop-else", """
        def f(x):
            y = x
            for i in range(3):  # <-
                y = y * 2.0
            else:
                y = y + 1.0
            return np.sum(y)
        """, ("else",), "refused"),
    Row("for-over-generator", """
        def f(x):
            total = 0.0
            for v in (x * i for i in range(3)):
                total = total + np.sum(v * v)
            return total
        """, ("for",), "supported", hvp=True),
    Row("for-over-dict-items", """
        def f(x):
            d = {"a": x, "b": x * 2.0}
            total = 0.0
            for k, v in d.items():  # <-
                total = total + np.sum(v)
            return total
        """, ("for",), "refused"),
    Row("dict-name-key", """
        def f(x):
            k = "a"
            d = {k: x}  # <-
            return np.sum(d[k] * 2.0)
        """, ("key", "dict"), "refused"),
    Row("dict-int-key", """
        def f(x):
            d = {1: x}  # <-
            return np.sum(d[1] * 2.0)
        """, ("key", "dict"), "refused"),
    Row("chained-comparison", """
        def f(x):
            if 0.0 < np.sum(x) < 10.0:
                return np.sum(x * x)
            return np.sum(x)
        """, (), "supported", hvp=True),
    Row("and-on-differentiated", """
        def f(x, y):
            z = x and y  # <-
            return z * 2.0
        """, ("and", "boolean"), "refused", args=(1.5, 2.0)),
    Row("or-on-differentiated", """
        def f(x, y):
            z = x or y  # <-
            return z * 3.0
        """, ("or", "boolean"), "refused", args=(1.5, 2.0)),
    Row("f-string", """
        def f(x):
            s = f"{np.sum(x):.3f}"
            return np.sum(x * 2.0)
        """, (), "supported"),
    Row("percent-format", """
        def f(x):
            s = "%.3f" % x
            return x * 2.0
        """, (), "supported", args=(1.5,)),
    Row("str-format", """
        def f(x):
            s = "{}".format(x)
            return x * x
        """, ("format",), "supported", args=(1.5,), hvp=True),
    Row("isinstance", """
        def f(x):
            if isinstance(x, float):
                return x * 2.0
            return np.sum(x * x)
        """, (), "supported", hvp=True),
    Row("recursion", """
        def f(x, n):
            if n == 0:
                return np.sum(x * x)
            return f(x * 1.5, n - 1)
        """, (), "supported", args=(X, 2), hvp=True),
    Row("autograd-numpy", """
        import autograd.numpy as anp
        from autograd.scipy.special import logsumexp


        def f(x):
            return anp.sum(anp.tanh(x) * anp.exp(-x)) + logsumexp(anp.concatenate([x, -x]))
        """, (), "supported", hvp=True, requires="autograd"),
    Row("autograd-only-function", """
        import autograd.numpy as anp


        def f(x):
            return np.sum(anp.make_diagonal(x, axis1=-1, axis2=-2))  # <-
        """, ("autograd",), "refused", requires="autograd"),
    Row("module-alias", """
        def f(x):
            xp = np
            return xp.sum(xp.sin(x) * x) + xp.linalg.norm(x)
        """, (), "supported", hvp=True),
    Row("library-array-api-code", """
        import scipy.optimize


        def f(x):
            return scipy.optimize.rosen(x * 2.0) + np.sum(scipy.optimize.rosen_der(x))
        """, (), "supported", hvp=True, requires="scipy"),
    Row("frozen-distribution", """
        import scipy.stats


        def f(x):
            d = scipy.stats.norm(loc=0.5, scale=2.0)
            return np.sum(d.logpdf(x)) + np.sum(scipy.stats.norm(x[0], 1.5).cdf(x))
        """, (), "supported", hvp=True, requires="scipy"),
    Row("generic-distribution", """
        import scipy.stats


        def f(x):
            a = 2.0 + x[0] ** 2
            return (np.sum(scipy.stats.lomax.logpdf(x ** 2 + 0.1, a, scale=1.5))
                    + np.sum(scipy.stats.gumbel_r(loc=x[1]).cdf(x)))
        """, (), "supported", hvp=True, requires="scipy"),
    Row("frozen-multivariate-distribution", """
        import scipy.stats


        def f(x):
            mean = x[:2]
            d = scipy.stats.multivariate_normal(mean, np.eye(2) * (1.0 + x[2] ** 2))
            return np.sum(d.logpdf(np.array([[0.1, 0.5], [-0.3, 0.2]])))
        """, (), "supported", hvp=True, requires="scipy"),
    Row("frozen-multivariate-densities", """
        import scipy.stats


        def f(x):
            scale = np.eye(2) * (1.0 + x[2] ** 2)
            d = scipy.stats.multivariate_t(x[:2], scale, df=4.0)
            w = scipy.stats.wishart(3.5, scale)
            return (np.sum(d.logpdf(np.array([[0.1, 0.5], [-0.3, 0.2]])))
                    + w.logpdf(np.array([[1.2, 0.1], [0.1, 0.9]])))
        """, (), "supported", hvp=True, requires="scipy"),
    Row("multivariate-normal-cdf", """
        import scipy.stats


        def f(x):
            d = scipy.stats.multivariate_normal(x[:2], np.array([[1.2, 0.3], [0.3, 0.8]]))
            return np.sum(d.cdf(np.array([[0.1, 0.5], [-0.3, 0.2]]) * x[2]))
        """, (), "supported", requires="scipy"),
    Row("special-function-with-its-derivative", """
        import scipy.special


        def f(x):
            v, dv = scipy.special.pbdv(1.3, x)
            sn, cn, dn, ph = scipy.special.ellipj(x, 0.4)
            return np.sum(v * dv + sn * cn) + np.sum(scipy.special.legendre_p(3, x))
        """, (), "supported", hvp=True, requires="scipy"),
    Row("special-characteristic-value", """
        import scipy.special


        def f(x):
            a = scipy.special.mathieu_a(2, x[0] ** 2)  # <-
            return a * np.sum(x)
        """, ("mathieu_a",), "refused", requires="scipy"),
    Row("qr-update", """
        import scipy.linalg


        def f(x):
            q, r = scipy.linalg.qr(np.outer(x, x[:3]) + np.eye(4, 3), mode="economic")
            q1, r1 = scipy.linalg.qr_update(q, r, x, x[:3] ** 2)
            q2, r2 = scipy.linalg.qr_delete(q1, r1, 0, which="col")
            return np.sum(r2 * r2) + np.sum(q2[:, 0])
        """, (), "supported", args=(np.array([0.3, -0.2, 0.5, 0.9]),), hvp=True,
        requires="scipy"),
    Row("ellipsoidal-harmonic", """
        import scipy.special


        def f(x):
            e = scipy.special.ellip_harm(5.0, 8.0, 2, 1, x[0] + 3.0)  # <-
            return e * np.sum(x)
        """, ("ellip_harm",), "refused", requires="scipy"),
    Row("autograd-flatten", """
        from autograd.misc import flatten


        def f(x):
            v, unflatten = flatten([x, {"a": x * 2.0}])
            parts = unflatten(v * 3.0)
            return np.sum(parts[1]["a"] * x) + np.sum(v ** 2)
        """, (), "supported", hvp=True, requires="autograd"),
    Row("helper-slicing-by-a-local", """
        def unpack(params):
            D = np.shape(params)[0] // 2
            return params[:D], params[D:]


        def f(x):
            mean, log_std = unpack(np.concatenate([x, x ** 2]))
            return np.sum(mean * np.exp(log_std))
        """, (), "supported", hvp=True),
    # found running autograd's example programs
    Row("closure-default-enclosing-local", """
        def outer():
            a = 2.0

            def inner(t, a=a):
                return a * np.sin(t)

            def f(x):
                return np.sum(inner(x) * x)
            return f
        """, (), "supported", hvp=True, factory=True),
    Row("nested-def-default-not-literal", """
        def f(x):
            a = np.cos(x)

            def g(t, s=a * 2.0):
                return t * s
            return np.sum(g(x) + g(x, x))
        """, (), "supported", hvp=True),
    Row("nested-default-not-literal-as-value", """
        def f(x):
            a = np.cos(x)
            fs = [lambda t, s=a: t * s]  # <-
            return np.sum(fs[0](x))
        """, ("default value",), "refused"),
    Row("lambda-returning-lambda", """
        def f(x):
            return np.sum((lambda b: lambda t: t * b)(x)(np.sin(x)))
        """, (), "supported", hvp=True),
    Row("method-named-like-dicts-on-argument", """
        class Parser:
            def get(self, vect, name):
                return np.reshape(vect[0:2], (2, 1)) * len(name)


        def helper(parser, w):
            return parser.get(w, "ab")


        def f(x):
            return np.sum(helper(Parser(), x) ** 2)
        """, (), "supported", hvp=True),
    Row("star-call-shape", """
        def f(x):
            rs = np.random.RandomState(0)
            return np.sum((rs.randn(*x.shape) + x) ** 2)
        """, (), "supported", hvp=True),
    Row("star-call-differentiated-unknown-length", """
        def f(x, shape):
            return np.sum(np.broadcast_to(x, *shape))  # <-
        """, ("starred",), "refused", args=(X, ((2, 3),))),
    Row("star-call-helper-tuple", """
        def unpack(x):
            return x[:2], x[1:]


        def f(x):
            total = 0.0
            for a, b in zip(*unpack(x)):
                total = total + a * np.sin(b)
            return total + np.sum(np.arctan2(*unpack(x)))
        """, (), "supported", hvp=True),
    Row("autograd-function-default", """
        import autograd.numpy as anp


        def predict(w, x, nonlinearity=anp.tanh):
            return nonlinearity(anp.dot(x, w))


        def f(x):
            return anp.sum(predict(x, anp.ones((2, 3))) ** 2)
        """, (), "supported", hvp=True, requires="autograd"),
    # The keywords of ufunc calls (issue 17): out= and where= refused, dtype= a cast.
    Row("ufunc-out-keyword", """
        def f(x):
            y = np.zeros(3)
            np.sin(x, out=y)  # <-
            return np.sum(y)
        """, ("out=",), "refused"),
    Row("ufunc-out-keyword-assigned", """
        def f(x):
            y = np.zeros(3)
            z = np.multiply(x, x, out=y)  # <-
            return np.sum(z)
        """, ("out=",), "refused"),
    Row("ufunc-out-positional", """
        def f(x):
            z = np.zeros(3)
            np.add(x, x, z)  # <-
            return np.sum(z)
        """, ("out=",), "refused"),
    Row("ufunc-where-keyword", """
        def f(x):
            return np.sum(np.exp(x, where=x > 0.0))  # <-
        """, ("where=",), "refused"),
    Row("ufunc-dtype-keyword", """
        def f(x):
            return np.sum(np.multiply(x, np.sin(x), dtype=np.float64))
        """, (), "supported", hvp=True),
    Row("ufunc-dtype-keyword-mixed-types", """
        def f(x):
            return np.sum(np.ldexp(x, 2, dtype=np.float64))  # <-
        """, ("dtype=",), "refused"),
    Row("ufunc-as-function", """
        def f(x):
            return np.sum(np.divide(np.add(x, 1.0), np.subtract(2.0, x)))
        """, (), "supported", hvp=True),
    Row("complex-numbers-builtin-abs-angle", """
        def f(x):
            total = 0.0
            for i in range(3):
                z = x[i] + 1j * x[(i + 1) % 3] + 0.5j
                total = total + abs(z * z) + np.angle(z) + (z * z.conjugate()).real
            return total
        """, (), "supported"),
    Row("ufunc-reduce-accumulate-outer", """
        def f(x):
            s = np.add.reduce(x, axis=0, where=x > 0.0, initial=0.5)
            m = np.maximum.accumulate(x) * np.logaddexp.reduce(x)
            return s * np.sum(m) + np.sum(np.multiply.outer(x, np.sin(x)) ** 2)
        """, (), "supported", hvp=True),
    Row("ufunc-maximum-at-argument", """
        def f(x):
            np.maximum.at(x, np.array([0, 2, 0]), x[1] * 2.0 + 0.1)
            return np.sum(x * x)
        """, (), "supported", hvp=True),
    Row("ufunc-add-at-local", """
        def f(x):
            y = np.zeros(2)
            np.add.at(y, np.array([0, 1, 1]), x * x)
            return np.sum(y * y)
        """, (), "supported", hvp=True),
    Row("ufunc-at-unary", """
        def f(x):
            y = x * 2.0
            np.exp.at(y, np.array([0, 1]))  # <-
            return np.sum(y)
        """, ("np.exp.at",), "refused"),
    Row("ufunc-at-into-a-view", """
        def f(x):
            y = x * 2.0
            np.add.at(y[1:], np.array([0, 0]), x[0])  # <-
            return np.sum(y)
        """, ("np.add.at",), "refused"),
    Row("ufunc-reduce-out", """
        def f(x):
            o = np.zeros(())
            np.add.reduce(x, out=o)  # <-
            return o * 2.0
        """, ("reduce",), "refused"),
    Row("numpy-writes-in-place-statement", """
        def f(x):
            y = np.zeros(3)
            np.copyto(y, x * x, where=x > 0.0)
            np.put(y, [0, 2], np.sin(x[:2]))
            return np.sum(y * x)
        """, (), "supported", hvp=True),
    Row("numpy-writes-in-place-into-argument", """
        def f(x):
            np.fill_diagonal(x, 2.0)
            return np.sum(x * x)
        """, (), "supported", args=(np.outer(X, X),)),
    Row("numpy-writes-in-place-into-subscript", """
        def f(x):
            y = np.stack([x, x])
            np.copyto(y[0], x * 2.0)  # <-
            return np.sum(y)
        """, ("copyto",), "refused"),
    Row("numpy-apply-along-axis", """
        def f(x):
            return np.sum(np.apply_along_axis(np.sin, 0, x))
        """, (), "supported", hvp=True),
    Row("numpy-apply-along-axis-in-lambda", """
        def f(x):
            g = lambda y: np.apply_along_axis(np.sin, 0, y)  # <-
            return np.sum(g(x))
        """, ("apply_along_axis",), "refused"),
    Row("array-method-writes-in-place", """
        def f(x):
            y = x * x
            y.sort()
            z = x * 2.0
            z.fill(x[0])
            z.put([1], x[2] ** 2)
            return np.sum(y * x) + np.sum(z * x)
        """, (), "supported", hvp=True),
    Row("array-method-partition", """
        def f(x):
            y = np.sin(x)
            y.partition(1)
            return y[1] * y[0]
        """, (), "supported", args=(np.array([0.3, -0.7, 1.1]),)),
    Row("array-method-resize", """
        def f(x):
            y = x * 2.0
            y.resize((1, 3))  # <-
            return np.sum(y * x)
        """, (".resize()",), "refused"),
    Row("reduction-where-initial", """
        def f(x):
            m = x > 0.0
            return np.max(x, initial=-1.0, where=m) + np.sum(x ** 2, where=m) + np.std(x, where=m)
        """, (), "supported", args=(np.array([0.3, -0.2, 0.5, 0.9]),), hvp=True),
    Row("statistics-median-diff-polyval", """
        def f(x):
            return np.median(x) + np.sum(np.diff(x) ** 2) + np.polyval(x, 0.5)
        """, (), "supported", hvp=True),
    Row("quantile-method-not-linear", """
        def f(x):
            return np.quantile(x, 0.3, method="nearest")  # <-
        """, ("method",), "refused"),
    Row("polyfit-differentiated-x", """
        def f(x):
            return np.sum(np.polyfit(x, x ** 2, 1))  # <-
        """, ("polyfit",), "refused"),
]

MODES = ("reverse", "forward", "hvp")


def _params() -> list[Any]:
    out = []
    for i, row in enumerate(ROWS):
        for mode in MODES:
            if mode == "hvp" and not row.hvp:
                continue
            marks = ([pytest.mark.xfail(strict=True, reason=row.xfail[mode])]
                     if mode in row.xfail else [])
            if mode != "reverse" and i % 3:  # every row in reverse mode; every third in all
                marks.append(pytest.mark.slow)
            if row.requires and importlib.util.find_spec(row.requires) is None:
                marks.append(pytest.mark.skip(reason=f"{row.requires} is not installed"))
            if row.id == "try-except-star" and sys.version_info < (3, 11):
                marks.append(pytest.mark.skip(reason="except* is Python 3.11 syntax"))
            out.append(pytest.param(row, mode, marks=marks, id=f"{row.id}-{mode}"))
    return out


def function_of(row: Row) -> Callable:
    if row.factory:
        return make_function(row.source, name="outer")()
    return make_function(row.source, name="f")


def marked_line(fn: Callable) -> int:
    """The line of ``fn``'s file that ends with the ``# <-`` mark."""
    lines = Path(inspect.getsourcefile(fn)).read_text().splitlines()
    (line,) = [i for i, text in enumerate(lines, 1) if text.rstrip().endswith(MARK)]
    return line


def _wrt(row: Row) -> tuple[int, ...]:
    return tuple(i for i, a in enumerate(row.args) if isinstance(a, (float, np.ndarray)))


def _direction(row: Row, salt: str) -> list[Any]:
    rng = np.random.default_rng(zlib.crc32(f"{row.id}/{salt}".encode()))
    return [rng.normal(size=np.shape(row.args[i])) if isinstance(row.args[i], np.ndarray)
            else float(rng.normal()) for i in _wrt(row)]


def _along(row: Row, v: list[Any], h: float) -> list[Any]:
    args = list(row.args)
    for i, vi in zip(_wrt(row), v):
        args[i] = args[i] + h * vi
    return args


def derive(fn: Callable, row: Row, mode: str) -> None:
    """Differentiate ``fn`` in ``mode`` and check the result (it must be right if it runs)."""
    wrt = _wrt(row)
    if mode == "reverse":
        check_grad(fn, row.args, wrt)
    elif mode == "forward":
        v = _direction(row, "v")
        df = tangentlike.autodiff(fn, wrt=wrt, mode="forward", preserve_result=True)
        tangents = check_primal(df, [*row.args, *v], primal_value(fn, row.args), forward_value,
                                f"forward mode value of {row.id}\n{df.source}")
        h = 1e-6
        fd = (float(fn(*_along(row, v, h))) - float(fn(*_along(row, v, -h)))) / (2 * h)
        for call, t in enumerate(tangents, 1):
            np.testing.assert_allclose(float(t), fd, rtol=1e-5, atol=1e-7,
                                       err_msg=f"call {call}\n{df.source}")
    else:
        i = wrt[0]
        (v,) = _direction(row, "hvp")[:1]
        product = tangentlike.hvp(fn, wrt=i)
        plus, minus = list(row.args), list(row.args)
        plus[i], minus[i] = plus[i] + 1e-5 * v, minus[i] - 1e-5 * v
        expected = (numerical_grad(fn, plus, (i,), eps=1e-4)[0]
                    - numerical_grad(fn, minus, (i,), eps=1e-4)[0]) / 2e-5
        for _ in range(3):
            np.testing.assert_allclose(np.asarray(product(*row.args, v), np.float64), expected,
                                       rtol=1e-4, atol=1e-5, err_msg=product.source)


@pytest.mark.parametrize("row, mode", _params())
def test_construct_is_supported_or_refused_clearly(row: Row, mode: str) -> None:
    # A row whose function writes into its argument must not change the next row's input.
    row = dataclasses.replace(row, args=copy.deepcopy(row.args))
    fn = function_of(row)
    try:
        derive(fn, row, mode)
    except TangentlikeError as error:
        where = f"{row.id} ({mode}): {error}"
        assert row.outcome == "refused", f"{row.id} ({mode}) is refused now: {where}"
        assert type(error) is not TangentlikeError, f"not a subclass: {where}"
        message = error.message.lower()
        assert any(word.lower() in message for word in row.words), \
            f"the message names none of {row.words}: {where}"
        assert error.location is not None, f"no location: {where}"
        assert os.path.samefile(error.location.filename, inspect.getsourcefile(fn)), \
            f"not the user's file: {where}"
        assert error.location.lineno == marked_line(fn), \
            f"line {error.location.lineno}, not {marked_line(fn)}: {where}"
        assert error.hint.strip(), f"no hint: {where}"
    else:
        assert row.outcome == "supported", \
            f"{row.id} ({mode}) is differentiated (rightly) now: update the row and the docs"


def test_rows_are_distinct_and_marked() -> None:
    assert len({row.id for row in ROWS}) == len(ROWS)
    for row in ROWS:
        assert (MARK in row.source) == (row.outcome == "refused" or bool(row.xfail)), row.id
