"""Globals and closure variables named like builtins: the user's code reads the user's, the
generated code's own ``reversed(range(n))``, ``min(len(a), len(b))`` the builtins."""
import numpy as np

import tangentlike
from tests import shadowed_builtins_functions as m
from tests.oracle import check_everywhere

XS = [np.array([0.5, -2.0]), np.array([1.5, 0.2])]
YS = [np.array([1.0, 3.0]), np.array([2.0, 0.1]), np.array([4.0, 4.0])]


def test_a_module_that_defines_reversed_and_range():
    g = tangentlike.grad(m.loop_over_list)(XS)
    np.testing.assert_allclose(g[0], [3.0, 3.0])
    np.testing.assert_allclose(g[1], [1.0, 1.0])


def test_numpy_names_from_a_star_import():
    g = tangentlike.grad(m.zipped_with_numpy_names)(XS, YS)
    np.testing.assert_allclose(g[0], [1.0, 2.0])  # b, plus sign(a) where |a| is largest
    np.testing.assert_allclose(g[1], [3.0, 0.1])


def test_every_mode_where_builtins_are_shadowed():
    check_everywhere(m.while_and_index, [np.array([0.3, -0.7, 1.1])])


def test_a_closure_variable_named_like_a_builtin():
    h = m.closure_named_sum()
    check_everywhere(h, [np.array([1.0, 2.0])])
    np.testing.assert_allclose(tangentlike.grad(h)(np.array([1.0, 2.0])), [4.0, 8.0])


def test_the_generated_code_names_the_users_value_apart():
    source = tangentlike.grad(m.zipped_with_numpy_names).source
    assert "import absolute as abs_1" in source and "sum as sum_1" in source
    assert "min(len(xs)" in source  # the builtins, reached as closure variables
