"""The rule cases: one registry for every test of the derivative rules.

Each module here registers cases; ``load_all`` imports them all.  A case (:class:`RuleCase`)
has up to two forms:

* an end-to-end form: a function ``f(params) = expr`` that tangentlike differentiates
  (``tests/rules/test_end_to_end.py``).  When ``expr`` is not a scalar, the function is
  ``np.sum(expr * w)`` with a fixed random weight ``w`` of the result's shape (an extra,
  non-differentiated argument), so a permuted or transposed derivative cannot pass;
* a template form (:class:`Template`): ``prim(*args, **kwargs)``, the primitive called
  directly, whose tangent and adjoint templates run on their own
  (``tests/rules/test_templates.py``).

The case's ``suite`` says which end-to-end checks it gets: ``"numpy"`` (the modules mirroring
``templates/``, registered with :func:`add`): reverse mode in two modes, forward mode, autograd,
Hessian-vector products and float32, the first case of each rule in the default run;
``"core"`` (``core_*.py``, registered with :func:`add_core`): reverse mode in all four modes
(optimized or not, joint or split motion), the first case of each rule and every
fourth after it in the default run; ``"float32"``:
float32 inputs in all four modes; ``"forward"``: a program through forward mode, every
output compared; ``"template"``: no end-to-end form.  The core cases share their ids with
NumPy-suite ones, so their ids start with :data:`CORE`.  A primitive is covered
when a case names it in ``covers`` or calls it in its template form; the registry walk in
``tests/rules/test_templates.py`` fails for a shipped rule no case covers.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from support import HEADERS, make_function

from tangentlike.rules import registry

# The tests that use these cases read the rule tables whole (every shipped rule has a case):
# register the SciPy rules now, which tangentlike registers the first time a SciPy function
# is looked up.
registry.load_deferred()


@dataclass
class Template:
    """``prim(*args, **kwargs)``: the primitive called directly, for its templates."""

    prim: Any
    args: tuple
    kwargs: dict = field(default_factory=dict)
    wrt: tuple[int, ...] | None = None  # default: every float argument
    tie: Callable[..., Any] | None = None  # at a tie: the expected tangent given directions

    def __post_init__(self) -> None:
        if self.wrt is None:
            self.wrt = tuple(i for i, a in enumerate(self.args) if is_float(a))
        assert self.wrt, self.prim

    def call(self, args: tuple | None = None) -> Any:
        return self.prim(*(self.args if args is None else args), **self.kwargs)


@dataclass
class RuleCase:
    id: str
    covers: tuple[Any, ...]  # primitives whose adjoint and tangent the end-to-end form runs
    source: str | None  # None: no end-to-end form
    args: tuple
    wrt: tuple[int, ...]
    autograd_source: str | None  # None: no autograd reference
    second_order: bool = False
    float32: bool = True
    rtol: float = 1e-5
    xfail: dict[str, str] = field(default_factory=dict)  # test name -> known bug (strict)
    suite: str = "numpy"  # "numpy", "core", "float32" or "template" (see the module)
    expected: list[Any] | None = None  # at a tie: the gradients of the end-to-end form
    template: Template | None = None
    names: dict[str, Any] = field(default_factory=dict)  # more globals of its module (scipy)

    @property
    def func(self) -> Callable | None:
        """The end-to-end form as a function in a real file (written at first use, not at
        collection: the default run collects every case in each worker)."""
        if self.source is None:
            return None
        func = make_function(self.source)
        func.__globals__.update(self.names)
        return func


ALL: dict[str, RuleCase] = {}  # every case, by id


class _Suite(Mapping):
    """The cases of one suite, a live view of :data:`ALL`."""

    def __init__(self, suite: str) -> None:
        self.suite = suite

    def __getitem__(self, case_id: str) -> RuleCase:
        case = ALL[case_id]
        if case.suite != self.suite:
            raise KeyError(case_id)
        return case

    def __iter__(self) -> Iterator[str]:
        return (c for c, case in ALL.items() if case.suite == self.suite)

    def __len__(self) -> int:
        return sum(1 for _ in self)


CASES = _Suite("numpy")  # the NumPy / SciPy cases (also run through versions)


# ---------------------------------------------------------------------------------------------
# Inputs: fixed random values per case id.


def rng(case_id: str) -> np.random.Generator:
    """A generator seeded by the case id, so every case has fixed inputs."""
    return np.random.default_rng(zlib.crc32(case_id.encode()))


def draw(generator: np.random.Generator, shape: Any, low: float = -1.0, high: float = 1.0,
         signed: bool = False, dtype: Any = np.float64) -> Any:
    """Uniform values in [low, high] (times a random sign if ``signed``) from ``generator``:
    a Python float for ``shape == "float"``, else an array of ``shape`` (0-d for ``()``)."""
    size = None if shape == "float" else shape
    v = generator.uniform(low, high, size=size)
    if signed:
        v = v * generator.choice([-1.0, 1.0], size=size)
    return float(v) if shape == "float" else np.asarray(v, dtype=dtype)


def values(case_id: str, shape: Any, low: float = -1.0, high: float = 1.0,
           signed: bool = False) -> Any:
    """:func:`draw` from a generator seeded by the case id and the arguments."""
    return draw(rng(f"{case_id}/{shape}/{low}/{high}"), shape, low, high, signed)


def shape_id(shape: Any) -> str:
    """"f" for a Python float, "0d" for ``()``, else the sizes joined by "x"."""
    if shape == "float":
        return "f"
    return "x".join(map(str, shape)) if shape else "0d"


def is_float(x: Any) -> bool:
    """A float, a float array, or a non-empty container of them (bools are not)."""
    if isinstance(x, (tuple, list)):
        return bool(x) and all(is_float(v) for v in x)
    if isinstance(x, dict):
        return bool(x) and all(is_float(v) for v in x.values())
    if isinstance(x, bool):
        return False
    return isinstance(x, (float, np.floating)) or (
        isinstance(x, np.ndarray) and x.dtype.kind == "f")


# ---------------------------------------------------------------------------------------------
# Registering cases.


def _function(case_id: str, expr: str, params: dict[str, Any], body: str | None,
              autograd: bool | str, names: dict[str, Any] | None = None,
              ) -> tuple[str, tuple, str | None]:
    """The source, the arguments (with the weight ``w``) and autograd's source."""
    args = tuple(params.values())
    signature = ", ".join(params)
    if body is not None:
        source = f"def f({signature}):\n{body}"
        return source, args, (None if autograd is False else source if autograd is True
                              else f"def f({signature}):\n{autograd}")
    out = _evaluate(expr, params, names or {})
    if np.ndim(out) > 0:
        w = rng(case_id + "/w").normal(size=np.shape(out))
        template = f"def f({signature}, w):\n    return np.sum(({{}}) * w)\n"
        args = (*args, w)
    else:
        template = f"def f({signature}):\n    return {{}}\n"
    source = template.format(expr)
    return source, args, (None if autograd is False else source if autograd is True
                          else template.format(autograd))


def _evaluate(expr: str, params: dict[str, Any], names: dict[str, Any]) -> Any:
    """``expr`` at ``params``, evaluated in the namespace of a case's module (``math``, ``np``
    and ``names``) without writing the module: only the result's shape is needed here."""
    scope: dict[str, Any] = dict(names)
    exec(HEADERS["numpy"], scope)  # noqa: S102  (the test's own header)
    return eval(expr, scope, dict(params))  # noqa: S307  (a case's own expression)


def _register(case: RuleCase) -> RuleCase:
    """Add ``case``; a case with only a template form so far gets the new end-to-end form."""
    earlier = ALL.get(case.id)
    assert earlier is None or earlier.suite == "template", f"duplicate case id {case.id!r}"
    if earlier is not None:
        case.template = earlier.template
        case.xfail.update(earlier.xfail)
    ALL[case.id] = case
    return case


def add(case_id: str, covers: Any, expr: str, params: dict[str, Any], *,
        wrt: tuple[int, ...] | None = None, autograd: bool | str = True,
        body: str | None = None, second_order: bool = False, float32: bool = True,
        rtol: float = 1e-5, xfail: dict[str, str] | None = None,
        names: dict[str, Any] | None = None) -> RuleCase:
    """Register the NumPy-suite case ``f(**params) = expr`` (weighted by ``w`` when not scalar).

    ``covers``: the primitive (or tuple of primitives) whose rules the case exercises.
    ``wrt``: differentiated parameter positions; by default every float parameter.
    ``autograd``: compare with autograd (True: the same source with ``autograd.numpy`` as
    ``np``; a string: another expression for autograd; False: no comparison).
    ``body``: statements (indented 4 spaces, ending in ``return``) instead of ``expr``.
    ``second_order``: also check Hessian-vector products (the first ``wrt`` argument).
    ``float32``: also check that float32 inputs give float32 derivatives.
    ``rtol``: relative tolerance against finite differences (``atol`` is ``rtol / 100``).
    ``xfail``: known bugs, by test ("reverse", "forward", "primal" (forward mode's primal
    value), "autograd", "second_order", "float32") to the reason; those tests are strict
    xfails, so a fix is noticed.
    ``names``: globals the expression needs besides ``math`` and ``np`` (``scipy``).
    """
    covers = covers if isinstance(covers, tuple) else (covers,)
    source, args, autograd_source = _function(case_id, expr, params, body, autograd, names)
    if wrt is None:
        wrt = tuple(i for i, v in enumerate(params.values()) if is_float(v))
    return _register(RuleCase(case_id, covers, source, args, wrt,
                              autograd_source, second_order, float32, rtol, dict(xfail or {}),
                              names=dict(names or {})))


CORE = "core/"  # the prefix of the ids of the core and template cases


def add_core(case_id: str, expr: str, params: dict[str, Any], *,
             wrt: tuple[int, ...] | None = None, body: str | None = None,
             autograd: bool | str = True, suite: str = "core",
             expected: list[Any] | None = None, xfail: dict[str, str] | None = None) -> RuleCase:
    """Register the core-suite case ``f(**params) = expr`` (see :func:`add`).

    ``autograd``: its reference, compared only where ``represent`` (``core_functions.py``)
    keeps it; ``suite``: "core", "float32" or "forward"; ``expected``: the gradients at a
    tie; ``xfail``: known bugs by test ("reverse", "autograd", "tie", "float32", "forward"),
    strict xfails.  The id gets the prefix :data:`CORE` (the NumPy suite has cases of the
    same names)."""
    source, args, autograd_source = _function(case_id, expr, params, body, autograd)
    if wrt is None:
        wrt = tuple(i for i, v in enumerate(params.values()) if is_float(v))
    return _register(RuleCase(CORE + case_id, (), source, args, wrt,
                              autograd_source, xfail=dict(xfail or {}), suite=suite,
                              expected=expected))


def add_template(case_id: str, prim: Any, *args: Any, wrt: tuple[int, ...] | None = None,
                 tie: Callable[..., Any] | None = None, xfail: dict[str, str] | None = None,
                 **kwargs: Any) -> RuleCase:
    """Give case ``case_id`` the template form ``prim(*args, **kwargs)`` (a new case with no
    end-to-end form if there is none yet).  ``tie``: the expected tangent at a tie, given the
    directions of the ``wrt`` arguments; ``xfail``: known bugs by test ("template-fd",
    "template-transpose", "template-tie", "template-math", "template-float32").  The id gets
    the prefix :data:`CORE`."""
    case_id = CORE + case_id
    template = Template(prim, args, kwargs, wrt, tie)
    case = ALL.get(case_id) or _register(RuleCase(case_id, (), None, (), (), None,
                                                  suite="template"))
    assert case.template is None, f"duplicate template form {case_id!r}"
    case.template = template
    case.xfail.update(xfail or {})
    return case


def covered() -> set[Any]:
    """Every primitive some registered case covers (after the case modules are imported)."""
    return ({p for case in ALL.values() for p in case.covers}
            | {case.template.prim for case in ALL.values() if case.template is not None})


def load_all() -> Mapping[str, RuleCase]:
    """Import every case module of this package; returns the NumPy-suite cases."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return CASES


def in_default_run(per_primitive: int = 1) -> set[str]:
    """The NumPy-suite cases the default test run checks: in case order, each case that runs
    a primitive fewer than ``per_primitive`` earlier cases ran (so every rule is checked at
    least once; the default run's time stays within its budget as rules are added); the
    others run with ``-m slow``."""
    runs: dict[str, int] = {}
    chosen = set()
    for case_id, case in load_all().items():
        keys = [repr(p) for p in case.covers]
        if any(runs.get(k, 0) < per_primitive for k in keys):
            chosen.add(case_id)
            for k in keys:
                runs[k] = runs.get(k, 0) + 1
    return chosen


def every_kth(case_ids: list[str], k: int) -> set[str]:
    """The first of ``case_ids`` and every ``k``-th after it, in order (a sample for the
    default run of a check that other tests already run on every rule)."""
    return set(case_ids[::k])


def core_in_default_run(k: int) -> set[str]:
    """The core-suite cases the default test run checks: of each rule's cases (those whose
    id, after :data:`CORE`, starts with the same name before its first ``-``), the first and
    every ``k``-th after it; the others run with ``-m slow``."""
    by_rule: dict[str, list[str]] = {}
    for case_id, case in ALL.items():
        if case.suite == "core":
            by_rule.setdefault(case_id.removeprefix(CORE).split("-")[0], []).append(case_id)
    return {c for case_ids in by_rule.values() for c in every_kth(case_ids, k)}
