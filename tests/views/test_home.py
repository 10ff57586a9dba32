"""The home page: each count equals the list it links to, per user and role."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, CaseTeamMember, Note
from casemgmt.services import notes
from casemgmt.services.escalations import escalation_raise

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def day(agency, caseworker, other_caseworker, supervisor, make_case):
    """Two caseworkers of one agency with different work, and their supervisor."""

    def mine(stage="counselling", **kwargs):
        return make_case(stage, assigned_caseworker=caseworker, **kwargs)

    mine(next_review_due=TODAY - 3 * DAY)
    mine(next_review_due=TODAY - DAY)
    make_case("counselling", assigned_caseworker=other_caseworker, next_review_due=TODAY - DAY)
    mine("released", next_contact_due=TODAY - 2 * DAY)
    mine("released", next_contact_due=TODAY + 3 * DAY)
    mine("released", next_contact_due=TODAY + 30 * DAY)
    escalated = mine("counselling")
    escalation_raise(case=escalated, by=None, trigger="breach", description="Missed curfew")
    return {"escalated": escalated}


def _counts(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {c.key: c for _title, group in response.context["groups"] for c in group}


def _listed(client, url) -> int:
    """How many rows the page behind a count shows (the caseload's count, or the inbox's
    list total for its anchor)."""
    parts = urlsplit(url)
    response = client.get(parts.path + ("?" + parts.query if parts.query else ""))
    if parts.path == reverse("caseload"):
        return response.context["page"].count
    if parts.path == reverse("inbox"):
        lists = {"h-referrals": "referrals", "h-actions": "actions", "h-held": "held_registrations"}
        return response.context[lists[parts.fragment]].total
    if parts.path == reverse("approvals"):
        return len(response.context["moves"])
    if parts.path == reverse("departed_work"):
        people = response.context["people"]
        return sum(len(p.cases) + len(p.actions) + len(p.moves) for p in people)
    raise AssertionError(url)


@pytest.mark.parametrize("who", ["caseworker", "other_caseworker", "supervisor"])
def test_each_count_equals_the_list_it_links_to(client, day, who, request):
    user = request.getfixturevalue(who)
    counts = _counts(client, user)
    assert counts, who
    for key, item in counts.items():
        assert _listed(client, item.url) == item.count, (who, key)


def test_the_counts_are_the_users_own(client, day, caseworker, other_caseworker, supervisor):
    mine = _counts(client, caseworker)
    theirs = _counts(client, other_caseworker)
    # The escalation made its case's reassessment due today: not yet overdue.
    assert mine["my_reviews_overdue"].count == 2
    assert theirs["my_reviews_overdue"].count == 1
    assert mine["my_contacts_overdue"].count == 1
    assert mine["my_contacts_this_week"].count == 1
    assert mine["my_escalations"].count == 1 and theirs["my_escalations"].count == 0
    agency = _counts(client, supervisor)
    assert agency["reviews_overdue"].count == 3
    assert agency["escalations"].count == 1


def test_a_user_without_the_risk_class_gets_no_escalation_count(client, day, agency):
    teacher = factories.CaseworkerFactory(
        agency=factories.AgencyFactory(kind=AgencyKind.EDUCATION, name="School")
    )
    CaseTeamMember.objects.create(case=day["escalated"], agency=teacher.agency, role="support")
    counts = _counts(client, teacher)
    assert "my_escalations" not in counts
    assert "open_escalation" not in str([c.url for c in counts.values()])


def test_new_notes_since_i_last_opened_the_case(
    client, day, caseworker, other_caseworker, make_case
):
    case = make_case("counselling", assigned_caseworker=caseworker)
    notes.note_add(
        case=case,
        by=other_caseworker,
        category="general",
        visibility="case_team",
        body="Met the family.",
    )
    notes.note_add(
        case=case, by=caseworker, category="general", visibility="case_team", body="My own note."
    )
    client.force_login(caseworker)
    new = client.get(reverse("home")).context["new_notes"]
    assert new["total"] == 1
    assert [row["case__reference"] for row in new["cases"]] == [case.reference]
    client.get(reverse("case_detail", args=[case.reference]))
    assert client.get(reverse("home")).context["new_notes"]["total"] == 0
    notes.note_add(
        case=case, by=other_caseworker, category="general", visibility="case_team", body="Later."
    )
    assert client.get(reverse("home")).context["new_notes"]["total"] == 1
    assert Note.objects.filter(case=case).count() == 3


def test_the_moves_i_asked_for_with_their_state(client, caseworker, supervisor, make_case, stages):
    from casemgmt.models import StageTransition

    def asked(status):
        case = make_case("referral", assigned_caseworker=caseworker)
        return StageTransition.objects.create(
            case=case,
            from_stage=stages["referral"],
            to_stage=stages["intake"],
            requested_by=caseworker,
            reason="Screened",
            status=status,
        )

    pending, rejected = asked("pending"), asked("rejected")
    client.force_login(caseworker)
    response = client.get(reverse("home"))
    assert response.context["requested_moves"] == [rejected, pending]
    page = response.content.decode()
    assert "Waiting for approval" in page or "Pending" in page
    assert "Rejected" in page
    client.force_login(supervisor)
    assert client.get(reverse("home")).context["requested_moves"] == []
    # The supervisor's count of approvals waiting is the approvals page's list.
    counts = _counts(client, supervisor)
    assert counts["approvals"].count == _listed(client, counts["approvals"].url) == 1


@pytest.mark.parametrize("role", ["caseworker", "supervisor"])
def test_home_query_count_does_not_grow_with_the_work(
    client, role, request, make_case, other_caseworker, stages, django_assert_num_queries
):
    from casemgmt import workflow

    user = request.getfixturevalue(role)
    client.force_login(user)

    def add(n):
        """n more of each thing the page counts or lists: due cases, new notes by a
        colleague on them, moves the user asked for."""
        for _ in range(n):
            case = make_case(
                "released",
                assigned_caseworker=user,
                next_review_due=TODAY - DAY,
                next_contact_due=TODAY - DAY,
            )
            notes.note_add(
                case=case, by=other_caseworker, category="general", visibility="case_team", body="n"
            )
            workflow.request_transition(
                case=make_case("intake"),
                reason_kind="withdrawn",
                to_stage=stages["exited"],
                by=user,
                reason="x",
            )

    add(2)
    client.get(reverse("home"))  # warm the session
    with django_assert_num_queries(HOME_QUERIES[role]):
        small = client.get(reverse("home")).context
    add(20)
    with django_assert_num_queries(HOME_QUERIES[role]):
        large = client.get(reverse("home")).context
    assert (small["new_notes"]["total"], large["new_notes"]["total"]) == (2, 22)
    assert (len(small["requested_moves"]), len(large["requested_moves"])) == (2, 5)


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_home_of_the_entry_points_does_not_grow_with_the_cases(
    client, role, request, make_case, django_assert_num_queries
):
    user = request.getfixturevalue(role)
    user.is_staff = role == "administrator"
    user.save()
    client.force_login(user)
    make_case()
    client.get(reverse("home"))  # warm the session
    with django_assert_num_queries(HOME_QUERIES[role]):
        client.get(reverse("home"))
    for _ in range(20):
        make_case()
    with django_assert_num_queries(HOME_QUERIES[role]):
        assert client.get(reverse("home")).context["entry_points"]


# Each count is one query; the supervisor adds the agency's counts, approvals, held
# registrations and the work of disabled users (several queries of its own). Auditors and
# administrators get links only: the session, the user, the savepoint pair and the menu's agency.
HOME_QUERIES = {"caseworker": 14, "supervisor": 25, "auditor": 5, "administrator": 5}


def test_auditors_and_administrators_get_their_entry_points(client, auditor, administrator):
    client.force_login(auditor)
    starts = client.get(reverse("home")).context["entry_points"]
    assert [url for _t, url, _x in starts] == [reverse("caseload"), reverse("break_glass")]
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    starts = client.get(reverse("home")).context["entry_points"]
    assert reverse("admin:casemgmt_programme_changelist") in [url for _t, url, _x in starts]
    for _title, url, _text in starts:
        assert client.get(url).status_code == 200, url


def test_the_supervisor_counts_escalations_by_age(client, day, supervisor):
    from django.utils import timezone

    from casemgmt.models import Escalation

    Escalation.objects.filter(case=day["escalated"]).update(
        raised_at=timezone.now() - datetime.timedelta(days=12)
    )
    counts = _counts(client, supervisor)
    assert counts["escalations"].count == 1
    assert counts["escalations_week"].count == 1
    assert counts["escalations_month"].count == 0
    for key in ("escalations_week", "escalations_month"):
        assert _listed(client, counts[key].url) == counts[key].count
