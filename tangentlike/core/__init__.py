"""Layer 1, the pieces every stage shares: gast constructors and queries (``syntax``), the
record each node carries (``anno``), fresh names (``naming``), liveness and reaching
definitions (``dataflow``), constant folding (``fold``), what a callee expression names
(``resolve``, the one resolver every pass uses), and the guards a derivative is
checked against before each call, with the registry of what tangentlike generated
(``guards``).  In: syntax trees, Python objects, names; out: facts about them and small
rewrites.  It imports nothing of tangentlike but ``errors`` and ``runtime``.
"""
