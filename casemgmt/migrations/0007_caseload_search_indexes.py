"""Indexes for the caseload: review-due sort (all databases) and name search (PostgreSQL)."""

import datetime

from django.db import migrations, models
from django.db.models.functions import Coalesce

TRGM_INDEX = (
    "CREATE INDEX IF NOT EXISTS person_full_name_trgm_idx "
    "ON casemgmt_person USING gin (UPPER(full_name) gin_trgm_ops)"
)


def add_trigram_index(apps, schema_editor):
    # Name search uses UPPER(full_name) LIKE UPPER('%…%'); a trigram index makes that fast.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(TRGM_INDEX)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_full_name_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0006_case_opened_index")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                Coalesce(
                    "next_review_due",
                    models.Value(datetime.date(9999, 12, 31)),
                    output_field=models.DateField(),
                ),
                models.F("id"),
                name="case_due_sort_idx",
            ),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
