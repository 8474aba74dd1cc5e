"""Layer 5, the optimizer: folding, copy propagation, inlining (``optimize``, which runs
every pass to a fixed point), dead code (``dead_code``), like terms and common factors
(``factor``), common subexpressions (``cse``).  In: a generated gast function; out: the
same function, shorter, computing the same values.  (Recomputing cheap saved values instead
of saving them is the save plan's decision: ``ad/reverse/recompute.py``.)
"""
