"""The dashboard's queries do not grow with the data (no loop over cases or figures)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories
from tests.dashboard.conftest import DAY, escalate, move

pytestmark = pytest.mark.django_db

# Session, user and the request's savepoint; the nine action figures (and the programmes'
# grace periods); held registrations, referrals, departed work (3) and the user's
# permissions; stages, by stage, the year's moves (flow and time in stage), per caseworker
# (and the idle ones);
# the form's choices (30); then the outcomes, engagement and facilities sections (9); the
# look-up of a snapshot of the reader's view (2: the view, then none found: computed live).
QUERIES = 40


def _more(make_case, stages, caseworker, n):
    """``n`` more cases of every kind the figures count, with moves and escalations."""
    now = timezone.now()
    for i in range(n):
        worker = factories.CaseworkerFactory(agency=caseworker.agency)
        case = make_case("released", assigned_caseworker=worker)
        escalate(case, i % 10)
        move(case, stages, "referral", "intake", by=worker, applied_at=now - (i + 1) * DAY)
        move(case, stages, "intake", "counselling", by=worker, applied_at=now - i * DAY)


def test_a_constant_number_of_queries(
    client, world, supervisor, make_case, stages, caseworker, django_assert_num_queries
):
    client.force_login(supervisor)
    url = reverse("dashboard")
    client.get(url)  # warm: the session's first read
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200
    _more(make_case, stages, caseworker, 12)
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200
    # A filtered page is computed live: it does not look for a snapshot.
    with django_assert_num_queries(QUERIES - 2):
        assert client.get(url + "?district=Nowhere&sex=male").status_code == 200
