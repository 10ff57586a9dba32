"""The person pages: refused look-ups answer 404 and are recorded; registration is one service."""

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AuditEvent, Case, Person, Programme
from casemgmt.services import person_merges

pytestmark = pytest.mark.django_db


def test_opening_a_case_for_a_stranger_is_not_found_and_recorded(
    client, caseworker, agency, programme, assert_refused
):
    stranger = factories.CaseFactory().person
    client.force_login(caseworker)
    url = reverse("person_open_case", args=[stranger.reference])
    event = assert_refused(lambda: client.get(url), "casemgmt.person")
    assert event.target_id == stranger.reference
    data = {"programme": programme.pk, "lead_agency": agency.pk}
    assert_refused(lambda: client.post(url, data), "casemgmt.person")
    assert Case.objects.filter(person=stranger).count() == 1


def test_opening_a_case_for_a_merged_record_is_not_found_and_recorded(
    client, supervisor, make_case, assert_refused
):
    keep, dup = make_case(), make_case(person=factories.PersonFactory(), status="closed")
    person_merges.person_merge(
        by=supervisor, survivor=keep.person, duplicate=dup.person, reason="Same"
    )
    # A case left on the merged record (written past the services) keeps it visible.
    dup_case = factories.CaseFactory(person=dup.person, lead_agency=keep.lead_agency)
    client.force_login(supervisor)
    url = reverse("person_open_case", args=[dup_case.person.reference])
    assert_refused(lambda: client.get(url), "casemgmt.person")


def test_unmerging_a_merge_of_another_person_is_not_found_and_recorded(
    client, supervisor, make_case, assert_refused
):
    keep, dup = make_case(), make_case(person=factories.PersonFactory(), status="closed")
    merge = person_merges.person_merge(
        by=supervisor, survivor=keep.person, duplicate=dup.person, reason="Same"
    )
    elsewhere = make_case(person=factories.PersonFactory())
    client.force_login(supervisor)
    url = reverse("person_unmerge", args=[elsewhere.person.reference, merge.pk])
    assert_refused(
        lambda: client.post(url, {f"unmerge-{merge.pk}-reason": "Brothers"}),
        "casemgmt.personmerge",
    )
    merge.refresh_from_db()
    assert merge.reversed_at is None


def test_opening_a_case_assigns_it_to_me_when_my_agency_leads(
    client, caseworker, agency, programme, stages
):
    person = factories.PersonFactory()
    factories.CaseFactory(person=person, lead_agency=agency, current_stage=stages["exited"])
    client.force_login(caseworker)
    response = client.post(
        reverse("person_open_case", args=[person.reference]),
        {"programme": programme.pk, "lead_agency": agency.pk},
    )
    case = Case.objects.filter(person=person).latest("pk")
    assert response.url == reverse("case_detail", args=[case.reference])
    assert case.assigned_caseworker == caseworker
    assert AuditEvent.objects.filter(action="case.opened", target_id=str(case.pk)).count() == 1


def test_a_refused_case_leaves_no_person_behind(client, caseworker, agency, programme):
    """Registration and its case are one service: a refused case undoes the registration."""
    programme = Programme.objects.create(name="Unfinished", code="unfinished", legal_framework="x")
    client.force_login(caseworker)
    response = client.post(
        reverse("person_register"),
        {
            "full_name": "Gul Zaman",
            "date_of_birth": "1991-04-12",
            "sex": "male",
            "programme": programme.pk,
            "lead_agency": agency.pk,
        },
    )
    assert response.status_code == 200
    assert "This programme has no start stage" in str(response.context["form"].errors["programme"])
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action="person.registered").exists()


def test_unmerge_needs_a_reason(client, supervisor, make_case):
    keep = make_case()
    dup = make_case("exited").person
    merge = person_merges.person_merge(
        by=supervisor, survivor=keep.person, duplicate=dup, reason="same"
    )
    client.force_login(supervisor)
    response = client.post(
        reverse("person_unmerge", args=[keep.person.reference, merge.pk]),
        {f"unmerge-{merge.pk}-reason": ""},
        follow=True,
    )
    assert "This field is required." in response.content.decode()
    merge.refresh_from_db()
    assert merge.reversed_at is None


def test_emergency_access_cannot_reverse_a_merge(client, programme, stages, assert_refused):
    """Issue 10, finding 1: a supervisor with emergency (read-only) access to the survivor's
    case posts an unmerge: not found, recorded, and the probation case stays where it is."""
    from casemgmt.models import AgencyKind
    from casemgmt.services import restriction

    probation = factories.AgencyFactory(kind=AgencyKind.PROBATION)
    keep = factories.CaseFactory(lead_agency=probation, programme=programme)
    dup = factories.CaseFactory(
        lead_agency=probation, programme=programme, current_stage=stages["exited"]
    )
    merge = person_merges.person_merge(
        by=factories.SupervisorFactory(agency=probation),
        survivor=keep.person,
        duplicate=dup.person,
        reason="Same",
    )
    glass = factories.SupervisorFactory(agency=factories.AgencyFactory(kind=AgencyKind.PRISON))
    restriction.break_glass_open(by=glass, reference=keep.reference, reason="Urgent transfer now")
    client.force_login(glass)
    assert client.get(reverse("person_detail", args=[keep.person.reference])).status_code == 200
    url = reverse("person_unmerge", args=[keep.person.reference, merge.pk])
    assert_refused(
        lambda: client.post(url, {f"unmerge-{merge.pk}-reason": "Brothers"}), "casemgmt.person"
    )
    merge.refresh_from_db()
    dup.refresh_from_db()
    assert merge.reversed_at is None
    assert dup.person == keep.person
    for name in ["person_verify_identity", "person_merge"]:
        assert_refused(
            lambda name=name: client.post(
                reverse(name, args=[keep.person.reference]),
                {"document_reference": "CNIC", "merge-duplicate": "x", "merge-reason": "y"},
            ),
            "casemgmt.person",
        )
    keep.person.refresh_from_db()
    assert keep.person.identity_verified_at is None
    # The person page offers emergency access no form that changes anything.
    body = client.get(reverse("person_detail", args=[keep.person.reference])).content.decode()
    assert url not in body
    assert reverse("person_merge", args=[keep.person.reference]) not in body
