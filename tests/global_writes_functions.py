"""Functions that write into data kept outside them (tests/test_global_writes.py)."""
import types

import numpy as np

COUNTER = [0]
TOTALS = np.zeros(3)
STATE = {"n": 0}
LOG = []
SETTINGS = types.SimpleNamespace(W=np.zeros(3))


def counts_its_calls(x):
    COUNTER[0] += 1
    return np.sum(x * COUNTER[0])


def keeps_a_value_in_a_global_array(x):
    TOTALS[1] = np.sum(x)
    return TOTALS[1] * 2.0


def writes_through_a_view(x):
    row = TOTALS[1:]
    row[0] = np.sum(x * x)
    return np.sum(TOTALS) * 3.0


def counts_in_a_dict(x):
    STATE["n"] = STATE["n"] + 1
    return np.sum(x) * STATE["n"]


def appends_a_derivative_carrying_value(x):
    LOG.append(np.sum(x))
    return LOG[-1] * 2.0


def logs_its_calls(x):
    LOG.append("called")
    return np.sum(np.sin(x))


def make_with_a_cell():
    cache = np.zeros(2)

    def f(x):
        cache[0] = np.sum(x)
        return cache[0] * cache[0]
    return f


def writes_into_a_local_copy(x):
    here = TOTALS.copy()
    here[0] = np.sum(x * x)
    return np.sum(here)


def writes_into_an_attribute(x):
    row = SETTINGS.W
    row[2] = np.sum(x * x)
    return np.sum(SETTINGS.W) * 3.0


def writes_into_a_part_of_an_attribute(x):
    row = SETTINGS.W
    tail = row[1:]
    tail[0] = np.sum(x)
    return np.sum(row)


def reads_an_attribute_then_rebinds(x):
    row = SETTINGS.W
    row = row + x
    row[0] = np.sum(x * x)
    return np.sum(row)
