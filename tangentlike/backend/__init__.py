"""Layer 6, from trees to running code: source text, the cache file and the module loaded
from it (``emit``), and the ways a user looks at the result: pdb (``debugging``) and
Jupyter (``notebook``).  In: optimized gast functions and their namespace; out: Python
functions whose source is a real file.
"""
