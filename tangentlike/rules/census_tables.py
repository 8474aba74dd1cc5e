"""The census's curated tables (``census.py``): reason -> the names it holds for.

Data only.  Each table maps a reason to the names it applies to, separated by white space; a
name may be a pattern (``fnmatch``: ``np.random.*``), and an exact name is preferred to a
pattern.  A callable with a rule or declared a constant is classed from the registry, never
from here: ``tests/rules/test_census.py`` fails when an exact name here has a rule now (remove
it: the MISSING table shrinks as rules are added), when an entry names nothing, or when a
callable is in no table, or in two.  MISSING is the to-do list of issue 17's rules: each
reason says what the functions need, "a rule" (a derivative) or "a constant declaration"
(``non_differentiable``: their results carry no derivative).  REWRITTEN names callables with no
rule of their own that the compiler rewrites into code with rules in both modes (classed BOTH).
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
        scipy.stats.yulesimon.logcdf""",
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
}

MISSING: dict[str, str] = {
    # NumPy: functions
    "a rule: differences (np.trapz, NumPy 1's name of np.trapezoid)": """
        np.trapz""",
    # SciPy: special functions
    "a rule in the float parameters (Gaussian quadrature nodes and weights: constants for an "
    "integer n alone)": """
        scipy.special.roots_gegenbauer scipy.special.roots_genlaguerre
        scipy.special.roots_jacobi scipy.special.roots_sh_jacobi""",
    "a rule: closed-form derivative, not written yet (comb, perm: gamma-function forms, but "
    "piecewise constant with exact=True, which takes floats)": """
        scipy.special.comb scipy.special.perm""",
    "a rule: the derivative has no closed form in these functions (zetac in x needs the "
    "derivative of zeta in s; agm needs complete elliptic integrals of its ratio)": """
        scipy.special.zetac scipy.special.agm""",
    "a rule: lmbda (all orders up to n), besselpoly and Wright's generalized Bessel "
    "function": """
        scipy.special.besselpoly
        scipy.special.lmbda scipy.special.wright_bessel
        scipy.special.log_wright_bessel""",
    "a rule: distribution functions and their inverses (the density; an inverse's by the "
    "implicit function theorem)": """
        scipy.special.chndtr* scipy.special.ncfdtr* scipy.special.nctdtr*
        scipy.special.nrdtr* scipy.special.kolmogorov scipy.special.kolmogi
        scipy.special.smirnov scipy.special.smirnovi""",
    "a rule in a shape parameter (the inverses in a shape parameter need the incomplete "
    "gamma and beta functions' derivatives in their parameters: no closed form)": """
        scipy.special.chdtriv scipy.special.gdtrib scipy.special.pdtrik
        scipy.special.stdtridf scipy.special.bdtrik scipy.special.bdtrin
        scipy.special.nbdtrik scipy.special.nbdtrin scipy.special.fdtridfd
        scipy.special.btdtria scipy.special.btdtrib""",
    "a rule: hypergeometric, elliptic, Airy, Mathieu, spheroidal, parabolic-cylinder and "
    "Legendre functions, orthogonal polynomials' values": """
        scipy.special.airye scipy.special.ellip_*
        scipy.special.ellipj scipy.special.elliprd scipy.special.elliprg scipy.special.elliprj
        scipy.special.mathieu_* scipy.special.obl_* scipy.special.pro_* scipy.special.pbdv
        scipy.special.pbvv scipy.special.pbwa scipy.special.pbdn_seq scipy.special.pbdv_seq
        scipy.special.pbvv_seq scipy.special.lqmn scipy.special.lqn
        scipy.special.legendre_p* scipy.special.assoc_legendre_p*
        scipy.special.sph_legendre_p* scipy.special.sph_harm_y* scipy.special.assoc_laguerre
        scipy.special.clpmn scipy.special.lpmn scipy.special.lpn scipy.special.sph_harm""",
    # SciPy: distributions
    "a rule: the density or distribution function of a continuous distribution, in x, loc, "
    "scale and the shape parameters": """
        scipy.stats.betaprime.cdf scipy.stats.betaprime.logcdf scipy.stats.burr.pdf
        scipy.stats.burr.logpdf scipy.stats.chi.cdf scipy.stats.chi.logcdf
        scipy.stats.cosine.logpdf scipy.stats.cosine.cdf scipy.stats.cosine.logcdf
        scipy.stats.crystalball.* scipy.stats.dgamma.cdf scipy.stats.dgamma.logcdf
        scipy.stats.dpareto_lognorm.* scipy.stats.erlang.cdf scipy.stats.erlang.logcdf
        scipy.stats.f.cdf scipy.stats.f.logcdf scipy.stats.fisk.pdf
        scipy.stats.fisk.logpdf scipy.stats.gausshyper.* scipy.stats.genextreme.*
        scipy.stats.gengamma.* scipy.stats.genhyperbolic.* scipy.stats.geninvgauss.*
        scipy.stats.genpareto.pdf scipy.stats.genpareto.logpdf scipy.stats.gibrat.pdf
        scipy.stats.gibrat.logpdf scipy.stats.halfgennorm.cdf
        scipy.stats.halfgennorm.logcdf scipy.stats.invgamma.cdf
        scipy.stats.invgamma.logcdf scipy.stats.irwinhall.* scipy.stats.jf_skew_t.cdf
        scipy.stats.jf_skew_t.logcdf scipy.stats.kappa3.logcdf scipy.stats.kappa4.*
        scipy.stats.ksone.* scipy.stats.kstwo.* scipy.stats.kstwobign.*
        scipy.stats.landau.* scipy.stats.levy_stable.* scipy.stats.loggamma.cdf
        scipy.stats.loggamma.logcdf scipy.stats.lognorm.pdf scipy.stats.lognorm.logpdf
        scipy.stats.nakagami.cdf scipy.stats.nakagami.logcdf scipy.stats.ncf.*
        scipy.stats.nct.* scipy.stats.ncx2.* scipy.stats.norminvgauss.cdf
        scipy.stats.norminvgauss.logcdf scipy.stats.pearson3.* scipy.stats.rdist.cdf
        scipy.stats.rdist.logcdf scipy.stats.recipinvgauss.pdf
        scipy.stats.recipinvgauss.logpdf scipy.stats.rice.cdf scipy.stats.rice.logcdf
        scipy.stats.skewnorm.* scipy.stats.studentized_range.* scipy.stats.trapezoid.*
        scipy.stats.triang.* scipy.stats.truncnorm.* scipy.stats.truncpareto.*
        scipy.stats.tukeylambda.* scipy.stats.vonmises_line.cdf
        scipy.stats.vonmises_line.logcdf scipy.stats.trapz.*""",
    "a rule: the mass or distribution function of a discrete distribution, in its continuous "
    "parameters (constant in k)": """
        scipy.stats.bernoulli.* scipy.stats.betabinom.* scipy.stats.betanbinom.cdf
        scipy.stats.betanbinom.logcdf scipy.stats.dlaplace.cdf
        scipy.stats.dlaplace.logcdf scipy.stats.hypergeom.* scipy.stats.logser.cdf
        scipy.stats.logser.logcdf scipy.stats.nbinom.* scipy.stats.nchypergeom_fisher.*
        scipy.stats.nchypergeom_wallenius.* scipy.stats.nhypergeom.*
        scipy.stats.poisson_binom.* scipy.stats.randint.* scipy.stats.skellam.*
        scipy.stats.zipf.* scipy.stats.zipfian.*""",
    "a rule: the multivariate normal's distribution function (SciPy integrates it "
    "numerically; its derivative is a lower-dimensional normal's distribution function)": """
        scipy.stats.multivariate_normal.cdf scipy.stats.multivariate_normal.logcdf""",
    "a rule: the density or mass of a multivariate distribution": """
        scipy.stats.dirichlet_multinomial.*
        scipy.stats.invwishart.* scipy.stats.matrix_normal.* scipy.stats.matrix_t.*
        scipy.stats.multinomial.* scipy.stats.multivariate_hypergeom.*
        scipy.stats.multivariate_t.*
        scipy.stats.normal_inverse_gamma.* scipy.stats.random_table.*
        scipy.stats.vonmises_fisher.* scipy.stats.wishart.*""",
    # SciPy: linear algebra
    'a rule: scipy.linalg.block_diag (its arrays come as *arrs, and derivative templates '
    'take named arguments: np.block([[a, z], [z, b]]) works)': """
        scipy.linalg.block_diag""",
    'a rule: scipy.linalg eigenvalues of a tridiagonal matrix (the parameter named d '
    "clashes with the templates' d[x]: np.linalg.eigh of the dense matrix works)": """
        scipy.linalg.eigh_tridiagonal scipy.linalg.eigvalsh_tridiagonal""",
    'a rule: scipy.linalg banded storage (to be done through the dense matrix; solve and '
    'eigh of the dense matrix work)': """
        scipy.linalg.solveh_banded scipy.linalg.cho_solve_banded
        scipy.linalg.cholesky_banded scipy.linalg.eig_banded scipy.linalg.eigvals_banded""",
    'a rule: scipy.linalg factorizations and equations still to do (eig: complex '
    'eigenvectors; ldl, rq, funm, signm, fiedler, fiedler_companion, the Riccati equations '
    'by the implicit function theorem, subspace_angles, the QR updates)': """
        scipy.linalg.eig scipy.linalg.ldl scipy.linalg.rq scipy.linalg.funm
        scipy.linalg.signm scipy.linalg.fiedler scipy.linalg.fiedler_companion
        scipy.linalg.solve_continuous_are scipy.linalg.solve_discrete_are
        scipy.linalg.subspace_angles scipy.linalg.qr_update scipy.linalg.qr_insert
        scipy.linalg.qr_delete scipy.linalg.qr_multiply scipy.linalg.expm_cond
        scipy.linalg.kron""",
}

# Names that only some NumPy and SciPy versions CI runs have (deprecated, removed or new):
# classed in the tables above like any other, and not reported when this version lacks them.
OTHER_VERSIONS: frozenset[str] = frozenset("""
    np.in1d np.trapz np.row_stack np.ndarray.tostring scipy.special.clpmn scipy.special.lpmn
    scipy.special.lpn scipy.special.sph_harm scipy.stats.trapz.* scipy.linalg.kron
    scipy.stats.matrix_t.*
    """.split())
