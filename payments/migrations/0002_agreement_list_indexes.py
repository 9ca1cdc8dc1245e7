"""Indexes of the agreements list: its order, the sum paid per agreement and the fiscal-year filter.

- payments_agreement (created_at DESC, id) matches the list's order, so a page reads 50 index entries.
- payments_installment (agreement_id, state) finds the paid installments of one agreement for the sum paid.
- payments_installment (agreement_id, fiscal_year) answers the fiscal-year filter's EXISTS per agreement.

They are created in SQL, the same on PostgreSQL and SQLite. Migration 0003 declares them in the models'
Meta.indexes, renaming the two installment indexes to fit Django's 30-character limit.
"""

from django.db import migrations

INDEXES = {
    "agreement_list_order_idx": "payments_agreement (created_at DESC, id)",
    "installment_agreement_state_idx": "payments_installment (agreement_id, state)",
    "installment_agreement_year_idx": "payments_installment (agreement_id, fiscal_year)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {columns}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
            elidable=False,
        )
        for name, columns in INDEXES.items()
    ]
