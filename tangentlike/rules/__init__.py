"""Layer 2, derivative rules: the registry that maps a primitive to its adjoint or tangent
template, or marks it non-differentiable (``registry``: ``@adjoint``, ``@tangent``,
``@non_differentiable``), the instantiation of a template at a call (``template``),
``insert_grad_of`` and ``stop_gradient`` (``surgery``), and the table of covered functions
(``coverage``).  In: rule functions, tangentlike's own (the top-level ``templates/``,
installed as ``tangentlike.templates``) and the user's; out: a rule's statements with the
call's names put in.
"""
