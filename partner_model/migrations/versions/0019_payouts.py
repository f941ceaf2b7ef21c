"""Payouts: payout, payout_event; partner bank details (iban, bic, country)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('week', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('state', sa.Enum('draft', 'ready', 'paid', 'carried', name='payoutstate', native_enum=False,
                               length=20), nullable=False),
    sa.Column('lines_cents', sa.BigInteger(), nullable=False),
    sa.Column('carried_in_cents', sa.BigInteger(), nullable=False),
    sa.Column('carried_into_id', sa.Integer(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('bank_reference', sqlmodel.sql.sqltypes.AutoString(length=140), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['carried_into_id'], ['payout.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('partner_id', 'currency', 'week', name='uq_payout_partner_week')
    )
    with op.batch_alter_table('payout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_payout_state', ['state', 'currency'], unique=False)

    op.create_table('payout_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payout_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['payout_id'], ['payout.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payout_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_event_payout_id'), ['payout_id'], unique=False)

    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('iban', sqlmodel.sql.sqltypes.AutoString(length=34), nullable=True))
        batch_op.add_column(sa.Column('bic', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=True))
        batch_op.add_column(sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_column('country')
        batch_op.drop_column('bic')
        batch_op.drop_column('iban')

    with op.batch_alter_table('payout_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_event_payout_id'))

    op.drop_table('payout_event')
    with op.batch_alter_table('payout', schema=None) as batch_op:
        batch_op.drop_index('ix_payout_state')
        batch_op.drop_index(batch_op.f('ix_payout_partner_id'))

    op.drop_table('payout')
