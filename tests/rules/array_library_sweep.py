"""Rewrite ``array_library_outcomes.py`` from a run of every NumPy-suite rule case on Dask and
``array_api_strict`` arrays (what ``test_rules_on_array_libraries.py`` checks, case by case):

    python tests/rules/array_library_sweep.py      # about 10 minutes

then regenerate docs/supported.md's lists (``python tests/rules/array_library_outcomes.py``)
and read the diff: a case that moved is a rule that started or stopped working.
"""
from __future__ import annotations

import re
import sys
import traceback
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import numpy as np  # noqa: E402
import rule_cases  # noqa: E402
from array_library_conversions import CONVERT, SilentCompute, lazily  # noqa: E402
from support import as_tuple  # noqa: E402

import tangentlike  # noqa: E402


def outcome(library: str, case: Any) -> tuple[str, str]:
    """("runs" | "refused" | "own error" | "bug", what went wrong) for ``case`` on ``library``."""
    convert, array_type, to_numpy = CONVERT[library]
    args = [convert(a) for a in case.args]
    try:
        try:
            df = tangentlike.grad(case.func, wrt=case.wrt)
            expected = as_tuple(df(*case.args), len(case.wrt))
        except tangentlike.TangentlikeError:  # refused on NumPy too: so on the library?
            return ("refused", "") if refused_on_library_too(case, args) else (
                "bug", "runs on the library, refused on NumPy")
        got = as_tuple(lazily(lambda: df(*args)), len(case.wrt))
        for i, g, e in zip(case.wrt, got, expected):
            if isinstance(case.args[i], np.ndarray) and not isinstance(g, array_type):
                return "bug", "returns NumPy's value, not the library's array"
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                value = np.asarray(to_numpy(g))
            if np.shape(value) != np.shape(e) or not np.allclose(value, e, 1e-9, 1e-12):
                return "bug", "a wrong value"
        return "runs", ""
    except tangentlike.ArrayLibraryError:
        return "refused", ""
    except Exception as error:  # noqa: BLE001  (classified below)
        return _failure(case, args, error)


def refused_on_library_too(case: Any, args: list) -> bool:
    """Whether ``case``'s derivative, refused on NumPy's arrays, is refused on ``args`` (the
    library's arrays) too, when it is made or when it is called."""
    try:
        lazily(lambda: tangentlike.grad(case.func, wrt=case.wrt)(*args))
    except tangentlike.TangentlikeError:
        return True
    return False


def _failure(case: Any, args: list, error: Exception) -> tuple[str, str]:
    try:
        lazily(lambda: case.func(*args))
        primal = None
    except Exception as own:  # noqa: BLE001
        primal = own
    if isinstance(error, SilentCompute):
        if isinstance(primal, SilentCompute):
            return "bug", "computes the Dask arrays: a SciPy function calls np.asarray"
        return "bug", f"computes the Dask arrays in {_where(error)}"
    if primal is not None and not isinstance(primal, SilentCompute) \
            and type(primal) is type(error):
        return "own error", ""
    warned = re.search(r"The `(numpy\.\w+)` function is not implemented by Dask", str(error))
    if warned:
        return "bug", f"Dask warns: {warned.group(1)} got a Dask array (at compute)"
    text = re.sub(r"\s+", " ", str(error))
    full = f"{type(error).__name__} in {_where(error)}: {text}"
    return "bug", full if len(full) <= 84 else full[:81].rstrip() + "..."


def _where(error: Exception) -> str:
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename)
        if "tangentlike" in path.parts and path.parent.name == "runtime" \
                and path.name != "libraries.py":
            return f"runtime/{path.name} {frame.name}"
    return "the generated code"


def _ids(case_ids: list[str], indent: int) -> str:
    return "".join(f"{' ' * indent}{case_id!r},\n" for case_id in sorted(case_ids))


TAIL = """BUGS: dict[str, dict[str, str]] = {
    library: {case_id: reason for reason, case_ids in by_reason.items() for case_id in case_ids}
    for library, by_reason in _BUGS_BY_REASON.items()}


if __name__ == "__main__":
    main()
"""


def main() -> None:
    """Run every case on every library and rewrite the outcomes; with case ids as arguments,
    print those cases' outcomes instead."""
    import array_library_outcomes

    if sys.argv[1:]:
        for library in array_library_outcomes.LIBRARIES:
            for case_id in sys.argv[1:]:
                print(library, case_id, outcome(library, rule_cases.load_all()[case_id]))
        return

    found: dict[str, dict[str, Any]] = {}
    for library in array_library_outcomes.LIBRARIES:
        refused, own, bugs = [], [], defaultdict(list)
        for case_id, case in rule_cases.load_all().items():
            kind, reason = outcome(library, case)
            if kind == "refused":
                refused.append(case_id)
            elif kind == "own error":
                own.append(case_id)
            elif kind == "bug":
                bugs[reason].append(case_id)
        found[library] = {"REFUSED": refused, "OWN_ERROR": own, "BUGS": bugs}
    path = HERE / "array_library_outcomes.py"
    head = path.read_text().split("# The outcomes, by library")[0]
    body = []
    for name in ("REFUSED", "OWN_ERROR"):
        body.append(f"{name}: dict[str, frozenset[str]] = {{\n")
        for library, lists in found.items():
            body.append(f"    {library!r}: frozenset({{\n{_ids(lists[name], 8)}    }}),\n")
        body.append("}\n\n")
    body.append("_BUGS_BY_REASON: dict[str, dict[str, tuple[str, ...]]] = {\n")
    for library, lists in found.items():
        body.append(f"    {library!r}: {{\n")
        for reason, case_ids in sorted(lists["BUGS"].items(), key=lambda kv: -len(kv[1])):
            body.append(f"        {reason!r}: (\n{_ids(case_ids, 12)}        ),\n")
        body.append("    },\n")
    body.append("}\n" + TAIL)
    path.write_text(head + _swept_with(array_library_outcomes, "".join(body)) + "".join(body))


def _swept_with(recorded: Any, outcomes: str) -> str:
    """The file's list of the versions swept with: the versions of this run, after those
    the file lists already where this run found the same outcomes (every list unchanged)."""
    now = recorded.versions()
    text = Path(recorded.__file__).read_text()
    same = text.endswith(outcomes)
    swept = [v for v in recorded.SWEPT_WITH if v != now] if same else []
    lines = "".join(f"    {v!r},\n" for v in [*swept, now])
    return ("# The outcomes, by library (written by array_library_sweep.py; see the module),\n"
            "# the same with each of these versions.\n"
            f"SWEPT_WITH = [\n{lines}]\n")


if __name__ == "__main__":
    main()
