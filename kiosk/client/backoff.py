"""When to try again after a failed delivery: exponential, capped, jittered (pure: the caller draws)."""

from __future__ import annotations

FIRST_S = 1.0
CAP_S = 30.0


def retry_delay_s(attempts: int, spread: float, first_s: float = FIRST_S, cap_s: float = CAP_S) -> float:
    """Seconds to wait after the `attempts`-th failure (1, 2, ...); `spread` in [0, 1] picks within the step.

    The step doubles from `first_s` up to `cap_s`; the delay is drawn from its upper half, so devices that
    failed together (the back office restarted) do not all come back in the same instant.
    """
    step = min(cap_s, first_s * 2.0 ** min(max(attempts, 1) - 1, 32))
    return step * (0.5 + 0.5 * min(max(spread, 0.0), 1.0))
