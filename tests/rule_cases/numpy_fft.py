"""Cases for templates/numpy_fft.py: the Fourier transforms, the frequency shifts, the sample
frequencies, and the complex parts (``np.real``, ``np.imag``, ``np.conj``, ``x.real``,
``x.imag``, ``x.conj()``, ``np.angle``, ``np.real_if_close``, ``np.sort_complex``, the complex
types).

The transforms have complex values, so each case ends in real numbers: the real part plus
half the imaginary part of the spectrum (``_parts``), or the power ``F * conj(F)`` (the
second-order cases).  The gradient of a real input is real, as in autograd.
"""
import numpy as np

from rule_cases import add, values
from tangentlike.runtime.fft import fft_fit
from tangentlike.runtime.linalg import real_matrix

fft = np.fft


def _parts(call: str) -> str:
    return f"np.real({call}) + 0.5 * np.imag({call})"


def _power(call: str) -> str:
    return f"np.real({call} * np.conj({call}))"


def _autograd(function: str, shape: tuple, args: str) -> bool:
    """autograd differentiates the real transforms only along an even last axis, with the
    default ``n``, ``axis`` and ``norm`` (else it raises or gets them wrong)."""
    return "rfft" not in function or (args == "" and shape[-1] % 2 == 0)


def _add(case_id, covers, call, shape, *, power=False, **kw):
    """A case of ``call`` (an expression of ``x``) on an input of ``shape``."""
    add(case_id, covers, _power(call) if power else _parts(call),
        {"x": values(case_id, shape, -1, 1)}, **kw)


# ---------------------------------------------------------------------------------------------
# The complex parts, on real and complex values.

for _shape in ("float", (), (3,), (2, 3)):
    _id = f"real-imag-of-real-{_shape}"
    add(_id, (np.real, np.imag, np.conjugate),
        "np.real(x) * np.sin(x) + np.imag(x) + np.conj(x) ** 2", {"x": values(_id, _shape)},
        second_order=True)
_id = "real-imag-attributes"
add(_id, (np.real, np.imag), "x.real * 2.0 + x.imag + np.fft.fft(x).real + np.fft.fft(x).imag",
    {"x": values(_id, (4,))}, autograd=False)  # autograd's arrays have no .real, .conj()
_id = "conj-methods"
add(_id, (np.conjugate, np.imag),
    "np.imag(np.fft.fft(x).conj() * np.fft.ifft(x) + np.conjugate(np.fft.fft(x)) ** 2 "
    "+ np.fft.fft(x).conjugate() * (1 + 2j))", {"x": values(_id, (2, 5))}, autograd=False)
_id = "imag-power-second"
add(_id, (np.imag, np.real, np.conjugate, fft_fit),
    "np.imag(np.fft.fft(x) * (1 - 2j)) ** 2 + np.real(np.conj(np.fft.fft(x)) * np.fft.ifft(x))",
    {"x": values(_id, (5,))}, second_order=True)

# np.angle, np.real_if_close, np.sort_complex and the complex types, on complex values made
# from real ones (the angle of a real value is a constant).
for _shape in ("float", (), (3,), (2, 3)):
    _id = f"angle-{_shape}"
    add(_id, np.angle, "np.angle(x + 2j * np.sin(x) + 0.5j) * np.angle(x - 1j, deg=True)",
        {"x": values(_id, _shape, 0.2, 1.5)}, second_order=True,
        autograd="np.angle(x + 2j * np.sin(x) + 0.5j) * np.angle(x - 1j) * 57.29577951308232")
_id = "angle-of-fft"
add(_id, (np.angle, fft.fft), "np.angle(np.fft.fft(x)) * x + np.angle(x, True)",
    {"x": values(_id, (5,))}, autograd=False)  # autograd's angle of a real value is NaN
for _shape in ("float", (4,)):
    _id = f"real-if-close-{_shape}"
    add(_id, np.real_if_close,
        "np.real(np.real_if_close(x * (1 + 2j)) * np.real_if_close(x + 1e-20j))"
        " + np.imag(np.real_if_close(x * x * (1 - 1j)))", {"x": values(_id, _shape)},
        second_order=True, autograd=False)  # autograd's real_if_close keeps the type
_id = "sort-complex"
add(_id, np.sort_complex,
    "np.real(np.sort_complex(x)) * x + np.imag(np.sort_complex(np.fft.fft(x)) ** 2)",
    {"x": values(_id, (5,))}, second_order=True, autograd=False,
    float32=False)  # NumPy's sort_complex makes float32 values complex128
_id = "sort-complex-2d"
add(_id, np.sort_complex, "np.abs(np.sort_complex(x * (1 - 1j))) * x",
    {"x": values(_id, (2, 4))}, autograd=False)
# np.complex64 computes in single precision whatever the input: float64 finite differences
# see its rounding (hence the tolerance), and the forward-reverse dot-product test's float64
# tolerance is finer than it (tests/test_complex.py compares it with np.complex128).
_SINGLE = {"complex64": {"rtol": 0.1, "xfail": {
    "forward": "complex64 rounds to single precision: the dot-product test is float64's"}}}
for _type in ("complex128", "complex64", "clongdouble"):
    for _shape in ("float", (), (3,)):
        _id = f"{_type}-{_shape}"
        add(_id, getattr(np, _type),
            f"np.real(np.{_type}(x) * (1 + 2j) * np.{_type}(x)) + np.imag(np.{_type}(x) * 1j)",
            {"x": values(_id, _shape)}, second_order=True, autograd=False,
            float32=_type == "complex64", **_SINGLE.get(_type, {}))
_id = "complex128-of-complex"
add(_id, np.complex128, "np.abs(np.complex128(np.fft.fft(x) * 1j)) ** 2",
    {"x": values(_id, (4,))}, autograd=False, float32=False)  # complex128: double precision

# real_matrix marks the linear algebra rules written for real matrices (complex values are
# refused, tests/test_complex.py); for real ones it is the identity, second derivatives too.
_id = "real-matrix-slogdet-svdvals"
add(_id, real_matrix,
    "np.linalg.slogdet(x @ x.T + 3.0 * np.eye(3, dtype=x.dtype))[1]"
    " + np.sum(np.linalg.svdvals(x) ** 2)",
    {"x": values(_id, (3, 3))}, second_order=True, autograd=False)

# ---------------------------------------------------------------------------------------------
# One-dimensional transforms: every axis, n shorter and longer than the input, every norm.

for _f in ("fft", "ifft", "rfft"):
    _prim = getattr(fft, _f)
    for _shape, _args in [((5,), ""), ((6,), ""), ((2, 3), ""), ((3, 4), ", axis=0"),
                          ((2, 3, 4), ", axis=1"), ((2, 3, 4), ", axis=-3"),
                          ((7,), ", 4"), ((5,), ", n=8"), ((3, 5), ", 3, 0"),
                          ((6,), ", norm='ortho'"), ((2, 5), ", 7, norm='forward'"),
                          ((4, 3), ", axis=0, norm='backward'")]:
        _id = f"{_f}-{_shape}{_args}"
        _add(_id, _prim, f"np.fft.{_f}(x{_args})", _shape,
             autograd=_autograd(_f, _shape, _args))
    _id = f"{_f}-power-second"
    _add(_id, (_prim, fft_fit), f"np.fft.{_f}(x, 7)", (2, 5), power=True, second_order=True,
         autograd=_autograd(_f, (2, 5), ", 7"))

# ifft of a complex input, fft of fft.
_id = "ifft-of-fft"
_add(_id, (fft.ifft, fft.fft), "np.fft.ifft(np.fft.fft(x, axis=0) ** 2, 5, axis=0)", (4, 3))

# irfft reads half a spectrum: inputs from fft / rfft (complex, not Hermitian), or real.
for _shape, _args in [((5,), ""), ((6,), ""), ((2, 4), ""), ((4, 3), ", axis=0"),
                      ((2, 5, 3), ", axis=1"), ((5,), ", 8"), ((5,), ", 9"), ((6,), ", n=4"),
                      ((6,), ", 5"), ((3, 4), ", norm='ortho'"), ((3, 4), ", 6, 0, 'forward'")]:
    for _source in ("fft", "rfft"):
        _id = f"irfft-of-{_source}-{_shape}{_args}"
        add(_id, fft.irfft, f"np.fft.irfft(np.fft.{_source}(x, axis=-1) * 1.5{_args})",
            {"x": values(_id, _shape, -1, 1)}, autograd=_autograd("irfft", _shape, _args))
for _shape, _args in [((5,), ""), ((2, 4), ", 5, 0")]:
    _id = f"irfft-real-input-{_shape}{_args}"
    add(_id, fft.irfft, f"np.fft.irfft(x{_args})", {"x": values(_id, _shape)},
        autograd=_autograd("irfft", _shape, _args))
_id = "irfft-second"
add(_id, (fft.irfft, fft.rfft, fft_fit), "np.fft.irfft(np.fft.rfft(x) ** 2, 9) ** 2",
    {"x": values(_id, (2, 6))}, second_order=True, autograd=False)

# hfft of half a Hermitian spectrum (complex, from rfft, or real); ihfft of a real signal.
for _shape, _args in [((5,), ""), ((6,), ""), ((2, 4), ""), ((4, 3), ", axis=0"), ((5,), ", 8"),
                      ((5,), ", 9"), ((6,), ", n=4"), ((3, 4), ", norm='ortho'"),
                      ((3, 4), ", 6, 0, 'forward'")]:
    _id = f"hfft-{_shape}{_args}"
    add(_id, fft.hfft, f"np.fft.hfft(np.fft.rfft(x, axis=-1) * (1.5 - 0.5j){_args})",
        {"x": values(_id, _shape, -1, 1)}, autograd=False)  # autograd has no hfft rule
    _id = f"ihfft-{_shape}{_args}"
    _add(_id, fft.ihfft, f"np.fft.ihfft(x{_args})", _shape, autograd=False)
_id = "hfft-real-input"
add(_id, fft.hfft, "np.fft.hfft(x, 7)", {"x": values(_id, (2, 5))}, autograd=False)
_id = "hfft-ihfft-second"
add(_id, (fft.hfft, fft.ihfft, fft_fit), "np.fft.hfft(np.fft.ihfft(x) ** 2, 7) ** 2",
    {"x": values(_id, (2, 6))}, second_order=True, autograd=False)

# Sample frequencies: constants in n, 1 / d in the spacing d.
for _f in ("fftfreq", "rfftfreq"):
    for _n, _args in [(8, ", x"), (7, ", d=x"), (5, ", x * x")]:
        _id = f"{_f}-{_n}{_args}"
        add(_id, getattr(fft, _f), f"np.fft.{_f}({_n}{_args}) ** 2",
            {"x": values(_id, "float", 0.5, 2.0)},
            second_order=True, autograd=False)  # autograd: no derivative in d

# ---------------------------------------------------------------------------------------------
# Transforms over several axes.

for _f in ("fft2", "ifft2", "rfft2"):
    _prim = getattr(fft, _f)
    for _shape, _args in [((2, 3), ""), ((3, 4), ", norm='ortho'"), ((2, 3, 4), ""),
                          ((2, 3, 4), ", axes=(0, 2)"), ((3, 4, 2), ", axes=(-1, 0)"),
                          ((3, 4), ", s=(2, 6)"), ((2, 3, 5), ", (4, 3), (2, 0), 'forward'")]:
        _id = f"{_f}-{_shape}{_args}"
        _add(_id, _prim, f"np.fft.{_f}(x{_args})", _shape,
             autograd=_autograd(_f, _shape, _args))
    _id = f"{_f}-power-second"
    _add(_id, (_prim, fft_fit), f"np.fft.{_f}(x, (3, 5), (0, 1))", (2, 4), power=True,
         second_order=True, autograd=_autograd(_f, (2, 4), ", (3, 5)"))

for _f in ("fftn", "ifftn", "rfftn"):
    _prim = getattr(fft, _f)
    for _shape, _args in [((5,), ""), ((2, 3), ""), ((2, 3, 4), ""), ((2, 3, 4), ", axes=(0, 2)"),
                          ((2, 3, 4), ", axes=[1]"), ((2, 3, 4), ", s=(4, 2, 5), axes=(0, 1, 2)"),
                          ((2, 3, 4), ", (3, 6), (0, -1)"), ((3, 4), ", axes=(1, 0)"),
                          ((3, 4), ", s=(2, 6), axes=(0, 1), norm='ortho'"),
                          ((2, 3, 4), ", None, (2, 1), 'forward'")]:
        _id = f"{_f}-{_shape}{_args}"
        _add(_id, _prim, f"np.fft.{_f}(x{_args})", _shape,
             autograd=_autograd(_f, _shape, _args))
    _id = f"{_f}-power-second"
    _add(_id, (_prim, fft_fit), f"np.fft.{_f}(x, (3, 5), (0, 1))", (2, 4, 3), power=True,
         second_order=True, autograd=_autograd(_f, (2, 4, 3), ", (3, 5), (0, 1)"))

for _f in ("irfft2", "irfftn"):
    _prim = getattr(fft, _f)
    _cases = [((3, 4), ""), ((3, 5), ""), ((2, 3, 4), ""), ((3, 4), ", s=(4, 7), axes=(0, 1)"),
              ((3, 4), ", (2, 4), (-2, -1), norm='ortho'"), ((2, 3, 4), ", axes=(0, 2)"),
              ((4, 3, 2), ", (3, 5), (1, 0), 'forward'")]
    if _f == "irfftn":
        _cases += [((2, 3, 4), ", axes=[1]"), ((2, 3, 4), ", s=(3, 4, 6), axes=(0, 1, 2)")]
    for _shape, _args in _cases:
        for _source in ("fftn", "rfftn"):
            _id = f"{_f}-of-{_source}-{_shape}{_args}"
            add(_id, _prim, f"np.fft.{_f}(np.fft.{_source}(x) * (1 + 0.5j){_args})",
                {"x": values(_id, _shape, -1, 1)}, autograd=_autograd(_f, _shape, _args))
    _id = f"{_f}-real-input"
    add(_id, _prim, f"np.fft.{_f}(x)", {"x": values(_id, (3, 4))})
    _id = f"{_f}-second"
    add(_id, (_prim, fft.rfftn, fft_fit), f"np.fft.{_f}(np.fft.rfftn(x) ** 2, (4, 5), (0, 1)) ** 2",
        {"x": values(_id, (3, 4))}, second_order=True, autograd=False)

# ---------------------------------------------------------------------------------------------
# Frequency shifts.

for _f in ("fftshift", "ifftshift"):
    _prim = getattr(fft, _f)
    for _shape, _args in [((5,), ""), ((2, 3), ""), ((3, 4), ", 0"), ((2, 3, 5), ", axes=(0, 2)"),
                          ((2, 3, 5), ", axes=-1")]:
        _id = f"{_f}-{_shape}{_args}"
        add(_id, _prim, f"np.fft.{_f}(x{_args})", {"x": values(_id, _shape)})
    _id = f"{_f}-second"
    add(_id, _prim, f"np.fft.{_f}(x * x) ** 2", {"x": values(_id, (3, 4))}, second_order=True)
