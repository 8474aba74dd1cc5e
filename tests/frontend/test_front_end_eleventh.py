"""The front end's shortcuts of the eleventh round (issue 18 item 5) give what they skip or
replace: ``function_facts``' node classes and keywords against walks of their own, the
normalizer with its skipped checks (no class ``check_expression`` refuses, no ufunc keyword)
against the normalizer that makes them, ``_copy_written_parameters``' walk of the
statements against the statements of ``syntax.walk``, and the shared values' one walk
(``walked``: the Names, ``_mutable``) and ``_value_reads`` against the walks they replace.
"""
from __future__ import annotations

import collections
import dataclasses
import importlib.util
import sys
import textwrap

import gast
import numpy as np
from support import functions_of_test_modules

import tangentlike
from tangentlike.core import syntax
from tangentlike.core.naming import Namer
from tangentlike.frontend import normalize as normalize_module
from tangentlike.frontend import operands, parsing, shared_values
from tangentlike.frontend.function_walk import FunctionFacts, function_facts
from tangentlike.frontend.normalize import _statements_walked, normalize
from tangentlike.frontend.ufunc_keywords import KEYWORDS
from tangentlike.rules.registry import is_pure_function

_HANDMADE = textwrap.dedent("""
    def g(x, ys, *, n=2):
        try:
            x[0] = 1.0
            while n:
                n -= 1
            else:
                ys[1] += x
        except ValueError as e:
            def h(t):
                t[0] = 2.0
                return t
            x = h(x)
        else:
            pass
        finally:
            with open("f") as f:
                x += 1
        match n:
            case 1:
                x[1] = 3.0
            case _:
                for i in range(n):
                    if i:
                        ys[i] = x
                    else:
                        x = ys
        return x
    """)


def test_function_facts_classes_and_keywords() -> None:
    nodes = [parsing.parse_function(f).node for f in functions_of_test_modules()]
    nodes.append(syntax.parse(_HANDMADE).body[0])
    with_keywords = 0
    for node in nodes:
        facts = function_facts(node)
        walked = list(syntax.walk(node))
        assert facts.classes == {sub.__class__ for sub in walked}
        assert facts.keywords == {sub.arg for sub in walked if isinstance(sub, gast.keyword)}
        with_keywords += bool(facts.keywords & KEYWORDS)
    assert with_keywords >= 2


def test_statements_walked_in_walk_order() -> None:
    """The statements, handlers and cases of ``syntax.walk`` (the reference), in its order."""
    blocks = (gast.stmt, gast.excepthandler, gast.match_case)
    nodes = [parsing.parse_function(f).node for f in functions_of_test_modules()]
    nodes.append(syntax.parse(_HANDMADE).body[0])
    nested = 0
    for node in nodes:
        for stmt in node.body:
            expected = [sub for sub in syntax.walk(stmt) if isinstance(sub, blocks)]
            assert list(_statements_walked(stmt)) == expected
            nested += len(expected) > 1
    assert nested > 100


def _normalized(func, facts=function_facts) -> str:
    """``normalize``'s result (its dump, and the parameters written back) or its refusal."""
    parsed = parsing.parse_function(func)
    operands_facts = operands.function_facts
    operands.function_facts = facts
    try:
        fn = normalize(parsed, Namer(syntax.all_names(parsed.node)))
    except Exception as error:  # (a refusal: the same one either way)
        return f"{type(error).__name__}: {error}"
    finally:
        operands.function_facts = operands_facts
    return syntax.dump(fn)


def _every_check(node: gast.FunctionDef) -> FunctionFacts:
    """Facts that make the normalizer run every check (the skipped walks' reference)."""
    facts = function_facts(node)
    return dataclasses.replace(facts, classes=facts.classes | set(
        operands.UNSUPPORTED_EXPRESSIONS), keywords=facts.keywords | KEYWORDS)


_KEYWORDS = textwrap.dedent("""
    import numpy as np

    def cast(x, y):
        return np.sin(x, dtype=np.float32) + np.add(x, y, out=None, where=True)

    def cast_written(x, y):
        x[0] = np.multiply(x[0], y, dtype=np.float64)
        return np.sum(np.exp(x, where=True))

    def spread(x, y):
        return np.add(*(x, y))

    def walrus(x, y):
        return (z := x * y) + z
    """)


def test_skipped_checks_change_nothing(monkeypatch, tmp_path) -> None:
    """Every test function (and a few with ufunc keywords) normalized with the checks
    skipped where the facts allow it and with every check made: the same code, or the same
    refusal."""
    written = []
    copy = normalize_module._copy_written_parameters

    def copying(normalizer, body):
        copy(normalizer, body)
        written.append(normalizer.written_parameters)
    monkeypatch.setattr(normalize_module, "_copy_written_parameters", copying)
    path = tmp_path / "eleventh_keywords.py"
    path.write_text(_KEYWORDS)
    spec = importlib.util.spec_from_file_location("eleventh_keywords", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "eleventh_keywords", module)
    spec.loader.exec_module(module)
    handmade = [module.cast, module.cast_written, module.spread, module.walrus]
    refused = 0
    for func in [*handmade, *functions_of_test_modules()]:
        fast = _normalized(func)
        assert fast == _normalized(func, _every_check), func.__qualname__
        refused += fast.startswith("UnsupportedSyntaxError")
    assert refused > 5 and sum(bool(w) for w in written) > 5


def _mutable_walked(fn: gast.FunctionDef, resolve) -> set[str]:
    """``shared_values._mutable`` before it read ``walked`` (the reference): its own walk."""
    found: set[str] = set()
    for node in syntax.walk(fn):
        if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(
                node.ctx, (gast.Store, gast.Del)):
            found.update(n.id for n in syntax.walk_names(node.value))
        elif isinstance(node, gast.AugAssign):
            found.update(n.id for n in syntax.walk_names(node.target))
        elif isinstance(node, gast.Call):
            if isinstance(node.func, gast.Attribute):
                found.update(n.id for n in syntax.walk_names(node.func.value))
            if not is_pure_function(resolve(node.func)):
                found.update(n.id for a in node.args + [k.value for k in node.keywords]
                             for n in syntax.walk_names(a))
            found.update(n.id for k in node.keywords if k.arg == "out"
                         for n in syntax.walk_names(k.value))
    return found


def test_shared_values_walk() -> None:
    """``shared_values.walked``: the Names of ``syntax.walk_names``, and the changed names
    ``_mutable`` finds from it against its own walk, on every normalized test function (and
    one with annotations, which the Names leave out and the changes do not)."""
    annotated = syntax.parse(textwrap.dedent("""
        def g(x: np.ndarray, y: h(t, out=u)):
            z = x.copy()
            z[0] += y
            w = z
            w.a = 1
            del w[0]
            q(x, out=y)
            return z
        """)).body[0]
    functions = [annotated]
    for func in functions_of_test_modules():
        try:
            parsed = parsing.parse_function(func)
            functions.append(normalize(parsed, Namer(syntax.all_names(parsed.node))))
        except Exception:  # (a refused function)
            continue
    changed = 0
    for fn in functions:
        walk = shared_values.walked(fn)
        assert collections.Counter(map(id, walk.names)) == collections.Counter(
            map(id, syntax.walk_names(fn)))
        pure = len(syntax.stored_names(fn)) % 2  # (every call pure in about half of them)

        def resolve(func: gast.expr, pure=pure) -> object:
            return np.sin if pure else print
        expected = _mutable_walked(fn, resolve)
        assert shared_values._mutable(walk, resolve) == expected
        changed += bool(expected)
    assert changed > 100
    assert {"t", "u", "z", "w", "x", "y"} <= shared_values._mutable(
        shared_values.walked(annotated), lambda func: print)


def test_value_reads_are_loaded_names(monkeypatch) -> None:
    """``shared_values._value_reads`` against ``syntax.loaded_names``: on hand-made values
    of each kind the pass keys, and on every value it keys while test functions are
    differentiated."""
    for text in ["f(a, (b, 1), k=c)", "np.linalg.norm(a, axis=(0, b))", "fs[i](a)",
                 "g(h)(a)", "a + (b, c)", "-a", "+(1, a)", "m.f(a, None, 'x')"]:
        value = gast.parse(text).body[0].value
        assert shared_values._value_reads(value) == syntax.loaded_names(value), text
    compared = []
    value_reads = shared_values._value_reads

    def reads(node: gast.expr) -> set[str]:
        compared.append(node)
        assert value_reads(node) == syntax.loaded_names(node), syntax.dump(node)
        return value_reads(node)

    monkeypatch.setattr(shared_values, "_value_reads", reads)
    for func in functions_of_test_modules(["golden_functions", "containers_functions",
                                           "control_flow_functions", "calls_functions"]):
        tangentlike.clear_cache()
        try:
            tangentlike.grad(func)
        except tangentlike.TangentlikeError:
            continue
    assert len(compared) > 100
