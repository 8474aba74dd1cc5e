"""Layer 4, differentiation: reverse mode (``reverse``: a joint function, or forward and
backward halves) and forward mode (``forward``: a ``_jvp`` function), with what both
share: the binding of calls into the user's own functions (``calls``) and the statement
builders (``common``).  In: a normalized,
annotated function and the rules; out: the derivative's gast function (not yet optimized).
"""
