"""Cases for templates/numpy_linalg.py."""
import numpy as np  # noqa: F401

from rule_cases import add, values  # noqa: F401
