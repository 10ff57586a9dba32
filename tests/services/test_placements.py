"""Placements (P10): stage moves open and end them, transfers move them, occupancy counts
the open ones, and every invalid input is refused with nothing written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casemgmt import factories, workflow
from casemgmt.errors import NotPermitted
from casemgmt.models import (
    AgencyKind,
    AuditAction,
    AuditEvent,
    Case,
    CaseTeamMember,
    Placement,
    Programme,
    Stage,
    StageCustody,
    Transition,
)
from casemgmt.selectors.facilities import capacity_warning, occupancy
from casemgmt.services import placements

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def custody_programme(db):
    """Intake → prison (custodial) → community (not held), no gates, no approval."""
    programme = Programme.objects.create(name="Custody test", code="custody", legal_framework="L")
    stages = {}
    for order, (key, custody) in enumerate(
        [
            ("intake", StageCustody.KEPT),
            ("prison", StageCustody.HELD),
            ("community", StageCustody.NOT_HELD),
        ],
        start=1,
    ):
        stages[key] = Stage.objects.create(
            programme=programme,
            key=key,
            name=key.title(),
            order=order,
            kind="intake" if order == 1 else "custody",
            is_start=order == 1,
            custody=custody,
        )
    for a, b in [("intake", "prison"), ("prison", "community"), ("community", "prison")]:
        Transition.objects.create(programme=programme, from_stage=stages[a], to_stage=stages[b])
    return stages


@pytest.fixture
def world(custody_programme, agency, caseworker):
    case = factories.CaseFactory(
        programme=custody_programme["intake"].programme,
        current_stage=custody_programme["intake"],
        lead_agency=agency,
        assigned_caseworker=caseworker,
    )
    return {
        "case": case,
        "stages": custody_programme,
        "a": factories.FacilityFactory(name="Centre A", capacity=2),
        "b": factories.FacilityFactory(name="Centre B", capacity=1),
    }


def _admit(world, by, facility, **kwargs):
    return workflow.request_transition(
        case=world["case"],
        to_stage=world["stages"]["prison"],
        by=by,
        reason="Sentenced",
        facility=facility,
        **kwargs,
    )


def _nothing_written(case, before_events, before_placements, version):
    case.refresh_from_db()
    assert AuditEvent.objects.count() == before_events
    assert Placement.objects.count() == before_placements
    assert case.version == version


def test_occupancy_after_admit_transfer_release(world, caseworker):
    case, a, b = world["case"], world["a"], world["b"]
    _admit(world, caseworker, a)
    case.refresh_from_db()
    assert case.facility == a
    assert (occupancy(a), occupancy(b)) == (1, 0)

    placements.placement_transfer(
        case=case, by=caseworker, facility=b, moved_on=TODAY, reason="Closer to family"
    )
    case.refresh_from_db()
    assert case.facility == b
    assert (occupancy(a), occupancy(b)) == (0, 1)
    old, new = Placement.objects.filter(case=case).order_by("id")
    assert (old.ended_on, old.end_reason, new.started_on) == (TODAY, "Closer to family", TODAY)
    event = AuditEvent.objects.filter(action=AuditAction.PLACEMENT_TRANSFERRED).get()
    assert event.changes == {"facility": [a.pk, b.pk]}

    workflow.request_transition(
        case=case, to_stage=world["stages"]["community"], by=caseworker, reason="Released"
    )
    case.refresh_from_db()
    assert case.facility is None
    assert (occupancy(a), occupancy(b)) == (0, 0)
    assert not Placement.objects.current().filter(case=case).exists()
    release = AuditEvent.objects.filter(action=AuditAction.CASE_TRANSITION_APPLIED).latest("id")
    assert release.changes["facility"] == [b.pk, None]


def test_a_custodial_stage_needs_a_facility(world, caseworker):
    case = world["case"]
    before = (AuditEvent.objects.count(), Placement.objects.count(), case.version)
    with pytest.raises(ValidationError) as exc:
        _admit(world, caseworker, None)
    assert "choose the facility" in str(exc.value)
    _nothing_written(case, *before)
    case.refresh_from_db()
    assert case.current_stage == world["stages"]["intake"]


def test_a_placed_person_keeps_the_facility_on_a_custodial_move(world, caseworker, agency):
    case = world["case"]
    Case.objects.filter(pk=case.pk).update(facility=world["a"])
    Placement.objects.create(case=case, facility=world["a"], started_on=TODAY)
    _admit(world, caseworker, None)
    assert Placement.objects.filter(case=case).count() == 1
    assert occupancy(world["a"]) == 1


def test_a_full_facility_needs_confirmation(world, caseworker):
    case, b = world["case"], world["b"]
    factories.CaseFactory(facility=b)  # fills the one place
    before = (AuditEvent.objects.count(), Placement.objects.count(), case.version)
    with pytest.raises(ValidationError) as exc:
        _admit(world, caseworker, b)
    assert "confirm_over_capacity" in exc.value.message_dict
    assert "Centre B would hold 2 people for 1 places" in str(exc.value)
    _nothing_written(case, *before)

    _admit(world, caseworker, b, confirm=True)
    placement = Placement.objects.current().get(case=case)
    assert placement.over_capacity
    assert capacity_warning(b, adding=0)


def test_a_transfer_to_a_full_facility_needs_confirmation(world, caseworker):
    case, a, b = world["case"], world["a"], world["b"]
    _admit(world, caseworker, a)
    factories.CaseFactory(facility=b)
    case.refresh_from_db()
    before = (AuditEvent.objects.count(), Placement.objects.count(), case.version)
    with pytest.raises(ValidationError) as exc:
        placements.placement_transfer(
            case=case, by=caseworker, facility=b, moved_on=TODAY, reason="r"
        )
    assert "confirm_over_capacity" in exc.value.message_dict
    _nothing_written(case, *before)
    placements.placement_transfer(
        case=case, by=caseworker, facility=b, moved_on=TODAY, reason="r", confirm_over_capacity=True
    )
    assert occupancy(b) == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ("inactive", "facility", "Choose an active facility."),
        ("before_start", "moved_on", "cannot end before that"),
        ("future", "moved_on", "cannot be in the future"),
        ("same", "facility", "already held there"),
        ("no_reason", "reason", "Say why"),
    ],
)
def test_invalid_transfers_save_nothing(world, caseworker, change, field, message):
    case, a, b = world["case"], world["a"], world["b"]
    _admit(world, caseworker, a)
    case.refresh_from_db()
    kwargs = {"facility": b, "moved_on": TODAY, "reason": "r"}
    if change == "inactive":
        b.is_active = False
        b.save()
    elif change == "before_start":
        kwargs["moved_on"] = TODAY - datetime.timedelta(days=3)
    elif change == "future":
        kwargs["moved_on"] = TODAY + datetime.timedelta(days=1)
    elif change == "same":
        kwargs["facility"] = a
    else:
        kwargs["reason"] = " "
    before = (AuditEvent.objects.count(), Placement.objects.count(), case.version)
    with pytest.raises(ValidationError) as exc:
        placements.placement_transfer(case=case, by=caseworker, **kwargs)
    assert message in " ".join(exc.value.message_dict[field])
    _nothing_written(case, *before)


def test_a_transfer_of_a_person_not_placed_is_refused(world, caseworker):
    with pytest.raises(ValidationError, match="not placed"):
        placements.placement_transfer(
            case=world["case"], by=caseworker, facility=world["b"], moved_on=TODAY, reason="r"
        )


def test_a_user_without_the_location_class_cannot_place_or_transfer(world, agency):
    """A counselling caseworker on the team moves cases (legal and risk) but may not see
    facilities: they can neither choose one nor transfer, and nothing is written."""
    counselling = factories.AgencyFactory(kind=AgencyKind.COUNSELLING)
    case = world["case"]
    CaseTeamMember.objects.create(case=case, agency=counselling, role="counselling")
    counsellor = factories.CaseworkerFactory(agency=counselling)
    before = (AuditEvent.objects.count(), Placement.objects.count(), case.version)
    with pytest.raises(NotPermitted, match="where people are held"):
        _admit(world, counsellor, world["a"])
    with pytest.raises(NotPermitted, match="where people are held"):
        _admit(world, counsellor, None)
    _nothing_written(case, *before)


def test_a_pending_move_keeps_its_facility_until_approved(world, caseworker, supervisor):
    case, a = world["case"], world["a"]
    Transition.objects.filter(to_stage=world["stages"]["prison"]).update(requires_approval=True)
    move = _admit(world, caseworker, a)
    assert move.facility == a
    assert occupancy(a) == 0
    workflow.approve_transition(stage_transition=move, by=supervisor, reason="ok")
    case.refresh_from_db()
    assert case.facility == a
    placement = Placement.objects.current().get(case=case)
    assert placement.started_by == supervisor
    assert occupancy(a) == 1


def test_approval_counts_the_places_again_when_the_facility_filled_since(
    world, caseworker, supervisor, custody_programme, agency
):
    """B had its last place free when the move was requested; someone else took it before
    the approval: the approval is refused, names the facility, and changes nothing."""
    case, b = world["case"], world["b"]
    Transition.objects.filter(to_stage=world["stages"]["prison"]).update(requires_approval=True)
    move = _admit(world, caseworker, b)
    other = factories.CaseFactory(
        programme=custody_programme["intake"].programme,
        current_stage=custody_programme["intake"],
        lead_agency=agency,
    )
    other_move = workflow.request_transition(
        case=other,
        to_stage=custody_programme["prison"],
        by=caseworker,
        reason="Sentenced",
        facility=b,
    )
    workflow.approve_transition(stage_transition=other_move, by=supervisor, reason="ok")
    assert occupancy(b) == 1
    case.refresh_from_db()
    before = (AuditEvent.objects.count(), Placement.objects.count(), case.version)
    with pytest.raises(ValidationError, match="filled up after the move was requested"):
        workflow.approve_transition(
            stage_transition=move, by=supervisor, reason="ok", expected_version=case.version
        )
    _nothing_written(case, *before)
    move.refresh_from_db()
    assert move.status == "pending"
    assert occupancy(b) == 1


def test_approval_of_a_move_confirmed_over_capacity_goes_ahead(
    world, caseworker, supervisor, custody_programme, agency
):
    case, b = world["case"], world["b"]
    other = factories.CaseFactory(
        programme=custody_programme["intake"].programme,
        current_stage=custody_programme["intake"],
        lead_agency=agency,
    )
    workflow.request_transition(
        case=other,
        to_stage=custody_programme["prison"],
        by=caseworker,
        reason="Sentenced",
        facility=b,
    )
    Transition.objects.filter(to_stage=world["stages"]["prison"]).update(requires_approval=True)
    move = _admit(world, caseworker, b, confirm=True)
    workflow.approve_transition(stage_transition=move, by=supervisor, reason="ok")
    placement = Placement.objects.current().get(case=case)
    assert (placement.facility, placement.over_capacity) == (b, True)
    assert occupancy(b) == 2


def test_registration_with_a_facility_opens_a_placement(programme, agency, caseworker):
    from casemgmt.services import cases

    facility = factories.FacilityFactory(agency=agency)
    case = cases.case_open(
        by=caseworker,
        person=factories.PersonFactory(),
        programme=programme,
        lead_agency=agency,
        facility=facility,
    )
    assert Placement.objects.current().get(case=case).facility == facility
    assert occupancy(facility) == 1


def test_the_default_programme_marks_its_prison_stage_custodial(stages):
    assert stages["prison_rehabilitation"].custody == StageCustody.HELD
    assert stages["released"].custody == StageCustody.NOT_HELD
    assert stages["counselling"].custody == StageCustody.KEPT
