"""customer: ix_customer_state_trial_ends gains the id, (derived_state, trial_ends_on, id)

Sorting by trial days left reads the running trials by their end, ties by id. Without the id in the index,
PostgreSQL walked ix_customer_trial_ends_on past every closed account that once had a trial (1,834,781 rows on
the ten-times-larger program, 507 ms) to find the first 50 trials; with it the page is an index range.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01
"""
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_customer_state_trial_ends", table_name="customer")
    op.create_index("ix_customer_state_trial_ends", "customer", ["derived_state", "trial_ends_on", "id"])


def downgrade() -> None:
    op.drop_index("ix_customer_state_trial_ends", table_name="customer")
    op.create_index("ix_customer_state_trial_ends", "customer", ["derived_state", "trial_ends_on"])
