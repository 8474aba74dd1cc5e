"""Layer 6, from trees to running code: source text (``emit``), the cache file (``cache``)
and the module loaded from it (``loading``), and the ways a user looks at the result: pdb
(``debugging``) and Jupyter (``notebook``).  In: optimized gast functions and their
namespace; out: Python functions whose source is a real file.
"""
