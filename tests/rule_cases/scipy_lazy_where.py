"""Cases for templates/scipy_lazy_where.py: the guard of an argument of SciPy's lazy where
compared by equality.  Away from the special point it is the identity (in every mode, second
order too); at it, its derivative refuses (tests/frontend/test_lazy_where.py)."""
from rule_cases import add, values
from tangentlike.runtime.removable import (
    nan_at_removable,
    refused_at_removable,
    removable_at,
)

for shape in ("float", (3,), (2, 3)):
    _id = f"lazy-where-removable_at-{shape}"
    add(_id, (removable_at, refused_at_removable, nan_at_removable),
        "removable_at(x, x == 5.0, 'x at x == 5') * np.sin(x)",
        {"x": values(_id, shape, 0.5, 1.5)}, second_order=True, autograd=False,
        names={"removable_at": removable_at})
