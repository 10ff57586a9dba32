"""The evidence a move's gates read, recorded on the case: legal authority, eligibility,
consent, renunciation and undertakings (``kinds.py`` lists them in its order)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casemgmt.info_classes import InfoClass
from casemgmt.record_kinds.types import RecordKind, TimelineSource

C = InfoClass


def with_label(text: str, label: str) -> str:
    return f"{text} — {label}" if label else text


EVIDENCE_KINDS: list[RecordKind] = [
    RecordKind(
        key="legal_authority",
        model="casemgmt.LegalAuthority",
        info_class=C.LEGAL,
        label=gettext_lazy("Legal authority"),
        form="casemgmt.forms.evidence.LegalAuthorityForm",
        service="casemgmt.services.evidence.legal_authority_record",
        section="legal",
        heading=gettext_lazy("Legal authority"),
        empty=gettext_lazy("No legal authority recorded yet."),
        select_related=("recorded_by",),
        timeline=TimelineSource(
            occurred="issued_on",
            at="recorded_at",
            actor="recorded_by",
            code="kind",
            text1="reference",
            text2="issuing_body",
            text=lambda code, t1, t2: f"{code} {t1} — {t2}",
        ),
    ),
    RecordKind(
        key="eligibility",
        model="casemgmt.Eligibility",
        info_class=C.LEGAL,
        label=gettext_lazy("Eligibility decision"),
        form="casemgmt.forms.evidence.EligibilityForm",
        service="casemgmt.services.evidence.eligibility_record",
        section="legal",
        list_template="casemgmt/records/eligibility_list.html",
        empty=gettext_lazy("Eligibility not yet decided."),
        select_related=("decided_by", "revoked_by"),
        timeline=TimelineSource(
            occurred="decided_on",
            at="recorded_at",
            actor="recorded_by",
            code="decision",
            text1="rule_applied",
            text2="revocation_reason",
            text=lambda code, t1, t2: with_label(code, _("revoked") if t2 else ""),
        ),
    ),
    RecordKind(
        key="consent",
        model="casemgmt.Consent",
        info_class=C.LEGAL,
        label=gettext_lazy("Consent"),
        form="casemgmt.forms.evidence.ConsentForm",
        service="casemgmt.services.evidence.consent_record",
        section="consent",
        empty=gettext_lazy("Participation terms and privacy notice not yet signed."),
        select_related=("recorded_by",),
        timeline=TimelineSource(
            occurred="signed_on",
            at="recorded_at",
            actor="recorded_by",
            text1="terms_version",
            text2="privacy_notice_version",
            text=lambda code, t1, t2: (
                _("Terms %(terms)s, privacy notice %(notice)s") % {"terms": t1, "notice": t2}
            ),
        ),
    ),
    RecordKind(
        key="renunciation",
        model="casemgmt.Renunciation",
        info_class=C.LEGAL,
        label=gettext_lazy("Renunciation"),
        form="casemgmt.forms.evidence.RenunciationForm",
        service="casemgmt.services.evidence.renunciation_record",
        section="renunciation",
        empty=gettext_lazy("No renunciation recorded yet."),
        select_related=("recorded_by", "verified_by"),
        timeline=TimelineSource(
            occurred="declared_on",
            at="recorded_at",
            actor="recorded_by",
            code="kind",
            text1="witness_name",
            text2="verified_by__username",
            text=lambda code, t1, t2: with_label(code, _("verified") if t2 else ""),
        ),
    ),
    RecordKind(
        key="undertaking",
        model="casemgmt.Undertaking",
        info_class=C.LEGAL,
        label=gettext_lazy("Undertaking"),
        form="casemgmt.forms.evidence.UndertakingForm",
        service="casemgmt.services.evidence.undertaking_record",
        section="release",
        heading=gettext_lazy("Undertakings"),
        empty=gettext_lazy("No undertaking recorded yet."),
        select_related=("recorded_by",),
        timeline=TimelineSource(
            occurred="signed_on",
            at="recorded_at",
            actor="recorded_by",
            code="kind",
            text1="guarantor_name",
            text=lambda code, t1, t2: f"{code}: {t1}",
        ),
    ),
]
