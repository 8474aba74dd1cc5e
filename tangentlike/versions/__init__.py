"""Layer 7, more versions of a generated derivative: one for Python floats, made with the
generic one (``specialize``), and one per argument signature met at run time
(``shape_specialize``), in which the terms that cancel are dropped (``cancel``) and
adjoints are summed in place (``inplace``).  In: the optimized gast function (and, at run
time, the shapes the arguments have); out: more functions computing the same values with
less bookkeeping, and the check that picks one for a call.
"""
