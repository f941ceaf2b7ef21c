"""PostgreSQL: the domains' trigram indexes on lower(domain), so an equality lookup never takes them

The planner prices a trigram GIN index for `domain = ANY(200 values)` far below the unique B-tree and then spends
a second a lookup in it (every domain shares trigrams such as ".co"); the product feed looks up 1,000 domains a
batch. Domains are stored lower-case, so searching lower(domain) finds the same rows (text_search.SEARCHED).

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30
"""
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

DOMAINS = {"customer": "domain", "deal": "customer_domain"}


def _rebuild(expression: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in DOMAINS.items():
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
        op.execute(f"CREATE INDEX ix_{table}_{column}_trgm ON {table} "
                   f"USING gin ({expression.format(column=column)} gin_trgm_ops)")


def upgrade() -> None:
    _rebuild("lower({column})")


def downgrade() -> None:
    _rebuild("{column}")
