"""Cases for templates/numpy_fft.py."""
import numpy as np  # noqa: F401

from rule_cases import add, values  # noqa: F401
