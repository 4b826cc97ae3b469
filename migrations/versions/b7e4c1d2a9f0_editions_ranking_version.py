"""Editions carry a ranking version, bumped by every change the ranking's numbers depend on

Revision ID: b7e4c1d2a9f0
Revises: 58aec7d3a095
Create Date: 2026-12-07 22:05:00.000000

The computed ranking is kept in the shared cache under the edition's version (app/ranking/freshness.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e4c1d2a9f0'
down_revision = '58aec7d3a095'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ranking_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.drop_column('ranking_version')
