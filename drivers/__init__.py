"""Pluggable hall hardware: ID-card readers, cameras, receipt printers, speech, QR scanners, LED displays.

Each kind is a small package with a pure codec, a transport, a driver, a wire-level simulator and a
diagnostics hook; drivers are found through Python entry points. Drivers are the bottom layer: they
import no app code (kiosk, queue_display), so each runs, with its simulator, on its own.
"""
