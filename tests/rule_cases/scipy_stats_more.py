"""Cases for templates/scipy_stats_more.py (none without SciPy): SciPy's ``_log_gauss_mass``,
the log of the normal mass between two points, in its three regimes (both bounds below 0,
both above, one on each side; scipy.stats computes in float64: no float32 checks), and ``valued``, a
value with another expression's derivative (a discrete distribution's default cdf)."""
from rule_cases import add, values

try:
    from scipy.stats._continuous_distns import _log_gauss_mass
except ImportError:  # no SciPy, or an older one
    _log_gauss_mass = None

if _log_gauss_mass is not None:
    _RANGES = {"left": ((-3, -1.5), (-1, -0.2)), "right": ((0.2, 1), (1.5, 3)),
               "central": ((-2, -0.3), (0.3, 2))}
    for _case, (_a, _b) in _RANGES.items():
        for _sa, _sb in (("float", "float"), ((4,), (4,)), ((2, 3), (3,))):
            _id = f"log_gauss_mass-{_case}-{_sa}-{_sb}"
            add(_id, _log_gauss_mass, "_log_gauss_mass(a, b)",
                {"a": values(_id + "a", _sa, *_a), "b": values(_id + "b", _sb, *_b)},
                autograd=False, float32=False, second_order=True,
                names={"_log_gauss_mass": _log_gauss_mass})

from tangentlike.runtime.stats_generic import valued  # noqa: E402

for _shape in ("float", (3,), (2, 3)):
    _id = f"stats-valued-{_shape}"
    add(_id, valued, "valued(np.sin(x) * 2.0, 2.0 * np.sin(x))", {"x": values(_id, _shape)},
        autograd=False, second_order=True, names={"valued": valued})

try:
    from scipy.special._ufuncs import _binom_cdf
except ImportError:  # no SciPy
    _binom_cdf = None

if _binom_cdf is not None:
    for _sk, _sp in (("float", "float"), ((4,), (4,)), ((2, 3), (3,))):
        _id = f"binom_cdf_private-{_sk}-{_sp}"
        _k = values(_id + "k", _sk, 0, 6)
        add(_id, _binom_cdf, "_binom_cdf(k, 6, p)",
            {"k": round(_k) if _sk == "float" else _k.round().astype(int),
             "p": values(_id + "p", _sp, 0.2, 0.8)},
            autograd=False, float32=False, second_order=True, names={"_binom_cdf": _binom_cdf})

try:
    import scipy.stats
except ImportError:  # no SciPy
    scipy = None

if scipy is not None:
    from tangentlike.runtime.stats_generic import integrated

    # integrated's rules refuse (tests/rules/test_stats_generic_more.py): its value, with
    # constant arguments, is SciPy's numerical cdf.
    _id = "stats-integrated-constant"
    add(_id, integrated, "x * scipy.stats.norminvgauss.cdf(np.array([0.1, 0.9]), 1.25, 0.5)",
        {"x": values(_id, (2,))}, autograd=False, float32=False, names={"scipy": scipy})
