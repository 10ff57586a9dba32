"""The caseload's juvenile, open-escalation and facility filters: exactly the right cases,
only for users who may read the field each one filters, state kept in the URL, and bad
values answered without a 500 or a leak (issue 13, #13 #14)."""

import datetime
import re

import pytest
from django.urls import reverse

from casemgmt import access, factories, juveniles
from casemgmt.models import AgencyKind, Escalation
from casemgmt.selectors.caseload import CaseloadFilters, caseload_page
from casemgmt.services import escalations

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def born(years_ago: int, days: int = 0) -> datetime.date:
    """The date of birth of someone ``years_ago`` years old today, ``days`` more days."""
    try:
        day = TODAY.replace(year=TODAY.year - years_ago)
    except ValueError:  # 29 February
        day = TODAY.replace(year=TODAY.year - years_ago, day=28)
    return day - datetime.timedelta(days=days)


@pytest.fixture
def world(programme, stages):
    """Cases on a team of prison, police, education and counselling agencies:

    - ``adult`` (30), in the facility, a breach escalation open;
    - ``minor`` (16), in the facility, an acknowledged escalation;
    - ``eve`` (18 tomorrow): still a juvenile today; no escalation;
    - ``birthday`` (18 today): an adult from today; only a resolved escalation;
    - ``security`` (40): only an open escalation of a security trigger;
    - ``was_minor`` (18 ten days ago): an open escalation raised while a juvenile.
    """
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    police = factories.AgencyFactory(kind=AgencyKind.POLICE)
    education = factories.AgencyFactory(kind=AgencyKind.EDUCATION, is_ngo=True)
    counselling = factories.AgencyFactory(kind=AgencyKind.COUNSELLING)
    facility = factories.FacilityFactory(name="Centre Alpha")
    factories.FacilityFactory(name="Centre Beta")
    team = [(police, "support"), (education, "support"), (counselling, "counselling")]

    def case(name, dob, **kwargs):
        return factories.CaseFactory(
            programme=programme,
            current_stage=stages["referral"],
            lead_agency=prison,
            person=factories.PersonFactory(full_name=name, date_of_birth=dob),
            team=team,
            **kwargs,
        )

    cases = {
        "adult": case("Adult Open", born(30), facility=facility),
        "minor": case("Minor Acknowledged", born(16), facility=facility),
        "eve": case("Eve Of Eighteen", born(18, days=-1)),
        "birthday": case("Birthday Today", born(18)),
        "security": case("Security Only", born(40)),
        "was_minor": case("Was Minor", born(18, days=10)),
    }
    supervisor = factories.SupervisorFactory(agency=prison, juvenile_trained=True)
    escalations.escalation_raise(case=cases["adult"], by=None, trigger="breach", description="x")
    seen = escalations.escalation_raise(
        case=cases["minor"], by=None, trigger="threat", description="x"
    )
    escalations.escalation_acknowledge(escalation=seen, by=supervisor)
    done = escalations.escalation_raise(
        case=cases["birthday"], by=None, trigger="arrest", description="x"
    )
    escalations.escalation_acknowledge(escalation=done, by=supervisor)
    escalations.escalation_resolve(escalation=done, by=supervisor, resolution="cleared")
    escalations.escalation_raise(
        case=cases["security"], by=None, trigger="security_information", description="x"
    )
    early = escalations.escalation_raise(
        case=cases["was_minor"], by=None, trigger="breach", description="x"
    )
    # Raised while the person was 17: under the juvenile rule for good.
    Escalation.objects.filter(pk=early.pk).update(
        raised_at=datetime.datetime.combine(
            born(0, days=20), datetime.time(12), tzinfo=datetime.UTC
        )
    )
    users = {
        "prison": factories.CaseworkerFactory(agency=prison),
        "prison_trained": factories.CaseworkerFactory(agency=prison, juvenile_trained=True),
        "police_trained": factories.CaseworkerFactory(agency=police, juvenile_trained=True),
        "education": factories.CaseworkerFactory(agency=education, juvenile_trained=True),
        "counselling": factories.CaseworkerFactory(agency=counselling, juvenile_trained=True),
        "auditor": factories.AuditorFactory(oversees=[programme]),
    }
    return {"cases": cases, "users": users, "facility": facility}


def listing(client, user, params, *, whole=True):
    client.force_login(user)
    response = client.get(reverse("caseload"), params)
    assert response.status_code == 200
    page = response.context["page"]
    names = {c.person.full_name for c in page.cases}
    if whole:  # one page: the count is what is listed
        assert page.count == len(names)
    return names, response


def test_juvenile_lists_exactly_the_people_under_18_today(client, world):
    for who in ["prison_trained", "auditor"]:
        names, response = listing(client, world["users"][who], {"juvenile": "on"})
        assert names == {"Minor Acknowledged", "Eve Of Eighteen"}, who
        assert 'name="juvenile"' in response.content.decode()
    # The same answer as the Python rule, for every case the user sees.
    everything, _response = listing(client, world["users"]["prison_trained"], {})
    expected = {
        c.person.full_name
        for c in world["cases"].values()
        if juveniles.is_juvenile_on(c.person, TODAY) and c.person.full_name in everything
    }
    assert expected == {"Minor Acknowledged", "Eve Of Eighteen"}


def test_juvenile_filter_shows_untrained_staff_no_juvenile(client, world):
    """Untrained staff never see juvenile cases: the filter finds none, and counts none."""
    names, _response = listing(client, world["users"]["prison"], {"juvenile": "on"})
    assert names == set()
    everything, _response = listing(client, world["users"]["prison"], {})
    assert "Minor Acknowledged" not in everything and "Eve Of Eighteen" not in everything


def test_open_escalation_follows_the_class_of_each_trigger(client, world):
    # Prison reads risk, not security: the security-only case does not count.
    names, _response = listing(client, world["users"]["prison_trained"], {"open_escalation": "on"})
    assert names == {"Adult Open", "Minor Acknowledged", "Was Minor"}
    # Police read security too.
    names, _response = listing(client, world["users"]["police_trained"], {"open_escalation": "on"})
    assert names == {"Adult Open", "Minor Acknowledged", "Was Minor", "Security Only"}
    # The auditor reads risk, not security.
    names, _response = listing(client, world["users"]["auditor"], {"open_escalation": "on"})
    assert names == {"Adult Open", "Minor Acknowledged", "Was Minor"}


def test_open_escalation_does_not_reveal_one_raised_while_a_juvenile(client, world):
    """Untrained staff see the case (an adult now) but not what was raised before 18."""
    names, _response = listing(client, world["users"]["prison"], {"open_escalation": "on"})
    assert names == {"Adult Open"}


def test_users_without_risk_cannot_filter_by_open_escalation(client, world):
    """The attack: an education NGO (never risk) sends ?open_escalation=on by hand."""
    user = world["users"]["education"]
    everything, response = listing(client, user, {})
    assert 'name="open_escalation"' not in response.content.decode()
    names, response = listing(client, user, {"open_escalation": "on"})
    assert names == everything and len(names) == 6
    assert "open_escalation" not in response.context["form"].fields
    page = caseload_page(user, CaseloadFilters(open_escalation=True))
    assert page.count == 6 and page.filters == CaseloadFilters()
    assert not access.may_use_caseload_param(user, "open_escalation")


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1 OR 1=1", ""])
def test_facility_bad_values_and_users_without_location(client, world, value):
    """Without location (counselling, education, auditor) the facility is neither offered
    nor honoured, whatever the value; with it, a bad value is a form error, never a 500,
    and the other filters still apply."""
    for who in ["counselling", "education", "auditor"]:
        user = world["users"][who]
        everything, _response = listing(client, user, {})
        for facility in [value, str(world["facility"].pk)]:
            names, response = listing(client, user, {"facility": facility})
            assert names == everything, (who, facility)
            body = response.content.decode()
            assert 'name="facility"' not in body and "Centre Alpha" not in body, who
    prison = world["users"]["prison_trained"]
    names, response = listing(client, prison, {"facility": value, "juvenile": "on"})
    assert names == {"Minor Acknowledged", "Eve Of Eighteen"}
    if value:
        assert "facility" in response.context["form"].errors
        assert response.context["page"].filters.facility is None


def test_facility_filter_for_location_readers(client, world):
    names, response = listing(
        client, world["users"]["prison_trained"], {"facility": world["facility"].pk}
    )
    assert names == {"Adult Open", "Minor Acknowledged"}
    assert 'name="facility"' in response.content.decode()


def test_filters_combine(client, world):
    user = world["users"]["prison_trained"]
    facility = world["facility"].pk
    assert listing(client, user, {"juvenile": "on", "open_escalation": "on"})[0] == {
        "Minor Acknowledged"
    }
    assert listing(client, user, {"facility": facility, "open_escalation": "on"})[0] == {
        "Adult Open",
        "Minor Acknowledged",
    }
    combined = {"facility": facility, "open_escalation": "on", "juvenile": "on", "q": "minor"}
    assert listing(client, user, combined)[0] == {"Minor Acknowledged"}
    assert listing(client, user, {**combined, "status": "closed"})[0] == set()


def test_filter_state_lives_in_the_url_and_survives_the_pages(client, world, programme, stages):
    """The form shows the filters sent, and the page links carry them with the cursor."""
    user = world["users"]["prison_trained"]
    for i in range(30):
        factories.CaseFactory(
            programme=programme,
            current_stage=stages["referral"],
            lead_agency=user.agency,
            person=factories.PersonFactory(full_name=f"Young {i:02d}", date_of_birth=born(15)),
        )
    params = {"juvenile": "on", "open_escalation": "", "sort": "name"}
    names, response = listing(client, user, params, whole=False)
    assert len(names) == 25 and response.context["page"].count == 32
    body = response.content.decode()
    assert "checked" in re.search(r'<input[^>]*name="juvenile"[^>]*>', body).group(0)
    assert "checked" not in re.search(r'<input[^>]*name="open_escalation"[^>]*>', body).group(0)
    next_cursor = response.context["page"].next_cursor
    query = response.context["query"]
    assert "juvenile=on" in query and "sort=name" in query
    assert f"?{query.replace('&', '&amp;')}&amp;after={next_cursor}" in body
    second = client.get(f"{reverse('caseload')}?{query}&after={next_cursor}")
    rest = {c.person.full_name for c in second.context["page"].cases}
    assert len(rest) == 7 and not rest & names
    assert all(juveniles.is_juvenile_on(c.person, TODAY) for c in second.context["page"].cases)
