"""Server-side sign-in sessions; a flag asking a user with a now-weak password to change it

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

sign_in_session holds one row per signed-in browser: the sha256 of the opaque token in the browser's HttpOnly
cookie, its user, when it started, was last seen and expires, and when and why it ended. user.must_change_password
is set at sign-in when the typed password fails the stronger password rule. Both are additions made in place (a
new table, a new column with a default): no existing table is copied, so SQLite keeps 0006's search triggers.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sign_in_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('handoff_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('handoff_expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('ended_reason', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
        sa.UniqueConstraint('handoff_hash'),
    )
    op.create_index(op.f('ix_sign_in_session_user_id'), 'sign_in_session', ['user_id'], unique=False)
    op.add_column('user', sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                    server_default=sa.false()))


def downgrade() -> None:
    op.drop_column('user', 'must_change_password')
    op.drop_index(op.f('ix_sign_in_session_user_id'), table_name='sign_in_session')
    op.drop_table('sign_in_session')
