"""Runtime helpers that only NumPy's arrays can run (an in-place write, a scatter, a branch on
the values): called with another library's arrays (Dask, CuPy, an array-API library), they
refuse by name (:class:`~tangentlike.errors.ArrayLibraryError`) before touching them."""
from __future__ import annotations

from typing import Any

from tangentlike.runtime import libraries  # never rebound: its look-ups see NumPy's own names


def on_other_library(*values: Any) -> bool:
    """Whether ``values`` hold an array of another library than NumPy."""
    return libraries.library_in(values) is not None


def refuse_other_libraries(function: Any, *values: Any) -> None:
    """Refuse, naming ``function`` (the NumPy function the caller needs, or its name), when
    ``values`` hold an array of another library than NumPy; nothing otherwise."""
    library = libraries.library_in(values)
    if library is not None:
        libraries.raise_missing(_name(function), library)


def _name(function: Any) -> str:
    if isinstance(function, str):
        return function
    stand_in = getattr(function, "name", None)  # NumPy's function as the library's code sees it
    if isinstance(stand_in, str):
        return stand_in
    return f"np.{getattr(function, '__name__', function)}"
