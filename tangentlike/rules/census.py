"""The census: every public callable of NumPy and SciPy, in exactly one class.

    python -m tangentlike coverage [--table]

walks NumPy's and SciPy's own namespaces (``numpy``, ``numpy.linalg``, ``numpy.fft``,
``numpy.random`` with the methods of ``RandomState`` and ``Generator``, the methods of every
ufunc, the methods of ``np.ndarray``, ``scipy.special``, ``scipy.linalg`` and the densities of
``scipy.stats``' distributions) and puts each callable in one class (:class:`Kind`).  The
rules' classes come from the registry (``registry.py``: tangentlike's own rules, not a
user's); the others from the curated tables of ``census_tables.py``.  A callable in none is
UNKNOWN: ``tests/rules/test_census.py`` fails then, so a NumPy or SciPy upgrade that adds a
function is noticed.  Aliases (``np.true_divide`` is ``np.divide``) are one callable, found
by identity.
"""
from __future__ import annotations

import enum
import fnmatch
import importlib
import types
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tangentlike.rules import census_tables, registry


class Kind(enum.Enum):
    """The class of one callable."""

    BOTH = "rules in both modes"
    REVERSE_ONLY = "a rule in reverse mode only"
    FORWARD_ONLY = "a rule in forward mode only"
    NON_DIFFERENTIABLE = "declared a constant"
    RANDOM = "a random draw or the generator's state"
    REFUSED = "refused by name"
    MISSING = "differentiable or a constant, not declared yet"
    UNKNOWN = "in no class"


# Kinds read from the registry; the others come from census_tables.
REGISTRY_KINDS = (Kind.BOTH, Kind.REVERSE_ONLY, Kind.FORWARD_ONLY, Kind.NON_DIFFERENTIABLE)
TABLES: dict[Kind, dict[str, str]] = {  # reason -> names and patterns
    Kind.BOTH: census_tables.REWRITTEN,  # no rule of their own: the call is rewritten
    Kind.RANDOM: census_tables.RANDOM,
    Kind.REFUSED: census_tables.REFUSED,
    Kind.MISSING: census_tables.MISSING,
}

# The modules walked, in order: a callable reached from two is counted in the first.
MODULES = ("np", "np.linalg", "np.fft", "np.random", "np.ufunc methods", "np.ndarray",
           "scipy.special", "scipy.stats", "scipy.linalg")
_IMPORTS = {"np": "numpy", "np.linalg": "numpy.linalg", "np.fft": "numpy.fft",
            "np.random": "numpy.random", "scipy.special": "scipy.special",
            "scipy.linalg": "scipy.linalg"}
UFUNC_METHODS = ("reduce", "accumulate", "reduceat", "outer", "at")
DENSITIES = {"continuous": ("pdf", "logpdf", "cdf", "logcdf"),
             "discrete": ("pmf", "logpmf", "cdf", "logcdf"),
             "multivariate": ("pdf", "logpdf", "pmf", "logpmf", "cdf", "logcdf")}


@dataclass
class Entry:
    """One callable: its name, the other names of the same object, and its class."""

    name: str
    module: str
    obj: Any = field(repr=False)
    aliases: list[str] = field(default_factory=list)
    kind: Kind = Kind.UNKNOWN
    reason: str = ""
    conflicts: list[Kind] = field(default_factory=list)  # curated in more than one table
    source: str = ""  # the curated table's name or pattern that classed it


def _public(namespace: Any) -> Iterator[tuple[str, Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for attr in sorted(dir(namespace)):
            if attr.startswith("_"):
                continue
            try:
                value = getattr(namespace, attr)
            except Exception:  # noqa: BLE001  (a lazy or deprecated attribute)
                continue
            if callable(value) and not isinstance(value, types.ModuleType):
                yield attr, value


def _walk() -> Iterator[tuple[str, str, Any]]:
    """(module, name, object) for every callable of the census, modules in order."""
    for module in MODULES:
        if module in _IMPORTS:
            try:
                namespace = importlib.import_module(_IMPORTS[module])
            except ImportError:  # no SciPy
                continue
            for attr, value in _public(namespace):
                yield module, f"{module}.{attr}", value
            if module == "np.random":
                for cls in (np.random.RandomState, np.random.Generator):
                    for attr, value in _public(cls):
                        yield module, f"np.random.{cls.__name__}.{attr}", value
        elif module == "np.ufunc methods":
            for attr, ufunc in _public(np):
                if isinstance(ufunc, np.ufunc) and ufunc.__name__ == attr:
                    for method in _ufunc_methods(ufunc):
                        yield module, f"np.{attr}.{method}", getattr(ufunc, method)
        elif module == "np.ndarray":
            for attr, value in _public(np.ndarray):
                yield module, f"np.ndarray.{attr}", value
        elif module == "scipy.stats":
            yield from _densities()


def _ufunc_methods(ufunc: np.ufunc) -> tuple[str, ...]:
    """The methods a ufunc supports: reductions and ``outer`` need two inputs, and all but
    ``outer`` one output; a generalized ufunc (``np.matmul``, with a signature) has none."""
    if ufunc.signature is not None:
        return ()
    if ufunc.nout != 1:
        return ("outer",) if ufunc.nin == 2 else ()
    return UFUNC_METHODS if ufunc.nin == 2 else ("at",)


def _densities() -> Iterator[tuple[str, str, Any]]:
    try:
        import scipy.stats as stats
        from scipy.stats._multivariate import multi_rv_generic
    except ImportError:
        return
    kinds = {"continuous": stats.rv_continuous, "discrete": stats.rv_discrete,
             "multivariate": multi_rv_generic}
    for attr, value in _public(stats):
        for kind, base in kinds.items():
            if isinstance(value, base):
                for method in DENSITIES[kind]:
                    if hasattr(value, method):
                        yield "scipy.stats", f"scipy.stats.{attr}.{method}", \
                            getattr(value, method)


def _identity(obj: Any) -> Any:
    """What makes two names one callable: the object, or for a bound method (a new object at
    every access: ``np.add.reduce``) its owner and name."""
    owner = getattr(obj, "__self__", None)
    if owner is not None and not isinstance(owner, types.ModuleType):
        return (id(owner), getattr(obj, "__name__", None))
    return id(obj)


def entries() -> list[Entry]:
    """Every callable of the census, classified, in the order of ``MODULES``."""
    registry.load_deferred()
    found: dict[Any, Entry] = {}
    for module, name, obj in _walk():
        key = _identity(obj)
        entry = found.get(key)
        if entry is None:
            found[key] = Entry(name, module, obj)
        elif entry.module == module and _own_name(name, obj) and not _own_name(entry.name,
                                                                              obj):
            entry.aliases.append(entry.name)  # np.absolute, not np.abs, is the name
            entry.name = name
        else:
            entry.aliases.append(name)
    out = list(found.values())
    for entry in out:
        _classify(entry)
    return out


def _own_name(name: str, obj: Any) -> bool:
    return name.rsplit(".", 1)[-1] == getattr(obj, "__name__", None)


def registry_kind(obj: Any) -> Kind | None:
    """The class tangentlike's own rules give ``obj`` (``tangentlike.templates``; a user's
    rules or declarations do not count), or None when they say nothing of it."""
    try:
        record = registry.declared(obj)
    except Exception:  # noqa: BLE001  (an object the registry cannot look up)
        return None
    if record is None:
        return None
    adjoint, tangent = _shipped(record.adjoint), _shipped(record.tangent)
    if adjoint and tangent:
        return Kind.BOTH
    if adjoint:
        return Kind.REVERSE_ONLY
    if tangent:
        return Kind.FORWARD_ONLY
    constant = not record.differentiable and "differentiable" not in record.user_facts
    return Kind.NON_DIFFERENTIABLE if constant else None


def _shipped(rule: registry.Rule | None) -> bool:
    return rule is not None and rule.function.__module__.startswith("tangentlike.templates.")


def curated(name: str) -> dict[Kind, tuple[str, str]]:
    """The tables that name ``name``, with the matching entry and its reason: an exact name
    is preferred to a pattern (``np.nan*``)."""
    exact, patterns = _index()
    if name in exact:
        return dict(exact[name])
    found: dict[Kind, tuple[str, str]] = {}
    for kind, item, reason in patterns:
        if kind not in found and fnmatch.fnmatchcase(name, item):
            found[kind] = (item, reason)
    return found


_INDEX: tuple[dict[str, list[tuple[Kind, tuple[str, str]]]], list[tuple[Kind, str, str]]] \
    | None = None


def _index() -> tuple[dict[str, list[tuple[Kind, tuple[str, str]]]],
                      list[tuple[Kind, str, str]]]:
    """The curated tables: exact names, and patterns."""
    global _INDEX
    if _INDEX is None:
        exact: dict[str, list[tuple[Kind, tuple[str, str]]]] = {}
        patterns = []
        for kind, item, reason in table_items():
            if _is_pattern(item):
                patterns.append((kind, item, reason))
            else:
                exact.setdefault(item, []).append((kind, (item, reason)))
        _INDEX = (exact, patterns)
    return _INDEX


def _is_pattern(item: str) -> bool:
    return any(c in item for c in "*?[")


def _classify(entry: Entry) -> None:
    kind = registry_kind(entry.obj)
    if kind is not None:
        entry.kind = kind
        if kind in (Kind.REVERSE_ONLY, Kind.FORWARD_ONLY):
            entry.reason = census_tables.ONE_MODE.get(entry.name, "")
        return
    found = curated(entry.name)
    if len(found) == 1:
        ((entry.kind, (entry.source, entry.reason)),) = found.items()
    elif found:
        entry.conflicts = sorted(found, key=list(Kind).index)


def problems(found: list[Entry]) -> list[str]:
    """What is wrong with the census, one line each: a callable in no class or in two
    tables, a curated name that has a rule now or names no callable, a pattern that classes
    nothing, a pattern taking a whole module (a new function must show up as UNKNOWN), a
    one-mode rule with no reason."""
    out = []
    for entry in found:
        if entry.conflicts:
            out.append(f"{entry.name} is in several tables: "
                       + ", ".join(k.name for k in entry.conflicts))
        elif entry.kind is Kind.UNKNOWN:
            out.append(f"{entry.name} is in no class: add it to a table of "
                       "tangentlike/rules/census_tables.py, or give it rules")
        elif entry.kind in (Kind.REVERSE_ONLY, Kind.FORWARD_ONLY) and not entry.reason:
            out.append(f"{entry.name} has a rule in one mode: say why in "
                       "census_tables.ONE_MODE")
    by_name = {entry.name: entry for entry in found}
    aliases = {alias: entry.name for entry in found for alias in entry.aliases}
    used = {entry.source for entry in found}
    scipy = any(entry.module.startswith("scipy") for entry in found)
    for kind, item, _ in table_items():
        if item.startswith("scipy.") and not scipy:
            continue  # not walked without SciPy
        if item in census_tables.OTHER_VERSIONS and (
                item not in used if _is_pattern(item) else item not in by_name):
            continue  # a name of another NumPy or SciPy version
        if _is_pattern(item):
            if item not in used:
                out.append(f"{kind.name} pattern {item} classes no callable: remove it")
            if kind is not Kind.RANDOM and item.endswith(".*") and item[:-2] in MODULES:
                out.append(f"{kind.name} pattern {item} takes a whole module: name the "
                           "functions, so that a new one shows up as UNKNOWN")
        elif item in aliases:
            out.append(f"{kind.name} names {item}, an alias: name {aliases[item]}")
        elif item not in by_name:
            out.append(f"{kind.name} names {item}, which is no callable of the census: "
                       "remove it")
        elif by_name[item].kind in REGISTRY_KINDS and by_name[item].source != item:
            out.append(f"{kind.name} names {item}, which is "
                       f"{by_name[item].kind.name} now: remove it from the table")
    for name in census_tables.ONE_MODE:
        entry = by_name.get(name)
        if entry is None or entry.kind not in (Kind.REVERSE_ONLY, Kind.FORWARD_ONLY):
            out.append(f"ONE_MODE names {name}, which has no rule in one mode only")
    return out


def table_items() -> Iterator[tuple[Kind, str, str]]:
    """(class, name or pattern, reason) for every item of the curated tables."""
    for kind, table in TABLES.items():
        for reason, names in table.items():
            for item in names.split():
                yield kind, item, reason


def counts(found: list[Entry]) -> dict[str, dict[Kind, int]]:
    """module -> class -> how many callables."""
    out: dict[str, dict[Kind, int]] = {}
    for entry in found:
        row = out.setdefault(entry.module, dict.fromkeys(Kind, 0))
        row[entry.kind] += 1
    return out


_SHORT = {Kind.BOTH: "both", Kind.REVERSE_ONLY: "reverse only",
          Kind.FORWARD_ONLY: "forward only", Kind.NON_DIFFERENTIABLE: "constant",
          Kind.RANDOM: "random", Kind.REFUSED: "refused", Kind.MISSING: "missing",
          Kind.UNKNOWN: "unknown"}


def count_table(found: list[Entry]) -> list[str]:
    """The counts per module and class, as Markdown table lines."""
    by_module = counts(found)
    lines = ["| module | " + " | ".join(_SHORT[k] for k in Kind) + " | total |",
             "|---" * (len(Kind) + 2) + "|"]
    total = dict.fromkeys(Kind, 0)
    for module in MODULES:
        if module not in by_module:
            continue
        row = by_module[module]
        for kind in Kind:
            total[kind] += row[kind]
        lines.append(f"| {module} | " + " | ".join(str(row[k]) for k in Kind)
                     + f" | {sum(row.values())} |")
    lines.append("| **all** | " + " | ".join(str(total[k]) for k in Kind)
                 + f" | {sum(total.values())} |")
    return lines


def _names(entries_: list[Entry]) -> str:
    return ", ".join(f"`{e.name}`" + (f" (also {', '.join(f'`{a}`' for a in e.aliases)})"
                                      if e.aliases else "") for e in entries_)


def grouped(found: list[Entry], kind: Kind) -> dict[str, list[Entry]]:
    """reason -> the callables of class ``kind`` with it, in the tables' order."""
    out: dict[str, list[Entry]] = {}
    for entry in found:
        if entry.kind is kind:
            out.setdefault(entry.reason, []).append(entry)
    return out


def markdown_section(found: list[Entry] | None = None) -> list[str]:
    """The census's part of docs/functions.md: the counts, then the callables of every class
    but the rules' (listed above it) by reason."""
    found = entries() if found is None else found
    missing = [e for e in found if e.kind is Kind.MISSING]
    constants = sum(e.reason.startswith("a constant declaration") for e in missing)
    lines = [
        "## Census of NumPy and SciPy", "",
        "Every public callable of NumPy's and SciPy's own namespaces is in exactly one class "
        "(`python -m tangentlike coverage`;",
        "`tangentlike/rules/census.py`, curated tables in "
        "`tangentlike/rules/census_tables.py`): rules in both modes,",
        "a rule in one mode, declared a constant, a random draw, refused by name, or missing "
        f"({len(missing)} callables: {len(missing) - constants} need a rule,",
        f"{constants} a constant declaration; each listed with what it needs). A callable in "
        "no class fails `tests/rules/test_census.py`.", "",
    ]
    lines += count_table(found)
    rewritten = [e for e in found if e.kind is Kind.BOTH and e.source]
    if rewritten:
        lines += ["", "### Rewritten: no rule of their own, the call rewritten into code with "
                  "rules in both modes", ""]
        groups: dict[str, list[Entry]] = {}
        for entry in rewritten:
            groups.setdefault(entry.reason, []).append(entry)
        lines += [f"- {reason}: {_names(group)}" for reason, group in groups.items()]
    for kind in (Kind.REVERSE_ONLY, Kind.FORWARD_ONLY, Kind.MISSING, Kind.REFUSED,
                 Kind.RANDOM, Kind.UNKNOWN):
        groups = grouped(found, kind)
        if not groups:
            continue
        lines += ["", f"### {_SHORT[kind].capitalize()}: {kind.value}", ""]
        lines += [f"- {reason or 'no reason given'}: {_names(group)}"
                  for reason, group in groups.items()]
    return lines


def text_report(found: list[Entry], table: bool = False) -> str:
    """What ``tangentlike coverage`` prints: the counts, the census's problems
    (:func:`problems`), and with ``table`` every callable with its class and reason."""
    lines = count_table(found) + [f"problem: {line}" for line in problems(found)]
    if table:
        lines += [""] + [f"{e.name}\t{e.kind.name}\t{e.reason}" for e in found]
    return "\n".join(lines) + "\n"
