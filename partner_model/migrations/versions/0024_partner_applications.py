"""partner_application: a consulting firm's application to become a partner, and its review

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'partner_application',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('firm_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('domain', sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column('contact_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('frameworks', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column('consent_to_contact', sa.Boolean(), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('state', sa.Enum('submitted', 'accepted', 'declined', name='applicationstate', native_enum=False,
                                   length=20), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('decline_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['decided_by'], ['user.id']),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_partner_application_state', 'partner_application', ['state', 'submitted_at'])
    op.create_index('ix_partner_application_email', 'partner_application', ['contact_email', 'submitted_at'])
    op.create_index('ix_partner_application_domain', 'partner_application', ['domain', 'state'])


def downgrade() -> None:
    for name in ('ix_partner_application_domain', 'ix_partner_application_email', 'ix_partner_application_state'):
        op.drop_index(name, table_name='partner_application')
    op.drop_table('partner_application')
