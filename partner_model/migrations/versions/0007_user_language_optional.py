"""A user's interface language is optional: NULL until they pick one, so the browser's language applies

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22

Added as a new nullable column and renamed, which both dialects do in place (SQLite would otherwise copy
the user table, which other tables reference). Nobody could pick a language before this revision, so the
stored 'en' defaults are dropped and only the seed's partner languages are kept.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('user', sa.Column('picked_language', sa.String(length=5), nullable=True))
    op.execute("UPDATE \"user\" SET picked_language = language WHERE language <> 'en'")
    op.drop_column('user', 'language')
    op.alter_column('user', 'picked_language', new_column_name='language')


def downgrade() -> None:
    op.add_column('user', sa.Column('required_language', sa.String(length=5), nullable=False, server_default='en'))
    op.execute("UPDATE \"user\" SET required_language = COALESCE(language, 'en')")
    op.drop_column('user', 'language')
    op.alter_column('user', 'required_language', new_column_name='language')
