"""The kiosk's real effects port: tickets from the back office, paper from the printer, prompts through the
speech driver, each on a worker thread, every answer handed back on the GUI thread.

Issue: `POST /tickets` with the flow's idempotency key. While the back office does not answer, the flow is
told once (it shows out-of-service) and the same request is sent again, same key, until an answer comes;
so the ticket the resident finally sees is the one the back office holds, never one it does not know, and
never two. A resident who goes home meanwhile abandons the retries.

Print: the printer driver refuses (PrinterError) when it cannot print; the ticket stands, the view-model is
told (`on_print_failed`, the ticket screen asks the resident to photograph or remember the number) and a
device report goes into the on-disk outbox, delivered to the back office when it can be.

Speak: one prompt at a time; a new one interrupts the old (Speech.interrupt). Mute cuts what is playing.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from drivers.base import DeviceStatus, Health
from drivers.printer import PrinterError, ReceiptPrinter, TicketPrint
from drivers.speech import Speech
from drivers.speech.phrases import PhraseError
from kiosk.client import HallApiError, HallClient, HallUnreachable, Refused
from kiosk.client.backoff import retry_delay_s
from kiosk.client.outbox import DeliveryWorker, Item, Outbox
from kiosk.flow.model import IssuedTicket, Refusal
from kiosk.flow.ticket import Issue
from kiosk.ui.effects import IssueDone, IssueOutcome
from queue_display.qtapp import emit
from queue_display.theme import COLOURS

log = logging.getLogger(__name__)

DEVICE_REPORT = "device_report"
# A resident is waiting on the out-of-service screen: try again often, but not in a tight loop.
ISSUE_RETRY_CAP_S = 3.0


def issued_ticket(data: Mapping[str, Any], windows: Mapping[str, tuple[int, ...]]) -> IssuedTicket:
    """The back office's ticket JSON as the flow knows it; the windows are those serving its matter."""
    matter = str(data["matter"])
    return IssuedTicket(
        id=str(data["id"]),
        number=str(data["number"]),
        colour=str(data["colour"]),
        matter=matter,
        waiting_ahead=data.get("waiting_ahead"),
        estimated_wait_s=data.get("estimated_wait_s"),
        windows=tuple(windows.get(matter, ())),
    )


def prompt_values(params: Mapping[str, str], lang: str) -> dict[str, Any]:
    """A flow prompt's parameters as the phrase templates take them: the colour by its spoken name."""
    values: dict[str, Any] = dict(params)
    style = COLOURS.get(values.get("colour", ""))
    if style is not None:
        values["colour"] = style.name_zh if lang == "zh_CN" else style.name_en
    return values


class HallEffects(QObject):
    """The EffectsPort of `kiosk run` (see kiosk.ui.effects)."""

    _to_gui = Signal(object)

    def __init__(
        self,
        client: HallClient,
        *,
        device_id: str,
        hall_name: tuple[str, str],
        public_url: str,
        tz: tzinfo | None = None,
        printer: ReceiptPrinter | None = None,
        speech: Speech | None = None,
        outbox: Outbox | None = None,
        windows: Mapping[str, tuple[int, ...]] | None = None,
        retry_cap_s: float = ISSUE_RETRY_CAP_S,
    ) -> None:
        super().__init__()
        self.client = client
        self.device_id = device_id
        self.hall_name, self.hall_name_en = hall_name
        self.public_url = public_url
        self.tz = tz
        self.printer = printer
        self.speech = speech
        self.outbox = outbox
        self.windows = dict(windows or {})
        self.retry_cap_s = retry_cap_s
        # Told on the GUI thread when a ticket could not be printed (the view-model's print_failed).
        self.on_print_failed: Callable[[str], None] = lambda code: None
        self._printable: dict[str, Mapping[str, Any]] = {}  # ticket id -> its JSON, for the printer
        self._abandoned: set[str] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._muted = False
        self._printer_fault: str | None = None
        self._issues = ThreadPoolExecutor(1, thread_name_prefix="kiosk-issue")
        self._prints = ThreadPoolExecutor(1, thread_name_prefix="kiosk-print")
        self._to_gui.connect(self._run_on_gui, Qt.ConnectionType.QueuedConnection)
        self.delivery: DeliveryWorker | None = None
        if outbox is not None:
            self.delivery = DeliveryWorker(outbox, self._deliver)
            self.delivery.start()

    # --- the port --------------------------------------------------------------------------------------

    def issue(self, request: Issue, done: IssueDone) -> None:
        self._issues.submit(self._issue_until_answered, request, done)

    def abandon(self, idempotency_key: str) -> None:
        with self._lock:
            self._abandoned.add(idempotency_key)

    def print_ticket(self, ticket: IssuedTicket, lang: str) -> None:
        self._prints.submit(self._print, ticket.id, False)

    def reprint(self, ticket_id: str, lang: str) -> None:
        self._prints.submit(self._print, ticket_id, True)

    def speak(self, prompt: str, params: Mapping[str, str], lang: str) -> None:
        if self.speech is None or self._muted:
            return
        self.speech.interrupt()
        try:
            self.speech.say_phrase(prompt, lang, **prompt_values(params, lang))
        except PhraseError as exc:  # a prompt without its template is a gap in the phrase file, not a crash
            log.warning("kiosk: cannot speak %s: %s", prompt, exc)

    def set_volume(self, volume: int, muted: bool) -> None:
        self._muted = muted or volume <= 0
        if self.speech is None:
            return
        if self._muted:
            self.speech.interrupt()
        else:
            # The driver's amplitude floor is 0.1: the lowest step stays audible rather than silent.
            self.speech.volume = max(0.1, min(1.0, volume / 100))

    def offer_elder_mode(self) -> None:
        """The offer is on screen; its words are spoken with the screen's prompt in elder mode."""

    def close(self) -> None:
        self._closed.set()
        self._issues.shutdown(wait=False, cancel_futures=True)
        self._prints.shutdown(wait=True, cancel_futures=True)
        if self.delivery is not None:
            self.delivery.stop()
        if self.speech is not None:
            self.speech.interrupt()

    # --- issuing (worker thread) -----------------------------------------------------------------------

    def _issue_until_answered(self, request: Issue, done: IssueDone) -> None:
        body: dict[str, Any] = {"matter": request.matter}
        if request.green_reason:
            body["green_reason"] = request.green_reason
        # PERSON KEY: request.person_key (the keyed hash of the ID number under the day's key from
        # GET /api/v1/kiosk/day-key) is sent here once the back office takes it; until then it is None.
        headers = {"Idempotency-Key": request.idempotency_key}
        attempts = 0
        told = False
        while not self._closed.is_set():
            with self._lock:
                if request.idempotency_key in self._abandoned:
                    return
            try:
                data = self.client.post("/tickets", body, headers=headers)
            except (HallUnreachable, Refused) as exc:
                # Refused: this kiosk's token is not (yet) accepted, which a technician fixes; to the
                # resident it is the same as a back office away.
                self._retry_later(exc, attempts)
            except HallApiError as exc:
                if exc.status >= 500 or exc.status == 429:
                    self._retry_later(exc, attempts)
                else:
                    refused = IssueOutcome(refusal=Refusal(exc.code, exc.message, exc.message_zh))
                    self._gui(lambda answer=refused: done(answer))  # type: ignore[misc]
                    return
            else:
                ticket = issued_ticket(data, self.windows)
                with self._lock:
                    self._printable[ticket.id] = data
                issued = IssueOutcome(ticket=ticket)
                self._gui(lambda answer=issued: done(answer))  # type: ignore[misc]
                return
            if not told:
                told = True
                self._gui(lambda: done(IssueOutcome()))
            attempts += 1
            self._closed.wait(retry_delay_s(attempts, random.random(), cap_s=self.retry_cap_s))

    def _retry_later(self, exc: Exception, attempts: int) -> None:
        if attempts == 0:
            log.warning("kiosk: the back office did not answer a ticket request (%s); retrying", exc)

    # --- printing (worker thread) ----------------------------------------------------------------------

    def _print(self, ticket_id: str, reprint: bool) -> None:
        with self._lock:
            # Taken, not kept: a kiosk issues thousands a week, and a reprint reads the ticket again.
            data = self._printable.pop(ticket_id, None)
        try:
            if data is None:  # a reprint of a ticket issued elsewhere or before a restart
                data = self.client.get(f"/tickets/{ticket_id}")
            if self.printer is None:
                raise PrinterError(
                    "printer_unreachable", "this kiosk has no printer configured", "本机未配置打印机"
                )
            job = TicketPrint.from_api(
                data, self.hall_name, self.public_url, hall_name_en=self.hall_name_en, tz=self.tz
            )
            self.printer.print_ticket(job)
        except PrinterError as exc:
            self._printer_failed(exc)
        except (HallUnreachable, HallApiError) as exc:
            log.warning("kiosk: cannot reprint %s: %s", ticket_id, exc)
            self._gui(lambda: self.on_print_failed("printer_no_ticket"))
        else:
            if self._printer_fault is not None:
                self._printer_fault = None
                self._report(DeviceStatus(Health.OK, "printing again"))

    def _printer_failed(self, exc: PrinterError) -> None:
        code = exc.code
        self._gui(lambda: self.on_print_failed(code))
        if self._printer_fault != code:  # one report per fault, not one per ticket it spoils
            self._printer_fault = code
            self._report(
                DeviceStatus(Health.FAULT, exc.message, exc.message_zh, {"code": code, "partial": exc.sent})
            )

    # --- device reports through the outbox -------------------------------------------------------------

    def _report(self, status: DeviceStatus, kind: str = "printer") -> None:
        if self.outbox is None:
            return
        body = status.report(kind)
        self.outbox.put(DEVICE_REPORT, {"device": f"{self.device_id}-{kind}", "body": body})
        if self.delivery is not None:
            self.delivery.nudge()

    def _deliver(self, item: Item) -> Any:
        if item.kind != DEVICE_REPORT:
            raise ValueError(f"unknown outbox item kind {item.kind!r}")
        return self.client.post(f"/devices/{item.payload['device']}/status", item.payload["body"])

    # --- the GUI thread --------------------------------------------------------------------------------

    def _gui(self, fn: Callable[[], None]) -> None:
        emit(self._to_gui, fn)

    @Slot(object)
    def _run_on_gui(self, fn: Callable[[], None]) -> None:
        fn()
