"""The byte-identity check of a speed change: the generated source of every test function's
derivative, to compare before and after.

``python benchmarks/derivative_dump.py > after.txt`` (from a repository root: the tree whose
``tangentlike`` is imported, put first on ``sys.path``) writes, for every function of
``tests/*_functions.py``, its derivative in four forms (reverse mode, split motion, forward
mode, reverse mode unoptimized), or the refusal's class and first 200 characters.  Paths in
the text are written with the repository root as ``ROOT`` (before that cut), so two
checkouts at different places compare equal.  ``python benchmarks/derivative_dump.py
--compare before.txt after.txt`` says IDENTICAL, or prints the first differences and exits
with 1.  ``--module NAME`` (repeatable) dumps those test modules only.
"""
from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORMS: list[dict] = [{}, {"motion": "split"}, {"mode": "forward"}, {"optimized": False}]
HEADER = "=" * 20


def dump(modules: list[str] | None = None, out=sys.stdout) -> int:
    """Write every derivative's source (or refusal) to ``out``; the number written."""
    sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]
    os.environ["TANGENTLIKE_CACHE_DIR"] = tempfile.mkdtemp(prefix="tangentlike-dump-")
    from support import functions_of_test_modules  # (tests/support.py)

    import tangentlike  # (the tree at ROOT)
    warnings.simplefilter("ignore")
    cache = os.environ["TANGENTLIKE_CACHE_DIR"]
    count = 0
    for func in functions_of_test_modules(modules):
        for form in FORMS:
            tangentlike.clear_cache()
            print(HEADER, f"{func.__module__}.{func.__qualname__} {form}", file=out)
            try:
                df = tangentlike.autodiff(func, verbose=0, **form)
                text = df.source
            except Exception as exc:  # noqa: BLE001 (a refusal is part of the output)
                text = f"ERROR {type(exc).__name__} " + _rooted(str(exc), cache)[:200]
            print(_rooted(text, cache), file=out)
            count += 1
    return count


def _rooted(text: str, cache: str) -> str:
    return text.replace(cache, "CACHE").replace(ROOT, "ROOT")


def compare(before: str, after: str) -> bool:
    """Print whether two dumps are the same (else their first differences)."""
    with open(before) as a, open(after) as b:
        old, new = a.read().splitlines(), b.read().splitlines()
    if old == new:
        print("IDENTICAL:", sum(line.startswith(HEADER) for line in old), "derivatives")
        return True
    print("DIFFERENT")
    sys.stdout.writelines(line + "\n" for line in
                          list(difflib.unified_diff(old, new, before, after, lineterm=""))[:80])
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--module", action="append", help="a tests/*_functions.py module")
    args = parser.parse_args()
    if args.compare:
        sys.exit(0 if compare(*args.compare) else 1)
    print("derivatives:", dump(args.module), file=sys.stderr)


if __name__ == "__main__":
    main()
