"""commission_week.lines: an approved week's count of lines, stored when it is approved

The Commissions page's week picker showed each listed week's count of lines, counted from the lines every run (the
ten-times-larger program's 26 weeks: about 400,000 lines, 196 ms). An approved week's lines never change, so the
count is stored with the approval; the weeks already approved are counted once here.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('commission_week', sa.Column('lines', sa.Integer(), nullable=True))
    op.execute("UPDATE commission_week SET lines = (SELECT count(*) FROM commission_line "
               "WHERE commission_line.week = commission_week.week) WHERE state = 'approved'")


def downgrade() -> None:
    with op.batch_alter_table('commission_week') as batch_op:
        batch_op.drop_column('lines')
