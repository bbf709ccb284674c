"""The counter's LED window display, driven off the GUI thread and never in the way of calling.

A serial display that does not answer costs up to (retries + 1) x timeout_s per request, so requests run on a
worker of their own: a call goes through at once and the LED catches up; a fault only raises a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)
# (ok, error code) reported after each request; runs on the LED worker thread.
Report = Callable[[bool, str], None]


class LedWindow:
    def __init__(self, settings: Mapping[str, Any] | None, report: Report) -> None:
        self.settings = dict(settings or {})
        self.report = report
        self._driver: Any = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="led")

    def _display(self) -> Any:
        if self._driver is None:
            from drivers import registry

            self._driver = registry.create("led", self.settings)
        return self._driver

    def _do(self, what: str, fn: Callable[[Any], None]) -> None:
        def work() -> None:
            try:
                fn(self._display())
            except Exception as exc:  # any driver or settings fault becomes a warning, never an exception
                code = getattr(exc, "code", "") or ("led.settings" if self._driver is None else "led.error")
                log.warning("LED window display: %s failed: %s", what, exc)
                self.report(False, str(code))
                return
            self.report(True, "")

        self._pool.submit(work)

    def call(self, number: str, window: int | str) -> None:
        """Show the called number and draw the eye with a short blink (the driver caps it at 3 a second)."""

        def show(led: Any) -> None:
            led.show(number, window)
            try:
                led.blink(window=window)
            except Exception as exc:
                # Number-only modules (ascii-line) cannot blink; the number is up, which is what matters.
                if getattr(exc, "code", "") != "led.unsupported":
                    raise

        self._do("show", show)

    def clear(self, window: int | str) -> None:
        self._do("clear", lambda led: led.clear(window))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._driver is not None:
            try:
                self._driver.close()
            except Exception:
                log.debug("LED close failed", exc_info=True)
