"""The arrays of other libraries, for the rule cases: NumPy's converted to each library's, a
derivative's values back to NumPy's, and a Dask scheduler that raises (a derivative on Dask
arrays must stay lazy).  Shared by ``test_rules_on_array_libraries.py`` and
``array_library_sweep.py``, which also runs where the test module skips (other versions)."""
from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import array_api_strict
import dask
import dask.array as da
import numpy as np
from array_library_outcomes import LIBRARIES

STRICT_ARRAY = type(array_api_strict.asarray(0.0))


class SilentCompute(AssertionError):
    """A derivative run on Dask arrays computed them instead of building a graph."""


def _raising_scheduler(graph: Any, keys: Any, **kwargs: Any) -> Any:
    raise SilentCompute("the derivative computed the Dask arrays (it must stay lazy)")


def _to_dask(x: Any) -> Any:
    if not isinstance(x, np.ndarray):
        return x
    return da.from_array(x, chunks=tuple(max(1, -(-n // 2)) for n in x.shape))


def _to_strict(x: Any) -> Any:
    return array_api_strict.asarray(x) if isinstance(x, np.ndarray) else x


def _dask_value(g: Any) -> Any:
    return g.compute(scheduler="sync") if isinstance(g, da.Array) else g


def _strict_value(g: Any) -> Any:
    return np.from_dlpack(g) if isinstance(g, STRICT_ARRAY) else g


CONVERT: dict[str, tuple[Callable, type, Callable]] = {  # to the library, its array, to NumPy
    "dask": (_to_dask, da.Array, _dask_value),
    "array_api_strict": (_to_strict, STRICT_ARRAY, _strict_value),
}
assert set(CONVERT) == set(LIBRARIES)


def lazily(call: Callable[[], Any]) -> Any:
    """``call()`` with every warning an error and a Dask scheduler that raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with dask.config.set(scheduler=_raising_scheduler):
            return call()
