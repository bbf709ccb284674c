"""indexes for wait estimates and service-time means

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tickets_day_status_matter_colour"),
            ["day", "status", "matter", "colour"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_tickets_matter_finished_at"), ["matter", "finished_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_matter_finished_at"))
        batch_op.drop_index(batch_op.f("ix_tickets_day_status_matter_colour"))
