"""The stored customer.renewal_on is dropped: the next renewal is derived from subscription_started_on

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

Nothing has read the column since the overview derives the next yearly renewal (customers.next_renewal); a stored
copy only went stale. The downgrade brings the column back and fills it with the next renewal after today.
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place on both dialects: a batch copy of the table on SQLite would lose migration 0006's search triggers.
    op.drop_index('ix_customer_renewal_on', table_name='customer')
    op.execute('ALTER TABLE customer DROP COLUMN renewal_on')


def downgrade() -> None:
    op.add_column('customer', sa.Column('renewal_on', sa.Date(), nullable=True))
    op.create_index('ix_customer_renewal_on', 'customer', ['renewal_on'], unique=False)
    from partner_model.rules import renewal_after

    connection = op.get_bind()
    customer = sa.table('customer', sa.column('id', sa.Integer), sa.column('subscription_started_on', sa.Date),
                        sa.column('renewal_on', sa.Date))
    today = dt.date.today()
    rows = connection.execute(sa.select(customer.c.id, customer.c.subscription_started_on)
                              .where(customer.c.subscription_started_on.is_not(None))).all()
    for customer_id, started in rows:
        connection.execute(sa.update(customer).where(customer.c.id == customer_id)
                           .values(renewal_on=renewal_after(started, max(today, started + dt.timedelta(days=1)))))
