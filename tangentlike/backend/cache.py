"""The cache directory of generated modules, and its bounds.

A generated module is a file in the cache directory (``$TANGENTLIKE_CACHE_DIR``, else
``$XDG_CACHE_HOME/tangentlike`` or ``~/.cache/tangentlike``), named from a hash of its source,
so tracebacks, ``inspect.getsource``, pdb and profilers all show the generated lines.  Files
are written atomically and reused when present; the least recently used are deleted beyond
the directory's bounds (:func:`evict`).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
import time
from pathlib import Path

from tangentlike.errors import CacheDirError

CACHE_ENV = "TANGENTLIKE_CACHE_DIR"


def cache_dir() -> Path:
    """Where generated modules are written (created on first use); ``CacheDirError`` when
    it cannot be created."""
    path = os.environ.get(CACHE_ENV)
    if path:
        root = Path(path)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = Path(base) / "tangentlike"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _unusable(root, error) from error
    return root


def _unusable(root: Path, error: OSError) -> CacheDirError:
    """The error for a cache directory that cannot be created or written."""
    reason = error.strerror or str(error)
    if error.filename and str(error.filename) != str(root):
        reason += f" ({error.filename})"
    where = (f"{CACHE_ENV} is set to it" if os.environ.get(CACHE_ENV)
             else f"the default, as {CACHE_ENV} is not set")
    return CacheDirError(
        f"cannot write generated code to the cache directory {root}: {reason} ({where})",
        hint=f"set the environment variable {CACHE_ENV} to a directory you can write to "
        "(it is created if missing), or make this one writable")


def write_module(source: str, stem: str) -> Path:
    """Write ``source`` to ``<cache>/<stem>_<hash>.py`` (atomically: another thread or
    process reads the whole file or none; reused if present, and then marked as used now,
    for :func:`evict`).  Now and then, after writing a new file, the least recently used
    files beyond the cache's bounds are deleted (:func:`evict`)."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    path = cache_dir() / f"{stem}_{digest}.py"
    try:
        if _reuse(path, source):
            return path
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}_", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(source)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as error:
        raise _unusable(path.parent, error) from error
    _written(path.parent)
    return path


def _reuse(path: Path, source: str) -> bool:
    """Whether ``path`` holds ``source`` already; if so its time is set to now (the cache
    evicts the least recently used files).  A file another process deletes meanwhile is
    written again."""
    try:
        if path.read_text(encoding="utf-8") != source:
            return False
    except FileNotFoundError:
        return False
    try:
        os.utime(path)
    except FileNotFoundError:  # evicted by another process just now: write it again
        return False
    except OSError:  # a shared directory's file owned by someone else: reuse it as it is
        pass
    return True


# --- The cache's bounds -----------------------------------------------------------------------
#
# Generated files accumulate (one per function, options, and version by shape), so the
# directory is kept within bounds: at most MAX_FILES_ENV files and MAX_BYTES_ENV bytes of
# them.  When a process has written a new file (its first, then every EVICT_EVERY), it deletes
# the least recently used files (by modification time, which reusing a file sets) until the
# directory is within 90% of its bounds.  Processes and threads may share the directory:
# a file used in the last MIN_AGE seconds is never deleted, so nobody loses a file it is
# writing or reading; a file another process deleted is simply written again; and only the
# files tangentlike wrote are deleted (named ``<name>_<hash of the content>.py``, the hash
# checked), whatever else the directory holds.

MAX_FILES_ENV = "TANGENTLIKE_CACHE_MAX_FILES"
MAX_BYTES_ENV = "TANGENTLIKE_CACHE_MAX_BYTES"
DEFAULT_MAX_FILES = 2000
DEFAULT_MAX_BYTES = 100 * 2**20
MIN_AGE = 600.0  # seconds
EVICT_EVERY = 100  # new files written by this process between two evictions
_GENERATED = re.compile(r"^\w+_([0-9a-f]{12})\.py$")
_TEMPORARY = re.compile(r"^\..*\.tmp$")  # a writer's partial file (tempfile.mkstemp)
_written_count = 0
_evicting = threading.Lock()


def cache_bounds() -> tuple[int | None, int | None]:
    """(most files, most bytes) the cache directory keeps; None: no bound.  From the
    environment variables ``TANGENTLIKE_CACHE_MAX_FILES`` (a count) and
    ``TANGENTLIKE_CACHE_MAX_BYTES`` (bytes, or with a suffix: ``500k``, ``100M``, ``1G``);
    ``0`` or ``none`` removes that bound."""
    return (_bound(MAX_FILES_ENV, DEFAULT_MAX_FILES, {}),
            _bound(MAX_BYTES_ENV, DEFAULT_MAX_BYTES, {"k": 2**10, "m": 2**20, "g": 2**30}))


def _bound(name: str, default: int, units: dict[str, int]) -> int | None:
    text = os.environ.get(name, "").strip().lower()
    if not text:
        return default
    if text in ("none", "off", "unlimited"):
        return None
    number = text.removesuffix("b").removesuffix("i").strip() if units else text
    unit = units.get(number[-1:], 1)
    if unit != 1:
        number = number[:-1]
    try:
        value = int(float(number) * unit)
    except ValueError:
        raise CacheDirError(
            f"{name}={os.environ[name]!r} is not a number",
            hint=f"set {name} to a number" + (" of bytes, e.g. 100M" if units else "")
            + ", or 0 for no bound") from None
    return value if value > 0 else None


def _written(root: Path) -> None:
    """Count a new file; evict at the first and then every ``EVICT_EVERY``."""
    global _written_count
    _written_count += 1  # a lost update between threads only moves the next eviction
    if (_written_count - 1) % EVICT_EVERY == 0:
        evict(root)


def evict(root: Path | None = None, now: float | None = None) -> list[Path]:
    """Delete the least recently used generated files of the cache directory (``root``,
    default :func:`cache_dir`) beyond :func:`cache_bounds`, down to 90% of them, never one
    used in the last ``MIN_AGE`` seconds; also partial files of writers that stopped more
    than ``MIN_AGE`` ago.  Returns the files deleted.  Safe to run from several threads and
    processes at once; a thread finding another one evicting returns at once."""
    if not _evicting.acquire(blocking=False):
        return []
    try:
        return _evict(root if root is not None else cache_dir(),
                      time.time() if now is None else now)
    finally:
        _evicting.release()


def _evict(root: Path, now: float) -> list[Path]:
    max_files, max_bytes = cache_bounds()
    files: list[tuple[float, int, Path]] = []
    deleted: list[Path] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return deleted
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            info = entry.stat(follow_symlinks=False)
        except OSError:  # deleted meanwhile
            continue
        if _GENERATED.match(entry.name):
            files.append((info.st_mtime, info.st_size, Path(entry.path)))
        elif _TEMPORARY.match(entry.name) and now - info.st_mtime > MIN_AGE:
            if _delete(Path(entry.path)) is True:
                deleted.append(Path(entry.path))
    count, size = len(files), sum(f[1] for f in files)
    if (max_files is None or count <= max_files) and (max_bytes is None or size <= max_bytes):
        return deleted
    keep_files = None if max_files is None else int(max_files * 0.9)
    keep_bytes = None if max_bytes is None else int(max_bytes * 0.9)
    for mtime, nbytes, path in sorted(files, key=lambda f: f[0]):
        if (keep_files is None or count <= keep_files) and \
                (keep_bytes is None or size <= keep_bytes):
            break
        if now - mtime < MIN_AGE:
            break  # this one and every later one was used recently
        ours = _ours(path)
        outcome = _delete(path) if ours else "gone" if ours is None else False
        if outcome:  # deleted, here or by another process
            count, size = count - 1, size - nbytes
            if outcome is True:
                deleted.append(path)
    return deleted


def _ours(path: Path) -> bool | None:
    """Whether tangentlike wrote ``path``: its name ends with the hash of its content (None:
    the file is gone)."""
    match = _GENERATED.match(path.name)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return False
    content = content.replace(b"\r\n", b"\n")  # written in text mode
    return match is not None and hashlib.sha256(content).hexdigest()[:12] == match.group(1)


def _delete(path: Path) -> bool | str:
    """True: deleted; ``"gone"``: another process deleted it first; False: it stays."""
    try:
        path.unlink()
    except FileNotFoundError:
        return "gone"
    except OSError:
        return False
    return True
