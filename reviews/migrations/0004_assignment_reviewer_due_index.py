"""Index a reviewer's assignments by due date, the order of « My review assignments » and of its export.

The index is created in SQL, the same on PostgreSQL and SQLite. Migration 0005 declares it in
ReviewAssignment.Meta.indexes.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_decisions"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS assignment_reviewer_due_idx "
            "ON reviews_reviewassignment (reviewer_id, due_on, id)",
            reverse_sql="DROP INDEX IF EXISTS assignment_reviewer_due_idx",
            elidable=False,
        ),
    ]
