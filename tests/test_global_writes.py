"""Writes into a global's or a closure variable's data are refused by name: the derivative
would not follow them (a wrong gradient before: ``arr[1] = sum(x); return arr[1] * 2`` gave
zero), and its backward pass would put the old items back (a counter left as it was)."""
import numpy as np
import pytest

import tangentlike
from tangentlike.errors import UnsupportedSyntaxError
from tests import global_writes_functions as m
from tests.oracle import check_everywhere

X = np.array([0.3, -0.7, 1.1])


@pytest.mark.parametrize("f, name", [
    (m.counts_its_calls, "COUNTER"),
    (m.keeps_a_value_in_a_global_array, "TOTALS"),
    (m.writes_through_a_view, "TOTALS"),
    (m.counts_in_a_dict, "STATE"),
    (m.make_with_a_cell(), "cache"),
    (m.writes_into_an_attribute, "SETTINGS.W"),
    (m.writes_into_a_part_of_an_attribute, "SETTINGS.W"),
])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_write_into_data_kept_outside_is_refused(f, name, mode):
    with pytest.raises(UnsupportedSyntaxError, match=f"'{name}' is kept outside") as info:
        tangentlike.autodiff(f, mode=mode)(X, *(() if mode == "reverse" else (X,)))
    assert info.value.location.filename.endswith("global_writes_functions.py")
    assert "as an argument" in str(info.value)


def test_appending_a_derivative_carrying_value_to_a_global_list_is_refused():
    with pytest.raises(UnsupportedSyntaxError, match="list.append"):
        tangentlike.grad(m.appends_a_derivative_carrying_value)(X)


def test_a_log_of_values_without_derivatives_is_kept():
    m.LOG.clear()
    check_everywhere(m.logs_its_calls, [X])
    assert m.LOG and set(m.LOG) == {"called"}


def test_a_local_copy_is_differentiated():
    check_everywhere(m.reads_an_attribute_then_rebinds, [X])
    check_everywhere(m.writes_into_a_local_copy, [X])
    np.testing.assert_allclose(tangentlike.grad(m.writes_into_a_local_copy)(X), 2 * X)
    assert not m.TOTALS.any() and not m.SETTINGS.W.any()
