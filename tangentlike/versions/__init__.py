"""Layer 7, more versions of a generated derivative: one for Python floats (``floats``), and
one per argument signature met at run time (``signature``), written from an instrumented run
(``observe``) when every shape follows from the signature (``static``) by replacing the
shape helpers (``lower``), in which the terms that cancel are dropped (``cancel``) and
adjoints are summed in place (``inplace``); ``dispatch`` picks the version a call runs.  In:
the optimized gast function (and, at run time, the shapes the arguments have); out: more
functions computing the same values with less bookkeeping.
"""
