"""The token roles, in a module of their own so the `kiosk` command can name them without loading the back
office (SQLAlchemy alone costs a kiosk's cold start about a second)."""

from __future__ import annotations

ROLES = ("kiosk", "display", "counter", "technician", "admin")
