"""Certificate file names hold a storage key: <edition>/<code>-<random>.pdf, a new key per rendering

Revision ID: 58aec7d3a095
Revises: 064009e79609
Create Date: 2026-12-07 18:25:25.714851

Each rendering is stored under a key of its own (app/storage/transaction.py): the edition's slug (up to 80
characters), the 32-character verification code and a random part no longer fit in 120 characters.
Existing names (<edition>/<code>.pdf) stay valid.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '58aec7d3a095'
down_revision = '064009e79609'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('file_name',
               existing_type=sa.VARCHAR(length=120),
               type_=sa.String(length=255),
               existing_nullable=False)


def downgrade():
    # Names longer than 120 characters (an edition slug over 60) would not fit back.
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('file_name',
               existing_type=sa.String(length=255),
               type_=sa.VARCHAR(length=120),
               existing_nullable=False)
