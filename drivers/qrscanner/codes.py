"""What a scanned code means to the kiosk: an appointment of this hall, a ticket of this hall, or neither.

Formats the hall issues (put these in the QR codes of appointment confirmations):

* `HQA1:<appointment id>` — compact, for SMS/print; `HQA1` = Hall Queue Appointment, format 1, so a
  later format can change without ambiguity. The prefix is case-insensitive, the id is not.
* `<site root>a/<appointment id>` — the same as a URL, so a phone camera opens a page for it.
* `<public_url><ticket id>` — the ticket status page printed on every ticket (`hall.public_url`,
  by default `http://<host>:<port>/t/`), i.e. `<site root>t/<ticket id>`.

The site root is `hall.public_url` without its final `t/`. Ids are the back office's
`secrets.token_urlsafe` strings. With no public URL known, any http(s) URL whose path ends in
`/a/<id>` or `/t/<id>` is accepted: the id is then looked up on the back office anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

APPOINTMENT_PREFIX = "HQA1:"
_ID = re.compile(r"[A-Za-z0-9_-]{6,64}")
_TAIL = re.compile(r"/([at])/([A-Za-z0-9_-]{6,64})/?$")


class ScanKind(StrEnum):
    APPOINTMENT = "appointment"
    TICKET = "ticket"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ScanMeaning:
    kind: ScanKind
    id: str = ""


UNKNOWN = ScanMeaning(ScanKind.UNKNOWN)


def site_root(public_url: str) -> str:
    root = _with_slash(public_url)
    return root[:-2] if root.endswith("/t/") else root


def appointment_code(appointment_id: str) -> str:
    return APPOINTMENT_PREFIX + appointment_id


def appointment_url(public_url: str, appointment_id: str) -> str:
    return f"{site_root(public_url)}a/{appointment_id}"


def ticket_url(public_url: str, ticket_id: str) -> str:
    """What a ticket's QR code holds: the ticket id appended to `hall.public_url`."""
    return _with_slash(public_url) + ticket_id


def classify(text: str, public_url: str = "") -> ScanMeaning:
    """Pure: what `text` (one scan) is, given the hall's `public_url` (may be empty)."""
    s = text.strip()
    if s[: len(APPOINTMENT_PREFIX)].upper() == APPOINTMENT_PREFIX:
        ident = s[len(APPOINTMENT_PREFIX) :]
        return ScanMeaning(ScanKind.APPOINTMENT, ident) if _ID.fullmatch(ident) else UNKNOWN
    try:
        url = urlsplit(s)
    except ValueError:
        return UNKNOWN
    if url.scheme.lower() not in ("http", "https") or not url.netloc:
        return UNKNOWN
    if not public_url.strip():
        m = _TAIL.search(url.path)
        if not m:
            return UNKNOWN
        return ScanMeaning(ScanKind.APPOINTMENT if m.group(1) == "a" else ScanKind.TICKET, m.group(2))
    bases = (
        (ScanKind.TICKET, ticket_url(public_url, "")),
        (ScanKind.APPOINTMENT, appointment_url(public_url, "")),
    )
    for kind, base in bases:
        ident = _after(url.scheme, url.netloc, url.path, base)
        if ident is not None and _ID.fullmatch(ident):
            return ScanMeaning(kind, ident)
    return UNKNOWN


def _with_slash(url: str) -> str:
    url = url.strip()
    return url if not url or url.endswith("/") else url + "/"


def _after(scheme: str, netloc: str, path: str, base: str) -> str | None:
    """The rest of `path` after `base`, if the URL is on base's site (scheme and host compare caseless)."""
    b = urlsplit(base)
    if (scheme.lower(), netloc.lower()) != (b.scheme.lower(), b.netloc.lower()) or not path.startswith(
        b.path
    ):
        return None
    return path[len(b.path) :].rstrip("/")
