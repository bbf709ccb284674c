"""per-day secrets for recognising the same person without their ID number, the tickets' person keys, and
the appointments' holder keys (check-in by ID card) under a hall secret

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Columns and an index are added in place (no batch "recreate"), so the triggers of 0004 stay.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "day_keys",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_day_keys")),
    )
    op.add_column("tickets", sa.Column("person_key", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_tickets_day_person_key"), "tickets", ["day", "person_key"], unique=False)
    op.create_table(
        "hall_secrets",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_hall_secrets")),
    )
    op.add_column("appointments", sa.Column("holder_key", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_appointments_holder_key"), "appointments", ["holder_key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_appointments_holder_key"), table_name="appointments")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_column("holder_key")
    op.drop_table("hall_secrets")
    op.drop_index(op.f("ix_tickets_day_person_key"), table_name="tickets")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("person_key")
    op.drop_table("day_keys")
