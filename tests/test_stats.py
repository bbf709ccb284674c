"""Statistics from events: worked examples, and properties over random ticket histories."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.hall.stats import compute_stats, percentile


def ev(
    seq: int,
    ts: float,
    kind: str,
    tid: str,
    colour: str = "blue",
    matter: str = "m1",
    counter: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "ts": ts,
        "type": kind,
        "data": {"ticket": {"id": tid, "colour": colour, "matter": matter, "counter": counter}, **extra},
    }


def test_worked_example() -> None:
    events = [
        ev(1, 0, "ticket.issued", "a", "green"),
        ev(2, 10, "ticket.issued", "b"),
        ev(3, 20, "ticket.issued", "c"),
        ev(4, 60, "ticket.called", "a", "green", counter="k1"),
        ev(5, 70, "ticket.started", "a", "green", counter="k1"),
        ev(6, 370, "ticket.finished", "a", "green", counter="k1"),
        ev(7, 380, "ticket.rated", "a", "green", counter="k1", level=2, tags=["efficiency"]),
        ev(8, 400, "ticket.called", "b", counter="k1"),
        ev(9, 460, "ticket.no_show", "b", counter="k1"),
        ev(10, 500, "ticket.reinstated", "b"),
        ev(11, 520, "ticket.called", "b", counter="k2"),
        ev(12, 530, "ticket.started", "b", counter="k2"),
        ev(13, 590, "ticket.transferred", "b", matter="m2", from_matter="m1", to_matter="m2"),
        ev(14, 650, "ticket.called", "b", matter="m2", counter="k1"),
        ev(15, 700, "ticket.cancelled", "c"),
    ]
    s = compute_stats(events)
    assert s["issued"] == {"all": 3, "blue": 2, "green": 1}
    assert s["waiting"]["all"] == {"count": 4, "mean_s": (60 + 390 + 20 + 60) / 4, "p90_s": 390.0}
    assert s["waiting"]["by_colour"]["green"]["mean_s"] == 60.0
    assert s["waiting"]["by_matter"]["m2"]["count"] == 1
    assert s["service"]["by_counter"] == {
        "k1": {"count": 1, "mean_s": 300.0, "p90_s": 300.0},
        "k2": {"count": 1, "mean_s": 60.0, "p90_s": 60.0},
    }
    assert s["no_show_rate"] == round(1 / 3, 4)
    assert s["no_show_rate_by_counter"] == {"k1": 0.5, "k2": 0.0}
    assert s["ratings"]["levels"]["2"] == 1 and s["ratings"]["bad_rate"] == 1.0
    assert s["outcomes"]["cancelled"] == 1 and s["waiting_now"] == 0


def test_percentile_nearest_rank() -> None:
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert percentile([5], 0.9) == 5


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from(
                [
                    "ticket.issued",
                    "ticket.called",
                    "ticket.started",
                    "ticket.finished",
                    "ticket.no_show",
                    "ticket.reinstated",
                    "ticket.cancelled",
                ]
            ),
            st.integers(1, 100),
        ),
        max_size=60,
    )
)
def test_any_history_gives_sane_figures(steps: list[tuple[int, str, int]]) -> None:
    ts = 0.0
    events = []
    for seq, (t, kind, gap) in enumerate(steps, 1):
        ts += gap
        events.append(ev(seq, ts, kind, f"t{t}", counter="k1"))
    s = compute_stats(events)
    for block in (s["waiting"], s["service"]):
        a = block["all"]
        if a["count"]:
            assert 0 <= a["mean_s"] <= ts and 0 <= a["p90_s"] <= ts
    if s["no_show_rate"] is not None:
        assert 0 <= s["no_show_rate"] <= 1
    assert s["issued"]["all"] == sum(1 for _, k, _ in steps if k == "ticket.issued")
