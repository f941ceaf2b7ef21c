"""Indexes for sorting accounts by activity and for the board's per-stage, per-currency sums

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_customer_activities_90d', 'customer', ['activities_90d'], unique=False)
    op.drop_index('ix_deal_stage_review_value', table_name='deal')
    op.create_index('ix_deal_stage_currency_review_value', 'deal',
                    ['stage', 'currency', 'review_status', 'value_cents'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # Sampled statistics for the new indexes, or SQLite's planner may take them for the board's card queries.
        op.execute("PRAGMA analysis_limit=1000")
        op.execute("ANALYZE deal")
        op.execute("ANALYZE customer")
    else:
        op.execute("ANALYZE deal")
        op.execute("ANALYZE customer")


def downgrade() -> None:
    op.drop_index('ix_deal_stage_currency_review_value', table_name='deal')
    op.create_index('ix_deal_stage_review_value', 'deal', ['stage', 'review_status', 'currency', 'value_cents'],
                    unique=False)
    op.drop_index('ix_customer_activities_90d', table_name='customer')
