"""Moving the columns of compiled code: a generated module's functions are compiled from
their text indented inside the loading factory (``loading.py``), and their code objects then
get back the columns of the file, which tracebacks and pdb read against its lines.

Since Python 3.11 a code object's positions are its location table (``co_linetable``;
CPython's ``InternalDocs/locations.md``).  Each entry starts with a byte whose top bit is set
(no other byte of the table has it): ``1 cccc lll``, ``cccc`` the entry's form and ``lll`` its
length in code units.  The forms that hold columns:

- short (``cccc`` 0-9): the next byte holds the column's low three bits and the width, and
  the column is ``8 * cccc`` plus them.  Eight columns less is one less in ``cccc``, that
  is 8 less in the first byte;
- one line (``cccc`` 10-12): the next two bytes are the start and end columns (under 128);
- long (``cccc`` 14): a line delta (signed varint), an end line delta (varint), then the
  start and end columns plus one (varints: 6 bits a byte, bit 6 says more follow).

Every column the indented text gives is at least the indentation, so each form keeps its
kind with eight columns less (a one-line entry's columns stay under 128, a short entry's
``cccc`` stays at least 0); a column less than the indentation is CPython's own (column 0 for
a function's first instruction) and is kept.  Entries without columns (``cccc`` 13 and 15)
are unchanged.  ``tests/backend/test_text_loading.py`` compares the result with the code
compiled from the parsed file, position for position.
"""
from __future__ import annotations

import re
import sys
import types

import numpy as np

INDENT = 8  # the columns the factory adds: its two levels of four spaces
HAS_COLUMNS = sys.version_info >= (3, 11)  # Python 3.10's table holds lines only

_VARINT = rb"[\x40-\x7f]*[\x00-\x3f]"
_LONG = re.compile(rb"([\xf0-\xf7]" + _VARINT + _VARINT + rb")(" + _VARINT + rb")(" + _VARINT
                   + rb")")


def dedented(code: types.CodeType) -> types.CodeType:
    """``code`` and the code objects it holds (lambdas, comprehensions), their columns
    :data:`INDENT` less.  A column less than that is not the text's (the column 0 CPython
    gives a function's first instruction, ``RESUME``): it is kept."""
    table = np.frombuffer(code.co_linetable, np.uint8).copy()
    starts = np.flatnonzero(table >= 0x80)  # each entry's first byte
    form = table[starts] >> 3 & 15
    table[starts[(form >= 1) & (form <= 9)]] -= INDENT  # short: the column's high part
    one_line = starts[(form >= 10) & (form <= 12)]
    one_line = one_line[table[one_line + 1] >= INDENT]
    table[one_line + 1] -= INDENT  # one line: the start column
    table[one_line + 2] -= INDENT  # and the end column
    consts = code.co_consts
    if any(c.__class__ is types.CodeType for c in consts):
        consts = tuple(dedented(c) if c.__class__ is types.CodeType else c for c in consts)
    return code.replace(co_linetable=_LONG.sub(_long, table.tobytes()), co_consts=consts)


def _long(entry: re.Match) -> bytes:
    start, end = _read_varint(entry.group(2)) - 1, _read_varint(entry.group(3)) - 1
    if start < INDENT:
        return entry.group()
    return entry.group(1) + _varint(start - INDENT + 1) + _varint(end - INDENT + 1)


def _read_varint(chunks: bytes) -> int:
    value = shift = 0
    for chunk in chunks:
        value |= (chunk & 63) << shift
        shift += 6
    return value


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 64:
        out.append(64 | (value & 63))
        value >>= 6
    out.append(value)
    return bytes(out)
