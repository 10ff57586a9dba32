"""The classification on the case page: who sees it, who sets it, and how a bad post
is answered (the error shown, nothing saved)."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import (
    AgencyKind,
    CaseTeamMember,
    ClassificationBand,
    ClassificationChange,
    MultiAgencyReview,
    Programme,
)
from tests.case_page import every_tab

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today().isoformat()


@pytest.fixture
def bands(programme):
    return {band.code: band for band in programme.classification_bands.all()}


@pytest.fixture
def teacher(make_case):
    """Staff of an agency on the team without the risk class."""
    return factories.CaseworkerFactory(
        agency=factories.AgencyFactory(kind=AgencyKind.EDUCATION, name="School")
    )


def _prefixed(prefix, data):
    return {f"{prefix}-{k}": v for k, v in data.items()}


@pytest.fixture
def police(make_case):
    return factories.AgencyFactory(kind=AgencyKind.POLICE, name="Police")


def _conference_post(agency, other=None, **extra):
    """The recorder's agency agrees; ``other`` (on its behalf) too, when given."""
    data = {
        "kind": "case_conference",
        "held_on": TODAY,
        "decision": "Plan agreed.",
        f"position_{agency.pk}": "agree",
        **extra,
    }
    if other is not None:
        data |= {f"position_{other.pk}": "agree", f"attended_by_{other.pk}": "Inspector Khan"}
    return _prefixed("review", data)


def test_the_case_conference_form_requires_the_first_classification(
    client, caseworker, make_case, agency, bands, police
):
    case = make_case("case_conference")
    CaseTeamMember.objects.create(case=case, agency=police, role="support")
    client.force_login(caseworker)
    case_page = every_tab(client, case.reference)
    assert '?tab=overview#section-classification">Not classified yet</a>' in case_page
    url = reverse("record_add", args=[case.reference, "review"])
    page = client.get(url).content.decode()
    assert 'name="review-classification"' in page
    response = client.post(url, _conference_post(agency))
    assert "A case conference sets the classification: choose a band." in response.content.decode()
    response = client.post(url, _conference_post(agency, classification=bands["moderate"].pk))
    assert "Say why the case is classified so." in response.content.decode()
    assert not MultiAgencyReview.objects.exists()
    response = client.post(
        url,
        _conference_post(
            agency,
            police,
            classification=bands["moderate"].pk,
            classification_reason="Mixed picture.",
        ),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.classification == bands["moderate"]
    page = every_tab(client, case.reference)
    assert "Moderate concern" in page and "Mixed picture." in page


def test_a_band_of_another_programme_posted_by_hand_is_refused(
    client, caseworker, make_case, agency
):
    case = make_case("case_conference")
    other = Programme.objects.create(name="Other", code="other", legal_framework="Act")
    foreign = ClassificationBand.objects.create(
        programme=other,
        code="x",
        name="X",
        rank=1,
        contact_frequency="weekly",
        review_frequency="monthly",
    )
    client.force_login(caseworker)
    url = reverse("record_add", args=[case.reference, "review"])
    response = client.post(
        url, _conference_post(agency, classification=foreign.pk, classification_reason="r")
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not MultiAgencyReview.objects.exists() and not ClassificationChange.objects.exists()


def test_staff_without_the_risk_class_neither_see_nor_set_it(
    client, caseworker, make_case, agency, teacher, bands
):
    case = make_case("case_conference", classification=bands["high"])
    ClassificationChange.objects.create(
        case=case,
        band=bands["high"],
        reason="Listed commander",
        decided_on=datetime.date.today(),
        changed_by=caseworker,
    )
    CaseTeamMember.objects.create(case=case, agency=teacher.agency, role="support")
    client.force_login(teacher)
    page = every_tab(client, case.reference)
    assert "High concern" not in page and "Listed commander" not in page
    assert 'id="section-classification"' not in page
    form = client.get(reverse("record_add", args=[case.reference, "review"])).content.decode()
    assert "review-classification" not in form
    # Posting the field by hand changes nothing: the form has no such field.
    client.post(
        reverse("record_add", args=[case.reference, "review"]),
        _conference_post(
            teacher.agency, classification=bands["low"].pk, classification_reason="By hand"
        ),
    )
    case.refresh_from_db()
    assert case.classification == bands["high"]
    response = client.post(
        reverse("record_add", args=[case.reference, "classification"]),
        _prefixed("classification", {"band": bands["low"].pk, "reason": "By hand"}),
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.classification == bands["high"]


def test_only_a_supervisor_changes_it_from_the_case_page(
    client, caseworker, supervisor, make_case, bands
):
    case = make_case("counselling", classification=bands["high"])
    url = reverse("record_add", args=[case.reference, "classification"])
    data = _prefixed("classification", {"band": bands["moderate"].pk, "reason": "Progress."})
    client.force_login(caseworker)
    page = every_tab(client, case.reference)
    assert "High concern" in page
    assert url not in page
    refused = client.post(url, {**data, "classification-version": case.version})
    assert "between reviews only a supervisor changes it" in refused.content.decode()
    case.refresh_from_db()
    assert case.classification == bands["high"]

    client.force_login(supervisor)
    page = every_tab(client, case.reference)
    assert url in page
    response = client.post(
        url,
        _prefixed("classification", {"band": bands["moderate"].pk, "version": case.version}),
    )
    assert "This field is required" in response.content.decode()
    response = client.post(url, {**data, "classification-version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.classification == bands["moderate"]
    change = ClassificationChange.objects.get(case=case)
    assert (change.previous_band, change.changed_by) == (bands["high"], supervisor)


def test_a_stale_change_of_classification_is_refused(client, supervisor, make_case, bands):
    """Found by the attacker-side review: a form opened before a conference decided would
    silently overwrite its decision."""
    case = make_case("counselling", classification=bands["low"])
    seen = case.version
    from casemgmt.services.cases import lock_case, save_case_fields

    save_case_fields(lock_case(case, None), classification=bands["high"])  # decided meanwhile
    client.force_login(supervisor)
    response = client.post(
        reverse("record_add", args=[case.reference, "classification"]),
        _prefixed(
            "classification",
            {"band": bands["moderate"].pk, "reason": "Progress.", "version": seen},
        ),
    )
    assert response.status_code == 200
    assert "changed" in response.content.decode().lower()
    case.refresh_from_db()
    assert case.classification == bands["high"]
    assert not ClassificationChange.objects.exists()


def test_without_active_bands_a_conference_is_still_recorded(
    client, caseworker, make_case, agency, programme
):
    programme.classification_bands.update(is_active=False)
    case = make_case("case_conference")
    client.force_login(caseworker)
    response = client.post(
        reverse("record_add", args=[case.reference, "review"]), _conference_post(agency)
    )
    assert response.status_code == 302
    assert MultiAgencyReview.objects.filter(case=case).exists()
