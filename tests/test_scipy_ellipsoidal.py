"""scipy.special's ellipsoidal harmonics (ellip_harm, ellip_harm_2, ellip_normal) are refused
by name (census REFUSED: no peer differentiates them, and SciPy gives neither E' nor the Lame
coefficients): a TangentlikeError naming the function, the census's reason and the user's
line, in reverse and forward mode; called on constants inside a differentiated function they
work."""
import os

import numpy as np
import pytest

import tangentlike
from tangentlike.errors import TangentlikeError

sp = pytest.importorskip("scipy.special")


def harm_in_s(s):
    return sp.ellip_harm(5.0, 8.0, 2, 1, s) * s


def harm_2_in_s(s):
    return sp.ellip_harm_2(5.0, 8.0, 2, 1, s) + s


def normal_in_h2(h2):
    return sp.ellip_normal(h2, 8.0, 1, 1) * 2.0


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f, name, x", [
    (harm_in_s, "ellip_harm", 3.5), (harm_2_in_s, "ellip_harm_2", 3.5),
    (normal_in_h2, "ellip_normal", 5.0),
], ids=lambda p: getattr(p, "__name__", ""))
def test_refused_by_name(f, name, x, mode):
    with pytest.raises(TangentlikeError) as info:
        if mode == "reverse":
            tangentlike.grad(f)(x)
        else:
            tangentlike.autodiff(f, mode="forward")(x, 1.0)
    message = str(info.value)
    assert f"scipy.special.{name} has no derivative rule" in message
    assert "ellipsoidal harmonics" in message and "Lame" in message
    assert os.path.samefile(info.value.location.filename, __file__)  # the user's line


def constants(s):
    e = sp.ellip_harm(5.0, 8.0, 2, 1, 3.5)
    return e * s * s + sp.ellip_harm_2(5.0, 8.0, 2, 1, 3.5) * s + sp.ellip_normal(5.0, 8.0, 1, 1)


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
def test_constant_arguments_work():
    e = sp.ellip_harm(5.0, 8.0, 2, 1, 3.5)
    expected = 2.0 * e * 1.5 + sp.ellip_harm_2(5.0, 8.0, 2, 1, 3.5)
    value, grad = tangentlike.value_and_grad(constants)(1.5)
    assert value == constants(1.5)
    np.testing.assert_allclose(grad, expected, rtol=1e-12)
    np.testing.assert_allclose(tangentlike.autodiff(constants, mode="forward")(1.5, 1.0),
                               expected, rtol=1e-12)
