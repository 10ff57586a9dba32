"""The confirm action in the agency's inbox; "on behalf of" shown; consent withdrawal proposed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories
from casemgmt.models import AgencyKind, CaseTeamMember, ReviewPosition
from casemgmt.services import consents, evidence, reviews
from tests.case_page import every_tab


@pytest.fixture
def reviewed(make_case, caseworker, stages):
    case = make_case("release_preparation")
    police = factories.AgencyFactory(kind=AgencyKind.POLICE, name="District Police")
    CaseTeamMember.objects.create(case=case, agency=police, role="support")
    reviews.review_record(
        case=case,
        by=caseworker,
        kind="release_review",
        held_on=timezone.localdate(),
        decision="Release.",
        recommended_stage=stages["released"],
        positions=[(caseworker.agency, "agree", ""), (police, "agree", "", "Inspector Khan")],
    )
    return case, police


def test_on_behalf_is_shown_and_the_agency_confirms_from_its_inbox(client, reviewed, caseworker):
    case, police = reviewed
    client.force_login(caseworker)
    page = every_tab(client, case.reference)
    assert "recorded by the chair on behalf of Inspector Khan" in page
    assert "awaits the agency" in page
    # The chair's own inbox has nothing to confirm; the police officer's has it.
    assert "position-to-confirm" not in client.get(reverse("inbox")).content.decode()
    officer = factories.CaseworkerFactory(agency=police)
    client.force_login(officer)
    inbox = client.get(reverse("inbox")).content.decode()
    assert "position-to-confirm" in inbox
    position = ReviewPosition.objects.get(agency=police)
    url = reverse("record_action", args=[case.reference, "confirm_review_position", position.pk])
    client.post(url)
    position.refresh_from_db()
    assert position.confirmed_by == officer
    assert "position-to-confirm" not in client.get(reverse("inbox")).content.decode()


def test_the_chair_cannot_confirm_for_the_police(client, reviewed, caseworker):
    case, police = reviewed
    client.force_login(caseworker)
    position = ReviewPosition.objects.get(agency=police)
    url = reverse("record_action", args=[case.reference, "confirm_review_position", position.pk])
    client.post(url)
    position.refresh_from_db()
    assert position.confirmed_at is None


def test_withdrawn_consent_proposes_the_move_on_the_case_page(client, make_case, caseworker):
    case = make_case("counselling")
    consent = evidence.consent_record(
        case=case,
        by=caseworker,
        terms_version="T1",
        privacy_notice_version="P1",
        signed_on=timezone.localdate() - datetime.timedelta(days=10),
        witness_name="W",
    )
    client.force_login(caseworker)
    assert "consent-withdrawn" not in every_tab(client, case.reference)
    consents.consent_withdraw(
        consent=consent,
        by=caseworker,
        withdrawn_on=timezone.localdate(),
        withdrawal_method="in_writing",
    )
    page = every_tab(client, case.reference)
    assert "consent-withdrawn" in page
    assert "the programme proposes the move to “Exited”" in page
    assert reverse("stage_move", args=[case.reference]) in page
