"""coding_events.login: the database login that made a change (an owner acting for a coder shows)

Revision ID: 0005
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coding_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(length=200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("coding_events", schema=None) as batch_op:
        batch_op.drop_column("login")
