"""The table of supported functions, built from the rule registry: ``docs/functions.md``.

    python -m tangentlike functions > docs/functions.md

lists every function with a derivative rule, grouped by the template module that defines the
rule, with whether it works in reverse mode (an adjoint) and in forward mode (a tangent), then
the functions treated as constants, then the census of NumPy's and SciPy's callables
(``census.py``).  The internal helpers that generated code calls
(``tangentlike.runtime``, helpers defined in the template modules) are left out.
"""
from __future__ import annotations

import builtins
import importlib
import math
import operator
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tangentlike.rules import census, registry

COMMAND = "python -m tangentlike functions > docs/functions.md"

_TEMPLATES = "tangentlike.templates."
_HELPERS = _TEMPLATES + "runtime_helpers"
_OTHER = "other"

# Template module -> heading, in the order of the page; other modules follow, by name.
HEADINGS = {
    "operators": "Python operators",
    "builtin_functions": "Python builtins",
    "math_functions": "Python math module",
    "numpy_elementwise": "NumPy elementwise functions",
    "numpy_ufuncs": "NumPy ufuncs as functions, conversions, integer results",
    "numpy_reductions": "NumPy reductions",
    "numpy_ufunc_methods": "NumPy ufunc methods: reduce, accumulate, outer",
    "numpy_statistics": "NumPy differences, convolutions and statistics",
    "numpy_polynomials": "NumPy polynomials as coefficient arrays",
    "numpy_shapes": "NumPy shapes: reshaping, joining, splitting",
    "numpy_arrays": "NumPy arrays: building, rearranging, indexing",
    "numpy_indexing": "NumPy gathers, set operations, arrays built from pieces",
    "numpy_histograms": "NumPy histograms",
    "numpy_linalg": "NumPy products and linear algebra",
    "numpy_leftovers": "More NumPy: gradient, roots, windows, 2-d histograms",
    "numpy_fft": "NumPy FFT and complex parts",
    "scipy_special": "SciPy special functions",
    "scipy_special_more": "More SciPy special functions",
    "scipy_special_rest": "The rest of the SciPy special functions",
    "scipy_incomplete": "SciPy incomplete gamma and beta functions in their parameters",
    "scipy_special_functions": "SciPy's elliptic, Legendre, parabolic-cylinder, Mathieu, "
    "spheroidal and Wright functions",
    "scipy_stats": "SciPy stats distributions",
    "scipy_stats_families": "SciPy stats distributions in closed form",
    "scipy_noncentral": "Non-central chi-squared, t and F, Kolmogorov-Smirnov distributions",
    "scipy_stats_more": "More SciPy stats distributions",
    "scipy_multivariate": "SciPy multivariate distributions",
    "scipy_multivariate_more": "More SciPy multivariate distributions",
    "scipy_array_api": "SciPy's array-API helpers",
    "scipy_linalg": "SciPy linear algebra",
    "scipy_linalg_forms": "SciPy linear algebra: matrices in other forms",
    "scipy_linalg_equations": "SciPy linear algebra: Riccati equations",
    "scipy_linalg_factors": "SciPy linear algebra: more factorizations",
    "scipy_lazy_where": "SciPy's lazy where: the guard at its special points",
    "scipy_stats_helpers": "SciPy's compiled helpers of the stats distributions",
    "scipy_stats_compiled": "SciPy stats distribution functions of compiled code",
    "scipy_stats_extremes": "SciPy's kappa4, genextreme, kappa3 and dpareto_lognorm "
    "distributions",
    "scipy_linalg_updates": "SciPy linear algebra: updates of a QR factorization",
    "scipy_other_versions": "SciPy names of older versions",
    "scipy_stats_discrete": "SciPy discrete distributions computed by compiled code",
    _OTHER: "Other functions",
}

SYMBOLS = {
    operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
    operator.pow: "**", operator.mod: "%", operator.matmul: "@", operator.neg: "unary -",
    operator.pos: "unary +", operator.getitem: "x[i]", operator.floordiv: "//",
    operator.and_: "&", operator.or_: "|", operator.xor: "^", operator.invert: "~",
    operator.lshift: "<<", operator.rshift: ">>", operator.not_: "not",
    getattr: "p.W",
}

# Where public names are looked up, first match first; each module's aliases are kept.
_NAMESPACES = [
    ("builtins", ""), ("math", "math."), ("numpy", "np."), ("numpy.linalg", "np.linalg."),
    ("numpy.fft", "np.fft."), ("numpy.random", "np.random."), ("scipy.special",
                                                                "scipy.special."),
    ("scipy.stats", "scipy.stats."), ("scipy.linalg", "scipy.linalg."),
    ("scipy._lib._array_api", "scipy._lib._array_api."),
    ("tangentlike", "tangentlike."),
]

# Private functions of a library that have rules (SciPy's own source calls them), by module.
_PRIVATE = {"scipy.stats._continuous_distns": ("_log_gauss_mass",),
            "scipy.special._ufuncs": ("_binom_cdf", "_cosine_cdf")}


@dataclass
class Row:
    name: str
    reverse: bool
    forward: bool


def _public_names() -> dict[int, list[str]]:
    """id of a public object -> its names (``np.abs``, ``np.absolute``), in the first
    namespace of ``_NAMESPACES`` that has it."""
    names: dict[int, list[str]] = {}
    seen_in: dict[int, str] = {}
    for module_name, prefix in _NAMESPACES:
        try:
            module = builtins if module_name == "builtins" else importlib.import_module(
                module_name)
        except ImportError:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for attr in sorted(dir(module)):
                if attr.startswith("_"):
                    continue
                try:
                    value = getattr(module, attr)
                except Exception:  # noqa: BLE001  (lazy or deprecated attributes)
                    continue
                if isinstance(value, (int, float, complex, str, bytes, bool, type(None))):
                    continue
                key = id(value)
                if seen_in.setdefault(key, module_name) != module_name:
                    continue
                names.setdefault(key, []).append(prefix + attr)
    for module_name, attrs in _PRIVATE.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for attr in attrs:
            if hasattr(module, attr):
                names.setdefault(id(getattr(module, attr)), [f"{module_name}.{attr}"])
    return names


def _internal(primitive: Any) -> bool:
    module = getattr(primitive, "__module__", None) or ""
    return module.startswith(("tangentlike.runtime", _TEMPLATES))


def _name(primitive: Any, names: dict[int, list[str]]) -> str | None:
    """A public, readable name, or None when the primitive has none (a user's function)."""
    if _hashable(primitive) and primitive in SYMBOLS:
        module = "operator" if getattr(operator, primitive.__name__, None) is primitive \
            else "builtins"
        return f"`{SYMBOLS[primitive]}` (`{module}.{primitive.__name__}`)"
    found = names.get(id(primitive))
    if found is None:
        owner = getattr(primitive, "__self__", None)  # scipy.stats.norm.pdf: bound method
        if owner is None or isinstance(owner, type(math)):
            owner = getattr(primitive, "__objclass__", None)  # np.ndarray.sum
        base = names.get(id(owner)) if owner is not None else None
        method = getattr(primitive, "__name__", None)
        if not base or not method:
            return None
        found = [f"{base[0]}.{method}"]
    own = getattr(primitive, "__name__", None)
    first = next((n for n in found if n.rsplit(".", 1)[-1] == own), found[0])
    aliases = [n for n in found if n != first]
    text = f"`{first}`"
    if aliases:
        text += " (also " + ", ".join(f"`{a}`" for a in aliases) + ")"
    return text


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _group(rule: registry.Rule) -> str:
    module = rule.function.__module__
    if (getattr(rule.primitive, "__module__", None) or "") == "math":
        return "math_functions"  # also a twin's rule derived from NumPy's (@elementwise)
    if module == _HELPERS:  # a public function registered beside the helpers
        top = (getattr(rule.primitive, "__module__", None) or "").split(".")[0]
        return "math_functions" if top == "math" else _OTHER
    return module[len(_TEMPLATES):]


def rows() -> dict[str, list[Row]]:
    """Shipped rules by template module (short name): one row per public function."""
    registry.load_deferred()  # the SciPy rules are registered on first use
    names = _public_names()
    primitives: dict[Any, tuple[Any, registry.Rule]] = {}
    for table in (registry.ADJOINTS, registry.TANGENTS):
        for key, rule in table.items():
            if rule.function.__module__.startswith(_TEMPLATES):
                primitives.setdefault(key, (rule.primitive, rule))
    groups: dict[str, dict[str, Row]] = {}
    for key, (primitive, rule) in primitives.items():
        if _internal(primitive):
            continue
        name = _name(primitive, names)
        if name is None:
            name = f"`{registry.describe(primitive)}`"
        row = groups.setdefault(_group(rule), {}).setdefault(name, Row(name, False, False))
        row.reverse |= key in registry.ADJOINTS
        row.forward |= key in registry.TANGENTS
    return {group: sorted(found.values(), key=_sort_key) for group, found in groups.items()}


def constants() -> list[str]:
    """The public functions marked non-differentiable (a user's own are left out)."""
    registry.load_deferred()
    names = _public_names()
    out = set()
    for primitive in registry.NON_DIFFERENTIABLE:
        if isinstance(primitive, int) or _internal(primitive):
            continue  # an unhashable primitive's id, or an internal helper
        name = _name(primitive, names)
        if name is not None:
            out.add(name)
    return sorted(out, key=_sort_key)


_SYMBOL_ORDER = [f"`{symbol}`" for symbol in SYMBOLS.values()]


def _sort_key(item: Row | str) -> tuple:
    name = item.name if isinstance(item, Row) else item
    for i, symbol in enumerate(_SYMBOL_ORDER):
        if name.startswith(symbol + " "):
            return (0, i, "")
    bare = name.split("`")[1]
    return (1, bare.split(".")[-1].lower(), bare)


_CONSTANT_GROUPS = [  # (heading, test on the name without backquotes)
    ("Python operators", lambda name: name.split("`")[1] in SYMBOLS.values()),
    ("Python builtins", lambda name: "." not in name.split("`")[1]),
    ("math", lambda name: name.startswith("`math.")),
    ("NumPy array methods", lambda name: name.startswith("`np.ndarray.")),
    ("NumPy", lambda name: name.startswith("`np.")),
    ("SciPy", lambda name: name.startswith("`scipy.")),
    ("tangentlike", lambda name: True),
]


def _order(groups: Iterable[str]) -> list[str]:
    known = list(HEADINGS)
    return sorted(groups, key=lambda g: (known.index(g) if g in known else len(known) - 1, g))


def _heading(group: str) -> str:
    return HEADINGS.get(group) or group.replace("_", " ").capitalize()


def versions() -> str:
    """The NumPy and SciPy the table was made with (``NumPy 2.4.6, SciPy 1.17.1``)."""
    import numpy
    try:
        import scipy
        return f"NumPy {numpy.__version__}, SciPy {scipy.__version__}"
    except ImportError:
        return f"NumPy {numpy.__version__}, no SciPy"


def markdown() -> str:
    """The page ``docs/functions.md``."""
    lines = [
        "# Supported functions",
        "",
        "This page is generated from tangentlike's rule registry; do not edit it by hand. "
        "Regenerate it with",
        "",
        f"    {COMMAND}",
        "",
        "Every function below has a derivative rule: **reverse** is reverse mode (`grad`, "
        "`value_and_grad`),",
        "**forward** is forward mode (`autodiff(..., mode=\"forward\")`, `jvp`); `hvp` and "
        "`hessian` need both.",
        "Methods are listed as `np.ndarray.<name>` (`x.sum()` is `np.ndarray.sum`). The SciPy "
        "rules are there",
        "when SciPy is installed. A function neither listed here nor treated as a constant "
        "raises",
        "`NoDerivativeError` when it is called on a differentiated value; "
        "[the guide](guide.md) shows how to",
        "add a rule with `tangentlike.adjoint` and `tangentlike.tangent`.",
        "",
        f"Generated with {versions()}: another NumPy or SciPy may have other functions.",
        "",
    ]
    groups = rows()
    total = sum(len(found) for found in groups.values())
    lines += [f"{total} functions with rules, in {len(groups)} groups:", ""]
    lines += [f"- [{_heading(g)}](#{_anchor(_heading(g))}) ({len(groups[g])})"
              for g in _order(groups)]
    for group in _order(groups):
        lines += ["", f"## {_heading(group)}", "", "| function | reverse | forward |",
                  "|---|---|---|"]
        lines += [f"| {row.name} | {'yes' if row.reverse else 'no'} | "
                  f"{'yes' if row.forward else 'no'} |" for row in groups[group]]
    names = constants()
    lines += ["", "## Functions treated as constants", "",
              "Their results carry no derivative through any argument (integers, indices, "
              "booleans, shapes, new",
              "arrays of constants, rounding), so code using them differentiates. Mark your "
              "own function with",
              "`tangentlike.non_differentiable(fn)` only if the same holds for it; a function "
              "differentiable in some",
              "argument needs rules (`tangentlike.adjoint`, `tangentlike.tangent`), or it "
              "would give an exact zero.", ""]
    grouped: dict[str, list[str]] = {}
    for name in names:
        heading = next(h for h, test in _CONSTANT_GROUPS if test(name))
        grouped.setdefault(heading, []).append(name)
    lines += [f"- {heading}: {', '.join(grouped[heading])}" for heading, _ in _CONSTANT_GROUPS
              if heading in grouped]
    lines += [""] + census.markdown_section()
    return "\n".join(lines) + "\n"


def _anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")
