"""sent_message: the Message-IDs of the user's sent mail (a reply to one comes from someone known)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 21:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("sent_message",
                    sa.Column("message_id", sa.String(), nullable=False),
                    sa.PrimaryKeyConstraint("message_id"))
    # Mail already scanned keeps its known addresses; its Message-IDs are not read again (new Sent mail's are).


def downgrade() -> None:
    op.drop_table("sent_message")
