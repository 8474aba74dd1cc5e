"""The command line, ``tangentlike FILE.py:FUNC``: run in-process (``main``), as
``python -m tangentlike`` and as the ``tangentlike`` console script, on files in fixtures/."""
from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tangentlike
from tangentlike import cli

FIXTURES = Path(__file__).parent / "fixtures"
SMOOTH = FIXTURES / "smooth.py"
UNSUPPORTED = FIXTURES / "unsupported.py"
NO_RULE = FIXTURES / "no_rule.py"


def marked_line(path: Path, mark: str) -> int:
    """The number of the line in ``path`` that ends with ``# MARK: <mark>``."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if f"# MARK: {mark}" in line:
            return number
    raise AssertionError(f"no line marked {mark!r} in {path}")


def _in_process(capsys):
    def run(args: list[str]) -> tuple[int, str, str]:
        code = cli.main(args)
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run


def _subprocess(command: list[str]):
    def run(args: list[str]) -> tuple[int, str, str]:
        done = subprocess.run([*command, *args], capture_output=True, text=True,
                              timeout=120, env=os.environ.copy())
        return done.returncode, done.stdout, done.stderr
    return run


CLI_RUNS = ["main", "python -m", "script"]


def cli_cases(cases: list, ids: list[str] | None = None) -> list:
    """``cases`` run in each way (for ``tangentlike_cli``, indirectly): in process, all of them
    in the default run; as a subprocess, the first and every fourth after it (the others with
    ``-m slow``)."""
    ids = ids or [str(c) for c in cases]
    return [pytest.param(run, case, id=f"{run}-{case_id}",
                         marks=[] if run == "main" or i % 4 == 0 else [pytest.mark.slow])
            for i, (case, case_id) in enumerate(zip(cases, ids)) for run in CLI_RUNS]


@pytest.fixture(params=CLI_RUNS)
def tangentlike_cli(request, capsys):
    """A function running the command line with a list of arguments: (status, out, err)."""
    if request.param == "main":
        return _in_process(capsys)
    if request.param == "python -m":
        return _subprocess([sys.executable, "-m", "tangentlike"])
    script = shutil.which("tangentlike")
    if script is None:
        pytest.skip("the tangentlike console script is not installed (pip install -e .)")
    return _subprocess([script])


@pytest.fixture
def in_process(capsys):
    return _in_process(capsys)


def run_printed(source: str, name: str):
    """Execute printed derivative source as its own module; return the function ``name``."""
    scope: dict = {}
    exec(compile(source, "<printed>", "exec"), scope)
    return scope[name]


# -- printing derivatives ---------------------------------------------------------------------


def test_prints_the_derivative_source(tangentlike_cli):
    code, out, err = tangentlike_cli([f"{SMOOTH}:loss"])
    assert code == 0, err
    assert err == ""
    assert "def dloss_dw(w, b, x" in out  # the default: the first parameter
    assert "# Grad of:" in out
    compile(out, "x", "exec")


def test_printed_source_computes_the_gradient(in_process):
    code, out, _ = in_process([f"{SMOOTH}:loss"])
    assert code == 0
    dloss_dw = run_printed(out, "dloss_dw")
    w, b, x = np.array([0.5, -1.0]), 0.2, np.array([1.5, 2.0])
    z = np.tanh(x * w + b)
    np.testing.assert_allclose(dloss_dw(w, b, x), 2 * z * (1 - z * z) * x)


def test_default_wrt_is_the_first_parameter(tangentlike_cli):
    code, out, err = tangentlike_cli([f"{SMOOTH}:poly"])
    assert code == 0, err
    assert "def dpoly_dx(x" in out
    compile(out, "x", "exec")


@pytest.mark.parametrize("wrt", ["w,b", "0,1", "w, 1"])
def test_wrt_two_parameters(tangentlike_cli, wrt):
    code, out, err = tangentlike_cli([f"{SMOOTH}:loss", "--wrt", wrt])
    assert code == 0, err
    assert "def dloss_dw_db(w, b, x" in out
    assert "# Grad of:" in out
    compile(out, "x", "exec")


def test_printed_gradient_for_two_parameters(in_process):
    code, out, _ = in_process([f"{SMOOTH}:loss", "--wrt", "w,b"])
    assert code == 0
    w, b, x = np.array([0.5, -1.0]), 0.2, np.array([1.5, 2.0])
    dw, db = run_printed(out, "dloss_dw_db")(w, b, x)
    z = np.tanh(x * w + b)
    np.testing.assert_allclose(dw, 2 * z * (1 - z * z) * x)
    np.testing.assert_allclose(db, np.sum(2 * z * (1 - z * z)))


def test_no_optimize_prints_a_longer_derivative(tangentlike_cli):
    _, optimized, _ = tangentlike_cli([f"{SMOOTH}:loss", "--wrt", "w"])
    code, plain, err = tangentlike_cli([f"{SMOOTH}:loss", "--wrt", "w", "--no-optimize"])
    assert code == 0, err
    assert plain != optimized
    assert len(plain) > len(optimized)
    assert "not optimized" in plain
    assert "def dloss_dw(" in plain
    compile(plain, "x", "exec")


def test_unoptimized_source_computes_the_same_gradient(in_process):
    _, optimized, _ = in_process([f"{SMOOTH}:two_inputs", "--wrt", "x,y"])
    _, plain, _ = in_process([f"{SMOOTH}:two_inputs", "--wrt", "x,y", "--no-optimize"])
    x, y = np.array([0.3, 1.1, -0.4]), np.array([2.0, -1.0, 0.5])
    for a, b in zip(run_printed(optimized, "dtwo_inputs_dx_dy")(x, y),
                    run_printed(plain, "dtwo_inputs_dx_dy")(x, y)):
        np.testing.assert_allclose(a, b)


def test_motion_split_prints_forward_and_backward(tangentlike_cli):
    code, out, err = tangentlike_cli([f"{SMOOTH}:loss", "--motion", "split"])
    assert code == 0, err
    defs = [line for line in out.splitlines() if line.startswith("def ")]
    assert len(defs) == 2, defs
    assert defs[0].startswith("def loss_forward(")
    assert defs[1].startswith("def loss_backward(saved")
    assert "split motion" in out
    compile(out, "x", "exec")


def test_mode_reverse_is_accepted(tangentlike_cli):
    code, out, err = tangentlike_cli([f"{SMOOTH}:poly", "--mode", "reverse"])
    assert code == 0, err
    assert "def dpoly_dx(" in out


def test_help(tangentlike_cli):
    code, out, err = tangentlike_cli(["--help"])
    assert code == 0
    assert "--wrt" in out
    assert "FILE.py:FUNC" in out
    assert "example" in out
    assert "--no-optimize" in out and "--motion" in out and "--mode" in out


def test_imports_neighbouring_modules(tangentlike_cli):
    """The file's directory is on sys.path while it is imported (uses_neighbour imports
    neighbour_helpers from fixtures/), whatever the working directory."""
    code, out, err = tangentlike_cli([f"{FIXTURES / 'uses_neighbour.py'}:scaled"])
    assert code == 0, err
    assert "def dscaled_dx(x" in out


def test_relative_path_from_another_directory():
    done = subprocess.run([sys.executable, "-m", "tangentlike", "smooth.py:poly"],
                          cwd=FIXTURES, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "def dpoly_dx(x" in done.stdout


def test_sys_path_is_restored(in_process):
    before = list(sys.path)
    code, _, err = in_process([f"{FIXTURES / 'uses_neighbour.py'}:scaled"])
    assert code == 0, err
    assert sys.path == before


def test_load_module_registers_the_module_for_inspect():
    module = cli.load_module(str(SMOOTH))
    assert sys.modules[module.__name__] is module
    assert "np.tanh(x * w + b)" in inspect.getsource(module.loss)
    again = cli.load_module(str(SMOOTH))
    assert again.__name__ != module.__name__  # a unique name per import
    assert sys.modules[module.__name__] is module


def test_module_name_is_the_file_name_when_free(tmp_path):
    path = tmp_path / "cli_name_check_model.py"
    path.write_text("def f(x):\n    return x * x\n")
    module = cli.load_module(str(path))
    assert module.__name__ == "cli_name_check_model"


def test_module_name_never_shadows_another_module(tmp_path):
    import json

    path = tmp_path / "json.py"
    path.write_text("def f(x):\n    return x * x\n")
    module = cli.load_module(str(path))
    assert module.__name__ != "json"
    assert sys.modules["json"] is json
    assert sys.modules[module.__name__] is module


# -- errors: one line on stderr, status 1 -----------------------------------------------------


def _error_cases(tmp_dir: Path) -> dict[str, tuple[list[str], list[str]]]:
    bad_syntax = tmp_dir / "bad_syntax.py"
    bad_syntax.write_text("def f(x):\n    return x *\n")
    match_line = marked_line(UNSUPPORTED, "match")
    raise_line = marked_line(FIXTURES / "broken_import.py", "raise")
    return {
        "missing file": ([f"{FIXTURES / 'missing.py'}:f"], ["no such file", "missing.py"]),
        "import fails": ([f"{FIXTURES / 'broken_import.py'}:f"],
                         ["cannot import", "RuntimeError", "on purpose",
                          f"broken_import.py:{raise_line}"]),
        "syntax error": ([f"{bad_syntax}:f"], ["cannot import", "SyntaxError",
                                               "bad_syntax.py:2"]),
        "missing function": ([f"{SMOOTH}:nope"], ["no function named 'nope'", "loss"]),
        "not a function": ([f"{SMOOTH}:NOT_A_FUNCTION"], ["'NOT_A_FUNCTION'",
                                                           "not a function"]),
        "a class": ([f"{SMOOTH}:NotAFunctionEither"], ["not a function"]),
        "unknown wrt name": ([f"{SMOOTH}:loss", "--wrt", "w,q"], ["'q'", "w, b, x"]),
        "wrt index out of range": ([f"{SMOOTH}:loss", "--wrt", "7"], ["wrt", "w, b, x"]),
        "unsupported syntax": ([f"{UNSUPPORTED}:uses_match"],
                               ["match statement", f"unsupported.py:{match_line}",
                                "if/elif"]),
        "generator": ([f"{UNSUPPORTED}:generator"], ["yield", "unsupported.py"]),
        "no derivative rule": ([f"{NO_RULE}:calls_fromiter"], ["numpy.fromiter", "no_rule.py"]),
        "function without source": ([f"{NO_RULE}:calls_function_without_source"],
                                    ["no_source", "no_rule.py"]),
    }


ERROR_CASES = [
    "missing file", "import fails", "syntax error", "missing function", "not a function",
    "a class", "unknown wrt name", "wrt index out of range",
    "unsupported syntax", "generator", "no derivative rule", "function without source",
]


@pytest.mark.parametrize("tangentlike_cli, case", cli_cases(ERROR_CASES),
                         indirect=["tangentlike_cli"])
def test_error_is_one_line(tangentlike_cli, tmp_path, case):
    args, expected = _error_cases(tmp_path)[case]
    code, out, err = tangentlike_cli(args)
    assert code == 1, (out, err)
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tangentlike: error: ")
    for text in expected:
        assert text in lines[0]


@pytest.mark.parametrize("tangentlike_cli, args", cli_cases([
    [],
    ["smooth.py"],  # no :FUNC
    [f"{SMOOTH}:"],
    [f"{SMOOTH}:loss", "--motion", "sideways"],
    [f"{SMOOTH}:loss", "--mode", "backward"],
    [f"{SMOOTH}:loss", "--wrt", "w,,b"],
    [f"{SMOOTH}:loss", "--wrt", "1.5"],
    [f"{SMOOTH}:loss", "--frobnicate"],
], ["nothing", "no function", "empty function", "bad motion", "bad mode", "empty wrt item",
    "bad wrt item", "unknown option"]), indirect=["tangentlike_cli"])
def test_usage_errors_exit_2(tangentlike_cli, args):
    code, out, err = tangentlike_cli(args)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("tangentlike: error: ")


def test_traceback_option_shows_the_traceback(in_process):
    code, _, err = in_process([f"{UNSUPPORTED}:uses_match", "--traceback"])
    assert code == 1
    assert "Traceback" in err
    assert err.splitlines()[-1].startswith("tangentlike: error: ")


def test_main_reads_sys_argv(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["tangentlike", f"{SMOOTH}:poly"])
    assert cli.main() == 0
    assert "def dpoly_dx(" in capsys.readouterr().out


def test_cli_matches_the_api(in_process):
    module = cli.load_module(str(SMOOTH))
    expected = tangentlike.autodiff(module.two_inputs, wrt=(0, 1),
                                    input_derivative=tangentlike.INPUT_DERIVATIVE.DefaultOne)
    _, out, _ = in_process([f"{SMOOTH}:two_inputs", "--wrt", "x,y"])
    assert out.rstrip("\n") == expected.source.rstrip("\n")


def test_forward_mode_prints_the_jvp(capsys):
    from tangentlike.cli import main

    assert main([f"{SMOOTH}:loss", "--mode", "forward"]) == 0
    out = capsys.readouterr().out
    assert "def loss_jvp(" in out and "# Tangent of:" in out
    compile(out, "jvp", "exec")
