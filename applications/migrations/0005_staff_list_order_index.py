"""Index the order of the staff list of applications, so that its first page reads 50 index entries.

The list sorts by submission time, newest first with drafts last, then by creation time and id. PostgreSQL
sorts NULLs first in descending order, so its index says NULLS LAST to match the query. SQLite sorts NULLs
as the smallest values and has no NULLS LAST in CREATE INDEX, so a plain descending index matches there.

The index is created in SQL and not declared in Application.Meta.indexes, so the migration state and
makemigrations do not see it.
"""

from django.db import migrations

INDEX = "application_staff_list_order_idx"
COLUMNS = {
    "postgresql": "submitted_at DESC NULLS LAST, created_at DESC, id DESC",
    "sqlite": "submitted_at DESC, created_at DESC, id DESC",
}


def create_index(apps, schema_editor):
    columns = COLUMNS.get(schema_editor.connection.vendor)
    if columns is None:
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON applications_application ({columns})")


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_decision_states"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
