"""deal: ix_deal_confirmation becomes (confirmation, won_on, id, partner_id)

The home page lists the won deals waiting for confirmation, oldest win first. With (confirmation, partner_id)
PostgreSQL walked ix_deal_won_on through every won deal (1,061,903 on the ten-times-larger program, 374 ms) to
reach the waiting ones, the newest; now the waiting deals are one range already in order, and a manager's count
still reads the index alone.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01
"""
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_deal_confirmation", table_name="deal")
    op.create_index("ix_deal_confirmation", "deal", ["confirmation", "won_on", "id", "partner_id"])


def downgrade() -> None:
    op.drop_index("ix_deal_confirmation", table_name="deal")
    op.create_index("ix_deal_confirmation", "deal", ["confirmation", "partner_id"])
