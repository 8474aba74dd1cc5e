"""Layer 5, the optimizer: folding, copy propagation, inlining, dead code (``optimize``),
like terms and common factors (``factor``), recomputing cheap saved values (``recompute``),
common subexpressions (``cse``).  In: a generated gast function; out: the same function,
shorter, computing the same values.
"""
