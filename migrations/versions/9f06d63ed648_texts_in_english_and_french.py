"""Organisers' texts in English and French: a `_fr` column beside each text organisers write

The English texts keep their columns (editions.name, criteria.name, awards.citation...). Criterion names are
unique per edition and language among the names given, so two criteria may both have no English (or no
French) name; an edition and a criterion need a name in at least one language. Ceremony places that read
"Strasbourg" read the same in French.

Revision ID: 9f06d63ed648
Revises: 5269d237648d
Create Date: 2026-12-07 12:55:35.355942

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9f06d63ed648'
down_revision = '5269d237648d'
branch_labels = None
depends_on = None

NAMED = "name <> '' OR name_fr <> ''"


def upgrade():
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_fr', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('description_fr', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('ceremony_place_fr', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_check_constraint(op.f('ck_editions_named'), NAMED)

    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_fr', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('description_fr', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('guidance_fr', sa.Text(), server_default='', nullable=False))
        batch_op.create_check_constraint(op.f('ck_criteria_named'), NAMED)
        # The unique constraint becomes a partial unique index of the same name, and one for French.
        batch_op.drop_constraint('uq_criteria_edition_id_name', type_='unique')
        batch_op.create_index('uq_criteria_edition_id_name', ['edition_id', 'name'], unique=True, sqlite_where=sa.text("name <> ''"), postgresql_where=sa.text("name <> ''"))
        batch_op.create_index('uq_criteria_edition_id_name_fr', ['edition_id', 'name_fr'], unique=True, sqlite_where=sa.text("name_fr <> ''"), postgresql_where=sa.text("name_fr <> ''"))

    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('citation_fr', sa.Text(), server_default='', nullable=False))

    op.execute("UPDATE editions SET ceremony_place_fr = ceremony_place WHERE ceremony_place = 'Strasbourg'")


def downgrade():
    # The French text takes the place of a missing English one, so that nothing written is lost from view.
    for table, columns in (
        ('editions', ('name', 'description', 'ceremony_place')),
        ('criteria', ('name', 'description', 'guidance')),
        ('awards', ('citation',)),
    ):
        for column in columns:
            op.execute(f"UPDATE {table} SET {column} = {column}_fr WHERE {column} = ''")

    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_column('citation_fr')

    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.drop_index('uq_criteria_edition_id_name_fr')
        batch_op.drop_index('uq_criteria_edition_id_name')
        batch_op.create_unique_constraint('uq_criteria_edition_id_name', ['edition_id', 'name'])
        batch_op.drop_constraint(op.f('ck_criteria_named'), type_='check')
        batch_op.drop_column('guidance_fr')
        batch_op.drop_column('description_fr')
        batch_op.drop_column('name_fr')

    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_editions_named'), type_='check')
        batch_op.drop_column('ceremony_place_fr')
        batch_op.drop_column('description_fr')
        batch_op.drop_column('name_fr')
