"""The hall service layer: the only way anything (API, kiosk UI, CLI) reads or changes the hall's state.

Changes run as commands on the single writer thread (kiosk.hall.writer); the rules they apply come from the
pure policy (kiosk.hall.policy). Every change emits events in the same transaction, so statistics, call
boards and audit all see exactly what was committed.
"""

from typing import Any

from kiosk.hall.service.appointments import Appointments
from kiosk.hall.service.base import (
    DEVICE_STATES,
    RATING_LEVELS,
    RATING_TAGS,
    ROLES,
    IssueResult,
    Principal,
    ServiceBase,
    hash_token,
)
from kiosk.hall.service.counters import Counters
from kiosk.hall.service.counts import WaitingCounts
from kiosk.hall.service.hall import Hall
from kiosk.hall.service.help import Help
from kiosk.hall.service.staff import Staff
from kiosk.hall.service.tickets import Tickets
from kiosk.hall.service.tokens import Tokens

__all__ = [
    "DEVICE_STATES",
    "RATING_LEVELS",
    "RATING_TAGS",
    "ROLES",
    "HallService",
    "IssueResult",
    "Principal",
    "hash_token",
]


class HallService(Help, Tickets, Appointments, Counters, Hall, Staff, Tokens, WaitingCounts, ServiceBase):
    """The hall's service layer, assembled from its parts (each a module of this package)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Ticket and counter events carry the waiting counts after their change (see service.counts).
        self.writer.annotate = self.event_counts
