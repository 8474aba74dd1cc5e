"""Cases for templates/non_differentiable.py."""
import numpy as np  # noqa: F401

from rule_cases import add, values  # noqa: F401
