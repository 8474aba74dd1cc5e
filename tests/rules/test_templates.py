"""Every rule's templates on their own, without forward or reverse mode; and the registry walk.

Each case of ``tests/rule_cases/`` with a template form ``prim(*args, **kwargs)`` runs its
tangent and adjoint templates through ``rule_harness`` and is checked, for all its float
arguments together and for each alone:

* against central finite differences of the primitive along a random direction, in float64
  (``h = 1e-6``; ``|jvp - fd| <= 1e-6 + 1e-5 |fd|``);
* against the primitive's adjoint by the dot-product test ``<J v, u> == <v, J^T u>`` (to
  ``1e-10`` relative to ``sum |terms|``), which also holds at ties (forward and reverse mode
  share a tie equally); at a tie, against the case's fixed tangent;
* each contribution already has the result's shape (each adjoint contribution its
  argument's), float32 inputs give float32 tangents, and ``math`` functions give Python floats.

The registry walk: every adjoint shipped in ``templates/`` has a tangent with the same
signature, written one contribution per argument, and every shipped adjoint and tangent is
covered by a case (end to end in ``covers``, or by its template form).
"""
from __future__ import annotations

import ast
import copy
from typing import Any

import gast
import numpy as np
import pytest
import rule_cases
from rule_cases import ALL, CORE, RuleCase, Template, rng
from rule_harness import (
    FD_ATOL,
    FD_RTOL,
    as_float32,
    central_difference,
    direction,
    executable,
    flat,
    inner,
    is_derivative,
    jvp,
    leaves,
    run_adjoint,
    subsets,
    template_directions,
)

import tangentlike  # noqa: F401  (registers the rules)
from tangentlike.rules.registry import ADJOINTS, TANGENTS, describe

DOT_RTOL = 1e-10

rule_cases.load_all()


def _name(case_id: str) -> str:
    """The id the case's random directions are seeded by."""
    return case_id.removeprefix(CORE)


def _template_cases(when: Any = lambda name, template: True) -> list[str]:
    return [c for c, case in ALL.items()
            if case.template is not None and when(_name(c), case.template)]


def _params(test: str, case_ids: list[str]) -> list[Any]:
    """The case ids, with the case's known bug in ``test`` (if any) as a strict xfail."""
    out = []
    for c in case_ids:
        reason = ALL[c].xfail.get(test)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(c, marks=marks, id=c))
    return out


def _template(case_id: str) -> Template:
    template = ALL[case_id].template
    assert template is not None
    return template


@pytest.mark.parametrize("case_id", _params("template-fd", _template_cases(
    lambda name, template: template.tie is None)))
def test_tangent_against_finite_differences(case_id: str) -> None:
    template = _template(case_id)
    for active in subsets(template):
        tangents = template_directions(_name(case_id), template, active)
        got = jvp(template, tangents)
        expected = central_difference(lambda *args: template.call(args), list(template.args),
                                      tangents)
        np.testing.assert_allclose(
            flat(got), expected, rtol=FD_RTOL, atol=FD_ATOL,
            err_msg=f"active {active}\n{executable(TANGENTS[template.prim]).source}")


@pytest.mark.parametrize("case_id", _params("template-transpose", _template_cases()))
def test_tangent_is_the_transpose_of_the_adjoint(case_id: str) -> None:
    """<J v, u> == <v, J^T u>, with the adjoint template evaluated the same way."""
    template = _template(case_id)
    result = template.call()
    for active in subsets(template):
        tangents = template_directions(_name(case_id), template, active)
        forward_product = jvp(template, tangents)
        u = direction(rng(f"{_name(case_id)}/u"), result)
        adjoints = run_adjoint(template.prim, result, template.args, template.kwargs, u, active)
        assert sorted(adjoints) == sorted(active), executable(ADJOINTS[template.prim]).source
        forward, scale_f = inner(forward_product, u)
        backward = [inner(tangents[i], adjoints[i]) for i in active]
        total = sum(b[0] for b in backward)
        scale = max(scale_f, sum(b[1] for b in backward), 1e-300)
        assert abs(forward - total) <= DOT_RTOL * scale, (
            f"<J v, u> = {forward!r} but <v, J^T u> = {total!r} (active {active})\n"
            f"{executable(TANGENTS[template.prim]).source}\n"
            f"{executable(ADJOINTS[template.prim]).source}")


@pytest.mark.parametrize("case_id", _params("template-tie", _template_cases(
    lambda name, template: template.tie is not None)))
def test_ties_share_the_tangent(case_id: str) -> None:
    template = _template(case_id)
    tangents = template_directions(_name(case_id), template, template.wrt)
    got = jvp(template, tangents)
    expected = template.tie(*(tangents[i] for i in template.wrt))
    np.testing.assert_allclose(flat(got), flat(expected), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case_id", _params("template-math", _template_cases(
    lambda name, template: name.startswith("math-"))))
def test_math_tangents_stay_python_floats(case_id: str) -> None:
    template = _template(case_id)
    for active in subsets(template):
        got = jvp(template, template_directions(_name(case_id), template, active))
        assert type(got) is float, type(got)


@pytest.mark.parametrize("case_id", _params("template-float32", _template_cases(
    lambda name, template: not name.startswith(("math-", "float-")))))
def test_float32_tangents_stay_float32(case_id: str) -> None:
    """Every float argument (Python floats too) as float32: a float32 result gets a float32
    tangent, for every subset of differentiated arguments."""
    template = _template(case_id)
    template32 = Template(template.prim, as_float32(template.args), template.kwargs,
                          template.wrt, template.tie)
    dtypes = {np.asarray(v).dtype for v in leaves(template32.call())}
    if dtypes != {np.dtype(np.float32)}:
        pytest.skip(f"the result is {sorted(map(str, dtypes))}, not float32")
    for active in subsets(template32):
        got = jvp(template32, template_directions(_name(case_id), template32, active))
        dtypes_got = [np.asarray(p).dtype for p in leaves(got)]
        assert dtypes_got == [np.float32] * len(dtypes_got), (
            f"active {active}: tangent {dtypes_got}\n"
            f"{executable(TANGENTS[template.prim]).source}")


# ---------------------------------------------------------------------------------------------
# The registry: every shipped rule has its tangent and a case.

SHIPPED = [p for p, rule in ADJOINTS.items()
           if rule.function.__module__.startswith("tangentlike.templates")]


def test_every_adjoint_has_a_tangent() -> None:
    assert len(SHIPPED) > 40
    missing = [describe(p) for p in SHIPPED if p not in TANGENTS]
    assert not missing, f"adjoints without a tangent rule: {missing}"


def test_every_shipped_rule_is_covered() -> None:
    """Every adjoint and tangent shipped in templates/ (users' own rules registered by other
    tests aside) is run by a case: end to end (``covers``) or by its template form."""
    shipped = [p for table in (ADJOINTS, TANGENTS) for p, rule in table.items()
               if rule.function.__module__.startswith("tangentlike.templates")]
    covered = rule_cases.covered()
    missing = sorted({describe(p) for p in shipped if p not in covered})
    assert not missing, f"derivative rules without a test case: {missing}"


def test_every_case_names_a_rule_that_exists() -> None:
    def named(case: RuleCase) -> list[Any]:
        return [*case.covers, *([case.template.prim] if case.template is not None else [])]

    adjoints = {r.primitive for r in ADJOINTS.values()}
    tangents = {r.primitive for r in TANGENTS.values()}
    unknown = {c: describe(p) for c, case in ALL.items() for p in named(case)
               if p not in adjoints or p not in tangents}
    assert not unknown, f"cases name primitives with no adjoint or no tangent: {unknown}"


@pytest.mark.parametrize("prim", SHIPPED, ids=describe)
def test_tangent_matches_its_adjoint(prim: Any) -> None:
    """Same signature and file as the adjoint; each statement writes d[result] and reads the
    tangent of exactly one argument."""
    tan, adj = TANGENTS[prim], ADJOINTS[prim]
    assert tan.kind == "tangent" and adj.kind == "adjoint"
    assert tan.result == adj.result
    assert str(tan.signature) == str(adj.signature)
    assert tan.function.__module__ == adj.function.__module__
    tree = gast.gast_to_ast(copy.deepcopy(tan.node))
    params = set(tan.signature.parameters)
    written = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(is_derivative(t) for t in node.targets):
            assert [t.slice.id for t in node.targets] == [tan.result], ast.unparse(node)
            reads = {s.slice.id for s in ast.walk(node.value) if is_derivative(s)}
            assert len(reads) == 1 and reads <= params, ast.unparse(node)
            written += 1
    assert written
    # A contribution per differentiable argument: as many as the adjoint writes.
    adjoint_tree = gast.gast_to_ast(copy.deepcopy(adj.node))
    adjoint_reads = {t.slice.id for node in ast.walk(adjoint_tree)
                     if isinstance(node, ast.Assign) for t in node.targets if is_derivative(t)}
    tangent_reads = {s.slice.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                     for s in ast.walk(node.value) if is_derivative(s)}
    assert tangent_reads == adjoint_reads
