"""Layer 4, differentiation: reverse mode (``reverse``: a joint function, or forward and
backward halves) and forward mode (``forward``: a ``_jvp`` function), with the binding of
calls into the user's own functions that both share (``calls``).  In: a normalized,
annotated function and the rules; out: the derivative's gast function (not yet optimized).
"""
