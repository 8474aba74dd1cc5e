"""Cases for templates/numpy_reductions.py."""
import numpy as np  # noqa: F401

from rule_cases import add, values  # noqa: F401
