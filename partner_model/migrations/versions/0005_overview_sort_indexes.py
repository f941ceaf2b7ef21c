"""Indexes for sorting the customer overview by trial days left, progress, users and dates

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_customer_state_trial_ends': ['derived_state', 'trial_ends_on'],
    'ix_customer_framework_progress': ['framework_progress'],
    'ix_customer_users': ['users'],
    'ix_customer_last_activity_on': ['last_activity_on'],
    'ix_customer_subscription_started_on': ['subscription_started_on'],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, 'customer', columns, unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA analysis_limit=1000")
    op.execute("ANALYZE customer")


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='customer')
