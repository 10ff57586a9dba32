"""The caseload page: scoping, search, filters, sorting, keyset pages, query counts."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.selectors.caseload import CaseloadFilters, caseload_page

pytestmark = pytest.mark.django_db


def names(response):
    return [c.person.full_name for c in response.context["page"].cases]


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("caseload"))
    assert response.status_code == 302


def test_only_cases_of_my_agency_are_listed(client, caseworker, make_case):
    mine = make_case(person=factories.PersonFactory(full_name="Amin Gul"))
    factories.CaseFactory(person=factories.PersonFactory(full_name="Hidden Person"))
    client.force_login(caseworker)
    response = client.get(reverse("caseload"))
    assert names(response) == ["Amin Gul"]
    assert "Hidden Person" not in response.content.decode()
    assert mine.reference in response.content.decode()


def test_search_by_reference_name_and_cnic(client, caseworker, make_case):
    a = make_case(person=factories.PersonFactory(full_name="Amin Gul", cnic="15602-1111111-1"))
    make_case(person=factories.PersonFactory(full_name="Bashir Khan"))
    client.force_login(caseworker)
    for q in [
        a.reference,
        a.reference.lower(),
        "amin",
        "1560211111111",
        "15602-1111111-1",
        a.person.reference,
    ]:
        assert names(client.get(reverse("caseload"), {"q": q})) == ["Amin Gul"], q
    assert names(client.get(reverse("caseload"), {"q": "nobody"})) == []


def test_filters_stage_status_overdue(client, caseworker, make_case, stages):
    make_case("referral", person=factories.PersonFactory(full_name="In Referral"))
    late = make_case("released", person=factories.PersonFactory(full_name="Overdue Review"))
    late.next_review_due = datetime.date.today() - datetime.timedelta(days=3)
    late.save()
    make_case("exited", person=factories.PersonFactory(full_name="Closed One"))
    client.force_login(caseworker)
    url = reverse("caseload")
    assert names(client.get(url, {"stage": stages["referral"].pk})) == ["In Referral"]
    assert names(client.get(url, {"status": "closed"})) == ["Closed One"]
    assert names(client.get(url, {"overdue": "on"})) == ["Overdue Review"]


def test_bad_filter_values_fall_back_without_error(client, caseworker, make_case):
    make_case()
    client.force_login(caseworker)
    response = client.get(reverse("caseload"), {"stage": "not-a-number", "sort": "evil"})
    assert response.status_code == 200
    assert len(response.context["page"].cases) == 1
    response = client.get(reverse("caseload"), {"after": "garbage!!"})
    assert response.status_code == 200


def test_keyset_pages_cover_every_case_once_in_each_sort(caseworker, make_case):
    for i in range(23):
        make_case(person=factories.PersonFactory(full_name=f"Person {i:02d}"))
    for sort in ["-opened", "reference", "name", "stage", "due"]:
        filters = CaseloadFilters(sort=sort)
        seen, after, pages = [], "", 0
        while True:
            page = caseload_page(caseworker, filters, after=after, page_size=5)
            seen += [c.pk for c in page.cases]
            pages += 1
            if not page.next_cursor:
                break
            after = page.next_cursor
        assert len(seen) == 23 and len(set(seen)) == 23, sort
        assert pages == 5
        # And back again from the last page.
        back = caseload_page(caseworker, filters, before=page.prev_cursor, page_size=5)
        assert [c.pk for c in back.cases] == seen[15:20], sort


def test_sort_by_name(client, caseworker, make_case):
    for name in ["Zarak", "Amin", "Karim"]:
        make_case(person=factories.PersonFactory(full_name=name))
    client.force_login(caseworker)
    assert names(client.get(reverse("caseload"), {"sort": "name"})) == ["Amin", "Karim", "Zarak"]


def test_htmx_request_gets_only_the_results(client, caseworker, make_case):
    make_case()
    client.force_login(caseworker)
    response = client.get(
        reverse("caseload"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="caseload-results"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="caseload-results"')
    assert "<html" not in body


# --- a filter, sort or search follows the class of the field it uses (issue 10, #4 #5) ---


@pytest.fixture
def caseload_world(programme, stages):
    """Two cases on a team of one agency of every kind; one caseworker per kind, and the
    auditor. Case A is in a facility, overdue, in "referral"; case B in none, in "released",
    its check-in overdue, with an open escalation (a breach: risk)."""
    from casemgmt.models import AgencyKind, Case
    from casemgmt.services.escalations import escalation_raise

    agencies = {kind: factories.AgencyFactory(kind=kind) for kind in AgencyKind.values}
    team = [(a, "support") for k, a in agencies.items() if k != AgencyKind.PRISON]
    facility = factories.FacilityFactory()
    a = factories.CaseFactory(
        programme=programme,
        current_stage=stages["referral"],
        lead_agency=agencies[AgencyKind.PRISON],
        facility=facility,
        next_review_due=datetime.date.today() - datetime.timedelta(days=2),
        person=factories.PersonFactory(full_name="Amin Gul", cnic="15602-1000001-1"),
        team=team,
        classification=programme.classification_bands.get(code="high"),
    )
    b = factories.CaseFactory(
        programme=programme,
        current_stage=stages["released"],
        lead_agency=agencies[AgencyKind.PRISON],
        next_contact_due=datetime.date.today() - datetime.timedelta(days=4),
        next_meeting_due=datetime.date.today() - datetime.timedelta(days=5),
        person=factories.PersonFactory(full_name="Bashir Khan", cnic="15602-2000002-2"),
        team=team,
    )
    escalation = escalation_raise(case=b, by=None, trigger="breach", description="Missed curfew")
    # Open for ten days (the "open a week or more" filter finds it).
    type(escalation).objects.filter(pk=escalation.pk).update(
        raised_at=escalation.raised_at - datetime.timedelta(days=10)
    )
    # The escalation made B's review due today; keep the dates the samples rely on.
    Case.objects.filter(pk=b.pk).update(
        next_review_due=None, next_contact_due=datetime.date.today() - datetime.timedelta(days=4)
    )
    users = {kind: factories.CaseworkerFactory(agency=ag) for kind, ag in agencies.items()}
    users["auditor"] = factories.AuditorFactory(oversees=[programme])
    return {"a": a, "b": b, "facility": facility, "users": users, "agencies": agencies}


def _listing(client, user, params):
    client.force_login(user)
    response = client.get(reverse("caseload"), params)
    assert response.status_code == 200
    page = response.context["page"]
    return [c.pk for c in page.cases], page.count, response.context["form"]


def _other_than(values, *taken):
    """A value none of the cases has (so the filter empties the list), or the first case's
    when they differ (so it drops the second)."""
    free = [v for v in values if v not in taken]
    return free[0] if free and taken[0] == taken[1] else taken[0]


def test_every_caseload_parameter_is_refused_or_ignored_without_its_class(client, caseload_world):
    """For every filter, sort and search of the caseload form: a user who may not read the
    field it uses gets the same rows and the same count as without it, and the form does
    not offer it (or refuses the search). A new parameter fails here until its class is
    declared in ``access.CASELOAD_PARAM_CLASSES`` and a sample value is added below."""
    from casemgmt import access
    from casemgmt.forms.caseload import SORT_CHOICES, CaseloadFilterForm
    from casemgmt.models import (
        AgeGroup,
        AgencyKind,
        CaseTeamMember,
        MultiAgencyReview,
        ReviewAction,
        Sex,
        StageTransition,
    )

    w = caseload_world
    a = w["a"]
    # An agency on A's team only, and A assigned to the police officer: both filters then
    # change the listing for those who may use them.
    partner = factories.AgencyFactory()
    CaseTeamMember.objects.create(case=a, agency=partner, role="support")
    type(a).objects.filter(pk=a.pk).update(assigned_caseworker=w["users"]["police"])
    # A move waiting for approval and an overdue review action, on A only.
    today = datetime.date.today()
    StageTransition.objects.create(
        case=a,
        from_stage=a.current_stage,
        to_stage=w["b"].current_stage,
        requested_by=w["users"]["police"],
        reason="Ready",
        status="pending",
    )
    review = MultiAgencyReview.objects.create(
        case=a, kind="progress", held_on=today, decision="Go on", recorded_by=w["users"]["police"]
    )
    ReviewAction.objects.create(
        review=review,
        description="Call",
        owner=w["users"]["police"],
        due_on=today - datetime.timedelta(days=1),
    )
    # Each parameter, per kind, with a value that changes the listing for a user who may use it.
    samples = {
        "q": {"reference": a.reference, "name": "Amin", "cnic": "1560210000011"},
        "programme": {"": str(a.programme_id)},
        "stage": {"": str(a.current_stage_id)},
        "status": {"": "closed"},
        "facility": {"": str(w["facility"].pk)},
        "overdue": {"": "on"},
        "contact_overdue": {"": "on"},
        "juvenile": {"": "on"},
        "open_escalation": {"": "on"},
        "escalation_age": {"": "7"},
        "classification": {"": str(a.classification_id)},
        "contact_due_soon": {"": "on"},
        "meeting_overdue": {"": "on"},
        "assigned_to_me": {"": "on"},
        "team_agency": {"": str(partner.pk)},
        # Outcome, engagement and facility figures: neither case was released, reviewed,
        # has a one-agency team or a referral waiting, so each empties the list.
        "released_in": {"": "2026"},
        "last_review": {"": "incomplete"},
        "single_agency_team": {"": "on"},
        "referral_waiting_for": {"": str(partner.pk)},
        "referral_age": {"": "under_7"},
        "sort": {key: key for key, _label in SORT_CHOICES},
        # The dashboard's scope and figures (selectors.dashboard).
        "agency": {"": str(w["agencies"][AgencyKind.POLICE].pk)},
        "district": {"": "Nowhere"},
        "sex": {"": _other_than(Sex.values, a.person.sex, w["b"].person.sex)},
        "age_group": {
            "": _other_than(AgeGroup.values, a.age_group_at_opening, w["b"].age_group_at_opening)
        },
        "opened_from": {"": (today + datetime.timedelta(days=1)).isoformat()},
        "opened_to": {"": (today - datetime.timedelta(days=1)).isoformat()},
        "exact": {"": "on"},
        "pending_move": {"": "on"},
        "contact_missed": {"": "on"},
        "escalation_age_max": {"": "7"},
        "review_action_overdue": {"": "on"},
        "no_activity_days": {"": "60"},
        "caseworker": {"": str(w["users"]["police"].pk)},
        # A dashboard figure's counted list: none here, so the live list of the same
        # filters (tests/dashboard/test_snapshots.py covers the lists themselves).
        "counted": {"": "999999"},
    }
    from casemgmt.selectors.caseload import SEARCH_KINDS, SORTS

    # Every kind of search and every sort the selector knows is declared and sampled.
    assert set(SEARCH_KINDS) == set(access.CASELOAD_PARAM_CLASSES["q"])
    assert set(SORTS) == set(access.CASELOAD_PARAM_CLASSES["sort"]) == set(dict(SORT_CHOICES))
    form_fields = set(CaseloadFilterForm.base_fields)
    assert form_fields == set(access.CASELOAD_PARAM_CLASSES), "declare each parameter's class"
    assert form_fields == set(samples), "add a sample value for each parameter"
    for name, by_kind in samples.items():
        declared = access.CASELOAD_PARAM_CLASSES[name]
        if isinstance(declared, dict):
            assert set(by_kind) == set(declared), name
        for kind, value in by_kind.items():
            info_class = access.caseload_param_class(name, kind)
            assert info_class is not None, (name, kind)
            changed_for_someone = False
            for who, user in w["users"].items():
                without = _listing(client, user, {})
                with_ = _listing(client, user, {name: value})
                if access.can_read(user, info_class):
                    changed_for_someone |= with_[:2] != without[:2]
                    continue
                assert set(with_[0]) == set(without[0]) and with_[1] == without[1], (name, who)
                form = with_[2]
                assert name not in form.fields or name in form.errors or name == "sort", (
                    name,
                    kind,
                    who,
                )
                if name == "sort" and "sort" in form.fields:
                    assert kind not in dict(form.fields["sort"].choices), who
            # One programme here, and "-opened" is the default order: neither changes the
            # rows; an exact count is the same number under the cap; no list was counted.
            if name not in ("programme", "exact", "counted") and value != "-opened":
                assert changed_for_someone, (name, kind)


def test_counsellor_cannot_confirm_a_cnic_by_searching(client, caseload_world):
    """The attack: a counsellor (CNIC masked on the person page) searches the caseload
    for a CNIC, then for the same with a wrong check digit, and compares the counts."""
    from casemgmt.models import AuditEvent

    counsellor = caseload_world["users"]["counselling"]
    right = _listing(client, counsellor, {"q": "15602-1000001-1"})
    wrong = _listing(client, counsellor, {"q": "15602-1000001-2"})
    assert right[1] == wrong[1] == 2  # the search was refused: the whole caseload, both times
    assert "q" in right[2].errors
    assert "CNIC" not in right[2].fields["q"].help_text
    events = list(AuditEvent.objects.filter(action="search.identity", actor=counsellor))
    assert len(events) == 2 and all(e.metadata["refused"] for e in events)


def test_auditor_cannot_search_cnic_across_all_cases(client, caseload_world):
    auditor = caseload_world["users"]["auditor"]
    cases, count, form = _listing(client, auditor, {"q": "15602-1000001-1"})
    assert count == 2 and "q" in form.errors


def test_cnic_search_is_recorded_without_the_cnic(client, caseload_world):
    from casemgmt.models import AuditEvent

    police = caseload_world["users"]["police"]
    cases, count, _form = _listing(client, police, {"q": "15602-1000001-1"})
    assert cases == [caseload_world["a"].pk]
    event = AuditEvent.objects.get(action="search.identity", actor=police)
    assert event.metadata == {"cnic": "*****-*******-1", "count": 1, "refused": False}
    stored = f"{event.target_id} {event.target_label} {event.metadata} {event.changes}"
    assert "1000001" not in stored and "15602" not in stored
    # The same number searched again gives the same key, so searches can be linked.
    _listing(client, police, {"q": "1560210000011"})
    assert (
        AuditEvent.objects.filter(action="search.identity", target_id=event.target_id).count() == 2
    )
    # A name search is not an identity search.
    _listing(client, police, {"q": "Amin"})
    assert AuditEvent.objects.filter(action="search.identity").count() == 2


def test_counsellor_facility_filter_is_not_offered_and_changes_nothing(client, caseload_world):
    """The attack: ``GET /cases/?facility=1`` as a counsellor, who may not read location."""
    w = caseload_world
    for who in ["counselling", "education", "auditor"]:
        user = w["users"][who]
        cases, count, form = _listing(client, user, {"facility": w["facility"].pk})
        assert count == 2, who
        assert "facility" not in form.fields, who
        client.force_login(user)
        assert 'name="facility"' not in client.get(reverse("caseload")).content.decode()
    # Prison staff read location: the filter is offered and works.
    cases, count, form = _listing(client, w["users"]["prison"], {"facility": w["facility"].pk})
    assert cases == [w["a"].pk] and "facility" in form.fields


def test_selector_drops_a_parameter_the_user_may_not_use_even_without_the_form(caseload_world):
    w = caseload_world
    counsellor = w["users"]["counselling"]
    for filters in [CaseloadFilters(facility=w["facility"].pk), CaseloadFilters(q="1560210000011")]:
        page = caseload_page(counsellor, filters)
        assert page.count == 2 and page.filters == CaseloadFilters(), filters
