"""docs/functions.md, the generated table of supported functions: ``tangentlike functions``.

The page must match the rule registry: when a rule is added, regenerate it with

    python -m tangentlike functions > docs/functions.md
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tangentlike  # noqa: F401  (registers the rules)
from tangentlike import cli
from tangentlike.rules import coverage, registry

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "functions.md"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tangentlike", *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, env=os.environ.copy())


@pytest.fixture(scope="module")
def generated() -> subprocess.CompletedProcess:
    """``python -m tangentlike functions``, in a fresh process, so that rules registered by
    other tests do not count."""
    return _run("functions")


def _page_made_here() -> None:
    """docs/functions.md lists what this NumPy and SciPy have: compare it only with them."""
    pytest.importorskip("scipy", reason="docs/functions.md lists the SciPy rules")
    if f"Generated with {coverage.versions()}:" not in PAGE.read_text(encoding="utf-8"):
        pytest.skip(f"docs/functions.md was generated with other versions than "
                    f"{coverage.versions()}")


def test_docs_functions_md_is_up_to_date(generated):
    _page_made_here()
    done = generated
    assert done.returncode == 0, done.stderr
    assert PAGE.exists(), f"docs/functions.md is missing; generate it with: {coverage.COMMAND}"
    assert PAGE.read_text(encoding="utf-8") == done.stdout, (
        "docs/functions.md is out of date with the rule registry; regenerate it with: "
        f"{coverage.COMMAND}")


def test_check_flag_reports_a_stale_page(tmp_path, capsys):
    stale = tmp_path / "functions.md"
    stale.write_text("# Supported functions\n")
    assert cli.main(["functions", "--check", str(stale)]) == 1
    out, err = capsys.readouterr()
    assert "out of date" in err and coverage.COMMAND in err
    assert out == ""
    assert cli.main(["functions", "--check", str(tmp_path / "missing.md")]) == 1
    assert "cannot read" in capsys.readouterr().err
    stale.write_text(coverage.markdown())
    assert cli.main(["functions", "--check", str(stale)]) == 0


def test_every_shipped_public_rule_is_listed():
    page = coverage.markdown()
    names = coverage._public_names()
    for table in (registry.ADJOINTS, registry.TANGENTS):
        for rule in table.values():
            if not rule.function.__module__.startswith("tangentlike.templates."):
                continue  # a rule registered by a test
            if coverage._internal(rule.primitive):
                assert registry.describe(rule.primitive) not in page
                continue
            name = coverage._name(rule.primitive, names)
            assert name is not None, f"no public name for {registry.describe(rule.primitive)}"
            assert f"| {name} | " in page


def test_internal_helpers_are_left_out():
    page = coverage.markdown()
    assert "tangentlike.runtime" not in page and "runtime." not in page
    assert "unbroadcast" not in page and "tangentlike.templates" not in page
    for rows in coverage.rows().values():
        for row in rows:
            assert "runtime" not in row.name


def test_page_structure():
    page = coverage.markdown()
    assert page.startswith("# Supported functions\n")
    assert coverage.COMMAND in page
    for heading in ["Python operators", "NumPy elementwise functions", "NumPy reductions",
                    "Python math module", "Functions treated as constants"]:
        assert f"\n## {heading}\n" in page
    assert "| function | reverse | forward |" in page
    assert "| `np.sin` | yes | yes |" in page
    assert "| `np.ndarray.sum` | yes | yes |" in page
    assert "| `+` (`operator.add`) | yes | yes |" in page
    assert "| `math.sin` | yes | yes |" in page
    assert "`np.absolute` (also `np.abs`)" in page
    constants = page.split("## Functions treated as constants")[1]
    for name in ["`np.argmax`", "`len`", "`np.zeros_like`", "`np.ndarray.argsort`"]:
        assert name in constants
    assert "| `np.argmax` |" not in page


def test_constants_from_public_libraries_are_named():
    names = coverage._public_names()
    for primitive in registry.NON_DIFFERENTIABLE:
        if isinstance(primitive, int) or coverage._internal(primitive):
            continue
        module = (getattr(primitive, "__module__", None) or "").split(".")[0]
        if module in ("numpy", "math", "builtins", "_operator", "operator", "scipy"):
            assert coverage._name(primitive, names) is not None, primitive


def test_scipy_rows():
    pytest.importorskip("scipy")
    page = coverage.markdown()
    assert "\n## SciPy special functions\n" in page
    assert "| `scipy.special.erf` | yes | yes |" in page
    assert "| `scipy.stats.norm.logpdf` | yes | yes |" in page


def test_a_rule_without_its_tangent_shows_reverse_only(monkeypatch):
    key = registry._key(np.sin)
    tangents = dict(registry.TANGENTS)
    del tangents[key]
    monkeypatch.setattr(registry, "TANGENTS", tangents)
    assert "| `np.sin` | yes | no |" in coverage.markdown()
    assert "| `math.sin` | yes | yes |" in coverage.markdown()


@pytest.mark.parametrize("how", ["main", "python -m", "script"])
def test_cli_prints_the_table(how, capsys, generated):
    expected = generated.stdout
    if how == "main":
        assert cli.main(["functions"]) == 0
        out = capsys.readouterr().out
        # this process may hold rules registered by other tests: compare the start
        assert out.split("\n## ")[0] == expected.split("\n## ")[0]
        return
    if how == "python -m":
        done = generated
    else:
        # this interpreter's own script (a venv's python may run without its bin on PATH)
        script = shutil.which("tangentlike", path=str(Path(sys.executable).parent))
        if script is None:
            pytest.skip("the tangentlike console script is not installed (pip install -e .)")
        done = subprocess.run([script, "functions"], capture_output=True, text=True,
                              timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
    assert done.stdout.startswith("# Supported functions\n")


def test_cli_functions_help(capsys):
    assert cli.main(["functions", "--help"]) == 0
    assert "docs/functions.md" in capsys.readouterr().out
    assert cli.main(["--help"]) == 0
    assert "tangentlike functions" in capsys.readouterr().out


def test_readme_and_supported_link_the_page():
    assert "docs/functions.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "functions.md" in (ROOT / "docs" / "supported.md").read_text(encoding="utf-8")
