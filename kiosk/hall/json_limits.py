"""Bounds on JSON the hall accepts: body size and nesting depth, checked on the raw bytes.

Checked before parsing, so a hostile body never becomes a deep Python object: deep nesting breaks the
serializer that must later send it back (a stored device report 256 levels deep made `GET /devices` fail
for everyone), and costs memory and time to build.
"""

from __future__ import annotations

import re

MAX_BODY_BYTES = 64 * 1024  # the largest real body (a counter's configuration) is well under 4 KiB
MAX_DEPTH = 32

# A JSON string (escapes included) or a bracket: brackets inside strings are text, not structure.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
_OPEN = frozenset(b"[{")


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in `data` (0 for a scalar). Tolerates invalid JSON:
    the parser that runs afterwards reports that; this only has to bound the structure."""
    depth = deepest = 0
    for m in _TOKENS.finditer(data):
        c = data[m.start()]
        if c in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif c != 0x22:  # a closing bracket (a string starts with '"')
            depth = max(0, depth - 1)
    return deepest


def too_deep(data: bytes, limit: int = MAX_DEPTH) -> bool:
    # Fewer opening brackets than the limit cannot nest deeper than it: most bodies stop here, unscanned.
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    return json_depth(data) > limit
