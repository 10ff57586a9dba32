"""The default programme's prison stages are custodial; every case with a facility gets
its placement (open from when it entered its stage; a closed case's placement ends on the
day it closed, and it no longer has a current facility); role permissions include placements."""

from django.db import migrations
from django.utils import timezone

from casemgmt import default_programme_upgrades
from casemgmt.roles import sync_role_groups


def open_placements(apps, schema_editor):
    Case = apps.get_model("casemgmt", "Case")
    Placement = apps.get_model("casemgmt", "Placement")
    rows = []
    for case in Case.objects.filter(facility__isnull=False).iterator():
        started = timezone.localdate(case.stage_entered_at)
        closed = case.status == "closed"
        ended = max(case.closed_on or started, started) if closed else None
        rows.append(
            Placement(
                case_id=case.pk,
                facility_id=case.facility_id,
                started_on=started,
                ended_on=ended,
                start_reason="Recorded before placements were kept.",
                end_reason="The case was closed." if closed else "",
            )
        )
    Placement.objects.bulk_create(rows, batch_size=1000)
    Case.objects.filter(status="closed", facility__isnull=False).update(facility=None)


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0028_placements_interventions_end")]

    operations = [
        migrations.RunPython(
            default_programme_upgrades.mark_custodial_stages, migrations.RunPython.noop
        ),
        migrations.RunPython(open_placements, migrations.RunPython.noop),
        # Placement is a new kind of case record: the roles' model permissions include it.
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
