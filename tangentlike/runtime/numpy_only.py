"""Runtime helpers that only NumPy's arrays can run (an in-place write, a scatter, a branch on
the values): called with another library's arrays (Dask, CuPy, an array-API library), they
refuse by name (:class:`~tangentlike.errors.ArrayLibraryError`) before touching them."""
from __future__ import annotations

import types
from typing import Any

from tangentlike.runtime import libraries

# libraries' own look-ups, held where ``libraries.rebound`` leaves them alone: it copies the
# runtime's functions with ``np`` as the library's stand-in, under which ``np.ndarray`` is the
# library's array type and these look-ups would find no other library.
_NUMPY_SIDE = types.SimpleNamespace(library_in=libraries.library_in,
                                    raise_missing=libraries.raise_missing)


def on_other_library(*values: Any) -> bool:
    """Whether ``values`` hold an array of another library than NumPy."""
    return _NUMPY_SIDE.library_in(values) is not None


def refuse_other_libraries(function: Any, *values: Any) -> None:
    """Refuse, naming ``function`` (the NumPy function the caller needs, or its name), when
    ``values`` hold an array of another library than NumPy; nothing otherwise."""
    library = _NUMPY_SIDE.library_in(values)
    if library is not None:
        _NUMPY_SIDE.raise_missing(_name(function), library)


def _name(function: Any) -> str:
    if isinstance(function, str):
        return function
    stand_in = getattr(function, "name", None)  # NumPy's function as the library's code sees it
    if isinstance(stand_in, str):
        return stand_in
    return f"np.{getattr(function, '__name__', function)}"
