"""The case page reads whether the reader may change the case, its open escalations and
whether every consent is withdrawn in the case's own query: each must say what the access
policy and the selectors that ask a query of their own say, for every kind of reader."""

import datetime

import pytest

from casemgmt import access, factories, workflow
from casemgmt.models import AgencyKind, BreakGlassGrant, CaseAccessGrant, Consent, TeamRole
from casemgmt.permissions import case_permissions
from casemgmt.selectors.case_summary import case_summary
from casemgmt.selectors.cases import case_header, case_page_case_or_404, visible_case_or_404
from casemgmt.selectors.scope import OutOfScope
from casemgmt.selectors.workflow import pending_move
from casemgmt.services import escalations, evidence

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _consent(case, by, *, withdrawn: bool) -> None:
    consent = evidence.consent_record(
        case=case,
        by=by,
        terms_version="T",
        privacy_notice_version="P",
        signed_on=TODAY,
        witness_name="W",
    )
    if withdrawn:
        Consent.objects.filter(pk=consent.pk).update(withdrawn_on=TODAY)


@pytest.fixture
def cases(make_case, caseworker, supervisor, agency, programme, stages):
    """Open, restricted (with a grant, with a revoked grant, without), escalated in
    classes not every reader may read, with consents in every state."""
    programme.supervisors.add(supervisor)
    school = factories.AgencyFactory(kind=AgencyKind.EDUCATION)
    police = factories.AgencyFactory(kind=AgencyKind.POLICE)
    plain = make_case(
        "counselling", team=[(school, TeamRole.SUPPORT), (police, TeamRole.MONITORING)]
    )
    escalations.escalation_raise(case=plain, by=caseworker, trigger="breach", description="d")
    escalations.escalation_raise(
        case=plain, by=caseworker, trigger="security_information", description="d"
    )
    _consent(plain, caseworker, withdrawn=True)
    half = make_case("counselling")
    _consent(half, caseworker, withdrawn=True)
    _consent(half, caseworker, withdrawn=False)
    workflow.request_transition(
        case=half, reason_kind="withdrawn", to_stage=stages["exited"], by=caseworker, reason="x"
    )
    restricted = [make_case("counselling", is_restricted=True) for _ in range(3)]
    CaseAccessGrant.objects.create(case=restricted[0], user=caseworker, granted_by=supervisor)
    CaseAccessGrant.objects.create(
        case=restricted[1],
        user=caseworker,
        granted_by=supervisor,
        revoked_at=datetime.datetime.now(datetime.UTC),
        revoked_by=supervisor,
    )
    return [plain, half, *restricted], (school, police)


def test_the_case_pages_case_agrees_with_the_policy(
    cases, caseworker, other_caseworker, supervisor, auditor, agency
):
    every, (school, police) = cases
    bystander = factories.SupervisorFactory(agency=agency)  # not the programme's
    teacher = factories.CaseworkerFactory(agency=school)
    officer = factories.CaseworkerFactory(agency=police)
    outsider = factories.CaseworkerFactory(agency=factories.AgencyFactory())
    BreakGlassGrant.objects.create(case=every[0], user=outsider, reason="Night emergency")
    readers = [caseworker, other_caseworker, supervisor, bystander, auditor, teacher, officer]
    readers.append(outsider)
    seen = set()
    for user in readers:
        for listed in every:
            try:
                expected = visible_case_or_404(user, listed.reference)
            except OutOfScope:
                with pytest.raises(OutOfScope):
                    case_page_case_or_404(user, listed.reference)
                continue
            case = case_page_case_or_404(user, listed.reference)
            assert case.writable == access.can_write_case(user, expected)
            assert case_permissions(user, case).can_write == case.writable
            supervises = access.supervises_programme(user, expected.programme_id)
            assert case.supervises_programme == supervises
            assert (
                case_permissions(user, case).can_hold == case_permissions(user, expected).can_hold
            )
            counted = case_summary(expected, case_permissions(user, expected))
            assert case_summary(case, case_permissions(user, case)) == counted
            pending = pending_move(expected)
            assert case.pending_move_id == (pending.pk if pending else None)
            assert case_header(case)["pending_move"] == pending
            withdrawn = list(expected.consents.values_list("withdrawn_on", flat=True))
            assert case.consents_all_withdrawn == (bool(withdrawn) and all(withdrawn))
            seen.add((case.writable, case.open_escalations, case.consents_all_withdrawn))
    # Every kind of answer was compared: writers and not, a trigger hidden or counted,
    # consents all withdrawn or not (a pending move is compared on the case that has one).
    writable, counts, withdrawn = (set(answers) for answers in zip(*seen, strict=True))
    assert (writable, withdrawn) == ({True, False}, {True, False})
    assert counts == {None, 0, 1, 2}
