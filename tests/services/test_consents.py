"""Participation consent withdrawn: recorded, and the programme's move proposed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casemgmt.models import AuditAction, AuditEvent, Consent
from casemgmt.selectors.consents import withdrawal_proposal
from casemgmt.services import consents, evidence

TODAY = timezone.localdate


def _consent(case, by):
    return evidence.consent_record(
        case=case,
        by=by,
        terms_version="T1",
        privacy_notice_version="P1",
        signed_on=TODAY() - datetime.timedelta(days=30),
        witness_name="W",
    )


def test_withdrawal_proposes_the_configured_move(make_case, caseworker, programme, stages):
    case = make_case("counselling")
    consent = _consent(case, caseworker)
    assert withdrawal_proposal(case) is None
    consents.consent_withdraw(
        consent=consent, by=caseworker, withdrawn_on=TODAY(), withdrawal_method="in_writing"
    )
    proposal = withdrawal_proposal(case)
    assert proposal.to_stage.key == "exited"
    assert AuditEvent.objects.filter(action=AuditAction.EVIDENCE_CONSENT_WITHDRAWN).exists()
    # Another programme configuration: suspension instead of exit.
    programme.consent_withdrawal_stage = stages["suspended"]
    programme.save()
    case.refresh_from_db()
    assert withdrawal_proposal(case).to_stage.key == "suspended"


def test_no_proposal_while_the_programme_names_no_move(make_case, caseworker, programme):
    case = make_case("counselling")
    programme.consent_withdrawal_stage = None
    programme.save()
    consent = _consent(case, caseworker)
    consents.consent_withdraw(
        consent=consent, by=caseworker, withdrawn_on=TODAY(), withdrawal_method="orally"
    )
    case.refresh_from_db()
    assert withdrawal_proposal(case) is None


def test_withdrawal_before_signing_is_refused(make_case, caseworker):
    case = make_case("counselling")
    consent = _consent(case, caseworker)
    with pytest.raises(ValidationError, match="before it was signed"):
        consents.consent_withdraw(
            consent=consent,
            by=caseworker,
            withdrawn_on=TODAY() - datetime.timedelta(days=60),
            withdrawal_method="orally",
        )
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None
