"""The juvenile track, from the attacker's side: a person under 18 on a record's date is
seen only by juvenile-trained staff on the team and the programme's supervisors (and by
auditors, read-only); guardian consent; nothing identifying leaves the team."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casemgmt import access, factories, juveniles
from casemgmt.models import (
    AgencyKind,
    AuditEvent,
    Case,
    Note,
    Person,
    Renunciation,
    SharingConsent,
)
from casemgmt.selectors.timeline import case_timeline
from casemgmt.services import evidence, referrals, sharing
from tests.case_page import every_tab

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def born_years_ago(years: int, days: int = 0) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def track(programme, stages):
    """A prison leads a 16-year-old's case; its staff: one trained, one not."""
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    trained = factories.CaseworkerFactory(agency=prison, juvenile_trained=True)
    untrained = factories.CaseworkerFactory(agency=prison)
    person = factories.PersonFactory(
        date_of_birth=born_years_ago(16), district="Swat", cnic="15602-7654321-1"
    )
    case = factories.CaseFactory(
        programme=programme,
        current_stage=stages["counselling"],
        lead_agency=prison,
        person=person,
        assigned_caseworker=trained,
    )
    lead = factories.SupervisorFactory(agency=factories.AgencyFactory())
    programme.supervisors.add(lead)
    return {
        "case": case,
        "prison": prison,
        "trained": trained,
        "untrained": untrained,
        "programme_supervisor": lead,
        "agency_supervisor": factories.SupervisorFactory(agency=prison),
    }


def note(case, by, body: str, *, on: datetime.date) -> Note:
    """A note written on ``on`` (notes are append-only: created with its date)."""
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    return Note.objects.create(
        case=case,
        author=by,
        agency_id=by.agency_id,
        category="general",
        visibility="case_team",
        body=body,
        created_at=at,
    )


def denied(target_type: str, target_id) -> bool:
    return AuditEvent.objects.filter(
        action="access.denied", target_type=target_type, target_id=str(target_id)
    ).exists()


class TestAge:
    def test_age_is_computed_on_each_date_not_today(self):
        person = factories.PersonFactory(date_of_birth=datetime.date(2010, 6, 15))
        assert juveniles.age_on(person, datetime.date(2028, 6, 14)) == 17
        assert juveniles.age_on(person, datetime.date(2028, 6, 15)) == 18
        assert person.adult_on == datetime.date(2028, 6, 15)
        assert person.is_juvenile_on(datetime.date(2028, 6, 14))

    def test_born_on_29_february_joins_the_adult_track_on_1_march(self):
        assert juveniles.adult_from(datetime.date(2008, 2, 29)) == datetime.date(2026, 3, 1)

    def test_correcting_the_date_of_birth_moves_the_18th_birthday(self):
        person = factories.PersonFactory(date_of_birth=datetime.date(1990, 1, 1))
        person.date_of_birth = datetime.date(2012, 1, 1)
        person.save(update_fields=["date_of_birth"])
        person.refresh_from_db()
        assert person.adult_on == datetime.date(2030, 1, 1)


class TestJuvenileCase:
    def test_untrained_caseworker_of_a_team_agency_gets_404_recorded(self, client, track):
        case, untrained = track["case"], track["untrained"]
        client.force_login(untrained)
        for url in [
            reverse("case_detail", args=[case.reference]),
            reverse("note_list", args=[case.reference]),
            reverse("stage_move", args=[case.reference]),
            reverse("person_detail", args=[case.person.reference]),
        ]:
            assert client.get(url).status_code == 404, url
        assert denied("casemgmt.case", case.reference)
        assert not access.can_write_case(untrained, case)

    def test_nor_in_their_caseload_counts_or_search(self, client, track):
        case, untrained = track["case"], track["untrained"]
        client.force_login(untrained)
        for q in ["", case.reference, case.person.full_name, case.person.reference]:
            page = client.get(reverse("caseload"), {"q": q}).context["page"]
            assert case not in page.cases and page.count == 0, q
        inbox = client.get(reverse("inbox"))
        assert inbox.status_code == 200 and case.reference not in inbox.content.decode()

    def test_agency_supervisor_who_is_not_the_programmes_is_refused(self, client, track):
        client.force_login(track["agency_supervisor"])
        assert client.get(reverse("case_detail", args=[track["case"].reference])).status_code == 404

    def test_trained_caseworker_and_programme_supervisor_see_it_with_the_marker(
        self, client, track
    ):
        case = track["case"]
        for user in [track["trained"], track["programme_supervisor"]]:
            client.force_login(user)
            body = every_tab(client, case.reference)
            assert case.person.full_name in body and "Juvenile (under 18)" in body
            listed = client.get(reverse("caseload"))
            assert case in listed.context["page"].cases
            assert "Juvenile (under 18)" in listed.content.decode()
            assert access.can_write_case(user, case)

    def test_auditor_reads_it_read_only(self, client, track, auditor):
        case = track["case"]
        client.force_login(auditor)
        body = every_tab(client, case.reference)
        assert case.reference in body and "Move this case" not in body
        assert not access.can_write_case(auditor, case)

    def test_emergency_access_does_not_open_it_to_untrained_staff(self, track):
        from casemgmt.models import BreakGlassGrant, Case

        outsider = factories.CaseworkerFactory(agency=factories.AgencyFactory())
        BreakGlassGrant.objects.create(case=track["case"], user=outsider, reason="Emergency")
        assert not Case.objects.visible_to(outsider).filter(pk=track["case"].pk).exists()


class TestAtEighteen:
    @pytest.fixture
    def turned_18(self, track):
        """The person turned 18 ten days ago; one note from before, one from after."""
        case = track["case"]
        case.person.date_of_birth = born_years_ago(18, days=10)
        case.person.save()
        before = note(case, track["trained"], "BEFORE 18", on=TODAY - datetime.timedelta(days=20))
        after = note(case, track["trained"], "AFTER 18", on=TODAY - datetime.timedelta(days=2))
        renounced = evidence.renunciation_record(
            case=case,
            by=track["trained"],
            kind="violence",
            declared_on=TODAY - datetime.timedelta(days=30),
            witness_name="W",
        )
        Renunciation.objects.filter(pk=renounced.pk).update(
            recorded_at=timezone.now() - datetime.timedelta(days=30)
        )
        return {**track, "before": before, "after": after, "renounced": renounced}

    def test_untrained_sees_the_case_and_later_records_but_not_earlier_ones(
        self, client, turned_18
    ):
        case, untrained = turned_18["case"], turned_18["untrained"]
        client.force_login(untrained)
        body = every_tab(client, case.reference)
        assert "AFTER 18" in body and "BEFORE 18" not in body
        assert "Juvenile (under 18)" not in body
        notes_page = client.get(reverse("note_list", args=[case.reference])).content.decode()
        assert "AFTER 18" in notes_page and "BEFORE 18" not in notes_page
        history = reverse("note_history", args=[case.reference, turned_18["before"].pk])
        assert client.get(history).status_code == 404
        assert denied("casemgmt.note", turned_18["before"].pk)
        kinds = {(e.kind, e.obj_id) for e in case_timeline(case, untrained)}
        assert ("note", turned_18["after"].pk) in kinds
        assert ("note", turned_18["before"].pk) not in kinds
        assert ("renunciation", turned_18["renounced"].pk) not in kinds
        action = reverse(
            "record_action",
            args=[case.reference, "verify_renunciation", turned_18["renounced"].pk],
        )
        assert client.post(action).status_code == 404
        assert denied("casemgmt.renunciation", turned_18["renounced"].pk)

    def test_trained_and_programme_supervisor_still_see_the_earlier_records(
        self, client, turned_18
    ):
        case = turned_18["case"]
        for user in [turned_18["trained"], turned_18["programme_supervisor"]]:
            client.force_login(user)
            body = every_tab(client, case.reference)
            assert "AFTER 18" in body and "BEFORE 18" in body


class TestGuardianConsent:
    def test_participation_consent_of_a_juvenile_needs_the_whole_guardian_record(self, track):
        case, trained = track["case"], track["trained"]
        with pytest.raises(ValidationError) as refused:
            evidence.consent_record(
                case=case,
                by=trained,
                terms_version="1",
                privacy_notice_version="1",
                signed_on=TODAY,
                witness_name="W",
                guardian_name="Father",
            )
        assert {"guardian_relationship", "guardian_consented_on", "guardian_consent_how"} <= set(
            refused.value.message_dict
        )
        consent = evidence.consent_record(
            case=case,
            by=trained,
            terms_version="1",
            privacy_notice_version="1",
            signed_on=TODAY,
            witness_name="W",
            guardian_name="Father",
            guardian_relationship="father",
            guardian_consented_on=TODAY,
            guardian_consent_how="signed",
        )
        assert consent.has_guardian_consent

    def test_sharing_consent_without_the_guardian_does_not_count(self, track):
        case, trained = track["case"], track["trained"]
        health = factories.AgencyFactory(kind=AgencyKind.HEALTH)
        # An entry from before the rule (or written around the service): no guardian.
        SharingConsent.objects.create(
            case=case,
            basis="consent",
            agency_kinds=["health"],
            purpose="health",
            given_on=TODAY,
            recorded_by=trained,
        )
        assert not sharing.sharing_covers(case, "health")
        with pytest.raises(ValidationError):
            referrals.referral_send(
                case=case, by=trained, to_agency=health, service="health", reason="r"
            )
        with pytest.raises(ValidationError) as refused:
            sharing.sharing_record(
                case=case,
                by=trained,
                basis="consent",
                agency_kinds=["health"],
                purpose="health",
                given_on=TODAY,
            )
        assert "guardian_name" in refused.value.message_dict
        sharing.sharing_record(
            case=case,
            by=trained,
            basis="consent",
            agency_kinds=["health"],
            purpose="health",
            given_on=TODAY,
            guardian_name="Mother",
            guardian_relationship="mother",
            guardian_consented_on=TODAY,
            guardian_consent_how="thumbprint",
        )
        case = type(case).objects.get(pk=case.pk)
        assert sharing.sharing_covers(case, "health")


class TestReferralLeavingTheTeam:
    def test_referral_to_an_agency_off_the_team_carries_no_identity_or_location(
        self, client, track
    ):
        case, trained = track["case"], track["trained"]
        police = factories.AgencyFactory(kind=AgencyKind.POLICE)
        referral = referrals.referral_send(
            case=case, by=trained, to_agency=police, service="monitoring", reason="r"
        )
        client.force_login(factories.CaseworkerFactory(agency=police, juvenile_trained=True))
        body = client.get(reverse("referral_respond", args=[referral.pk])).content.decode()
        person = case.person
        for secret in [person.full_name, person.district, person.cnic, person.reference]:
            assert secret not in body, secret
        assert "Juvenile (under 18)" in body
        inbox = client.get(reverse("inbox")).content.decode()
        assert person.full_name not in inbox and "Juvenile (under 18)" in inbox

    def test_an_adults_referral_names_the_person(self, client, prison_school_team):
        case, officer = prison_school_team["case"], prison_school_team["officer"]
        police = factories.AgencyFactory(kind=AgencyKind.POLICE)
        referral = referrals.referral_send(
            case=case, by=officer, to_agency=police, service="monitoring", reason="r"
        )
        client.force_login(factories.CaseworkerFactory(agency=police))
        body = client.get(reverse("referral_respond", args=[referral.pk])).content.decode()
        assert case.person.full_name in body


class TestQueryCounts:
    """The rule is in the SQL: the marker and the filter cost no query per row."""

    def test_caseload_of_juvenile_cases(self, client, programme, stages, django_assert_num_queries):
        prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
        trained = factories.CaseworkerFactory(agency=prison, juvenile_trained=True)
        untrained = factories.CaseworkerFactory(agency=prison)

        def add(n):
            for _ in range(n):
                factories.CaseFactory(
                    programme=programme,
                    current_stage=stages["intake"],
                    lead_agency=prison,
                    person=factories.PersonFactory(date_of_birth=born_years_ago(15)),
                )
                factories.CaseFactory(
                    programme=programme, current_stage=stages["intake"], lead_agency=prison
                )

        url = reverse("caseload")
        # 12, as the caseload pin in tests/views/test_query_counts.py (the bands and the
        # team's agencies offered).
        for size in (3, 20):
            add(size - (3 if size == 20 else 0))
            for user, shown in [(trained, 2 * size), (untrained, size)]:
                client.force_login(user)
                with django_assert_num_queries(12):
                    page = client.get(url).context["page"]
                assert page.count == shown


class TestProgressBeforeEighteen:
    """The case page's progress chart and per-domain changes are built from assessments:
    one made before the 18th birthday must not reach an untrained reader through them,
    as it does not through the assessments list."""

    @pytest.fixture
    def assessed(self, track):
        from casemgmt.models import Assessment, Instrument

        case = track["case"]
        case.person.date_of_birth = born_years_ago(18, days=10)
        case.person.save()
        instrument = Instrument.objects.filter(is_active=True).first() or Instrument.objects.first()
        before = Assessment.objects.create(
            case=case,
            instrument=instrument,
            kind="initial",
            assessed_on=TODAY - datetime.timedelta(days=40),
            assessor=track["trained"],
            agency=track["prison"],
            overall_concern="high",
            disengagement_score=77,
            deradicalisation_score=66,
        )
        # Recorded then too: a row is on the juvenile track by when it was made.
        made = timezone.now() - datetime.timedelta(days=40)
        Assessment.objects.filter(pk=before.pk).update(recorded_at=made)
        return {**track, "before": before}

    def test_untrained_reader_gets_no_progress_from_it(self, assessed):
        from casemgmt.selectors.progress import case_progress

        untrained = case_progress(assessed["case"], assessed["untrained"])
        assert untrained["chart"] is None and untrained["changes"] == []

    def test_trained_reader_and_programme_supervisor_get_it(self, assessed):
        from casemgmt.selectors.progress import case_progress

        for user in (assessed["trained"], assessed["programme_supervisor"]):
            progress = case_progress(assessed["case"], user)
            assert progress["latest"] == assessed["before"]
            assert [a.pk for a in progress["chart"]["rows"]] == [assessed["before"].pk]


@pytest.mark.parametrize("birthday_days_ago", [-1, 0, 1])
def test_both_forms_of_the_juvenile_rule_see_the_same_cases(track, auditor, birthday_days_ago):
    """The rule reads the person's column when the query joins the person (sorted or
    searched by name), a set of minors otherwise: the same cases for every reader, around
    the 18th birthday and with no date of birth."""
    case = track["case"]
    case.person.date_of_birth = born_years_ago(18, days=birthday_days_ago)
    case.person.save()
    no_birth_date = factories.CaseFactory(
        programme=case.programme,
        current_stage=case.current_stage,
        lead_agency=track["prison"],
        person=factories.PersonFactory(date_of_birth=born_years_ago(15)),
    )
    # No 18th birthday known (as after retention erased the date of birth).
    Person.objects.filter(pk=no_birth_date.person_id).update(adult_on=None)
    readers = [track[k] for k in ("trained", "untrained", "programme_supervisor")]
    readers += [track["agency_supervisor"], auditor]
    for reader in readers:
        plain = set(Case.objects.visible_to(reader).values_list("pk", flat=True))
        joined = set(
            Case.objects.visible_to(reader, person_joined=True).values_list("pk", flat=True)
        )
        assert plain == joined, reader
    untrained = set(Case.objects.visible_to(track["untrained"]).values_list("pk", flat=True))
    assert no_birth_date.pk in untrained
    assert (case.pk in untrained) == (birthday_days_ago >= 0)


def test_the_caseload_sorted_by_name_keeps_the_rule(client, track):
    from casemgmt.selectors.caseload import CaseloadFilters, caseload_page

    case = track["case"]
    for reader, sees in ((track["untrained"], False), (track["trained"], True)):
        page = caseload_page(reader, CaseloadFilters(sort="name"))
        assert (case in page.cases) is sees


class TestGateReasonsBeforeEighteen:
    """A gate's reason is worded from the records it checked: on a case opened before the
    18th birthday it can cite one made then (a renunciation's date and state), which an
    untrained reader may not know of. They get whether each gate is met, not why."""

    @pytest.fixture
    def early(self, track, stages):
        from casemgmt.models import Case

        case = track["case"]
        case.person.date_of_birth = born_years_ago(18, days=10)
        case.person.save()
        Case.objects.filter(pk=case.pk).update(
            current_stage=stages["release_preparation"],
            opened_on=TODAY - datetime.timedelta(days=40),
        )
        case.refresh_from_db()
        renounced = evidence.renunciation_record(
            case=case,
            by=track["trained"],
            kind="violence",
            declared_on=TODAY - datetime.timedelta(days=30),
            witness_name="W",
        )
        Renunciation.objects.filter(pk=renounced.pk).update(
            recorded_at=timezone.now() - datetime.timedelta(days=30)
        )
        return {**track, "case": case}

    def _reasons(self, user, case) -> str:
        from casemgmt.permissions import case_permissions
        from casemgmt.selectors.case_summary import case_summary
        from casemgmt.workflow import available_moves

        summary = case_summary(case, case_permissions(user, case))
        moves = available_moves(case, user)
        return " ".join(
            [r.reason for r in summary.unmet] + [r.reason for m in moves for r in m.results]
        )

    def test_untrained_reader_is_told_whether_not_why(self, early):
        reasons = self._reasons(early["untrained"], early["case"])
        assert "Renunciation of violence recorded on" not in reasons
        assert "on a record you may not read" in reasons

    def test_trained_reader_and_programme_supervisor_are_told_why(self, early):
        for user in (early["trained"], early["programme_supervisor"]):
            assert "Renunciation of violence recorded on" in self._reasons(user, early["case"])

    def test_the_approvals_queue_words_stored_reasons_the_same_way(self, early, stages):
        from casemgmt.models import StageTransition
        from casemgmt.selectors.approvals import approvals_queue

        case = early["case"]
        StageTransition.objects.create(
            case=case,
            from_stage=stages["release_preparation"],
            to_stage=stages["released"],
            requested_by=early["trained"],
            reason="Ready",
            status="pending",
            gate_results=[
                {
                    "gate": "renunciation_violence_verified",
                    "met": False,
                    "reason": "Renunciation of violence recorded on 5 Nov but not yet verified.",
                    "info_class": "case",
                }
            ],
        )
        untrained = approvals_queue(early["agency_supervisor"]).moves
        assert untrained and untrained[0].gates
        assert all("recorded on" not in g.reason for g in untrained[0].gates)
        lead = approvals_queue(early["programme_supervisor"]).moves
        assert any("recorded on" in g.reason for g in lead[0].gates)
