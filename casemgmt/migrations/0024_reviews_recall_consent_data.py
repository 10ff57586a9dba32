from django.db import migrations

from casemgmt import default_programme_upgrades


def positions_recorded_by_the_reviews_recorder(apps, schema_editor):
    """Positions recorded before this change were typed by the review's recorder: say so, so
    another agency's position counts only once that agency confirms it (P3)."""
    ReviewPosition = apps.get_model("casemgmt", "ReviewPosition")
    for position in ReviewPosition.objects.filter(recorded_by__isnull=True).select_related(
        "review__recorded_by"
    ):
        position.recorded_by_id = position.review.recorded_by_id
        position.recorded_by_agency_id = position.review.recorded_by.agency_id
        position.save(update_fields=["recorded_by", "recorded_by_agency"])


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0023_reviews_recall_consent")]

    operations = [
        migrations.RunPython(positions_recorded_by_the_reviews_recorder, migrations.RunPython.noop),
        migrations.RunPython(
            default_programme_upgrades.install_side_move_reasons, migrations.RunPython.noop
        ),
    ]
