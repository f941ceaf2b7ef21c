"""newsletter_consent (a contact's subscription asked for on a deal, with its proof of consent) and contact_email
(the outbox of emails to people who are not users)

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

MAIL_STATES = ('none', 'pending', 'digest', 'sent', 'digested', 'failed')


def upgrade() -> None:
    op.create_table(
        'newsletter_consent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deal_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('contact_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column('contact_agreed', sa.Boolean(), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=True),
        sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('confirm_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('unsubscribe_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('link_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('unsubscribed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('replaced_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['deal_id'], ['deal.id']),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id']),
        sa.ForeignKeyConstraint(['requested_by'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('confirm_hash'),
        sa.UniqueConstraint('unsubscribe_hash'),
    )
    op.create_index('ix_newsletter_consent_deal', 'newsletter_consent', ['deal_id', 'id'])
    op.create_index('ix_newsletter_consent_partner', 'newsletter_consent', ['partner_id', 'confirmed_at'])
    op.create_table(
        'contact_email',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consent_id', sa.Integer(), nullable=True),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column('params', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('mail_state', sa.Enum(*MAIL_STATES, name='mailstate', native_enum=False, length=20),
                  nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(['consent_id'], ['newsletter_consent.id']),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_contact_email_due', 'contact_email', ['mail_state', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_contact_email_due', table_name='contact_email')
    op.drop_table('contact_email')
    op.drop_index('ix_newsletter_consent_partner', table_name='newsletter_consent')
    op.drop_index('ix_newsletter_consent_deal', table_name='newsletter_consent')
    op.drop_table('newsletter_consent')
