"""staff closing of the hall, and per-matter daily ticket counts for the quota check

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hall_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("changed_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hall_state")),
    )
    op.create_table(
        "matter_day_counts",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("matter", sa.String(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "matter", name=op.f("pk_matter_day_counts")),
    )


def downgrade() -> None:
    op.drop_table("matter_day_counts")
    op.drop_table("hall_state")
