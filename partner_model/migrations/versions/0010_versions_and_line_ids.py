"""Versions on partners, users and customers (a decision acts on what its user saw); commission line ids never reused

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

Partners, users and customer accounts get a `version` that every update claims, as deals already have, so a form
read before someone else's change is refused instead of overwriting it. On SQLite, commission_line is rebuilt
with AUTOINCREMENT: a withdrawn line's id never comes back as another line (PostgreSQL's sequence never reuses).
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

VERSIONED = ('partner', 'user', 'customer')


def upgrade() -> None:
    for table in VERSIONED:
        # add_column in place on both dialects (a batch copy of customer would lose 0006's search triggers)
        op.add_column(table, sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('commission_line', recreate='always',
                                  table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            batch_op.alter_column('id', existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('commission_line', recreate='always',
                                  table_kwargs={'sqlite_autoincrement': False}) as batch_op:
            batch_op.alter_column('id', existing_type=sa.Integer())
    for table in VERSIONED:
        op.drop_column(table, 'version')
