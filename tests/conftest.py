"""Shared test setup: every generated module goes to one temporary cache directory."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
CACHE_ENV = "TANGENTLIKE_CACHE_DIR"

# The fixture modules under tests/api_fixtures are imported as ``api_fixtures.<name>``,
# whichever import mode pytest uses.
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

_session_cache: Path | None = None
_saved_env: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: takes more than 30 seconds (still part of the default run)")
    # Set as early as this so that derivatives generated while test modules are imported
    # (module-level ``@tangentlike.grad``) land in the temporary directory as well.
    global _session_cache, _saved_env
    _saved_env = os.environ.get(CACHE_ENV)
    _session_cache = Path(tempfile.mkdtemp(prefix="tangentlike-cache-"))
    os.environ[CACHE_ENV] = str(_session_cache)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _saved_env is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = _saved_env
    if _session_cache is not None:
        shutil.rmtree(_session_cache, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def tangentlike_cache_dir() -> Iterator[Path]:
    """The session's cache directory; TANGENTLIKE_CACHE_DIR points there for every test."""
    assert _session_cache is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(_session_cache))
        yield _session_cache


@pytest.fixture
def subprocess_env(tangentlike_cache_dir: Path) -> dict[str, str]:
    """Environment for a child Python that imports tangentlike and the fixture modules."""
    env = dict(os.environ)
    env[CACHE_ENV] = str(tangentlike_cache_dir)
    parts = [str(TESTS_DIR), str(REPO_ROOT)]
    if env.get("PYTHONPATH"):
        parts.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(parts)
    return env
