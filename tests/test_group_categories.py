"""P5: the group category is data with a context note; a programme may require more of
people of one category (here, a second programme's extra review before release)."""

import pytest
from django.urls import reverse

from casemgmt import factories, gates, workflow
from casemgmt.errors import GatesNotMet
from casemgmt.models import (
    AgencyKind,
    CaseTeamMember,
    GroupCategory,
    Programme,
    Stage,
    StageTransition,
    Transition,
    TransitionGate,
)
from tests.admin_forms import post_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_programme(db):
    """Custody → community; the release needs a release review, but only for one category."""
    programme = Programme.objects.create(
        name="Returnees programme", code="returnees", legal_framework="Act"
    )
    custody = Stage.objects.create(
        programme=programme,
        key="custody",
        name="Custody",
        order=1,
        kind="custody",
        is_start=True,
    )
    community = Stage.objects.create(
        programme=programme, key="community", name="Community", order=2, kind="community"
    )
    release = Transition.objects.create(
        programme=programme, from_stage=custody, to_stage=community, name="Release"
    )
    foreign = GroupCategory.objects.create(name="Returned foreign fighter")
    local = GroupCategory.objects.create(name="Local militia")
    TransitionGate.objects.create(
        transition=release,
        gate="multi_agency_review",
        params={"review_kind": "release_review"},
        group_categories=[foreign.pk],
    )
    return {
        "custody": custody,
        "community": community,
        "release": release,
        "foreign": foreign,
        "local": local,
    }


def _case(second_programme, category, agency, caseworker):
    return factories.CaseFactory(
        programme=second_programme["custody"].programme,
        current_stage=second_programme["custody"],
        lead_agency=agency,
        assigned_caseworker=caseworker,
        person=factories.PersonFactory(group_category=category),
    )


def test_the_extra_review_applies_to_the_category_it_names(second_programme, agency, caseworker):
    case = _case(second_programme, second_programme["foreign"], agency, caseworker)
    results = {r.gate: r for r in gates.evaluate(case, second_programme["release"])}
    assert not results["multi_agency_review"].met
    with pytest.raises(GatesNotMet):
        workflow.request_transition(
            case=case, to_stage=second_programme["community"], by=caseworker, reason="Sentence ends"
        )
    assert not StageTransition.objects.filter(case=case).exists()


def test_a_person_whose_category_is_unknown_is_held_to_it(second_programme, agency, caseworker):
    """Found by the attacker-side review: a missing category skipped the gate."""
    case = _case(second_programme, None, agency, caseworker)
    assert "multi_agency_review" in {
        r.gate for r in gates.evaluate(case, second_programme["release"])
    }


@pytest.mark.parametrize("category", ["local"])
def test_other_categories_are_not_held_to_it(second_programme, agency, caseworker, category):
    case = _case(
        second_programme, second_programme[category] if category else None, agency, caseworker
    )
    assert "multi_agency_review" not in {
        r.gate for r in gates.evaluate(case, second_programme["release"])
    }
    move = workflow.request_transition(
        case=case, to_stage=second_programme["community"], by=caseworker, reason="Sentence ends"
    )
    assert move.status == "applied"


def test_the_default_programme_is_unchanged_by_categories(make_case, stages):
    """No gate of the shipped programme is limited to a category."""
    assert (
        not TransitionGate.objects.filter(transition__programme=stages["intake"].programme)
        .exclude(group_categories=[])
        .exists()
    )


def test_the_admin_limits_a_gate_to_categories_and_the_preview_says_so(
    admin_client, second_programme
):
    release = second_programme["release"]
    gate = release.gates.get()
    index = 0
    response = post_change(
        admin_client,
        "transition",
        release,
        {
            f"gates-{index}-categories": [
                str(second_programme["foreign"].pk),
                str(second_programme["local"].pk),
            ],
            # Only the saved gate (the blank extra row is not part of this change).
            "gates-TOTAL_FORMS": "1",
        },
    )
    assert response.status_code == 200
    gate.refresh_from_db()
    assert gate.group_categories == sorted(
        [second_programme["foreign"].pk, second_programme["local"].pk]
    )
    page = admin_client.get(
        reverse("admin:casemgmt_transition_change", args=[release.pk])
    ).content.decode()
    assert "Only for people of these group categories:" in page
    assert "Returned foreign fighter" in page
    # The audit trail keeps what changed on the inline row, before and after.
    from casemgmt.models import AuditAction, AuditEvent

    event = AuditEvent.objects.filter(
        action=AuditAction.CONFIG_CHANGED, target_type="casemgmt.transitiongate"
    ).latest("id")
    before, after = event.changes["categories"]
    assert before == str(second_programme["foreign"].pk)
    assert set(after.split(", ")) == {
        str(second_programme["foreign"].pk),
        str(second_programme["local"].pk),
    }


def test_the_context_note_is_risk_information(client, make_case, caseworker):
    case = make_case("intake")
    person = case.person
    person.group_category = GroupCategory.objects.create(name="Local militia")
    person.group_context = "Recruited at 15 through a cousin; cook, not a fighter."
    person.save()
    school = factories.AgencyFactory(kind=AgencyKind.EDUCATION, name="School")
    CaseTeamMember.objects.create(case=case, agency=school, role="support")
    url = reverse("person_detail", args=[person.reference])
    client.force_login(caseworker)
    assert "cook, not a fighter" in client.get(url).content.decode()
    client.force_login(factories.CaseworkerFactory(agency=school))
    page = client.get(url).content.decode()
    assert "cook, not a fighter" not in page and "Local militia" not in page
