"""One structured assessment: free-text rows are marked unstructured (kept, shown, never
counted by gates); the default instrument's domains become mandatory for the baseline;
each structured row gets its completeness and clinical part."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from casemgmt import default_instrument, scoring


def mark_assessments(apps, schema_editor):
    Assessment = apps.get_model("casemgmt", "Assessment")
    Domain = apps.get_model("casemgmt", "Domain")
    ItemRating = apps.get_model("casemgmt", "ItemRating")
    mandatory = {
        key for key, _n, _t, is_mandatory, _i in default_instrument.DOMAINS if is_mandatory
    }
    Domain.objects.filter(instrument__name=default_instrument.NAME, key__in=mandatory).update(
        is_mandatory=True
    )
    Assessment.objects.filter(instrument__isnull=True).update(structured=False)
    Assessment.objects.filter(instrument__isnull=False, ratings__isnull=True).update(
        structured=False
    )
    for assessment in Assessment.objects.filter(structured=True).iterator():
        ratings = list(
            ItemRating.objects.filter(assessment=assessment)
            .select_related("item__domain")
            .order_by("item__domain__order", "item__order")
        )
        rated = [
            (r.item.domain.name, r.item.domain.is_mandatory, r.item.domain.is_clinical, r.rating)
            for r in ratings
        ]
        unrated, clinical_unrated = scoring.completeness(rated)
        clinical = [r for r in ratings if r.item.domain.is_clinical]
        if not clinical:
            part = "none"
        elif any(r.rating in scoring.VALUES for r in clinical):
            part = "recorded"  # rated by clinical staff with the rest of the form
        else:
            part = "pending"
        # Scores are shown to readers without the clinical class: never from clinical domains.
        track_scores = scoring.scores(
            (r.item.domain.track, r.rating, r.item.is_protective)
            for r in ratings
            if not r.item.domain.is_clinical
        )
        Assessment.objects.filter(pk=assessment.pk).update(
            disengagement_score=track_scores["disengagement"],
            deradicalisation_score=track_scores["deradicalisation"],
            unrated_domains=unrated,
            clinical_unrated=clinical_unrated,
            clinical_part=part,
            clinical_by_id=assessment.assessor_id if part == "recorded" else None,
            clinical_at=assessment.recorded_at if part == "recorded" else None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("casemgmt", "0025_juvenile_track"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="clinical_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="clinical part recorded at"
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="clinical_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="clinical part by",
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="clinical_part",
            field=models.CharField(
                choices=[
                    ("none", "No clinical domains"),
                    ("pending", "Clinical part outstanding"),
                    ("recorded", "Clinical part recorded"),
                ],
                default="none",
                max_length=10,
                verbose_name="clinical part",
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="clinical_unrated",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="assessment",
            name="structured",
            field=models.BooleanField(default=True, verbose_name="structured"),
        ),
        migrations.AddField(
            model_name="assessment",
            name="unrated_domains",
            field=models.JSONField(
                blank=True, default=list, verbose_name="mandatory domains not rated"
            ),
        ),
        migrations.AlterField(
            model_name="domain",
            name="is_mandatory",
            field=models.BooleanField(
                default=False,
                help_text="A baseline is complete only when every item of this domain is rated low, moderate or high (not unknown).",
                verbose_name="mandatory",
            ),
        ),
        migrations.RunPython(mark_assessments, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("structured", False), ("instrument__isnull", False), _connector="OR"
                ),
                name="assessment_structured_has_instrument",
            ),
        ),
    ]
