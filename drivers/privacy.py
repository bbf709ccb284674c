"""Masking of personal data for screens, tickets and logs (hall standards §4.4), in one place.

It lives in drivers/ because the ID-card driver masks the cards it logs and drivers import no app code;
the kiosk and the back office import it from here.

ID numbers show 6 + 8 masked + 4 (the date of birth hidden); names keep their first and last characters.
"""

from __future__ import annotations


def mask_id_number(number: str) -> str:
    n = number.strip()
    if len(n) <= 4:
        return "*" * len(n)
    if len(n) < 12:
        return n[:1] + "*" * (len(n) - 3) + n[-2:]
    return n[:6] + "*" * (len(n) - 10) + n[-4:]


def mask_name(name: str) -> str:
    n = name.strip()
    if not n:
        return ""
    if n.isascii():
        # Latin names (foreign residents): initials of each part.
        return " ".join(p[0] + "*" * (len(p) - 1) for p in n.split())
    if len(n) == 1:
        return n
    if len(n) == 2:
        return n[0] + "*"
    return n[0] + "*" * (len(n) - 2) + n[-1]
