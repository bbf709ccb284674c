"""Bounds on JSON the hall accepts: body size and nesting depth, checked on the raw bytes.

Checked before parsing, so a hostile body never becomes a deep Python object: deep nesting breaks the
serializer that must later send it back (a stored device report 256 levels deep made `GET /devices` fail
for everyone), and costs memory and time to build.
"""

from __future__ import annotations

import re
from itertools import accumulate

MAX_BODY_BYTES = 64 * 1024  # the largest real body (a counter's configuration) is well under 4 KiB
MAX_DEPTH = 32

# A JSON string, escapes included (unterminated: to the end). Brackets inside strings are text, not structure.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in `data` (0 for a scalar); exact for valid JSON, an
    upper bound otherwise (the parser that runs afterwards rejects invalid JSON anyway).

    Strings are cut out and every other byte but brackets dropped by the regex and bytes engines, so
    even a hostile 64 KiB body costs a few milliseconds, not a Python step per byte."""
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKET)
    if not brackets:
        return 0
    levels = list(accumulate(map(_STEP.__getitem__, brackets)))
    # A closing bracket before its opening one would hide depth from the running sum: count it back.
    return max(0, max(levels)) - min(0, min(levels))


def too_deep(data: bytes, limit: int = MAX_DEPTH) -> bool:
    # Fewer opening brackets than the limit cannot nest deeper than it: most bodies stop here, unscanned.
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    return json_depth(data) > limit
