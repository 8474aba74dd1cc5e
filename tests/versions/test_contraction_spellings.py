"""Spelling does not matter (issue 18, item 1): a matrix product written ``a @ b``,
``np.matmul``, ``np.dot``, ``a.dot(b)``, ``np.einsum`` with two operands or
``np.tensordot(axes=1)`` gets the same derivative, and its version by shape the same plain
matrix products as ``@`` (tangentlike/versions/contractions.py), never ``tensordot`` and
``moveaxis``; where the ranks make the spellings differ (``np.dot`` of a 3-D array is not
``np.matmul``'s product), the version keeps the general helpers and stays correct.

Each derivative is checked against central finite differences at its first three calls
(the third runs the version by shape), in reverse mode (its value exactly ``f``'s),
forward mode and as a Hessian-vector product.
"""
from __future__ import annotations

import re

import gast
import numpy as np
import pytest
from support import check_every_mode, check_grad, make_function, numerical_grad

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import syntax
from tangentlike.versions.contractions import adjoint_subscripts, as_matmul, subscripts_of

# The product ``{a}`` times ``{b}`` in each spelling.
SPELLINGS = {
    "at": "{a} @ {b}",
    "matmul": "np.matmul({a}, {b})",
    "dot": "np.dot({a}, {b})",
    "method": "{a}.dot({b})",
    "einsum": "np.einsum('ij,jk->ik', {a}, {b})",
    "tensordot": "np.tensordot({a}, {b}, axes=1)",
}
X = np.array([[0.3, -0.7, 1.1], [0.5, 0.2, -0.4], [-1.2, 0.8, 0.1], [0.9, -0.3, 0.6]])
W = np.array([[0.2, -0.5, 0.3], [0.7, 0.1, -0.6], [-0.4, 0.9, 0.5]])
V = np.array([[0.5, 1.0, -2.0], [0.3, -0.1, 0.4], [1.5, -0.7, 0.2]])


def spelled(spelling: str) -> object:
    """A two-layer function of a square matrix ``w`` (both operands of a product vary)."""
    inner = SPELLINGS[spelling].format(a="x", b="w")
    outer = SPELLINGS[spelling].format(a="h", b="w")
    return make_function(f"""
        def layers_{spelling}(w, x):
            h = np.tanh({inner})
            return np.sum(np.sin({outer}) * h)
        """)


def code_of(source: str) -> str:
    """A version's code without its comments, docstring and spelling-named names."""
    lines = [line for line in source.splitlines() if not line.strip().startswith("#")]
    text = "\n".join(lines[2:])  # past the def line and the docstring
    return re.sub(r"layers_\w+?(?=\W)", "layers", text)


def as_at(code: str) -> str:
    """``code`` with the method ``a.dot(b)`` written ``a @ b``: the version keeps the
    user's method in the primal (a call on an object of unrecorded rank; BLAS either way)."""
    return re.sub(r"(\w+)\.dot\((\w+)\)", r"\1 @ \2", code)


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_every_spelling_matches_finite_differences(spelling: str) -> None:
    f = spelled(spelling)
    check_grad(f, [W, X], wrt=(0, 1))
    df = tangentlike.grad(f, wrt=(0, 1))
    expected = numerical_grad(f, [W, X], (0, 1))
    for _ in range(3):  # the third call runs the version by shape
        for got, want in zip(df(W, X), expected, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_every_spelling_in_forward_mode_and_hvp(spelling: str) -> None:
    f = spelled(spelling)
    check_every_mode(lambda_free(f), W.ravel(), V.ravel())


def lambda_free(f: object) -> object:
    """``f`` of the 9 entries of ``w`` alone, ``x`` a global (a module-level function: its
    source is read)."""
    name = f.__name__
    return make_function(f"""
        X = np.array({X.tolist()})

        def one_{name}(v):
            w = np.reshape(v, (3, 3))
            x = X * 1.0
            h = {_body_line(name)}
            return {_return_line(name)}
        """, name=f"one_{name}")


def _body_line(name: str) -> str:
    spelling = name.removeprefix("layers_")
    return "np.tanh(" + SPELLINGS[spelling].format(a="x", b="w") + ")"


def _return_line(name: str) -> str:
    spelling = name.removeprefix("layers_")
    return "np.sum(np.sin(" + SPELLINGS[spelling].format(a="h", b="w") + ") * h)"


def test_the_spellings_give_the_same_gradient() -> None:
    reference = tangentlike.grad(spelled("at"), wrt=(0, 1))
    want = [reference(W, X) for _ in range(3)]
    for spelling in SPELLINGS:
        df = tangentlike.grad(spelled(spelling), wrt=(0, 1))
        for call in range(3):
            for got, expected in zip(df(W, X), want[call], strict=True):
                np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("spelling", sorted(set(SPELLINGS) - {"at"}))
def test_the_version_of_each_spelling_is_the_version_of_at(spelling: str) -> None:
    """The version by shape has the plain matrix products of ``@``, statement for
    statement; the ``# Grad of:`` comments keep the user's spelling."""
    at = tangentlike.grad(spelled("at"), wrt=(0, 1)).version_for(W, X)
    version = tangentlike.grad(spelled(spelling), wrt=(0, 1)).version_for(W, X)
    assert version.kind == at.kind == "shapes", version.reason
    assert as_at(code_of(version.source)) == code_of(at.source)
    code = as_at(code_of(version.source))
    for helper in ("dot_adjoint", "tensordot", "einsum", "moveaxis", "np.dot", ".dot("):
        assert helper not in code
    assert "w.T @" in code or "@ w.T" in code
    comments = [line for line in version.source.splitlines() if "# Grad of:" in line]
    assert any(SPELLINGS[spelling].format(a="h", b="w") in line for line in comments)


def test_the_value_keeps_the_users_spelling() -> None:
    """With the value returned, the statements it depends on stay as the user wrote them
    (the value is ``f``'s, float for float); the adjoint's products are still ``@``."""
    f = spelled("einsum")
    vg = tangentlike.grad(f, wrt=(0, 1), preserve_result=True)
    source = vg.version_for(W, X).source
    code = code_of(source)
    assert "np.einsum('ij,jk->ik', x, w)" in code
    assert "einsum_adjoint" not in code and "einsum_with" not in code
    for _ in range(3):
        assert vg(W, X)[-1] == f(W, X)


# Ranks where the spellings are not one product: the version must keep them apart.
A3 = np.arange(24.0).reshape(2, 3, 4) / 24.0 - 0.3
B2 = np.arange(20.0).reshape(4, 5) / 20.0 - 0.4
B3 = np.arange(60.0).reshape(3, 4, 5) / 60.0 - 0.5
M = np.array([[0.3, -0.7, 1.1, 0.4], [0.5, 0.2, -0.4, 0.8], [-1.2, 0.8, 0.1, -0.9]])
v4 = np.array([0.5, -1.0, 2.0, 0.3])
v3 = np.array([0.2, 0.9, -0.6])
OTHER_RANKS = [
    ("np.dot(a, b)", [A3, B2], "dot_adjoint_b"), ("np.dot(a, b)", [A3, B3], "dot_adjoint_a"),
    ("a.dot(b)", [A3, B3], "dot_adjoint_b"), ("np.matmul(a, b)", [A3, B2], "matmul_adjoint_a"),
    ("np.tensordot(a, b, axes=2)", [A3, B3], "einsum_with("),
    ("np.einsum('ij,ij->i', a, b)", [M, M], "np.einsum("),
    ("np.einsum('bij,bjk->bik', a, b)", [A3, np.arange(40.0).reshape(2, 4, 5) / 40.0],
     "np.einsum("),
]


@pytest.mark.parametrize("product, args, kept", OTHER_RANKS,
                         ids=[f"{p}-{a[0].ndim}d-{a[1].ndim}d" for p, a, _ in OTHER_RANKS])
def test_ranks_where_the_spellings_differ(product: str, args: list, kept: str) -> None:
    """Not one matrix product (a stack of them, two axes summed, a batch axis): the
    version keeps the user's product and the general helpers, and is right."""
    f = make_function(f"def other_rank(a, b):\n    return np.sum(np.sin({product}))")
    check_grad(f, args, wrt=(0, 1))
    df = tangentlike.grad(f, wrt=(0, 1))
    expected = numerical_grad(f, args, (0, 1))
    for _ in range(3):
        for got, want in zip(df(*args), expected, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    code = code_of(df.version_for(*args).source)
    assert product in code and kept in code, code


# Vectors, transposes and outer products: one matrix product, or a broadcast product.
VECTOR_FORMS = [
    ("np.dot(m, v)", dict(m=M, v=v4)), ("np.dot(u, m)", dict(m=M, u=v3)),
    ("np.dot(u, u)", dict(u=v3)), ("np.einsum('i,ij->j', u, m)", dict(m=M, u=v3)),
    ("np.einsum('ji,jk->ik', m, n)", dict(m=M, n=M)),
    ("np.einsum('ij,kj->ki', m, n)", dict(m=M, n=M)),
    ("np.tensordot(m, v, axes=1)", dict(m=M, v=v4)), ("m.T.dot(u)", dict(m=M, u=v3)),
    ("np.tensordot(v, u, axes=0)", dict(u=v3, v=v4)),
]


@pytest.mark.parametrize("product, values", VECTOR_FORMS, ids=[p for p, _ in VECTOR_FORMS])
def test_vectors_and_transposes(product: str, values: dict) -> None:
    names = sorted(values)
    args = [values[n] for n in names]
    f = make_function(f"def vector_form({', '.join(names)}):\n"
                      f"    return np.sum(np.sin({product}) ** 2)")
    wrt = tuple(range(len(names)))
    check_grad(f, args, wrt=wrt)
    df = tangentlike.grad(f, wrt=wrt)
    expected = numerical_grad(f, args, wrt)
    for _ in range(3):
        got = df(*args)
        got = got if isinstance(got, tuple) else (got,)
        for g, want in zip(got, expected, strict=True):
            np.testing.assert_allclose(g, want, rtol=1e-6, atol=1e-8)
    code = code_of(df.version_for(*args).source)
    if product != "np.dot(u, u)":  # a scalar's adjoint is a product, not a matrix product
        assert "dot_adjoint" not in code and "einsum" not in code and "tensordot" not in code
        assert "@" in code or "[:, None] *" in code


# The canonical form itself.
def _expr(text: str) -> gast.expr:
    return syntax.parse_expr(text)


@pytest.mark.parametrize("subscripts, expected", [
    ("ab,bc->ac", "x @ y"), ("ba,bc->ac", "x.T @ y"), ("ab,cb->ac", "x @ y.T"),
    ("ab,bc->ca", "y.T @ x.T"), ("ab,cb->ca", "y @ x.T"), ("ba,cb->ca", "y @ x"),
    ("a,ab->b", "x @ y"), ("ab,b->a", "x @ y"), ("a,a->", "x @ y"), ("b,ab->a", "x @ y.T"),
    ("a,b->ab", "x[:, None] * y"), ("a,b->ba", "y[:, None] * x"),
    ("abc,cd->abd", None), ("ab,ab->", None), ("ab,bc->abc", None),
    ("aab,bc->ac", None), ("ab,bc->c", None), ("zab,zbc->zac", None), ("...a,ab->...b", None),
])
def test_as_matmul(subscripts: str, expected: str | None) -> None:
    got = as_matmul(subscripts, _expr("x"), _expr("y"))
    assert (None if got is None else emit.to_source(got).strip()) == expected


def test_np_dot_subscripts_by_rank() -> None:
    def seen(*shape: int) -> tuple:
        return (np.ndarray, shape, np.dtype(float))
    args = [_expr("a"), _expr("b")]
    assert subscripts_of(np.dot, args, [seen(2, 3), seen(3, 4)]) == "ab,bj->aj"
    assert subscripts_of(np.dot, args, [seen(2, 3, 4), seen(5, 4, 6)]) == "abc,ick->abik"
    assert subscripts_of(np.matmul, args, [seen(2, 3, 4), seen(2, 4, 6)]) is None
    assert subscripts_of(np.dot, args, [(float, (), None), seen(3)]) is None
    assert subscripts_of(np.dot, args, [(np.ndarray, (2, 3), np.dtype(complex)),
                                        seen(3, 4)]) is None
    assert adjoint_subscripts("ab,bj->aj", of_a=True) == "aj,bj->ab"
    assert adjoint_subscripts("ab,bj->aj", of_a=False) == "ab,aj->bj"
    assert adjoint_subscripts("ab,cd->a", of_a=True) is None
