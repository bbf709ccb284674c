"""Secrets never reach a log: API tokens in URLs (`?token=`), in `Authorization` headers, or bare.

uvicorn logs each WebSocket's path with its query string, where browsers must put their token; any library
may log a URL or a header. Redacting every record as it is made covers them all, whoever configured the
handlers and whenever.
"""

from __future__ import annotations

import logging
import re

_SECRETS = re.compile(
    r"(?P<key>\b(?:access_)?token=)[^&\s\"'#]+"
    r"|(?P<scheme>\bBearer\s+)[^\s\"',]+"
    r"|\bh[qs]_[A-Za-z0-9_-]{8,}",  # the hall's own token format, wherever it appears
    re.IGNORECASE,
)
MASK = "***"


def redact_secrets(text: str) -> str:
    def mask(m: re.Match[str]) -> str:
        return (m.group("key") or m.group("scheme") or "") + MASK

    return _SECRETS.sub(mask, text)


_installed = False


def install_secret_redaction() -> None:
    """Redact every log record from now on, in this process (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)  # type: ignore[arg-type]
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: logging reports it later as usual
            return record
        clean = redact_secrets(message)
        if clean != message:
            record.msg, record.args = clean, None
        return record

    logging.setLogRecordFactory(factory)
