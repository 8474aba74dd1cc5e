"""Cases for templates/scipy_special.py."""
import numpy as np  # noqa: F401

from rule_cases import add, values  # noqa: F401
