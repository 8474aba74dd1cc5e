"""The built wheel works on its own: templates ship inside it, nothing is read from the checkout.

The wheel is built from a copy of the repository (so no build/ or egg-info lands in the work
tree) and installed into a fresh virtual environment.  That environment finds numpy and gast
where the test's own interpreter has them (a ``.pth`` file naming their directories: the test
may itself run in a venv, whose base interpreter has neither); the test checks that
tangentlike itself, and its templates, are imported from the new environment, not from the
checkout.

Building and installing a wheel takes a minute on 2 cores: these tests run in the slow run
(``-m slow``, which ``.ci/run`` runs), not the default one.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parent.parent

_CHECK_SCRIPT = """
import json
import sys
import sysconfig

import numpy as np

import tangentlike
import tangentlike.templates


def layer(x, W):
    return np.sum(np.sin(W @ x))


W = np.array([[0.5, -0.25, 1.0], [0.1, 0.2, -0.3]])
x = np.array([0.3, -1.2, 2.0])
df = tangentlike.grad(layer, wrt=(0, 1))
gx, gW = df(x, W)
c = np.cos(W @ x)
ok = bool(np.allclose(gx, W.T @ c, rtol=1e-12) and np.allclose(gW, np.outer(c, x), rtol=1e-12))
print(json.dumps({
    "ok": ok,
    "tangentlike": tangentlike.__file__,
    "templates": tangentlike.templates.__file__,
    "purelib": sysconfig.get_paths()["purelib"],
    "prefix": sys.prefix,
    "generated": str(df.path),
}))
"""


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _venv_python(venv: Path) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("wheel-build")
    source = root / "src"
    shutil.copytree(REPO_ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache",
        ".hypothesis", ".venv", "tests"))
    out = root / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
          "-w", str(out), str(source)], cwd=root)
    wheels = list(out.glob("tangentlike-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_contains_the_package_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tangentlike/__init__.py" in names
    assert "tangentlike/api.py" in names
    assert "tangentlike/py.typed" in names  # PEP 561: type checkers read the hints
    package = REPO_ROOT / "tangentlike"  # every sub-package listed in pyproject.toml
    modules = {f"tangentlike/{p.relative_to(package).as_posix()}" for p in package.rglob("*.py")}
    assert modules <= names, sorted(modules - names)
    assert "tangentlike/templates/__init__.py" in names
    templates = {n for n in names if n.startswith("tangentlike/templates/") and n.endswith(".py")}
    expected = {f"tangentlike/templates/{p.name}" for p in (REPO_ROOT / "templates").glob("*.py")}
    assert expected <= templates
    assert not any(n.startswith(("tests/", "templates/")) for n in names)


def test_wheel_installs_and_differentiates_in_a_fresh_venv(wheel, tmp_path):
    venv = tmp_path / "venv"
    # numpy and gast come from this interpreter's environment, without a network install
    # (a .pth file appends their directories to sys.path, after the venv's own
    # site-packages); tangentlike itself comes from the wheel (checked below).
    _run([sys.executable, "-m", "venv", str(venv)])
    python = _venv_python(venv)
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
                   ).stdout.strip()
    import gast
    import numpy
    homes = sorted({str(Path(m.__file__).resolve().parent.parent) for m in (numpy, gast)})
    (Path(purelib) / "_dependencies_of_the_test.pth").write_text("\n".join(homes) + "\n")
    # --ignore-installed: never touch a tangentlike installed outside the venv.
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed",
          "--disable-pip-version-check", str(wheel)])
    script = tmp_path / "check_wheel.py"
    script.write_text(textwrap.dedent(_CHECK_SCRIPT))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["TANGENTLIKE_CACHE_DIR"] = str(tmp_path / "cache")
    work = tmp_path / "elsewhere"  # not the checkout, so '' on sys.path finds nothing
    work.mkdir()
    # -I: no PYTHONPATH, no user site, no script directory on sys.path.
    done = _run([str(python), "-I", str(script)], cwd=work, env=env)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ok"], report
    purelib = Path(report["purelib"]).resolve()
    assert Path(report["prefix"]).resolve() == venv.resolve()
    for key in ("tangentlike", "templates"):
        where = Path(report[key]).resolve()
        assert purelib in where.parents, (key, where)
        assert REPO_ROOT not in where.parents, (key, where)
    assert Path(report["generated"]).parent == tmp_path / "cache"
