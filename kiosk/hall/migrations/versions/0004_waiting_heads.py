"""indexes for the calling rule's few rows, and per-matter waiting counts kept by triggers

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

A later migration that makes SQLite rebuild `tickets` (batch mode "recreate") drops its triggers: such a
migration must create them again (`_create_triggers`).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER tickets_waiting_insert AFTER INSERT ON tickets WHEN NEW.status = 'waiting'
    BEGIN
        INSERT OR IGNORE INTO waiting_counts (day, matter, colour, n)
            VALUES (NEW.day, NEW.matter, NEW.colour, 0);
        UPDATE waiting_counts SET n = n + 1
            WHERE day = NEW.day AND matter = NEW.matter AND colour = NEW.colour;
    END
    """,
    """
    CREATE TRIGGER tickets_waiting_delete AFTER DELETE ON tickets WHEN OLD.status = 'waiting'
    BEGIN
        UPDATE waiting_counts SET n = n - 1
            WHERE day = OLD.day AND matter = OLD.matter AND colour = OLD.colour;
    END
    """,
    """
    CREATE TRIGGER tickets_waiting_update AFTER UPDATE OF status, day, matter, colour ON tickets
    WHEN OLD.status = 'waiting' OR NEW.status = 'waiting'
    BEGIN
        UPDATE waiting_counts SET n = n - 1
            WHERE OLD.status = 'waiting' AND day = OLD.day AND matter = OLD.matter AND colour = OLD.colour;
        INSERT OR IGNORE INTO waiting_counts (day, matter, colour, n)
            SELECT NEW.day, NEW.matter, NEW.colour, 0 WHERE NEW.status = 'waiting';
        UPDATE waiting_counts SET n = n + 1
            WHERE NEW.status = 'waiting' AND day = NEW.day AND matter = NEW.matter AND colour = NEW.colour;
    END
    """,
)

_POSTGRES_TRIGGERS = (
    """
    CREATE FUNCTION tickets_count_waiting() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            IF OLD.status = 'waiting' THEN
                UPDATE waiting_counts SET n = n - 1
                    WHERE day = OLD.day AND matter = OLD.matter AND colour = OLD.colour;
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            IF NEW.status = 'waiting' THEN
                INSERT INTO waiting_counts AS w (day, matter, colour, n)
                    VALUES (NEW.day, NEW.matter, NEW.colour, 1)
                    ON CONFLICT (day, matter, colour) DO UPDATE SET n = w.n + 1;
            END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER tickets_count_waiting
        AFTER INSERT OR DELETE OR UPDATE OF status, day, matter, colour ON tickets
        FOR EACH ROW EXECUTE FUNCTION tickets_count_waiting()
    """,
)


def _create_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for sql in _POSTGRES_TRIGGERS if postgres else _SQLITE_TRIGGERS:
        op.execute(sql)


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_day_status_matter_colour"))
        batch_op.create_index(
            batch_op.f("ix_tickets_day_status_matter_colour_position"),
            ["day", "status", "matter", "colour", "position"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_tickets_day_status_matter_colour_wait_start_position"),
            ["day", "status", "matter", "colour", "wait_start", "position"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_tickets_day_status_colour_appointment_start"),
            ["day", "status", "colour", "appointment_start"],
            unique=False,
        )
    op.create_table(
        "waiting_counts",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("matter", sa.String(length=64), nullable=False),
        sa.Column("colour", sa.String(length=8), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "matter", "colour", name=op.f("pk_waiting_counts")),
    )
    op.execute(
        "INSERT INTO waiting_counts (day, matter, colour, n) "
        "SELECT day, matter, colour, count(*) FROM tickets WHERE status = 'waiting' "
        "GROUP BY day, matter, colour"
    )
    _create_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tickets_count_waiting ON tickets")
        op.execute("DROP FUNCTION tickets_count_waiting()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER tickets_waiting_{name}")
    op.drop_table("waiting_counts")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_day_status_colour_appointment_start"))
        batch_op.drop_index(batch_op.f("ix_tickets_day_status_matter_colour_wait_start_position"))
        batch_op.drop_index(batch_op.f("ix_tickets_day_status_matter_colour_position"))
        batch_op.create_index(
            batch_op.f("ix_tickets_day_status_matter_colour"),
            ["day", "status", "matter", "colour"],
            unique=False,
        )
