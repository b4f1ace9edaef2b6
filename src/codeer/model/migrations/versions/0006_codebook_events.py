"""codebook_events: the history of codebook changes (open coding), with what undo needs and the login

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "codebook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("codebook_key", sa.String(length=200), nullable=False),
        sa.Column("code_key", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=True),
        sa.Column("reverts", sa.Integer(), nullable=True),
        sa.Column("login", sa.String(length=200), server_default="", nullable=False),
        sa.CheckConstraint(
            "action IN ('add', 'rename', 'move', 'merge', 'split', 'delete', 'edit', 'memo', 'load', 'save', "
            "'undo')",
            name=op.f("ck_codebook_events_action_known"),
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coders.id"], name=op.f("fk_codebook_events_coder_id_coders"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codebook_events")),
    )
    with op.batch_alter_table("codebook_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_codebook_events_coder_id"), ["coder_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("codebook_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_codebook_events_coder_id"))
    op.drop_table("codebook_events")
