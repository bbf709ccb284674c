"""The person key a kiosk sends instead of the ID number: HMAC-SHA256 under the back office's day key.

The one place it is computed. The key recognises the same card today (already waiting, my tickets); the ID
number itself never leaves the kiosk, and once the back office deletes the day's secret at the end of the
day, no key of that day can be linked to an ID number again.
"""

from __future__ import annotations

import hashlib
import hmac


def person_key(day_key_hex: str, id_number: str) -> str:
    """64 hex digits; the ID number is normalised (spaces dropped, the check letter X upper-cased) first, so
    a card read twice gives the same key."""
    normalised = "".join(id_number.split()).upper()
    return hmac.new(bytes.fromhex(day_key_hex), normalised.encode("ascii"), hashlib.sha256).hexdigest()
