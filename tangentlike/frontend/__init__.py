"""Layer 3, the stages before differentiation: parse (``parsing``), desugar and normalize
to one primitive per statement (``desugar``, ``normalize``), resolve callees and mark what
is active (``annotate``), and refuse in-place changes the derivative would miss
(``aliasing``).  In: the user's Python function; out: a ``ParsedFunction`` whose gast tree
is in A-normal form, annotated, with the guards its resolutions recorded.
"""
