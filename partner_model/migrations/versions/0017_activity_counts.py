"""Activity rows carry a count: activity_event.activities (the product feed sends a day's count as one row)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('activity_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activities', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    # One row per activity again: a row of n activities becomes n rows.
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("INSERT INTO activity_event (customer_id, occurred_on, kind) "
                   "SELECT customer_id, occurred_on, kind FROM activity_event, generate_series(2, activities)")
    else:
        op.execute("WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
                   "INSERT INTO activity_event (customer_id, occurred_on, kind) "
                   "SELECT customer_id, occurred_on, kind FROM activity_event JOIN n ON n.i <= activities")
    with op.batch_alter_table('activity_event', schema=None) as batch_op:
        batch_op.drop_column('activities')
