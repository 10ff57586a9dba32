"""``Case.next_meeting_due``: the next multi-agency review after release, from the
monitoring plan's review frequency (what ``services.cases.case_refresh_review_due``
keeps current from now on); filled here for the released cases that exist."""

from django.db import migrations, models

from casemgmt import cadence


def forwards(apps, schema_editor):
    Case = apps.get_model("casemgmt", "Case")
    released = (
        Case.objects.filter(status="active", current_stage__kind="community")
        .prefetch_related("monitoring_plans", "reviews")
        .order_by("pk")
    )
    for case in released.iterator(chunk_size=1000):
        due = cadence.next_meeting_due(case)
        if due is not None:
            Case.objects.filter(pk=case.pk).update(next_meeting_due=due)


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0033_group_context")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="next_meeting_due",
            field=models.DateField(
                blank=True, null=True, verbose_name="next multi-agency review due"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["status", "next_meeting_due"], name="case_status_meeting_idx"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
