"""Threads and processes (docs/supported.md, "Threads and processes").

Threads: the generation of derivatives, the in-memory cache of them and each derivative's
table of versions by shape are shared; many threads making the first calls of the same
derivative, generating the same or different derivatives at once (with helper functions,
recursion and mutual recursion), in reverse mode, forward mode and ``hvp``, must each get
exactly what one thread alone gets.  A thread pool with a barrier starts the threads together
and a tiny switch interval makes them interleave often.  Every result is compared, bit for
bit, with a sequential reference: the general derivative's result, or the result of the
version for that signature (they differ by rounding, and a call may run either).

Processes: several processes sharing one cache directory write the same generated files; the
files must stay intact and every process get the same numbers.  Generation is deterministic:
two fresh interpreters (with different hash seeds) write the same source, byte for byte.

An unusable cache directory raises ``CacheDirError`` naming it, not an ``OSError``.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tangentlike
from tangentlike.errors import CacheDirError, TangentlikeError
from tangentlike.versions.dispatch import ENV

THREADS = 8


# -- the functions ------------------------------------------------------------------------
def bcast(x, b):
    return np.sum(np.tanh(x * b + b) ** 2)


def scale(a, c):
    return np.sin(a) * c


def uses_helper(x, b):
    return np.sum(scale(x, b) + scale(b * 2.0, x))


def uses_helper_too(x, b):
    return np.sum(scale(x * x, b) * 0.5)


def halve(x, n):
    return x if n == 0 else halve(np.sin(x) * 0.5 + x, n - 1)


def uses_recursion(x, b):
    return np.sum(halve(x * b, 3))


def ping(x, n):
    return x * x if n == 0 else np.cos(pong(x, n - 1)) + x


def pong(x, n):
    return x if n == 0 else ping(x * 1.1, n - 1)


def uses_mutual_recursion(x, b):
    return np.sum(ping(x, 3) * b)


FUNCTIONS = [bcast, uses_helper, uses_helper_too, uses_recursion, uses_mutual_recursion]

# (x, b) of four signatures; b broadcasts against x (in the last one, both ways)
_rng = np.random.default_rng(0)
ARGS = [tuple(_rng.uniform(-1.0, 1.0, shape) for shape in shapes)
        for shapes in [((3, 4), (4,)), ((5,), (5,)), ((2, 3), (1, 3)), ((4, 1), (3,))]]
TANGENTS = [_rng.uniform(-1.0, 1.0, x.shape) for x, _ in ARGS]


# -- helpers ------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def interleave() -> Iterator[None]:
    """Switch threads every microsecond, so that they interleave in every stretch of code."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _fresh(func: Callable) -> Callable:
    """A new function object with ``func``'s code: nothing generated for it yet."""
    return types.FunctionType(func.__code__, func.__globals__, func.__name__,
                              func.__defaults__, func.__closure__)


def _together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in threads started together; each one's result or exception."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return job()
        except Exception as error:  # noqa: BLE001  (reported by the test)
            return error

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _exact(value: Any) -> Any:
    """A hashable, bit-exact description of a result."""
    if isinstance(value, (tuple, list)):
        return tuple(_exact(v) for v in value)
    array = np.asarray(value)
    return type(value).__name__, array.shape, array.dtype.str, array.tobytes()


def _unnumbered(sources: dict) -> dict:
    """Versions' sources without the number in their names (``f_shaped2``): the numbers
    follow the order in which the signatures got their versions."""
    return {key: re.sub(r"_shaped\d*\b", "_shaped", text) for key, text in sources.items()}


def _call(df: Callable, mode: str, i: int) -> Any:
    if mode == "forward":
        return df(*ARGS[i], TANGENTS[i])
    if mode == "hvp":
        return df(*ARGS[i], TANGENTS[i])
    return df(*ARGS[i])


def _derivative(func: Callable, mode: str) -> Callable:
    if mode == "forward":
        return tangentlike.autodiff(func, wrt=(0,), mode="forward")
    if mode == "hvp":
        return tangentlike.hvp(func)
    return tangentlike.grad(func, wrt=(0, 1))


def _reference(func: Callable, mode: str) -> tuple[list[set], Callable]:
    """For each signature, the exact results a call may give (general and version), and the
    derivative made in one thread alone.  The general code's results are made with versions
    off: a first call that finds another thread writing its version runs the general code,
    which one thread alone does not where the first call writes the version."""
    df = _derivative(_fresh(func), mode)
    allowed = [{_exact(_call(df, mode, i)) for _ in range(3)} for i in range(len(ARGS))]
    general = _derivative(_fresh(func), mode)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV, "off")
        for i, results in enumerate(allowed):
            results.add(_exact(_call(general, mode, i)))
    return allowed, df


def _check_results(results: list[Any], allowed: list[set], what: str) -> None:
    """``results[t]`` lists (signature, result) pairs of thread t, or is its exception."""
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, f"{what}: {len(errors)} threads failed: {errors[0]!r}"
    wrong = [(t, i) for t, pairs in enumerate(results) for i, r in pairs
             if _exact(r) not in allowed[i]]
    assert not wrong, f"{what}: wrong results (thread, signature): {wrong}"


# -- threads ------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["reverse", "forward", "hvp"])
@pytest.mark.parametrize("func", [bcast, uses_helper], ids=lambda f: f.__name__)
def test_first_calls_of_one_derivative(func: Callable, mode: str) -> None:
    """Threads making the first calls of one derivative, with four signatures at once (the
    general run, the instrumented run and the writing of each version interleave)."""
    allowed, reference = _reference(func, mode)
    for trial in range(3):
        df = _derivative(_fresh(func), mode)

        def job(t: int, df: Callable = df) -> list:
            order = [(t + j) % len(ARGS) for j in range(2 * len(ARGS))]
            return [(i, _call(df, mode, i)) for i in order]

        results = _together([lambda t=t: job(t) for t in range(THREADS)])
        _check_results(results, allowed, f"{func.__name__}, {mode}, trial {trial}")
        # The versions kept are the ones one thread writes, and later calls run them.
        assert _unnumbered(df.specialized) == _unnumbered(reference.specialized)
        assert df.specializer.declined == reference.specializer.declined
        for i in range(len(ARGS)):
            assert _exact(_call(df, mode, i)) in allowed[i]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_concurrent_generation(mode: str) -> None:
    """Threads generating derivatives of the same and of different functions at once, which
    share helpers (their halves are generated once), recursion and mutual recursion."""
    references = {f: _reference(f, mode)[0] for f in FUNCTIONS}
    for trial in range(3):
        tangentlike.clear_cache()  # the helpers' halves are generated again, too
        funcs = [_fresh(f) for f in FUNCTIONS]

        def job(t: int, trial: int = trial, funcs: list = funcs) -> list:
            k = (t + trial) % len(FUNCTIONS)
            df = _derivative(funcs[k], mode)
            i = t % len(ARGS)
            return [(i, _call(df, mode, i)), ("df", (k, df))]

        results = _together([lambda t=t: job(t) for t in range(THREADS)])
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, f"trial {trial}: {len(errors)} threads failed: {errors[0]!r}"
        for t, ((i, value), (_, (k, _df))) in enumerate(results):
            assert _exact(value) in references[FUNCTIONS[k]][i], (t, FUNCTIONS[k].__name__)
        # one derivative per function and request, whichever thread asked first
        made: dict[int, set] = {}
        for _, (_, (k, df)) in results:
            made.setdefault(k, set()).add(id(df))
        assert all(len(ids) == 1 for ids in made.values()), made


def test_generation_and_first_calls_together() -> None:
    """Generation in some threads while others make first calls of derivatives already made."""
    allowed = {f: _reference(f, "reverse")[0] for f in (bcast, uses_helper)}
    for _trial in range(2):
        ready = {f: tangentlike.grad(_fresh(f), wrt=(0, 1)) for f in (bcast, uses_helper)}
        news = [_fresh(f) for f in (bcast, uses_helper)]

        def job(t: int, ready: dict = ready, news: list = news) -> list:
            f = (bcast, uses_helper)[t % 2]
            df = ready[f] if t < THREADS // 2 else tangentlike.grad(news[t % 2], wrt=(0, 1))
            return [(f, i, df(*ARGS[i])) for i in [(t + j) % len(ARGS) for j in range(6)]]

        results = _together([lambda t=t: job(t) for t in range(THREADS)])
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, f"{len(errors)} threads failed: {errors[0]!r}"
        for calls in results:
            for f, i, value in calls:
                assert _exact(value) in allowed[f][i], (f.__name__, i)


# -- processes ----------------------------------------------------------------------------
def _child_main() -> None:
    """In a fresh interpreter: generate and call derivatives; print results, sources and the
    names of the files written."""
    from tangentlike.backend import cache

    written, write = set(), cache.write_module

    def recorded(source: str, stem: str) -> Path:
        path = write(source, stem)
        written.add(path.name)
        return path

    cache.write_module = recorded
    out: dict[str, Any] = {}
    for func in FUNCTIONS:
        for mode in ("reverse", "forward"):
            df = _derivative(func, mode)
            values = [_call(df, mode, i) for i in range(len(ARGS)) for _ in range(3)]
            out[f"{func.__name__} {mode}"] = {
                "values": [repr(_exact(v)) for v in values],
                "source": df.source,
                "versions": sorted(df.specialized.values()),
            }
    print(json.dumps({"derivatives": out, "files": sorted(written)}))


def _files(cache: Path) -> dict[str, str]:
    """The generated files, checked: each parses, its name holds the hash of its text, and no
    temporary file is left behind."""
    files = {p.name: p.read_text() for p in sorted(cache.iterdir())}
    for name, text in files.items():
        assert name.endswith(".py"), name
        assert name[:-3].rsplit("_", 1)[1] == hashlib.sha256(text.encode()).hexdigest()[:12]
        compile(text, name, "exec")
    return files


@pytest.mark.slow  # several processes (seconds): the default run's time
def test_processes_share_a_cache_directory(tmp_path: Path) -> None:
    """Two fresh interpreters with other hash seeds generate the same derivatives into one
    cache directory at once (one test, so that xdist starts them once).

    Processes: the files stay intact and both processes get the numbers this one computes.
    Determinism: both generate the same sources, byte for byte, and so write the same files
    (named by the hash of their text); so does this process."""
    cache = tmp_path / "shared"
    tests = str(Path(__file__).resolve().parent)
    env = {**os.environ, "TANGENTLIKE_CACHE_DIR": str(cache), "PYTHONPATH": os.pathsep.join(
        [tests, str(Path(tests).parent), os.environ.get("PYTHONPATH", "")])}
    processes = [subprocess.Popen(
        [sys.executable, "-c", "import test_concurrency as t; t._child_main()"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**env, "PYTHONHASHSEED": str(seed)}) for seed in (1, 2)]
    outputs = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        outputs.append(json.loads(stdout))
    first, second = outputs

    # processes
    assert first["derivatives"] == second["derivatives"]
    assert set(_files(cache)) == set(first["files"]) | set(second["files"])
    for func in FUNCTIONS:
        allowed = _reference(func, "reverse")[0]
        values = first["derivatives"][f"{func.__name__} reverse"]["values"]
        assert all(v in {repr(a) for a in allowed[k // 3]} for k, v in enumerate(values))

    # byte-identical sources and files
    assert first["files"] == second["files"]
    for name, out in first["derivatives"].items():
        assert out["source"] == second["derivatives"][name]["source"], name
        assert out["versions"] == second["derivatives"][name]["versions"], name
    expected = first["derivatives"]["bcast reverse"]
    df = tangentlike.grad(_fresh(bcast), wrt=(0, 1))
    for _ in range(3):
        df(*ARGS[0])
    assert df.source == expected["source"]
    assert list(df.specialized.values()) == expected["versions"][:1]


# -- the cache directory --------------------------------------------------------------------
def _unusable(tmp_path: Path) -> list[Path]:
    in_the_way = tmp_path / "a_file"
    in_the_way.write_text("not a directory\n")
    return [in_the_way, in_the_way / "cache"]


@pytest.mark.parametrize("which", [0, 1], ids=["a-file", "under-a-file"])
def test_unusable_cache_directory(which: int, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = _unusable(tmp_path)[which]
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(path))
    with pytest.raises(CacheDirError) as caught:
        tangentlike.grad(_fresh(bcast))
    assert isinstance(caught.value, TangentlikeError)
    assert not isinstance(caught.value, OSError)
    text = str(caught.value)
    assert str(path) in text and "TANGENTLIKE_CACHE_DIR" in text
    assert caught.value.hint


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes to read-only directories")
def test_read_only_cache_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "read_only"
    path.mkdir()
    path.chmod(0o500)
    try:
        monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(path))
        with pytest.raises(CacheDirError, match="TANGENTLIKE_CACHE_DIR"):
            tangentlike.grad(_fresh(bcast))
    finally:
        path.chmod(0o700)
