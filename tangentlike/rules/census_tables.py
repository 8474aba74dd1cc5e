"""The census's curated tables (``census.py``): reason -> the names it holds for.

Data only.  Each table maps a reason to the names it applies to, separated by white space; a
name may be a pattern (``fnmatch``: ``np.random.*``), and an exact name is preferred to a
pattern.  A callable with a rule or declared a constant is classed from the registry, never
from here: ``tests/rules/test_census.py`` fails when an exact name here has a rule now (remove
it: the MISSING table shrinks as rules are added), when an entry names nothing, or when a
callable is in no table, or in two.  MISSING is the to-do list of issue 17's rules: each
reason says what the functions need, "a rule" (a derivative) or "a constant declaration"
(``non_differentiable``: their results carry no derivative).
"""
from __future__ import annotations

# Why a function has a rule in one mode only: name -> reason.
ONE_MODE: dict[str, str] = {}

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
}

MISSING: dict[str, str] = {
    # NumPy: functions
    "a rule: the operator's (+, -, *, /, divmod) for the ufunc written as a function": """
        np.add np.subtract np.multiply np.divide np.divmod""",
    "a rule: elementwise, closed-form derivative (np.heaviside: in its second argument)": """
        np.angle np.copysign np.heaviside np.frexp np.ldexp np.modf np.nextafter np.i0
        np.real_if_close np.sort_complex np.matvec np.vecmat""",
    "a rule: conversion to a float or complex type (identity derivative, then a cast)": """
        np.float16 np.float32 np.float64 np.longdouble np.complex64 np.complex128
        np.clongdouble np.asanyarray np.ascontiguousarray np.asfortranarray
        np.asarray_chkfinite np.require""",
    "a constant declaration: conversion to an integer or boolean type": """
        np.bool np.int8 np.int16 np.int32 np.int64 np.longlong np.uint8 np.uint16 np.uint32
        np.uint64 np.ulonglong""",
    "a constant declaration: integer, boolean, index or dtype results": """
        np.bincount np.bitwise_count np.spacing np.isdtype np.issubdtype
        np.iterable np.mintypecode np.common_type np.diag_indices_from np.tril_indices_from
        np.triu_indices_from np.ix_ np.packbits np.unpackbits np.nanargmax np.nanargmin
        np.einsum_path np.bartlett np.blackman np.hamming np.hanning np.linalg.matrix_rank
        np.in1d""",
    "a rule: differences (np.gradient returns one array per axis)": """
        np.gradient np.trapz""",
    "a rule: gathers or scatters elements (an index computed from the values, as for "
    "np.sort)": """
        np.take_along_axis np.append np.delete np.insert np.extract np.compress np.select
        np.piecewise np.choose np.resize np.trim_zeros np.unique np.unique_all
        np.unique_counts np.unique_inverse np.unique_values np.intersect1d np.union1d
        np.setdiff1d np.setxor1d np.ndarray.choose np.ndarray.compress np.ndarray.item
        np.ndarray.tolist""",
    "a rule: writes into its first argument in place (as x[i] = v does)": """
        np.put_along_axis np.place np.putmask np.put np.copyto np.fill_diagonal
        np.ndarray.put np.ndarray.fill np.ndarray.sort np.ndarray.partition
        np.ndarray.resize""",
    "a rule: builds or reshapes arrays from differentiated pieces": """
        np.block np.broadcast_arrays np.diagflat np.geomspace np.logspace np.meshgrid
        np.vander np.row_stack np.unstack np.fromiter np.kaiser np.ndarray.view
        np.ndarray.to_device""",
    "a rule: histograms (the counts are constants, the bin edges follow the data)": """
        np.histogram np.histogram2d np.histogramdd np.histogram_bin_edges""",
    "a rule: polynomials as coefficient arrays (np.polydiv: a quotient and a remainder; "
    "np.poly and np.roots: through eigenvalues, complex in general)": """
        np.poly np.polydiv np.roots""",
    "a rule that differentiates the Python function it calls": """
        np.apply_along_axis np.apply_over_axes np.fromfunction""",
    "a rule: linear algebra": """
        np.linalg.cond np.linalg.diagonal np.linalg.trace np.linalg.eigvals np.linalg.lstsq
        np.linalg.multi_dot np.linalg.tensorinv np.linalg.tensorsolve""",
    "a rule: FFT of Hermitian signals; frequencies scale as 1/d": """
        np.fft.hfft np.fft.ihfft np.fft.fftfreq np.fft.rfftfreq""",
    # NumPy: ufunc methods
    "a constant declaration, as for the ufunc: boolean or integer results": """
        np.bitwise_and.* np.bitwise_or.* np.bitwise_xor.* np.bitwise_count.* np.equal.*
        np.not_equal.* np.greater.* np.greater_equal.* np.less.* np.less_equal.*
        np.logical_and.* np.logical_or.* np.logical_xor.* np.logical_not.* np.gcd.* np.lcm.*
        np.left_shift.* np.right_shift.* np.invert.* np.isfinite.* np.isinf.* np.isnan.*
        np.signbit.* np.ceil.* np.floor.* np.rint.* np.trunc.* np.sign.* np.floor_divide.*
        np.spacing.*""",
    "a rule: the ufunc's scatter in place (ufunc.at, like x[i] += v)": """
        np.*.at""",
    "a rule: the ufunc's reduction, scan or outer product (np.add.reduce is np.sum, "
    "np.add.outer an outer sum; the others need a scan's rule)": """
        np.*.reduce np.*.accumulate np.*.reduceat np.*.outer""",
    # SciPy: special functions
    "a constant declaration: integer results, or constants of an integer order": """
        scipy.special.*_zeros scipy.special.bernoulli scipy.special.euler
        scipy.special.factorial2 scipy.special.factorialk scipy.special.stirling2
        scipy.special.gammasgn scipy.special.round""",
    "a rule in the float parameters (Gaussian quadrature nodes and weights: constants for an "
    "integer n alone)": """
        scipy.special.roots_*""",
    "a rule: closed-form derivative": """
        scipy.special.cbrt scipy.special.exp10 scipy.special.exp2 scipy.special.expm1
        scipy.special.log1p scipy.special.cosdg scipy.special.sindg scipy.special.tandg
        scipy.special.cotdg scipy.special.cosm1 scipy.special.radian scipy.special.powm1
        scipy.special.exprel scipy.special.log_expit scipy.special.softplus
        scipy.special.boxcox scipy.special.boxcox1p scipy.special.inv_boxcox
        scipy.special.inv_boxcox1p scipy.special.huber scipy.special.pseudo_huber
        scipy.special.entr scipy.special.rel_entr scipy.special.kl_div scipy.special.agm
        scipy.special.erfcx scipy.special.erfi scipy.special.dawsn scipy.special.wofz
        scipy.special.voigt_profile scipy.special.loggamma scipy.special.rgamma
        scipy.special.poch scipy.special.binom scipy.special.comb scipy.special.perm
        scipy.special.factorial scipy.special.multigammaln scipy.special.lambertw
        scipy.special.wrightomega scipy.special.spence scipy.special.zeta scipy.special.zetac
        scipy.special.expi scipy.special.exp1 scipy.special.expn scipy.special.shichi
        scipy.special.sici scipy.special.fresnel scipy.special.modfresnelm
        scipy.special.modfresnelp scipy.special.diric""",
    "a rule: Bessel, Struve, Kelvin and related functions (derivatives by recurrences)": """
        scipy.special.jv scipy.special.jve scipy.special.yv scipy.special.yve scipy.special.iv
        scipy.special.ive scipy.special.kv scipy.special.kve scipy.special.yn
        scipy.special.kn scipy.special.k0 scipy.special.k0e scipy.special.k1 scipy.special.k1e
        scipy.special.hankel1 scipy.special.hankel1e scipy.special.hankel2
        scipy.special.hankel2e scipy.special.spherical_jn scipy.special.spherical_yn
        scipy.special.spherical_in scipy.special.spherical_kn scipy.special.jvp
        scipy.special.yvp scipy.special.ivp scipy.special.kvp scipy.special.h1vp
        scipy.special.h2vp scipy.special.riccati_jn scipy.special.riccati_yn
        scipy.special.struve scipy.special.modstruve scipy.special.itstruve0
        scipy.special.it2struve0 scipy.special.itmodstruve0 scipy.special.it2i0k0
        scipy.special.it2j0y0 scipy.special.iti0k0 scipy.special.itj0y0
        scipy.special.besselpoly scipy.special.ber scipy.special.bei scipy.special.berp
        scipy.special.beip scipy.special.ker scipy.special.kei scipy.special.kerp
        scipy.special.keip scipy.special.kelvin scipy.special.lmbda scipy.special.wright_bessel
        scipy.special.log_wright_bessel""",
    "a rule: distribution functions and their inverses (the density; an inverse's by the "
    "implicit function theorem)": """
        scipy.special.bdtr* scipy.special.btdtr* scipy.special.chdtr* scipy.special.chndtr*
        scipy.special.fdtr* scipy.special.gdtr* scipy.special.nbdtr* scipy.special.ncfdtr*
        scipy.special.nctdtr* scipy.special.nrdtr* scipy.special.pdtr* scipy.special.stdtr*
        scipy.special.ndtr scipy.special.ndtri scipy.special.ndtri_exp scipy.special.log_ndtr
        scipy.special.kolmogorov scipy.special.kolmogi scipy.special.smirnov
        scipy.special.smirnovi scipy.special.tklmbda scipy.special.owens_t
        scipy.special.betainc scipy.special.betaincc scipy.special.betaincinv
        scipy.special.betainccinv scipy.special.gammainc scipy.special.gammaincc
        scipy.special.gammaincinv scipy.special.gammainccinv""",
    "a rule: hypergeometric, elliptic, Airy, Mathieu, spheroidal, parabolic-cylinder and "
    "Legendre functions, orthogonal polynomials' values": """
        scipy.special.airy scipy.special.airye scipy.special.itairy scipy.special.hyp0f1
        scipy.special.hyp1f1 scipy.special.hyp2f1 scipy.special.hyperu scipy.special.ellip*
        scipy.special.mathieu_* scipy.special.obl_* scipy.special.pro_* scipy.special.pbdv
        scipy.special.pbvv scipy.special.pbwa scipy.special.pbdn_seq scipy.special.pbdv_seq
        scipy.special.pbvv_seq scipy.special.lpmv scipy.special.lqmn scipy.special.lqn
        scipy.special.legendre_p* scipy.special.assoc_legendre_p*
        scipy.special.sph_legendre_p* scipy.special.sph_harm_y* scipy.special.assoc_laguerre
        scipy.special.eval_*
        scipy.special.clpmn scipy.special.lpmn scipy.special.lpn scipy.special.sph_harm""",
    # SciPy: distributions
    "a rule: the density or distribution function of a continuous distribution, in x, loc, "
    "scale and the shape parameters": """
        scipy.stats.alpha.* scipy.stats.anglit.* scipy.stats.arcsine.* scipy.stats.argus.*
        scipy.stats.beta.* scipy.stats.betaprime.* scipy.stats.bradford.*
        scipy.stats.burr.* scipy.stats.burr12.* scipy.stats.cauchy.* scipy.stats.chi.*
        scipy.stats.chi2.* scipy.stats.cosine.* scipy.stats.crystalball.*
        scipy.stats.dgamma.* scipy.stats.dpareto_lognorm.* scipy.stats.dweibull.*
        scipy.stats.erlang.* scipy.stats.expon.* scipy.stats.exponnorm.*
        scipy.stats.exponpow.* scipy.stats.exponweib.* scipy.stats.f.*
        scipy.stats.fatiguelife.* scipy.stats.fisk.* scipy.stats.foldcauchy.*
        scipy.stats.foldnorm.* scipy.stats.gamma.* scipy.stats.gausshyper.*
        scipy.stats.genexpon.* scipy.stats.genextreme.* scipy.stats.gengamma.*
        scipy.stats.genhalflogistic.* scipy.stats.genhyperbolic.*
        scipy.stats.geninvgauss.* scipy.stats.genlogistic.* scipy.stats.gennorm.*
        scipy.stats.genpareto.* scipy.stats.gibrat.* scipy.stats.gompertz.*
        scipy.stats.gumbel_l.* scipy.stats.gumbel_r.* scipy.stats.halfcauchy.*
        scipy.stats.halfgennorm.* scipy.stats.halflogistic.* scipy.stats.halfnorm.*
        scipy.stats.hypsecant.* scipy.stats.invgamma.* scipy.stats.invgauss.*
        scipy.stats.invweibull.* scipy.stats.irwinhall.* scipy.stats.jf_skew_t.*
        scipy.stats.johnsonsb.* scipy.stats.johnsonsu.* scipy.stats.kappa3.*
        scipy.stats.kappa4.* scipy.stats.ksone.* scipy.stats.kstwo.*
        scipy.stats.kstwobign.* scipy.stats.landau.* scipy.stats.laplace.*
        scipy.stats.laplace_asymmetric.* scipy.stats.levy.* scipy.stats.levy_l.*
        scipy.stats.levy_stable.* scipy.stats.loggamma.* scipy.stats.logistic.*
        scipy.stats.loglaplace.* scipy.stats.lognorm.* scipy.stats.loguniform.*
        scipy.stats.lomax.* scipy.stats.maxwell.* scipy.stats.mielke.* scipy.stats.moyal.*
        scipy.stats.nakagami.* scipy.stats.ncf.* scipy.stats.nct.* scipy.stats.ncx2.*
        scipy.stats.norminvgauss.* scipy.stats.pareto.*
        scipy.stats.pearson3.* scipy.stats.powerlaw.* scipy.stats.powerlognorm.*
        scipy.stats.powernorm.* scipy.stats.rayleigh.* scipy.stats.rdist.*
        scipy.stats.recipinvgauss.* scipy.stats.reciprocal.* scipy.stats.rel_breitwigner.*
        scipy.stats.rice.* scipy.stats.semicircular.* scipy.stats.skewcauchy.*
        scipy.stats.skewnorm.* scipy.stats.studentized_range.* scipy.stats.t.*
        scipy.stats.trapezoid.* scipy.stats.triang.* scipy.stats.truncexpon.*
        scipy.stats.truncnorm.* scipy.stats.truncpareto.* scipy.stats.truncweibull_min.*
        scipy.stats.tukeylambda.* scipy.stats.uniform.* scipy.stats.vonmises.*
        scipy.stats.vonmises_line.* scipy.stats.wald.* scipy.stats.weibull_max.*
        scipy.stats.weibull_min.* scipy.stats.wrapcauchy.*
        scipy.stats.trapz.*""",
    "a rule: the mass or distribution function of a discrete distribution, in its continuous "
    "parameters (constant in k)": """
        scipy.stats.bernoulli.* scipy.stats.betabinom.* scipy.stats.betanbinom.*
        scipy.stats.binom.* scipy.stats.boltzmann.* scipy.stats.dlaplace.*
        scipy.stats.geom.* scipy.stats.hypergeom.* scipy.stats.logser.*
        scipy.stats.nbinom.* scipy.stats.nchypergeom_fisher.*
        scipy.stats.nchypergeom_wallenius.* scipy.stats.nhypergeom.* scipy.stats.planck.*
        scipy.stats.poisson.* scipy.stats.poisson_binom.* scipy.stats.randint.*
        scipy.stats.skellam.* scipy.stats.yulesimon.* scipy.stats.zipf.*
        scipy.stats.zipfian.*""",
    "a rule: the density or mass of a multivariate distribution": """
        scipy.stats.dirichlet.* scipy.stats.dirichlet_multinomial.*
        scipy.stats.invwishart.* scipy.stats.matrix_normal.* scipy.stats.matrix_t.*
        scipy.stats.multinomial.* scipy.stats.multivariate_hypergeom.*
        scipy.stats.multivariate_normal.* scipy.stats.multivariate_t.*
        scipy.stats.normal_inverse_gamma.* scipy.stats.random_table.*
        scipy.stats.vonmises_fisher.* scipy.stats.wishart.*""",
    # SciPy: linear algebra
    "a constant declaration: integer or boolean results, or constant matrices of an integer "
    "size": """
        scipy.linalg.bandwidth scipy.linalg.ishermitian scipy.linalg.issymmetric
        scipy.linalg.hadamard scipy.linalg.hilbert scipy.linalg.invhilbert
        scipy.linalg.pascal scipy.linalg.invpascal scipy.linalg.dft scipy.linalg.helmert""",
    "a rule: linear algebra (factorizations, solvers, matrix functions, structured "
    "matrices)": """
        scipy.linalg.block_diag scipy.linalg.cdf2rdf scipy.linalg.cho_factor
        scipy.linalg.cho_solve scipy.linalg.cho_solve_banded scipy.linalg.cholesky
        scipy.linalg.cholesky_banded scipy.linalg.circulant
        scipy.linalg.clarkson_woodruff_transform scipy.linalg.companion
        scipy.linalg.convolution_matrix scipy.linalg.coshm scipy.linalg.cosm
        scipy.linalg.cossin scipy.linalg.det scipy.linalg.diagsvd scipy.linalg.eig
        scipy.linalg.eig_banded scipy.linalg.eigh scipy.linalg.eigh_tridiagonal
        scipy.linalg.eigvals scipy.linalg.eigvals_banded scipy.linalg.eigvalsh
        scipy.linalg.eigvalsh_tridiagonal scipy.linalg.expm scipy.linalg.expm_cond
        scipy.linalg.expm_frechet scipy.linalg.fiedler scipy.linalg.fiedler_companion
        scipy.linalg.fractional_matrix_power scipy.linalg.funm scipy.linalg.hankel
        scipy.linalg.hessenberg scipy.linalg.inv scipy.linalg.khatri_rao scipy.linalg.ldl
        scipy.linalg.leslie scipy.linalg.logm scipy.linalg.lstsq scipy.linalg.lu
        scipy.linalg.lu_factor scipy.linalg.lu_solve scipy.linalg.matmul_toeplitz
        scipy.linalg.matrix_balance scipy.linalg.norm scipy.linalg.null_space
        scipy.linalg.ordqz scipy.linalg.orth scipy.linalg.orthogonal_procrustes
        scipy.linalg.pinv scipy.linalg.pinvh scipy.linalg.polar scipy.linalg.qr
        scipy.linalg.qr_delete scipy.linalg.qr_insert scipy.linalg.qr_multiply
        scipy.linalg.qr_update scipy.linalg.qz scipy.linalg.rq scipy.linalg.rsf2csf
        scipy.linalg.schur scipy.linalg.signm scipy.linalg.sinhm scipy.linalg.sinm
        scipy.linalg.solve scipy.linalg.solve_banded scipy.linalg.solve_circulant
        scipy.linalg.solve_continuous_are scipy.linalg.solve_continuous_lyapunov
        scipy.linalg.solve_discrete_are scipy.linalg.solve_discrete_lyapunov
        scipy.linalg.solve_sylvester scipy.linalg.solve_toeplitz
        scipy.linalg.solve_triangular scipy.linalg.solveh_banded scipy.linalg.sqrtm
        scipy.linalg.subspace_angles scipy.linalg.svd scipy.linalg.svdvals
        scipy.linalg.tanhm scipy.linalg.tanm scipy.linalg.toeplitz
        scipy.linalg.kron""",
}

# Names that only some NumPy and SciPy versions CI runs have (deprecated, removed or new):
# classed in the tables above like any other, and not reported when this version lacks them.
OTHER_VERSIONS: frozenset[str] = frozenset("""
    np.in1d np.trapz np.row_stack np.ndarray.tostring scipy.special.clpmn scipy.special.lpmn
    scipy.special.lpn scipy.special.sph_harm scipy.stats.trapz.* scipy.linalg.kron
    scipy.stats.matrix_t.*
    """.split())
