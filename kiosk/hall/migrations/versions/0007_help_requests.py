"""help requests from kiosks (值班员指导) and their acknowledgement by a counter

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "help_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kiosk", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.Float(), nullable=False),
        sa.Column("answered_at", sa.Float(), nullable=True),
        sa.Column("answered_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_requests")),
    )
    op.create_index(op.f("ix_help_requests_answered_at"), "help_requests", ["answered_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_help_requests_answered_at"), table_name="help_requests")
    op.drop_table("help_requests")
