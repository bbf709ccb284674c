"""The resident kiosk's flows: UI-free state machines (no Qt, no IO, `now` an argument)."""
