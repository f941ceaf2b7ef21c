"""Each partner has a partner manager; a trial extension can be declined with a reason; a user's last visit; each
deal's furthest stage (the funnel), filled from the history

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30

All columns are added in place (no table copy): SQLite keeps migration 0006's search triggers on customer.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a column with its reference in place
        op.execute('ALTER TABLE partner ADD COLUMN manager_id INTEGER REFERENCES "user" (id)')
    else:
        op.add_column('partner', sa.Column('manager_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_partner_manager', 'partner', 'user', ['manager_id'], ['id'])
    op.create_index('ix_partner_manager_id', 'partner', ['manager_id'])
    op.add_column('customer', sa.Column('extension_declined_on', sa.Date(), nullable=True))
    op.add_column('customer', sa.Column('extension_decline_reason', sa.String(length=500), nullable=True))
    op.create_index('ix_customer_extension_requested_on', 'customer', ['extension_requested_on'])
    op.add_column('user', sa.Column('last_visit_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column('deal', sa.Column('furthest_stage', sa.Enum('new', 'newsletter', 'trial', 'closed_won', 'closed_lost',
                                                              name='stage', native_enum=False, length=20),
                                    nullable=False, server_default='new'))
    op.create_index('ix_deal_furthest_stage', 'deal', ['furthest_stage'])
    from partner_model.deal_records import furthest_stage_backfill

    op.get_bind().execute(furthest_stage_backfill())


def downgrade() -> None:
    op.drop_index('ix_deal_furthest_stage', table_name='deal')
    op.drop_column('deal', 'furthest_stage')
    op.drop_column('user', 'last_visit_at')
    op.drop_index('ix_customer_extension_requested_on', table_name='customer')
    op.drop_column('customer', 'extension_decline_reason')
    op.drop_column('customer', 'extension_declined_on')
    op.drop_index('ix_partner_manager_id', table_name='partner')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot drop a column that a foreign key uses in place; a batch copy of partner is safe (no triggers)
        with op.batch_alter_table('partner') as batch_op:
            batch_op.drop_column('manager_id')
    else:
        op.drop_constraint('fk_partner_manager', 'partner', type_='foreignkey')
        op.drop_column('partner', 'manager_id')
