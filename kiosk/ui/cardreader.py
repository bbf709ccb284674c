"""The ID-card reader's watch loop, brought to the GUI thread as the flow's `Resident`.

The driver watches on its own thread and delivers a card resting on the reader once; here each card is
turned at once into the little the flow needs — birth date, validity, whether the number checks, a masked
name — and the driver's `Card` (full name, ID number, photo, address) is dropped on the reader's thread, so
it never reaches the view-model, the screen or the logs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from drivers.idcard import Card, IdCardError, IdCardReader
from drivers.privacy import mask_name
from kiosk.flow.model import Resident
from queue_display.qtapp import emit

log = logging.getLogger(__name__)


def resident_from_card(card: Card) -> Resident:
    return Resident(
        birth_date=card.birth_date,
        valid_to=card.valid_to,
        number_ok=card.number_error() is None,
        # PERSON KEY: the keyed hash of card.number under the day's key (GET /api/v1/kiosk/day-key, with the
        # keyed-hash function of kiosk.client) goes here; until the kiosk has it the back office cannot spot
        # a second ticket for the same person, and the ticket is issued without it.
        person_key=None,
        display_name=mask_name(card.name or card.name_en),
    )


class CardWatch(QObject):
    """Starts the reader's watch loop; `on_card(Resident)` and `on_error(code)` run on the GUI thread."""

    _card = Signal(object)
    _error = Signal(str)

    def __init__(
        self, reader: IdCardReader, on_card: Callable[[Resident], None], on_error: Callable[[str], None]
    ) -> None:
        super().__init__()
        self.reader = reader
        self._on_card = on_card
        self._on_error = on_error
        queued = Qt.ConnectionType.QueuedConnection
        self._card.connect(self._deliver_card, queued)
        self._error.connect(self._deliver_error, queued)

    def start(self) -> None:
        self.reader.start(self._read, on_error=self._failed)

    def stop(self) -> None:
        self.reader.stop()

    # --- the reader's thread ---------------------------------------------------------------------------

    def _read(self, card: Card) -> None:
        emit(self._card, resident_from_card(card))

    def _failed(self, error: IdCardError) -> None:
        log.info("kiosk: a card could not be read (%s)", error.code)
        emit(self._error, error.code)

    # --- the GUI thread --------------------------------------------------------------------------------

    @Slot(object)
    def _deliver_card(self, resident: Resident) -> None:
        self._on_card(resident)

    @Slot(str)
    def _deliver_error(self, code: str) -> None:
        self._on_error(code)
