"""Cases for templates/numpy_fft.py: the Fourier transforms, the frequency shifts, and the
complex parts (``np.real``, ``np.imag``, ``np.conj``, ``x.real``, ``x.imag``, ``x.conj()``).

The transforms have complex values, so each case ends in real numbers: the real part plus
half the imaginary part of the spectrum (``_parts``), or the power ``F * conj(F)`` (the
second-order cases).  The gradient of a real input is real, as in autograd.
"""
import numpy as np

from rule_cases import add, values
from tangentlike.runtime.fft import fft_fit

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
