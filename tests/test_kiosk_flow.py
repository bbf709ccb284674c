"""The kiosk's take-a-ticket flow, without Qt: screens, taps, effects, privacy."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kiosk.flow.idle import IdleClock, IdleSettings
from kiosk.flow.model import GREEN_REASONS, IssuedTicket, MatterInfo, Refusal, Resident, Screen
from kiosk.flow.ticket import FlowError, Issue, OfferElderMode, Print, Reprint, Speak, TicketFlow
from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue

TODAY = date(2026, 12, 1)
GREEN_AGE = 60
CATALOGUE = load_catalogue(DEFAULT_CATALOGUE_PATH)
MATTERS = {
    m.id: MatterInfo(id=m.id, category=m.category, id_required=m.id_required, enterprise=m.enterprise)
    for m in CATALOGUE.matters
}
NEEDS_ID = next(m for m in MATTERS.values() if m.id_required)
NO_ID = next(m for m in MATTERS.values() if not m.id_required)


def resident(age: int = 35, *, expired: bool = False, number_ok: bool = True) -> Resident:
    return Resident(
        birth_date=date(TODAY.year - age, 1, 1),
        valid_to=date(2020, 1, 1) if expired else None,
        number_ok=number_ok,
        person_key=f"key-{age}",
        display_name="王*",
    )


def ticket(number: str = "B001", *, reprint: bool = False) -> IssuedTicket:
    return IssuedTicket(
        id="t1",
        number=number,
        colour="blue",
        matter=NEEDS_ID.id,
        waiting_ahead=2,
        estimated_wait_s=600,
        reprint=reprint,
    )


def new_flow() -> TicketFlow:
    """A flow whose idempotency keys are k0, k1, … so tests can name them."""
    keys = iter(f"k{i}" for i in range(1000))
    return TicketFlow(MATTERS, GREEN_AGE, new_key=lambda: next(keys))


def walk_to_confirm(flow: TicketFlow, matter: MatterInfo, who: Resident | None) -> None:
    flow.start_ticket()
    flow.choose_category(matter.category)
    flow.choose_matter(matter.id, TODAY)
    if flow.screen is Screen.IDENTIFY:
        assert who is not None
        flow.card_read(who, TODAY)
    if flow.screen is Screen.GREEN_REASONS:
        flow.declare_green(None)


def screens_spoken(effects: list[object]) -> list[str]:
    return [e.prompt for e in effects if isinstance(e, Speak)]


def test_the_standard_path_visits_every_screen_in_order_and_issues_once() -> None:
    flow = new_flow()
    seen = [flow.screen]
    flow.start_ticket()
    seen.append(flow.screen)
    flow.choose_category(NEEDS_ID.category)
    seen.append(flow.screen)
    flow.choose_matter(NEEDS_ID.id, TODAY)
    seen.append(flow.screen)
    flow.card_read(resident(35), TODAY)
    seen.append(flow.screen)
    flow.declare_green("pregnancy")
    seen.append(flow.screen)
    flow.confirm()
    seen.append(flow.screen)
    effects = flow.take_effects()
    issues = [e for e in effects if isinstance(e, Issue)]
    assert issues == [Issue(NEEDS_ID.id, "pregnancy", "key-35", "k0")]
    flow.issued(ticket())
    seen.append(flow.screen)
    assert seen == [
        Screen.HOME,
        Screen.CATEGORIES,
        Screen.MATTERS,
        Screen.IDENTIFY,
        Screen.GREEN_REASONS,
        Screen.CONFIRM,
        Screen.ISSUING,
        Screen.TICKET,
    ]
    after = flow.take_effects()
    assert Print(ticket()) in after
    # Every screen entered was announced, so elder mode can speak it and "hear it again" can repeat it.
    assert screens_spoken(effects + after) == [f"screen.{s.value}" for s in seen[1:]]


def test_result_screens_say_the_number_and_where_to_go_or_why_not() -> None:
    flow = new_flow()
    walk_to_confirm(flow, NEEDS_ID, resident())
    flow.confirm()
    flow.take_effects()
    flow.issued(IssuedTicket("t1", "B012", "blue", NEEDS_ID.id, 3, 900, (4, 5)))
    spoken = [e for e in flow.take_effects() if isinstance(e, Speak)]
    assert spoken == [
        Speak("screen.ticket", (("number", "B012"), ("colour", "blue"), ("waiting", "3"), ("window", "4")))
    ]
    flow.home()
    walk_to_confirm(flow, NEEDS_ID, resident())
    flow.confirm()
    flow.take_effects()
    flow.refused(Refusal("quota_used"))
    assert flow.take_effects() == [Speak("screen.refused", (("code", "quota_used"),))]


def test_a_card_at_green_age_makes_the_ticket_green_without_asking_and_offers_elder_mode() -> None:
    flow = new_flow()
    flow.start_ticket()
    flow.choose_category(NEEDS_ID.category)
    flow.choose_matter(NEEDS_ID.id, TODAY)
    flow.card_read(resident(GREEN_AGE), TODAY)
    assert flow.screen is Screen.CONFIRM
    assert flow.green_reason == "age"
    flow.confirm()
    effects = flow.take_effects()
    assert OfferElderMode() in effects
    assert next(e for e in effects if isinstance(e, Issue)).green_reason == "age"


def test_one_day_short_of_green_age_is_asked_for_reasons() -> None:
    flow = new_flow()
    who = Resident(date(TODAY.year - GREEN_AGE, TODAY.month, TODAY.day + 1), None, True, "k")
    flow.start_ticket()
    flow.choose_category(NEEDS_ID.category)
    flow.choose_matter(NEEDS_ID.id, TODAY)
    flow.card_read(who, TODAY)
    assert flow.screen is Screen.GREEN_REASONS


def test_a_matter_that_needs_no_id_skips_identify_and_sends_no_person_key() -> None:
    flow = new_flow()
    walk_to_confirm(flow, NO_ID, None)
    assert flow.screen is Screen.CONFIRM
    flow.confirm()
    issue = next(e for e in flow.take_effects() if isinstance(e, Issue))
    assert issue.person_key is None


@pytest.mark.parametrize(
    ("card", "problem"), [(resident(expired=True), "expired"), (resident(number_ok=False), "bad_number")]
)
def test_an_expired_card_or_a_bad_check_digit_is_explained_and_the_resident_stays_on_identify(
    card: Resident, problem: str
) -> None:
    flow = new_flow()
    flow.start_ticket()
    flow.choose_category(NEEDS_ID.category)
    flow.choose_matter(NEEDS_ID.id, TODAY)
    flow.take_effects()
    flow.card_read(card, TODAY)
    assert flow.screen is Screen.IDENTIFY
    assert flow.card_problem == problem
    assert flow.resident is None
    assert flow.take_effects() == [Speak(f"card.{problem}")]
    flow.card_read(resident(35), TODAY)
    assert flow.screen is Screen.GREEN_REASONS
    assert flow.card_problem is None


def test_the_same_person_waiting_for_the_same_matter_is_offered_a_reprint_not_a_second_number() -> None:
    flow = new_flow()
    walk_to_confirm(flow, NEEDS_ID, resident())
    flow.confirm()
    flow.refused(Refusal("already_waiting"), existing=ticket("B007"))
    assert flow.screen is Screen.REPRINT_OFFER
    flow.take_effects()
    flow.accept_reprint()
    assert flow.screen is Screen.TICKET
    assert Reprint("t1") in flow.take_effects()


@pytest.mark.parametrize(
    ("code", "screen"),
    [
        ("hall_closed", Screen.CLOSED),
        ("quota_used", Screen.REFUSED),
        ("outside_ticket_hours", Screen.REFUSED),
    ],
)
def test_refusals_lead_to_their_screen(code: str, screen: Screen) -> None:
    flow = new_flow()
    walk_to_confirm(flow, NEEDS_ID, resident())
    flow.confirm()
    flow.refused(Refusal(code, "m", "m_zh"))
    assert flow.screen is screen
    assert flow.refusal is not None and flow.refusal.code == code
    assert not flow.can_go_back


def test_an_outage_keeps_the_idempotency_key_so_the_retry_never_issues_twice() -> None:
    flow = new_flow()
    walk_to_confirm(flow, NEEDS_ID, resident())
    flow.confirm()
    first = next(e for e in flow.take_effects() if isinstance(e, Issue))
    flow.unreachable()
    assert flow.screen is Screen.OUT_OF_SERVICE
    assert flow.pending_issue == first
    flow.issued(ticket())
    assert flow.screen is Screen.TICKET
    assert flow.pending_issue is None


def test_back_returns_along_the_path_and_is_not_offered_once_a_ticket_is_being_issued() -> None:
    flow = new_flow()
    walk_to_confirm(flow, NEEDS_ID, resident())
    flow.back()
    assert flow.screen is Screen.GREEN_REASONS
    flow.back()
    assert flow.screen is Screen.IDENTIFY
    flow.card_read(resident(), TODAY)
    flow.declare_green(None)
    assert flow.can_go_home
    flow.confirm()
    assert not flow.can_go_back and not flow.can_go_home
    with pytest.raises(FlowError):
        flow.back()
    flow.issued(ticket())
    assert flow.can_go_home


def test_home_wipes_every_personal_datum() -> None:
    flow = new_flow()
    walk_to_confirm(flow, NEEDS_ID, resident())
    flow.confirm()
    flow.issued(ticket())
    flow.home()
    assert flow.screen is Screen.HOME
    assert (flow.resident, flow.green_reason, flow.ticket, flow.matter, flow.pending_issue) == (
        None,
        None,
        None,
        None,
        None,
    )


def test_a_resident_repr_never_shows_the_person() -> None:
    who = resident()
    assert "key" not in repr(who) and "王" not in str(who) and "1991" not in repr(who)


def elder_taps_to_ticket(matter: MatterInfo, who: Resident, card_first: bool) -> int:
    """Taps an elder-mode resident needs from home to the ticket on screen."""
    flow = TicketFlow(MATTERS, GREEN_AGE, elder=True)
    taps = 0
    if card_first:
        flow.card_read(who, TODAY)
    flow.choose_category(matter.category)
    taps += 1
    flow.choose_matter(matter.id, TODAY)
    taps += 1
    if flow.screen is Screen.IDENTIFY:
        flow.card_read(who, TODAY)  # placing the card is not a tap
    if flow.screen is Screen.GREEN_REASONS:
        flow.declare_green(None)
        taps += 1
    flow.confirm()
    taps += 1
    flow.issued(ticket())
    assert flow.screen is Screen.TICKET
    return taps


@given(st.sampled_from(sorted(MATTERS)), st.integers(18, 100), st.booleans())
def test_elder_mode_reaches_a_ticket_in_at_most_four_taps_for_every_matter(
    matter_id: str, age: int, card_first: bool
) -> None:
    taps = elder_taps_to_ticket(MATTERS[matter_id], resident(age), card_first)
    assert taps <= 4
    if age >= GREEN_AGE and MATTERS[matter_id].id_required:
        assert taps == 3


class FlowMachine(RuleBasedStateMachine):
    """Any order of taps, card reads and answers: only FlowError for taps a screen does not offer, the green
    reason never spoken, and home always leaves nothing personal behind."""

    def __init__(self) -> None:
        super().__init__()
        self.flow = TicketFlow(MATTERS, GREEN_AGE)
        self.spoken: list[Speak] = []

    def _try(self, action: object) -> None:
        with contextlib.suppress(FlowError):
            action()  # type: ignore[operator]
        self.spoken += [e for e in self.flow.take_effects() if isinstance(e, Speak)]

    @rule()
    def start(self) -> None:
        self._try(self.flow.start_ticket)

    @rule(cat=st.sampled_from(sorted({m.category for m in MATTERS.values()})))
    def category(self, cat: str) -> None:
        self._try(lambda: self.flow.choose_category(cat))

    @rule(mid=st.sampled_from(sorted(MATTERS)))
    def matter(self, mid: str) -> None:
        self._try(lambda: self.flow.choose_matter(mid, TODAY))

    @rule(age=st.integers(0, 110), expired=st.booleans(), ok=st.booleans())
    def card(self, age: int, expired: bool, ok: bool) -> None:
        self._try(lambda: self.flow.card_read(resident(age, expired=expired, number_ok=ok), TODAY))

    @rule(reason=st.sampled_from((None, *GREEN_REASONS)))
    def green(self, reason: str | None) -> None:
        self._try(lambda: self.flow.declare_green(reason))

    @rule()
    def confirm(self) -> None:
        self._try(self.flow.confirm)

    @rule(code=st.sampled_from(("already_waiting", "hall_closed", "quota_used")))
    def answer_refused(self, code: str) -> None:
        self._try(lambda: self.flow.refused(Refusal(code), existing=ticket()))

    @rule()
    def answer_issued(self) -> None:
        self._try(lambda: self.flow.issued(ticket()))

    @rule()
    def outage(self) -> None:
        if self.flow.screen is Screen.ISSUING:
            self._try(self.flow.unreachable)

    @rule()
    def back(self) -> None:
        self._try(self.flow.back)

    @rule()
    def home(self) -> None:
        self._try(self.flow.home)
        assert self.flow.resident is None and self.flow.green_reason is None and self.flow.ticket is None

    @invariant()
    def green_reason_never_spoken(self) -> None:
        for s in self.spoken:
            assert not any(v in GREEN_REASONS for _, v in s.params)

    @invariant()
    def issuing_only_with_a_matter(self) -> None:
        if self.flow.screen in (Screen.CONFIRM, Screen.ISSUING):
            assert self.flow.matter is not None
        if self.flow.screen is Screen.CONFIRM and self.flow.matter and self.flow.matter.id_required:
            assert self.flow.resident is not None


FlowMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
test_any_sequence_of_taps_keeps_the_flow_sound = FlowMachine.TestCase


def test_the_idle_clock_warns_twenty_seconds_ahead_extends_ten_times_and_expires() -> None:
    s = IdleSettings(timeout_s=60, elder_timeout_s=120, warn_s=20, max_extensions=10)
    clock = IdleClock(s, now=0.0)
    assert clock.remaining_s(0.0) == 60 and not clock.warning(39.0) and clock.warning(40.5)
    assert clock.extend(45.0) and clock.remaining_s(45.0) == 60
    for i in range(9):
        assert clock.extend(50.0 + i)
    assert not clock.extend(70.0) and not clock.can_extend
    assert clock.expired(58.0 + 60) and clock.remaining_s(200.0) == 0
    clock.reset(300.0)
    assert clock.can_extend
    assert clock.timeout_s == 60
    clock.touch(300.0, elder=True)
    assert clock.remaining_s(300.0) == 120 and clock.timeout_s == 120


@given(st.floats(0, 1e6, allow_nan=False))
def test_the_countdown_starts_at_the_whole_timeout_whatever_the_clock_reads(now: float) -> None:
    # 1061.9 - 1001.9 is 60.000000000000114 in floating point: the countdown must still say 60, not 61.
    clock = IdleClock(IdleSettings(timeout_s=60), now=now)
    assert clock.remaining_s(now) == 60
    clock.touch(now + 1.9)
    assert clock.remaining_s(now + 1.9) == 60


def test_a_printer_fault_keeps_the_ticket_and_asks_to_remember_the_number() -> None:
    flow = new_flow()
    walk_to_confirm(flow, NEEDS_ID, resident(35))
    flow.confirm()
    flow.issued(ticket("B007"))
    flow.take_effects()
    flow.print_failed("printer_paper_out")
    assert flow.screen is Screen.TICKET and flow.ticket is not None and flow.ticket.number == "B007"
    assert flow.print_problem == "printer_paper_out"
    assert flow.take_effects() == [
        Speak("ticket.print_failed", (("number", "B007"), ("code", "printer_paper_out")))
    ]
    flow.home()
    assert flow.print_problem is None and flow.ticket is None


def test_a_printer_fault_after_the_resident_left_changes_nothing_on_screen() -> None:
    flow = new_flow()
    flow.print_failed("printer_offline")
    assert flow.screen is Screen.HOME and flow.print_problem is None and flow.take_effects() == []
