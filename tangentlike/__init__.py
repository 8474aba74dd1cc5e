"""tangentlike: source-to-source automatic differentiation for Python and NumPy.

``tangentlike.grad(f)`` reads ``f``'s source and writes a new Python function computing its
gradient: readable code with no tape, which you can print (``.source``), step through in pdb,
and ship.
"""
from tangentlike.rules.registry import adjoint, d, non_differentiable, pure, tangent  # noqa: I001
from tangentlike import templates as _templates  # noqa: F401  (registers the rules)
from tangentlike.api import (
    INPUT_DERIVATIVE,
    autodiff,
    clear_cache,
    grad,
    init_grad,
    value_and_grad,
)
from tangentlike.jax_style import (
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
)
from tangentlike.vjp import linearize, vjp
from tangentlike.arguments import register_pytree
from tangentlike.checking import check_grads
from tangentlike.rules.surgery import insert_grad_of, stop_gradient
from tangentlike.runtime.fixed_points import fixed_point
from tangentlike.lipschitz import autolip, local_lipschitz
from tangentlike.rules.checkpoint import checkpoint
from tangentlike.errors import (
    ArrayLibraryError,
    CompiledBackendError,
    ConvergenceError,
    InputError,
    NoDerivativeError,
    SourceUnavailableError,
    TangentlikeError,
    TemplateError,
    UnsupportedSyntaxError,
    ValueRefusedError,
)

__version__ = "0.1.0"

__all__ = [
    "ArrayLibraryError", "CompiledBackendError", "ConvergenceError", "INPUT_DERIVATIVE",
    "InputError", "NoDerivativeError", "SourceUnavailableError",
    "TangentlikeError", "TemplateError", "UnsupportedSyntaxError", "ValueRefusedError",
    "adjoint", "autodiff", "autolip", "check_grads", "checkpoint", "clear_cache", "d",
    "fixed_point", "grad", "hessian", "hvp", "init_grad", "insert_grad_of", "jacfwd",
    "jacobian", "jacrev", "jvp", "linearize", "local_lipschitz", "non_differentiable", "pure",
    "register_pytree", "stop_gradient", "tangent", "value_and_grad", "vjp",
]
