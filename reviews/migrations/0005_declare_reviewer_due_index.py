"""Declare the index of migration 0004 in ReviewAssignment.Meta.indexes; it exists already, so only the state changes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_assignment_reviewer_due_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="reviewassignment",
                    index=models.Index(fields=["reviewer", "due_on", "id"], name="assignment_reviewer_due_idx"),
                )
            ],
        ),
    ]
