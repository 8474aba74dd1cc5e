"""Cases for templates/numpy_arrays.py."""
import numpy as np  # noqa: F401

from rule_cases import add, values  # noqa: F401
