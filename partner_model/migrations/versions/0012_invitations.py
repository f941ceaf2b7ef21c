"""A user can hold a one-time set-password link (an invitation from their partner's admin), stored hashed

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('user', sa.Column('invite_token_hash', sa.String(length=64), nullable=True))
    op.add_column('user', sa.Column('invite_expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_index('ix_user_invite_token_hash', 'user', ['invite_token_hash'])


def downgrade() -> None:
    op.drop_index('ix_user_invite_token_hash', table_name='user')
    op.drop_column('user', 'invite_expires_at')
    op.drop_column('user', 'invite_token_hash')
