"""``shared_values._value_key``: two values share a key exactly where their text
(``syntax.dump`` with the renames, the key before) is the same: on hand-made values (numbers
that print alike but differ, strings, tuples, keywords, attribute chains, renamed reads, a
callee of another kind) and on every value the pass keys while the test modules' functions
are differentiated."""
from __future__ import annotations

import itertools

import gast
import pytest
from support import functions_of_test_modules

import tangentlike
from tangentlike.core import syntax
from tangentlike.frontend import shared_values

VALUES = [
    "f(1)", "f(1.0)", "f(True)", "f(0.0)", "f(-0.0)", "f('a')", "f(None)", "f(a)", "f(b)",
    "f(a, b)", "f(b, a)", "f((a, 1))", "f((a, 1.0))", "f(a, axis=1)", "f(a, axis=1.0)",
    "f(a, keepdims=1)", "np.sin(a)", "np.cos(a)", "math.sin(a)", "np.linalg.norm(a)",
    "np.linalg.norm(b)", "a + b", "a - b", "b + a", "a * 2", "a * 2.0", "-a", "+a", "-b",
    "fs[0](a)", "fs[1](a)", "np.sin(-1)", "1 + a", "'1' + a",
]
RENAMES = {"b": "a"}


def _value(text: str) -> gast.expr:
    return gast.parse(text).body[0].value


@pytest.mark.parametrize("renames", [{}, RENAMES], ids=["as-written", "renamed"])
def test_same_key_exactly_where_the_same_text(renames: dict) -> None:
    values = [_value(text) for text in VALUES]
    for first, second in itertools.combinations_with_replacement(values, 2):
        same_text = syntax.dump(first, reads_as=renames) == syntax.dump(
            second, reads_as=renames)
        same_key = shared_values._value_key(first, renames) == shared_values._value_key(
            second, renames)
        assert same_text == same_key, (syntax.dump(first), syntax.dump(second))


def test_every_value_keyed_in_the_test_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[object, str]] = []
    value_key = shared_values._value_key

    def recording(node: gast.expr, renames: dict) -> object:
        key = value_key(node, renames)
        seen.append((key, syntax.dump(node, reads_as=renames)))
        return key

    monkeypatch.setattr(shared_values, "_value_key", recording)
    for func in functions_of_test_modules(["golden_functions", "containers_functions",
                                           "control_flow_functions", "calls_functions"]):
        tangentlike.clear_cache()
        try:
            tangentlike.grad(func)
        except tangentlike.TangentlikeError:
            continue
    assert len(seen) > 100
    by_key: dict = {}
    by_text: dict = {}
    for key, text in seen:
        assert by_key.setdefault(key, text) == text
        assert by_text.setdefault(text, key) == key
