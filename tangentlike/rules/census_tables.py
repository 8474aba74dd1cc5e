"""The census's curated tables (``census.py``): reason -> the names it holds for.

Data only.  Each table maps a reason to the names it applies to, separated by white space; a
name may be a pattern (``fnmatch``: ``np.random.*``), and an exact name is preferred to a
pattern.  A callable with a rule or declared a constant is classed from the registry, never
from here: ``tests/rules/test_census.py`` fails when an exact name here has a rule now (remove
it: the MISSING table shrinks as rules are added), when an entry names nothing, or when a
callable is in no table, or in two.  MISSING is the to-do list of rules (empty since issue 17:
``test_nothing_is_missing``): each reason says what the functions need, "a rule" (a
derivative) or "a constant declaration" (``non_differentiable``: no derivative).  REWRITTEN
names callables with no rule of their own that the compiler rewrites into code with rules in
both modes (classed BOTH).
"""
from __future__ import annotations

# Why a function has a rule in one mode only: name -> reason.
ONE_MODE: dict[str, str] = {}

# Callables with no rule of their own that the compiler rewrites into code with rules in
# both modes (classed BOTH).
REWRITTEN: dict[str, str] = {
    "a scatter in place, written x[...] = add_at(x, i, v) (tangentlike/frontend/ufunc_at.py)":
    """
        np.add.at np.subtract.at np.multiply.at np.divide.at np.maximum.at np.minimum.at
        np.fmax.at np.fmin.at""",
    "writes into its first argument in place: as a statement on a local name or parameter, "
    "written y[...] = written(np.put, y, v, ...) (tangentlike/frontend/in_place.py); into a "
    "global or a subscript, refused": """
        np.put_along_axis np.place np.putmask np.put np.copyto np.fill_diagonal""",
    "calls a Python function: written as the loop NumPy runs, the function called by name "
    "(tangentlike/frontend/apply_calls.py)": """
        np.apply_along_axis np.apply_over_axes np.fromfunction""",
    "a density or distribution function of scipy.stats without a rule of its own: the "
    "distribution's private method at the standardized point, differentiated from SciPy's "
    "source (tangentlike/frontend/standardized.py)": """
        scipy.stats.alpha.pdf scipy.stats.alpha.logpdf scipy.stats.alpha.cdf
        scipy.stats.alpha.logcdf scipy.stats.anglit.pdf scipy.stats.anglit.logpdf
        scipy.stats.anglit.cdf scipy.stats.anglit.logcdf scipy.stats.arcsine.pdf
        scipy.stats.arcsine.logpdf scipy.stats.arcsine.cdf scipy.stats.arcsine.logcdf
        scipy.stats.argus.pdf scipy.stats.argus.logpdf scipy.stats.argus.cdf
        scipy.stats.argus.logcdf scipy.stats.betaprime.pdf scipy.stats.betaprime.logpdf
        scipy.stats.bradford.pdf scipy.stats.bradford.logpdf scipy.stats.bradford.cdf
        scipy.stats.bradford.logcdf scipy.stats.burr.cdf scipy.stats.burr.logcdf
        scipy.stats.burr12.pdf scipy.stats.burr12.logpdf scipy.stats.burr12.cdf
        scipy.stats.burr12.logcdf scipy.stats.chi.pdf scipy.stats.chi.logpdf
        scipy.stats.cosine.pdf scipy.stats.dgamma.pdf scipy.stats.dgamma.logpdf
        scipy.stats.dweibull.pdf scipy.stats.dweibull.logpdf scipy.stats.dweibull.cdf
        scipy.stats.dweibull.logcdf scipy.stats.erlang.pdf scipy.stats.erlang.logpdf
        scipy.stats.exponnorm.pdf scipy.stats.exponnorm.logpdf scipy.stats.exponnorm.cdf
        scipy.stats.exponnorm.logcdf scipy.stats.exponpow.pdf
        scipy.stats.exponpow.logpdf scipy.stats.exponpow.cdf scipy.stats.exponpow.logcdf
        scipy.stats.exponweib.pdf scipy.stats.exponweib.logpdf scipy.stats.exponweib.cdf
        scipy.stats.exponweib.logcdf scipy.stats.f.pdf scipy.stats.f.logpdf
        scipy.stats.fatiguelife.pdf scipy.stats.fatiguelife.logpdf
        scipy.stats.fatiguelife.cdf scipy.stats.fatiguelife.logcdf scipy.stats.fisk.cdf
        scipy.stats.fisk.logcdf scipy.stats.foldcauchy.pdf scipy.stats.foldcauchy.logpdf
        scipy.stats.foldcauchy.cdf scipy.stats.foldcauchy.logcdf
        scipy.stats.foldnorm.pdf scipy.stats.foldnorm.logpdf scipy.stats.foldnorm.cdf
        scipy.stats.foldnorm.logcdf scipy.stats.genexpon.pdf scipy.stats.genexpon.logpdf
        scipy.stats.genexpon.cdf scipy.stats.genexpon.logcdf
        scipy.stats.genhalflogistic.pdf scipy.stats.genhalflogistic.logpdf
        scipy.stats.genhalflogistic.cdf scipy.stats.genhalflogistic.logcdf
        scipy.stats.genlogistic.pdf scipy.stats.genlogistic.logpdf
        scipy.stats.genlogistic.cdf scipy.stats.genlogistic.logcdf
        scipy.stats.genpareto.cdf scipy.stats.genpareto.logcdf scipy.stats.gibrat.cdf
        scipy.stats.gibrat.logcdf scipy.stats.gompertz.pdf scipy.stats.gompertz.logpdf
        scipy.stats.gompertz.cdf scipy.stats.gompertz.logcdf scipy.stats.gumbel_l.pdf
        scipy.stats.gumbel_l.logpdf scipy.stats.gumbel_l.cdf scipy.stats.gumbel_l.logcdf
        scipy.stats.gumbel_r.pdf scipy.stats.gumbel_r.logpdf scipy.stats.gumbel_r.cdf
        scipy.stats.gumbel_r.logcdf scipy.stats.halfcauchy.pdf
        scipy.stats.halfcauchy.logpdf scipy.stats.halfcauchy.cdf
        scipy.stats.halfcauchy.logcdf scipy.stats.halfgennorm.pdf
        scipy.stats.halfgennorm.logpdf scipy.stats.halflogistic.pdf
        scipy.stats.halflogistic.logpdf scipy.stats.halflogistic.cdf
        scipy.stats.halflogistic.logcdf scipy.stats.halfnorm.pdf
        scipy.stats.halfnorm.logpdf scipy.stats.halfnorm.cdf scipy.stats.halfnorm.logcdf
        scipy.stats.hypsecant.pdf scipy.stats.hypsecant.logpdf scipy.stats.hypsecant.cdf
        scipy.stats.hypsecant.logcdf scipy.stats.invgamma.pdf
        scipy.stats.invgamma.logpdf scipy.stats.invgauss.pdf scipy.stats.invgauss.logpdf
        scipy.stats.invgauss.cdf scipy.stats.invgauss.logcdf scipy.stats.invweibull.pdf
        scipy.stats.invweibull.logpdf scipy.stats.invweibull.cdf
        scipy.stats.invweibull.logcdf scipy.stats.jf_skew_t.pdf
        scipy.stats.jf_skew_t.logpdf scipy.stats.johnsonsb.pdf
        scipy.stats.johnsonsb.logpdf scipy.stats.johnsonsb.cdf
        scipy.stats.johnsonsb.logcdf scipy.stats.johnsonsu.pdf
        scipy.stats.johnsonsu.logpdf scipy.stats.johnsonsu.cdf
        scipy.stats.johnsonsu.logcdf scipy.stats.kappa3.pdf scipy.stats.kappa3.logpdf
        scipy.stats.kappa3.cdf scipy.stats.laplace_asymmetric.pdf
        scipy.stats.laplace_asymmetric.logpdf scipy.stats.laplace_asymmetric.cdf
        scipy.stats.laplace_asymmetric.logcdf scipy.stats.levy.pdf
        scipy.stats.levy.logpdf scipy.stats.levy.cdf scipy.stats.levy.logcdf
        scipy.stats.levy_l.pdf scipy.stats.levy_l.logpdf scipy.stats.levy_l.cdf
        scipy.stats.levy_l.logcdf scipy.stats.loggamma.pdf scipy.stats.loggamma.logpdf
        scipy.stats.loglaplace.pdf scipy.stats.loglaplace.logpdf
        scipy.stats.loglaplace.cdf scipy.stats.loglaplace.logcdf scipy.stats.lognorm.cdf
        scipy.stats.lognorm.logcdf scipy.stats.loguniform.pdf
        scipy.stats.loguniform.logpdf scipy.stats.loguniform.cdf
        scipy.stats.loguniform.logcdf scipy.stats.lomax.pdf scipy.stats.lomax.logpdf
        scipy.stats.lomax.cdf scipy.stats.lomax.logcdf scipy.stats.maxwell.pdf
        scipy.stats.maxwell.logpdf scipy.stats.maxwell.cdf scipy.stats.maxwell.logcdf
        scipy.stats.mielke.pdf scipy.stats.mielke.logpdf scipy.stats.mielke.cdf
        scipy.stats.mielke.logcdf scipy.stats.moyal.pdf scipy.stats.moyal.logpdf
        scipy.stats.moyal.cdf scipy.stats.moyal.logcdf scipy.stats.nakagami.pdf
        scipy.stats.nakagami.logpdf scipy.stats.norminvgauss.pdf
        scipy.stats.norminvgauss.logpdf scipy.stats.powerlaw.pdf
        scipy.stats.powerlaw.logpdf scipy.stats.powerlaw.cdf scipy.stats.powerlaw.logcdf
        scipy.stats.powerlognorm.pdf scipy.stats.powerlognorm.logpdf
        scipy.stats.powerlognorm.cdf scipy.stats.powerlognorm.logcdf
        scipy.stats.powernorm.pdf scipy.stats.powernorm.logpdf scipy.stats.powernorm.cdf
        scipy.stats.powernorm.logcdf scipy.stats.rayleigh.pdf
        scipy.stats.rayleigh.logpdf scipy.stats.rayleigh.cdf scipy.stats.rayleigh.logcdf
        scipy.stats.rdist.pdf scipy.stats.rdist.logpdf scipy.stats.recipinvgauss.cdf
        scipy.stats.recipinvgauss.logcdf scipy.stats.reciprocal.pdf
        scipy.stats.reciprocal.logpdf scipy.stats.reciprocal.cdf
        scipy.stats.reciprocal.logcdf scipy.stats.rel_breitwigner.pdf
        scipy.stats.rel_breitwigner.logpdf scipy.stats.rel_breitwigner.cdf
        scipy.stats.rel_breitwigner.logcdf scipy.stats.rice.pdf scipy.stats.rice.logpdf
        scipy.stats.rice.cdf scipy.stats.rice.logcdf
        scipy.stats.semicircular.pdf scipy.stats.semicircular.logpdf
        scipy.stats.semicircular.cdf scipy.stats.semicircular.logcdf
        scipy.stats.skewcauchy.pdf scipy.stats.skewcauchy.logpdf
        scipy.stats.skewcauchy.cdf scipy.stats.skewcauchy.logcdf
        scipy.stats.truncexpon.pdf scipy.stats.truncexpon.logpdf
        scipy.stats.truncexpon.cdf scipy.stats.truncexpon.logcdf
        scipy.stats.truncweibull_min.pdf scipy.stats.truncweibull_min.logpdf
        scipy.stats.truncweibull_min.cdf scipy.stats.truncweibull_min.logcdf
        scipy.stats.vonmises_line.pdf scipy.stats.vonmises_line.logpdf
        scipy.stats.wald.pdf scipy.stats.wald.logpdf scipy.stats.wald.cdf
        scipy.stats.wald.logcdf scipy.stats.weibull_max.pdf
        scipy.stats.weibull_max.logpdf scipy.stats.weibull_max.cdf
        scipy.stats.weibull_max.logcdf scipy.stats.weibull_min.pdf
        scipy.stats.weibull_min.logpdf scipy.stats.weibull_min.cdf
        scipy.stats.weibull_min.logcdf scipy.stats.betanbinom.pmf
        scipy.stats.betanbinom.logpmf scipy.stats.boltzmann.pmf
        scipy.stats.boltzmann.logpmf scipy.stats.boltzmann.cdf
        scipy.stats.boltzmann.logcdf scipy.stats.dlaplace.pmf
        scipy.stats.dlaplace.logpmf scipy.stats.geom.cdf scipy.stats.geom.logcdf
        scipy.stats.logser.pmf scipy.stats.logser.logpmf scipy.stats.planck.pmf
        scipy.stats.planck.logpmf scipy.stats.planck.cdf scipy.stats.planck.logcdf
        scipy.stats.yulesimon.pmf scipy.stats.yulesimon.logpmf scipy.stats.yulesimon.cdf
        scipy.stats.yulesimon.logcdf
        scipy.stats.chi.cdf scipy.stats.chi.logcdf scipy.stats.dgamma.cdf scipy.stats.dgamma.logcdf
        scipy.stats.erlang.cdf scipy.stats.erlang.logcdf scipy.stats.f.cdf scipy.stats.f.logcdf
        scipy.stats.halfgennorm.cdf scipy.stats.halfgennorm.logcdf scipy.stats.invgamma.cdf
        scipy.stats.invgamma.logcdf scipy.stats.nakagami.cdf scipy.stats.nakagami.logcdf
        scipy.stats.betabinom.cdf scipy.stats.betabinom.logcdf
        scipy.stats.betanbinom.cdf scipy.stats.betanbinom.logcdf scipy.stats.logser.cdf
        scipy.stats.logser.logcdf scipy.stats.truncnorm.pdf scipy.stats.truncnorm.logpdf
        scipy.stats.truncnorm.cdf scipy.stats.truncnorm.logcdf scipy.stats.truncpareto.pdf
        scipy.stats.truncpareto.cdf scipy.stats.triang.pdf scipy.stats.triang.logpdf
        scipy.stats.triang.cdf scipy.stats.triang.logcdf scipy.stats.trapezoid.pdf
        scipy.stats.trapezoid.logpdf scipy.stats.trapezoid.cdf scipy.stats.trapezoid.logcdf
        scipy.stats.trapz.*
        scipy.stats.pearson3.pdf scipy.stats.pearson3.logpdf scipy.stats.bernoulli.cdf
        scipy.stats.bernoulli.logcdf scipy.stats.truncpareto.logpdf
        scipy.stats.truncpareto.logcdf
        scipy.stats.burr.pdf scipy.stats.burr.logpdf scipy.stats.cosine.logpdf
        scipy.stats.crystalball.pdf scipy.stats.crystalball.logpdf scipy.stats.crystalball.cdf
        scipy.stats.crystalball.logcdf scipy.stats.fisk.pdf scipy.stats.fisk.logpdf
        scipy.stats.genextreme.cdf scipy.stats.genextreme.logcdf scipy.stats.gengamma.pdf
        scipy.stats.gengamma.logpdf scipy.stats.genpareto.pdf scipy.stats.genpareto.logpdf
        scipy.stats.gibrat.pdf scipy.stats.gibrat.logpdf scipy.stats.lognorm.pdf
        scipy.stats.lognorm.logpdf scipy.stats.recipinvgauss.pdf
        scipy.stats.recipinvgauss.logpdf scipy.stats.skewnorm.pdf scipy.stats.skewnorm.logpdf
        scipy.stats.dlaplace.cdf scipy.stats.dlaplace.logcdf scipy.stats.cosine.cdf
        scipy.stats.cosine.logcdf scipy.stats.dpareto_lognorm.pdf
        scipy.stats.dpareto_lognorm.logpdf scipy.stats.gengamma.cdf scipy.stats.gengamma.logcdf
        scipy.stats.jf_skew_t.cdf scipy.stats.jf_skew_t.logcdf scipy.stats.betaprime.cdf
        scipy.stats.betaprime.logcdf scipy.stats.loggamma.cdf scipy.stats.loggamma.logcdf
        scipy.stats.rdist.cdf scipy.stats.rdist.logcdf""",
    "a density or distribution function of scipy.stats without a rule of its own, as above "
    "(frontend/standardized.py), in x, loc, scale and the other shapes; the shapes a special "
    "function's derivative has no closed form in are refused by name (the a, b, c of hyp2f1 "
    "in gausshyper's normalization)": """
        scipy.stats.gausshyper.pdf scipy.stats.gausshyper.logpdf""",
    "an array's method that writes into it in place: as a statement on a local name or "
    "parameter, written y[:] = np.sort(y, ...), y[...] = np.partition(y, k, ...), y[...] = v, "
    "np.put(y, i, v, ...) (tangentlike/frontend/in_place.py); on anything else, refused": """
        np.ndarray.sort np.ndarray.partition np.ndarray.fill np.ndarray.put""",
}

RANDOM: dict[str, str] = {
    "draws random numbers (or shuffles; the module's functions and the methods of "
    "RandomState and Generator): runs once, in program order, and its value is a constant "
    "of the derivative": """
        np.random.*""",
    "a generator, a bit generator, or their state (seeding, getting and setting the state): "
    "no numbers to differentiate": """
        np.random.BitGenerator np.random.Generator np.random.MT19937 np.random.PCG64
        np.random.PCG64DXSM np.random.Philox np.random.RandomState np.random.SFC64
        np.random.SeedSequence np.random.default_rng np.random.get_bit_generator
        np.random.set_bit_generator np.random.seed np.random.get_state np.random.set_state
        np.random.RandomState.seed np.random.RandomState.get_state
        np.random.RandomState.set_state np.random.Generator.spawn""",
}

REFUSED: dict[str, str] = {
    "scipy.linalg.funm applies a Python function to the Schur form: no rule can know that "
    "function's derivative (write the matrix function with expm, logm, sqrtm, cosm, ... or, "
    "for a symmetric matrix, with eigh)": """
        scipy.linalg.funm""",
    "scipy.linalg.signm: the derivative of the matrix sign function (a Fréchet derivative, "
    "S dS + dS S = 0 with A dS - dS A = S dA - dA S) has no rule yet; write sign(A) as "
    "A @ inv(sqrtm(A @ A)), which is differentiated": """
        scipy.linalg.signm""",
    "scipy.linalg.expm_cond is a condition number (the norm of expm's Fréchet derivative in "
    "Kronecker form), a diagnostic: no derivative offered": """
        scipy.linalg.expm_cond""",
    "scipy.linalg.ldl pivots (Bunch-Kaufman): the values choose 1 x 1 or 2 x 2 blocks and a "
    "permutation, so the factors are not a smooth function of the matrix (use cholesky for "
    "a positive definite matrix, eigh for a symmetric one)": """
        scipy.linalg.ldl""",
    "scipy.linalg.subspace_angles computes orthonormal bases with orth (not unique) and "
    "switches between arccos and arcsin by the values: differentiate the angles written "
    "with the QR factors of the two matrices and svdvals instead": """
        scipy.linalg.subspace_angles""",
    "scipy.special's characteristic values (Mathieu, spheroidal), Mathieu's Fourier "
    "coefficients and the Gaussian quadrature rules of a float parameter: no closed-form "
    "derivative in q, c, alpha or beta (constant arguments are fine; a differentiated one is "
    "refused, naming the function)": """
        scipy.special.mathieu_a scipy.special.mathieu_b scipy.special.mathieu_even_coef
        scipy.special.mathieu_odd_coef scipy.special.pro_cv scipy.special.obl_cv
        scipy.special.pro_cv_seq scipy.special.obl_cv_seq scipy.special.roots_gegenbauer
        scipy.special.roots_genlaguerre scipy.special.roots_jacobi
        scipy.special.roots_sh_jacobi""",
    "scipy.special's ellipsoidal harmonics: no peer (autograd, JAX, PyTorch) differentiates "
    "them, and SciPy exposes neither the Lame polynomials' coefficients (which a derivative "
    "in s needs: E' is not given, and the Lame equation only gives E'') nor their derivatives "
    "in h2 and k2 (an eigenproblem); ellip_normal is an integral of them.  Constant arguments "
    "are fine": """
        scipy.special.ellip_harm scipy.special.ellip_harm_2 scipy.special.ellip_normal""",
    "spheroidal radial functions of the second kind: SciPy's values miss the spheroidal "
    "equation by up to 1e-2 (prolate) and 1 (oblate), relative, so the derivative of the "
    "derivative it returns cannot be trusted": """
        scipy.special.pro_rad2 scipy.special.pro_rad2_cv scipy.special.obl_rad2
        scipy.special.obl_rad2_cv""",
    "scipy.special.zetac in x: the derivative of zeta in s has no closed form in SciPy": """
        scipy.special.zetac""",
    'scipy.linalg factorizations whose factors are not unique (orthonormal bases of a '
    'subspace, Schur and Hessenberg vectors, generalized Schur forms), random sketches, and'
    ' balancing by powers of two: no derivative': """
        scipy.linalg.null_space scipy.linalg.orth scipy.linalg.schur scipy.linalg.hessenberg
        scipy.linalg.qz scipy.linalg.ordqz scipy.linalg.rsf2csf scipy.linalg.cdf2rdf
        scipy.linalg.cossin scipy.linalg.clarkson_woodruff_transform
        scipy.linalg.matrix_balance""",
    "changes an array's shape in place (refused with a hint: y = np.resize(y, shape), whose "
    "values repeat, or np.pad for y.resize's zeros)": """
        np.ndarray.resize""",
    "I/O: reads or writes a file, or bytes": """
        np.save np.savetxt np.savez np.savez_compressed np.load np.loadtxt np.genfromtxt
        np.fromfile np.fromregex np.frombuffer np.fromstring np.memmap np.ndarray.dump
        np.ndarray.dumps np.ndarray.tofile np.ndarray.tobytes
        np.ndarray.tostring""",
    "printing and formatting: the result is a string, or printed": """
        np.array2string np.array_repr np.array_str np.format_float_positional
        np.format_float_scientific np.base_repr np.binary_repr np.info np.typename
        np.show_config np.show_runtime np.get_include np.printoptions np.get_printoptions
        np.set_printoptions""",
    "floating-point error and buffer settings: no numbers": """
        np.errstate np.geterr np.seterr np.geterrcall np.seterrcall np.getbufsize np.setbufsize
        scipy.special.errstate scipy.special.geterr scipy.special.seterr""",
    "test runners": """
        np.test np.linalg.test np.fft.test np.random.test scipy.special.test
        scipy.linalg.test""",
    "exception and warning classes": """
        np.linalg.LinAlgError scipy.linalg.LinAlgWarning scipy.special.SpecialFunctionError
        scipy.special.SpecialFunctionWarning""",
    "dates and times (datetime64, timedelta64, business days): no real numbers": """
        np.datetime64 np.timedelta64 np.datetime_as_string np.datetime_data np.busday_count
        np.busday_offset np.busdaycalendar np.is_busday np.isnat.at""",
    "strings, bytes, Python objects and structured records: no real numbers": """
        np.str_ np.bytes_ np.void np.object_ np.character np.flexible np.record np.recarray
        np.ndarray.getfield np.ndarray.setfield np.ndarray.byteswap""",
    "abstract scalar types, for isinstance and np.issubdtype: not instantiable": """
        np.generic np.number np.integer np.signedinteger np.unsignedinteger np.inexact
        np.floating np.complexfloating""",
    "array machinery: types, iterators and flags, not functions of numbers (build arrays "
    "with np.array, loop with for)": """
        np.dtype np.ufunc np.ndarray np.flatiter np.broadcast np.nditer np.nested_iters
        np.ndenumerate np.ndindex np.ndarray.setflags""",
    "exchanges memory with another library (DLPack)": """
        np.from_dlpack""",
    "wraps a Python function into an object-array ufunc, which the compiler cannot see "
    "into: call the function, or loop": """
        np.frompyfunc np.vectorize""",
    "calls Python functions given as values piece by piece, or consumes an iterator: write "
    "np.where(cond, f1(x), f2(x)), or np.array([...]) (the hint says which)": """
        np.piecewise np.fromiter""",
    "np.matrix, a deprecated subclass with other semantics for * and **: use arrays": """
        np.matrix np.asmatrix np.bmat""",
    "polynomial objects (np.poly1d, SciPy's orthopoly1d), not arrays: use np.polyval or "
    "scipy.special.eval_*": """
        np.poly1d scipy.special.chebyc scipy.special.chebys scipy.special.chebyt
        scipy.special.chebyu scipy.special.gegenbauer scipy.special.genlaguerre
        scipy.special.hermite scipy.special.hermitenorm scipy.special.jacobi
        scipy.special.laguerre scipy.special.legendre scipy.special.sh_chebyt
        scipy.special.sh_chebyu scipy.special.sh_jacobi scipy.special.sh_legendre""",
    "low-level BLAS and LAPACK wrappers": """
        scipy.linalg.find_best_blas_type scipy.linalg.get_blas_funcs
        scipy.linalg.get_lapack_funcs""",
    "segment reductions (ufunc.reduceat) of ufuncs other than add and multiply: reduce each "
    "slice instead (np.maximum.reduce(x[i:j]) per segment, stacked)": """
        np.*.reduceat""",
    "a reduction or scan of a ufunc that is not a sum, product, extremum, norm or "
    "log-sum-exp (power, arctan2, remainder, ...): write the expression or the loop it "
    "stands for": """
        np.power.reduce np.power.accumulate np.float_power.reduce np.float_power.accumulate
        np.arctan2.reduce np.arctan2.accumulate np.remainder.reduce np.remainder.accumulate
        np.fmod.reduce np.fmod.accumulate np.copysign.reduce np.copysign.accumulate
        np.heaviside.reduce np.heaviside.accumulate np.ldexp.reduce np.ldexp.accumulate
        np.nextafter.reduce np.nextafter.accumulate""",
    "a ufunc's scatter in place (np.f.at(x, i, v)) of a ufunc other than add, subtract, "
    "multiply, divide, maximum, minimum, fmax, fmin, which the derivative cannot follow: "
    "write the new value (x = np.f(x), x[i] = np.f(x[i], v) for distinct indices)": """
        np.*.at""",
    "a distribution function inverted in its degrees of freedom: every derivative of the "
    "inverse needs the distribution function's derivative in the degrees of freedom, which "
    "has no closed form": """
        scipy.special.chndtridf scipy.special.nctdtridf scipy.special.ncfdtridfn
        scipy.special.ncfdtridfd""",
    "SciPy computes the studentized range's density and distribution function by numerical "
    "integration (a double integral with no closed form in x or k)": """
        scipy.stats.studentized_range.*""",
    "a distribution function SciPy computes by integrating the density numerically "
    "(scipy.integrate.quad): refused when differentiated, naming the distribution "
    "(tangentlike/runtime/stats_generic.py, integrated)": """
        scipy.stats.norminvgauss.cdf scipy.stats.norminvgauss.logcdf""",
    "scipy.stats methods SciPy computes in a way no derivative follows: numerical "
    "integration (levy_stable; the cdfs of gausshyper, genhyperbolic, geninvgauss), "
    "compiled code with no closed-form derivative (landau; genhyperbolic and geninvgauss "
    "through np.vectorize, a Bessel function of the order p), a B-spline object per point "
    "(irwinhall): refused by name with the reason (frontend/standardized.py NO_DERIVATIVE)":
    """
        scipy.stats.landau.* scipy.stats.levy_stable.* scipy.stats.genhyperbolic.*
        scipy.stats.geninvgauss.* scipy.stats.irwinhall.* scipy.stats.gausshyper.cdf
        scipy.stats.gausshyper.logcdf""",
    "kstwo's density: its derivative in x is the second derivative of the exact "
    "Kolmogorov-Smirnov distribution function of n samples (SciPy's _ksstats.kolmognp), which "
    "has no closed form and no peer (autograd, JAX, PyTorch) differentiates; n is an integer, "
    "so x, loc and scale are its only differentiable arguments (kstwo.cdf and kstwo.logcdf "
    "have rules): refused by name (frontend/standardized.py NO_DERIVATIVE)": """
        scipy.stats.kstwo.pdf scipy.stats.kstwo.logpdf""",
    "the Zipf distributions' mass in a: its derivative needs the Riemann zeta function's in "
    "its first parameter, which has no closed form (zipf: SciPy's zeta; zipfian: a compiled "
    "harmonic sum, SciPy's zeta before 1.17): refused by name when a is differentiated; the "
    "count k carries no derivative": """
        scipy.stats.zipf.* scipy.stats.zipfian.*""",
    "Wallenius' non-central hypergeometric distribution: SciPy computes its mass in compiled "
    "code (BiasedUrn) from an integral over (0, 1) with no closed form, and its derivative "
    "in the odds is another such integral, for which tangentlike has no validated "
    "quadrature (no peer, autograd, JAX or PyTorch, differentiates it): refused by name with "
    "the reason (frontend/standardized.py NO_DERIVATIVE); the count k and M, n, N are "
    "integers": """
        scipy.stats.nchypergeom_wallenius.*""",
}

MISSING: dict[str, str] = {}

# Names that only some NumPy and SciPy versions CI runs have (deprecated, removed or new):
# classed in the tables above like any other, and not reported when this version lacks them.
OTHER_VERSIONS: frozenset[str] = frozenset("""
    np.in1d np.trapz np.row_stack np.ndarray.tostring scipy.special.clpmn scipy.special.lpmn
    scipy.special.lpn scipy.special.sph_harm scipy.stats.trapz.* scipy.linalg.kron
    """.split())
