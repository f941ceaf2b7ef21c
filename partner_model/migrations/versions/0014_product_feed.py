"""The product feed: accounts keyed by the product's id, per-fact feed times (ordering), API tokens, applied events;
an index on deal.protected_until for the protections ending

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30

Columns are added in place (SQLite keeps migration 0006's search triggers on customer); the unique external id
is a unique index.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

FEED_TIMES = ('feed_progress_at', 'feed_users_at', 'feed_trial_at', 'feed_subscription_at')


def upgrade() -> None:
    op.add_column('customer', sa.Column('external_id', sa.String(length=100), nullable=True))
    op.create_index('uq_customer_external_id', 'customer', ['external_id'], unique=True)
    for column in FEED_TIMES:
        op.add_column('customer', sa.Column(column, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_index('ix_deal_protected_until', 'deal', ['protected_until'])
    op.add_column('attention_item', sa.Column('external_id', sa.String(length=100), nullable=True))
    op.create_index('ix_attention_item_external_id', 'attention_item', ['external_id'])
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_table(
        'feed_event',
        sa.Column('event_id', sa.String(length=100), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('event_id'),
    )


def downgrade() -> None:
    op.drop_table('feed_event')
    op.drop_table('api_token')
    op.drop_index('ix_attention_item_external_id', table_name='attention_item')
    op.drop_index('ix_deal_protected_until', table_name='deal')
    op.drop_column('attention_item', 'external_id')
    for column in FEED_TIMES:
        op.drop_column('customer', column)
    op.drop_index('uq_customer_external_id', table_name='customer')
    op.drop_column('customer', 'external_id')
