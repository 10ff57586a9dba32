"""Auditors oversee the programmes they are assigned to, and nothing else: from the side
of an auditor of programme A looking for programme B's cases, people and records (every
URL is in tests/test_authorisation_matrix.py, for an auditor of another programme too)."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import access, factories
from casemgmt.models import AgencyKind, AuditEvent, Case, CaseAccessGrant, Programme
from casemgmt.services import notes, restriction

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
OVERDUE = TODAY - datetime.timedelta(days=3)


@pytest.fixture
def two_programmes(programme, stages):
    """Programme A (the default) and B, one prison working on a case in each (both
    reassessments overdue, each with a note); one person has a case in both; auditors
    of A, of B, of both and of none."""
    b = Programme.objects.create(name="Programme B", code="b", legal_framework="Act")
    b_start = b.stages.create(key="intake", name="Intake", order=1, kind="intake", is_start=True)
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    officer = factories.CaseworkerFactory(agency=prison)

    def case(prog, stage, **kwargs):
        return factories.CaseFactory(
            programme=prog,
            current_stage=stage,
            lead_agency=prison,
            assigned_caseworker=officer,
            next_review_due=OVERDUE,
            **kwargs,
        )

    case_a = case(programme, stages["counselling"])
    case_b = case(b, b_start)
    both = factories.PersonFactory()
    in_a, in_b = case(programme, stages["counselling"], person=both), case(b, b_start, person=both)
    note_b = notes.note_add(
        case=case_b, by=officer, category="general", visibility="case_team", body="Note of B"
    )
    return {
        "a": programme,
        "b": b,
        "b_start": b_start,
        "prison": prison,
        "officer": officer,
        "case_a": case_a,
        "case_b": case_b,
        "note_b": note_b,
        "person_in_both": both,
        "case_in_a": in_a,
        "case_in_b": in_b,
        "of_a": factories.AuditorFactory(oversees=[programme]),
        "of_both": factories.AuditorFactory(oversees=[programme, b]),
        "of_none": factories.AuditorFactory(),
    }


def _refused(client, url):
    """Fetch ``url``: "not found", and exactly one event written, the recorded refusal."""
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.get(url)
    assert response.status_code == 404, url
    written = list(AuditEvent.objects.exclude(pk__in=before).values_list("action", flat=True))
    assert written == ["access.denied"], url
    return response


def _caseload(client, params=None):
    page = client.get(reverse("caseload"), params or {}).context["page"]
    return {c.pk for c in page.cases}, page.count


class TestAnAuditorOfAnotherProgramme:
    def test_its_cases_are_not_visible(self, two_programmes):
        w = two_programmes
        visible = set(Case.objects.visible_to(w["of_a"]))
        assert w["case_a"] in visible and w["case_in_a"] in visible
        assert w["case_b"] not in visible and w["case_in_b"] not in visible

    def test_its_case_person_and_note_pages_are_not_found_and_recorded(
        self, client, two_programmes
    ):
        w = two_programmes
        case_b = w["case_b"]
        client.force_login(w["of_a"])
        for url in [
            reverse("case_detail", args=[case_b.reference]),
            reverse("case_print", args=[case_b.reference]),
            reverse("case_timeline", args=[case_b.reference]),
            reverse("note_list", args=[case_b.reference]),
            reverse("note_history", args=[case_b.reference, w["note_b"].pk]),
            reverse("person_detail", args=[case_b.person.reference]),
        ]:
            _refused(client, url)
        # Exactly the answer for a reference that does not exist.
        hidden = _refused(client, reverse("case_detail", args=[case_b.reference]))
        missing = _refused(client, reverse("case_detail", args=["CS-2026-999999"]))
        assert hidden.content == missing.content

    def test_the_caseload_neither_lists_nor_counts_them(self, client, two_programmes):
        w = two_programmes
        client.force_login(w["of_a"])
        assert _caseload(client) == ({w["case_a"].pk, w["case_in_a"].pk}, 2)
        case_b = w["case_b"]
        for q in [case_b.reference, case_b.person.reference, case_b.person.full_name]:
            assert _caseload(client, {"q": q}) == (set(), 0), q
        assert _caseload(client, {"programme": w["b"].pk}) == (set(), 0)
        assert _caseload(client, {"overdue": "on"})[1] == 2

    def test_the_inbox_lists_only_the_programmes_own_overdue_work(self, client, two_programmes):
        w = two_programmes
        client.force_login(w["of_a"])
        response = client.get(reverse("inbox"))
        assert {c.pk for c in response.context["overdue_reviews"]} == {
            w["case_a"].pk,
            w["case_in_a"].pk,
        }
        assert w["case_b"].reference not in response.content.decode()

    def test_a_person_with_a_case_in_each_shows_only_the_overseen_case(
        self, client, two_programmes
    ):
        w = two_programmes
        client.force_login(w["of_a"])
        response = client.get(reverse("person_detail", args=[w["person_in_both"].reference]))
        assert response.status_code == 200
        assert list(response.context["cases"]) == [w["case_in_a"]]
        assert w["case_in_b"].reference not in response.content.decode()

    def test_the_allow_list_of_a_restricted_case_does_not_widen_the_programmes(
        self, two_programmes
    ):
        w = two_programmes
        Case.objects.filter(pk=w["case_b"].pk).update(is_restricted=True)
        CaseAccessGrant.objects.create(case=w["case_b"], user=w["of_a"], granted_by=w["officer"])
        assert not Case.objects.visible_to(w["of_a"]).filter(pk=w["case_b"].pk).exists()

    def test_emergency_access_still_opens_it_read_only_and_flagged(self, two_programmes):
        w = two_programmes
        auditor, case_b = w["of_a"], w["case_b"]
        restriction.break_glass_open(
            by=auditor, reference=case_b.reference, reason="Complaint about this case today"
        )
        assert Case.objects.visible_to(auditor).filter(pk=case_b.pk).exists()
        assert not access.can_write_case(auditor, case_b)
        assert AuditEvent.objects.filter(action="access.break_glass", actor=auditor).exists()


class TestTheRulesWithinTheProgrammesOverseen:
    def test_a_restricted_case_needs_the_allow_list_as_before(self, two_programmes):
        w = two_programmes
        auditor, case_a = w["of_a"], w["case_a"]
        Case.objects.filter(pk=case_a.pk).update(is_restricted=True)
        assert not Case.objects.visible_to(auditor).filter(pk=case_a.pk).exists()
        CaseAccessGrant.objects.create(case=case_a, user=auditor, granted_by=w["officer"])
        assert Case.objects.visible_to(auditor).filter(pk=case_a.pk).exists()

    def test_a_juvenile_case_opens_read_only_in_a_programme_overseen_only(self, two_programmes):
        w = two_programmes
        minor = TODAY.replace(year=TODAY.year - 16)
        juvenile_a, juvenile_b = (
            factories.CaseFactory(
                programme=prog,
                current_stage=stage,
                lead_agency=w["prison"],
                person=factories.PersonFactory(date_of_birth=minor),
            )
            for prog, stage in [(w["a"], w["case_a"].current_stage), (w["b"], w["b_start"])]
        )
        visible = set(Case.objects.visible_to(w["of_a"]))
        assert juvenile_a in visible and juvenile_b not in visible
        assert not access.can_write_case(w["of_a"], juvenile_a)


class TestAssignment:
    def test_an_auditor_of_both_programmes_sees_both(self, client, two_programmes):
        w = two_programmes
        client.force_login(w["of_both"])
        assert _caseload(client)[1] == 4
        for case in [w["case_a"], w["case_b"]]:
            assert client.get(reverse("case_detail", args=[case.reference])).status_code == 200
        response = client.get(reverse("person_detail", args=[w["person_in_both"].reference]))
        assert set(response.context["cases"]) == {w["case_in_a"], w["case_in_b"]}

    def test_an_auditor_of_no_programme_sees_nothing(self, client, two_programmes):
        w = two_programmes
        client.force_login(w["of_none"])
        assert _caseload(client) == (set(), 0)
        assert client.get(reverse("inbox")).context["overdue_reviews"] == []
        _refused(client, reverse("case_detail", args=[w["case_a"].reference]))
        _refused(client, reverse("person_detail", args=[w["case_a"].person.reference]))

    def test_only_the_auditor_role_counts(self, two_programmes):
        """An assignment left behind when a user's role changes gives nothing."""
        w = two_programmes
        former = w["of_both"]
        former.role = "caseworker"
        former.agency = factories.AgencyFactory()
        former.save()
        assert not Case.objects.visible_to(former).exists()
