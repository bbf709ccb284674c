"""The back office as devices see it: one Qt-free client for the call board, counter terminal, rating pad
and kiosk.

REST calls with typed results (`rest`, `models`), stable errors (`errors`), the event follower
(`follower`), LAN discovery (`discovery`), the connect sequence (`connect`) and an on-disk outbox for
what must reach the back office eventually (`outbox`). Nothing here imports the back office (kiosk.hall),
Qt or a database driver: the back office may import from here, never the other way round.
"""

from kiosk.client.connect import HallLink, Start
from kiosk.client.errors import HallApiError, HallUnreachable, Refused
from kiosk.client.follower import EventFollower, FollowerState, Link, Mode
from kiosk.client.models import (
    Catalogue,
    Counter,
    Event,
    Health,
    Login,
    Matter,
    QueueSnapshot,
    RatingReceipt,
    TicketBrief,
    Waiting,
)
from kiosk.client.rest import HallClient

__all__ = [
    "Catalogue",
    "Counter",
    "Event",
    "EventFollower",
    "FollowerState",
    "HallApiError",
    "HallClient",
    "HallLink",
    "HallUnreachable",
    "Health",
    "Link",
    "Login",
    "Matter",
    "Mode",
    "QueueSnapshot",
    "RatingReceipt",
    "Refused",
    "Start",
    "TicketBrief",
    "Waiting",
]
