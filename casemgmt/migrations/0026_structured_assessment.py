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
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("access.break_glass", "Emergency access granted"),
                    ("access.denied", "Access refused"),
                    ("search.identity", "Search by CNIC"),
                    ("access.break_glass_refused", "Emergency access refused"),
                    ("access.rate_limited", "Too many requests refused"),
                    ("auth.signed_in", "Signed in"),
                    ("auth.signed_out", "Signed out"),
                    ("auth.sign_in_failed", "Sign-in failed"),
                    ("auth.locked_out", "Sign-in locked after repeated failures"),
                    ("auth.unlocked", "Sign-in unlocked"),
                    ("auth.password_changed", "Own password changed"),
                    ("auth.factor_added", "Second factor added"),
                    ("auth.factor_removed", "Second factor removed"),
                    ("auth.sessions_ended", "Sessions ended"),
                    ("auth.stepped_up", "Confirmed identity again (step-up)"),
                    ("auth.second_factor_reset", "Second factor reset by an admin"),
                    ("read.assessment", "Assessment read"),
                    ("read.case", "Case read"),
                    ("read.intervention", "Intervention read"),
                    ("read.note", "Note read"),
                    ("read.person", "Person read"),
                    ("read.referral", "Referral read"),
                    ("read.inbox", "Inbox read"),
                    ("read.approvals", "Approvals queue read"),
                    ("read.departed_work", "Work of disabled users read"),
                    ("config.created", "Configuration created"),
                    ("config.changed", "Configuration changed"),
                    ("config.deleted", "Configuration deleted"),
                    ("config.user_created", "User created"),
                    ("config.user_changed", "User changed"),
                    ("config.user_change_refused", "User change refused"),
                    ("config.user_password_set", "User's password set"),
                    ("config.user_disabled_dormant", "User disabled after no sign-in"),
                    ("config.role_grant_requested", "Role grant requested"),
                    ("config.role_grant_confirmed", "Role grant confirmed"),
                    ("config.role_grant_rejected", "Role grant rejected"),
                    ("person.registered", "Person registered"),
                    ("person.identity_verified", "Identity verified"),
                    ("person.merged", "Person records merged"),
                    ("person.unmerged", "Merge reversed"),
                    ("person.registration_clash", "Registration matched a registered person"),
                    (
                        "person.registration_throttled",
                        "Registration refused after repeated matches",
                    ),
                    ("person.registration_linked", "Held registration linked"),
                    ("person.registration_rejected", "Held registration rejected"),
                    ("case.opened", "Case opened"),
                    ("case.imported", "Case imported"),
                    ("case.assigned", "Caseworker assigned"),
                    ("case.person_changed", "Case moved to another person record"),
                    ("case.team_added", "Agency added to the team"),
                    ("case.team_removed", "Agency removed from the team"),
                    ("case.receiving_agency_accepted", "Receiving agency accepted the case"),
                    ("case.restricted", "Case restricted"),
                    ("case.unrestricted", "Case restriction lifted"),
                    ("case.allow_list_added", "User added to the allow-list"),
                    ("case.allow_list_removed", "User removed from the allow-list"),
                    ("case.transition_requested", "Move requested"),
                    ("case.transition_applied", "Move applied"),
                    ("case.transition_approved", "Move approved"),
                    ("case.transition_rejected", "Move rejected"),
                    ("case.transition_withdrawn", "Move request withdrawn"),
                    ("evidence.legal_authority_recorded", "Legal authority recorded"),
                    ("evidence.eligibility_decided", "Eligibility decided"),
                    ("evidence.eligibility_revoked", "Eligibility revoked"),
                    ("evidence.consent_recorded", "Consent recorded"),
                    ("evidence.renunciation_recorded", "Renunciation recorded"),
                    ("evidence.renunciation_verified", "Renunciation verified"),
                    ("evidence.review_recorded", "Review recorded"),
                    ("evidence.undertaking_recorded", "Undertaking recorded"),
                    ("review.action_done", "Review action done"),
                    ("review.action_reassigned", "Review action reassigned"),
                    ("assessment.recorded", "Assessment recorded"),
                    ("assessment.second_reviewed", "Assessment second-reviewed"),
                    ("assessment.clinical_recorded", "Clinical part of an assessment recorded"),
                    ("intervention.started", "Intervention started"),
                    ("intervention.activated", "Intervention under way"),
                    ("intervention.completed", "Intervention completed"),
                    ("intervention.stopped", "Intervention stopped"),
                    ("intervention.session_recorded", "Session recorded"),
                    ("note.added", "Note added"),
                    ("note.corrected", "Note corrected"),
                    ("outcome.reengagement_recorded", "Re-engagement recorded"),
                    ("monitoring.check_in_recorded", "Check-in recorded"),
                    ("monitoring.plan_recorded", "Monitoring plan recorded"),
                    ("monitoring.escalation_raised", "Escalation raised"),
                    ("monitoring.escalation_acknowledged", "Escalation acknowledged"),
                    ("monitoring.escalation_resolved", "Escalation resolved"),
                    ("referral.sent", "Referral sent"),
                    ("referral.accepted", "Referral accepted"),
                    ("referral.declined", "Referral declined"),
                    ("referral.completed", "Referral completed"),
                    ("referral.revoked", "Referral revoked"),
                    ("sharing.recorded", "Sharing recorded"),
                    ("sharing.ended", "Sharing ended"),
                    ("sharing.expired", "Sharing expired"),
                    ("notification.read", "Notification read"),
                    ("user.language_changed", "Language changed"),
                ],
                db_index=True,
                max_length=60,
                verbose_name="action",
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
