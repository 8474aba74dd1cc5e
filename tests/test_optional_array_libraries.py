"""Dask and CuPy are optional (issue 20, item 5): extras ``tangentlike[dask]`` and
``tangentlike[cuda]``, not dependencies, and neither they nor array_api_compat is imported by
``import tangentlike`` or by a derivative called with NumPy arrays."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"

OPTIONAL = ("dask", "cupy", "array_api_compat", "array_api_strict", "distributed")


def test_extras_declare_them_and_dependencies_do_not():
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11's tomllib reads pyproject.toml")
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    extras = project["optional-dependencies"]
    assert any(req.startswith("dask[array,distributed]") for req in extras["dask"])
    assert any(req.startswith("cupy-cuda12x") for req in extras["cuda"])
    for requirement in project["dependencies"]:
        assert not requirement.lower().startswith(("dask", "cupy", "array-api")), requirement


def test_numpy_derivatives_import_none_of_them(subprocess_env, tmp_path):
    code = f"""
        import sys
        import numpy as np
        import tangentlike

        def loss(w, X, y):
            return np.mean((X @ w - y) ** 2)

        X = np.arange(12.0).reshape(4, 3)
        for _ in range(3):  # the first calls, then the version written for the shapes
            g = tangentlike.grad(loss)(np.ones(3), X, np.ones(4))
        assert np.allclose(g, 2 * X.T @ (X @ np.ones(3) - 1) / 4)
        print(sorted(name for name in {OPTIONAL!r} if name in sys.modules))
    """
    script = tmp_path / "numpy_only.py"  # a file: tangentlike reads the loss's source
    script.write_text(textwrap.dedent(code))
    done = subprocess.run([sys.executable, str(script)], env=subprocess_env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "[]"
