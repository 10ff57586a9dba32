"""Bring an installed default programme up to what ``default_programme`` now installs: each
function is called by the data migration named beside it (and by the tests when they
re-install the shipped configuration). Later edits in the admin are the administrators'."""

from casemgmt.default_programme import (
    CLASSIFICATION_BANDS,
    CONSENT_WITHDRAWAL_STAGE,
    CUSTODIAL_STAGES,
    EXIT_FROM,
    EXIT_REASON,
    NOT_HELD_STAGES,
    PROGRAMME,
    REASSESSMENT_DAYS,
    RELEASE_REVIEW_MAX_AGE_DAYS,
    SETTINGS,
    TRANSITIONS,
)


def apply_settings(apps, schema_editor=None) -> None:
    """Set the default programme's cadences, instrument and release review age (a data
    migration: later edits in the admin are the administrators')."""
    Programme = apps.get_model("casemgmt", "Programme")
    Instrument = apps.get_model("casemgmt", "Instrument")
    TransitionGate = apps.get_model("casemgmt", "TransitionGate")
    programme = Programme.objects.filter(code=PROGRAMME["code"]).first()
    if programme is None:
        return
    Programme.objects.filter(pk=programme.pk).update(**SETTINGS)
    for key, days in REASSESSMENT_DAYS.items():
        programme.stages.filter(key=key).update(reassessment_days=days)
    programme.instruments.add(*Instrument.objects.filter(is_active=True))
    release = TransitionGate.objects.filter(
        transition__programme=programme,
        transition__from_stage__key="release_preparation",
        transition__to_stage__key="released",
        gate="multi_agency_review",
    )
    for row in release:
        if "max_age_days" not in row.params:
            row.params = {**row.params, "max_age_days": RELEASE_REVIEW_MAX_AGE_DAYS}
            row.save(update_fields=["params"])


def install_side_move_reasons(apps, schema_editor=None) -> None:
    """Bring an installed default programme to the side-move gates above (a data migration):
    each side move's ``move_reason`` gate, the recall's authority in place of the old
    "any court order" gate, and the consent-withdrawal stage."""
    Programme = apps.get_model("casemgmt", "Programme")
    Transition = apps.get_model("casemgmt", "Transition")
    TransitionGate = apps.get_model("casemgmt", "TransitionGate")
    programme = Programme.objects.filter(code=PROGRAMME["code"]).first()
    if programme is None:
        return
    wanted = {
        (f, t): p
        for f, t, *_r, gate_list in TRANSITIONS
        for g, p in gate_list
        if g == "move_reason"
    }
    wanted |= {(f, "exited"): EXIT_REASON for f in EXIT_FROM}
    for transition in Transition.objects.filter(programme=programme).select_related(
        "from_stage", "to_stage"
    ):
        params = wanted.get((transition.from_stage.key, transition.to_stage.key))
        if params is None:
            continue
        if (transition.from_stage.key, transition.to_stage.key) == ("released", "suspended"):
            # The original court order no longer authorises a recall.
            transition.gates.filter(gate="legal_authority_recorded").delete()
        TransitionGate.objects.update_or_create(
            transition=transition, gate="move_reason", defaults={"params": params, "order": 90}
        )
    exited = programme.stages.filter(key=CONSENT_WITHDRAWAL_STAGE).first()
    if programme.consent_withdrawal_stage_id is None and exited is not None:
        programme.consent_withdrawal_stage = exited
        programme.save(update_fields=["consent_withdrawal_stage"])


def mark_custodial_stages(apps, schema_editor=None) -> None:
    """The default programme holds people in a facility in its prison stages."""
    stages = apps.get_model("casemgmt", "Stage").objects.filter(programme__code=PROGRAMME["code"])
    stages.filter(key__in=CUSTODIAL_STAGES).update(custody="held")
    stages.filter(key__in=NOT_HELD_STAGES).update(custody="not_held")


def install_classification_bands(apps, schema_editor=None) -> None:
    """Give every programme without bands the default ones (a programme cannot classify
    without them), and carry each case's old concern level over as its classification."""
    Programme = apps.get_model("casemgmt", "Programme")
    Band = apps.get_model("casemgmt", "ClassificationBand")
    Case = apps.get_model("casemgmt", "Case")
    has_old_field = any(f.name == "concern_level" for f in Case._meta.get_fields())
    for programme in Programme.objects.exclude(classification_bands__isnull=False):
        for code, name, rank, contact, review in CLASSIFICATION_BANDS:
            band = Band.objects.create(
                programme=programme,
                code=code,
                name=name,
                rank=rank,
                contact_frequency=contact,
                review_frequency=review,
            )
            if has_old_field:
                Case.objects.filter(programme=programme, concern_level=code).update(
                    classification=band
                )
