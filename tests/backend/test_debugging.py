"""Generated code is ordinary Python in a real file: inspect, tracebacks and pdb all see it."""
from __future__ import annotations

import inspect
import re
import subprocess
import sys
import textwrap
import traceback
from pathlib import Path

import numpy as np
import pytest
from api_fixtures import debug_target, models, registered

import tangentlike

X = np.array([0.5, -1.0, 2.0])
W = np.full((2, 3), 0.25)


def _line_of(source: str, prefix: str) -> int:
    """1-based number of the first line of ``source`` that starts (after indent) with prefix."""
    for number, line in enumerate(source.splitlines(), 1):
        if line.strip().startswith(prefix):
            return number
    raise AssertionError(f"no line starting with {prefix!r} in:\n{source}")


# --- the generated module is a file ---------------------------------------------------------

@pytest.mark.parametrize("motion", ["joint", "split"])
def test_generated_module_is_a_file_in_the_cache_dir(tangentlike_cache_dir, motion):
    df = tangentlike.grad(models.layer, wrt=(0, 1), motion=motion)
    path = Path(df.path)
    assert path.is_file()
    assert path.suffix == ".py"
    assert path.resolve().parent == tangentlike_cache_dir.resolve()
    assert path.read_text() == df.source


def test_generated_file_is_importable_python():
    df = tangentlike.grad(models.layer)
    compile(Path(df.path).read_text(), str(df.path), "exec")


def test_wrapped_is_the_generated_function():
    df = tangentlike.grad(models.sin_times_x)
    inner = df.__wrapped__
    assert inner.__code__.co_filename == str(df.path)
    np.testing.assert_allclose(inner(X), df(X), rtol=0)


def test_inspect_getsource_returns_the_generated_function():
    df = tangentlike.grad(models.sin_times_x)
    text = inspect.getsource(df)
    assert text.startswith("def d")
    assert text in df.source
    assert "sin_times_x" in text.splitlines()[0]
    assert inspect.getsourcefile(df.__wrapped__) == str(df.path)


def test_inspect_getsource_of_split_halves():
    df = tangentlike.grad(models.sin_times_x, motion="split")
    forward, backward = inspect.getsource(df.forward), inspect.getsource(df.backward)
    assert forward.startswith("def ") and forward in df.source
    assert backward.startswith("def ") and backward in df.source
    assert forward != backward


def test_generated_source_has_grad_of_comments_for_user_lines():
    df = tangentlike.grad(debug_target.loss, wrt=(1,))
    assert "# Grad of: h = np.tanh(W @ x)" in df.source
    assert "# Grad of: return np.sum(h * h)" in df.source


# --- tracebacks -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def raising():
    """api_fixtures.raising, whose adjoint is registered only while this module's tests run."""
    with registered("api_fixtures.raising") as module:
        yield module


def _frames_in(exc: BaseException, path: Path) -> list[traceback.FrameSummary]:
    return [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]


def test_traceback_shows_the_generated_file_and_line(raising):
    df = tangentlike.grad(raising.model)
    with pytest.raises(raising.AdjointExploded) as info:
        df(np.array([0.5, 1.0]))
    frames = _frames_in(info.value, df.path)
    assert frames, traceback.format_exception(info.value)
    frame = frames[-1]
    lines = df.source.splitlines()
    assert frame.line and frame.line == lines[frame.lineno - 1].strip()
    assert "explode(" in frame.line  # the line that inlined the user's adjoint
    assert frame.name.startswith("d")
    # the user's own code is the next frame
    tb = traceback.extract_tb(info.value.__traceback__)
    assert tb[-1].filename == raising.__file__
    formatted = "".join(traceback.format_exception(info.value))
    assert str(df.path) in formatted and frame.line in formatted


def test_traceback_from_a_bad_seed_points_into_the_generated_code():
    df = tangentlike.grad(models.vector_out)
    with pytest.raises(ValueError) as info:
        df(X, W, np.ones(5))  # a seed of the wrong shape
    frames = _frames_in(info.value, df.path)
    assert frames
    assert "seed(" in frames[-1].line
    assert frames[-1].line == df.source.splitlines()[frames[-1].lineno - 1].strip()


def test_traceback_in_split_motion_names_the_backward_function(raising):
    df = tangentlike.grad(raising.model, motion="split")
    with pytest.raises(raising.AdjointExploded) as info:
        df(np.array([0.5, 1.0]))
    frames = _frames_in(info.value, df.path)
    assert frames and frames[-1].name.endswith("_backward")
    assert frames[-1].line == df.source.splitlines()[frames[-1].lineno - 1].strip()


# --- pdb ------------------------------------------------------------------------------------

_PDB_SCRIPT = """
import pdb
import numpy as np
import tangentlike
from api_fixtures import debug_target

df = tangentlike.grad(debug_target.loss, wrt=(1,))
print("GENERATED", df.path)
x = np.array([0.5, -1.0, 2.0])
W = np.full((2, 3), 0.25)
result = pdb.runcall({target}, x, W)
print("RESULT", result.shape)
"""


def _run_pdb(tmp_path: Path, env: dict[str, str], target: str, commands: list[str]) -> str:
    script = tmp_path / "drive_pdb.py"
    script.write_text(textwrap.dedent(_PDB_SCRIPT.format(target=target)))
    done = subprocess.run([sys.executable, str(script)], input="\n".join(commands) + "\n",
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_pdb_steps_through_the_generated_function(tmp_path, subprocess_env):
    df = tangentlike.grad(debug_target.loss, wrt=(1,))
    out = _run_pdb(tmp_path, subprocess_env, "df.__wrapped__",
                   ["next", "next", "p h.shape", "p t2 is None", "where", "list", "continue"])
    assert f"GENERATED {df.path}" in out  # same file: the path depends only on the source
    name = Path(df.path).name
    # pdb stops on generated lines and names the generated file
    assert f"{name}({_line_of(df.source, 'h = np.tanh')})" in out
    assert "-> h = np.tanh(W @ x)" in out
    assert "-> t2 = h * h" in out
    assert "(2,)" in out  # p h.shape
    assert "False" in out  # p t2 is None
    # ``list`` shows generated code, including its comments
    assert "# Grad of: return np.sum(h * h)" in out
    assert "RESULT (2, 3)" in out


def test_pdb_breakpoint_in_the_generated_file(tmp_path, subprocess_env):
    """A breakpoint in ``df.path``, met by a call that runs it: with versions off (a call
    that runs a version runs the version's file: test_debug_steps_the_version_the_call_runs)."""
    df = tangentlike.grad(debug_target.loss, wrt=(1,))
    path = str(df.path)
    line = _line_of(df.source, "bW = ")
    out = _run_pdb(tmp_path, {**subprocess_env, "TANGENTLIKE_SPECIALIZE": "off"}, "df",
                   [f"break {path}:{line}", "continue", "where", "next", "p bW.shape",
                    "p float(np.sum(bW))", "continue"])
    name = Path(path).name
    assert f"Breakpoint 1 at {path}:{line}" in out
    assert f"{name}({line})" in out
    assert "-> bW = " in out
    assert "(2, 3)" in out  # p bW.shape
    h = np.tanh(W @ X)
    expected = float(np.sum(np.outer(2.0 * h * (1.0 - h * h), X)))
    printed = re.search(r"\(Pdb\) (-?\d+\.\d+(?:e-?\d+)?)\n", out)
    assert printed and float(printed.group(1)) == pytest.approx(expected, rel=1e-12)
    # ``where`` shows the wrapper (which picks the version by argument shapes) calling the
    # generated function
    assert "dispatch.py" in out
    assert "RESULT (2, 3)" in out


# --- df.debug: pdb from the generated function's first line ---------------------------------

def _first_body_line(source: str, name: str | None = None) -> int:
    """The line of the first statement after the docstring of function ``name`` (default:
    the module's first function) in ``source``."""
    import ast

    functions = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    function = next(f for f in functions if name in (None, f.name))
    return function.body[1].lineno


_DEBUG_SCRIPT = """
import numpy as np
import tangentlike
from api_fixtures import debug_target, models

df = tangentlike.{make}
x = np.array([0.5, -1.0, 2.0])
W = np.full((2, 3), 0.25)
for _ in range({calls}):  # calls before (a version by shape is written at the first)
    df({args})
print("GENERATED", df.path)
print("VERSION", getattr(df.version_for({args}), "path", None))
result = df.debug({args}{general})
print("RESULT", np.shape(result))
"""


def _debug(tmp_path: Path, env: dict[str, str], commands: list[str], make: str =
           "grad(debug_target.loss, wrt=(1,))", args: str = "x, W", calls: int = 0,
           general: bool = False) -> str:
    script = tmp_path / "drive_debug.py"
    script.write_text(_DEBUG_SCRIPT.format(make=make, args=args, calls=calls,
                                           general=", general=True" if general else ""))
    done = subprocess.run([sys.executable, str(script)], input="\n".join(commands) + "\n",
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _first_stop(out: str) -> tuple[str, int, str]:
    """(file, line, function) of pdb's first stop, from its ``> file(line)function()``."""
    match = re.search(r"^> (.+)\((\d+)\)(\w+)\(\)$", out, re.MULTILINE)
    assert match, out
    return match.group(1), int(match.group(2)), match.group(3)


@pytest.mark.parametrize("calls", [0, 3])
def test_debug_stops_at_the_first_line_of_the_generated_function(tmp_path, subprocess_env,
                                                                 calls):
    """``df.debug(x, W, general=True)`` is ``df(x, W)`` in pdb, from the first line of the
    generated function ``df.source`` shows (after versions by shape exist too)."""
    df = tangentlike.grad(debug_target.loss, wrt=(1,))
    out = _debug(tmp_path, subprocess_env, ["where", "next", "p h.shape", "p W.shape",
                                            "continue"], calls=calls, general=True)
    path = out.split("GENERATED ", 1)[1].split()[0]
    assert Path(path).name == Path(df.path).name
    filename, line, function = _first_stop(out)
    assert (filename, line) == (path, _first_body_line(df.source))
    assert function == df.__name__
    assert "-> h = np.tanh(W @ x)" in out
    assert "-> t2 = h * h" in out  # after `next`
    assert "(2,)" in out and "(2, 3)" in out
    # `where`: nothing of tangentlike's between pdb and the generated function
    assert not re.search(r"tangentlike[/\\](core[/\\]guards|api|versions[/\\]dispatch)\.py", out)
    assert "RESULT (2, 3)" in out


@pytest.mark.parametrize("calls", [0, 3])
def test_debug_steps_the_version_the_call_runs(tmp_path, subprocess_env, calls):
    """The guide's way: ``df.debug(x, W)`` steps the version for the arguments' shapes (the
    one ``df.version_for(x, W)`` shows), from its first line."""
    out = _debug(tmp_path, subprocess_env, ["where", "next", "p W.shape", "continue"],
                 calls=calls)
    path = out.split("VERSION ", 1)[1].split()[0]
    filename, line, function = _first_stop(out)
    assert filename == path and function.startswith("dloss_dW_shaped"), out
    assert line == _first_body_line(Path(path).read_text()), out
    assert "(2, 3)" in out
    assert not re.search(r"tangentlike[/\\](core[/\\]guards|api|versions[/\\]dispatch)\.py",
                         out)
    assert "RESULT (2, 3)" in out


def test_debug_of_split_motion_stops_in_the_forward_half(tmp_path, subprocess_env):
    df = tangentlike.grad(debug_target.loss, wrt=(1,), motion="split")
    forward = df.forward.__name__
    out = _debug(tmp_path, subprocess_env, ["continue"],
                 make="grad(debug_target.loss, wrt=(1,), motion='split')")
    filename, line, function = _first_stop(out)
    assert function == forward
    assert line == _first_body_line(df.source, forward)
    assert "RESULT (2, 3)" in out


def test_debug_of_forward_mode_with_tangents_by_position(tmp_path, subprocess_env):
    df = tangentlike.autodiff(debug_target.loss, wrt=(1,), mode="forward")
    out = _debug(tmp_path, subprocess_env, ["p dW.shape", "continue"],
                 make="autodiff(debug_target.loss, wrt=(1,), mode='forward')",
                 args="x, W, np.ones((2, 3))", calls=3)
    filename, line, function = _first_stop(out)
    assert (Path(filename).name, line) == (Path(df.path).name, _first_body_line(df.source))
    assert "(2, 3)" in out  # the tangent, passed by position, is dW
    assert "RESULT ()" in out


def test_debug_checks_the_arguments_like_a_call(tmp_path, subprocess_env):
    """An integer argument is taken as a float, as df(...) takes it."""
    out = _debug(tmp_path, subprocess_env, ["p type(x).__name__, x", "continue"],
                 make="grad(models.square)", args="3")
    assert "('float', 3.0)" in out
    assert "RESULT ()" in out


def test_debug_returns_the_result(tmp_path, subprocess_env):
    out = _debug(tmp_path, subprocess_env, ["continue"])
    assert "RESULT (2, 3)" in out


# --- generated lines are registered with linecache ------------------------------------------

_VECTOR_MODULE = '''
import numpy as np


def spread(x, W):
    return np.tanh(W @ x) * 2.0
'''


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    """A cache directory of this test's own (files in it are deleted)."""
    root = tmp_path / "own-cache"
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(root))
    return root


def _fresh_function(tmp_path: Path, name: str):
    """``spread`` from a module of its own (so that no other test shares its derivative)."""
    from support import import_file

    path = tmp_path / f"{name}.py"
    path.write_text(_VECTOR_MODULE)
    return import_file(name, path).spread


def test_traceback_shows_generated_lines_after_the_file_is_deleted(tmp_path, own_cache):
    spread = _fresh_function(tmp_path, "linecache_target_a")
    df = tangentlike.grad(spread)
    assert Path(df.path).parent == own_cache
    import shutil

    shutil.rmtree(own_cache)  # the cache directory cleared
    assert not Path(df.path).exists()
    with pytest.raises(ValueError) as info:
        df(X, W, np.ones(5))  # a seed of the wrong shape: raises in the generated code
    frames = _frames_in(info.value, df.path)
    assert frames and "seed(" in frames[-1].line
    text = "".join(traceback.format_exception(info.value))
    line = df.source.splitlines()[frames[-1].lineno - 1]
    assert f'File "{df.path}", line {frames[-1].lineno}' in text
    assert line.strip() in text
    # and inspect still reads the generated function
    assert inspect.getsource(df).startswith("def ")


def test_pdb_lists_generated_lines_after_the_file_is_deleted(tmp_path, subprocess_env):
    env = {**subprocess_env, "TANGENTLIKE_CACHE_DIR": str(tmp_path / "gone")}
    script = tmp_path / "deleted.py"
    script.write_text(textwrap.dedent("""
        import shutil
        import numpy as np
        import tangentlike
        from api_fixtures import debug_target

        df = tangentlike.grad(debug_target.loss, wrt=(1,))
        shutil.rmtree(df.path.parent)
        df.debug(np.array([0.5, -1.0, 2.0]), np.full((2, 3), 0.25))
    """))
    done = subprocess.run([sys.executable, str(script)], input="list\ncontinue\n", env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "-> h = np.tanh(W @ x)" in done.stdout
    assert "# Grad of: return np.sum(h * h)" in done.stdout  # `list`
