"""``import tangentlike`` stays fast: SciPy's rules are registered the first time a SciPy
function is looked up, and tangentlike's own templates are parsed and checked on first use.

(Importing SciPy for its rules took about 2.9 s of the import, and parsing some 500 templates
about 0.6 s; ``python -X importtime -c "import tangentlike"`` shows what is left.)
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tangentlike.rules import registry


def _run(code: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_import_does_not_import_scipy(subprocess_env):
    out = _run("import tangentlike, sys; print('scipy' in sys.modules)", subprocess_env)
    assert out.split() == ["False"]


def test_import_parses_no_template(subprocess_env):
    out = _run("""
        import tangentlike
        from tangentlike.rules import registry
        rules = [*registry.ADJOINTS.values(), *registry.TANGENTS.values()]
        print(len(rules), sum(rule._parsed is not None for rule in rules))
    """, subprocess_env)
    count, parsed = map(int, out.split())
    assert count > 400 and parsed == 0


def test_a_scipy_function_registers_the_scipy_rules(subprocess_env, tmp_path):
    pytest.importorskip("scipy")
    (tmp_path / "uses_scipy.py").write_text(textwrap.dedent("""
        import numpy as np
        import scipy.special
        import scipy.stats
        from scipy.special import gammaln

        def f(x):
            return np.sum(scipy.special.erf(x) * scipy.stats.norm.logpdf(x, 0.0, 2.0))

        def g(x):
            return np.sum(gammaln(x))
    """))
    env = {**subprocess_env, "PYTHONPATH": f"{tmp_path}:{subprocess_env['PYTHONPATH']}"}
    out = _run("""
        import sys
        import numpy as np
        import tangentlike
        from tangentlike.rules import registry
        assert "scipy" not in sys.modules
        import uses_scipy
        assert registry._deferred  # imported, not yet looked up
        x = np.array([0.5, 1.5])
        print(*tangentlike.grad(uses_scipy.g)(x).tolist())
        assert not registry._deferred
        print(*tangentlike.grad(uses_scipy.f)(x).tolist())
    """, env)
    import numpy as np
    from scipy.special import digamma, erf
    from scipy.stats import norm

    x = np.array([0.5, 1.5])
    lines = out.strip().splitlines()
    g = np.array(lines[0].split(), dtype=float)
    np.testing.assert_allclose(g, digamma(x), rtol=1e-12)
    f = np.array(lines[1].split(), dtype=float)
    expected = (2 / np.sqrt(np.pi) * np.exp(-x * x) * norm.logpdf(x, 0.0, 2.0)
                + erf(x) * -x / 4.0)
    np.testing.assert_allclose(f, expected, rtol=1e-12)


def test_a_users_rule_for_a_scipy_function_is_kept(subprocess_env, tmp_path):
    """Registering the SciPy rules later does not replace a rule the user registered."""
    pytest.importorskip("scipy")
    (tmp_path / "own_erf.py").write_text(textwrap.dedent("""
        import numpy as np
        import scipy.special
        import tangentlike
        from tangentlike import d

        @tangentlike.adjoint(scipy.special.erf)
        def my_erf(y, x):
            d[x] = d[y] * 7.0

        def f(x):
            return np.sum(scipy.special.erf(x))
    """))
    env = {**subprocess_env, "PYTHONPATH": f"{tmp_path}:{subprocess_env['PYTHONPATH']}"}
    out = _run("""
        import numpy as np
        import tangentlike
        import own_erf
        print(tangentlike.grad(own_erf.f)(np.array([0.5, 1.5])))
    """, env)
    assert out.split() == ["[7.", "7.]"]


def test_every_shipped_template_parses_and_checks():
    """What registering them used to check at import (``TemplateError`` on a mistake)."""
    registry.load_deferred()
    rules = [*registry.ADJOINTS.values(), *registry.TANGENTS.values()]
    for rule in rules:
        rule.parse()
    assert all(rule._parsed is not None for rule in rules)
