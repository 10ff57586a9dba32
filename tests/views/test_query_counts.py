"""Page query counts, pinned exactly at two data sizes: a count that grows with the data is
an N+1 query. When a change moves a count on purpose, update the number here with it."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories, workflow
from casemgmt.models import (
    AgencyKind,
    Case,
    GroupCategory,
    Placement,
    Programme,
    StageTransition,
)
from casemgmt.selectors.timeline import case_timeline
from casemgmt.services import (
    cases,
    escalations,
    evidence,
    interventions,
    monitoring,
    notes,
    outcomes,
    person_corrections,
    referrals,
    sharing,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
KINDS_COVERED = [AgencyKind.HEALTH, AgencyKind.EDUCATION, AgencyKind.SOCIAL_WELFARE]


@pytest.fixture
def full_case(make_case, caseworker, supervisor, other_caseworker, agency, stages):
    """A released case (with its release move, plan and sharing) and ``add(n)``, which adds
    ``n`` records of every kind the case page and the timeline show."""
    case = make_case("released")
    StageTransition.objects.create(
        case=case,
        from_stage=stages["release_preparation"],
        to_stage=stages["released"],
        requested_by=caseworker,
        reason="r",
        status="applied",
        applied_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=60),
    )
    sharing.sharing_record(
        case=case,
        by=caseworker,
        basis="consent",
        agency_kinds=[str(k) for k in KINDS_COVERED],
        purpose="reintegration",
        given_on=TODAY,
    )
    monitoring.monitoring_plan_record(
        case=case,
        by=caseworker,
        responsible_agency=agency,
        residence="Home",
        starts_on=TODAY - datetime.timedelta(days=30),
    )

    def add(n):
        for i in range(n):
            _add_one_of_each(case, caseworker, other_caseworker, agency, i)

    return case, add


def _add_one_of_each(case, by, verifier, agency, i):
    evidence.legal_authority_record(
        case=case,
        by=by,
        kind="court_order",
        reference=f"R{i}",
        issued_on=TODAY,
        issuing_body="ATC",
    )
    evidence.eligibility_record(
        case=case, by=by, decision="eligible", rationale="ok", decided_on=TODAY
    )
    evidence.consent_record(
        case=case,
        by=by,
        terms_version="T",
        privacy_notice_version="P",
        signed_on=TODAY,
        witness_name="W",
    )
    r = evidence.renunciation_record(
        case=case, by=by, kind="violence", declared_on=TODAY, witness_name="W"
    )
    evidence.renunciation_verify(renunciation=r, by=verifier)
    evidence.undertaking_record(
        case=case, by=by, kind="elders", guarantor_name="G", terms="t", signed_on=TODAY
    )
    evidence.review_record(
        case=case,
        by=by,
        kind="monitoring_review",
        held_on=TODAY,
        decision="ok",
        positions=[(agency, "agree", "")],
        attendees=[("A", agency)],
        actions=[("Visit", by, TODAY + datetime.timedelta(days=7))],
    )
    factories.record_assessment(
        case=case, by=by, kind="review", assessed_on=TODAY, overall_concern="low", rationale="r"
    )
    escalations.escalation_raise(case=case, by=by, trigger="threat", description="d")
    notes.note_add(case=case, by=by, category="general", visibility="case_team", body=f"n{i}")
    other = factories.AgencyFactory(kind=KINDS_COVERED[i % len(KINDS_COVERED)])
    referrals.referral_send(case=case, by=by, to_agency=other, service="health", reason="r")
    cases.team_member_add(case=case, by=by, agency=other, role="support")
    sharing.sharing_record(
        case=case,
        by=by,
        basis="consent",
        agency_kinds=["health"],
        purpose="health",
        given_on=TODAY,
    )
    course = interventions.intervention_start(
        case=case, by=by, kind="education", provider=agency, goals="g", starts_on=TODAY
    )
    interventions.session_record(
        intervention=course,
        by=by,
        held_on=TODAY,
        duration_minutes=60,
        attendance="attended",
        facilitator="T",
    )
    monitoring.check_in_record(case=case, by=by, held_on=TODAY, kind="phone", outcome="met")
    outcomes.reengagement_record(case=case, by=by, kind="arrest", occurred_on=TODAY)
    # Placement history (the case is released, so each placement has ended).
    Placement.objects.create(
        case=case,
        facility=factories.FacilityFactory(),
        started_on=TODAY - datetime.timedelta(days=20),
        ended_on=TODAY - datetime.timedelta(days=10),
        started_by=by,
        ended_by=by,
        start_reason="Admitted",
        end_reason="Released",
    )


def _pinned(client, url, expected, django_assert_num_queries):
    client.get(url)  # warm up the session and the content-type cache
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


# (role, tab) → queries of one tab of the case page: the header, the summary and that tab's
# sections, each reading its rows whatever their number. Every tab pays the same base: the
# session, user, savepoints, the case (with, in the same query, whether the reader may
# change it and supervises its programme, its open escalations and whether every consent
# is withdrawn, and the id of a pending move: this case has none, so it is not read), the
# team, the summary (the next move, its gates and their evidence) and the read event.
# Then per section: its kinds' rows (a review's positions,
# attendees and actions, each with its agency or owner: 3 more), and the extras: progress
# reads the latest ratings, classification its history (and, for supervisors, the bands
# of the change form), monitoring the plans and the date of the last contact made. The
# timeline tab reads its UNION and its authors. Each role shows different sections.
CASE_PAGE = {
    ("caseworker", "overview"): 18,
    ("caseworker", "support"): 21,
    ("caseworker", "legal"): 18,
    ("caseworker", "partners"): 20,
    ("caseworker", "timeline"): 15,
    ("supervisor", "overview"): 18,
    ("supervisor", "support"): 21,
    ("supervisor", "legal"): 18,
    ("supervisor", "partners"): 21,
    ("supervisor", "timeline"): 15,
    ("auditor", "overview"): 19,
    ("auditor", "support"): 20,
    ("auditor", "legal"): 19,
    ("auditor", "partners"): 21,
    ("auditor", "timeline"): 16,
}


@pytest.mark.parametrize(("role", "tab"), sorted(CASE_PAGE))
def test_case_page(client, full_case, role, tab, request, django_assert_num_queries):
    case, add = full_case
    client.force_login(request.getfixturevalue(role))
    url = reverse("case_detail", args=[case.reference]) + f"?tab={tab}"
    add(1)
    _pinned(client, url, CASE_PAGE[role, tab], django_assert_num_queries)
    add(24)
    _pinned(client, url, CASE_PAGE[role, tab], django_assert_num_queries)


@pytest.mark.parametrize(("role", "tab"), sorted(CASE_PAGE))
def test_case_page_with_500_notes(
    client, full_case, other_caseworker, role, tab, request, django_assert_num_queries
):
    """The issue's heavy case: 500 notes by two authors in every visibility, the same
    count as with one."""
    from casemgmt.models import Note

    case, add = full_case
    client.force_login(request.getfixturevalue(role))
    url = reverse("case_detail", args=[case.reference]) + f"?tab={tab}"
    add(1)
    _pinned(client, url, CASE_PAGE[role, tab], django_assert_num_queries)
    authors = [case.assigned_caseworker, other_caseworker]
    visibilities = ["case_team", "my_agency", "supervisors"]
    Note.objects.bulk_create(
        Note(
            case=case,
            author=authors[i % 2],
            agency_id=authors[i % 2].agency_id,
            category="general",
            visibility=visibilities[i % 3],
            body=f"Note {i}",
        )
        for i in range(499)
    )
    assert case.notes.count() == 500
    _pinned(client, url, CASE_PAGE[role, tab], django_assert_num_queries)


def test_case_page_on_legal_hold(client, full_case, supervisor, django_assert_num_queries):
    """A held case shows its hold (one query for who set it and why) to readers of legal
    records; a supervisor of the programme also gets the form."""
    from casemgmt.services import legal_hold

    case, add = full_case
    case.programme.supervisors.add(supervisor)
    legal_hold.case_legal_hold_set(case=case, by=supervisor, reason="Appeal pending, High Court")
    client.force_login(supervisor)
    url = reverse("case_detail", args=[case.reference]) + "?tab=overview"
    add(1)
    _pinned(client, url, CASE_PAGE["supervisor", "overview"] + 1, django_assert_num_queries)
    add(24)
    response = _pinned(
        client, url, CASE_PAGE["supervisor", "overview"] + 1, django_assert_num_queries
    )
    assert "Lift the legal hold" in response.content.decode()


TIMELINE = {"caseworker": 2, "supervisor": 2, "auditor": 2}
# The timeline's own page (filtered and paged): session, user, the request's savepoint pair,
# the case, the user's agency, the timeline's two queries (UNION, authors), the read event.
TIMELINE_PAGE = {"caseworker": 9, "supervisor": 9, "auditor": 9}


@pytest.mark.parametrize("role", sorted(TIMELINE_PAGE))
def test_timeline_page(client, full_case, role, request, django_assert_num_queries):
    case, add = full_case
    client.force_login(request.getfixturevalue(role))
    url = reverse("case_timeline", args=[case.reference]) + "?kind=note"
    add(1)
    _pinned(client, url, TIMELINE_PAGE[role], django_assert_num_queries)
    add(55)
    response = _pinned(client, url, TIMELINE_PAGE[role], django_assert_num_queries)
    older = response.context["timeline"].older
    assert older
    _pinned(client, f"{url}&older={older}", TIMELINE_PAGE[role], django_assert_num_queries)


@pytest.mark.parametrize("role", sorted(TIMELINE))
def test_timeline_selector(full_case, role, request, django_assert_num_queries):
    case, add = full_case
    user = request.getfixturevalue(role)
    add(1)
    with django_assert_num_queries(TIMELINE[role]):
        small = case_timeline(case, user)
    add(24)
    with django_assert_num_queries(TIMELINE[role]):
        large = case_timeline(case, user)
    assert len(large) > len(small)


def test_notes_list(client, full_case, caseworker, django_assert_num_queries):
    case, _ = full_case
    client.force_login(caseworker)
    url = reverse("note_list", args=[case.reference])

    def add(n):
        for _ in range(n):
            for category, visibility in [
                ("general", "case_team"),
                ("counselling", "case_team"),
                ("security_concern", "supervisors"),
                ("general", "my_agency"),
            ]:
                note = notes.note_add(
                    case=case, by=caseworker, category=category, visibility=visibility, body="x"
                )
            notes.note_correct(note=note, by=caseworker, body="corrected")

    add(1)
    _pinned(client, url, 9, django_assert_num_queries)
    add(24)
    _pinned(client, url, 9, django_assert_num_queries)


def test_caseload_first_page(client, caseworker, make_case, django_assert_num_queries):
    client.force_login(caseworker)
    url = reverse("caseload")
    # 12: the filters' choices include the classification bands (one query) and the
    # agencies of "Agency on the team" (one query).
    for _ in range(5):
        make_case()
    _pinned(client, url, 12, django_assert_num_queries)
    for _ in range(45):
        make_case()
    _pinned(client, url, 12, django_assert_num_queries)


def test_caseload_first_page_with_every_filter(
    client, caseworker, make_case, django_assert_num_queries
):
    """The filters are conditions of the same two queries (rows, capped count); the three
    more than the unfiltered page validate the facility, the band and the team's agency
    (ModelChoiceField.get)."""
    from casemgmt.models import ClassificationBand
    from casemgmt.services.escalations import escalation_raise

    facility = factories.FacilityFactory()
    band = ClassificationBand.objects.get(programme__code="default", code="high")
    params = (
        f"?juvenile=on&open_escalation=on&facility={facility.pk}&classification={band.pk}"
        f"&overdue=&sort=name&assigned_to_me=on&team_agency={caseworker.agency_id}"
    )
    caseworker.juvenile_trained = True
    caseworker.save()
    client.force_login(caseworker)
    url = reverse("caseload") + params

    def add(n):
        for _ in range(n):
            case = make_case(
                facility=facility,
                classification=band,
                person=factories.PersonFactory(date_of_birth=_born(16)),
            )
            escalation_raise(case=case, by=None, trigger="breach", description="x")

    add(2)
    _pinned(client, url, 15, django_assert_num_queries)
    add(28)
    response = _pinned(client, url, 15, django_assert_num_queries)
    assert response.context["page"].filters.facility == facility.pk
    assert response.context["page"].filters.classification == band.pk
    assert response.context["page"].filters.team_agency == caseworker.agency_id
    assert response.context["page"].filters.assigned_to_me
    assert len(response.context["page"].cases) == 25


# The caseload's other pages, each the same count at two sizes: the first page's 12 less
# the capped count on a deeper page (it keeps what the first page said); sorting and
# searching are conditions and orders of the same two queries (rows, capped count).
CASELOAD = {"deep": 11, "sort_name": 12, "search_name": 12, "search_reference": 12}


def _caseload_pages(client, make_case, sizes, variant, django_assert_num_queries):
    """For each total of cases in ``sizes``: the page ``variant`` names, pinned; returns
    how many rows each listed (every case made here is a "Khan Zeb")."""
    listed = []
    for size in sizes:
        while (made := Case.objects.count()) < size:
            make_case(person=factories.PersonFactory(full_name=f"Khan Zeb {made}"))
        url = reverse("caseload")
        if variant == "deep":
            # Past every full page of the first, so the deep page moves with the size.
            cursor = ""
            for _ in range(size // 25):
                page = client.get(url + (f"?after={cursor}" if cursor else "")).context["page"]
                cursor = page.next_cursor
            url += f"?after={cursor}"
        elif variant == "sort_name":
            url += "?sort=name"
        elif variant == "search_name":
            url += "?q=Khan+Zeb"
        else:
            url += f"?q={make_case().reference}"
        response = _pinned(client, url, CASELOAD[variant], django_assert_num_queries)
        listed.append(len(response.context["page"].cases))
    return listed


@pytest.mark.parametrize("variant", sorted(CASELOAD))
def test_caseload_variants(client, caseworker, make_case, variant, django_assert_num_queries):
    client.force_login(caseworker)
    small, large = _caseload_pages(client, make_case, (30, 80), variant, django_assert_num_queries)
    if variant == "search_reference":
        assert small == large == 1
    elif variant == "deep":
        assert (small, large) == (5, 5)  # the last page of 30, then of 80 cases
    else:
        assert small == large == 25


def _born(years_ago: int) -> datetime.date:
    today = datetime.date.today()
    return today.replace(year=today.year - years_ago, day=min(today.day, 28))


def test_person_page(client, caseworker, agency, programme, django_assert_num_queries):
    """With the corrections' history (one query, one for the group categories it names
    and one for the values behind its keyed hashes, ``audit_trail.personal_values``):
    the same count however many cases and corrections the person has."""
    person = factories.PersonFactory()
    factories.CaseFactory(person=person, lead_agency=agency)
    categories = [GroupCategory.objects.create(name=f"Category {i}") for i in range(12)]

    def correct(i):
        person_corrections.person_correct(
            person=person,
            by=caseworker,
            changes={"district": f"District {i}", "group_category": categories[i]},
            reason=f"Reason {i}",
        )

    correct(0)
    client.force_login(caseworker)
    url = reverse("person_detail", args=[person.reference])
    _pinned(client, url, 14, django_assert_num_queries)
    for i in range(10):
        p = Programme.objects.create(name=f"P{i}", code=f"p{i}", legal_framework="x")
        stage = p.stages.create(key="s", name="S", order=1, kind="intake", is_start=True)
        factories.CaseFactory(person=person, lead_agency=agency, programme=p, current_stage=stage)
        correct(i + 1)
    response = _pinned(client, url, 14, django_assert_num_queries)
    history = {h.name: h for h in response.context["history"]}
    assert len(history["district"].changes) == 11  # eleven corrections (no registration event)


@pytest.fixture
def waiting(make_case, caseworker, supervisor, agency, stages):
    """``add(n)``: n of each thing an inbox lists for the agency's caseworker and supervisor."""
    sender = factories.AgencyFactory(kind=AgencyKind.POLICE)
    sender_worker = factories.CaseworkerFactory(agency=sender)

    def add(n):
        for _ in range(n):
            pending = make_case("intake")
            workflow.request_transition(
                case=pending,
                reason_kind="withdrawn",
                to_stage=stages["exited"],
                by=caseworker,
                reason="x",
            )
            make_case(next_review_due=TODAY - datetime.timedelta(days=3))
            late = make_case("released")
            monitoring.monitoring_plan_record(
                case=late,
                by=caseworker,
                responsible_agency=agency,
                residence="Home",
                starts_on=TODAY - datetime.timedelta(days=40),
            )
            escalations.escalation_raise(
                case=late, by=caseworker, trigger="threat", description="d"
            )
            # Released 100 days ago under a monthly review, none held since.
            monitoring.monitoring_plan_record(
                case=make_case("released"),
                by=caseworker,
                responsible_agency=agency,
                residence="Home",
                review_frequency="monthly",
                starts_on=TODAY - datetime.timedelta(days=100),
            )
            for owner in (caseworker, supervisor):
                evidence.review_record(
                    case=late,
                    by=caseworker,
                    kind="monitoring_review",
                    held_on=TODAY,
                    decision="ok",
                    positions=[(agency, "agree", "")],
                    actions=[("Visit", owner, TODAY + datetime.timedelta(days=7))],
                )
            theirs = factories.CaseFactory(lead_agency=sender)
            sharing.sharing_record(
                case=theirs,
                by=sender_worker,
                basis="consent",
                agency_kinds=[str(agency.kind)],
                purpose="reintegration",
                given_on=TODAY,
            )
            referrals.referral_send(
                case=theirs, by=sender_worker, to_agency=agency, service="monitoring", reason="r"
            )
            for user in (caseworker, supervisor):
                user.notifications.create(case=late, message="m")

    return add


# + the read event. Overdue check-ins are one query on Case.next_contact_due (no longer
# the cases plus their prefetched plans and check-ins); one list is the review positions
# awaiting the user's agency; one list is the multi-agency reviews overdue (on
# Case.next_meeting_due). A list of more than inbox.LIMIT rows adds its count
# (tests/views/test_overdue_work.py).
INBOX = {"caseworker": 14, "supervisor": 18}


@pytest.mark.parametrize("role", sorted(INBOX))
def test_inbox(client, waiting, role, request, django_assert_num_queries):
    client.force_login(request.getfixturevalue(role))
    waiting(1)
    small = _pinned(client, reverse("inbox"), INBOX[role], django_assert_num_queries)
    waiting(9)
    large = _pinned(client, reverse("inbox"), INBOX[role], django_assert_num_queries)
    # Every list is filled, so a query per row would show in the count.
    lists = ["referrals", "overdue_reviews", "escalations", "actions", "notifications"]
    lists += ["overdue_check_ins", "overdue_meetings"] + (
        ["approvals"] if role == "supervisor" else []
    )
    for name in lists:
        assert 0 < len(small.context[name]) < len(large.context[name]), name


def test_approvals_page(client, supervisor, agency, stages, django_assert_num_queries):
    worker = factories.CaseworkerFactory(agency=agency)
    client.force_login(supervisor)

    def add_pending(n):
        for _ in range(n):
            case = factories.CaseFactory(current_stage=stages["intake"], lead_agency=agency)
            workflow.request_transition(
                case=case, reason_kind="withdrawn", to_stage=stages["exited"], by=worker, reason="x"
            )

    add_pending(1)
    _pinned(client, reverse("approvals"), 9, django_assert_num_queries)
    add_pending(10)
    _pinned(client, reverse("approvals"), 9, django_assert_num_queries)


def test_stage_move_page(client, caseworker, make_case, django_assert_num_queries):
    case = make_case("release_preparation")
    client.force_login(caseworker)
    url = reverse("stage_move", args=[case.reference])

    def add(n):
        for i in range(n):
            evidence.legal_authority_record(
                case=case,
                by=caseworker,
                kind="court_order",
                reference=f"R{i}",
                issued_on=TODAY,
                issuing_body="ATC",
            )
            evidence.review_record(
                case=case,
                by=caseworker,
                kind="release_review",
                held_on=TODAY,
                decision="d",
                positions=[(caseworker.agency, "agree", "")],
            )

    # 27: the facilities to choose from for the move back into prison.
    add(1)
    _pinned(client, url, 27, django_assert_num_queries)
    add(24)
    _pinned(client, url, 27, django_assert_num_queries)


def test_stage_move_page_of_a_full_case(client, full_case, caseworker, django_assert_num_queries):
    case, add = full_case
    client.force_login(caseworker)
    url = reverse("stage_move", args=[case.reference])
    add(1)
    _pinned(client, url, 27, django_assert_num_queries)
    add(24)
    _pinned(client, url, 27, django_assert_num_queries)


@pytest.fixture
def held_registrations(programme, stages, client):
    """``register(n)``: an officer of another agency registers "Khan Zeb" when ``n`` people
    of that name and birth date are registered in cases the reviewer leads."""
    probation = factories.AgencyFactory(kind=AgencyKind.PROBATION)
    reviewer = factories.SupervisorFactory(agency=probation)
    welfare = factories.AgencyFactory(kind=AgencyKind.SOCIAL_WELFARE)
    officer = factories.CaseworkerFactory(agency=welfare)

    def register(n):
        from casemgmt.models import HeldRegistration, Person

        while Person.objects.filter(full_name="Khan Zeb").count() < n:
            factories.CaseFactory(
                lead_agency=probation,
                programme=programme,
                current_stage=stages["intake"],
                person=factories.PersonFactory(full_name="Khan Zeb", date_of_birth="1984-07-07"),
            )
        client.force_login(officer)
        client.post(
            reverse("person_register"),
            {
                "full_name": "Khan Zeb",
                "date_of_birth": "1984-07-07",
                "sex": "male",
                "programme": programme.pk,
                "lead_agency": welfare.pk,
            },
        )
        client.force_login(reviewer)
        return HeldRegistration.objects.latest("pk")

    return register


def test_held_registration_page(client, held_registrations, django_assert_num_queries):
    small, large = held_registrations(1), held_registrations(4)
    assert (small.matched_people.count(), large.matched_people.count()) == (1, 4)
    from casemgmt.models import AuditEvent

    for held in (small, large):
        url = reverse("held_registration_review", args=[held.pk])
        reads = AuditEvent.objects.filter(action="read.person").count()
        response = _pinned(client, url, 9, django_assert_num_queries)
        assert response.content.decode().count("Khan Zeb") >= held.matched_people.count()
        # Each shown person's read is recorded (twice: the warm-up and the pinned load).
        shown = held.matched_people.count()
        assert AuditEvent.objects.filter(action="read.person").count() == reads + 2 * shown


def test_password_change_page(client, supervisor, django_assert_num_queries):
    """Session, user, the agency in the menu, and the request's savepoint pair."""
    client.force_login(supervisor)
    _pinned(client, reverse("account_change_password"), 5, django_assert_num_queries)


def test_sign_in_notice_queries(supervisor, django_assert_num_queries):
    """The look-up of the previous sign-in from this browser, then one aggregate and at most
    two short lists, whatever the history (tests/auth/test_account_security.py shows the
    content)."""
    from casemgmt.models import AuditAction
    from casemgmt.selectors import account_changes
    from casemgmt.services import audit

    def history(n):
        for _ in range(n):
            audit.record(
                actor=None,
                action=AuditAction.AUTH_SIGNED_IN,
                target=supervisor,
                metadata={"user_agent": "Here/1"},
            )
            audit.record(actor=None, action=AuditAction.AUTH_SIGN_IN_FAILED, target=supervisor)
            audit.record(actor=None, action=AuditAction.AUTH_UNLOCKED, target=supervisor)

    for size in (1, 20):
        history(size)
        with django_assert_num_queries(1):
            since = account_changes.last_signed_in_at(supervisor, "Here/1")
        history(1)
        with django_assert_num_queries(2):  # the counts, the changes (no other browser)
            found = account_changes.changes_since(supervisor, since, "Here/1")
        assert (found.failed, len(found.changes)) == (2, 2)


def test_person_correction_form(client, caseworker, agency, django_assert_num_queries):
    """The same count whether the person has one case or eleven."""
    person = factories.PersonFactory()
    factories.CaseFactory(person=person, lead_agency=agency)
    client.force_login(caseworker)
    url = reverse("person_correct", args=[person.reference])
    _pinned(client, url, PERSON_CORRECTION_FORM, django_assert_num_queries)
    for i in range(10):
        p = Programme.objects.create(name=f"Q{i}", code=f"q{i}", legal_framework="x")
        stage = p.stages.create(key="s", name="S", order=1, kind="intake", is_start=True)
        factories.CaseFactory(person=person, lead_agency=agency, programme=p, current_stage=stage)
    _pinned(client, url, PERSON_CORRECTION_FORM, django_assert_num_queries)


def test_move_withdraw_form(client, caseworker, make_case, stages, django_assert_num_queries):
    """The same count whatever else is on the case."""
    from casemgmt.models import StageTransition

    case = make_case("referral")
    move = StageTransition.objects.create(
        case=case,
        from_stage=stages["referral"],
        to_stage=stages["intake"],
        requested_by=caseworker,
        reason="Screened",
        status="pending",
    )
    client.force_login(caseworker)
    url = reverse("move_withdraw", args=[move.pk])
    _pinned(client, url, MOVE_WITHDRAW_FORM, django_assert_num_queries)
    for _ in range(10):
        notes.note_add(
            case=case, by=caseworker, category="general", visibility="case_team", body="n"
        )
    _pinned(client, url, MOVE_WITHDRAW_FORM, django_assert_num_queries)


PERSON_CORRECTION_FORM = 8
MOVE_WITHDRAW_FORM = 9
