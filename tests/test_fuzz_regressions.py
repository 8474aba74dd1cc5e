"""Programs the random-program fuzzer found wrong or crashing, kept as they were found
(docs/fuzz-findings/), checked in every mode against finite differences and ``f`` itself."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from oracle import check_everywhere
from support import import_file

FINDINGS = Path(__file__).resolve().parent.parent / "docs" / "fuzz-findings"


def _load(name: str):
    stem = name.removesuffix(".py").replace("-", "_")
    return import_file(f"fuzz_finding_{stem}", FINDINGS / name)


def test_helper_with_no_differentiated_argument_in_split_motion():
    """A helper called where no differentiated value reaches its parameters gets a split
    derivative that returns only its value (pipeline.split crashed on it)."""
    m = _load("split-crash-seed53.py")

    def reseed():
        m.RNG.bit_generator.state = np.random.default_rng(12).bit_generator.state
        m.RS.seed(11)
        np.random.seed(0)

    check_everywhere(m.f, [np.array([0.3, 0.5, -0.2]), np.array(0.4)], reseed=reseed)
