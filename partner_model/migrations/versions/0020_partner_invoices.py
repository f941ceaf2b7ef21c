"""Partner invoices and credit notes: partner_invoice, partner_invoice_line, invoice_sequence

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('invoice_sequence',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('partner_invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('invoice', 'credit_note', name='invoicekind', native_enum=False, length=20),
              nullable=False),
    sa.Column('credits_invoice_id', sa.Integer(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('week', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('vendor_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('vendor_address', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('vendor_vat_id', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('vendor_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('partner_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('partner_address', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('partner_vat_id', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('partner_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('reverse_charge', sa.Boolean(), nullable=False),
    sa.Column('value_cents', sa.BigInteger(), nullable=False),
    sa.Column('commission_cents', sa.BigInteger(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['credits_invoice_id'], ['partner_invoice.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number'),
    sa.UniqueConstraint('year', 'sequence', name='uq_partner_invoice_number'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('partner_invoice', schema=None) as batch_op:
        batch_op.create_index('ix_partner_invoice_partner', ['partner_id', 'issued_on'], unique=False)

    op.create_table('partner_invoice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('commission_line_id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('company_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('value_cents', sa.BigInteger(), nullable=False),
    sa.Column('commission_cents', sa.BigInteger(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['commission_line_id'], ['commission_line.id'], ),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['partner_invoice.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('commission_line_id')
    )
    with op.batch_alter_table('partner_invoice_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_invoice_line_invoice_id'), ['invoice_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('partner_invoice_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_invoice_line_invoice_id'))

    op.drop_table('partner_invoice_line')
    with op.batch_alter_table('partner_invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_invoice_partner')

    op.drop_table('partner_invoice')
    op.drop_table('invoice_sequence')
