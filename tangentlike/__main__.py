"""``python -m tangentlike FILE.py:FUNC``: see :mod:`tangentlike.cli`."""
import sys

from tangentlike.cli import main

if __name__ == "__main__":
    sys.exit(main())
