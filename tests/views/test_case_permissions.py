"""The case page offers exactly the actions the services allow, for users of each role.

One case carries a record of every kind that has actions; for each user the page's
action links and buttons are compared with what the services actually accept
(each service is run and rolled back).
"""

import datetime
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories
from casemgmt.models import AgencyKind, Intervention, TeamRole
from casemgmt.permissions import case_permissions
from casemgmt.record_kinds import RECORD_ACTIONS
from casemgmt.services import (
    escalations,
    evidence,
    interventions,
    referrals,
    sharing,
)
from tests.case_page import every_tab

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# "met" is an intervention outcome; a referral's outcome is free text and takes it too.
ANSWERS = {
    "reason": "Stated reason",
    "resolution": "Handled",
    "outcome": "met",
    "outcome_note": "Went well",
    "withdrawn_on": TODAY,
    "withdrawal_method": "in_writing",
    "withdrawal_note": "",
}


class Rollback(Exception):
    pass


@pytest.fixture
def world(make_case, agency, caseworker, other_caseworker, supervisor, auditor):
    probation = factories.AgencyFactory(kind=AgencyKind.PROBATION)
    officer = factories.CaseworkerFactory(agency=probation)
    case = make_case("release_preparation", team=[(probation, TeamRole.MONITORING)])
    evidence.renunciation_record(
        case=case, by=caseworker, kind="violence", declared_on=TODAY, witness_name="W"
    )
    evidence.eligibility_record(
        case=case, by=caseworker, decision="eligible", rationale="r", decided_on=TODAY
    )
    factories.record_assessment(
        case=case,
        by=caseworker,
        kind="initial",
        assessed_on=TODAY,
        overall_concern="moderate",
        rationale="r",
    )
    escalations.escalation_raise(case=case, by=caseworker, trigger="breach", description="d")
    referral = referrals.referral_send(
        case=case, by=caseworker, to_agency=probation, service="monitoring", reason="r"
    )
    referrals.referral_accept(referral=referral, by=officer)
    sharing.sharing_record(
        case=case,
        by=caseworker,
        basis="consent",
        agency_kinds=[AgencyKind.COUNSELLING],
        purpose="rehabilitation",
        given_on=TODAY,
    )
    evidence.review_record(
        case=case,
        by=caseworker,
        kind="case_conference",
        held_on=TODAY,
        decision="Agreed",
        # The probation position is recorded on its behalf: its officer may confirm it.
        positions=[(agency, "agree", ""), (probation, "agree", "", "Probation officer")],
        actions=[("Find a mentor", caseworker, TODAY + datetime.timedelta(days=7))],
    )
    evidence.consent_record(
        case=case,
        by=caseworker,
        terms_version="T1",
        privacy_notice_version="P1",
        signed_on=TODAY,
        witness_name="W",
    )
    for _n in range(3):
        started = interventions.intervention_start(
            case=case,
            by=caseworker,
            kind="education",
            provider=agency,
            goals="Literacy",
            starts_on=TODAY,
        )
    # One active intervention, one still planned (a status no form sets today), one paused.
    Intervention.objects.filter(pk=started.pk).update(status="planned")
    Intervention.objects.filter(pk=started.pk - 1).update(status="paused", pause_reason="Ill")
    users = {
        "recorder": caseworker,
        "colleague": other_caseworker,
        "supervisor": supervisor,
        "receiving officer": officer,
        "auditor": auditor,
    }
    return case, users


def _objects(case, action):
    model = action.object_model
    return list(model.objects.filter(**{action.case_lookup: case}))


def _service_allows(action, obj, user) -> bool:
    fields = set(action.form_class.base_fields) if action.form else set()
    data = {name: ANSWERS[name] for name in fields}
    try:
        with transaction.atomic():
            action.run(obj=obj, by=user, data=data)
            raise Rollback
    except Rollback:
        return True
    except Exception:  # noqa: BLE001 - any refusal counts as "not allowed"
        return False


def _offered(client, case, user) -> set[tuple[str, int]]:
    client.force_login(user)
    pattern = rf"/cases/{case.reference}/records/(\w+)/(\d+)/"
    return {(key, int(pk)) for key, pk in re.findall(pattern, every_tab(client, case.reference))}


@pytest.mark.parametrize(
    "who", ["recorder", "colleague", "supervisor", "receiving officer", "auditor"]
)
def test_the_page_offers_exactly_what_the_services_allow(client, world, who):
    case, users = world
    user = users[who]
    perms = case_permissions(user, case)
    allowed = set()
    for key, action in RECORD_ACTIONS.items():
        for obj in _objects(case, action):
            readable = perms.can_read(perms.record_class(action.kind, obj))
            if readable and _service_allows(action, obj, user):
                allowed.add((key, obj.pk))
    assert _offered(client, case, user) == allowed


def test_every_action_is_offered_to_someone(client, world):
    """The fixture exercises every action, so the comparison above is not vacuous."""
    case, users = world
    offered = set()
    for user in users.values():
        offered |= {key for key, _pk in _offered(client, case, user)}
    assert offered == set(RECORD_ACTIONS)


def test_an_htmx_add_renders_only_its_section(client, world):
    case, users = world
    client.force_login(users["recorder"])
    response = client.post(
        reverse("record_add", args=[case.reference, "legal_authority"]),
        {
            "legal_authority-kind": "court_order",
            "legal_authority-reference": "ATC-1",
            "legal_authority-issuing_body": "Court",
            "legal_authority-issued_on": TODAY.isoformat(),
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith('<section id="section-legal"')
    assert "section-timeline" not in html and "section-notes" not in html
    assert "ATC-1" in html
