"""Facts about methods, by name: what the result shape of ``x.sum()`` or ``xs.append(v)``
follows from (versions/static.py reads them; the value's type is not known before the call).
A method not named here may shape its result by its values: a version by shape declines."""
from tangentlike.rules.primitive import Shape, declare_methods

# NumPy arrays' methods whose result's shape follows from the arguments' shapes (and from the
# integers they are passed, which versions/static.py checks separately).
declare_methods(
    "all", "any", "argmax", "argmin", "astype", "clip", "conj", "conjugate", "copy",
    "cumprod", "cumsum", "diagonal", "dot", "fill", "flatten", "item", "max", "mean", "min",
    "partition", "prod", "ptp", "ravel", "reshape", "round", "sort", "squeeze", "std", "sum",
    "swapaxes", "take", "tolist", "trace", "transpose", "var", "view",
    # lists and dicts: their lengths change by one element a call, or not at all
    "append", "extend", "insert", "pop", "reverse", "index", "count", "remove", "clear",
    "get", "keys", "values", "items", "setdefault", "update",
    shape=Shape.FROM_SHAPES)
# Not named, so shaped by values: nonzero, repeat, compress, resize, searchsorted, argsort,
# argpartition (an argsort's shape follows from the shape, but its values are indices).
