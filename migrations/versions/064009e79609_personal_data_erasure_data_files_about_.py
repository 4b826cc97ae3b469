"""Personal data: users and organisations remember when they were erased; a prepared file may belong to no
edition (a person's or an organisation's data), and its kinds include those two.

Revision ID: 064009e79609
Revises: 9d8fb4fc4e16
Create Date: 2026-12-07 18:26:13.952312

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '064009e79609'
down_revision = '9d8fb4fc4e16'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('certificates_zip', 'jury_report', 'ranking_csv', 'ranking_xlsx', 'sheets_csv', 'sheets_xlsx')
KINDS_AFTER = KINDS_BEFORE + ('person_data', 'organisation_data')


def _kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('prepared_files', schema=None) as batch_op:
        batch_op.alter_column('edition_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_constraint(op.f('ck_prepared_files_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_prepared_files_kind_known'), _kind_check(KINDS_AFTER))


def downgrade():
    # The files about no edition cannot go back: their rows go (their files are removed by no sweep).
    op.execute(
        "DELETE FROM prepared_files WHERE edition_id IS NULL OR kind IN ('person_data', 'organisation_data')"
    )
    with op.batch_alter_table('prepared_files', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_prepared_files_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_prepared_files_kind_known'), _kind_check(KINDS_BEFORE))
        batch_op.alter_column('edition_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
