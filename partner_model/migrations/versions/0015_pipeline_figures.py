"""Stored pipeline figures: pipeline_figure (each partner's deals per stage, furthest stage and currency),
partner_pipeline (each partner's counts and median days to won), pipeline_week (registrations per week) and
deal.won_days with the indexes the medians walk, all filled from the deals; indexes on audit_event.actor_id, the protections ending, a manager's waiting registrations and the commission reports

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

STAGE = sa.Enum('new', 'newsletter', 'trial', 'closed_won', 'closed_lost', name='stage', native_enum=False,
                length=20)


def upgrade() -> None:
    op.add_column('deal', sa.Column('won_days', sa.Integer(), nullable=True))
    op.create_table(
        'pipeline_figure',
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('stage', STAGE, nullable=False),
        sa.Column('furthest_stage', STAGE, nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('deals', sa.Integer(), nullable=False),
        sa.Column('value_cents', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id']),
        sa.PrimaryKeyConstraint('partner_id', 'stage', 'furthest_stage', 'currency'),
    )
    op.create_index('ix_pipeline_figure_stage_currency', 'pipeline_figure', ['stage', 'currency', 'deals',
                                                                          'value_cents'])
    op.create_index('ix_pipeline_figure_furthest', 'pipeline_figure', ['furthest_stage', 'deals'])
    op.create_table(
        'partner_pipeline',
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('deals', sa.Integer(), nullable=False),
        sa.Column('won', sa.Integer(), nullable=False),
        sa.Column('lost', sa.Integer(), nullable=False),
        sa.Column('median_days_to_won', sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id']),
        sa.PrimaryKeyConstraint('partner_id'),
    )
    op.create_index('ix_partner_pipeline_won', 'partner_pipeline', ['won'])
    op.create_table(
        'pipeline_week',
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('monday', sa.Date(), nullable=False),
        sa.Column('deals', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id']),
        sa.PrimaryKeyConstraint('partner_id', 'monday'),
    )
    op.create_index('ix_pipeline_week_monday', 'pipeline_week', ['monday', 'deals'])
    from partner_model.pipeline_figures import rebuild

    rebuild(op.get_bind())
    op.create_index('ix_deal_stage_won_days', 'deal', ['stage', 'won_days', 'review_status'])
    op.create_index('ix_deal_partner_won_days', 'deal', ['partner_id', 'stage', 'won_days'])
    op.create_index('ix_audit_event_actor', 'audit_event', ['actor_id'])  # the Admin page's "Who" filter
    op.create_index('ix_deal_review_protected', 'deal', ['review_status', 'protected_until', 'stage'])
    op.create_index('ix_deal_review_partner', 'deal', ['review_status', 'partner_id', 'created_at'])
    op.create_index('ix_commission_line_report', 'commission_line', ['week', 'currency', 'billing_option',
                                                                     'direction', 'partner_id', 'commission_cents'])
    # The planners' statistics for the new indexes and tables (without them SQLite may walk the wrong index)
    for table in ('deal', 'pipeline_figure', 'partner_pipeline', 'pipeline_week', 'commission_line'):
        op.execute(f'ANALYZE {table}')


def downgrade() -> None:
    op.drop_index('ix_commission_line_report', table_name='commission_line')
    op.drop_index('ix_deal_review_partner', table_name='deal')
    op.drop_index('ix_deal_review_protected', table_name='deal')
    op.drop_index('ix_audit_event_actor', table_name='audit_event')
    op.drop_index('ix_deal_partner_won_days', table_name='deal')
    op.drop_index('ix_deal_stage_won_days', table_name='deal')
    op.drop_table('pipeline_week')
    op.drop_table('partner_pipeline')
    op.drop_table('pipeline_figure')
    op.drop_column('deal', 'won_days')
