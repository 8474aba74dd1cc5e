"""Each stage on its own: normalize, annotate (activity), dataflow, optimize, emit."""
import textwrap

import gast
import numpy as np

from tangentlike.backend import emit
from tangentlike.core import dataflow, syntax
from tangentlike.core.naming import Namer
from tangentlike.frontend import annotate
from tangentlike.frontend.normalize import normalize
from tangentlike.frontend.parsing import parse_function
from tangentlike.optimizer.optimize import optimize


def _normalized(func):
    parsed = parse_function(func)
    namer = Namer(syntax.all_names(parsed.node))
    return parsed, normalize(parsed, namer), namer


def nested(x, y):
    z = np.sin(x * y) + x
    return z


def rebinding(x):
    x = x * 2.0
    x += np.tanh(x)
    a, b = x, 3.0
    return a * b


def shapes(x, w):
    n = len(x)
    s = x.shape
    unused = np.exp(w)  # noqa: F841  (varied, never useful)
    return np.sum(x) * n / s[0]


def _source(fn):
    return emit.to_source(fn)


def test_normalize_gives_one_primitive_per_statement():
    _, fn, _ = _normalized(nested)
    assert _source(fn).splitlines()[1:] == [
        "    t1 = x * y",
        "    t2 = np.sin(t1)",
        "    z = t2 + x",
        "    return z",
    ]


def test_normalize_versions_rebound_names_and_desugars():
    _, fn, _ = _normalized(rebinding)
    text = _source(fn)
    assert "x_1 = x * 2.0" in text
    # augmented assignment is a new value, with the array's dtype kept (NumPy's in place)
    assert "= x_1 + t" in text and "x_2 = keep_dtype(t2, x_1)" in text
    assert "a = x_2" in text and "b = 3.0" in text


def test_every_normalized_statement_remembers_the_users_line():
    parsed, fn, _ = _normalized(rebinding)
    from tangentlike.core import anno

    lines = {anno.info(s).origin.lineno for s in fn.body}
    first = parsed.node.lineno
    assert lines == {first + 1, first + 2, first + 3, first + 4}


def test_activity_excludes_shapes_and_values_the_output_ignores():
    parsed, fn, _ = _normalized(shapes)
    act = annotate.activity(fn, ["x", "w"], parsed)
    assert "x" in act.active
    assert "n" not in act.active and "s" not in act.active
    assert "unused" not in act.active and "w" not in act.active  # varied but not useful
    assert "unused" in act.varied


def test_liveness_and_reaching_definitions():
    fn = gast.parse(textwrap.dedent("""
        def f(x):
            a = x + 1
            b = a * 2
            if b > 0:
                a = b
            return a
    """)).body[0]
    live = dataflow.Liveness().after_each(fn.body, set())
    assert live[0] == {"a"} and live[1] == {"a", "b"}
    reach = dataflow.reaching_definitions(fn)
    ret = fn.body[-1]
    assert reach[id(ret)]["a"] == {id(fn.body[0]), id(fn.body[2].body[0])}
    assert reach[id(fn.body[0])]["x"] == {id(fn)}


def test_optimizer_folds_propagates_and_removes_dead_code():
    fn = gast.parse(textwrap.dedent("""
        def f(x, g):
            t1 = g
            t2 = t1 * (2 - 1)
            unused = t2 + 0
            return t2 * x
    """)).body[0]
    from tangentlike.core import anno

    for stmt in fn.body:
        anno.info(stmt).generated = True
    optimize(fn, {"t1", "t2", "unused"})
    assert _source(fn).splitlines()[1:] == ["    return g * x"]


def test_emit_prints_comment_markers():
    fn = gast.parse("def f(x):\n    return x\n").body[0]
    fn.body.insert(0, syntax.comment("Grad of: y = x"))
    assert "    # Grad of: y = x" in _source(fn)


def _printed(text: str, replace=None) -> str:
    fn = gast.parse(textwrap.dedent(text)).body[0]
    if replace:
        replace(fn)
    return emit.to_source(fn)


def test_emit_places_comments_after_a_blank_line_unless_they_open_a_block():
    def mark(fn):
        loop = fn.body[1]
        loop.body.insert(0, syntax.comment("Grad of: a = a * a"))
        fn.body.insert(1, syntax.comment("Grad of: for i in range(3):"))
        loop.orelse = []
        loop.body.append(syntax.comment(""))  # an empty marker prints nothing

    out = _printed("""
        def f(a):
            a = a + 1
            for i in range(3):
                a = a * a
            return a
        """, mark)
    assert out.splitlines() == [
        "def f(a):", "    a = a + 1", "", "    # Grad of: for i in range(3):",
        "    for i in range(3):", "        # Grad of: a = a * a", "        a = a * a",
        "    return a"]


def test_emit_prints_tuples_and_negative_numbers_as_a_person_would():
    def negative(fn):  # what constant folding makes: a negative constant under **
        fn.body[0].value.left = gast.Constant(value=-1.5, kind=None)
        fn.body[1].value = gast.Tuple(elts=[gast.Constant(value=-2, kind=None)],
                                      ctx=gast.Load())

    out = _printed("""
        def f(x, y):
            z = 0 ** x
            w = 0
            x, y = y, x
            for i, v in enumerate([x]):
                w = [u for u, _ in [(v, i)]], w
            return x, (y, z), w[1]
        """, negative)
    assert out.splitlines()[1:] == [
        "    z = (-1.5) ** x", "    w = -2,", "    x, y = y, x", "    for i, v in enumerate([x]):",
        "        w = [u for u, _ in [(v, i)]], w", "    return x, (y, z), w[1]"]
    namespace = {}
    exec(out, namespace)
    assert namespace["f"](2.0, 1.0) == (1.0, (2.0, 2.25), (-2,))


def test_generation_needs_no_astor_and_raises_no_warning(tmp_path):
    """The printer is the standard library's ``ast.unparse`` (astor uses ``ast.Num``, which
    Python 3.14 removes): with astor made unimportable and every warning an error, a
    derivative is still generated and printed."""
    import subprocess
    import sys
    module = tmp_path / "user.py"
    module.write_text("import numpy as np\n\ndef f(x):\n    return np.sum(np.sin(x) ** 2)\n")
    script = ("import sys; sys.modules['astor'] = None; sys.path.insert(0, sys.argv[1]); "
              "import numpy as np, tangentlike, user; "
              "df = tangentlike.grad(user.f); print(df(np.ones(2))); print(df.source)")
    env = {**__import__("os").environ, "TANGENTLIKE_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-W", "error", "-c", script, str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "# Grad of: return np.sum(np.sin(x) ** 2)" in done.stdout
