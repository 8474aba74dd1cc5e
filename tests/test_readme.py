"""The example at the top of README.md runs, and prints what the README says it prints."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _blocks() -> tuple[str, str]:
    """The README's first Python example (``# model.py``) and the block it says it prints."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"```python\n(# model\.py\n.*?)```\n\nprints[^\n]*\n\n```python\n(.*?)```",
                      text, re.DOTALL)
    assert match, "README.md: no '# model.py' example followed by 'prints' and its output"
    return match.group(1), match.group(2)


def test_readme_example_prints_what_the_readme_shows(tmp_path, subprocess_env):
    code, printed = _blocks()
    (tmp_path / "model.py").write_text(code, encoding="utf-8")
    cache = tmp_path / "cache"
    env = {**subprocess_env, "TANGENTLIKE_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "model.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout.replace(str(cache), "<cache>")  # the only part that depends on the run
    assert out.rstrip() == printed.rstrip(), (
        "README.md's printed derivative is not the real output; it prints:\n" + out)
