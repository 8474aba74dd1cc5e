"""Notebooks and tools: a derivative shows its source in Jupyter and IPython, a slow generation
says so on stderr, ``tangentlike --version``, and the package's type hints (``py.typed``)."""
from __future__ import annotations

import inspect
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from api_fixtures import debug_target, models

import tangentlike
from tangentlike.backend import notebook
from tangentlike.core import guards

REPO_ROOT = Path(__file__).resolve().parents[2]


# --- Jupyter and IPython --------------------------------------------------------------------

def test_html_repr_is_the_highlighted_source():
    pytest.importorskip("pygments")
    df = tangentlike.grad(debug_target.loss, wrt=(1,))
    html = df._repr_html_()
    assert html.startswith("<div><code>&lt;derivative ")
    assert str(df.path) in html.splitlines()[0]
    assert 'class="highlight"' in html and "style=" in html  # pygments, inline styles
    text = _text_of(html)
    for line in df.source.splitlines():
        assert line.strip() in text


def _text_of(html: str) -> str:
    """The text of ``html``, tags removed and entities decoded."""
    import html as html_module
    import re

    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


def test_html_repr_without_pygments_is_an_escaped_pre(monkeypatch):
    monkeypatch.setitem(sys.modules, "pygments", None)  # import pygments raises ImportError
    df = tangentlike.grad(models.layer, wrt=(0, 1))
    html = df._repr_html_()
    body = html.split("\n", 1)[1]
    assert body.startswith("<pre>") and body.endswith("</pre>")
    assert "&gt;" in body or "&lt;" in body or "&quot;" in body or "&#x27;" in body
    assert _text_of(body) == df.source


def test_markdown_repr_is_a_python_block():
    df = tangentlike.grad(models.layer)
    text = df._repr_markdown_()
    title, block = text.split("\n\n", 1)
    assert title == f"`{df!r} {df.path}`"
    assert block.startswith("```python\n") and block.endswith("\n```\n")
    assert block[len("```python\n"):-len("\n```\n")] == df.source.rstrip()


def test_markdown_fence_is_longer_than_any_in_the_source():
    text = notebook.markdown("f", 'x = """```"""\n')
    assert "````python\n" in text and text.endswith("\n````\n")


def test_ipython_displays_the_source():
    pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter

    df = tangentlike.grad(debug_target.loss, wrt=(1,))
    data, _ = DisplayFormatter().format(df)
    assert data["text/plain"] == repr(df)
    assert "highlight" in data["text/html"] or "<pre>" in data["text/html"]
    assert "def dloss_dW" in _text_of(data["text/html"])
    assert "```python" in data["text/markdown"]


# --- a slow generation says so --------------------------------------------------------------

def test_a_generation_over_the_limit_says_so_on_one_line(monkeypatch, capsys):
    monkeypatch.setattr(guards, "NOTE_AFTER", 0.05)
    result = guards.generate(lambda: time.sleep(0.4) or "made", "the derivative of f (m.py:3)")
    assert result == "made"
    err = capsys.readouterr().err
    assert err.startswith("tangentlike: generating the derivative of f (m.py:3)... ")
    assert err.endswith(" s\n") and err.count("\n") == 1
    seconds = float(err.rsplit("... ", 1)[1].split()[0])
    assert 0.3 <= seconds < 5


def test_a_quick_generation_says_nothing(monkeypatch, capsys):
    monkeypatch.setattr(guards, "NOTE_AFTER", 5.0)
    assert guards.generate(lambda: "made", "the derivative of f (m.py:3)") == "made"
    time.sleep(0.05)
    assert capsys.readouterr().err == ""


def test_no_note_when_silenced(monkeypatch, capsys):
    monkeypatch.setattr(guards, "NOTE_AFTER", 0.0)
    assert guards.generate(lambda: time.sleep(0.1) or 1, None) == 1
    assert capsys.readouterr().err == ""


def test_a_failed_generation_ends_its_line(monkeypatch, capsys):
    monkeypatch.setattr(guards, "NOTE_AFTER", 0.01)

    def fail():
        time.sleep(0.2)
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        guards.generate(fail, "the derivative of g (m.py:9)")
    err = capsys.readouterr().err
    assert err.startswith("tangentlike: generating the derivative of g (m.py:9)... ")
    assert err.endswith(" s\n")


def test_a_nested_generation_says_nothing_more(monkeypatch, capsys):
    monkeypatch.setattr(guards, "NOTE_AFTER", 0.01)

    def outer():
        return guards.generate(lambda: time.sleep(0.2) or "inner", "the inner one")

    assert guards.generate(outer, "the outer one") == "inner"
    err = capsys.readouterr().err
    assert err.count("tangentlike:") == 1 and "the outer one" in err and "inner" not in err


def _slow_generation(monkeypatch):
    """Every generation takes 0.3 s more, and one over 0.05 s is noted."""
    from tangentlike import api

    real = api.compile_derivative

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "compile_derivative", slow)
    monkeypatch.setattr(guards, "NOTE_AFTER", 0.05)


def _fresh(tmp_path: Path, name: str):
    from support import import_file

    path = tmp_path / f"{name}.py"
    path.write_text("import numpy as np\n\n\ndef cube(x):\n    return np.sum(x ** 3)\n")
    return import_file(name, path).cube


def test_grad_notes_a_slow_generation_by_default(tmp_path, monkeypatch, capsys):
    cube = _fresh(tmp_path, "slow_note_a")
    _slow_generation(monkeypatch)
    df = tangentlike.grad(cube)
    err = capsys.readouterr().err
    assert err.startswith("tangentlike: generating the derivative of cube (slow_note_a.py:4)... ")
    assert err.endswith(" s\n")
    np.testing.assert_allclose(df(np.array([1.0, 2.0])), [3.0, 12.0])


def test_verbose_0_silences_the_note(tmp_path, monkeypatch, capsys):
    cube = _fresh(tmp_path, "slow_note_b")
    _slow_generation(monkeypatch)
    tangentlike.grad(cube, verbose=0)
    tangentlike.autodiff(cube, mode="forward", verbose=0)
    tangentlike.value_and_grad(cube, verbose=0)
    assert capsys.readouterr().err == ""


def test_verbose_1_notes_and_prints_the_source(tmp_path, monkeypatch, capsys):
    cube = _fresh(tmp_path, "slow_note_c")
    _slow_generation(monkeypatch)
    df = tangentlike.grad(cube, verbose=1)
    out, err = capsys.readouterr()
    assert out.strip() == df.source.strip()
    assert err.startswith("tangentlike: generating the derivative of cube")


# --- the command line's version -------------------------------------------------------------

@pytest.mark.parametrize("how", ["python -m", "script"])
def test_version(how, subprocess_env):
    if how == "script":
        import shutil

        script = shutil.which("tangentlike")
        if script is None:
            pytest.skip("the tangentlike console script is not installed (pip install -e .)")
        command = [script]
    else:
        command = [sys.executable, "-m", "tangentlike"]
    done = subprocess.run([*command, "--version"], capture_output=True, text=True,
                          env=subprocess_env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"tangentlike {tangentlike.__version__}\n"


def test_version_in_main_and_help(capsys):
    from tangentlike import cli

    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"tangentlike {tangentlike.__version__}\n"
    assert cli.main(["--help"]) == 0
    assert "--version" in capsys.readouterr().out


def test_version_matches_the_project():
    import re

    text = (REPO_ROOT / "pyproject.toml").read_text()
    assert re.search(r'^version = "([^"]+)"', text, re.MULTILINE).group(1) == \
        tangentlike.__version__


# --- type hints -----------------------------------------------------------------------------

def test_the_package_is_marked_typed():
    assert (Path(tangentlike.__file__).parent / "py.typed").is_file()
    text = (REPO_ROOT / "pyproject.toml").read_text()
    assert '[tool.setuptools.package-data]\ntangentlike = ["py.typed"]' in text


def test_the_public_api_has_type_hints():
    """Every public function's parameters and result are annotated."""
    missing = []
    for name in tangentlike.__all__:
        obj = getattr(tangentlike, name)
        if inspect.isclass(obj) or not inspect.isfunction(obj):
            continue
        signature = inspect.signature(obj)
        missing += [f"{name}({p})" for p, v in signature.parameters.items()
                    if v.annotation is inspect.Parameter.empty]
        if signature.return_annotation is inspect.Signature.empty:
            missing.append(f"{name} -> ?")
    derivative = tangentlike.api.DerivativeFunction
    methods = [derivative.__call__, derivative.debug, derivative.current]
    for method in methods:
        signature = inspect.signature(method)
        missing += [f"{method.__qualname__}({p})" for p, v in signature.parameters.items()
                    if p != "self" and v.annotation is inspect.Parameter.empty]
    assert not missing, missing
