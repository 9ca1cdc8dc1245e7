"""Declare the indexes of migration 0002 in the models, so that the migration state knows them.

The agreements' index already exists under its name, so only the state changes. The two installment indexes
are renamed to fit Django's 30-character limit on index names: the old ones are dropped and the new ones
created, in SQL that PostgreSQL and SQLite both run.
"""

from django.db import migrations, models

AGREEMENT_INDEX = models.Index(fields=["-created_at", "id"], name="agreement_list_order_idx")
RENAMED = [
    # (old name, new index, its columns)
    (
        "installment_agreement_state_idx",
        models.Index(fields=["agreement", "state"], name="installment_agr_state_idx"),
        "agreement_id, state",
    ),
    (
        "installment_agreement_year_idx",
        models.Index(fields=["agreement", "fiscal_year"], name="installment_agr_year_idx"),
        "agreement_id, fiscal_year",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_agreement_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="agreement", index=AGREEMENT_INDEX)],
        ),
        *[
            migrations.SeparateDatabaseAndState(
                state_operations=[migrations.AddIndex(model_name="installment", index=index)],
                database_operations=[
                    migrations.RunSQL(sql=f"DROP INDEX IF EXISTS {old_name}", reverse_sql=migrations.RunSQL.noop),
                    migrations.RunSQL(
                        sql=f"CREATE INDEX IF NOT EXISTS {index.name} ON payments_installment ({columns})",
                        reverse_sql=f"DROP INDEX IF EXISTS {index.name}",
                    ),
                    migrations.RunSQL(
                        sql=migrations.RunSQL.noop,
                        reverse_sql=f"CREATE INDEX IF NOT EXISTS {old_name} ON payments_installment ({columns})",
                    ),
                ],
            )
            for old_name, index, columns in RENAMED
        ],
    ]
