"""Cases for templates/scipy_other_versions.py: SciPy names that only older versions have
(none where SciPy lacks them: CI's SciPy 1.15 has all).  scipy.linalg.kron of two matrices;
sph_harm (complex: both parts weighted) in both angles; lpn, lpmn (a positive and a negative
order, z inside and outside [-1, 1]) and clpmn (a complex z, both types), both results
used."""
from rule_cases import values
from rule_cases.scipy_special import add_scipy, scipy

if scipy is not None:
    import scipy.linalg
    import scipy.special

    sp = scipy.special

    if hasattr(scipy.linalg, "kron"):
        add_scipy("scipy.kron", scipy.linalg.kron, "scipy.linalg.kron(a, b)",
                  {"a": values("scipy.kron-a", (2, 3)), "b": values("scipy.kron-b", (3, 2))},
                  second_order=True)

    if hasattr(sp, "sph_harm"):
        for _mn in ("1, 2", "-2, 3"):
            _id = f"sph_harm-{_mn}".replace(", ", "-")
            add_scipy(_id, sp.sph_harm, None,
                      {"theta": values(_id + "t", (3,), 0.2, 6.0),
                       "phi": values(_id + "p", (3,), 0.2, 3.0)},
                      body=f"    y = scipy.special.sph_harm({_mn}, theta, phi)\n"
                           "    return np.sum(np.real(y) * 1.5 - np.imag(y) * 0.7)\n",
                      float32=False)

    _PAIR = "    v, dv = {call}\n    return np.sum(v * 2.0 + dv * dv - 0.5 * v * dv)\n"
    if hasattr(sp, "lpn"):
        for _shape in ("float", (3,)):
            _id = f"lpn-{_shape}"
            add_scipy(_id, sp.lpn, None, {"x": values(_id, _shape, -0.9, 0.9)},
                      body=_PAIR.format(call="scipy.special.lpn(3, x)"), second_order=True,
                      float32=False)
    if hasattr(sp, "lpmn"):
        for _m, _shape, _low, _high in [(2, "float", -0.9, 0.9), (-2, (3,), -0.9, 0.9),
                                         (1, "float", 1.2, 2.0)]:
            _id = f"lpmn-{_m}-{_shape}-{_low}"
            add_scipy(_id, sp.lpmn, None, {"x": values(_id, _shape, _low, _high)},
                      body=_PAIR.format(call=f"scipy.special.lpmn({_m}, 3, x)"),
                      second_order=True, float32=False)
    if hasattr(sp, "clpmn"):
        for _m, _type in [(2, 3), (-1, 2)]:
            _id = f"clpmn-{_m}-{_type}"
            add_scipy(_id, sp.clpmn, None, {"x": values(_id, "float", -0.9, 0.9)},
                      body=f"    v, dv = scipy.special.clpmn({_m}, 3, x + 0.3j, type={_type})\n"
                           "    return np.sum(np.real(v) * 2.0 - np.imag(v) * 1.3 + np.real(dv)"
                           " * 0.5 + np.imag(dv) ** 2)\n",
                      second_order=True, float32=False)
