"""Tables of the hall store, as SQLAlchemy Core metadata (the migrations create them; tests compare the two).

Times are epoch seconds (float) so SQLite and PostgreSQL store and compare them alike; business days are
ISO dates ('2026-11-23') so numbering can be keyed by them. No table holds a name or an ID-card number
(see day_keys).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

counters = Table(
    "counters",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("window", Integer, nullable=False),
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    # JSON lists of matter ids and counter-group ids; a counter serves their union.
    Column("matters", Text, nullable=False),
    Column("groups", Text, nullable=False),
    Column("paused", Boolean, nullable=False, default=False),
    # Green/yellow calls since the last blue call: the calling rule's memory per counter.
    Column("streak", Integer, nullable=False, default=0),
    Column("updated_at", Float, nullable=False),
)

day_sequences = Table(
    "day_sequences",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("colour", String(8), primary_key=True),
    Column("last_number", Integer, nullable=False),
)

appointments = Table(
    "appointments",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("matter", String(64), nullable=False),
    Column("slot_start", Float, nullable=False),
    Column("slot_end", Float, nullable=False),
    Column("status", String(16), nullable=False),
    # An external booking reference (the booking system's own code), never personal data.
    Column("reference", String(64), nullable=True),
    Column("ticket_id", String(32), nullable=True),
    Column("created_at", Float, nullable=False),
    # HMAC-SHA256 of the resident's ID number under the hall secret "appointments", so a kiosk finds the
    # appointment from the card; cleared when the appointment is checked in or its check-in window ends.
    Column("holder_key", String(64), nullable=True),
    Index(None, "holder_key"),
)

# Long-lived secrets of the hall by name ("appointments": the key of appointments' holder keys).
hall_secrets = Table(
    "hall_secrets",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("secret", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("day", String(10), nullable=False),
    Column("colour", String(8), nullable=False),
    Column("number", String(8), nullable=False),
    Column("matter", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    # Only the counter sees why a ticket is green; it is never printed, shown publicly or put in events.
    Column("green_reason", String(16), nullable=True),
    Column("appointment_id", String(32), ForeignKey("appointments.id"), nullable=True),
    Column("appointment_start", Float, nullable=True),
    Column("position", Float, nullable=False),
    Column("wait_start", Float, nullable=False),
    Column("issued_at", Float, nullable=False),
    Column("called_at", Float, nullable=True),
    Column("started_at", Float, nullable=True),
    Column("finished_at", Float, nullable=True),
    Column("counter_id", String(32), nullable=True),
    Column("recalls", Integer, nullable=False, default=0),
    Column("transfers", Integer, nullable=False, default=0),
    Column("rating", Integer, nullable=True),
    # HMAC-SHA256 of the resident's ID number under the day's secret (day_keys), computed by the kiosk: it
    # recognises the same person today and means nothing once the secret is gone; housekeeping clears it.
    Column("person_key", String(64), nullable=True),
    UniqueConstraint("day", "number"),
    Index(None, "status", "day"),
    # The calling rule needs only a few rows (policy.deciding): per matter and colour its head in order of
    # issue and its longest-waiting ticket, and begun appointments by slot; each is one index seek, so
    # call-next and the wait estimate cost the same with 5 or 50,000 tickets waiting.
    Index(None, "day", "status", "matter", "colour", "position"),
    Index(None, "day", "status", "matter", "colour", "wait_start", "position"),
    Index(None, "day", "status", "colour", "appointment_start"),
    # The mean service time of a matter reads its most recent finished tickets.
    Index(None, "matter", "finished_at"),
    # "Already waiting" and "my tickets today" find a person's few tickets of the day.
    Index(None, "day", "person_key"),
)

# One random secret per business day, handed only to kiosk tokens; deleted when the day is over, which makes
# every person key of that day unlinkable to anyone.
day_keys = Table(
    "day_keys",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("secret", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
)

# Today's waiting tickets per matter and colour, kept by triggers on `tickets` (migration 0004), so the wait
# estimate reads a few counters instead of counting every waiting ticket on each issue. Triggers, unlike
# code in the service layer, cannot miss a path that changes a ticket's status and roll back with it.
waiting_counts = Table(
    "waiting_counts",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("matter", String(64), primary_key=True),
    Column("colour", String(8), primary_key=True),
    Column("n", Integer, nullable=False),
)

# Whether staff have closed the hall now (one row, id 1, once anyone has); opening hours live in config.
hall_state = Table(
    "hall_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("closed", Boolean, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("changed_by", String(100), nullable=False),
    Column("changed_at", Float, nullable=False),
)

# Tickets issued today per matter with a daily quota (号已取完), bumped in the issuing transaction with
# `n < quota` in the same statement, so two kiosks can never both take the last number.
matter_day_counts = Table(
    "matter_day_counts",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("matter", String(64), primary_key=True),
    Column("n", Integer, nullable=False),
)

# A kiosk's call for staff (值班员指导), open until a counter acknowledges it.
help_requests = Table(
    "help_requests",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kiosk", String(100), nullable=False),
    Column("note", String(200), nullable=False),
    Column("requested_at", Float, nullable=False),
    Column("answered_at", Float, nullable=True),
    Column("answered_by", String(100), nullable=True),
    Index(None, "answered_at"),
)

events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("ts", Float, nullable=False),
    Column("type", String(32), nullable=False),
    Column("ticket_id", String(32), nullable=True),
    Column("counter_id", String(32), nullable=True),
    Column("data", Text, nullable=False),
    Index(None, "ts"),
    # SQLite would otherwise reuse the highest seq after a delete; sequence numbers must only grow.
    sqlite_autoincrement=True,
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float, nullable=True),
    # Session tokens of staff who logged in at a counter expire; device tokens do not.
    Column("expires_at", Float, nullable=True),
    Column("staff_id", Integer, nullable=True),
)

staff = Table(
    "staff",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    # scrypt$n$r$p$salt$hash: a slow, salted hash, since staff choose their own passwords.
    Column("password_hash", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("disabled_at", Float, nullable=True),
)

idempotency = Table(
    "idempotency",
    metadata,
    Column("token_id", Integer, primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index(None, "created_at"),
)

devices = Table(
    "devices",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("details", Text, nullable=False),
    Column("reporter", String(100), nullable=False),
    Column("reported_at", Float, nullable=False),
    Column("changed_at", Float, nullable=False),
)

ratings = Table(
    "ratings",
    metadata,
    Column("ticket_id", String(32), ForeignKey("tickets.id"), primary_key=True),
    Column("level", Integer, nullable=False),
    Column("tags", Text, nullable=False),
    Column("counter_id", String(32), nullable=True),
    Column("created_at", Float, nullable=False),
)
