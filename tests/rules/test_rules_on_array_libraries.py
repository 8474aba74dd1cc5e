"""Every rule's derivative on the arrays of other libraries: Dask and the array API standard
(``array_api_strict``), against NumPy's derivative on the same data.

Each NumPy-suite case's end-to-end form is differentiated in reverse mode (``tl.grad``) and
called with its arrays converted to the library's (Dask arrays in a few chunks, under a Dask
scheduler that raises, so a derivative that computes instead of staying lazy fails; then
computed with ``scheduler="sync"``).  The outcome must be the one
``array_library_outcomes.py`` records for the case:

* ``RUNS`` (not listed): the library's arrays, equal to NumPy's derivative;
* ``REFUSED``: :class:`tangentlike.ArrayLibraryError`, the function NumPy has and the library
  lacks refused by name;
* ``OWN_ERROR``: the user's function itself raises on the library's arrays (the library's own
  limits: a Dask FFT along a chunked axis, a method the standard's arrays do not have), and
  the derivative raises the same error;
* a known bug (``BUGS``): anything else, a strict xfail, so a fix is noticed.

A case whose outcome changes fails until the list is updated; docs/supported.md's list of the
derivatives that need NumPy is checked against it.  The default run takes the first case of
every sixth rule (in the order of the cases' ids: a sample across the template modules, about
150 cases a library); ``-m slow`` runs every case.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rule_cases
from array_library_outcomes import (
    BUGS,
    LIBRARIES,
    OWN_ERROR,
    REFUSED,
    SWEPT_WITH,
    needs_numpy,
    versions,
)
from rule_cases import ALL
from support import as_tuple

import tangentlike

pytest.importorskip("array_api_strict")
pytest.importorskip("dask.array")
from array_library_conversions import CONVERT, SilentCompute, lazily  # noqa: E402

# The outcomes hold for the versions they were swept with (other versions register other
# rules and have other limits): elsewhere the whole module is skipped, saying why.
if versions() not in SWEPT_WITH:
    pytest.skip(f"the outcomes were swept with {SWEPT_WITH}, not {versions()}: run "
                "tests/rules/array_library_sweep.py with these", allow_module_level=True)

rule_cases.load_all()
DEFAULT_RUN = set(sorted(rule_cases.in_default_run(1))[::6])
DOC = Path(__file__).resolve().parents[2] / "docs" / "supported.md"


def _params() -> Iterator[Any]:
    for library in LIBRARIES:
        for case_id, case in rule_cases.CASES.items():
            marks = [] if case_id in DEFAULT_RUN else [pytest.mark.slow]
            reason = BUGS[library].get(case_id)
            if reason is not None:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            yield pytest.param(library, case_id, marks=marks, id=f"{library}-{case_id}")


def _outcome(library: str, case_id: str) -> str:
    if case_id in REFUSED[library]:
        return "refused"
    if case_id in OWN_ERROR[library]:
        return "own error"
    return "runs"


@pytest.mark.parametrize("library, case_id", list(_params()))
def test_derivative_on_library_arrays(library: str, case_id: str) -> None:
    case = ALL[case_id]
    convert, array_type, to_numpy = CONVERT[library]
    args = [convert(a) for a in case.args]
    outcome = _outcome(library, case_id)
    try:
        df = tangentlike.grad(case.func, wrt=case.wrt)
        expected = as_tuple(df(*case.args), len(case.wrt))
    except tangentlike.TangentlikeError:
        if outcome != "refused":
            raise
        with pytest.raises(tangentlike.TangentlikeError):  # refused on NumPy too, and here
            lazily(lambda: tangentlike.grad(case.func, wrt=case.wrt)(*args))
        return
    if outcome == "refused":
        with pytest.raises(tangentlike.ArrayLibraryError):
            lazily(lambda: df(*args))
        return
    if outcome == "own error":
        with pytest.raises(Exception) as own:  # noqa: PT011  (the library's own error, any)
            lazily(lambda: case.func(*args))
        assert not isinstance(own.value, SilentCompute), own.value
        with pytest.raises(type(own.value)):
            lazily(lambda: df(*args))
        return
    got = as_tuple(lazily(lambda: df(*args)), len(case.wrt))
    for i, g, e in zip(case.wrt, got, expected):
        if isinstance(case.args[i], np.ndarray):
            assert isinstance(g, array_type), f"gradient {i} is a {type(g)}\n{df.source}"
        value = to_numpy(g)
        assert np.shape(value) == np.shape(e), df.source
        np.testing.assert_allclose(np.asarray(value), e, rtol=1e-9, atol=1e-12,
                                   err_msg=df.source)


def _doc_section() -> str:
    text = DOC.read_text()
    start = text.index("## Arrays of other libraries")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


@pytest.mark.parametrize("library", LIBRARIES)
def test_doc_lists_the_derivatives_that_need_numpy(library: str) -> None:
    section = _doc_section()
    match = re.search(rf"<!-- needs-numpy {library} -->\n(.*?)<!-- end -->", section, re.S)
    assert match, f"docs/supported.md has no list for {library}"
    listed = re.findall(r"^- `([^`]+)`", match.group(1), re.M)
    assert listed == needs_numpy(library), \
        "regenerate the list: python tests/rules/array_library_outcomes.py"
